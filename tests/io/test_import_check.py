"""`ledger import FILE --check` (SPEC 5, 7): every problem a real import would refuse, or the
counts it would add, and nothing written."""

from __future__ import annotations

import json

from tests.io.test_import_existing import ROW_A, ROW_B, ROW_C, rows, write


def problems(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.strip().startswith("line ")]


def test_a_good_file_reports_what_the_import_then_adds(run, tmp_path):
    run("import", write(tmp_path, "old.csv", rows(ROW_A)))
    path = write(tmp_path, "new.csv", rows(ROW_A, ROW_B, ROW_C, outcome="1", resolve="2026-02-20 09:00:00+00:00"))
    before = run.state()
    checked = run("import", path, "--check").stdout
    assert run.state() == before
    run("verify")
    assert checked == "checked new.csv: would import 2 analysts, 2 forecasts, 1 resolutions; skipped 1 rows already " \
                      "in the ledger; nothing written\n"
    imported = run("import", path).stdout
    assert imported.startswith("imported new.csv: 2 analysts, 2 forecasts, 1 resolutions; skipped 1 rows already "
                               "in the ledger; head ")
    counts = run.state()[0]
    assert counts["forecasts"] == before[0]["forecasts"] + 2 and counts["analysts"] == before[0]["analysts"] + 2


def test_an_empty_ledger_stays_empty(run, tmp_path):
    """The importer would be registered by the import: a check registers no one."""
    before = run.state()
    assert "would import 2 analysts, 1 questions" in run("import", write(tmp_path, "a.csv", rows(ROW_A, ROW_B)),
                                                         "--check").stdout
    assert run.state() == before


def test_a_refused_file_is_refused_alike(sahel, tmp_path):
    """Problems found by the parser and problems only the ledger shows, listed the same."""
    lines = [{"type": "question", "slug": "minerals", "title": "Again", "kind": "binary", "criteria": "c",
              "opens_at": "2026-01-01", "closes_at": "2026-02-01"},
             {"type": "forecast", "question": "nowhere", "analyst": "amina", "made_at": "2099-01-01T00:00:00Z",
              "p": 0.5},
             {"type": "forecast", "question": "troops", "analyst": "amina", "made_at": "2099-01-01T00:00:00Z",
              "probabilities": {"a": 0.5, "b": 0.5, "3 or more": 0.5}},
             {"type": "forecast", "question": "troops", "analyst": "amina", "made_at": "2000-01-01T00:00:00Z",
              "probabilities": {"a": 0.5, "b": 0.5, "3 or more": 0}}]
    path = write(tmp_path, "bad.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    before = sahel.state()
    real = sahel("import", path, code=2).stderr
    checked = sahel("import", path, "--check", code=2).stderr
    assert problems(real) == problems(checked) == [
        "line 1: question 'minerals' already exists in this ledger",
        "line 2: no question 'nowhere' in the file or the ledger",
        "line 3: probabilities sum to 150%; they must sum to 100% (within 0.5%)",
        "line 4: forecast is before question 'troops' opens",
    ]
    parse_error = write(tmp_path, "bad.csv", rows(ROW_A).replace("0.8", "1.5"))
    assert problems(sahel("import", parse_error, code=2).stderr) == problems(
        sahel("import", parse_error, "--check", code=2).stderr) == ["line 2: probability 1.5 is outside 0-1"]
    assert sahel.state() == before


def test_check_is_for_editors_like_the_import(sahel, tmp_path):
    err = sahel("import", write(tmp_path, "a.csv", rows(ROW_A)), "--check", as_="amina", code=1).stderr
    assert "only editors may import" in err
