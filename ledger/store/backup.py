"""`ledger backup`: a consistent copy of a SQLite ledger while others write, through SQLite's online
backup API (`sqlite3.Connection.backup`), never a file copy.

The source connection holds one read transaction for the whole backup, so every paged step reads
the same snapshot while writers carry on in the WAL (without it each step takes a read lock of its
own, and a write between steps restarts the backup from the first page). The pages go into a
temporary file beside FILE, which is verified and only then renamed over FILE: FILE is always
either what it was or a whole, verified backup, never part of one.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ledger.core.errors import LedgerError, Refused
from ledger.core.model import Head
from ledger.store.copy import Progress, silent
from ledger.store.engine import make_folder, set_query_only, sqlite_path
from ledger.store.reads import GENESIS
from ledger.store.ledger import Ledger

#: Database pages copied per backup step (and per progress update).
PAGES_PER_STEP = 1024

@dataclass(frozen=True)
class BackupReport:
    """What `backup_ledger` wrote.

    Attributes:
        source: the ledger backed up (its URL).
        file: the backup file.
        pages: database pages copied.
        head: the journal head of the snapshot, which is the backup's head.
        verified: entries walked by the full verify of the backup, or None when it was skipped.
    """

    source: str
    file: Path
    pages: int
    head: Head
    verified: int | None


def pg_dump_advice(ledger: Ledger) -> str:
    """What to do instead on PostgreSQL: pg_dump (its own consistent snapshot), or `ledger copy`."""
    url = ledger.display_url.replace("postgresql+psycopg://", "postgresql://", 1)
    return (f"`ledger backup` backs up a SQLite ledger; this one is on PostgreSQL ({url}). Use pg_dump, "
            f"which reads one consistent snapshot while others write: pg_dump --format=custom --file=ledger.dump "
            f"'{url}' (restore into an empty database with pg_restore --dbname=URL ledger.dump), or "
            "`ledger copy FILE.db` for a SQLite copy that is verified")


def backup_ledger(ledger: Ledger, file: Path, *, force: bool = False, verify: bool = True,
                  progress: Progress | None = None) -> BackupReport:
    """Back up the SQLite ledger into `file`, then verify the backup (unless told not to).

    Args:
        ledger: an opened SQLite ledger.
        file: where the backup goes; an existing file is replaced only with `force`.
        force: replace an existing `file` (once the new backup is complete and verified).
        verify: run the full `verify` on the backup, with the snapshot's head quoted.
        progress: a progress-bar factory, or None for silence.

    Raises:
        Refused: a PostgreSQL ledger (use pg_dump), or `file` exists (without `force`), is the
            ledger itself, or is a live database (a -wal beside it).
        Tampered: the backup does not verify; `file` is left as it was.
    """
    if ledger.is_postgres:
        raise Refused(pg_dump_advice(ledger))
    source = sqlite_path(ledger.url)
    target = Path(file).expanduser().absolute()
    _refuse_target(source, target, force)
    make_folder(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    bars = progress or silent
    try:
        pages, head = _copy_pages(ledger, partial, bars)
        verified = _verify(partial, head, bars) if verify else None
        os.replace(partial, target)
    except BaseException:
        _remove(partial)
        raise
    _remove(partial)  # only empty -wal/-shm a verifying reader may have left beside it
    return BackupReport(ledger.display_url, target, pages, head, verified)


def _refuse_target(source: Path | None, target: Path, force: bool) -> None:
    if source is not None and target.resolve() == source.resolve():
        raise Refused(f"{target} is the ledger itself; back it up into another file")
    if target.is_dir():
        raise Refused(f"{target} is a folder; give the backup file's name")
    if Path(f"{target}-wal").exists():
        raise Refused(f"{target} is a live database ({target.name}-wal is beside it): back up into another file")
    if target.exists() and not force:
        raise Refused(f"{target} exists; pass --force to replace it (it is replaced only once the new backup is "
                      "complete and verified)")


def _copy_pages(ledger: Ledger, partial: Path, bars: Progress) -> tuple[int, Head]:
    """Copy every page of one snapshot into `partial`; returns (pages, the snapshot's head)."""
    raw = ledger.engine.raw_connection()
    try:
        driver = raw.driver_connection
        set_query_only(driver, raw.info, True)
        driver.execute("BEGIN")
        try:
            # The first read fixes the snapshot that every backup step below reads.
            last = driver.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
            head = Head(0, GENESIS) if last is None else Head(last[0], last[1])
            total = driver.execute("PRAGMA page_count").fetchone()[0]
            out = sqlite3.connect(partial)
            try:
                with bars(total, "backing up") as bar:
                    done = 0

                    def step(_status: int, remaining: int, pages: int) -> None:
                        nonlocal done
                        bar.update(pages - remaining - done)
                        done = pages - remaining

                    driver.backup(out, pages=PAGES_PER_STEP, progress=step)
            finally:
                out.close()
        finally:
            driver.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise LedgerError(f"the backup into {partial.parent} failed: {exc}; nothing was written") from None
    finally:
        raw.close()
    return total, head


def _verify(partial: Path, head: Head, bars: Progress) -> int:
    """The full verify of the backup, with the snapshot's head quoted."""
    from ledger.core.errors import Tampered
    from ledger.store import verify

    backup = Ledger(str(partial))
    try:
        with backup.reading() as conn, bars(verify.count_work(conn), "verifying") as bar:
            return verify.verify(conn, head, bar.update).entries
    except Tampered as exc:
        raise Tampered(f"the backup does not verify, so it was not kept (the ledger does not verify either: run "
                       f"`ledger verify`; `--no-verify` backs it up as it is): {exc}") from None
    finally:
        backup.close()


def _remove(partial: Path) -> None:
    for name in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm"), Path(f"{partial}-journal")):
        try:
            name.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - a leftover temporary file is harmless
            pass
