"""`ledger verify`: re-walk the hash chain, then check every domain row against the journal.

The chain walk checks each entry's hash in its own format, the quoted head, and (from format 2
on) that times never decrease; it gathers what every entry says the tables hold. Then each
table is read once in id order: single rows are compared with their entry, imported rows are
digested block by block and compared with the import entry's digests, and a bad block is
searched for its bad row with the block's locators. Columns an entry's format does not cover
must hold their defaults.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from ledger.core.errors import Tampered
from ledger.core.model import Head
from ledger.store import formats as fmt
from ledger.store.journal import GENESIS, BatchDigestV1, entry_hash, row_dict
from ledger.store.schema import DOMAIN_TABLES, batch_locators, journal

#: `verify` reports progress in steps of this many entries or rows.
PROGRESS_STEP = 10_000


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


@dataclass
class _Batch:
    """An import's rows of one table, as its entry describes them."""

    first: int
    last: int
    count: int
    seq: int
    version: int
    sha: str = ""  # format 1: one digest over the whole batch
    block: int = 0  # format 2: rows per block and each block's digest
    digests: list[str] = field(default_factory=list)


@dataclass
class _Expected:
    """What the journal says each table holds: single rows by id, and batches."""

    rows: dict[str, dict[int, tuple[int, int, Any]]]
    batches: dict[str, list[_Batch]]


