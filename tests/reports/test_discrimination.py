"""The discrimination section from its histogram: bins by comparison with the edges (as numpy's
histogram would bin every pair), the means and the rate as computed pair by pair, and the figure's
bars equal to a histogram of every pair."""

import numpy as np
import pytest

from ledger.reports.report import Discrimination
from ledger.reports.data import FinalForecast, right_side_of_maybe


def test_bins_means_and_rate_worked_by_hand():
    # 0.44999999999999996 is just below 0.45: bin 8 [40%, 45%), though int(p × 20) = 9. Likewise
    # 0.8999999999999999 is in bin 17 [85%, 90%). 1.0 is in the last bin, 0.0 in the first.
    p = np.array([0.44999999999999996, 0.45, 0.8999999999999999, 1.0, 0.0, 0.5, 0.3])
    happened = np.array([True, False, True, True, False, True, False])
    d = Discrimination.of(p, happened)
    assert [(b.lo, b.yes, b.no) for b in d.histogram if b.yes or b.no] == [
        (0.0, 0, 1), (0.3, 0, 1), (0.4, 1, 0), (0.45, 0, 1), (0.5, 1, 0), (0.85, 1, 0), (0.95, 1, 0)]
    assert len(d.histogram) == 20 and d.histogram[-1].hi == 1.0
    assert (d.yes_n, d.no_n, d.n) == (4, 3, 7)
    assert d.yes_mean == pytest.approx((0.45 + 0.9 + 1.0 + 0.5) / 4) and d.no_mean == pytest.approx(0.75 / 3)
    # right side: .45 yes 0, .45 no 1, .9 yes 1, 1 yes 1, 0 no 1, .5 half, .3 no 1 -> 5.5 of 7
    assert d.right_side_of_maybe == 5.5 / 7


def test_the_same_numbers_as_from_every_pair():
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.choice(np.arange(21) / 20, 500), rng.random(500), [0.5] * 9])
    happened = rng.random(len(p)) < 0.4
    d = Discrimination.of(p, happened)
    pairs = [FinalForecast(float(x), bool(h)) for x, h in zip(p, happened)]
    yes = [f.p_yes for f in pairs if f.happened]
    assert d.right_side_of_maybe == right_side_of_maybe(pairs)  # exactly
    assert d.yes_mean == sum(yes) / len(yes)
    tens = np.histogram(p[happened], bins=[i / 10 for i in range(11)])[0].tolist()
    assert [d.histogram[2 * j].yes + d.histogram[2 * j + 1].yes for j in range(10)] == tens


def test_nothing_to_discriminate():
    d = Discrimination.of(np.zeros(0), np.zeros(0, dtype=bool))
    assert (d.n, d.yes_mean, d.no_mean, d.right_side_of_maybe) == (0, None, None, None)
    assert sum(b.yes + b.no for b in d.histogram) == 0


@pytest.mark.parametrize("p, happened", [
    ([0.8, 0.6, 0.5, 0.3, 0.9, 0.44999999999999996, 0.8999999999999999, 1.0, 0.0, 0.1],
     [True, False, True, False, True, True, False, True, False, True]),
    ([0.7, 0.2, 0.7], [True, True, True]),  # nothing resolved no: an empty lower panel
])
def test_the_figures_bars_are_a_histogram_of_every_pair(p, happened):
    from ledger.reports import plots

    figure = plots.discrimination_figure(Discrimination.of(np.array(p), np.array(happened)))
    p, happened = np.array(p), np.array(happened)
    for ax, side in zip(figure.axes, (happened, ~happened)):
        bars = [patch.get_height() for patch in ax.patches]
        assert bars == np.histogram(p[side], bins=[i / 10 for i in range(11)])[0].tolist()
