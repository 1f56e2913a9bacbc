"""Journal formats: which columns of which table an entry of each format covers.

An entry records the format it was written in and is never rewritten into a newer one. The
column lists are frozen here, not read from the live schema: a migration that adds a column
makes a new format, and rows covered by an older entry must hold the new column's default
(`Column.info["absent"]`, else NULL) — so an added column never makes an untouched row look
tampered, and a tampered row cannot declare itself unchecked (the format is inside the hash).
"""

from __future__ import annotations

from types import MappingProxyType

#: Format 1 (release 0.1.0, schema 0001): every column of every domain table then.
_V1 = {
    "analysts": ("id", "handle", "name", "created_at"),
    "analyst_roles": ("id", "analyst_id", "role", "active", "changed_at", "changed_by"),
    "scenarios": ("id", "slug", "title", "summary", "source_title", "source_publisher", "source_url",
                  "source_published", "created_at", "created_by"),
    "questions": ("id", "slug", "scenario_id", "title", "kind", "options", "criteria", "quote", "opens_at",
                  "closes_at", "resolves_by", "created_at", "created_by"),
    "question_tags": ("id", "question_id", "tag"),
    "question_amendments": ("id", "question_id", "amended_at", "amended_by", "reason", "clarification",
                            "closes_at", "resolves_by"),
    "evidence": ("id", "analyst_id", "logged_at", "observed_on", "summary", "source", "imported"),
    "evidence_links": ("id", "evidence_id", "question_id", "stance", "linked_at", "analyst_id"),
    "forecasts": ("id", "question_id", "analyst_id", "made_at", "p", "probs", "rationale", "imported"),
    "forecast_evidence": ("id", "forecast_id", "evidence_id"),
    "withdrawals": ("id", "forecast_id", "withdrawn_at", "reason"),
    "resolutions": ("id", "question_id", "outcome", "known_at", "recorded_at", "recorded_by", "note", "correction",
                    "imported"),
    "resolution_evidence": ("id", "resolution_id", "evidence_id"),
    "imports": ("id", "sha256", "filename", "format", "imported_at", "analyst_id", "rows"),
}

#: Format 2 (schema 0002): adds analysts.kind, amendments' title and opens_at, withdrawals.withdrawn_by.
_V2 = {
    **_V1,
    "analysts": _V1["analysts"] + ("kind",),
    "question_amendments": _V1["question_amendments"] + ("title", "opens_at"),
    "withdrawals": _V1["withdrawals"] + ("withdrawn_by",),
}

COLUMNS = MappingProxyType({1: MappingProxyType(_V1), 2: MappingProxyType(_V2)})
#: The format new entries are written in.
CURRENT = 2


# -- format 2: a row as text PostgreSQL can reproduce in SQL ----------------------------------
#
# A row is its table's name and then one token per covered column, space-separated:
#   NULL `n` · boolean `t`/`f` · integer `i` + decimal · float `d` + the 16 hex digits of its
#   IEEE-754 big-endian bits (PostgreSQL: encode(float8send(x), 'hex')) · text `s` + its UTF-8
#   byte length + `:` + the text (PostgreSQL: octet_length(x) || ':' || x).
# An entry's hash is SHA-256 over `ledger-journal 2`, seq, at, kind, actor and prev_hash, each
# on its own line, then the payload: one line per row in insertion order, `= KEY TOKEN` lines for
# the summary, `* TABLE ...` lines for batches (see `batch_line`).

import hashlib
import struct
import zlib
from typing import Any, Sequence

MAGIC_V2 = "ledger-journal 2"
#: Rows per block of a batch digest.
BLOCK = 4096


def token(value: Any) -> str:
    """One value as a format-2 token."""
    if value is None:
        return "n"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, float):
        return "d" + struct.pack(">d", value).hex()
    if isinstance(value, str):
        return f"s{len(value.encode('utf-8'))}:{value}"
    raise TypeError(f"cannot journal a {type(value).__name__}")


def row_line(table: str, values: Sequence[Any]) -> str:
    """A row (covered columns, in format order) as its payload line, without the newline."""
    return table + " " + " ".join(map(token, values))


def entry_text_v2(seq: int, at: int, kind: str, actor: str, prev_hash: str, payload: str) -> str:
    """What a format-2 entry's hash is taken over."""
    return f"{MAGIC_V2}\n{seq}\n{at}\n{token(kind)}\n{token(actor)}\n{prev_hash}\n{payload}"


def entry_hash_v2(seq: int, at: int, kind: str, actor: str, prev_hash: str, payload: str) -> str:
    """SHA-256 hex of a format-2 entry."""
    return hashlib.sha256(entry_text_v2(seq, at, kind, actor, prev_hash, payload).encode("utf-8")).hexdigest()


