"""Checking an `ImportPlan` against the ledger and writing it: analysts, scenarios, questions
(new ones, and rows on questions already in the ledger, compared with the values in force),
amendments, evidence, forecasts, withdrawals and resolutions, every problem gathered by line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice, repeat
from typing import Any, Callable

from sqlalchemy import Table, func, select

from ledger.core.bulk import ImportPlan, ImportRefused, Problem, check_choice
from ledger.core.errors import BadInput
from ledger.core.model import match_outcome
from ledger.core.rules import dates_in_force
from ledger.core.timeutil import format_instant
from ledger.store import batches
from ledger.store import schema as s
from ledger.store.batches import Batch
from ledger.store.formats import Constant
from ledger.store.ledger import Tx

#: CSV names of the question fields a row can disagree about, for messages.
_FIELD_NAMES = {"title": "q_title", "criteria": "criteria", "opens_at": "open_time", "closes_at": "close_time"}


#: A SQLite import adding at least this many forecasts, and more than the table holds, builds the
#: table's indexes after its rows instead of keeping them up row by row.
BUILD_INDEXES_AFTER = 10_000


def _drop_indexes(conn: Any, table: str) -> list[str]:
    """Drop `table`'s own indexes (not those behind UNIQUE constraints) inside the transaction;
    the statements that build them again."""
    found = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                 "AND sql IS NOT NULL ORDER BY name", (table,)).all()
    for name, _ in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


@dataclass
class _Target:
    """A question forecasts, links, amendments and resolutions can name: its id, kind, options
    and the dates in force (updated by the file's amendments as they are written)."""

    id: int
    kind: str
    options: tuple[str, ...]
    opens_at: int
    closes_at: int


class PlanWriter:
    """One import's checks and writes: see `ledger.store.bulk.apply_plan`."""

    def __init__(self, tx: Tx, plan: ImportPlan, source: str, postgres: bool,
                 progress: Callable[[int], None] | None, check: bool = False) -> None:
        self.tx, self.plan, self.source, self.postgres, self.progress = tx, plan, source, postgres, progress
        self.check = check
        self.problems: list[Problem] = []
        self.skipped = 0
        self.sender: batches.Sender | None = None

    def _checked_forecasts(self, forecasts: Batch, cites: Batch, withdrawals: Batch, lookup: dict[str, _Target],
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
            if len(rows) >= batches.CHUNK:
                forecasts.next_id = fid
                forecasts.flush()
                rows = forecasts.rows
                if progress is not None:
                    progress(batches.CHUNK)
        forecasts.next_id = fid
        if progress is not None:
            progress(len(rows))

    def _binary_forecasts(self, forecasts: Batch, lookup: dict[str, _Target], known: dict[str, int]) -> None:
        """Queue every forecast of the plan, built column-wise at C speed, in chunks."""
        fc = self.plan.forecasts
        question_id = {slug: target.id for slug, target in lookup.items()}
        first = forecasts.next_id
        n = len(fc)
        qids, aids = list(map(question_id.__getitem__, fc.question)), list(map(known.__getitem__, fc.analyst))
        columns = [range(first, first + n), qids, aids, fc.made_at, fc.p, Constant(None, n), fc.rationale,
                   Constant(True, n)]
        rationale = Constant(None, n) if fc.rationale.count(None) == n else fc.rationale
        sent = forecasts.insert_columns([qids, aids, fc.made_at, fc.p, Constant(None, n), rationale,
                                         Constant(True, n)], self.progress, checked=True)  # as the parser made them
        forecasts.digest.extend_columns(columns)  # on PostgreSQL, while the rows are sent
        if sent:
            return
        # PostgreSQL, with a rationale: rows by text COPY
        rows = zip(range(first, first + n), qids, aids, fc.made_at, fc.p, repeat(None), fc.rationale, repeat(True))
        forecasts.next_id = first + n
        while True:
            chunk = list(islice(rows, batches.CHUNK))
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

    def batch(self, table: Table, *parents: Batch) -> Batch:
        return Batch(self.tx, table, self.postgres, parents, self.check, self.sender)

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

    def write(self) -> tuple[dict[str, int], dict[str, Any], list[Any]]:
        """Check and write the plan: the counts per kind, the journal's description of each
        table's batch and their digesters (for the batch locators). On PostgreSQL the rows are
        sent by a `batches.Sender` while the next are made."""
        if not self.postgres:  # sqlite3 binds each row holding the GIL: a thread there gains nothing
            return self._write(False)
        deferred = batches.references_deferred(self.tx.conn)
        self.sender = batches.Sender(self.tx.conn, any_order=deferred)
        try:
            return self._write(deferred)
        finally:
            self.sender.close(quiet=True)  # after a failure; closed and checked already otherwise

    def _write(self, deferred: bool) -> tuple[dict[str, int], dict[str, Any], list[Any]]:
        tx, plan, conn = self.tx, self.plan, self.tx.conn
        problems = self.problems

        # Analysts: reuse existing handles, create the rest (sources and deactivated ones as the file says).
        known, kinds = {}, {}
        for r in conn.execute(select(s.analysts.c.id, s.analysts.c.handle, s.analysts.c.kind)):
            known[r.handle], kinds[r.handle] = r.id, r.kind
        # Every batch reads its table's last id now, before any row is sent.
        analysts = self.batch(s.analysts)
        roles = self.batch(s.analyst_roles, analysts)
        scenarios = self.batch(s.scenarios, analysts)
        questions = self.batch(s.questions, analysts, scenarios)
        tags = self.batch(s.question_tags, questions)
        amendments = self.batch(s.question_amendments, analysts, questions)
        evidence = self.batch(s.evidence, analysts)
        links = self.batch(s.evidence_links, evidence, questions)
        forecasts = self.batch(s.forecasts, analysts, questions)
        cites = self.batch(s.forecast_evidence, forecasts, evidence)
        withdrawals = self.batch(s.withdrawals, forecasts, analysts)
        resolutions = self.batch(s.resolutions, analysts, questions)
        resolution_cites = self.batch(s.resolution_evidence, resolutions, evidence)
        resolved = {r.question_id for r in conn.execute(select(s.resolutions.c.question_id).distinct())}
        new_analysts = 0
        for a in plan.analysts:
            if a.handle in known:
                if a.must_be_source and kinds[a.handle] != "source":
                    problems.append(Problem(a.line, f"forecaster {a.handle!r} is a person in this ledger: a "
                                                    "scenario's forecaster must be a new handle or a source's"))
                continue
            known[a.handle] = analysts.add(a.handle, a.name, tx.now, a.kind)
            roles.add(known[a.handle], a.role, a.active, tx.now, tx.actor.id)
            new_analysts += 1

        # Scenarios.
        scenario_ids = {r.slug: r.id for r in conn.execute(select(s.scenarios.c.id, s.scenarios.c.slug))}
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
        homeless: dict[str, list[int]] = {}  # a scenario neither in the file nor the ledger -> its questions' lines
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
                    homeless.setdefault(q.scenario, []).append(q.line)
                    continue
            qid = questions.add(q.slug, sid, q.title, q.kind,
                                json.dumps(list(q.options), ensure_ascii=False) if q.kind == "choice" else None,
                                q.criteria, q.quote, q.opens_at, q.closes_at, q.resolves_by, tx.now, tx.actor.id)
            lookup[q.slug] = _Target(qid, q.kind, q.options, q.opens_at, q.closes_at)
            created.add(q.slug)
            for t in q.tags:
                tags.add(qid, t)

        if homeless:  # said once per scenario, not again for every row of every question it holds
            raise ImportRefused(self.source, problems + [
                Problem(lines[0], f"no scenario {slug!r} in the file or the ledger, for {len(lines)} new question(s) "
                                  f"(the first on this line); create it first with `ledger scenario add {slug}`")
                for slug, lines in homeless.items()])

        # Amendments, as recorded (historical: not re-checked against today's rules).
        for a in plan.amendments:
            target = lookup.get(a.question)
            if target is None:
                problems.append(Problem(a.line, f"amendment of unknown question {a.question!r}"))
                continue
            amendments.add(target.id, a.at, known[a.by], a.reason, a.clarification, a.closes_at, a.resolves_by,
                           a.title, a.opens_at)
            target.opens_at, target.closes_at, _ = dates_in_force(target.opens_at, target.closes_at, 0, [a])

        # Evidence and its links.
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
        rebuilt: list[str] = []
        if (not problems and plan.forecasts_checked and not any(fc.evidence) and not any(fc.probs)
                and not fc.withdrawn and not plan.amendments and created.issuperset(fc.question)):
            # The common bulk case (every CSV import of new questions): binary forecasts on
            # questions of this very file, whose parser already checked each against its opening.
            if not self.postgres and len(fc) >= max(BUILD_INDEXES_AFTER, forecasts.first_id - 1):
                # More rows than the table holds: its indexes are built once, after the rows are in,
                # instead of kept up row by row (the same definitions, in the same transaction).
                rebuilt += _drop_indexes(conn, s.forecasts.name)
            self._binary_forecasts(forecasts, lookup, known)
        else:
            targets = sorted({lookup[slug].id for slug in set(fc.question) if slug in lookup and slug not in created})
            already = self._forecasts_in_ledger(targets) if targets else set()
            self._checked_forecasts(forecasts, cites, withdrawals, lookup, known, evidence_ids, already)

        # Resolutions: a second one for a question must be a correction.
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
        described_batches, digesters = {}, []
        written = [analysts, roles, scenarios, questions, tags, amendments, evidence, links, forecasts, cites,
                   withdrawals, resolutions, resolution_cites]
        for b in written:  # every row sent before the first sequence is moved
            b.flush()
        for b in written:  # hashed while the server takes the rows (a statement now would wait for it)
            b.digest_sent()
        for b in written:
            described = b.finish()
            if described is not None:
                described_batches[b.table.name] = described
                digesters.append(b.digest)
        if self.sender is not None:
            self.sender.wait()
        if deferred:
            batches.check_references(conn, written)
        for sql in rebuilt:
            conn.exec_driver_sql(sql)
        counts = {"analysts": new_analysts, "scenarios": scenarios.count, "questions": questions.count,
                  "amendments": amendments.count, "evidence": evidence.count, "forecasts": forecasts.count,
                  "withdrawals": withdrawals.count, "resolutions": resolutions.count}
        return counts, described_batches, digesters

