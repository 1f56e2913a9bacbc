"""`ledger scenario draft`: an article's forward-looking statements as a draft scenario file."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import click

from ledger.cli.params import Day
from ledger.core.errors import BadInput, LedgerError


@click.command("draft")
@click.argument("article", metavar="ARTICLE.txt", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.yaml",
              help="Write the draft here instead of stdout (refused if the file exists, unless --force).")
@click.option("--force", is_flag=True, help="With --out: replace an existing file.")
@click.option("--slug", help="The scenario's slug [default: from the title].")
@click.option("--title", help="The scenario's title [default: the article's headline].")
@click.option("--publisher", help="The source's publisher.")
@click.option("--url", help="The source's address.")
@click.option("--published", type=Day(), help="The article's date [default: a date line in the text, if any].")
def scenario_draft(article: Path, out: Path | None, force: bool, slug: str | None, title: str | None,
                   publisher: str | None, url: str | None, published: str | None) -> None:
    """Draft a scenario file from ARTICLE.txt: one question per forward-looking claim.

    Finds expectations, "will"/"could"/"likely"-style statements, doubt about outcomes and FAQ
    questions about the future; skips facts, background and calls to action. Each draft has a
    quote, a suggested "Will …?" title, a prior from the article's own words (ICD 203 terms), a
    suggested closing date and criteria starting with TODO: `scenario import` refuses the file
    until an analyst has written real criteria. The same article and options give the same
    bytes. With --out the file is written whole (a temporary file, then renamed) and an existing
    file is kept unless --force. A summary goes to stderr.

    \b
    Example:
      ledger scenario draft article.txt --slug sahel-2026 --publisher "Sahel Monitor" \\
          --published 2026-11-20 --out sahel-2026.yaml
    """
    from ledger.core.timeutil import from_us
    from ledger.core.validate import slug as check_slug
    from ledger.io.drafting import draft_scenario, render_yaml
    from ledger.store.clock import SystemClock

    if slug is not None:
        check_slug(slug, what="--slug", need_letter=True)
    if out is not None and out.exists() and not force:
        raise BadInput(f"--out {out}: the file exists; add --force to replace it")
    text = _read_text(article)
    today = from_us(SystemClock().now()).date()  # the one clock (SPEC 3); used only without a published date
    drafted = draft_scenario(text, today=today, slug=slug, title=title, publisher=publisher, url=url,
                             published=date.fromisoformat(published) if published else None)
    body = render_yaml(drafted)
    if out is None:
        click.echo(body, nl=False)
    else:
        _write_whole(out, body)
    where = f"; wrote {out}" if out is not None else ""
    click.echo(f"{article.name}: {drafted.units} sentences read, {len(drafted.questions)} drafts{where}", err=True)


def _read_text(path: Path) -> str:
    """The article as text; a clear error for bytes that are not UTF-8 or a file that cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInput(f"{path}: line {line}: not UTF-8 text (byte {exc.start}, 0x{data[exc.start]:02x})") from None


def _write_whole(out: Path, body: str) -> None:
    """Write `body` to a temporary file beside `out`, then rename it over `out`: a reader never
    sees half a file, and a failed write leaves `out` as it was."""
    directory = out.parent if str(out.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise LedgerError(f"--out {out}: cannot write there ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(body)
        os.replace(temp, out)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise LedgerError(f"--out {out}: cannot write it ({exc.strerror or exc})") from None
