"""Schema and integrity: init, info, db, verify."""

from __future__ import annotations

from typing import Any

import click

from ledger.cli.context import Env, emit_json, json_option, note, pass_env, progress_bar
from ledger.cli.output import shown
from ledger.cli.params import JournalHead
from ledger.core.model import Head


@click.command()
@pass_env
def init(env: Env) -> None:
    """Create the ledger, or upgrade its schema to this version.

    Registers no one: the first analyst to write becomes the ledger's editor.

    \b
    Example:
      ledger --db team.db init
    """
    ledger, before, after = _upgrade(env, "head")
    where = shown(ledger.display_url)
    if before is None:
        click.echo(f"created ledger at {where} (schema {after})")
    elif before != after:
        click.echo(f"upgraded ledger at {where} from schema {before} to {after}")
    else:
        click.echo(f"ledger at {where} is up to date (schema {after})")


def _upgrade(env: Env, revision: str):
    """Create the SQLite file's folder if needed, then migrate; returns (ledger, before, after)."""
    from ledger.store import migrate
    from ledger.store.engine import make_folder, sqlite_path
    from ledger.store.ledger import Ledger

    ledger = Ledger(env.db)
    try:
        path = sqlite_path(ledger.url)
        if path is not None:
            make_folder(path)
        before = ledger.revision()
        after = migrate.upgrade(ledger, revision)
    finally:
        ledger.close()
    return ledger, before, after


def _existing(env: Env):
    """The ledger database without the schema check, refusing a SQLite file that does not exist."""
    from ledger.core.errors import NotInitialised
    from ledger.store.engine import sqlite_path
    from ledger.store.ledger import Ledger

    ledger = Ledger(env.db)
    path = sqlite_path(ledger.url)
    if path is not None and not path.exists():
        ledger.close()
        raise NotInitialised(f"no ledger at {path}; create one with `ledger init`")
    return ledger


@click.command()
@json_option
@pass_env
def info(env: Env, as_json: bool) -> None:
    """Where the ledger is, its schema revision, counts and journal head.

    \b
    Example:
      ledger info --json
    """
    ledger = env.ledger()
    overview = ledger.overview()
    revision, counts, head = overview
    if as_json:
        emit_json({"url": ledger.display_url, "revision": revision, "counts": counts,
                   "head": {"seq": head.seq, "hash": head.hash}, "demo": overview.demo})
        return
    default = "" if env.db else " (the default, in your data directory; --db or LEDGER_DB for another)"
    demo = "  (a demo, built on a simulated clock)" if overview.demo else ""
    click.echo(f"ledger    {shown(ledger.display_url)}{default}{demo}")
    click.echo(f"schema    {revision} (current)")
    click.echo("counts    " + " · ".join(f"{k} {v}" for k, v in counts.items()))
    click.echo(f"head      {head.seq}:{head.hash}")


@click.group()
def db() -> None:
    """Schema revisions: upgrade, downgrade, current.

    \b
    Example:
      ledger db current
      ledger db upgrade
    """


@db.command()
@click.argument("revision", default="head")
@pass_env
def upgrade(env: Env, revision: str) -> None:
    """Upgrade the schema (to the newest revision by default).

    \b
    Example:
      ledger db upgrade
    """
    _, before, after = _upgrade(env, revision)
    click.echo(f"schema {before or 'none'} -> {after}")


@db.command()
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Confirm a downgrade that drops recorded history.")
@pass_env
def downgrade(env: Env, revision: str, yes: bool) -> None:
    """Step the schema back to REVISION (`base` removes every table).

    \b
    Example:
      ledger db downgrade base --yes
    """
    from ledger.core.errors import Refused
    from ledger.store import migrate

    ledger = _existing(env)
    try:
        before = ledger.revision()
        if revision == "base" and before is not None and not yes and ledger.head().seq > 0:
            raise Refused("downgrading to base deletes every recorded forecast; add --yes if you mean it")
        after = migrate.downgrade(ledger, revision)
    finally:
        ledger.close()
    click.echo(f"schema {before or 'none'} -> {after or 'none'}")


@db.command()
@pass_env
def current(env: Env) -> None:
    """Print the schema revision in force.

    \b
    Example:
      ledger db current
    """
    from ledger.store.revisions import SCHEMA_REVISION

    ledger = _existing(env)
    try:
        revision = ledger.revision()
    finally:
        ledger.close()
    state = "current" if revision == SCHEMA_REVISION else f"this ledger version needs {SCHEMA_REVISION}"
    click.echo(f"{revision or 'none'} ({state})")


@click.command()
@click.option("--head", "quoted", type=JournalHead(), help="Also prove entry SEQ still has this hash.")
@json_option
@pass_env
def verify(env: Env, quoted: Head | None, as_json: bool) -> None:
    """Re-check the journal's hash chain and every row against it.

    Prints `ok: N entries, head SEQ:HASH` and exits 0 when intact; exits 1 naming the first bad
    entry or row.

    \b
    Examples:
      ledger verify
      ledger verify --head 120:5f0c...e9 --json
    """
    from ledger.core.errors import Tampered

    try:
        report = _verify_showing_progress(env, quoted)
    except Tampered as exc:
        if as_json:
            emit_json({"ok": False, "error": str(exc)})
        raise
    head = {"seq": report.head.seq, "hash": report.head.hash}
    if as_json:
        emit_json({"ok": True, "entries": report.entries, "head": head})
    else:
        click.echo(f"ok: {report.entries} entries, head {head['seq']}:{head['hash']}")
    extra = f"; entry {quoted.seq} matches the quoted head" if quoted else ""
    note(f"checked {report.rows} rows against the journal{extra}")


def _verify_showing_progress(env: Env, quoted: Head | None) -> Any:
    """The store's verify report, with a progress bar sized once the work is counted."""
    bar = None

    def start(total: int) -> None:
        nonlocal bar
        bar = progress_bar(total, "verifying").__enter__()

    try:
        return env.ledger().verify(quoted, progress=lambda n: bar.update(n), on_start=start)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
