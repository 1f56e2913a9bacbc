"""`ledger review` and `ledger todo` against golden files (hledger's `test/*.test` habit), on the
backdated history of conftest.py with the clock stopped and TZ=UTC, so every byte is fixed; the
same files serve SQLite and PostgreSQL. `LEDGER_UPDATE_GOLDEN=1` rewrites them (then read the diff).

The scores in them are the ones worked by hand in test_dossiers.py (amina 5.41/43 = 0.1258 on
minerals; relative Brier -0.2403: d = 0 on [2, 5), 0.16 - 0.40 on [5, 24), 0.09 - 0.365 on [24, 45),
(-0.24·19 - 0.275·21) / 43 = -10.335 / 43).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = {
    "review-minerals.txt": ("review", "minerals"),
    "review-troops.txt": ("review", "troops"),
    "review-embassy.txt": ("review", "#3"),
    "review-due.txt": ("review", "--due"),
    "review-due-30.txt": ("review", "--due", "--within", "30"),
    "review-analyst-amina.txt": ("review", "--analyst", "amina"),
    "review-analyst-source.txt": ("review", "--analyst", "Sahel Monitor"),
    "review-minerals.json": ("review", "minerals", "--json"),
    "review-due.json": ("review", "--due", "--json"),
    "review-analyst-amina.json": ("review", "--analyst", "amina", "--json"),
    "todo-amina.txt": ("todo",),
    "todo-amina.json": ("todo", "--json"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(history, name):
    out = history(*CASES[name], as_="amina").stdout
    path = GOLDEN / name
    if os.environ.get("LEDGER_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


def test_the_dossier_json_marks_withdrawals_and_speaks_utc(history):
    d = history.json("review", "minerals")
    forecasts = [e for e in d["events"] if e["kind"] == "forecast"]
    assert [f["withdrawn"] for f in forecasts] == [None, None, None, "typed 90 for 20", None]
    assert forecasts[3]["withdrawal"] == {"at": "2026-01-06T00:10:00Z", "by": "jo", "reason": "typed 90 for 20"}
    assert [f["term"] for f in forecasts] == ["very likely", "likely", "unlikely", "very likely", "likely"]
    assert all(e["at"].endswith("Z") for e in d["events"])
    amendment = next(e for e in d["events"] if e["kind"] == "amendment")
    assert amendment["changes"]["closes"] == {"old": "2026-04-01T00:00:00Z", "new": "2026-03-01T00:00:00Z"}
    assert [s["analyst"] for s in d["scores"]] == ["Sahel Monitor", "amina", "jo", "@team"]


def test_people_read_their_local_time(history, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30, no daylight saving
    time.tzset()
    out = history("review", "minerals").stdout
    assert "2026-01-03 05:30 IST  forecast 2 by amina: 60% (likely)" in out


def test_one_view_at_a_time(history):
    assert "give one of" in history("review", code=2).stderr
    assert "give one of" in history("review", "minerals", "--due", code=2).stderr
    assert "--within goes with --due" in history("review", "minerals", "--within", "3", code=2).stderr
    assert "no analyst 'nobody'" in history("review", "--analyst", "nobody", code=1).stderr
    assert history("review", "nope", code=1).stderr.startswith("error:")


def test_user_text_is_shown_escaped_and_kept_exact_in_json(history, tmp_path):
    hostile = "ok\x1b[31mRED\u202e<b>&"
    lines = [
        {"type": "question", "slug": "hostile", "title": "T " + hostile, "criteria": "C " + hostile,
         "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2026-12-01T00:00:00Z"},
        {"type": "evidence", "id": 9, "analyst": "jo", "logged_at": "2026-01-02T00:00:00Z", "summary": "E " + hostile,
         "links": [{"question": "hostile", "stance": "~"}]},
        {"type": "forecast", "question": "hostile", "analyst": "jo", "made_at": "2026-01-03T00:00:00Z", "p": 0.5,
         "rationale": "R " + hostile, "evidence": [9]},
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    history("import", str(path))
    out = history("review", "hostile").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "why: R ok\\x1b[31mRED\\u202e<b>&" in out
    assert "cites evidence 4: E ok\\x1b[31mRED\\u202e<b>&" in out
    for view in (("todo",), ("review", "--due", "--within", "400")):
        printed = history(*view, as_="amina").stdout
        assert "T ok\\x1b[31mRED\\u202e<b>&" in printed and "\x1b" not in printed
    d = history.json("review", "hostile")
    assert d["question"]["title"] == "T " + hostile
    assert [e["rationale"] for e in d["events"] if e["kind"] == "forecast"] == ["R " + hostile]
