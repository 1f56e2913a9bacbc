"""What the figures are drawn from: plain, immutable values a report computes from one snapshot and
one scoring pass (SPEC 8). No database, no numpy, no matplotlib here, so a report object can be
built, compared and turned into JSON without the plotting stack.

Instants are integer microseconds UTC (`ledger.core.timeutil`). Calibration bins are the scoring
engine's `Bin` (`lo, hi, n, mean_p, freq, ci_low, ci_high`) or anything with those attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

#: Forecaster kinds as drawn: a person, the `@team` median, a source (an article's own prediction).
PERSON, TEAM, SOURCE = "person", "team", "source"
KINDS = (PERSON, TEAM, SOURCE)
#: A SPEC 1 evidence stance, as a tick on a timeline.
STANCES = ("+", "-", "~")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class FinalForecast:
    """One (analyst, binary question) pair's final counted forecast and the outcome.

    Attributes:
        p_yes: the final counted probability of yes.
        happened: True when the question resolved yes.
    """

    p_yes: float
    happened: bool


def right_side_of_maybe(pairs: Sequence[FinalForecast]) -> float | None:
    """The share of pairs whose final p_yes was on the side of 50% that happened; exactly 50%
    counts one half (SPEC 8). None without pairs."""
    if not pairs:
        return None
    credit = sum(0.5 if f.p_yes == 0.5 else float((f.p_yes > 0.5) == f.happened) for f in pairs)
    return credit / len(pairs)


@dataclass(frozen=True)
class ForecastStep:
    """A forecast standing from `at` until the next one on the same line.

    Attributes:
        at: when it was made.
        probs: (p_yes,) on a yes/no question; one probability per option on a choice question.
    """

    at: int
    probs: tuple[float, ...]


@dataclass(frozen=True)
class ForecastLine:
    """One forecaster's forecasts on a question, in time order.

    Attributes:
        label: the handle (`@team` for the team).
        kind: `person`, `team` (drawn bold) or `source` (its prior, drawn dashed).
        steps: counted forecasts in time order (withdrawn ones left out).
    """

    label: str
    kind: str
    steps: tuple[ForecastStep, ...]

    def __post_init__(self) -> None:
        _check_kind(self.kind)


@dataclass(frozen=True)
class EvidenceTick:
    """Evidence linked to the question, placed at when it was observed.

    Attributes:
        at: observed_on, as an instant (00:00Z that day).
        stance: `+` raises yes (or the option), `-` lowers it, `~` context.
        evidence_id: the evidence item's id.
    """

    at: int
    stance: str
    evidence_id: int

    def __post_init__(self) -> None:
        if self.stance not in STANCES:
            raise ValueError(f"stance {self.stance!r} is not one of {STANCES}")


@dataclass(frozen=True)
class AmendmentTick:
    """A question amendment, at when it was made.

    Attributes:
        at: when it was recorded.
        reason: the editor's reason.
    """

    at: int
    reason: str


@dataclass(frozen=True)
class Timeline:
    """Everything a question's timeline shows.

    Attributes:
        slug: the question's slug.
        title: the question's title.
        options: the option names of a choice question (one panel each); empty for yes/no.
        opens_at: when it opened (in force).
        closes_at: when it closes (in force).
        until: the right edge: the cutoff of a resolved question, else the as-of.
        lines: one per forecaster, `@team` included when known.
        evidence: linked evidence, any order.
        amendments: amendments, any order.
        known_at: when the outcome became known (the resolution in force), or None.
        outcome: `yes`, `no`, an option name or `annulled`, or None while unresolved.
    """

    slug: str
    title: str
    options: tuple[str, ...]
    opens_at: int
    closes_at: int
    until: int
    lines: tuple[ForecastLine, ...]
    evidence: tuple[EvidenceTick, ...] = ()
    amendments: tuple[AmendmentTick, ...] = ()
    known_at: int | None = None
    outcome: str | None = None

    @property
    def panels(self) -> tuple[str, ...]:
        """What each panel plots the probability of: `yes`, or each option."""
        return self.options or ("yes",)


@dataclass(frozen=True)
class ResolvedScore:
    """A forecaster's Brier score on one resolved question.

    Attributes:
        known_at: when the outcome became known.
        brier: the pair's (time-averaged) Brier score.
    """

    known_at: int
    brier: float


@dataclass(frozen=True)
class ScoreHistory:
    """A forecaster's scores in order of resolution.

    Attributes:
        label: the handle (`@team` for the team).
        kind: `person`, `team` or `source`.
        scores: one per resolved question the forecaster has a pair on.
    """

    label: str
    kind: str
    scores: tuple[ResolvedScore, ...]

    def __post_init__(self) -> None:
        _check_kind(self.kind)

    def rolling(self, window: int) -> list[tuple[int, float]]:
        """(known_at, mean Brier of the last `window` resolutions up to it), in time order; fewer
        than `window` at the start average what there is. Ties on known_at keep the given order."""
        if window < 1:
            raise ValueError("window must be at least 1")
        ordered = sorted(self.scores, key=lambda s: s.known_at)
        out = []
        for i, score in enumerate(ordered):
            recent = ordered[max(0, i + 1 - window): i + 1]
            out.append((score.known_at, sum(s.brier for s in recent) / len(recent)))
        return out
