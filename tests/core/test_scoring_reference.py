"""A deliberately naive, pure-Python reading of SPEC 6, compared with the vectorised engine
on random small ledgers.

The reference walks each question's distinct forecast times and asks, at each one, which
forecast of each analyst stands; it shares no code with `ledger.core.scoring`.
"""

import math
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core import scoring
from ledger.core.scoring import TEAM, TEAM_ANALYST, ScoringInput, aggregate, score_pairs

Z = 1.959963984540054
TOL = 1e-9


# -- the reference ---------------------------------------------------------------------------


def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def full_vector(question, p):
    """Probabilities over all options: binary p_yes becomes (p_yes, 1 − p_yes)."""
    return [p[0], 1 - p[0]] if question["binary"] else list(p)


def brier(question, p):
    if question["binary"]:
        o_yes = 1 if question["outcome"] == 0 else 0
        return (p[0] - o_yes) ** 2
    return 0.5 * sum((pk - (1 if k == question["outcome"] else 0)) ** 2 for k, pk in enumerate(p))


def log_loss(question, p):
    p_outcome = full_vector(question, p)[question["outcome"]]
    return -math.log(min(max(p_outcome, 0.001), 0.999))


def team_forecast(question, standing):
    """Median of the standing forecasts (choice: per option, renormalised, else means)."""
    if question["binary"]:
        return [median([p[0] for p in standing])]
    n = question["options"]
    medians = [median([p[k] for p in standing]) for k in range(n)]
    total = sum(medians)
    if total == 0:
        return [sum(p[k] for p in standing) / len(standing) for k in range(n)]
    return [m / total for m in medians]


def reference_pairs(questions, forecasts, method):
    """{(question, analyst or TEAM): dict of brier, log_loss, coverage, relative, final}."""
    result = {}
    for qi, question in enumerate(questions):
        cutoff = min(question["closes"], question["known"])
        counted = [f for f in forecasts if f["q"] == qi and f["made_at"] < cutoff]
        if not counted:
            continue
        analysts = sorted({f["analyst"] for f in counted})
        own = {a: sorted((f for f in counted if f["analyst"] == a),
                         key=lambda f: (f["made_at"], f["order"])) for a in analysts}

        def standing_at(a, moment):
            before = [f for f in own[a] if f["made_at"] <= moment]
            return before[-1]["p"] if before else None

        times = sorted({f["made_at"] for f in counted})
        bounds = list(zip(times, times[1:] + [cutoff]))  # [τ_j, τ_{j+1})
        t0 = times[0]

        for a in analysts:
            mine = own[a]
            t1 = mine[0]["made_at"]
            if method == "final":
                last = mine[-1]["p"]
                result[(qi, a)] = dict(brier=brier(question, last), log_loss=log_loss(question, last),
                                       coverage=None, relative=None, final=last)
                continue
            b_sum = l_sum = 0.0
            for i, f in enumerate(mine):
                end = mine[i + 1]["made_at"] if i + 1 < len(mine) else cutoff
                b_sum += brier(question, f["p"]) * (end - f["made_at"])
                l_sum += log_loss(question, f["p"]) * (end - f["made_at"])
            rel = 0.0
            for start, end in bounds:
                scores = {b: brier(question, standing_at(b, start)) for b in analysts
                          if standing_at(b, start) is not None}
                if a in scores:
                    rel += (scores[a] - median(list(scores.values()))) * (end - start)
            result[(qi, a)] = dict(
                brier=b_sum / (cutoff - t1), log_loss=l_sum / (cutoff - t1),
                coverage=(cutoff - t1) / (cutoff - question["opens"]),
                relative=rel / (cutoff - t0), final=mine[-1]["p"])

        team_at = [(start, end, team_forecast(
            question, [standing_at(b, start) for b in analysts if standing_at(b, start) is not None]))
            for start, end in bounds]
        final_team = team_at[-1][2]
        if method == "final":
            result[(qi, TEAM)] = dict(brier=brier(question, final_team),
                                      log_loss=log_loss(question, final_team),
                                      coverage=None, relative=None, final=final_team)
        else:
            span = cutoff - t0
            result[(qi, TEAM)] = dict(
                brier=sum(brier(question, p) * (e - s) for s, e, p in team_at) / span,
                log_loss=sum(log_loss(question, p) * (e - s) for s, e, p in team_at) / span,
                coverage=span / (cutoff - question["opens"]), relative=None, final=final_team)
    return result