# -- format 2: batches, digested column by column ------------------------------------------------
#
# An import's rows of one table have contiguous ids, taken in blocks of BLOCK ids. A block's
# digest is SHA-256 over `TABLE FIRST_ID N\n` and then, per covered column, a null mask (one byte
# per row, 1 for NULL) and the values: integers as little-endian int64, floats as little-endian
# IEEE-754 bits, booleans as one byte, NULLs as zero; texts as the little-endian uint32 UTF-8
# lengths of the block's rows followed by their bytes. The entry records every block digest;
# `batch_locators` keeps an 8-byte locator per row so that verify can name the row that differs
# inside a bad block. Everything is computed column-wise for many blocks at once (numpy), so the
# per-row cost stays in C.

_NULL_LOCATOR = 0xFFFF_FFFF_FFFF
_DTYPES = {"int": "<i8", "float": "<f8", "bool": "u1"}


class Constant:
    """A column holding one value on every row (e.g. `imported` = true), digested without a
    value per row in Python.

    Attributes:
        value: the value.
        n: how many rows.
    """

    def __init__(self, value: Any, n: int) -> None:
        self.value, self.n = value, n

    def __len__(self) -> int:
        return self.n


class _Column:
    """One column of a run of rows, encoded: its null mask, fixed-width values or text pieces."""

    def __init__(self, kind: str, values: Any) -> None:
        import numpy as np

        n = len(values)
        self.kind = kind
        if isinstance(values, Constant):
            self._constant(kind, values.value, n)
            return
        dtype = _DTYPES.get(kind)
        if isinstance(values, range):
            self.mask = np.zeros(n, dtype=np.uint8)
            self.values = np.arange(values.start, values.stop, values.step, dtype=dtype)
            return
        if dtype is not None:  # the common case, no NULL: one conversion in C
            try:
                self.values = np.array(values, dtype=dtype)
            except (TypeError, ValueError, OverflowError):
                self.values = None
            if self.values is not None and (kind != "float" or not np.isnan(self.values).any()):
                self.mask = np.zeros(n, dtype=np.uint8)
                return
        nulls = values.count(None)
        if nulls == n and n:
            self._constant(kind, None, n)
            return
        self.mask = np.equal(np.array(values, dtype=object), None).astype(np.uint8)
        if kind == "text":
            encoded = [b"" if v is None else v.encode("utf-8") for v in values]
            self.lengths = np.fromiter(map(len, encoded), dtype="<u4", count=n)
            self.offsets = np.concatenate(([0], np.cumsum(self.lengths, dtype=np.int64)))
            self.data = b"".join(encoded)
            self.crc = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint64, count=n)
            return
        self.values = np.array([0 if v is None else v for v in values], dtype=dtype)

    def _constant(self, kind: str, value: Any, n: int) -> None:
        import numpy as np

        self.mask = np.full(n, 1 if value is None else 0, dtype=np.uint8)
        if kind == "text":
            raw = b"" if value is None else value.encode("utf-8")
            self.lengths = np.full(n, len(raw), dtype="<u4")
            self.offsets = np.arange(n + 1, dtype=np.int64) * len(raw)
            self.data = raw * n
            self.crc = np.full(n, zlib.crc32(raw), dtype=np.uint64)
            return
        self.values = np.full(n, 0 if value is None else value, dtype=_DTYPES[kind])

    def block_bytes(self, a: int, b: int) -> tuple[bytes, ...]:
        """What a block of rows a..b-1 contributes to its digest."""
        if self.kind == "text":
            return (self.mask[a:b].tobytes(), self.lengths[a:b].tobytes(),
                    self.data[int(self.offsets[a]):int(self.offsets[b])])
        return self.mask[a:b].tobytes(), self.values[a:b].tobytes()

    def locator_part(self):
        """Per row, a uint64 that changes when the value does."""
        import numpy as np

        if self.kind == "text":
            part = self.crc | (self.lengths.astype(np.uint64) << np.uint64(32))
        else:
            part = self.values.astype(self.values.dtype.newbyteorder("=")).view(np.uint64) \
                if self.kind != "bool" else self.values.astype(np.uint64)
        return np.where(self.mask.astype(bool), np.uint64(_NULL_LOCATOR), part)


