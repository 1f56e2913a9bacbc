"""Writing an `ImportPlan` in one transaction, and reading the whole ledger back for export.

Imported rows get explicit, contiguous ids and go in through the driver's fastest path
(`executemany` on SQLite, `COPY` on PostgreSQL). One journal entry covers the import: for each
table it records the id range, the row count and a SHA-256 per block of rows, computed column by
column (`ledger.store.journal.BlockDigester`), which `verify` recomputes from the table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice, repeat
from operator import is_not, itemgetter
from typing import Any, Callable, Iterator

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

from ledger.core.bulk import ImportPlan, ImportRefused, Problem, check_choice
from ledger.core.errors import BadInput, LedgerError
from ledger.core.model import match_outcome
from ledger.core.timeutil import format_instant
from ledger.store import schema as s
from ledger.store.formats import Constant
from ledger.store.journal import BlockDigester
from ledger.store.ledger import Ledger, Tx

CHUNK = 50_000


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes:
        already: True when a file with the same SHA-256 was imported before (nothing added).
        counts: rows added per kind.
        warnings: odd but valid data that was imported.
        head: journal head after the import, as `SEQ:HASH`.
    """

    already: bool
    counts: dict[str, int]
    warnings: tuple[str, ...]
    head: str


class _Batch:
    """Rows for one table with explicit ids, inserted in chunks and hashed as they go."""

    def __init__(self, tx: Tx, table: Table, postgres: bool, parents: tuple["_Batch", ...] = ()) -> None:
        self.tx, self.table, self.postgres, self.parents = tx, table, postgres, parents
        self.first_id = (tx.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        self.next_id = self.first_id
        self.rows: list[tuple] = []
        self.digest = BlockDigester(table, self.first_id)
        self.count = 0
        self.columns = [c.name for c in table.columns]
        self.nullable = [i for i, c in enumerate(table.columns) if c.nullable and not c.primary_key]

    def add(self, *values: Any) -> int:
        """Queue a row (values after `id`, in column order); returns its id."""
        new_id = self.next_id
        self.next_id += 1
        self.rows.append((new_id, *values))
        if len(self.rows) >= CHUNK:
            self.flush()
        return new_id

    def flush(self) -> None:
        """Insert the queued rows (after any queued rows of the tables they reference)."""
        if not self.rows:
            return
        for parent in self.parents:
            parent.flush()
        self.digest.extend(self.rows)
        driver = self.tx.conn.connection.driver_connection
        names = ", ".join(self.columns)
        try:
            if self.postgres:
                with driver.cursor() as cur:
                    with cur.copy(f"COPY {self.table.name} ({names}) FROM STDIN") as copy:
                        for row in self.rows:
                            copy.write_row(row)
            else:
                # Columns NULL in every row of the chunk are left out of the INSERT: binding NULLs
                # is a quarter of SQLite's time on a million-row import.
                empty = {i for i in self.nullable
                         if not any(map(is_not, map(itemgetter(i), self.rows), repeat(None)))}
                keep = [i for i in range(len(self.columns)) if i not in empty]
                rows: Any = self.rows
                if len(keep) < len(self.columns):
                    names = ", ".join(self.columns[i] for i in keep)
                    rows = map(itemgetter(*keep), self.rows)
                marks = ", ".join("?" for _ in keep)
                driver.executemany(f"INSERT INTO {self.table.name} ({names}) VALUES ({marks})", rows)
        except Exception as exc:  # the driver's own error types (sqlite3.Error, psycopg.Error)
            if type(exc).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
                raise
            raise LedgerError(f"import failed while writing {self.table.name}: {exc}") from None
        self.count += len(self.rows)
        self.rows.clear()  # in place: writers may hold a reference to this list

    def finish(self) -> dict[str, Any] | None:
        """Flush, move the PostgreSQL sequence past the new ids, and describe the batch."""
        self.flush()
        if not self.count:
            return None
        if self.postgres:
            self.tx.conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{self.table.name}', 'id'), :last)"),
                {"last": self.next_id - 1},
            )
        return self.digest.finish()


def already_imported(ledger: Ledger, sha256: str) -> bool:
    """True when a file with this SHA-256 was imported before."""
    with ledger.reading() as conn:
        return conn.execute(select(s.imports.c.id).where(s.imports.c.sha256 == sha256)).first() is not None


