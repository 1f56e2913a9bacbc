"""The append-only, hash-chained journal, and `verify`.

Each entry's hash is SHA-256 over a canonical header `[seq, at, kind, actor, prev_hash]`
(compact JSON), a newline, and the entry's payload text. The payload is canonical JSON
(sorted keys, no spaces, UTF-8) holding every row the write inserted, table by table, with
every column; `verify` re-walks the chain and then checks that every row of every domain table
is exactly the one a journal entry describes: an edited value, a deleted row and a row inserted
behind the ledger's back all show up.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection

from ledger.core.errors import BadInput, Tampered
from ledger.core.model import Head
from ledger.store.schema import DOMAIN_TABLES, journal

GENESIS = "0" * 64
#: `verify` reports progress in steps of this many entries or rows.
PROGRESS_STEP = 10_000


def canonical(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, compact, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(seq: int, at: int, kind: str, actor: str, payload: str, prev_hash: str) -> str:
    """SHA-256 hex of an entry, chained to the previous entry's hash."""
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


def read_head(conn: Connection) -> Head:
    """The last entry's sequence number and hash (0 and 64 zeros for an empty journal)."""
    row = conn.execute(select(journal.c.seq, journal.c.hash).order_by(journal.c.seq.desc()).limit(1)).first()
    return Head(0, GENESIS) if row is None else Head(row.seq, row.hash)


class JournalWriter:
    """Inserts domain rows and appends the entries that cover them, inside one transaction.

    Rows inserted through `insert` are pending until `append` writes an entry describing them;
    the owning transaction refuses to commit while any row is pending.
    """

    def __init__(self, conn: Connection, actor: str, at: int) -> None:
        self.conn = conn
        self.actor = actor
        self.at = at
        self._pending: dict[str, list[dict[str, Any]]] = {}
        self._head: Head | None = None

    def insert(self, table: Table, **values: Any) -> dict[str, Any]:
        """Insert one row and return it as the journal will record it (with its new id)."""
        for column in table.columns:  # server defaults, made explicit so the journal records them
            if column.name not in values and column.info.get("absent") is not None:
                values[column.name] = column.info["absent"]
        new_id = self.conn.execute(insert(table).values(**values)).inserted_primary_key[0]
        row = row_dict(table, {**values, "id": new_id})
        self._pending.setdefault(table.name, []).append(row)
        return row

    @property
    def pending(self) -> bool:
        """True while some inserted row is not yet covered by an entry."""
        return bool(self._pending)

    def append(self, kind: str, actor: str | None = None, **summary: Any) -> Head:
        """Append one entry covering every pending row, plus a summary of the write."""
        payload = canonical({"rows": self._pending, **summary})
        head = self._head or read_head(self.conn)
        seq = head.seq + 1
        who = actor or self.actor
        digest = entry_hash(seq, self.at, kind, who, payload, head.hash)
        self.conn.execute(
            insert(journal).values(
                seq=seq, at=self.at, kind=kind, actor=who, payload=payload, prev_hash=head.hash, hash=digest
            )
        )
        self._pending = {}
        self._head = Head(seq, digest)
        return self._head


@dataclass(frozen=True)
class VerifyReport:
    """What `verify` checked.

    Attributes:
        entries: journal entries walked.
        rows: domain rows compared with the journal.
        head: the last entry.
    """

    entries: int
    rows: int
    head: Head


def parse_head(text: str) -> Head:
    """Parse `SEQ:HASH` as quoted from a report or `ledger info`."""
    seq, sep, digest = text.strip().partition(":")
    digest = digest.lower()
    if not sep or not seq.isascii() or not seq.isdigit() or len(digest) != 64 or not all(
        c in "0123456789abcdef" for c in digest
    ):
        raise BadInput(f"--head: {text!r} is not SEQ:HASH (a sequence number and 64 hex digits)")
    return Head(int(seq), digest)


