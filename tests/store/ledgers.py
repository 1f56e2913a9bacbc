"""Helpers for the copy, backup and fault tests: the first release's ledger upgraded to today's
schema, empty PostgreSQL schemas, and every row of every table in a form where equal means
identical (a float by its bits, so 0.0 and -0.0 differ; a boolean is not an integer)."""

from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, select, text

from ledger.store.copy import TABLES
from tests.conftest import LedgerCli, _drop_schema, _pg_schema_url

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "v1"
#: The heads the first release printed: after its CSV import, and at the end (`info.json`).
OLD_HEADS = [json.loads((FIXTURE / name).read_text())["head"] for name in ("head-after-csv.json", "info.json")]


def sa_url(url: str) -> str:
    """A SQLAlchemy URL for a `--db` value (a plain path is a SQLite file)."""
    return url if "://" in url else f"sqlite:///{url}"


def v1_ledger(folder: Path) -> LedgerCli:
    """The first release's ledger, copied into `folder` and upgraded to today's schema."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "v1.db"
    shutil.copy(FIXTURE / "ledger.db", path)
    runner = LedgerCli(str(path))
    runner("db", "upgrade", as_=None)
    return runner


@contextmanager
def empty_pg(server_url: str) -> Iterator[str]:
    """A URL for a fresh, empty PostgreSQL schema, dropped afterwards."""
    url, schema = _pg_schema_url(server_url)
    try:
        yield url
    finally:
        _drop_schema(server_url, schema)


def _exact(value: Any) -> Any:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, float):
        return ("float", value.hex())
    if isinstance(value, memoryview):
        return ("bytes", bytes(value))
    return (type(value).__name__, value)


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every ledger table, in primary-key order, typed exactly."""
    engine = create_engine(sa_url(url))
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(map(_exact, row)) for row in conn.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in TABLES}
    finally:
        engine.dispose()


def table_names(url: str) -> list[str]:
    """The tables in the database (PostgreSQL: in the URL's schema); [] when a SQLite file is absent."""
    if "://" not in url and not Path(url).exists():
        return []
    from sqlalchemy import inspect

    engine = create_engine(sa_url(url))
    try:
        with engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def execute(url: str, *statements: str) -> None:
    """Run SQL statements in one transaction, behind the ledger's back."""
    engine = create_engine(sa_url(url))
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()
