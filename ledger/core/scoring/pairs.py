"""Scores of every (analyst, question) pair and every `@team` pair (SPEC 6).

The counted forecasts (made before their question's cutoff) are laid out twice: by (question,
analyst, time), where each pair is a segment and its scores are segment reductions, and by
(question, time), the events over which `team.TeamPass` finds the `@team` forecast and M(t).
The relative Brier needs no per-analyst grid: ∫ d_a = ∫ B_a − ∫ M over [t_1, cutoff).

Times are integer microseconds; durations are exact int64 differences and become floats only
when divided. The many `del`s release per-forecast arrays as soon as they are used up: at a
million forecasts each one is 8 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ledger.core.scoring.arrays import (
    chronological,
    excl_cumsum,
    pad,
    pair_key,
    ranges,
    ratio,
    stable_argsort,
)
from ledger.core.scoring.team import TeamPass, tuning
from ledger.core.scoring.types import METHODS, TEAM_ANALYST, PairScores, ScoringInput

LOG_LOSS_CLAMP = (0.001, 0.999)


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
    fc = _counted(inp)
    if fc is None:
        return _empty_pairs(method)
    pairs = _pairs(fc, len(inp.cutoff))
    own = _analyst_scores(inp, fc, pairs, timed)
    fc.loss = None  # used up
    events = _events(inp, fc, pairs)
    del fc, pairs
    team = _team(inp, events, timed)
    own_rel = _relative_brier(inp, own, events, team) if timed else np.full(len(own.pair_q), np.nan)
    return _assemble(inp, method, own, own_rel, events, team)


# ---------------------------------------------------------------------------------------------
# the steps


@dataclass
class _Counted:
    """The counted forecasts, in input order: question, analyst, made_at, recording order,
    where their probabilities start in `inp.probs`, and their Brier score and log loss."""

    q: np.ndarray
    a: np.ndarray
    t: np.ndarray
    rec: np.ndarray
    off: np.ndarray
    brier: np.ndarray
    loss: np.ndarray


def _counted(inp: ScoringInput) -> _Counted | None:
    """The forecasts made before their question's cutoff (None if there are none)."""
    q, a, t, rec = inp.question, inp.analyst, inp.made_at, inp.order
    off = excl_cumsum(inp.width[q])  # where each forecast's probs start
    keep = t < inp.cutoff[q]
    if not keep.all():
        counted = np.flatnonzero(keep)
        q, a, t, rec, off = q[counted], a[counted], t[counted], rec[counted], off[counted]
        del counted
    del keep
    if len(q) == 0:
        return None
    brier, loss = scores(inp, inp.probs, q, off)
    return _Counted(q, a, t, rec, off, brier, loss)


@dataclass
class _Pairs:
    """The counted forecasts by (question, analyst, made_at, order): each pair a segment.

    chrono orders the forecasts by (made_at, order); by_pair by pair then time; qp is the
    question at each by_pair place and new_pair marks where a pair starts; p_start, p_end
    bound each pair's segment; pair_q and pair_a name its question and analyst."""

    chrono: np.ndarray
    by_pair: np.ndarray
    qp: np.ndarray
    new_pair: np.ndarray
    p_start: np.ndarray
    p_end: np.ndarray
    pair_q: np.ndarray
    pair_a: np.ndarray


def _pairs(fc: _Counted, n_questions: int) -> _Pairs:
    """Sort into pairs; stable sorts keep the input order on full ties, so the last forecast
    of a pair is its final one (ties on made_at: the later-recorded)."""
    n = len(fc.q)
    chrono = chronological(fc.t, fc.rec)
    fc.rec = None  # used up
    by_pair = chrono[stable_argsort(pair_key(fc.q, fc.a, n_questions)[chrono])]
    qp = fc.q[by_pair]
    new_pair = np.empty(n, dtype=bool)
    new_pair[0] = True
    np.not_equal(qp[1:], qp[:-1], out=new_pair[1:])
    ap = fc.a[by_pair]
    new_pair[1:] |= ap[1:] != ap[:-1]
    fc.a = None  # used up
    p_start = np.flatnonzero(new_pair)
    p_end = np.append(p_start[1:], n)
    return _Pairs(chrono, by_pair, qp, new_pair, p_start, p_end, qp[p_start], ap[p_start])


