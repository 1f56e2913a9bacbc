"""The import's fast paths and what stands in for what they skip: on PostgreSQL the forecasts go
in by a binary COPY built with numpy, every COPY is sent by a thread (`batches.Sender`), and the
foreign-key triggers are off where the role may (`references_deferred`), the references then
checked set-wise and locked (`check_references`); on SQLite a boolean the same on every row of a
chunk is written as a literal. Each must store exactly what the plain path stores."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from ledger.cli.transfer import _fingerprint
from ledger.core.errors import LedgerError
from ledger.io.csv_import import _no_lone_cr
from ledger.store import schema as s
from ledger.store.batches import Batch, Sender, check_references, references_deferred
from ledger.store.ledger import open_ledger
from tests.conftest import LedgerCli, _drop_schema, _pg_schema_url
from tests.store.ledgers import table_rows

HEADER = "question_id,user_id,probability,answer_option,timestamp,outcome,open_time,close_time,resolve_time,q_title,q_status"


def _csv(path: Path) -> Path:
    """Three questions, one resolved yes, one annulled, one open; probabilities at the edges (0,
    1, -0 written as 0), instants to the microsecond and in the year 9999."""
    rows = [
        "q1,amina,0,1,2024-01-02 03:04:05.123456+00:00,1,2024-01-01 00:00:00+00:00,2024-06-01 00:00:00+00:00,"
        "2024-05-01 00:00:00+00:00,First?,resolved",
        "q1,bello,1,1,2024-01-03 00:00:00+00:00,1,2024-01-01 00:00:00+00:00,2024-06-01 00:00:00+00:00,"
        "2024-05-01 00:00:00+00:00,First?,resolved",
        "q1,amina,0.25,0,2024-02-01 00:00:00+00:00,1,2024-01-01 00:00:00+00:00,2024-06-01 00:00:00+00:00,"
        "2024-05-01 00:00:00+00:00,First?,resolved",
        "q2,bello,0.7,1,2024-03-01 12:00:00+00:00,-1,2024-01-01 00:00:00+00:00,2024-06-01 00:00:00+00:00,"
        ",Second?,ambiguous",
        "q3,chidi,0.333333333333333314829616256247,1,9999-12-31 23:59:59.999999+00:00,,2024-01-01 00:00:00+00:00,"
        "9999-12-31 23:59:59.999999+00:00,,\"Third, \"\"quoted\"\"?\",open",
    ]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _sa(url: str) -> str:
    return url if "://" in url else f"sqlite:///{url}"


@pytest.fixture
def pg_ledger(pg_server_url: str):
    url, schema = _pg_schema_url(pg_server_url)
    runner = LedgerCli(url)
    runner("init", as_=None)
    yield runner
    _drop_schema(pg_server_url, schema)


def _one_question(runner: LedgerCli) -> None:
    """Editor `ed` and one question, `plain`, with no tags or amendments."""
    runner("analyst", "add", "ed", "--role", "editor", as_=None)
    runner("scenario", "add", "s", "--title", "S", as_="ed")
    runner("question", "add", "--scenario", "s", "--slug", "plain", "--title", "Plain?", "--criteria", "Yes if so.",
           "--closes", "2099-01-01", as_="ed")


def test_both_databases_store_the_same_rows_and_verify(tmp_path, pg_ledger):
    """The PostgreSQL import (binary COPY, sender thread, triggers off) and the SQLite import
    (literal booleans) of one file hold identical rows, value for value and type for type."""
    path = _csv(tmp_path / "history.csv")
    lite = LedgerCli(str(tmp_path / "ledger.db"))
    lite("init", as_=None)
    for runner in (lite, pg_ledger):
        runner("import", str(path), as_="root")
        assert runner("verify", as_=None).stdout.startswith("ok:")
    ours, theirs = table_rows(lite.url), table_rows(pg_ledger.url)
    for table in ("analysts", "analyst_roles", "questions", "forecasts", "resolutions"):
        # all but the instants of the write itself, which differ between the two imports
        keep = [i for i, c in enumerate(getattr(s, table).columns) if c.name not in ("created_at", "recorded_at",
                                                                                     "changed_at")]
        assert len(ours[table]) == len(theirs[table]) > 0, table
        assert [[r[i] for i in keep] for r in ours[table]] == [[r[i] for i in keep] for r in theirs[table]], table
    forecasts = ours["forecasts"]
    assert [row[4] for row in forecasts] == [("float", 0.0.hex()), ("float", 1.0.hex()), ("float", 0.75.hex()),
                                             ("float", 0.7.hex()), ("float", (1 / 3).hex())]
    assert {row[7] for row in forecasts} == {("bool", True)}  # imported, a literal on SQLite


def test_references_are_checked_when_the_triggers_are_off(pg_ledger):
    """A forecast naming no question is refused by the set-wise check, and nothing stays."""
    pg_ledger("analyst", "add", "ed", "--role", "editor", as_=None)
    ledger = open_ledger(pg_ledger.url)
    with pytest.raises(LedgerError, match=r"forecasts: question_id 999 names no row of questions"):
        with ledger.writing("ed") as tx:
            assert references_deferred(tx.conn)
            assert tx.conn.exec_driver_sql("SHOW session_replication_role").scalar() == "replica"
            forecasts = Batch(tx, s.forecasts, True)
            forecasts.add(999, tx.actor.id, tx.now, 0.5, None, None, True)
            forecasts.finish()
            check_references(tx.conn, [forecasts])
    with ledger.reading() as conn:
        assert conn.execute(select(s.forecasts.c.id)).first() is None
        assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"


def test_rows_referenced_are_locked_until_the_commit(pg_ledger):
    """A question the import's forecasts name, there before the import, cannot be deleted by
    anyone while the import is open: `FOR KEY SHARE`, as the trigger would have taken."""
    _one_question(pg_ledger)
    ledger = open_ledger(pg_ledger.url)
    other = create_engine(pg_ledger.url, isolation_level="AUTOCOMMIT")
    try:
        with ledger.writing("ed") as tx:
            assert references_deferred(tx.conn)
            qid = tx.conn.execute(select(s.questions.c.id)).scalar_one()
            forecasts = Batch(tx, s.forecasts, True)
            forecasts.add(qid, tx.actor.id, tx.now, 0.5, None, None, True)
            forecasts.finish()
            check_references(tx.conn, [forecasts])
            with other.connect() as conn:
                conn.exec_driver_sql("SET lock_timeout = '300ms'")
                with pytest.raises(Exception) as refused:
                    conn.exec_driver_sql(f"DELETE FROM questions WHERE id = {qid}")
                assert isinstance(refused.value.orig, psycopg.errors.LockNotAvailable)
    finally:
        other.dispose()


def test_several_rows_referenced_from_outside_the_import(pg_ledger):
    """References to several rows that were there before (not one, as the importer is): each is
    looked for and locked; one missing among them is named, and nothing stays."""
    _one_question(pg_ledger)
    for handle in ("amina", "bello"):
        pg_ledger("analyst", "add", handle, as_="ed")
    ledger = open_ledger(pg_ledger.url)
    with ledger.reading() as conn:
        qid = conn.execute(select(s.questions.c.id)).scalar_one()
        ids = dict(conn.execute(select(s.analysts.c.handle, s.analysts.c.id)).all())
    other = create_engine(pg_ledger.url, isolation_level="AUTOCOMMIT")
    try:
        with ledger.writing("ed") as tx:
            assert references_deferred(tx.conn)
            forecasts = Batch(tx, s.forecasts, True)
            for handle in ("amina", "bello", "amina"):
                forecasts.add(qid, ids[handle], tx.now, 0.5, None, None, True)
            forecasts.finish()
            check_references(tx.conn, [forecasts])
            with other.connect() as conn:  # both analysts locked, the editor (not referenced) not
                conn.exec_driver_sql("SET lock_timeout = '300ms'")
                for handle in ("amina", "bello"):
                    with pytest.raises(Exception) as refused:
                        conn.exec_driver_sql(f"DELETE FROM analysts WHERE id = {ids[handle]}")
                    assert isinstance(refused.value.orig, psycopg.errors.LockNotAvailable)
        missing = max(ids.values()) + 7
        with pytest.raises(LedgerError, match=rf"forecasts: analyst_id {missing} names no row of analysts"):
            with ledger.writing("ed") as tx:
                assert references_deferred(tx.conn)
                forecasts = Batch(tx, s.forecasts, True)
                for aid in (ids["amina"], missing, ids["bello"]):
                    forecasts.add(qid, aid, tx.now, 0.5, None, None, True)
                forecasts.finish()
                check_references(tx.conn, [forecasts])
        with ledger.reading() as conn:
            assert conn.execute(select(func.count()).select_from(s.forecasts)).scalar() == 3
    finally:
        other.dispose()


def test_a_role_that_may_not_keeps_the_triggers(pg_server_url, tmp_path):
    """A role that is neither a superuser nor granted SET on session_replication_role imports
    with the triggers on, and its import is whole and verifies."""
    url, schema = _pg_schema_url(pg_server_url)
    role = f"ledger_plain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER')
            conn.exec_driver_sql(f'GRANT ALL ON SCHEMA "{schema}" TO "{role}"')
        plain = make_url(url).set(username=role).render_as_string(hide_password=False)
        runner = LedgerCli(plain)
        runner("init", as_=None)
        ledger = open_ledger(plain)
        with ledger.reading() as conn:
            assert references_deferred(conn) is False
            assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"
        runner("import", str(_csv(tmp_path / "history.csv")), as_="root")
        assert runner("verify", as_=None).stdout.startswith("ok:")
        assert runner.json("info", as_=None)["counts"]["forecasts"] == 5
        ledger.engine.dispose()
    finally:
        _drop_schema(pg_server_url, schema)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        admin.dispose()


def test_the_sender_keeps_order_and_says_a_failure(pg_ledger):
    """A statement after a sent COPY waits for it; a COPY that fails is said as an import failure
    at the next statement, and closing stops the thread and the listener."""
    ledger = open_ledger(pg_ledger.url)
    with ledger.engine.connect() as conn, conn.begin():
        conn.exec_driver_sql("CREATE TEMPORARY TABLE t (n integer NOT NULL)")
        sender = Sender(conn)

        def slow(driver) -> None:
            time.sleep(0.3)
            with driver.cursor() as cur, cur.copy("COPY t (n) FROM STDIN") as copy:
                copy.write_row((7,))
        sender.send("t", slow)
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1  # waited for the COPY

        def broken(driver) -> None:
            with driver.cursor() as cur, cur.copy("COPY t (n) FROM STDIN") as copy:
                copy.write_row((None,))
        sender.send("t", broken)
        with pytest.raises(LedgerError, match=r"import failed while writing t: .*null value"):
            conn.exec_driver_sql("SELECT 1")
        sender.close(quiet=True)
        assert not sender.thread.is_alive()
    with ledger.engine.connect() as conn:  # the listener is gone: statements run as ever
        assert conn.exec_driver_sql("SELECT 2").scalar() == 2


def test_sqlite_booleans_same_on_every_row_or_not(tmp_path):
    """A boolean column constant in a chunk goes in as a literal; a mixed one is bound: each
    row keeps its own value."""
    runner = LedgerCli(str(tmp_path / "ledger.db"))
    runner("init", as_=None)
    _one_question(runner)
    ledger = open_ledger(runner.url)
    with ledger.writing("ed") as tx:
        qid = tx.conn.execute(select(s.questions.c.id)).scalar_one()
        for values in ((False, False), (True, False)):
            forecasts = Batch(tx, s.forecasts, False)
            for flag in values:
                forecasts.add(qid, tx.actor.id, 5, 0.5, None, None, flag)
            forecasts.flush()
        rows = tx.conn.exec_driver_sql("SELECT imported, typeof(imported) FROM forecasts ORDER BY id").all()
    assert rows == [(0, "integer"), (0, "integer"), (1, "integer"), (0, "integer")]


@pytest.mark.parametrize("data, lone", [
    (b"a" * (2**20 - 1) + b"\r\nb\n", False),  # a CRLF across the 1 MiB block boundary
    (b"a" * (2**20 - 1) + b"\rb\n", True),  # a lone CR at the end of a block
    (b"a\n" * 10 + b"\r", True),  # at the very end
    (b"", False),
])
def test_fingerprint_finds_a_lone_carriage_return(tmp_path, data, lone):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert _fingerprint(path)[2] is lone
    assert _no_lone_cr(path) is not lone


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64).map(lambda b: bytes(b"a\r\n"[x % 3] for x in b)))
def test_fingerprint_agrees_with_a_pattern(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("cr") / "f.csv"
    path.write_bytes(data)
    assert _fingerprint(path)[2] is (re.search(rb"\r(?!\n)", data) is not None)


def test_a_large_build_is_frozen_out_of_the_collector():
    """After a `no_cyclic_gc` block that left many objects standing, they are frozen (the next
    collection does not walk them); after a small one, nothing is; the collector is on again."""
    import gc

    from ledger.cli.context import FREEZE_AFTER, no_cyclic_gc

    gc.collect()
    gc.unfreeze()
    try:
        with no_cyclic_gc():
            small = [[i] for i in range(1_000)]
        assert gc.isenabled() and gc.get_freeze_count() == 0
        with no_cyclic_gc():
            assert not gc.isenabled()
            large = [[i] for i in range(FREEZE_AFTER + 1_000)]
        assert gc.isenabled() and gc.get_freeze_count() > len(large)
        assert len(small) == 1_000
    finally:
        gc.unfreeze()


def test_a_failed_binary_copy_is_said_as_a_database_error(pg_ledger):
    """The batch locators' `COPY` goes through the driver: its failure still comes out as
    SQLAlchemy's `DBAPIError`, which `translated` turns into a message naming the database."""
    from sqlalchemy.exc import DBAPIError

    from ledger.store import direct

    ledger = open_ledger(pg_ledger.url)
    with ledger.reading() as conn:
        with pytest.raises(DBAPIError, match="no_such_table"):
            direct.copy_rows(conn, "COPY no_such_table (a) FROM STDIN (FORMAT BINARY)", ("int4",), [(1,)])
