"""The append-only, hash-chained journal: writing entries, reading the head.

Every entry records its format (`ledger.store.formats`) and keeps it forever. Format 1 (release
0.1.0): SHA-256 over a JSON header `[seq, at, kind, actor, prev_hash]`, a newline and a canonical
JSON payload of every inserted row. Format 2 (written now): SHA-256 over a text header and a
payload of one line per inserted row in a token form PostgreSQL can reproduce in SQL, plus
block digests for imports. `ledger.store.verify` checks both.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection

from ledger.core.errors import BadInput
from ledger.core.model import Head
from ledger.store import direct
from ledger.store.reads import GENESIS, read_head
from ledger.store import formats as fmt
from ledger.store.schema import batch_locators, journal



def canonical(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, compact, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(seq: int, at: int, kind: str, actor: str, payload: str, prev_hash: str) -> str:
    """SHA-256 hex of a format-1 entry, chained to the previous entry's hash."""
    header = canonical([seq, at, kind, actor, prev_hash])
    return hashlib.sha256(f"{header}\n{payload}".encode("utf-8")).hexdigest()


def row_dict(table: Table, row: Any) -> dict[str, Any]:
    """A row (mapping) as the plain dict the journal stores: every column, JSON values."""
    mapping = row if isinstance(row, dict) else row._mapping
    out = {}
    for column in table.columns:
        value = mapping.get(column.name)
        if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
            out[column.name] = value
        else:  # pragma: no cover - every column type maps to a JSON scalar
            out[column.name] = str(value)
    return out


@dataclass(frozen=True)
class LastEntry:
    """The head entry as a writer needs it: where to chain, and the time not to go below.

    Attributes:
        seq, hash: the head (0 and 64 zeros for an empty journal).
        at: its time (None for an empty journal).
    """

    seq: int
    hash: str
    at: int | None


_LAST = 'SELECT "seq", "hash", "at" FROM "journal" ORDER BY "seq" DESC LIMIT 1'


def read_last(conn: Connection) -> LastEntry:
    """The head entry with its time (on the driver's cursor: every write reads it under the lock)."""
    row = direct.fetch_one(conn, _LAST)
    return LastEntry(0, GENESIS, None) if row is None else LastEntry(*row)


def parse_head(text: str) -> Head:
    """Parse `SEQ:HASH` as quoted from a report or `ledger info` (bad input otherwise)."""
    seq, sep, digest = text.strip().partition(":")
    digest = digest.lower()
    if not sep or not seq.isascii() or not seq.isdigit() or len(digest) != 64 or not all(
        c in "0123456789abcdef" for c in digest
    ):
        raise BadInput(f"--head: {text!r} is not SEQ:HASH (a sequence number and 64 hex digits)")
    return Head(int(seq), digest)


