"""Import and export (SPEC 7)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

import click

from ledger.cli.context import Env, no_cyclic_gc, note, pass_env, progress_bar
from ledger.core.errors import BadInput, LedgerError

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


def _fingerprint(path: Path) -> tuple[str, int, bool]:
    """SHA-256 of the file, its number of lines, and whether it holds a carriage return that
    does not start a CRLF (the CSV reader then reads it whole), in one streaming pass."""
    import hashlib

    from ledger.io.csv_import import LoneCr

    digest = hashlib.sha256()
    lines = 0
    lone_cr = LoneCr()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            lines += block.count(b"\n")
            lone_cr.feed(block)
    return digest.hexdigest(), lines, lone_cr.end()


def _first_bad_utf8(path: Path) -> str:
    """Where a file stops being UTF-8: line and byte offset (the decoder only knows its buffer)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"line {line}: not UTF-8 text (byte {exc.start} of the file, 0x{data[exc.start]:02x})"
    return "not UTF-8 text"


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), help="Default: from the file's extension.")
@click.option("--scenario", metavar="SLUG", help="Put the imported questions in this scenario.")
@click.option("--check", is_flag=True, help="Validate only: list every problem and what would be added; write nothing.")
@pass_env
def import_(env: Env, file: Path, fmt: str | None, scenario: str | None, check: bool) -> None:
    """Import history from FILE, all or nothing (editors only).

    Every problem is listed with its line number and nothing is written; a file imported before
    (same SHA-256) adds nothing; rows identical to forecasts already in the ledger are skipped.
    `--check` runs the whole import and rolls it back: the same problems, the same counts.

    \b
    Examples:
      ledger import history.csv --scenario sahel-2026
      ledger import backup.jsonl --check
    """
    from ledger.store.bulk import already_imported, apply_plan

    fmt = fmt or FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise BadInput(f"{file}: cannot tell the format from the extension; add --format jsonl or --format csv")
    ledger = env.ledger()
    ledger.check_editor(env.actor, "import (imports carry resolutions)")
    sha, lines, lone_cr = _fingerprint(file)
    if already_imported(ledger, sha):
        click.echo(f"already imported: {file.name} (sha256 {sha[:12]}…); nothing {'would be ' if check else ''}added")
        return
    try:
        with no_cyclic_gc():  # millions of objects, none in a cycle
            with progress_bar(lines, f"reading {file.name}") as bar:
                if fmt == "csv":
                    from ledger.io.csv_import import read_csv_file

                    plan = read_csv_file(file, file.name, scenario=scenario, progress=bar.update, lone_cr=lone_cr)
                else:
                    from ledger.io.jsonl import read_jsonl

                    with file.open(encoding="utf-8", newline="") as stream:
                        plan = read_jsonl(stream, file.name, scenario=scenario, progress=bar.update)
            with progress_bar(len(plan.forecasts), "writing") as bar:
                result = apply_plan(ledger, env.actor, plan, source=file.name, sha256=sha, fmt=fmt,
                                    progress=bar.update, check=check)
    except UnicodeDecodeError:
        raise BadInput(f"{file.name}: {_first_bad_utf8(file)}; nothing imported") from None
    if result.already:
        click.echo(f"already imported: {file.name} (sha256 {sha[:12]}…); nothing {'would be ' if check else ''}added")
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items() if n) or "nothing new"
    if result.skipped:
        counts += f"; skipped {result.skipped} rows already in the ledger"
    if check:
        click.echo(f"checked {file.name}: would import {counts}; nothing written")
    else:
        click.echo(f"imported {file.name}: {counts}; head {result.head}")
    for warning in result.warnings:
        note(f"warning: {warning}")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_env
def export(env: Env, fmt: str, out: Path | None) -> None:
    """Export the whole ledger (jsonl: everything; csv: one row per yes/no forecast).

    \b
    Examples:
      ledger export --out backup.jsonl
      ledger export --format csv --out forecasts.csv
    """
    ledger = env.ledger()
    try:
        with no_cyclic_gc():  # a snapshot of every question and resolution: no cycles, 7% of the time
            _export(ledger, fmt, out)
    except OSError as exc:
        raise LedgerError(f"cannot write {out or 'the export'}: {exc.strerror or exc}") from None


@contextmanager
def write_target(out: Path | None) -> Iterator[TextIO]:
    """Where an export goes. A regular file (or a new one) is written as a temporary file beside
    it and renamed into place only when complete, so a failure never leaves half a file; stdout
    and targets that are not regular files (a pipe, /dev/stdout, /dev/null) are written directly."""
    if out is None:
        yield sys.stdout
        return
    if out.exists() and not out.is_file():
        with out.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    import os
    import tempfile

    fd, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent if str(out.parent) else ".")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, out.stat().st_mode & 0o7777 if out.exists() else 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _export(ledger, fmt: str, out: Path | None) -> None:  # noqa: ANN001 - a Ledger
    from ledger.store.export import Snapshot

    with write_target(out) as stream, ledger.reading() as conn:
        snapshot = Snapshot(ledger, conn)
        if fmt == "jsonl":
            from ledger.io.jsonl import export_lines, write_jsonl

            n = write_jsonl(export_lines(snapshot), stream)
        else:
            from ledger.io.csv_export import write_csv

            n, skipped = write_csv(snapshot, stream)
            if skipped:
                note(f"warning: {skipped} forecast(s) on choice questions are not expressible in csv; use jsonl")
    if out:
        note(f"wrote {n} {'lines' if fmt == 'jsonl' else 'rows'} to {out}")
