"""Reading the whole ledger back for export, in one transaction, in recording order: every
domain row (amendments, withdrawals, corrections, deactivated analysts and sources); forecasts
are streamed straight from the driver's cursor."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core.rules import dates_in_force
from ledger.store import schema as s
from ledger.store.batches import CHUNK
from ledger.store.engine import driver_chunks
from ledger.store.ledger import Ledger

@dataclass(frozen=True)
class ExportAnalyst:
    """One analyst as exported: role and activity in force."""

    handle: str
    name: str | None
    role: str
    kind: str
    active: bool


@dataclass(frozen=True)
class ExportQuestion:
    """One question: the values first recorded (JSONL question lines), and those in force after
    its amendments (`*_now`, for CSV rows), with the resolution in force."""

    slug: str
    scenario: str | None
    title: str
    kind: str
    options: tuple[str, ...]
    criteria: str
    quote: str | None
    opens_at: int
    closes_at: int
    resolves_by: int
    tags: tuple[str, ...]
    title_now: str
    opens_now: int
    closes_now: int
    resolution: "ExportResolution | None"


@dataclass(frozen=True)
class ExportAmendment:
    """One amendment as recorded; None for what it left unchanged."""

    question: str
    by: str
    at: int
    reason: str
    clarification: str | None
    closes_at: int | None
    resolves_by: int | None
    title: str | None
    opens_at: int | None


@dataclass(frozen=True)
class ExportWithdrawal:
    """The withdrawal of a forecast; `by` is None for one recorded before withdrawals named their author."""

    at: int
    reason: str
    by: str | None


@dataclass(frozen=True)
class ExportForecast:
    """One forecast as exported."""

    question: str
    analyst: str
    made_at: int
    p: float | None
    options: tuple[str, ...] | None
    probs: tuple[float, ...] | None
    rationale: str | None
    evidence: tuple[int, ...]
    withdrawn: ExportWithdrawal | None = None


@dataclass(frozen=True)
class ExportEvidence:
    """One evidence item as exported; `key` is its position (1-based), which forecasts cite."""

    key: int
    analyst: str
    logged_at: int
    observed_on: str | None
    summary: str
    source: str | None
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ExportResolution:
    """One resolution as exported."""

    question: str
    outcome: str
    known_at: int
    recorded_by: str
    note: str | None
    correction: str | None
    evidence: tuple[int, ...] = ()


class Snapshot:
    """The whole ledger, read in one transaction, in recording order; forecasts are streamed.

    Analysts come in registration order: an import recreates them in that order, so ids and
    with them every score computed over them come back the same. (Whoever imports into an empty
    ledger registers first: the round trip gives the same bytes when that is the file's first analyst.)
    """

    def __init__(self, ledger: Ledger, conn: Connection) -> None:
        self.conn = conn
        self.handles = {r.id: r.handle for r in conn.execute(select(s.analysts.c.id, s.analysts.c.handle))}
        roles: dict[int, Any] = {}
        for r in conn.execute(select(s.analyst_roles).order_by(s.analyst_roles.c.id)):
            roles[r.analyst_id] = r
        self.analysts = [ExportAnalyst(r.handle, r.name, roles[r.id].role, r.kind, bool(roles[r.id].active))
                         for r in conn.execute(select(s.analysts).order_by(s.analysts.c.id))]
        self.scenarios = ledger.scenarios_in(conn)
        scenario_slugs = {sc.id: sc.slug for sc in self.scenarios}
        tags: dict[int, list[str]] = {}
        for r in conn.execute(select(s.question_tags).order_by(s.question_tags.c.id)):
            tags.setdefault(r.question_id, []).append(r.tag)
        rows = conn.execute(select(s.questions).order_by(s.questions.c.id)).all()
        slugs = {r.id: r.slug for r in rows}
        amended: dict[int, list[Any]] = {}
        self.amendments: list[ExportAmendment] = []
        for r in conn.execute(select(s.question_amendments).order_by(s.question_amendments.c.id)):
            amended.setdefault(r.question_id, []).append(r)
            self.amendments.append(ExportAmendment(slugs[r.question_id], self.handles[r.amended_by], r.amended_at,
                                                   r.reason, r.clarification, r.closes_at, r.resolves_by, r.title,
                                                   r.opens_at))
        links: dict[int, list[tuple[str, str]]] = {}
        for r in conn.execute(select(s.evidence_links).order_by(s.evidence_links.c.id)):
            links.setdefault(r.evidence_id, []).append((slugs[r.question_id], r.stance))
        self.evidence_key: dict[int, int] = {}
        self.evidence: list[ExportEvidence] = []
        for n, r in enumerate(conn.execute(select(s.evidence).order_by(s.evidence.c.id)), start=1):
            self.evidence_key[r.id] = n
            self.evidence.append(ExportEvidence(n, self.handles[r.analyst_id], r.logged_at, r.observed_on, r.summary,
                                                r.source, tuple(links.get(r.id, ()))))
        cited: dict[int, list[int]] = {}
        for r in conn.execute(select(s.resolution_evidence).order_by(s.resolution_evidence.c.id)):
            cited.setdefault(r.resolution_id, []).append(self.evidence_key[r.evidence_id])
        self.resolutions = []
        in_force: dict[int, ExportResolution] = {}
        for r in conn.execute(select(s.resolutions).order_by(s.resolutions.c.id)):
            resolution = ExportResolution(slugs[r.question_id], r.outcome, r.known_at, self.handles[r.recorded_by],
                                          r.note, r.correction, tuple(cited.get(r.id, ())))
            self.resolutions.append(resolution)
            in_force[r.question_id] = resolution
        self.questions: list[ExportQuestion] = []
        for r in rows:
            mine = amended.get(r.id)
            if mine:
                opens, closes, _due = dates_in_force(r.opens_at, r.closes_at, r.resolves_by, mine)
                title = next((a.title for a in reversed(mine) if a.title is not None), r.title)
            else:
                opens, closes, title = r.opens_at, r.closes_at, r.title
            self.questions.append(ExportQuestion(
                r.slug, scenario_slugs.get(r.scenario_id), r.title, r.kind,
                tuple(json.loads(r.options)) if r.options else ("yes", "no"), r.criteria, r.quote, r.opens_at,
                r.closes_at, r.resolves_by, tuple(sorted(tags.get(r.id, ()))), title, opens, closes,
                in_force.get(r.id),
            ))
        self.by_id = {r.id: q for r, q in zip(rows, self.questions)}

    def forecast_chunks(self) -> Iterator[list[tuple]]:
        """Every forecast in recording order, a chunk at a time, as the driver's tuples `(id,
        question id, analyst id, made_at, p, probs as JSON text or None, rationale)`: the export's
        fast path. Ids map through `by_id` and `handles`; before the first chunk, `cites` (forecast
        id -> cited evidence keys) and `withdrawals` (forecast id -> its withdrawal) are filled in."""
        self.cites: dict[int, tuple[int, ...]] = {}
        for r in self.conn.execute(select(s.forecast_evidence).order_by(s.forecast_evidence.c.id)):
            self.cites[r.forecast_id] = (*self.cites.get(r.forecast_id, ()), self.evidence_key[r.evidence_id])
        self.withdrawals = {
            r.forecast_id: ExportWithdrawal(r.withdrawn_at, r.reason,
                                            self.handles[r.withdrawn_by] if r.withdrawn_by is not None else None)
            for r in self.conn.execute(select(s.withdrawals))
        }
        # Straight from the driver's cursor: a million Row objects would double the export's time.
        yield from driver_chunks(self.conn, "SELECT id, question_id, analyst_id, made_at, p, probs, rationale "
                                 "FROM forecasts ORDER BY id", CHUNK, "ledger_export_forecasts")

    def forecasts(self) -> Iterator[ExportForecast]:
        """Every forecast in recording order, withdrawn ones with their withdrawal."""
        for chunk in self.forecast_chunks():
            for fid, qid, aid, made_at, p, probs, rationale in chunk:
                yield self.forecast(fid, qid, aid, made_at, p, probs, rationale)

    def forecast(self, fid: int, qid: int, aid: int, made_at: int, p: float | None, probs: str | None,
                 rationale: str | None) -> ExportForecast:
        """One row of `forecast_chunks` as an `ExportForecast`."""
        q = self.by_id[qid]
        choice = probs is not None
        return ExportForecast(q.slug, self.handles[aid], made_at, p, q.options if choice else None,
                              tuple(json.loads(probs)) if choice else None, rationale, self.cites.get(fid, ()),
                              self.withdrawals.get(fid))
