"""The report's figures as SVG bytes, drawn from the report object alone (`ledger.reports.plots`):
the calibration and discrimination diagrams, and each scenario's timelines. Same report, same bytes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ledger.reports.report import Discrimination, Report

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
        drawn["discrimination"] = svg(discrimination_figure(report.discrimination))
    for s, section in enumerate(report.scenarios):
        for k, timeline in enumerate(section.timelines):
            drawn[timeline_name(s, k)] = svg(plots.timeline_figure(timeline))
    return drawn


def discrimination_figure(d: Discrimination, *, subject: str = "all analysts") -> "Figure":
    """`plots.discrimination_figure` drawn from the section's histogram instead of every pair:
    the same figure, in the time of twenty bins rather than of a million pairs.

    Its ten bins of 10% are the histogram's bins in pairs: numpy bins a value by comparing it
    with the edges k/10, which are the floats 2k/20; the means and the rate are the section's,
    computed as the figure computes them."""
    from ledger.reports import plots

    with plots._style():
        figure = plots._figure(4.6)
        axes = figure.subplots(2, 1, sharex=True, sharey=True)
        edges = [i / 10 for i in range(11)]
        sides = ((axes[0], True, plots.BLUE, "resolved yes", d.yes_n, d.yes_mean),
                 (axes[1], False, plots.VERMILLION, "resolved no", d.no_n, d.no_mean))
        for ax, happened, colour, name, n, mean in sides:
            counts = [b.yes if happened else b.no for b in d.histogram]
            # one weighted value at each bar's left edge: the bars numpy's histogram of the pairs gives
            ax.hist(edges[:-1], bins=edges, weights=[counts[2 * j] + counts[2 * j + 1] for j in range(10)],
                    color=colour, alpha=0.8, edgecolor="white", linewidth=0.8,
                    label=f"{name} ({plots._plural(n, 'forecast')})")
            if n:
                ax.axvline(mean, color=plots.BLACK, linestyle="--", linewidth=1.4, label=f"mean {mean:.0%}")
            ax.axvline(0.5, color=plots.GREY, linewidth=1, linestyle=":", label="maybe (50%)")
            ax.set_ylabel("forecasts")
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.grid(axis="x", visible=False)
            plots._outside_legend(ax)
        axes[1].set_xlim(0, 1)
        axes[1].set_xlabel("final forecast of yes")
        plots._percent_axis(axes[1].xaxis)
        if d.right_side_of_maybe is None:
            summary = "no resolved yes/no questions"
        else:
            summary = f"right side of maybe: {d.right_side_of_maybe:.0%} of {plots._plural(d.n, 'forecast')}"
        plots._titles(figure, axes[0], f"Discrimination: {subject}", summary)
    return figure
