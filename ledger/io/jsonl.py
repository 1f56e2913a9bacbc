"""The native JSON-lines format (SPEC 7): one object per line, each with a "type", referenced
things before the lines that use them. Export writes every field; import accepts lines with only
the required ones."""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Iterable, Iterator, TextIO

from ledger.core import rules, validate
from ledger.core.bulk import (
    ImportPlan,
    ImportRefused,
    PlanAmendment,
    PlanAnalyst,
    PlanEvidence,
    PlanQuestion,
    PlanResolution,
    PlanScenario,
    PlanWithdrawal,
    Problem,
    check_choice,
)
from ledger.core.errors import BadInput
from ledger.core.model import ROLES, match_outcome
from ledger.core.timeutil import format_instant, format_instants, parse_day, parse_instant

PROBLEM_CAP = 1000


def _shown(value: Any) -> str:
    """A JSON value for a message, cut short."""
    try:
        return json.dumps(value, ensure_ascii=False)[:40]
    except (ValueError, RecursionError):
        return "(unprintable)"


class _Line:
    """Typed access to one JSON object's fields, raising `BadInput` naming the field."""

    def __init__(self, obj: dict[str, Any]) -> None:
        self.obj = obj

    def _string(self, key: str, required: bool) -> str | None:
        value = self.obj.get(key)
        if value is None:
            if required:
                raise BadInput(f'"{key}" is required')
            return None
        if not isinstance(value, str):
            raise BadInput(f'"{key}" must be a string, not {_shown(value)}')
        return value

    def text(self, key: str, *, required: bool = False, single_line: bool = False) -> str | None:
        value = self._string(key, required)
        return None if value is None else validate.text(value, what=f'"{key}"', required=required,
                                                         single_line=single_line)

    def handle(self, key: str, *, required: bool = True) -> str | None:
        """An analyst handle, kept exactly as given: any 1-200 characters without control
        characters, a lone space included (SPEC 1)."""
        value = self._string(key, required)
        return None if value is None else validate.handle(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise BadInput(f'"{key}" must be true or false, not {_shown(value)}')
        return value

    def ids(self, key: str) -> tuple[int, ...]:
        """A list of evidence ids (the file's own)."""
        value = self.obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in value):
            raise BadInput(f'"{key}" must be a list of evidence ids')
        return tuple(value)

    def instant(self, key: str, *, required: bool = True, deadline: bool = False) -> int | None:
        value = self.text(key, required=required)
        return None if value is None else parse_instant(value, deadline=deadline, what=f'"{key}"')

    def prob(self, value: Any, what: str) -> float:
        """A probability: a JSON number in 0-1 (`1` is 1.0; `-0` is 0, which every database keeps)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BadInput(f"{what} {_shown(value)} is not a number")
        if isinstance(value, int):
            if not 0 <= value <= 1:  # before float(): a 400-digit integer does not fit one
                raise BadInput(f"{what} {_shown(value)} is outside 0-1")
            return float(value)
        if not math.isfinite(value):
            raise BadInput(f"{what} {_shown(value)} is not a number")
        if not 0.0 <= value <= 1.0:
            raise BadInput(f"{what} {value!r} is outside 0-1")
        return value + 0.0  # -0.0 + 0.0 is 0.0

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.obj.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadInput(f'"{key}" must be a list of strings')
        return tuple(value)


def read_jsonl(
    stream: TextIO,
    source: str,
    *,
    scenario: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Parse a JSON-lines stream into an `ImportPlan`.

    Args:
        stream: the open file.
        source: its name, for messages.
        scenario: slug of a scenario for questions that name none, or None.
        progress: called with the number of lines read since the last call.

    Raises:
        ImportRefused: every problem, by line.
    """
    plan = ImportPlan()
    problems: list[Problem] = []
    analysts: dict[str, PlanAnalyst] = {}
    questions: dict[str, PlanQuestion] = {}
    scenarios: set[str] = set()
    evidence_keys: set[int] = set()
    resolved: set[str] = set()
    after_close = 0
    in_force: dict[str, list[int]] = {}  # slug -> [opens_at, closes_at] after the amendments read so far

    early: dict[str, list[int]] = {}  # slug -> lines that used it before any question line defined it

    def need_question(slug: str) -> PlanQuestion | None:
        """The file's question, or None for one the ledger must hold (checked when written)."""
        found = questions.get(slug)
        if found is None:
            early.setdefault(slug, []).append(lineno)
            plan.forecasts_checked = False
        return found

    def mention(handle: str, line: int) -> None:
        if handle not in analysts:
            analysts[handle] = PlanAnalyst(line, handle)
            plan.analysts.append(analysts[handle])

    lineno = 0
    for lineno, raw in enumerate(stream, start=1):
        if progress is not None and lineno % 10_000 == 0:
            progress(10_000)
        if lineno == 1:
            raw = raw.lstrip("\ufeff")  # a byte-order mark some editors write
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(Problem(lineno, f"not valid JSON ({exc.msg})"))
            continue
        except ValueError:  # an integer longer than the interpreter converts (sys.get_int_max_str_digits)
            problems.append(Problem(lineno, "not valid JSON here: a number too long to read"))
            continue
        except RecursionError:  # [[[[...]]]] or {"a": {"a": ...}} thousands deep
            problems.append(Problem(lineno, "nested too deeply to read"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(lineno, "each line must be a JSON object"))
            continue
        f = _Line(obj)
        kind = obj.get("type")
        try:
            if kind == "analyst":
                handle = f.handle("handle")
                if handle in analysts:
                    raise BadInput(f"analyst {handle!r} is declared twice or after first use")
                role = f.text("role") or "analyst"
                if role not in ROLES:
                    raise BadInput(f'"role" {role!r}: use analyst or editor')
                akind = f.text("kind") or "person"
                if akind not in ("person", "source"):
                    raise BadInput(f'"kind" {akind!r}: use person or source')
                analysts[handle] = PlanAnalyst(lineno, handle, f.text("name", single_line=True), role, akind,
                                               f.flag("active", True))
                plan.analysts.append(analysts[handle])
            elif kind == "scenario":
                slug = validate.slug(f.text("slug", required=True), what="scenario slug")
                if slug in scenarios:
                    raise BadInput(f"scenario {slug!r} appears twice")
                source_obj = obj.get("source") or {}
                if not isinstance(source_obj, dict):
                    raise BadInput('"source" must be an object')
                src = _Line(source_obj)
                published = src.text("published")
                plan.scenarios.append(PlanScenario(
                    lineno, slug, f.text("title", required=True, single_line=True), f.text("summary"),
                    src.text("title", single_line=True), src.text("publisher", single_line=True),
                    src.text("url", single_line=True), parse_day(published, what='"published"') if published else None,
                ))
                scenarios.add(slug)
            elif kind == "question":
                slug = f.text("slug", required=True, single_line=True)
                if len(slug) > 200:
                    raise BadInput(f'"slug" {slug[:40]!r}...: longer than 200 characters')
                if slug in questions:
                    raise BadInput(f"question {slug!r} appears twice")
                if slug in early:
                    raise BadInput(f"question {slug!r} is defined after line {early[slug][0]} used it; "
                                   "put question lines before the lines that use them")
                qkind = f.text("kind") or "binary"
                options = f.strings("options")
                if qkind == "binary":
                    if options:
                        raise BadInput('a binary question takes no "options"')
                elif qkind == "choice":
                    if len(options) < 2:
                        raise BadInput('a choice question needs two or more distinct "options"')
                    validate.options(options)
                else:
                    raise BadInput(f'"kind" {qkind!r}: use binary or choice')
                criteria = f.text("criteria", required=True)
                opens = f.instant("opens_at")
                closes = f.instant("closes_at", deadline=True)
                due = f.instant("resolves_by", required=False, deadline=True)
                question = PlanQuestion(
                    lineno, slug, f.text("title", required=True), qkind, options, criteria, opens, closes,
                    closes if due is None else due, f.text("scenario") or scenario,
                    tuple(sorted({validate.tag(t) for t in f.strings("tags")})), f.text("quote"),
                )
                questions[slug] = question
                in_force[slug] = [opens, closes]
                plan.questions.append(question)
            elif kind == "amendment":
                slug = f.text("question", required=True)
                by = f.handle("by")
                need_question(slug)
                amendment = PlanAmendment(
                    lineno, slug, by, f.instant("at"), f.text("reason", required=True), f.text("clarify"),
                    f.instant("closes_at", required=False, deadline=True),
                    f.instant("resolves_by", required=False, deadline=True),
                    f.text("title", single_line=True), f.instant("opens_at", required=False),
                )
                mention(by, lineno)
                plan.amendments.append(amendment)
                if slug in in_force:
                    dates = in_force[slug]
                    dates[0] = dates[0] if amendment.opens_at is None else amendment.opens_at
                    dates[1] = dates[1] if amendment.closes_at is None else amendment.closes_at
            elif kind == "forecast":
                slug = f.text("question", required=True)
                handle = f.handle("analyst")
                made = f.instant("made_at")
                question = need_question(slug)
                cites = f.ids("evidence")
                withdrawn = None
                if obj.get("withdrawn") is not None:
                    if not isinstance(obj["withdrawn"], dict):
                        raise BadInput('"withdrawn" must be {"at": ..., "reason": ..., "by"?: ...}')
                    w = _Line(obj["withdrawn"])
                    withdrawn = PlanWithdrawal(w.instant("at"), w.text("reason", required=True), w.handle("by", required=False))
                mention(handle, lineno)
                if withdrawn is not None and withdrawn.by is not None:
                    mention(withdrawn.by, lineno)
                unknown = [c for c in cites if c not in evidence_keys]
                if unknown:
                    raise BadInput(f"cites evidence {unknown[0]} before (or without) its evidence line")
                if "probabilities" in obj:
                    given = obj["probabilities"]
                    if not isinstance(given, dict) or not given:
                        raise BadInput('"probabilities" must be an object of option: probability')
                    values = {k: f.prob(v, f"probability of {k!r}") for k, v in given.items()}
                    if question is not None:
                        if question.kind != "choice":
                            raise BadInput(f'question {slug!r} is binary: give "p"')
                        check_choice(question.options, values, slug)
                    plan.forecasts.add(lineno, slug, handle, made, None, values, f.text("rationale"), tuple(cites))
                else:
                    if "p" not in obj:
                        raise BadInput('a forecast needs "p" (binary) or "probabilities" (choice)')
                    p = f.prob(obj["p"], '"p"')
                    if question is not None and question.kind != "binary":
                        raise BadInput(f"question {slug!r} is a choice question: give \"probabilities\"")
                    plan.forecasts.add(lineno, slug, handle, made, p, None, f.text("rationale"), tuple(cites))
                if withdrawn is not None:
                    plan.forecasts.withdrawn[len(plan.forecasts) - 1] = withdrawn
                if question is not None:
                    opens_at, closes_at = in_force[slug]
                    if made < opens_at:
                        raise BadInput(f"forecast made {format_instant(made)} is before question {slug!r} opens")
                    if made >= closes_at:
                        after_close += 1
            elif kind == "evidence":
                key = obj.get("id")
                if not isinstance(key, int) or isinstance(key, bool):
                    raise BadInput('"id" must be an integer')
                if key in evidence_keys:
                    raise BadInput(f"evidence id {key} appears twice")
                handle = f.handle("analyst")
                mention(handle, lineno)
                links_raw = obj.get("links") or []
                if not isinstance(links_raw, list):
                    raise BadInput('"links" must be a list')
                links = []
                for link in links_raw:
                    if not isinstance(link, dict):
                        raise BadInput('each link must be {"question": ..., "stance": ...}')
                    lk = _Line(link)
                    stance = lk.text("stance") or "~"
                    problem = rules.stance(stance)
                    if problem is not None:
                        raise BadInput(problem.message)
                    target = lk.text("question", required=True)
                    need_question(target)
                    links.append((target, stance))
                observed = f.text("observed_on")
                plan.evidence.append(PlanEvidence(
                    lineno, key, handle, f.instant("logged_at"), f.text("summary", required=True),
                    parse_day(observed, what='"observed_on"') if observed else None, f.text("source"), tuple(links),
                ))
                evidence_keys.add(key)
            elif kind == "resolution":
                slug = f.text("question", required=True)
                outcome = f.text("outcome", required=True)
                question = need_question(slug)
                if question is not None and match_outcome(question.kind, question.options, outcome) is None:
                    allowed = ("yes", "no") if question.kind == "binary" else question.options
                    raise BadInput(f"outcome {outcome!r} is not one of {', '.join(allowed)} or annulled")
                correction = f.text("correction", required="correction" in obj and obj["correction"] is not None)
                if correction is None and slug in resolved:
                    raise BadInput(f"question {slug!r} is resolved twice; a later one needs \"correction\"")
                recorded_by = f.handle("recorded_by", required=False)
                cites = f.ids("evidence")
                unknown = [c for c in cites if c not in evidence_keys]
                if unknown:
                    raise BadInput(f"cites evidence {unknown[0]} before (or without) its evidence line")
                known = f.instant("known_at")
                if recorded_by is not None:
                    mention(recorded_by, lineno)
                plan.resolutions.append(PlanResolution(
                    lineno, slug, outcome, known, recorded_by, f.text("note"), correction, cites,
                ))
                resolved.add(slug)
            else:
                raise BadInput(f'unknown "type" {json.dumps(kind)[:40]}')
        except BadInput as exc:
            problems.append(Problem(lineno, str(exc)))
        except RecursionError:
            problems.append(Problem(lineno, "nested too deeply to read"))
        if len(problems) >= PROBLEM_CAP:
            problems.append(Problem(lineno, "... stopped after this many problems"))
            break
    if progress is not None:
        progress(lineno % 10_000)
    if problems:
        raise ImportRefused(source, problems)
    if after_close:
        plan.warnings.append(f"{after_close} forecast(s) made at or after their question closed (kept, not scored)")
    backwards = sum(1 for q in plan.questions if q.closes_at <= q.opens_at)
    if backwards:
        plan.warnings.append(f"{backwards} question(s) close before they open (imported, never scored)")
    return plan


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def _dump(obj: dict[str, Any]) -> str:
    return _ENCODER.encode(obj)


def export_lines(snapshot: Any) -> Iterator[str]:
    """JSON lines for a ledger snapshot (see `ledger.store.export.Snapshot`), referenced things first.

    Every domain row is there: analysts (sources and deactivated ones), questions with the values
    first recorded, then their amendments, evidence, forecasts (withdrawn ones with their
    withdrawal), resolutions and corrections.
    """
    for a in snapshot.analysts:
        yield _dump({"type": "analyst", "handle": a.handle, "name": a.name, "role": a.role, "kind": a.kind,
                     "active": a.active})
    for s in snapshot.scenarios:
        yield _dump({"type": "scenario", "slug": s.slug, "title": s.title, "summary": s.summary,
                     "source": {"title": s.source_title, "publisher": s.source_publisher, "url": s.source_url,
                                "published": s.source_published}})
    dates = iter(format_instants([when for q in snapshot.questions for when in (q.opens_at, q.closes_at,
                                                                                 q.resolves_by)]))
    for q in snapshot.questions:
        out: dict[str, Any] = {"type": "question", "slug": q.slug, "scenario": q.scenario, "title": q.title,
                               "kind": q.kind}
        if q.kind == "choice":
            out["options"] = list(q.options)
        out.update(criteria=q.criteria, opens_at=next(dates), closes_at=next(dates), resolves_by=next(dates),
                   tags=list(q.tags))
        if q.quote is not None:
            out["quote"] = q.quote
        yield _dump(out)
    for a in snapshot.amendments:
        out = {"type": "amendment", "question": a.question, "by": a.by, "at": format_instant(a.at), "reason": a.reason}
        if a.clarification is not None:
            out["clarify"] = a.clarification
        for key in ("title", "opens_at", "closes_at", "resolves_by"):
            value = getattr(a, key)
            if value is not None:
                out[key] = value if key == "title" else format_instant(value)
        yield _dump(out)
    for e in snapshot.evidence:
        yield _dump({"type": "evidence", "id": e.key, "analyst": e.analyst, "logged_at": format_instant(e.logged_at),
                     "observed_on": e.observed_on, "summary": e.summary, "source": e.source,
                     "links": [{"question": q, "stance": s} for q, s in e.links]})
    yield from _forecast_lines(snapshot)
    for r, known in zip(snapshot.resolutions, format_instants([r.known_at for r in snapshot.resolutions])):
        out = {"type": "resolution", "question": r.question, "outcome": r.outcome, "known_at": known,
               "recorded_by": r.recorded_by, "note": r.note, "correction": r.correction}
        if r.evidence:
            out["evidence"] = list(r.evidence)
        yield _dump(out)


def forecast_line(f: Any) -> str:
    """One forecast's line (an `ExportForecast`), through the JSON encoder: the reference the fast
    path below must equal byte for byte, and the path of the rare forecasts it leaves to this."""
    out = {"type": "forecast", "question": f.question, "analyst": f.analyst, "made_at": format_instant(f.made_at)}
    if f.options is None:
        out["p"] = f.p
    else:
        out["probabilities"] = dict(zip(f.options, f.probs))
    out.update(rationale=f.rationale, evidence=list(f.evidence))
    if f.withdrawn is not None:
        w = f.withdrawn
        out["withdrawn"] = {"at": format_instant(w.at), "reason": w.reason}
        if w.by is not None:
            out["withdrawn"]["by"] = w.by
    return _dump(out)


def _forecast_lines(snapshot: Any) -> Iterator[str]:
    """The forecast lines, a chunk at a time: slugs and handles encoded once each, instants
    formatted for the whole chunk with numpy, each line put together from its parts. A choice
    forecast, a withdrawn one or a probability JSON cannot write goes through `forecast_line`."""
    text = json.encoder.encode_basestring  # the encoder's own string form (ensure_ascii off)
    slugs = {qid: text(q.slug) for qid, q in snapshot.by_id.items()}
    handles = {aid: text(h) for aid, h in snapshot.handles.items()}
    for chunk in snapshot.forecast_chunks():
        cites, withdrawals = snapshot.cites, snapshot.withdrawals
        for row, stamp in zip(chunk, format_instants([row[3] for row in chunk])):
            fid, qid, aid, _, p, probs, rationale = row
            if probs is not None or type(p) is not float or not math.isfinite(p) or fid in withdrawals:
                yield forecast_line(snapshot.forecast(*row))
                continue
            why = "null" if rationale is None else text(rationale)
            cited = cites.get(fid)
            evidence = ", ".join(map(str, cited)) if cited else ""
            yield (f'{{"type": "forecast", "question": {slugs[qid]}, "analyst": {handles[aid]}, '
                   f'"made_at": "{stamp}", "p": {float.__repr__(p)}, "rationale": {why}, "evidence": [{evidence}]}}')


def write_jsonl(lines: Iterable[str], out: TextIO) -> int:
    """Write lines, a few thousand at a time, returning how many."""
    n, batch = 0, []
    for line in lines:
        batch.append(line)
        if len(batch) == 4096:
            out.write("\n".join(batch) + "\n")
            n += len(batch)
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")
        n += len(batch)
    return n
