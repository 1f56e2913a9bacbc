"""`ledger report`: the periodic report (SPEC 8)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ledger.cli.context import Env, no_cyclic_gc, pass_env
from ledger.cli.options import PeriodFlags, period_options, scenario_option, to_period
from ledger.core.period import Period
from ledger.core.priority import PRIORITIES


@click.command()
@period_options(default="month")
@scenario_option
@click.option("--format", "fmt", default="html", show_default=True, metavar="html|md|json",
              help="html: one self-contained file; md: a folder with report.md and its figures; json: the data.")
@click.option("--out", type=click.Path(path_type=Path), metavar="PATH",
              help="Where to write (md: a folder; - for stdout) [default: reports/report-PERIOD.html, …].")
@click.option("--priority", type=click.Choice(PRIORITIES), default="low", show_default=True,
              envvar="LEDGER_REPORT_PRIORITY",
              help="low: run at idle CPU priority, so that analysts writing on this machine go first "
                   "(the report takes the processor they leave idle); normal: share it with them. "
                   "Also LEDGER_REPORT_PRIORITY.")
@pass_env
def report(env: Env, period_flags: PeriodFlags, scenario: str | None, fmt: str, out: Path | None,
           priority: str) -> None:
    """Write the periodic report: moves, evidence, resolutions, scores, calibration, scenarios.

    The period holds the moment just before --as-of (default now): `--period month --as-of
    2026-12-01` is November 2026. Same ledger, options and --as-of give the same bytes.

    \b
    Examples:
      ledger report
      ledger report --period quarter --as-of 2027-01-01 --format md
      ledger report --scenario sahel-2026 --format json --out sahel.json
      ledger report --priority normal
    """
    from ledger.reports.build import build_report
    from ledger.reports.drawer import Drawer
    from ledger.reports.render import renderer, write
    from ledger.store.plain import report_input_plainly

    renderer(fmt)  # an unknown format is bad input before the ledger is read
    if priority == "low":  # before the drawer is forked: it inherits the priority
        from ledger.core.priority import run_in_background

        run_in_background()
    # the figures' child process starts first, before any thread or connection: it gets matplotlib
    # ready while the ledger is read, and draws while the page is rendered
    with Drawer.started(fork=fmt != "json") as drawer:
        with no_cyclic_gc():  # the figures after it run with the collector: matplotlib makes cycles
            def period_of(now: int) -> Period:
                return to_period(period_flags, now)

            data = report_input_plainly(env.db, as_of=period_flags.as_of, scenario=scenario, period_of=period_of)
            if data is None:  # not a plain SQLite file (`ledger.store.plain`): through SQLAlchemy
                from ledger.store.report_data import read_report_input

                data = read_report_input(env.ledger(), as_of=period_flags.as_of, scenario=scenario,
                                         period_of=period_of)
            built = build_report(data, scenario=scenario, drawer=drawer)
        written = write(built, fmt, out, sys.stdout.buffer, drawer)
    if written is not None:
        click.echo(f"wrote {written}")
