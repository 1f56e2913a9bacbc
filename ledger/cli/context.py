"""What every command shares: the database target, the acting analyst, error handling."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

import click

from ledger.cli.output import json_text, shown
from ledger.core.errors import BadInput

if TYPE_CHECKING:  # pragma: no cover
    from ledger.store.ledger import Ledger


class Env:
    """Global options, resolved lazily so that `--help` never touches the database.

    Attributes:
        db: `--db` / `LEDGER_DB`, or None for the default SQLite file.
        as_handle: `--as` / `LEDGER_ANALYST`, or None for the OS login name.
    """

    def __init__(self, db: str | None, as_handle: str | None) -> None:
        self.db = db
        self.as_handle = as_handle
        self._ledger: "Ledger | None" = None

    @property
    def actor(self) -> str:
        """The acting analyst's handle."""
        if self.as_handle is not None:
            return self.as_handle
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):
            raise BadInput("cannot tell who you are: pass --as HANDLE or set LEDGER_ANALYST") from None

    def ledger(self) -> "Ledger":
        """The opened ledger (schema checked); imported and connected on first use."""
        if self._ledger is None:
            from ledger.store.ledger import open_ledger

            self._ledger = open_ledger(self.db, notify=note)
        return self._ledger

    def close(self) -> None:
        """Release the database connections."""
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None


pass_env = click.make_pass_decorator(Env)


def json_option(func: Callable) -> Callable:
    """`--json`: machine output on stdout, messages on stderr."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(func)


def emit_json(value: Any) -> None:
    """Print a JSON document on stdout."""
    click.echo(json_text(value))


def emit_json_groups(doc: dict[str, Any], groups: Any) -> None:
    """Print `doc` with a last key `groups`, a `GroupTable`, as `emit_json` would print
    `{**doc, "groups": [...]}`, the groups written piece by piece (never the whole text at once)."""
    from ledger.core.scoring.as_json import groups_json

    head = json_text({**doc, "groups": []})  # ends in `[]}`
    click.echo(head[:-3], nl=False)
    for piece in groups_json(groups, json_text):
        click.echo(piece, nl=False)
    click.echo("}")


def note(message: str) -> None:
    """A message for the person, on stderr (user text in it `shown`)."""
    click.echo(shown(message, block=True), err=True)


def fail(message: str, code: int) -> None:
    """Print `error: …` on stderr and exit with `code`."""
    click.echo(f"error: {shown(message, block=True)}", err=True)
    sys.exit(code)


class _Quiet:
    """A progress bar that shows nothing (stderr is not a terminal)."""

    def __enter__(self) -> "_Quiet":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        """Ignore progress."""


def progress_bar(length: int, label: str) -> Any:
    """A progress bar on stderr for long work, shown only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return _Quiet()
    return click.progressbar(length=max(length, 1), label=label, file=sys.stderr)


#: Objects left standing by a `no_cyclic_gc` block at which they are frozen rather than walked.
FREEZE_AFTER = 200_000


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Build a large structure without Python's cyclic collector. What a bulk load or a report
    builds holds no cycles to free, but the collector would scan it again and again as it grows:
    a 1M-row import took three times as long, a 1M-forecast report and export 7-12% longer. The
    collector is on again afterwards, if it was on before. What was built meanwhile and still
    stands is first moved out of the collector's sight (`gc.freeze`) when it is large: the first
    collection after `gc.enable` would otherwise walk all of it once (0.3 s after a 1M-row import,
    and again at exit). Objects there are still freed as soon as nothing refers to them."""
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if gc.get_count()[0] >= FREEZE_AFTER:
                gc.freeze()
            gc.enable()
