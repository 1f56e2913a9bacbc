"""Scenarios and questions: recording them, finding them, reading them with the values in force.
Mixed into `Ledger`."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import Select, bindparam, func, select, true
from sqlalchemy.engine import Connection

from ledger.core import rules, validate
from ledger.core.errors import NotFound, Refused
from ledger.core.model import Amendment, Question, Resolution, Scenario
from ledger.store.schema import (
    analysts,
    question_amendments,
    question_tags,
    questions,
    resolution_evidence,
    resolutions,
    scenarios,
)

#: Ids above this cannot be stored (64-bit signed); a reference to one is simply not found.
MAX_ID = 2**63 - 1


def to_scenario(row: Any, n: int) -> Scenario:
    return Scenario(row["id"], row["slug"], row["title"], row["summary"], row["source_title"],
                    row["source_publisher"], row["source_url"], row["source_published"], row["created_at"], n)


_BY_SLUG = select(questions.c.id).where(questions.c.slug == bindparam("ref"))
_BY_ID = select(questions.c.id).where(questions.c.id == bindparam("ref"))


def resolve_ref(conn: Connection, ref: str) -> int:
    """A question id from Q: an exact slug wins, else `12` or `#12` is an id."""
    found = conn.execute(_BY_SLUG, {"ref": ref}).scalar()
    if found is not None:
        return found
    digits = ref[1:] if ref.startswith("#") else ref
    if digits.isascii() and digits.isdigit() and int(digits) <= MAX_ID:
        found = conn.execute(_BY_ID, {"ref": int(digits)}).scalar()
        if found is not None:
            return found
    raise NotFound(f"no question {ref!r} (give a slug, or an id as 12 or #12)")


def scenario_id(conn: Connection, slug: str) -> int:
    found = conn.execute(select(scenarios.c.id).where(scenarios.c.slug == slug)).scalar()
    if found is None:
        raise NotFound(f"no scenario {slug!r}")
    return found


def slugs(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    """Question slugs by id."""
    if not ids:
        return {}
    return {r.id: r.slug for r in conn.execute(select(questions.c.id, questions.c.slug).where(questions.c.id.in_(ids)))}


@dataclass(frozen=True)
class _QuestionReads:
    """The statements `load_questions` runs: built once for some questions (`:ids`) and once for
    all, since building them costs a one-question write more than running them."""

    handles: Select
    handle: Select
    tags: Select
    amendments: Select
    resolutions: Select
    cited: Select
    questions: Select

    @staticmethod
    @functools.cache
    def of(some: bool) -> "_QuestionReads":
        def only(column):  # restrict a query to the wanted questions
            return column.in_(bindparam("ids", expanding=True)) if some else true()

        return _QuestionReads(
            handles=select(analysts.c.id, analysts.c.handle),
            handle=select(analysts.c.handle).where(analysts.c.id == bindparam("analyst")),
            tags=select(question_tags.c.question_id, question_tags.c.tag).where(only(question_tags.c.question_id)),
            amendments=select(question_amendments).where(only(question_amendments.c.question_id))
            .order_by(question_amendments.c.id),
            resolutions=select(resolutions).where(only(resolutions.c.question_id)).order_by(resolutions.c.id),
            cited=select(resolution_evidence).where(
                resolution_evidence.c.resolution_id.in_(bindparam("resolutions", expanding=True))),
            questions=select(questions, scenarios.c.slug.label("scenario_slug"))
            .outerjoin(scenarios, scenarios.c.id == questions.c.scenario_id)
            .where(only(questions.c.id)).order_by(questions.c.id),
        )


def load_questions(conn: Connection, ids: list[int] | None) -> list[Question]:
    """Questions (these ids, or all) with tags, amendments, the values and resolution in force."""
    reads = _QuestionReads.of(ids is not None)
    wanted = {} if ids is None else {"ids": ids}
    handles = dict(conn.execute(reads.handles).all()) if ids is None else None

    def handle_of(analyst_id: int) -> str:
        if handles is not None:
            return handles[analyst_id]
        return conn.execute(reads.handle, {"analyst": analyst_id}).scalar_one()

    tags: dict[int, list[str]] = {}
    for r in conn.execute(reads.tags, wanted):
        tags.setdefault(r.question_id, []).append(r.tag)
    amendments: dict[int, list[Amendment]] = {}
    for r in conn.execute(reads.amendments, wanted):
        amendments.setdefault(r.question_id, []).append(Amendment(
            r.id, r.amended_at, handle_of(r.amended_by), r.reason, r.clarification, r.closes_at, r.resolves_by,
            r.title, r.opens_at))
    latest: dict[int, Any] = {}
    for r in conn.execute(reads.resolutions, wanted):
        latest[r.question_id] = r
    cited: dict[int, list[int]] = {}
    if latest:
        for r in conn.execute(reads.cited, {"resolutions": [r.id for r in latest.values()]}):
            cited.setdefault(r.resolution_id, []).append(r.evidence_id)
    query = reads.questions
    out = []
    for r in conn.execute(query, wanted):
        mine = tuple(amendments.get(r.id, ()))
        opens, closes, due = rules.dates_in_force(r.opens_at, r.closes_at, r.resolves_by, mine)
        title = next((a.title for a in reversed(mine) if a.title is not None), r.title)
        res = latest.get(r.id)
        resolution = None if res is None else Resolution(
            res.id, res.outcome, res.known_at, res.recorded_at, handle_of(res.recorded_by), res.note, res.correction,
            tuple(sorted(cited.get(res.id, ()))))
        out.append(Question(
            id=r.id, slug=r.slug, title=title, kind=r.kind,
            options=tuple(json.loads(r.options)) if r.options else ("yes", "no"),
            criteria=r.criteria, opens_at=opens, closes_at=closes, resolves_by=due,
            tags=tuple(sorted(tags.get(r.id, ()))), scenario=r.scenario_slug, created_at=r.created_at,
            amendments=mine, resolution=resolution,
            recorded=(r.title, r.opens_at, r.closes_at, r.resolves_by),
        ))
    return out


def load_question(conn: Connection, ref: str) -> Question:
    return load_questions(conn, [resolve_ref(conn, ref)])[0]


class QuestionsMixin:
    """Scenario and question commands of `Ledger`."""

    def add_scenario(self, actor: str, slug: str, title: str, *, summary: str | None = None,
                     source_title: str | None = None, source_publisher: str | None = None,
                     source_url: str | None = None, source_published: str | None = None) -> Scenario:
        """Record a scenario (any active analyst)."""
        values = dict(
            slug=validate.slug(slug, what="scenario slug"),
            title=validate.text(title, what="title", required=True, single_line=True),
            summary=validate.text(summary, what="summary"),
            source_title=validate.text(source_title, what="source title", single_line=True),
            source_publisher=validate.text(source_publisher, what="publisher", single_line=True),
            source_url=validate.text(source_url, what="source url", single_line=True),
            source_published=source_published,
        )
        with self.writing(actor) as tx:
            if tx.conn.execute(select(scenarios.c.id).where(scenarios.c.slug == slug)).first():
                raise Refused(f"scenario {slug!r} already exists")
            row = tx.journal.insert(scenarios, **values, created_at=tx.now, created_by=tx.actor.id)
            tx.journal.append("scenario.add", scenario=slug)
        return to_scenario(row, 0)

    def scenarios(self) -> list[Scenario]:
        """Every scenario with its number of questions, by slug."""
        with self.reading() as conn:
            return sorted(self.scenarios_in(conn), key=lambda sc: sc.slug)

    def scenarios_in(self, conn: Connection) -> list[Scenario]:
        """Every scenario with its number of questions, in recording order."""
        n = select(func.count()).select_from(questions).where(questions.c.scenario_id == scenarios.c.id)
        rows = conn.execute(select(scenarios, n.scalar_subquery().label("n")).order_by(scenarios.c.id)).all()
        return [to_scenario(r._mapping, r.n) for r in rows]

    def scenario_view(self, slug: str) -> tuple[Scenario, list[Question], int]:
        """A scenario, its questions and the read's `now`, from one snapshot."""
        with self.read() as view:
            sid = scenario_id(view.conn, slug)
            found = next(s for s in self.scenarios_in(view.conn) if s.id == sid)
            return found, [q for q in load_questions(view.conn, None) if q.scenario == slug], view.now

    def add_question(self, actor: str, *, scenario: str | None, title: str, criteria: str, opens_at: int | None,
                     closes_at: int, resolves_by: int | None, options: Sequence[str] = (), tags: Sequence[str] = (),
                     slug: str | None = None, quote: str | None = None) -> Question:
        """Record a question; two or more options make it a choice question."""
        validate.text(title, what="title", required=True, single_line=True)
        validate.text(criteria, what="criteria", required=True)
        rules.raise_first(rules.criteria(criteria))
        validate.text(quote, what="quote")
        if slug is not None:
            validate.slug(slug, what="question slug", need_letter=True)
        names = validate.options(options)
        tag_list = sorted({validate.tag(t) for t in tags})
        rules.raise_first(rules.question_dates(opens_at, closes_at, closes_at if resolves_by is None else resolves_by))
        with self.writing(actor) as tx:
            opens = tx.now if opens_at is None else opens_at
            due = closes_at if resolves_by is None else resolves_by
            rules.raise_first(rules.question_dates(opens, closes_at, due))
            sid = None if scenario is None else scenario_id(tx.conn, scenario)
            final_slug = self._free_slug(tx.conn, slug, title)
            row = tx.journal.insert(
                questions, slug=final_slug, scenario_id=sid, title=title, kind="choice" if names else "binary",
                options=json.dumps(names, ensure_ascii=False) if names else None, criteria=criteria, quote=quote,
                opens_at=opens, closes_at=closes_at, resolves_by=due, created_at=tx.now, created_by=tx.actor.id,
            )
            for t in tag_list:
                tx.journal.insert(question_tags, question_id=row["id"], tag=t)
            tx.journal.append("question.add", question=final_slug)
            return load_questions(tx.conn, [row["id"]])[0]

    def _free_slug(self, conn: Connection, wanted: str | None, title: str) -> str:
        def taken(candidate: str) -> bool:
            return conn.execute(select(questions.c.id).where(questions.c.slug == candidate)).first() is not None

        if wanted is not None:
            if taken(wanted):
                raise Refused(f"question slug {wanted!r} is taken")
            return wanted
        base = validate.slugify(title)
        candidate, n = base, 1
        while taken(candidate):
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def resolve_ref(self, conn: Connection, ref: str) -> int:
        """A question id from Q: an exact slug wins, else `12` or `#12` is an id."""
        return resolve_ref(conn, ref)

    def questions_in(self, conn: Connection) -> list[Question]:
        """Every question with the values in force and resolution, in recording order."""
        return load_questions(conn, None)

    def question(self, ref: str) -> Question:
        """One question with its amendments and resolution in force."""
        with self.reading() as conn:
            return load_question(conn, ref)

    def question_list(self, *, scenario: str | None = None, status: str | None = None,
                      tag: str | None = None) -> tuple[list[Question], int]:
        """Questions by id, filtered by scenario slug, derived status and tag, and the `now` the
        statuses were derived at: one snapshot."""
        with self.read() as view:
            if scenario is not None:
                scenario_id(view.conn, scenario)
            found = load_questions(view.conn, None)
        return [q for q in found if (scenario is None or q.scenario == scenario)
                and (status is None or q.status(view.now) == status)
                and (tag is None or tag in q.tags)], view.now

    def questions(self, *, scenario: str | None = None, status: str | None = None,
                  tag: str | None = None) -> list[Question]:
        """Questions filtered as `question_list` does."""
        return self.question_list(scenario=scenario, status=status, tag=tag)[0]

    def amend_question(self, actor: str, ref: str, *, reason: str, clarification: str | None = None,
                       title: str | None = None, opens_at: int | None = None, closes_at: int | None = None,
                       resolves_by: int | None = None) -> tuple[Question, Question]:
        """Amend a question (editors only): journaled, old values kept; returns (before, after)."""
        validate.text(reason, what="--reason", required=True)
        validate.text(clarification, what="--clarify", required=clarification is not None)
        validate.text(title, what="--title", required=title is not None, single_line=True)
        with self.writing(actor) as tx:
            tx.require_editor("amend questions")
            before = load_question(tx.conn, ref)
            due = rules.follows_close(before, closes_at, resolves_by)
            rules.raise_first(rules.amendment(before, tx.now, title=title, opens_at=opens_at, closes_at=closes_at,
                                         resolves_by=due, clarification=clarification))
            tx.journal.insert(question_amendments, question_id=before.id, amended_at=tx.now, amended_by=tx.actor.id,
                              reason=reason, clarification=clarification, closes_at=closes_at, resolves_by=due,
                              title=title, opens_at=opens_at)
            tx.journal.append("question.amend", question=before.slug)
            return before, load_questions(tx.conn, [before.id])[0]
