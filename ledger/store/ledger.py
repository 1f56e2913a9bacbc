"""`Ledger`: the one way in. Engine, transactions, the clock, the journal head and `verify`
live here; the domain's reads and writes live in `people`, `questions` and `entries`, mixed in.
Every command reads through one snapshot (`read`/`reading`) or writes through `writing`, one
transaction that lands whole, journaled, or not at all; database errors become `LedgerError`s."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ledger.core.errors import BadInput, NotAllowed, NotFound, NotInitialised, Refused
from ledger.core.model import Analyst, Head
from ledger.core.timeutil import format_instant
from ledger.store import direct
from ledger.store import journal as jr
from ledger.store.clock import DEMO_MARK, MAX_SKEW_US, SERVER_NOW_SQL, SimulatedClock, SystemClock, View
from ledger.store.engine import (
    ADVISORY_LOCK_KEY,
    WAIT_NOTICE_S,
    begin_deferred_append,
    WaitPolicy,
    check_revision,
    display_url,
    flush_wal,
    lock_timeout,
    make_engine,
    read_revision,
    sqlite_path,
    translated,
    writers_queue,
)
from ledger.store import formats as fmt
from ledger.store.derived import Derived, OneRow, Template, one_row_append, template
from ledger.store.entries import EntriesMixin
from ledger.store.people import PeopleMixin, cannot_write, register
from ledger.store.reads import find_analyst, is_demo
from ledger.store.questions import QuestionsMixin
from ledger.store.schema import analysts, evidence, forecasts, journal, questions, resolutions, scenarios
from ledger.store.urls import normalise_url, read_only_file

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
        now: the transaction's instant, read after the lock, never before the journal's head.
        journal: inserts rows and appends the entries covering them.
        actor: the acting analyst, registered on this first write if unknown.
        notices: messages for the person, shown once the write has landed.
        prepared: what the write's `prepare` read, still true under the lock (or None).
    """

    conn: Connection
    now: int
    journal: jr.JournalWriter
    actor: Analyst
    notices: list[str] = field(default_factory=list)
    prepared: Any = None

    def require_editor(self, what: str) -> None:
        """Refuse (exit 1) unless the actor is an editor."""
        if self.actor.role != "editor":
            raise NotAllowed(f"only editors may {what}; {self.actor.handle!r} is an {self.actor.role}")


#: Journal entries that change no question and no analyst: a write's reads made before the lock
#: (`Ledger.writing(prepare=…)`) still hold if only these were appended in between. Anything else
#: (a question added or amended, a resolution, an analyst registered or changed, an import)
#: makes the write read again under the lock.
INERT_KINDS = frozenset({"forecast", "forecast.withdraw", "evidence.add", "evidence.link", "scenario.add"})


@dataclass(frozen=True)
class _Early:
    """Reads made before the write lock, and the head they were made at."""

    seen: jr.LastEntry
    actor: Analyst
    value: Any


@dataclass(frozen=True)
class Overview:
    """What `ledger info` shows, from one snapshot.

    Attributes:
        revision: the schema revision.
        counts: rows per main table.
        head: the journal head.
        demo: True for a demo ledger (built on a simulated clock).
    """

    revision: str | None
    counts: dict[str, int]
    head: Head
    demo: bool

    def __iter__(self):  # (revision, counts, head), as callers unpack it
        return iter((self.revision, self.counts, self.head))


_TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?)"
_LOCK = "SELECT pg_advisory_xact_lock(?)"


def _locked(limit: float) -> list[tuple[str, tuple]]:
    """The statements that take the append lock, waiting at most `limit` seconds; what follows
    them waits on any other lock as a write always has (a migration, say)."""
    return [(f"SET LOCAL lock_timeout = '{max(1, int(limit * 1000))}ms'", ()),
            (_LOCK, (ADVISORY_LOCK_KEY,)),
            ("SET LOCAL lock_timeout = DEFAULT", ())]


