"""Schema migrations: the revision constant, upgrade/downgrade on both backends, no drift between
`ledger.store.schema` and `migrations/`, SQLite connection settings, and how commands behave on a
missing, out-of-date or unreachable database (exit 1, one `error:` line, never a silent migration)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from ledger.cli.main import cli
from ledger.store import migrate
from ledger.store.ledger import Ledger
from ledger.store.revisions import SCHEMA_REVISION
from ledger.store.schema import metadata

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nope"
LEDGER_TABLES = set(metadata.tables)


def ledger_cli(url: str, *args: str, as_: str | None = "ed") -> Result:
    """Run `ledger --db URL [--as HANDLE] ARGS...` in-process; never lets an exception escape."""
    argv = ["--db", url] + (["--as", as_] if as_ else []) + list(args)
    result = CliRunner().invoke(cli, argv, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"ledger {' '.join(args)} raised {result.exception!r}\n{result.output}"
    )
    assert "Traceback" not in result.output
    return result


def expect(result: Result, code: int) -> Result:
    assert result.exit_code == code, f"exited {result.exit_code}, wanted {code}:\n{result.output}"
    return result


@pytest.fixture
def ledger(db_url: str):
    """A `Ledger` on the empty database (no schema yet), closed afterwards."""
    opened = Ledger(db_url)
    yield opened
    opened.close()


def table_names(ledger: Ledger) -> set[str]:
    return set(inspect(ledger.engine).get_table_names())


def drift(ledger: Ledger) -> list:
    """What `alembic check` would report: differences between the models and the database."""
    with ledger.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def version_num(ledger: Ledger) -> str | None:
    with ledger.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# -- revisions ------------------------------------------------------------------------------


def test_schema_revision_is_the_migrations_head() -> None:
    assert SCHEMA_REVISION == migrate.head_revision()


def test_migrations_form_one_linear_history() -> None:
    scripts = ScriptDirectory(str(migrate.migrations_dir()))
    assert scripts.get_heads() == [SCHEMA_REVISION]
    assert len(scripts.get_bases()) == 1


# -- upgrade, drift, downgrade (both backends) ---------------------------------------------------


def test_upgrade_from_empty_creates_every_table(db_url: str, ledger: Ledger) -> None:
    assert table_names(ledger) == set()

    assert migrate.upgrade(ledger) == SCHEMA_REVISION

    tables = table_names(ledger)
    assert LEDGER_TABLES <= tables, f"missing: {sorted(LEDGER_TABLES - tables)}"
    assert tables - LEDGER_TABLES == {"alembic_version"}
    assert version_num(ledger) == SCHEMA_REVISION
    result = expect(ledger_cli(db_url, "db", "current"), 0)
    assert result.stdout == f"{SCHEMA_REVISION} (current)\n"


def test_models_and_migrations_do_not_drift(ledger: Ledger) -> None:
    migrate.upgrade(ledger)
    assert drift(ledger) == []


def test_downgrade_to_base_and_upgrade_again(ledger: Ledger) -> None:
    migrate.upgrade(ledger)

    assert migrate.downgrade(ledger, "base") is None
    assert table_names(ledger) <= {"alembic_version"}

    assert migrate.upgrade(ledger) == SCHEMA_REVISION
    assert LEDGER_TABLES <= table_names(ledger)
    assert drift(ledger) == []


def test_every_revision_upgrades_and_downgrades_one_step_at_a_time(ledger: Ledger) -> None:
    scripts = ScriptDirectory(str(migrate.migrations_dir()))
    revisions = [s.revision for s in reversed(list(scripts.walk_revisions()))]  # base first
    assert revisions[-1] == SCHEMA_REVISION

    for revision in revisions:
        assert migrate.upgrade(ledger, revision) == revision
    assert drift(ledger) == []
    for previous in reversed([None] + revisions[:-1]):
        assert migrate.downgrade(ledger, previous or "base") == previous
    assert table_names(ledger) <= {"alembic_version"}


def test_init_then_init_again_is_up_to_date(db_url: str) -> None:
    first = expect(ledger_cli(db_url, "init", as_=None), 0)
    assert "created ledger" in first.stdout
    assert f"(schema {SCHEMA_REVISION})" in first.stdout

    again = expect(ledger_cli(db_url, "init", as_=None), 0)
    assert "up to date" in again.stdout
    assert f"(schema {SCHEMA_REVISION})" in again.stdout

    info = json.loads(expect(ledger_cli(db_url, "info", "--json"), 0).stdout)
    assert info["revision"] == SCHEMA_REVISION
    assert set(info["counts"].values()) == {0}  # init registers no one


def test_downgrade_base_with_history_needs_yes(sahel) -> None:
    before = sahel.state()

    refused = sahel("db", "downgrade", "base", code=1)
    assert "--yes" in refused.stderr
    assert refused.stderr.startswith("error: ")
    assert sahel.state() == before  # nothing dropped

    sahel("db", "downgrade", "base", "--yes")
    ledger = Ledger(sahel.url)
    try:
        assert table_names(ledger) <= {"alembic_version"}
    finally:
        ledger.close()
    assert "ledger init" in sahel("info", code=1).stderr


# -- SQLite connection settings ------------------------------------------------------------


def test_sqlite_init_sets_wal_and_ledger_connections_enforce_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    expect(ledger_cli(str(path), "init", as_=None), 0)

    raw = sqlite3.connect(path)  # WAL is a property of the file: any connection sees it
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()

    ledger = Ledger(str(path))
    try:
        with ledger.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
        with ledger.reading() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # ...and enforced: a role row for an analyst that does not exist is rejected.
        with pytest.raises(IntegrityError), ledger.engine.connect().execution_options(ledger_write=True) as conn, conn.begin():
            conn.execute(
                text(
                    "INSERT INTO analyst_roles (analyst_id, role, active, changed_at) "
                    "VALUES (4242, 'analyst', 1, 0)"
                )
            )
    finally:
        ledger.close()


def test_sqlite_foreign_keys_back_on_after_a_migration(tmp_path: Path) -> None:
    ledger = Ledger(str(tmp_path / "ledger.db"))
    try:
        migrate.upgrade(ledger)  # runs with foreign keys off on its connection
        for _ in range(3):  # whichever pooled connection comes back
            with ledger.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        ledger.close()


# -- missing, out-of-date and unreachable ledgers -------------------------------------------

NON_INIT_COMMANDS = [
    ("info",),
    ("info", "--json"),
    ("verify",),
    ("analyst", "list"),
    ("question", "list"),
    ("forecast", "minerals", "70%"),
]


@pytest.mark.parametrize("args", NON_INIT_COMMANDS, ids=" ".join)
def test_commands_on_an_uninitialised_ledger_say_to_run_init(db_url: str, args: tuple[str, ...]) -> None:
    result = expect(ledger_cli(db_url, *args), 1)
    assert result.stderr.startswith("error: ")
    assert "ledger init" in result.stderr
    assert result.stdout == ""
    if "://" not in db_url:
        assert not Path(db_url).exists(), "a read of a missing ledger must not create the file"


def test_info_does_not_create_a_missing_sqlite_file_or_folder(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "ledger.db"
    result = expect(ledger_cli(str(path), "info"), 1)
    assert "ledger init" in result.stderr
    assert not (tmp_path / "not").exists()
    result = expect(ledger_cli(f"sqlite:///{path}", "info"), 1)
    assert "ledger init" in result.stderr
    assert not (tmp_path / "not").exists()


def test_out_of_date_schema_is_refused_and_never_migrated_silently(sahel, monkeypatch) -> None:
    # Only one revision exists so far: pretend "0000" is an older one this version knows.
    monkeypatch.setattr("ledger.store.engine.KNOWN_REVISIONS", ("0000", SCHEMA_REVISION))
    ledger = Ledger(sahel.url)
    try:
        with ledger.engine.connect().execution_options(ledger_write=True) as conn, conn.begin():
            conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
        assert version_num(ledger) == "0000"

        for args in (("info",), ("info", "--json"), ("forecast", "minerals", "70%"), ("question", "list")):
            result = sahel(*args, code=1)
            assert result.stderr.startswith("error: ")
            assert "ledger db upgrade" in result.stderr, result.stderr
            assert "0000" in result.stderr
            assert result.stdout == ""

        assert version_num(ledger) == "0000"
        with ledger.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM forecasts")).scalar() == 0
        current = sahel("db", "current")
        assert current.stdout.startswith("0000 ")
        assert SCHEMA_REVISION in current.stdout
    finally:
        ledger.close()


def test_unknown_schema_revision_says_ledger_is_newer(sahel) -> None:
    ledger = Ledger(sahel.url)
    try:
        with ledger.engine.connect().execution_options(ledger_write=True) as conn, conn.begin():
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        result = sahel("info", code=1)
        assert "9999" in result.stderr and "newer ledger" in result.stderr
        assert "Traceback" not in sahel("db", "upgrade", code=1).stderr
    finally:
        ledger.close()


def test_known_revisions_match_migrations() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from ledger.store.migrate import migrations_dir
    from ledger.store.revisions import KNOWN_REVISIONS

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    walked = [rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()]
    assert tuple(reversed(walked)) == KNOWN_REVISIONS


@pytest.mark.parametrize("args", [("info",), ("init",), ("info", "--json"), ("db", "current")], ids=" ".join)
def test_unreachable_database_is_one_error_line(args: tuple[str, ...]) -> None:
    result = expect(ledger_cli(UNREACHABLE, *args), 1)
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr


def test_sqlite_reads_are_query_only(tmp_path: Path) -> None:
    """A read transaction cannot write, even by mistake (SPEC 2: reads never take the write lock)."""
    from ledger.core.errors import LedgerError

    ledger = Ledger(str(tmp_path / "ledger.db"))
    try:
        migrate.upgrade(ledger)
        with pytest.raises(LedgerError, match="readonly"), ledger.reading() as conn:
            conn.execute(text("INSERT INTO analysts (handle, created_at, kind) VALUES ('x', 0, 'person')"))
        with ledger.writing("ed") as tx:  # and the pooled connection writes again when asked to
            assert tx.actor.role == "editor"
    finally:
        ledger.close()
