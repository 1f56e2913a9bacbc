"""`ledger plot`: the figure each subcommand draws, checked by structure from the figure object
(captured on its way to `save`), the files written, and bad input refused before any work.
Numbers are those worked by hand in test_dossiers.py."""

from __future__ import annotations

from datetime import datetime

import pytest


MINERALS_KNOWN = datetime(2026, 2, 15)


def legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_timeline_of_a_resolved_question(history, drawn, tmp_path):
    out = tmp_path / "minerals.png"
    assert history("plot", "timeline", "minerals", "--out", str(out)).stdout == f"wrote {out}\n"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    [figure] = drawn
    [ax] = figure.axes
    assert figure.get_suptitle() == "Will the US and Mali sign a minerals deal?"
    assert ax.get_title(loc="left") == "minerals · outcome: yes"
    assert legend(ax) == ["Sahel Monitor (source)", "amina", "jo", "@team", "evidence + (raises)",
                          "evidence − (lowers)", "amended", "closes 2026-03-01 (off the chart)",
                          "outcome known 2026-02-15", "outcome: yes"]
    lines = {line.get_label(): line for line in ax.lines}
    # @team: 0.6 from 01-03, 0.4 from 01-06, 0.45 from 01-25 to the cutoff 02-15; bold
    team = lines["@team"]
    assert [round(y, 6) for y in team.get_ydata()] == [0.6, 0.4, 0.45, 0.45]
    assert team.get_linewidth() > lines["amina"].get_linewidth()
    assert lines["Sahel Monitor (source)"].get_linestyle() == "--"
    assert list(lines["jo"].get_ydata()) == [0.2, 0.2]  # the withdrawn 0.9 is not drawn
    assert list(lines["amina"].get_ydata()) == [0.6, 0.7, 0.7]
    assert lines["outcome known 2026-02-15"].get_xdata()[0] == MINERALS_KNOWN


def test_timeline_of_a_choice_question_has_a_panel_per_option(history, drawn, tmp_path):
    history("plot", "timeline", "troops", "--out", str(tmp_path / "t.svg"))
    [figure] = drawn
    assert [ax.get_ylabel() for ax in figure.axes] == ["p(a)", "p(b)", "p(3 or more)"]
    # @team on `3 or more`: amina's 0.3 from 01-05, then median(0.3, 0.6) = 0.45 renormalised over
    # medians (0.15, 0.4, 0.45), which sum to 1: 0.45.
    team = next(line for line in figure.axes[2].lines if line.get_label() == "@team")
    assert [round(y, 6) for y in team.get_ydata()] == [0.3, 0.45, 0.45]
    assert (tmp_path / "t.svg").read_text().startswith("<?xml")


def test_timeline_of_an_open_question_runs_to_now(history, drawn, tmp_path):
    history("plot", "timeline", "embassy", "--out", str(tmp_path / "e.png"))
    [ax] = drawn[0].axes
    assert ax.get_title(loc="left") == "embassy · unresolved, as of 2026-03-10"
    team = next(line for line in ax.lines if line.get_label() == "@team")
    assert team.get_xdata()[-1] == datetime(2026, 3, 10, 12)


def test_calibration(history, drawn, tmp_path):
    history("plot", "calibration", "--out", str(tmp_path / "c.png"))
    top, bottom = drawn[0].axes
    assert drawn[0].get_suptitle() == "Calibration: all analysts"
    assert top.get_title(loc="left").startswith("8 forecasts on 2 resolved questions")
    assert [p.get_height() for p in bottom.patches] == [0, 1, 2, 2, 0, 1, 1, 1, 0, 0]
    assert sorted(t.get_text() for t in top.texts) == ["0 of 1\nhappened", "0 of 1\nhappened", "1 of 1\nhappened",
                                                       "1 of 1\nhappened", "1 of 2\nhappened", "1 of 2\nhappened"]


def test_calibration_of_one_analyst_in_a_scenario(history, drawn, tmp_path):
    history("plot", "calibration", "--analyst", "jo", "--scenario", "sahel-2026", "--out", str(tmp_path / "c.png"))
    top, _ = drawn[0].axes
    # jo: 0.2 (yes) on minerals; 0.1, 0.3 (no) and 0.6 (yes) on troops
    assert drawn[0].get_suptitle() == "Calibration: jo"
    assert top.get_title(loc="left").startswith("4 forecasts on 2 resolved questions")


def test_discrimination(history, drawn, tmp_path):
    history("plot", "discrimination", "--out", str(tmp_path / "d.png"))
    yes, no = drawn[0].axes
    # amina 0.7 and jo 0.2 on minerals (yes): one right of maybe, one wrong: 50%; mean 0.45
    assert yes.get_title(loc="left") == "right side of maybe: 50% of 2 forecasts"
    assert legend(yes) == ["resolved yes (2 forecasts)", "mean 45%", "maybe (50%)"]
    assert "resolved no (0 forecasts)" in legend(no)


def test_scores(history, drawn, tmp_path):
    history("plot", "scores", "--window", "2", "--out", str(tmp_path / "s.png"))
    [ax] = drawn[0].axes
    lines = {line.get_label(): line for line in ax.lines}
    # amina: 0.39 on troops (known 02-05), then mean(0.39, 5.41/43) on minerals (02-15)
    assert list(lines["amina"].get_ydata()) == pytest.approx([0.39, (0.39 + 5.41 / 43) / 2])
    assert list(lines["jo"].get_ydata()) == pytest.approx([0.13, (0.13 + 0.64) / 2])
    assert list(lines["Sahel Monitor (source)"].get_ydata()) == pytest.approx([0.04])
    assert [label for label in lines if not label.startswith("50%")][-1] == "@team"


def test_scores_of_one_analyst_beside_the_team(history, drawn, tmp_path):
    history("plot", "scores", "--analyst", "amina", "--out", str(tmp_path / "s.svg"))
    assert [line.get_label() for line in drawn[0].axes[0].lines][:2] == ["amina", "@team"]


@pytest.mark.parametrize("out", ["figure.jpg", "figure", "figure.pdf"])
def test_an_unknown_extension_is_bad_input(history, drawn, tmp_path, out):
    result = history("plot", "calibration", "--out", str(tmp_path / out), code=2)
    assert "must end in .png or .svg" in result.stderr
    assert drawn == [] and not (tmp_path / out).exists()


def test_unknown_question_or_analyst_is_refused(history, tmp_path):
    assert "nope" in history("plot", "timeline", "nope", "--out", str(tmp_path / "x.png"), code=1).stderr
    assert "no analyst 'nobody'" in history("plot", "scores", "--analyst", "nobody", "--out",
                                            str(tmp_path / "x.png"), code=1).stderr


def test_scores_with_nothing_scored_draw_nothing(sahel, tmp_path):
    result = sahel("plot", "scores", "--out", str(tmp_path / "s.png"), code=1)
    assert "nothing to plot" in result.stderr and not (tmp_path / "s.png").exists()
