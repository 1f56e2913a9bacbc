"""`team_series`: the `@team` forecast of one question as a step series (SPEC 6), for open
questions as for resolved ones. Expected numbers are worked by hand in the comments; on random
ledgers the series must agree with the `@team` that `score_pairs` scores."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core import scoring
from ledger.core.scoring import TEAM_ANALYST, score_pairs, team_series
from tests.core.test_scoring_reference import random_ledgers, to_input


@pytest.fixture(params=["grid", "loop"])
def path(request, monkeypatch):
    """Run through both ways of finding the medians: an [event, option, analyst] grid, and
    event by event on sorted lists (a question with many analysts)."""
    if request.param == "loop":
        monkeypatch.setattr(scoring, "_LOOP_MIN_ANALYSTS", 0)
    return request.param


def test_binary_steps_ties_and_until(path):
    # a 0.6 at 2; b 0.2 at 4; a 0.9 and c 0.5 both at 6; d at 10 = until and e at 12 do not count.
    made_at = [2, 4, 6, 6, 10, 12]
    analyst = [1, 2, 1, 3, 4, 5]
    p_yes = [0.6, 0.2, 0.9, 0.5, 0.0, 1.0]
    series = team_series(made_at, analyst, p_yes, until=10)
    # t=2: {0.6} → 0.6; t=4: median(0.6, 0.2) = 0.4; t=6 (one step, after both forecasts):
    # median(0.9, 0.2, 0.5) = 0.5
    assert series.times.tolist() == [2, 4, 6]
    assert series.probs[:, 0] == pytest.approx([0.6, 0.4, 0.5], abs=1e-15)
    assert series.probs[:, 1] == pytest.approx([0.4, 0.6, 0.5], abs=1e-15)  # p_no = 1 − p_yes
    assert series.until == 10


def test_later_recorded_forecast_stands_on_a_tie(path):
    # analyst 1 at t=3 twice, given out of recording order: 0.8 (order 4), then 0.3 (order 5)
    # wins; analyst 2 0.7 at t=1.
    series = team_series([3, 3, 1], [1, 1, 2], [0.3, 0.8, 0.7], order=[5, 4, 0], until=100)
    # t=1: 0.7; t=3: median(0.7, 0.3) = 0.5
    assert series.times.tolist() == [1, 3]
    assert series.probs[:, 0] == pytest.approx([0.7, 0.5], abs=1e-15)


def test_choice_medians_renormalised(path):
    probs = [(0.5, 0.3, 0.2), (0.1, 0.1, 0.8), (0.2, 0.6, 0.2)]
    series = team_series([1, 2, 3], [7, 8, 9], probs, until=5)
    # t=1: a alone (0.5, 0.3, 0.2). t=2: medians of two (0.3, 0.2, 0.5), sum 1.
    # t=3: medians (0.2, 0.3, 0.2), sum 0.7 → (2/7, 3/7, 2/7).
    assert series.probs.shape == (3, 3)
    assert series.probs[0] == pytest.approx([0.5, 0.3, 0.2], abs=1e-15)
    assert series.probs[1] == pytest.approx([0.3, 0.2, 0.5], abs=1e-15)
    assert series.probs[2] == pytest.approx([2 / 7, 3 / 7, 2 / 7], abs=1e-15)


def test_choice_zero_medians_fall_back_to_means(path):
    probs = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]
    series = team_series([1, 2, 3], [0, 1, 2], probs, until=5)
    # t=2: medians (0.5, 0.5, 0), sum 1. t=3: every median 0 → the means (1/3, 1/3, 1/3).
    assert series.probs[1] == pytest.approx([0.5, 0.5, 0.0], abs=1e-15)
    assert series.probs[2] == pytest.approx([1 / 3, 1 / 3, 1 / 3], abs=1e-15)


def test_nothing_before_until():
    series = team_series([5, 6], [0, 1], [0.5, 0.5], until=5)
    assert series.times.shape == (0,) and series.probs.shape == (0, 2)
    empty_choice = team_series([], [], np.zeros((0, 3)), until=5)
    assert empty_choice.probs.shape == (0, 3)


def test_agrees_with_scoring_on_the_cli_example():
    # tests/cli/test_score.py: amina 0.6 on day 2 and 0.9 on day 6, jo 0.2 on day 4, close day 10.
    amina, jo = 0, 1
    series = team_series([2, 4, 6, 11], [amina, jo, amina, amina], [0.6, 0.2, 0.9, 0.0], until=10)
    assert series.probs[:, 0] == pytest.approx([0.6, 0.4, 0.55], abs=1e-15)
    # its time-weighted Brier: (0.16 × 2 + 0.36 × 2 + 0.2025 × 4) / 8 = 0.23125, the @team score
    assert _timed_brier(series, outcome=0, binary=True) == pytest.approx(0.23125, abs=1e-15)


def _timed_brier(series, outcome, binary):
    """Σ B(step) × its duration / (until − first time), by SPEC 6's Brier."""
    o = np.zeros(series.probs.shape[1])
    o[outcome] = 1.0
    b = ((series.probs[:, 0] - o[0]) ** 2 if binary
         else 0.5 * ((series.probs - o) ** 2).sum(axis=1))
    durations = np.diff(np.append(series.times, series.until))
    return float((b * durations).sum() / (series.until - series.times[0]))


@settings(max_examples=150, deadline=None)
@given(random_ledgers(), st.sampled_from(["grid", "loop"]))
def test_agrees_with_the_team_that_scoring_scores(ledger, path):
    questions, forecasts = ledger
    scores = score_pairs(to_input(questions, forecasts), "time")
    finals = score_pairs(to_input(questions, forecasts), "final")
    with pytest.MonkeyPatch.context() as mp:
        if path == "loop":
            mp.setattr(scoring, "_LOOP_MIN_ANALYSTS", 0)
        for qi, q in enumerate(questions):
            mine = [f for f in forecasts if f["q"] == qi]
            probs = [f["p"][0] for f in mine] if q["binary"] else np.array(
                [f["p"] for f in mine], dtype=float).reshape(len(mine), q["options"])
            series = team_series([f["made_at"] for f in mine], [f["analyst"] for f in mine], probs,
                                 order=[f["order"] for f in mine], until=min(q["closes"], q["known"]))
            team = np.flatnonzero((scores.question == qi) & (scores.analyst == TEAM_ANALYST))
            assert len(team) == (len(series.times) > 0)
            if not len(team):
                continue
            (i,) = team
            assert _timed_brier(series, q["outcome"], q["binary"]) == pytest.approx(
                scores.brier[i], abs=1e-9)
            # the calibration points of @team are its final state (p_yes only, for binary)
            points = scores.point_p[scores.point_pair == i]
            want = series.probs[-1, :1] if q["binary"] else series.probs[-1]
            assert points == pytest.approx(want, abs=1e-12)
            (j,) = np.flatnonzero((finals.question == qi) & (finals.analyst == TEAM_ANALYST))
            assert finals.point_p[finals.point_pair == j] == pytest.approx(want, abs=1e-12)
