"""The SPEC 8 figures, drawn from plain data (`ledger.reports.data`): calibration,
discrimination, a question's timeline, and scores over time.

matplotlib is imported inside the functions (it must stay out of `ledger --help`), on the Agg
canvas and the `Figure` API: no pyplot, so no global figure state. Colours are Okabe–Ito
(colour-blind safe); legends sit outside the axes so they never cover data. User text (titles,
handles, option names) is drawn as written: never read as mathtext. `save` writes PNG or
SVG by extension; SVG output is byte-for-byte repeatable (fixed hash salt, so fixed ids, and no
date in the metadata).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterator, Sequence

from ledger.core.errors import BadInput
from ledger.core.timeutil import from_us
from ledger.reports.data import SOURCE, TEAM, ScoreHistory, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ledger.core.scoring.types import Bin
    from ledger.reports.report import Discrimination

#: Okabe & Ito (2008), "Color Universal Design".
BLACK, ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Colours for people and sources, in order (yellow last: it is faint on white).
CYCLE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY_BLUE, YELLOW)
GREY = "#777777"
STANCE_STYLE = {"+": ("$+$", GREEN, "evidence + (raises)"), "-": ("$-$", VERMILLION, "evidence − (lowers)"),
                "~": ("|", GREY, "evidence ~ (context)")}
FORMATS = ("png", "svg")

#: Report size: a figure this wide reads at 100% in a report column and on a phone.
WIDTH = 7.5
_STYLE = {
    "font.size": 9,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "svg.hashsalt": "ledger",  # SVG ids come from this salt and the content: fixed ids
    "svg.fonttype": "path",  # glyphs as paths: no font needed to view the file
}


@contextlib.contextmanager
def _style() -> Iterator[None]:
    """The house style for the figure being built or saved (a scoped rc, not global state)."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        yield


def prepare() -> None:
    """Import what drawing uses and load the font list, so that the first figure does not pay
    for it (`ledger.reports.drawer` calls this in its child while the report is read). Nothing
    is drawn: what is drawn afterwards is the same as without it."""
    import matplotlib.backends.backend_agg  # noqa: F401 - imported for what follows
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.dates  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.ticker  # noqa: F401
    import matplotlib.transforms  # noqa: F401
    from matplotlib import font_manager

    with _style():
        font_manager.findfont(font_manager.FontProperties())


def _figure(height: float) -> "Figure":
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import MultipleLocator, PercentFormatter

    axis.set_major_locator(MultipleLocator(0.1 if axis.axis_name == "x" else 0.2))
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _outside_legend(ax: Any, **kwargs: Any) -> Any:
    """A legend to the right of the axes, clear of the data."""
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs)
    for text in legend.get_texts():
        text.set_parse_math(False)  # handles and option names are user text: a `$` is a dollar
    return legend


