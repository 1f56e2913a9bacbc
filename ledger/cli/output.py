"""Plain renderings of domain values: aligned tables for people, dicts for `--json`.

Everything printed for people passes user text through `shown` (tables do it per cell); JSON
renderings keep the text exactly.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ledger.core.model import Amendment, Analyst, Evidence, Forecast, Question, Resolution, Scenario
from ledger.core.probability import describe, format_percent
from ledger.core.timeutil import format_instant, format_short


#: Never sent to a terminal raw: C0 and C1 controls and DEL (Unicode category Cc, escape
#: sequences included), the bidi marks, embeddings, overrides and isolates (the "Trojan Source"
#: set: U+202E can make a rationale read backwards), and the Unicode line and paragraph separators.
_UNSAFE_PAST_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_IN_CELL = re.compile(f"[\x00-\x1f{_UNSAFE_PAST_C0}]")
_UNSAFE_IN_BLOCK = re.compile(f"[\x00-\x09\x0b-\x1f{_UNSAFE_PAST_C0}]")  # keeps \n
_JSON_UNSAFE = re.compile(f"[{_UNSAFE_PAST_C0}]")  # json.dumps escapes C0 itself
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_NAMED = {"\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def shown(text: Any, *, block: bool = False) -> str:
    """User text as it may reach a terminal: control and bidi characters shown escaped (`\\x1b`,
    `\\u202e`), so no title, rationale or handle can colour, move or reorder what is printed.

    Args:
        text: any value; None is shown as "".
        block: free text printed on its own lines (criteria, summaries) keeps its line breaks;
            elsewhere (table cells, one-line messages) each line break is shown as `⏎`.

    Backslashes are left as they are: `C:\\reports` stays readable, at the price that a typed
    `\\x1b` looks like an escaped one (`--json` tells them apart).
    """
    if text is None:
        return ""
    text = str(text)
    if block:
        return _UNSAFE_IN_BLOCK.sub(_escape, text.replace("\r\n", "\n"))
    return _UNSAFE_IN_CELL.sub(_escape, _LINE_BREAK.sub("\u23ce", text))


def json_text(value: Any) -> str:
    """`value` as JSON, text kept exactly; what `ensure_ascii=False` would leave raw and a terminal
    may act on (DEL, C1 and bidi controls, line separators) is written `\\uXXXX`, which is exact
    too: such characters can only occur inside JSON strings."""
    import json

    return _JSON_UNSAFE.sub(_json_escape, json.dumps(value, ensure_ascii=False))


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def quoted(text: str) -> str:
    """`'amina'`: a handle or name in a message, quoted and `shown`."""
    return f"'{shown(text)}'"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to their widest cell (user text `shown`); the last column is not padded."""
    cells = [[str(h) for h in headers]] + [[shown(c) for c in row] for row in rows]
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
    return ", ".join(f"{shown(name)} {describe(p)}" for name, p in zip(question.options, probabilities))


def probabilities_short(question: Question, probabilities: Sequence[float]) -> str:
    """`67.5%` for yes/no; `a 20% · b 80%` for choice."""
    if question.kind == "binary":
        return format_percent(probabilities[0])
    return " · ".join(f"{shown(name)} {format_percent(p)}" for name, p in zip(question.options, probabilities))


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


def local_when(us: int) -> str:
    """Instants for people in their local time with its zone: `2026-11-27 15:00 CET`."""
    from ledger.core.timeutil import from_us

    return from_us(us).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def amendment_text(amendment: Amendment, q: Question) -> list[str]:
    """What one amendment of `q` changed, old value to new: `closes 2027-12-31 00:00Z → 2028-06-30 00:00Z`."""
    from ledger.core.rules import amendment_changes

    changes = dict(next(c for a, c in amendment_changes(q) if a.id == amendment.id))
    out = []
    for name, (old, new) in changes.items():
        if name == "clarified":
            out.append(f"clarified: {shown(new)}")
        elif name == "title":
            out.append(f"title {shown(old)} → {shown(new)}")
        else:
            out.append(f"{name} {when(old)} → {when(new)}")
    return out


def question_text(q: Question, forecasts: Sequence[Forecast], history: Sequence[Resolution], now: int) -> str:
    """`question show` for people: header, criteria (line breaks kept), dates, amendments, the
    forecasts as a table, then each resolution and correction."""
    lines = [f"#{q.id} {shown(q.slug)} [{q.kind}, {q.status(now)}]", shown(q.title)]
    if q.kind == "choice":
        lines.append("options: " + " | ".join(shown(o) for o in q.options))
    lines.append(f"criteria: {shown(q.criteria, block=True)}")
    lines += [f"clarified: {shown(text, block=True)}" for text in q.clarifications]
    lines.append(f"opens {when(q.opens_at)} · closes {when(q.closes_at)} · resolves by {when(q.resolves_by)}")
    if q.scenario or q.tags:
        lines.append(f"scenario: {shown(q.scenario or '-')} · tags: {shown(', '.join(q.tags) or '-')}")
    lines += [f"amended {when(a.amended_at)} by {shown(a.by)}: {shown(a.reason)} ({'; '.join(amendment_text(a, q))})"
              for a in q.amendments]
    if forecasts:
        rows = [(f.id, when(f.made_at), f.analyst, probabilities_short(q, f.probabilities),
                 ("withdrawn: " + f.withdrawn) if f.withdrawn else (f.rationale or "")) for f in forecasts]
        lines += ["", table(("forecast", "made", "analyst", "p", "why"), rows)]
    for r in history:
        label = f"corrected ({shown(r.correction)})" if r.correction else "resolved"
        note = f" · {shown(r.note)}" if r.note else ""
        lines += ["", f"{label} {shown(r.outcome)} · known {when(r.known_at)} · by {shown(r.by)}{note}"]
    return "\n".join(lines)
