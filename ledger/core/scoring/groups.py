"""Groups of pairs (`ledger score --by …`) and their summaries: means over the pairs and the
calibration of their final forecasts.

A grouping is a list of edges (pair, group): a pair joins one group per key (a question with
several tags is in each of them), and every group is summarised at once from its edges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ledger.core.scoring.arrays import excl_cumsum, ranges
from ledger.core.scoring.calibration import CalibrationTable, calibration_table
from ledger.core.scoring.types import TEAM, TEAM_ANALYST, GroupScore, PairScores

_BY_QUESTION = ("question", "scenario", "tag")


def aggregate(
    pairs: PairScores,
    by: str = "analyst",
    *,
    analyst_keys: Mapping[int, str] | Sequence[str] | None = None,
    question_keys: Mapping[int, Any] | Sequence[Any] | None = None,
) -> list[GroupScore]:
    """Group the pairs (`ledger score --by`) and summarise each group: `aggregate_table`'s
    groups as value objects."""
    return aggregate_table(pairs, by, analyst_keys=analyst_keys, question_keys=question_keys).scores()


def aggregate_table(
    pairs: PairScores,
    by: str = "analyst",
    *,
    analyst_keys: Mapping[int, str] | Sequence[str] | None = None,
    question_keys: Mapping[int, Any] | Sequence[Any] | None = None,
) -> GroupTable:
    """Group the pairs (`ledger score --by`) and summarise each group, as columns.

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
        keys, edge_pair, edge_group = _by_analyst(pairs, analyst_pairs, analyst_keys)
    elif by == "all":
        keys = ["all"]
        edge_pair = analyst_pairs
        edge_group = np.zeros(len(analyst_pairs), dtype=np.int64)
    elif by in _BY_QUESTION:
        if question_keys is None:
            raise ValueError(f"by={by!r} needs question_keys")
        keys, edge_pair, edge_group = _by_question(pairs, analyst_pairs, question_keys)
    else:
        raise ValueError(f"unknown grouping {by!r}")
    return _summarise(pairs, edge_pair, np.asarray(edge_group, dtype=np.int64), keys)


def _by_analyst(pairs: PairScores, analyst_pairs: np.ndarray, analyst_keys: Any):
    """One group per analyst with pairs, then `@team`; every pair is one edge."""
    ids = np.unique(pairs.analyst[analyst_pairs])
    keys = [analyst_keys[i] for i in ids.tolist()] + [TEAM]
    edge_pair = np.arange(len(pairs.analyst))
    edge_group = np.where(pairs.analyst == TEAM_ANALYST, len(ids),
                          np.searchsorted(ids, pairs.analyst))
    return keys, edge_pair, edge_group


def _by_question(pairs: PairScores, analyst_pairs: np.ndarray, question_keys: Any):
    """One group per key of the questions; each analyst pair joins every group of its question."""
    ids = np.unique(pairs.question[analyst_pairs])
    code: dict[str, int] = {}
    eq, eg = [], []
    for qi in ids.tolist():
        for key in _key_list(question_keys[qi]):
            eq.append(qi)
            eg.append(code.setdefault(key, len(code)))
    eq_a, eg_a = np.asarray(eq, dtype=np.int64), np.asarray(eg, dtype=np.int64)
    # (question, group) edges are sorted by question: a question's groups are a slice.
    per_q = np.bincount(eq_a, minlength=int(pairs.question.max(initial=-1)) + 1)
    start_q = excl_cumsum(per_q)
    pq = pairs.question[analyst_pairs]
    reps = per_q[pq]
    edge_pair = np.repeat(analyst_pairs, reps)
    edge_group = eg_a[np.repeat(start_q[pq], reps) + ranges(reps)]
    return list(code), edge_pair, edge_group


def _key_list(keys: Any) -> list[str]:
    if keys is None:
        return []
    if isinstance(keys, str):
        return [keys]
    return list(keys)


def _group_mean(values: np.ndarray, g: np.ndarray, n_groups: int) -> list[float | None]:
    """Mean of the defined (non-NaN) values per group; None where there are none."""
    ok = ~np.isnan(values)
    s = np.bincount(g[ok], weights=values[ok], minlength=n_groups)
    c = np.bincount(g[ok], minlength=n_groups)
    return [float(x) / int(y) if y else None for x, y in zip(s.tolist(), c.tolist())]


@dataclass(frozen=True)
class GroupTable:
    """Groups' numbers as columns, one row per group, in output order (see `GroupScore`).

    Attributes:
        key, questions, brier, log_loss, relative_brier, coverage: per group, as in `GroupScore`.
        calibration: the groups' calibrations, row for row.
    """

    key: list[str]
    questions: list[int]
    brier: list[float]
    log_loss: list[float]
    relative_brier: list[float | None]
    coverage: list[float | None]
    calibration: CalibrationTable

    def take(self, rows: Sequence[int]) -> GroupTable:
        """These rows, in this order."""
        return GroupTable([self.key[i] for i in rows], [self.questions[i] for i in rows],
                          [self.brier[i] for i in rows], [self.log_loss[i] for i in rows],
                          [self.relative_brier[i] for i in rows], [self.coverage[i] for i in rows],
                          self.calibration.take(np.asarray(rows, dtype=np.int64)))

    def scores(self) -> list[GroupScore]:
        """The groups as value objects."""
        return [GroupScore(*row) for row in zip(self.key, self.questions, self.brier, self.log_loss,
                                                self.relative_brier, self.coverage,
                                                self.calibration.calibrations())]


def _summarise(pairs: PairScores, edge_pair: np.ndarray, edge_group: np.ndarray,
               keys: list[str]) -> GroupTable:
    """The summary of every group with at least one edge, in SPEC 6 order."""
    n_groups = len(keys)
    if n_groups == 0:
        return GroupTable([], [], [], [], [], [], calibration_table(np.zeros(0), np.zeros(0), np.zeros(0, np.int64), 0))
    counts = np.bincount(edge_group, minlength=n_groups).tolist()
    brier = _group_mean(pairs.brier[edge_pair], edge_group, n_groups)
    loss = _group_mean(pairs.log_loss[edge_pair], edge_group, n_groups)
    rel = _group_mean(pairs.relative_brier[edge_pair], edge_group, n_groups)
    cover = _group_mean(pairs.coverage[edge_pair], edge_group, n_groups)
    cals = _group_calibrations(pairs, edge_pair, edge_group, n_groups)

    final = pairs.method == "final"
    order = sorted((gi for gi in range(n_groups) if counts[gi]),
                   key=lambda gi: (keys[gi] == TEAM, keys[gi]))
    return GroupTable(
        key=[keys[gi] for gi in order], questions=[counts[gi] for gi in order],
        brier=[brier[gi] for gi in order], log_loss=[loss[gi] for gi in order],
        relative_brier=[None if final or keys[gi] == TEAM else rel[gi] for gi in order],
        coverage=[None if final else cover[gi] for gi in order],
        calibration=cals.take(np.asarray(order, dtype=np.int64)),
    )


def _group_calibrations(pairs: PairScores, edge_pair: np.ndarray, edge_group: np.ndarray,
                        n_groups: int):
    """Calibration of each group from the points of its edges' pairs."""
    n_pairs = len(pairs.question)
    pt_count = np.bincount(pairs.point_pair, minlength=n_pairs)
    pt_start = excl_cumsum(pt_count)
    reps = pt_count[edge_pair]
    pts = np.repeat(pt_start[edge_pair], reps) + ranges(reps)
    return calibration_table(pairs.point_p[pts], pairs.point_o[pts].astype(np.float64),
                             np.repeat(edge_group, reps), n_groups)
