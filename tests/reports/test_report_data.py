"""The plain values figures are drawn from, and the small sums they carry, worked by hand."""

import pytest

from ledger.reports.data import (
    PERSON, SOURCE, TEAM, EvidenceTick, FinalForecast, ForecastLine, ResolvedScore, ScoreHistory, Timeline,
    right_side_of_maybe,
)


def test_right_side_of_maybe_counts_exactly_half_as_one_half():
    pairs = [FinalForecast(0.8, True),   # right side: 1
             FinalForecast(0.6, False),  # wrong side: 0
             FinalForecast(0.5, True),   # on the fence: 1/2
             FinalForecast(0.3, False),  # right side: 1
             FinalForecast(0.9, True)]   # right side: 1
    assert right_side_of_maybe(pairs) == pytest.approx(3.5 / 5)  # 0.7
    assert right_side_of_maybe([FinalForecast(0.5, False)]) == 0.5
    assert right_side_of_maybe([FinalForecast(0.2, True), FinalForecast(0.7, False)]) == 0.0
    assert right_side_of_maybe([]) is None


def test_rolling_brier_averages_the_last_window_in_order_of_resolution():
    history = ScoreHistory("amina", PERSON, (ResolvedScore(30, 0.2), ResolvedScore(10, 0.1), ResolvedScore(20, 0.3)))
    # in time order 0.1, 0.3, 0.2; window 2: 0.1, (0.1+0.3)/2 = 0.2, (0.3+0.2)/2 = 0.25
    assert history.rolling(2) == [(10, 0.1), (20, pytest.approx(0.2)), (30, pytest.approx(0.25))]
    # window 10 is the running mean: 0.1, 0.2, 0.6/3 = 0.2
    assert [v for _, v in history.rolling(10)] == [0.1, pytest.approx(0.2), pytest.approx(0.2)]
    with pytest.raises(ValueError):
        history.rolling(0)


def test_a_binary_timeline_has_one_panel_and_a_choice_one_per_option():
    binary = Timeline("q", "Q?", (), 0, 10, 10, ())
    choice = Timeline("c", "C?", ("a", "b", "c"), 0, 10, 10, ())
    assert binary.panels == ("yes",)
    assert choice.panels == ("a", "b", "c")


@pytest.mark.parametrize("build", [
    lambda: ForecastLine("x", "robot", ()),
    lambda: ScoreHistory("x", "analyst", ()),
    lambda: EvidenceTick(0, "?", 1),
])
def test_unknown_kinds_and_stances_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_kinds():
    assert (PERSON, TEAM, SOURCE) == ("person", "team", "source")
