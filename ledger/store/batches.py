"""An import's rows of one table, inserted in chunks through the driver's fastest path
(`executemany` on SQLite, `COPY` on PostgreSQL) with explicit, contiguous ids, and digested block
by block for the journal as they go (`ledger.store.journal.BlockDigester`).

On PostgreSQL, where the import's role may, the rows go in with the per-row foreign-key triggers
off (`references_deferred`) and every reference the batches added is then checked in one scan
per table (`check_references`): two thirds of a million-row import was the server firing a
trigger, and running a query, for each row's question and analyst. The forecasts of a bulk
import go in by a binary `COPY` built with numpy, and every `COPY` is sent by a thread
(`Sender`) while the next rows are made.
"""

from __future__ import annotations

from itertools import islice, repeat
from operator import is_not, itemgetter
from typing import Any, Callable

from sqlalchemy import Boolean, Connection, Table, event, func, select, text

from ledger.core.errors import LedgerError
from ledger.store.formats import Constant
from ledger.store.journal import BlockDigester
from ledger.store.ledger import Tx

#: Rows per insert (and per progress step).
CHUNK = 50_000
#: Rows a PostgreSQL batch may hold sent but not yet hashed (`Batch.digest_sent`): the hashing
#: waits until the forecasts are on their way, so that the server starts on them sooner, and the
#: memory stays bounded on an import of many small rows. (SQLite's inserts run in this thread: the
#: rows are hashed as they go.)
DIGEST_LAG = 200_000

#: PostgreSQL's binary COPY stream: its signature (with no flags and no header extension), and
#: the field count -1 that ends it.
_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_BINARY_TRAILER = b"\xff\xff"
#: Column types a binary COPY row can hold at a fixed width: numpy's big-endian type and its size.
_FIXED = {"INTEGER": (">i4", "i8"), "BIGINT": (">i8", "i8"), "DOUBLE": (">f8", "f8"),
          "DOUBLE PRECISION": (">f8", "f8"), "BOOLEAN": ("u1", "?")}


