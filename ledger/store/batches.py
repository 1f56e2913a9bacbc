"""An import's rows of one table, inserted in chunks through the driver's fastest path
(`executemany` on SQLite, `COPY` on PostgreSQL) with explicit, contiguous ids, and digested block
by block for the journal as they go (`ledger.store.journal.BlockDigester`)."""

from __future__ import annotations

from itertools import repeat
from operator import is_not, itemgetter
from typing import Any

from sqlalchemy import Table, func, select, text

from ledger.core.errors import LedgerError
from ledger.store.journal import BlockDigester
from ledger.store.ledger import Tx

#: Rows per insert (and per progress step).
CHUNK = 50_000


class Batch:
    """Rows for one table with explicit ids, inserted in chunks and hashed as they go."""

    def __init__(self, tx: Tx, table: Table, postgres: bool, parents: tuple["Batch", ...] = (),
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
