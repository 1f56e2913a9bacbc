"""Files that refer to questions already in the ledger (SPEC 7): CSV rows are compared with the
values in force on the columns they carry, their forecasts added, a refreshed dump adds only its
new rows, and only disagreement is refused, by line."""

from __future__ import annotations

import json

from tests.conftest import LedgerCli

HEADER = "question_id,user_id,probability,answer_option,timestamp,outcome,open_time,close_time,resolve_time,q_title,q_status\n"
Q1 = ",2026-01-05 10:00:00+00:00,2026-03-01 00:00:00+00:00,{resolve},Will X happen?,{status}\n"
ROW_A = "q1,amina,0.8,1,2026-01-05 10:00:00+00:00,{outcome}" + Q1
ROW_B = "q1,Jo Rivers,0.35,1,2026-01-09 16:30:00+00:00,{outcome}" + Q1
ROW_C = "q1,kofi,0.6,1,2026-01-10 08:00:00+00:00,{outcome}" + Q1


def rows(*templates: str, outcome: str = "", resolve: str = "", status: str = "open") -> str:
    return HEADER + "".join(t.format(outcome=outcome, resolve=resolve, status=status) for t in templates)


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def forecasts(run: LedgerCli, slug: str) -> list[tuple[str, float]]:
    return [(f["analyst"], f["p"]) for f in run.json("question", "show", slug)["forecasts"]]


def test_a_refreshed_dump_adds_only_its_new_rows(run: LedgerCli, tmp_path):
    run("import", write(tmp_path, "old.csv", rows(ROW_A, ROW_B)))
    out = run("import", write(tmp_path, "new.csv", rows(ROW_A, ROW_B, ROW_C))).stdout
    assert out.startswith("imported new.csv: 1 analysts, 1 forecasts; skipped 2 rows already in the ledger; head ")
    assert forecasts(run, "q1") == [("amina", 0.8), ("Jo Rivers", 0.35), ("kofi", 0.6)]
    run("verify")


def test_the_ledgers_own_csv_export_adds_nothing_back(run: LedgerCli, tmp_path):
    run("import", write(tmp_path, "old.csv", rows(ROW_A, ROW_B, outcome="1", resolve="2026-02-20 09:00:00+00:00",
                                                  status="resolved")))
    dump = tmp_path / "dump.csv"
    run("export", "--format", "csv", "--out", str(dump))
    before = run.state()[0]
    out = run("import", str(dump)).stdout
    assert "nothing new; skipped 2 rows already in the ledger" in out
    assert run.state()[0] == before


def test_rows_for_a_live_question_add_forecasts_and_its_outcome(sahel: LedgerCli, tmp_path):
    """Only the columns the file carries are compared: no q_title column, and the dates in force."""
    q = sahel.json("question", "show", "minerals")
    header = "question_id,user_id,probability,timestamp,outcome,open_time,close_time,resolve_time\n"
    row = f"minerals,{{who}},{{p}},2099-01-0{{day}} 00:00:00+00:00,{{outcome}},{q['opens_at']},{q['closes_at']},{{known}}\n"
    text = header + row.format(who="amina", p="0.4", day=1, outcome="1", known="2026-01-01T00:00:00Z") + row.format(
        who="Jo Rivers", p="0.9", day=2, outcome="1", known="2026-01-01T00:00:00Z")
    out = sahel("import", write(tmp_path, "live.csv", text), "--scenario", "elsewhere").stdout
    assert out.startswith("imported live.csv: 1 analysts, 2 forecasts, 1 resolutions; head ")
    after = sahel.json("question", "show", "minerals")
    assert after["scenario"] == "sahel-2026"  # --scenario is ignored for questions already in the ledger
    assert after["resolution"]["outcome"] == "yes" and after["resolution"]["known_at"] == "2026-01-01T00:00:00Z"
    assert forecasts(sahel, "minerals") == [("amina", 0.4), ("Jo Rivers", 0.9)]
    # the same outcome again adds nothing; the forecasts are already there
    again = header + row.format(who="Jo Rivers", p="0.9", day=2, outcome="1.0", known="2026-01-01 00:00:00Z")
    out = sahel("import", write(tmp_path, "again.csv", again)).stdout
    assert "nothing new; skipped 1 rows already in the ledger" in out
    sahel("verify")