def _binary_layout(table: Table, columns: list) -> tuple[Any, list, list, list[str]] | None:
    """The numpy record type of one binary COPY row of `table` (the field count, then a length
    and a value per column: `f0` the id, `f1`... the given columns), the type each given column is
    read as, the (field, value) pairs the same on every row, and the columns the COPY names (a
    constant NULL column is left out: the server fills it in); None when a column cannot be
    written at a fixed width."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    filled: list[tuple[str, Any]] = []
    fixed: list[str | None] = []
    listed: list[str] = []
    for i, column in enumerate(table.columns):
        value = columns[i - 1] if i else None
        if isinstance(value, Constant) and value.value is None:
            fixed.append(None)
            continue
        kind = _FIXED.get(column.type.compile(dialect=_pg_dialect()).upper())
        if kind is None:
            return None
        wire, read = kind
        fields += [(f"n{i}", ">i4"), (f"f{i}", wire)]
        filled.append((f"n{i}", int(wire[-1])))
        if isinstance(value, Constant):
            filled.append((f"f{i}", value.value))
        fixed.append(None if isinstance(value, Constant) else read)
        listed.append(column.name)
    import numpy as np

    return np.dtype(fields), fixed[1:], [("count", len(listed))] + filled, listed


def _pg_dialect() -> Any:
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()


class Sender:
    """A thread that runs an import's inserts on its connection, in the order they were sent,
    while the import goes on building and digesting the next rows: the server stores one chunk
    while the next is made. (PostgreSQL's: sqlite3 binds every row holding the GIL, so a thread
    gains nothing there.) Any other statement on the connection first waits for every insert
    sent before it (a `before_cursor_execute` listener), so the import reads and writes in the
    order it was written in. An insert that fails is said at the next wait or `close`."""

    def __init__(self, conn: Connection, any_order: bool = False) -> None:
        """`any_order`: the foreign-key triggers are off (`references_deferred`), so a table's
        rows may go in before those of the tables they reference."""
        import queue
        import threading

        self.conn, self.any_order = conn, any_order
        self.driver = conn.connection.driver_connection
        self.jobs: Any = queue.Queue(maxsize=4)  # chunks in flight, at most: memory stays bounded
        self.failed: tuple[str, Exception] | None = None
        self.thread = threading.Thread(target=self._run, name="ledger-copy", daemon=True)
        self.thread.start()
        event.listen(conn, "before_cursor_execute", self._before)

    def send(self, table: str, job: Callable[[Any], None]) -> None:
        """Run `job(driver connection)` (an insert into `table`) after those sent before it."""
        self._raise()
        self.jobs.put((table, job))

    def wait(self) -> None:
        """Return when every job sent has run; LedgerError if one failed."""
        self.jobs.join()
        self._raise()

    def close(self, quiet: bool = False) -> None:
        """Wait for the jobs, stop the thread and the listener; `quiet`: say no failure (another
        error is on its way out)."""
        try:
            self.jobs.join()
        finally:
            self.jobs.put(None)
            self.thread.join()
            event.remove(self.conn, "before_cursor_execute", self._before)
        if not quiet:
            self._raise()

    def _before(self, *_: Any) -> None:
        self.wait()

    def _raise(self) -> None:
        if self.failed is not None:
            table, exc = self.failed
            raise LedgerError(f"import failed while writing {table}: {exc}")

    def _run(self) -> None:
        while True:
            item = self.jobs.get()
            try:
                if item is None:
                    return
                table, job = item
                if self.failed is None:
                    job(self.driver)
            except Exception as exc:  # the driver's errors, said by the thread that waits
                self.failed = (item[0], exc)
            finally:
                self.jobs.task_done()


class Batch:
    """Rows for one table with explicit ids, inserted in chunks and hashed as they go."""

    def __init__(self, tx: Tx, table: Table, postgres: bool, parents: tuple["Batch", ...] = (),
                 check: bool = False, sender: Sender | None = None) -> None:
        self.tx, self.table, self.postgres, self.parents, self.check = tx, table, postgres, parents, check
        self.sender = sender
        self.first_id = (tx.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        self.next_id = self.first_id
        self.rows: list[tuple] = []
        self.digest = BlockDigester(table, self.first_id)
        self.undigested: list[list[tuple]] = []  # chunks sent, in id order, not yet hashed
        self.lag = 0
        self.count = 0
        self.columns = [c.name for c in table.columns]
        self.nullable = [i for i, c in enumerate(table.columns) if c.nullable and not c.primary_key]
        self.booleans = [i for i, c in enumerate(table.columns) if isinstance(c.type, Boolean)]

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
        rows = list(self.rows)
        self.rows.clear()  # in place: writers may hold a reference to this list
        self.count += len(rows)
        if not self.postgres or self.digest.skip:  # hashed now (or passed over, hashed from their columns)
            self.digest.extend(rows)
        else:
            self.undigested.append(rows)
            self.lag += len(rows)
        while self.lag > DIGEST_LAG:
            self.lag -= len(self.undigested[0])
            self.digest.extend(self.undigested.pop(0))
        if self.postgres:
            statement = f"COPY {self.table.name} ({', '.join(self.columns)}) FROM STDIN"

            def job(driver: Any) -> None:
                with driver.cursor() as cur, cur.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
            self._run(job)
            return
        # Columns NULL in every row of the chunk are left out of the INSERT (binding NULLs is a
        # quarter of SQLite's time on a million-row import), and a boolean column the same on
        # every row is written as a literal (sqlite3 binds a bool through its adapters: a third of
        # the forecasts' insert).
        empty = {i for i in self.nullable if not any(map(is_not, map(itemgetter(i), rows), repeat(None)))}
        same = {}
        for i in self.booleans:
            seen = set(map(itemgetter(i), rows))
            if len(seen) == 1 and type(value := seen.pop()) is bool:
                same[i] = "1" if value else "0"
        bound = [i for i in range(len(self.columns)) if i not in empty and i not in same]
        values: Any = rows
        if len(bound) < len(self.columns):
            values = map(itemgetter(*bound), rows) if len(bound) > 1 else zip(map(itemgetter(*bound), rows))
        listed = [i for i in range(len(self.columns)) if i not in empty]
        names, marks = ", ".join(self.columns[i] for i in listed), ", ".join(same.get(i, "?") for i in listed)
        statement = f"INSERT INTO {self.table.name} ({names}) VALUES ({marks})"
        self._run(lambda driver: driver.executemany(statement, values))

    def digest_sent(self) -> None:
        """Hash the rows sent and not yet hashed (in id order, before any given column-wise)."""
        for rows in self.undigested:
            self.digest.extend(rows)
        self.undigested.clear()
        self.lag = 0

    def _run(self, job: Callable[[Any], None]) -> None:
        """Run `job(driver connection)`: through the sender if there is one, else here, the
        driver's errors said as an import failure."""
        if self.sender is not None:
            self.sender.send(self.table.name, job)
            return
        try:
            job(self.tx.conn.connection.driver_connection)
        except Exception as exc:  # the driver's own error types (sqlite3.Error, psycopg.Error)
            if type(exc).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
                raise
            raise LedgerError(f"import failed while writing {self.table.name}: {exc}") from None

    def insert_columns(self, columns: list, step: Callable[[int], None] | None = None, checked: bool = False) -> bool:
        """Insert rows given column by column (values after `id`, in column order, each a sequence
        or a `formats.Constant`; every row's id follows on from `next_id`), without a tuple per
        row built first; the caller digests them. `step` is told each chunk's row count.

        SQLite: `executemany` of the columns zipped, in chunks; a constant column is left out
        (NULL) or written as a literal (a boolean or an integer). PostgreSQL: one binary `COPY`,
        built by numpy, for fixed-width columns (integers, doubles, booleans) and constant NULLs
        only: False, having written nothing, for any other column or a NULL among the values.
        `checked`: the caller vouches that every value is of its column's type, none NULL or NaN;
        on PostgreSQL they are then converted a chunk at a time as the server takes them, not all
        before the first is sent."""
        if self.rows:
            return False
        self.digest_sent()  # the rows before these, hashed before the caller hashes these
        if self.postgres:
            return self._copy_columns(columns, step, checked)
        for parent in self.parents:
            parent.flush()
        n, first = len(columns[0]), self.next_id
        listed, marks, bound = ["id"], ["?"], [range(first, first + n)]
        for name, values in zip(self.columns[1:], columns):
            if isinstance(values, Constant) and values.value is None:
                continue
            listed.append(name)
            if isinstance(values, Constant) and type(values.value) in (bool, int):
                marks.append(str(int(values.value)))
            else:
                marks.append("?")
                bound.append(repeat(values.value, n) if isinstance(values, Constant) else values)
        statement = f"INSERT INTO {self.table.name} ({', '.join(listed)}) VALUES ({', '.join(marks)})"
        rows = zip(*bound)
        for a in range(0, n, CHUNK):
            size = min(CHUNK, n - a)
            self._run(lambda driver, size=size: driver.executemany(statement, islice(rows, size)))
            self.next_id += size
            self.count += size
            if step is not None:
                step(size)
        return True

    def _copy_columns(self, columns: list, step: Callable[[int], None] | None, checked: bool) -> bool:
        layout = _binary_layout(self.table, columns)
        if layout is None:
            return False
        import numpy as np

        dtype, fixed, filled, listed = layout
        arrays = [None if isinstance(c, Constant) else c for c in columns]
        if not checked:
            try:
                arrays = [None if c is None else np.asarray(c, dtype=fixed[i]) for i, c in enumerate(arrays)]
            except (TypeError, ValueError, OverflowError):  # a None among integers, or a value out of range
                return False
            if any(a is not None and a.dtype.kind == "f" and np.isnan(a).any() for a in arrays):
                return False  # a NULL (None) or NaN among the values: the general path says what is wrong
        if self.sender is None or not self.sender.any_order:  # else the server starts on these at once
            for parent in self.parents:
                parent.flush()
        n, first = len(columns[0]), self.next_id
        statement = f"COPY {self.table.name} ({', '.join(listed)}) FROM STDIN (FORMAT BINARY)"

        def job(driver: Any) -> None:
            with driver.cursor() as cur, cur.copy(statement) as copy:
                copy.write(_BINARY_SIGNATURE)
                for a in range(0, n, CHUNK):
                    b = min(a + CHUNK, n)
                    block = np.empty(b - a, dtype=dtype)
                    for name, value in filled:
                        block[name] = value
                    block["f0"] = np.arange(first + a, first + b)
                    for i, values in enumerate(arrays):
                        if values is not None:  # a list's slice converted here, if `checked`
                            block[f"f{i + 1}"] = values[a:b]
                    copy.write(block.tobytes())
                copy.write(_BINARY_TRAILER)
        self._run(job)
        self.next_id += n
        self.count += n
        if step is not None:
            step(n)
        return True

    def finish(self) -> dict[str, Any] | None:
        """Flush, move the PostgreSQL sequence past the new ids, and describe the batch."""
        self.flush()
        self.digest_sent()
        if not self.count:
            return None
        if self.postgres and not self.check:  # setval is not transactional: a check leaves sequences alone
            self.tx.conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{self.table.name}', 'id'), :last)"),
                {"last": self.next_id - 1},
            )
        return self.digest.finish()