def digest_rows(table: str, first_id: int, kinds: Sequence[str], rows: Sequence[tuple],
                block: int | None = None) -> tuple[list[bytes], bytes]:
    """Block digests and per-row locators of consecutive rows starting at a block boundary.

    Args:
        table: the table's name.
        first_id: the id of `rows[0]`, the first of a block.
        kinds: per column, `int`, `float`, `bool` or `text`.
        rows: the rows, every covered column in format order (id first); whole blocks, but for
            the batch's last.
        block: rows per block (default `BLOCK`).

    Returns:
        (one SHA-256 digest per block, 8 little-endian bytes per row).
    """
    return digest_columns(table, first_id, kinds, columns_of(rows, len(kinds)), block)


def columns_of(rows: Sequence[tuple], width: int) -> list[list[Any]]:
    """Rows as columns, one pass per column: zip(*rows) over a million rows is three times slower."""
    from operator import itemgetter

    return [list(map(itemgetter(k), rows)) for k in range(width)] if rows else []


def digest_columns(table: str, first_id: int, kinds: Sequence[str], columns: Sequence[Any],
                   block: int | None = None) -> tuple[list[bytes], bytes]:
    """`digest_rows` for rows given column by column (sequences, ranges or `Constant`s)."""
    import numpy as np

    block = block or BLOCK
    n = len(columns[0]) if columns else 0
    columns = [_Column(kind, values) for kind, values in zip(kinds, columns)] if n else []
    digests = []
    for a in range(0, n, block):
        b = min(a + block, n)
        h = hashlib.sha256(f"{table} {first_id + a} {b - a}\n".encode())
        for column in columns:
            for piece in column.block_bytes(a, b):
                h.update(piece)
        digests.append(h.digest())
    acc = np.full(n, 0x9E3779B97F4A7C15, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position, column in enumerate(columns):
            acc = _mix(acc ^ (column.locator_part() + np.uint64(position)))
    return digests, acc.astype("<u8").tobytes()


def _mix(x):  # splitmix64's finaliser, on a uint64 array
    import numpy as np

    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def column_kind(column: Any) -> str:
    """`int`, `float`, `bool` or `text`, from a SQLAlchemy column's type."""
    from sqlalchemy import Boolean, Double, Float, Integer

    if isinstance(column.type, Boolean):
        return "bool"
    if isinstance(column.type, Integer):
        return "int"
    if isinstance(column.type, (Double, Float)):
        return "float"
    return "text"


def _read_token(data: bytes, i: int) -> tuple[Any, int]:
    tag = data[i:i + 1]
    if tag == b"n":
        return None, i + 1
    if tag == b"t":
        return True, i + 1
    if tag == b"f":
        return False, i + 1
    if tag == b"i":
        end = i + 1
        while end < len(data) and data[end] not in b" \n":
            end += 1
        return int(data[i + 1:end]), end
    if tag == b"d":
        return struct.unpack(">d", bytes.fromhex(data[i + 1:i + 17].decode("ascii")))[0], i + 17
    if tag == b"s":
        colon = data.index(b":", i)
        size = int(data[i + 1:colon])
        end = colon + 1 + size
        if end > len(data):
            raise ValueError("text runs past the payload")
        return data[colon + 1:end].decode("utf-8"), end
    raise ValueError(f"unknown token {tag!r}")


def parse_payload(payload: str, version: int) -> list[tuple]:
    """A format-2 payload as items: ("row", table, values, line), ("meta", key, value) and
    ("batch", table, first, last, count, block, digests). Raises ValueError when malformed."""
    data = payload.encode("utf-8")
    items: list[tuple] = []
    i = 0
    while i < len(data):
        if data.startswith(b"= ", i):
            space = data.index(b" ", i + 2)
            value, end = _read_token(data, space + 1)
            items.append(("meta", data[i + 2:space].decode("utf-8"), value))
        elif data.startswith(b"* ", i):
            end = data.index(b"\n", i)
            star, table, first, last, count, block, digests = data[i:end].decode("ascii").split(" ")
            numbers = [int(t[1:]) for t in (first, last, count, block) if t.startswith("i")]
            if len(numbers) != 4 or len(digests) % 64:
                raise ValueError("batch line")
            items.append(("batch", table, *numbers, [digests[k:k + 64] for k in range(0, len(digests), 64)]))
        else:
            space = data.index(b" ", i)
            table = data[i:space].decode("utf-8")
            values, end = [], space
            for _ in COLUMNS[version][table]:
                if data[end:end + 1] != b" ":
                    raise ValueError("tokens are separated by one space")
                value, end = _read_token(data, end + 1)
                values.append(value)
            items.append(("row", table, values, data[i:end].decode("utf-8")))
        if data[end:end + 1] != b"\n":
            raise ValueError("an item must end its line")
        i = end + 1
    return items
