"""A scenario as a scenario file holds it (SPEC 9): what `ledger scenario export` reads from the
ledger and writes back, in the file's own terms (dates and priors of the questions, not rows)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocQuestion:
    """One question of a scenario file, with the values in force.

    Attributes:
        slug, title, kind, options: as in the ledger (`options` empty for a yes/no question).
        criteria: the resolution criteria, each clarification appended as its own paragraph.
        opens_at: a moment; closes_at, resolves_by: deadlines (instants, microseconds).
        tags: sorted.
        prior: the source's prior: binary `(P(yes),)`, choice one probability per option in
            option order; None when the source gave none.
        quote: the sentence the prior came from, or None.
    """

    slug: str
    title: str
    kind: str
    options: tuple[str, ...]
    criteria: str
    opens_at: int
    closes_at: int
    resolves_by: int
    tags: tuple[str, ...] = ()
    prior: tuple[float, ...] | None = None
    quote: str | None = None


@dataclass(frozen=True)
class ScenarioDoc:
    """A whole scenario file.

    Attributes:
        slug, title, summary: the scenario.
        source_title, source_publisher, source_url, source_published: the article (None where
            not recorded); `source_published` an ISO date.
        forecaster: the source analyst whose priors the questions carry, or None when none has
            a forecast on them.
        questions: in recording order.
    """

    slug: str
    title: str
    summary: str | None
    source_title: str | None
    source_publisher: str | None
    source_url: str | None
    source_published: str | None
    forecaster: str | None
    questions: tuple[DocQuestion, ...]
