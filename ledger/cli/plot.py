"""One figure to a file (SPEC 8): calibration, discrimination, a question's timeline, scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from ledger.cli.context import Env, pass_env
from ledger.cli.options import PeriodFlags, period_options, scenario_option, window_of
from ledger.cli.output import shown
from ledger.cli.params import BadValue, QuestionRef
from ledger.core.errors import Refused

FORMATS = (".png", ".svg")


def _out(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """`--out FILE.png|.svg`, checked before any database is opened (exit 2 otherwise)."""
    if Path(value).suffix.lower() not in FORMATS:
        raise BadValue(f"--out {value!r}: the file name must end in .png or .svg", ctx=ctx, param=param)
    return value


def out_option(func: Callable) -> Callable:
    """`--out FILE.png|.svg` (required)."""
    return click.option("--out", "out", required=True, metavar="FILE.png|.svg", callback=_out,
                        help="Where to write the figure; PNG or SVG by the extension.")(func)


def analyst_option(func: Callable) -> Callable:
    """`--analyst HANDLE`: one forecaster instead of every person pooled."""
    return click.option("--analyst", metavar="HANDLE",
                        help="Only this analyst's forecasts (a person, a source or @team).")(func)


def _write(figure: Any, out: str) -> None:
    from ledger.reports.plots import save

    save(figure, out)
    click.echo(f"wrote {shown(out)}")


@click.group()
def plot() -> None:
    """Draw one figure (calibration, discrimination, timeline, scores) as PNG or SVG.

    \b
    Examples:
      ledger plot calibration --out calibration.png
      ledger plot timeline us-mali-minerals-deal --out minerals.svg
    """


@plot.command()
@analyst_option
@scenario_option
@period_options
@out_option
@pass_env
def calibration(env: Env, analyst: str | None, scenario: str | None, period_flags: PeriodFlags, out: str) -> None:
    """Reliability diagram: how often forecasts at each level came true, with "k of n happened".

    The period flags keep the questions resolved in that period, scored as of --as-of.

    \b
    Examples:
      ledger plot calibration --analyst amina --scenario sahel-2026 --out amina.png
      ledger plot calibration --period quarter --as-of 2027-01-01 --out q4.svg
    """
    from ledger.reports.plots import calibration_figure
    from ledger.store.dossiers import calibration_facts

    facts = calibration_facts(env.ledger(), analyst=analyst, scenario=scenario,
                              window_of=window_of(period_flags))
    _write(calibration_figure(facts.bins, facts.questions, subject=facts.subject), out)


@plot.command()
@analyst_option
@scenario_option
@period_options
@out_option
@pass_env
def discrimination(env: Env, analyst: str | None, scenario: str | None, period_flags: PeriodFlags, out: str) -> None:
    """Final forecasts on yes/no questions that resolved yes against those that resolved no.

    \b
    Example:
      ledger plot discrimination --out discrimination.svg
    """
    from ledger.reports.figure_data import final_forecasts
    from ledger.reports.plots import discrimination_figure
    from ledger.reports.report import Discrimination
    from ledger.store.dossiers import discrimination_facts

    facts = discrimination_facts(env.ledger(), analyst=analyst, scenario=scenario,
                                 window_of=window_of(period_flags))
    finals = final_forecasts(facts)
    summary = Discrimination.of([f.p_yes for f in finals], [f.happened for f in finals])
    _write(discrimination_figure(summary, subject=facts.subject), out)


@plot.command()
@click.argument("q", type=QuestionRef())
@out_option
@pass_env
def timeline(env: Env, q: str, out: str) -> None:
    """Question Q over time: each forecaster's steps, @team bold, evidence, amendments, outcome.

    \b
    Example:
      ledger plot timeline us-mali-minerals-deal --out minerals.png
    """
    from ledger.reports import figure_data
    from ledger.reports.plots import timeline_figure
    from ledger.store.dossiers import timeline_facts

    _write(timeline_figure(figure_data.timeline(timeline_facts(env.ledger(), q))), out)


@plot.command()
@analyst_option
@scenario_option
@click.option("--window", type=click.IntRange(min=1), default=10, show_default=True,
              help="Resolved questions in each rolling mean.")
@period_options
@out_option
@pass_env
def scores(env: Env, analyst: str | None, scenario: str | None, window: int, period_flags: PeriodFlags,
           out: str) -> None:
    """Each forecaster's rolling Brier score by when the outcomes became known.

    With --analyst, that analyst and @team beside it.

    \b
    Example:
      ledger plot scores --analyst amina --out amina-scores.png
    """
    from ledger.reports.figure_data import histories
    from ledger.reports.plots import scores_figure
    from ledger.store.dossiers import score_facts

    facts = score_facts(env.ledger(), analyst=analyst, scenario=scenario, window_of=window_of(period_flags))
    if not facts.pairs:  # an empty time axis would start in 1970
        raise Refused("nothing to plot: no scored questions (resolved, not annulled, with counted forecasts)")
    _write(scores_figure(histories(facts), window=window), out)
