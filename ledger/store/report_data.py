"""Everything `ledger report` shows, read in one snapshot: the journal head, the read's `now`,
analysts, scenarios, the questions with their values in force, the forecasts made before the
as-of (withdrawals marked), evidence, and the scoring input of the same transaction (SPEC 3: one
snapshot per command).

A ledger may hold a hundred thousand questions and a million forecasts, of which a report lists
a few hundred. So questions and forecasts are read as columns (`QuestionTable`, `ForecastTable`)
through the driver's cursor, and the forecasts once, for the report and its scoring pass alike.
Only amended questions become `Question` objects (the report shows their amendments), and only
the rationales a report can quote are read: those of forecasts made in the period (behind a
move) and of sources' predictions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ledger.core.errors import NotFound
from ledger.core.model import Analyst, Evidence, Head, Question, Scenario
from ledger.core.period import Period
from ledger.store import direct
from ledger.store.clock import View
from ledger.store.reads import is_demo, load_questions, read_analysts, read_evidence, read_head, read_scenarios
from ledger.store.scores import ForecastRead, ScoredLedger, load_in, read_choice_probs, resolved_of, withdrawn_ids

if TYPE_CHECKING:  # pragma: no cover
    from ledger.store.ledger import Ledger

#: `QuestionTable.known_at` of a question without a resolution: after every instant.
UNRESOLVED = np.iinfo(np.int64).max

_QUESTIONS_SQL = """
SELECT q.id, q.slug, q.title, q.kind, q.options, q.opens_at, q.closes_at, q.resolves_by, q.created_at, sc.slug
FROM questions q LEFT JOIN scenarios sc ON sc.id = q.scenario_id ORDER BY q.id
"""
_IN_FORCE_SQL = """
SELECT r.question_id, r.outcome, r.known_at, r.note FROM resolutions r
JOIN (SELECT question_id, max(id) AS rid FROM resolutions GROUP BY question_id) latest ON latest.rid = r.id
"""
_SOURCES = """SELECT "id" FROM "analysts" WHERE "kind" = 'source'"""
#: The rationales a report can quote: of forecasts made in the period, and of sources' predictions.
_QUOTED = ('SELECT "id", "rationale" FROM "forecasts" WHERE "rationale" IS NOT NULL AND "made_at" < ? '
           f'AND ("made_at" >= ? OR "analyst_id" IN ({_SOURCES}))')
_CITED = 'SELECT "forecast_id", "evidence_id" FROM "forecast_evidence" ORDER BY "id"'
#: Amended questions are read as objects this many at a time (bounded IN lists).
_CHUNK = 2000


@dataclass(frozen=True)
class QuestionTable:
    """Questions by id, one column per value, values and resolution in force: what a report
    counts, sorts and filters by, without an object per question. A question is a row number.

    Attributes:
        id: int64[Q], database ids, increasing.
        slug, title, scenario: per row, the slug, the title in force, the scenario's slug or None.
        options: per row, the option names; ("yes", "no") for a yes/no question.
        binary: bool[Q], True for a yes/no question.
        opens_at, closes_at, resolves_by: int64[Q], the dates in force.
        created_at: int64[Q], when recorded.
        outcome: per row, the outcome in force, or None while unresolved.
        known_at: int64[Q], when the outcome in force became known; `UNRESOLVED` where none.
        note: per row, the note of the resolution in force, or None.
        amended: row -> the amended question as an object (with its amendments), for those only.
    """

    id: np.ndarray
    slug: list[str]
    title: list[str]
    scenario: list[str | None]
    options: list[tuple[str, ...]]
    binary: np.ndarray
    opens_at: np.ndarray
    closes_at: np.ndarray
    resolves_by: np.ndarray
    created_at: np.ndarray
    outcome: list[str | None]
    known_at: np.ndarray
    note: list[str | None]
    amended: dict[int, Question]

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True)
class ForecastTable:
    """The forecasts on the report's questions made before the as-of, in recording order, one
    column per value. A forecast is a row number.

    Attributes:
        id: int64[F], database ids, increasing.
        question: int64[F], its question's row in the `QuestionTable`.
        analyst: int64[F], the analyst's id.
        made_at: int64[F], when it was made.
        withdrawn: bool[F], True once withdrawn.
        source: bool[F], True for a source's prediction.
        off: int64[F], where its probabilities start in `probs`.
        probs: float64, flat: p_yes of a yes/no forecast, every option's probability of a choice
            one, in forecast order (`ScoringInput.probs`' layout).
        rationale: forecast id -> rationale, for forecasts made in the period and sources' ones.
        evidence: forecast id -> the evidence ids it cites.
    """

    id: np.ndarray
    question: np.ndarray
    analyst: np.ndarray
    made_at: np.ndarray
    withdrawn: np.ndarray
    source: np.ndarray
    off: np.ndarray
    probs: np.ndarray
    rationale: dict[int, str]
    evidence: dict[int, tuple[int, ...]]

    def __len__(self) -> int:
        return len(self.id)

    def probabilities(self, row: int, options: int, binary: bool) -> tuple[float, ...]:
        """Forecast `row`'s probability of every option ((p_yes, p_no) for yes/no), as `Forecast`."""
        at = int(self.off[row])
        if binary:
            p = float(self.probs[at])
            return (p, 1.0 - p)
        return tuple(self.probs[at:at + options].tolist())


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
        questions: every question (or the scenario's).
        forecasts: the forecasts on them made before `as_of`.
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
    questions: QuestionTable
    forecasts: ForecastTable
    evidence: tuple[Evidence, ...]
    scored: ScoredLedger
    demo: bool = False


def read_report_input(ledger: "Ledger", *, period_of: Callable[[int], Period], as_of: int | None = None,
                      scenario: str | None = None) -> ReportInput:
    """Read what a report needs inside one `ledger.read()` (`read_report_in`)."""
    with ledger.read() as view:
        return read_report_in(view, period_of=period_of, as_of=as_of, scenario=scenario)


def read_report_in(view: View, *, period_of: Callable[[int], Period], as_of: int | None = None,
                   scenario: str | None = None) -> ReportInput:
    """Read what a report needs in one snapshot (`view`: SQLAlchemy's connection, or a plain
    `sqlite3` one, `ledger.store.plain`).

    Args:
        period_of: the period, from the read's `now` (`--period` needs it when `--as-of` is not given).
        as_of: the instant the report is made as of; None is the read's `now`.
        scenario: only this scenario's questions.

    Raises:
        NotFound: `scenario` names no scenario.
    """
    conn = view.conn
    moment = view.now if as_of is None else as_of
    period = period_of(view.now)
    scenarios = tuple(read_scenarios(conn))
    if scenario is not None:
        scenarios = tuple(sc for sc in scenarios if sc.slug == scenario)
        if not scenarios:
            raise NotFound(f"no scenario {scenario!r}")
    pending = ForecastRead.begin(conn, moment)  # read aside while the questions are read here
    questions = _questions(conn, scenario)
    rows = pending.rows()
    choice_probs = read_choice_probs(conn, moment)
    forecasts = _forecasts(conn, questions, rows, choice_probs, moment, period.start)
    wanted = set(questions.id.tolist())
    evidence = tuple(e for e in read_evidence(conn, None) if e.logged_at < moment
                     and (scenario is None or any(link.question_id in wanted for link in e.links)))
    return ReportInput(
        head=read_head(conn), now=view.now, as_of=moment, period=period, analysts=tuple(read_analysts(conn)),
        scenarios=scenarios, questions=questions, forecasts=forecasts, evidence=evidence,
        scored=load_in(view, as_of=moment, scenario=scenario, forecasts=(rows, choice_probs),
                       questions=resolved_of(conn, questions.id, questions.slug, questions.scenario,
                                             questions.options, questions.binary, questions.opens_at,
                                             questions.closes_at, questions.outcome, questions.known_at)),
        demo=is_demo(conn),
    )


def _questions(conn: Any, scenario: str | None) -> QuestionTable:
    """Every question (or the scenario's) as columns; the amended ones also as objects, whose
    values in force (dates, title) the columns take."""
    cursor = direct.driver(conn).cursor()
    try:
        cursor.execute(_QUESTIONS_SQL)
        rows = [r for r in cursor.fetchall() if scenario is None or r[9] == scenario]
        cursor.execute(_IN_FORCE_SQL)
        in_force = {qid: (outcome, known_at, note) for qid, outcome, known_at, note in cursor.fetchall()}
    finally:
        cursor.close()
    ids = [r[0] for r in rows]
    title = [r[2] for r in rows]
    dates = np.array([r[5:8] for r in rows], dtype=np.int64).reshape(len(rows), 3)  # opens, closes, resolves by
    row_of = {qid: i for i, qid in enumerate(ids)}
    amended: dict[int, Question] = {}
    wanted = sorted({qid for (qid,) in direct.fetch_all(conn, 'SELECT DISTINCT "question_id" FROM "question_amendments"')}
                    & row_of.keys())
    for at in range(0, len(wanted), _CHUNK):
        for q in load_questions(conn, wanted[at:at + _CHUNK]):
            i = row_of[q.id]
            amended[i] = q
            title[i] = q.title
            dates[i] = (q.opens_at, q.closes_at, q.resolves_by)
    resolved = [in_force.get(qid, (None, UNRESOLVED, None)) for qid in ids]
    return QuestionTable(
        id=np.array(ids, dtype=np.int64), slug=[r[1] for r in rows], title=title, scenario=[r[9] for r in rows],
        options=[tuple(json.loads(r[4])) if r[4] else ("yes", "no") for r in rows],
        binary=np.array([r[3] == "binary" for r in rows], dtype=bool),
        opens_at=dates[:, 0].copy(), closes_at=dates[:, 1].copy(), resolves_by=dates[:, 2].copy(),
        created_at=np.array([r[8] for r in rows], dtype=np.int64),
        outcome=[o for o, _, _ in resolved], known_at=np.array([k for _, k, _ in resolved], dtype=np.int64),
        note=[n for _, _, n in resolved],
        amended=amended,
    )


def _forecasts(conn: Any, questions: QuestionTable, rows: np.ndarray, choice_probs: dict[int, list[float]],
               as_of: int, since: int) -> ForecastTable:
    """The forecasts (`read_forecasts` rows, in recording order) on the table's questions, as
    columns; rationales of those made from `since` and of sources'."""
    row_of = np.full(int(max(questions.id.max(initial=0), rows["question_id"].max(initial=0))) + 1, -1,
                     dtype=np.int64)
    row_of[questions.id] = np.arange(len(questions))
    rows = rows[row_of[rows["question_id"]] >= 0]
    ids = rows["id"]
    if len(ids) > 1 and not (ids[1:] > ids[:-1]).all():  # SQLite reads them in id order: no sort then
        rows = rows[np.argsort(ids, kind="stable")]
    question = row_of[rows["question_id"]]
    sources = np.fromiter((r[0] for r in direct.fetch_all(conn, _SOURCES)), dtype=np.int64)
    binary = questions.binary[question]
    widths = np.where(binary, 1, np.array([len(o) for o in questions.options], dtype=np.int64)[question])
    off = np.zeros(len(rows), dtype=np.int64)
    np.cumsum(widths[:-1], out=off[1:])
    probs = np.empty(int(widths.sum()))
    probs[off[binary]] = rows["p"][binary]
    for at, forecast_id in zip(off[~binary].tolist(), rows["id"][~binary].tolist()):
        values = choice_probs[forecast_id]
        probs[at:at + len(values)] = values
    quoted = direct.fetch_all(conn, _QUOTED, (as_of, since))
    cited: dict[int, list[int]] = {}
    for forecast_id, evidence_id in direct.fetch_all(conn, _CITED):
        cited.setdefault(forecast_id, []).append(evidence_id)
    return ForecastTable(
        id=rows["id"], question=question, analyst=rows["analyst_id"], made_at=rows["made_at"],
        withdrawn=np.isin(rows["id"], withdrawn_ids(conn)), source=np.isin(rows["analyst_id"], sources),
        off=off, probs=probs, rationale=dict(quoted),
        evidence={k: tuple(v) for k, v in cited.items()},
    )
