"""Editors' views (SPEC 8): a question's dossier, the due list, an analyst's record.

People read local times (`2026-01-03 01:00 CET`); `--json` is UTC with `Z`. Every user text
printed for people goes through `shown`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ledger.cli.context import Env, emit_json, json_option, pass_env
from ledger.cli.output import (
    analyst_json,
    evidence_json,
    forecast_json,
    local_when,
    question_json,
    resolution_json,
    shown,
    table,
)
from ledger.cli.options import PeriodFlags, period_options, window_of
from ledger.cli.params import BadValue, QuestionRef
from ledger.core.probability import describe, icd_term
from ledger.core.timeutil import format_instant

if TYPE_CHECKING:  # pragma: no cover
    from ledger.store.dossiers import AnalystRecord, Dossier, Due

@click.command()
@click.argument("q", type=QuestionRef(), required=False)
@click.option("--due", is_flag=True, help="Questions overdue, awaiting resolution, or closing soon.")
@click.option("--within", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="With --due: closing within DAYS days [default: 14].")
@click.option("--analyst", metavar="HANDLE", help="That analyst's resolved questions, scores and calibration.")
@period_options
@json_option
@pass_env
def review(env: Env, q: str | None, due: bool, within: int | None, analyst: str | None, period_flags: PeriodFlags,
           as_json: bool) -> None:
    """Editors' views: a question's dossier, the due list, an analyst's record.

    `review Q` is the dossier of question Q in time order: criteria and clarifications,
    amended dates with their old values, every forecast with its ICD 203 term, rationale and
    cited evidence (withdrawn ones marked), linked evidence with its stance, resolutions and
    corrections, and each forecaster's scores once resolved. With --analyst, the period flags
    keep the questions resolved in that period, scored as of --as-of.

    \b
    Examples:
      ledger review us-mali-minerals-deal
      ledger review --due --within 30
      ledger review --analyst amina --json
      ledger review --analyst amina --period quarter --as-of 2027-01-01
    """
    if sum((q is not None, due, analyst is not None)) != 1:
        raise click.UsageError("give one of: Q, --due, --analyst HANDLE")
    if within is not None and not due:
        raise BadValue("--within goes with --due")
    if analyst is None and period_flags != PeriodFlags():
        raise BadValue("--period, --as-of, --from and --to go with --analyst (a dossier and the due list are "
                       "as the ledger stands now)")
    from ledger.store import dossiers

    if due:
        found = dossiers.due(env.ledger(), 14 if within is None else within)
        emit_json(due_json(found)) if as_json else click.echo(due_text(found))
    elif analyst is not None:
        record = dossiers.analyst_record(env.ledger(), analyst, window_of(period_flags))
        emit_json(record_json(record)) if as_json else click.echo(record_text(record))
    else:
        found_q = dossiers.dossier(env.ledger(), q)
        emit_json(dossier_json(found_q)) if as_json else click.echo(dossier_text(found_q))


# -- the dossier ----------------------------------------------------------------------------


def _events(d: "Dossier") -> list[tuple[int, int, int, str, Any]]:
    """(at, rank, id, kind, item) in time order: amendments, evidence links, forecasts, then
    resolutions at the same instant. A resolution stands at its known_at, a correction at when
    it was recorded."""
    out: list[tuple[int, int, int, str, Any]] = [(a.amended_at, 0, a.id, "amendment", a) for a in d.question.amendments]
    out += [(x.linked_at, 1, x.evidence.id, "evidence", x) for x in d.linked]
    out += [(f.made_at, 2, f.id, "forecast", f) for f in d.forecasts]
    out += [(r.recorded_at if r.correction else r.known_at, 3, r.id, "correction" if r.correction else "resolution", r)
            for r in d.resolutions]
    return sorted(out, key=lambda e: e[:3])


def _changes(d: "Dossier") -> dict[int, dict[str, tuple[Any, Any]]]:
    from ledger.core.rules import amendment_changes

    return {a.id: changes for a, changes in amendment_changes(d.question)}


def _value(name: str, value: Any, as_json: bool) -> Any:
    if name in ("title", "clarified") or value is None:
        return value
    return format_instant(value) if as_json else local_when(value)


def _terms(d: "Dossier", probabilities: tuple[float, ...]) -> dict[str, Any]:
    """The ICD 203 term: `term` of p_yes, or `terms` per option."""
    if d.question.kind == "binary":
        return {"term": icd_term(probabilities[0])}
    return {"terms": {name: icd_term(p) for name, p in zip(d.question.options, probabilities)}}


def _sorted_scores(d: "Dossier") -> list:
    return sorted((p for p in d.scores if p.analyst != "@team"), key=lambda p: p.analyst) + [
        p for p in d.scores if p.analyst == "@team"]


def dossier_json(d: "Dossier") -> dict[str, Any]:
    """The dossier as JSON: the question, its events in time order, the scores."""
    q, changes = d.question, _changes(d)
    events = []
    for at, _, _, kind, item in _events(d):
        event: dict[str, Any] = {"at": format_instant(at), "kind": kind}
        if kind == "amendment":
            event.update(by=item.by, reason=item.reason, changes={
                name: {"old": _value(name, old, True), "new": _value(name, new, True)}
                for name, (old, new) in changes[item.id].items()})
        elif kind == "evidence":
            event.update(evidence_json(item.evidence), stance=item.stance, linked_at=format_instant(item.linked_at))
        elif kind == "forecast":
            gone = d.withdrawals.get(item.id)
            event.update(forecast_json(item, q), **_terms(d, item.probabilities),
                         analyst_kind=d.kinds.get(item.analyst, "person"),
                         withdrawal=None if gone is None else {"at": format_instant(gone.at), "by": gone.by,
                                                               "reason": gone.reason},
                         cited={str(i): d.cited.get(i) for i in item.evidence})
        else:
            event.update(resolution_json(item))
        events.append(event)
    title, opens, closes, due = q.recorded or (q.title, q.opens_at, q.closes_at, q.resolves_by)
    return {
        "as_of": format_instant(d.now),
        "question": {**question_json(q, d.now), "recorded": {
            "title": title, "opens_at": format_instant(opens), "closes_at": format_instant(closes),
            "resolves_by": format_instant(due)}},
        "events": events,
        "scores": [{"analyst": p.analyst, "source": p.source, "brier": p.brier, "log_loss": p.log_loss,
                    "relative_brier": p.relative_brier, "coverage": p.coverage} for p in _sorted_scores(d)],
    }


def _dates_text(d: "Dossier") -> list[str]:
    """The dates in force, each with the values it replaced."""
    q = d.question
    title, opens, closes, due = q.recorded or (q.title, q.opens_at, q.closes_at, q.resolves_by)
    lines = []
    for name, first, now in (("opens", opens, q.opens_at), ("closes", closes, q.closes_at),
                             ("resolves by", due, q.resolves_by)):
        was = f" (amended; first {local_when(first)})" if first != now else ""
        lines.append(f"{name}: {local_when(now)}{was}")
    if title != q.title:
        lines.append(f"first titled: {shown(title)}")
    return lines


def _forecast_text(d: "Dossier", f: Any) -> list[str]:
    q = d.question
    who = shown(f.analyst) + (" (source)" if d.kinds.get(f.analyst) == "source" else "")
    if q.kind == "binary":
        said = describe(f.probabilities[0])
    else:
        said = " · ".join(f"{shown(o)} {describe(p)}" for o, p in zip(q.options, f.probabilities))
    gone = d.withdrawals.get(f.id)
    if gone is None:
        lines = [f"forecast {f.id} by {who}: {said}"]
    else:
        by = f" by {shown(gone.by)}" if gone.by else ""
        lines = [f"[withdrawn: {shown(gone.reason)}] forecast {f.id} by {who}: {said}",
                 f"struck: withdrawn {local_when(gone.at)}{by}, never scored"]
    if f.rationale:
        lines.append(f"why: {shown(f.rationale)}")
    lines += [f"cites evidence {i}: {shown(d.cited.get(i))}" for i in f.evidence]
    return lines


def _event_text(d: "Dossier", kind: str, item: Any, changes: dict) -> list[str]:
    if kind == "forecast":
        return _forecast_text(d, item)
    if kind == "amendment":
        lines = [f"amended by {shown(item.by)}: {shown(item.reason)}"]
        for name, (old, new) in changes[item.id].items():
            if name == "clarified":
                lines.append(f"clarified: {shown(new)}")
            else:
                lines.append(f"{name}: {_value(name, old, False)} → {_value(name, new, False)}")
        return lines
    if kind == "evidence":
        e = item.evidence
        stance = {"+": "+ raises", "-": "- lowers", "~": "~ context"}[item.stance]
        lines = [f"evidence {e.id} ({stance}) by {shown(e.analyst)}: {shown(e.summary)}"]
        where = "; ".join(x for x in (f"observed {e.observed_on}" if e.observed_on else "",
                                      shown(e.source) if e.source else "") if x)
        return lines + ([f"{where}"] if where else [])
    label = f"corrected to {shown(item.outcome)}" if kind == "correction" else f"resolved {shown(item.outcome)}"
    lines = [f"{label} by {shown(item.by)}, known {local_when(item.known_at)}"]
    if item.correction:
        lines.append(f"reason: {shown(item.correction)}")
    if item.note:
        lines.append(f"note: {shown(item.note)}")
    lines += [f"cites evidence {i}: {shown(d.cited.get(i))}" for i in item.evidence]
    return lines


def _number(value: float | None, places: int = 4) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def dossier_text(d: "Dossier") -> str:
    """The dossier for people: header, criteria, dates, then the history in time order, scores."""
    q, changes = d.question, _changes(d)
    lines = [f"#{q.id} {shown(q.slug)} [{q.kind}, {q.status(d.now)}] as of {local_when(d.now)}", shown(q.title)]
    if q.kind == "choice":
        lines.append("options: " + " | ".join(shown(o) for o in q.options))
    lines.append(f"scenario: {shown(q.scenario or '-')} · tags: {shown(', '.join(q.tags) or '-')}")
    lines.append(f"criteria: {shown(q.criteria, block=True)}")
    lines += [f"  clarified {local_when(a.amended_at)}: {shown(a.clarification, block=True)}"
              for a in q.amendments if a.clarification]
    lines += _dates_text(d)
    lines += ["", "history:"]
    for at, _, _, kind, item in _events(d):
        stamp = local_when(at)
        first, *rest = _event_text(d, kind, item, changes)  # details go under the headline
        lines += [f"{stamp}  {first}", *(" " * (len(stamp) + 2) + line for line in rest)]
    if lines[-1] == "history:":
        lines.append("(nothing recorded yet)")
    lines.append("")
    if d.scores:
        rows = [(p.analyst + (" (source)" if p.source else ""), _number(p.brier), _number(p.log_loss),
                 _number(p.relative_brier), _number(p.coverage, 2)) for p in _sorted_scores(d)]
        lines += ["scores (time-averaged; lower is better):",
                  table(("analyst", "brier", "log loss", "relative", "coverage"), rows)]
    elif q.resolution is not None and q.resolution.outcome == "annulled":
        lines.append("scores: none (annulled)")
    else:
        lines.append("scores: none yet (scored once resolved)" if q.resolution is None
                     else "scores: none (no forecast counted)")
    return "\n".join(lines)


# -- the due list ---------------------------------------------------------------------------


def due_json(d: "Due") -> dict[str, Any]:
    """The due list as JSON: each question as `question list --json` shows it."""
    return {"as_of": format_instant(d.now), "within_days": d.within,
            "questions": [question_json(q, d.now) for q in d.questions]}


def due_text(d: "Due") -> str:
    """The due list for people: one row per question, by close."""
    head = (f"as of {local_when(d.now)}: overdue, awaiting resolution, or closing within {d.within} "
            f"day{'s' if d.within != 1 else ''}")
    if not d.questions:
        return head + "\nnothing due"
    rows = [(q.status(d.now), local_when(q.closes_at), local_when(q.resolves_by), f"#{q.id} {q.slug}", q.title)
            for q in d.questions]
    return head + "\n" + table(("status", "closes", "resolves by", "question", "title"), rows)


# -- an analyst's record --------------------------------------------------------------------


def record_json(r: "AnalystRecord") -> dict[str, Any]:
    """The record as JSON; `score` is the analyst's `ledger score --json` group."""
    return {
        "as_of": format_instant(r.now),
        **({} if r.period is None else {"period": r.period.to_json()}),
        "analyst": {**analyst_json(r.analyst), "kind": r.analyst.kind},
        "questions": [{"question": q.slug, "title": q.title, "outcome": q.resolution.outcome,
                       "known_at": format_instant(p.known_at), "brier": p.brier, "log_loss": p.log_loss,
                       "relative_brier": p.relative_brier, "coverage": p.coverage} for q, p in r.questions],
        "score": r.summary.as_dict() if r.summary is not None else None,
    }