def verify(conn: Connection, quoted: Head | None = None,
           progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Re-check the hash chain, the quoted head, and every domain row against the journal.

    Raises:
        Tampered: naming the first bad entry or row.
    """
    expected = _Expected({t.name: {} for t in DOMAIN_TABLES}, {t.name: [] for t in DOMAIN_TABLES})
    entries, head = _walk_chain(conn, quoted, expected, progress)
    checked = 0
    for table in DOMAIN_TABLES:
        checked += _TableCheck(conn, table, expected, progress).run()
    return VerifyReport(entries=entries, rows=checked, head=head)


def _walk_chain(conn: Connection, quoted: Head | None, expected: _Expected,
                progress: Callable[[int], None] | None) -> tuple[int, Head]:
    prev, prev_at, seq, quoted_seen = GENESIS, None, 0, False
    if quoted is not None and quoted.seq == 0:  # the head of an empty journal
        if quoted.hash != GENESIS:
            raise Tampered(f"entry 0 is the empty journal, whose hash is {GENESIS}, not the quoted {quoted.hash}")
        quoted_seen = True
    for entry in conn.execute(select(journal).order_by(journal.c.seq)):
        seq += 1
        if entry.seq != seq:
            raise Tampered(f"journal entry {seq} is missing (the next entry is {entry.seq})")
        if entry.prev_hash != prev:
            raise Tampered(f"journal entry {seq}: its previous-hash does not match entry {seq - 1}")
        if entry.format == 1:
            digest = entry_hash(entry.seq, entry.at, entry.kind, entry.actor, entry.payload, entry.prev_hash)
        elif entry.format == 2:
            digest = fmt.entry_hash_v2(entry.seq, entry.at, entry.kind, entry.actor, entry.prev_hash, entry.payload)
            if prev_at is not None and entry.at < prev_at:
                raise Tampered(f"journal entry {seq} ({entry.kind}) is timed before entry {seq - 1}: "
                               "journal times never go back")
        else:
            raise Tampered(f"journal entry {seq} claims format {entry.format}, which this ledger does not know")
        if digest != entry.hash:
            raise Tampered(f"journal entry {seq} ({entry.kind}): its hash does not match its contents")
        if quoted is not None and seq == quoted.seq:
            quoted_seen = True
            if entry.hash != quoted.hash:
                raise Tampered(f"journal entry {seq} now has hash {entry.hash}, not the quoted {quoted.hash}: "
                               "history up to the quoted head was rewritten")
        try:
            (_expect_v1 if entry.format == 1 else _expect_v2)(entry.payload, seq, expected)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            raise Tampered(f"journal entry {seq} ({entry.kind}): its payload is malformed") from None
        prev, prev_at = entry.hash, entry.at
        if progress is not None and seq % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    if quoted is not None and not quoted_seen:
        raise Tampered(f"journal entry {quoted.seq} (the quoted head) does not exist; the journal has {seq}")
    if progress is not None:
        progress(seq % PROGRESS_STEP)
    return seq, Head(seq, prev)


def _known_table(expected: _Expected, name: str, seq: int) -> None:
    if name not in expected.rows:
        raise Tampered(f"journal entry {seq} describes rows of an unknown table {name!r}")


def _expect_v1(payload: str, seq: int, expected: _Expected) -> None:
    data = json.loads(payload)
    for table_name, table_rows in data.get("rows", {}).items():
        _known_table(expected, table_name, seq)
        for row in table_rows:
            if not isinstance(row["id"], int):
                raise TypeError("row id")
            expected.rows[table_name][row["id"]] = (seq, 1, row)
    for table_name, b in data.get("batches", {}).items():
        _known_table(expected, table_name, seq)
        expected.batches[table_name].append(
            _Batch(int(b["first_id"]), int(b["last_id"]), int(b["count"]), seq, 1, sha=str(b["sha256"])))


def _expect_v2(payload: str, seq: int, expected: _Expected) -> None:
    for item in fmt.parse_payload(payload, 2):
        if item[0] == "row":
            _, table_name, values, line = item
            _known_table(expected, table_name, seq)
            if not isinstance(values[0], int):
                raise TypeError("row id")
            expected.rows[table_name][values[0]] = (seq, 2, line)
        elif item[0] == "batch":
            _, table_name, first, last, count, block, digests = item
            _known_table(expected, table_name, seq)
            if block <= 0 or len(digests) != -(-count // block):
                raise ValueError("batch blocks")
            expected.batches[table_name].append(_Batch(first, last, count, seq, 2, block=block, digests=digests))


class _TableCheck:
    """Reads one table in id order and compares every row with what the journal says."""

    def __init__(self, conn: Connection, table: Table, expected: _Expected,
                 progress: Callable[[int], None] | None) -> None:
        self.conn, self.table, self.progress = conn, table, progress
        self.names = [c.name for c in table.columns]
        self.kinds = [fmt.column_kind(c) for c in table.columns]
        self.bools = [i for i, k in enumerate(self.kinds) if k == "bool"]
        self.bucket = expected.rows[table.name]
        self.batches = sorted(expected.batches[table.name], key=lambda b: b.first)
        # per format: indexes of its covered columns, and the uncovered ones with their defaults
        self.covered = {v: [self.names.index(n) for n in cols[table.name]] for v, cols in fmt.COLUMNS.items()}
        self.uncovered = {v: [(i, table.columns[i].info.get("absent")) for i in range(len(self.names))
                              if i not in idx] for v, idx in self.covered.items()}

    def run(self) -> int:
        """Check the table; returns how many rows were checked."""
        self.current, self.open = 0, None
        checked = 0
        for chunk in self._chunks():
            i = 0
            while i < len(chunk):
                row_id = chunk[i][0]
                batch = self._batch_for(row_id)
                if batch is None:
                    self._check_single(chunk[i])
                    i += 1
                    continue
                end = bisect_right(chunk, batch.last, lo=i, key=itemgetter(0))  # the rows of this batch
                self.open.add_many(chunk[i:end])
                i = end
            checked += len(chunk)
            if self.progress is not None:
                self.progress(len(chunk))
        while self.current < len(self.batches):
            self._close_batch()
        if self.bucket:
            missing = min(self.bucket)
            raise Tampered(f"{self.table.name} row {missing}, recorded in journal entry {self.bucket[missing][0]}, "
                           "is missing (deleted)")
        return checked

    def _batch_for(self, row_id: int) -> _Batch | None:
        """The batch a row id falls in (opening its check), closing the batches before it."""
        while self.current < len(self.batches) and self.batches[self.current].last < row_id:
            self._close_batch()
        if self.current < len(self.batches) and self.batches[self.current].first <= row_id:
            if self.open is None:
                self.open = self._batch_check(self.batches[self.current])
            return self.batches[self.current]
        return None

    def _close_batch(self) -> None:
        (self.open or self._batch_check(self.batches[self.current])).close()
        self.open = None
        self.current += 1

    def _chunks(self):
        """Every row as a tuple of current columns, straight from the driver, in id order."""
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute(f"SELECT {', '.join(self.names)} FROM {self.table.name} ORDER BY id")
            while True:
                chunk = cursor.fetchmany(PROGRESS_STEP)
                if not chunk:
                    break
                yield chunk
        finally:
            cursor.close()

    def _batch_check(self, batch: _Batch) -> "_BatchCheck":
        if batch.version == 1:
            check: _BatchCheck = _BatchCheckV1(self.table.name, batch, self.covered[1], self.bools)
        else:
            check = _BatchCheckV2(self.conn, self.table.name, batch, self.covered[2],
                                  [self.kinds[i] for i in self.covered[2]])
        check.uncovered = lambda rows: self._check_uncovered_rows(rows, batch.version, batch.seq)
        return check

    def _check_uncovered_rows(self, rows: list[tuple], version: int, seq: int) -> None:
        for i, default in self.uncovered[version]:
            if any(row[i] != default for row in rows):
                self._check_uncovered(next(row for row in rows if row[i] != default), version, seq)

    def _check_uncovered(self, row: tuple, version: int, seq: int) -> None:
        for i, default in self.uncovered[version]:
            if row[i] != default:
                raise Tampered(f"{self.table.name} row {row[0]} differs from journal entry {seq}: "
                               f"{self.names[i]} is {row[i]!r}, a row of that entry holds {default!r}")

    def _check_single(self, row: tuple) -> None:
        if self.bools:
            row = _bools(row, self.bools)
        name, row_id = self.table.name, row[0]
        found = self.bucket.pop(row_id, None)
        if found is None:
            raise Tampered(f"{name} row {row_id} is not in the journal (added behind the ledger's back)")
        seq, version, recorded = found
        self._check_uncovered(row, version, seq)
        if version == 1:
            actual = row_dict(self.table, dict(zip(self.names, row)))
            actual = {k: actual[k] for k in recorded if k in actual} | {k: None for k in recorded if k not in actual}
            if recorded != actual or any(type(recorded[k]) is not type(actual[k]) for k in recorded):
                raise Tampered(f"{name} row {row_id} differs from journal entry {seq}: "
                               + _difference(list(recorded), [recorded[k] for k in recorded],
                                             [actual[k] for k in recorded]))
            return
        values = [row[i] for i in self.covered[2]]
        try:
            line = fmt.row_line(name, values)
        except TypeError:
            raise _misfit(name, [tuple(values)], [self.kinds[i] for i in self.covered[2]],
                          list(range(len(values))), seq) from None
        if line != recorded:
            columns = list(fmt.COLUMNS[2][name])
            _, _, old, _ = fmt.parse_payload(recorded + "\n", 2)[0]
            raise Tampered(f"{name} row {row_id} differs from journal entry {seq}: " + _difference(columns, old, values))


def _fits(kind: str, value: Any) -> bool:
    """Whether a value read back is one a column of this kind holds (SQLite stores anything)."""
    if value is None:
        return True
    if kind == "int":
        return isinstance(value, int) and -2**63 <= value < 2**63
    if kind == "bool":
        return value in (0, 1) and not isinstance(value, float)
    if kind == "float":
        return isinstance(value, float)
    return isinstance(value, str)


def _misfit(table: str, rows: list[tuple], kinds: list[str], covered: list[int], seq: int) -> Tampered:
    """The first row holding a value its column cannot hold, as tampering."""
    for row in rows:
        for kind, i in zip(kinds, covered):
            if not _fits(kind, row[i]):
                return Tampered(f"{table} row {row[0]} differs from journal entry {seq}: column {i + 1} holds "
                                f"{row[i]!r}, which is not a{'n' if kind == 'int' else ''} {kind}")
    return Tampered(f"{table} rows of journal entry {seq}: a value cannot be read")


def _bools(row: tuple, positions: list[int]) -> tuple:
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = bool(values[i])
    return tuple(values)


def _difference(names: list[str], recorded: list[Any], actual: list[Any]) -> str:
    for name, old, new in zip(names, recorded, actual):
        if fmt.token(old) != fmt.token(new):
            return f"{name} is {new!r}, the journal says {old!r}"
    return "it differs from the journal"


class _BatchCheck:
    """Accumulates the rows of one batch and compares them with its entry."""

    def __init__(self, table: str, batch: _Batch) -> None:
        self.table, self.batch = table, batch
        self.where = f"{table} rows {batch.first}-{batch.last} (imported by journal entry {batch.seq})"
        self.seen = 0
        self.uncovered: Callable[[list[tuple]], None] = lambda rows: None

    def add_many(self, rows: list[tuple]) -> None:
        """Add consecutive rows of the batch (id order)."""
        self.uncovered(rows)
        for row in rows:
            self.add(row)

    def add(self, row: tuple) -> None:  # pragma: no cover - every format overrides it
        raise NotImplementedError

    def _count(self) -> None:
        if self.seen < self.batch.count:
            raise Tampered(f"{self.where}: {self.batch.count - self.seen} row(s) missing (deleted)")
        if self.seen > self.batch.count:
            raise Tampered(f"{self.where}: {self.seen - self.batch.count} row(s) added behind the ledger's back")


class _BatchCheckV1(_BatchCheck):
    def __init__(self, table: str, batch: _Batch, covered: list[int], bools: list[int]) -> None:
        super().__init__(table, batch)
        self.covered, self.bools, self.digest = covered, bools, BatchDigestV1()

    def add(self, row: tuple) -> None:
        if self.bools:  # format 1 hashed JSON, where true is not 1
            row = _bools(row, self.bools)
        self.digest.add(tuple(row[i] for i in self.covered))
        self.seen += 1

    def close(self) -> None:
        self._count()
        if self.digest.hexdigest() != self.batch.sha:
            raise Tampered(f"{self.where}: a value differs from what was imported")


class _BatchCheckV2(_BatchCheck):
    """Format 2: rows digested many blocks at a time and compared block by block; a bad block's
    locators name its bad row."""

    GROUP = 16

    def __init__(self, conn: Connection, table: str, batch: _Batch, covered: list[int], kinds: list[str]) -> None:
        super().__init__(table, batch)
        self.conn, self.covered, self.kinds = conn, covered, kinds
        self.whole = covered == list(range(len(covered)))  # rows need no projection
        self.pending: list[tuple] = []
        self.index = 0  # the first block of `pending`

    def add_many(self, rows: list[tuple]) -> None:
        self.uncovered(rows)
        self.pending.extend(rows if self.whole else [tuple(r[k] for k in self.covered) for r in rows])
        self.seen += len(rows)
        if len(self.pending) >= self.batch.block * self.GROUP:
            self._check(final=False)

    def add(self, row: tuple) -> None:
        self.add_many([row])

    def _check(self, final: bool) -> None:
        """Check the whole blocks in `pending` (all of it when `final`)."""
        b = self.batch
        start = b.first + self.index * b.block
        n_blocks = len(b.digests) - self.index if final else len(self.pending) // b.block
        end = min(start + n_blocks * b.block, b.last + 1)
        rows = self.pending[:end - start]
        expected_ids = range(start, end)
        if len(rows) != len(expected_ids) or (rows and (rows[0][0] != start or rows[-1][0] != end - 1)):
            have = {r[0] for r in rows}
            missing = next(i for i in expected_ids if i not in have)
            raise Tampered(f"{self.table} row {missing}, imported by journal entry {b.seq}, is missing (deleted)")
        try:
            digests, located = fmt.digest_rows(self.table, start, self.kinds, rows, b.block)
        except (TypeError, ValueError, OverflowError):
            raise _misfit(self.table, rows, self.kinds, self.covered, b.seq) from None
        for k, digest in enumerate(digests):
            if digest.hex() != b.digests[self.index + k]:
                self._locate(start + k * b.block, located[8 * k * b.block:8 * (k + 1) * b.block])
        self.pending = self.pending[end - start:]
        self.index += n_blocks

    def _locate(self, start: int, mine: bytes) -> None:
        n = len(mine) // 8
        data = self.conn.execute(select(batch_locators.c.data).where(
            batch_locators.c.table_name == self.table, batch_locators.c.first_id == start)).scalar()
        if data is not None and len(data) == len(mine):
            for k in range(n):
                if mine[8 * k:8 * k + 8] != data[8 * k:8 * k + 8]:
                    raise Tampered(f"{self.table} row {start + k} differs from what journal entry "
                                   f"{self.batch.seq} imported")
        raise Tampered(f"{self.table} rows {start}-{start + n - 1} (imported by journal entry {self.batch.seq}): "
                       "a value differs from what was imported")

    def close(self) -> None:
        self._check(final=True)
        self._count()


def count_work(conn: Connection) -> int:
    """Entries plus domain rows: what `verify` walks, for a progress bar."""
    total = conn.execute(select(func.count()).select_from(journal)).scalar_one()
    for table in DOMAIN_TABLES:
        total += conn.execute(select(func.count()).select_from(table)).scalar_one()
    return total
