"""Groups as SPEC 6 JSON text, written straight from a `GroupTable`, piece by piece.

The text is exactly `json.dumps([g.as_dict() for g in groups], ensure_ascii=False)`'s, with its
separators and its float repr, but without a dict per group or an object per bin, and in
pieces, so a `--by question` of a large ledger (a hundred thousand groups, a hundred megabytes
of text) never holds the whole document. Empty bins, most of them there, are one constant text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from ledger.core.scoring.calibration import N_BINS
from ledger.core.scoring.groups import GroupTable

_EDGES = [(repr(i / N_BINS), repr((i + 1) / N_BINS)) for i in range(N_BINS)]
_EMPTY = [f'{{"lo": {lo}, "hi": {hi}, "n": 0, "mean_p": null, "freq": null, "ci_low": null, "ci_high": null}}'
          for lo, hi in _EDGES]
_FULL = [f'{{{{"lo": {lo}, "hi": {hi}, "n": {{}}, "mean_p": {{}}, "freq": {{}}, "ci_low": {{}}, "ci_high": {{}}}}}}'
         for lo, hi in _EDGES]
_MURPHY = ('{{"brier": {}, "reliability": {}, "resolution": {}, "uncertainty": {}, "within_bin_variance": {}, '
           '"within_bin_covariance": {}}}')


def number(x: float | None) -> str:
    """A number as `json.dumps` writes it (None: null)."""
    if x is None:
        return "null"
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return float.__repr__(x)


def _numbers(values: np.ndarray) -> list[str]:
    """`number` of each value (float64), in bulk."""
    if np.isfinite(values).all():
        return list(map(float.__repr__, values.tolist()))
    return [number(x) for x in values.tolist()]


def groups_json(table: GroupTable, string: Callable[[str], str], batch: int = 2000) -> Iterator[str]:
    """The JSON array of the groups, in pieces of up to `batch` groups; `string` writes a key
    as a JSON string (the caller's escaping)."""
    yield "["
    for g0 in range(0, len(table.key), batch):
        g1 = min(g0 + batch, len(table.key))
        yield (", " if g0 else "") + ", ".join(_groups(table, g0, g1, string))
    yield "]"


def _groups(table: GroupTable, g0: int, g1: int, string: Callable[[str], str]) -> list[str]:
    cal = table.calibration
    n = cal.n[g0:g1]
    full = np.flatnonzero(n.reshape(-1) > 0)
    values = [_numbers(x[g0:g1].reshape(-1)[full]) for x in (cal.mean_p, cal.freq, cal.ci_low, cal.ci_high)]
    bins = [_EMPTY[i % N_BINS] for i in range(n.size)]
    for at, cnt, mp, fr, lo, hi in zip(full.tolist(), n.reshape(-1)[full].tolist(), *values):
        bins[at] = _FULL[at % N_BINS].format(cnt, mp, fr, lo, hi)
    summary = cal.summary[g0:g1]
    summary_text = _numbers(summary.reshape(-1))
    total = cal.total[g0:g1].tolist()
    out = []
    for j, gi in enumerate(range(g0, g1)):
        if total[j]:
            s = summary_text[7 * j:7 * j + 7]
            tail = f'{s[0]}, "murphy": {_MURPHY.format(*s[1:])}'
        else:
            tail = 'null, "murphy": null'
        out.append(
            f'{{"key": {string(table.key[gi])}, "questions": {table.questions[gi]}, '
            f'"brier": {number(table.brier[gi])}, "log_loss": {number(table.log_loss[gi])}, '
            f'"relative_brier": {number(table.relative_brier[gi])}, "coverage": {number(table.coverage[gi])}, '
            f'"calibration": {{"bins": [{", ".join(bins[N_BINS * j:N_BINS * j + N_BINS])}], "ece": {tail}}}}}'
        )
    return out
