"""What an import file says, validated and ready to write: the `ImportPlan`.

Parsers in `ledger.io` read files into a plan (checking everything a file can get wrong by
itself, with line numbers); `ledger.store.bulk` checks the plan against the ledger and writes it
in one transaction. Forecasts are kept column-wise so that a million rows stay a handful of
lists rather than a million objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ledger.core import rules
from ledger.core.errors import BadInput
from ledger.core.probability import normalise_choice

#: How many problems an import error message lists before summarising the rest.
MAX_LISTED_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file.

    Attributes:
        line: 1-based line number in the file (the header is line 1 of a CSV).
        message: what is wrong, naming the value.
    """

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportRefused(BadInput):
    """An import file has problems; nothing was written. Lists every problem by line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        shown = "\n".join(f"  {p}" for p in self.problems[:MAX_LISTED_PROBLEMS])
        more = len(self.problems) - MAX_LISTED_PROBLEMS
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{source}: {len(self.problems)} problem(s), nothing imported:\n{shown}{tail}")


@dataclass
class PlanAnalyst:
    """An analyst declared by the file, or named by a row and not declared.

    `must_be_source` marks a scenario's forecaster (SPEC 9): a handle the ledger already holds
    must be a source's, never a person's.
    """

    line: int
    handle: str
    name: str | None = None
    role: str = "analyst"
    kind: str = "person"
    active: bool = True
    must_be_source: bool = False


@dataclass
class PlanScenario:
    """A scenario line."""

    line: int
    slug: str
    title: str
    summary: str | None = None
    source_title: str | None = None
    source_publisher: str | None = None
    source_url: str | None = None
    source_published: str | None = None


@dataclass
class PlanQuestion:
    """A question line (or the question columns of a CSV row).

    `opens_at` is None when the file leaves it to the import (a scenario file without `opens`):
    the store gives it the write's own time (`at_import_time`).
    """

    line: int
    slug: str
    title: str
    kind: str
    options: tuple[str, ...]
    criteria: str
    opens_at: int | None
    closes_at: int
    resolves_by: int
    scenario: str | None = None
    tags: tuple[str, ...] = ()
    quote: str | None = None
    #: The fields the file states (CSV: `title`, `criteria`, `opens_at`, `closes_at` as its
    #: columns carry them), compared with a question already in the ledger; None for a line
    #: that defines a new question (JSONL), which may not name an existing one.
    given: frozenset[str] | None = None


@dataclass
class PlanAmendment:
    """An amendment line: a historical change to a question, imported as it was recorded."""

    line: int
    question: str
    by: str
    at: int
    reason: str
    clarification: str | None = None
    closes_at: int | None = None
    resolves_by: int | None = None
    title: str | None = None
    opens_at: int | None = None


@dataclass(frozen=True)
class PlanWithdrawal:
    """The withdrawal of an imported forecast (`"withdrawn"` on its line)."""

    at: int
    reason: str
    by: str | None = None


@dataclass
class PlanEvidence:
    """An evidence line; `key` is the file's id, which forecasts cite."""

    line: int
    key: int
    analyst: str
    logged_at: int
    summary: str
    observed_on: str | None = None
    source: str | None = None
    links: tuple[tuple[str, str], ...] = ()


@dataclass
class PlanResolution:
    """A resolution line (or a CSV question's outcome)."""

    line: int
    question: str
    outcome: str
    known_at: int
    recorded_by: str | None = None
    note: str | None = None
    correction: str | None = None
    evidence: tuple[int, ...] = ()
    #: CSV: the outcome columns of a question's rows (compared with a question already in the
    #: ledger: recorded if it is unresolved, nothing if it agrees), and whether `resolve_time` was given.
    implied: bool = False
    known_given: bool = True


@dataclass
class PlanForecasts:
    """Forecasts column-wise, in file order (which is recording order).

    Attributes:
        line: file line of each forecast.
        question: question slug of each.
        analyst: handle of each.
        made_at: instant of each; None for a prior made when its question opens at the import.
        p: P(yes) for binary forecasts, None for choice.
        probs: option -> probability for choice forecasts (ordered and normalised when written),
            None for binary.
        rationale: text or None.
        evidence: cited evidence keys (file ids), possibly empty.
        withdrawn: withdrawals, by index of the forecast they withdraw (few: a dict, not a column).
    """

    line: list[int] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    analyst: list[str] = field(default_factory=list)
    made_at: list[int | None] = field(default_factory=list)
    p: list[float | None] = field(default_factory=list)
    probs: list[dict[str, float] | None] = field(default_factory=list)
    rationale: list[str | None] = field(default_factory=list)
    evidence: list[tuple[int, ...]] = field(default_factory=list)
    withdrawn: dict[int, PlanWithdrawal] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.line)

    def add(self, line: int, question: str, analyst: str, made_at: int | None, p: float | None,
            probs: dict[str, float] | None, rationale: str | None = None, evidence: tuple[int, ...] = ()) -> None:
        """Append one forecast."""
        self.line.append(line)
        self.question.append(question)
        self.analyst.append(analyst)
        self.made_at.append(made_at)
        self.p.append(p)
        self.probs.append(probs)
        self.rationale.append(rationale)
        self.evidence.append(evidence)


@dataclass
class ImportPlan:
    """Everything a file adds, in file order within each kind.

    Attributes:
        analysts: declared or implied analysts, first mention first.
        scenarios, questions, amendments, evidence, resolutions: in file order.
        forecasts: column-wise forecasts.
        warnings: odd but valid data, summarised after the import.
        forecasts_checked: True when the parser checked every forecast against its question
            (kind, opening); False when some name a question the file does not define.
    """

    analysts: list[PlanAnalyst] = field(default_factory=list)
    scenarios: list[PlanScenario] = field(default_factory=list)
    questions: list[PlanQuestion] = field(default_factory=list)
    amendments: list[PlanAmendment] = field(default_factory=list)
    evidence: list[PlanEvidence] = field(default_factory=list)
    forecasts: PlanForecasts = field(default_factory=PlanForecasts)
    resolutions: list[PlanResolution] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    forecasts_checked: bool = True


def at_import_time(plan: ImportPlan, now: int) -> tuple[ImportPlan, list[Problem]]:
    """The plan with the instants its file left to the import filled in: a question without an
    opening opens `now` (the write's time, from the ledger's clock) and a forecast left undated
    (a scenario's prior, made when its question opens) is made then.

    Returns:
        The plan (the very same object when the file left nothing open) and the problems this
        makes: a question that would close before it opens.
    """
    if all(q.opens_at is not None for q in plan.questions):
        return plan, []
    problems = []
    for q in plan.questions:
        if q.opens_at is None:
            problems += [Problem(q.line, f"{v.message}; it gives no opens, so it would open at the import")
                         for v in rules.question_dates(now, q.closes_at, q.closes_at)]
    questions = [replace(q, opens_at=now) if q.opens_at is None else q for q in plan.questions]
    forecasts = replace(plan.forecasts, made_at=[now if m is None else m for m in plan.forecasts.made_at])
    return replace(plan, questions=questions, forecasts=forecasts), problems


def check_choice(options: tuple[str, ...], values: dict[str, float], slug: str) -> tuple[float, ...]:
    """Choice probabilities in option order, normalised; they must name exactly the options.

    Raises:
        BadInput: options missing or unknown, or a sum outside the tolerance.
    """
    if set(values) != set(options):
        raise BadInput(f'"probabilities" must cover exactly the options of {slug!r}: ' + ", ".join(options))
    return normalise_choice([values[o] for o in options])
