"""Help texts and start-up weight: every command explains itself with a summary and an example
(STYLE 12), `--help` imports no heavy library, and `ledger forecast` stays off Alembic, the ORM
and the plotting stack (SPEC section 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ledger.cli.main import cli

HEAVY_FOR_HELP = ("sqlalchemy", "alembic", "matplotlib", "numpy", "jinja2", "yaml", "platformdirs")
HEAVY_FOR_FORECAST = ("alembic", "matplotlib", "numpy", "sqlalchemy.orm", "platformdirs")  # given --db

# Runs the CLI in a fresh interpreter for each argv given as JSON on the command line, and after
# each one prints which of the watched modules have been imported so far (cumulative).
PROBE = """
import json, sys
from ledger.cli.main import cli
argvs, watched = json.loads(sys.argv[1]), json.loads(sys.argv[2])
report = []
for argv in argvs:
    try:
        code = cli.main(argv, prog_name="ledger", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
    report.append({"argv": argv, "code": code, "loaded": [m for m in watched if m in sys.modules]})
print("PROBE " + json.dumps(report))
"""


def probe(argvs: list[list[str]], watched: tuple[str, ...], cwd: Path) -> list[dict]:
    """Run `argvs` one after another in a new interpreter; what each left in `sys.modules`."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argvs), json.dumps(list(watched))],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("PROBE ")][-1]
    return json.loads(line[len("PROBE "):])


def all_commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """The root group and every command and subcommand under it, depth first.

    Goes through `list_commands`/`get_command` rather than `.commands`, so lazily loaded
    commands are found too.
    """
    found = [(path, group)] if not path else []
    ctx = click.Context(group, info_name=path[-1] if path else "ledger")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"ledger {' '.join(path + (name,))} is listed but cannot be loaded"
        found.append((path + (name,), command))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, path + (name,)))
    return found


def summary(command: click.Command) -> str:
    return command.help.strip().splitlines()[0].strip() if command.help else ""


COMMANDS = all_commands()
LEAVES = [(p, c) for p, c in COMMANDS if not isinstance(c, click.Group)]
GROUPS = [(p, c) for p, c in COMMANDS if isinstance(c, click.Group)]


def ids(entry: tuple[tuple[str, ...], click.Command]) -> str:
    return " ".join(("ledger",) + entry[0])


def test_the_walk_finds_the_known_commands() -> None:
    paths = {p for p, _ in COMMANDS}
    for expected in [(), ("init",), ("info",), ("forecast",), ("db",), ("db", "upgrade"), ("db", "downgrade"),
                     ("db", "current"), ("verify",)]:
        assert expected in paths


@pytest.mark.parametrize("entry", COMMANDS, ids=[ids(e) for e in COMMANDS])
def test_help_exits_0_with_a_summary_line(entry: tuple[tuple[str, ...], click.Command]) -> None:
    path, command = entry
    assert command.help, f"ledger {' '.join(path)} has no help text"
    assert summary(command), "the first line of the help is empty"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert summary(command) in " ".join(result.output.split())


def test_root_help_lists_every_command_with_its_own_summary() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())  # the command list may wrap long summaries
    for path, command in COMMANDS:
        if len(path) == 1:
            assert f"{path[0]} {summary(command)}" in shown, f"ledger --help misstates {path[0]!r}"


def example_cases() -> list:
    return [pytest.param(entry, id=ids(entry)) for entry in COMMANDS]


@pytest.mark.parametrize("entry", example_cases())
def test_help_has_an_example(entry: tuple[tuple[str, ...], click.Command]) -> None:
    path, command = entry
    assert "Example" in (command.help or ""), f"ledger {' '.join(path)} --help shows no example"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert "Example" in result.output


def test_root_help_imports_no_heavy_library(tmp_path: Path) -> None:
    [report] = probe([["--help"]], HEAVY_FOR_HELP, tmp_path)
    assert report["code"] == 0
    assert report["loaded"] == []


def test_every_subcommand_help_imports_no_heavy_library(tmp_path: Path) -> None:
    argvs = [[*path, "--help"] for path, _ in COMMANDS if path]
    reports = probe(argvs, HEAVY_FOR_HELP, tmp_path)
    assert [r["argv"] for r in reports] == argvs
    for report in reports:
        assert report["code"] == 0, report
        assert report["loaded"] == [], f"ledger {' '.join(report['argv'])} imported {report['loaded']}"


def test_python_m_ledger_help(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ledger", "--help"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: ledger ")


def test_forecast_stays_off_alembic_the_orm_and_plotting(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    for args in (
        ["init"],
        ["--as", "ed", "scenario", "add", "sahel-2026", "--title", "Sahel"],
        ["--as", "ed", "question", "add", "--scenario", "sahel-2026", "--slug", "minerals",
         "--title", "Will the US and Mali sign a minerals agreement?", "--criteria", "Signed and announced.",
         "--closes", "2099-12-31"],
    ):
        result = runner.invoke(cli, ["--db", db, *args])
        assert result.exit_code == 0, result.output

    [report] = probe([["--db", db, "--as", "ed", "forecast", "minerals", "70%", "--why", "draft MoU"]],
                     HEAVY_FOR_FORECAST + ("sqlalchemy",), tmp_path)
    assert report["code"] in (0, None), report
    assert "sqlalchemy" in report["loaded"], "the probe did not reach the database"
    assert [m for m in report["loaded"] if m != "sqlalchemy"] == []

    info = runner.invoke(cli, ["--db", db, "info", "--json"])
    assert json.loads(info.stdout)["counts"]["forecasts"] == 1
