"""Scoring engine (SPEC 6). Expected numbers are worked by hand in the comments, or published
(scikit-learn's brier_score_loss example); none is computed by the code under test."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core import scoring
from ledger.core.scoring import (
    TEAM,
    TEAM_ANALYST,
    ScoringInput,
    aggregate,
    calibration,
    score_pairs,
)

NO_KNOWN = 10**12  # a known_at far after every close: the cutoff is closes_at


def ledger(questions, forecasts):
    """ScoringInput from readable rows.

    questions: dicts with opens, closes, known (default NO_KNOWN), outcome (default 0) and
    options (None = binary, else the number of options of a choice question).
    forecasts: tuples (question, analyst, made_at, p) or (question, analyst, made_at, p, order);
    p is p_yes for binary, a tuple for choice. Without an order, the row number is the order.
    """
    probs, cols = [], {"question": [], "analyst": [], "made_at": [], "order": []}
    for i, row in enumerate(forecasts):
        qi, an, made, p = row[:4]
        cols["question"].append(qi)
        cols["analyst"].append(an)
        cols["made_at"].append(made)
        cols["order"].append(row[4] if len(row) > 4 else i)
        probs.extend(p if isinstance(p, tuple) else (p,))
    return ScoringInput(
        opens_at=[q.get("opens", 0) for q in questions],
        closes_at=[q["closes"] for q in questions],
        known_at=[q.get("known", NO_KNOWN) for q in questions],
        outcome=[q.get("outcome", 0) for q in questions],
        n_options=[q.get("options") or 2 for q in questions],
        binary=[q.get("options") is None for q in questions],
        probs=probs,
        **cols,
    )


def pair(scores, question, analyst):
    """The pair's (brier, log_loss, coverage, relative_brier)."""
    (i,) = np.flatnonzero((scores.question == question) & (scores.analyst == analyst))
    return (scores.brier[i], scores.log_loss[i], scores.coverage[i], scores.relative_brier[i])


def points(scores, question, analyst):
    (i,) = np.flatnonzero((scores.question == question) & (scores.analyst == analyst))
    sel = scores.point_pair == i
    return list(zip(scores.point_p[sel].tolist(), scores.point_o[sel].tolist()))


# -- time weighting, ties, cutoff, coverage ----------------------------------------------------

THREE = ledger([{"opens": 0, "closes": 100}],
               [(0, 0, 10, 0.6), (0, 0, 20, 0.8), (0, 0, 40, 0.9)])


def test_time_weighting_three_forecasts():
    brier, loss, coverage, rel = pair(score_pairs(THREE, "time"), 0, 0)
    # 0.6 stands [10,20), 0.8 [20,40), 0.9 [40,100); outcome yes:
    # B = (0.4²·10 + 0.2²·20 + 0.1²·60) / 90 = (1.6 + 0.8 + 0.6) / 90 = 3/90 = 0.0333…
    assert brier == pytest.approx(3.0 / 90, abs=1e-15)
    # L = (10·(−ln 0.6) + 20·(−ln 0.8) + 60·(−ln 0.9)) / 90
    #   = (5.108256237659907 + 4.462871026284194 + 6.321630939469577) / 90 = 0.176586202260152
    assert loss == pytest.approx(0.176586202260152, abs=1e-14)
    # coverage = (cutoff − t_1) / (cutoff − opens_at) = (100 − 10) / (100 − 0) = 0.9
    assert coverage == pytest.approx(0.9, abs=1e-15)
    # a lone analyst always equals the median: d = 0 throughout
    assert rel == pytest.approx(0.0, abs=1e-15)


def test_final_method_uses_last_forecast():
    brier, loss, coverage, rel = pair(score_pairs(THREE, "final"), 0, 0)
    assert brier == pytest.approx(0.01, abs=1e-15)  # (1 − 0.9)²
    assert loss == pytest.approx(0.10536051565782628, abs=1e-15)  # −ln 0.9
    assert math.isnan(coverage) and math.isnan(rel)