def record_text(r: "AnalystRecord") -> str:
    """The record for people: scored questions by resolution, the means, the calibration bins."""
    a = r.analyst
    name = f" ({shown(a.name)})" if a.name else ""
    resolved = "" if r.period is None else f" · resolved in {r.period.label}"
    lines = [f"{shown(a.handle)}{name} · {a.kind if a.kind == 'source' else a.role}{resolved} · as of {local_when(r.now)}"]
    if not r.questions:
        return "\n".join(lines + ["no scored questions yet (resolved, not annulled, with a counted forecast)"])
    rows = [(local_when(p.known_at), q.slug, q.resolution.outcome, _number(p.brier), _number(p.log_loss),
             _number(p.relative_brier), _number(p.coverage, 2)) for q, p in r.questions]
    lines += ["", table(("known", "question", "outcome", "brier", "log loss", "relative", "coverage"), rows)]
    s = r.summary
    lines += ["", f"mean of {s.questions}: brier {_number(s.brier)} · log loss {_number(s.log_loss)} · "
                  f"relative {_number(s.relative_brier)} · coverage {_number(s.coverage, 2)}"]
    cal = s.calibration
    bins = [(f"{b.lo:.0%}–{b.hi:.0%}", b.n, f"{round(b.freq * b.n)} of {b.n}" if b.n else "-",
             _number(b.mean_p, 2), _number(b.freq, 2),
             f"{b.ci_low:.2f}–{b.ci_high:.2f}" if b.n else "-") for b in cal.bins]
    lines += ["", f"calibration (final forecasts; ece {_number(cal.ece)}):",
              table(("forecast", "n", "happened", "mean p", "freq", "95% interval"), bins)]
    return "\n".join(lines)
