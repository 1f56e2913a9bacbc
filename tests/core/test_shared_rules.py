"""One rule, one place: the choice-sum tolerance (SPEC 4) and the instant grammar (SPEC 1, 7) are
the same for the command line, JSONL and CSV, at their boundaries and from both sides."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.errors import BadInput
from ledger.core.probability import normalise_choice, parse_choice
from ledger.core.timeutil import EXTENDED, _to_us, common_match, parse_instant

# 0.4975 + 0.4975 = 0.995: exactly 0.005 below 1, accepted; 0.4974 + 0.4975 = 0.9949, refused.
# 0.5025 + 0.5025 = 1.005: exactly 0.005 above, accepted; 0.5025 + 0.5026 = 1.0051, refused.
EDGE_OK = [("49.75%", "49.75%"), ("50.25%", "50.25%")]
EDGE_BAD = [("49.74%", "49.75%"), ("50.25%", "50.26%")]


def as_float(percent: str) -> float:
    return float(Fraction(percent.rstrip("%")) / 100)


@pytest.mark.parametrize("a, b", EDGE_OK)
def test_the_tolerance_edge_is_inside(a, b):
    assert normalise_choice([as_float(a), as_float(b)]) == (0.5, 0.5)
    assert parse_choice([f"x={a}", f"y={b}"], ["x", "y"]) == (0.5, 0.5)


@pytest.mark.parametrize("a, b", EDGE_BAD)
def test_just_past_the_edge_is_refused(a, b):
    with pytest.raises(BadInput, match="must sum to 100%"):
        normalise_choice([as_float(a), as_float(b)])
    with pytest.raises(BadInput, match="must sum to 100%"):
        parse_choice([f"x={a}", f"y={b}"], ["x", "y"])


def test_values_summing_to_one_are_kept_as_given():
    assert normalise_choice([0.1, 0.2, 0.7]) == (0.1, 0.2, 0.7)
    assert normalise_choice([1 / 3, 1 / 3, 1 / 3]) == (1 / 3, 1 / 3, 1 / 3)
    assert normalise_choice([-0.0, 1.0]) == (0.0, 1.0) and str(normalise_choice([-0.0, 1.0])[0]) == "0.0"


@pytest.mark.parametrize("a, b, ok", [(a, b, True) for a, b in EDGE_OK] + [(a, b, False) for a, b in EDGE_BAD])
def test_the_cli_and_a_jsonl_line_agree(sahel, tmp_path, a, b, ok):
    """troops has options a, b and `3 or more`; the third takes nothing."""
    code = 0 if ok else 2
    sahel("forecast", "troops", f"a={a}", f"b={b}", "3 or more=0%", as_="amina", code=code)
    line = {"type": "forecast", "question": "troops", "analyst": "amina", "made_at": "2099-01-01T00:00:00Z",
            "probabilities": {"a": as_float(a), "b": as_float(b), "3 or more": 0}}
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    sahel("import", str(path), code=code)


# 2026-01-05T10:00:00Z: 20,458 days after 1970-01-01 (56 years with 14 leap days = 20,454 days
# to 2026-01-01, plus 4) = 1,767,571,200 s, plus 10 h.
TEN_O_CLOCK = (1_767_571_200 + 10 * 3600) * 1_000_000
SAME_INSTANT = ["2026-01-05T10:00:00Z", "2026-01-05 10:00:00+00:00", "2026-01-05t10:00:00z", "20260105T100000Z",
                "2026-01-05T11:00:00+01", "2026-01-05T11:00+0100", "2026-01-05T10:00:00.000000Z",
                "2026-01-05T10:00:00-00:00", "2026-01-05T10"]
#: Forms `datetime.fromisoformat` reads but the grammar does not: the CSV path used to accept them.
REFUSED = ["2026-W02-1T10:00:00", "2026-01-05x10:00:00", "2026-01-05T10:00:00 +00:00", "2026-01-05T10:00:00.1234567Z",
           "2026-01-05T10:00:00+01:00:30", "2026-01-05T1000", "20260105T10:00:00Z"]


@pytest.mark.parametrize("text", SAME_INSTANT)
def test_one_grammar_reads_every_spelling(text):
    assert parse_instant(text) == TEN_O_CLOCK


@pytest.mark.parametrize("text", REFUSED)
def test_forms_outside_the_grammar_are_refused(text):
    with pytest.raises(BadInput):
        parse_instant(text)


CSV_HEAD = "question_id,user_id,probability,timestamp,open_time,close_time\n"


@pytest.mark.parametrize("text, ok", [(t, True) for t in SAME_INSTANT] + [(t, False) for t in REFUSED])
def test_cli_csv_and_jsonl_take_the_same_instants(run, tmp_path, text, ok):
    code = 0 if ok else 2
    run("question", "add", "--scenario", "s", "--title", "T?", "--criteria", "c", "--opens", "2020-01-01", "--closes", text, code=1 if ok else 2)
    csv_path = tmp_path / "t.csv"
    csv_path.write_text(CSV_HEAD + f"q,amina,0.5,{text},2026-01-01,2027-01-01\n", encoding="utf-8")
    err = run("import", str(csv_path), code=code).stderr
    if not ok:
        assert "line 2: timestamp" in err
    line = {"type": "question", "slug": "j", "title": "J", "kind": "binary", "criteria": "c",
            "opens_at": "2026-01-01", "closes_at": text}
    jsonl_path = tmp_path / "t.jsonl"
    jsonl_path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    run("import", str(jsonl_path), code=code)


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       st.sampled_from(["T", " "]), st.sampled_from(["", "Z", "+05:30", "-00:00", "-11:00"]), st.integers(0, 6))
def test_the_csv_fast_path_reads_what_the_grammar_reads(moment, sep, offset, digits):
    """`common_match` + `datetime.fromisoformat` (CSV's hot loop) agree with the reference parser."""
    text = f"{moment.year:04d}" + moment.strftime(f"-%m-%d{sep}%H:%M:%S") + (f".{moment.microsecond:06d}"[: digits + 1] if digits else "") + offset
    assert common_match(text) is not None
    via_fast = datetime.fromisoformat(text)
    if via_fast.tzinfo is None:
        via_fast = via_fast.replace(tzinfo=timezone.utc)
    fast = (via_fast - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)
    assert fast == _to_us(EXTENDED.fullmatch(text), False)
