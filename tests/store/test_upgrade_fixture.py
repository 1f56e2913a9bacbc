"""The first release's ledger (tests/fixtures/v1, journal format 1, schema 0001, written by
release 0.1.0 with live writes, a CSV and a JSONL import and corrections) must upgrade after
every migration, verify with the heads that release printed, score the same, and take new
writes; tampering with its old rows is still caught. On PostgreSQL the same ledger is loaded
into a schema at revision 0001 first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text

from ledger.store import formats as fmt
from ledger.store.schema import DOMAIN_TABLES, journal

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "v1"
HEADS = [json.loads((FIXTURE / name).read_text())["head"] for name in ("head-after-csv.json", "info.json")]


def _load_into_postgres(url: str) -> None:
    """Copy the fixture's rows, journal included, into a PostgreSQL schema at revision 0001."""
    source = create_engine(f"sqlite:///{FIXTURE / 'ledger.db'}")
    target = create_engine(url)
    with source.connect() as src, target.begin() as dst:
        for table in (*DOMAIN_TABLES, journal):
            names = fmt.COLUMNS[1][table.name] if table is not journal else (
                "seq", "at", "kind", "actor", "payload", "prev_hash", "hash")
            rows = [dict(r._mapping) for r in src.execute(select(*[table.c[n] for n in names]))]
            if rows:
                dst.execute(insert(table), rows)
            if table is not journal:
                dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))
    source.dispose()
    target.dispose()


@pytest.fixture
def old(db_url, tmp_path):
    """The fixture ledger on each backend, still at schema 0001: a runner for it."""
    from tests.conftest import LedgerCli

    if db_url.startswith("postgresql"):
        runner = LedgerCli(db_url)
        runner("db", "upgrade", "0001", as_=None)
        _load_into_postgres(db_url)
        return runner
    path = tmp_path / "ledger.db"
    shutil.copy(FIXTURE / "ledger.db", path)
    return LedgerCli(str(path))


def test_the_first_release_ledger_upgrades_verifies_with_its_old_heads_and_scores_the_same(old):
    assert "schema revision 0001" in old("info", code=1).stderr  # refused until upgraded
    old("db", "upgrade", as_=None)
    for head in HEADS:
        result = old("verify", "--head", f"{head['seq']}:{head['hash']}")
        assert result.stdout.startswith(f"ok: {HEADS[-1]['seq']} entries")
    for by in ("analyst", "question", "all"):
        for method in ("time", "final"):
            got = old("score", "--by", by, "--method", method, "--as-of", "2100-01-01", "--json").stdout
            assert json.loads(got) == json.loads((FIXTURE / f"score-{by}-{method}.json").read_text()), (by, method)


def test_the_upgraded_ledger_takes_new_writes_in_format_2_and_still_verifies(old):
    old("db", "upgrade", as_=None)
    old("forecast", "h4", "60%", as_="amina")
    old("evidence", "add", "New note", "--question", "h4+", as_="jo")
    result = old("verify", "--head", f"{HEADS[-1]['seq']}:{HEADS[-1]['hash']}")
    assert result.stdout.startswith(f"ok: {HEADS[-1]['seq'] + 2} entries")
    engine = create_engine(old.url if "://" in old.url else f"sqlite:///{old.url}")
    with engine.connect() as conn:
        formats = [r[0] for r in conn.execute(text("SELECT format FROM journal ORDER BY seq"))]
    engine.dispose()
    assert formats == [1] * HEADS[-1]["seq"] + [2, 2]


def _tamper(run, *sql: str) -> str:
    run("db", "upgrade", as_=None)
    engine = create_engine(run.url if "://" in run.url else f"sqlite:///{run.url}")
    with engine.begin() as conn:
        for statement in sql:
            conn.execute(text(statement))
    engine.dispose()
    return run("verify", code=1).stderr


def _first_imported(run, table: str) -> int:
    engine = create_engine(run.url if "://" in run.url else f"sqlite:///{run.url}")
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT min(id) FROM {table} WHERE imported = :t"), {"t": True}).scalar_one()
    engine.dispose()
    return found


def test_an_edited_format_1_import_is_caught(old):
    fid = _first_imported(old, "forecasts")
    error = _tamper(old, f"UPDATE forecasts SET p = 0.5 WHERE id = {fid + 1}")
    assert "forecasts rows" in error and "a value differs from what was imported" in error


def test_a_deleted_format_1_import_row_is_caught_by_the_row_count(old):
    fid = _first_imported(old, "forecasts")
    error = _tamper(old, f"DELETE FROM forecasts WHERE id = {fid}")
    assert "1 row(s) missing (deleted)" in error


def test_a_new_column_set_on_an_old_live_row_is_caught(old):
    error = _tamper(old, "UPDATE analysts SET kind = 'source' WHERE handle = 'amina'")
    assert "analysts row" in error and "kind is 'source'" in error


def test_a_new_column_set_on_an_old_imported_row_is_caught(old):
    error = _tamper(old, "UPDATE analysts SET kind = 'source' WHERE handle = 'Jo Rivers'")
    assert "analysts row" in error and "kind is 'source'" in error
