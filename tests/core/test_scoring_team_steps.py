"""`team_steps`: the `@team` step series of many questions at once must be `team_series` of each
question, to the last bit, on every path (stacked grids, the event-by-event walk, the means
where medians sum to 0). The small example is worked by hand in the comments."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core import scoring
from ledger.core.scoring import team_series, team_steps
from tests.core.test_scoring_reference import random_ledgers


def test_two_questions_worked_by_hand():
    # question 0, yes/no, until 10: a .6 at 2, b .2 at 4, a .9 and c .5 both at 6; d at 10 and
    # e at 12 do not count. question 1, three options, until 5: three analysts, one-hot each.
    # question 2 has no forecast before its end.
    question = [0, 1, 0, 1, 0, 0, 1, 0, 0, 2]
    made_at = [2, 1, 4, 2, 6, 6, 3, 10, 12, 9]
    analyst = [1, 7, 2, 8, 1, 3, 9, 4, 5, 1]
    probs = [0.6, 1.0, 0.0, 0.0, 0.2, 0.0, 1.0, 0.0, 0.9, 0.5, 0.0, 0.0, 1.0, 0.0, 1.0, 0.5]
    steps = team_steps(question, made_at, analyst, probs, n_options=[2, 3, 2], binary=[True, False, True],
                       until=[10, 5, 9])
    assert steps.start.tolist() == [0, 3, 6, 6]
    # question 0: t=2 .6; t=4 median(.6, .2) = .4; t=6 median(.9, .2, .5) = .5; p_no = 1 − p_yes
    assert steps.times[:3].tolist() == [2, 4, 6]
    assert steps.series(0).probs.ravel() == pytest.approx([0.6, 0.4, 0.4, 0.6, 0.5, 0.5], abs=1e-15)
    assert np.isnan(steps.probs[:3, 2]).all()  # three columns: question 1 has three options
    # question 1: t=1 (1, 0, 0); t=2 medians (.5, .5, 0), sum 1; t=3 every median 0: the means (⅓, ⅓, ⅓)
    assert steps.times[3:].tolist() == [1, 2, 3]
    assert steps.probs[3:].ravel() == pytest.approx([1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3], abs=1e-15)
    assert steps.series(2).times.shape == (0,) and steps.series(2).probs.shape == (0, 2)
    assert steps.series(1).until == 5 and steps.series(0).probs.shape == (3, 2)


def test_no_forecast_at_all():
    steps = team_steps([], [], [], [], n_options=[2, 4], binary=[True, False], until=[5, 5])
    assert steps.start.tolist() == [0, 0, 0] and steps.series(1).probs.shape == (0, 4)


def test_lengths_are_checked():
    with pytest.raises(ValueError, match="one entry per forecast"):
        team_steps([0], [1, 2], [0], [0.5], n_options=[2], binary=[True], until=[5])
    with pytest.raises(ValueError, match="probs must hold"):
        team_steps([0], [1], [0], [0.5, 0.5], n_options=[2], binary=[True], until=[5])


@st.composite
def ledgers_with_copies(draw):
    """Random ledgers whose questions come in copies with the same forecasters and times but
    other probabilities: many questions of one shape share a grid, some of them with medians
    that sum to 0 and some without."""
    questions, forecasts = draw(random_ledgers(max_questions=5, max_forecasts=30, max_analyst=6))
    copies = draw(st.integers(1, 4))
    all_q, all_f = list(questions), list(forecasts)
    for c in range(1, copies):
        all_q += questions
        for f in forecasts:
            q = questions[f["q"]]
            like = [g["p"] for g in forecasts if questions[g["q"]]["options"] == q["options"]
                    and questions[g["q"]]["binary"] == q["binary"]]
            if not q["binary"] and draw(st.booleans()):  # one-hot: three of them make medians of 0
                hot = draw(st.integers(0, q["options"] - 1))
                like = [tuple(float(k == hot) for k in range(q["options"]))]
            all_f.append(dict(f, q=f["q"] + c * len(questions), p=draw(st.sampled_from(like)),
                              order=f["order"] + c * len(forecasts)))
    return all_q, all_f


@settings(max_examples=300, deadline=None)
@given(st.one_of(random_ledgers(max_questions=8, max_forecasts=48, max_analyst=6), ledgers_with_copies()),
       st.integers(-5, 45),
       st.sampled_from([(1 << 20, 72), (1 << 20, 0), (1 << 20, 2), (12, 72), (40, 3)]))
def test_agrees_with_team_series_of_each_question(ledger, shift, tuning):
    questions, forecasts = ledger
    # until: each question's cutoff moved by a random shift (an open question runs to the as-of)
    until = [min(q["closes"], q["known"]) + shift * (q["closes"] - q["opens"]) // 10 for q in questions]
    budget, loop_above = tuning  # stacked grids, small chunks, the walk, and a mix of them
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scoring, "_CELL_BUDGET", budget)
        mp.setattr(scoring, "_LOOP_MIN_ANALYSTS", loop_above)
        steps = team_steps([f["q"] for f in forecasts], [f["made_at"] for f in forecasts],
                           [f["analyst"] for f in forecasts], [x for f in forecasts for x in f["p"]],
                           n_options=[q["options"] for q in questions], binary=[q["binary"] for q in questions],
                           until=until, order=[f["order"] for f in forecasts])
        for qi, q in enumerate(questions):
            mine = [f for f in forecasts if f["q"] == qi]
            probs = [f["p"][0] for f in mine] if q["binary"] else np.array(
                [f["p"] for f in mine], dtype=float).reshape(len(mine), q["options"])
            want = team_series([f["made_at"] for f in mine], [f["analyst"] for f in mine], probs,
                               order=[f["order"] for f in mine], until=until[qi])
            got = steps.series(qi)
            assert got.times.tolist() == want.times.tolist()
            assert got.probs.tolist() == want.probs.tolist()  # exactly, not approximately
            assert got.until == want.until
