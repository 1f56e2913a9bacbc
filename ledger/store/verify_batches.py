"""`verify`'s checks of imported rows: a batch (one import's rows of one table) is read back in
id order and compared with its journal entry — format 1 as one JSON digest over the batch,
format 2 block by block, a bad block's locators naming its bad row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core.errors import Tampered
from ledger.store import formats as fmt
from ledger.store.journal import BatchDigestV1
from ledger.store.schema import batch_locators


@dataclass
class Batch:
    """An import's rows of one table, as its entry describes them."""

    first: int
    last: int
    count: int
    seq: int
    version: int
    sha: str = ""  # format 1: one digest over the whole batch
    block: int = 0  # format 2: rows per block and each block's digest
    digests: list[str] = field(default_factory=list)


def fits(kind: str, value: Any) -> bool:
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


def misfit(table: str, rows: list[tuple], kinds: list[str], covered: list[int], seq: int) -> Tampered:
    """The first row holding a value its column cannot hold, as tampering."""
    for row in rows:
        for kind, i in zip(kinds, covered):
            if not fits(kind, row[i]):
                return Tampered(f"{table} row {row[0]} differs from journal entry {seq}: column {i + 1} holds "
                                f"{row[i]!r}, which is not a{'n' if kind == 'int' else ''} {kind}")
    return Tampered(f"{table} rows of journal entry {seq}: a value cannot be read")


def with_bools(row: tuple, positions: list[int]) -> tuple:
    """The row with its boolean columns as bool (SQLite's driver gives 0 and 1)."""
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = bool(values[i])
    return tuple(values)


class BatchCheck:
    """Accumulates the rows of one batch and compares them with its entry."""

    def __init__(self, table: str, batch: Batch) -> None:
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


class BatchCheckV1(BatchCheck):
    def __init__(self, table: str, batch: Batch, covered: list[int], bools: list[int]) -> None:
        super().__init__(table, batch)
        self.covered, self.bools, self.digest = covered, bools, BatchDigestV1()

    def add(self, row: tuple) -> None:
        if self.bools:  # format 1 hashed JSON, where true is not 1
            row = with_bools(row, self.bools)
        self.digest.add(tuple(row[i] for i in self.covered))
        self.seen += 1

    def close(self) -> None:
        self._count()
        if self.digest.hexdigest() != self.batch.sha:
            raise Tampered(f"{self.where}: a value differs from what was imported")


class BatchCheckV2(BatchCheck):
    """Format 2: rows digested many blocks at a time and compared block by block; a bad block's
    locators name its bad row."""

    GROUP = 16

    def __init__(self, conn: Connection, table: str, batch: Batch, covered: list[int], kinds: list[str]) -> None:
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
            raise misfit(self.table, rows, self.kinds, self.covered, b.seq) from None
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
