"""More empty ledgers on the backend of the test's own (for round trips into an empty ledger)."""

from __future__ import annotations

from typing import Callable

import pytest

from tests.conftest import LedgerCli, _drop_schema, _pg_schema_url


@pytest.fixture
def fresh(db_url: str, tmp_path, request: pytest.FixtureRequest) -> Callable[[], LedgerCli]:
    """A factory of freshly initialised, empty ledgers on the same backend as `db_url`."""
    made: list[tuple[str, str]] = []
    server = request.getfixturevalue("pg_server_url") if db_url.startswith("postgresql") else None

    def make() -> LedgerCli:
        if server is None:
            runner = LedgerCli(str(tmp_path / f"fresh{len(made)}.db"))
            made.append(("", ""))
        else:
            url, schema = _pg_schema_url(server)
            made.append((server, schema))
            runner = LedgerCli(url)
        runner("init", as_=None)
        return runner

    yield make
    for server_url, schema in made:
        if schema:
            _drop_schema(server_url, schema)