def test_disagreement_with_the_ledger_is_refused_by_line(run: LedgerCli, tmp_path):
    run("import", write(tmp_path, "old.csv", rows(ROW_A, outcome="1", resolve="2026-02-20 09:00:00+00:00",
                                                  status="resolved")))
    before = run.state()
    later_close = rows(ROW_C, outcome="1", resolve="2026-02-20 09:00:00+00:00").replace("2026-03-01", "2026-04-01")
    err = run("import", write(tmp_path, "close.csv", later_close), code=2).stderr
    assert ("line 2: disagrees with the ledger about question 'q1': close_time 2026-04-01T00:00:00Z in the file, "
            "2026-03-01T00:00:00Z in the ledger") in err
    other_outcome = rows(ROW_C, outcome="0", resolve="2026-02-20 09:00:00+00:00")
    err = run("import", write(tmp_path, "outcome.csv", other_outcome), code=2).stderr
    assert "line 2: disagrees with the ledger about question 'q1': outcome no" in err
    retitled = rows(ROW_C).replace("Will X happen?", "Will Y happen?")
    err = run("import", write(tmp_path, "title.csv", retitled), code=2).stderr
    assert "q_title 'Will Y happen?' in the file, 'Will X happen?' in the ledger" in err
    assert run.state() == before
    # an empty outcome agrees with anything, and so does an empty q_title
    untitled = rows(ROW_C).replace("Will X happen?", "")
    assert "1 forecasts" in run("import", write(tmp_path, "ok.csv", untitled)).stdout


def test_a_choice_question_in_the_ledger_disagrees_with_csv_rows(sahel: LedgerCli, tmp_path):
    q = sahel.json("question", "show", "troops")
    text = ("question_id,user_id,probability,timestamp,open_time,close_time\n"
            f"troops,amina,0.5,2099-01-01,{q['opens_at']},{q['closes_at']}\n")
    err = sahel("import", write(tmp_path, "t.csv", text), code=2).stderr
    assert "line 2: disagrees with the ledger about question 'troops': it is a choice question" in err


def test_one_copy_in_the_ledger_and_two_identical_rows_in_a_new_file(run: LedgerCli, tmp_path):
    """Within one file two identical rows are two forecasts; a row identical to one already in the
    ledger is skipped, however many times the file repeats it."""
    first = run("import", write(tmp_path, "a.csv", rows(ROW_A, ROW_A))).stdout
    assert "2 forecasts" in first
    out = run("import", write(tmp_path, "b.csv", rows(ROW_A, ROW_A, ROW_B, ROW_B))).stdout
    assert "2 forecasts; skipped 2 rows already in the ledger" in out
    assert forecasts(run, "q1") == [("amina", 0.8)] * 2 + [("Jo Rivers", 0.35)] * 2


def test_jsonl_forecasts_identical_to_the_ledgers_are_skipped(sahel: LedgerCli, tmp_path):
    line = {"type": "forecast", "question": "troops", "analyst": "amina", "made_at": "2099-01-01T00:00:00Z",
            "probabilities": {"a": 0.2, "b": 0.2, "3 or more": 0.6}}
    binary = {"type": "forecast", "question": "minerals", "analyst": "amina", "made_at": "2099-01-01T00:00:00Z",
              "p": 0.25}
    sahel("import", write(tmp_path, "a.jsonl", json.dumps(line) + "\n" + json.dumps(binary) + "\n"))
    moved = {**binary, "made_at": "2099-01-02T00:00:00Z"}
    text = json.dumps(line) + "\n" + json.dumps(binary) + "\n" + json.dumps(moved) + "\n"
    out = sahel("import", write(tmp_path, "b.jsonl", text)).stdout
    assert "1 forecasts; skipped 2 rows already in the ledger" in out
    assert len(sahel.json("question", "show", "minerals")["forecasts"]) == 2
    sahel("verify")
