"""Import edge cases found in review: forward references, spelling-only differences, long
fields, multi-line records, encodings, extreme dates, empty files, who may import."""

from __future__ import annotations

import pytest

import json

from tests.conftest import LedgerCli

HEADER = "question_id,user_id,probability,timestamp,outcome,open_time,close_time,resolve_time\n"


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def jsonl(lines) -> str:
    return "".join(json.dumps(x) + "\n" for x in lines)


def test_jsonl_forward_reference_is_refused(run: LedgerCli, tmp_path):
    lines = [
        {"type": "forecast", "question": "fc", "analyst": "amina", "made_at": "2026-01-02T00:00:00Z", "p": 0.9},
        {"type": "question", "slug": "fc", "title": "F?", "kind": "choice", "options": ["a", "b", "c"],
         "criteria": "c", "opens_at": "2026-01-01", "closes_at": "2026-06-30"},
    ]
    before = run.state()
    err = run("import", write(tmp_path, "fw.jsonl", jsonl(lines)), code=2).stderr
    assert "line 2: question 'fc' is defined after line 1 used it" in err
    assert run.state() == before


def test_jsonl_binary_p_on_a_ledger_choice_question(sahel: LedgerCli, tmp_path):
    lines = [{"type": "forecast", "question": "troops", "analyst": "amina", "made_at": "2099-01-01T00:00:00Z",
              "p": 0.9}]
    err = sahel("import", write(tmp_path, "x.jsonl", jsonl(lines)), code=2).stderr
    assert "line 1: question 'troops' is a choice question" in err


def test_jsonl_question_checks(run: LedgerCli, tmp_path):
    base = {"type": "question", "title": "T?", "kind": "choice", "criteria": "c", "opens_at": "2026-01-01",
            "closes_at": "2026-06-30"}
    lines = [
        {**base, "slug": "x" * 201, "options": ["a", "b"]},
        {**base, "slug": "o1", "options": ["a", ""]},
        {**base, "slug": "o2", "options": ["a", "Annulled"]},
        {**base, "slug": "o3", "options": ["Yes", "yes"]},
        {**base, "slug": "ok", "options": ["a", "b"]},
        {"type": "resolution", "question": "ok", "outcome": "A", "known_at": "2026-07-01"},
        {"type": "resolution", "question": "ok", "outcome": "b", "known_at": "2026-07-02", "correction": ""},
    ]
    err = run("import", write(tmp_path, "q.jsonl", jsonl(lines)), code=2).stderr
    assert "line 1: " in err and "longer than 200" in err
    assert "line 2: option name must not be empty" in err
    assert "line 3: 'annulled' cannot be an option name" in err
    assert "line 4: option 'yes' is given twice" in err
    assert "line 6" not in err  # "A" names option "a"
    assert 'line 7: "correction" must not be empty' in err


def test_jsonl_outcome_case_and_future_known_at(run: LedgerCli, tmp_path):
    q = {"type": "question", "slug": "b", "title": "B?", "kind": "binary", "criteria": "c",
         "opens_at": "2026-01-01", "closes_at": "2026-06-30"}
    err = run("import", write(tmp_path, "f.jsonl", jsonl([q, {"type": "resolution", "question": "b", "outcome": "Yes",
                                                               "known_at": "2999-01-01"}])), code=2).stderr
    assert "line 2: known_at 2999-01-01T00:00:00Z is in the future" in err
    run("import", write(tmp_path, "g.jsonl", jsonl([q, {"type": "resolution", "question": "b", "outcome": "Yes",
                                                         "known_at": "2026-07-01"}])))
    assert run.json("question", "show", "b")["resolution"]["outcome"] == "yes"


def test_jsonl_with_a_byte_order_mark(run: LedgerCli, tmp_path):
    q = {"type": "question", "slug": "b", "title": "B?", "kind": "binary", "criteria": "c",
         "opens_at": "2026-01-01", "closes_at": "2026-06-30"}
    run("import", write(tmp_path, "bom.jsonl", "\ufeff" + jsonl([q])))
    assert run.json("question", "show", "b")["title"] == "B?"


def test_empty_files_import_nothing(run: LedgerCli, tmp_path):
    before = run.state()
    assert "holds nothing to import" in run("import", write(tmp_path, "e.jsonl", ""), code=2).stderr
    assert "holds nothing to import" in run("import", write(tmp_path, "h.csv", HEADER), code=2).stderr
    assert run.state() == before