def apply_plan(
    ledger: Ledger,
    actor: str,
    plan: ImportPlan,
    *,
    source: str,
    sha256: str,
    fmt: str,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check `plan` against the ledger and write all of it in one journaled transaction.

    Raises:
        ImportRefused: problems that need the ledger to see (a question that already exists,
            an unknown scenario or question, a forecast before its question opens), by line.
        NotAllowed: the actor is not an editor.
    """
    if not (plan.analysts or plan.scenarios or plan.questions or plan.evidence or len(plan.forecasts)
            or plan.resolutions):
        raise BadInput(f"{source} holds nothing to import")
    with ledger.writing(actor) as tx:
        tx.require_editor("import (imports carry resolutions)")
        if tx.conn.execute(select(s.imports.c.id).where(s.imports.c.sha256 == sha256)).first() is not None:
            return ImportResult(True, {}, (), str(ledger.head(tx.conn)))
        if not ledger.is_postgres:  # room for the indexes being built, instead of the default 2 MB
            tx.conn.exec_driver_sql("PRAGMA cache_size = -262144")
        writer = _PlanWriter(tx, plan, source, ledger.is_postgres, progress)
        counts, batches, digesters = writer.write()
        imported = tx.journal.insert(
            s.imports, sha256=sha256, filename=source, format=fmt, imported_at=tx.now,
            analyst_id=tx.actor.id, rows=len(plan.forecasts),
        )
        head = tx.journal.append("import", file=source, sha256=sha256, format=fmt, counts=counts, batches=batches,
                                 import_id=imported["id"])
        for digester in digesters:
            digester.save_locators(tx.conn, head.seq)
    return ImportResult(False, counts, tuple(plan.warnings), str(head))


class _PlanWriter:  # noqa: D101 - one import's checks and writes, see apply_plan
    def __init__(self, tx: Tx, plan: ImportPlan, source: str, postgres: bool,
                 progress: Callable[[int], None] | None) -> None:
        self.tx, self.plan, self.source, self.postgres, self.progress = tx, plan, source, postgres, progress
        self.problems: list[Problem] = []

    def _checked_forecasts(self, forecasts: _Batch, cites: _Batch, lookup: dict, known: dict[str, int],
                           evidence_ids: dict[int, int]) -> None:
        """Queue every forecast of the plan, checking each against its question (any kind, cites)."""
        fc, problems, progress = self.plan.forecasts, self.problems, self.progress
        cited = any(fc.evidence)
        rows = forecasts.rows
        fid = forecasts.next_id
        for i, (line, slug, handle, made, p, values, rationale) in enumerate(
            zip(fc.line, fc.question, fc.analyst, fc.made_at, fc.p, fc.probs, fc.rationale)
        ):
            target = lookup.get(slug)
            if target is None:
                problems.append(Problem(line, f"no question {slug!r} in the file or the ledger"))
                continue
            qid, kind, options, opens_at, _closes = target
            probs_json = None
            if values is not None:
                probs_json = self._choice(line, slug, kind, options, values)
                if probs_json is None:
                    continue
            elif kind != "binary":
                problems.append(Problem(line, f"question {slug!r} is a choice question: give \"probabilities\""))
                continue
            if made < opens_at:
                problems.append(Problem(line, f"forecast is before question {slug!r} opens"))
                continue
            rows.append((fid, qid, known[handle], made, p, probs_json, rationale, True))
            if cited:
                for key in fc.evidence[i]:
                    cites.add(fid, evidence_ids[key])
            fid += 1
            if len(rows) >= CHUNK:
                forecasts.next_id = fid
                forecasts.flush()
                rows = forecasts.rows
                if progress is not None:
                    progress(CHUNK)
        forecasts.next_id = fid
        if progress is not None:
            progress(len(rows))

    def _binary_forecasts(self, forecasts: _Batch, lookup: dict, known: dict[str, int]) -> None:
        """Queue every forecast of the plan, built column-wise at C speed, in chunks."""
        fc = self.plan.forecasts
        question_id = {slug: target[0] for slug, target in lookup.items()}
        first = forecasts.next_id
        n = len(fc)
        qids, aids = list(map(question_id.__getitem__, fc.question)), list(map(known.__getitem__, fc.analyst))
        forecasts.digest.extend_columns([range(first, first + n), qids, aids, fc.made_at, fc.p, Constant(None, n),
                                         fc.rationale, Constant(True, n)])
        rows = zip(range(first, first + n), qids, aids, fc.made_at, fc.p, repeat(None), fc.rationale, repeat(True))
        forecasts.next_id = first + n
        while True:
            chunk = list(islice(rows, CHUNK))
            if not chunk:
                break
            forecasts.rows.extend(chunk)
            forecasts.flush()
            if self.progress is not None:
                self.progress(len(chunk))

    def _choice(self, line: int, slug: str, kind: str, options: tuple[str, ...], values: dict[str, float]) -> str | None:
        """A choice forecast's probabilities as stored (JSON, option order), or None after a problem."""
        if kind != "choice":
            self.problems.append(Problem(line, f"question {slug!r} is binary: give \"p\""))
            return None
        try:
            ordered = check_choice(options, values, slug)
        except BadInput as exc:
            self.problems.append(Problem(line, str(exc)))
            return None
        return json.dumps(list(ordered), separators=(",", ":"))

    def batch(self, table: Table, *parents: _Batch) -> _Batch:
        return _Batch(self.tx, table, self.postgres, parents)

    def write(self) -> tuple[dict[str, int], dict[str, Any]]:
        tx, plan, conn = self.tx, self.plan, self.tx.conn
        problems = self.problems

        # Analysts: reuse existing handles, create the rest.
        known = {r.handle: r.id for r in conn.execute(select(s.analysts.c.id, s.analysts.c.handle))}
        analysts = self.batch(s.analysts)
        roles = self.batch(s.analyst_roles, analysts)
        new_analysts = 0
        for a in plan.analysts:
            if a.handle in known:
                continue
            known[a.handle] = analysts.add(a.handle, a.name, tx.now, "person")
            roles.add(known[a.handle], a.role, True, tx.now, tx.actor.id)
            new_analysts += 1

        # Scenarios.
        scenario_ids = {r.slug: r.id for r in conn.execute(select(s.scenarios.c.id, s.scenarios.c.slug))}
        scenarios = self.batch(s.scenarios, analysts)
        for sc in plan.scenarios:
            if sc.slug in scenario_ids:
                problems.append(Problem(sc.line, f"scenario {sc.slug!r} already exists in this ledger"))
                continue
            scenario_ids[sc.slug] = scenarios.add(sc.slug, sc.title, sc.summary, sc.source_title, sc.source_publisher,
                                                  sc.source_url, sc.source_published, tx.now, tx.actor.id)

        # Questions: new ones from the plan; existing ones only as targets of forecasts etc.
        plan_slugs = {q.slug for q in plan.questions}
        referenced = (set(plan.forecasts.question) | {r.question for r in plan.resolutions}
                      | {slug for e in plan.evidence for slug, _ in e.links})
        lookup: dict[str, tuple[int, str, tuple[str, ...], int, int]] = {}
        wanted = sorted((referenced | plan_slugs))
        existing = conn.execute(select(func.count()).select_from(s.questions)).scalar_one()
        columns = (s.questions.c.id, s.questions.c.slug, s.questions.c.kind, s.questions.c.options,
                   s.questions.c.opens_at, s.questions.c.closes_at)
        if existing == 0:
            queries = []
        elif existing <= len(wanted):  # one scan beats many IN lists
            queries = [select(*columns)]
        else:
            queries = [select(*columns).where(s.questions.c.slug.in_(wanted[i:i + 500]))
                       for i in range(0, len(wanted), 500)]
        for query in queries:
            for r in conn.execute(query):
                lookup[r.slug] = (r.id, r.kind, tuple(json.loads(r.options)) if r.options else (), r.opens_at,
                                  r.closes_at)
        questions = self.batch(s.questions, analysts, scenarios)
        tags = self.batch(s.question_tags, questions)
        for q in plan.questions:
            if q.slug in lookup:
                problems.append(Problem(q.line, f"question {q.slug!r} already exists in this ledger"))
                continue
            sid = None
            if q.scenario is not None:
                sid = scenario_ids.get(q.scenario)
                if sid is None:
                    problems.append(Problem(q.line, f"question {q.slug!r}: no scenario {q.scenario!r}"))
                    continue
            qid = questions.add(q.slug, sid, q.title, q.kind,
                                json.dumps(list(q.options), ensure_ascii=False) if q.kind == "choice" else None,
                                q.criteria, None, q.opens_at, q.closes_at, q.resolves_by, tx.now, tx.actor.id)
            lookup[q.slug] = (qid, q.kind, q.options, q.opens_at, q.closes_at)
            for t in q.tags:
                tags.add(qid, t)

        # Evidence and its links.
        evidence = self.batch(s.evidence, analysts)
        links = self.batch(s.evidence_links, evidence, questions)
        evidence_ids: dict[int, int] = {}
        for e in plan.evidence:
            eid = evidence.add(known[e.analyst], e.logged_at, e.observed_on, e.summary, e.source, True)
            evidence_ids[e.key] = eid
            for slug, stance in e.links:
                target = lookup.get(slug)
                if target is None:
                    problems.append(Problem(e.line, f"evidence links to unknown question {slug!r}"))
                    continue
                links.add(eid, target[0], stance, e.logged_at, known[e.analyst])

        # Forecasts, column-wise.
        fc = plan.forecasts
        forecasts = self.batch(s.forecasts, analysts, questions)
        cites = self.batch(s.forecast_evidence, forecasts, evidence)
        if (not problems and plan.forecasts_checked and not any(fc.evidence) and not any(fc.probs)
                and plan_slugs.issuperset(fc.question)):
            # The common bulk case (every CSV import): binary forecasts on questions of this very
            # file, whose parser already checked each forecast against its question's opening.
            self._binary_forecasts(forecasts, lookup, known)
        else:
            self._checked_forecasts(forecasts, cites, lookup, known, evidence_ids)

        # Resolutions: a second one for a question must be a correction.
        resolved = {r.question_id for r in conn.execute(select(s.resolutions.c.question_id).distinct())}
        resolutions = self.batch(s.resolutions, analysts, questions)
        for r in plan.resolutions:
            target = lookup.get(r.question)
            if target is None:
                problems.append(Problem(r.line, f"resolution of unknown question {r.question!r}"))
                continue
            qid, kind, options = target[0], target[1], target[2]
            outcome = match_outcome(kind, options, r.outcome)
            if outcome is None:
                allowed = ("yes", "no") if kind == "binary" else options
                problems.append(Problem(r.line, f"outcome {r.outcome!r} is not one of {', '.join(allowed)} or annulled"))
                continue
            if r.known_at > tx.now:
                problems.append(Problem(r.line, f"known_at {format_instant(r.known_at)} is in the future"))
                continue
            if qid in resolved and r.correction is None:
                problems.append(Problem(r.line, f"question {r.question!r} is already resolved; give \"correction\""))
                continue
            if qid not in resolved and r.correction is not None:
                problems.append(Problem(r.line, f"question {r.question!r} has no resolution to correct"))
                continue
            resolved.add(qid)
            by = known[r.recorded_by] if r.recorded_by is not None else tx.actor.id
            resolutions.add(qid, outcome, r.known_at, tx.now, by, r.note, r.correction, True)

        if problems:
            raise ImportRefused(self.source, problems)
        batches, digesters = {}, []
        for b in (analysts, roles, scenarios, questions, tags, evidence, links, forecasts, cites, resolutions):
            described = b.finish()
            if described is not None:
                batches[b.table.name] = described
                digesters.append(b.digest)
        counts = {"analysts": new_analysts, "scenarios": scenarios.count, "questions": questions.count,
                  "evidence": evidence.count, "forecasts": forecasts.count, "resolutions": resolutions.count}
        return counts, batches, digesters


# -- export -------------------------------------------------------------------------------


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


class Snapshot:
    """The whole ledger, read in one transaction, in recording order; forecasts are streamed."""

    def __init__(self, ledger: Ledger, conn: Connection) -> None:
        self.conn = conn
        self.analysts = ledger.analysts_in(conn)
        self.handles = {r.id: r.handle for r in conn.execute(select(s.analysts.c.id, s.analysts.c.handle))}
        self.scenarios = ledger.scenarios_in(conn)
        self.questions = ledger.questions_in(conn)
        self.by_id = {q.id: q for q in self.questions}
        links: dict[int, list[tuple[str, str]]] = {}
        for r in conn.execute(select(s.evidence_links).order_by(s.evidence_links.c.id)):
            links.setdefault(r.evidence_id, []).append((self.by_id[r.question_id].slug, r.stance))
        self.evidence_key: dict[int, int] = {}
        self.evidence: list[ExportEvidence] = []
        for n, r in enumerate(conn.execute(select(s.evidence).order_by(s.evidence.c.id)), start=1):
            self.evidence_key[r.id] = n
            self.evidence.append(ExportEvidence(n, self.handles[r.analyst_id], r.logged_at, r.observed_on, r.summary,
                                                r.source, tuple(links.get(r.id, ()))))
        self.resolutions = [
            ExportResolution(self.by_id[r.question_id].slug, r.outcome, r.known_at, self.handles[r.recorded_by],
                             r.note, r.correction)
            for r in conn.execute(select(s.resolutions).order_by(s.resolutions.c.id))
        ]

    def forecasts(self) -> Iterator[ExportForecast]:
        """Every forecast in recording order (withdrawn ones are not exported)."""
        cites: dict[int, list[int]] = {}
        for r in self.conn.execute(select(s.forecast_evidence).order_by(s.forecast_evidence.c.id)):
            cites.setdefault(r.forecast_id, []).append(self.evidence_key[r.evidence_id])
        withdrawn = {r.forecast_id for r in self.conn.execute(select(s.withdrawals.c.forecast_id))}
        # Straight from the driver's cursor: a million Row objects would double the export's time.
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute("SELECT id, question_id, analyst_id, made_at, p, probs, rationale FROM forecasts ORDER BY id")
            while True:
                chunk = cursor.fetchmany(CHUNK)
                if not chunk:
                    break
                for fid, qid, aid, made_at, p, probs, rationale in chunk:
                    if fid in withdrawn:
                        continue
                    q = self.by_id[qid]
                    choice = probs is not None
                    yield ExportForecast(q.slug, self.handles[aid], made_at, p, q.options if choice else None,
                                         tuple(json.loads(probs)) if choice else None, rationale,
                                         tuple(cites.get(fid, ())))
        finally:
            cursor.close()
