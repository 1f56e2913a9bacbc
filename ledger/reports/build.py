"""Computing the `Report` from one `ReportInput` (one snapshot) and one scoring pass.

Everything is as of the report's as-of: a question counts as resolved once its resolution in
force became known by then (as `score --as-of` counts it), forecasts and evidence made after it
are not seen. Orders are fixed (by time, then id or slug) so that the same ledger, options and
as-of give the same report, byte for byte once rendered.

Questions and forecasts are rows of the input's tables: each section counts, sorts and picks
rows with numpy over all of them and makes objects only for the rows it lists. The `@team`
series of every question a section can show come from one `team_steps` pass; scores, the
team's final forecasts, calibration and discrimination from the one scoring pass.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from ledger.core.errors import BadInput
from ledger.core.model import ANNULLED, STATUSES
from ledger.core.period import Period
from ledger.core.rules import amendment_changes
from ledger.core.scoring import TEAM, TEAM_ANALYST, TeamSteps, aggregate, score_pairs, team_steps
from ledger.core.scoring.arrays import ranges
from ledger.core.timeutil import DAY, format_instant, to_us
from ledger.reports import report as r
from ledger.reports.data import PERSON, SOURCE, AmendmentTick, EvidenceTick, ForecastLine, ForecastStep, Timeline
from ledger.reports.figures import job_from
from ledger.store.report_data import ForecastTable, QuestionTable, ReportInput

if TYPE_CHECKING:  # pragma: no cover
    from ledger.reports.drawer import Drawer

#: A status as a number: its index in STATUSES.
CODE = {status: i for i, status in enumerate(STATUSES)}


def statuses_at(qt: QuestionTable, as_of: int) -> np.ndarray:
    """Each question's status at `as_of` (its `CODE`): its resolution counts once it became
    known by then; the first that applies, as `Question.status`."""
    known = qt.known_at <= as_of
    annulled = np.array([o == ANNULLED for o in qt.outcome], dtype=bool)
    return np.select([known & annulled, known, as_of < qt.opens_at, as_of < qt.closes_at, as_of >= qt.resolves_by],
                     [CODE["annulled"], CODE["resolved"], CODE["upcoming"], CODE["open"], CODE["overdue"]],
                     default=CODE["closed"])


def team_of(qt: QuestionTable, ft: ForecastTable, until: np.ndarray, wanted: np.ndarray) -> TeamSteps:
    """The `@team` series of the `wanted` questions, each to its `until`: persons' forecasts
    only, withdrawn ones left out (SPEC 6)."""
    rows = np.flatnonzero(~ft.withdrawn & ~ft.source & wanted[ft.question])
    q = ft.question[rows]
    n_options = np.array([len(o) for o in qt.options], dtype=np.int64)
    width = np.where(qt.binary, 1, n_options)[q]
    probs = ft.probs[np.repeat(ft.off[rows], width) + ranges(width)]
    return team_steps(q, ft.made_at[rows], ft.analyst[rows], probs, n_options=n_options, binary=qt.binary,
                      until=until, order=ft.id[rows])


def team_moves(steps: TeamSteps, binary: np.ndarray, period: Period) -> tuple[np.ndarray, ...]:
    """Each question's largest team move in the period: (moved, option, before, after).

    A question moved if the team changed in the period; `before` is the team at its start (or
    its first value in it), `after` at its end, and the option is the one whose probability
    changed most (the first on a tie; yes for a yes/no question, whose p_no moves the same but
    for rounding)."""
    n_q = len(steps.start) - 1
    if len(steps.times) == 0:
        zero = np.zeros(n_q)
        return np.zeros(n_q, dtype=bool), np.zeros(n_q, dtype=np.int64), zero, zero
    s0 = steps.start[:-1]
    of = np.repeat(np.arange(n_q), np.diff(steps.start))  # each step's question
    n_start = np.bincount(of[steps.times < period.start], minlength=n_q)
    n_end = np.bincount(of[steps.times < period.end], minlength=n_q)
    moved = n_end > n_start  # a step in the period
    last = len(steps.times) - 1  # (the clip keeps questions without steps in range; they did not move)
    after = steps.probs[np.minimum(np.maximum(s0 + n_end - 1, 0), last)]
    before = steps.probs[np.minimum(np.where(n_start > 0, s0 + n_start - 1, s0), last)]
    delta = np.abs(after - before)
    delta[binary, 1:] = -np.inf
    delta[np.isnan(delta)] = -np.inf  # options a question does not have
    option = np.argmax(delta, axis=1)
    pick = np.arange(n_q)
    return moved, option, before[pick, option], after[pick, option]


class _Builder:
    """Holds the indexes the sections share; `report()` assembles them."""

    def __init__(self, data: ReportInput, period: Period, scenario: str | None) -> None:
        self.data, self.period, self.scenario, self.as_of = data, period, scenario, data.as_of
        qt, ft = self.q, self.f = data.questions, data.forecasts
        self.handle = {a.id: a.handle for a in data.analysts}
        self.evidence = {e.id: e for e in data.evidence}
        self.shown = (qt.opens_at < self.as_of) | (qt.created_at < self.as_of)  # the questions it counts
        self.status = statuses_at(qt, self.as_of)
        self.by_question = np.argsort(ft.question, kind="stable")  # recording order within a question
        self.q_start = np.searchsorted(ft.question[self.by_question], np.arange(len(qt) + 1))
        self.in_period = (ft.made_at >= period.start) & (ft.made_at < period.end)
        self.counted = ~ft.withdrawn & ~ft.source  # persons' counted forecasts
        scored = data.scored
        self.pairs = score_pairs(scored.input, "time")
        self.source_pairs = score_pairs(scored.sources, "time") if scored.sources is not None else None
        self.scored_index = {slug: i for i, slug in enumerate(scored.slugs)}
        self.index, self.source_index = self._pair_index(self.pairs), self._pair_index(self.source_pairs)
        self._finals: dict[int, float] | None = None
        done = np.isin(self.status, (CODE["resolved"], CODE["annulled"]))  # the team stops at the cutoff
        until = np.where(done, np.minimum(np.minimum(qt.closes_at, qt.known_at), self.as_of), self.as_of)
        # every question a section can show the team of: all but those resolved before the
        # period (their scores come from the scoring pass), but a scenario's all, and new ones
        wanted = (~(done & (qt.known_at < period.start)) | np.array([s is not None for s in qt.scenario], dtype=bool)
                  | (qt.opens_at >= period.start))
        self.team = team_of(qt, ft, until, wanted)
        self.moved, self.option, self.before, self.after = team_moves(self.team, qt.binary, period)

    # -- shared pieces ------------------------------------------------------------------------

    def rows(self, mask: np.ndarray) -> list[int]:
        """The questions shown where `mask` holds, by id."""
        return np.flatnonzero(self.shown & mask).tolist()

    def forecasts_of(self, i: int) -> np.ndarray:
        """Question i's forecasts, in recording order."""
        return self.by_question[self.q_start[i]:self.q_start[i + 1]]

    def chronological(self, rows: np.ndarray) -> list[int]:
        """Forecast rows by (made_at, id)."""
        ft = self.f
        return rows[np.lexsort((ft.id[rows], ft.made_at[rows]))].tolist()

    def probs(self, row: int) -> tuple[float, ...]:
        i = int(self.f.question[row])
        return self.f.probabilities(row, len(self.q.options[i]), bool(self.q.binary[i]))

    def ref(self, i: int) -> r.QuestionRef:
        qt = self.q
        return r.QuestionRef(int(qt.id[i]), qt.slug[i], qt.title[i], qt.scenario[i], qt.options[i], bool(qt.binary[i]))

    def status_of(self, i: int) -> str:
        return STATUSES[self.status[i]]

    def team_now(self, i: int) -> tuple[float, ...] | None:
        """The team forecast of question i at the as-of (at its cutoff once resolved), or None."""
        end = int(self.team.start[i + 1])
        if end == self.team.start[i]:
            return None
        return tuple(self.team.probs[end - 1, :len(self.q.options[i])].tolist())

    def team_final(self, i: int) -> float | None:
        """The team's final counted forecast of question i's outcome, from the scoring pass (the
        same median rule as `team_steps`)."""
        if self._finals is None:
            pairs, finals = self.pairs, {}
            team = pairs.analyst[pairs.point_pair] == TEAM_ANALYST
            binary = self.data.scored.input.binary
            for pair, p, o in zip(pairs.point_pair[team].tolist(), pairs.point_p[team].tolist(),
                                  pairs.point_o[team].tolist()):
                qi = int(pairs.question[pair])
                if binary[qi]:
                    finals[qi] = p if o else 1.0 - p
                elif o:
                    finals[qi] = p
            self._finals = finals
        qi = self.scored_index.get(self.q.slug[i])
        return None if qi is None else self._finals.get(qi)

    def forecasters(self, i: int) -> int:
        """Persons with a counted forecast on question i."""
        rows = self.forecasts_of(i)
        return len(np.unique(self.f.analyst[rows[self.counted[rows]]]))

    def moved_by(self, i: int) -> float:
        """How far the team moved on question i in the period (0 if it did not)."""
        return abs(float(self.after[i]) - float(self.before[i])) if self.moved[i] else 0.0

    def _pair_index(self, pairs) -> tuple[np.ndarray, np.ndarray] | None:
        """Pair rows grouped by question: (order, start of each question's rows)."""
        if pairs is None:
            return None
        order = np.argsort(pairs.question, kind="stable")
        starts = np.searchsorted(pairs.question[order], np.arange(len(self.data.scored.slugs) + 1))
        return order, starts

    def scores_of(self, i: int) -> list[r.PairScore]:
        """Persons' and sources' time-averaged Brier on question i (by handle, sources after), then `@team`'s."""
        qi = self.scored_index.get(self.q.slug[i])
        if qi is None:
            return []
        keys = self.data.scored.analyst_keys
        found: list[r.PairScore] = []
        team: list[r.PairScore] = []
        for pairs, index, kind in ((self.pairs, self.index, PERSON), (self.source_pairs, self.source_index, SOURCE)):
            if index is None:
                continue
            rows = index[0][index[1][qi]:index[1][qi + 1]]
            for ai, b in zip(pairs.analyst[rows].tolist(), pairs.brier[rows].tolist()):
                if ai != TEAM_ANALYST:
                    found.append(r.PairScore(keys[ai], kind, b))
                elif kind == PERSON:
                    team.append(r.PairScore(TEAM, "team", b))
        return sorted(found, key=lambda p: (p.kind == SOURCE, p.analyst)) + team

    def item(self, e) -> r.EvidenceItem:
        return r.EvidenceItem(e.id, e.summary, e.source, e.observed_on, e.logged_at, e.analyst,
                              tuple((link.question_slug, link.stance) for link in e.links))

    def due(self, i: int) -> r.Due:
        return r.Due(self.ref(i), self.status_of(i), int(self.q.closes_at[i]), int(self.q.resolves_by[i]),
                     self.team_now(i))

    def listed(self, rows: list[int], key) -> tuple[int, list[int]]:
        """How many rows there are, and the first `LISTED` of them in the order of `key`."""
        return len(rows), sorted(rows, key=key)[:r.LISTED]

    # -- sections -----------------------------------------------------------------------------

    def counts(self) -> r.Counts:
        statuses = dict(zip(STATUSES, np.bincount(self.status[self.shown], minlength=len(STATUSES)).tolist()))
        ft, period = self.f, self.period
        in_period = self.in_period & ~ft.source
        counted = in_period & ~ft.withdrawn
        resolved = self.shown & np.isin(self.status, (CODE["resolved"], CODE["annulled"])) \
            & (self.q.known_at >= period.start) & (self.q.known_at < period.end)
        return r.Counts(int(self.shown.sum()), statuses, int(counted.sum()), len(np.unique(ft.analyst[counted])),
                        int(in_period.sum() - counted.sum()),
                        sum(1 for e in self.data.evidence if period.contains(e.logged_at)), int(resolved.sum()))

    def new_questions(self) -> tuple[int, tuple[r.NewQuestion, ...]]:
        """How many questions opened in the period, and the first `LISTED` of them."""
        qt = self.q
        n, rows = self.listed(self.rows((qt.opens_at >= self.period.start) & (qt.opens_at < self.period.end)),
                              key=lambda i: (qt.opens_at[i], qt.id[i]))
        return n, tuple(r.NewQuestion(self.ref(i), int(qt.opens_at[i]), int(qt.closes_at[i]), self.team_now(i),
                                      self.forecasters(i)) for i in rows)

    def moves(self) -> tuple[r.Move, ...]:
        qt, ft = self.q, self.f
        found = [(i, int(self.option[i]), float(self.before[i]), float(self.after[i]))
                 for i in self.rows(self.moved & (self.after != self.before))]
        found.sort(key=lambda m: (-abs(m[3] - m[2]), qt.slug[m[0]]))
        out = []
        for i, k, before, after in found[:r.MOST_MOVES]:
            rows = self.forecasts_of(i)
            reasons = tuple(
                r.Reasoning(int(ft.id[f]), self.handle[int(ft.analyst[f])], int(ft.made_at[f]), self.probs(f),
                            ft.rationale.get(int(ft.id[f])),
                            tuple(self.item(self.evidence[e]) for e in ft.evidence.get(int(ft.id[f]), ())
                                  if e in self.evidence))
                for f in self.chronological(rows[self.counted[rows] & self.in_period[rows]]))
            out.append(r.Move(self.ref(i), qt.options[i][k], before, after, after - before, reasons))
        return tuple(out)

    def new_evidence(self) -> tuple[r.EvidenceItem, ...]:
        return tuple(self.item(e) for e in sorted(self.data.evidence, key=lambda e: (e.logged_at, e.id))
                     if self.period.contains(e.logged_at))

    def resolutions(self) -> tuple[tuple[int, tuple[r.Resolved, ...]], tuple[int, tuple[r.Resolved, ...]]]:
        """(how many, the first listed) of the resolutions in the period and of the surprises among them."""
        qt = self.q
        rows = sorted(self.rows((self.status == CODE["resolved"]) & (qt.known_at >= self.period.start)
                                & (qt.known_at < self.period.end)), key=lambda i: (qt.known_at[i], qt.slug[i]))
        final = {i: self.team_final(i) for i in rows}
        surprises = [i for i in rows if final[i] is not None and final[i] < r.SURPRISE_BELOW]
        made: dict[int, r.Resolved] = {}

        def resolved(i: int) -> r.Resolved:
            if i not in made:
                made[i] = r.Resolved(self.ref(i), qt.outcome[i], int(qt.known_at[i]), final[i],
                                     tuple(self.scores_of(i)), qt.note[i])
            return made[i]

        return ((len(rows), tuple(resolved(i) for i in rows[:r.LISTED])),
                (len(surprises), tuple(resolved(i) for i in surprises[:r.LISTED])))

    def closing(self) -> tuple[int, tuple[r.Due, ...]]:
        """How many open questions close before the end of the next period, and the first listed."""
        qt = self.q
        n, rows = self.listed(self.rows((self.status == CODE["open"]) & (qt.closes_at < self.closing_by)),
                              key=lambda i: (qt.closes_at[i], qt.slug[i]))
        return n, tuple(self.due(i) for i in rows)

    def with_status(self, *statuses: str) -> tuple[int, tuple[r.Due, ...]]:
        """How many questions have one of these statuses, and the first listed."""
        qt = self.q
        n, rows = self.listed(self.rows(np.isin(self.status, [CODE[s] for s in statuses])),
                              key=lambda i: (qt.resolves_by[i], qt.slug[i]))
        return n, tuple(self.due(i) for i in rows)

    def amendments(self) -> tuple[r.AmendmentItem, ...]:
        out = []
        for i in sorted(self.q.amended):
            if not self.shown[i]:
                continue
            for a, changes in amendment_changes(self.q.amended[i]):
                if self.period.contains(a.amended_at):
                    out.append(r.AmendmentItem(self.ref(i), a.amended_at, a.by, a.reason, tuple(
                        r.Change(name, _shown(old), _shown(new)) for name, (old, new) in changes.items())))
        return tuple(sorted(out, key=lambda a: (a.amended_at, a.question.slug)))

    def leaderboard(self) -> tuple[r.LeaderRow, ...]:
        keys = self.data.scored.analyst_keys
        persons = aggregate(self.pairs, "analyst", analyst_keys=keys)
        rows = [r.LeaderRow(g.key, PERSON, g.questions, g.brier, g.relative_brier, g.coverage)
                for g in persons if g.key != TEAM]
        if self.source_pairs is not None:
            rows += [r.LeaderRow(g.key, SOURCE, g.questions, g.brier, None, g.coverage)
                     for g in aggregate(self.source_pairs, "analyst", analyst_keys=keys) if g.key != TEAM]
        rows.sort(key=lambda row: row.analyst)
        rows += [r.LeaderRow(TEAM, "team", g.questions, g.brier, None, g.coverage) for g in persons if g.key == TEAM]
        return tuple(rows)

    def calibration(self) -> r.CalibrationSummary:
        groups = aggregate(self.pairs, "all")
        persons = self.pairs.analyst != TEAM_ANALYST
        questions = len(np.unique(self.pairs.question[persons]))
        if not groups:
            empty = tuple(r.CalibrationBin(i / 10, (i + 1) / 10, 0, 0, None, None, None, None) for i in range(10))
            return r.CalibrationSummary(empty, 0, 0, None, None)
        cal = groups[0].calibration
        bins = tuple(r.CalibrationBin(b.lo, b.hi, b.n, round(b.freq * b.n) if b.n else 0, b.mean_p, b.freq,
                                      b.ci_low, b.ci_high) for b in cal.bins)
        return r.CalibrationSummary(bins, sum(b.n for b in bins), questions, cal.ece, cal.murphy)

    def discrimination(self) -> r.Discrimination:
        p = self.pairs
        binary = np.asarray(self.data.scored.input.binary, dtype=bool)
        keep = (p.analyst[p.point_pair] != TEAM_ANALYST) & binary[p.question[p.point_pair]]
        return r.Discrimination.of(p.point_p[keep], p.point_o[keep].astype(bool))

    def scenarios(self) -> tuple[r.ScenarioSection, ...]:
        return tuple(self.section(sc) for sc in sorted(self.data.scenarios, key=lambda sc: sc.slug))

    def section(self, sc) -> r.ScenarioSection:
        qt = self.q
        qs = self.rows(np.array([s == sc.slug for s in qt.scenario], dtype=bool))
        open_qs = sorted((i for i in qs if self.status[i] == CODE["open"]),
                         key=lambda i: (-self.moved_by(i), qt.slug[i]))
        drawn, rest = open_qs[:r.MOST_TIMELINES], open_qs[r.MOST_TIMELINES:]
        return r.ScenarioSection(
            sc, self.sources(qs), tuple(self.timeline(i) for i in drawn),
            tuple(r.OpenRow(self.ref(i), self.team_now(i), self.forecasters(i), int(qt.closes_at[i]), self.moved_by(i))
                  for i in rest))

    def sources(self, qs: list[int]) -> tuple[r.SourceSummary, ...]:
        ft, qt = self.f, self.q
        priors: dict[str, list[r.SourcePrior]] = defaultdict(list)
        for i in qs:
            rows = self.forecasts_of(i)
            mine = self.chronological(rows[ft.source[rows] & ~ft.withdrawn[rows]])
            if not mine:
                continue
            scores = {p.analyst: p.brier for p in self.scores_of(i)}
            resolved = self.status[i] == CODE["resolved"]
            for f in mine:
                handle = self.handle[int(ft.analyst[f])]
                priors[handle].append(r.SourcePrior(
                    self.ref(i), int(ft.made_at[f]), self.probs(f), ft.rationale.get(int(ft.id[f])), self.team_now(i),
                    self.status_of(i), qt.outcome[i] if resolved else None, scores.get(handle), scores.get(TEAM)))
        out = []
        for handle in sorted(priors):
            both = {p.question.slug: (p.source_brier, p.team_brier) for p in priors[handle]
                    if p.source_brier is not None and p.team_brier is not None}
            n = len(both)
            out.append(r.SourceSummary(handle, tuple(priors[handle]), n,
                                       sum(s for s, _ in both.values()) / n if n else None,
                                       sum(t for _, t in both.values()) / n if n else None))
        return tuple(out)

    def timeline(self, i: int) -> Timeline:
        ft, qt = self.f, self.q
        binary = bool(qt.binary[i])
        rows = self.forecasts_of(i)
        by: dict[str, list[ForecastStep]] = defaultdict(list)
        source: dict[str, bool] = {}
        for f in self.chronological(rows[~ft.withdrawn[rows]]):
            handle = self.handle[int(ft.analyst[f])]
            probs = self.probs(f)
            by[handle].append(ForecastStep(int(ft.made_at[f]), probs[:1] if binary else probs))
            source[handle] = bool(ft.source[f])
        lines = [ForecastLine(h, SOURCE if source[h] else PERSON, tuple(by[h]))
                 for h in sorted(by, key=lambda h: (not source[h], h))]
        s = self.team.series(i)
        if len(s.times):
            lines.append(ForecastLine(TEAM, "team", tuple(
                ForecastStep(t, tuple(p[:1] if binary else p)) for t, p in zip(s.times.tolist(), s.probs.tolist()))))
        ticks = []
        qid = int(qt.id[i])
        for e in self.data.evidence:
            for link in e.links:
                if link.question_id == qid:
                    at = to_us_date(e.observed_on) if e.observed_on else e.logged_at
                    ticks.append(EvidenceTick(at, link.stance, e.id))
        question = qt.amended.get(i)
        amended = () if question is None else tuple(
            AmendmentTick(a.amended_at, a.reason) for a in question.amendments if a.amended_at < self.as_of)
        return Timeline(qt.slug[i], qt.title[i], () if binary else qt.options[i], int(qt.opens_at[i]),
                        int(qt.closes_at[i]), self.as_of, tuple(lines), tuple(ticks), amended)

    def not_counted(self) -> tuple[r.NotCounted, dict[str, int]]:
        """What the scores leave out, and how many of each list there were before the cut."""
        n_unresolved, unresolved = self.with_status("closed", "overdue")
        n_annulled, annulled = self.listed(self.rows(self.status == CODE["annulled"]), key=lambda i: self.q.slug[i])
        totals = {"not_counted.unresolved": n_unresolved, "not_counted.annulled": n_annulled}
        return r.NotCounted(unresolved, tuple(self.ref(i) for i in annulled), int(self.f.withdrawn.sum())), totals

    @property
    def closing_by(self) -> int:
        """The end of the next period; a range from the beginning of time looks 30 days ahead."""
        try:
            return self.period.next().end
        except BadInput:
            return self.period.end + 30 * DAY

    def report(self, drawer: "Drawer | None" = None) -> r.Report:
        # the figures' data first, handed to the drawer at once: it draws while the rest is built
        calibration, discrimination, scenarios = self.calibration(), self.discrimination(), self.scenarios()
        if drawer is not None:
            drawer.submit(job_from(calibration, discrimination, scenarios))
        resolutions, surprises = self.resolutions()
        evidence, amendments = self.new_evidence(), self.amendments()
        # (total, the rows listed): rows are built only for those listed
        cut = {"new_questions": self.new_questions(), "closing": self.closing(), "overdue": self.with_status("overdue"),
               "new_evidence": (len(evidence), evidence[:r.LISTED]), "resolutions": resolutions,
               "surprises": surprises, "amendments": (len(amendments), amendments[:r.LISTED])}
        not_counted, more = self.not_counted()
        return r.Report(
            head=self.data.head, as_of=self.as_of, period=self.period, closing_by=self.closing_by,
            scenario=self.scenario, counts=self.counts(), moves=self.moves(),
            **{name: rows for name, (_, rows) in cut.items()},
            leaderboard=self.leaderboard(), calibration=calibration, discrimination=discrimination,
            scenarios=scenarios, not_counted=not_counted,
            totals={**{name: n for name, (n, _) in cut.items()}, **more}, demo=self.data.demo,
        )


def to_us_date(day: str) -> int:
    """00:00Z of an ISO date."""
    from datetime import datetime, timezone

    d = date.fromisoformat(day)
    return to_us(datetime(d.year, d.month, d.day, tzinfo=timezone.utc))


def _shown(value: object) -> str | None:
    """An amendment's value as text: instants as ISO UTC."""
    if value is None:
        return None
    if isinstance(value, int):
        return format_instant(value)
    return str(value)


def build_report(data: ReportInput, *, scenario: str | None = None, drawer: "Drawer | None" = None) -> r.Report:
    """The report for `data.period` from one snapshot's `data` (see the module docstring). Given
    a `drawer`, its figures are handed to it as soon as they are known (`Drawer.submit`), so they
    are drawn while the rest of the report is built and rendered."""
    return _Builder(data, data.period, scenario).report(drawer)