@dataclass
class _Own:
    """Each analyst pair's scores under the method, its question and analyst, where its final
    forecast's probabilities start, and (method time) ∫ B_a dt over [t_1, cutoff)."""

    pair_q: np.ndarray
    pair_a: np.ndarray
    final_off: np.ndarray
    brier: np.ndarray
    loss: np.ndarray
    cover: np.ndarray
    brier_integral: np.ndarray | None


def _analyst_scores(inp: ScoringInput, fc: _Counted, pairs: _Pairs, timed: bool) -> _Own:
    """Time: each forecast stands until the analyst's next one, the last until the cutoff;
    scores are duration-weighted means from t_1. Final: the pair's last forecast."""
    by_pair, p_start, p_end, pair_q = pairs.by_pair, pairs.p_start, pairs.p_end, pairs.pair_q
    final_off = fc.off[by_pair[p_end - 1]]
    if not timed:
        final = by_pair[p_end - 1]
        return _Own(pair_q, pairs.pair_a, final_off, fc.brier[final], fc.loss[final],
                    np.full(len(p_start), np.nan), None)
    tp = fc.t[by_pair]
    pair_cut = inp.cutoff[pair_q]
    pair_span = pair_cut - tp[p_start]  # > 0: counted forecasts precede the cutoff
    dur_us = np.empty(len(tp), dtype=np.int64)
    dur_us[:-1] = tp[1:]
    dur_us[p_end - 1] = pair_cut
    dur_us -= tp  # exact integer durations, floats only for the weighted sums
    del tp
    dur = dur_us.astype(np.float64)
    del dur_us
    scratch = np.multiply(fc.brier[by_pair], dur)
    brier_integral = np.add.reduceat(scratch, p_start)  # ∫ B_a dt
    brier = brier_integral / pair_span
    loss = np.add.reduceat(np.multiply(fc.loss[by_pair], dur, out=scratch), p_start)
    loss /= pair_span
    del dur, scratch
    cover = ratio(pair_span, pair_cut - inp.opens_at[pair_q])
    return _Own(pair_q, pairs.pair_a, final_off, brier, loss, cover, brier_integral)


@dataclass
class _Events:
    """The counted forecasts as events of their questions, questions in bucket order.

    Questions with counted forecasts (`scored`, by index) are grouped into buckets of one
    padded shape (values per forecast, events, analysts): `shapes[:, rank]`, ranks in
    `q_order`. Per event place: `q_e` its question, `off`/`brier` its forecast's, `event` its
    number within the question, `column` its analyst's place among the question's, the
    event at which that analyst forecasts next (`next_event`, the padded count if never),
    `interval` the time to the next event (the last to the cutoff). Per rank: `seg_start`,
    `seg_end`. Per question index: `t0`, its first counted forecast. Per pair: `first_event`.
    """

    scored: np.ndarray
    q_order: np.ndarray
    shapes: np.ndarray
    seg_start: np.ndarray
    seg_end: np.ndarray
    q_e: np.ndarray
    off: np.ndarray | None
    brier: np.ndarray | None
    event: np.ndarray | None
    column: np.ndarray | None
    next_event: np.ndarray | None
    interval: np.ndarray
    t0: np.ndarray
    first_event: np.ndarray


