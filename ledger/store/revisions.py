"""The schema revisions this code knows, apart from the schema itself (which needs SQLAlchemy), so
that a read made without SQLAlchemy (`ledger.store.plain`) can check them."""

#: The Alembic revision this code expects; a test keeps it equal to the head of `migrations/`.
SCHEMA_REVISION = "0002"
#: Every revision in `migrations/`, oldest first (kept in step by a test).
KNOWN_REVISIONS = ("0001", "0002")
