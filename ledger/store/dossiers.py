"""What editors and analysts look at, read as plain data: a question's dossier, the due list, an
analyst's record, an analyst's queue, and the facts each figure is drawn from (SPEC 5, 8).

Every function reads inside one `ledger.read()`: one snapshot and the command's one `now`.
Scores come from `ledger.store.scores` (the same pass `ledger score` makes), never re-derived.
numpy is imported here (through the scoring engine): import this module lazily.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import select

from ledger.core.errors import NotFound
from ledger.core.model import ANNULLED, Analyst, Evidence, Forecast, Question, Resolution
from ledger.core.period import Window
from ledger.store.entries import read_forecasts, read_resolutions
from ledger.store.ledger import Ledger, View
from ledger.store.reads import find_analyst, load_question, load_questions, read_evidence
from ledger.store.schema import analysts, evidence, evidence_links, forecasts, withdrawals
from ledger.store.scores import PairScore, WindowOf, group_scores, load_in, pair_scores, scored_in, window_in

DAY_US = 86_400_000_000
TEAM = "@team"

def _subject(who: str, view: View, window: Window) -> str:
    """A figure's subject with what the window adds: `amina (resolved 2026-11)`."""
    caption = window.caption(view.now)
    return f"{who} ({caption})" if caption else who


@dataclass(frozen=True)
class Linked:
    """Evidence linked to the dossier's question.

    Attributes:
        evidence: the item.
        stance: its stance on this question (`+`, `-`, `~`).
        linked_at: when it was linked to this question.
    """

    evidence: Evidence
    stance: str
    linked_at: int


@dataclass(frozen=True)
class Withdrawal:
    """A forecast's withdrawal.

    Attributes:
        at: when it was withdrawn.
        by: who withdrew it (None when an import did not say).
        reason: why.
    """

    at: int
    by: str | None
    reason: str


@dataclass(frozen=True)
class Dossier:
    """Everything recorded on one question (SPEC 8 `review Q`).

    Attributes:
        question: the question, values in force, amendments and the resolution in force.
        forecasts: every forecast, withdrawn ones included, in recording order.
        withdrawals: forecast id -> its withdrawal.
        linked: the evidence linked to the question, in linking order.
        cited: evidence id -> summary, for every item a forecast or resolution cites.
        resolutions: every resolution, corrections included, oldest first.
        scores: each forecaster's scores on it (method time) once resolved; `@team` included.
        kinds: handle -> `person` or `source`, for the forecasters here.
        now: the instant the read took as now.
    """

    question: Question
    forecasts: tuple[Forecast, ...]
    withdrawals: dict[int, Withdrawal]
    linked: tuple[Linked, ...]
    cited: dict[int, str]
    resolutions: tuple[Resolution, ...]
    scores: tuple[PairScore, ...]
    kinds: dict[str, str]
    now: int


def _kinds(conn: Any) -> dict[str, str]:
    return dict(conn.execute(select(analysts.c.handle, analysts.c.kind)).all())


def _linked(conn: Any, question_id: int) -> list[Linked]:
    """The question's evidence with its stance and link time, in linking order."""
    items = {e.id: e for e in read_evidence(conn, question_id)}
    rows = conn.execute(select(evidence_links.c.evidence_id, evidence_links.c.stance, evidence_links.c.linked_at)
                        .where(evidence_links.c.question_id == question_id).order_by(evidence_links.c.id))
    return [Linked(items[r.evidence_id], r.stance, r.linked_at) for r in rows]


def dossier(ledger: Ledger, ref: str) -> Dossier:
    """Question `ref`'s dossier, read in one snapshot."""
    with ledger.read() as view:
        conn = view.conn
        question = load_question(conn, ref)
        made = read_forecasts(conn, question.id)
        handles = dict(conn.execute(select(analysts.c.id, analysts.c.handle)).all())
        gone = {r.forecast_id: Withdrawal(r.withdrawn_at, handles.get(r.withdrawn_by), r.reason)
                for r in conn.execute(select(withdrawals).join(forecasts, forecasts.c.id == withdrawals.c.forecast_id)
                                      .where(forecasts.c.question_id == question.id))}
        history = read_resolutions(conn, question.id)
        wanted = {i for f in made for i in f.evidence} | {i for r in history for i in r.evidence}
        cited = dict(conn.execute(select(evidence.c.id, evidence.c.summary).where(evidence.c.id.in_(wanted))).all()) \
            if wanted else {}
        scores: list[PairScore] = []
        if question.resolution is not None and question.resolution.outcome != ANNULLED:
            scores = pair_scores(load_in(view, as_of=None, question_id=question.id))
        kinds = _kinds(conn)
        return Dossier(question, tuple(made), gone, tuple(_linked(conn, question.id)), cited, tuple(history),
                       tuple(scores), {f.analyst: kinds.get(f.analyst, "person") for f in made}, view.now)


@dataclass(frozen=True)
class Due:
    """Questions that need an editor soon (SPEC 8 `review --due`).

    Attributes:
        now: the instant of the read.
        within: the horizon, in days.
        questions: unresolved questions that are overdue, closed awaiting resolution, or open and
            closing within the horizon; by close, then id.
    """

    now: int
    within: int
    questions: tuple[Question, ...]


