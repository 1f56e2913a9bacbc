"""One clock and bounded waits (SPEC 3 and 5): a write's time is read after the append lock and
never goes below the head's; a clock more than 5 minutes behind is refused; a demo ledger is
built on a simulated clock and refuses real writes; a writer behind another waits at most
LEDGER_LOCK_TIMEOUT seconds, says so after about 2 s, then gives up with exit 1."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from ledger.core.errors import Refused
from ledger.core.probability import read_forecast
from ledger.core.timeutil import parse_instant
from ledger.store.clock import SimulatedClock
from ledger.store.engine import ADVISORY_LOCK_KEY
from ledger.store.ledger import Ledger
from tests.conftest import FixedClock

MINUTE = 60 * 1_000_000


def journal_times(url: str) -> list[int]:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.connect() as conn:
        times = [r[0] for r in conn.execute(text("SELECT at FROM journal ORDER BY seq"))]
    engine.dispose()
    return times


def test_a_clock_behind_the_head_by_less_than_5_minutes_writes_at_the_head_time(sahel):
    last = journal_times(sahel.url)[-1]
    ledger = Ledger(sahel.url, clock=FixedClock(last - 4 * MINUTE))
    try:
        _, made = ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))
    finally:
        ledger.close()
    assert made.made_at == last  # max(clock, head): times never go back
    assert journal_times(sahel.url)[-1] == last
    sahel("verify")


def test_a_clock_more_than_5_minutes_behind_the_head_is_refused_naming_both_times(sahel):
    before = sahel.state()
    last = journal_times(sahel.url)[-1]
    ledger = Ledger(sahel.url, clock=FixedClock(last - 6 * MINUTE))
    try:
        with pytest.raises(Refused, match="more than 5 minutes before the journal's last entry") as caught:
            ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))
    finally:
        ledger.close()
    from ledger.core.timeutil import format_instant

    assert format_instant(last) in str(caught.value) and format_instant(last - 6 * MINUTE) in str(caught.value)
    assert sahel.state() == before


def test_a_forecast_at_the_exact_close_instant_is_refused(sahel):
    closes = parse_instant("2099-06-30", deadline=True)  # troops closes at the end of that day
    for at, refused in ((closes - 1, False), (closes, True)):
        ledger = Ledger(sahel.url, clock=FixedClock(at))
        try:
            if refused:
                with pytest.raises(Refused, match="closed"):
                    ledger.record_forecast("amina", "troops", read_forecast(["a=20%", "b=50%", "3 or more=30%"]))
            else:
                ledger.record_forecast("amina", "troops", read_forecast(["a=20%", "b=50%", "3 or more=30%"]))
        finally:
            ledger.close()


def test_a_demo_ledger_is_built_on_a_simulated_clock_and_refuses_real_writes(run):
    clock = SimulatedClock(parse_instant("2026-01-05"))
    ledger = Ledger(run.url, clock=clock)
    try:
        ledger.mark_demo("ed")
        ledger.add_scenario("ed", "sahel-2026", "Sahel")
        clock.advance(24 * 60 * MINUTE)
        ledger.add_question("ed", scenario="sahel-2026", title="Will X?", criteria="Yes if X.", opens_at=None,
                            closes_at=parse_instant("2026-06-01"), resolves_by=None, slug="x")
        clock.advance(7 * 24 * 60 * MINUTE)
        _, made = ledger.record_forecast("ed", "x", read_forecast(["70%"]))
    finally:
        ledger.close()
    assert made.made_at == parse_instant("2026-01-13")
    info = run.json("info")
    assert info["demo"] is True
    assert "a demo" in run("info").stdout
    before = run.state()
    refused = run("forecast", "x", "60%", code=1)
    assert "demo ledger" in refused.stderr
    assert run.state() == before
    run("verify")


def test_a_simulated_clock_cannot_write_to_a_real_ledger(sahel):
    ledger = Ledger(sahel.url, clock=SimulatedClock(parse_instant("2030-01-01")))
    try:
        with pytest.raises(Refused, match="simulated clock"):
            ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))
    finally:
        ledger.close()


# -- bounded waits ------------------------------------------------------------------------


def _hold_sqlite(path: str, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    ready.wait(5)
    return thread


def _hold_postgres(url: str, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold() -> None:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            conn.commit()
            ready.set()
            time.sleep(seconds)
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            conn.commit()
        engine.dispose()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    ready.wait(5)
    return thread


def _hold(url: str, seconds: float) -> threading.Thread:
    return _hold_postgres(url, seconds) if url.startswith("postgresql") else _hold_sqlite(url, seconds)


def test_a_writer_behind_another_gives_up_after_the_lock_timeout(sahel, monkeypatch):
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "3")
    before = sahel.state()
    holder = _hold(sahel.url, 6)
    started = time.monotonic()
    result = sahel("forecast", "minerals", "70%", as_="amina", code=1)
    waited = time.monotonic() - started
    holder.join()
    assert "waiting for another writer" in result.stderr
    assert "another writer holds the ledger" in result.stderr and "gave up after 3 s" in result.stderr
    assert "Traceback" not in result.stderr
    assert 2.5 < waited < 5.5
    assert sahel.state() == before


def test_a_writer_behind_another_says_so_and_then_writes(sahel, monkeypatch):
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "20")
    holder = _hold(sahel.url, 3)
    result = sahel("forecast", "minerals", "70%", as_="amina")
    holder.join()
    assert "waiting for another writer" in result.stderr
    assert result.stdout.startswith("recorded 70%")


def test_a_bad_lock_timeout_is_bad_input(sahel, monkeypatch):
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "soon")
    assert "LEDGER_LOCK_TIMEOUT='soon'" in sahel("forecast", "minerals", "70%", code=2).stderr


def test_a_write_that_waited_for_the_lock_waits_on_any_other_lock_as_ever(sahel, monkeypatch):
    if not sahel.url.startswith("postgresql"):
        pytest.skip("lock_timeout is PostgreSQL's")
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "20")
    holder = _hold(sahel.url, 1)  # the writer below waits for it, under a lock_timeout of its own
    ledger = Ledger(sahel.url)
    try:
        with ledger.writing("amina") as tx:
            during = tx.conn.exec_driver_sql("SHOW lock_timeout").scalar()
            default = tx.conn.exec_driver_sql("SELECT reset_val FROM pg_settings WHERE name = 'lock_timeout'").scalar()
    finally:
        ledger.close()
        holder.join()
    assert during == "0" and default == "0"  # the server's default (no limit), not the wait's
