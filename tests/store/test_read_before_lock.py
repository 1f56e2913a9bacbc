"""A forecast reads its question and actor before taking the write lock (so that writers at once
hold it only to append), and those reads must still be true when it appends: another forecast or
evidence in between leaves them standing; a resolution, an amendment or a deactivation in between
makes the write read again under the lock and decide on what is true then."""

from __future__ import annotations

import time

import pytest

from ledger.core.errors import NotAllowed, Refused
from ledger.core.probability import read_forecast
from ledger.store import direct
from ledger.store import ledger as ledger_module
from ledger.store.journal import LastEntry, read_last
from ledger.store.ledger import INERT_KINDS, Ledger
from tests.conftest import LedgerCli


@pytest.fixture
def between(sahel, monkeypatch):
    """`between(write)`: run `write(other_ledger)` after the forecast's early reads, before its
    lock; returns the list of what each forecast's early reads gave (None: none usable)."""
    seen: list = []

    def install(write):
        original = Ledger._prepare

        def prepare(self, handle, read):
            early = original(self, handle, read)
            if seen:  # the write in between, or a later one: as they are
                return early
            seen.append(early)
            other = Ledger(sahel.url)
            try:
                write(other)
            finally:
                other.close()
            return early

        monkeypatch.setattr(Ledger, "_prepare", prepare)
        return seen

    return install


def forecast(url: str, handle: str = "amina"):
    """`handle` forecasts 70% on `minerals` through a ledger of its own: (question, forecast)."""
    ledger = Ledger(url)
    try:
        return ledger.record_forecast(handle, "minerals", read_forecast(["70%"]))
    finally:
        ledger.close()


def forecasts_of(sahel):
    ledger = Ledger(sahel.url)
    try:
        return ledger.forecasts("minerals")
    finally:
        ledger.close()


def reads_under_lock(monkeypatch) -> list[str]:
    """The handles whose actor (and the question) were read again inside the write transaction."""
    calls: list[str] = []
    original = ledger_module.register

    def counting(conn, writer, handle, register_as, notices):
        calls.append(handle)
        return original(conn, writer, handle, register_as, notices)

    monkeypatch.setattr(ledger_module, "register", counting)
    return calls


def test_a_forecast_in_between_leaves_the_early_reads_standing(sahel, between, monkeypatch):
    seen = between(lambda other: other.record_forecast("ed", "minerals", read_forecast(["40%"])))
    again = reads_under_lock(monkeypatch)
    question, made = forecast(sahel.url)
    assert seen[0] is not None and seen[0].actor.handle == "amina"
    assert again == []  # nothing read again under the lock
    assert question.slug == "minerals" and made.probabilities[0] == 0.7
    assert [(f.analyst, f.probabilities[0]) for f in forecasts_of(sahel)] == [("ed", 0.4), ("amina", 0.7)]
    sahel("verify")


def test_a_resolution_in_between_is_seen_and_the_forecast_refused(sahel, between):
    between(lambda other: other.resolve("ed", "minerals", "yes"))
    before = sahel.state()
    with pytest.raises(Refused):
        forecast(sahel.url)
    counts, head = sahel.state()
    assert counts == {**before[0], "resolutions": before[0]["resolutions"] + 1}  # only the resolution landed
    assert head["seq"] == before[1]["seq"] + 1
    sahel("verify")


def test_a_deactivation_in_between_is_seen_and_the_forecast_refused(sahel, between):
    between(lambda other: other.deactivate("ed", "amina"))
    with pytest.raises(NotAllowed, match="deactivated"):
        forecast(sahel.url)
    assert forecasts_of(sahel) == []


def test_an_amendment_in_between_is_read_again(sahel, between, monkeypatch):
    between(lambda other: other.amend_question("ed", "minerals", reason="typo", title="Will the US and Mali sign it?"))
    again = reads_under_lock(monkeypatch)
    question, _ = forecast(sahel.url)
    # the forecast, appended from a template, finds its early reads stale and writes the usual
    # way, which reads them again before its lock (and would again under it, had anything changed since)
    assert [h for h in again if h == "amina"] == []
    assert question.title == "Will the US and Mali sign it?"  # the question as it is now, not as first read


def test_an_unknown_actor_is_registered_under_the_lock_as_before(sahel, monkeypatch):
    again = reads_under_lock(monkeypatch)
    forecast(sahel.url, "newcomer")
    assert again == ["newcomer"]
    assert [a["handle"] for a in sahel.json("analyst", "list") if a["handle"] == "newcomer"] == ["newcomer"]


def test_inert_kinds_change_no_question_and_no_analyst():
    # every kind a write appends that touches questions, resolutions or analysts is outside the set
    for kind in ("question.add", "question.amend", "resolution", "resolution.correct", "analyst.add",
                 "analyst.register", "analyst.deactivate", "analyst.reactivate", "analyst.role", "import",
                 "ledger.demo"):
        assert kind not in INERT_KINDS


def test_a_journal_put_back_to_an_older_copy_is_not_taken_for_the_one_read(sahel):
    ledger = Ledger(sahel.url)
    try:
        with ledger.reading() as conn:
            head = read_last(conn)
            other = LastEntry(head.seq, "f" * 64, head.at)  # an entry at that place, but not this one
            ahead = LastEntry(head.seq + 5, head.hash, head.at)  # seen further than the journal now goes
            earlier = LastEntry(1, direct.fetch_one(conn, 'SELECT "hash" FROM "journal" WHERE "seq" = 1')[0], None)
            for with_clock in (False, True) if ledger.is_postgres else (False,):
                def since(seen: LastEntry) -> tuple[LastEntry, bool]:
                    last, still, now = Ledger._since(conn, seen, with_clock=with_clock)
                    if with_clock:  # the server's clock, read with the head
                        assert abs(now - time.time_ns() // 1000) < 60_000_000
                    else:
                        assert now is None
                    return last, still
                assert since(head) == (head, True)  # nothing since: the reads stand
                assert since(other) == (head, False)
                assert since(ahead) == (head, False)
                assert since(earlier) == (head, False)  # a question was added since entry 1
    finally:
        ledger.close()


def test_the_clock_read_with_the_head_on_an_empty_journal(db_url):
    """PostgreSQL: with no entry from the one seen on, the clock still comes back (a row of NULLs
    carries it), and an empty journal reads as empty."""
    LedgerCli(db_url)("init", as_=None)
    ledger = Ledger(db_url)
    try:
        if not ledger.is_postgres:
            pytest.skip("the server's clock is PostgreSQL's")
        with ledger.reading() as conn:
            last, still, now = Ledger._since(conn, LastEntry(0, "", None), with_clock=True)
            assert (last.seq, still) == (0, True)
            assert abs(now - time.time_ns() // 1000) < 60_000_000
    finally:
        ledger.close()


def test_an_amendment_in_between_is_read_again_under_the_lock_by_the_usual_write(sahel, between, monkeypatch):
    sahel("evidence", "add", "Mining code revised", "--question", "minerals+")  # a forecast citing it goes the usual way
    between(lambda other: other.amend_question("ed", "minerals", reason="typo", title="Will the US and Mali sign it?"))
    again = reads_under_lock(monkeypatch)
    ledger = Ledger(sahel.url)
    try:
        question, made = ledger.record_forecast("amina", "minerals", read_forecast(["70%"]), evidence_ids=[1])
    finally:
        ledger.close()
    assert [h for h in again if h == "amina"] == ["amina"]  # read again under the lock
    assert question.title == "Will the US and Mali sign it?" and made.evidence == (1,)
    sahel("verify")
