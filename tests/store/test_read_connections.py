"""Reads on the driver's cursor, and SQLite read connections of their own.

A forecast reads its question and its analyst before it queues for the lock; those reads run on
the driver's cursor, so they must give exactly what they gave through SQLAlchemy: the values in
force after amendments, and the evidence of the resolution in force only. On a SQLite file, reads
have connections of their own that stay `query_only`, since setting that pragma (or setting it
back for a write) makes SQLite compile every statement of the connection again; what the pragma
guards is kept: a read cannot write, and a connection that read can write again when asked to."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text

from ledger.core.errors import LedgerError
from ledger.core.probability import read_forecast
from ledger.store.backup import backup_ledger
from ledger.store.ledger import Ledger, open_ledger
from ledger.store.reads import find_analyst, load_question, load_questions


def test_a_question_reads_with_the_values_in_force_and_the_evidence_of_its_latest_resolution(sahel):
    sahel("evidence", "add", "Envoy visits Bamako", "--question", "minerals+")  # evidence 1
    sahel("evidence", "add", "Draft text leaked", "--question", "minerals+")  # evidence 2
    sahel("question", "amend", "minerals", "--title", "Will the US and Mali sign a minerals deal?",
          "--reason", "shorter")
    sahel("resolve", "minerals", "yes", "--note", "signed", "--evidence", "1", "--evidence", "2")
    sahel("resolve", "minerals", "no", "--correct", "only an MoU", "--evidence", "2")
    ledger = open_ledger(sahel.url)
    try:
        with ledger.reading() as conn:
            one = load_question(conn, "minerals")
            by_id = load_questions(conn, [2, 1])
            every = load_questions(conn, None)
    finally:
        ledger.close()
    assert [q.slug for q in by_id] == ["minerals", "troops"] == [q.slug for q in every]  # by id
    assert one == by_id[0] == every[0]
    assert one.title == "Will the US and Mali sign a minerals deal?"
    assert one.recorded[0] == "Will the US and Mali sign a minerals agreement by end-2027?"
    assert [(a.by, a.reason, a.title) for a in one.amendments] == [
        ("ed", "shorter", "Will the US and Mali sign a minerals deal?")]
    assert (one.resolution.outcome, one.resolution.by, one.resolution.correction, one.resolution.evidence) == (
        "no", "ed", "only an MoU", (2,))  # the corrected resolution's, not the first one's 1 and 2
    assert (one.tags, one.scenario, one.kind, one.options) == (("minerals",), "sahel-2026", "binary", ("yes", "no"))
    troops = every[1]
    assert (troops.options, troops.resolution, troops.amendments, troops.tags) == (("a", "b", "3 or more"), None, (), ())


def test_an_analyst_reads_with_the_role_in_force(sahel):
    sahel("analyst", "set-role", "amina", "editor")
    sahel("analyst", "deactivate", "amina")
    ledger = open_ledger(sahel.url)
    try:
        with ledger.reading() as conn:
            amina, nobody = find_analyst(conn, "amina"), find_analyst(conn, "Amina")
    finally:
        ledger.close()
    assert (amina.handle, amina.name, amina.role, amina.active, amina.kind) == ("amina", "Amina D.", "editor", False,
                                                                                 "person")
    assert nobody is None


@pytest.fixture
def ledger_file(sahel) -> Path:
    if sahel.url.startswith("postgresql"):
        pytest.skip("SQLite's query_only connections")
    return Path(sahel.url)


def _traced(engine, seen: list[str]) -> None:
    @event.listens_for(engine, "connect")
    def trace(dbapi_connection, _record):  # noqa: ANN001 - DBAPI objects
        dbapi_connection.set_trace_callback(seen.append)


def test_forecasts_set_no_pragma_once_the_connections_are_made(ledger_file):
    ledger = Ledger(f"sqlite:///{ledger_file}")
    seen: list[str] = []
    _traced(ledger.engine, seen)
    _traced(ledger.read_engine, seen)
    assert ledger.read_engine is not ledger.engine
    try:
        ledger.record_forecast("amina", "minerals", read_forecast(["60%"]))
        assert any(s.startswith("PRAGMA query_only") for s in seen)  # the first read and write set it up
        seen.clear()
        for p in ("61%", "62%", "63%"):
            ledger.record_forecast("amina", "minerals", read_forecast([p]))
    finally:
        ledger.close()
    assert [s for s in seen if s.startswith(("PRAGMA query_only", "PRAGMA synchronous"))] == []
    assert sum(s.startswith('INSERT INTO "forecasts"') for s in seen) == 3


def test_a_read_cannot_write_and_a_connection_that_read_writes_again(ledger_file):
    ledger = Ledger(f"sqlite:///{ledger_file}")
    insert = text("INSERT INTO scenarios (slug, title, created_at, created_by) VALUES ('x', 'X', 0, 1)")
    try:
        for engine in (ledger.read_engine, ledger.engine):  # a read on either pool is query_only
            with pytest.raises(Exception, match="readonly"), engine.connect() as conn, conn.begin():
                conn.execute(insert)
            ledger.record_forecast("amina", "minerals", read_forecast(["60%"]))  # the pool's connection writes
        with pytest.raises(LedgerError, match="readonly"), ledger.reading() as conn:
            conn.execute(insert)
        backup_ledger(ledger, ledger_file.parent / "backup.db", verify=False)  # reads on a pooled connection
        ledger.record_forecast("amina", "minerals", read_forecast(["65%"]))  # which writes again
    finally:
        ledger.close()
    again = open_ledger(f"sqlite:///{ledger_file}")
    try:
        assert [f.probabilities for f in again.forecasts("minerals")][-3:] == [(0.6, 0.4), (0.6, 0.4), (0.65, 0.35)]
        assert again.verify().entries == 8  # verify raises on a broken chain
    finally:
        again.close()
