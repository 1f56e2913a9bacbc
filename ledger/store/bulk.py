"""Writing an `ImportPlan` in one transaction (`apply_plan`), or checking it and rolling back.

One journal entry covers the import: for each table it records the id range, the row count and a
SHA-256 per block of rows, computed column by column, which `verify` recomputes from the table.
The rows themselves go in through `ledger.store.batches`; the checks against the ledger and the
writes are `ledger.store.plan_writer`; reading the ledger back for export is `ledger.store.export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select

from ledger.core.bulk import ImportPlan, at_import_time
from ledger.core.errors import BadInput
from ledger.store import schema as s
from ledger.store.ledger import Ledger
from ledger.store.plan_writer import PlanWriter

@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes:
        already: True when a file with the same SHA-256 was imported before (nothing added).
        counts: rows added per kind.
        warnings: odd but valid data that was imported.
        head: journal head after the import, as `SEQ:HASH` (for a check: the head it would have).
        skipped: rows identical to forecasts already in the ledger, left out (SPEC 7).
        checked: True for `--check`: nothing was written.
    """

    already: bool
    counts: dict[str, int]
    warnings: tuple[str, ...]
    head: str
    skipped: int = 0
    checked: bool = False


class _CheckOnly(Exception):
    """Raised inside the write transaction of a `--check` to roll it back, carrying the result."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("check only")
        self.result = result


def already_imported(ledger: Ledger, sha256: str) -> bool:
    """True when a file with this SHA-256 was imported before."""
    with ledger.reading() as conn:
        return conn.execute(select(s.imports.c.id).where(s.imports.c.sha256 == sha256)).first() is not None


def apply_plan(
    ledger: Ledger,
    actor: str,
    plan: ImportPlan,
    *,
    source: str,
    sha256: str,
    fmt: str,
    progress: Callable[[int], None] | None = None,
    check: bool = False,
    editors_only: bool = True,
) -> ImportResult:
    """Check `plan` against the ledger and write all of it in one journaled transaction.

    With `check`, the very same write path runs (every check, every insert, the journal entry)
    and the transaction is then rolled back: what a check reports is exactly what the import
    would do or refuse. It holds the write lock for as long as the import would.

    Instants the file left to the import (a scenario question without `opens`, and its prior)
    take the write's own time (`at_import_time`).

    Args:
        editors_only: False for a scenario file (SPEC 9), which any active analyst may import:
            it carries no resolutions.

    Raises:
        ImportRefused: problems that need the ledger to see (a question that disagrees with the
            ledger, an unknown scenario or question, a forecast before its question opens), by line.
        NotAllowed: the actor is not an editor (with `editors_only`), or may not write at all.
    """
    if not (plan.analysts or plan.scenarios or plan.questions or plan.evidence or len(plan.forecasts)
            or plan.resolutions or plan.amendments):
        raise BadInput(f"{source} holds nothing to import")
    # An importer the file declares is registered (on an empty ledger) as the file describes it.
    declared = next((a for a in plan.analysts if a.handle == actor), None)
    register_as = (declared.name, declared.role) if declared is not None else None
    try:
        with ledger.writing(actor, register_as=register_as) as tx:
            if editors_only:
                tx.require_editor("import (imports carry resolutions)")
            if tx.conn.execute(select(s.imports.c.id).where(s.imports.c.sha256 == sha256)).first() is not None:
                return ImportResult(True, {}, (), str(ledger.head(tx.conn)), checked=check)
            if not ledger.is_postgres:  # room for the indexes being built, instead of the default 2 MB
                tx.conn.exec_driver_sql("PRAGMA cache_size = -262144")
            plan, late = at_import_time(plan, tx.now)
            writer = PlanWriter(tx, plan, source, ledger.is_postgres, progress, check)
            writer.problems.extend(late)
            counts, batches, digesters = writer.write()
            imported = tx.journal.insert(
                s.imports, sha256=sha256, filename=source, format=fmt, imported_at=tx.now,
                analyst_id=tx.actor.id, rows=len(plan.forecasts),
            )
            head = tx.journal.append("import", file=source, sha256=sha256, format=fmt, counts=counts,
                                     batches=batches, import_id=imported["id"])
            for digester in digesters:
                digester.save_locators(tx.conn, head.seq)
            result = ImportResult(False, counts, tuple(plan.warnings), str(head), writer.skipped, check)
            if check:
                raise _CheckOnly(result)  # rolls the transaction back
    except _CheckOnly as done:
        return done.result
    return result