def due(ledger: Ledger, within_days: int = 14) -> Due:
    """The due list: overdue, awaiting resolution, and closing within `within_days`."""
    with ledger.read() as view:
        horizon = view.now + within_days * DAY_US
        found = [q for q in load_questions(view.conn, None)
                 if q.status(view.now) in ("overdue", "closed")
                 or (q.status(view.now) == "open" and q.closes_at <= horizon)]
        return Due(view.now, within_days, tuple(sorted(found, key=lambda q: (q.closes_at, q.id))))


@dataclass(frozen=True)
class AnalystRecord:
    """One analyst's resolved questions and scores (SPEC 8 `review --analyst`).

    Attributes:
        analyst: who.
        questions: (question, the analyst's scores on it), in order of resolution.
        summary: the analyst's `ledger score --by analyst` group (means, calibration with its
            bins, ECE and Murphy decomposition), or None without a scored question.
        now: the instant scored at (the as-of; the read's now without one).
        period: the period whose resolutions it covers, or None for all time.
    """

    analyst: Analyst
    questions: tuple[tuple[Question, PairScore], ...]
    summary: Any
    now: int
    period: Any = None


def analyst_record(ledger: Ledger, handle: str, window_of: WindowOf = None) -> AnalystRecord:
    """Analyst `handle`'s record, scored with method time as of the window's as-of (default now),
    on the questions whose outcome became known in the window."""
    with ledger.read() as view:
        who = find_analyst(view.conn, handle)
        if who is None:
            raise NotFound(f"no analyst {handle!r}")
        window = window_in(view, window_of)
        data = scored_in(view, window)
        mine = [p for p in pair_scores(data) if p.analyst == handle]
        by_slug = {q.slug: q for q in load_questions(view.conn, None)} if mine else {}
        summary = next((g for g in group_scores(data, by="analyst", method="time") if g.key == handle), None)
        ordered = sorted(mine, key=lambda p: (p.known_at, p.question))
        return AnalystRecord(who, tuple((by_slug[p.question], p) for p in ordered), summary, window.as_of,
                             window.period)


@dataclass(frozen=True)
class QueueItem:
    """A question on an analyst's queue, and why.

    Attributes:
        question: the open question.
        last_forecast: when the analyst last forecast it (withdrawn ones aside), or None.
        new_evidence: ids of evidence linked to it after that forecast.
        closing_soon: it closes within the queue's horizon.
    """

    question: Question
    last_forecast: int | None
    new_evidence: tuple[int, ...]
    closing_soon: bool


@dataclass(frozen=True)
class Queue:
    """An analyst's to-do list (SPEC 5 `ledger todo`).

    Attributes:
        analyst: the handle.
        now: the instant of the read.
        within: the closing-soon horizon, in days.
        items: by close, then id.
    """

    analyst: str
    now: int
    within: int
    items: tuple[QueueItem, ...]


def queue(ledger: Ledger, handle: str, within_days: int = 14) -> Queue:
    """`handle`'s queue: open questions not yet forecast, those whose last forecast is older than
    evidence linked since, and those closing within `within_days`."""
    with ledger.read() as view:
        conn = view.conn
        open_now = [q for q in load_questions(conn, None) if q.status(view.now) == "open"]
        latest: dict[int, int] = {}
        who = find_analyst(conn, handle)
        if who is not None:
            mine = (select(forecasts.c.question_id, forecasts.c.made_at)
                    .outerjoin(withdrawals, withdrawals.c.forecast_id == forecasts.c.id)
                    .where(forecasts.c.analyst_id == who.id, withdrawals.c.id.is_(None)))
            for qid, at in conn.execute(mine):
                latest[qid] = max(at, latest.get(qid, at))
        links: dict[int, list[tuple[int, int]]] = {}
        for r in conn.execute(select(evidence_links.c.question_id, evidence_links.c.evidence_id,
                                     evidence_links.c.linked_at).order_by(evidence_links.c.id)):
            links.setdefault(r.question_id, []).append((r.evidence_id, r.linked_at))
        horizon = view.now + within_days * DAY_US
        items = []
        for q in open_now:
            last = latest.get(q.id)
            fresh = tuple(e for e, at in links.get(q.id, ()) if last is not None and at > last)
            soon = q.closes_at <= horizon
            if last is None or fresh or soon:
                items.append(QueueItem(q, last, fresh, soon))
        items.sort(key=lambda i: (i.question.closes_at, i.question.id))
        return Queue(handle, view.now, within_days, tuple(items))


# -- the facts behind each figure ---------------------------------------------------------


@dataclass(frozen=True)
class CalibrationFacts:
    """What a calibration diagram shows.

    Attributes:
        subject: whose forecasts (`all analysts`, a handle, `@team`).
        bins: the ten SPEC 6 bins (`ledger.core.scoring.Bin`), empty ones with n = 0.
        questions: how many resolved questions the points come from.
    """

    subject: str
    bins: tuple[Any, ...]
    questions: int


