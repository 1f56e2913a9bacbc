"""Alembic environment for ledger.

`ledger init` / `ledger db` hand over an open connection in `config.attributes["connection"]`
(with SQLite foreign keys already switched off, since batch mode recreates tables). Run
directly, it connects to `sqlalchemy.url` from the config.
"""

from alembic import context
from sqlalchemy import create_engine

from ledger.store.schema import metadata

config = context.config


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
