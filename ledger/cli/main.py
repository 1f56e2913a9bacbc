"""The `ledger` command group: global options, error handling, and the command table.

Commands are loaded lazily from the table below, so `ledger --help` imports click and nothing
heavy; a test keeps each one-line summary equal to its command's own help.
"""

from __future__ import annotations

import importlib

import click

from ledger import __version__
from ledger.core.errors import LedgerError

#: name -> (module, attribute, one-line summary shown by `ledger --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("ledger.cli.admin", "init", "Create the ledger, or upgrade its schema to this version."),
    "info": ("ledger.cli.admin", "info", "Where the ledger is, its schema revision, counts and journal head."),
    "db": ("ledger.cli.admin", "db", "Schema revisions: upgrade, downgrade, current."),
    "verify": ("ledger.cli.admin", "verify", "Re-check the journal's hash chain and every row against it."),
    "copy": ("ledger.cli.copying", "copy_", "Copy the whole ledger, journal included, into the empty database DEST_URL."),
    "backup": ("ledger.cli.copying", "backup", "Back up a SQLite ledger into FILE, consistently, while others write."),
    "analyst": ("ledger.cli.people", "analyst", "Analysts and editors."),
    "scenario": ("ledger.cli.questions", "scenario", "Scenarios: the narratives whose predicted trends become questions."),
    "question": ("ledger.cli.questions", "question", "Questions: tracked forecast targets with resolution criteria."),
    "forecast": ("ledger.cli.entries", "forecast", "Record your forecast on question Q now."),
    "withdraw": ("ledger.cli.entries", "withdraw",
                 "Withdraw forecast FORECAST_ID: its author within 15 minutes, or an editor for a source's."),
    "evidence": ("ledger.cli.entries", "evidence_group", "Evidence: what was observed, linked to questions with a stance."),
    "resolve": ("ledger.cli.entries", "resolve", "Resolve question Q: yes, no, an option name, or annulled (editors only)."),
    "score": ("ledger.cli.scores", "score", "Brier, log loss, relative Brier, coverage and calibration of resolved questions."),
    "report": ("ledger.cli.report", "report",
               "Write the periodic report: moves, evidence, resolutions, scores, calibration, scenarios."),
    "import": ("ledger.cli.transfer", "import_", "Import history from FILE, all or nothing (editors only)."),
    "export": ("ledger.cli.transfer", "export", "Export the whole ledger (jsonl: everything; csv: one row per yes/no forecast)."),
    "plot": ("ledger.cli.plot", "plot", "Draw one figure (calibration, discrimination, timeline, scores) as PNG or SVG."),
    "review": ("ledger.cli.review", "review", "Editors' views: a question's dossier, the due list, an analyst's record."),
    "todo": ("ledger.cli.todo", "todo", "Your queue: open questions to forecast or update, and those closing soon."),
    "demo": ("ledger.cli.demo", "demo", "Build a demo ledger from the bundled Sahel scenario and write its report."),
}


class LedgerGroup(click.Group):
    """Loads commands on demand, turns `LedgerError`s into one line on stderr and their exit code,
    escapes user text in usage errors, and says where a global option given too late goes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = COMMANDS.get(name)
        if spec is None:
            return None
        return getattr(importlib.import_module(spec[0]), spec[1])

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, _, summary) in COMMANDS.items()])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["ledger.argv"] = list(args)  # for the hint about a global option given too late
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as exc:
            raise _global_option_hint(ctx, exc) from None
        except click.ClickException as exc:  # click quotes some user text raw (extra arguments)
            from ledger.cli.output import shown

            exc.message = shown(exc.message, block=True)
            raise
        except LedgerError as exc:
            from ledger.cli.output import shown

            click.echo(f"error: {shown(exc, block=True)}", err=True)
            ctx.exit(exc.exit_code)
        except UnicodeEncodeError:  # undecodable bytes in an argument reached the database driver
            click.echo("error: an argument is not valid UTF-8 text; nothing was written", err=True)
            ctx.exit(2)


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
      ledger question add --scenario sahel-2026 --slug us-mali-minerals-deal \\
          --title "Will the US and Mali sign a minerals agreement by 2027?" \\
          --criteria "Yes if both governments announce a signed agreement." --closes 2027-12-31
      ledger forecast us-mali-minerals-deal likely --why "Envoy visits"
      ledger verify
    """
    from ledger.cli.context import Env

    env = Env(db=db, as_handle=as_handle)
    ctx.obj = env
    ctx.call_on_close(env.close)


def _global_option_hint(ctx: click.Context, exc: click.NoSuchOption) -> click.NoSuchOption:
    """A global option given after the command (`forecast q 70% --as amina`) is named with where it
    goes, using the user's own value; any other unknown option stays as click named it."""
    option = next((p for p in ctx.command.params if exc.option_name in getattr(p, "opts", ())), None)
    if not isinstance(option, click.Option) or exc.ctx is None:
        return exc
    name = exc.option_name
    value = "" if option.is_flag else " " + _value_given(ctx.meta.get("ledger.argv", []), name, option.metavar)
    command = "" if option.is_eager else " " + " ".join(exc.ctx.command_path.split()[1:]) + " ..."
    message = f"No such option '{name}': global options go before the command: ledger {name}{value}{command}"
    return click.NoSuchOption(name, message=message, ctx=exc.ctx)


def _value_given(argv: list[str], name: str, metavar: str | None) -> str:
    """The value given with the last `name` in `argv` (`--as amina`, `--as=amina`), shell-quoted."""
    import shlex

    from ledger.cli.output import shown

    given = [i for i, token in enumerate(argv) if token == name or token.startswith(name + "=")]
    if given and "=" in argv[given[-1]]:
        return shown(shlex.quote(argv[given[-1]].split("=", 1)[1]))
    if given and given[-1] + 1 < len(argv):
        return shown(shlex.quote(argv[given[-1] + 1]))
    return metavar or "VALUE"


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ledger")
