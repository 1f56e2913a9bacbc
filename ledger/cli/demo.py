"""`ledger demo`: the whole product on the bundled scenario, in a few seconds."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT = Path("reports") / "demo"


@click.command()
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT,
              show_default=True, help="The folder for ledger.db and report.html (an earlier demo there is replaced).")
def demo(folder: Path) -> None:
    """Build a demo ledger from the bundled Sahel scenario and write its report.

    Imports the bundled scenario (the article's own priors as its source's forecasts), then
    simulates fourteen months after the article on a simulated clock: three analysts forecasting
    with rationales and evidence, an editor's clarification, a withdrawn typo, a few questions
    resolved with outcomes labelled as simulated. Every write is journaled; the ledger verifies,
    is marked as a demo, and takes no real writes. The same run gives the same ledger and report.

    \b
    Examples:
      ledger demo
      ledger demo --out /tmp/sahel-demo
    """
    from ledger.cli.context import progress_bar
    from ledger.demo import build_demo, describe

    bar = None

    def start(total: int) -> None:
        nonlocal bar
        bar = progress_bar(total, "simulating").__enter__()

    try:
        built = build_demo(folder, progress=lambda n: bar.update(n), on_start=start)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for line in describe(built):
        click.echo(line)