def _titles(figure: "Figure", ax: Any, title: str, subtitle: str) -> None:
    """A bold headline across the figure and a plain line under it over the first axes."""
    figure.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold", parse_math=False)
    ax.set_title(subtitle, loc="left", fontsize=9, fontweight="normal", color="#333333", parse_math=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


#: The room a two-line bin label takes on the calibration axes, in data units (about 0.55 by
#: 0.22 inches at report size).
_LABEL_W, _LABEL_H = 0.11, 0.075


def _label_places(bins: Sequence["Bin"]) -> list[tuple[bool, float, float]]:
    """For each bin, where its "k of n" label goes: (above its Wilson bar, the label's x, the y of
    its edge nearest the bar). Tried in turn: just above, just below, a label's height further
    up or down, then a label's width to the right or left; the first place inside the axes and
    clear of the labels placed so far wins. If none is free: just above or below, on the side
    with more room."""
    placed: list[tuple[float, float, float]] = []  # (x, y_low, y_high) of each label's box
    out = []
    for b in bins:
        def box(above: bool, level: int) -> tuple[float, float]:
            lift = 0.01 + level * (_LABEL_H + 0.01)
            return ((b.ci_high + lift, b.ci_high + lift + _LABEL_H) if above
                    else (b.ci_low - lift - _LABEL_H, b.ci_low - lift))

        def free(x: float, low: float, high: float) -> bool:
            return (_LABEL_W / 2 <= x <= 1 - _LABEL_W / 2 or x == b.mean_p) and low >= -0.02 and high <= 1.02 \
                and not any(abs(x2 - x) < _LABEL_W and low < y1 and y0 < high for x2, y0, y1 in placed)

        tries = [(above, level, 0.0) for level in range(3) for above in (True, False)]
        tries += [(above, 0, dx) for dx in (_LABEL_W, -_LABEL_W) for above in (True, False)]
        fallback = ((1.0 - b.ci_high >= b.ci_low), 0, 0.0)
        above, level, dx = next((c for c in tries if free(b.mean_p + c[2], *box(c[0], c[1]))), fallback)
        low, high = box(above, level)
        placed.append((b.mean_p + dx, low, high))
        out.append((above, b.mean_p + dx, low if above else high))
    return out


def calibration_figure(bins: Sequence["Bin"], questions: int, *, subject: str = "all analysts") -> "Figure":
    """Reliability diagram: (mean_p, freq) per bin with 95% Wilson bars against the diagonal,
    "k of n happened" at each bin, and underneath a histogram of the forecasts per bin.

    Args:
        bins: the ten calibration bins (empty ones included, n = 0).
        questions: how many resolved questions the points come from.
        subject: whose forecasts these are, for the title.
    """
    with _style():
        figure = _figure(5.6)
        top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        filled = [b for b in bins if b.n]
        total = sum(b.n for b in bins)
        top.plot([0, 1], [0, 1], linestyle="--", color=GREY, linewidth=1, label="perfect calibration")
        if filled:
            x = [b.mean_p for b in filled]
            y = [b.freq for b in filled]
            # max(0, …): at freq 0 or 1 the Wilson bound can sit a rounding error beyond freq
            err = [[max(0.0, b.freq - b.ci_low) for b in filled], [max(0.0, b.ci_high - b.freq) for b in filled]]
            top.errorbar(x, y, yerr=err, fmt="o", color=BLUE, ecolor=BLUE, elinewidth=1.2, capsize=3,
                         markersize=5, label="observed frequency\n(95% Wilson interval)")
        for b, (above, x, edge) in zip(filled, _label_places(filled)):
            bar_end = b.ci_high if above else b.ci_low
            lifted = x != b.mean_p or abs(edge - bar_end) > 0.011  # moved clear of a neighbour: a leader line
            top.annotate(f"{round(b.freq * b.n)} of {b.n}\nhappened", (b.mean_p, bar_end), xytext=(x, edge),
                         textcoords="data", ha="center", va="bottom" if above else "top", fontsize=7,
                         color="#333333", linespacing=0.95,
                         arrowprops=dict(arrowstyle="-", color=GREY, linewidth=0.6) if lifted else None)
        top.set_xlim(0, 1)
        top.set_ylim(-0.02, 1.02)
        _percent_axis(top.yaxis)
        top.set_ylabel("how often it happened")
        _titles(figure, top, f"Calibration: {subject}",
                f"{_plural(total, 'forecast')} on {_plural(questions, 'resolved question')}; "
                "labels: how many of the bin's forecasts happened")
        _outside_legend(top)

        bottom.bar([b.lo for b in bins], [b.n for b in bins], width=[b.hi - b.lo for b in bins], align="edge",
                   color=SKY_BLUE, edgecolor="white", linewidth=0.8, label="forecasts per bin")
        bottom.set_ylabel("forecasts")
        bottom.set_xlabel("forecast probability")
        bottom.grid(axis="x", visible=False)
        _percent_axis(bottom.xaxis)
        bottom.yaxis.get_major_locator().set_params(integer=True, nbins=3)
        _outside_legend(bottom)
    return figure


def discrimination_figure(d: "Discrimination", *, subject: str = "all analysts") -> "Figure":
    """The final p_yes of the yes/no pairs, from the discrimination section's histogram (a
    million pairs are twenty bins): one panel of bars for questions that resolved yes, one for
    those that resolved no, each mean marked, and the right-side-of-maybe rate in the title.

    Its ten bars of 10% are the histogram's bins in pairs (`Discrimination.of` bins a value as
    numpy's histogram would, by comparing it with the edges)."""
    with _style():
        figure = _figure(4.6)
        axes = figure.subplots(2, 1, sharex=True, sharey=True)
        edges = [i / 10 for i in range(11)]
        sides = ((axes[0], True, BLUE, "resolved yes", d.yes_n, d.yes_mean),
                 (axes[1], False, VERMILLION, "resolved no", d.no_n, d.no_mean))
        for ax, happened, colour, name, n, mean in sides:
            counts = [b.yes if happened else b.no for b in d.histogram]
            # one weighted value at each bar's left edge: the bars numpy's histogram of the pairs gives
            ax.hist(edges[:-1], bins=edges, weights=[counts[2 * j] + counts[2 * j + 1] for j in range(10)],
                    color=colour, alpha=0.8, edgecolor="white", linewidth=0.8,
                    label=f"{name} ({_plural(n, 'forecast')})")
            if n:
                ax.axvline(mean, color=BLACK, linestyle="--", linewidth=1.4, label=f"mean {mean:.0%}")
            ax.axvline(0.5, color=GREY, linewidth=1, linestyle=":", label="maybe (50%)")
            ax.set_ylabel("forecasts")
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.grid(axis="x", visible=False)
            _outside_legend(ax)
        axes[1].set_xlim(0, 1)
        axes[1].set_xlabel("final forecast of yes")
        _percent_axis(axes[1].xaxis)
        if d.right_side_of_maybe is None:
            summary = "no resolved yes/no questions"
        else:
            summary = f"right side of maybe: {d.right_side_of_maybe:.0%} of {_plural(d.n, 'forecast')}"
        _titles(figure, axes[0], f"Discrimination: {subject}", summary)
    return figure


def _dates(instants: Sequence[int]) -> list:
    """Instants as naive UTC datetimes, which matplotlib places on a date axis."""
    return [from_us(us).replace(tzinfo=None) for us in instants]


def _date_axis(ax: Any) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _line_style(kind: str, index: int) -> dict[str, Any]:
    if kind == TEAM:
        return {"color": BLACK, "linewidth": 3.2, "zorder": 2}  # under the people, who may coincide with it
    style = {"color": CYCLE[index % len(CYCLE)], "linewidth": 1.6, "zorder": 3}
    if kind == SOURCE:
        style.update(linestyle="--", linewidth=1.8)
    return style


def timeline_figure(timeline: Timeline) -> "Figure":
    """A question's forecasts over time: a step line per forecaster (`@team` bold, a source's
    prior dashed), evidence ticks by stance, amendments, the close and known_at lines, and the
    outcome. A choice question gets one panel per option."""
    from matplotlib.transforms import blended_transform_factory

    panels = timeline.panels
    with _style():
        figure = _figure(1.6 + 1.25 * len(panels) if len(panels) > 1 else 3.8)
        right = max(timeline.until, timeline.known_at or timeline.until)
        if right < timeline.closes_at <= right + (right - timeline.opens_at) // 4:
            right = timeline.closes_at  # a close soon after the data is worth the room; a distant one is not
        close_label = f"closes {from_us(timeline.closes_at):%Y-%m-%d}"
        if timeline.closes_at > right:
            close_label += " (off the chart)"
        axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
        colour_index = 0
        colours: dict[str, int] = {}
        for line in timeline.lines:
            if line.kind != TEAM:
                colours[line.label] = colour_index
                colour_index += 1
        for k, (ax, option) in enumerate(zip(axes, panels)):
            for line in timeline.lines:
                steps = [s for s in line.steps if s.at < timeline.until]
                if not steps:
                    continue
                xs = _dates([s.at for s in steps] + [timeline.until])
                ys = [s.probs[k] for s in steps] + [steps[-1].probs[k]]
                label = f"{line.label} (source)" if line.kind == SOURCE else line.label
                ax.step(xs, ys, where="post", label=label, **_line_style(line.kind, colours.get(line.label, 0)))
            marks = blended_transform_factory(ax.transData, ax.transAxes)  # x a date, y a fraction
            for stance in ("+", "-", "~"):
                ticks = [e.at for e in timeline.evidence if e.stance == stance]
                if ticks:
                    marker, colour, name = STANCE_STYLE[stance]
                    ax.plot(_dates(ticks), [0.04] * len(ticks), linestyle="none", marker=marker, markersize=9,
                            color=colour, transform=marks, clip_on=False, label=name, zorder=5)
            for i, amendment in enumerate(sorted(timeline.amendments, key=lambda a: a.at)):
                ax.axvline(_dates([amendment.at])[0], color=PURPLE, linestyle=":", linewidth=1.4,
                           label="amended" if i == 0 else None)
            ax.axvline(_dates([timeline.closes_at])[0], color=GREY, linestyle="--", linewidth=1.2,
                       label=close_label)
            if timeline.known_at is not None:
                ax.axvline(_dates([timeline.known_at])[0], color=BLACK, linestyle="-", linewidth=1.0,
                           label=f"outcome known {from_us(timeline.known_at):%Y-%m-%d}")
                if timeline.outcome not in (None, "annulled"):
                    value = 1.0 if timeline.outcome == option else 0.0
                    ax.plot(_dates([timeline.known_at]), [value], linestyle="none", marker="*", markersize=13,
                            color=YELLOW, markeredgecolor=BLACK, clip_on=False, zorder=6,
                            label=f"outcome: {timeline.outcome}")
            ax.set_ylim(0, 1)
            _percent_axis(ax.yaxis)
            ax.set_ylabel(f"p({option})" if timeline.options else "probability of yes", parse_math=False)
            if k == 0:
                _outside_legend(ax)
        margin = (right - timeline.opens_at) // 40  # room for the lines drawn at the right edge
        axes[-1].set_xlim(*_dates([timeline.opens_at, right + margin]))
        _date_axis(axes[-1])
        axes[-1].set_xlabel("date (UTC)")
        if timeline.outcome is None:
            state = f"unresolved, as of {from_us(timeline.until):%Y-%m-%d}"
        elif timeline.outcome == "annulled":
            state = "annulled"
        else:
            state = f"outcome: {timeline.outcome}"
        _titles(figure, axes[0], timeline.title, f"{timeline.slug} · {state}")
    return figure


def scores_figure(histories: Sequence[ScoreHistory], *, window: int = 10) -> "Figure":
    """Each forecaster's rolling Brier score (the mean over its last `window` resolved
    questions) by time of resolution; `@team` bold, sources dashed, the 50%-every-time line."""
    with _style():
        figure = _figure(4.2)
        ax = figure.subplots()
        highest = 0.0
        colour = 0
        for history in histories:
            points = history.rolling(window)
            if not points:
                continue
            style = _line_style(history.kind, colour)
            if history.kind != TEAM:
                colour += 1
            label = f"{history.label} (source)" if history.kind == SOURCE else history.label
            ys = [p[1] for p in points]
            highest = max(highest, *ys)
            ax.plot(_dates([p[0] for p in points]), ys, marker="o", markersize=3.5, label=label, **style)
        ax.axhline(0.25, color=GREY, linestyle=":", linewidth=1.2, label="50% on every yes/no question")
        ax.set_ylim(0, min(1.0, max(0.5, highest * 1.1)))
        ax.set_ylabel(f"Brier, mean of last {window} resolved\n(lower is better)")
        ax.set_xlabel("when the outcome became known (UTC)")
        _date_axis(ax)
        _titles(figure, ax, "Scores over time", f"rolling mean Brier of each forecaster's last {window} resolved questions")
        _outside_legend(ax)
    return figure


def save(figure: "Figure", target: str | Path | IO[bytes], fmt: str | None = None) -> None:
    """Write `figure` as PNG or SVG: the format from `fmt`, else from the file's extension.

    SVG is repeatable byte for byte (fixed ids, no date); PNG is drawn at 150 dpi.

    Raises:
        BadInput: the format is neither png nor svg, or cannot be told.
    """
    if fmt is None:
        suffix = Path(target).suffix if isinstance(target, (str, Path)) else ""
        fmt = suffix[1:]
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise BadInput(f"cannot write a figure as {fmt or 'a file without an extension'!r}: use .png or .svg")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with _style():
        figure.savefig(target, format=fmt, dpi=150, metadata=metadata)
