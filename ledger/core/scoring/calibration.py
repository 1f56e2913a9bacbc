"""Calibration of forecast points (SPEC 6): ten bins with Wilson intervals, the expected
calibration error, and the exact Murphy decomposition (Stephenson et al. 2008) of the
point Brier score. Many groups are computed at once with bincounts over (group, bin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ledger.core.scoring.types import Bin, Calibration, Murphy

WILSON_Z = 1.959963984540054
N_BINS = 10


def calibration(p: Any, o: Any) -> Calibration:
    """Ten-bin calibration, ECE and Murphy decomposition of points (p, o).

    Args:
        p: float[N], forecast probabilities in [0, 1].
        o: int[N], 1 if the event happened, else 0.
    """
    p = np.asarray(p, dtype=np.float64)
    return calibrations(p, np.asarray(o, dtype=np.float64), np.zeros(len(p), np.int64), 1)[0]


def calibrations(p: np.ndarray, o: np.ndarray, g: np.ndarray, n_groups: int) -> list[Calibration]:
    """Calibration of every group at once; point i belongs to group g[i]."""
    return calibration_table(p, o, g, n_groups).calibrations()


def calibration_table(p: np.ndarray, o: np.ndarray, g: np.ndarray, n_groups: int) -> CalibrationTable:
    """`calibrations` as arrays, one row per group: no object per bin (a `--by question` of a
    large ledger has a hundred thousand groups)."""
    o = o.astype(np.float64)
    k = np.minimum(np.floor(10 * p + 1e-9), N_BINS - 1).astype(np.int64)
    n, mean_p, freq, o_bar, total = _bin_means(p, o, g * N_BINS + k, n_groups)
    ci_low, ci_high = wilson_interval(freq, np.where(n > 0, n, 1))
    summary = _summary(p, o, g, k, n, mean_p, freq, o_bar, total, n_groups)
    return CalibrationTable(n, mean_p, freq, ci_low, ci_high, summary, total)


@dataclass(frozen=True)
class CalibrationTable:
    """The calibration of many groups, one row per group.

    Attributes:
        n: int64[G, 10], points per bin.
        mean_p, freq, ci_low, ci_high: float64[G, 10], per bin (meaningless where n is 0).
        summary: float64[G, 7], per group [ece, point Brier, REL, RES, UNC, WBV, WBC].
        total: int64[G], points per group (ece and Murphy are null without any).
    """

    n: np.ndarray
    mean_p: np.ndarray
    freq: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    summary: np.ndarray
    total: np.ndarray

    def take(self, rows: np.ndarray) -> CalibrationTable:
        """These groups' rows, in this order."""
        return CalibrationTable(*(x[rows] for x in (self.n, self.mean_p, self.freq, self.ci_low, self.ci_high,
                                                    self.summary, self.total)))

    def calibrations(self) -> list[Calibration]:
        """The value objects."""
        return _build(self.n, self.mean_p, self.freq, self.ci_low, self.ci_high, self.summary.tolist(), self.total)


def _bin_means(p: np.ndarray, o: np.ndarray, gk: np.ndarray, n_groups: int):
    """Per (group, bin): the count, mean p and observed frequency (0 where empty); per group:
    ō over all its points and the number of points."""
    size = n_groups * N_BINS
    n = np.bincount(gk, minlength=size).reshape(n_groups, N_BINS)
    sum_p = np.bincount(gk, weights=p, minlength=size).reshape(n_groups, N_BINS)
    sum_o = np.bincount(gk, weights=o, minlength=size).reshape(n_groups, N_BINS)
    total = n.sum(axis=1)
    nn = np.where(n > 0, n, 1)
    tt = np.where(total > 0, total, 1).astype(np.float64)
    return n, sum_p / nn, sum_o / nn, sum_o.sum(axis=1) / tt, total


def wilson_interval(freq: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of frequencies `freq` over `n` > 0 trials, without continuity
    correction (SPEC 6)."""
    z2 = WILSON_Z * WILSON_Z
    centre = freq + z2 / (2 * n)
    half = WILSON_Z * np.sqrt(freq * (1 - freq) / n + z2 / (4 * n * n))
    denom = 1 + z2 / n
    ci_low = np.clip((centre - half) / denom, 0.0, 1.0)  # clip only removes rounding error
    ci_high = np.clip((centre + half) / denom, 0.0, 1.0)
    return ci_low, ci_high


def _summary(p, o, g, k, n, mean_p, freq, o_bar, total, n_groups) -> np.ndarray:
    """Per group: [ece, point Brier, REL, RES, UNC, WBV, WBC] (zeros for a group without
    points)."""
    tt = np.where(total > 0, total, 1).astype(np.float64)
    ece = (n * np.abs(mean_p - freq)).sum(axis=1) / tt
    bs = np.bincount(g, weights=(p - o) ** 2, minlength=n_groups) / tt
    rel = (n * (mean_p - freq) ** 2).sum(axis=1) / tt
    res = (n * (freq - o_bar[:, None]) ** 2).sum(axis=1) / tt
    unc = o_bar * (1 - o_bar)
    dp = p - mean_p[g, k]
    wbv = np.bincount(g, weights=dp * dp, minlength=n_groups) / tt
    wbc = 2 * np.bincount(g, weights=dp * (o - freq[g, k]), minlength=n_groups) / tt
    return np.stack([ece, bs, rel, res, unc, wbv, wbc], axis=1).reshape(n_groups, 7)


def _build(n, mean_p, freq, ci_low, ci_high, summary, total) -> list[Calibration]:
    """The value objects, with plain Python numbers; empty bins carry n = 0 and None."""
    edges = [(i / N_BINS, (i + 1) / N_BINS) for i in range(N_BINS)]
    empty = [Bin(lo, hi, 0, None, None, None, None) for lo, hi in edges]  # immutable: shared
    result = []
    for gi, row in enumerate(zip(*(x.tolist() for x in (n, mean_p, freq, ci_low, ci_high)))):
        bins = tuple(
            Bin(lo, hi, cnt, mp, fr, cl, ch) if cnt else blank
            for (lo, hi), blank, cnt, mp, fr, cl, ch in zip(edges, empty, *row)
        )
        if total[gi] == 0:
            result.append(Calibration(bins, None, None))
        else:
            e, *m = summary[gi]
            result.append(Calibration(bins, e, Murphy(*m)))
    return result