def _events(inp: ScoringInput, fc: _Counted, pairs: _Pairs) -> _Events:
    """Lay the counted forecasts out in event order, bucket by bucket."""
    n, n_questions = len(fc.q), len(inp.cutoff)
    n_events = np.bincount(fc.q, minlength=n_questions)
    n_analysts = np.bincount(pairs.pair_q, minlength=n_questions)
    scored = np.flatnonzero(n_events > 0)
    pad_e, pad_a, k_s = pad(n_events[scored]), pad(n_analysts[scored]), inp.width[scored]
    bucket_order = np.lexsort((scored, pad_a, pad_e, k_s))
    q_order = scored[bucket_order]
    q_rank = np.full(n_questions, -1, dtype=np.int64)
    q_rank[q_order] = np.arange(len(q_order))
    pad_e_q = np.zeros(n_questions, dtype=np.int64)
    pad_e_q[scored] = pad_e

    by_event = pairs.chrono[stable_argsort(q_rank[fc.q[pairs.chrono]])]
    pairs.chrono = None  # used up
    seg_len = n_events[q_order]
    seg_start = excl_cumsum(seg_len)
    seg_end = seg_start + seg_len
    te = fc.t[by_event]
    fc.t = None  # used up
    interval = np.empty(n, dtype=np.int64)  # length of the interval each event opens
    interval[:-1] = te[1:]
    interval[seg_end - 1] = inp.cutoff[q_order]
    interval -= te
    t0 = np.zeros(n_questions, dtype=np.int64)  # first counted forecast by anyone
    t0[q_order] = te[seg_start]
    del te

    # Each forecast's column (its analyst within the question) and the event at which that
    # analyst forecasts next (the padded event count if never): it stands on [event, next).
    position = np.empty(n, dtype=np.int64)  # counted forecast -> place in event order
    position[by_event] = np.arange(n)
    at = position[pairs.by_pair]
    del position
    pairs.by_pair = None  # used up
    first_event = at[pairs.p_start]  # event-order place of each pair's first forecast
    column = np.empty(n, dtype=np.int64)
    column[at] = np.cumsum(pairs.new_pair) - 1 - excl_cumsum(n_analysts)[pairs.qp]
    pairs.new_pair = pairs.qp = None  # used up
    event = ranges(seg_len)
    ev_p = event[at]
    nxt = np.empty(n, dtype=np.int64)
    nxt[:-1] = ev_p[1:]
    nxt[pairs.p_end - 1] = pad_e_q[pairs.pair_q]
    del ev_p
    next_event = np.empty(n, dtype=np.int64)
    next_event[at] = nxt
    del nxt, at

    shapes = np.stack([k_s[bucket_order], pad_e[bucket_order], pad_a[bucket_order]])
    return _Events(scored, q_order, shapes, seg_start, seg_end, fc.q[by_event], fc.off[by_event],
                   fc.brier[by_event], event, column, next_event, interval, t0, first_event)


def _team(inp: ScoringInput, ev: _Events, timed: bool) -> TeamPass:
    """Run the team pass over the events; it releases the per-event inputs it alone needs."""
    width_e = inp.width[ev.q_e]
    cell_budget, loop_min_analysts = tuning()
    team = TeamPass(
        timed=timed, probs=inp.probs, outcome=inp.outcome, off=ev.off, brier=ev.brier,
        q_order=ev.q_order, seg_start=ev.seg_start, seg_end=ev.seg_end, event=ev.event,
        next_event=ev.next_event, column=ev.column, interval=ev.interval,
        team_off=excl_cumsum(width_e), team_p=np.full(int(width_e.sum()), np.nan),
        ml_before=np.zeros(len(ev.q_e)), ml_total=np.zeros(len(inp.cutoff)),
        cell_budget=cell_budget, loop_min_analysts=loop_min_analysts,
    )
    del width_e
    ev.off = ev.brier = ev.event = ev.next_event = ev.column = None
    team.run(ev.shapes)
    team.off = team.brier = team.event = team.next_event = team.column = None
    return team


def _relative_brier(inp: ScoringInput, own: _Own, ev: _Events, team: TeamPass) -> np.ndarray:
    """Method time: ∫ d_a / (cutoff − T0), where ∫ d_a = ∫_{t_1}^{cutoff} B_a − ∫_{t_1}^{cutoff} M
    and the second term is the rest of the question's ∫ M after the analyst's first event."""
    m_after = team.ml_total[own.pair_q] - team.ml_before[ev.first_event]
    return (own.brier_integral - m_after) / (inp.cutoff[own.pair_q] - ev.t0[own.pair_q])


