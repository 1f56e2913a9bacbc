"""Engine set-up for SQLite and PostgreSQL, transactions, and database errors as `LedgerError`s.

SQLite: WAL, foreign keys on, and the driver's own transaction handling turned off so that
writes start with `BEGIN IMMEDIATE` (they queue for the lock up front instead of failing half-way
with "database is locked") while reads start a plain deferred `BEGIN` on a connection set to
`query_only`, and never take the write lock. An analyst's write commits inside the writers'
queue and syncs the log to disk just after letting it go, before it returns (`flush_wal`):
the next writer starts while the disk works, and no write is acknowledged before it is on disk.
A ledger file or folder this process cannot write
(an archive) is opened read-only. PostgreSQL: every write transaction first takes a
transaction-level advisory lock, which serialises journal appends without needing UPDATE on any
table. On both, a writer waits for another at most `LEDGER_LOCK_TIMEOUT` seconds (default 60),
saying so after about 2 s.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from dataclasses import dataclass

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from ledger.core.errors import BadInput, LedgerError, NotInitialised, SchemaOutOfDate, Unavailable
from ledger.store.reads import sync_wal
from ledger.store.revisions import KNOWN_REVISIONS, SCHEMA_REVISION
from ledger.store.urls import display_url, read_only_file

#: How long a writer waits for another writer's lock before giving up (seconds), unless
#: `LEDGER_LOCK_TIMEOUT` says otherwise.
BUSY_TIMEOUT_S = 60
#: After this long behind another writer, say so (seconds).
WAIT_NOTICE_S = 2.0
#: Key of the PostgreSQL advisory lock that serialises writers (any constant; "LEDGER" in ASCII).
ADVISORY_LOCK_KEY = 0x4C4544474552


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and other backends."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_folder(path: Path) -> None:
    """Create the folder a SQLite file goes in, or say why it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Unavailable(f"cannot create the folder for {path}: {exc.strerror or exc}") from None


def lock_timeout() -> float:
    """Seconds a writer waits behind another: `LEDGER_LOCK_TIMEOUT`, default 60."""
    raw = os.environ.get("LEDGER_LOCK_TIMEOUT", "").strip()
    if not raw:
        return float(BUSY_TIMEOUT_S)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1e6:
        raise BadInput(f"LEDGER_LOCK_TIMEOUT={raw!r}: give a number of seconds, e.g. 60")
    return value


@dataclass
class WaitPolicy:
    """How a writer waits for the append lock.

    Attributes:
        timeout: seconds in all before giving up.
        on_wait: told once (with a message) when the wait passes `WAIT_NOTICE_S`.
    """

    timeout: float = float(BUSY_TIMEOUT_S)
    on_wait: Callable[[str], None] | None = None

    def waiting(self, where: str) -> None:
        if self.on_wait is not None:
            self.on_wait(f"waiting for another writer to finish with {where} (up to {self.timeout:g} s)…")

    def gave_up(self, where: str) -> Unavailable:
        return Unavailable(f"another writer holds the ledger at {where}; gave up after {self.timeout:g} s "
                           "(LEDGER_LOCK_TIMEOUT); nothing was written")


#: How long a waiting SQLite writer sleeps between tries for the write lock (seconds): short, so
#: the lock is taken soon after it is free (SQLite's own busy handler backs off to 100 ms, which
#: leaves the lock idle under contention), with jitter so waiters do not try in step.
_RETRY_SLEEPS = (0.0005, 0.003)


def _begin_immediate(driver: sqlite3.Connection, policy: WaitPolicy, where: str) -> None:
    """`BEGIN IMMEDIATE`, waiting up to the policy's timeout and saying so after a while.

    The wait is a loop of immediate tries with short, jittered sleeps rather than SQLite's busy
    handler, so that sixteen writers at once keep the lock busy instead of sleeping through it.
    """
    import random

    from ledger.store.clock import stopwatch

    driver.execute("PRAGMA busy_timeout = 0")
    elapsed, noticed, pause = stopwatch(), False, _RETRY_SLEEPS[0]
    try:
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            waited = elapsed()
            if waited >= policy.timeout:
                raise policy.gave_up(where)
            if not noticed and waited >= min(WAIT_NOTICE_S, policy.timeout):
                policy.waiting(where)
                noticed = True
            time.sleep(min(pause * random.uniform(0.5, 1.5), max(0.0, policy.timeout - waited)))
            pause = min(pause * 1.5, _RETRY_SLEEPS[1])
    finally:
        driver.execute(f"PRAGMA busy_timeout = {int(policy.timeout * 1000)}")


def driver_chunks(conn: Connection, sql: str, size: int, name: str) -> Iterator[list[tuple]]:
    """The rows of `sql` as the driver's own tuples, `size` at a time, without SQLAlchemy's row
    objects (a million of them cost as much as the read); on PostgreSQL through a named,
    server-side cursor (`name`), so a large table is never fetched whole."""
    driver = conn.connection.driver_connection
    cursor = driver.cursor(name=name) if conn.dialect.name == "postgresql" else driver.cursor()
    try:
        cursor.execute(sql)
        while True:
            chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield chunk
    finally:
        cursor.close()


