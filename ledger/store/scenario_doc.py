"""One scenario read back as a scenario file holds it (`ledger scenario export`), from one snapshot:
the scenario, its questions with the values in force, and its source's priors."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.engine import Connection

from ledger.core.scenario_doc import DocQuestion, ScenarioDoc
from ledger.store import schema as s
from ledger.store.ledger import Ledger
from ledger.store.questions import scenario_id
from ledger.store.reads import load_questions


def scenario_document(ledger: Ledger, slug: str) -> ScenarioDoc:
    """Scenario `slug` as a scenario file holds it.

    Questions come in recording order with the values in force (the latest title and dates; the
    criteria with each clarification appended as a paragraph). The forecaster is the source
    analyst with the earliest standing (not withdrawn) forecast on the scenario's questions; a
    question's prior is that source's earliest standing forecast on it, and its quote the one
    recorded with the question (else that forecast's rationale).

    Raises:
        NotFound: no such scenario.
    """
    with ledger.reading() as conn:
        sid = scenario_id(conn, slug)
        sc = conn.execute(select(s.scenarios).where(s.scenarios.c.id == sid)).one()
        q = s.questions.c
        quotes = dict(conn.execute(select(q.id, q.quote).where(q.scenario_id == sid)).all())
        found = load_questions(conn, sorted(quotes)) if quotes else []
        forecaster, priors = _priors(conn, sid)
        questions = []
        for question in found:
            prior = priors.get(question.id)
            criteria = question.criteria + "".join(f"\n\nClarification: {c}" for c in question.clarifications)
            probs = None if prior is None else ((prior.p,) if prior.probs is None else tuple(json.loads(prior.probs)))
            said = quotes[question.id] if quotes[question.id] is not None else (prior.rationale if prior else None)
            questions.append(DocQuestion(
                question.slug, question.title, question.kind, question.options if question.kind == "choice" else (),
                criteria, question.opens_at, question.closes_at, question.resolves_by, question.tags, probs, said,
            ))
        return ScenarioDoc(sc.slug, sc.title, sc.summary, sc.source_title, sc.source_publisher, sc.source_url,
                           sc.source_published, forecaster, tuple(questions))


def _priors(conn: Connection, sid: int) -> tuple[str | None, dict[int, Any]]:
    """The scenario's forecaster (see `scenario_document`) and its prior per question id."""
    f, a, q, w = s.forecasts.c, s.analysts.c, s.questions.c, s.withdrawals.c
    rows = conn.execute(
        select(f.question_id, f.p, f.probs, f.rationale, a.handle)
        .select_from(s.forecasts.join(s.analysts, a.id == f.analyst_id).join(s.questions, q.id == f.question_id))
        .where(q.scenario_id == sid, a.kind == "source", ~exists().where(w.forecast_id == f.id))
        .order_by(f.made_at, f.id)
    ).all()
    if not rows:
        return None, {}
    forecaster = rows[0].handle
    priors: dict[int, Any] = {}
    for r in rows:
        if r.handle == forecaster and r.question_id not in priors:
            priors[r.question_id] = r
    return forecaster, priors
