"""Shared fixtures: a fresh ledger on SQLite (a tmp file) and, when `LEDGER_TEST_POSTGRES_URL`
is set, on PostgreSQL (a fresh database per test run, a fresh schema per test)."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ledger.cli.main import cli

PG_URL = os.environ.get("LEDGER_TEST_POSTGRES_URL")
# `ledger report` runs at idle CPU priority by default, for good: in-process, it would leave the
# test run itself there. Tests of that default run it in a child process, or say --priority.
os.environ["LEDGER_REPORT_PRIORITY"] = "normal"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """A database created for this test run on the PostgreSQL server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("LEDGER_TEST_POSTGRES_URL is not set")
    base = make_url(PG_URL)
    if base.drivername in ("postgresql", "postgres"):
        base = base.set(drivername="postgresql+psycopg")
    name = f"ledger_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_schema_url(server_url: str) -> tuple[str, str]:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{server_url}?options=-csearch_path%3D{schema}", schema


def _drop_schema(server_url: str, schema: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database (no schema yet), on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.db")
        return
    server = request.getfixturevalue("pg_server_url")
    url, schema = _pg_schema_url(server)
    yield url
    _drop_schema(server, schema)


@dataclass
class LedgerCli:
    """Runs `ledger` commands in-process against one database, checking exit codes.

    Attributes:
        url: the database.
        runner: click's test runner (stdout and stderr kept apart).
    """

    url: str
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, as_: str | None = "ed", code: int = 0, input: str | None = None) -> Result:
        argv = ["--db", self.url] + (["--as", as_] if as_ is not None else []) + list(args)
        result = self.runner.invoke(cli, argv, input=input, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"ledger {' '.join(args)} raised {result.exception!r}\n{result.output}") from result.exception
        assert result.exit_code == code, f"ledger {' '.join(args)} exited {result.exit_code}, wanted {code}:\n{result.output}"
        assert "Traceback" not in result.output
        return result

    def json(self, *args: str, as_: str | None = "ed") -> Any:
        """Run a read command with --json and parse its stdout."""
        return json.loads(self(*args, "--json", as_=as_).stdout)

    def state(self) -> tuple[dict[str, int], dict[str, Any]]:
        """Counts and journal head: what must not change after a refused command."""
        info = self.json("info")
        return info["counts"], info["head"]


@pytest.fixture
def run(db_url: str) -> LedgerCli:
    """A CLI runner on a freshly initialised ledger (no analysts yet)."""
    runner = LedgerCli(db_url)
    runner("init", as_=None)
    return runner


@pytest.fixture
def sahel(run: LedgerCli) -> LedgerCli:
    """A ledger with editor `ed`, analyst `amina`, scenario `sahel-2026`, a binary question
    `minerals` (#1, open) and a choice question `troops` (#2, options a, b, `3 or more`)."""
    run("scenario", "add", "sahel-2026", "--title", "US re-engagement with Mali and the Sahel")
    run("analyst", "add", "amina", "--name", "Amina D.")
    run(
        "question", "add", "--scenario", "sahel-2026", "--slug", "minerals",
        "--title", "Will the US and Mali sign a minerals agreement by end-2027?",
        "--criteria", "Yes if both governments announce a signed agreement on gold, lithium or uranium.",
        "--closes", "2099-12-31", "--tag", "minerals",
    )
    run(
        "question", "add", "--scenario", "sahel-2026", "--slug", "troops",
        "--title", "How many AES states will deploy a joint force?",
        "--criteria", "Count of member states with troops in the joint force on the close date.",
        "--closes", "2099-06-30", "--option", "a", "--option", "b", "--option", "3 or more",
    )
    return run


class FixedClock:
    """A real (not simulated) clock that reads whatever the test sets."""

    simulated = False

    def __init__(self, at: int) -> None:
        self.at = at

    def now(self, conn=None, postgres=False) -> int:
        return self.at
