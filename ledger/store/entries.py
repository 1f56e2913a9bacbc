"""What analysts and editors log: forecasts, evidence and its links, resolutions; and the
one-snapshot reads of them. Mixed into `Ledger`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core import rules, validate
from ledger.core.errors import BadInput, NotFound, Refused
from ledger.core.model import Evidence, EvidenceLink, Forecast, Head, Question, Resolution
from ledger.core.probability import ForecastInput
from ledger.core.timeutil import format_instant
from ledger.store.derived import OneRow
from ledger.store.journal import canonical
from ledger.store.questions import slugs
from ledger.store.reads import MAX_ID, load_question, load_questions, read_evidence, read_head, resolve_ref
from ledger.store.schema import (
    analysts,
    evidence,
    evidence_links,
    forecast_evidence,
    forecasts,
    resolution_evidence,
    resolutions,
    withdrawals,
)


def forecast_row(question: Question, analyst_id: int, probabilities: Sequence[float], rationale: str | None
                 ) -> dict[str, Any]:
    """A live forecast's row, but for its id and `made_at`."""
    return dict(question_id=question.id, analyst_id=analyst_id,
                p=probabilities[0] if question.kind == "binary" else None,
                probs=None if question.kind == "binary" else canonical(list(probabilities)),
                rationale=rationale, imported=False)


@dataclass(frozen=True)
class QuestionView:
    """A question and everything recorded on it, read in one snapshot.

    Attributes:
        question: the question, values in force.
        forecasts: in recording order, withdrawals marked.
        evidence: the evidence linked to it.
        resolutions: every resolution, corrections included, oldest first.
        head: the journal head of the snapshot.
        now: the instant statuses are derived at.
    """

    question: Question
    forecasts: list[Forecast]
    evidence: list[Evidence]
    resolutions: list[Resolution]
    head: Head
    now: int


def check_evidence(conn: Connection, ids: Iterable[int]) -> None:
    """Refuse (not found) evidence ids that do not exist."""
    wanted = set(ids)
    if not wanted:
        return
    storable = {i for i in wanted if 0 < i <= MAX_ID}
    found = {r.id for r in conn.execute(select(evidence.c.id).where(evidence.c.id.in_(storable)))} if storable \
        else set()
    missing = sorted(wanted - found)
    if missing:
        raise NotFound(f"no evidence {', '.join(str(m) for m in missing)}")


def read_forecasts(conn: Connection, question_id: int | None) -> list[Forecast]:
    """Forecasts (of one question, or all), in recording order, with withdrawals marked."""
    query = (select(forecasts, analysts.c.handle, withdrawals.c.reason.label("withdrawn"))
             .join(analysts, analysts.c.id == forecasts.c.analyst_id)
             .outerjoin(withdrawals, withdrawals.c.forecast_id == forecasts.c.id)
             .order_by(forecasts.c.id))
    cite = select(forecast_evidence)
    if question_id is not None:
        query = query.where(forecasts.c.question_id == question_id)
        cite = cite.join(forecasts, forecasts.c.id == forecast_evidence.c.forecast_id).where(
            forecasts.c.question_id == question_id)
    cited: dict[int, list[int]] = {}
    for r in conn.execute(cite):
        cited.setdefault(r.forecast_id, []).append(r.evidence_id)
    return [Forecast(r.id, r.question_id, r.handle, r.made_at,
                     (r.p, 1.0 - r.p) if r.p is not None else tuple(json.loads(r.probs)), r.rationale,
                     tuple(cited.get(r.id, ())), bool(r.imported), r.withdrawn)
            for r in conn.execute(query)]


def read_resolutions(conn: Connection, question_id: int) -> list[Resolution]:
    """Every resolution of a question, corrections included, oldest first."""
    cited: dict[int, list[int]] = {}
    for r in conn.execute(select(resolution_evidence).join(
            resolutions, resolutions.c.id == resolution_evidence.c.resolution_id).where(
            resolutions.c.question_id == question_id)):
        cited.setdefault(r.resolution_id, []).append(r.evidence_id)
    rows = conn.execute(select(resolutions, analysts.c.handle).join(analysts, analysts.c.id == resolutions.c.recorded_by)
                        .where(resolutions.c.question_id == question_id).order_by(resolutions.c.id))
    return [Resolution(r.id, r.outcome, r.known_at, r.recorded_at, r.handle, r.note, r.correction,
                       tuple(cited.get(r.id, ()))) for r in rows]


