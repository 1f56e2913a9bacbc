"""`ledger score` and `ledger report` on a SQLite ledger, read without SQLAlchemy.

Scoring reads a handful of tables through the driver's own cursor and computes with numpy; on
a SQLite file nothing in it needs SQLAlchemy, whose import is the largest part of the command's
start-up (0.2-0.4 s, a quarter of `score` at 300k forecasts). So the read is made here on a
`sqlite3` connection, by the same queries (`ledger.store.scores` takes a `direct.Plain` where
it takes a SQLAlchemy connection), with the same snapshot rules: one deferred read transaction
on a `query_only` connection, whose `now` is never before the journal's last entry. The
report's reads (`report_data.read_report_in`) take either connection in the same way.

Only the plain case is read here: a ledger file that exists, can be written by this process
(not an archive) and has the current schema. Anything else, and any driver error, is left to
the usual path (`Ledger`), which says what is wrong exactly as every other command does.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable, TypeVar

from ledger.store import direct
from ledger.store.clock import SystemClock, View
from ledger.store.revisions import SCHEMA_REVISION
from ledger.store.urls import normalise_url, plain_sqlite_path, read_only_file

if TYPE_CHECKING:  # pragma: no cover
    from ledger.core.period import Period, Window
    from ledger.store.report_data import ReportInput
    from ledger.store.scores import ScoredLedger, WindowOf

T = TypeVar("T")

#: How long a read waits on a busy file (seconds; a read in WAL mode waits only for a recovery),
#: as the engine's connections do.
BUSY_TIMEOUT_S = 60


def scored_plainly(db: str | None, window_of: "WindowOf" = None, *, scenario: str | None = None,
                   tag: str | None = None) -> "tuple[ScoredLedger, Window] | None":
    """`scores.scored` of the ledger at `db` (`--db`), read on a plain `sqlite3` connection; None
    when this is not a case for it (not a plain SQLite file, an archive, another schema revision,
    a driver error): the caller then reads through `Ledger`."""
    from ledger.store.scores import scored_in, window_in

    def read(view: View) -> "tuple[ScoredLedger, Window]":
        window = window_in(view, window_of)
        return scored_in(view, window, scenario=scenario, tag=tag), window

    return _plainly(db, read)


def report_input_plainly(db: str | None, *, period_of: "Callable[[int], Period]", as_of: int | None = None,
                         scenario: str | None = None) -> "ReportInput | None":
    """`report_data.read_report_input` of the ledger at `db`, read on a plain `sqlite3`
    connection; None when this is not a case for it, as for `scored_plainly`.

    Raises:
        NotFound: `scenario` names no scenario.
    """
    from ledger.store.report_data import read_report_in

    return _plainly(db, lambda view: read_report_in(view, period_of=period_of, as_of=as_of, scenario=scenario))


def _plainly(db: str | None, read: "Callable[[View], T]") -> "T | None":
    """`read` of one snapshot of the ledger at `db`, on a plain `sqlite3` connection; None when
    this is not the plain case or the driver fails (the usual path then says what is wrong)."""
    path = plain_sqlite_path(normalise_url(db))
    if path is None or not path.is_file() or read_only_file(path):
        return None
    try:
        driver = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        driver.execute("PRAGMA query_only = 1")
        driver.execute("BEGIN")
        conn = direct.Plain(driver, str(path))
        try:
            revision = direct.fetch_one(conn, "SELECT version_num FROM alembic_version")
            if revision is None or revision[0] != SCHEMA_REVISION:
                return None
            last = direct.fetch_one(conn, 'SELECT "at" FROM "journal" ORDER BY "seq" DESC LIMIT 1')
            return read(View.of(conn, SystemClock().now(), None if last is None else last[0]))
        finally:
            driver.execute("COMMIT")
    except sqlite3.Error:
        return None
    finally:
        driver.close()
