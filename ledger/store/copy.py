"""`ledger copy`: the whole ledger, journal included, into an empty database (SQLite or PostgreSQL).

The source is read in one snapshot (SQLite: one read transaction; PostgreSQL: `REPEATABLE READ`),
table by table in foreign-key order, in chunks straight from the driver (a server-side cursor on
PostgreSQL), so memory stays flat however big the ledger is. The destination is written in one
transaction: the schema at the source's revision, built by the migrations as `ledger init` builds
it; every row with its id (`executemany` on SQLite, `COPY` on PostgreSQL); PostgreSQL sequences
moved past the copied ids. Before that transaction commits, the copy is checked (the same number of
rows in every table, the same journal head) and, unless told not to, verified in full: a copy that
fails any of this leaves the destination as empty as it was.

Values go through the drivers untouched: both databases keep doubles as IEEE doubles, instants as
64-bit integers, text as text and bytes as bytes; only SQLite's 0/1 booleans become booleans on
the way into PostgreSQL.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Boolean, Table, func, inspect, select
from sqlalchemy.engine import Connection

from ledger.core.errors import LedgerError, Refused
from ledger.core.model import Head
from ledger.store import journal as jr
from ledger.store.engine import driver_chunks, make_folder, read_revision, sqlite_path, translated
from ledger.store.ledger import Ledger
from ledger.store.schema import DOMAIN_TABLES, metadata

#: Every table, parents before children: the domain tables in their dependency order, then the
#: rest (the journal, batch locators), so that a table added to the schema is never left behind.
TABLES: tuple[Table, ...] = (*DOMAIN_TABLES, *(t for t in metadata.sorted_tables if t not in DOMAIN_TABLES))

#: Rows read from the source and written to the destination at a time (and per progress step).
CHUNK = 10_000

#: `progress(total, label)` returns a context manager whose `update(n)` reports n more done:
#: `ledger.cli.context.progress_bar` is one.
Progress = Callable[[int, str], Any]


@dataclass(frozen=True)
class CopyReport:
    """What `copy_ledger` copied.

    Attributes:
        source, destination: where from and where to (passwords masked).
        revision: the schema revision, the same on both.
        rows: rows copied per table, in the order they were copied (foreign-key order).
        head: the journal head, the same on both.
        verified: entries walked by the full verify of the copy, or None when it was skipped.
    """

    source: str
    destination: str
    revision: str
    rows: dict[str, int]
    head: Head
    verified: int | None


def copy_ledger(source: Ledger, dest_url: str, *, verify: bool = True,
                progress: Progress | None = None) -> CopyReport:
    """Copy `source`, journal included, into the empty database at `dest_url`.

    Args:
        source: an opened ledger whose schema is current.
        dest_url: a SQLAlchemy URL or a SQLite file path; it must hold no table at all.
        verify: run the full `verify` on the copy before committing it.
        progress: a progress-bar factory (see `Progress`), or None for silence.

    Raises:
        Refused: the destination is not empty (nothing is written to it).
        Unavailable: the destination cannot be reached or written.
        Tampered: the copy does not verify (so neither does the source); nothing is kept.
    """
    bars = progress or silent
    dest = Ledger(dest_url)
    path = sqlite_path(dest.url)
    created = path is not None and not path.exists()
    try:
        if path is not None:
            make_folder(path)
        with source.reading() as src:
            revision = read_revision(src)
            head = jr.read_head(src)
            counts = {t.name: src.execute(select(func.count()).select_from(t)).scalar_one()
                      for t in TABLES}
            with _destination(dest) as dst:
                _refuse_unless_empty(dst, dest.display_url)
                from ledger.store import migrate  # Alembic: only now that there is a schema to build

                migrate.upgrade_within(dst, revision)
                with bars(sum(counts.values()), "copying") as bar, _foreign_keys_after(dst, dest.is_postgres):
                    rows = {t.name: _copy_table(src, dst, t, source.is_postgres, dest.is_postgres, bar.update)
                            for t in TABLES}
                if dest.is_postgres:
                    _move_sequences(dst)
                _check_copy(dst, counts, rows, head, dest)
                verified = _verify(dst, head, bars) if verify else None
    except BaseException:
        dest.close()
        if created:
            _remove_sqlite_files(path)
        raise
    dest.close()
    return CopyReport(source.display_url, dest.display_url, revision, rows, head, verified)


def silent(total: int, label: str) -> Any:
    """A `Progress` that shows nothing."""
    return nullcontext(_Quiet())


class _Quiet:
    def update(self, n: int) -> None:
        """Ignore progress."""


@contextmanager
def _destination(dest: Ledger) -> Iterator[Connection]:
    """The destination's one write transaction. SQLite: foreign keys off before it begins (the
    migrations recreate tables in batch mode, and `PRAGMA foreign_keys` is a no-op inside a
    transaction; `_check_copy` runs `foreign_key_check` instead), then `BEGIN IMMEDIATE`, waiting
    for another writer as any write does. PostgreSQL: no advisory lock (its key is shared by every
    schema of the database, so it would hold up writers to a source in the same database); a
    second copy racing into the same schema fails on the first one's tables and leaves nothing."""
    with translated(dest.url), dest.engine.connect() as conn:
        conn.execution_options(ledger_write=True, ledger_wait=dest.wait)
        sqlite = not dest.is_postgres
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                yield conn
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


