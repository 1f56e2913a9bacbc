"""The report reads its questions once (`report_data._questions`) and hands the resolved ones to
scoring (`scores.resolved_of`) instead of scoring reading them again: both must be the same
questions, with the same values in force — amended dates, a choice outcome's index, an annulment,
tags — or the report's scores would differ from `ledger score`."""

from __future__ import annotations

import numpy as np

from ledger.store import report_data, scores
from ledger.store.ledger import Ledger


def test_the_reports_questions_are_scorings_questions(sahel):
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "junta", "--title", "Will the junta hold elections?",
          "--criteria", "Yes if a presidential vote is held.", "--closes", "2099-12-31", "--tag", "politics",
          "--tag", "elections")
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "void", "--title", "Will it be voided?",
          "--criteria", "Annulled if the question is moot.", "--closes", "2099-12-31")
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "open", "--title", "Still open?",
          "--criteria", "Yes if so.", "--closes", "2099-12-31")
    sahel("question", "amend", "minerals", "--closes", "2099-06-30", "--reason", "Talks slipped")
    sahel("resolve", "minerals", "yes")
    sahel("resolve", "troops", "3 or more")
    sahel("resolve", "junta", "no")
    sahel("resolve", "void", "annulled")

    ledger = Ledger(sahel.url)
    try:
        with ledger.read() as view:
            table = report_data._questions(view.conn, None)
            given = scores.resolved_of(view.conn, table.id, table.slug, table.scenario, table.options, table.binary,
                                       table.opens_at, table.closes_at, table.outcome, table.known_at)
            read = scores._resolved_questions(view.conn)
    finally:
        ledger.close()

    assert given.slug == read.slug == ["minerals", "troops", "junta", "void"]  # not the open one
    assert given.outcome.tolist() == read.outcome.tolist() == [0, 2, 1, -1]  # yes; "3 or more"; no; annulled
    assert given.n_options.tolist() == read.n_options.tolist() == [2, 3, 2, 2]
    assert given.tags == read.tags and given.tags[2] == ("elections", "politics")
    assert given.scenario == read.scenario
    for field in ("id", "binary", "opens_at", "closes_at", "known_at"):
        assert np.array_equal(getattr(given, field), getattr(read, field)), field