def test_ties_on_made_at_later_recorded_wins():
    # Rows given out of recording order: at t=60, 0.5 (order 2) then 0.9 (order 3).
    inp = ledger([{"opens": 0, "closes": 100}],
                 [(0, 0, 60, 0.9, 3), (0, 0, 60, 0.5, 2), (0, 0, 10, 0.2, 1)])
    final = pair(score_pairs(inp, "final"), 0, 0)
    assert final[0] == pytest.approx(0.01, abs=1e-15)  # 0.9 wins: (1 − 0.9)²
    # time: 0.2 on [10,60) → 0.64·50 = 32; 0.5 on [60,60) → 0; 0.9 on [60,100) → 0.01·40 = 0.4
    # B = 32.4 / 90 = 0.36
    timed = pair(score_pairs(inp, "time"), 0, 0)
    assert timed[0] == pytest.approx(0.36, abs=1e-15)
    assert points(score_pairs(inp, "time"), 0, 0) == [(0.9, 1)]


def test_forecasts_at_or_after_cutoff_are_ignored():
    # closes 100 but known at 50: cutoff = min(100, 50) = 50. Outcome no (index 1).
    inp = ledger([{"opens": 0, "closes": 100, "known": 50, "outcome": 1}],
                 [(0, 0, 10, 0.3), (0, 0, 50, 0.9), (0, 0, 70, 1.0), (0, 1, 50, 0.2)])
    scores = score_pairs(inp, "time")
    brier, loss, coverage, _ = pair(scores, 0, 0)
    assert brier == pytest.approx(0.09, abs=1e-15)  # only 0.3 counts: (0.3 − 0)²
    assert loss == pytest.approx(0.35667494393873245, abs=1e-15)  # −ln(1 − 0.3) = −ln 0.7
    assert coverage == pytest.approx(0.8, abs=1e-15)  # (50 − 10) / (50 − 0)
    assert pair(score_pairs(inp, "final"), 0, 0)[0] == pytest.approx(0.09, abs=1e-15)
    # analyst 1 forecast only at the cutoff: no pair
    assert sorted(scores.analyst.tolist()) == [TEAM_ANALYST, 0]


def test_time_equals_final_for_one_forecast_each():
    inp = ledger([{"opens": 0, "closes": 100}], [(0, 0, 10, 0.7), (0, 1, 30, 0.2)])
    timed, final = score_pairs(inp, "time"), score_pairs(inp, "final")
    for an in (0, 1):
        assert pair(timed, 0, an)[:2] == pytest.approx(pair(final, 0, an)[:2], abs=1e-15)
    assert pair(timed, 0, 0)[0] == pytest.approx(0.09, abs=1e-15)  # (1 − 0.7)²
    assert pair(timed, 0, 1)[0] == pytest.approx(0.64, abs=1e-15)  # (1 − 0.2)²
    assert pair(timed, 0, 1)[2] == pytest.approx(0.7, abs=1e-15)  # (100 − 30) / 100


# -- log loss ----------------------------------------------------------------------------------


def test_log_loss_clamped():
    qs = [{"closes": 10, "outcome": 0}, {"closes": 10, "outcome": 0}, {"closes": 10, "outcome": 1}]
    inp = ledger(qs, [(0, 0, 0, 0.0), (1, 0, 0, 1.0), (2, 0, 0, 1.0)])
    scores = score_pairs(inp, "final")
    # p_yes = 0, yes: −ln clamp(0) = −ln 0.001 = 6.907755278982137
    assert pair(scores, 0, 0)[1] == pytest.approx(6.907755278982137, abs=1e-14)
    # p_yes = 1, yes: −ln clamp(1) = −ln 0.999 = 0.0010005003335835344
    assert pair(scores, 1, 0)[1] == pytest.approx(0.0010005003335835344, abs=1e-15)
    # p_yes = 1, no: p_no = 0 → −ln 0.001
    assert pair(scores, 2, 0)[1] == pytest.approx(6.907755278982137, abs=1e-14)
    assert pair(scores, 0, 0)[0] == 1.0 and pair(scores, 1, 0)[0] == 0.0


