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
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Callable

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from ledger.core.errors import Tampered
from ledger.core.model import Head
from ledger.store import formats as fmt
from ledger.store.engine import driver_chunks
from ledger.store.journal import entry_hash, row_dict
from ledger.store.reads import GENESIS, settle
from ledger.store.verify_batches import Batch, BatchCheck, BatchCheckV1, BatchCheckV2, misfit, with_bools
from ledger.store.schema import DOMAIN_TABLES, journal

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
class _Expected:
    """What the journal says each table holds: single rows by id, and batches."""

    rows: dict[str, dict[int, tuple[int, int, Any]]]
    batches: dict[str, list[Batch]]


def verify(conn: Connection, quoted: Head | None = None,
           progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Re-check the hash chain, the quoted head, and every domain row against the journal.

    Raises:
        Tampered: naming the first bad entry or row.
    """
    expected = _Expected({t.name: {} for t in DOMAIN_TABLES}, {t.name: [] for t in DOMAIN_TABLES})
    entries, head = _walk_chain(conn, quoted, expected, progress)
    settle(conn)  # the head it reports is on disk
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
            Batch(int(b["first_id"]), int(b["last_id"]), int(b["count"]), seq, 1, sha=str(b["sha256"])))


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
            expected.batches[table_name].append(Batch(first, last, count, seq, 2, block=block, digests=digests))


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

    def _batch_for(self, row_id: int) -> Batch | None:
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
        return driver_chunks(self.conn, f"SELECT {', '.join(self.names)} FROM {self.table.name} ORDER BY id",
                             PROGRESS_STEP, f"ledger_verify_{self.table.name}")

    def _batch_check(self, batch: Batch) -> "BatchCheck":
        if batch.version == 1:
            check: BatchCheck = BatchCheckV1(self.table.name, batch, self.covered[1], self.bools)
        else:
            check = BatchCheckV2(self.conn, self.table.name, batch, self.covered[2],
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
            row = with_bools(row, self.bools)
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
            raise misfit(name, [tuple(values)], [self.kinds[i] for i in self.covered[2]],
                          list(range(len(values))), seq) from None
        if line != recorded:
            columns = list(fmt.COLUMNS[2][name])
            _, _, old, _ = fmt.parse_payload(recorded + "\n", 2)[0]
            raise Tampered(f"{name} row {row_id} differs from journal entry {seq}: " + _difference(columns, old, values))


def _difference(names: list[str], recorded: list[Any], actual: list[Any]) -> str:
    for name, old, new in zip(names, recorded, actual):
        if fmt.token(old) != fmt.token(new):
            return f"{name} is {new!r}, the journal says {old!r}"
    return "it differs from the journal"


def count_work(conn: Connection) -> int:
    """Entries plus domain rows: what `verify` walks, for a progress bar."""
    total = conn.execute(select(func.count()).select_from(journal)).scalar_one()
    for table in DOMAIN_TABLES:
        total += conn.execute(select(func.count()).select_from(table)).scalar_one()
    return total
