"""A forecast is appended from a template (`ledger.store.derived`): behind the lock only the head,
the row and its entry. On PostgreSQL it is one statement, its journal entry derived by the server;
on SQLite it is written on the driver itself. Either way the entry is byte for byte the one the
usual write makes, and when what was read before the lock no longer holds, nothing is written
that way and the write is made the usual way."""

from __future__ import annotations

import hashlib
import time

import pytest

from ledger.core.probability import read_forecast
from ledger.store import direct
from ledger.store import formats as fmt
from ledger.store.ledger import Ledger
from tests.conftest import FixedClock

MINUTE = 60 * 1_000_000


def entry(url: str, seq: int | None = None) -> dict:
    ledger = Ledger(url)
    try:
        with ledger.reading() as conn:
            where = "ORDER BY seq DESC LIMIT 1" if seq is None else f"WHERE seq = {int(seq)}"
            row = direct.fetch_one(conn, f"SELECT seq, at, kind, actor, payload, prev_hash, hash, format FROM journal {where}")
        return dict(zip(("seq", "at", "kind", "actor", "payload", "prev_hash", "hash", "format"), row))
    finally:
        ledger.close()


def stored_forecast(url: str, forecast_id: int) -> tuple:
    ledger = Ledger(url)
    try:
        with ledger.reading() as conn:
            return direct.fetch_one(conn, 'SELECT "id", "question_id", "analyst_id", "made_at", "p", "probs", '
                                          '"rationale", "imported" FROM "forecasts" WHERE "id" = ?', (forecast_id,))
    finally:
        ledger.close()


def counted(monkeypatch) -> dict[str, int]:
    """How many appends from a template were tried, and how many writes went the usual way."""
    calls = {"derived": 0, "usual": 0}
    on_server, here, appending = Ledger._derived_on_server, Ledger._derived_here, Ledger._appending

    def count(key, real):
        def counting(self, *args, **kwargs):
            calls[key] += 1
            return real(self, *args, **kwargs)
        return counting

    monkeypatch.setattr(Ledger, "_derived_on_server", count("derived", on_server))
    monkeypatch.setattr(Ledger, "_derived_here", count("derived", here))
    monkeypatch.setattr(Ledger, "_appending", count("usual", appending))
    return calls


def test_a_forecast_is_written_from_the_template_with_the_entry_worked_by_hand(sahel, monkeypatch):
    pg = sahel
    calls = counted(monkeypatch)
    pipelines: list[list[str]] = []
    real = direct.pipelined

    def spy(conn, statements):
        pipelines.append([sql for sql, _ in statements])
        return real(conn, statements)

    monkeypatch.setattr(direct, "pipelined", spy)
    previous = entry(pg.url)
    out = pg("forecast", "minerals", "25%", "--why", "l'été — 'quoted'", as_="amina").stdout
    assert out.startswith("recorded 25% (unlikely) on #1 (forecast 1)")
    assert calls == {"derived": 1, "usual": 0}
    if pg.url.startswith("postgresql"):  # the lock, the statement and the commit: one round trip
        assert len(pipelines) == 1 and pipelines[0][-1] == "COMMIT"
        assert any("pg_advisory_xact_lock" in sql for sql in pipelines[0])
    else:
        assert pipelines == []
    got = entry(pg.url)
    row = stored_forecast(pg.url, 1)
    amina = row[2]
    # worked by hand from format 2: 0.25 is 0x3FD0000000000000; the rationale is 20 bytes in UTF-8 (é two, — three)
    assert "l'été — 'quoted'".encode() == b"l'\xc3\xa9t\xc3\xa9 \xe2\x80\x94 'quoted'" and len("l'été — 'quoted'".encode()) == 20
    assert got["payload"] == (f"forecasts i1 i1 i{amina} i{got['at']} d3fd0000000000000 n s20:l'été — 'quoted' f\n"
                              "= question s8:minerals\n")
    assert (got["seq"], got["kind"], got["actor"], got["prev_hash"], got["format"]) == \
        (previous["seq"] + 1, "forecast", "amina", previous["hash"], 2)
    assert row[3] == got["at"] and abs(got["at"] - time.time_ns() // 1000) < MINUTE  # the clock, now
    text = (f"ledger-journal 2\n{got['seq']}\n{got['at']}\ns8:forecast\ns5:amina\n{previous['hash']}\n"
            f"{got['payload']}")
    assert got["hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    pg("verify")


@pytest.mark.parametrize("args, why", [
    (["troops", "a=20%", "b=50%", "3 or more=30%"], None),
    (["minerals", "0.7"], "emoji 🛰 and a\nnewline and a backslash \\ and 100%"),
    (["minerals", "0%"], ""),
])
def test_the_entry_is_the_one_the_usual_write_makes_from_the_stored_row(sahel, monkeypatch, args, why):
    pg = sahel
    calls = counted(monkeypatch)
    pg("forecast", *args, *(["--why", why] if why is not None else []), as_="amina")
    assert calls == {"derived": 1, "usual": 0}
    got = entry(pg.url)
    forecast_id = int(pg.json("question", "show", args[0])["forecasts"][-1]["id"])
    row = list(stored_forecast(pg.url, forecast_id))
    row[7] = bool(row[7])  # `imported`: SQLite keeps a boolean as 0 or 1
    slug = args[0]
    assert got["payload"] == fmt.row_line("forecasts", list(row)) + "\n" + f"= question {fmt.token(slug)}\n"
    assert got["hash"] == fmt.entry_hash_v2(got["seq"], got["at"], "forecast", "amina", got["prev_hash"], got["payload"])
    assert entry(pg.url, got["seq"] - 1)["hash"] == got["prev_hash"]
    pg("verify")


def test_a_head_ahead_of_the_clock_is_refused_as_ever(sahel, monkeypatch):
    pg = sahel
    ahead = Ledger(pg.url, clock=FixedClock(time.time_ns() // 1000 + 10 * MINUTE))  # a client clock, written the usual way
    try:
        ahead.record_forecast("ed", "minerals", read_forecast(["40%"]))
    finally:
        ahead.close()
    before = pg.state()
    calls = counted(monkeypatch)
    refused = pg("forecast", "minerals", "70%", as_="amina", code=1)
    assert "more than 5 minutes before the journal's last entry" in refused.stderr
    # PostgreSQL: the statement wrote nothing and the usual write said why; SQLite: refused at once
    assert calls == ({"derived": 1, "usual": 1} if pg.url.startswith("postgresql") else {"derived": 1, "usual": 0})
    assert pg.state() == before


def test_an_unknown_analyst_is_registered_the_usual_way(sahel, monkeypatch):
    pg = sahel
    calls = counted(monkeypatch)
    result = pg("forecast", "minerals", "70%", as_="newcomer")
    assert "registered 'newcomer'" in result.stderr
    assert calls == {"derived": 0, "usual": 1}
    pg("verify")


def test_a_forecast_with_evidence_is_written_the_usual_way(sahel, monkeypatch):
    pg = sahel
    pg("evidence", "add", "Mining code revised", "--question", "minerals+")
    calls = counted(monkeypatch)
    pg("forecast", "minerals", "70%", "--evidence", "1", as_="amina")
    assert calls == {"derived": 0, "usual": 1}
    pg("verify")