@dataclass(frozen=True)
class PairFacts:
    """Scored pairs for the discrimination and scores figures.

    Attributes:
        subject: whose (`all analysts` or a handle).
        pairs: the pairs' scores (with the final p_yes and outcome of yes/no pairs).
    """

    subject: str
    pairs: tuple[PairScore, ...]


def _check_analyst(conn: Any, handle: str | None) -> None:
    if handle is not None and handle != TEAM and find_analyst(conn, handle) is None:
        raise NotFound(f"no analyst {handle!r}")


def calibration_facts(ledger: Ledger, *, analyst: str | None = None, scenario: str | None = None,
                      window_of: WindowOf = None) -> CalibrationFacts:
    """Calibration of every person pooled (SPEC 6 `all`), or of one analyst (`@team` or a source)."""
    from ledger.core.scoring import calibration

    with ledger.read() as view:
        _check_analyst(view.conn, analyst)
        window = window_in(view, window_of)
        data = scored_in(view, window, scenario=scenario)
        pairs = pair_scores(data)
        if analyst is None:
            groups = group_scores(data, by="all", method="time")
            behind = {p.question for p in pairs if not p.source and p.analyst != TEAM}
        else:
            groups = [g for g in group_scores(data, by="analyst", method="time") if g.key == analyst]
            behind = {p.question for p in pairs if p.analyst == analyst}
        bins = groups[0].calibration.bins if groups else calibration([], []).bins
        return CalibrationFacts(_subject(analyst or "all analysts", view, window), tuple(bins), len(behind))


def discrimination_facts(ledger: Ledger, *, analyst: str | None = None, scenario: str | None = None,
                         window_of: WindowOf = None) -> PairFacts:
    """The yes/no pairs with their final p_yes and outcome: every person's, or one analyst's."""
    with ledger.read() as view:
        _check_analyst(view.conn, analyst)
        window = window_in(view, window_of)
        pairs = [p for p in pair_scores(scored_in(view, window, scenario=scenario)) if p.final_p is not None
                 and (p.analyst == analyst if analyst is not None else not p.source and p.analyst != TEAM)]
        return PairFacts(_subject(analyst or "all analysts", view, window), tuple(pairs))


def score_facts(ledger: Ledger, *, analyst: str | None = None, scenario: str | None = None,
                window_of: WindowOf = None) -> PairFacts:
    """Every forecaster's pairs (method time), or one analyst's and `@team`'s beside it."""
    with ledger.read() as view:
        _check_analyst(view.conn, analyst)
        window = window_in(view, window_of)
        pairs = [p for p in pair_scores(scored_in(view, window, scenario=scenario))
                 if analyst is None or p.analyst in (analyst, TEAM)]
        return PairFacts(_subject(analyst or "all analysts", view, window), tuple(pairs))


@dataclass(frozen=True)
class TimelineFacts:
    """What a question's timeline shows.

    Attributes:
        question: the question (dates in force, amendments, resolution in force).
        forecasts: the counted-so-far forecasts (withdrawn ones left out) before `until`, in
            recording order.
        kinds: handle -> `person` or `source`.
        team: the `@team` series over persons' forecasts: (from, probabilities of every option).
        linked: the linked evidence with its stance.
        until: the cutoff of a resolved question, else the earlier of now and the close.
    """

    question: Question
    forecasts: tuple[Forecast, ...]
    kinds: dict[str, str]
    team: tuple[tuple[int, tuple[float, ...]], ...]
    linked: tuple[Linked, ...]
    until: int


def _team(question: Question, made: Sequence[Forecast], kinds: dict[str, str], until: int):
    """The `@team` steps of persons' forecasts (SPEC 6), also for an unresolved question."""
    from ledger.core.scoring import team_series

    persons = [f for f in made if kinds.get(f.analyst) != "source"]
    if not persons:
        return ()
    ids = {h: i for i, h in enumerate(dict.fromkeys(f.analyst for f in persons))}
    probs = [f.probabilities[0] for f in persons] if question.kind == "binary" else [list(f.probabilities)
                                                                                      for f in persons]
    series = team_series([f.made_at for f in persons], [ids[f.analyst] for f in persons], probs, until=until,
                         order=[f.id for f in persons])
    return tuple((int(t), tuple(float(p) for p in row)) for t, row in zip(series.times.tolist(), series.probs))


def timeline_facts(ledger: Ledger, ref: str) -> TimelineFacts:
    """Question `ref`'s timeline facts, read in one snapshot."""
    with ledger.read() as view:
        conn = view.conn
        question = load_question(conn, ref)
        resolution = question.resolution
        until = min(question.closes_at, resolution.known_at if resolution else view.now)
        made = [f for f in read_forecasts(conn, question.id) if f.withdrawn is None and f.made_at < until]
        kinds = _kinds(conn)
        kinds = {f.analyst: kinds.get(f.analyst, "person") for f in made}
        return TimelineFacts(question, tuple(made), kinds, _team(question, made, kinds, until),
                             tuple(_linked(conn, question.id)), until)

