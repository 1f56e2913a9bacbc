"""The ledger's domain rules as pure functions: they take values and return what is in force,
or the problems they find (never raising one at a time), so the command line, the importers
and scenario files share one definition of each rule."""

from __future__ import annotations

from typing import Iterable, Protocol


class _Dated(Protocol):
    opens_at: int | None
    closes_at: int | None
    resolves_by: int | None


def dates_in_force(opens_at: int, closes_at: int, resolves_by: int,
                   amendments: Iterable[_Dated]) -> tuple[int, int, int]:
    """The (opens_at, closes_at, resolves_by) in force: each the latest amendment's that sets it,
    else the value first recorded. `amendments` in recording order."""
    for a in amendments:
        if a.opens_at is not None:
            opens_at = a.opens_at
        if a.closes_at is not None:
            closes_at = a.closes_at
        if a.resolves_by is not None:
            resolves_by = a.resolves_by
    return opens_at, closes_at, resolves_by
