"""The `ledger` command group: global options, error handling, and the command table."""

from __future__ import annotations

import click

from ledger import __version__
from ledger.cli.context import Env
from ledger.core.errors import LedgerError


class LedgerGroup(click.Group):
    """A group that turns `LedgerError`s into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--db",
    envvar="LEDGER_DB",
    metavar="URL",
    help="SQLAlchemy URL or SQLite file path [env LEDGER_DB; default: a file in your data directory].",
)
@click.option(
    "--as",
    "as_handle",
    envvar="LEDGER_ANALYST",
    metavar="HANDLE",
    help="Act as this analyst [env LEDGER_ANALYST; default: your login name].",
)
@click.version_option(__version__, prog_name="ledger")
@click.pass_context
def cli(ctx: click.Context, db: str | None, as_handle: str | None) -> None:
    """A forecast ledger: questions with resolution criteria, forecasts, evidence,
    resolutions and calibration scores, every write kept in a hash-chained journal.

    \b
    Example session:
      ledger init
      ledger scenario add sahel-2026 --title "US re-engagement with the Sahel"
      ledger question add --scenario sahel-2026 --title "Will the US and Mali sign a
          minerals agreement by 2027?" --criteria "Yes if ..." --closes 2027-12-31
      ledger forecast will-the-us-and-mali-sign-a-minerals-agreement-by-2027 likely
      ledger verify
    """
    env = Env(db=db, as_handle=as_handle)
    ctx.obj = env
    ctx.call_on_close(env.close)


def _register() -> None:
    from ledger.cli import admin, entries, people, questions

    for module in (admin, people, questions, entries):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ledger")
