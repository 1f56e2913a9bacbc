"""The SPEC 8 figures, checked by structure from the figure object (axes, lines, labels, titles,
legend entries), not by pixels; SVG output is repeatable byte for byte; matplotlib loads only
when a figure is drawn."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from ledger.core.errors import BadInput
from ledger.core.scoring import calibration
from ledger.core.timeutil import DAY, parse_instant
from ledger.reports import plots
from ledger.reports.report import Discrimination
from ledger.reports.data import (
    PERSON, SOURCE, TEAM, AmendmentTick, EvidenceTick, FinalForecast, ForecastLine, ForecastStep, ResolvedScore,
    ScoreHistory, Timeline,
)

T0 = parse_instant("2026-09-01")


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# -- calibration ----------------------------------------------------------------------------------

# Five points: 0.05 (no), 0.05 (yes) in bin 0; 0.72, 0.75 (yes, yes) and 0.78 (no) in bin 7.
# Bin 0: n 2, 1 happened, mean_p 0.05; bin 7: n 3, 2 happened, mean_p 0.75. Three questions.
CAL_P = [0.05, 0.05, 0.72, 0.75, 0.78]
CAL_O = [0, 1, 1, 1, 0]


def test_calibration_figure_structure():
    figure = plots.calibration_figure(calibration(CAL_P, CAL_O).bins, 3, subject="amina")
    top, bottom = figure.axes
    assert figure.get_suptitle() == "Calibration: amina"
    assert top.get_title(loc="left").startswith("5 forecasts on 3 resolved questions")
    assert sorted(texts(top)) == ["1 of 2\nhappened", "2 of 3\nhappened"]
    # the diagonal, then the points with their Wilson bars
    [diagonal] = [line for line in top.lines if line.get_label() == "perfect calibration"]
    assert list(diagonal.get_xdata()) == [0, 1] and list(diagonal.get_ydata()) == [0, 1]
    [points] = top.containers
    assert list(points.lines[0].get_xdata()) == pytest.approx([0.05, 0.75])
    assert list(points.lines[0].get_ydata()) == pytest.approx([0.5, 2 / 3])
    assert legend_texts(top) == ["perfect calibration", "observed frequency\n(95% Wilson interval)"]
    assert top.get_ylabel() == "how often it happened"
    # the histogram underneath: ten bars, 2 in the first bin and 3 in the eighth
    assert [p.get_height() for p in bottom.patches] == [2, 0, 0, 0, 0, 0, 0, 3, 0, 0]
    assert bottom.get_xlabel() == "forecast probability"
    assert bottom.get_ylabel() == "forecasts"


def test_calibration_without_points_draws_an_empty_diagram():
    figure = plots.calibration_figure(calibration([], []).bins, 0)
    top, bottom = figure.axes
    assert texts(top) == [] and top.containers == []
    assert top.get_title(loc="left").startswith("0 forecasts on 0 resolved questions")
    assert [p.get_height() for p in bottom.patches] == [0] * 10


def test_neighbouring_bin_labels_go_to_different_sides():
    # Two bins 0.1 apart with bars at the same height: the second label cannot also go above.
    bins = calibration([0.34, 0.34, 0.44, 0.44], [1, 0, 1, 0]).bins
    places = plots._label_places([b for b in bins if b.n])
    assert [above for above, _, _ in places] == [True, False]


def _boxes(places):
    return [(x, edge if above else edge - plots._LABEL_H, edge + plots._LABEL_H if above else edge)
            for above, x, edge in places]


def test_crowded_bin_labels_stack_instead_of_overlapping():
    # Three bins within a label's width, bars at the same height (1 of 2 each, freq 0.5, Wilson
    # 0.095–0.905): just above and just below are taken by the first two, and a label further up
    # or down would leave the axes, so the third goes a label's width to the right, above its bar.
    bins = [b for b in calibration([0.395, 0.395, 0.4, 0.4, 0.5, 0.5], [1, 0, 1, 0, 1, 0]).bins if b.n]
    assert [round(b.mean_p, 3) for b in bins] == [0.395, 0.4, 0.5]
    places = plots._label_places(bins)
    assert [above for above, _, _ in places] == [True, False, True]
    assert places[2][1] == pytest.approx(0.5 + plots._LABEL_W)
    boxes = _boxes(places)
    for i, (x, low, high) in enumerate(boxes):
        assert -0.02 <= low and high <= 1.02
        for x2, low2, high2 in boxes[:i]:
            assert abs(x - x2) >= plots._LABEL_W or high <= low2 or high2 <= low
    # The figure draws a leader line from the lifted label to its bar, and none for the others.
    figure = plots.calibration_figure(calibration([0.395, 0.395, 0.4, 0.4, 0.5, 0.5], [1, 0, 1, 0, 1, 0]).bins, 3)
    leaders = [a for a in figure.axes[0].texts if a.arrow_patch is not None]
    assert [a.get_text() for a in leaders] == ["1 of 2\nhappened"] and leaders[0].xy[0] == pytest.approx(0.5)


# -- discrimination -------------------------------------------------------------------------------

# yes: 0.8, 0.5, 0.9 (mean 2.2/3 = 73%); no: 0.6, 0.3 (mean 45%).
# Right side of maybe: 0.8 yes 1, 0.6 no 0, 0.5 half, 0.3 no 1, 0.9 yes 1 = 3.5 of 5 = 70%.
PAIRS = [FinalForecast(0.8, True), FinalForecast(0.6, False), FinalForecast(0.5, True),
         FinalForecast(0.3, False), FinalForecast(0.9, True)]


def test_discrimination_figure_structure():
    figure = plots.discrimination_figure(Discrimination.of([f.p_yes for f in PAIRS], [f.happened for f in PAIRS]))
    yes, no = figure.axes
    assert figure.get_suptitle() == "Discrimination: all analysts"
    assert yes.get_title(loc="left") == "right side of maybe: 70% of 5 forecasts"
    assert legend_texts(yes) == ["resolved yes (3 forecasts)", "mean 73%", "maybe (50%)"]
    assert legend_texts(no) == ["resolved no (2 forecasts)", "mean 45%", "maybe (50%)"]
    assert sum(p.get_height() for p in yes.patches) == 3
    assert sum(p.get_height() for p in no.patches) == 2
    [mean] = [line for line in yes.lines if line.get_label() == "mean 73%"]
    assert mean.get_xdata()[0] == pytest.approx(2.2 / 3)
    assert no.get_xlabel() == "final forecast of yes"


def test_discrimination_without_pairs_says_so():
    figure = plots.discrimination_figure(Discrimination.of([], []))
    assert figure.axes[0].get_title(loc="left") == "no resolved yes/no questions"


# -- timeline -------------------------------------------------------------------------------------

def binary_timeline(**changes) -> Timeline:
    fields = dict(
        slug="us-mali-minerals-deal", title="Will the US and Mali sign a minerals agreement by end-2027?",
        options=(), opens_at=T0, closes_at=T0 + 180 * DAY, until=T0 + 160 * DAY,
        lines=(ForecastLine("sahel-monitor", SOURCE, (ForecastStep(T0, (0.7,)),)),
               ForecastLine("amina", PERSON, (ForecastStep(T0 + 3 * DAY, (0.3,)), ForecastStep(T0 + 40 * DAY, (0.45,)))),
               ForecastLine("ed", PERSON, (ForecastStep(T0 + 10 * DAY, (0.675,)),
                                           ForecastStep(T0 + 170 * DAY, (0.9,)))),  # after the cutoff: not drawn
               ForecastLine("@team", TEAM, (ForecastStep(T0 + 3 * DAY, (0.3,)), ForecastStep(T0 + 10 * DAY, (0.4875,)),
                                            ForecastStep(T0 + 40 * DAY, (0.5625,))))),
        evidence=(EvidenceTick(T0 + 35 * DAY, "+", 1), EvidenceTick(T0 + 60 * DAY, "-", 2),
                  EvidenceTick(T0 + 95 * DAY, "+", 3)),
        amendments=(AmendmentTick(T0 + 80 * DAY, "clarified"),),
        known_at=T0 + 160 * DAY, outcome="yes")
    fields.update(changes)
    return Timeline(**fields)


def by_label(ax, label):
    [line] = [line for line in ax.lines if line.get_label() == label]
    return line


def test_timeline_figure_structure():
    figure = plots.timeline_figure(binary_timeline())
    [ax] = figure.axes
    assert figure.get_suptitle() == "Will the US and Mali sign a minerals agreement by end-2027?"
    assert ax.get_title(loc="left") == "us-mali-minerals-deal · outcome: yes"
    assert legend_texts(ax) == [
        "sahel-monitor (source)", "amina", "ed", "@team", "evidence + (raises)", "evidence − (lowers)",
        "amended", "closes 2027-02-28", "outcome known 2027-02-08", "outcome: yes"]
    team, amina, source, ed = (by_label(ax, k) for k in ("@team", "amina", "sahel-monitor (source)", "ed"))
    assert team.get_linewidth() > amina.get_linewidth()
    assert source.get_linestyle() == "--" and amina.get_linestyle() == "-"
    # a step line: each forecast, then the last one held to the right edge (the cutoff)
    assert list(amina.get_ydata()) == [0.3, 0.45, 0.45]
    assert list(ed.get_ydata()) == [0.675, 0.675]  # the forecast after the cutoff is left out
    assert amina.get_drawstyle() == "steps-post"
    assert len(by_label(ax, "evidence + (raises)").get_xdata()) == 2
    assert len(by_label(ax, "evidence − (lowers)").get_xdata()) == 1
    assert list(by_label(ax, "outcome: yes").get_ydata()) == [1.0]
    assert ax.get_ylabel() == "probability of yes" and ax.get_xlabel() == "date (UTC)"


def test_a_no_outcome_sits_at_zero_and_an_open_question_says_unresolved():
    resolved_no = plots.timeline_figure(binary_timeline(outcome="no"))
    assert list(by_label(resolved_no.axes[0], "outcome: no").get_ydata()) == [0.0]
    open_ = plots.timeline_figure(binary_timeline(known_at=None, outcome=None, closes_at=T0 + 720 * DAY))
    [ax] = open_.axes
    assert ax.get_title(loc="left") == "us-mali-minerals-deal · unresolved, as of 2027-02-08"
    assert "closes 2028-08-21 (off the chart)" in legend_texts(ax)
    assert not any(t.startswith("outcome") for t in legend_texts(ax))


def test_a_choice_timeline_has_one_panel_per_option_and_one_legend():
    timeline = Timeline(
        slug="aes-joint-force", title="How many troops?", options=("under 5000", "5000 to 10000", "over 10000"),
        opens_at=T0, closes_at=T0 + 90 * DAY, until=T0 + 90 * DAY,
        lines=(ForecastLine("ed", PERSON, (ForecastStep(T0 + DAY, (0.5, 0.35, 0.15)),)),
               ForecastLine("@team", TEAM, (ForecastStep(T0 + DAY, (0.5, 0.35, 0.15)),))),
        known_at=T0 + 90 * DAY, outcome="5000 to 10000")
    figure = plots.timeline_figure(timeline)
    assert [ax.get_ylabel() for ax in figure.axes] == ["p(under 5000)", "p(5000 to 10000)", "p(over 10000)"]
    assert [ax.get_legend() is not None for ax in figure.axes] == [True, False, False]
    assert [list(by_label(ax, "ed").get_ydata()) for ax in figure.axes] == [[0.5, 0.5], [0.35, 0.35], [0.15, 0.15]]
    # the outcome star: 1 on the option that happened, 0 on the others
    assert [by_label(ax, "outcome: 5000 to 10000").get_ydata()[0] for ax in figure.axes] == [0.0, 1.0, 0.0]


# -- scores ---------------------------------------------------------------------------------------

def test_scores_figure_structure():
    histories = [
        ScoreHistory("amina", PERSON, (ResolvedScore(T0, 0.1), ResolvedScore(T0 + DAY, 0.3), ResolvedScore(T0 + 2 * DAY, 0.2))),
        ScoreHistory("@team", TEAM, (ResolvedScore(T0, 0.2),)),
        ScoreHistory("sahel-monitor", SOURCE, (ResolvedScore(T0, 0.4),)),
        ScoreHistory("nobody", PERSON, ()),  # no resolved questions: no line
    ]
    figure = plots.scores_figure(histories, window=2)
    [ax] = figure.axes
    assert figure.get_suptitle() == "Scores over time"
    assert legend_texts(ax) == ["amina", "@team", "sahel-monitor (source)", "50% on every yes/no question"]
    # window 2 over 0.1, 0.3, 0.2: 0.1, 0.2, 0.25
    assert list(by_label(ax, "amina").get_ydata()) == pytest.approx([0.1, 0.2, 0.25])
    assert by_label(ax, "@team").get_linewidth() > by_label(ax, "amina").get_linewidth()
    assert by_label(ax, "sahel-monitor (source)").get_linestyle() == "--"
    assert list(by_label(ax, "50% on every yes/no question").get_ydata()) == [0.25, 0.25]
    assert "last 2 resolved" in ax.get_ylabel()


# -- saving ---------------------------------------------------------------------------------------

def svg_bytes() -> bytes:
    out = io.BytesIO()
    plots.save(plots.timeline_figure(binary_timeline()), out, "svg")
    return out.getvalue()


def test_svg_is_the_same_bytes_every_time():
    first, second = svg_bytes(), svg_bytes()
    assert first == second
    assert b"<dc:date>" not in first


def test_save_picks_the_format_from_the_extension(tmp_path):
    figure = plots.calibration_figure(calibration(CAL_P, CAL_O).bins, 3)
    plots.save(figure, tmp_path / "c.png")
    plots.save(figure, str(tmp_path / "c.SVG"))
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<svg" in (tmp_path / "c.SVG").read_bytes()[:500]
    for bad in (tmp_path / "c.pdf", tmp_path / "c"):
        with pytest.raises(BadInput):
            plots.save(figure, bad)
    with pytest.raises(BadInput):
        plots.save(figure, io.BytesIO())  # a buffer needs fmt


def test_matplotlib_loads_only_when_a_figure_is_drawn():
    code = ("import sys, ledger.reports.plots, ledger.reports.data; "
            "print(sorted(m for m in ('matplotlib', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_user_text_is_drawn_as_written_not_as_mathtext(tmp_path):
    # Read as mathtext, "$\\frac{1}$" (a fraction missing its denominator) fails when drawn.
    title = "Will a barrel cost $\\frac{1}$ of a troy ounce?"
    timeline = binary_timeline(title=title, lines=(ForecastLine("$amina$", PERSON, (ForecastStep(T0 + DAY, (0.4,)),)),))
    figure = plots.timeline_figure(timeline)
    assert figure.get_suptitle() == title
    assert "$amina$" in legend_texts(figure.axes[0])
    plots.save(figure, tmp_path / "t.svg")  # draws every text
    choice = Timeline("c", "C?", ("$\\frac{1}$", "b"), T0, T0 + 9 * DAY, T0 + 9 * DAY,
                      (ForecastLine("ed", PERSON, (ForecastStep(T0, (0.5, 0.5)),)),))
    figure = plots.timeline_figure(choice)
    assert figure.axes[0].get_ylabel() == "p($\\frac{1}$)"
    plots.save(figure, tmp_path / "c.png")
