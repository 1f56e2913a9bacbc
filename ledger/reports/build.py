"""Computing the `Report` from one `ReportInput` (one snapshot) and one scoring pass.

Everything is as of the report's as-of: a question counts as resolved once its resolution in
force became known by then (as `score --as-of` counts it), forecasts and evidence made after it
are not seen. Orders are fixed (by time, then id or slug) so that the same ledger, options and
as-of give the same report, byte for byte once rendered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable

import numpy as np

from ledger.core.errors import BadInput
from ledger.core.model import ANNULLED, STATUSES, Evidence, Forecast, Question
from ledger.core.period import Period
from ledger.core.rules import amendment_changes
from ledger.core.scoring import TEAM, TEAM_ANALYST, aggregate, score_pairs, team_series
from ledger.core.timeutil import DAY, format_instant, to_us
from ledger.reports import report as r
from ledger.reports.data import (
    PERSON,
    SOURCE,
    AmendmentTick,
    EvidenceTick,
    FinalForecast,
    ForecastLine,
    ForecastStep,
    Timeline,
    right_side_of_maybe,
)
from ledger.store.report_data import ReportInput


def status_at(q: Question, as_of: int) -> str:
    """The question's status at `as_of`: its resolution counts once it became known by then."""
    res = q.resolution
    if res is not None and res.known_at <= as_of:
        return "annulled" if res.outcome == ANNULLED else "resolved"
    if as_of < q.opens_at:
        return "upcoming"
    if as_of < q.closes_at:
        return "open"
    return "overdue" if as_of >= q.resolves_by else "closed"


def ref(q: Question) -> r.QuestionRef:
    return r.QuestionRef(q.id, q.slug, q.title, q.scenario, q.options, q.kind == "binary")


@dataclass
class _Series:
    """A question's `@team` step series as plain lists (times, probabilities per step)."""

    times: list[int]
    probs: list[tuple[float, ...]]
    binary: bool = True

    def at(self, t: int) -> tuple[float, ...] | None:
        """The team standing just before `t`, or None before any forecast."""
        i = int(np.searchsorted(self.times, t, side="left")) - 1
        return self.probs[i] if i >= 0 else None

    def move(self, period: Period) -> tuple[int, float, float] | None:
        """(option index, before, after) of the largest move in the period, or None."""
        after = self.at(period.end)
        if after is None or not any(period.start <= t < period.end for t in self.times):
            return None
        before = self.at(period.start)
        if before is None:  # first forecast in the period: moves from the first team value
            before = self.probs[next(i for i, t in enumerate(self.times) if t >= period.start)]
        # a yes/no question moves by its p_yes (p_no's change is the same, up to rounding)
        deltas = [abs(a - b) for a, b in zip(after[:1] if self.binary else after, before)]
        k = deltas.index(max(deltas))
        return k, before[k], after[k]