def reference_points(questions, pairs):
    """{pair key: [(p, o), …]} from each pair's final forecast."""
    out = {}
    for (qi, who), value in pairs.items():
        question = questions[qi]
        if question["binary"]:
            out[(qi, who)] = [(value["final"][0], 1 if question["outcome"] == 0 else 0)]
        else:
            out[(qi, who)] = [(p, 1 if k == question["outcome"] else 0)
                              for k, p in enumerate(value["final"])]
    return out


def reference_calibration(pts):
    n_total = len(pts)
    bins = [[] for _ in range(10)]
    for p, o in pts:
        bins[min(math.floor(10 * p + 1e-9), 9)].append((p, o))
    o_bar = sum(o for _, o in pts) / n_total
    rows, ece, rel, res, wbv, wbc = [], 0.0, 0.0, 0.0, 0.0, 0.0
    for members in bins:
        n = len(members)
        if not n:
            rows.append((0, None, None, None, None))
            continue
        p_bar = sum(p for p, _ in members) / n
        f = sum(o for _, o in members) / n
        root = Z * math.sqrt(f * (1 - f) / n + Z * Z / (4 * n * n))
        low = (f + Z * Z / (2 * n) - root) / (1 + Z * Z / n)
        high = (f + Z * Z / (2 * n) + root) / (1 + Z * Z / n)
        rows.append((n, p_bar, f, low, high))
        ece += n * abs(p_bar - f) / n_total
        rel += n * (p_bar - f) ** 2 / n_total
        res += n * (f - o_bar) ** 2 / n_total
        wbv += sum((p - p_bar) ** 2 for p, _ in members) / n_total
        wbc += 2 * sum((p - p_bar) * (o - f) for p, o in members) / n_total
    murphy = dict(brier=sum((p - o) ** 2 for p, o in pts) / n_total, reliability=rel,
                  resolution=res, uncertainty=o_bar * (1 - o_bar), within_bin_variance=wbv,
                  within_bin_covariance=wbc)
    return rows, ece, murphy


def reference_groups(questions, pairs, handles):
    """`--by analyst` groups: (key, n, brier, log_loss, relative, coverage, calibration)."""
    pts = reference_points(questions, pairs)
    keys = sorted({handles[who] for _, who in pairs if who != TEAM})
    groups = []
    for key in keys + [TEAM]:
        members = [k for k in pairs if (k[1] == TEAM if key == TEAM else
                                        k[1] != TEAM and handles[k[1]] == key)]
        if not members:
            continue

        def mean(field):
            values = [pairs[k][field] for k in members]
            return None if values[0] is None else sum(values) / len(values)

        groups.append((key, len(members), mean("brier"), mean("log_loss"), mean("relative"),
                       mean("coverage"), reference_calibration([x for k in members for x in pts[k]])))
    return groups


# -- random ledgers --------------------------------------------------------------------------

probability = st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 0.75, 0.9, 1.0])


@st.composite
def random_ledgers(draw, max_questions=4, min_forecasts=0, max_forecasts=14, max_analyst=4):
    # times are base + steps·unit: small integers, or real microsecond timestamps (2026)
    base, unit = draw(st.sampled_from([(0, 1), (1_767_225_600_000_000, 3_600_000_000)]))
    questions = []
    for _ in range(draw(st.integers(1, max_questions))):
        binary = draw(st.booleans())
        options = 2 if binary else draw(st.integers(2, 4))
        opens = base + draw(st.integers(0, 10)) * unit
        questions.append(dict(binary=binary, options=options, opens=opens,
                              closes=opens + draw(st.integers(1, 30)) * unit,
                              known=opens + draw(st.integers(1, 40)) * unit,
                              outcome=draw(st.integers(0, options - 1))))
    n = draw(st.integers(min_forecasts, max_forecasts))
    order = draw(st.permutations(range(n)))
    forecasts = []
    for i in range(n):
        qi = draw(st.integers(0, len(questions) - 1))
        question = questions[qi]
        # times on a coarse grid so that ties and forecasts after the cutoff are common
        made_at = question["opens"] + draw(st.integers(0, 40)) * unit
        if question["binary"]:
            p = (draw(probability),)
        elif draw(st.booleans()):  # one-hot: drives medians that sum to 0
            hot = draw(st.integers(0, question["options"] - 1))
            p = tuple(1.0 if k == hot else 0.0 for k in range(question["options"]))
        else:
            raw = draw(st.lists(st.integers(0, 4), min_size=question["options"],
                                max_size=question["options"]).filter(any))
            p = tuple(x / sum(raw) for x in raw)
        forecasts.append(dict(q=qi, analyst=draw(st.integers(0, max_analyst)), made_at=made_at,
                              order=order[i], p=p))
    return questions, forecasts