def test_csv_rows_may_spell_the_same_question_differently(run: LedgerCli, tmp_path):
    text = (HEADER
            + "q1,a,0.5,2026-01-06 00:00:00+00:00,1,2026-01-05 10:00:00+00:00,2026-03-01,2026-02-20T09:00:00Z\n"
            + "q1,b,0.6,2026-01-07 00:00:00+00:00,1.0,2026-01-05T10:00:00Z,2026-03-01,2026-02-20 09:00:00+00:00\n"
            + "q1,c,0.6,2026-01-07 00:00:00+00:00,0,2026-01-05T10:00:00Z,2026-03-01,2026-02-20 09:00:00+00:00\n")
    err = run("import", write(tmp_path, "s.csv", text), code=2).stderr
    assert "line 4: disagrees with line 2 about question 'q1'" in err
    assert "line 3" not in err
    run("import", write(tmp_path, "t.csv", text.rsplit("q1,c", 1)[0]))
    assert len(run.json("question", "show", "q1")["forecasts"]) == 2


def test_csv_multiline_record_is_reported_at_its_first_line(run: LedgerCli, tmp_path):
    text = ("question_id,user_id,probability,timestamp,open_time,close_time,q_title\n"
            + 'q1,a,0.5,2026-01-06,2026-01-05,2026-03-01,"A title\nover two lines"\n'
            + "q1,b,1.5,2026-01-06,2026-01-05,2026-03-01,\"A title\nover two lines\"\n")
    err = run("import", write(tmp_path, "m.csv", text), code=2).stderr
    assert "line 4: probability 1.5 is outside 0-1" in err


def test_csv_long_fields_and_nul(run: LedgerCli, tmp_path):
    long_title = "T" * 200_000
    text = ("question_id,user_id,probability,timestamp,open_time,close_time,q_title,criteria\n"
            + f"q1,a,0.5,2026-01-06,2026-01-05,2026-03-01,{long_title},c\n")
    run("import", write(tmp_path, "long.csv", text))
    assert len(run.json("question", "show", "q1")["title"]) == 200_000
    bad = ("question_id,user_id,probability,timestamp,open_time,close_time,criteria\n"
           + "q2,a,0.5,2026-01-06,2026-01-05,2026-03-01,nul\x00here\n")
    assert "line 2: q_title or criteria contains a NUL character" in run("import", write(tmp_path, "nul.csv", bad),
                                                                         code=2).stderr


def test_csv_not_utf8_names_line_and_byte(run: LedgerCli, tmp_path):
    data = (HEADER + "q1,a,0.5,2026-01-06,,2026-01-05,2026-03-01,\n").encode() + b"q1,b\xff,0.5,x\n"
    err = run("import", write(tmp_path, "b.csv", data), code=2).stderr
    assert "line 3: not UTF-8 text" in err and "0xff" in err


def test_csv_extreme_dates(run: LedgerCli, tmp_path):
    text = HEADER + "q1,a,0.5,9999-12-31T23:00:00-05:00,,2026-01-05,9999-12-30,\n"
    err = run("import", write(tmp_path, "x.csv", text), code=2).stderr
    assert "line 2: timestamp is outside the years 1 to 9999" in err


def test_only_editors_import_and_are_told_before_parsing(sahel: LedgerCli, tmp_path):
    err = sahel("import", write(tmp_path, "bad.csv", HEADER + "q1,a,7,x,,y,z,\n"), as_="amina", code=1).stderr
    assert "only editors may import" in err and "line" not in err


def test_team_handle_is_reserved(run: LedgerCli, tmp_path):
    assert "reserved for the team forecast" in run("analyst", "add", "@team", code=2).stderr
    text = HEADER + "q1,@team,0.5,2026-01-06,,2026-01-05,2026-03-01,\n"
    assert "line 2: user_id" in run("import", write(tmp_path, "t.csv", text), code=2).stderr


@pytest.mark.parametrize("chunk", [65_536, 2])
def test_a_week_date_among_common_timestamps_of_the_same_length_is_refused_by_line(run, tmp_path, monkeypatch, chunk):
    """fromisoformat reads `2026-W02-1T10:00:00+00:00` (25 characters, like the common spelling);
    the one instant grammar does not: the row is refused with its line (however the check is chunked)."""
    monkeypatch.setattr("ledger.io.csv_import.STAMP_CHUNK", chunk)
    rows = [f"q1,amina,0.5,2026-01-0{d}T10:00:00+00:00,2026-01-01T00:00:00+00:00,2026-03-01T00:00:00+00:00"
            for d in range(2, 8)]
    rows.insert(3, "q1,amina,0.5,2026-W02-1T10:00:00+00:00,2026-01-01T00:00:00+00:00,2026-03-01T00:00:00+00:00")
    path = tmp_path / "weeks.csv"
    path.write_text("question_id,user_id,probability,timestamp,open_time,close_time\n" + "\n".join(rows) + "\n")
    before = run.state()
    error = run("import", str(path), code=2).stderr
    assert "line 5: timestamp: '2026-W02-1T10:00:00+00:00'" in error
    assert run.state() == before