def references_deferred(conn: Connection) -> bool:
    """PostgreSQL: turn the server's per-row foreign-key triggers off for the rest of this
    transaction (`SET LOCAL session_replication_role = replica`, as `pg_restore
    --disable-triggers` does), if this role may; True when they are off. The caller must then
    `check_references` every batch before the transaction commits. A role that may not (neither
    a superuser nor granted SET on the setting) keeps the triggers, and the import is slower."""
    allowed = conn.exec_driver_sql("SELECT current_setting('is_superuser') = 'on'").scalar()
    if not allowed and int(conn.exec_driver_sql("SHOW server_version_num").scalar()) >= 150000:
        allowed = conn.exec_driver_sql("SELECT has_parameter_privilege('session_replication_role', 'SET')").scalar()
    if not allowed:
        return False
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    return True


def check_references(conn: Connection, written: list[Batch]) -> None:
    """Do what the foreign-key triggers would have done for the rows of `written`, set-wise, then
    turn the triggers back on. A reference to a row this import added (a parent's batch holds
    every id from its first to its last) is good; the rest must name an existing row (else
    LedgerError, which rolls the import back) and that row is locked `FOR KEY SHARE` until the
    commit, so that no one can delete it meanwhile. One scan per table finds the rest, with their
    least and greatest value: when those are the same (the importer, say), no second scan is
    needed to list them."""
    added = {b.table.name: (b.first_id, b.next_id) for b in written if b.count and b.count == b.next_id - b.first_id}
    for b in written:
        keys = sorted(b.table.foreign_keys, key=lambda k: k.parent.name)
        if not b.count or not keys:
            continue
        child, outside = b.table.name, []
        for fk in keys:
            low, high = added.get(fk.column.table.name, (0, 0))
            outside.append((fk.parent.name, fk.column.table.name,
                            f"(c.{fk.parent.name} < {int(low)} OR c.{fk.parent.name} >= {int(high)})"))
        found = conn.exec_driver_sql(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {where}), min(c.{column}) FILTER (WHERE {where}), "
                                  f"max(c.{column}) FILTER (WHERE {where})" for column, _, where in outside)
            + f" FROM {child} c WHERE c.id >= %(first)s", {"first": b.first_id}).one()
        for k, (column, parent, where) in enumerate(outside):
            n, least, greatest = found[3 * k:3 * k + 3]
            if not n:
                continue
            if least == greatest:
                wanted = [least]
            else:
                wanted = [r[0] for r in conn.exec_driver_sql(
                    f"SELECT DISTINCT c.{column} FROM {child} c WHERE c.id >= %(first)s AND {where} "
                    f"AND c.{column} IS NOT NULL", {"first": b.first_id})]
            there = {r[0] for r in conn.exec_driver_sql(
                f"SELECT p.id FROM {parent} p WHERE p.id = ANY(%(ids)s) FOR KEY SHARE OF p", {"ids": wanted})}
            missing = sorted(set(wanted) - there)
            if missing:
                raise LedgerError(f"import failed while writing {child}: {column} {missing[0]} names no row "
                                  f"of {parent}; nothing was written")
    conn.exec_driver_sql("SET LOCAL session_replication_role = origin")
