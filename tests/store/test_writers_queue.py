"""The SQLite writers' queue (an OS lock on `PATH-lock`) and the statements a write runs on the
driver's own cursor while it holds it: a writer behind the queue is woken when it is let go, or
gives up after LEDGER_LOCK_TIMEOUT having written nothing; the timer bounding the wait is the
process's own only while it waits; a driver error reads as any database error does."""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from ledger.core.errors import LedgerError, Unavailable
from ledger.core.probability import read_forecast
from ledger.store import direct
from ledger.store.engine import WAIT_NOTICE_S, WaitPolicy, writers_queue
from ledger.store.ledger import Ledger
from ledger.store.schema import journal


def _queue_held(path: Path, seconds: float) -> threading.Thread:
    """Hold the queue of the ledger at `path` from a descriptor of our own for `seconds`."""
    fd = os.open(f"{path}-lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)

    def release() -> None:
        time.sleep(seconds)
        os.close(fd)

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def ledger_file(sahel) -> Path:
    if sahel.url.startswith("postgresql"):
        pytest.skip("the writers' queue is SQLite's (PostgreSQL has an advisory lock)")
    return Path(sahel.url)


def _forecasts(path: Path) -> int:
    ledger = Ledger(f"sqlite:///{path}")
    try:
        return len(ledger.forecasts())
    finally:
        ledger.close()


def test_a_writer_behind_the_queue_says_so_and_writes_as_soon_as_it_is_let_go(ledger_file, monkeypatch):
    monkeypatch.delenv("LEDGER_LOCK_TIMEOUT", raising=False)
    holder = _queue_held(ledger_file, WAIT_NOTICE_S + 0.5)
    told: list[str] = []
    ledger = Ledger(f"sqlite:///{ledger_file}", notify=told.append)
    try:
        started = time.monotonic()
        ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))
        waited = time.monotonic() - started
    finally:
        ledger.close()
    holder.join()
    assert WAIT_NOTICE_S + 0.4 < waited < WAIT_NOTICE_S + 3
    assert told == [f"waiting for another writer to finish with sqlite:///{ledger_file} (up to 60 s)…"]
    assert _forecasts(ledger_file) == 1
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_a_writer_behind_the_queue_gives_up_after_the_timeout_and_writes_nothing(ledger_file, monkeypatch):
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "0.5")
    holder = _queue_held(ledger_file, 2.0)
    told: list[str] = []
    ledger = Ledger(f"sqlite:///{ledger_file}", notify=told.append)
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable, match=r"another writer holds the ledger .* gave up after 0.5 s"):
            ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))
        waited = time.monotonic() - started
        holder.join()
        assert 0.45 < waited < 1.9
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        ledger.record_forecast("amina", "minerals", read_forecast(["60%"]))  # the given-up wait left no lock behind
    finally:
        ledger.close()
    assert _forecasts(ledger_file) == 1
    assert told == []  # a wait shorter than WAIT_NOTICE_S is not announced


def test_a_zero_timeout_gives_up_at_once(ledger_file):
    holder = _queue_held(ledger_file, 1.0)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="gave up after 0 s"):
        with writers_queue(ledger_file, WaitPolicy(0.0), "here"):
            pass
    assert time.monotonic() - started < 0.5
    holder.join()


def test_a_timer_of_the_programs_own_is_left_running(ledger_file):
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.5)
        holder = _queue_held(ledger_file, 0.5)
        with writers_queue(ledger_file, WaitPolicy(5.0), "here"):
            remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        holder.join()
        assert 0.5 < remaining < 1.1
        time.sleep(1.3)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_writer_off_the_main_thread_waits_as_well(ledger_file):
    holder = _queue_held(ledger_file, 0.5)
    outcome: list[object] = []

    def write() -> None:
        ledger = Ledger(f"sqlite:///{ledger_file}")
        try:
            outcome.append(ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))[1].probabilities)
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)
        finally:
            ledger.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(10)
    holder.join()
    assert outcome == [(0.7, pytest.approx(0.3))]


def test_a_driver_error_reads_as_any_database_error(sahel):
    ledger = Ledger(sahel.url)
    try:
        with pytest.raises(LedgerError, match="database error at"):
            with ledger._appending("ed") as (conn, _, last, _):
                row = direct.fetch_one(conn, 'SELECT "seq", "hash" FROM "journal" WHERE "seq" = ?', (last.seq,))
                assert row == (last.seq, last.hash)
                direct.insert_row(conn, journal, {"seq": last.seq, "at": 0, "kind": "x", "actor": "ed",
                                                  "payload": "", "prev_hash": "0" * 64, "hash": last.hash,
                                                  "format": 2})
        with ledger.engine.connect() as conn, conn.begin():
            with pytest.raises(DBAPIError):
                direct.execute(conn, 'SELECT * FROM "no_such_table"')
    finally:
        ledger.close()
    assert sahel("verify").stdout.startswith(f"ok: {last.seq} entries")
