"""The JSONL export's fast path for forecast lines writes exactly what the JSON encoder writes
for the same forecast (`forecast_line`), on a ledger with every kind of forecast: hostile and
non-ASCII text, choice forecasts, withdrawals, citations, instants with and without microseconds
and before 1970."""

from __future__ import annotations

import json

from ledger.io.jsonl import export_lines, forecast_line
from ledger.store.export import Snapshot
from ledger.store.ledger import open_ledger
from tests.conftest import LedgerCli
from tests.reports import sahel_example
from tests.reports.test_report_output import HOSTILE

ODD = [
    {"type": "analyst", "handle": "ed", "role": "editor"},
    {"type": "analyst", "handle": "zoë \u200b\"q\"\\"},
    {"type": "question", "slug": "old", "title": "Old?", "kind": "binary", "criteria": "c",
     "opens_at": "1969-07-01T00:00:00Z", "closes_at": "1969-08-01T00:00:00Z"},
    {"type": "forecast", "question": "old", "analyst": "zoë \u200b\"q\"\\", "made_at": "1969-07-20T20:17:40.000001Z",
     "p": 0.1, "rationale": "tab\there\nnewline \u2028 sep \U0001F600"},
    {"type": "forecast", "question": "old", "analyst": "ed", "made_at": "1969-07-21T02:56:15Z", "p": 1e-07},
    {"type": "forecast", "question": "old", "analyst": "ed", "made_at": "1969-07-22T00:00:00.5Z", "p": 0.3333333333333333},
]


def _lines(url: str) -> tuple[list[str], list[str]]:
    ledger = open_ledger(url)
    try:
        with ledger.reading() as conn:
            fast = [line for line in export_lines(Snapshot(ledger, conn)) if line.startswith('{"type": "forecast"')]
            reference = [forecast_line(f) for f in Snapshot(ledger, conn).forecasts()]
        return fast, reference
    finally:
        ledger.close()


def test_fast_forecast_lines_equal_the_encoders(run: LedgerCli, tmp_path):
    for name, lines in (("sahel", sahel_example.lines()), ("hostile", HOSTILE), ("odd", ODD)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
        run("import", str(path))
    fast, reference = _lines(run.url)
    assert len(fast) == len(reference) > 100
    assert fast == reference
    assert any('"withdrawn"' in line for line in fast) and any('"probabilities"' in line for line in fast)
    assert any('"made_at": "1969-07-20T20:17:40.000001Z"' in line for line in fast)
    assert any('"p": 1e-07' in line for line in fast)