def _describe_difference(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    for name in sorted(set(expected) | set(actual)):
        if expected.get(name) != actual.get(name) or type(expected.get(name)) is not type(actual.get(name)):
            return f"{name} is {actual.get(name)!r}, the journal says {expected.get(name)!r}"
    return "it differs from the journal"


def _expect(payload: Any, seq: int, expected: dict, batches: dict) -> None:
    """Record what an entry's payload says the tables hold (raises on a malformed payload)."""
    for table_name, table_rows in payload.get("rows", {}).items():
        bucket = expected.get(table_name)
        if bucket is None:
            raise Tampered(f"journal entry {seq} describes rows of an unknown table {table_name!r}")
        for row in table_rows:
            if not isinstance(row["id"], int):
                raise TypeError("row id")
            bucket[row["id"]] = (seq, row)
    for table_name, batch in payload.get("batches", {}).items():
        if table_name not in batches:
            raise Tampered(f"journal entry {seq} describes rows of an unknown table {table_name!r}")
        batches[table_name].append((int(batch["first_id"]), int(batch["last_id"]), int(batch["count"]),
                                    str(batch["sha256"]), seq))


def verify(
    conn: Connection, quoted: Head | None = None, progress: Callable[[int], None] | None = None
) -> VerifyReport:
    """Re-check the hash chain, the quoted head, and every domain row against the journal.

    Raises:
        Tampered: naming the first bad entry or row.
    """
    expected: dict[str, dict[int, tuple[int, dict[str, Any]]]] = {t.name: {} for t in DOMAIN_TABLES}
    batches: dict[str, list[tuple[int, int, int, str, int]]] = {t.name: [] for t in DOMAIN_TABLES}
    prev = GENESIS
    seq = 0
    quoted_seen = False
    if quoted is not None and quoted.seq == 0:  # the head of an empty journal
        if quoted.hash != GENESIS:
            raise Tampered(f"entry 0 is the empty journal, whose hash is {GENESIS}, not the quoted {quoted.hash}")
        quoted_seen = True
    rows = conn.execute(select(journal).order_by(journal.c.seq))
    for entry in rows:
        seq += 1
        if entry.seq != seq:
            raise Tampered(f"journal entry {seq} is missing (the next entry is {entry.seq})")
        if entry.prev_hash != prev:
            raise Tampered(f"journal entry {seq}: its previous-hash does not match entry {seq - 1}")
        digest = entry_hash(entry.seq, entry.at, entry.kind, entry.actor, entry.payload, entry.prev_hash)
        if digest != entry.hash:
            raise Tampered(f"journal entry {seq} ({entry.kind}): its hash does not match its contents")
        if quoted is not None and seq == quoted.seq:
            quoted_seen = True
            if entry.hash != quoted.hash:
                raise Tampered(
                    f"journal entry {seq} now has hash {entry.hash}, not the quoted {quoted.hash}: "
                    "history up to the quoted head was rewritten"
                )
        try:
            _expect(json.loads(entry.payload), seq, expected, batches)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise Tampered(f"journal entry {seq} ({entry.kind}): its payload is malformed") from None
        prev = entry.hash
        if progress is not None and seq % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    if quoted is not None and not quoted_seen:
        raise Tampered(f"journal entry {quoted.seq} (the quoted head) does not exist; the journal has {seq}")

    if progress is not None:
        progress(seq % PROGRESS_STEP)
    checked = 0
    for table in DOMAIN_TABLES:
        checked += _check_table(conn, table, expected[table.name], sorted(batches[table.name]), progress)
    return VerifyReport(entries=seq, rows=checked, head=Head(seq, prev))


#: Rows per block of a batch digest.
DIGEST_BLOCK = 10_000


class BatchDigest:
    """SHA-256 over a batch of rows (an import's id range), in id order.

    The rows are taken in blocks of `DIGEST_BLOCK`; each block is hashed as the compact JSON
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
        if len(self.block) >= DIGEST_BLOCK:
            self._hash_block()

    def extend(self, rows: list[tuple]) -> None:
        """Add many rows, in order."""
        i = 0
        while i < len(rows):
            room = DIGEST_BLOCK - len(self.block)
            self.block.extend(rows[i:i + room])
            i += room
            if len(self.block) >= DIGEST_BLOCK:
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


class _BatchCheck:
    """Accumulates the rows of one batch (an import's id range) and compares its digest."""

    def __init__(self, table: str, first: int, last: int, count: int, sha: str, seq: int) -> None:
        self.table, self.first, self.last, self.count, self.sha, self.seq = table, first, last, count, sha, seq
        self.digest = BatchDigest()
        self.seen = 0

    def add(self, values: tuple) -> None:
        self.digest.add(values)
        self.seen += 1

    def close(self) -> None:
        where = f"{self.table} rows {self.first}-{self.last} (imported by journal entry {self.seq})"
        if self.seen < self.count:
            raise Tampered(f"{where}: {self.count - self.seen} row(s) missing (deleted)")
        if self.seen > self.count:
            raise Tampered(f"{where}: {self.seen - self.count} row(s) added behind the ledger's back")
        if self.digest.hexdigest() != self.sha:
            raise Tampered(f"{where}: a value differs from what was imported")


def _check_table(
    conn: Connection, table: Table, bucket: dict[int, tuple[int, dict[str, Any]]],
    ranges: list[tuple[int, int, int, str, int]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Compare every row of `table` with the journal; returns how many rows were checked."""
    checks = [_BatchCheck(table.name, *r) for r in ranges]
    from ledger.store.formats import COLUMNS

    v1 = [table.columns.keys().index(name) for name in COLUMNS[1][table.name]]
    current = 0
    checked = 0
    seen = 0
    for row in conn.execute(select(table).order_by(table.c.id)):
        seen += 1
        if progress is not None and seen % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
        row_id = row.id
        while current < len(checks) and checks[current].last < row_id:
            checks[current].close()
            current += 1
        if current < len(checks) and checks[current].first <= row_id:
            checks[current].add(tuple(row[i] for i in v1))
            checked += 1
            continue
        found = bucket.pop(row_id, None)
        if found is None:
            raise Tampered(f"{table.name} row {row_id} is not in the journal (added behind the ledger's back)")
        entry_seq, recorded = found
        actual = _covered(table, row, recorded)
        if recorded != actual or any(type(recorded.get(k)) is not type(v) for k, v in actual.items()):
            raise Tampered(
                f"{table.name} row {row_id} differs from journal entry {entry_seq}: "
                + _describe_difference(recorded, actual)
            )
        checked += 1
    if progress is not None:
        progress(seen % PROGRESS_STEP)
    for check in checks[current:]:
        check.close()
    if bucket:
        missing_id = min(bucket)
        raise Tampered(
            f"{table.name} row {missing_id}, recorded in journal entry {bucket[missing_id][0]}, is missing (deleted)"
        )
    return checked


def _covered(table: Table, row: Any, recorded: dict[str, Any]) -> dict[str, Any]:
    """The row's values of the columns a journal entry recorded; any other column must hold the
    default a row written before that column existed has (else it differs: reported)."""
    full = row_dict(table, row)
    out = {name: full.get(name) for name in recorded}
    for name, value in full.items():
        if name not in recorded and value != absent_value(table, name):
            out[name] = value  # shows up as a difference
    return out


def absent_value(table: Table, name: str) -> Any:
    """What a column holds on rows journaled before it existed."""
    return table.c[name].info.get("absent")


def count_work(conn: Connection) -> int:
    """Entries plus domain rows: what `verify` walks, for a progress bar."""
    total = conn.execute(select(func.count()).select_from(journal)).scalar_one()
    for table in DOMAIN_TABLES:
        total += conn.execute(select(func.count()).select_from(table)).scalar_one()
    return total
