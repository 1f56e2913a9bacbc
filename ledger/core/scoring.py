"""The scoring engine of SPEC 6: Brier, log loss, time weighting, `@team`, relative Brier,
calibration and the Murphy decomposition.

Pure functions over numpy arrays describing many questions at once. SPEC 10 asks for a million
forecasts in a few seconds, so Python never loops per forecast or per question here: the
forecasts are sorted by (question, analyst, time) and by (question, time), and every per-pair
quantity is a segment reduction. The medians over the analysts standing at each event (the
`@team` forecast, and M(t) of the relative Brier) come from padded [question, event, channel,
analyst] grids, a batch of same-shaped questions at a time. The one exception: a question
with many analysts, where a grid would cost events × analysts, is walked event by event on
sorted lists. The relative Brier needs no per-analyst grid: ∫ d_a = ∫ B_a − ∫ M over
[t_1, cutoff).

Times are integer microseconds; durations are exact int64 differences and become floats only
when divided. Callers import this module lazily (numpy must stay out of `ledger --help`).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

TEAM = "@team"
"""Group key of the team forecast; it sorts after every other key."""

TEAM_ANALYST = -1
"""Analyst index that marks the `@team` pairs in `PairScores`."""

METHODS = ("time", "final")
LOG_LOSS_CLAMP = (0.001, 0.999)
WILSON_Z = 1.959963984540054
N_BINS = 10

# Largest padded grid (cells of [questions, events, channels, analysts]) built at once: about
# 8 MiB per float array, so a chunk and its temporaries stay well under 100 MiB.
_CELL_BUDGET = 1 << 20

# Under method time, questions with more (padded) analysts than this find their medians event
# by event on sorted lists instead of on a grid, whose cost grows with events × analysts.
_LOOP_MIN_ANALYSTS = 72


@dataclass(frozen=True)
class ScoringInput:
    """Every scored question of a ledger and every candidate forecast on them.

    The caller passes only resolved, non-annulled questions and drops withdrawn forecasts;
    forecasts at or after a question's cutoff may be included (they are ignored here).
    Arrays are converted to numpy on construction.

    Attributes:
        opens_at: int64[Q], when each question opened (microseconds since the epoch).
        closes_at: int64[Q], its close in force.
        known_at: int64[Q], when its outcome became known (the resolution in force).
        outcome: int[Q], index of the true option; binary questions are ordered (yes, no),
            so 0 means yes.
        n_options: int[Q], number of options (2 for a binary question).
        binary: bool[Q], True for a binary question (one calibration point, p_yes), False for
            a choice question (one calibration point per option), even with two options.
        question: int[F], index into the Q arrays of each forecast.
        analyst: int[F], non-negative analyst index of each forecast.
        made_at: int64[F], when each forecast was made.
        order: int64[F], recording order (larger = recorded later); breaks ties on made_at.
        probs: float64, flat: each forecast's probabilities in forecast order, one value
            (p_yes) for a binary question, `n_options` values in option order for a choice
            question. An all-binary ledger passes just its p_yes column.
        cutoff: int64[Q], derived: min(closes_at, known_at).
    """

    opens_at: Any
    closes_at: Any
    known_at: Any
    outcome: Any
    n_options: Any
    binary: Any
    question: Any
    analyst: Any
    made_at: Any
    order: Any
    probs: Any
    cutoff: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        conv = {
            "opens_at": np.int64, "closes_at": np.int64, "known_at": np.int64,
            "outcome": np.int64, "n_options": np.int64, "binary": np.bool_,
            "question": np.int64, "analyst": np.int64, "made_at": np.int64,
            "order": np.int64, "probs": np.float64,
        }
        for name, dtype in conv.items():
            object.__setattr__(self, name, np.ascontiguousarray(getattr(self, name), dtype=dtype))
        object.__setattr__(self, "cutoff", np.minimum(self.closes_at, self.known_at))
        n_q, n_f = len(self.opens_at), len(self.question)
        for name in ("closes_at", "known_at", "outcome", "n_options", "binary"):
            if getattr(self, name).shape != (n_q,):
                raise ValueError(f"{name} must have one value per question ({n_q})")
        for name in ("analyst", "made_at", "order"):
            if getattr(self, name).shape != (n_f,):
                raise ValueError(f"{name} must have one value per forecast ({n_f})")
        if n_q and (self.n_options.min() < 2 or (self.outcome < 0).any()
                    or (self.outcome >= self.n_options).any()):
            raise ValueError("every question needs 2+ options and an outcome among them")
        if n_f and (self.question.min() < 0 or self.question.max() >= n_q):
            raise ValueError("forecast question index out of range")
        if n_f and self.analyst.min() < 0:
            raise ValueError("analyst indices must be non-negative")
        width = self.width[self.question]
        if self.probs.shape != (int(width.sum()),):
            raise ValueError("probs must hold 1 value per binary forecast, n_options per choice one")

    @property
    def width(self) -> np.ndarray:
        """int64[Q]: probabilities stored per forecast (1 for binary, n_options for choice)."""
        return np.where(self.binary, 1, self.n_options)


@dataclass(frozen=True)
class PairScores:
    """Scores of every (analyst, question) pair and every `@team` pair.

    Analyst pairs come first, sorted by (question, analyst), then one `@team` pair per question
    with a counted forecast, by question.

    Attributes:
        method: "time" or "final".
        question: int64[P], question index of each pair.
        analyst: int64[P], analyst index; TEAM_ANALYST (-1) for `@team`.
        brier: float64[P], Brier score (½Σ convention) under the method.
        log_loss: float64[P], log loss under the method.
        coverage: float64[P], (cutoff − t_1)/(cutoff − opens_at); NaN under method final (and
            if a question's cutoff is not after its opening).
        relative_brier: float64[P]; NaN for `@team` and under method final.
        point_pair: int64[N], pair index of each calibration point (non-decreasing).
        point_p: float64[N], the probability of the point (from the pair's final forecast).
        point_o: int8[N], 1 if that option (yes, for binary) was the outcome, else 0.
    """

    method: str
    question: np.ndarray
    analyst: np.ndarray
    brier: np.ndarray
    log_loss: np.ndarray
    coverage: np.ndarray
    relative_brier: np.ndarray
    point_pair: np.ndarray
    point_p: np.ndarray
    point_o: np.ndarray


@dataclass(frozen=True)
class Bin:
    """One calibration bin [lo, hi); the last one includes 1.

    Attributes:
        lo: lower edge.
        hi: upper edge.
        n: number of points in the bin.
        mean_p: mean forecast probability, None when empty.
        freq: observed frequency, None when empty.
        ci_low: Wilson score interval lower bound for freq, None when empty.
        ci_high: Wilson score interval upper bound, None when empty.
    """

    lo: float
    hi: float
    n: int
    mean_p: float | None
    freq: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Murphy:
    """Exact decomposition (Stephenson et al. 2008) of the point Brier score.

    brier = reliability − resolution + uncertainty + within_bin_variance − within_bin_covariance.

    Attributes:
        brier: mean (p − o)² over the points (no ½: one term per point).
        reliability: Σ n_k (p̄_k − ō_k)² / N.
        resolution: Σ n_k (ō_k − ō)² / N.
        uncertainty: ō (1 − ō).
        within_bin_variance: ΣΣ (p − p̄_k)² / N.
        within_bin_covariance: 2 ΣΣ (p − p̄_k)(o − ō_k) / N.
    """

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float


@dataclass(frozen=True)
class Calibration:
    """Reliability of a set of calibration points.

    Attributes:
        bins: the ten bins, empty ones included.
        ece: expected calibration error Σ n_k |mean_p_k − freq_k| / N; None without points.
        murphy: the decomposition; None without points.
    """

    bins: tuple[Bin, ...]
    ece: float | None
    murphy: Murphy | None


@dataclass(frozen=True)
class GroupScore:
    """A group's numbers (`ledger score --by …`): means over its pairs.

    Attributes:
        key: the group key (handle, slug, tag, "all" or "@team").
        questions: number of pairs in the group.
        brier: mean Brier score.
        log_loss: mean log loss.
        relative_brier: mean relative Brier; None under method final and for `@team`.
        coverage: mean coverage; None under method final.
        calibration: calibration of the pairs' final forecasts.
    """

    key: str
    questions: int
    brier: float
    log_loss: float
    relative_brier: float | None
    coverage: float | None
    calibration: Calibration

    def as_dict(self) -> dict:
        """The SPEC 6 JSON shape, with plain floats and None: ready for json.dumps.

        Built field by field: `dataclasses.asdict` deep-copies and costs a third of a second
        for a thousand groups.
        """
        cal = self.calibration
        murphy = cal.murphy
        return {
            "key": self.key,
            "questions": self.questions,
            "brier": self.brier,
            "log_loss": self.log_loss,
            "relative_brier": self.relative_brier,
            "coverage": self.coverage,
            "calibration": {
                "bins": [
                    {"lo": b.lo, "hi": b.hi, "n": b.n, "mean_p": b.mean_p, "freq": b.freq, "ci_low": b.ci_low,
                     "ci_high": b.ci_high}
                    for b in cal.bins
                ],
                "ece": cal.ece,
                "murphy": None if murphy is None else {
                    "brier": murphy.brier,
                    "reliability": murphy.reliability,
                    "resolution": murphy.resolution,
                    "uncertainty": murphy.uncertainty,
                    "within_bin_variance": murphy.within_bin_variance,
                    "within_bin_covariance": murphy.within_bin_covariance,
                },
            },
        }


# ---------------------------------------------------------------------------------------------
# helpers


def _excl_cumsum(counts: np.ndarray) -> np.ndarray:
    """Start offsets of consecutive segments of the given lengths."""
    out = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=out[1:])
    return out


def _ranges(counts: np.ndarray) -> np.ndarray:
    """Concatenation of arange(c) for every c in counts."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(_excl_cumsum(counts), counts)


def _pad(n: np.ndarray) -> np.ndarray:
    """Round sizes above 16 up to 4 significant bits (≤ 12.5% padding), to bound the number
    of distinct grid shapes whatever the data."""
    n = np.asarray(n, dtype=np.int64)
    big = n > 16
    shift = np.zeros_like(n)
    shift[big] = np.floor(np.log2(n[big])).astype(np.int64) - 3
    step = np.left_shift(np.int64(1), shift)
    return -(-n // step) * step


def _log_loss(p_outcome: np.ndarray) -> np.ndarray:
    return -np.log(np.clip(p_outcome, *LOG_LOSS_CLAMP))


def _middles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two middle values along the last axis ignoring NaN (the same one for an odd
    count; the median is their mean), and the count of non-NaN values (taken from the first
    slice of axis -2, as every channel of a grid has the same analysts standing).

    Every row must hold at least one value."""
    ordered = np.sort(values, axis=-1)  # NaN sorts last
    count = np.count_nonzero(~np.isnan(values[..., :1, :]), axis=-1)[..., None]
    lo = np.take_along_axis(ordered, (count - 1) // 2, axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, count // 2, axis=-1)[..., 0]
    return lo, hi, count[..., 0, 0]


# ---------------------------------------------------------------------------------------------
# pair scores


def score_pairs(inp: ScoringInput, method: str = "time") -> PairScores:
    """Score every (analyst, question) pair and every `@team` pair (SPEC 6).

    Args:
        inp: the questions and forecasts.
        method: "time" (time-weighted, default) or "final" (last counted forecast).

    Returns:
        The pair scores and the calibration points of the pairs' final counted forecasts.
    """
    if method not in METHODS:
        raise ValueError(f"unknown scoring method {method!r}")
    timed = method == "time"
    cutoff, width_q = inp.cutoff, inp.width
    n_questions = len(cutoff)

    q, a, t, rec = inp.question, inp.analyst, inp.made_at, inp.order
    off = _excl_cumsum(width_q[q])  # where each forecast's probs start
    keep = t < cutoff[q]
    if not keep.all():
        counted = np.flatnonzero(keep)
        q, a, t, rec, off = q[counted], a[counted], t[counted], rec[counted], off[counted]
        del counted
    del keep
    n = len(q)
    if n == 0:
        return _empty_pairs(method)
    brier, loss = _scores(inp, inp.probs, q, off)

    # Pairs: forecasts sorted by (question, analyst, made_at, order); stable sorts keep the
    # input order on full ties. The last forecast of a pair is its final one.
    chrono = _chronological(t, rec)
    del rec
    by_pair = chrono[_stable_argsort(_pair_key(q, a, n_questions)[chrono])]
    qp = q[by_pair]
    new_pair = np.empty(n, dtype=bool)
    new_pair[0] = True
    np.not_equal(qp[1:], qp[:-1], out=new_pair[1:])
    ap = a[by_pair]
    new_pair[1:] |= ap[1:] != ap[:-1]
    del a
    p_start = np.flatnonzero(new_pair)
    p_end = np.append(p_start[1:], n)
    pair_q, pair_a = qp[p_start], ap[p_start]
    del ap
    n_pairs = len(p_start)
    final_off = off[by_pair[p_end - 1]]
    tp = t[by_pair]
    pair_cut = cutoff[pair_q]
    pair_span = pair_cut - tp[p_start]  # > 0: counted forecasts precede the cutoff
    if timed:
        # Each forecast stands until the analyst's next one, the last until the cutoff.
        dur_us = np.empty(n, dtype=np.int64)
        dur_us[:-1] = tp[1:]
        dur_us[p_end - 1] = pair_cut
        dur_us -= tp  # exact integer durations, floats only for the weighted sums
        dur = dur_us.astype(np.float64)
        del dur_us
        scratch = np.multiply(brier[by_pair], dur)
        a_brier_num = np.add.reduceat(scratch, p_start)  # ∫ B_a dt
        a_brier = a_brier_num / pair_span
        a_loss = np.add.reduceat(np.multiply(loss[by_pair], dur, out=scratch), p_start)
        a_loss /= pair_span
        del dur, scratch
        a_cover = _ratio(pair_span, pair_cut - inp.opens_at[pair_q])
    else:
        final = by_pair[p_end - 1]
        a_brier, a_loss = brier[final], loss[final]
        a_cover = np.full(n_pairs, np.nan)
    del tp, pair_span, pair_cut, loss

    # Questions: their events are the counted forecasts in (made_at, order) order. Questions
    # are grouped into buckets of one padded shape (values per forecast, events, analysts) and
    # every per-forecast array is laid out in event order, bucket by bucket.
    n_events = np.bincount(q, minlength=n_questions)
    n_analysts = np.bincount(pair_q, minlength=n_questions)
    first_pair = _excl_cumsum(n_analysts)
    scored = np.flatnonzero(n_events > 0)
    pad_e, pad_a, k_s = _pad(n_events[scored]), _pad(n_analysts[scored]), width_q[scored]
    bucket_order = np.lexsort((scored, pad_a, pad_e, k_s))
    q_order = scored[bucket_order]
    q_rank = np.full(n_questions, -1, dtype=np.int64)
    q_rank[q_order] = np.arange(len(q_order))
    pad_e_q = np.zeros(n_questions, dtype=np.int64)
    pad_e_q[scored] = pad_e

    by_event = chrono[_stable_argsort(q_rank[q[chrono]])]
    del chrono
    position = np.empty(n, dtype=np.int64)  # counted forecast -> place in event order
    position[by_event] = np.arange(n)
    seg_len = n_events[q_order]
    seg_start = _excl_cumsum(seg_len)
    seg_end = seg_start + seg_len
    te = t[by_event]
    del t
    interval = np.empty(n, dtype=np.int64)  # length of the interval each event opens
    interval[:-1] = te[1:]
    interval[seg_end - 1] = cutoff[q_order]
    interval -= te
    t0 = np.zeros(n_questions, dtype=np.int64)  # first counted forecast by anyone
    t0[q_order] = te[seg_start]
    del te

    # Each forecast's column (its analyst within the question) and the event at which that
    # analyst forecasts next (the padded event count if never): it stands on [event, next).
    at = position[by_pair]
    first_event = at[p_start]  # event-order place of each pair's first forecast
    del position, by_pair
    column = np.empty(n, dtype=np.int64)
    column[at] = np.cumsum(new_pair) - 1 - first_pair[qp]
    del new_pair, qp
    event = _ranges(seg_len)
    ev_p = event[at]
    nxt = np.empty(n, dtype=np.int64)
    nxt[:-1] = ev_p[1:]
    nxt[p_end - 1] = pad_e_q[pair_q]
    del ev_p
    next_event = np.empty(n, dtype=np.int64)
    next_event[at] = nxt
    del nxt, at

    q_e = q[by_event]
    width_e = width_q[q_e]
    team_off = _excl_cumsum(width_e)
    team = _TeamPass(
        timed=timed, probs=inp.probs, outcome=inp.outcome, off=off[by_event],
        brier=brier[by_event], q_order=q_order, seg_start=seg_start, seg_end=seg_end,
        event=event, next_event=next_event, column=column, interval=interval,
        team_off=team_off, team_p=np.full(int(width_e.sum()), np.nan), ml_before=np.zeros(n),
        ml_total=np.zeros(n_questions),
    )
    del off, brier, q, by_event, event, next_event, column
    team.run(np.stack([k_s[bucket_order], pad_e[bucket_order], pad_a[bucket_order]]))

    # @team: score the team forecast of every event, like an analyst from T0.
    last = seg_end - 1
    team_span = cutoff[q_order] - t0[q_order]
    t_brier, t_loss, t_cover = (np.zeros(n_questions) for _ in range(3))
    if timed:
        tb, tl = _scores(inp, team.team_p, q_e, team_off)
        lengths = interval.astype(np.float64)
        t_brier[q_order] = np.add.reduceat(tb * lengths, seg_start) / team_span
        t_loss[q_order] = np.add.reduceat(tl * lengths, seg_start) / team_span
        t_cover[q_order] = _ratio(team_span, cutoff[q_order] - inp.opens_at[q_order])
        # ∫ d_a = ∫_{t_1}^{cutoff} B_a − ∫_{t_1}^{cutoff} M, and the second term is the rest
        # of the question's ∫ M after the analyst's first event.
        m_after = team.ml_total[pair_q] - team.ml_before[first_event]
        a_rel = (a_brier_num - m_after) / (cutoff[pair_q] - t0[pair_q])
    else:
        t_brier[q_order], t_loss[q_order] = _scores(inp, team.team_p, q_e[last], team_off[last])
        t_cover[:] = np.nan
        a_rel = np.full(n_pairs, np.nan)
    del interval, q_e

    # Calibration points: each pair's final counted forecast (team: its final state).
    all_q = np.concatenate((pair_q, scored))
    n_points = width_q[all_q]
    point_pair = np.repeat(np.arange(len(all_q), dtype=np.int64), n_points)
    jj = _ranges(n_points)
    point_o = (jj == np.repeat(inp.outcome[all_q], n_points)).astype(np.int8)
    last_q = np.zeros(n_questions, dtype=np.int64)
    last_q[q_order] = last
    final_off = np.concatenate((final_off, team_off[last_q[scored]]))
    n_a_points = int(n_points[:n_pairs].sum())
    point_p = np.empty(len(jj))
    point_p[:n_a_points] = inp.probs[np.repeat(final_off[:n_pairs], n_points[:n_pairs])
                                     + jj[:n_a_points]]
    point_p[n_a_points:] = team.team_p[np.repeat(final_off[n_pairs:], n_points[n_pairs:])
                                       + jj[n_a_points:]]

    return PairScores(
        method=method,
        question=all_q,
        analyst=np.concatenate((pair_a, np.full(len(scored), TEAM_ANALYST, dtype=np.int64))),
        brier=np.concatenate((a_brier, t_brier[scored])),
        log_loss=np.concatenate((a_loss, t_loss[scored])),
        coverage=np.concatenate((a_cover, t_cover[scored])),
        relative_brier=np.concatenate((a_rel, np.full(len(scored), np.nan))),
        point_pair=point_pair,
        point_p=point_p,
        point_o=point_o,
    )


def _scores(inp: ScoringInput, probs: np.ndarray, q: np.ndarray, off: np.ndarray):
    """Brier (½Σ(p_k − o_k)², binary (p_yes − o_yes)²) and log loss of the probability
    vectors starting at probs[off], each on question q."""
    out = inp.outcome[q]
    is_bin = inp.binary[q]
    if is_bin.all():
        p_yes = probs[off]
        brier = (p_yes - (out == 0)) ** 2
        p_out = np.where(out == 0, p_yes, 1.0 - p_yes)
    else:
        w = inp.width[q]
        j = _ranges(w)
        starts = _excl_cumsum(w)
        sq = (probs[np.repeat(off, w) + j] - (j == np.repeat(out, w))) ** 2
        brier = np.where(is_bin, sq[starts], 0.5 * np.add.reduceat(sq, starts))
        p_out = probs[off + np.where(is_bin, 0, out)]
        p_out = np.where(is_bin & (out == 1), 1.0 - p_out, p_out)
    return brier, _log_loss(p_out)


def _chronological(t: np.ndarray, rec: np.ndarray) -> np.ndarray:
    """Order by (made_at, order), full ties in input order."""
    order = np.argsort(t)
    ts = t[order]
    if not (ts[1:] == ts[:-1]).any():
        return order  # distinct times: any sort gives the one order
    if (rec[1:] < rec[:-1]).any():
        return np.lexsort((rec, t))
    return np.argsort(t, kind="stable")


def _stable_argsort(keys: np.ndarray) -> np.ndarray:
    """Stable argsort of non-negative int64 keys: LSD radix on 16-bit digits (numpy radix
    sorts 16-bit integers), several times faster than a comparison sort for keys < 2**32."""
    top = int(keys.max(initial=0))
    if top >= 1 << 32:
        return np.argsort(keys, kind="stable")
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if top >= 1 << 16:
        order = order[np.argsort((keys[order] >> 16).astype(np.uint16), kind="stable")]
    return order


def _pair_key(q: np.ndarray, a: np.ndarray, n_questions: int) -> np.ndarray:
    """An int64 key ordering forecasts by (question, analyst)."""
    span = int(a.max()) + 1
    if n_questions * span >= 1 << 62:  # sparse huge analyst ids: compact them first
        _, a = np.unique(a, return_inverse=True)
        span = int(a.max()) + 1
    return q * span + a


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den as floats, NaN where den ≤ 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _empty_pairs(method: str) -> PairScores:
    ints, floats = np.zeros(0, dtype=np.int64), np.zeros(0)
    return PairScores(method, ints, ints, floats, floats, floats, floats, ints, floats,
                      np.zeros(0, dtype=np.int8))


def _channels(k: int) -> int:
    """Values tracked per forecast: p_yes alone for binary (its Brier score is monotonic in
    it), else the k probabilities and the Brier score."""
    return 1 if k == 1 else k + 1


def _team_and_median_brier(lo: np.ndarray, hi: np.ndarray, k: int, yes: Any, means):
    """The team forecast (k probabilities) and M, the median Brier score, from the middle
    values of each channel (last axis).

    Binary: p_yes is the median, and since (p − o_yes)² is monotonic in p, the middle Brier
    scores are those of the middle forecasts. Choice: per-option medians renormalised, or
    the per-option means (a callable, called only if needed) where they sum to 0."""
    if k == 1:
        return (lo + hi) / 2, ((lo[..., 0] - yes) ** 2 + (hi[..., 0] - yes) ** 2) / 2
    med = (lo + hi) / 2
    m = med[..., :k]
    total = m.sum(axis=-1, keepdims=True)
    zero = total == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        p = m / total
    if zero.any():
        p = np.where(zero, means(), p)
    return p, med[..., k]


def _running_middles(values: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two middle values, after each event, of the latest value of every column so far.

    values: float[E, C] (C channels), columns: int[E]. Keeps one sorted list per channel and
    swaps the column's old value for its new one (a bisection and a short memmove per event),
    where a grid would sort all A columns at every event."""
    rows = values.tolist()
    lists: list[list[float]] = [[] for _ in range(values.shape[1])]
    latest: dict[int, list[float]] = {}
    out = []
    for row, col in zip(rows, columns.tolist()):
        old = latest.get(col)
        latest[col] = row
        for lst, new, prev in zip(lists, row, old or row):
            if old is not None:
                del lst[bisect.bisect_left(lst, prev)]
            bisect.insort(lst, new)
        c = len(lists[0])
        i, j = (c - 1) // 2, c // 2
        out.append([lst[i] for lst in lists] + [lst[j] for lst in lists])
    both = np.array(out, dtype=np.float64).reshape(len(rows), 2, values.shape[1])
    return both[:, 0], both[:, 1]


@dataclass
class _TeamPass:
    """The per-question pass: the `@team` forecast and M(t) (median Brier) at every event.

    Per-forecast arrays are in event order (questions by rank, then made_at, order), so a
    chunk of questions is a slice; per-question arrays are indexed by question index.
    Outputs per event: team_p (the team's probability vector, at team_off) and ml_before
    (∫ M dt from T0 to the event); per question ml_total (∫ M dt from T0 to the cutoff).
    Method final fills only each question's last event."""

    timed: bool
    probs: np.ndarray
    outcome: np.ndarray
    off: np.ndarray
    brier: np.ndarray
    q_order: np.ndarray
    seg_start: np.ndarray
    seg_end: np.ndarray
    event: np.ndarray
    next_event: np.ndarray
    column: np.ndarray
    interval: np.ndarray
    team_off: np.ndarray
    team_p: np.ndarray
    ml_before: np.ndarray
    ml_total: np.ndarray

    def run(self, shapes: np.ndarray) -> None:
        """Walk the buckets; shapes[:, rank] = (values per forecast, padded events, padded
        analysts) of each question in rank order."""
        bounds = np.concatenate(([0], np.flatnonzero((np.diff(shapes, axis=1) != 0).any(0)) + 1,
                                 [shapes.shape[1]]))
        for b0, b1 in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            k, n_ev, n_col = (int(x) for x in shapes[:, b0])
            ch = _channels(k)
            if not self.timed:  # method final needs only the state after the last event
                step = max(1, _CELL_BUDGET // (ch * n_col))
                for r0 in range(b0, b1, step):
                    self.grid(r0, min(r0 + step, b1), n_ev - 1, n_ev, k, n_ev, n_col)
            elif n_col > _LOOP_MIN_ANALYSTS:
                for r in range(b0, b1):
                    self.loop(r, k)
            elif n_ev * ch * n_col <= _CELL_BUDGET:
                step = _CELL_BUDGET // (n_ev * ch * n_col)
                for r0 in range(b0, b1, step):
                    self.grid(r0, min(r0 + step, b1), 0, n_ev, k, n_ev, n_col)
            else:  # a long question: walk its events in blocks, carrying the standing values
                step = max(1, _CELL_BUDGET // (ch * n_col))
                for r in range(b0, b1):
                    carry = None
                    for e0 in range(0, n_ev, step):
                        carry = self.grid(r, r + 1, e0, min(e0 + step, n_ev), k, n_ev, n_col,
                                          carry)

    def grid(self, r0: int, r1: int, e0: int, e1: int, k: int, n_ev: int, n_col: int,
             carry: np.ndarray | None = None) -> np.ndarray:
        """Questions of ranks [r0, r1), events [e0, e1), on a padded grid of standing values
        [question, event, channel, analyst] (see `_channels`), NaN where the analyst has not
        forecast yet. A block of one question starts from `carry`, the standing values before
        e0; returns those after e1 − 1."""
        nq, nb = r1 - r0, e1 - e0
        s0, s1 = self.seg_start[r0:r1], self.seg_end[r0:r1]
        all_rows = np.repeat(np.arange(nq), s1 - s0)
        if not self.timed:  # every analyst's last forecast
            pick = np.flatnonzero(self.next_event[s0[0]:s1[-1]] == n_ev)
            fe, row, first = pick + s0[0], all_rows[pick], np.full(len(pick), e0)
        elif nq == 1:  # a block of events of one question, after the carried state
            fe = slice(s0[0] + e0, min(s0[0] + e1, s1[0]))
            row, first = all_rows[fe.start - s0[0]:fe.stop - s0[0]], self.event[fe]
        else:  # whole questions
            fe = slice(s0[0], s1[-1])
            row, first = all_rows, self.event[fe]
        span = np.minimum(self.next_event[fe], e1) - first
        rep = np.repeat(np.arange(len(first)), span)
        cell_ev = np.repeat(first - e0, span) + _ranges(span)
        ch = _channels(k)
        values = self._values(fe, k)
        grid = np.full((nq, nb, ch, n_col), np.nan)
        if carry is not None:
            grid[:] = carry
        cell = ((row[rep] * nb + cell_ev) * ch) * n_col + self.column[fe][rep]
        flat = grid.reshape(-1)
        for j in range(ch):
            flat[cell + j * n_col] = values[rep, j]
        del rep, cell_ev, values
        lo, hi, count = _middles(grid)
        yes = (self.outcome[self.q_order[r0:r1]] == 0)[:, None]
        p_team, m_brier = _team_and_median_brier(
            lo, hi, k, yes, lambda: np.nansum(grid[:, :, :k, :], axis=-1) / count[..., None])

        if self.timed:
            ev = np.arange(e0, e1)
            real = ev < (s1 - s0)[:, None]
            pos = s0[:, None] + ev
        else:
            real = np.ones((nq, 1), dtype=bool)
            pos = (s1 - 1)[:, None]
        pos = pos[real]
        self.team_p[self.team_off[pos][:, None] + np.arange(k)] = p_team[real]
        if self.timed:
            ml = np.zeros((nq, nb))
            ml[real] = m_brier[real] * self.interval[pos]
            qq = self.q_order[r0:r1]
            before = np.cumsum(ml, axis=1) - ml + self.ml_total[qq][:, None]
            self.ml_before[pos] = before[real]
            self.ml_total[qq] += ml.sum(axis=1)
        return grid[0, -1].copy()

    def _values(self, fe: Any, k: int) -> np.ndarray:
        """The channels of the forecasts `fe` (event-order slice or indices)."""
        if k == 1:
            return self.probs[self.off[fe]][:, None]
        values = np.empty((len(self.off[fe]), k + 1))
        values[:, :k] = self.probs[self.off[fe][:, None] + np.arange(k)]
        values[:, k] = self.brier[fe]
        return values

    def loop(self, r: int, k: int) -> None:
        """One question with many analysts, event by event (method time)."""
        s0, s1 = int(self.seg_start[r]), int(self.seg_end[r])
        col = self.column[s0:s1]
        values = self._values(slice(s0, s1), k)
        lo, hi = _running_middles(values, col)

        def means() -> np.ndarray:
            # Standing sums: each forecast adds its values and removes its analyst's previous.
            by_col = np.argsort(col, kind="stable")
            prev = np.full(len(col), -1)
            same = col[by_col[1:]] == col[by_col[:-1]]
            prev[by_col[1:][same]] = by_col[:-1][same]
            delta = values[:, :k] - np.where(prev[:, None] >= 0, values[prev, :k], 0.0)
            count = np.cumsum(prev < 0)
            return np.cumsum(delta, axis=0) / count[:, None]

        pos = np.arange(s0, s1)
        yes = self.outcome[self.q_order[r]] == 0
        p_team, m_brier = _team_and_median_brier(lo, hi, k, yes, means)
        self.team_p[self.team_off[pos][:, None] + np.arange(k)] = p_team
        ml = m_brier * self.interval[pos]
        self.ml_before[pos] = np.cumsum(ml) - ml
        self.ml_total[self.q_order[r]] = ml.sum()


# ---------------------------------------------------------------------------------------------
# calibration and groups


def calibration(p: Any, o: Any) -> Calibration:
    """Ten-bin calibration, ECE and Murphy decomposition of points (p, o).

    Args:
        p: float[N], forecast probabilities in [0, 1].
        o: int[N], 1 if the event happened, else 0.
    """
    p = np.asarray(p, dtype=np.float64)
    return _calibrations(p, np.asarray(o, dtype=np.float64), np.zeros(len(p), np.int64), 1)[0]


def _calibrations(p: np.ndarray, o: np.ndarray, g: np.ndarray, n_groups: int) -> list[Calibration]:
    """Calibration of every group at once; point i belongs to group g[i]."""
    o = o.astype(np.float64)
    k = np.minimum(np.floor(10 * p + 1e-9), N_BINS - 1).astype(np.int64)
    gk = g * N_BINS + k
    size = n_groups * N_BINS
    n = np.bincount(gk, minlength=size).reshape(n_groups, N_BINS)
    sum_p = np.bincount(gk, weights=p, minlength=size).reshape(n_groups, N_BINS)
    sum_o = np.bincount(gk, weights=o, minlength=size).reshape(n_groups, N_BINS)
    total = n.sum(axis=1)
    has = n > 0
    nn = np.where(has, n, 1)
    mean_p, freq = sum_p / nn, sum_o / nn

    # Wilson score interval, no continuity correction.
    z2 = WILSON_Z * WILSON_Z
    centre = freq + z2 / (2 * nn)
    half = WILSON_Z * np.sqrt(freq * (1 - freq) / nn + z2 / (4 * nn * nn))
    denom = 1 + z2 / nn
    ci_low = np.clip((centre - half) / denom, 0.0, 1.0)  # clip only removes rounding error
    ci_high = np.clip((centre + half) / denom, 0.0, 1.0)

    tt = np.where(total > 0, total, 1).astype(np.float64)
    ece = (n * np.abs(mean_p - freq)).sum(axis=1) / tt
    o_bar = sum_o.sum(axis=1) / tt
    bs = np.bincount(g, weights=(p - o) ** 2, minlength=n_groups) / tt
    rel = (n * (mean_p - freq) ** 2).sum(axis=1) / tt
    res = (n * (freq - o_bar[:, None]) ** 2).sum(axis=1) / tt
    unc = o_bar * (1 - o_bar)
    dp = p - mean_p[g, k]
    wbv = np.bincount(g, weights=dp * dp, minlength=n_groups) / tt
    wbc = 2 * np.bincount(g, weights=dp * (o - freq[g, k]), minlength=n_groups) / tt

    edges = [(i / N_BINS, (i + 1) / N_BINS) for i in range(N_BINS)]
    empty = [Bin(lo, hi, 0, None, None, None, None) for lo, hi in edges]  # immutable: shared
    summary = np.stack([ece, bs, rel, res, unc, wbv, wbc], axis=1).tolist()
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


def _key_list(keys: Any) -> list[str]:
    if keys is None:
        return []
    if isinstance(keys, str):
        return [keys]
    return list(keys)


def aggregate(
    pairs: PairScores,
    by: str = "analyst",
    *,
    analyst_keys: Mapping[int, str] | Sequence[str] | None = None,
    question_keys: Mapping[int, Any] | Sequence[Any] | None = None,
) -> list[GroupScore]:
    """Group the pairs (`ledger score --by`) and summarise each group.

    Args:
        pairs: from `score_pairs`.
        by: "analyst" (each analyst's pairs, then `@team`), "all" (every analyst pair, not
            `@team`), or "question", "scenario", "tag" (analyst pairs by their question's keys).
        analyst_keys: for by="analyst", the handle of each analyst index (`keys[i]`).
        question_keys: for question/scenario/tag, per question index a key (str), None (in no
            group) or a sequence of keys (a question with several tags is in each of them).

    Returns:
        Groups with pairs, sorted by key in code-point order, `@team` last.
    """
    analyst_pairs = np.flatnonzero(pairs.analyst != TEAM_ANALYST)
    if by == "analyst":
        if analyst_keys is None:
            raise ValueError("by='analyst' needs analyst_keys")
        ids = np.unique(pairs.analyst[analyst_pairs])
        keys = [analyst_keys[i] for i in ids.tolist()] + [TEAM]
        edge_pair = np.arange(len(pairs.analyst))
        edge_group = np.where(pairs.analyst == TEAM_ANALYST, len(ids),
                              np.searchsorted(ids, pairs.analyst))
    elif by == "all":
        keys = ["all"]
        edge_pair = analyst_pairs
        edge_group = np.zeros(len(analyst_pairs), dtype=np.int64)
    elif by in ("question", "scenario", "tag"):
        if question_keys is None:
            raise ValueError(f"by={by!r} needs question_keys")
        ids = np.unique(pairs.question[analyst_pairs])
        code: dict[str, int] = {}
        eq, eg = [], []
        for qi in ids.tolist():
            for key in _key_list(question_keys[qi]):
                eq.append(qi)
                eg.append(code.setdefault(key, len(code)))
        keys = list(code)
        eq_a, eg_a = np.asarray(eq, dtype=np.int64), np.asarray(eg, dtype=np.int64)
        # Each analyst pair joins every group of its question (edges sorted by question).
        per_q = np.bincount(eq_a, minlength=int(pairs.question.max(initial=-1)) + 1)
        start_q = _excl_cumsum(per_q)
        pq = pairs.question[analyst_pairs]
        reps = per_q[pq]
        edge_pair = np.repeat(analyst_pairs, reps)
        edge_group = eg_a[np.repeat(start_q[pq], reps) + _ranges(reps)]
    else:
        raise ValueError(f"unknown grouping {by!r}")
    return _summarise(pairs, edge_pair, np.asarray(edge_group, dtype=np.int64), keys)


def _group_mean(values: np.ndarray, g: np.ndarray, n_groups: int) -> list[float | None]:
    """Mean of the defined (non-NaN) values per group; None where there are none."""
    ok = ~np.isnan(values)
    s = np.bincount(g[ok], weights=values[ok], minlength=n_groups)
    c = np.bincount(g[ok], minlength=n_groups)
    return [float(x) / int(y) if y else None for x, y in zip(s.tolist(), c.tolist())]


def _summarise(pairs: PairScores, edge_pair: np.ndarray, edge_group: np.ndarray,
               keys: list[str]) -> list[GroupScore]:
    n_groups = len(keys)
    if n_groups == 0:
        return []
    counts = np.bincount(edge_group, minlength=n_groups).tolist()
    brier = _group_mean(pairs.brier[edge_pair], edge_group, n_groups)
    loss = _group_mean(pairs.log_loss[edge_pair], edge_group, n_groups)
    rel = _group_mean(pairs.relative_brier[edge_pair], edge_group, n_groups)
    cover = _group_mean(pairs.coverage[edge_pair], edge_group, n_groups)

    # Points of each edge's pair, in that edge's group.
    n_pairs = len(pairs.question)
    pt_count = np.bincount(pairs.point_pair, minlength=n_pairs)
    pt_start = _excl_cumsum(pt_count)
    reps = pt_count[edge_pair]
    pts = np.repeat(pt_start[edge_pair], reps) + _ranges(reps)
    cals = _calibrations(pairs.point_p[pts], pairs.point_o[pts].astype(np.float64),
                         np.repeat(edge_group, reps), n_groups)

    final = pairs.method == "final"
    order = sorted((gi for gi in range(n_groups) if counts[gi]),
                   key=lambda gi: (keys[gi] == TEAM, keys[gi]))
    return [
        GroupScore(
            key=keys[gi], questions=counts[gi], brier=brier[gi], log_loss=loss[gi],
            relative_brier=None if final or keys[gi] == TEAM else rel[gi],
            coverage=None if final else cover[gi], calibration=cals[gi],
        )
        for gi in order
    ]
