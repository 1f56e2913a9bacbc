"""Schema migrations through Alembic. Imported only by `ledger init` and `ledger db`.

The migration scripts live in the repository's top-level `migrations/` and are shipped inside
the wheel as `ledger/migrations`, so a non-editable install can create and upgrade ledgers.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from ledger.core.errors import LedgerError
from ledger.store.engine import make_folder, read_revision, sqlite_path, translated
from ledger.store.ledger import Ledger


def migrations_dir() -> Path:
    """Where the Alembic scripts are: inside the installed package, or beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "migrations", package.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise LedgerError(f"the migration scripts are missing (looked in {package} and beside it)")


def _config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    """The newest revision in `migrations/`."""
    return ScriptDirectory.from_config(_config()).get_current_head()


@contextmanager
def _migrating(ledger: Ledger) -> Iterator[Connection]:
    """A connection for Alembic: SQLite foreign keys off before Alembic's transaction starts."""
    path = sqlite_path(ledger.url)
    if path is not None:
        make_folder(path)
    with translated(ledger.url), ledger.engine.connect() as conn:
        conn.execution_options(ledger_write=True)
        sqlite = ledger.engine.dialect.name == "sqlite"
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            yield conn
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def _run(ledger: Ledger, step, revision: str) -> str | None:  # noqa: ANN001 - an alembic command
    try:
        with _migrating(ledger) as conn:
            step(_config(conn), revision)
    except CommandError as exc:
        raise LedgerError(f"cannot migrate {ledger.display_url} to {revision!r}: {exc}") from None
    return ledger.revision()


def upgrade(ledger: Ledger, revision: str = "head") -> str | None:
    """Create or upgrade the schema; returns the revision now in force."""
    return _run(ledger, command.upgrade, revision)


def upgrade_within(conn: Connection, revision: str) -> None:
    """Create the schema at `revision` on a connection already inside the caller's transaction
    (Alembic then adds no transaction of its own), so that it lands or vanishes with the rest of
    that transaction: `ledger copy` builds its destination this way."""
    try:
        command.upgrade(_config(conn), revision)
    except CommandError as exc:
        raise LedgerError(f"cannot create the schema at revision {revision!r}: {exc}") from None


def downgrade(ledger: Ledger, revision: str) -> str | None:
    """Step the schema back to `revision` (`base` drops every table)."""
    return _run(ledger, command.downgrade, revision)


def current(ledger: Ledger) -> str | None:
    """The revision recorded in the database."""
    with ledger.reading() as conn:
        return read_revision(conn)
