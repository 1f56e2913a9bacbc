"""The report object for a small ledger, worked by hand (SPEC 8).

The ledger (`small.jsonl`, imported with its backdated history), report for November 2026 as of
2026-12-01. Editor ed; persons amina and jo; the source "Sahel Monitor". All yes/no questions:

    q-old     Sep 1 – Oct 31, yes known Oct 20.   amina .9 (Sep 5), jo .5 (Sep 10)
    q-res     Oct 1 – Nov 21, no known Nov 20.    source .2 (Oct 1), amina .8 (Oct 11), jo .9 (Nov 10)
    q-yes     Oct 1 – Dec 31, yes known Nov 15.   amina .6 (Oct 1), jo .4 (Nov 5)
    q-move    Oct 1 – Jun 30 2027, open.          source .675 (Oct 1), amina .3 (Oct 5), jo .3 (Oct 6),
                                                  amina .7 (Nov 12, cites evidence 1), jo .8 (Nov 20)
    q-new     Nov 10 – Dec 20, open.              amina .2 (Nov 11); jo .9 (Nov 12) withdrawn
    q-over    Sep 1 – Nov 30, amended Nov 5 to close Nov 10, resolve by Nov 20; unresolved. amina .5
    q-closed  Sep 1 – Nov 25, resolve by Dec 15; unresolved.   jo .35
    q-ann     Sep 1 – Nov 30, annulled Nov 18.    amina .4
    evidence 1 logged Nov 11 (q-move +); evidence 2 logged Oct 20 (q-move ~).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import LedgerCli
from tests.reports.conftest import AS_OF


def test_head_period_and_counts(small: LedgerCli, small_report):
    r = small_report
    head = small.json("info")["head"]
    assert (r.head.seq, r.head.hash) == (head["seq"], head["hash"])
    assert r.period.label == "2026-11" and r.period.to_json()["from"] == "2026-11-01T00:00:00Z"
    assert r.closing_by == r.period.next().end  # December's end: 2027-01-01
    c = r.counts
    assert c.questions == 8
    assert c.statuses == {"upcoming": 0, "open": 2, "closed": 1, "overdue": 1, "resolved": 3, "annulled": 1}
    # in November: jo q-yes (5th), jo q-res (10th), amina q-new (11th), amina q-move (12th), jo q-move (20th);
    # jo's q-new forecast of the 12th was withdrawn
    assert (c.forecasts, c.forecasters, c.withdrawn) == (5, 2, 1)
    assert (c.evidence, c.resolutions) == (1, 3)  # evidence 1; q-yes, q-ann, q-res


def test_new_questions_and_the_biggest_moves(small_report):
    r = small_report
    assert [n.question.slug for n in r.new_questions] == ["q-new"]
    assert r.new_questions[0].team == (0.2, 0.8)  # the withdrawn 90% is not in the team
    # q-move: team median .3 on Nov 1; .5 after amina's .7; .75 after jo's .8: +45 points.
    # q-yes: .6 on Nov 1, median(.6, .4) = .5 after jo's forecast: -10 points.
    # q-res: .8 on Nov 1, median(.8, .9) = .85 after jo's: +5 points. q-new stays at .2: no move.
    moves = [(m.question.slug, m.before, m.after) for m in r.moves]
    assert moves == [("q-move", 0.3, pytest.approx(0.75)), ("q-yes", 0.6, pytest.approx(0.5)),
                     ("q-res", 0.8, pytest.approx(0.85))]
    first = r.moves[0]
    assert first.change == pytest.approx(0.45)
    assert [(f.analyst, f.probs[0], f.rationale) for f in first.reasons] == [
        ("amina", 0.7, "The envoy's visit moved the talks forward."),
        ("jo", 0.8, "Draft text reported by two outlets.")]
    assert [e.summary for e in first.reasons[0].evidence] == ["US envoy meets Mali's mines minister in Bamako"]
    assert [e.id for e in r.new_evidence] == [1]


def test_resolutions_with_each_analysts_score_and_the_surprise(small_report):
    r = small_report
    assert [(x.question.slug, x.outcome) for x in r.resolutions] == [("q-yes", "yes"), ("q-res", "no")]
    yes, res = r.resolutions
    # q-yes, cutoff Nov 15: amina .6 throughout: (.4)^2 = .16; jo .4: (.6)^2 = .36;
    # team .6 for 35 days then .5 for 10: (.16*35 + .25*10) / 45 = 8.1/45 = .18
    assert [(s.analyst, s.kind) for s in yes.scores] == [("amina", "person"), ("jo", "person"), ("@team", "team")]
    assert [s.brier for s in yes.scores] == [pytest.approx(0.16), pytest.approx(0.36), pytest.approx(0.18)]
    assert yes.team_final == pytest.approx(0.5)
    # q-res, cutoff Nov 20: amina .64, jo .81, the source .2 -> .04; team .8 for 30 days, .85 for 10:
    # (.64*30 + .7225*10) / 40 = .660625. The team's last forecast gave "no" 15%: a surprise.
    assert [(s.analyst, s.brier) for s in res.scores] == [
        ("amina", pytest.approx(0.64)), ("jo", pytest.approx(0.81)), ("Sahel Monitor", pytest.approx(0.04)),
        ("@team", pytest.approx(0.660625))]
    assert res.team_final == pytest.approx(0.15)
    assert [x.question.slug for x in r.surprises] == ["q-res"]


def test_due_overdue_amended_and_not_counted(small_report):
    r = small_report
    assert [d.question.slug for d in r.closing] == ["q-new"]  # open, closes Dec 20 < Jan 1
    assert [d.question.slug for d in r.overdue] == ["q-over"]  # resolve-by Nov 20 (amended) has passed
    [a] = r.amendments
    assert (a.question.slug, a.by, a.reason) == ("q-over", "ed", "The treaty text sets an earlier deadline")
    assert [(c.field, c.old, c.new) for c in a.changes] == [
        ("closes", "2026-11-30T00:00:00Z", "2026-11-10T00:00:00Z"),
        ("resolves by", "2026-11-30T00:00:00Z", "2026-11-20T00:00:00Z")]
    nc = r.not_counted
    assert [(d.question.slug, d.status) for d in nc.unresolved] == [("q-over", "overdue"), ("q-closed", "closed")]
    assert [q.slug for q in nc.annulled] == ["q-ann"] and nc.withdrawn == 1


def test_leaderboard(small_report):
    rows = {row.analyst: row for row in small_report.leaderboard}
    assert list(rows) == ["Sahel Monitor", "amina", "jo", "@team"]
    # amina: q-old .01, q-res .64, q-yes .16 -> .27; jo: .25, .81, .36 -> .47333
    assert (rows["amina"].questions, rows["amina"].brier) == (3, pytest.approx(0.27))
    assert rows["jo"].brier == pytest.approx(1.42 / 3)
    # amina's coverage: q-old (Oct 20 - Sep 5)/(Oct 20 - Sep 1) = 45/49, q-res 40/50, q-yes 1
    assert rows["amina"].coverage == pytest.approx((45 / 49 + 0.8 + 1) / 3)
    # team on q-old: .9 for 5 days, median(.9, .5) = .7 for 40: (.01*5 + .09*40)/45 = 3.65/45
    assert rows["@team"].brier == pytest.approx((3.65 / 45 + 0.660625 + 0.18) / 3)
    assert rows["@team"].relative_brier is None and rows["Sahel Monitor"].relative_brier is None
    assert rows["Sahel Monitor"].questions == 1  # q-res; q-move is open


def test_calibration_discrimination_and_the_right_side_of_maybe(small_report):
    cal = small_report.calibration
    # final counted forecasts (p, happened): q-old (.9, 1) (.5, 1); q-res (.8, 0) (.9, 0); q-yes (.6, 1) (.4, 1)
    assert (cal.points, cal.questions) == (6, 3)
    filled = [(b.lo, b.n, b.happened) for b in cal.bins if b.n]
    assert filled == [(0.4, 1, 1), (0.5, 1, 1), (0.6, 1, 1), (0.8, 1, 0), (0.9, 2, 1)]
    m = cal.murphy
    # mean (p - o)^2 = (.01 + .25 + .64 + .81 + .16 + .36)/6 = 2.23/6; o-bar 4/6: UNC = 2/9
    # REL = (.36 + .25 + .16 + .64 + 2*(.9 - .5)^2)/6 = 1.73/6; RES = (3*(1/3)^2 + (2/3)^2 + 2*(1/6)^2)/6 = 5/36
    assert m.brier == pytest.approx(2.23 / 6) and m.uncertainty == pytest.approx(2 / 9)
    assert m.reliability == pytest.approx(1.73 / 6) and m.resolution == pytest.approx(5 / 36)
    d = small_report.discrimination
    # right side: .9 yes 1, .5 yes 1/2, .8 no 0, .9 no 0, .6 yes 1, .4 yes 0 -> 2.5/6
    assert d.right_side_of_maybe == pytest.approx(2.5 / 6)
    assert (d.yes_n, d.no_n) == (4, 2)
    assert d.yes_mean == pytest.approx((0.9 + 0.5 + 0.6 + 0.4) / 4) and d.no_mean == pytest.approx(0.85)


def test_the_scenario_shows_its_source_beside_the_team(small_report):
    [sc] = small_report.scenarios
    [src] = sc.sources
    assert src.handle == "Sahel Monitor"
    assert [(p.question.slug, p.probs[0], p.outcome) for p in src.priors] == [("q-res", 0.2, "no"),
                                                                             ("q-move", 0.675, None)]
    # q-res: the team at its cutoff .85; the source .04 against the team's .660625, on that one question
    assert src.priors[0].team[0] == pytest.approx(0.85) and src.priors[1].team[0] == pytest.approx(0.75)
    assert (src.questions, src.brier, src.team_brier) == (1, pytest.approx(0.04), pytest.approx(0.660625))
    # open questions, most moved first: q-move (45 points), q-new (none); both drawn, none left over
    assert [t.slug for t in sc.timelines] == ["q-move", "q-new"] and sc.rest == ()
    lines = {line.label: line for line in sc.timelines[0].lines}
    assert list(lines) == ["Sahel Monitor", "amina", "jo", "@team"]
    assert [s.probs for s in lines["@team"].steps] == [(0.3,), (0.3,), (0.5,), (0.75,)]
    assert sorted(e.stance for e in sc.timelines[0].evidence) == ["+", "~"]
    assert "jo" not in {line.label for line in sc.timelines[1].lines}  # only the withdrawn forecast


def test_json_is_the_report_object(small: LedgerCli, tmp_path):
    out = tmp_path / "r.json"
    result = small("report", "--as-of", AS_OF, "--format", "json", "--out", str(out))
    assert result.output == f"wrote {out}\n"
    data = json.loads(out.read_text(encoding="utf-8"))
    head = small.json("info")["head"]
    assert data["head"] == {"seq": head["seq"], "hash": head["hash"]}
    assert data["as_of"] == "2026-12-01T00:00:00Z"
    assert (data["period"]["from"], data["period"]["to"]) == ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")
    assert data["discrimination"]["right_side_of_maybe"] == pytest.approx(2.5 / 6)


def test_default_paths_and_an_unknown_format(small: LedgerCli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert small("report", "--as-of", AS_OF).output == "wrote reports/report-2026-11.html\n"
    assert small("report", "--as-of", AS_OF, "--format", "md").output == "wrote reports/report-2026-11/report.md\n"
    assert (tmp_path / "reports/report-2026-11/calibration.svg").exists()
    # the moment before Tue 2026-12-01 falls in the ISO week from Mon 30 November: 2026-W49
    # (week 1 of 2026 began Mon 29 December 2025; 30 November is 336 days = 48 weeks later)
    assert small("report", "--period", "week", "--as-of", AS_OF, "--format", "json").output == \
        "wrote reports/report-2026-W49.json\n"
    bad = small("report", "--format", "pdf", code=2)
    assert "unknown report format 'pdf'" in bad.stderr
    assert "no scenario 'nope'" in small("report", "--scenario", "nope", code=1).stderr


def test_a_yes_no_move_is_the_move_of_yes_even_where_rounding_favours_no():
    import numpy as np

    from ledger.core.period import Period
    from ledger.core.scoring import TeamSteps
    from ledger.reports.build import team_moves

    # 0.235 -> 0.18: yes moves 0.05499999999999999, no 0.05500000000000005 in floating point
    steps = TeamSteps(np.array([0, 2]), np.array([10, 20]), np.array([[0.235, 0.765], [0.18, 0.82]]),
                      np.array([2]), np.array([30]))
    moved, option, before, after = team_moves(steps, np.array([True]), Period.between(15, 30))
    assert (bool(moved[0]), int(option[0]), float(before[0]), float(after[0])) == (True, 0, 0.235, 0.18)


def test_team_moves_from_the_start_of_the_period_or_the_first_value_in_it():
    import numpy as np

    from ledger.core.period import Period
    from ledger.core.scoring import TeamSteps
    from ledger.reports.build import team_moves

    # period [15, 30). q0: steps at 10 (.2), 20 (.5), 40 (.9): from .2 (standing at 15) to .5 (standing
    # at 30; the step at 40 is after the period). q1: choice, first step at 16 (.1, .6, .3), then at
    # 25 (.4, .3, .3): from its first value in the period; options 0 and 1 both moved .3 (in floating
    # point .30000000000000004 and .3), option 2 not at all: option 0. q2: no step in the period (one
    # at 5). q3: no steps at all.
    probs = np.full((6, 3), np.nan)
    probs[0, :2], probs[1, :2], probs[2, :2] = (0.2, 0.8), (0.5, 0.5), (0.9, 0.1)
    probs[3], probs[4] = (0.1, 0.6, 0.3), (0.4, 0.3, 0.3)
    probs[5, :2] = (0.7, 0.3)
    steps = TeamSteps(np.array([0, 3, 5, 6, 6]), np.array([10, 20, 40, 16, 25, 5]), probs,
                      np.array([2, 3, 2, 2]), np.array([50, 50, 50, 50]))
    moved, option, before, after = team_moves(steps, np.array([True, False, True, True]), Period.between(15, 30))
    assert moved.tolist() == [True, True, False, False]
    assert option[:2].tolist() == [0, 0]
    assert before[:2].tolist() == [0.2, 0.1] and after[:2].tolist() == [0.5, 0.4]


def test_out_dash_prints_one_file_formats(small: LedgerCli):
    data = json.loads(small("report", "--as-of", AS_OF, "--format", "json", "--out", "-").stdout)
    assert data["period"]["label"] == "2026-11"
    assert small("report", "--as-of", AS_OF, "--out", "-").stdout.startswith("<!DOCTYPE html>")
    assert "writes a folder" in small("report", "--format", "md", "--out", "-", code=2).stderr
