"""The store's figure facts (`ledger.store.dossiers`) shaped as the plots' plain data
(`ledger.reports.data`): one function per figure, no database, no matplotlib."""

from __future__ import annotations

from ledger.core.timeutil import parse_instant
from ledger.reports.data import (
    PERSON,
    SOURCE,
    TEAM,
    AmendmentTick,
    EvidenceTick,
    FinalForecast,
    ForecastLine,
    ForecastStep,
    ResolvedScore,
    ScoreHistory,
    Timeline,
)
from ledger.store.dossiers import TEAM as TEAM_KEY
from ledger.store.dossiers import PairFacts, TimelineFacts


def final_forecasts(facts: PairFacts) -> list[FinalForecast]:
    """Each yes/no pair's final p_yes and whether it happened (for `discrimination_figure`)."""
    return [FinalForecast(p.final_p, bool(p.happened)) for p in facts.pairs if p.final_p is not None]


def histories(facts: PairFacts) -> list[ScoreHistory]:
    """One Brier history per forecaster, persons and sources by handle, `@team` last."""
    by: dict[str, list[ResolvedScore]] = {}
    kind: dict[str, str] = {}
    for p in facts.pairs:
        by.setdefault(p.analyst, []).append(ResolvedScore(p.known_at, p.brier))
        kind[p.analyst] = TEAM if p.analyst == TEAM_KEY else SOURCE if p.source else PERSON
    order = sorted((h for h in by if h != TEAM_KEY)) + ([TEAM_KEY] if TEAM_KEY in by else [])
    return [ScoreHistory(h, kind[h], tuple(by[h])) for h in order]


def timeline(facts: TimelineFacts) -> Timeline:
    """A question's timeline: a step line per forecaster in order of first forecast, `@team` last."""
    q = facts.question
    choice = q.kind == "choice"
    steps: dict[str, list[ForecastStep]] = {}
    for f in sorted(facts.forecasts, key=lambda f: (f.made_at, f.id)):
        steps.setdefault(f.analyst, []).append(ForecastStep(f.made_at, f.probabilities if choice
                                                            else f.probabilities[:1]))
    lines = [ForecastLine(h, SOURCE if facts.kinds.get(h) == "source" else PERSON, tuple(s))
             for h, s in steps.items()]
    if facts.team:
        lines.append(ForecastLine(TEAM_KEY, TEAM, tuple(ForecastStep(at, probs if choice else probs[:1])
                                                        for at, probs in facts.team)))
    ticks = tuple(EvidenceTick(parse_instant(x.evidence.observed_on) if x.evidence.observed_on else x.linked_at,
                               x.stance, x.evidence.id) for x in facts.linked)
    amendments = tuple(AmendmentTick(a.amended_at, a.reason) for a in q.amendments)
    resolution = q.resolution
    return Timeline(q.slug, q.title, q.options if choice else (), q.opens_at, q.closes_at, facts.until,
                    tuple(lines), ticks, amendments, resolution.known_at if resolution else None,
                    resolution.outcome if resolution else None)
