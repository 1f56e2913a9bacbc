"""`ledger.store.dossiers` on the backdated history of conftest.py: the dossier, due list, record,
queue and figure facts, against numbers worked by hand below.

minerals: opens 01-01, cutoff = min(close in force 03-01, known 02-15) = 02-15 (day 45).
    source 0.8 from day 0: Brier 0.2² = 0.04 over the whole 45 days.
    amina 0.6 from day 2 (22 days), 0.7 from day 24 (21 days):
        Brier (0.16·22 + 0.09·21) / 43 = 5.41 / 43; coverage 43 / 45.
    jo 0.2 from day 5 (the withdrawn 0.9 never counts): Brier 0.64; coverage 40 / 45.
    @team (persons only): 0.6 on [2, 5), median(0.6, 0.2) = 0.4 on [5, 24), median(0.7, 0.2) = 0.45
        on [24, 45): Brier (0.16·3 + 0.36·19 + 0.3025·21) / 43 = 13.6725 / 43.
troops (outcome `3 or more` after the correction), cutoff the close 02-01:
    amina (.2, .5, .3): ½(.04 + .25 + .49) = 0.39; jo (.1, .3, .6): ½(.01 + .09 + .16) = 0.13.
"""

from __future__ import annotations

import pytest

from ledger.core.errors import NotFound
from ledger.core.timeutil import parse_instant
from ledger.store import dossiers
from ledger.store.ledger import Ledger

AT = parse_instant


@pytest.fixture
def ledger(history):
    opened = Ledger(history.url)
    yield opened
    opened.close()


def test_the_dossier_holds_everything_recorded_and_the_scores(ledger):
    d = dossiers.dossier(ledger, "minerals")
    assert [f.id for f in d.forecasts] == [1, 2, 3, 4, 5]
    assert d.withdrawals[4].reason == "typed 90 for 20" and d.withdrawals[4].at == AT("2026-01-06T00:10:00Z")
    assert [(x.evidence.id, x.stance) for x in d.linked] == [(1, "+"), (2, "-")]
    assert d.cited == {1: "Envoy visits Bamako"}
    assert d.kinds["Sahel Monitor"] == "source"
    scores = {p.analyst: p for p in d.scores}
    assert scores["Sahel Monitor"].brier == pytest.approx(0.04) and scores["Sahel Monitor"].source
    assert scores["amina"].brier == pytest.approx(5.41 / 43)
    assert scores["amina"].coverage == pytest.approx(43 / 45)
    assert scores["jo"].brier == pytest.approx(0.64)
    assert scores["@team"].brier == pytest.approx(13.6725 / 43)


def test_an_open_question_has_no_scores_and_an_unknown_one_is_not_found(ledger):
    assert dossiers.dossier(ledger, "embassy").scores == ()
    with pytest.raises(NotFound):
        dossiers.dossier(ledger, "nope")


def test_due_lists_overdue_and_closing_within_the_horizon(ledger):
    found = dossiers.due(ledger, 14)
    # now 03-10 12:00: sanctions overdue (resolves by 03-08), embassy closes 03-20 (in 9.5 days);
    # base closes 06-30 (too far); minerals and troops are resolved.
    assert [q.slug for q in found.questions] == ["sanctions", "embassy"]
    assert [q.slug for q in dossiers.due(ledger, 9).questions] == ["sanctions"]


def test_an_analysts_record(ledger):
    record = dossiers.analyst_record(ledger, "amina")
    assert [(q.slug, round(p.brier, 6)) for q, p in record.questions] == [("troops", 0.39),
                                                                        ("minerals", round(5.41 / 43, 6))]
    assert record.summary.questions == 2
    assert record.summary.brier == pytest.approx((0.39 + 5.41 / 43) / 2)
    with pytest.raises(NotFound):
        dossiers.analyst_record(ledger, "nobody")


def test_the_queue(ledger):
    # amina: embassy has evidence 3 linked 03-01 after her 02-01 forecast and closes within 14 days;
    # base she never forecast. jo forecast neither.
    amina = dossiers.queue(ledger, "amina")
    assert [(i.question.slug, i.last_forecast is None, i.new_evidence, i.closing_soon) for i in amina.items] == [
        ("embassy", False, (3,), True), ("base", True, (), False)]
    assert [i.question.slug for i in dossiers.queue(ledger, "jo").items] == ["embassy", "base"]


def test_timeline_facts_team_from_persons_only(ledger):
    facts = dossiers.timeline_facts(ledger, "minerals")
    assert facts.until == AT("2026-02-15")
    assert [f.id for f in facts.forecasts] == [1, 2, 3, 5]  # 4 withdrawn
    assert [(at, round(p[0], 6)) for at, p in facts.team] == [
        (AT("2026-01-03"), 0.6), (AT("2026-01-06"), 0.4), (AT("2026-01-25"), 0.45)]


def test_timeline_facts_of_an_open_question_end_now(ledger, fixed_now):
    facts = dossiers.timeline_facts(ledger, "embassy")
    assert facts.until == fixed_now
    assert facts.team == ((AT("2026-02-01"), (0.3, 0.7)),)


def test_calibration_facts_count_the_questions_behind_the_points(ledger):
    everyone = dossiers.calibration_facts(ledger)
    # points: minerals amina .7 (yes), jo .2 (yes); troops amina .2 .5 .3 and jo .1 .3 .6 with
    # only `3 or more` happening: 8 points from 2 questions.
    assert everyone.questions == 2 and sum(b.n for b in everyone.bins) == 8
    assert [b.n for b in everyone.bins] == [0, 1, 2, 2, 0, 1, 1, 1, 0, 0]
    source = dossiers.calibration_facts(ledger, analyst="Sahel Monitor")
    assert source.questions == 1 and [b.n for b in source.bins][8] == 1


def test_discrimination_facts_are_the_final_yes_no_pairs_of_persons(ledger):
    pairs = dossiers.discrimination_facts(ledger).pairs
    assert sorted((p.analyst, p.final_p, p.happened) for p in pairs) == [("amina", 0.7, True), ("jo", 0.2, True)]


def test_score_facts_with_an_analyst_keep_the_team_beside(ledger):
    pairs = dossiers.score_facts(ledger, analyst="jo").pairs
    assert sorted((p.analyst, p.question) for p in pairs) == [
        ("@team", "minerals"), ("@team", "troops"), ("jo", "minerals"), ("jo", "troops")]
    with pytest.raises(NotFound):
        dossiers.score_facts(ledger, analyst="nobody")