# -- choice questions --------------------------------------------------------------------------


def test_choice_brier_half_sum_and_points():
    # options (a, b, c), outcome b; forecast (0.2, 0.5, 0.3)
    inp = ledger([{"closes": 10, "options": 3, "outcome": 1}], [(0, 0, 0, (0.2, 0.5, 0.3))])
    brier, loss, _, _ = pair(score_pairs(inp, "time"), 0, 0)
    # ½[(0.2 − 0)² + (0.5 − 1)² + (0.3 − 0)²] = ½(0.04 + 0.25 + 0.09) = 0.19
    assert brier == pytest.approx(0.19, abs=1e-15)
    assert loss == pytest.approx(0.6931471805599453, abs=1e-15)  # −ln 0.5
    assert points(score_pairs(inp, "time"), 0, 0) == [(0.2, 0), (0.5, 1), (0.3, 0)]


def test_binary_gives_one_point_two_option_choice_gives_two():
    inp = ledger([{"closes": 10}, {"closes": 10, "options": 2, "outcome": 1}],
                 [(0, 0, 0, 0.8), (1, 0, 0, (0.8, 0.2))])
    scores = score_pairs(inp, "final")
    assert points(scores, 0, 0) == [(0.8, 1)]
    assert points(scores, 1, 0) == [(0.8, 0), (0.2, 1)]
    # both: ½[(0.8 − 0)² + (0.2 − 1)²] = ½(0.64 + 0.64) = 0.64 and (0.8 − 1)² = 0.04
    assert pair(scores, 1, 0)[0] == pytest.approx(0.64, abs=1e-15)
    assert pair(scores, 0, 0)[0] == pytest.approx(0.04, abs=1e-15)


# -- @team ---------------------------------------------------------------------------------------


@pytest.fixture(params=["grid", "blocks", "loop"])
def engine_path(request, monkeypatch):
    """Run a test through each way the engine finds medians over time: padded grids of whole
    questions, grids of a few events carried block to block, and event-by-event sorted lists."""
    if request.param == "blocks":
        monkeypatch.setattr(scoring, "_CELL_BUDGET", 4)
    if request.param == "loop":
        monkeypatch.setattr(scoring, "_LOOP_MIN_ANALYSTS", 0)
    return request.param



def test_team_median_even_count(engine_path):
    inp = ledger([{"opens": 0, "closes": 100}],
                 [(0, 0, 0, 0.2), (0, 1, 0, 0.4), (0, 2, 0, 0.9), (0, 3, 50, 0.6)])
    # [0,50): median(0.2, 0.4, 0.9) = 0.4 → B = 0.36
    # [50,100): median(0.2, 0.4, 0.6, 0.9) = (0.4 + 0.6)/2 = 0.5 → B = 0.25
    # time: (0.36·50 + 0.25·50) / 100 = 0.305; final: 0.25
    timed = score_pairs(inp, "time")
    brier, loss, coverage, rel = pair(timed, 0, TEAM_ANALYST)
    assert brier == pytest.approx(0.305, abs=1e-15)
    # L = (50·(−ln 0.4) + 50·(−ln 0.5)) / 100 = (0.916290731874155 + 0.693147180559945) / 2
    assert loss == pytest.approx(0.80471895621705, abs=1e-14)
    assert coverage == pytest.approx(1.0) and math.isnan(rel)
    assert pair(score_pairs(inp, "final"), 0, TEAM_ANALYST)[0] == pytest.approx(0.25, abs=1e-15)
    assert points(timed, 0, TEAM_ANALYST) == [(0.5, 1)]


