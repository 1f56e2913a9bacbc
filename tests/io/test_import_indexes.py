"""A large SQLite import builds the forecasts table's index after its rows (same definition, same
transaction): the schema is unchanged afterwards, and a refused import leaves it as it was."""

from __future__ import annotations

import sqlite3

import pytest

import ledger.store.plan_writer as plan_writer
from tests.conftest import LedgerCli

CSV = ("question_id,user_id,probability,timestamp,open_time,close_time\n"
       + "".join(f"q{i % 7},u{i % 5},0.{i % 9 + 1},2022-01-{i % 20 + 2:02d}T00:00:00Z,2022-01-01T00:00:00Z,"
                 f"2022-03-01T00:00:00Z\n" for i in range(300)))


def indexes(path: str) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'forecasts'"
                            " ORDER BY name").fetchall()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_index_is_built_after_the_rows_and_is_the_same(run: LedgerCli, tmp_path, monkeypatch):
    before = indexes(run.url)
    assert before == [("ix_forecasts_question_id", "CREATE INDEX ix_forecasts_question_id ON forecasts (question_id)")]
    monkeypatch.setattr(plan_writer, "BUILD_INDEXES_AFTER", 100)
    dropped = []
    real = plan_writer._drop_indexes
    monkeypatch.setattr(plan_writer, "_drop_indexes", lambda conn, table: dropped.append(table) or real(conn, table))
    path = tmp_path / "big.csv"
    path.write_text(CSV)
    run("import", str(path))
    assert dropped == ["forecasts"] and indexes(run.url) == before
    assert run("verify").stdout.startswith("ok: ")
    # An import refused after its forecasts went in (an outcome known in the future, found last)
    # rolls the drop back with the rest.
    late = ("question_id,user_id,probability,timestamp,open_time,close_time,outcome,resolve_time\n"
            + "".join(f"n{i % 7},u{i % 5},0.5,2022-01-{i % 20 + 2:02d}T00:00:00Z,2022-01-01T00:00:00Z,"
                      f"2022-03-01T00:00:00Z,1,2099-01-01T00:00:00Z\n" for i in range(300)))
    path.write_text(late)
    counts = run.state()
    assert "in the future" in run("import", str(path), code=2).stderr
    assert dropped == ["forecasts", "forecasts"]
    assert run.state() == counts and indexes(run.url) == before


def test_an_unknown_scenario_is_said_once(run: LedgerCli, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(CSV)
    counts = run.state()
    err = run("import", str(path), "--scenario", "nope", code=2).stderr
    assert err == ("error: big.csv: 1 problem(s), nothing imported:\n  line 2: no scenario 'nope' in the file or the "
                   "ledger, for 7 new question(s) (the first on this line); create it first with "
                   "`ledger scenario add nope`\n")
    assert run.state() == counts