# one-question ledgers crowd every analyst onto it: even counts, medians summing to 0
ledgers = st.one_of(random_ledgers(), random_ledgers(max_questions=1))


def to_input(questions, forecasts):
    return ScoringInput(
        opens_at=[q["opens"] for q in questions], closes_at=[q["closes"] for q in questions],
        known_at=[q["known"] for q in questions], outcome=[q["outcome"] for q in questions],
        n_options=[q["options"] for q in questions], binary=[q["binary"] for q in questions],
        question=[f["q"] for f in forecasts], analyst=[f["analyst"] for f in forecasts],
        made_at=[f["made_at"] for f in forecasts], order=[f["order"] for f in forecasts],
        probs=[x for f in forecasts for x in f["p"]],
    )


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOL


@settings(max_examples=300, deadline=None)
@given(ledgers, st.sampled_from(["time", "final"]))
def test_engine_matches_reference(ledger, method):
    check_against_reference(ledger, method)


@settings(max_examples=200, deadline=None)
@given(ledgers, st.sampled_from(["time", "final"]), st.integers(1, 12),
       st.integers(0, 3))
def test_engine_matches_reference_on_every_path(ledger, method, budget, loop_above):
    # A tiny grid budget forces many chunks and event blocks carried from one to the next
    # (long questions); a low analyst threshold sends questions to the event-by-event path
    # (questions with many analysts).
    with mock.patch.object(scoring, "_CELL_BUDGET", budget), \
            mock.patch.object(scoring, "_LOOP_MIN_ANALYSTS", loop_above):
        check_against_reference(ledger, method)


@settings(max_examples=40, deadline=None)
@given(random_ledgers(max_questions=2, min_forecasts=20, max_forecasts=70, max_analyst=30),
       st.sampled_from(["time", "final"]))
def test_engine_matches_reference_on_crowded_questions(ledger, method):
    # More than 16 events or analysts on a question: padded grid shapes.
    check_against_reference(ledger, method)


def check_against_reference(ledger, method):
    questions, forecasts = ledger
    expected = reference_pairs(questions, forecasts, method)
    scores = score_pairs(to_input(questions, forecasts), method)

    def opt(x):
        return None if math.isnan(x) else float(x)

    got = {}
    for i in range(len(scores.question)):
        who = TEAM if scores.analyst[i] == TEAM_ANALYST else int(scores.analyst[i])
        got[(int(scores.question[i]), who)] = dict(
            brier=float(scores.brier[i]), log_loss=float(scores.log_loss[i]),
            coverage=opt(scores.coverage[i]), relative=opt(scores.relative_brier[i]),
            points=[(float(p), int(o)) for p, o, pp in
                    zip(scores.point_p, scores.point_o, scores.point_pair) if pp == i])
    assert set(got) == set(expected)
    want_points = reference_points(questions, expected)
    for key, want in expected.items():
        for field in ("brier", "log_loss", "coverage", "relative"):
            assert close(got[key][field], want[field]), (key, field, got[key][field], want[field])
        assert len(got[key]["points"]) == len(want_points[key])
        for (gp, go), (wp, wo) in zip(got[key]["points"], want_points[key]):
            assert go == wo and abs(gp - wp) <= TOL, key

    handles = ["d", "B", "a", "c", "Ä"] + [f"x{i:02}" for i in range(5, 50)]
    groups = aggregate(scores, "analyst", analyst_keys=handles)
    want_groups = reference_groups(questions, expected, handles)
    assert [g.key for g in groups] == [w[0] for w in want_groups]
    for g, (key, n, b, ll, rel, cov, (rows, ece, murphy)) in zip(groups, want_groups):
        assert g.questions == n
        for got_v, want_v in ((g.brier, b), (g.log_loss, ll), (g.relative_brier, rel),
                              (g.coverage, cov), (g.calibration.ece, ece)):
            assert close(got_v, want_v), (key, got_v, want_v)
        for field, want_v in murphy.items():
            assert close(getattr(g.calibration.murphy, field), want_v), (key, field)
        for got_bin, want_bin in zip(g.calibration.bins, rows):
            assert got_bin.n == want_bin[0]
            for got_v, want_v in zip((got_bin.mean_p, got_bin.freq, got_bin.ci_low,
                                      got_bin.ci_high), want_bin[1:]):
                assert close(got_v, want_v), (key, got_bin, want_bin)
