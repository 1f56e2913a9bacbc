"""A one-row append from a template: behind the lock, only the head, the row and its entry.

A write of one row (a forecast) is known before the lock but for the row's id and the write's
instant, so its journal entry's format-2 text (`ledger.store.formats`) is made then, with those
two holes (`Template`); behind the lock the head is read, the row inserted and the entry filled
in and hashed.

On PostgreSQL that is one statement (`one_row_append`), the entry derived by the server: sent
with the lock and the COMMIT in one pipeline, the server reads the head and its clock, inserts
the row, fills in the text and hashes it with `sha256()`. Written the usual way, the lock was
held across three round trips to the client, each a wait for the client process to be
scheduled again while the other writers waited for the lock. On SQLite the template is filled in
on the driver connection itself (`Ledger._derived_here`).

Behind the lock it is checked that what the client read before it (`Ledger._prepare`) still
holds: the entry it saw is still there with only `INERT_KINDS` after it, the head's time is not
more than five minutes after the clock, the ledger is no demo, and the write's instant falls in
`window`. If any does not, nothing is inserted (the statement returns no row); the caller then
writes the usual way, which says exactly what is wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from ledger.store import formats as fmt
from ledger.store.clock import DEMO_MARK, MAX_SKEW_US, SERVER_NOW_SQL
from ledger.store.journal import LastEntry
from ledger.store.journal import summary_lines as journal_summary_lines

if TYPE_CHECKING:
    from sqlalchemy import Table


@dataclass(frozen=True)
class Derived:
    """What was written: the row's id, the entry's seq and hash, and the write's instant."""

    id: int
    seq: int
    hash: str
    at: int


_CASTS = {bool: "boolean", int: "int8", float: "float8", str: "text"}


def _cast(table: "Table", column: str) -> str:
    """The server type a parameter for `column` is cast to (so NULLs are typed too)."""
    return _CASTS[table.c[column].type.python_type]


@dataclass(frozen=True)
class OneRow:
    """A write of one new row and the entry covering it, as `one_row_append` makes it.

    Attributes:
        table: where the row goes; its id is made by the server.
        values: every covered column but the id and `instant` (None for NULL).
        instant: the column that takes the write's instant.
        kind: the entry's kind; summary: its summary (`journal.summary_lines`).
        window: [from, until): the instants the write may be made at (a question's open window).
    """

    table: "Table"
    values: dict[str, Any]
    instant: str
    kind: str
    summary: dict[str, Any]
    window: tuple[int, int]


@dataclass(frozen=True)
class Template:
    """A `OneRow` write's entry as text with two holes: its payload is `before_id`, the row's id,
    `before_instant`, the write's instant, `rest`; the hashed text puts `header` between the
    instant and the previous hash (`formats.entry_text_v2`). `columns` are those given by the
    client, in format order."""

    before_id: str
    before_instant: str
    rest: str
    header: str
    columns: tuple[str, ...]

    def payload(self, row_id: int, at: int) -> str:
        return f"{self.before_id}{row_id}{self.before_instant}{at}{self.rest}"

    def hash(self, seq: int, at: int, prev_hash: str, payload: str) -> str:
        text = f"{fmt.MAGIC_V2}\n{seq}\n{at}{self.header}{prev_hash}\n{payload}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def template(write: OneRow, actor: str) -> Template:
    """The entry `write` by `actor` makes, but for the id and the instant (format 2)."""
    name, instant, values = write.table.name, write.instant, write.values
    columns = fmt.COLUMNS[fmt.CURRENT][name]
    given = tuple(c for c in columns if c not in ("id", instant))
    if set(given) != set(values):
        raise ValueError(f"{name}: values for {sorted(set(given) ^ set(values))} are missing or not covered")
    if columns.index("id") > columns.index(instant):
        raise ValueError(f"{name}: the id must come before {instant}")  # (true of every table: id is first)
    tokens = {c: fmt.token(values[c]) for c in given}

    def run(names) -> str:
        return "".join(" " + tokens[c] for c in names)

    at_id, at_instant = columns.index("id"), columns.index(instant)
    before_id = name + run(columns[:at_id]) + " i"
    before_instant = run(columns[at_id + 1:at_instant]) + " i"
    lines = journal_summary_lines(write.summary)
    rest = run(columns[at_instant + 1:]) + "\n" + "".join(line + "\n" for line in lines)
    header = "\n" + fmt.token(write.kind) + "\n" + fmt.token(actor) + "\n"
    return Template(before_id, before_instant, rest, header, given)


