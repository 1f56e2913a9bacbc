"""Immutable value types that cross layers. ORM/Core rows stay inside `ledger.store`.

Instants are integer microseconds since the epoch, UTC (see `ledger.core.timeutil`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("analyst", "editor")
STANCES = ("+", "-", "~")
STATUSES = ("upcoming", "open", "closed", "overdue", "resolved", "annulled")
ANNULLED = "annulled"


@dataclass(frozen=True)
class Analyst:
    """A person who logs forecasts.

    Attributes:
        id: database id.
        handle: exactly as given (1-200 characters, no control characters).
        name: display name, or None.
        role: `analyst` or `editor`, the one in force.
        active: False once deactivated.
        created_at: when first registered.
        kind: `person`, or `source` for an article's forecaster (scored, never writes).
    """

    id: int
    handle: str
    name: str | None
    role: str
    active: bool
    created_at: int
    kind: str = "person"


@dataclass(frozen=True)
class Scenario:
    """A narrative whose predicted trends become questions.

    Attributes:
        id: database id.
        slug: unique short name.
        title: the scenario's title.
        summary: free text, or None.
        source_title, source_publisher, source_url, source_published: the article it came from.
        created_at: when recorded.
        questions: how many questions belong to it (0 where not counted).
    """

    id: int
    slug: str
    title: str
    summary: str | None
    source_title: str | None
    source_publisher: str | None
    source_url: str | None
    source_published: str | None
    created_at: int
    questions: int = 0


@dataclass(frozen=True)
class Amendment:
    """A journaled change to a question's dates or a clarification of its criteria.

    Attributes:
        id: database id.
        amended_at: when recorded.
        by: handle of the editor.
        reason: why.
        clarification: text added to the criteria, or None.
        closes_at, resolves_by: the new dates, or None when unchanged.
        title: the new title, or None when unchanged.
        opens_at: the new opening (only while the question was upcoming), or None.
    """

    id: int
    amended_at: int
    by: str
    reason: str
    clarification: str | None
    closes_at: int | None
    resolves_by: int | None
    title: str | None = None
    opens_at: int | None = None


@dataclass(frozen=True)
class Resolution:
    """An outcome recorded by an editor; a correction supersedes the previous one.

    Attributes:
        id: database id.
        outcome: `yes`, `no`, an option name, or `annulled`.
        known_at: when the outcome became known.
        recorded_at: when it was recorded.
        by: handle of the editor who recorded it.
        note: free text, or None.
        correction: the reason, when this entry corrects an earlier one.
        evidence: ids of the evidence it cites.
    """

    id: int
    outcome: str
    known_at: int
    recorded_at: int
    by: str
    note: str | None
    correction: str | None
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True)
class Question:
    """A tracked forecast target, with the dates in force after any amendments.

    Attributes:
        id: database id.
        slug: unique short name.
        title: the question.
        kind: `binary` or `choice`.
        options: option names for a choice question; `("yes", "no")` for binary.
        criteria: resolution criteria as first written.
        opens_at, closes_at, resolves_by: dates in force.
        tags: sorted tags.
        scenario: the scenario's slug, or None.
        created_at: when recorded.
        amendments: in recording order.
        resolution: the resolution in force (the latest recorded), or None.
        recorded: (title, opens_at, closes_at, resolves_by) as first recorded, before amendments.
    """

    id: int
    slug: str
    title: str
    kind: str
    options: tuple[str, ...]
    criteria: str
    opens_at: int
    closes_at: int
    resolves_by: int
    tags: tuple[str, ...]
    scenario: str | None
    created_at: int
    amendments: tuple[Amendment, ...] = ()
    resolution: Resolution | None = None
    recorded: tuple[str, int, int, int] | None = None

    def status(self, now: int) -> str:
        """Derived status (SPEC 1), the first that applies: resolved, annulled, upcoming, open,
        overdue, closed."""
        if self.resolution is not None:
            return "annulled" if self.resolution.outcome == ANNULLED else "resolved"
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        if now >= self.resolves_by:
            return "overdue"
        return "closed"

    @property
    def clarifications(self) -> tuple[str, ...]:
        """Clarifications added to the criteria by amendments, oldest first."""
        return tuple(a.clarification for a in self.amendments if a.clarification)


@dataclass(frozen=True)
class Forecast:
    """One analyst's probabilities for a question at a moment. Never edited, never deleted.

    Attributes:
        id: database id (recording order).
        question_id: the question.
        analyst: the author's handle.
        made_at: when it was made.
        probabilities: one per option, in the question's option order (binary: (p_yes, p_no)).
        rationale: the analyst's reasoning, or None.
        evidence: ids of cited evidence.
        imported: True when it came from `ledger import`.
        withdrawn: the withdrawal reason, or None.
    """

    id: int
    question_id: int
    analyst: str
    made_at: int
    probabilities: tuple[float, ...]
    rationale: str | None
    evidence: tuple[int, ...] = ()
    imported: bool = False
    withdrawn: str | None = None


@dataclass(frozen=True)
class EvidenceLink:
    """Evidence linked to a question with a stance.

    Attributes:
        question_id: the question.
        question_slug: its slug.
        stance: `+` raises yes / the option, `-` lowers it, `~` context.
    """

    question_id: int
    question_slug: str
    stance: str


@dataclass(frozen=True)
class Evidence:
    """Something observed.

    Attributes:
        id: database id.
        summary: what was observed.
        source: url or citation, or None.
        observed_on: ISO date, or None.
        logged_at: when recorded.
        analyst: handle of who logged it.
        links: questions it bears on.
    """

    id: int
    summary: str
    source: str | None
    observed_on: str | None
    logged_at: int
    analyst: str
    links: tuple[EvidenceLink, ...] = field(default=())


@dataclass(frozen=True)
class Head:
    """The journal head: sequence number and full SHA-256 hex of the last entry.

    Attributes:
        seq: sequence number (0 for an empty journal).
        hash: 64 hex characters (64 zeros for an empty journal).
    """

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def match_outcome(kind: str, options: tuple[str, ...], given: str) -> str | None:
    """The outcome a text names: `yes`/`no` (binary), an option (exact, else a unique
    case-insensitive match), or `annulled`; None when it names none of them."""
    text = given.strip()
    if text.lower() == ANNULLED:
        return ANNULLED
    if kind == "binary":
        return text.lower() if text.lower() in ("yes", "no") else None
    if text in options:
        return text
    folded = [o for o in options if o.lower() == text.lower()]
    return folded[0] if len(folded) == 1 else None
