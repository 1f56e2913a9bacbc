"""Everything `ledger report` shows, read in one snapshot: the journal head, the read's `now`,
analysts, scenarios, questions with their values in force, forecasts (withdrawals marked),
evidence, and the scoring input of the same transaction (SPEC 3: one snapshot per command)."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.core.errors import NotFound
from ledger.core.model import Analyst, Evidence, Forecast, Head, Question, Scenario
from ledger.store.entries import read_evidence, read_forecasts
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
        analysts: every analyst, by id.
        scenarios: every scenario (or the one asked for), in recording order.
        questions: every question (or the scenario's), values in force, by id.
        forecasts: their forecasts made before `as_of`, in recording order, withdrawals marked.
        evidence: evidence logged before `as_of`, oldest first.
        scored: the scoring input of the same snapshot, as of `as_of`.
    """

    head: Head
    now: int
    as_of: int
    analysts: tuple[Analyst, ...]
    scenarios: tuple[Scenario, ...]
    questions: tuple[Question, ...]
    forecasts: tuple[Forecast, ...]
    evidence: tuple[Evidence, ...]
    scored: ScoredLedger


def read_report_input(ledger: Ledger, *, as_of: int | None = None, scenario: str | None = None) -> ReportInput:
    """Read what a report needs inside one `ledger.read()`; `as_of` None is the read's `now`.

    Raises:
        NotFound: `scenario` names no scenario.
    """
    with ledger.read() as view:
        conn = view.conn
        moment = view.now if as_of is None else as_of
        scenarios = tuple(ledger.scenarios_in(conn))
        if scenario is not None:
            scenarios = tuple(sc for sc in scenarios if sc.slug == scenario)
            if not scenarios:
                raise NotFound(f"no scenario {scenario!r}")
        questions = tuple(q for q in load_questions(conn, None) if scenario is None or q.scenario == scenario)
        wanted = {q.id for q in questions}
        forecasts = tuple(f for f in read_forecasts(conn, None) if f.question_id in wanted and f.made_at < moment)
        evidence = tuple(e for e in read_evidence(conn, None) if e.logged_at < moment
                         and (scenario is None or any(link.question_id in wanted for link in e.links)))
        return ReportInput(
            head=read_head(conn), now=view.now, as_of=moment, analysts=tuple(ledger.analysts_in(conn)),
            scenarios=scenarios, questions=questions, forecasts=forecasts, evidence=evidence,
            scored=load_in(view, ledger.is_postgres, as_of=moment, scenario=scenario),
        )
