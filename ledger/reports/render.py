"""Renderers, chosen from a table (STYLE 6): each turns a `Report` into files. An unknown format
is bad input (exit 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable

from ledger.core.errors import BadInput
from ledger.reports.report import Report

if TYPE_CHECKING:  # pragma: no cover
    from ledger.reports.drawer import Drawer


def _html(report: Report, drawer: "Drawer | None" = None) -> bytes:
    from ledger.reports.html import render_html

    return render_html(report, drawer)


def _md(report: Report, drawer: "Drawer | None" = None) -> dict[str, bytes]:
    from ledger.reports.markdown import render_markdown

    return render_markdown(report, drawer)


def _json(report: Report, drawer: "Drawer | None" = None) -> bytes:
    return (json.dumps(report.to_json(), ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


#: format -> renderer: bytes for a one-file format, {name: bytes} for a folder (md); figures are
#: drawn by the drawer given (`ledger.reports.drawer`), in-process without one.
RENDERERS: dict[str, Callable[..., bytes | dict[str, bytes]]] = {"html": _html, "md": _md, "json": _json}


def renderer(fmt: str) -> Callable[..., bytes | dict[str, bytes]]:
    """The renderer of `fmt`, or BadInput naming the formats there are."""
    try:
        return RENDERERS[fmt]
    except KeyError:
        raise BadInput(f"unknown report format {fmt!r}: use one of {', '.join(RENDERERS)}") from None


def default_path(report: Report, fmt: str, folder: Path = Path("reports")) -> Path:
    """`reports/report-2026-11.html`; for md the folder `reports/report-2026-11` (report.md inside)."""
    label = report.period.label.replace("..", "--").lstrip("-")
    if report.scenario:
        label += f"-{report.scenario}"
    label = re.sub(r"[^A-Za-z0-9._-]", "_", label)
    name = f"report-{label}"
    return folder / name if fmt == "md" else folder / f"{name}.{fmt}"


def write(report: Report, fmt: str, out: Path | None, stdout: BinaryIO | None = None,
          drawer: "Drawer | None" = None) -> Path | None:
    """Render and write the report; returns the file written (md: its `report.md`), or None
    when `out` is `-` and a one-file format went to `stdout`."""
    rendered = renderer(fmt)(report, drawer)
    target = out if out is not None else default_path(report, fmt)
    if str(target) == "-":
        if isinstance(rendered, dict):
            raise BadInput("--out -: the md format writes a folder (report.md and its figures); give a folder")
        stdout.write(rendered)
        return None
    if isinstance(rendered, dict):
        target.mkdir(parents=True, exist_ok=True)
        for name, data in rendered.items():
            (target / name).write_bytes(data)
        return target / "report.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(rendered)
    return target