def one_row_append(write: OneRow, *, actor: str, seen: LastEntry, inert: Sequence[str]) -> tuple[str, tuple]:
    """PostgreSQL: the statement (with `?` placeholders) and its parameters for `write`, by
    `actor`, checked against the head `seen` before the lock with only kinds `inert` after it.

    It returns one row (`Derived`'s fields) when it wrote, none when a check failed (see the
    module's docstring). Each parameter is cast to its column's type, so NULLs are typed too."""
    table, values, instant, kind, window = write.table, write.values, write.instant, write.kind, write.window
    name = table.name
    shape = template(write, actor)
    given = list(shape.columns)
    payload_sql = '?::text || r."id" || ?::text || w."at" || ?::text'
    params = [shape.before_id, shape.before_instant, shape.rest]
    insert_columns = ", ".join(f'"{c}"' for c in given + [instant])
    insert_values = ", ".join(f"?::{_cast(table, c)}" for c in given) + ', w."at"'
    inert_list = ", ".join("?" for _ in inert)
    sql = (
        "WITH h AS ("
        f'SELECT j."seq", j."hash", j."at", {SERVER_NOW_SQL} AS "clock" '
        'FROM "journal" j ORDER BY j."seq" DESC LIMIT 1), '
        'w AS (SELECT h."seq" + 1 AS "seq", h."hash" AS "prev", GREATEST(h."clock", h."at") AS "at" FROM h '
        'WHERE h."clock" >= h."at" - ?::int8 '
        'AND EXISTS (SELECT 1 FROM "journal" s WHERE s."seq" = ?::int8 AND s."hash" = ?::text) '
        f'AND NOT EXISTS (SELECT 1 FROM "journal" s WHERE s."seq" > ?::int8 AND s."kind" NOT IN ({inert_list})) '
        'AND (SELECT d."kind" FROM "journal" d WHERE d."seq" = 1) <> ?::text '
        'AND GREATEST(h."clock", h."at") >= ?::int8 AND GREATEST(h."clock", h."at") < ?::int8), '
        f'r AS (INSERT INTO "{name}" ({insert_columns}) SELECT {insert_values} FROM w RETURNING "id"), '
        'p AS (SELECT r."id", w."seq", w."at", w."prev", '
        f'{payload_sql} AS "payload" FROM w CROSS JOIN r), '
        'e AS (INSERT INTO "journal" ("seq", "at", "kind", "actor", "payload", "prev_hash", "hash", "format") '
        'SELECT p."seq", p."at", ?::text, ?::text, p."payload", p."prev", '
        "encode(sha256(convert_to(?::text || p.\"seq\" || E'\\n' || p.\"at\" || ?::text || p.\"prev\" "
        "|| E'\\n' || p.\"payload\", 'UTF8')), 'hex'), ?::int2 FROM p RETURNING \"seq\", \"hash\") "
        'SELECT p."id", e."seq", e."hash", p."at" FROM p CROSS JOIN e'
    )
    head_params = [MAX_SKEW_US, seen.seq, seen.hash, seen.seq, *inert, DEMO_MARK, window[0], window[1]]
    row_params = [values[c] for c in given]
    entry_params = [kind, actor, fmt.MAGIC_V2 + "\n", shape.header, fmt.CURRENT]
    return sql, tuple(head_params + row_params + params + entry_params)
