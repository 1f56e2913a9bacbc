"""`ledger copy DEST_URL` (SPEC 5, issue 9): the whole ledger, journal included, into an empty
database, SQLite and PostgreSQL both ways. Every row keeps its id and its exact value, the journal
its entries and hashes, so the heads the first release printed still verify on every copy, scores
do not move, and the copy takes new writes. A destination that is not empty is refused untouched;
a copy that fails leaves the destination empty."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ledger.core.errors import LedgerError
from ledger.store import copy as copy_module
from tests.conftest import LedgerCli
from tests.store.ledgers import OLD_HEADS, FIXTURE, empty_pg, execute, sa_url, table_names, table_rows, v1_ledger

SCORES = [(by, method) for by in ("analyst", "question", "all") for method in ("time", "final")]


def scores(run: LedgerCli) -> list[str]:
    return [run("score", "--by", by, "--method", method, "--as-of", "2100-01-01", "--json").stdout
            for by, method in SCORES]


def assert_same_ledger(copy: LedgerCli, source_rows: dict, source_scores: list[str]) -> None:
    """Every row of every table identical, both old heads verify, the same scores."""
    assert table_rows(copy.url) == source_rows
    for head in OLD_HEADS:
        result = copy("verify", "--head", f"{head['seq']}:{head['hash']}")
        assert result.stdout == f"ok: {OLD_HEADS[-1]['seq']} entries, head {OLD_HEADS[-1]['seq']}:{OLD_HEADS[-1]['hash']}\n"
        assert f"entry {head['seq']} matches the quoted head" in result.stderr
    assert scores(copy) == source_scores


def assert_takes_a_new_write(copy: LedgerCli) -> None:
    """A live write on the copy gets fresh ids (PostgreSQL sequences moved past the copied ids)."""
    copy("forecast", "h4", "60%", as_="amina")
    copy("evidence", "add", "New note", "--question", "h4+", as_="jo")
    result = copy("verify", "--head", f"{OLD_HEADS[-1]['seq']}:{OLD_HEADS[-1]['hash']}")
    assert result.stdout.startswith(f"ok: {OLD_HEADS[-1]['seq'] + 2} entries")


def test_the_first_release_ledger_goes_to_postgresql_and_back_unchanged(tmp_path, pg_server_url):
    source = v1_ledger(tmp_path)
    rows, score = table_rows(source.url), scores(source)
    assert [json.loads(s) for s in score[:2]] == [
        json.loads((FIXTURE / f"score-analyst-{m}.json").read_text()) for m in ("time", "final")]
    with empty_pg(pg_server_url) as pg_url:
        to_pg = source("copy", pg_url)
        assert f"head      {OLD_HEADS[-1]['seq']}:{OLD_HEADS[-1]['hash']}  (the same on both)" in to_pg.stdout
        on_pg = LedgerCli(pg_url)
        assert_same_ledger(on_pg, rows, score)

        back = LedgerCli(str(tmp_path / "back" / "ledger.db"))  # a folder that does not exist yet
        on_pg("copy", back.url)
        assert_same_ledger(back, rows, score)

        assert_takes_a_new_write(on_pg)
        assert_takes_a_new_write(back)
        assert "forecasts 21" in on_pg("info").stdout and "forecasts 21" in back("info").stdout


def test_postgresql_to_postgresql(tmp_path, pg_server_url):
    source = v1_ledger(tmp_path)
    rows, score = table_rows(source.url), scores(source)
    with empty_pg(pg_server_url) as first, empty_pg(pg_server_url) as second:
        source("copy", first)
        LedgerCli(first)("copy", second)
        assert_same_ledger(LedgerCli(second), rows, score)
        assert_takes_a_new_write(LedgerCli(second))


def test_sqlite_to_sqlite_says_what_it_copied(tmp_path):
    source = v1_ledger(tmp_path / "a")
    rows, score = table_rows(source.url), scores(source)
    dest = tmp_path / "b.db"
    result = source("copy", str(dest))
    head = f"{OLD_HEADS[-1]['seq']}:{OLD_HEADS[-1]['hash']}"
    assert result.stdout.splitlines() == [
        f"copied sqlite:///{source.url} to sqlite:///{dest} (schema 0002)",
        "rows      analysts 7 · analyst_roles 9 · scenarios 1 · questions 9 · question_tags 4 · question_amendments 0"
        " · evidence 4 · evidence_links 6 · forecasts 20 · forecast_evidence 4 · withdrawals 0 · resolutions 10"
        " · resolution_evidence 1 · imports 2 · batch_locators 0 · journal 29",
        f"head      {head}  (the same on both)",
        f"ok: 29 entries, head {head} (the copy verifies)",
    ]
    copy = LedgerCli(str(dest))
    assert_same_ledger(copy, rows, score)
    assert_takes_a_new_write(copy)


def test_the_json_report(tmp_path):
    source = v1_ledger(tmp_path / "a")
    got = json.loads(source("copy", str(tmp_path / "b.db"), "--json").stdout)
    assert got["destination"] == f"sqlite:///{tmp_path / 'b.db'}" and got["revision"] == "0002"
    assert got["rows"]["forecasts"] == 20 and got["rows"]["journal"] == 29 and got["verified"] is True
    assert got["head"] == OLD_HEADS[-1]
    assert list(got["rows"]) == [t.name for t in copy_module.TABLES]


def test_every_table_is_copied():
    from ledger.store.schema import metadata

    assert sorted(t.name for t in copy_module.TABLES) == sorted(metadata.tables)
    seen: set[str] = set()
    for table in copy_module.TABLES:  # parents first
        assert {fk.column.table.name for fk in table.foreign_keys} <= seen | {table.name}, table.name
        seen.add(table.name)


# Values at the edges of what each type holds, written behind the ledger's back (so the copies
# run with --no-verify): they must arrive bit for bit, both ways. (Not -0.0: SQLite itself stores
# an integral REAL as an integer and reads -0.0 back as 0.0; the ledger reads "-0" as 0 anyway.)
ODD_FLOATS = [5e-324, 2.2250738585072014e-308, 0.1 + 0.2, 1 / 3, 0.0, 1.0, 0.9999999999999999, 1e308,
              1.7976931348623157e308]
ODD_TEXT = ["é ✓ 𝔘 ∞ \u200b", "tab\there\nline\r\nback\\slash", "\x1b[31mred\x1b[0m", "'quoted' \"double\" ,;|", "", None]


def _odd_values(url: str) -> None:
    statements = []
    for i, p in enumerate(ODD_FLOATS):
        rationale = ODD_TEXT[i % len(ODD_TEXT)]
        made_at = [2**62 + 1, -(2**62), 1, 1_767_225_600_123_456][i % 4]
        statements.append(
            "INSERT INTO forecasts (id, question_id, analyst_id, made_at, p, probs, rationale, imported) VALUES "
            f"({2_000_000_000 + i}, 1, 1, {made_at}, {p!r}, NULL, {_sql(rationale)}, {'TRUE' if i % 2 else 'FALSE'})")
    statements.append("INSERT INTO batch_locators (id, entry_seq, table_name, first_id, data) VALUES "
                      f"(7, 1, 'forecasts', 1, {_blob(bytes(range(256)))})")
    execute(url, *statements)


def _sql(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _blob(data: bytes) -> str:
    return f"X'{data.hex()}'"


def test_every_value_survives_exactly_both_ways(tmp_path, pg_server_url):
    source = v1_ledger(tmp_path)
    _odd_values(source.url)
    rows = table_rows(source.url)
    assert [r[4] for r in rows["forecasts"][-len(ODD_FLOATS):]] == [("float", p.hex()) for p in ODD_FLOATS]
    with empty_pg(pg_server_url) as pg_url:
        source("copy", pg_url, "--no-verify")
        assert table_rows(pg_url) == rows
        back = tmp_path / "back.db"
        LedgerCli(pg_url)("copy", str(back), "--no-verify")
        assert table_rows(str(back)) == rows
        LedgerCli(pg_url)("forecast", "h4", "60%", as_="amina")  # the id after 2,000,000,008
        engine = create_engine(pg_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT max(id) FROM forecasts")).scalar() == 2_000_000_009
        engine.dispose()


def test_every_value_survives_exactly_sqlite_to_sqlite(tmp_path):
    source = v1_ledger(tmp_path)
    _odd_values(source.url)
    result = source("copy", str(tmp_path / "b.db"), "--no-verify")
    assert "the copy was not verified (--no-verify)" in result.stderr
    assert table_rows(str(tmp_path / "b.db")) == table_rows(source.url)


def test_a_source_that_does_not_verify_is_not_copied_unless_no_verify(tmp_path, db_url):
    source = v1_ledger(tmp_path)
    execute(source.url, "UPDATE forecasts SET p = 0.5 WHERE id = 1")
    error = source("copy", db_url, code=1).stderr
    assert error.startswith("error: the copy does not verify, so nothing was written")
    assert "forecasts row 1" in error
    assert table_names(db_url) == []
    source("copy", db_url, "--no-verify")
    assert table_rows(db_url) == table_rows(source.url)


# -- refusals and failures -------------------------------------------------------------------


@pytest.mark.parametrize("holding", ["an empty ledger", "a ledger", "another table"])
def test_a_destination_that_is_not_empty_is_refused_and_left_untouched(tmp_path, db_url, holding):
    source = v1_ledger(tmp_path)
    dest = LedgerCli(db_url)
    if holding == "another table":
        execute(db_url, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO notes VALUES (1, 'keep me')")
    else:
        dest("init", as_=None)
        if holding == "a ledger":
            dest("scenario", "add", "s", "--title", "S")
    before = table_names(db_url), (table_rows(db_url) if holding != "another table" else None)
    error = source("copy", db_url, code=1).stderr
    where = db_url if "://" in db_url else f"sqlite:///{db_url}"
    assert error.startswith(f"error: the destination {where} is not empty (it holds ")
    assert error.rstrip().endswith("`ledger copy` writes only into an empty database; nothing was written")
    assert (table_names(db_url), (table_rows(db_url) if holding != "another table" else None)) == before
    if holding == "another table":
        engine = create_engine(sa_url(db_url))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, body FROM notes")).all() == [(1, "keep me")]
        engine.dispose()


def test_an_unreachable_destination_exits_1_naming_it_without_the_password(tmp_path):
    source = v1_ledger(tmp_path)
    error = source("copy", "postgresql+psycopg://ed:s3cret@127.0.0.1:1/ledger", code=1).stderr
    assert error.startswith("error: cannot use the database at postgresql+psycopg://ed:***@127.0.0.1:1/ledger: ")
    assert "s3cret" not in error and "Traceback" not in error
    error = source("copy", "mysql://ed:s3cret@127.0.0.1/ledger", code=1).stderr
    assert "cannot use database URL 'mysql://ed:***@127.0.0.1/ledger'" in error and "s3cret" not in error


def test_a_destination_that_is_not_a_database_is_refused(tmp_path):
    source = v1_ledger(tmp_path)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database, just some notes\n" * 100)
    error = source("copy", str(junk), code=1).stderr
    assert error.startswith("error: ") and str(junk) in error and "not a database" in error
    assert junk.read_text() == "not a database, just some notes\n" * 100


def test_a_copy_interrupted_by_an_error_leaves_the_destination_empty(tmp_path, db_url, monkeypatch):
    source = v1_ledger(tmp_path)
    real = copy_module._chunks

    def failing(conn, table, names):
        for n, chunk in enumerate(real(conn, table, names)):
            if table.name == "forecasts" and n == 1:
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            yield chunk

    monkeypatch.setattr(copy_module, "CHUNK", 5)
    monkeypatch.setattr(copy_module, "_chunks", failing)
    error = source("copy", db_url, code=1).stderr
    assert error.startswith("error: the copy failed while writing forecasts (row 6 or near it): "
                            "disk I/O error (simulated); nothing was written")
    assert table_names(db_url) == []
    if "://" not in db_url:
        assert not Path(db_url).exists() and not Path(f"{db_url}-wal").exists()  # the file it made is gone
    else:
        engine = create_engine(db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                     "WHERE n.nspname = current_schema()")).scalar() == 0  # no sequence either
        engine.dispose()
    monkeypatch.setattr(copy_module, "_chunks", real)
    source("copy", db_url)  # and the same destination then takes the whole copy
    assert table_rows(db_url) == table_rows(source.url)


def test_an_existing_empty_sqlite_file_stays_as_it_was_after_a_failed_copy(tmp_path, monkeypatch):
    source = v1_ledger(tmp_path)
    dest = tmp_path / "empty.db"
    dest.touch()
    def failing(*args):
        raise LedgerError("boom: the checks failed")

    monkeypatch.setattr(copy_module, "_check_copy", failing)
    assert "boom" in source("copy", str(dest), code=1).stderr
    assert dest.exists() and table_names(str(dest)) == []


# -- one snapshot while others write -------------------------------------------------------------

WRITER = r"""
import sys
from click.testing import CliRunner
from ledger.cli.main import cli
db, stop = sys.argv[1], sys.argv[2]
runner, n = CliRunner(), 0
import os
while not os.path.exists(stop):
    n += 1
    r = runner.invoke(cli, ["--db", db, "--as", "amina", "forecast", "h4", f"{n % 90 + 5}%", "--why", f"write {n}"])
    if r.exit_code != 0:
        sys.exit(r.output)
