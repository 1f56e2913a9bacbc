"""Segment helpers over numpy arrays: offsets, ranges, padding and fast stable orderings.

The scoring engine lays many questions out back to back in flat arrays; these turn lengths
into offsets and build the sort orders it needs without a Python loop per element.
"""

from __future__ import annotations

import numpy as np


def excl_cumsum(counts: np.ndarray) -> np.ndarray:
    """Start offsets of consecutive segments of the given lengths."""
    out = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=out[1:])
    return out


def ranges(counts: np.ndarray) -> np.ndarray:
    """Concatenation of arange(c) for every c in counts."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(excl_cumsum(counts), counts)


def pad(n: np.ndarray) -> np.ndarray:
    """Round sizes above 16 up to 4 significant bits (≤ 12.5% padding), to bound the number
    of distinct grid shapes whatever the data."""
    n = np.asarray(n, dtype=np.int64)
    big = n > 16
    shift = np.zeros_like(n)
    shift[big] = np.floor(np.log2(n[big])).astype(np.int64) - 3
    step = np.left_shift(np.int64(1), shift)
    return -(-n // step) * step


def chronological(t: np.ndarray, rec: np.ndarray) -> np.ndarray:
    """Order by (made_at, order), full ties in input order."""
    if not (rec[1:] < rec[:-1]).any():
        return np.argsort(t, kind="stable")  # input in recording order (as the store reads it): one sort
    order = np.argsort(t)
    ts = t[order]
    if not (ts[1:] == ts[:-1]).any():
        return order  # distinct times: any sort gives the one order
    return np.lexsort((rec, t))


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """Stable argsort of non-negative int64 keys: LSD radix on 16-bit digits (numpy radix
    sorts 16-bit integers), several times faster than a comparison sort for keys < 2**32."""
    top = int(keys.max(initial=0))
    if top >= 1 << 32:
        return np.argsort(keys, kind="stable")
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if top >= 1 << 16:
        order = order[np.argsort((keys[order] >> 16).astype(np.uint16), kind="stable")]
    return order


def pair_key(q: np.ndarray, a: np.ndarray, n_questions: int) -> np.ndarray:
    """An int64 key ordering forecasts by (question, analyst)."""
    span = int(a.max()) + 1
    if n_questions * span >= 1 << 62:  # sparse huge analyst ids: compact them first
        _, a = np.unique(a, return_inverse=True)
        span = int(a.max()) + 1
    return q * span + a


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den as floats, NaN where den ≤ 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
