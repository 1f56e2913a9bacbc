"""`Ledger`: the one way in. Every command reads through `reading()` or writes through one
call that runs in a single transaction, journaled, and turns database errors into
`LedgerError`s."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import and_, func, select, text
from sqlalchemy.engine import Connection

from ledger.core import validate
from ledger.core.errors import BadInput, NotAllowed, NotFound, NotInitialised, Refused
from ledger.core.model import (
    ANNULLED,
    ROLES,
    STANCES,
    Amendment,
    Analyst,
    Evidence,
    EvidenceLink,
    Forecast,
    Head,
    Question,
    Resolution,
    Scenario,
    match_outcome,
)
from ledger.core.timeutil import format_instant, now_us
from ledger.store import journal as jr
from ledger.store.engine import (
    ADVISORY_LOCK_KEY,
    check_revision,
    display_url,
    make_engine,
    normalise_url,
    read_revision,
    sqlite_path,
    translated,
)
from ledger.store.schema import (
    analyst_roles,
    analysts,
    evidence,
    evidence_links,
    forecast_evidence,
    forecasts,
    question_amendments,
    question_tags,
    questions,
    resolution_evidence,
    resolutions,
    scenarios,
    withdrawals,
)

#: Ids above this cannot be stored (64-bit signed); a reference to one is simply not found.
MAX_ID = 2**63 - 1

COUNTED_TABLES = {
    "analysts": analysts,
    "scenarios": scenarios,
    "questions": questions,
    "forecasts": forecasts,
    "evidence": evidence,
    "resolutions": resolutions,
}


@dataclass
class Tx:
    """One write transaction: the connection, its clock, the journal writer and the actor.

    Attributes:
        conn: the connection, inside `BEGIN IMMEDIATE` (SQLite) or holding the advisory lock.
        now: the transaction's instant (taken after the lock, so it orders like the journal).
        journal: inserts rows and appends the entries covering them.
        actor: the acting analyst, registered on this first write if unknown.
    """

    conn: Connection
    now: int
    journal: jr.JournalWriter
    actor: Analyst

    def require_editor(self, what: str) -> None:
        """Refuse (exit 1) unless the actor is an editor."""
        if self.actor.role != "editor":
            raise NotAllowed(f"only editors may {what}; {self.actor.handle!r} is an {self.actor.role}")


def _analyst_query():
    earlier = analyst_roles.alias("earlier")
    latest = (
        select(func.max(earlier.c.id))
        .where(earlier.c.analyst_id == analysts.c.id)
        .correlate(analysts)
        .scalar_subquery()
    )
    return select(
        analysts.c.id,
        analysts.c.handle,
        analysts.c.name,
        analysts.c.created_at,
        analyst_roles.c.role,
        analyst_roles.c.active,
    ).select_from(
        analysts.join(analyst_roles, and_(analyst_roles.c.analyst_id == analysts.c.id, analyst_roles.c.id == latest))
    )


def _analyst(row: Any) -> Analyst:
    return Analyst(row.id, row.handle, row.name, row.role, bool(row.active), row.created_at)


class Ledger:
    """A ledger database. Use `open_ledger(url)` for an initialised, current one."""

    def __init__(self, url: str | None) -> None:
        self.url = normalise_url(url)
        self.display_url = display_url(self.url)
        self.engine = make_engine(self.url)
        self.is_postgres = self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction: a consistent snapshot that never takes the write lock."""
        with translated(self.url), self.engine.connect() as conn:
            if self.is_postgres:  # one snapshot for the whole read, as SQLite's BEGIN gives
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn

    @contextmanager
    def writing(self, handle: str, *, register_as: tuple[str | None, str] | None = None) -> Iterator[Tx]:
        """One write transaction for `handle`: all of it lands, journaled, or none of it.

        Args:
            handle: the acting analyst; registered on this write if unknown (the first analyst
                of a fresh ledger becomes its editor).
            register_as: (name, role) to use if the actor has to be registered now.
        """
        with translated(self.url), self.engine.connect() as conn:
            conn.execution_options(ledger_write=True)
            with conn.begin():
                if self.is_postgres:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
                now = now_us()
                writer = jr.JournalWriter(conn, handle, now)
                actor = self._actor(conn, writer, handle, register_as)
                tx = Tx(conn, now, writer, actor)
                yield tx
                if writer.pending:  # pragma: no cover - a programming error, never user input
                    raise RuntimeError("rows were written without a journal entry")

    def _actor(
        self, conn: Connection, writer: jr.JournalWriter, handle: str, register_as: tuple[str | None, str] | None
    ) -> Analyst:
        row = conn.execute(_analyst_query().where(analysts.c.handle == handle)).first()
        if row is not None:
            found = _analyst(row)
            if not found.active:
                raise NotAllowed(f"analyst {handle!r} is deactivated")
            return found
        validate.handle(handle)
        name, wanted = register_as or (None, "analyst")
        first = conn.execute(select(func.count()).select_from(analysts)).scalar_one() == 0
        if wanted == "editor" and not first:
            raise NotAllowed(f"only editors may add an editor; {handle!r} is not registered yet")
        role = "editor" if first else "analyst"
        new = writer.insert(analysts, handle=handle, name=name, created_at=writer.at)
        writer.insert(
            analyst_roles, analyst_id=new["id"], role=role, active=True, changed_at=writer.at, changed_by=None
        )
        writer.append("analyst.register", analyst=handle, role=role)
        return Analyst(new["id"], handle, name, role, True, writer.at)

    # -- overview -------------------------------------------------------------------------

    def revision(self) -> str | None:
        """The schema revision recorded in the database, or None."""
        with self.reading() as conn:
            return read_revision(conn)

    def head(self, conn: Connection | None = None) -> Head:
        """The journal head."""
        if conn is not None:
            return jr.read_head(conn)
        with self.reading() as c:
            return jr.read_head(c)

    def overview(self) -> tuple[str | None, dict[str, int], Head]:
        """Schema revision, rows per main table and journal head, from one snapshot (`ledger info`)."""
        with self.reading() as conn:
            counts = {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in COUNTED_TABLES.items()
            }
            return read_revision(conn), counts, jr.read_head(conn)

    def verify(self, quoted: Head | None = None, progress=None, on_start=None):
        """Check the chain, the quoted head and every row (raises `Tampered`).

        Args:
            quoted: a head quoted earlier, which must still hold.
            progress: called with the number of entries or rows checked since the last call.
            on_start: called first with the total number of entries and rows to check.
        """
        from ledger.store import verify

        with self.reading() as conn:
            if on_start is not None:
                on_start(verify.count_work(conn))
            return verify.verify(conn, quoted, progress)

    # -- analysts -------------------------------------------------------------------------

    def analysts(self) -> list[Analyst]:
        """Every analyst, by handle (code-point order)."""
        with self.reading() as conn:
            return sorted(self.analysts_in(conn), key=lambda a: a.handle)

    def analysts_in(self, conn: Connection) -> list[Analyst]:
        """Every analyst, in registration order."""
        return [_analyst(r) for r in conn.execute(_analyst_query().order_by(analysts.c.id))]

    def check_editor(self, handle: str, what: str) -> None:
        """Refuse early (exit 1) unless `handle` is an active editor, or would become the editor
        of this empty ledger on its first write."""
        with self.reading() as conn:
            row = conn.execute(_analyst_query().where(analysts.c.handle == handle)).first()
            anyone = conn.execute(select(analysts.c.id).limit(1)).first() is not None
        if row is None and not anyone:
            return
        if row is None or row.role != "editor" or not row.active:
            raise NotAllowed(f"only editors may {what}; {handle!r} is not an active editor")

    def _find_analyst(self, conn: Connection, handle: str) -> Analyst:
        row = conn.execute(_analyst_query().where(analysts.c.handle == handle)).first()
        if row is None:
            raise NotFound(f"no analyst {handle!r}")
        return _analyst(row)

    def add_analyst(self, actor: str, handle: str, name: str | None, role: str) -> Analyst:
        """Register an analyst; only an editor may add an editor."""
        validate.handle(handle)
        validate.text(name, what="name", single_line=True)
        if role not in ROLES:
            raise BadInput(f"role {role!r}: use analyst or editor")
        register_as = (name, role) if handle == actor else None
        with self.writing(actor, register_as=register_as) as tx:
            if handle == actor and tx.actor.created_at == tx.now:
                return tx.actor
            if role == "editor":
                tx.require_editor("add an editor")
            if tx.conn.execute(select(analysts.c.id).where(analysts.c.handle == handle)).first():
                raise Refused(f"analyst {handle!r} already exists")
            new = tx.journal.insert(analysts, handle=handle, name=name, created_at=tx.now)
            tx.journal.insert(
                analyst_roles, analyst_id=new["id"], role=role, active=True, changed_at=tx.now, changed_by=tx.actor.id
            )
            tx.journal.append("analyst.add", analyst=handle, role=role)
            return Analyst(new["id"], handle, name, role, True, tx.now)

    def _change_analyst(self, actor: str, handle: str, *, role: str | None, deactivate: bool) -> Analyst:
        with self.writing(actor) as tx:
            tx.require_editor("deactivate analysts" if deactivate else "change roles")
            target = self._find_analyst(tx.conn, handle)
            if deactivate and not target.active:
                raise Refused(f"analyst {handle!r} is already deactivated")
            new_role = role or target.role
            active = target.active and not deactivate
            losing_editor = target.role == "editor" and target.active and (new_role != "editor" or not active)
            if losing_editor:
                editors = [
                    a
                    for a in (_analyst(r) for r in tx.conn.execute(_analyst_query()))
                    if a.role == "editor" and a.active
                ]
                if len(editors) <= 1:
                    raise Refused(f"{handle!r} is the ledger's only active editor; make someone else editor first")
            tx.journal.insert(
                analyst_roles,
                analyst_id=target.id,
                role=new_role,
                active=active,
                changed_at=tx.now,
                changed_by=tx.actor.id,
            )
            tx.journal.append("analyst.deactivate" if deactivate else "analyst.role", analyst=handle, role=new_role)
            return Analyst(target.id, target.handle, target.name, new_role, active, target.created_at)

    def set_role(self, actor: str, handle: str, role: str) -> Analyst:
        """Make an analyst an editor or an analyst (editors only); a deactivated one stays deactivated."""
        if role not in ROLES:
            raise BadInput(f"role {role!r}: use analyst or editor")
        return self._change_analyst(actor, handle, role=role, deactivate=False)

    def deactivate(self, actor: str, handle: str) -> Analyst:
        """Deactivate an analyst: their history stays, they can no longer write (editors only)."""
        return self._change_analyst(actor, handle, role=None, deactivate=True)

    # -- scenarios ------------------------------------------------------------------------

    def add_scenario(
        self,
        actor: str,
        slug: str,
        title: str,
        *,
        summary: str | None = None,
        source_title: str | None = None,
        source_publisher: str | None = None,
        source_url: str | None = None,
        source_published: str | None = None,
    ) -> Scenario:
        """Record a scenario (any active analyst)."""
        values = dict(
            slug=validate.slug(slug, what="scenario slug"),
            title=validate.text(title, what="title", required=True, single_line=True),
            summary=validate.text(summary, what="summary"),
            source_title=validate.text(source_title, what="source title", single_line=True),
            source_publisher=validate.text(source_publisher, what="publisher", single_line=True),
            source_url=validate.text(source_url, what="source url", single_line=True),
            source_published=source_published,
        )
        with self.writing(actor) as tx:
            if tx.conn.execute(select(scenarios.c.id).where(scenarios.c.slug == slug)).first():
                raise Refused(f"scenario {slug!r} already exists")
            row = tx.journal.insert(scenarios, **values, created_at=tx.now, created_by=tx.actor.id)
            tx.journal.append("scenario.add", scenario=slug)
        return _scenario(row, 0)

    def scenarios(self) -> list[Scenario]:
        """Every scenario with its number of questions, by slug."""
        with self.reading() as conn:
            return sorted(self.scenarios_in(conn), key=lambda sc: sc.slug)

    def scenarios_in(self, conn: Connection) -> list[Scenario]:
        """Every scenario with its number of questions, in recording order."""
        n = (
            select(func.count())
            .select_from(questions)
            .where(questions.c.scenario_id == scenarios.c.id)
            .scalar_subquery()
        )
        rows = conn.execute(select(scenarios, n.label("n")).order_by(scenarios.c.id)).all()
        return [_scenario(r._mapping, r.n) for r in rows]

    def questions_in(self, conn: Connection) -> list[Question]:
        """Every question with dates in force and resolution, in recording order."""
        return self._load_questions(conn, None)

    def scenario(self, slug: str) -> Scenario:
        """One scenario by slug."""
        for found in self.scenarios():
            if found.slug == slug:
                return found
        raise NotFound(f"no scenario {slug!r}")

    # -- questions ------------------------------------------------------------------------

    def add_question(
        self,
        actor: str,
        *,
        scenario: str | None,
        title: str,
        criteria: str,
        opens_at: int | None,
        closes_at: int,
        resolves_by: int | None,
        options: Sequence[str] = (),
        tags: Sequence[str] = (),
        slug: str | None = None,
        quote: str | None = None,
    ) -> Question:
        """Record a question; two or more options make it a choice question."""
        validate.text(title, what="title", required=True, single_line=True)
        validate.text(criteria, what="criteria", required=True)
        if criteria.strip().upper().startswith("TODO"):
            raise BadInput("criteria still start with TODO; write how the question resolves")
        validate.text(quote, what="quote")
        if slug is not None:
            validate.slug(slug, what="question slug", need_letter=True)
        names = validate.options(options)
        tag_list = sorted({validate.tag(t) for t in tags})
        with self.writing(actor) as tx:
            opens = tx.now if opens_at is None else opens_at
            if closes_at <= opens:
                raise BadInput(
                    f"--closes {format_instant(closes_at)} must be after the question opens ({format_instant(opens)})"
                )
            due = closes_at if resolves_by is None else resolves_by
            if due < closes_at:
                raise BadInput(
                    f"--resolves-by {format_instant(due)} must not be before --closes {format_instant(closes_at)}"
                )
            scenario_id = None
            if scenario is not None:
                scenario_id = tx.conn.execute(select(scenarios.c.id).where(scenarios.c.slug == scenario)).scalar()
                if scenario_id is None:
                    raise NotFound(f"no scenario {scenario!r}")
            final_slug = self._free_slug(tx.conn, slug, title)
            row = tx.journal.insert(
                questions,
                slug=final_slug,
                scenario_id=scenario_id,
                title=title,
                kind="choice" if names else "binary",
                options=json.dumps(names, ensure_ascii=False) if names else None,
                criteria=criteria,
                quote=quote,
                opens_at=opens,
                closes_at=closes_at,
                resolves_by=due,
                created_at=tx.now,
                created_by=tx.actor.id,
            )
            for t in tag_list:
                tx.journal.insert(question_tags, question_id=row["id"], tag=t)
            tx.journal.append("question.add", question=final_slug)
            return self._load_questions(tx.conn, [row["id"]])[0]

    def _free_slug(self, conn: Connection, wanted: str | None, title: str) -> str:
        def taken(candidate: str) -> bool:
            return conn.execute(select(questions.c.id).where(questions.c.slug == candidate)).first() is not None

        if wanted is not None:
            if taken(wanted):
                raise Refused(f"question slug {wanted!r} is taken")
            return wanted
        base = validate.slugify(title)
        candidate, n = base, 1
        while taken(candidate):
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def resolve_ref(self, conn: Connection, ref: str) -> int:
        """A question id from Q: an exact slug wins, else `12` or `#12` is an id."""
        found = conn.execute(select(questions.c.id).where(questions.c.slug == ref)).scalar()
        if found is not None:
            return found
        digits = ref[1:] if ref.startswith("#") else ref
        if digits.isascii() and digits.isdigit() and int(digits) <= MAX_ID:
            found = conn.execute(select(questions.c.id).where(questions.c.id == int(digits))).scalar()
            if found is not None:
                return found
        raise NotFound(f"no question {ref!r} (give a slug, or an id as 12 or #12)")

    def question(self, ref: str) -> Question:
        """One question with its amendments and resolution in force."""
        with self.reading() as conn:
            return self._load_questions(conn, [self.resolve_ref(conn, ref)])[0]

    def questions(
        self, *, scenario: str | None = None, status: str | None = None, tag: str | None = None
    ) -> list[Question]:
        """Questions by id, filtered by scenario slug, derived status and tag."""
        now = now_us()
        with self.reading() as conn:
            if scenario is not None and conn.execute(
                select(scenarios.c.id).where(scenarios.c.slug == scenario)
            ).first() is None:
                raise NotFound(f"no scenario {scenario!r}")
            found = self._load_questions(conn, None)
        return [
            q
            for q in found
            if (scenario is None or q.scenario == scenario)
            and (status is None or q.status(now) == status)
            and (tag is None or tag in q.tags)
        ]

    def _load_questions(self, conn: Connection, ids: list[int] | None) -> list[Question]:
        def only(column):  # restrict a query to the wanted questions
            return column.in_(ids) if ids is not None else True

        handles = {r.id: r.handle for r in conn.execute(select(analysts.c.id, analysts.c.handle))} if ids is None else None

        def handle_of(analyst_id: int) -> str:
            if handles is not None:
                return handles[analyst_id]
            return conn.execute(select(analysts.c.handle).where(analysts.c.id == analyst_id)).scalar_one()

        tags: dict[int, list[str]] = {}
        for r in conn.execute(select(question_tags.c.question_id, question_tags.c.tag).where(only(question_tags.c.question_id))):
            tags.setdefault(r.question_id, []).append(r.tag)
        amendments: dict[int, list[Amendment]] = {}
        for r in conn.execute(
            select(question_amendments).where(only(question_amendments.c.question_id)).order_by(question_amendments.c.id)
        ):
            amendments.setdefault(r.question_id, []).append(
                Amendment(r.id, r.amended_at, handle_of(r.amended_by), r.reason, r.clarification, r.closes_at, r.resolves_by)
            )
        latest: dict[int, Any] = {}
        for r in conn.execute(select(resolutions).where(only(resolutions.c.question_id)).order_by(resolutions.c.id)):
            latest[r.question_id] = r
        cited: dict[int, list[int]] = {}
        if latest:
            for r in conn.execute(
                select(resolution_evidence).where(resolution_evidence.c.resolution_id.in_([r.id for r in latest.values()]))
            ):
                cited.setdefault(r.resolution_id, []).append(r.evidence_id)
        query = (
            select(questions, scenarios.c.slug.label("scenario_slug"))
            .outerjoin(scenarios, scenarios.c.id == questions.c.scenario_id)
            .where(only(questions.c.id))
            .order_by(questions.c.id)
        )
        out = []
        for r in conn.execute(query):
            mine = tuple(amendments.get(r.id, ()))
            closes, due = r.closes_at, r.resolves_by
            for a in mine:
                closes = a.closes_at if a.closes_at is not None else closes
                due = a.resolves_by if a.resolves_by is not None else due
            res = latest.get(r.id)
            resolution = None
            if res is not None:
                resolution = Resolution(
                    res.id,
                    res.outcome,
                    res.known_at,
                    res.recorded_at,
                    handle_of(res.recorded_by),
                    res.note,
                    res.correction,
                    tuple(sorted(cited.get(res.id, ()))),
                )
            out.append(
                Question(
                    id=r.id,
                    slug=r.slug,
                    title=r.title,
                    kind=r.kind,
                    options=tuple(json.loads(r.options)) if r.options else ("yes", "no"),
                    criteria=r.criteria,
                    opens_at=r.opens_at,
                    closes_at=closes,
                    resolves_by=due,
                    tags=tuple(sorted(tags.get(r.id, ()))),
                    scenario=r.scenario_slug,
                    created_at=r.created_at,
                    amendments=mine,
                    resolution=resolution,
                )
            )
        return out

    # -- forecasts ------------------------------------------------------------------------

    def record_forecast(
        self,
        actor: str,
        ref: str,
        values: Sequence[str],
        *,
        rationale: str | None = None,
        evidence_ids: Sequence[int] = (),
    ) -> tuple[Question, Forecast]:
        """Record a forecast now, from probability texts (one for binary, OPTION=PROB for choice)."""
        from ledger.core.probability import parse_choice, parse_probability

        validate.text(rationale, what="--why")
        with self.writing(actor) as tx:
            question = self._load_questions(tx.conn, [self.resolve_ref(tx.conn, ref)])[0]
            if question.kind == "binary":
                if len(values) != 1:
                    raise BadInput(f"#{question.id} is a yes/no question: give one probability, e.g. 70%")
                p_yes = float(parse_probability(values[0]))
                probabilities: tuple[float, ...] = (p_yes, 1.0 - p_yes)
            else:
                probabilities = tuple(float(x) for x in parse_choice(values, question.options))
            _check_open(question, tx.now)
            self._check_evidence(tx.conn, evidence_ids)
            row = tx.journal.insert(
                forecasts,
                question_id=question.id,
                analyst_id=tx.actor.id,
                made_at=tx.now,
                p=probabilities[0] if question.kind == "binary" else None,
                probs=None if question.kind == "binary" else jr.canonical(list(probabilities)),
                rationale=rationale,
                imported=False,
            )
            for evidence_id in dict.fromkeys(evidence_ids):
                tx.journal.insert(forecast_evidence, forecast_id=row["id"], evidence_id=evidence_id)
            tx.journal.append("forecast", question=question.slug)
        return question, Forecast(
            row["id"], question.id, actor, tx.now, probabilities, rationale, tuple(dict.fromkeys(evidence_ids))
        )

    def forecasts(self, ref: str | None = None) -> list[Forecast]:
        """Forecasts (of one question, or all), in recording order, with withdrawals marked."""
        with self.reading() as conn:
            query = (
                select(forecasts, analysts.c.handle, withdrawals.c.reason.label("withdrawn"))
                .join(analysts, analysts.c.id == forecasts.c.analyst_id)
                .outerjoin(withdrawals, withdrawals.c.forecast_id == forecasts.c.id)
                .order_by(forecasts.c.id)
            )
            cite = select(forecast_evidence)
            if ref is not None:
                qid = self.resolve_ref(conn, ref)
                query = query.where(forecasts.c.question_id == qid)
                cite = cite.join(forecasts, forecasts.c.id == forecast_evidence.c.forecast_id).where(
                    forecasts.c.question_id == qid
                )
            cited: dict[int, list[int]] = {}
            for r in conn.execute(cite):
                cited.setdefault(r.forecast_id, []).append(r.evidence_id)
            return [
                Forecast(
                    r.id,
                    r.question_id,
                    r.handle,
                    r.made_at,
                    (r.p, 1.0 - r.p) if r.p is not None else tuple(json.loads(r.probs)),
                    r.rationale,
                    tuple(cited.get(r.id, ())),
                    bool(r.imported),
                    r.withdrawn,
                )
                for r in conn.execute(query)
            ]

    # -- evidence -------------------------------------------------------------------------

    def _check_evidence(self, conn: Connection, ids: Iterable[int]) -> None:
        wanted = set(ids)
        if not wanted:
            return
        storable = {i for i in wanted if 0 < i <= MAX_ID}
        found = {r.id for r in conn.execute(select(evidence.c.id).where(evidence.c.id.in_(storable)))} if storable \
            else set()
        missing = sorted(wanted - found)
        if missing:
            raise NotFound(f"no evidence {', '.join(str(m) for m in missing)}")

    def add_evidence(
        self,
        actor: str,
        summary: str,
        *,
        source: str | None = None,
        observed_on: str | None = None,
        links: Sequence[tuple[str, str]] = (),
    ) -> Evidence:
        """Log evidence and link it to questions with a stance each."""
        validate.text(summary, what="summary", required=True)
        validate.text(source, what="--source")
        for _, stance in links:
            _check_stance(stance)
        with self.writing(actor) as tx:
            row = tx.journal.insert(
                evidence,
                analyst_id=tx.actor.id,
                logged_at=tx.now,
                observed_on=observed_on,
                summary=summary,
                source=source,
                imported=False,
            )
            made = []
            seen: set[int] = set()
            for ref, stance in links:
                qid = self.resolve_ref(tx.conn, ref)
                if qid in seen:
                    raise BadInput(f"question {ref!r} is linked twice")
                seen.add(qid)
                tx.journal.insert(
                    evidence_links,
                    evidence_id=row["id"],
                    question_id=qid,
                    stance=stance,
                    linked_at=tx.now,
                    analyst_id=tx.actor.id,
                )
                made.append(qid)
            tx.journal.append("evidence.add", evidence=row["id"])
            slugs = self._slugs(tx.conn, made)
        return Evidence(
            row["id"],
            summary,
            source,
            observed_on,
            tx.now,
            tx.actor.handle,
            tuple(EvidenceLink(q, slugs[q], s) for q, (_, s) in zip(made, links)),
        )

    def link_evidence(self, actor: str, evidence_id: int, ref: str, stance: str) -> EvidenceLink:
        """Link existing evidence to a question with a stance."""
        _check_stance(stance)
        with self.writing(actor) as tx:
            self._check_evidence(tx.conn, [evidence_id])
            qid = self.resolve_ref(tx.conn, ref)
            existing = tx.conn.execute(
                select(evidence_links.c.stance).where(
                    evidence_links.c.evidence_id == evidence_id, evidence_links.c.question_id == qid
                )
            ).scalar()
            if existing is not None:
                raise Refused(f"evidence {evidence_id} is already linked to {ref!r} with stance {existing}")
            tx.journal.insert(
                evidence_links,
                evidence_id=evidence_id,
                question_id=qid,
                stance=stance,
                linked_at=tx.now,
                analyst_id=tx.actor.id,
            )
            tx.journal.append("evidence.link", evidence=evidence_id)
            return EvidenceLink(qid, self._slugs(tx.conn, [qid])[qid], stance)

    def _slugs(self, conn: Connection, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        return {r.id: r.slug for r in conn.execute(select(questions.c.id, questions.c.slug).where(questions.c.id.in_(ids)))}

    def evidence(self, ref: str | None = None) -> list[Evidence]:
        """Evidence items (linked to one question, or all), oldest first."""
        with self.reading() as conn:
            links: dict[int, list[EvidenceLink]] = {}
            query = select(evidence_links, questions.c.slug).join(questions, questions.c.id == evidence_links.c.question_id)
            for r in conn.execute(query.order_by(evidence_links.c.id)):
                links.setdefault(r.evidence_id, []).append(EvidenceLink(r.question_id, r.slug, r.stance))
            wanted = None
            if ref is not None:
                qid = self.resolve_ref(conn, ref)
                wanted = {eid for eid, ls in links.items() if any(link.question_id == qid for link in ls)}
            rows = conn.execute(
                select(evidence, analysts.c.handle).join(analysts, analysts.c.id == evidence.c.analyst_id).order_by(evidence.c.id)
            )
            return [
                Evidence(r.id, r.summary, r.source, r.observed_on, r.logged_at, r.handle, tuple(links.get(r.id, ())))
                for r in rows
                if wanted is None or r.id in wanted
            ]

    # -- resolutions ----------------------------------------------------------------------

    def resolve(
        self,
        actor: str,
        ref: str,
        outcome: str,
        *,
        known_at: int | None = None,
        note: str | None = None,
        evidence_ids: Sequence[int] = (),
        correction: str | None = None,
    ) -> Question:
        """Record an outcome (editors only); a second one must be a correction with a reason."""
        validate.text(note, what="--note")
        validate.text(correction, what="--correct", required=correction is not None)
        with self.writing(actor) as tx:
            tx.require_editor("resolve questions")
            question = self._load_questions(tx.conn, [self.resolve_ref(tx.conn, ref)])[0]
            chosen = _match_outcome(question, outcome)
            when = tx.now if known_at is None else known_at
            if when > tx.now:
                raise BadInput(f"--on {format_instant(when)} is in the future")
            if question.resolution is not None and correction is None:
                raise Refused(
                    f"#{question.id} is already resolved ({question.resolution.outcome}); "
                    "to change it use --correct REASON"
                )
            if question.resolution is None and correction is not None:
                raise Refused(f"#{question.id} has no resolution to correct")
            self._check_evidence(tx.conn, evidence_ids)
            row = tx.journal.insert(
                resolutions,
                question_id=question.id,
                outcome=chosen,
                known_at=when,
                recorded_at=tx.now,
                recorded_by=tx.actor.id,
                note=note,
                correction=correction,
                imported=False,
            )
            for evidence_id in dict.fromkeys(evidence_ids):
                tx.journal.insert(resolution_evidence, resolution_id=row["id"], evidence_id=evidence_id)
            tx.journal.append("resolution.correct" if correction else "resolution", question=question.slug, outcome=chosen)
            return self._load_questions(tx.conn, [question.id])[0]

    def resolutions(self, ref: str) -> list[Resolution]:
        """Every resolution of a question, corrections included, oldest first."""
        with self.reading() as conn:
            qid = self.resolve_ref(conn, ref)
            cited: dict[int, list[int]] = {}
            for r in conn.execute(
                select(resolution_evidence).join(resolutions, resolutions.c.id == resolution_evidence.c.resolution_id).where(
                    resolutions.c.question_id == qid
                )
            ):
                cited.setdefault(r.resolution_id, []).append(r.evidence_id)
            rows = conn.execute(
                select(resolutions, analysts.c.handle)
                .join(analysts, analysts.c.id == resolutions.c.recorded_by)
                .where(resolutions.c.question_id == qid)
                .order_by(resolutions.c.id)
            )
            return [
                Resolution(r.id, r.outcome, r.known_at, r.recorded_at, r.handle, r.note, r.correction, tuple(cited.get(r.id, ())))
                for r in rows
            ]


def _scenario(row: Any, n: int) -> Scenario:
    return Scenario(
        row["id"],
        row["slug"],
        row["title"],
        row["summary"],
        row["source_title"],
        row["source_publisher"],
        row["source_url"],
        row["source_published"],
        row["created_at"],
        n,
    )


def _check_stance(stance: str) -> None:
    if stance not in STANCES:
        raise BadInput(f"stance {stance!r}: use + (raises), - (lowers) or ~ (context)")


def _check_open(question: Question, now: int) -> None:
    if question.resolution is not None:
        state = "annulled" if question.resolution.outcome == ANNULLED else f"resolved {question.resolution.outcome}"
        raise Refused(f"#{question.id} {question.slug} is {state}; it takes no more forecasts")
    if now < question.opens_at:
        raise Refused(f"#{question.id} {question.slug} is not open yet: it opens {format_instant(question.opens_at)}")
    if now >= question.closes_at:
        raise Refused(f"#{question.id} {question.slug} closed {format_instant(question.closes_at)}")


def _match_outcome(question: Question, outcome: str) -> str:
    chosen = match_outcome(question.kind, question.options, outcome)
    if chosen is not None:
        return chosen
    if question.kind == "binary":
        raise BadInput(f"outcome {outcome!r}: #{question.id} is a yes/no question; use yes, no or annulled")
    raise BadInput(
        f"outcome {outcome!r} is not an option of #{question.id}; use one of: "
        + ", ".join(question.options)
        + ", or annulled"
    )


def open_ledger(url: str | None) -> Ledger:
    """Open an initialised ledger whose schema is current (exit 1 otherwise, never migrating)."""
    ledger = Ledger(url)
    path = sqlite_path(ledger.url)
    if path is not None and not path.exists():
        raise NotInitialised(f"no ledger at {path}; create one with `ledger init`")
    check_revision(ledger.revision(), ledger.url)
    return ledger