class EntriesMixin:
    """Forecast, evidence and resolution commands of `Ledger`."""

    def record_forecast(self, actor: str, ref: str, given: ForecastInput, *, rationale: str | None = None,
                        evidence_ids: Sequence[int] = ()) -> tuple[Question, Forecast]:
        """Record a forecast now; `given` was parsed from what the analyst typed."""
        validate.text(rationale, what="--why")
        if not evidence_ids:  # the common write: appended from a template where it can be (`Ledger._derived`)
            done = self._derived(actor, lambda conn: load_question(conn, ref),
                                 lambda early: self._forecast_write(early, given, rationale))
            if done is not None:
                (question, probabilities), made = done
                return question, Forecast(made.id, question.id, actor, made.at, probabilities, rationale, ())
        with self.writing(actor, prepare=lambda conn: load_question(conn, ref)) as tx:
            question = tx.prepared
            probabilities = given.probabilities(question.kind, question.options, f"#{question.id}")
            rules.raise_first([rules.forecast_window(question, tx.now)])
            check_evidence(tx.conn, evidence_ids)
            row = tx.journal.insert(forecasts, made_at=tx.now,
                                    **forecast_row(question, tx.actor.id, probabilities, rationale))
            for evidence_id in dict.fromkeys(evidence_ids):
                tx.journal.insert(forecast_evidence, forecast_id=row["id"], evidence_id=evidence_id)
            tx.journal.append("forecast", question=question.slug)
        return question, Forecast(row["id"], question.id, actor, tx.now, probabilities, rationale,
                                  tuple(dict.fromkeys(evidence_ids)))

    @staticmethod
    def _forecast_write(early: Any, given: ForecastInput, rationale: str | None) -> tuple[OneRow, Any] | None:
        """`record_forecast` as a one-row write from a template (`Ledger._derived`), with the
        question and the probabilities; None for a resolved question (the usual write says so)."""
        question = early.value
        probabilities = given.probabilities(question.kind, question.options, f"#{question.id}")
        if question.resolution is not None:
            return None
        values = forecast_row(question, early.actor.id, probabilities, rationale)
        if values["p"] is not None:
            values["p"] += 0.0  # -0.0 is 0.0, as `JournalWriter.insert` makes it
        return OneRow(forecasts, values, "made_at", "forecast", {"question": question.slug},
                      (question.opens_at, question.closes_at)), (question, probabilities)

    def forecasts(self, ref: str | None = None) -> list[Forecast]:
        """Forecasts (of one question, or all), in recording order, with withdrawals marked."""
        with self.reading() as conn:
            return read_forecasts(conn, None if ref is None else resolve_ref(conn, ref))

    def question_view(self, ref: str) -> QuestionView:
        """A question with its forecasts, evidence and resolutions, and the head: one snapshot."""
        with self.read() as view:
            question = load_question(view.conn, ref)
            return QuestionView(question, read_forecasts(view.conn, question.id),
                                read_evidence(view.conn, question.id), read_resolutions(view.conn, question.id),
                                read_head(view.conn), view.now)

    def add_evidence(self, actor: str, summary: str, *, source: str | None = None, observed_on: str | None = None,
                     links: Sequence[tuple[str, str]] = ()) -> Evidence:
        """Log evidence and link it to questions with a stance each; observed today by default."""
        validate.text(summary, what="summary", required=True)
        validate.text(source, what="--source")
        for _, stance in links:
            rules.raise_first([rules.stance(stance)])
        with self.writing(actor) as tx:
            observed = observed_on or format_instant(tx.now)[:10]
            row = tx.journal.insert(evidence, analyst_id=tx.actor.id, logged_at=tx.now, observed_on=observed,
                                    summary=summary, source=source, imported=False)
            made: list[int] = []
            for ref, stance in links:
                qid = resolve_ref(tx.conn, ref)
                if qid in made:
                    raise BadInput(f"question {ref!r} is linked twice")
                tx.journal.insert(evidence_links, evidence_id=row["id"], question_id=qid, stance=stance,
                                  linked_at=tx.now, analyst_id=tx.actor.id)
                made.append(qid)
            tx.journal.append("evidence.add", evidence=row["id"])
            names = slugs(tx.conn, made)
        return Evidence(row["id"], summary, source, observed, tx.now, tx.actor.handle,
                        tuple(EvidenceLink(q, names[q], s) for q, (_, s) in zip(made, links)))

    def link_evidence(self, actor: str, evidence_id: int, ref: str, stance: str) -> EvidenceLink:
        """Link existing evidence to a question with a stance."""
        rules.raise_first([rules.stance(stance)])
        with self.writing(actor) as tx:
            check_evidence(tx.conn, [evidence_id])
            qid = resolve_ref(tx.conn, ref)
            existing = tx.conn.execute(select(evidence_links.c.stance).where(
                evidence_links.c.evidence_id == evidence_id, evidence_links.c.question_id == qid)).scalar()
            if existing is not None:
                raise Refused(f"evidence {evidence_id} is already linked to {ref!r} with stance {existing}")
            tx.journal.insert(evidence_links, evidence_id=evidence_id, question_id=qid, stance=stance,
                              linked_at=tx.now, analyst_id=tx.actor.id)
            tx.journal.append("evidence.link", evidence=evidence_id)
            return EvidenceLink(qid, slugs(tx.conn, [qid])[qid], stance)

    def evidence(self, ref: str | None = None) -> list[Evidence]:
        """Evidence items (linked to one question, or all), oldest first."""
        with self.reading() as conn:
            return read_evidence(conn, None if ref is None else resolve_ref(conn, ref))

    def resolve(self, actor: str, ref: str, outcome: str, *, known_at: int | None = None, note: str | None = None,
                evidence_ids: Sequence[int] = (), correction: str | None = None) -> Question:
        """Record an outcome (editors only); a second one must be a correction with a reason."""
        validate.text(note, what="--note")
        validate.text(correction, what="--correct", required=correction is not None)
        with self.writing(actor) as tx:
            tx.require_editor("resolve questions")
            question = load_question(tx.conn, ref)
            chosen, problem = rules.outcome(question, outcome)
            rules.raise_first([problem])
            when, problems = rules.resolution(question, known_at=known_at, now=tx.now, correction=correction)
            rules.raise_first(problems)
            check_evidence(tx.conn, evidence_ids)
            row = tx.journal.insert(resolutions, question_id=question.id, outcome=chosen, known_at=when,
                                    recorded_at=tx.now, recorded_by=tx.actor.id, note=note, correction=correction,
                                    imported=False)
            for evidence_id in dict.fromkeys(evidence_ids):
                tx.journal.insert(resolution_evidence, resolution_id=row["id"], evidence_id=evidence_id)
            tx.journal.append("resolution.correct" if correction else "resolution", question=question.slug,
                              outcome=chosen)
            return load_questions(tx.conn, [question.id])[0]

    def withdraw(self, actor: str, forecast_id: int, reason: str) -> tuple[Question, Forecast]:
        """Withdraw a forecast (see `rules.withdrawal` for who and when): journaled, shown, never scored."""
        validate.text(reason, what="--reason", required=True)
        with self.writing(actor) as tx:
            row = tx.conn.execute(select(forecasts.c.question_id, forecasts.c.analyst_id).where(
                forecasts.c.id == forecast_id)).first() if 0 < forecast_id <= MAX_ID else None
            if row is None:
                raise NotFound(f"no forecast {forecast_id}")
            found = next(f for f in read_forecasts(tx.conn, row.question_id) if f.id == forecast_id)
            author = next(a for a in self.analysts_in(tx.conn) if a.id == row.analyst_id)
            rules.raise_first([rules.withdrawal(found, author, tx.actor, tx.now)])
            tx.journal.insert(withdrawals, forecast_id=forecast_id, withdrawn_at=tx.now, reason=reason,
                              withdrawn_by=tx.actor.id)
            tx.journal.append("forecast.withdraw", forecast=forecast_id)
            return load_questions(tx.conn, [row.question_id])[0], found

    def resolutions(self, ref: str) -> list[Resolution]:
        """Every resolution of a question, corrections included, oldest first."""
        with self.reading() as conn:
            return read_resolutions(conn, resolve_ref(conn, ref))
