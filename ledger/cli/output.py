"""Plain renderings of domain values: aligned tables for people, dicts for `--json`."""

from __future__ import annotations

from typing import Any, Sequence

from ledger.core.model import Analyst, Evidence, Forecast, Question, Resolution, Scenario
from ledger.core.probability import describe, format_percent
from ledger.core.timeutil import format_instant, format_short


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to their widest cell; the last column is not padded."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for r in cells:
        parts = [c.ljust(widths[i]) if i < len(r) - 1 else c for i, c in enumerate(r)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def probabilities_text(question: Question, probabilities: Sequence[float]) -> str:
    """`67.5% (likely)` for yes/no; `a 20% (very unlikely), b 80% (likely)` for choice."""
    if question.kind == "binary":
        return describe(probabilities[0])
    return ", ".join(f"{name} {describe(p)}" for name, p in zip(question.options, probabilities))


def probabilities_short(question: Question, probabilities: Sequence[float]) -> str:
    """`67.5%` for yes/no; `a 20% · b 80%` for choice."""
    if question.kind == "binary":
        return format_percent(probabilities[0])
    return " · ".join(f"{name} {format_percent(p)}" for name, p in zip(question.options, probabilities))


def analyst_json(a: Analyst) -> dict[str, Any]:
    return {
        "handle": a.handle,
        "name": a.name,
        "role": a.role,
        "active": a.active,
        "created_at": format_instant(a.created_at),
    }


def scenario_json(s: Scenario) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "title": s.title,
        "summary": s.summary,
        "source": {
            "title": s.source_title,
            "publisher": s.source_publisher,
            "url": s.source_url,
            "published": s.source_published,
        },
        "questions": s.questions,
        "created_at": format_instant(s.created_at),
    }


def resolution_json(r: Resolution) -> dict[str, Any]:
    return {
        "outcome": r.outcome,
        "known_at": format_instant(r.known_at),
        "recorded_at": format_instant(r.recorded_at),
        "recorded_by": r.by,
        "note": r.note,
        "correction": r.correction,
        "evidence": list(r.evidence),
    }


def question_json(q: Question, now: int) -> dict[str, Any]:
    return {
        "id": q.id,
        "slug": q.slug,
        "title": q.title,
        "kind": q.kind,
        "options": list(q.options) if q.kind == "choice" else [],
        "criteria": q.criteria,
        "clarifications": list(q.clarifications),
        "opens_at": format_instant(q.opens_at),
        "closes_at": format_instant(q.closes_at),
        "resolves_by": format_instant(q.resolves_by),
        "status": q.status(now),
        "tags": list(q.tags),
        "scenario": q.scenario,
        "created_at": format_instant(q.created_at),
        "resolution": resolution_json(q.resolution) if q.resolution else None,
        "amendments": [
            {
                "amended_at": format_instant(a.amended_at),
                "by": a.by,
                "reason": a.reason,
                "clarification": a.clarification,
                "closes_at": format_instant(a.closes_at) if a.closes_at is not None else None,
                "resolves_by": format_instant(a.resolves_by) if a.resolves_by is not None else None,
            }
            for a in q.amendments
        ],
    }


def forecast_json(f: Forecast, q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f.id,
        "question": q.slug,
        "analyst": f.analyst,
        "made_at": format_instant(f.made_at),
    }
    if q.kind == "binary":
        out["p"] = f.probabilities[0]
    else:
        out["probabilities"] = dict(zip(q.options, f.probabilities))
    out.update(rationale=f.rationale, evidence=list(f.evidence), imported=f.imported, withdrawn=f.withdrawn)
    return out


def evidence_json(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.id,
        "summary": e.summary,
        "source": e.source,
        "observed_on": e.observed_on,
        "logged_at": format_instant(e.logged_at),
        "analyst": e.analyst,
        "links": [{"question": link.question_slug, "stance": link.stance} for link in e.links],
    }


def when(us: int) -> str:
    """Instants in tables."""
    return format_short(us)
