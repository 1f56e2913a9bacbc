"""PostgreSQL: the statement that appends a forecast from its template checks, behind the lock,
that what was read before it still holds; each check that fails makes it write nothing. Each
case runs inside a transaction that is rolled back."""

from __future__ import annotations

import time

import pytest

from ledger.store import derived, direct
from ledger.store import ledger as ledger_module
from ledger.store.journal import LastEntry, read_last
from ledger.store.ledger import INERT_KINDS, Ledger
from ledger.store.schema import forecasts
from tests.conftest import _drop_schema, _pg_schema_url
from tests.store.test_derived_writes import MINUTE, entry


@pytest.fixture
def db_url(request: pytest.FixtureRequest):
    """PostgreSQL only, here: the statement is the server's (a fresh schema per test)."""
    server = request.getfixturevalue("pg_server_url")
    url, schema = _pg_schema_url(server)
    yield url
    _drop_schema(server, schema)


@pytest.fixture
def pg(sahel):
    return sahel


def _attempt(url: str, *, seen_of=lambda last: last, window=(0, 2**62), before=None) -> list:
    """Run the forecast statement for amina on `minerals` behind the lock, in a transaction that
    is rolled back; `before(conn)` first. Its rows (one when it wrote)."""
    ledger = Ledger(url)
    try:
        with ledger.engine.connect() as conn, conn.begin() as tx:
            direct.execute(conn, "SELECT pg_advisory_xact_lock(?)", (ledger_module.ADVISORY_LOCK_KEY,))
            if before is not None:
                before(conn)
            last = read_last(conn)
            amina = direct.fetch_one(conn, "SELECT id FROM analysts WHERE handle = 'amina'")[0]
            write = derived.OneRow(forecasts, dict(question_id=1, analyst_id=amina, p=0.7, probs=None, rationale=None,
                                                   imported=False), "made_at", "forecast", {"question": "minerals"},
                                   window)
            sql, params = derived.one_row_append(write, actor="amina", seen=seen_of(last), inert=sorted(INERT_KINDS))
            rows = direct.fetch_all(conn, sql, params)
            written = direct.fetch_one(conn, "SELECT count(*) FROM forecasts")[0]
            tx.rollback()
        return rows, written
    finally:
        ledger.close()


def test_the_statement_writes_when_every_check_holds(pg):
    rows, written = _attempt(pg.url)
    assert len(rows) == 1 and written == 1


@pytest.mark.parametrize("case", ["stale hash", "seen ahead", "question added since", "closed", "not open yet",
                                  "head ahead of the clock"])
def test_the_statement_writes_nothing_when_a_check_fails(pg, case):
    now = time.time_ns() // 1000

    def journal_entry(conn, kind: str, at: int) -> None:
        last = read_last(conn)
        direct.execute(conn, 'INSERT INTO journal (seq, at, kind, actor, payload, prev_hash, hash, format) '
                             'VALUES (?, ?, ?, ?, ?, ?, ?, 2)',
                       (last.seq + 1, at, kind, "ed", "", last.hash, f"{last.seq + 1:064x}"))

    options = {
        "stale hash": dict(seen_of=lambda last: LastEntry(last.seq, "0" * 64, last.at)),
        "seen ahead": dict(seen_of=lambda last: LastEntry(last.seq + 1, last.hash, last.at)),
        "question added since": dict(seen_of=lambda last: LastEntry(last.seq - 1, "", None)),
        "closed": dict(window=(0, now - MINUTE)),
        "not open yet": dict(window=(now + MINUTE, now + 2 * MINUTE)),
        "head ahead of the clock": dict(before=lambda conn: journal_entry(conn, "forecast", now + 6 * MINUTE)),
    }[case]
    if case == "question added since":  # the entry before the head is a question's: not inert
        def previous(last):
            return LastEntry(last.seq - 1, entry(pg.url, last.seq - 1)["hash"], None)
        assert entry(pg.url)["kind"] == "question.add"
        options = dict(seen_of=previous)
    rows, written = _attempt(pg.url, **options)
    assert rows == [] and written == 0


def test_the_statement_writes_after_inert_entries_since_the_early_read(pg):
    now = time.time_ns() // 1000

    def forecast_entry(conn) -> None:
        last = read_last(conn)
        direct.execute(conn, 'INSERT INTO journal (seq, at, kind, actor, payload, prev_hash, hash, format) '
                             'VALUES (?, ?, ?, ?, ?, ?, ?, 2)',
                       (last.seq + 1, now, "evidence.add", "ed", "", last.hash, f"{last.seq + 1:064x}"))

    head = entry(pg.url)
    rows, written = _attempt(pg.url, seen_of=lambda last: LastEntry(head["seq"], head["hash"], head["at"]),
                             before=forecast_entry)
    assert len(rows) == 1 and written == 1
    assert rows[0][1] == head["seq"] + 2  # chained after the entry in between
