"""The report's `@team`: one `team_steps` pass over the report's tables must give, question by
question, `team_series` of that question's persons' counted forecasts (withdrawn forecasts and
sources left out), and `team_moves` the move that series makes in the period, found step by step."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.period import Period
from ledger.core.scoring import team_series
from ledger.reports.build import team_moves, team_of
from ledger.store.report_data import UNRESOLVED, ForecastTable, QuestionTable
from tests.core.test_scoring_reference import random_ledgers


def tables(questions, forecasts, withdrawn, source):
    """A QuestionTable and a ForecastTable (recording order = `order`) of a random ledger."""
    n = len(questions)
    qt = QuestionTable(
        id=np.arange(1, n + 1), slug=[f"q{i}" for i in range(n)], title=[f"Q{i}" for i in range(n)],
        scenario=[None] * n, options=[("yes", "no") if q["binary"] else tuple(f"o{k}" for k in range(q["options"]))
                                      for q in questions],
        binary=np.array([q["binary"] for q in questions]), opens_at=np.array([q["opens"] for q in questions]),
        closes_at=np.array([q["closes"] for q in questions]), resolves_by=np.array([q["closes"] for q in questions]),
        created_at=np.array([q["opens"] for q in questions]), outcome=[None] * n,
        known_at=np.full(n, UNRESOLVED), note=[None] * n, amended={})
    by_order = sorted(range(len(forecasts)), key=lambda i: forecasts[i]["order"])
    widths = [len(forecasts[i]["p"]) for i in by_order]
    ft = ForecastTable(
        id=np.array([forecasts[i]["order"] + 1 for i in by_order], dtype=np.int64),
        question=np.array([forecasts[i]["q"] for i in by_order], dtype=np.int64),
        analyst=np.array([forecasts[i]["analyst"] for i in by_order], dtype=np.int64),
        made_at=np.array([forecasts[i]["made_at"] for i in by_order], dtype=np.int64),
        withdrawn=np.array([withdrawn[i] for i in by_order], dtype=bool),
        source=np.array([forecasts[i]["analyst"] in source for i in by_order], dtype=bool),
        off=np.concatenate(([0], np.cumsum(widths)[:-1])).astype(np.int64) if widths else np.zeros(0, np.int64),
        probs=np.array([x for i in by_order for x in forecasts[i]["p"]], dtype=float), rationale={}, evidence={})
    return qt, ft


def old_move(series, period, binary):
    """The move of one series in the period, found step by step (the report's rule, SPEC 8)."""
    times, probs = series.times.tolist(), [tuple(row) for row in series.probs.tolist()]

    def at(t):
        i = int(np.searchsorted(times, t, side="left")) - 1
        return probs[i] if i >= 0 else None

    after = at(period.end)
    if after is None or not any(period.start <= t < period.end for t in times):
        return None
    before = at(period.start)
    if before is None:
        before = probs[next(i for i, t in enumerate(times) if t >= period.start)]
    deltas = [abs(a - b) for a, b in zip(after[:1] if binary else after, before)]
    k = deltas.index(max(deltas))
    return k, before[k], after[k]


@settings(max_examples=200, deadline=None)
@given(random_ledgers(max_questions=6, max_forecasts=40, max_analyst=6), st.data())
def test_the_reports_team_is_team_series_of_persons_counted_forecasts(ledger, data):
    questions, forecasts = ledger
    withdrawn = data.draw(st.lists(st.booleans(), min_size=len(forecasts), max_size=len(forecasts)))
    source = set(data.draw(st.lists(st.integers(0, 6), max_size=2)))
    qt, ft = tables(questions, forecasts, withdrawn, source)
    until = np.array([min(q["closes"], q["known"]) for q in questions], dtype=np.int64)
    steps = team_of(qt, ft, until, np.ones(len(questions), dtype=bool))
    lo, hi = sorted(data.draw(st.lists(st.integers(0, 60), min_size=2, max_size=2)))
    unit = 1 if questions[0]["opens"] < 10**9 else 3_600_000_000
    base = 0 if unit == 1 else 1_767_225_600_000_000
    period = Period.between(base + lo * unit, base + hi * unit + 1)
    moved, option, before, after = team_moves(steps, qt.binary, period)
    for qi, q in enumerate(questions):
        mine = [f for i, f in enumerate(forecasts)
                if f["q"] == qi and not withdrawn[i] and f["analyst"] not in source]
        mine.sort(key=lambda f: f["order"])  # the report passes them in recording order
        probs = [f["p"][0] for f in mine] if q["binary"] else np.array(
            [f["p"] for f in mine], dtype=float).reshape(len(mine), q["options"])
        want = team_series([f["made_at"] for f in mine], [f["analyst"] for f in mine], probs,
                           order=[f["order"] for f in mine], until=int(until[qi]))
        got = steps.series(qi)
        assert got.times.tolist() == want.times.tolist() and got.probs.tolist() == want.probs.tolist()
        move = old_move(want, period, q["binary"])
        assert bool(moved[qi]) == (move is not None)
        if move is not None:
            assert (int(option[qi]), float(before[qi]), float(after[qi])) == move
