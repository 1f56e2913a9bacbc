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
import sys
from array import array
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
# per row) and the values: integers as little-endian int64, floats as little-endian IEEE-754,
# booleans as one byte, texts as a little-endian uint32 UTF-8 length and the bytes. The entry
# records every block digest; `batch_locators` keeps an 8-byte locator per row so that verify can
# name the row that differs inside a bad block.

_LITTLE = sys.byteorder == "little"


def _fixed(code: str, values: Sequence[Any]) -> bytes:
    arr = array(code, values) if None not in values else array(code, [0 if v is None else v for v in values])
    if not _LITTLE:  # pragma: no cover - big-endian machines
        arr.byteswap()
    return arr.tobytes()


def _texts(values: Sequence[Any]) -> bytes:
    if values.count(None) == len(values):
        return b"\0\0\0\0" * len(values)
    parts = []
    for v in values:
        raw = b"" if v is None else v.encode("utf-8")
        parts.append(len(raw).to_bytes(4, "little"))
        parts.append(raw)
    return b"".join(parts)


def column_bytes(kind: str, values: Sequence[Any]) -> bytes:
    """One column of a block: its null mask, then its values (see above)."""
    n = len(values)
    nulls = values.count(None)
    mask = b"\0" * n if nulls == 0 else bytes(v is None for v in values)
    if kind == "int":
        body = _fixed("q", values)
    elif kind == "float":
        body = _fixed("d", values)
    elif kind == "bool":
        body = bytes(bool(v) for v in values)
    else:
        body = _texts(values)
    return mask + body


def block_digest(table: str, first_id: int, kinds: Sequence[str], columns: Sequence[Sequence[Any]]) -> bytes:
    """SHA-256 of one block, given its columns (each a sequence of the block's values)."""
    n = len(columns[0]) if columns else 0
    h = hashlib.sha256(f"{table} {first_id} {n}\n".encode())
    for kind, values in zip(kinds, columns):
        h.update(column_bytes(kind, values))
    return h.digest()


def locators(kinds: Sequence[str], columns: Sequence[Sequence[Any]]) -> bytes:
    """An 8-byte locator per row (little-endian uint64): a mix of the row's values that changes
    when any value does. Not a proof (the block digest is); it only says which row moved."""
    import zlib

    import numpy as np

    n = len(columns[0]) if columns else 0
    acc = np.full(n, 0x9E3779B97F4A7C15, dtype=np.uint64)
    for position, (kind, values) in enumerate(zip(kinds, columns)):
        if kind == "int":
            v = np.array([-1 if x is None else x for x in values] if None in values else values, dtype=np.int64)
            v = v.view(np.uint64)
        elif kind == "float":
            v = np.array([0.5 if x is None else x for x in values] if None in values else values, dtype=np.float64)
            v = v.view(np.uint64)
        elif kind == "bool":
            v = np.array([2 if x is None else int(x) for x in values], dtype=np.uint64)
        else:
            v = np.array([0xFFFFFFFFFFFF if x is None else (zlib.crc32(b := x.encode("utf-8")) | (len(b) << 32))
                          for x in values], dtype=np.uint64)
        acc = _mix(acc ^ (v + np.uint64(position)))
    return acc.astype("<u8").tobytes()


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
