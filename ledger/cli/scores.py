"""Scores (SPEC 6)."""

from __future__ import annotations

import click

from ledger.cli.context import Env, emit_json, json_option, pass_env
from ledger.cli.output import table
from ledger.core.errors import BadInput
from ledger.core.timeutil import MICROS, format_instant, parse_instant


def _number(value: float | None, places: int = 4) -> str:
    return "-" if value is None else f"{value:.{places}f}"


@click.command()
@click.option("--by", type=click.Choice(["analyst", "question", "scenario", "tag", "all"]), default="analyst",
              show_default=True, help="How to group the (analyst, question) pairs.")
@click.option("--method", type=click.Choice(["time", "final"]), default="time", show_default=True,
              help="time: time-averaged over each forecast's standing; final: last forecast before the cutoff.")
@click.option("--scenario", "scenario_slug", metavar="SLUG", help="Only this scenario's questions.")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--as-of", "as_of", metavar="DATE", help="Score as the ledger stood then (default: now).")
@click.option("--from", "known_from", metavar="DATE", help="Only questions whose outcome became known from then...")
@click.option("--to", "known_to", metavar="DATE", help="...until (not including) then.")
@json_option
@pass_env
def score(env: Env, by: str, method: str, scenario_slug: str | None, tag: str | None, as_of: str | None,
          known_from: str | None, known_to: str | None, as_json: bool) -> None:
    """Brier, log loss, relative Brier, coverage and calibration of resolved questions.

    Brier is ½Σ(p−o)² over options, (p−o)² for yes/no, 0 to 1 (Good Judgment Open and Fatebook
    print twice this number). Lower is better, like log loss; relative Brier below 0 beats the
    median analyst.

    \b
    Examples:
      ledger score
      ledger score --by tag --method final --json
      ledger score --as-of 2026-12-01 --from 2026-11-01 --to 2026-12-01
    """
    from ledger.store.scores import load, score_groups

    moment = parse_instant(as_of, what="--as-of") if as_of else None  # None: the read's own now
    start = parse_instant(known_from, what="--from") if known_from else None
    end = parse_instant(known_to, what="--to") if known_to else None
    if start is not None and end is not None and end <= start:
        raise BadInput("--to must be after --from")
    data = load(env.ledger(), as_of=moment, scenario=scenario_slug, tag=tag, known_from=start, known_to=end)
    groups = score_groups(data, by=by, method=method)
    if as_json:
        emit_json({"method": method, "by": by, "as_of": format_instant(data.as_of - data.as_of % MICROS),
                   "groups": groups})
        return
    if not groups:
        click.echo("no scored questions (resolved, not annulled, with counted forecasts)")
        return
    rows = [
        (g["key"], g["questions"], _number(g["brier"]), _number(g["log_loss"]), _number(g["relative_brier"]),
         _number(g["coverage"], 2), _number(g["calibration"]["ece"]))
        for g in groups
    ]
    click.echo(table((by, "n", "brier", "log loss", "relative", "coverage", "ece"), rows))