@contextmanager
def writers_queue(path: Path | None, policy: WaitPolicy, where: str) -> Iterator[None]:
    """Hold the SQLite writers' queue: an OS lock (`flock`) on `PATH-lock`, taken before `BEGIN
    IMMEDIATE` and let go after the commit, so writers wait in the kernel, asleep, and the next
    one starts as soon as the lock is free, instead of polling for it (sixteen writers at once
    then keep the ledger busy, and none is left behind for long). Released by the kernel if the
    process dies. Where the lock file cannot be made (an archive, a platform without `flock`),
    writers fall back to `BEGIN IMMEDIATE`'s own wait.

    Raises:
        Unavailable: the lock was not free within the policy's timeout.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        fcntl = None
    fd = None
    if path is not None and fcntl is not None:
        try:
            fd = os.open(f"{path}-lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            fd = None
    if fd is None:
        yield
        return
    owned = _take(fcntl, fd, policy, where)  # False: a waiting thread still owns the descriptor
    try:
        yield
    finally:
        if owned:
            os.close(fd)  # lets the lock go


def _take(fcntl, fd: int, policy: WaitPolicy, where: str) -> bool:  # noqa: ANN001 - the module
    """Take the flock on `fd`, waiting up to the policy's timeout; True once held.

    A free lock is one call. A held one is waited for in the kernel by the main thread itself,
    bounded by an interval timer (`SIGALRM`), so that when the lock is let go the waiter is woken
    straight into its write. Off the main thread, or where the program has a timer of its own
    running, the wait runs in a helper thread instead (`_take_in_thread`).
    """
    import threading

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    import signal

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer") \
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0 or signal.getsignal(signal.SIGALRM) is None:
        return _take_in_thread(fcntl, fd, policy, where)  # None: a handler set outside Python, kept
    first = min(WAIT_NOTICE_S, policy.timeout)
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        if _wait_for(fcntl, fd, first):
            return True
        if policy.timeout > first:
            policy.waiting(where)
            if _wait_for(fcntl, fd, policy.timeout - first):
                return True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    os.close(fd)
    raise policy.gave_up(where)


class _Expired(Exception):
    """The interval timer bounding a wait for the writers' queue went off."""


def _expire(_signum, _frame) -> None:  # noqa: ANN001 - a signal handler's arguments
    raise _Expired


def _wait_for(fcntl, fd: int, seconds: float) -> bool:  # noqa: ANN001 - the module
    """Block on the flock for at most `seconds` (SIGALRM cuts the wait); whether it is held. The
    timer can go off just after the lock was taken: a non-blocking try then tells."""
    import signal

    if seconds > 0:
        try:
            try:
                signal.setitimer(signal.ITIMER_REAL, seconds)
                fcntl.flock(fd, fcntl.LOCK_EX)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            return True
        except _Expired:
            pass
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _take_in_thread(fcntl, fd: int, policy: WaitPolicy, where: str) -> bool:  # noqa: ANN001 - the module
    """`_take`'s wait in a helper thread, bounded by waiting on it: if the time runs out first,
    the thread is told, and when it does get the lock it lets it go and closes `fd` itself."""
    import threading

    got, guard, state = threading.Event(), threading.Lock(), {"abandoned": False}

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with guard:
            if state["abandoned"]:
                os.close(fd)
                return
        got.set()

    threading.Thread(target=wait, name="ledger-writers-queue", daemon=True).start()
    first = min(WAIT_NOTICE_S, policy.timeout)
    if got.wait(first):
        return True
    policy.waiting(where)
    if got.wait(max(0.0, policy.timeout - first)):
        return True
    with guard:
        if got.is_set():
            return True
        state["abandoned"] = True
    raise policy.gave_up(where)


def begin_deferred_append(conn: Connection, policy: WaitPolicy, where: str) -> bool:
    """SQLite, on a connection SQLAlchemy has not begun: `BEGIN IMMEDIATE` on the driver for an
    append whose sync waits until after the writers' queue (`flush_wal`, once the caller has set
    `ledger_flush` on a commit), as an append through `ledger_flush_after` makes it. False, and nothing begun, where the log is no WAL file (an
    archive, say): such a write goes the usual way."""
    info = conn.connection.info
    if not info.get("ledger_wal", False):
        return False
    driver = conn.connection.driver_connection
    set_query_only(driver, info, False)
    if info.get("ledger_synchronous") != "NORMAL":
        driver.execute("PRAGMA synchronous = NORMAL")
        info["ledger_synchronous"] = "NORMAL"
    _begin_immediate(driver, policy, where)
    return True


def set_query_only(driver: sqlite3.Connection, info: dict, on: bool) -> None:
    """`PRAGMA query_only` on a SQLite connection (`info`: its pool record's), issued only when it
    changes: SQLite expires every statement the connection has compiled on such a pragma, even
    one that sets what is already set, so each would be compiled again on its next run."""
    if info.get("ledger_query_only", False) is not on:
        driver.execute(f"PRAGMA query_only = {1 if on else 0}")
        info["ledger_query_only"] = on


