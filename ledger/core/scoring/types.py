"""The scoring engine's value types: what goes in (`ScoringInput`), the per-pair scores that
come out (`PairScores`), a group's summary (`GroupScore` with its `Calibration`), and the
`@team` step series of one question (`TeamSeries`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

TEAM = "@team"
"""Group key of the team forecast; it sorts after every other key."""

TEAM_ANALYST = -1
"""Analyst index that marks the `@team` pairs in `PairScores`."""

METHODS = ("time", "final")


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



@dataclass(frozen=True)
class TeamSeries:
    """The `@team` forecast of one question as a step function of time.

    Attributes:
        times: int64[E], increasing: each instant at which some counted forecast was made.
        probs: float64[E, K], the team's probability of each option from times[i] until
            times[i + 1] (the last until `until`); binary questions give (p_yes, p_no).
        until: the instant the series ends (forecasts made at or after it do not count).
    """

    times: np.ndarray
    probs: np.ndarray
    until: int


@dataclass(frozen=True)
class TeamSteps:
    """The `@team` step series of many questions, back to back (`team_steps`).

    Attributes:
        start: int64[Q + 1]: question i's steps are rows start[i]:start[i + 1] (none before
            its first counted forecast by a person).
        times: int64[S], increasing within each question: the instants with a counted forecast.
        probs: float64[S, W], the team's probability of each option from times[s] until the
            question's next step; binary questions give (p_yes, p_no). W is the largest number
            of options; a question with fewer has NaN beyond its own.
        n_options: int64[Q], options per question (2 for binary).
        until: int64[Q], where each series ends.
    """

    start: np.ndarray
    times: np.ndarray
    probs: np.ndarray
    n_options: np.ndarray
    until: np.ndarray

    def series(self, i: int) -> TeamSeries:
        """Question i's series, as `team_series` gives it."""
        s0, s1 = int(self.start[i]), int(self.start[i + 1])
        return TeamSeries(self.times[s0:s1], self.probs[s0:s1, :int(self.n_options[i])], int(self.until[i]))