print(n)
"""


def _forecasts(run: LedgerCli) -> int:
    return run.json("info")["counts"]["forecasts"]


def test_a_copy_made_while_another_process_writes_is_one_consistent_prefix(tmp_path, db_url):
    source = v1_ledger(tmp_path)
    if "://" in db_url:  # the source on PostgreSQL, the copy on SQLite
        source("copy", db_url)
        source, dest = LedgerCli(db_url), tmp_path / "copy.db"
    else:
        dest = Path(db_url)
    stop = tmp_path / "stop"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, source.url, str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while _forecasts(source) < 23:  # the writer is under way
            assert writer.poll() is None and time.monotonic() < deadline, writer.stderr.read() if writer.poll() else ""
            time.sleep(0.05)
        result = source("copy", str(dest))
        copied = LedgerCli(str(dest)).json("info")["head"]
        while source.json("info")["head"]["seq"] < copied["seq"] + 3:  # and it went on writing
            assert writer.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert f"head      {copied['seq']}:{copied['hash']}" in result.stdout
    # The copy is the source's history up to its head: that head verifies on the source...
    source("verify", "--head", f"{copied['seq']}:{copied['hash']}")
    # ...and its rows are the source's rows of those entries, no more and no fewer.
    rows, mine = table_rows(source.url), table_rows(str(dest))
    assert mine["journal"] == rows["journal"][:copied["seq"]]
    last = max(r[0][1] for r in mine["forecasts"])
    assert mine["forecasts"] == [r for r in rows["forecasts"] if r[0][1] <= last]
    assert len(mine["forecasts"]) - 20 == copied["seq"] - OLD_HEADS[-1]["seq"]  # one forecast per new entry


# -- the destination's schema ------------------------------------------------------------------------


def schema_of(url: str) -> dict:
    """Tables with their columns, keys, indexes and unique constraints, as the database reports them."""
    from sqlalchemy import inspect

    engine = create_engine(sa_url(url))
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            return {name: {
                "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default")) for c in found.get_columns(name)],
                "primary key": found.get_pk_constraint(name)["constrained_columns"],
                "foreign keys": sorted((fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"],
                                        tuple(fk["referred_columns"])) for fk in found.get_foreign_keys(name)),
                "indexes": sorted((ix["name"], tuple(ix["column_names"]), ix["unique"]) for ix in found.get_indexes(name)),
                "unique": sorted((u["name"], tuple(u["column_names"])) for u in found.get_unique_constraints(name)),
            } for name in sorted(found.get_table_names())}
    finally:
        engine.dispose()


def test_the_copy_has_the_schema_a_fresh_init_makes(tmp_path, db_url, request):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ledger.store.schema import metadata

    source = v1_ledger(tmp_path)
    source("copy", db_url)
    if "://" in db_url:
        with empty_pg(request.getfixturevalue("pg_server_url")) as fresh:
            LedgerCli(fresh)("init", as_=None)
            expected = schema_of(fresh)
    else:
        LedgerCli(str(tmp_path / "fresh.db"))("init", as_=None)
        expected = schema_of(str(tmp_path / "fresh.db"))
    assert schema_of(db_url) == expected
    engine = create_engine(sa_url(db_url))
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []  # `alembic check`: no drift
    engine.dispose()


def test_a_row_that_refers_to_nothing_is_not_copied(tmp_path, db_url):
    source = v1_ledger(tmp_path)
    raw = sqlite3.connect(source.url)  # foreign keys are off in a plain sqlite3 connection
    raw.execute("INSERT INTO forecasts (id, question_id, analyst_id, made_at, p, imported) VALUES (99, 999, 1, 1, 0.5, 0)")
    raw.commit()
    raw.close()
    error = source("copy", db_url, "--no-verify", code=1).stderr
    if "://" in db_url:
        assert 'violates foreign key constraint "fk_forecasts_question_id_questions"' in error
    else:
        assert error == "error: the copy of forecasts row 99 refers to a missing questions row; nothing was written\n"
    assert table_names(db_url) == []
