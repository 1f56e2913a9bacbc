"""The report's figures as SVG bytes, drawn from the report object alone (`ledger.reports.plots`):
the calibration and discrimination diagrams, and each scenario's timelines. Same report, same bytes.

What they are drawn from is a `FigureJob`: plain data taken from the report, so that the drawing
can happen in another process (`ledger.reports.drawer`) while the page around them is rendered.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ledger.reports.data import Timeline
from ledger.reports.report import Discrimination, Report


def timeline_name(section: int, index: int) -> str:
    """The figure name of timeline `index` of scenario section `section` (both from 0)."""
    return f"timeline-{section + 1:02d}-{index + 1:02d}"


@dataclass(frozen=True)
class FigureJob:
    """What a report's figures are drawn from, in their order; figures without data are left out.

    Attributes:
        calibration: (bins, questions) of the calibration diagram, or None.
        discrimination: the discrimination diagram's data, or None.
        timelines: (name, timeline) of each scenario's timelines.
    """

    calibration: tuple[Any, int] | None
    discrimination: Discrimination | None
    timelines: tuple[tuple[str, Timeline], ...]

    @property
    def names(self) -> list[str]:
        """The names of the figures `draw` makes, in order."""
        return ((["calibration"] if self.calibration is not None else [])
                + (["discrimination"] if self.discrimination is not None else [])
                + [name for name, _ in self.timelines])


def job_of(report: Report) -> FigureJob:
    """The figures `report` shows, as the data they are drawn from."""
    return job_from(report.calibration, report.discrimination, report.scenarios)


def job_from(cal: Any, discrimination: Discrimination, scenarios: Any) -> FigureJob:
    """`job_of` from the report's calibration, discrimination and scenario sections alone: the
    builder hands the job over as soon as it has them, before building the rest."""
    return FigureJob((cal.bins, cal.questions) if cal.points else None,
                     discrimination if discrimination.n else None,
                     tuple((timeline_name(s, k), timeline) for s, section in enumerate(scenarios)
                           for k, timeline in enumerate(section.timelines)))


def draw(job: FigureJob) -> dict[str, bytes]:
    """Name (`calibration`, `discrimination`, `timeline-SS-NN`) -> SVG, in `job.names` order."""
    from ledger.reports import plots

    def svg(figure) -> bytes:
        out = io.BytesIO()
        plots.save(figure, out, "svg")
        return out.getvalue()

    drawn: dict[str, bytes] = {}
    if job.calibration is not None:
        drawn["calibration"] = svg(plots.calibration_figure(*job.calibration))
    if job.discrimination is not None:
        drawn["discrimination"] = svg(plots.discrimination_figure(job.discrimination))
    for name, timeline in job.timelines:
        drawn[name] = svg(plots.timeline_figure(timeline))
    return drawn

