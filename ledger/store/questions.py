"""Scenarios and questions: recording them, finding them, reading them with the values in force.
Mixed into `Ledger`."""

from __future__ import annotations

import functools
import json
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger.core import rules, validate
from ledger.core.errors import NotFound, Refused
from ledger.core.model import Amendment, Question, Resolution, Scenario
from ledger.store import direct
from ledger.store.schema import question_amendments, question_tags, questions, scenarios

#: Ids above this cannot be stored (64-bit signed); a reference to one is simply not found.
MAX_ID = 2**63 - 1


def to_scenario(row: Any, n: int) -> Scenario:
    return Scenario(row["id"], row["slug"], row["title"], row["summary"], row["source_title"],
                    row["source_publisher"], row["source_url"], row["source_published"], row["created_at"], n)


_BY_SLUG = 'SELECT "id" FROM "questions" WHERE "slug" = ?'
_BY_ID = 'SELECT "id" FROM "questions" WHERE "id" = ?'


def resolve_ref(conn: Connection, ref: str) -> int:
    """A question id from Q: an exact slug wins, else `12` or `#12` is an id."""
    found = direct.fetch_one(conn, _BY_SLUG, (ref,))
    if found is not None:
        return found[0]
    digits = ref[1:] if ref.startswith("#") else ref
    if digits.isascii() and digits.isdigit() and int(digits) <= MAX_ID:
        found = direct.fetch_one(conn, _BY_ID, (int(digits),))
        if found is not None:
            return found[0]
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


#: What `load_questions` reads, on the driver's cursor (a forecast reads one question before it
#: queues for the lock, and through SQLAlchemy the statements cost more than running them). Each
#: is completed by `_restricted`: for all questions, or only for the ids given.
_TAGS = 'SELECT t."question_id", t."tag" FROM "question_tags" t'
_AMENDMENTS = ('SELECT a."question_id", a."id", a."amended_at", w."handle", a."reason", a."clarification", '
               'a."closes_at", a."resolves_by", a."title", a."opens_at" '
               'FROM "question_amendments" a JOIN "analysts" w ON w."id" = a."amended_by"')
_RESOLUTIONS = ('SELECT r."question_id", r."id", r."outcome", r."known_at", r."recorded_at", w."handle", r."note", '
                'r."correction" FROM "resolutions" r JOIN "analysts" w ON w."id" = r."recorded_by"')
_CITED = ('SELECT c."resolution_id", c."evidence_id" FROM "resolution_evidence" c '
          'JOIN "resolutions" r ON r."id" = c."resolution_id"')
_QUESTIONS = ('SELECT q."id", q."slug", q."title", q."kind", q."options", q."criteria", q."opens_at", q."closes_at", '
              'q."resolves_by", q."created_at", s."slug" FROM "questions" q '
              'LEFT JOIN "scenarios" s ON s."id" = q."scenario_id"')


@functools.lru_cache(maxsize=64)
def _restricted(sql: str, key: str, n: int | None, order: str = "") -> str:
    """`sql` for all questions (`n` None) or for `n` given ids of column `key`, then `order`."""
    where = "" if n is None else f" WHERE {key} IN ({', '.join('?' for _ in range(n))})"
    return sql + where + (f" ORDER BY {order}" if order else "")


def load_questions(conn: Connection, ids: list[int] | None) -> list[Question]:
    """Questions (these ids, or all) with tags, amendments, the values and resolution in force."""
    n = None if ids is None else len(ids)
    wanted = () if ids is None else tuple(ids)
    if n == 0:
        return []

    def rows(sql: str, key: str, order: str = "") -> list[tuple]:
        return direct.fetch_all(conn, _restricted(sql, key, n, order), wanted)

    tags: dict[int, list[str]] = {}
    for question_id, tag in rows(_TAGS, 't."question_id"'):
        tags.setdefault(question_id, []).append(tag)
    amendments: dict[int, list[Amendment]] = {}
    for question_id, *fields in rows(_AMENDMENTS, 'a."question_id"', 'a."id"'):
        amendments.setdefault(question_id, []).append(Amendment(*fields))
    latest: dict[int, tuple] = {}
    for r in rows(_RESOLUTIONS, 'r."question_id"', 'r."id"'):
        latest[r[0]] = r
    cited: dict[int, list[int]] = {}
    if latest:
        in_force = {r[1] for r in latest.values()}
        for resolution_id, evidence_id in rows(_CITED, 'r."question_id"'):
            if resolution_id in in_force:
                cited.setdefault(resolution_id, []).append(evidence_id)
    out = []
    for (qid, slug, title, kind, options, criteria, opens_at, closes_at, resolves_by, created_at,
         scenario) in rows(_QUESTIONS, 'q."id"', 'q."id"'):
        mine = tuple(amendments.get(qid, ()))
        opens, closes, due = rules.dates_in_force(opens_at, closes_at, resolves_by, mine)
        final_title = next((a.title for a in reversed(mine) if a.title is not None), title)
        res = latest.get(qid)
        resolution = None if res is None else Resolution(*res[1:], tuple(sorted(cited.get(res[1], ()))))
        out.append(Question(
            id=qid, slug=slug, title=final_title, kind=kind,
            options=tuple(json.loads(options)) if options else ("yes", "no"),
            criteria=criteria, opens_at=opens, closes_at=closes, resolves_by=due,
            tags=tuple(sorted(tags.get(qid, ()))), scenario=scenario, created_at=created_at,
            amendments=mine, resolution=resolution,
            recorded=(title, opens_at, closes_at, resolves_by),
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
