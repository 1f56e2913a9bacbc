"""The one place the time is read. A write takes its time after the append lock is held (the
PostgreSQL server's clock, or this machine's for SQLite); a read takes one `now` for the whole
command. `ledger demo` alone builds a ledger on a `SimulatedClock`, and such a ledger is marked
as a demo in its first journal entry (see `ledger.store.ledger`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Connection

#: A write whose clock is further than this behind the journal's head is refused (microseconds).
MAX_SKEW_US = 5 * 60 * 1_000_000
#: The kind of the first journal entry of a demo ledger.
DEMO_MARK = "ledger.demo"


#: The PostgreSQL server's clock as an SQL expression (microseconds since the epoch), for a write
#: that reads it in the same statement as the journal's head (`Ledger._since`).
SERVER_NOW_SQL = "floor(extract(epoch from clock_timestamp()) * 1000000)::int8"


class SystemClock:
    """The real time: the database server's for PostgreSQL, this machine's for SQLite."""

    simulated = False

    def now(self, conn: Connection | None = None, postgres: bool = False) -> int:
        """Microseconds since the epoch, UTC."""
        if postgres and conn is not None:
            return int(conn.exec_driver_sql(f"SELECT {SERVER_NOW_SQL}").scalar_one())
        return time.time_ns() // 1000


class SimulatedClock:
    """A clock that says what it is told (for building a demo ledger's history).

    Attributes:
        at: the instant it reads, in microseconds; move it with `set` or `advance`.
    """

    simulated = True

    def __init__(self, at: int) -> None:
        self.at = at

    def set(self, at: int) -> None:
        """Move the clock to `at` (never back)."""
        if at < self.at:
            raise ValueError("a simulated clock never goes back")
        self.at = at

    def advance(self, us: int) -> None:
        """Move the clock forward."""
        self.set(self.at + us)

    def now(self, conn: Connection | None = None, postgres: bool = False) -> int:
        return self.at


@dataclass(frozen=True)
class View:
    """One read snapshot and the instant the command takes as `now`.

    Attributes:
        conn: the connection, inside one read transaction (SQLAlchemy's, or a `direct.Plain`).
        now: read once, when the snapshot began, never before the journal's last entry.
    """

    conn: Any
    now: int

    @classmethod
    def of(cls, conn: Any, clock_now: int, last_at: int | None) -> "View":
        """The read's view: the clock's `now`, never before the journal's last entry (`last_at`,
        None while empty), as for a write; a demo ledger, whose simulated history runs past
        today, reads as of its last simulated write."""
        return cls(conn, clock_now if last_at is None else max(clock_now, last_at))


def stopwatch():
    """A function giving the seconds since this call (a monotonic clock: for bounded waits, never
    for what is recorded)."""
    start = time.monotonic()
    return lambda: time.monotonic() - start
