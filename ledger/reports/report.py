"""The periodic report (SPEC 8) as one typed, frozen value: computed once from one snapshot and
one scoring pass (`ledger.reports.build.build_report`), then rendered by a renderer from
`ledger.reports.render.RENDERERS`. JSON is this object itself (`Report.to_json`).

Instants are integer microseconds UTC; probabilities are tuples in the question's option order
(`("yes", "no")` for a yes/no question), shown by the renderers with their ICD 203 term.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ledger.core.model import Head, Scenario
from ledger.core.period import Period
from ledger.core.scoring.types import Murphy
from ledger.core.timeutil import MICROS, format_instant
from ledger.reports.data import Timeline

#: The team's probability of what happened below which a resolution is a surprise (SPEC 8).
SURPRISE_BELOW = 0.30
#: The most team moves listed, and the most timelines drawn per scenario (SPEC 8).
MOST_MOVES, MOST_TIMELINES = 10, 12
#: Rows a list section (new questions, evidence, resolutions, surprises, closing, overdue,
#: amendments, and what is not counted) shows; `Report.totals` says how many there were. A
#: report is read, not searched: `ledger question list`, `review` and `export` have the rest.
LISTED = 100
#: Bins of the discrimination histogram (5% each); the figure draws them in pairs (10%).
DISCRIMINATION_BINS = 20


@dataclass(frozen=True)
class QuestionRef:
    """A question as the report names it.

    Attributes:
        id: database id.
        slug: unique short name.
        title: the title in force.
        scenario: the scenario's slug, or None.
        options: option names; ("yes", "no") for a yes/no question.
        binary: True for a yes/no question.
    """

    id: int
    slug: str
    title: str
    scenario: str | None
    options: tuple[str, ...]
    binary: bool


@dataclass(frozen=True)
class Counts:
    """How much there is at the as-of and how much happened in the period.

    Attributes:
        questions: questions recorded by the as-of.
        statuses: how many of them are in each status at the as-of (SPEC 1 order).
        forecasts: persons' forecasts made in the period (withdrawn ones not counted).
        forecasters: persons who forecast in the period.
        withdrawn: forecasts made in the period and withdrawn.
        evidence: evidence logged in the period.
        resolutions: resolutions (annulments included) that became known in the period.
    """

    questions: int
    statuses: dict[str, int]
    forecasts: int
    forecasters: int
    withdrawn: int
    evidence: int
    resolutions: int


@dataclass(frozen=True)
class EvidenceItem:
    """An evidence item.

    Attributes:
        id: database id.
        summary: what was observed.
        source: url or citation as given (renderers link it only when http/https).
        observed_on: ISO date, or None.
        logged_at: when recorded.
        analyst: who logged it.
        links: (question slug, stance) pairs.
    """

    id: int
    summary: str
    source: str | None
    observed_on: str | None
    logged_at: int
    analyst: str
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reasoning:
    """A person's forecast behind a team move, with its rationale and cited evidence.

    Attributes:
        forecast_id: the forecast's id.
        analyst: its author.
        made_at: when it was made.
        probs: its probabilities.
        rationale: the analyst's reasoning, or None.
        evidence: the evidence it cites.
    """

    forecast_id: int
    analyst: str
    made_at: int
    probs: tuple[float, ...]
    rationale: str | None
    evidence: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class Move:
    """How far the `@team` forecast of a question moved in the period.

    Attributes:
        question: the question.
        option: the option whose probability moved most (`yes` for a yes/no question).
        before: the team's probability of it at the start of the period (or its first in it).
        after: at the end of the period.
        change: after − before.
        reasons: persons' forecasts on the question in the period, in time order.
    """

    question: QuestionRef
    option: str
    before: float
    after: float
    change: float
    reasons: tuple[Reasoning, ...]


@dataclass(frozen=True)
class NewQuestion:
    """A question that opened in the period.

    Attributes:
        question: the question.
        opens_at, closes_at: its dates in force.
        team: the team forecast at the as-of, or None before any person forecast.
        forecasters: persons with a forecast on it.
    """

    question: QuestionRef
    opens_at: int
    closes_at: int
    team: tuple[float, ...] | None
    forecasters: int


@dataclass(frozen=True)
class PairScore:
    """A forecaster's time-averaged Brier score on one question.

    Attributes:
        analyst: the handle, or `@team`.
        kind: `person`, `source` or `team`.
        brier: the score (lower is better).
    """

    analyst: str
    kind: str
    brier: float


@dataclass(frozen=True)
class Resolved:
    """A question resolved in the period, with everyone's score on it.

    Attributes:
        question: the question.
        outcome: the outcome in force.
        known_at: when it became known.
        team_final: the team's last counted probability of the outcome, or None.
        scores: persons by handle, then sources, then `@team`.
        note: the resolution's note, or None.
    """

    question: QuestionRef
    outcome: str
    known_at: int
    team_final: float | None
    scores: tuple[PairScore, ...]
    note: str | None = None


@dataclass(frozen=True)
class Due:
    """An unresolved question by its dates.

    Attributes:
        question: the question.
        status: its status at the as-of.
        closes_at, resolves_by: its dates in force.
        team: the team forecast at the as-of, or None.
    """

    question: QuestionRef
    status: str
    closes_at: int
    resolves_by: int
    team: tuple[float, ...] | None


@dataclass(frozen=True)
class Change:
    """One value an amendment changed; dates as ISO instants.

    Attributes:
        field: `title`, `opens`, `closes`, `resolves by` or `clarified`.
        old: the value before, or None (a clarification adds text).
        new: the value after.
    """

    field: str
    old: str | None
    new: str


@dataclass(frozen=True)
class AmendmentItem:
    """An amendment made in the period.

    Attributes:
        question: the question.
        amended_at: when.
        by: the editor.
        reason: why.
        changes: what it changed.
    """

    question: QuestionRef
    amended_at: int
    by: str
    reason: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class LeaderRow:
    """A forecaster's scores over every question resolved by the as-of (method time).

    Attributes:
        analyst: the handle, or `@team`.
        kind: `person`, `source` or `team`.
        questions: n, the scored questions.
        brier: mean time-averaged Brier.
        relative_brier: mean relative Brier (None for `@team` and sources).
        coverage: mean coverage.
    """

    analyst: str
    kind: str
    questions: int
    brier: float
    relative_brier: float | None
    coverage: float | None


@dataclass(frozen=True)
class CalibrationBin:
    """A calibration bin [lo, hi) with "happened of n".

    Attributes:
        lo, hi: the edges.
        n: forecasts in the bin.
        happened: how many of them happened.
        mean_p, freq, ci_low, ci_high: as in `score --json` (None when empty).
    """

    lo: float
    hi: float
    n: int
    happened: int
    mean_p: float | None
    freq: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class CalibrationSummary:
    """All persons' calibration over every question resolved by the as-of.

    Attributes:
        bins: the ten bins.
        points: calibration points (one per yes/no pair, one per option of a choice pair).
        questions: resolved questions behind them.
        ece: expected calibration error, or None.
        murphy: the Murphy decomposition, or None.
    """

    bins: tuple[CalibrationBin, ...]
    points: int
    questions: int
    ece: float | None
    murphy: Murphy | None


@dataclass(frozen=True)
class DiscriminationBin:
    """How many final p_yes fell in [lo, hi) (the last bin includes 1), by what happened.

    Attributes:
        lo, hi: the edges.
        yes: pairs on questions that resolved yes.
        no: pairs on questions that resolved no.
    """

    lo: float
    hi: float
    yes: int
    no: int


@dataclass(frozen=True)
class Discrimination:
    """Final yes probabilities of persons' yes/no pairs, split by what happened: their two
    distributions as a histogram (a million pairs are twenty bins), their means, and the rate.

    Attributes:
        yes_n, yes_mean: pairs on questions that resolved yes, and their mean p_yes.
        no_n, no_mean: the same for no.
        right_side_of_maybe: share on the side of 50% that happened (50% counts half).
        histogram: `DISCRIMINATION_BINS` bins of 5%.
    """

    yes_n: int
    yes_mean: float | None
    no_n: int
    no_mean: float | None
    right_side_of_maybe: float | None
    histogram: tuple[DiscriminationBin, ...]

    @classmethod
    def of(cls, p_yes: Any, happened: Any) -> "Discrimination":
        """The section from the final p_yes of persons' yes/no pairs and whether each question
        resolved yes (arrays, or sequences): counts per bin, the means and the rate.

        A bin [k/20, (k+1)/20) holds p_yes ≥ its lower edge and < its upper one (1 in the last),
        compared with the edges as floats, as numpy's histogram bins them; so the figure's ten
        bins are pairs of these twenty."""
        import numpy as np

        p_yes, happened = np.asarray(p_yes, dtype=float), np.asarray(happened, dtype=bool)
        edges = np.array([k / DISCRIMINATION_BINS for k in range(DISCRIMINATION_BINS + 1)])
        k = np.minimum(np.searchsorted(edges, p_yes, side="right") - 1, DISCRIMINATION_BINS - 1)
        yes_bins = np.bincount(k[happened], minlength=DISCRIMINATION_BINS).tolist()
        no_bins = np.bincount(k[~happened], minlength=DISCRIMINATION_BINS).tolist()
        yes, no = p_yes[happened].tolist(), p_yes[~happened].tolist()
        n = len(p_yes)
        # Σ of 1s and halves is exact in floating point: the same rate as `data.right_side_of_maybe`
        right = int(np.count_nonzero((p_yes != 0.5) & ((p_yes > 0.5) == happened)))
        half = int(np.count_nonzero(p_yes == 0.5))
        return cls(
            len(yes), sum(yes) / len(yes) if yes else None, len(no), sum(no) / len(no) if no else None,
            (right + 0.5 * half) / n if n else None,
            tuple(DiscriminationBin(float(edges[j]), float(edges[j + 1]), yes_bins[j], no_bins[j])
                  for j in range(DISCRIMINATION_BINS)))

    @property
    def n(self) -> int:
        """How many pairs there are."""
        return self.yes_n + self.no_n


@dataclass(frozen=True)
class SourcePrior:
    """One prediction of a source beside the team.

    Attributes:
        question: the question.
        made_at: when the source's forecast stands from.
        probs: the source's probabilities.
        rationale: its quote, or None.
        team: the team at the as-of (at the cutoff once resolved), or None.
        status: the question's status at the as-of.
        outcome: the outcome where resolved by the as-of, else None.
        source_brier, team_brier: their scores on the question, where scored.
    """

    question: QuestionRef
    made_at: int
    probs: tuple[float, ...]
    rationale: str | None
    team: tuple[float, ...] | None
    status: str
    outcome: str | None
    source_brier: float | None
    team_brier: float | None


@dataclass(frozen=True)
class SourceSummary:
    """A source of a scenario and how it fared beside the team.

    Attributes:
        handle: the source's handle.
        priors: every prediction it made on the scenario's questions.
        questions: resolved questions both it and the team are scored on.
        brier, team_brier: their mean Brier on those same questions, or None.
    """

    handle: str
    priors: tuple[SourcePrior, ...]
    questions: int
    brier: float | None
    team_brier: float | None


@dataclass(frozen=True)
class OpenRow:
    """An open question of a scenario, in the table under its timelines.

    Attributes:
        question: the question.
        team: the team at the as-of, or None.
        forecasters: persons with a forecast on it.
        closes_at: its close in force.
        moved: how far the team moved in the period (largest option change).
    """

    question: QuestionRef
    team: tuple[float, ...] | None
    forecasters: int
    closes_at: int
    moved: float


@dataclass(frozen=True)
class ScenarioSection:
    """A scenario: its sources beside the team, its most-moved open questions, the rest.

    Attributes:
        scenario: the scenario (slug, title, summary, and the article it came from).
        sources: its sources (by handle).
        timelines: its most-moved open questions (at most 12).
        rest: its other open questions.
    """

    scenario: Scenario
    sources: tuple[SourceSummary, ...]
    timelines: tuple[Timeline, ...]
    rest: tuple[OpenRow, ...]


@dataclass(frozen=True)
class NotCounted:
    """What the scores leave out.

    Attributes:
        unresolved: questions past their close without a resolution (closed or overdue), by
            resolve-by date; the first `LISTED`.
        annulled: questions annulled by the as-of, by slug; the first `LISTED`.
        withdrawn: forecasts withdrawn (made by the as-of).
    """

    unresolved: tuple[Due, ...]
    annulled: tuple[QuestionRef, ...]
    withdrawn: int


@dataclass(frozen=True)
class Report:
    """The periodic report (SPEC 8).

    Attributes:
        head: the journal head of the snapshot it was made from.
        as_of: the instant it is made as of.
        period: the period it covers.
        closing_by: the end of the next period ("closing next period" runs to it).
        scenario: the `--scenario` it is limited to, or None.
        counts, new_questions, moves, new_evidence, resolutions, surprises, closing, overdue,
        amendments, leaderboard, calibration, discrimination, scenarios, not_counted: its sections.
        totals: for each list section, how many it had before being cut to `LISTED`; the lists
            of `not_counted` as `not_counted.unresolved` and `not_counted.annulled`.
        demo: True when the ledger is a demo built on a simulated clock (said at the top).
    """

    head: Head
    as_of: int
    period: Period
    closing_by: int
    scenario: str | None
    counts: Counts
    new_questions: tuple[NewQuestion, ...]
    moves: tuple[Move, ...]
    new_evidence: tuple[EvidenceItem, ...]
    resolutions: tuple[Resolved, ...]
    surprises: tuple[Resolved, ...]
    closing: tuple[Due, ...]
    overdue: tuple[Due, ...]
    amendments: tuple[AmendmentItem, ...]
    leaderboard: tuple[LeaderRow, ...]
    calibration: CalibrationSummary
    discrimination: Discrimination
    scenarios: tuple[ScenarioSection, ...]
    not_counted: NotCounted
    totals: dict[str, int] = field(default_factory=dict)
    demo: bool = False

    def more(self, section: str) -> int:
        """How many rows of a list section (`not_counted.annulled`: of a list in a section) are not shown."""
        rows: Any = self
        for name in section.split("."):
            rows = getattr(rows, name)
        return self.totals.get(section, 0) - len(rows)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON values: instants as UTC `Z` strings (the as-of in whole seconds, as
        `score --json` gives it), tuples as lists."""
        out = _json(self, "")
        out["as_of"] = format_instant(self.as_of - self.as_of % MICROS)
        return out


#: The scenario's own fields a scenario section shows (and names in JSON, where they come first).
SCENARIO_FIELDS = ("slug", "title", "summary", "source_title", "source_publisher", "source_url", "source_published")
_INSTANTS = {"as_of", "at", "until", "closing_by", "resolves_by"}


def _json(value: Any, name: str) -> Any:
    """`value` (the field `name`) as plain JSON values."""
    if isinstance(value, Period):
        return value.to_json()
    if isinstance(value, Head):
        return {"seq": value.seq, "hash": value.hash}
    if isinstance(value, ScenarioSection):  # the scenario's fields as the section's own
        return {**{name: getattr(value.scenario, name) for name in SCENARIO_FIELDS},
                **{f.name: _json(getattr(value, f.name), f.name) for f in dataclasses.fields(value)[1:]}}
    if dataclasses.is_dataclass(value):
        return {f.name: _json(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_json(v, "") for v in value]
    if isinstance(value, dict):
        return {k: _json(v, "") for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and (name in _INSTANTS or name.endswith("_at")):
        return format_instant(value)
    return value