def test_team_starts_at_first_forecast_by_anyone(engine_path):
    # opens 0, first forecast at 20: team scored on [20,100), coverage (100−20)/100 = 0.8
    inp = ledger([{"opens": 0, "closes": 100}], [(0, 0, 20, 0.5), (0, 1, 60, 0.9)])
    brier, _, coverage, _ = pair(score_pairs(inp, "time"), 0, TEAM_ANALYST)
    # [20,60): 0.5 → 0.25·40 = 10; [60,100): median(0.5, 0.9) = 0.7 → 0.09·40 = 3.6
    # B = 13.6 / 80 = 0.17
    assert brier == pytest.approx(0.17, abs=1e-15)
    assert coverage == pytest.approx(0.8, abs=1e-15)


def test_team_choice_renormalised_medians(engine_path):
    inp = ledger([{"closes": 10, "options": 3, "outcome": 2}],
                 [(0, 0, 0, (0.6, 0.3, 0.1)), (0, 1, 0, (0.2, 0.5, 0.3)),
                  (0, 2, 0, (0.1, 0.1, 0.8))])
    for method in ("time", "final"):  # all at t=0: both see only the final state
        scores = score_pairs(inp, method)
        # medians per option: 0.2, 0.3, 0.3 (sum 0.8) → renormalised (0.25, 0.375, 0.375)
        got = points(scores, 0, TEAM_ANALYST)
        assert [p for p, _ in got] == pytest.approx([0.25, 0.375, 0.375], abs=1e-15)
        assert [o for _, o in got] == [0, 0, 1]
        # ½[0.25² + 0.375² + (0.375 − 1)²] = ½(0.0625 + 0.140625 + 0.390625) = 0.296875
        assert pair(scores, 0, TEAM_ANALYST)[0] == pytest.approx(0.296875, abs=1e-15)


def test_team_choice_zero_medians_fall_back_to_means(engine_path):
    inp = ledger([{"opens": 0, "closes": 100, "options": 3, "outcome": 0}],
                 [(0, 0, 0, (1.0, 0.0, 0.0)), (0, 1, 0, (0.0, 1.0, 0.0)),
                  (0, 2, 50, (0.0, 0.0, 1.0))])
    # [0,50): medians (0.5, 0.5, 0), sum 1 → B = ½[(0.5 − 1)² + 0.5² + 0²] = 0.25
    # [50,100): medians (0, 0, 0) sum to 0 → means (1/3, 1/3, 1/3)
    #           → B = ½[(1/3 − 1)² + (1/3)² + (1/3)²] = ½(4/9 + 1/9 + 1/9) = 1/3
    # time: (0.25·50 + (1/3)·50)/100 = 7/24; final: 1/3
    timed, final = score_pairs(inp, "time"), score_pairs(inp, "final")
    assert pair(timed, 0, TEAM_ANALYST)[0] == pytest.approx(7 / 24, abs=1e-15)
    assert pair(final, 0, TEAM_ANALYST)[0] == pytest.approx(1 / 3, abs=1e-15)
    for scores in (timed, final):
        assert [p for p, _ in points(scores, 0, TEAM_ANALYST)] == pytest.approx([1 / 3] * 3)


# -- relative Brier ------------------------------------------------------------------------------


def test_relative_brier_counts_time_before_first_forecast_as_zero(engine_path):
    # A: 0.5 from t=0 (B = 0.25); C: 0.7 from t=0 (B = 0.09); Z: 0.9 from t=50 (B = 0.01).
    inp = ledger([{"opens": 0, "closes": 100}],
                 [(0, 0, 0, 0.5), (0, 1, 0, 0.7), (0, 2, 50, 0.9)])
    scores = score_pairs(inp, "time")
    # T0 = 0. [0,50): M = median(0.25, 0.09) = 0.17; d_A = 0.08, d_C = −0.08, d_Z = 0 (not yet)
    # [50,100): M = median(0.25, 0.09, 0.01) = 0.09; d_A = 0.16, d_C = 0, d_Z = −0.08
    # rel_A = (0.08·50 + 0.16·50)/100 = 0.12; rel_C = (−0.08·50 + 0)/100 = −0.04;
    # rel_Z = (0·50 − 0.08·50)/100 = −0.04
    assert pair(scores, 0, 0)[3] == pytest.approx(0.12, abs=1e-15)
    assert pair(scores, 0, 1)[3] == pytest.approx(-0.04, abs=1e-15)
    assert pair(scores, 0, 2)[3] == pytest.approx(-0.04, abs=1e-15)
    # Z's own time-weighted Brier covers only [50,100): 0.01; coverage 0.5
    assert pair(scores, 0, 2)[0] == pytest.approx(0.01, abs=1e-15)
    assert pair(scores, 0, 2)[2] == pytest.approx(0.5, abs=1e-15)
    assert all(math.isnan(x) for x in score_pairs(inp, "final").relative_brier)