def flush_wal(conn: Connection) -> None:
    """Make the transaction this SQLite connection just committed durable, where its commit left
    that to now (`ledger_flush_after`): the write-ahead log synced to disk after the writers'
    queue was let go, so the next writer does not wait for the disk too, and writers' syncs
    overlap (a group commit). The write is not acknowledged until this returns; a crash before
    then may lose it whole, never half of it (a WAL with `synchronous = NORMAL` stays consistent).

    Raises:
        Unavailable: the disk refused the sync (the write was committed, but may not be on disk).
    """
    info = conn.connection.info
    if info.pop("ledger_flush", False):
        sync_wal(info["ledger_path"], "the write was committed but could not be synced to disk")


def _configure_sqlite(engine: Engine, where: str, read_only: bool, path: Path | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):  # noqa: ANN001 - DBAPI objects
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            # a commit's sync may wait until after the lock only where the log is a WAL file
            record.info["ledger_wal"] = path is not None and mode is not None and str(mode[0]).lower() == "wal"
            record.info["ledger_path"] = path
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        driver = conn.connection.driver_connection
        if options.get("ledger_write", False):
            if read_only:
                raise Unavailable(f"the ledger at {where} is read-only here (an archive): it can be read and "
                                  "verified, not written")
            info = conn.connection.info
            set_query_only(driver, info, False)
            later = bool(options.get("ledger_flush_after")) and info.get("ledger_wal", False)
            level = "NORMAL" if later else "FULL"
            if info.get("ledger_synchronous") != level:
                driver.execute(f"PRAGMA synchronous = {level}")
                info["ledger_synchronous"] = level
            info["ledger_flush"] = later
            _begin_immediate(driver, options.get("ledger_wait") or WaitPolicy(), where)
        else:
            set_query_only(driver, conn.connection.info, True)
            driver.execute("BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine for `url`, configured for this product's transaction rules."""
    try:
        if url.startswith("sqlite"):
            path = sqlite_path(url)
            read_only = path is not None and read_only_file(path)
            if read_only:
                # An archive: nothing may be created beside it, so no -wal/-shm either (immutable
                # unless a -wal is there to be read).
                wal = Path(f"{path}-wal").exists()
                target = f"file:{quote(str(path))}?mode=ro" + ("" if wal else "&immutable=1")
                engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(
                    target, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False))
            else:
                engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
            _configure_sqlite(engine, display_url(url), read_only, path)
        else:
            engine = create_engine(url, connect_args={"connect_timeout": 10})
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as exc:
        raise Unavailable(f"cannot use database URL {display_url(url)!r}: {exc}") from None
    return engine


def describe_db_error(exc: DBAPIError, url: str) -> LedgerError:
    """Turn a database error into a one-line `LedgerError` a user can act on."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    lowered = message.lower()
    where = display_url(url)
    if "database is locked" in lowered or "database is busy" in lowered:
        return Unavailable(
            f"the ledger at {where} stayed locked by other writers for {BUSY_TIMEOUT_S} s; try again"
        )
    if "disk is full" in lowered or "no space left on device" in lowered or (
            "disk i/o error" in lowered and _disk_nearly_full(url)):
        return Unavailable(f"the database at {where} is full (no space left on its disk, or at its size limit): "
                           f"{first}; nothing was written")
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return NotInitialised(f"no ledger schema at {where}; run `ledger init`")
    if isinstance(exc, OperationalError):
        return Unavailable(f"cannot use the database at {where}: {first}")
    return LedgerError(f"database error at {where}: {first}")


def _disk_nearly_full(url: str) -> bool:
    """True when the disk holding a SQLite ledger has (almost) no room left: SQLite reports a
    write that found the disk full as a plain "disk I/O error" when it fails in the WAL index."""
    path = sqlite_path(url)
    if path is None:
        return False
    try:
        room = os.statvfs(path.parent)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return False
    return room.f_bavail * room.f_frsize < 1 << 20


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Re-raise database errors as `LedgerError`s naming the database."""
    try:
        yield
    except DBAPIError as exc:
        raise describe_db_error(exc, url) from None


def read_revision(conn: Connection) -> str | None:
    """The schema revision recorded by Alembic, or None when there is no ledger schema."""
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        lowered = str(exc.orig).lower()
        if "no such table" in lowered or "does not exist" in lowered:
            return None
        raise


def check_revision(revision: str | None, url: str) -> None:
    """Refuse to run on a missing or out-of-date schema (exit 1, never a silent migration)."""
    if revision is None:
        raise NotInitialised(f"no ledger at {display_url(url)}; create one with `ledger init`")
    if revision not in KNOWN_REVISIONS:
        raise SchemaOutOfDate(
            f"the ledger at {display_url(url)} has schema revision {revision}, which this version of ledger "
            f"does not know (it needs {SCHEMA_REVISION}); was it written by a newer ledger? upgrade ledger itself"
        )
    if revision != SCHEMA_REVISION:
        raise SchemaOutOfDate(
            f"the ledger at {display_url(url)} has schema revision {revision}, this version of "
            f"ledger needs {SCHEMA_REVISION}; run `ledger db upgrade`"
        )
