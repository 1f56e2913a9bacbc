"""The `@team` forecast and M(t), the median Brier score of the analysts standing (SPEC 6).

At every event (a counted forecast) of a question, each analyst who has forecast so far has
one standing forecast; the team forecast is their median (choice: per option, renormalised,
or the per-option means where the medians sum to 0) and M is the median of their Brier
scores. `TeamPass` finds both for every event of many questions at once, on padded
[question, event, channel, analyst] grids, a batch of same-shaped questions at a time; a
question with many analysts, where a grid would cost events × analysts, is walked event by
event on sorted lists. `team_series` gives one question's team forecast as a step series,
resolved or not, by the same rule; `team_steps` the series of many questions at once (a
report's thousands of questions), on grids of many questions together.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import numpy as np

from ledger.core.scoring.arrays import chronological, excl_cumsum, pad, pair_key, ranges
from ledger.core.scoring.types import TeamSeries, TeamSteps

# Largest padded grid (cells of [questions, events, channels, analysts]) built at once: about
# 8 MiB per float array, so a chunk and its temporaries stay well under 100 MiB.
_CELL_BUDGET = 1 << 20

# Under method time, questions with more (padded) analysts than this find their medians event
# by event on sorted lists instead of on a grid, whose cost grows with events × analysts.
_LOOP_MIN_ANALYSTS = 72


def tuning() -> tuple[int, int]:
    """(grid cell budget, loop threshold) as the package `ledger.core.scoring` holds them at
    this call: tests set them there to drive every path of the median search."""
    from ledger.core import scoring

    return scoring._CELL_BUDGET, scoring._LOOP_MIN_ANALYSTS


# ---------------------------------------------------------------------------------------------
# the median rule


def channels(k: int) -> int:
    """Values tracked per forecast: p_yes alone for binary (its Brier score is monotonic in
    it), else the k probabilities and the Brier score."""
    return 1 if k == 1 else k + 1


def middles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two middle values along the last axis ignoring NaN (the same one for an odd
    count; the median is their mean), and the count of non-NaN values (taken from the first
    slice of axis -2, as every channel of a grid has the same analysts standing).

    Every row must hold at least one value."""
    ordered = np.sort(values, axis=-1)  # NaN sorts last
    count = np.count_nonzero(~np.isnan(values[..., :1, :]), axis=-1)[..., None]
    lo = np.take_along_axis(ordered, (count - 1) // 2, axis=-1)[..., 0]
    hi = np.take_along_axis(ordered, count // 2, axis=-1)[..., 0]
    return lo, hi, count[..., 0, 0]


def running_middles(values: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def running_means(values: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The mean, after each event, of the latest value of every column so far (values
    float[E, C], columns int[E]): each event adds its values and removes its column's previous."""
    by_col = np.argsort(columns, kind="stable")
    prev = np.full(len(columns), -1)
    same = columns[by_col[1:]] == columns[by_col[:-1]]
    prev[by_col[1:][same]] = by_col[:-1][same]
    delta = values - np.where(prev[:, None] >= 0, values[prev], 0.0)
    count = np.cumsum(prev < 0)
    return np.cumsum(delta, axis=0) / count[:, None]


def team_probs(med: np.ndarray, k: int, means) -> np.ndarray:
    """The team forecast from the per-channel medians `med` (last axis): binary, the median
    p_yes; choice, the first k medians renormalised, or the per-option means (a callable,
    called only if needed) where those medians sum to 0."""
    if k == 1:
        return med
    m = med[..., :k]
    total = m.sum(axis=-1, keepdims=True)
    zero = total == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        p = m / total
    if zero.any():
        p = np.where(zero, means(), p)
    return p


def team_and_median_brier(lo: np.ndarray, hi: np.ndarray, k: int, yes: Any, means):
    """The team forecast (k probabilities) and M, the median Brier score, from the middle
    values of each channel (last axis).

    Binary: since (p − o_yes)² is monotonic in p, the middle Brier scores are those of the
    middle forecasts. Choice: the Brier score is the last channel."""
    med = (lo + hi) / 2
    if k == 1:
        return med, ((lo[..., 0] - yes) ** 2 + (hi[..., 0] - yes) ** 2) / 2
    return team_probs(med, k, means), med[..., k]


# ---------------------------------------------------------------------------------------------
# every event of many questions (scoring)


@dataclass
class TeamPass:
    """The per-question pass: the `@team` forecast and M(t) (median Brier) at every event.

    Per-forecast arrays are in event order (questions by rank, then made_at, order), so a
    chunk of questions is a slice; per-question arrays are indexed by question index.
    Outputs per event: team_p (the team's probability vector, at team_off) and ml_before
    (∫ M dt from T0 to the event); per question ml_total (∫ M dt from T0 to the cutoff).
    Method final fills only each question's last event. cell_budget and loop_min_analysts
    choose between grids, event blocks and the event-by-event walk (see `tuning`)."""

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
    cell_budget: int
    loop_min_analysts: int

    def run(self, shapes: np.ndarray) -> None:
        """Walk the buckets; shapes[:, rank] = (values per forecast, padded events, padded
        analysts) of each question in rank order."""
        bounds = np.concatenate(([0], np.flatnonzero((np.diff(shapes, axis=1) != 0).any(0)) + 1,
                                 [shapes.shape[1]]))
        budget = self.cell_budget
        for b0, b1 in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            k, n_ev, n_col = (int(x) for x in shapes[:, b0])
            ch = channels(k)
            if not self.timed:  # method final needs only the state after the last event
                step = max(1, budget // (ch * n_col))
                for r0 in range(b0, b1, step):
                    self.grid(r0, min(r0 + step, b1), n_ev - 1, n_ev, k, n_ev, n_col)
            elif n_col > self.loop_min_analysts:
                for r in range(b0, b1):
                    self.loop(r, k)
            elif n_ev * ch * n_col <= budget:
                step = budget // (n_ev * ch * n_col)
                for r0 in range(b0, b1, step):
                    self.grid(r0, min(r0 + step, b1), 0, n_ev, k, n_ev, n_col)
            else:  # a long question: walk its events in blocks, carrying the standing values
                step = max(1, budget // (ch * n_col))
                for r in range(b0, b1):
                    carry = None
                    for e0 in range(0, n_ev, step):
                        carry = self.grid(r, r + 1, e0, min(e0 + step, n_ev), k, n_ev, n_col,
                                          carry)

    def grid(self, r0: int, r1: int, e0: int, e1: int, k: int, n_ev: int, n_col: int,
             carry: np.ndarray | None = None) -> np.ndarray:
        """Questions of ranks [r0, r1), events [e0, e1), on a padded grid of standing values
        [question, event, channel, analyst] (see `channels`), NaN where the analyst has not
        forecast yet. A block of one question starts from `carry`, the standing values before
        e0; returns those after e1 − 1."""
        grid = self._fill(r0, r1, e0, e1, k, n_ev, n_col, carry)
        lo, hi, count = middles(grid)
        yes = (self.outcome[self.q_order[r0:r1]] == 0)[:, None]
        p_team, m_brier = team_and_median_brier(
            lo, hi, k, yes, lambda: np.nansum(grid[:, :, :k, :], axis=-1) / count[..., None])
        self._store(r0, r1, e0, e1, k, p_team, m_brier)
        return grid[0, -1].copy()

    def _fill(self, r0: int, r1: int, e0: int, e1: int, k: int, n_ev: int, n_col: int,
              carry: np.ndarray | None) -> np.ndarray:
        """The grid of standing values: each forecast fills its analyst's cells from its
        event until the analyst's next (or the end of the block)."""
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
        cell_ev = np.repeat(first - e0, span) + ranges(span)
        ch = channels(k)
        values = self._values(fe, k)
        grid = np.full((nq, nb, ch, n_col), np.nan)
        if carry is not None:
            grid[:] = carry
        cell = ((row[rep] * nb + cell_ev) * ch) * n_col + self.column[fe][rep]
        flat = grid.reshape(-1)
        for j in range(ch):
            flat[cell + j * n_col] = values[rep, j]
        return grid

    def _store(self, r0: int, r1: int, e0: int, e1: int, k: int, p_team: np.ndarray,
               m_brier: np.ndarray) -> None:
        """Write a grid's team forecasts and ∫ M into the per-event outputs."""
        nq, nb = r1 - r0, e1 - e0
        s0, s1 = self.seg_start[r0:r1], self.seg_end[r0:r1]
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
        lo, hi = running_middles(values, col)
        pos = np.arange(s0, s1)
        yes = self.outcome[self.q_order[r]] == 0
        p_team, m_brier = team_and_median_brier(lo, hi, k, yes,
                                                lambda: running_means(values[:, :k], col))
        self.team_p[self.team_off[pos][:, None] + np.arange(k)] = p_team
        ml = m_brier * self.interval[pos]
        self.ml_before[pos] = np.cumsum(ml) - ml
        self.ml_total[self.q_order[r]] = ml.sum()


# ---------------------------------------------------------------------------------------------
# one question, resolved or not (plots, reports)


def team_series(made_at: Any, analyst: Any, probs: Any, *, until: int,
                order: Any = None) -> TeamSeries:
    """The `@team` forecast of one question as a step series, from its forecasts (SPEC 6).

    At each instant, the median of the standing forecasts of every analyst who has forecast
    so far (choice: per option, renormalised; the per-option means if those medians sum to
    0). Pass the question's forecasts by persons, without withdrawn ones (sources and
    withdrawn forecasts are not in `@team`). Forecasts made at or after `until` do not count:
    `until` = the cutoff gives the team that scoring uses; now or an as-of, an open question's.

    Args:
        made_at: int[F], when each forecast was made (microseconds).
        analyst: int[F], who made it (any integer ids).
        probs: float[F] of p_yes for a binary question, or float[F, K] with one row per
            forecast in option order for a choice question.
        until: the end of the series.
        order: int[F], recording order (larger = later), which breaks ties on made_at: of one
            analyst's forecasts made at one instant, the later-recorded stands. Default: the
            order given.

    Returns:
        One step per distinct instant with a counted forecast (the state after all of that
        instant's forecasts); probabilities of every option, (p_yes, p_no) for binary.
    """
    t = np.asarray(made_at, dtype=np.int64)
    a = np.asarray(analyst, dtype=np.int64)
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim not in (1, 2):
        raise ValueError("probs must be float[F] (binary) or float[F, K] (choice)")
    binary = p.ndim == 1
    values = p[:, None] if binary else p
    rec = np.arange(len(t), dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    if not (len(a) == len(values) == len(rec) == len(t)):
        raise ValueError("made_at, analyst, probs and order need one entry per forecast")
    counted = np.flatnonzero(t < until)
    by_time = counted[chronological(t[counted], rec[counted])]
    t, values = t[by_time], values[by_time]
    width = 2 if binary else values.shape[1]
    if len(t) == 0:
        return TeamSeries(np.zeros(0, dtype=np.int64), np.zeros((0, width)), until)
    _, column = np.unique(a[by_time], return_inverse=True)
    team = _team_at_each_forecast(values, column.reshape(-1))
    step_end = np.flatnonzero(np.append(t[1:] != t[:-1], True))  # last forecast at each instant
    team = team[step_end]
    if binary:
        team = np.column_stack((team[:, 0], 1.0 - team[:, 0]))
    return TeamSeries(t[step_end], team, until)


def _team_at_each_forecast(values: np.ndarray, column: np.ndarray) -> np.ndarray:
    """The team forecast after each of one question's forecasts (values float[E, k] in time
    order, column int[E] the analyst of each): on an [event, option, analyst] grid of
    standing values, or event by event on sorted lists when that grid would be large."""
    n_ev, k = values.shape
    n_col = int(column.max()) + 1
    budget, loop_above = tuning()
    if n_col > loop_above or n_ev * k * n_col > budget:
        lo, hi = running_middles(values, column)
        return team_probs((lo + hi) / 2, k, lambda: running_means(values, column))
    # standing[e, a]: the event of analyst a's latest forecast up to e (−1: none yet)
    standing = np.full((n_ev, n_col), -1, dtype=np.int64)
    standing[np.arange(n_ev), column] = np.arange(n_ev)
    np.maximum.accumulate(standing, axis=0, out=standing)
    grid = np.where(standing[:, None, :] >= 0, values[standing].transpose(0, 2, 1), np.nan)
    lo, hi, count = middles(grid)
    return team_probs((lo + hi) / 2, k, lambda: np.nansum(grid, axis=-1) / count[:, None])


# ---------------------------------------------------------------------------------------------
# many questions, resolved or not (reports)


def team_steps(question: Any, made_at: Any, analyst: Any, probs: Any, *, n_options: Any, binary: Any,
               until: Any, order: Any = None) -> TeamSteps:
    """`team_series` of many questions at once, with the same steps to the last bit.

    Questions are laid out one after another in (question, made_at, order) order; those whose
    grid `team_series` would build are stacked on padded [question, event, option, analyst]
    grids a bucket of like sizes at a time, the others (many analysts, where `team_series`
    walks event by event) go one by one through `team_series`' own path, as do the rare choice
    questions whose medians sum to 0 somewhere (their per-option means are summed over exactly
    their analysts, as there).

    Args:
        question: int[F], each forecast's question index, 0 ≤ i < Q. Pass persons' counted
            forecasts only, as for `team_series`.
        made_at: int[F], when each forecast was made (microseconds).
        analyst: int[F], who made it (any integer ids).
        probs: float64, flat: each forecast's probabilities in forecast order, one value (p_yes)
            on a binary question, `n_options` in option order on a choice question (the layout
            of `ScoringInput.probs`).
        n_options: int[Q], options per question (2 for binary).
        binary: bool[Q], True for a yes/no question.
        until: int[Q], each question's end: forecasts made at or after it do not count.
        order: int[F], recording order (larger = later), which breaks ties on made_at; default
            the order given.

    Returns:
        Every question's steps (`TeamSteps.series(i)` equals `team_series` of question i).
    """
    q = np.asarray(question, dtype=np.int64)
    t = np.asarray(made_at, dtype=np.int64)
    a = np.asarray(analyst, dtype=np.int64)
    p = np.asarray(probs, dtype=np.float64)
    n_opt = np.asarray(n_options, dtype=np.int64)
    is_binary = np.asarray(binary, dtype=bool)
    end = np.asarray(until, dtype=np.int64)
    rec = np.arange(len(q), dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    n_q = len(n_opt)
    if not (len(t) == len(a) == len(rec) == len(q)) or not (len(is_binary) == len(end) == n_q):
        raise ValueError("question, made_at, analyst and order need one entry per forecast; n_options, "
                         "binary and until one per question")
    width = np.where(is_binary, 1, n_opt)
    if p.shape != (int(width[q].sum()),):
        raise ValueError("probs must hold 1 value per binary forecast, n_options per choice one")
    off = excl_cumsum(width[q])  # where each forecast's probabilities start
    counted = np.flatnonzero(t < end[q])
    ev = counted[np.lexsort((rec[counted], t[counted], q[counted]))]  # stable: full ties in input order
    if len(ev) == 0:
        return TeamSteps(np.zeros(n_q + 1, dtype=np.int64), np.zeros(0, dtype=np.int64),
                         np.zeros((0, max(2, int(n_opt.max(initial=2))))), n_opt, end)
    walk = _StepPass(q[ev], off[ev], p, width, is_binary, n_q)
    walk.run(a[ev])
    qe, te = walk.qe, t[ev]
    last = np.flatnonzero(np.append((qe[1:] != qe[:-1]) | (te[1:] != te[:-1]), True))  # one step per instant
    start = np.zeros(n_q + 1, dtype=np.int64)
    np.cumsum(np.bincount(qe[last], minlength=n_q), out=start[1:])
    return TeamSteps(start, te[last], walk.team[last], n_opt, end)


class _StepPass:
    """The team after every event of many questions (events in (question, time) order)."""

    def __init__(self, qe: np.ndarray, off: np.ndarray, probs: np.ndarray, width: np.ndarray,
                 binary: np.ndarray, n_q: int) -> None:
        self.qe, self.off, self.probs, self.width, self.binary = qe, off, probs, width, binary
        self.n_ev = np.bincount(qe, minlength=n_q)
        self.seg = excl_cumsum(self.n_ev)  # question i's events: seg[i] : seg[i] + n_ev[i]
        self.event = np.arange(len(qe), dtype=np.int64) - self.seg[qe]
        self.team = np.full((len(qe), max(2, int(width.max()))), np.nan)

    def run(self, analyst: np.ndarray) -> None:
        # an event's column: its analyst's rank among the question's (team_series' np.unique order)
        _, first, column = np.unique(pair_key(self.qe, analyst, len(self.n_ev)), return_index=True,
                                     return_inverse=True)
        n_col = np.bincount(self.qe[first], minlength=len(self.n_ev))
        self.column = column.reshape(-1) - excl_cumsum(n_col)[self.qe]
        budget, loop_above = tuning()
        n_ev, k = self.n_ev, self.width
        alone = (n_col > loop_above) | (n_ev * k * n_col > budget)  # team_series walks these
        for i in np.flatnonzero((n_ev > 0) & alone).tolist():
            self.one(i)
        stacked = np.flatnonzero((n_ev > 0) & ~alone)
        shapes = np.stack([k[stacked], pad(n_ev[stacked]), pad(n_col[stacked])])
        by_shape = np.lexsort((stacked, shapes[2], shapes[1], shapes[0]))
        stacked, shapes = stacked[by_shape], shapes[:, by_shape]
        bounds = np.concatenate(([0], np.flatnonzero((np.diff(shapes, axis=1) != 0).any(0)) + 1,
                                 [len(stacked)])) if len(stacked) else np.zeros(1, dtype=np.int64)
        for b0, b1 in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            kk, n_e, n_a = (int(x) for x in shapes[:, b0])
            step = max(1, budget // (n_e * kk * n_a))
            for r0 in range(b0, b1, step):
                self.grid(stacked[r0:min(r0 + step, b1)], kk, n_e, n_a)

    def values(self, places: np.ndarray, k: int) -> np.ndarray:
        """float[n, k]: the probabilities of the events at these places."""
        return self.probs[self.off[places][:, None] + np.arange(k)]

    def store(self, places: np.ndarray, team: np.ndarray, k: int, binary: bool) -> None:
        if binary:
            self.team[places, 0] = team[:, 0]
            self.team[places, 1] = 1.0 - team[:, 0]
        else:
            self.team[places, :k] = team

    def one(self, i: int) -> None:
        """Question i exactly as `team_series` computes it."""
        places = np.arange(self.seg[i], self.seg[i] + self.n_ev[i])
        k = int(self.width[i])
        self.store(places, _team_at_each_forecast(self.values(places, k), self.column[places]), k,
                   bool(self.binary[i]))

    def grid(self, qs: np.ndarray, k: int, n_e: int, n_a: int) -> None:
        """Questions qs (k values per forecast, at most n_e events by n_a analysts) on one grid of
        standing values [question, event, option, analyst], NaN where an analyst has not
        forecast yet; the medians are those of `team_series`' grid, padding being NaN."""
        lens = self.n_ev[qs]
        rows = np.repeat(np.arange(len(qs)), lens)
        places = np.repeat(self.seg[qs], lens) + ranges(lens)
        values = self.values(places, k)
        standing = np.full((len(qs), n_e, n_a), -1, dtype=np.int64)
        standing[rows, self.event[places], self.column[places]] = np.arange(len(places))
        np.maximum.accumulate(standing, axis=1, out=standing)
        grid = np.where(standing[:, :, None, :] >= 0, values[standing].transpose(0, 1, 3, 2), np.nan)
        lo, hi, _ = middles(grid)
        team = team_probs((lo + hi) / 2, k, lambda: np.full(lo.shape, np.nan))
        if k > 1:  # medians summing to 0 take the means: those questions go through `one`
            zero = np.isnan(team[rows, self.event[places], 0])
            redo = np.unique(rows[zero])
            keep = ~np.isin(rows, redo)
            self.store(places[keep], team[rows[keep], self.event[places[keep]]], k, False)
            for r in redo.tolist():
                self.one(int(qs[r]))
            return
        self.store(places, team[rows, self.event[places]], k, bool(self.binary[qs[0]]))