# -- calibration -------------------------------------------------------------------------------


def test_wilson_interval_for_a_bin_and_empty_bins():
    cal = calibration([0.35] * 10, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    b = cal.bins[3]
    assert (b.lo, b.hi, b.n) == (0.3, 0.4, 10)
    assert b.mean_p == pytest.approx(0.35, abs=1e-15) and b.freq == pytest.approx(0.3, abs=1e-15)
    # z² = 3.8414588206941254; z²/n = 0.38414588206941254; z²/2n = 0.19207294103470626
    # z²/4n² = 0.009603647051735314; f(1−f)/n = 0.021
    # half = z·√(0.021 + 0.009603647051735314) = z·0.17493898093831264 = 0.3428741021312318
    # centre = 0.3 + 0.19207294103470626 = 0.49207294103470626; denom = 1.3841458820694126
    # low = (0.4920729410347063 − 0.3428741021312318)/1.3841458820694126 = 0.10779126740630099
    # high = (0.4920729410347063 + 0.3428741021312318)/1.3841458820694126 = 0.6032218525388546
    assert b.ci_low == pytest.approx(0.10779126740630099, abs=1e-9)
    assert b.ci_high == pytest.approx(0.6032218525388546, abs=1e-9)
    for i in (0, 1, 2, 4, 5, 6, 7, 8, 9):
        e = cal.bins[i]
        assert (e.n, e.mean_p, e.freq, e.ci_low, e.ci_high) == (0, None, None, None, None)
    assert cal.bins[9].hi == 1.0 and cal.bins[0].lo == 0.0
    # ece = 10·|0.35 − 0.3| / 10 = 0.05
    assert cal.ece == pytest.approx(0.05, abs=1e-15)


def test_bin_edges():
    # k = min(floor(10p + 1e-9), 9): 0.29999999995 → floor(3.0000000005) = 3 (the 1e-9
    # absorbs rounding just below an edge); 0.99999 → 9; 1 → min(10, 9) = 9
    cal = calibration([0.0, 0.29999999995, 0.7, 0.99999, 1.0], [0, 0, 1, 1, 1])
    assert [b.n for b in cal.bins] == [1, 0, 0, 1, 0, 0, 0, 1, 0, 2]
    assert isinstance(cal.bins[9].mean_p, float) and isinstance(cal.bins[9].n, int)


def test_sklearn_brier_example():
    # scikit-learn test_brier_score_loss: y=[0,1,1,0,1,1], p=[.1,.8,.9,.3,1,.95] → 0.025417
    y, p = [0, 1, 1, 0, 1, 1], [0.1, 0.8, 0.9, 0.3, 1.0, 0.95]
    assert round(calibration(p, y).murphy.brier, 6) == 0.025417
    # the same as six single-forecast binary questions of one analyst
    qs = [{"closes": 10, "outcome": 0 if yi else 1} for yi in y]
    inp = ledger(qs, [(i, 0, 0, pi) for i, pi in enumerate(p)])
    (group,) = aggregate(score_pairs(inp, "time"), "all")
    assert group.questions == 6 and round(group.brier, 6) == 0.025417


def test_murphy_small_example():
    # points (0.1,0) (0.15,1) in bin 1; (0.8,1) in bin 8. N = 3, ō = 2/3.
    m = calibration([0.1, 0.15, 0.8], [0, 1, 1]).murphy
    # BSp = (0.01 + 0.7225 + 0.04)/3 = 0.7725/3 = 0.2575
    assert m.brier == pytest.approx(0.2575, abs=1e-15)
    # bin 1: p̄ = 0.125, ō = 0.5; bin 8: p̄ = 0.8, ō = 1
    # REL = (2·0.375² + 0.2²)/3 = (0.28125 + 0.04)/3 = 0.10708333…
    assert m.reliability == pytest.approx(0.32125 / 3, abs=1e-15)
    # RES = (2·(0.5 − 2/3)² + (1 − 2/3)²)/3 = (2/36 + 4/36)/3 = 1/18
    assert m.resolution == pytest.approx(1 / 18, abs=1e-15)
    assert m.uncertainty == pytest.approx(2 / 9, abs=1e-15)  # (2/3)(1/3)
    # WBV = (0.025² + 0.025² + 0)/3 = 0.00125/3
    assert m.within_bin_variance == pytest.approx(0.00125 / 3, abs=1e-15)
    # WBC = 2·((−0.025)(−0.5) + (0.025)(0.5) + 0)/3 = 2·0.025/3 = 0.05/3
    assert m.within_bin_covariance == pytest.approx(0.05 / 3, abs=1e-15)


# -- groups --------------------------------------------------------------------------------------


def test_groups_sorted_by_code_point_team_last():
    handles = ["zoe", "Amina", "émile", "bob", "Zed", "ghost"]
    inp = ledger([{"closes": 100}, {"closes": 100, "known": 40, "outcome": 1}],
                 [(0, 0, 1, 0.9), (0, 1, 1, 0.6), (0, 2, 1, 0.5), (0, 3, 1, 0.2), (0, 4, 1, 0.7),
                  (1, 1, 5, 0.3), (1, 5, 40, 0.1)])  # ghost forecasts only at the cutoff
    scores = score_pairs(inp, "time")
    groups = aggregate(scores, "analyst", analyst_keys=handles)
    assert [g.key for g in groups] == ["Amina", "Zed", "bob", "zoe", "émile", TEAM]
    amina = groups[0]
    # Amina: q0 (1 − 0.6)² = 0.16, q1 (0.3 − 0)² = 0.09 → mean 0.125 over 2 questions
    assert amina.questions == 2 and amina.brier == pytest.approx(0.125, abs=1e-15)
    assert [b.n for b in amina.calibration.bins] == [0, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    team = groups[-1]
    assert team.questions == 2 and team.relative_brier is None and team.coverage is not None
    # q0 team: median(0.9, 0.6, 0.5, 0.2, 0.7) = 0.6 → 0.16; q1 team: 0.3 → 0.09; mean 0.125
    assert team.brier == pytest.approx(0.125, abs=1e-15)
    d = groups[0].as_dict()
    assert set(d) == {"key", "questions", "brier", "log_loss", "relative_brier", "coverage",
                      "calibration"}
    assert type(d["brier"]) is float and type(d["questions"]) is int
    assert isinstance(d["calibration"]["bins"], list)
    json.loads(json.dumps([g.as_dict() for g in groups]))  # plain floats, ints and None

    (everyone,) = aggregate(scores, "all")
    assert everyone.key == "all" and everyone.questions == 6  # 5 pairs on q0, 1 on q1
    final = aggregate(score_pairs(inp, "final"), "analyst", analyst_keys=handles)
    assert all(g.relative_brier is None and g.coverage is None for g in final)


def test_groups_by_question_keys_and_tags():
    inp = ledger([{"closes": 10}, {"closes": 10}, {"closes": 10}],
                 [(0, 0, 0, 0.9), (1, 0, 0, 0.8), (1, 1, 0, 0.4), (2, 1, 0, 0.5)])
    scores = score_pairs(inp, "time")
    tags = [["b", "a"], "a", None]
    groups = aggregate(scores, "tag", question_keys=tags)
    assert [(g.key, g.questions) for g in groups] == [("a", 3), ("b", 1)]
    # tag a: q0 0.01, q1 0.04 and 0.36 → mean 0.41/3; tag b: q0 0.01
    assert groups[0].brier == pytest.approx(0.41 / 3, abs=1e-15)
    assert groups[1].brier == pytest.approx(0.01, abs=1e-15)
    by_q = aggregate(scores, "question", question_keys={0: "q-a", 1: "q-b", 2: "q-c"})
    assert [(g.key, g.questions) for g in by_q] == [("q-a", 1), ("q-b", 2), ("q-c", 1)]
    with pytest.raises(ValueError):
        aggregate(scores, "colour")


def test_no_forecasts():
    inp = ledger([{"closes": 10}], [])
    scores = score_pairs(inp, "time")
    assert len(scores.brier) == 0
    assert aggregate(scores, "analyst", analyst_keys=[]) == []


def test_bad_input_rejected():
    with pytest.raises(ValueError):
        ledger([{"closes": 10, "outcome": 2}], [])
    with pytest.raises(ValueError):
        score_pairs(ledger([{"closes": 10}], []), "median")


# -- properties ----------------------------------------------------------------------------------

probability = st.one_of(st.sampled_from([0.0, 0.05, 0.1, 0.5, 0.95, 1.0]),
                        st.floats(0, 1, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(probability, st.integers(0, 1)), min_size=1, max_size=60))
def test_murphy_identity(pts):
    m = calibration([p for p, _ in pts], [o for _, o in pts]).murphy
    rhs = (m.reliability - m.resolution + m.uncertainty + m.within_bin_variance
           - m.within_bin_covariance)
    assert abs(m.brier - rhs) <= 1e-12


@st.composite
def small_ledgers(draw, single=False):
    nq = draw(st.integers(1, 4))
    questions = []
    for _ in range(nq):
        options = draw(st.sampled_from([None, None, 2, 3, 4]))
        questions.append({"opens": 0, "closes": draw(st.integers(1, 50)),
                          "known": draw(st.integers(1, 60)),
                          "outcome": draw(st.integers(0, (options or 2) - 1)), "options": options})
    rows, seen = [], set()
    for _ in range(draw(st.integers(0, 15))):
        qi, an = draw(st.integers(0, nq - 1)), draw(st.integers(0, 4))
        if single and (qi, an) in seen:
            continue
        seen.add((qi, an))
        n = questions[qi]["options"]
        if n is None:
            p = draw(probability)
        else:
            raw = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n).filter(any))
            p = tuple(x / sum(raw) for x in raw)
        rows.append((qi, an, draw(st.integers(0, 60)), p))
    return ledger(questions, rows)


@settings(max_examples=150, deadline=None)
@given(small_ledgers(), st.sampled_from(["time", "final"]))
def test_scores_in_range(inp, method):
    s = score_pairs(inp, method)
    assert ((s.brier >= 0) & (s.brier <= 1 + 1e-12)).all()
    assert ((s.log_loss >= -math.log(0.999) - 1e-12)
            & (s.log_loss <= -math.log(0.001) + 1e-12)).all()
    assert ((s.point_p >= 0) & (s.point_p <= 1 + 1e-12)).all()


@settings(max_examples=150, deadline=None)
@given(small_ledgers(single=True))
def test_time_equals_final_with_single_forecasts(inp):
    timed, final = score_pairs(inp, "time"), score_pairs(inp, "final")
    analysts = timed.analyst != TEAM_ANALYST
    np.testing.assert_allclose(timed.brier[analysts], final.brier[analysts], rtol=0, atol=1e-12)
    np.testing.assert_allclose(timed.log_loss[analysts], final.log_loss[analysts], rtol=0,
                               atol=1e-12)
