"""Everything `ledger report` shows, read in one snapshot: the journal head, the read's `now`,
analysts, scenarios, questions with their values in force, the forecasts it shows (withdrawals
marked), evidence, and the scoring input of the same transaction (SPEC 3: one snapshot per command).

Only the forecasts a report looks at become objects: those made in the period, and those on
questions still unresolved at the as-of, resolved in the period, or carrying a source's
prediction. A question resolved before the period shows only in the scores, which come from the
scoring pass's arrays; on a ledger of a million forecasts that is most of them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select

from ledger.core.errors import NotFound
from ledger.core.model import Analyst, Evidence, Forecast, Head, Question, Scenario
from ledger.core.period import Period
from ledger.store import schema as s
from ledger.store.entries import read_evidence
from ledger.store.journal import read_head
from ledger.store.ledger import Ledger
from ledger.store.questions import load_questions
from ledger.store.scores import ScoredLedger, load_in


@dataclass(frozen=True)
class ReportInput:
    """The raw material of a report, from one read transaction.

    Attributes:
        head: the journal head of the snapshot.
        now: the read's one `now`.
        as_of: the instant the report is made as of (`--as-of`, else `now`).
        period: the period it covers.
        analysts: every analyst, by id.
        scenarios: every scenario (or the one asked for), in recording order.
        questions: every question (or the scenario's), values in force, by id.
        forecasts: the forecasts it shows (see the module docstring), made before `as_of`, in
            recording order, withdrawals marked.
        withdrawn: how many of the questions' forecasts made before `as_of` are withdrawn.
        evidence: evidence logged before `as_of`, oldest first.
        scored: the scoring input of the same snapshot, as of `as_of`.
        demo: True for a demo ledger (built on a simulated clock by `ledger demo`).
    """

    head: Head
    now: int
    as_of: int
    period: Period
    analysts: tuple[Analyst, ...]
    scenarios: tuple[Scenario, ...]
    questions: tuple[Question, ...]
    forecasts: tuple[Forecast, ...]
    withdrawn: int
    evidence: tuple[Evidence, ...]
    scored: ScoredLedger
    demo: bool = False


def read_report_input(ledger: Ledger, *, period_of: Callable[[int], Period], as_of: int | None = None,
                      scenario: str | None = None) -> ReportInput:
    """Read what a report needs inside one `ledger.read()`.

    Args:
        period_of: the period, from the read's `now` (`--period` needs it when `--as-of` is not given).
        as_of: the instant the report is made as of; None is the read's `now`.
        scenario: only this scenario's questions.

    Raises:
        NotFound: `scenario` names no scenario.
    """
    with ledger.read() as view:
        conn = view.conn
        moment = view.now if as_of is None else as_of
        period = period_of(view.now)
        scenarios = tuple(ledger.scenarios_in(conn))
        if scenario is not None:
            scenarios = tuple(sc for sc in scenarios if sc.slug == scenario)
            if not scenarios:
                raise NotFound(f"no scenario {scenario!r}")
        questions = tuple(q for q in load_questions(conn, None) if scenario is None or q.scenario == scenario)
        wanted = {q.id for q in questions}
        sourced = {r[0] for r in conn.execute(
            select(s.forecasts.c.question_id).distinct().join(s.analysts, s.analysts.c.id == s.forecasts.c.analyst_id)
            .where(s.analysts.c.kind == "source"))}
        shown = {q.id for q in questions if q.resolution is None or q.resolution.known_at >= period.start
                 or q.resolution.known_at > moment or q.id in sourced}
        forecasts, withdrawn = _forecasts(conn, ledger.is_postgres, moment, period.start, wanted, shown)
        evidence = tuple(e for e in read_evidence(conn, None) if e.logged_at < moment
                         and (scenario is None or any(link.question_id in wanted for link in e.links)))
        return ReportInput(
            head=read_head(conn), now=view.now, as_of=moment, period=period, analysts=tuple(ledger.analysts_in(conn)),
            scenarios=scenarios, questions=questions, forecasts=forecasts, withdrawn=withdrawn, evidence=evidence,
            scored=load_in(view, as_of=moment, scenario=scenario), demo=ledger.is_demo(conn),
        )


def _forecasts(conn, is_postgres: bool, as_of: int, since: int, wanted: set[int],
               shown: set[int]) -> tuple[tuple[Forecast, ...], int]:
    """Forecasts on `wanted` questions made before `as_of` that are on a `shown` question or made
    from `since`, in recording order; and how many wanted ones are withdrawn. Rows come from the
    driver's cursor: only the kept ones become objects."""
    handles = {r.id: r.handle for r in conn.execute(select(s.analysts.c.id, s.analysts.c.handle))}
    withdrawals = {r.forecast_id: r.reason for r in conn.execute(select(s.withdrawals.c.forecast_id,
                                                                        s.withdrawals.c.reason))}
    cited: dict[int, list[int]] = {}
    for r in conn.execute(select(s.forecast_evidence).order_by(s.forecast_evidence.c.id)):
        cited.setdefault(r.forecast_id, []).append(r.evidence_id)
    kept, withdrawn = [], 0
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute("SELECT id, question_id, analyst_id, made_at, p, probs, rationale, imported FROM forecasts "
                       "WHERE made_at < " + ("%s" if is_postgres else "?") + " ORDER BY id", (as_of,))
        for fid, qid, aid, made_at, p, probs, rationale, imported in cursor:
            if qid not in wanted:
                continue
            reason = withdrawals.get(fid)
            withdrawn += reason is not None
            if qid in shown or made_at >= since:
                kept.append(Forecast(fid, qid, handles[aid], made_at,
                                     (p, 1.0 - p) if p is not None else tuple(json.loads(probs)), rationale,
                                     tuple(cited.get(fid, ())), bool(imported), reason))
    finally:
        cursor.close()
    return tuple(kept), withdrawn
