"""An import is one transaction (SPEC 2, 7): a conflict found after chunks of rows were already
sent to the database leaves nothing behind, on both backends."""

from __future__ import annotations

import json

import pytest

import ledger.store.batches as bulk
from tests.io.test_import_existing import ROW_A, rows, write


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 rows, and a count of the rows flushed to the database before the refusal."""
    monkeypatch.setattr(bulk, "CHUNK", 3)
    flushed = {"rows": 0}
    original = bulk.Batch.flush

    def counting(self):
        flushed["rows"] += len(self.rows)
        original(self)

    monkeypatch.setattr(bulk.Batch, "flush", counting)
    return flushed


def test_a_late_jsonl_conflict_leaves_nothing(sahel, tmp_path, small_chunks):
    lines = [{"type": "analyst", "handle": f"a{i}"} for i in range(10)]
    lines += [{"type": "forecast", "question": "minerals", "analyst": f"a{i}", "made_at": "2099-01-01T00:00:00Z",
               "p": 0.5} for i in range(10)]
    lines.append({"type": "resolution", "question": "minerals", "outcome": "no", "known_at": "2026-01-02"})
    sahel("resolve", "minerals", "yes")
    before = sahel.state()
    err = sahel("import", write(tmp_path, "late.jsonl", "".join(json.dumps(x) + "\n" for x in lines)), code=2).stderr
    assert "line 21: question 'minerals' is already resolved; give \"correction\"" in err
    assert small_chunks["rows"] >= 20  # analysts, their roles and forecasts had reached the database
    assert sahel.state() == before
    sahel("verify")


def test_a_late_csv_conflict_with_the_ledger_leaves_nothing(run, tmp_path, small_chunks):
    run("import", write(tmp_path, "old.csv", rows(ROW_A)))
    before = run.state()
    new = "".join(f"n{i},u{i},0.5,1,2026-01-06 00:00:00+00:00,,2026-01-05 00:00:00+00:00,2026-03-01 00:00:00+00:00,,T,open\n"
                  for i in range(10))
    clash = ROW_A.format(outcome="", resolve="", status="open").replace("2026-03-01", "2026-05-01")
    err = run("import", write(tmp_path, "late.csv", rows() + new + clash), code=2).stderr
    assert "line 12: disagrees with the ledger about question 'q1'" in err
    assert small_chunks["rows"] >= 10
    assert run.state() == before
    run("verify")
