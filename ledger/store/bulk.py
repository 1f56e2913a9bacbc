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
from ledger.core.rules import dates_in_force
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
        head: journal head after the import, as `SEQ:HASH` (for a check: the head it would have).
        skipped: rows identical to forecasts already in the ledger, left out (SPEC 7).
        checked: True for `--check`: nothing was written.
    """

    already: bool
    counts: dict[str, int]
    warnings: tuple[str, ...]
    head: str
    skipped: int = 0
    checked: bool = False


class _CheckOnly(Exception):
    """Raised inside the write transaction of a `--check` to roll it back, carrying the result."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("check only")
        self.result = result


class _Batch:
    """Rows for one table with explicit ids, inserted in chunks and hashed as they go."""

    def __init__(self, tx: Tx, table: Table, postgres: bool, parents: tuple["_Batch", ...] = (),
                 check: bool = False) -> None:
        self.tx, self.table, self.postgres, self.parents, self.check = tx, table, postgres, parents, check
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
        if self.postgres and not self.check:  # setval is not transactional: a check leaves sequences alone
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
    check: bool = False,
) -> ImportResult:
    """Check `plan` against the ledger and write all of it in one journaled transaction.

    With `check`, the very same write path runs (every check, every insert, the journal entry)
    and the transaction is then rolled back: what a check reports is exactly what the import
    would do or refuse. It holds the write lock for as long as the import would.

    Raises:
        ImportRefused: problems that need the ledger to see (a question that disagrees with the
            ledger, an unknown scenario or question, a forecast before its question opens), by line.
        NotAllowed: the actor is not an editor.
    """
    if not (plan.analysts or plan.scenarios or plan.questions or plan.evidence or len(plan.forecasts)
            or plan.resolutions or plan.amendments):
        raise BadInput(f"{source} holds nothing to import")
    # An importer the file declares is registered (on an empty ledger) as the file describes it.
    declared = next((a for a in plan.analysts if a.handle == actor), None)
    register_as = (declared.name, declared.role) if declared is not None else None
    try:
        with ledger.writing(actor, register_as=register_as) as tx:
            tx.require_editor("import (imports carry resolutions)")
            if tx.conn.execute(select(s.imports.c.id).where(s.imports.c.sha256 == sha256)).first() is not None:
                return ImportResult(True, {}, (), str(ledger.head(tx.conn)), checked=check)
            if not ledger.is_postgres:  # room for the indexes being built, instead of the default 2 MB
                tx.conn.exec_driver_sql("PRAGMA cache_size = -262144")
            writer = _PlanWriter(tx, plan, source, ledger.is_postgres, progress, check)
            counts, batches, digesters = writer.write()
            imported = tx.journal.insert(
                s.imports, sha256=sha256, filename=source, format=fmt, imported_at=tx.now,
                analyst_id=tx.actor.id, rows=len(plan.forecasts),
            )
            head = tx.journal.append("import", file=source, sha256=sha256, format=fmt, counts=counts,
                                     batches=batches, import_id=imported["id"])
            for digester in digesters:
                digester.save_locators(tx.conn, head.seq)
            result = ImportResult(False, counts, tuple(plan.warnings), str(head), writer.skipped, check)
            if check:
                raise _CheckOnly(result)  # rolls the transaction back
    except _CheckOnly as done:
        return done.result
    return result


#: CSV names of the question fields a row can disagree about, for messages.
_FIELD_NAMES = {"title": "q_title", "criteria": "criteria", "opens_at": "open_time", "closes_at": "close_time"}


@dataclass
class _Target:
    """A question forecasts, links, amendments and resolutions can name: its id, kind, options
    and the dates in force (updated by the file's amendments as they are written)."""

    id: int
    kind: str
    options: tuple[str, ...]
    opens_at: int
    closes_at: int


