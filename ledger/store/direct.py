"""Statements run on the driver's own cursor, for the few a write makes while it holds the append
lock (the journal head, the entries since a snapshot, a row and its entry). Through SQLAlchemy each
costs tens of microseconds of Python before the driver sees it; under the lock, with sixteen
writers queued, those microseconds are everybody's. The SQL is written once per dialect with
positional parameters (never user text in it); a driver error comes out as SQLAlchemy's own
`DBAPIError`, so `translated` names the database exactly as for any other statement. Scoring's
reads run here too, on a SQLAlchemy connection or on a `Plain` one (`ledger.store.plain`: SQLite
read without importing SQLAlchemy at all).
"""

from __future__ import annotations

import functools
import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator, Sequence

if TYPE_CHECKING:  # pragma: no cover - SQLAlchemy is imported by those who hand a Connection in
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection


class Plain:
    """A SQLite connection of the driver's own, inside a read transaction, for a read made
    without SQLAlchemy (`ledger.store.plain`): the functions here take it where they take a
    SQLAlchemy `Connection`, and a driver error comes out as the driver's own.

    Attributes:
        driver: the `sqlite3` connection.
        path: the ledger's file (a second connection may be opened on it).
    """

    dialect_name = "sqlite"

    def __init__(self, driver: sqlite3.Connection, path: str) -> None:
        self.driver, self.path = driver, path


def dialect(conn: "Connection | Plain") -> str:
    """`sqlite` or `postgresql`."""
    return conn.dialect_name if isinstance(conn, Plain) else conn.dialect.name


def driver(conn: "Connection | Plain") -> Any:
    """The driver's own connection behind `conn`."""
    return conn.driver if isinstance(conn, Plain) else conn.connection.driver_connection


def _quoted(name: str) -> str:
    return f'"{name}"'


@functools.cache
def _for(dialect: str, sql: str) -> str:
    """`sql` written with `?` placeholders, in the dialect's paramstyle (psycopg: `%s`)."""
    return sql.replace("?", "%s") if dialect == "postgresql" else sql


@functools.cache
def _insert_sql(dialect: str, table: "Table", keys: tuple[str, ...]) -> tuple[str, bool]:
    """`INSERT INTO table (keys) VALUES (...)`, with `RETURNING id` where the driver needs it to
    give the new row's id (PostgreSQL); whether it does."""
    sql = (f"INSERT INTO {_quoted(table.name)} ({', '.join(_quoted(k) for k in keys)}) "
           f"VALUES ({', '.join('?' for _ in keys)})")
    returning = dialect == "postgresql" and "id" in table.c and "id" not in keys
    if returning:
        sql += ' RETURNING "id"'
    return _for(dialect, sql), returning


@contextmanager
def driver_errors(conn: "Connection", statement: str, params: Sequence[Any] = ()) -> Iterator[None]:
    """A driver error inside as SQLAlchemy's `DBAPIError`, as a statement run through it would raise."""
    dbapi = conn.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        from sqlalchemy.exc import DBAPIError

        raise DBAPIError.instance(statement, tuple(params), exc, dbapi.Error) from exc


def _run(conn: "Connection | Plain", statement: str, params: tuple) -> Any:
    """Run `statement` (in the driver's paramstyle) on the connection's driver cursor; the cursor."""
    if isinstance(conn, Plain):
        return conn.driver.execute(statement, params)
    with driver_errors(conn, statement, params):
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute(statement, params)
        return cursor


def execute(conn: "Connection | Plain", sql: str, params: Sequence[Any] = ()) -> Any:
    """Run `sql` (with `?` placeholders) on the connection's driver cursor; the cursor."""
    return _run(conn, _for(dialect(conn), sql), tuple(params))


def fetch_one(conn: "Connection | Plain", sql: str, params: Sequence[Any] = ()) -> tuple | None:
    """The first row of `sql`, a plain tuple, or None."""
    return execute(conn, sql, params).fetchone()


def fetch_all(conn: "Connection | Plain", sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Every row of `sql`, plain tuples."""
    return execute(conn, sql, params).fetchall()


def pipelined(conn: "Connection", statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple] | None]:
    """PostgreSQL: `statements` (`?` placeholders) sent together and run one after another, in one
    round trip (psycopg's pipeline mode); each one's rows, None for one that returns none. Each
    statement still takes its own snapshot when it starts, so one sent after a lock sees what was
    committed before the lock was had. A failure stops the rest; it comes out as `DBAPIError`."""
    pg = conn.connection.driver_connection
    with driver_errors(conn, "; ".join(sql for sql, _ in statements)):
        with pg.pipeline():
            cursors = [pg.execute(_for("postgresql", sql), tuple(params)) for sql, params in statements]
        return [cursor.fetchall() if cursor.description is not None else None for cursor in cursors]


def insert_statement(conn: "Connection", table: "Table", values: dict[str, Any]) -> tuple[str, tuple]:
    """The INSERT of one row of a table without a generated id, as SQL and parameters (for `pipelined`)."""
    sql, returning = _insert_sql(conn.dialect.name, table, tuple(values))
    if returning:
        raise ValueError(f"{table.name}: a row whose id the server makes needs insert_row")
    return sql, tuple(values.values())


def insert_row(conn: "Connection", table: "Table", values: dict[str, Any]) -> int | None:
    """Insert one row of `table` (`values` by column name); its integer primary key."""
    sql, returning = _insert_sql(conn.dialect.name, table, tuple(values))
    cursor = _run(conn, sql, tuple(values.values()))
    if returning:
        return cursor.fetchone()[0]
    if "id" in values:
        return values["id"]
    return cursor.lastrowid if "id" in table.c else None


def copy_rows(conn: "Connection", statement: str, types: Sequence[str], rows: Any) -> None:
    """PostgreSQL: `statement` (a `COPY ... FROM STDIN (FORMAT BINARY)`) fed `rows`, their values
    of the server's `types`, on the connection's driver cursor; a driver error as `DBAPIError`."""
    with driver_errors(conn, statement), conn.connection.driver_connection.cursor() as cur, \
            cur.copy(statement) as copy:
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)
