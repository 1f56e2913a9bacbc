"""Moving a whole ledger with its proof: copy (into another database), backup (a SQLite file)."""

from __future__ import annotations

from pathlib import Path

import click

from ledger.cli.context import Env, emit_json, json_option, note, pass_env, progress_bar
from ledger.cli.output import shown


@click.command(name="copy")
@click.argument("dest_url", metavar="DEST_URL")
@click.option("--no-verify", is_flag=True, help="Skip the full verify of the copy (heads and counts are still compared).")
@json_option
@pass_env
def copy_(env: Env, dest_url: str, no_verify: bool, as_json: bool) -> None:
    """Copy the whole ledger, journal included, into the empty database DEST_URL.

    SQLite to PostgreSQL, back, or SQLite to SQLite: every row keeps its id, the journal its
    entries and hashes, so every head quoted from this ledger still verifies on the copy. The
    source is read in one snapshot while others write; the destination is written in one
    transaction and verified before it commits, so a failed copy leaves it empty.

    \b
    Examples:
      ledger copy postgresql+psycopg://ed@db.example.org:5432/ledger
      ledger --db postgresql+psycopg://ed@db.example.org/ledger copy archive-2026.db
    """
    from ledger.store.copy import copy_ledger

    report = copy_ledger(env.ledger(), dest_url, verify=not no_verify, progress=progress_bar)
    head = {"seq": report.head.seq, "hash": report.head.hash}
    if as_json:
        emit_json({"source": report.source, "destination": report.destination, "revision": report.revision,
                   "rows": report.rows, "head": head, "verified": report.verified is not None})
        return
    click.echo(f"copied {shown(report.source)} to {shown(report.destination)} (schema {report.revision})")
    click.echo("rows      " + " · ".join(f"{name} {n}" for name, n in report.rows.items()))
    click.echo(f"head      {report.head}  (the same on both)")
    _verified(report.verified, report.head, "copy", report.destination)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists (only once the new backup is complete and verified).")
@click.option("--no-verify", is_flag=True, help="Skip the full verify of the backup.")
@json_option
@pass_env
def backup(env: Env, file: Path, force: bool, no_verify: bool, as_json: bool) -> None:
    """Back up a SQLite ledger into FILE, consistently, while others write.

    Uses SQLite's online backup API on one snapshot, writes a temporary file beside FILE,
    verifies it and only then renames it into place. A PostgreSQL ledger is backed up with
    pg_dump (the error says how) or copied with `ledger copy`.

    \b
    Examples:
      ledger backup backups/ledger-2026-11-27.db
      ledger backup latest.db --force
    """
    from ledger.store.backup import backup_ledger

    report = backup_ledger(env.ledger(), file, force=force, verify=not no_verify, progress=progress_bar)
    head = {"seq": report.head.seq, "hash": report.head.hash}
    if as_json:
        emit_json({"source": report.source, "file": str(report.file), "pages": report.pages, "head": head,
                   "verified": report.verified is not None})
        return
    click.echo(f"backed up {shown(report.source)} to {shown(report.file)} ({report.pages} pages)")
    click.echo(f"head      {report.head}")
    _verified(report.verified, report.head, "backup", str(report.file))


def _verified(entries: int | None, head, what: str, where: str) -> None:  # noqa: ANN001 - a Head
    if entries is None:
        note(f"the {what} was not verified (--no-verify): run `ledger --db {where} verify --head {head}`")
    else:
        click.echo(f"ok: {entries} entries, head {head} (the {what} verifies)")
