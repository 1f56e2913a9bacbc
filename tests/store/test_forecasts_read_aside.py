"""Scoring reads the forecasts on a second SQLite connection while the first reads the questions
(`scores.ForecastRead`), as texts of numbers SQLite writes and numpy parses. What it gives must be
exactly what the plain read gives, p to the last bit; when it cannot be sure of that (a p it would
not bring back exactly, a write landed between the two snapshots) it gives nothing and the plain
read is used."""

from __future__ import annotations

import numpy as np
import pytest

from ledger.core.probability import read_forecast
from ledger.store import scores
from ledger.store.journal import read_last
from ledger.store.ledger import Ledger

# p with all 53 bits in use (1/3, 0.1), the ends, ICD 203 middles, the smallest p that packs
# exactly whatever its bits (2**-10)
EXACT = ["1 in 3", "0.1", "0", "1", "0.675", "0.97", "0.0009765625", "7:3", "0.999"]


pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the aside read is SQLite's


def plain_and_aside(url: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The plain read, and what the aside read gave (None: it gave nothing, the plain read stood in)."""
    ledger = Ledger(url)
    try:
        with ledger.read() as view:
            pending = scores.ForecastRead.begin(view.conn, view.now)
            rows = pending.rows()
            plain = scores.read_forecasts(view.conn, view.now)
            aside = pending._got[1] if pending._got is not None else None
        assert rows.tobytes() == (plain if aside is None else aside).tobytes()
        return plain, aside
    finally:
        ledger.close()


def record(url: str, values: list[str]) -> None:
    ledger = Ledger(url)
    try:
        for value in values:
            ledger.record_forecast("amina", "minerals", read_forecast([value]))
        ledger.record_forecast("amina", "troops", read_forecast(["a=20%", "b=50%", "3 or more=30%"]))
    finally:
        ledger.close()


def test_the_aside_read_gives_the_plain_reads_rows_to_the_last_bit(sahel):
    record(sahel.url, EXACT)
    plain, aside = plain_and_aside(sahel.url)
    assert aside is not None and len(plain) == len(EXACT) + 1
    for field in ("id", "question_id", "analyst_id", "made_at"):
        assert aside[field].tolist() == plain[field].tolist()
    assert aside["p"].tobytes() == plain["p"].tobytes()  # bit for bit, the choice forecast's -1 too
    assert plain["p"][0] == 1 / 3 and plain["p"][-1] == -1.0


def test_a_p_that_would_not_come_back_exactly_leaves_it_to_the_plain_read(sahel):
    record(sahel.url, ["0.5", "0.0001"])  # 53 bits below 2**-13: the lowest lies below 2**-62
    _, aside = plain_and_aside(sahel.url)
    assert aside is None


def test_a_write_between_the_two_snapshots_leaves_it_to_the_plain_read(sahel):
    record(sahel.url, ["0.5"])
    ledger = Ledger(sahel.url)
    try:
        with ledger.read() as view:
            head = read_last(view.conn).seq
            other = Ledger(sahel.url)
            try:
                other.record_forecast("amina", "minerals", read_forecast(["60%"]))
            finally:
                other.close()
            assert read_last(view.conn).seq == head
            later = 2**62  # as of long after the forecast just made
            pending = scores.ForecastRead.begin(view.conn, later)  # its snapshot holds the new forecast
            rows = pending.rows()
            assert len(pending._got[1]) == 3  # the aside read saw it, so it is not taken:
            assert len(rows) == 2  # the caller's snapshot, as it began
    finally:
        ledger.close()


def test_scores_are_the_same_with_and_without_the_aside_read(sahel, monkeypatch):
    record(sahel.url, EXACT)
    sahel("resolve", "minerals", "yes")
    with_aside = sahel.json("score", "--by", "question")
    monkeypatch.setattr(scores.ForecastRead, "_aside", lambda self, engine: None)  # gives nothing
    without = sahel.json("score", "--by", "question")
    assert with_aside["groups"] and with_aside["groups"] == without["groups"]
