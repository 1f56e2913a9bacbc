"""The report's figures as SVG bytes, drawn from the report object alone (`ledger.reports.plots`):
the calibration and discrimination diagrams, and each scenario's timelines. Same report, same bytes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ledger.reports.report import Report

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def timeline_name(section: int, index: int) -> str:
    """The figure name of timeline `index` of scenario section `section` (both from 0)."""
    return f"timeline-{section + 1:02d}-{index + 1:02d}"


def figures(report: Report) -> dict[str, bytes]:
    """Name (`calibration`, `discrimination`, `timeline-SS-NN`) -> SVG; figures without data are left out."""
    from ledger.reports import plots

    def svg(figure) -> bytes:
        out = io.BytesIO()
        plots.save(figure, out, "svg")
        return out.getvalue()

    drawn: dict[str, bytes] = {}
    cal = report.calibration
    if cal.points:
        drawn["calibration"] = svg(plots.calibration_figure(cal.bins, cal.questions))
    if report.discrimination.n:
        drawn["discrimination"] = svg(plots.discrimination_figure(report.discrimination))
    for s, section in enumerate(report.scenarios):
        for k, timeline in enumerate(section.timelines):
            drawn[timeline_name(s, k)] = svg(plots.timeline_figure(timeline))
    return drawn