@contextmanager
def _foreign_keys_after(conn: Connection, postgres: bool) -> Iterator[None]:
    """PostgreSQL: the foreign keys the migrations made are dropped while the rows go in and added
    back, from their own definitions, at the end of the same transaction. Adding one checks every
    row in one join; kept, each copied row would queue a trigger (two thirds of a 1M-row copy's
    time). SQLite: foreign keys are off already (see `_destination`)."""
    if not postgres:
        yield
        return
    keys = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema() "
        "ORDER BY 1, 2").all()
    for table, name, _ in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    for table, name, definition in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _refuse_unless_empty(conn: Connection, where: str) -> None:
    """Refuse a destination that holds any table or view (in PostgreSQL's current schema)."""
    found = inspect(conn)
    names = sorted(found.get_table_names()) + sorted(found.get_view_names())
    if names:
        listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        raise Refused(f"the destination {where} is not empty (it holds {listed}): `ledger copy` writes "
                      "only into an empty database; nothing was written")


def _copy_table(src: Connection, dst: Connection, table: Table, from_postgres: bool, to_postgres: bool,
                step: Callable[[int], None]) -> int:
    """Stream every row of `table`, ids included, from `src` to `dst`; returns the rows copied."""
    names = [c.name for c in table.columns]
    bools = [i for i, c in enumerate(table.columns) if isinstance(c.type, Boolean)]
    as_bools = bools if to_postgres and not from_postgres else []  # SQLite keeps booleans as 0/1
    driver = dst.connection.driver_connection
    listed = ", ".join(names)
    copied = 0
    chunks = _chunks(src, table, names)
    try:
        if to_postgres:
            with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({listed}) FROM STDIN") as out:
                for chunk in chunks:
                    for row in (_with_bools(chunk, as_bools) if as_bools else chunk):
                        out.write_row(row)
                    copied += len(chunk)
                    step(len(chunk))
        else:
            insert = f"INSERT INTO {table.name} ({listed}) VALUES ({', '.join('?' for _ in names)})"
            for chunk in chunks:
                driver.executemany(insert, chunk)
                copied += len(chunk)
                step(len(chunk))
    except Exception as exc:  # the drivers' own errors (sqlite3.Error, psycopg.Error), said plainly
        if type(exc).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LedgerError(f"the copy failed while writing {table.name} (row {copied + 1} or near it): {first}; "
                          "nothing was written") from None
    finally:
        chunks.close()
    return copied


def _chunks(conn: Connection, table: Table, names: list[str]) -> Iterator[list[tuple]]:
    """The table's rows as plain tuples in primary-key order, `CHUNK` at a time (on PostgreSQL
    through a server-side cursor)."""
    order = ", ".join(c.name for c in table.primary_key.columns)
    return driver_chunks(conn, f"SELECT {', '.join(names)} FROM {table.name} ORDER BY {order}", CHUNK,
                         f"ledger_copy_{table.name}")


def _with_bools(chunk: list[tuple], columns: list[int]) -> Iterator[tuple]:
    for row in chunk:
        values = list(row)
        for i in columns:
            if values[i] is not None:
                values[i] = bool(values[i])
        yield values


def _move_sequences(conn: Connection) -> None:
    """Set each PostgreSQL id sequence past the copied ids, so later writes get new ones."""
    for table in TABLES:
        if "id" in table.c and table.c.id.primary_key:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)")


def _check_copy(conn: Connection, counts: dict[str, int], rows: dict[str, int], head: Head, dest: Ledger) -> None:
    """The cheap checks, inside the destination's transaction: every table holds as many rows as
    the source's snapshot did, the journal head is the source's, and (SQLite, where foreign keys
    were off while copying) every reference resolves."""
    for table in TABLES:
        held = conn.execute(select(func.count()).select_from(table)).scalar_one()
        if not counts[table.name] == rows[table.name] == held:
            raise LedgerError(f"the copy of {table.name} holds {held} rows, the source {counts[table.name]}; "
                              "nothing was written")
    copied = jr.read_head(conn)
    if copied != head:
        raise LedgerError(f"the copy's journal head is {copied}, the source's {head}; nothing was written")
    if not dest.is_postgres:
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
        if broken is not None:
            raise LedgerError(f"the copy of {broken[0]} row {broken[1]} refers to a missing {broken[2]} row; "
                              "nothing was written")


def _verify(conn: Connection, head: Head, bars: Progress) -> int:
    """The full verify, on the copy, before it is committed; the source's head must hold on it."""
    from ledger.core.errors import Tampered
    from ledger.store import verify

    try:
        with bars(verify.count_work(conn), "verifying") as bar:
            return verify.verify(conn, head, bar.update).entries
    except Tampered as exc:
        raise Tampered(f"the copy does not verify, so nothing was written (the source does not verify either: "
                       f"run `ledger verify`; `--no-verify` copies it as it is): {exc}") from None


def _remove_sqlite_files(path: Path) -> None:
    """Remove a SQLite file this copy created (and its WAL files) after a failed copy."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            name.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - nothing more can be done; the file holds no table
            pass
