"""Scores (SPEC 6)."""

from __future__ import annotations

import click

from ledger.cli.context import Env, emit_json_groups, json_option, pass_env
from ledger.cli.options import PeriodFlags, period_options, scenario_option, window_of
from ledger.cli.output import table
from ledger.core.timeutil import MICROS, format_instant


def _number(value: float | None, places: int = 4) -> str:
    return "-" if value is None else f"{value:.{places}f}"


@click.command()
@click.option("--by", type=click.Choice(["analyst", "question", "scenario", "tag", "all"]), default="analyst",
              show_default=True, help="How to group the (analyst, question) pairs.")
@click.option("--method", type=click.Choice(["time", "final"]), default="time", show_default=True,
              help="time: time-averaged over each forecast's standing; final: last forecast before the cutoff.")
@scenario_option
@click.option("--tag", help="Only questions with this tag.")
@period_options
@json_option
@pass_env
def score(env: Env, by: str, method: str, scenario: str | None, tag: str | None, period_flags: PeriodFlags,
          as_json: bool) -> None:
    """Brier, log loss, relative Brier, coverage and calibration of resolved questions.

    Brier is ½Σ(p−o)² over options, (p−o)² for yes/no, 0 to 1 (Good Judgment Open and Fatebook
    print twice this number). Lower is better, like log loss; relative Brier below 0 beats the
    median analyst. Scored as the ledger stood at --as-of (default now); --period or --from/--to
    keep the questions whose outcome became known in that period (`--period month --as-of
    2026-12-01`: November 2026; --from alone runs on to the as-of).

    \b
    Examples:
      ledger score
      ledger score --by tag --method final --json
      ledger score --period month --as-of 2026-12-01
      ledger score --as-of 2026-12-01 --from 2026-11-01 --to 2026-12-01
    """
    from ledger.store.plain import scored_plainly
    from ledger.store.scores import group_table, scored

    window_from = window_of(period_flags)
    got = scored_plainly(env.db, window_from, scenario=scenario, tag=tag)  # SQLite, without SQLAlchemy
    data, window = got if got is not None else scored(env.ledger(), window_from, scenario=scenario, tag=tag)
    groups = group_table(data, by=by, method=method)
    if as_json:
        doc = {"method": method, "by": by, "as_of": format_instant(data.as_of - data.as_of % MICROS)}
        if window.period is not None:
            doc["period"] = window.period.to_json()
        emit_json_groups(doc, groups)
        return
    if window.period is not None:
        click.echo(f"questions resolved in {window.period.label}, scored as of {format_instant(window.as_of)}")
    if not groups.key:
        click.echo("no scored questions (resolved, not annulled, with counted forecasts)")
        return
    ece = [s[0] if n else None for s, n in zip(groups.calibration.summary.tolist(), groups.calibration.total.tolist())]
    rows = [
        (key, n, _number(brier), _number(loss), _number(rel), _number(cover, 2), _number(e))
        for key, n, brier, loss, rel, cover, e in zip(groups.key, groups.questions, groups.brier, groups.log_loss,
                                                     groups.relative_brier, groups.coverage, ece)
    ]
    click.echo(table((by, "n", "brier", "log loss", "relative", "coverage", "ece"), rows))
