"""Scenarios and questions: recording them, finding them, reading them with the values in force.
Mixed into `Ledger`."""

from __future__ import annotations

import json
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core import rules, validate
from ledger.core.errors import NotFound, Refused
from ledger.core.model import Question, Scenario
from ledger.store.reads import load_question, load_questions, read_scenarios, resolve_ref
from ledger.store.schema import question_amendments, question_tags, questions, scenarios



def to_scenario(row: Any, n: int) -> Scenario:
    return Scenario(row["id"], row["slug"], row["title"], row["summary"], row["source_title"],
                    row["source_publisher"], row["source_url"], row["source_published"], row["created_at"], n)


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
        return read_scenarios(conn)

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