class _Builder:
    """Holds the indexes the sections share; `report()` assembles them."""

    def __init__(self, data: ReportInput, period: Period, scenario: str | None) -> None:
        self.data, self.period, self.scenario, self.as_of = data, period, scenario, data.as_of
        self.kind = {a.handle: a.kind for a in data.analysts}
        self.number = {a.handle: a.id for a in data.analysts}
        self.questions = [q for q in data.questions if q.opens_at < self.as_of or q.created_at < self.as_of]
        self.status = {q.id: status_at(q, self.as_of) for q in self.questions}
        self.by_question: dict[int, list[Forecast]] = defaultdict(list)
        for f in data.forecasts:
            self.by_question[f.question_id].append(f)
        self.evidence = {e.id: e for e in data.evidence}
        self._series_cache: dict[int, _Series] = {}
        self._finals: dict[int, float] | None = None
        self.active = {f.question_id for f in data.forecasts if period.contains(f.made_at)}
        scored = data.scored
        self.pairs = score_pairs(scored.input, "time")
        self.source_pairs = score_pairs(scored.sources, "time") if scored.sources is not None else None
        self.scored_index = {slug: i for i, slug in enumerate(scored.slugs)}
        self.index, self.source_index = self._pair_index(self.pairs), self._pair_index(self.source_pairs)

    # -- shared pieces ------------------------------------------------------------------------

    def persons(self, q: Question) -> list[Forecast]:
        """Persons' counted (not withdrawn) forecasts on q, in recording order."""
        return [f for f in self.by_question[q.id] if f.withdrawn is None and self.kind.get(f.analyst) == PERSON]

    def series(self, q: Question) -> _Series:
        """q's `@team` series up to the as-of (to the cutoff once resolved), computed once."""
        if q.id not in self._series_cache:
            self._series_cache[q.id] = self._series(q)
        return self._series_cache[q.id]

    def _series(self, q: Question) -> _Series:
        mine = self.persons(q)
        until = self.as_of
        if self.status[q.id] in ("resolved", "annulled"):
            until = min(until, q.closes_at, q.resolution.known_at)
        if not mine:
            return _Series([], [], q.kind == "binary")
        probs = [f.probabilities[0] for f in mine] if q.kind == "binary" else [f.probabilities for f in mine]
        s = team_series([f.made_at for f in mine], [self.number[f.analyst] for f in mine], probs, until=until,
                        order=[f.id for f in mine])
        return _Series(s.times.tolist(), [tuple(row) for row in s.probs.tolist()], q.kind == "binary")

    def team_final(self, q: Question) -> float | None:
        """The team's final counted forecast of q's outcome, from the scoring pass (the same
        median rule as `team_series`, without a series per question)."""
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
        qi = self.scored_index.get(q.slug)
        return None if qi is None else self._finals.get(qi)

    def team_now(self, q: Question) -> tuple[float, ...] | None:
        s = self.series(q)
        return s.probs[-1] if s.probs else None

    def forecasters(self, q: Question) -> int:
        return len({f.analyst for f in self.persons(q)})

    def _pair_index(self, pairs) -> tuple[np.ndarray, np.ndarray] | None:
        """Pair rows grouped by question: (order, start of each question's rows)."""
        if pairs is None:
            return None
        order = np.argsort(pairs.question, kind="stable")
        starts = np.searchsorted(pairs.question[order], np.arange(len(self.data.scored.slugs) + 1))
        return order, starts

    def scores_of(self, q: Question) -> list[r.PairScore]:
        """Persons' and sources' time-averaged Brier on q (by handle, sources after), then `@team`'s."""
        qi = self.scored_index.get(q.slug)
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

    def item(self, e: Evidence) -> r.EvidenceItem:
        return r.EvidenceItem(e.id, e.summary, e.source, e.observed_on, e.logged_at, e.analyst,
                              tuple((link.question_slug, link.stance) for link in e.links))

    def due(self, q: Question) -> r.Due:
        return r.Due(ref(q), self.status[q.id], q.closes_at, q.resolves_by, self.team_now(q))

    # -- sections -----------------------------------------------------------------------------

    def counts(self) -> r.Counts:
        statuses = {s: 0 for s in STATUSES}
        for q in self.questions:
            statuses[self.status[q.id]] += 1
        in_period = [f for f in self.data.forecasts if self.period.contains(f.made_at)
                     and self.kind.get(f.analyst) == PERSON]
        counted = [f for f in in_period if f.withdrawn is None]
        resolved = [q for q in self.questions if self.status[q.id] in ("resolved", "annulled")
                    and self.period.contains(q.resolution.known_at)]
        return r.Counts(len(self.questions), statuses, len(counted), len({f.analyst for f in counted}),
                        len(in_period) - len(counted),
                        sum(1 for e in self.data.evidence if self.period.contains(e.logged_at)), len(resolved))

    def new_questions(self) -> tuple[int, tuple[r.NewQuestion, ...]]:
        """How many questions opened in the period, and the first `LISTED` of them."""
        new = sorted((q for q in self.questions if self.period.contains(q.opens_at)), key=lambda q: (q.opens_at, q.id))
        return len(new), tuple(r.NewQuestion(ref(q), q.opens_at, q.closes_at, self.team_now(q), self.forecasters(q))
                               for q in new[:r.LISTED])

    def moves(self) -> tuple[r.Move, ...]:
        found = []
        for q in self.questions:
            if q.id not in self.active:  # no forecast in the period: no move
                continue
            moved = self.series(q).move(self.period)
            if moved is not None and moved[2] != moved[1]:
                found.append((q, *moved))
        found.sort(key=lambda m: (-abs(m[3] - m[2]), m[0].slug))
        out = []
        for q, k, before, after in found[:r.MOST_MOVES]:
            reasons = tuple(
                r.Reasoning(f.id, f.analyst, f.made_at, f.probabilities, f.rationale,
                            tuple(self.item(self.evidence[i]) for i in f.evidence if i in self.evidence))
                for f in sorted(self.persons(q), key=lambda f: (f.made_at, f.id)) if self.period.contains(f.made_at))
            out.append(r.Move(ref(q), q.options[k], before, after, after - before, reasons))
        return tuple(out)

    def new_evidence(self) -> tuple[r.EvidenceItem, ...]:
        return tuple(self.item(e) for e in sorted(self.data.evidence, key=lambda e: (e.logged_at, e.id))
                     if self.period.contains(e.logged_at))

    def resolutions(self) -> tuple[r.Resolved, ...]:
        out = []
        for q in self.questions:
            if self.status[q.id] != "resolved" or not self.period.contains(q.resolution.known_at):
                continue
            final = self.team_final(q)
            out.append(r.Resolved(ref(q), q.resolution.outcome, q.resolution.known_at, final, tuple(self.scores_of(q)),
                                  q.resolution.note))
        return tuple(sorted(out, key=lambda x: (x.known_at, x.question.slug)))

    def closing(self) -> tuple[int, tuple[r.Due, ...]]:
        """How many open questions close before the end of the next period, and the first listed."""
        qs = [q for q in self.questions if self.status[q.id] == "open" and q.closes_at < self.closing_by]
        return len(qs), tuple(self.due(q) for q in sorted(qs, key=lambda q: (q.closes_at, q.slug))[:r.LISTED])

    def with_status(self, *statuses: str) -> tuple[int, tuple[r.Due, ...]]:
        """How many questions have one of these statuses, and the first listed."""
        qs = [q for q in self.questions if self.status[q.id] in statuses]
        return len(qs), tuple(self.due(q) for q in sorted(qs, key=lambda q: (q.resolves_by, q.slug))[:r.LISTED])

    def amendments(self) -> tuple[r.AmendmentItem, ...]:
        out = []
        for q in self.questions:
            for a, changes in amendment_changes(q):
                if self.period.contains(a.amended_at):
                    out.append(r.AmendmentItem(ref(q), a.amended_at, a.by, a.reason, tuple(
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
        pts = [FinalForecast(pp, bool(oo)) for pp, oo in zip(p.point_p[keep].tolist(), p.point_o[keep].tolist())]
        yes = [f.p_yes for f in pts if f.happened]
        no = [f.p_yes for f in pts if not f.happened]
        return r.Discrimination(tuple(pts), len(yes), sum(yes) / len(yes) if yes else None, len(no),
                                sum(no) / len(no) if no else None, right_side_of_maybe(pts))

    def scenarios(self) -> tuple[r.ScenarioSection, ...]:
        return tuple(self.section(sc) for sc in sorted(self.data.scenarios, key=lambda sc: sc.slug))

    def section(self, sc) -> r.ScenarioSection:
        qs = [q for q in self.questions if q.scenario == sc.slug]
        open_qs = [q for q in qs if self.status[q.id] == "open"]
        moved = {q.id: self._moved(q) for q in open_qs}
        open_qs.sort(key=lambda q: (-moved[q.id], q.slug))
        drawn, rest = open_qs[:r.MOST_TIMELINES], open_qs[r.MOST_TIMELINES:]
        return r.ScenarioSection(
            sc.slug, sc.title, sc.summary, sc.source_title, sc.source_publisher, sc.source_url, sc.source_published,
            self.sources(qs), tuple(self.timeline(q) for q in drawn),
            tuple(r.OpenRow(ref(q), self.team_now(q), self.forecasters(q), q.closes_at, moved[q.id]) for q in rest))

    def _moved(self, q: Question) -> float:
        m = self.series(q).move(self.period) if q.id in self.active else None
        return 0.0 if m is None else abs(m[2] - m[1])

    def sources(self, qs: list[Question]) -> tuple[r.SourceSummary, ...]:
        priors: dict[str, list[r.SourcePrior]] = defaultdict(list)
        for q in qs:
            scores = {p.analyst: p.brier for p in self.scores_of(q)}
            resolved = self.status[q.id] == "resolved"
            for f in sorted(self.by_question[q.id], key=lambda f: (f.made_at, f.id)):
                if f.withdrawn is None and self.kind.get(f.analyst) == SOURCE:
                    priors[f.analyst].append(r.SourcePrior(
                        ref(q), f.made_at, f.probabilities, f.rationale, self.team_now(q), self.status[q.id],
                        q.resolution.outcome if resolved else None, scores.get(f.analyst), scores.get(TEAM)))
        out = []
        for handle in sorted(priors):
            both = {p.question.slug: (p.source_brier, p.team_brier) for p in priors[handle]
                    if p.source_brier is not None and p.team_brier is not None}
            n = len(both)
            out.append(r.SourceSummary(handle, tuple(priors[handle]), n,
                                       sum(s for s, _ in both.values()) / n if n else None,
                                       sum(t for _, t in both.values()) / n if n else None))
        return tuple(out)

    def timeline(self, q: Question) -> Timeline:
        by: dict[str, list[Forecast]] = defaultdict(list)
        for f in sorted(self.by_question[q.id], key=lambda f: (f.made_at, f.id)):
            if f.withdrawn is None:
                by[f.analyst].append(f)

        def steps(fs: Iterable[Forecast]) -> tuple[ForecastStep, ...]:
            return tuple(ForecastStep(f.made_at, f.probabilities[:1] if q.kind == "binary" else f.probabilities)
                         for f in fs)

        lines = [ForecastLine(h, SOURCE if self.kind.get(h) == SOURCE else PERSON, steps(by[h]))
                 for h in sorted(by, key=lambda h: (self.kind.get(h) != SOURCE, h))]
        s = self.series(q)
        if s.times:
            lines.append(ForecastLine(TEAM, "team", tuple(
                ForecastStep(t, p[:1] if q.kind == "binary" else p) for t, p in zip(s.times, s.probs))))
        ticks = []
        for e in self.data.evidence:
            for link in e.links:
                if link.question_id == q.id:
                    at = to_us_date(e.observed_on) if e.observed_on else e.logged_at
                    ticks.append(EvidenceTick(at, link.stance, e.id))
        amended = tuple(AmendmentTick(a.amended_at, a.reason) for a in q.amendments if a.amended_at < self.as_of)
        return Timeline(q.slug, q.title, () if q.kind == "binary" else q.options, q.opens_at, q.closes_at,
                        self.as_of, tuple(lines), tuple(ticks), amended)

    def not_counted(self) -> r.NotCounted:
        annulled = sorted((q for q in self.questions if self.status[q.id] == "annulled"), key=lambda q: q.slug)
        return r.NotCounted(self.with_status("closed", "overdue")[1], tuple(ref(q) for q in annulled), self.data.withdrawn)

    @property
    def closing_by(self) -> int:
        """The end of the next period; a range from the beginning of time looks 30 days ahead."""
        try:
            return self.period.next().end
        except BadInput:
            return self.period.end + 30 * DAY

    def report(self) -> r.Report:
        resolved = self.resolutions()
        surprises = tuple(x for x in resolved if x.team_final is not None and x.team_final < r.SURPRISE_BELOW)
        cut = {"new_questions": self.new_questions(), "closing": self.closing(),
               "overdue": self.with_status("overdue")}  # (total, the rows listed): rows built only for those
        lists = {"new_evidence": self.new_evidence(), "resolutions": resolved, "surprises": surprises,
                 "amendments": self.amendments()}
        totals = {**{name: n for name, (n, _) in cut.items()}, **{name: len(rows) for name, rows in lists.items()}}
        return r.Report(
            head=self.data.head, as_of=self.as_of, period=self.period, closing_by=self.closing_by,
            scenario=self.scenario, counts=self.counts(), moves=self.moves(),
            **{name: rows for name, (_, rows) in cut.items()}, **{name: rows[:r.LISTED] for name, rows in lists.items()},
            leaderboard=self.leaderboard(), calibration=self.calibration(), discrimination=self.discrimination(),
            scenarios=self.scenarios(), not_counted=self.not_counted(), totals=totals, demo=self.data.demo,
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


def build_report(data: ReportInput, *, scenario: str | None = None) -> r.Report:
    """The report for `data.period` from one snapshot's `data` (see the module docstring)."""
    return _Builder(data, data.period, scenario).report()