class JournalWriter:
    """Inserts domain rows and appends the entries that cover them, inside one transaction.

    Rows inserted through `insert` are pending until `append` writes an entry describing them;
    the owning transaction refuses to commit while any row is pending. Entries are written in
    the current format (`ledger.store.formats.CURRENT`).
    """

    def __init__(self, conn: Connection, actor: str, at: int, head: "LastEntry | None" = None, *,
                 hold_last: bool = False) -> None:
        self.conn = conn
        self.actor = actor
        self.at = at
        self._pending: list[tuple[Table, dict[str, Any]]] = []
        self._hold_last = hold_last  # the last entry kept back, to be sent with the commit (`held`)
        self._held: dict[str, Any] | None = None
        self._head: Head | None = Head(head.seq, head.hash) if head is not None else None

    def insert(self, table: Table, **values: Any) -> dict[str, Any]:
        """Insert one row and return it as the journal will record it (with its new id)."""
        self._send_held()
        for column in table.columns:  # server defaults, made explicit so the journal records them
            if column.name not in values and column.info.get("absent") is not None:
                values[column.name] = column.info["absent"]
        for name, value in values.items():
            if isinstance(value, float):
                values[name] = value + 0.0  # -0.0 is 0.0: SQLite keeps no negative zero
        new_id = direct.insert_row(self.conn, table, values)
        row = row_dict(table, {**values, "id": new_id})
        self._pending.append((table, row))
        return row

    def _send_held(self) -> None:
        if self._held is not None:
            entry, self._held = self._held, None
            direct.insert_row(self.conn, journal, entry)

    def held(self) -> tuple[str, tuple] | None:
        """The last entry's INSERT, when it was kept back (`hold_last`), to be sent with the
        commit in one round trip; taken once."""
        if self._held is None:
            return None
        entry, self._held = self._held, None
        return direct.insert_statement(self.conn, journal, entry)

    @property
    def pending(self) -> bool:
        """True while some inserted row is not yet covered by an entry."""
        return bool(self._pending)

    @property
    def head(self) -> Head:
        """The head this transaction appends after (read once)."""
        if self._head is None:
            self._head = read_head(self.conn)
        return self._head

    def append(self, kind: str, actor: str | None = None, *, batches: dict[str, dict[str, Any]] | None = None,
               **summary: Any) -> Head:
        """Append one entry covering every pending row, any batches, and a summary of the write."""
        lines = [fmt.row_line(table.name, [row[c] for c in fmt.COLUMNS[fmt.CURRENT][table.name]])
                 for table, row in self._pending]
        lines.extend(summary_lines(summary))
        for table_name, batch in (batches or {}).items():
            lines.append(batch_line(table_name, batch))
        payload = "".join(line + "\n" for line in lines)
        head = self.head
        seq = head.seq + 1
        who = actor or self.actor
        digest = fmt.entry_hash_v2(seq, self.at, kind, who, head.hash, payload)
        self._send_held()
        entry = dict(seq=seq, at=self.at, kind=kind, actor=who, payload=payload, prev_hash=head.hash, hash=digest,
                     format=fmt.CURRENT)
        if self._hold_last:
            self._held = entry
        else:
            direct.insert_row(self.conn, journal, entry)
        self._pending = []
        self._head = Head(seq, digest)
        return self._head


def summary_lines(summary: dict[str, Any], prefix: str = "") -> list[str]:
    """`= KEY TOKEN` lines for an entry's summary (nested dicts as dotted keys, sorted)."""
    out = []
    for key in sorted(summary):
        value = summary[key]
        if isinstance(value, dict):
            out.extend(summary_lines(value, f"{prefix}{key}."))
        else:
            out.append(f"= {prefix}{key} {fmt.token(value)}")
    return out


def batch_line(table_name: str, batch: dict[str, Any]) -> str:
    """`* TABLE FIRST LAST COUNT BLOCK DIGESTS`: an import's rows of one table, by block."""
    return (f"* {table_name} i{batch['first_id']} i{batch['last_id']} i{batch['count']} i{batch['block']} "
            + "".join(batch["blocks"]))