def _team_scores(inp: ScoringInput, ev: _Events, team: TeamPass, timed: bool):
    """Per question index: `@team`'s Brier, log loss and coverage, scored like an analyst
    from T0 (time) or on its final state (final)."""
    n_questions, q_order, seg_start = len(inp.cutoff), ev.q_order, ev.seg_start
    t_brier, t_loss, t_cover = (np.zeros(n_questions) for _ in range(3))
    if timed:
        team_span = inp.cutoff[q_order] - ev.t0[q_order]
        tb, tl = scores(inp, team.team_p, ev.q_e, team.team_off)
        lengths = ev.interval.astype(np.float64)
        t_brier[q_order] = np.add.reduceat(tb * lengths, seg_start) / team_span
        t_loss[q_order] = np.add.reduceat(tl * lengths, seg_start) / team_span
        t_cover[q_order] = ratio(team_span, inp.cutoff[q_order] - inp.opens_at[q_order])
    else:
        last = ev.seg_end - 1
        t_brier[q_order], t_loss[q_order] = scores(inp, team.team_p, ev.q_e[last],
                                                   team.team_off[last])
        t_cover[:] = np.nan
    return t_brier, t_loss, t_cover


def _points(inp: ScoringInput, own: _Own, ev: _Events, team: TeamPass):
    """Calibration points: each pair's final counted forecast (team: its final state), one
    per option of a choice question, p_yes for binary. Returns (all_q, pair, p, o)."""
    n_pairs, scored, width_q = len(own.pair_q), ev.scored, inp.width
    all_q = np.concatenate((own.pair_q, scored))
    n_points = width_q[all_q]
    point_pair = np.repeat(np.arange(len(all_q), dtype=np.int64), n_points)
    jj = ranges(n_points)
    point_o = (jj == np.repeat(inp.outcome[all_q], n_points)).astype(np.int8)
    last_q = np.zeros(len(inp.cutoff), dtype=np.int64)
    last_q[ev.q_order] = ev.seg_end - 1
    final_off = np.concatenate((own.final_off, team.team_off[last_q[scored]]))
    n_a_points = int(n_points[:n_pairs].sum())
    point_p = np.empty(len(jj))
    point_p[:n_a_points] = inp.probs[np.repeat(final_off[:n_pairs], n_points[:n_pairs])
                                     + jj[:n_a_points]]
    point_p[n_a_points:] = team.team_p[np.repeat(final_off[n_pairs:], n_points[n_pairs:])
                                       + jj[n_a_points:]]
    return all_q, point_pair, point_p, point_o


def _assemble(inp: ScoringInput, method: str, own: _Own, own_rel: np.ndarray, ev: _Events,
              team: TeamPass) -> PairScores:
    """Analyst pairs, then one `@team` pair per question with a counted forecast."""
    t_brier, t_loss, t_cover = _team_scores(inp, ev, team, method == "time")
    all_q, point_pair, point_p, point_o = _points(inp, own, ev, team)
    scored = ev.scored
    return PairScores(
        method=method,
        question=all_q,
        analyst=np.concatenate((own.pair_a, np.full(len(scored), TEAM_ANALYST, dtype=np.int64))),
        brier=np.concatenate((own.brier, t_brier[scored])),
        log_loss=np.concatenate((own.loss, t_loss[scored])),
        coverage=np.concatenate((own.cover, t_cover[scored])),
        relative_brier=np.concatenate((own_rel, np.full(len(scored), np.nan))),
        point_pair=point_pair,
        point_p=point_p,
        point_o=point_o,
    )


# ---------------------------------------------------------------------------------------------
# scores of probability vectors


def scores(inp: ScoringInput, probs: np.ndarray, q: np.ndarray, off: np.ndarray):
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
        j = ranges(w)
        starts = excl_cumsum(w)
        sq = (probs[np.repeat(off, w) + j] - (j == np.repeat(out, w))) ** 2
        brier = np.where(is_bin, sq[starts], 0.5 * np.add.reduceat(sq, starts))
        p_out = probs[off + np.where(is_bin, 0, out)]
        p_out = np.where(is_bin & (out == 1), 1.0 - p_out, p_out)
    return brier, log_loss(p_out)


def log_loss(p_outcome: np.ndarray) -> np.ndarray:
    """−ln of the outcome's probability, clamped to [0.001, 0.999]."""
    return -np.log(np.clip(p_outcome, *LOG_LOSS_CLAMP))


def _empty_pairs(method: str) -> PairScores:
    ints, floats = np.zeros(0, dtype=np.int64), np.zeros(0)
    return PairScores(method, ints, ints, floats, floats, floats, floats, ints, floats,
                      np.zeros(0, dtype=np.int8))
