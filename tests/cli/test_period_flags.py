"""The shared period flags on `score`, `plot` and `review --analyst` (SPEC 8: `--period P --as-of
T` is the calendar period holding the moment just before T; `--from/--to` a range), on both
backends. A period keeps the questions whose outcome became known in it, scored as of the as-of.

Worked by hand. Question a (January): amina 0.6 from 01-03 and 0.9 from 01-07 to the cutoff
01-11, outcome yes known 01-21: time-averaged Brier (4·0.16 + 4·0.01) / 8 = 0.085; jo 0.2 from
01-05: 0.64. Question c (February): amina 0.7 from 02-03 to the cutoff 02-11, outcome no known
02-15: 0.49 (and @team, amina alone, the same).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import LedgerCli

LINES = [
    {"type": "question", "slug": "a", "title": "A?", "kind": "binary", "criteria": "c",
     "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2026-01-11T00:00:00Z"},
    {"type": "question", "slug": "c", "title": "C?", "kind": "binary", "criteria": "c",
     "opens_at": "2026-02-01T00:00:00Z", "closes_at": "2026-02-11T00:00:00Z"},
    {"type": "forecast", "question": "a", "analyst": "amina", "made_at": "2026-01-03T00:00:00Z", "p": 0.6},
    {"type": "forecast", "question": "a", "analyst": "jo", "made_at": "2026-01-05T00:00:00Z", "p": 0.2},
    {"type": "forecast", "question": "a", "analyst": "amina", "made_at": "2026-01-07T00:00:00Z", "p": 0.9},
    {"type": "forecast", "question": "c", "analyst": "amina", "made_at": "2026-02-03T00:00:00Z", "p": 0.7},
    {"type": "resolution", "question": "a", "outcome": "yes", "known_at": "2026-01-21T00:00:00Z"},
    {"type": "resolution", "question": "c", "outcome": "no", "known_at": "2026-02-15T00:00:00Z"},
]


@pytest.fixture
def two_months(run: LedgerCli, tmp_path) -> LedgerCli:
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in LINES))
    run("import", str(path))
    return run


def groups(doc) -> dict[str, float]:
    return {g["key"]: g["brier"] for g in doc["groups"]}


def test_score_period_keeps_the_questions_resolved_in_it(two_months: LedgerCli):
    january = two_months.json("score", "--period", "month", "--as-of", "2026-02-01")
    assert january["period"] == {"kind": "month", "label": "2026-01", "from": "2026-01-01T00:00:00Z",
                                 "to": "2026-02-01T00:00:00Z"}
    assert groups(january)["amina"] == pytest.approx(0.085) and groups(january)["jo"] == pytest.approx(0.64)
    february = two_months.json("score", "--period", "month", "--as-of", "2026-03-01")
    assert set(groups(february)) == {"amina", "@team"}
    assert groups(february)["amina"] == pytest.approx(0.49)
    # A quarter holds both: amina's mean over a and c.
    quarter = two_months.json("score", "--period", "quarter", "--as-of", "2026-04-01")
    assert groups(quarter)["amina"] == pytest.approx((0.085 + 0.49) / 2)
    # All time (no flags) is the same two questions, and no period is said.
    assert "period" not in two_months.json("score")
    assert groups(two_months.json("score"))["amina"] == pytest.approx((0.085 + 0.49) / 2)


def test_score_from_alone_runs_on_to_the_as_of(two_months: LedgerCli):
    assert set(groups(two_months.json("score", "--from", "2026-02-01"))) == {"amina", "@team"}
    # the as-of bounds what is known: c became known on 02-15, after this as-of
    assert two_months.json("score", "--from", "2026-01-15", "--as-of", "2026-02-10")["groups"] != []
    assert two_months.json("score", "--from", "2026-02-01", "--as-of", "2026-02-14")["groups"] == []


def test_score_says_the_period_for_people(two_months: LedgerCli):
    out = two_months("score", "--period", "month", "--as-of", "2026-02-01").stdout
    assert out.splitlines()[0] == "questions resolved in 2026-01, scored as of 2026-02-01T00:00:00Z"


def test_conflicting_period_flags_are_bad_input(two_months: LedgerCli):
    err = two_months("score", "--period", "month", "--from", "2026-01-01", code=2).stderr
    assert "give --period or --from/--to, not both" in err
    assert "--as-of" in two_months("plot", "calibration", "--as-of", "someday", "--out", "x.png", code=2).stderr


def test_review_analyst_over_a_period(two_months: LedgerCli):
    assert [q["question"] for q in two_months.json("review", "--analyst", "amina")["questions"]] == ["a", "c"]
    doc = two_months.json("review", "--analyst", "amina", "--period", "month", "--as-of", "2026-03-01")
    assert [q["question"] for q in doc["questions"]] == ["c"]
    assert doc["period"]["label"] == "2026-02" and doc["as_of"] == "2026-03-01T00:00:00Z"
    assert doc["score"]["brier"] == pytest.approx(0.49)
    text = two_months("review", "--analyst", "amina", "--period", "month", "--as-of", "2026-03-01").stdout
    assert "resolved in 2026-02" in text.splitlines()[0]


def test_a_dossier_and_the_due_list_take_no_period(two_months: LedgerCli):
    for args in (("review", "a", "--as-of", "2026-02-01"), ("review", "--due", "--period", "month")):
        assert "go with --analyst" in two_months(*args, code=2).stderr


def test_plots_take_the_period(two_months: LedgerCli, drawn, tmp_path):
    two_months("plot", "calibration", "--period", "month", "--as-of", "2026-02-01", "--out", str(tmp_path / "c.svg"))
    two_months("plot", "discrimination", "--period", "month", "--as-of", "2026-03-01", "--out", str(tmp_path / "d.svg"))
    two_months("plot", "scores", "--period", "quarter", "--as-of", "2026-04-01", "--out", str(tmp_path / "s.svg"))
    calibration, discrimination, scores = drawn
    assert calibration.get_suptitle() == "Calibration: all analysts (resolved 2026-01, as of 2026-02-01)"
    # January only: amina's final 0.9 and jo's 0.2 on a.
    assert calibration.axes[0].get_title(loc="left").startswith("2 forecasts on 1 resolved question;")
    assert discrimination.get_suptitle() == "Discrimination: all analysts (resolved 2026-02, as of 2026-03-01)"
    # February only: amina's final 0.7 on c, which resolved no: the wrong side of maybe.
    assert discrimination.axes[0].get_title(loc="left") == "right side of maybe: 0% of 1 forecast"
    assert scores.axes