_SINCE = 'SELECT "seq", "hash", "at", "kind" FROM "journal" WHERE "seq" >= ? ORDER BY "seq"'
#: `_SINCE` with the PostgreSQL server's clock on every row (and on one row of NULLs when no entry
#: is there): one round trip fewer under the lock.
_SINCE_CLOCK = (f'SELECT j."seq", j."hash", j."at", j."kind", c."now" FROM (SELECT {SERVER_NOW_SQL} AS "now") c '
                'LEFT JOIN "journal" j ON j."seq" >= ? ORDER BY j."seq"')


class Ledger(PeopleMixin, QuestionsMixin, EntriesMixin):
    """A ledger database. Use `open_ledger(url)` for an initialised, current one.

    Attributes:
        url, display_url: where it is (the display form masks any password).
        clock: where every write's time comes from (`SystemClock`, or a demo's `SimulatedClock`).
        notify: called with messages for the person (stderr): waiting for a lock, registrations.
    """

    def __init__(self, url: str | None, *, clock: SystemClock | SimulatedClock | None = None,
                 notify: Callable[[str], None] | None = None) -> None:
        self.url = normalise_url(url)
        self.display_url = display_url(self.url)
        self.engine = make_engine(self.url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self.sqlite_file = sqlite_path(self.url)  # where the writers' queue is kept, beside it
        self._reads: Engine | None = None
        self.clock = clock or SystemClock()
        self.notify = notify
        self.wait = WaitPolicy(lock_timeout(), self._say)
        self._demo: bool | None = None  # the first journal entry never changes: read once a write sees one

    def _say(self, message: str) -> None:
        if self.notify is not None:
            self.notify(message)

    def close(self) -> None:
        """Release connections."""
        if self._reads is not None and self._reads is not self.engine:
            self._reads.dispose()
        self.engine.dispose()

    @property
    def read_engine(self) -> Engine:
        """Where read transactions are made: for a SQLite file that can be written, connections of
        their own, so that a connection is never set to `query_only` for a read and back for a
        write, which costs SQLite every statement it had compiled (a forecast reads, then writes);
        otherwise the engine."""
        if self._reads is None:
            own = self.sqlite_file is not None and not read_only_file(self.sqlite_file)
            self._reads = make_engine(self.url) if own else self.engine
        return self._reads

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction: a consistent snapshot that never takes the write lock."""
        with translated(self.url), self.read_engine.connect() as conn:
            if self.is_postgres:  # one snapshot for the whole read, as SQLite's BEGIN gives
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[View]:
        """A read snapshot with the command's one `now`: the clock's, never before the journal's
        last entry (as for a write). A ledger written on this clock is unchanged by that; a demo
        ledger, whose simulated history runs past today, reads as of its last simulated write."""
        with self.reading() as conn:
            yield View.of(conn, self.clock.now(conn, self.is_postgres), jr.read_last(conn).at)

    @contextmanager
    def _appending(self, handle: str, seen: jr.LastEntry | None = None
                   ) -> Iterator[tuple[Connection, jr.JournalWriter, jr.LastEntry, bool | None]]:
        """The append lock held inside one transaction, and a journal writer for `handle` at the
        write's instant: what every write, the demo mark included, starts from. Given the head
        `seen` by reads made before the lock, also whether they still hold (`_since`), told by
        the same read as the head."""
        with translated(self.url), self.engine.connect() as conn:
            with writers_queue(self.sqlite_file, self.wait, self.display_url):
                conn.execution_options(ledger_write=True, ledger_wait=self.wait, ledger_flush_after=True)
                with conn.begin():
                    clocked = self.is_postgres and isinstance(self.clock, SystemClock)  # the server's, read with the head
                    since = None if seen is None else (_SINCE_CLOCK if clocked else _SINCE, (seen.seq,))
                    rows = self._advisory_lock(conn, since) if self.is_postgres else None
                    now = None
                    if seen is None:
                        last, inert = jr.read_last(conn), None
                    elif clocked:
                        last, inert, now = self._since(conn, seen, with_clock=True, rows=rows)
                    else:
                        last, inert, _ = self._since(conn, seen, rows=rows)
                    writer = jr.JournalWriter(conn, handle, self._write_time(conn, last, now), head=last,
                                              hold_last=self.is_postgres)
                    yield conn, writer, last, inert
                    if writer.pending:  # pragma: no cover - a programming error, never user input
                        raise RuntimeError("rows were written without a journal entry")
                    held = writer.held()
                    if held is not None:  # the last entry and the commit in one round trip, under the lock
                        direct.pipelined(conn, [held, ("COMMIT", ())])
            if not self.is_postgres:
                flush_wal(conn)  # committed; durable before the write returns, synced after the lock

    @contextmanager
    def writing(self, handle: str, *, register_as: tuple[str | None, str] | None = None,
                prepare: Callable[[Connection], Any] | None = None) -> Iterator[Tx]:
        """One write transaction for `handle`: all of it lands, journaled, or none of it.

        Args:
            handle: the acting analyst; registered on this write if unknown (the first analyst
                of a fresh ledger becomes its editor).
            register_as: (name, role) to use if the actor has to be registered now.
            prepare: reads the write needs (`Tx.prepared`), made with the actor's before the lock
                is taken, so sixteen writers at once hold it only to append; made again under the
                lock if anything but `INERT_KINDS` was written in between, or if they failed.
        """
        notices: list[str] = []
        early = self._prepare(handle, prepare) if prepare is not None else None
        with self._appending(handle, early.seen if early is not None else None) as (conn, writer, _, still):
            if not still:
                early = None
            if early is not None:
                tx = Tx(conn, writer.at, writer, early.actor, notices, early.value)
            else:
                actor = register(conn, writer, handle, register_as, notices)
                tx = Tx(conn, writer.at, writer, actor, notices, prepare(conn) if prepare is not None else None)
            yield tx
        for message in notices:
            self._say(message)

    def _prepare(self, handle: str, prepare: Callable[[Connection], Any]) -> _Early | None:
        """`prepare` and the actor read in one snapshot, without the lock; None if either is not
        as a write needs it (unknown or barred actor, the reads refused): the write then reads
        under the lock, and says what is wrong exactly as it would have. A database that cannot be
        reached is said at once (`Unavailable`), not tried twice."""
        try:
            with self.reading() as conn:
                seen = jr.read_last(conn)
                actor = find_analyst(conn, handle)
                if actor is None or cannot_write(actor) is not None:
                    return None
                return _Early(seen, actor, prepare(conn))
        except (BadInput, NotFound, NotAllowed, Refused):
            return None

    def _derived(self, handle: str, prepare: Callable[[Connection], Any],
                 build: Callable[[_Early], tuple[OneRow, Any] | None]) -> tuple[Any, Derived] | None:
        """A one-row write appended from a template (`ledger.store.derived`), on the system clock:
        `prepare` read before the lock as for `writing`; behind the lock, only the head, the row
        and its entry. On PostgreSQL the server derives the entry, the lock, the statement and the
        COMMIT in one round trip; on SQLite the row and entry are written on the driver itself,
        the fewest steps the writers' queue is held for.

        `build` gets the early reads and gives the write and what to return with it, or None for
        a write to be made the usual way. Returned: that and what was written; None when the
        write is to be made the usual way (an unknown or barred actor, `build` declining, the
        early reads found stale, the instant outside the write's window, a log that is no WAL
        file), which then says anything wrong exactly as it always has."""
        if not isinstance(self.clock, SystemClock):
            return None
        early = self._prepare(handle, prepare)
        built = None if early is None else build(early)
        if built is None:
            return None
        write, result = built
        made = self._derived_on_server(handle, early.seen, write) if self.is_postgres \
            else self._derived_here(handle, early.seen, write)
        return None if made is None else (result, made)

    def _derived_here(self, handle: str, seen: jr.LastEntry, write: OneRow) -> Derived | None:
        """SQLite: `write` appended on the driver connection, inside the writers' queue and
        `BEGIN IMMEDIATE`, synced after the queue is let go (`flush_wal`), as any append."""
        shape = template(write, handle)
        with translated(self.url), self.engine.connect() as conn:
            info = conn.connection.info
            with writers_queue(self.sqlite_file, self.wait, self.display_url), \
                    direct.driver_errors(conn, f"append {write.kind}"):
                if not begin_deferred_append(conn, self.wait, self.display_url):
                    return None
                driver = conn.connection.driver_connection
                try:
                    made = self._append_here(conn, seen, write, shape, handle)
                    driver.execute("ROLLBACK" if made is None else "COMMIT")
                except BaseException:
                    if driver.in_transaction:
                        driver.execute("ROLLBACK")
                    raise
            if made is not None:
                info["ledger_flush"] = True
                flush_wal(conn)  # committed; durable before the write returns, synced after the queue
            return made

    def _append_here(self, conn: Connection, seen: jr.LastEntry, write: OneRow, shape: Template,
                     handle: str) -> Derived | None:
        """Inside the lock: the checks `one_row_append` makes on the server, then the row and its
        entry; None (nothing written) when the early reads are stale or the instant is outside
        the window. A clock behind the head, or a demo ledger, is refused as by any write."""
        last, inert, _ = self._since(conn, seen)
        if not inert:
            return None
        at = self._write_time(conn, last)
        if not write.window[0] <= at < write.window[1]:
            return None
        row_id = direct.insert_row(conn, write.table, {**write.values, write.instant: at})
        payload = shape.payload(row_id, at)
        seq = last.seq + 1
        digest = shape.hash(seq, at, last.hash, payload)
        direct.insert_row(conn, journal, dict(seq=seq, at=at, kind=write.kind, actor=handle, payload=payload,
                                              prev_hash=last.hash, hash=digest, format=fmt.CURRENT))
        return Derived(row_id, seq, digest, at)

    def _derived_on_server(self, handle: str, seen: jr.LastEntry, write: OneRow) -> Derived | None:
        """PostgreSQL: `write` as one statement the server derives the entry of, sent behind the
        lock with the COMMIT in one pipeline; a held lock waited for as `_advisory_lock` does."""
        statement = one_row_append(write, actor=handle, seen=seen, inert=sorted(INERT_KINDS))
        with translated(self.url), self.engine.connect() as conn:
            def attempt(limit: float) -> Derived | None:
                with conn.begin():
                    got = direct.pipelined(conn, [*_locked(limit), statement, ("COMMIT", ())])
                rows = got[-2]
                return Derived(*rows[0]) if rows else None

            return self._waiting_for_lock(attempt)

    @staticmethod
    def _since(conn: Connection, seen: jr.LastEntry, with_clock: bool = False, rows: list[tuple] | None = None
               ) -> tuple[jr.LastEntry, bool, int | None]:
        """The head, whether the journal still holds the entry `seen` with only `INERT_KINDS`
        after it (a ledger replaced by an older copy in between fails the first test), and, with
        `with_clock` (PostgreSQL), the server's clock: one read of the entries from `seen` on, the
        head last among them (`rows`, when it was read with the lock already)."""
        if rows is None:
            rows = direct.fetch_all(conn, _SINCE_CLOCK if with_clock else _SINCE, (seen.seq,))
        now = int(rows[0][4]) if with_clock else None
        if with_clock and rows[0][0] is None:
            rows = []
        if not rows:  # nothing from `seen` on: an empty journal still, or one shorter than it was
            return jr.read_last(conn), seen.seq == 0, now
        last = jr.LastEntry(*rows[-1][:3])
        if seen.seq and (rows[0][0] != seen.seq or rows[0][1] != seen.hash):
            return last, False, now
        return last, all(row[3] in INERT_KINDS for row in rows if row[0] > seen.seq), now

    def _advisory_lock(self, conn: Connection, then: tuple[str, tuple] | None = None) -> list[tuple] | None:
        """Take the append lock, waiting at most the policy's timeout (PostgreSQL); the rows of
        `then` (SQL and parameters), read as soon as the lock is held, in the same round trip.

        Every round trip made while holding the lock is one the other writers wait through, so
        the statements go in pipelines (`direct.pipelined`): a free lock and `then` are one round
        trip. A held one is waited for inside a savepoint, with `lock_timeout` set for the wait
        and put back, and `then` read, by the statements sent with it: after `WAIT_NOTICE_S` the
        person is told, then the wait goes on to the timeout.
        """
        key = (ADVISORY_LOCK_KEY,)
        got = direct.pipelined(conn, [(_TRY_LOCK, key)] + ([then] if then is not None else []))
        if got[0][0][0]:
            return got[1] if then is not None else None

        def attempt(limit: float) -> list[tuple] | None:
            got = direct.pipelined(conn, [
                ("SAVEPOINT ledger_lock", ()),
                *_locked(limit),
            ] + ([then] if then is not None else []))
            return got[-1] if then is not None else None

        return self._waiting_for_lock(attempt, lambda: conn.exec_driver_sql("ROLLBACK TO SAVEPOINT ledger_lock"))

    def _waiting_for_lock(self, attempt: Callable[[float], Any], undo: Callable[[], Any] = lambda: None) -> Any:
        """PostgreSQL: `attempt(limit)`, which waits for the append lock at most `limit` seconds
        (`_locked`), first for `WAIT_NOTICE_S`, then, the person told, for the rest of the
        timeout; `undo` after an attempt that timed out. What the attempt returned."""
        first = min(WAIT_NOTICE_S, self.wait.timeout)
        for tried, limit in enumerate((first, self.wait.timeout - first)):
            try:
                return attempt(limit)
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
                    raise
                undo()
                if tried == 1 or limit <= 0 or self.wait.timeout <= first:
                    raise self.wait.gave_up(self.display_url) from None
                self.wait.waiting(self.display_url)
        return None  # pragma: no cover - the loop returns or raises

    def _write_time(self, conn: Connection, last: jr.LastEntry, now: int | None = None) -> int:
        """The write's instant: the clock read now, under the lock (`now`, if it was read with the
        head), never before the head's."""
        if now is None:
            now = self.clock.now(conn, self.is_postgres)
        if last.seq > 0 and self._demo is None:
            self._demo = self.is_demo(conn)
        demo = last.seq > 0 and bool(self._demo)
        if demo and not self.clock.simulated:
            raise Refused(f"{self.display_url} is a demo ledger, built on a simulated clock: it takes no real "
                          "writes (make a ledger of your own with `ledger init`)")
        if self.clock.simulated and not demo and last.seq > 0:
            raise Refused("a simulated clock only builds a demo ledger, from an empty one")
        if last.at is not None and now < last.at - MAX_SKEW_US:
            raise Refused(f"this clock says {format_instant(now)}, more than 5 minutes before the journal's last "
                          f"entry ({format_instant(last.at)}); fix the clock, nothing was written")
        return now if last.at is None else max(now, last.at)

    is_demo = staticmethod(is_demo)  # whether the ledger is a demo (`ledger.store.reads`)

    def mark_demo(self, handle: str) -> Head:
        """Mark an empty ledger as a demo (the first journal entry); needs a simulated clock."""
        if not self.clock.simulated:
            raise Refused("only a ledger built on a simulated clock is a demo")
        with self._appending(handle) as (_, writer, last, _):
            if last.seq:
                raise Refused(f"{self.display_url} is not empty: a demo is built from an empty ledger")
            return writer.append(DEMO_MARK, note="built on a simulated clock by ledger demo")

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

    def overview(self) -> Overview:
        """Schema revision, rows per main table, journal head and demo mark, from one snapshot."""
        with self.reading() as conn:
            counts = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                      for name, table in COUNTED_TABLES.items()}
            return Overview(read_revision(conn), counts, jr.read_head(conn), self.is_demo(conn))

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


def open_ledger(url: str | None, **options) -> Ledger:
    """Open an initialised ledger whose schema is current (exit 1 otherwise, never migrating)."""
    path = sqlite_path(normalise_url(url))
    if path is not None and not path.exists():
        raise NotInitialised(f"no ledger at {path}; create one with `ledger init`")
    ledger = Ledger(url, **options)
    check_revision(ledger.revision(), ledger.url)
    return ledger
