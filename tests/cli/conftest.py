"""A backdated history for the views editors look at (review, todo, plot), on a fixed clock.

The clock reads 2026-03-10 12:00Z throughout (the import is recorded then), so statuses, the due
list and every recorded time are the same on every run. Questions:

    minerals  binary, opens 01-01, closes 04-01 amended to 03-01 (and clarified) on 01-10;
              resolved yes, known 02-15. The source "Sahel Monitor" 0.8 on 01-01; amina 0.6 on
              01-03 (citing evidence 1) and 0.7 on 01-25; jo 0.2 on 01-06 and a mistyped 0.9 five
              minutes later, withdrawn. Evidence 1 (+) observed 01-02, 2 (-) observed 01-20.
    troops    choice a | b | 3 or more, closes 02-01; resolved b (known 02-05), corrected to
              `3 or more`. amina a=20 b=50 3+=30 on 01-05; jo 10/30/60 on 01-10.
    embassy   binary, closes 03-20 (within 14 days of now); amina 0.3 on 02-01, then evidence 3
              linked on 03-01.
    sanctions binary, closes 03-05, resolves by 03-08: overdue now.
    base      binary, closes 06-30; nobody has forecast it.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from ledger.core.timeutil import parse_instant
from ledger.store.clock import SystemClock
from tests.conftest import LedgerCli

NOW = parse_instant("2026-03-10T12:00:00Z")


def _q(slug: str, title: str, closes: str, **more) -> dict:
    return {"type": "question", "slug": slug, "title": title, "kind": "binary", "scenario": "sahel-2026",
            "criteria": f"Yes if {title.lower()}", "opens_at": "2026-01-01T00:00:00Z", "closes_at": closes, **more}


HISTORY = [
    {"type": "analyst", "handle": "ed", "role": "editor"},
    {"type": "analyst", "handle": "amina", "name": "Amina D."},
    {"type": "analyst", "handle": "jo"},
    {"type": "analyst", "handle": "Sahel Monitor", "kind": "source"},
    {"type": "scenario", "slug": "sahel-2026", "title": "US re-engagement with the Sahel"},
    _q("minerals", "Will the US and Mali sign a minerals deal?", "2026-04-01T00:00:00Z"),
    {**_q("troops", "How many AES states join the force?", "2026-02-01T00:00:00Z"), "kind": "choice",
     "options": ["a", "b", "3 or more"], "criteria": "Count of states with troops there on the close date."},
    _q("embassy", "Will the embassy reopen?", "2026-03-20T00:00:00Z"),
    _q("sanctions", "Will sanctions be lifted?", "2026-03-05T00:00:00Z", resolves_by="2026-03-08T00:00:00Z"),
    _q("base", "Will a base be leased?", "2026-06-30T00:00:00Z"),
    {"type": "amendment", "question": "minerals", "by": "ed", "at": "2026-01-10T09:00:00Z",
     "reason": "the summit moved forward", "closes_at": "2026-03-01T00:00:00Z",
     "clarify": "Signed means initialled by both ministers."},
    {"type": "evidence", "id": 1, "analyst": "amina", "logged_at": "2026-01-02T10:00:00Z", "observed_on": "2026-01-02",
     "summary": "Envoy visits Bamako", "source": "https://example.org/envoy",
     "links": [{"question": "minerals", "stance": "+"}]},
    {"type": "evidence", "id": 2, "analyst": "jo", "logged_at": "2026-01-20T08:00:00Z", "observed_on": "2026-01-20",
     "summary": "Ministry denies talks", "links": [{"question": "minerals", "stance": "-"}]},
    {"type": "evidence", "id": 3, "analyst": "jo", "logged_at": "2026-03-01T08:00:00Z", "observed_on": "2026-03-01",
     "summary": "Ambassador named", "links": [{"question": "embassy", "stance": "+"}]},
    {"type": "forecast", "question": "minerals", "analyst": "Sahel Monitor", "made_at": "2026-01-01T00:00:00Z",
     "p": 0.8, "rationale": "the article: “likely”"},
    {"type": "forecast", "question": "minerals", "analyst": "amina", "made_at": "2026-01-03T00:00:00Z", "p": 0.6,
     "rationale": "Envoy visits", "evidence": [1]},
    {"type": "forecast", "question": "minerals", "analyst": "jo", "made_at": "2026-01-06T00:00:00Z", "p": 0.2},
    {"type": "forecast", "question": "minerals", "analyst": "jo", "made_at": "2026-01-06T00:05:00Z", "p": 0.9,
     "withdrawn": {"at": "2026-01-06T00:10:00Z", "reason": "typed 90 for 20", "by": "jo"}},
    {"type": "forecast", "question": "minerals", "analyst": "amina", "made_at": "2026-01-25T00:00:00Z", "p": 0.7,
     "rationale": "Denial is pro forma"},
    {"type": "forecast", "question": "troops", "analyst": "amina", "made_at": "2026-01-05T00:00:00Z",
     "probabilities": {"a": 0.2, "b": 0.5, "3 or more": 0.3}},
    {"type": "forecast", "question": "troops", "analyst": "jo", "made_at": "2026-01-10T00:00:00Z",
     "probabilities": {"a": 0.1, "b": 0.3, "3 or more": 0.6}},
    {"type": "forecast", "question": "embassy", "analyst": "amina", "made_at": "2026-02-01T00:00:00Z", "p": 0.3},
    {"type": "resolution", "question": "minerals", "outcome": "yes", "known_at": "2026-02-15T00:00:00Z",
     "recorded_by": "ed", "note": "Signed in Bamako", "evidence": [1]},
    {"type": "resolution", "question": "troops", "outcome": "b", "known_at": "2026-02-05T00:00:00Z",
     "recorded_by": "ed"},
    {"type": "resolution", "question": "troops", "outcome": "3 or more", "known_at": "2026-02-05T00:00:00Z",
     "recorded_by": "ed", "correction": "miscounted: Niger's unit arrived on time"},
]


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> int:
    """The ledger's clock stopped at NOW, and local time UTC (human output shows local time)."""
    monkeypatch.setattr(SystemClock, "now", lambda self, conn=None, postgres=False: NOW)
    was = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield NOW
    if was is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = was
    time.tzset()


@pytest.fixture
def history(run: LedgerCli, tmp_path, fixed_now: int) -> LedgerCli:
    """`run` with HISTORY imported, on the stopped clock."""
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in HISTORY), encoding="utf-8")
    run("import", str(path))
    return run


@pytest.fixture
def drawn(monkeypatch):
    """The figures `ledger plot` hands to `save`, in order (still written to their files)."""
    from ledger.reports import plots

    figures = []
    real = plots.save

    def keep(figure, target, fmt=None):
        figures.append(figure)
        real(figure, target, fmt)

    monkeypatch.setattr(plots, "save", keep)
    return figures