class BlockDigester:
    """Digests an import's rows of one table block by block as they are written (format 2):
    the block digests go in the journal entry, the per-row locators into `batch_locators`.
    Rows are digested many blocks at a time (`GROUP`), column-wise."""

    GROUP = 16

    def __init__(self, table: Table, first_id: int) -> None:
        self.table = table
        self.first_id = first_id
        self.kinds = [fmt.column_kind(table.c[name]) for name in fmt.COLUMNS[fmt.CURRENT][table.name]]
        if list(fmt.COLUMNS[fmt.CURRENT][table.name]) != [c.name for c in table.columns]:
            raise RuntimeError(f"format {fmt.CURRENT} does not cover every column of {table.name}")
        self.pending: list[tuple] = []
        self.blocks: list[str] = []
        self.located: list[tuple[int, bytes]] = []
        self.count = 0
        self.skip = 0

    def extend_columns(self, columns: list) -> None:
        """Digest the next rows from their columns (sequences, ranges or `formats.Constant`s),
        cheaper than row by row; the same rows then given to `extend` are passed over."""
        if self.pending or self.count % fmt.BLOCK:
            raise RuntimeError("column digests start at a block boundary")
        n = len(columns[0])
        step = fmt.BLOCK * self.GROUP * 4  # bounded temporaries: a million rows at once would double the peak
        for a in range(0, n, step):
            self._digest_columns([fmt.Constant(c.value, min(step, n - a)) if isinstance(c, fmt.Constant)
                                  else c[a:a + step] for c in columns])
        self.skip += n

    def extend(self, rows: list[tuple]) -> None:
        """Add rows (every column, id first, ids contiguous from `first_id`)."""
        if self.skip:  # already digested from their columns
            taken = min(self.skip, len(rows))
            self.skip -= taken
            rows = rows[taken:]
            if not rows:
                return
        self.pending.extend(rows)
        size = fmt.BLOCK * self.GROUP
        if len(self.pending) >= size:
            whole = len(self.pending) - len(self.pending) % fmt.BLOCK
            self._digest(self.pending[:whole])
            self.pending = self.pending[whole:]

    def _digest(self, rows: list[tuple]) -> None:
        self._digest_columns(fmt.columns_of(rows, len(self.kinds)))

    def _digest_columns(self, columns: list) -> None:
        start = self.first_id + self.count
        digests, located = fmt.digest_columns(self.table.name, start, self.kinds, columns)
        self.blocks.extend(d.hex() for d in digests)
        for k in range(len(digests)):
            self.located.append((start + k * fmt.BLOCK, located[8 * k * fmt.BLOCK:8 * (k + 1) * fmt.BLOCK]))
        self.count += len(columns[0])

    def finish(self) -> dict[str, Any]:
        """The batch's description for the journal entry."""
        if self.pending:
            self._digest(self.pending)
            self.pending = []
        return {"first_id": self.first_id, "last_id": self.first_id + self.count - 1, "count": self.count,
                "block": fmt.BLOCK, "blocks": self.blocks}

    def save_locators(self, conn: Connection, entry_seq: int) -> None:
        """Keep the per-row locators beside the rows (after the entry is appended)."""
        if not self.located:
            return
        if conn.dialect.name == "postgresql":  # one binary COPY: as parameters, 8 MB a million rows went as hex
            direct.copy_rows(conn, "COPY batch_locators (entry_seq, table_name, first_id, data) FROM STDIN "
                                   "(FORMAT BINARY)", ("int4", "varchar", "int4", "bytea"),
                             ((entry_seq, self.table.name, start, data) for start, data in self.located))
            return
        conn.execute(insert(batch_locators), [{"entry_seq": entry_seq, "table_name": self.table.name,
                                               "first_id": start, "data": data} for start, data in self.located])


#: Rows per block of a batch digest.
V1_BLOCK = 10_000


class BatchDigestV1:
    """Format 1: SHA-256 over a batch of rows (an import's id range), in id order.

    The rows are taken in blocks of `V1_BLOCK`; each block is hashed as the compact JSON
    array of its rows (each row the array of its values in column order) followed by a newline.
    Hashing whole blocks keeps the per-row cost of an import in C.
    """

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.block: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        """Add one row (all its values, id first, in column order)."""
        self.block.append(row)
        if len(self.block) >= V1_BLOCK:
            self._hash_block()

    def extend(self, rows: list[tuple]) -> None:
        """Add many rows, in order."""
        i = 0
        while i < len(rows):
            room = V1_BLOCK - len(self.block)
            self.block.extend(rows[i:i + room])
            i += room
            if len(self.block) >= V1_BLOCK:
                self._hash_block()

    def _hash_block(self) -> None:
        text = json.dumps(self.block, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self.digest.update(text.encode("utf-8"))
        self.digest.update(b"\n")
        self.count += len(self.block)
        self.block = []

    def hexdigest(self) -> str:
        """The digest of every row added so far."""
        if self.block:
            self._hash_block()
        return self.digest.hexdigest()