class _PlanWriter:  # noqa: D101 - one import's checks and writes, see apply_plan
    def __init__(self, tx: Tx, plan: ImportPlan, source: str, postgres: bool,
                 progress: Callable[[int], None] | None, check: bool = False) -> None:
        self.tx, self.plan, self.source, self.postgres, self.progress = tx, plan, source, postgres, progress
        self.check = check
        self.problems: list[Problem] = []
        self.skipped = 0

    def _checked_forecasts(self, forecasts: _Batch, cites: _Batch, withdrawals: _Batch, lookup: dict[str, _Target],
                           known: dict[str, int], evidence_ids: dict[int, int], already: set[tuple]) -> None:
        """Queue every forecast of the plan, checking each against its question (any kind, cites),
        leaving out those identical to a forecast already in the ledger (`already`)."""
        fc, problems, progress = self.plan.forecasts, self.problems, self.progress
        cited = any(fc.evidence)
        withdrawn = fc.withdrawn
        rows = forecasts.rows
        fid = forecasts.next_id
        for i, (line, slug, handle, made, p, values, rationale) in enumerate(
            zip(fc.line, fc.question, fc.analyst, fc.made_at, fc.p, fc.probs, fc.rationale)
        ):
            target = lookup.get(slug)
            if target is None:
                problems.append(Problem(line, f"no question {slug!r} in the file or the ledger"))
                continue
            probs_json = None
            if values is not None:
                probs_json = self._choice(line, slug, target.kind, target.options, values)
                if probs_json is None:
                    continue
            elif target.kind != "binary":
                problems.append(Problem(line, f"question {slug!r} is a choice question: give \"probabilities\""))
                continue
            if made < target.opens_at:
                problems.append(Problem(line, f"forecast is before question {slug!r} opens"))
                continue
            analyst_id = known[handle]
            if already and (target.id, analyst_id, made, p, probs_json) in already:
                self.skipped += 1
                continue
            rows.append((fid, target.id, analyst_id, made, p, probs_json, rationale, True))
            if cited:
                for key in fc.evidence[i]:
                    cites.add(fid, evidence_ids[key])
            if withdrawn and i in withdrawn:
                w = withdrawn[i]
                withdrawals.add(fid, w.at, w.reason, known[w.by] if w.by is not None else None)
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

    def _binary_forecasts(self, forecasts: _Batch, lookup: dict[str, _Target], known: dict[str, int]) -> None:
        """Queue every forecast of the plan, built column-wise at C speed, in chunks."""
        fc = self.plan.forecasts
        question_id = {slug: target.id for slug, target in lookup.items()}
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
        return _Batch(self.tx, table, self.postgres, parents, self.check)

    def _in_ledger(self, wanted: list[str]) -> tuple[dict[str, _Target], dict[str, dict[str, Any]]]:
        """The ledger's questions among `wanted`: targets with the dates in force, and the values
        in force a CSV row is compared with (title, criteria, dates, resolution)."""
        conn = self.tx.conn
        q = s.questions.c
        existing = conn.execute(select(func.count()).select_from(s.questions)).scalar_one()
        columns = (q.id, q.slug, q.kind, q.options, q.title, q.criteria, q.opens_at, q.closes_at, q.resolves_by)
        if existing == 0:
            queries = []
        elif existing <= len(wanted):  # one scan beats many IN lists
            queries = [select(*columns)]
        else:
            queries = [select(*columns).where(q.slug.in_(wanted[i:i + 500])) for i in range(0, len(wanted), 500)]
        wanted_set = set(wanted)
        found: dict[int, Any] = {}
        for query in queries:
            for r in conn.execute(query):
                if r.slug in wanted_set:
                    found[r.id] = r
        if not found:
            return {}, {}
        amendments: dict[int, list[Any]] = {}
        latest: dict[int, Any] = {}
        ids = sorted(found)
        a, res = s.question_amendments.c, s.resolutions.c
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for r in conn.execute(select(s.question_amendments).where(a.question_id.in_(part)).order_by(a.id)):
                amendments.setdefault(r.question_id, []).append(r)
            for r in conn.execute(select(res.question_id, res.outcome, res.known_at).where(res.question_id.in_(part))
                                  .order_by(res.id)):
                latest[r.question_id] = r
        targets: dict[str, _Target] = {}
        in_force: dict[str, dict[str, Any]] = {}
        for qid, r in found.items():
            mine = amendments.get(qid, [])
            opens, closes, due = dates_in_force(r.opens_at, r.closes_at, r.resolves_by, mine)
            title = next((m.title for m in reversed(mine) if m.title is not None), r.title)
            options = tuple(json.loads(r.options)) if r.options else ()
            targets[r.slug] = _Target(qid, r.kind, options, opens, closes)
            resolution = latest.get(qid)
            in_force[r.slug] = {"kind": r.kind, "title": title, "criteria": r.criteria, "opens_at": opens,
                                "closes_at": closes, "outcome": resolution.outcome if resolution else None,
                                "known_at": resolution.known_at if resolution else None}
        return targets, in_force

    def _disagreements(self, q: Any, force: dict[str, Any], implied: Any) -> tuple[list[str], bool]:
        """How a CSV question differs from the values in force, and whether its outcome is already
        recorded (then it adds nothing). Only the fields the file states are compared."""
        out = []
        if force["kind"] != "binary":
            out.append("it is a choice question in the ledger; CSV rows are yes/no")
        for name in ("title", "criteria", "opens_at", "closes_at"):
            if name in q.given and getattr(q, name) != force[name]:
                mine, theirs = getattr(q, name), force[name]
                if name.endswith("_at"):
                    mine, theirs = format_instant(mine), format_instant(theirs)
                else:
                    mine, theirs = repr(mine[:60]), repr(theirs[:60])
                out.append(f"{_FIELD_NAMES[name]} {mine} in the file, {theirs} in the ledger")
        recorded = False
        if implied is not None and force["outcome"] is not None:
            if implied.outcome != force["outcome"] or (implied.known_given and implied.known_at != force["known_at"]):
                out.append(f"outcome {implied.outcome} (known {format_instant(implied.known_at)}) in the file, "
                           f"{force['outcome']} (known {format_instant(force['known_at'])}) in the ledger")
            recorded = True
        return out, recorded

    def _forecasts_in_ledger(self, question_ids: list[int]) -> set[tuple]:
        """(question, analyst, made_at, p, probs) of every forecast already on these questions."""
        f = s.forecasts.c
        out: set[tuple] = set()
        for i in range(0, len(question_ids), 500):
            query = select(f.question_id, f.analyst_id, f.made_at, f.p, f.probs).where(
                f.question_id.in_(question_ids[i:i + 500]))
            out.update(tuple(r) for r in self.tx.conn.execute(query))
        return out

    def write(self) -> tuple[dict[str, int], dict[str, Any]]:
        tx, plan, conn = self.tx, self.plan, self.tx.conn
        problems = self.problems

        # Analysts: reuse existing handles, create the rest (sources and deactivated ones as the file says).
        known = {r.handle: r.id for r in conn.execute(select(s.analysts.c.id, s.analysts.c.handle))}
        analysts = self.batch(s.analysts)
        roles = self.batch(s.analyst_roles, analysts)
        new_analysts = 0
        for a in plan.analysts:
            if a.handle in known:
                continue
            known[a.handle] = analysts.add(a.handle, a.name, tx.now, a.kind)
            roles.add(known[a.handle], a.role, a.active, tx.now, tx.actor.id)
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

        # Questions: new ones from the plan; those already in the ledger are targets, and a CSV
        # question already there is compared with the values in force (SPEC 7).
        plan_slugs = {q.slug for q in plan.questions}
        referenced = (set(plan.forecasts.question) | {r.question for r in plan.resolutions}
                      | {slug for e in plan.evidence for slug, _ in e.links} | {a.question for a in plan.amendments})
        lookup, in_force = self._in_ledger(sorted(referenced | plan_slugs))
        implied = {r.question: r for r in plan.resolutions if r.implied}
        recorded: set[str] = set()  # CSV outcomes the ledger already holds: they add nothing
        created: set[str] = set()
        questions = self.batch(s.questions, analysts, scenarios)
        tags = self.batch(s.question_tags, questions)
        for q in plan.questions:
            if q.slug in in_force:
                if q.given is None:
                    problems.append(Problem(q.line, f"question {q.slug!r} already exists in this ledger"))
                    continue
                differs, already_resolved = self._disagreements(q, in_force[q.slug], implied.get(q.slug))
                if differs:
                    problems.append(Problem(q.line, f"disagrees with the ledger about question {q.slug!r}: "
                                                    + "; ".join(differs)))
                elif already_resolved:
                    recorded.add(q.slug)
                continue
            sid = None
            if q.scenario is not None:
                sid = scenario_ids.get(q.scenario)
                if sid is None:
                    problems.append(Problem(q.line, f"question {q.slug!r}: no scenario {q.scenario!r}"))
                    continue
            qid = questions.add(q.slug, sid, q.title, q.kind,
                                json.dumps(list(q.options), ensure_ascii=False) if q.kind == "choice" else None,
                                q.criteria, q.quote, q.opens_at, q.closes_at, q.resolves_by, tx.now, tx.actor.id)
            lookup[q.slug] = _Target(qid, q.kind, q.options, q.opens_at, q.closes_at)
            created.add(q.slug)
            for t in q.tags:
                tags.add(qid, t)

        # Amendments, as recorded (historical: not re-checked against today's rules).
        amendments = self.batch(s.question_amendments, analysts, questions)
        for a in plan.amendments:
            target = lookup.get(a.question)
            if target is None:
                problems.append(Problem(a.line, f"amendment of unknown question {a.question!r}"))
                continue
            amendments.add(target.id, a.at, known[a.by], a.reason, a.clarification, a.closes_at, a.resolves_by,
                           a.title, a.opens_at)
            target.opens_at, target.closes_at, _ = dates_in_force(target.opens_at, target.closes_at, 0, [a])

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
                links.add(eid, target.id, stance, e.logged_at, known[e.analyst])

        # Forecasts, column-wise.
        fc = plan.forecasts
        forecasts = self.batch(s.forecasts, analysts, questions)
        cites = self.batch(s.forecast_evidence, forecasts, evidence)
        withdrawals = self.batch(s.withdrawals, forecasts, analysts)
        if (not problems and plan.forecasts_checked and not any(fc.evidence) and not any(fc.probs)
                and not fc.withdrawn and not plan.amendments and created.issuperset(fc.question)):
            # The common bulk case (every CSV import of new questions): binary forecasts on
            # questions of this very file, whose parser already checked each against its opening.
            self._binary_forecasts(forecasts, lookup, known)
        else:
            targets = sorted({lookup[slug].id for slug in set(fc.question) if slug in lookup and slug not in created})
            already = self._forecasts_in_ledger(targets) if targets else set()
            self._checked_forecasts(forecasts, cites, withdrawals, lookup, known, evidence_ids, already)

        # Resolutions: a second one for a question must be a correction.
        resolved = {r.question_id for r in conn.execute(select(s.resolutions.c.question_id).distinct())}
        resolutions = self.batch(s.resolutions, analysts, questions)
        resolution_cites = self.batch(s.resolution_evidence, resolutions, evidence)
        for r in plan.resolutions:
            if r.implied and r.question in recorded:
                continue
            target = lookup.get(r.question)
            if target is None:
                problems.append(Problem(r.line, f"resolution of unknown question {r.question!r}"))
                continue
            outcome = match_outcome(target.kind, target.options, r.outcome)
            if outcome is None:
                allowed = ("yes", "no") if target.kind == "binary" else target.options
                problems.append(Problem(r.line, f"outcome {r.outcome!r} is not one of {', '.join(allowed)} or annulled"))
                continue
            if r.known_at > tx.now:
                problems.append(Problem(r.line, f"known_at {format_instant(r.known_at)} is in the future"))
                continue
            if target.id in resolved and r.correction is None:
                problems.append(Problem(r.line, f"question {r.question!r} is already resolved; give \"correction\""))
                continue
            if target.id not in resolved and r.correction is not None:
                problems.append(Problem(r.line, f"question {r.question!r} has no resolution to correct"))
                continue
            resolved.add(target.id)
            by = known[r.recorded_by] if r.recorded_by is not None else tx.actor.id
            rid = resolutions.add(target.id, outcome, r.known_at, tx.now, by, r.note, r.correction, True)
            for key in r.evidence:
                resolution_cites.add(rid, evidence_ids[key])

        if problems:
            raise ImportRefused(self.source, problems)
        batches, digesters = {}, []
        for b in (analysts, roles, scenarios, questions, tags, amendments, evidence, links, forecasts, cites,
                  withdrawals, resolutions, resolution_cites):
            described = b.finish()
            if described is not None:
                batches[b.table.name] = described
                digesters.append(b.digest)
        counts = {"analysts": new_analysts, "scenarios": scenarios.count, "questions": questions.count,
                  "amendments": amendments.count, "evidence": evidence.count, "forecasts": forecasts.count,
                  "withdrawals": withdrawals.count, "resolutions": resolutions.count}
        return counts, batches, digesters


