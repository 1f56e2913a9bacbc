"""Every value an import accepts must verify afterwards (SPEC 3, 7), on both backends: a property
test over awkward-but-valid JSONL and CSV files, and the regressions it is built around (a `-0`
probability, whitespace-only handles, lines nested too deeply to read)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from tests.conftest import LedgerCli

AWKWARD_FLOATS = [-0.0, 0.0, 5e-324, 2.2250738585072014e-308, 1, 1.0, 0.1 + 0.2, 1 - 1e-16, 0.5, 1e-300]
ODD_HANDLES = ["CRNewsReports©", "\u200b", "Jayson Virissimo", " ", "  padded  ", "a\u2028b", "e\u0301",
               "😀🇲🇱", "x" * 200, "Léa M.", "\u00a0", "ed"]
#: Text a database must keep exactly: odd whitespace, line separators, CR, tabs, emoji, combining marks.
ODD_TEXT = ["a\r\nb", "tab\there", "\u2028\u2029", "é" * 5000, "e\u0301\u0308", "👩\u200d👩\u200d👧", " lead",
            "trail ", "\x1b[31mred\x1b[0m", "\ufeffbom", "\u0085nel"]

handles = st.one_of(
    st.sampled_from(ODD_HANDLES),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(lambda h: h != "@team"),
)
texts = st.one_of(st.sampled_from(ODD_TEXT),
                  st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40))
probabilities = st.one_of(st.sampled_from(AWKWARD_FLOATS), st.floats(0, 1))
BASE = datetime(2020, 3, 1, tzinfo=timezone.utc)


def stamp(offset: timedelta, style: int, micro: int) -> str:
    """BASE + offset written one of several valid ways (the same instant, different spellings)."""
    moment = BASE + offset + timedelta(microseconds=micro)
    if style == 0:
        return moment.isoformat().replace("+00:00", "Z")
    if style == 1:
        return moment.isoformat().replace("+00:00", "z")
    if style == 2:  # +05:30, the same instant
        return moment.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()
    if style == 3:  # -00:00 (a "-0" offset is UTC)
        return moment.isoformat().replace("+00:00", "-00:00")
    if style == 4:  # naive = UTC, space separator
        return moment.replace(tzinfo=None).isoformat(sep=" ")
    return moment.strftime("%Y%m%dT%H%M%S") + (f".{moment.microsecond:06d}" if moment.microsecond else "") + "Z"


stamps = st.builds(stamp, st.timedeltas(timedelta(0), timedelta(days=300)), st.integers(0, 5),
                   st.integers(0, 999_999))


@st.composite
def jsonl_files(draw) -> str:
    people = draw(st.lists(handles, min_size=1, max_size=4, unique=True))
    lines: list[dict] = [{"type": "analyst", "handle": h, "name": draw(st.none() | st.sampled_from(["N", "Léa M.", "e\u0301", "\u2028"])),
                          "kind": draw(st.sampled_from(["person", "source"])), "active": draw(st.booleans())}
                         for h in people if draw(st.booleans())]
    lines.append({"type": "question", "slug": "b", "title": draw(texts.filter(str.strip)), "kind": "binary",
                  "criteria": draw(texts.filter(str.strip)), "opens_at": "2020-01-01T00:00:00Z",
                  "closes_at": draw(stamps), "quote": draw(st.none() | texts)})
    lines.append({"type": "question", "slug": "c", "title": "C", "kind": "choice", "options": ["x", "y"],
                  "criteria": "c", "opens_at": "2020-01-01", "closes_at": "2021-01-01"})
    lines.append({"type": "evidence", "id": 1, "analyst": draw(st.sampled_from(people)), "logged_at": draw(stamps),
                  "summary": draw(texts.filter(str.strip)), "source": draw(st.none() | texts),
                  "links": [{"question": "b", "stance": draw(st.sampled_from("+-~"))}]})
    lines.append({"type": "amendment", "question": "b", "by": draw(st.sampled_from(people)), "at": draw(stamps),
                  "reason": draw(texts.filter(str.strip)), "clarify": draw(st.none() | texts)})
    for _ in range(draw(st.integers(1, 6))):
        line = {"type": "forecast", "analyst": draw(st.sampled_from(people)), "made_at": draw(stamps),
                "rationale": draw(st.none() | texts)}
        if draw(st.booleans()):
            line.update(question="b", p=draw(probabilities))
        else:
            x = draw(probabilities)
            line.update(question="c", probabilities={"x": x, "y": 1 - x})
        if draw(st.booleans()):
            line["evidence"] = [1]
        if draw(st.integers(0, 4)) == 0:
            line["withdrawn"] = {"at": draw(stamps), "reason": draw(texts.filter(str.strip)),
                                 "by": draw(st.sampled_from(people))}
        lines.append(line)
    if draw(st.booleans()):
        lines.append({"type": "resolution", "question": "b", "outcome": draw(st.sampled_from(["yes", "no", "annulled"])),
                      "known_at": draw(stamps), "note": draw(st.none() | texts), "evidence": [1]})
    return "".join(json.dumps(x, ensure_ascii=draw(st.booleans())) + "\n" for x in lines)


CSV_PROBABILITIES = ["-0", "-0.0", "0", "1", "1.0", "5e-324", "0.30000000000000004", ".5", "1E-5", " 0.25 "]


@st.composite
def csv_files(draw) -> str:
    out = io.StringIO()
    ending = draw(st.sampled_from(["\n", "\r\n"]))  # with "\n" the csv module leaves a bare "\r" unquoted
    w = csv.writer(out, lineterminator=ending, quoting=csv.QUOTE_ALL if ending == "\n" else csv.QUOTE_MINIMAL)
    w.writerow(["question_id", "user_id", "probability", "answer_option", "timestamp", "outcome", "open_time",
                "close_time", "resolve_time", "q_title", "criteria"])
    for q in range(draw(st.integers(1, 3))):
        outcome = draw(st.sampled_from(["", "1", "0", "-1", "-0", "1.0", "-0.0"]))
        resolve = draw(stamps) if outcome not in ("", "-1") else ""
        question = [draw(st.sampled_from(["2019-12-31T23:00:00-01:00", "2020-01-01", "20200101T000000Z"])),
                    draw(stamps), resolve, draw(texts), draw(texts)]
        for _ in range(draw(st.integers(1, 4))):
            w.writerow([f"q{q}", draw(handles),
                        draw(st.sampled_from(CSV_PROBABILITIES) | st.floats(0, 1).map(repr)),
                        draw(st.sampled_from(["1", "0", "", "1.0"])), draw(stamps), outcome, *question])
    return out.getvalue()


TABLES = ("batch_locators", "journal", "imports", "resolution_evidence", "resolutions", "withdrawals",
          "forecast_evidence", "forecasts", "evidence_links", "evidence", "question_amendments", "question_tags",
          "questions", "scenarios", "analyst_roles", "analysts")


def empty_again(url: str) -> None:
    """Back to a freshly initialised ledger (the schema stays): every row of every table deleted."""
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(body=jsonl_files())
def test_every_accepted_jsonl_file_verifies(run: LedgerCli, tmp_path, body: str):
    empty_again(run.url)
    path = tmp_path / "awkward.jsonl"
    path.write_text(body, encoding="utf-8")
    run("import", str(path))
    run("verify")


@SETTINGS
@given(body=csv_files())
def test_every_accepted_csv_file_verifies(run: LedgerCli, tmp_path, body: str):
    empty_again(run.url)
    path = tmp_path / "awkward.csv"
    path.write_text(body, encoding="utf-8", newline="")
    run("import", str(path))
    run("verify")


def test_minus_zero_is_zero(run: LedgerCli, tmp_path):
    """SQLite keeps -0.0 as 0 while the journal recorded -0.0: verify failed on the import."""
    lines = [{"type": "question", "slug": "b", "title": "B", "kind": "binary", "criteria": "c",
              "opens_at": "2020-01-01", "closes_at": "2021-01-01"},
             {"type": "question", "slug": "c", "title": "C", "kind": "choice", "options": ["x", "y"],
              "criteria": "c", "opens_at": "2020-01-01", "closes_at": "2021-01-01"},
             {"type": "forecast", "question": "b", "analyst": "amina", "made_at": "2020-02-01T00:00:00Z", "p": -0.0},
             {"type": "forecast", "question": "c", "analyst": "amina", "made_at": "2020-02-01T00:00:00Z",
              "probabilities": {"x": -0.0, "y": 1}}]
    path = tmp_path / "zero.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    run("import", str(path))
    run("verify")
    csv_path = tmp_path / "zero.csv"
    csv_path.write_text("question_id,user_id,probability,timestamp,outcome,open_time,close_time,resolve_time\n"
                        "z,amina,-0,2020-02-01,-0,2020-01-01,2021-01-01,2020-06-01\n", encoding="utf-8")
    run("import", str(csv_path))
    run("verify")
    assert [f["p"] for f in run.json("question", "show", "b")["forecasts"]] == [0.0]
    assert run.json("question", "show", "c")["forecasts"][0]["probabilities"] == {"x": 0.0, "y": 1.0}
    z = run.json("question", "show", "z")
    assert z["resolution"]["outcome"] == "no" and [f["p"] for f in z["forecasts"]] == [0.0]
    exported = run("export").stdout
    assert "-0.0" not in exported and "[-0" not in exported


@pytest.mark.parametrize("handle", [" ", "\u200b", "  two  ", "CRNewsReports©", "Jayson Virissimo", "\u3000"])
def test_every_handle_the_cli_accepts_round_trips(sahel: LedgerCli, fresh, tmp_path, handle: str):
    """`ledger --as ' '` registers a handle whose export line the import used to refuse."""
    sahel("forecast", "minerals", "70%", as_=handle)
    sahel("evidence", "add", "seen", "--question", "minerals+", as_=handle)
    first = tmp_path / "first.jsonl"
    sahel("export", "--out", str(first))
    other = fresh()
    other("import", str(first))
    other("verify")
    second = tmp_path / "second.jsonl"
    other("export", "--out", str(second))
    assert second.read_bytes() == first.read_bytes()
    assert handle in {a["handle"] for a in other.json("analyst", "list")}
    # the same handle as a CSV user_id
    flat = tmp_path / "flat.csv"
    sahel("export", "--format", "csv", "--out", str(flat))
    third = fresh()
    third("import", str(flat))
    assert [f["analyst"] for f in third.json("question", "show", "minerals")["forecasts"]] == [handle]


@pytest.mark.parametrize("deep", ["[" * 100_000 + "]" * 100_000, '{"a": ' * 100_000 + "1" + "}" * 100_000,
                                  '{"type": "forecast", "question": "q", "analyst": "a", "made_at": "2020-01-01",'
                                  ' "p": ' + "[" * 50_000 + "]" * 50_000 + "}"])
def test_a_line_nested_too_deeply_is_refused_by_line(run: LedgerCli, tmp_path, deep: str):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"type": "analyst", "handle": "amina"}\n' + deep + "\n", encoding="utf-8")
    before = run.state()
    err = run("import", str(path), code=2).stderr
    assert "line 2: nested too deeply to read" in err
    assert "Traceback" not in err
    assert run.state() == before