# -- export -------------------------------------------------------------------------------


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
            mine = amended.get(r.id, [])
            opens, closes, _due = dates_in_force(r.opens_at, r.closes_at, r.resolves_by, mine)
            title = next((a.title for a in reversed(mine) if a.title is not None), r.title)
            self.questions.append(ExportQuestion(
                r.slug, scenario_slugs.get(r.scenario_id), r.title, r.kind,
                tuple(json.loads(r.options)) if r.options else ("yes", "no"), r.criteria, r.quote, r.opens_at,
                r.closes_at, r.resolves_by, tuple(sorted(tags.get(r.id, ()))), title, opens, closes,
                in_force.get(r.id),
            ))
        self.by_id = {r.id: q for r, q in zip(rows, self.questions)}

    def forecasts(self) -> Iterator[ExportForecast]:
        """Every forecast in recording order, withdrawn ones with their withdrawal."""
        cites: dict[int, list[int]] = {}
        for r in self.conn.execute(select(s.forecast_evidence).order_by(s.forecast_evidence.c.id)):
            cites.setdefault(r.forecast_id, []).append(self.evidence_key[r.evidence_id])
        withdrawn = {
            r.forecast_id: ExportWithdrawal(r.withdrawn_at, r.reason,
                                            self.handles[r.withdrawn_by] if r.withdrawn_by is not None else None)
            for r in self.conn.execute(select(s.withdrawals))
        }
        # Straight from the driver's cursor: a million Row objects would double the export's time.
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute("SELECT id, question_id, analyst_id, made_at, p, probs, rationale FROM forecasts ORDER BY id")
            while True:
                chunk = cursor.fetchmany(CHUNK)
                if not chunk:
                    break
                for fid, qid, aid, made_at, p, probs, rationale in chunk:
                    q = self.by_id[qid]
                    choice = probs is not None
                    yield ExportForecast(q.slug, self.handles[aid], made_at, p, q.options if choice else None,
                                         tuple(json.loads(probs)) if choice else None, rationale,
                                         tuple(cites.get(fid, ())), withdrawn.get(fid) if withdrawn else None)
        finally:
            cursor.close()
