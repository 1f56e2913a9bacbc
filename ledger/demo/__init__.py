"""`ledger demo`: a new ledger from the bundled scenario, the simulated months after the article,
and the report as of the simulated end (issue 8; SPEC 5, 9).

Every write goes through the same `Ledger` methods the commands use, one journaled transaction
each, on a `SimulatedClock` set to each event's moment: the ledger is marked as a demo in its
first journal entry, refuses real writes later, and verifies like any other. Seeded: the same
run gives the same ledger (the same journal, entry for entry and hash for hash) and the same
report bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from ledger.core.errors import Refused
from ledger.core.timeutil import DAY, format_instant, parse_instant
from ledger.demo import story

#: The seed of the simulation: the demo is the same every time.
SEED = 2026
#: The bundled scenario the demo plays.
SCENARIO = "sahel-2026"
HOUR = DAY // 24
MINUTE = HOUR // 60


@dataclass(frozen=True)
class DemoBuilt:
    """What `build_demo` made.

    Attributes:
        ledger: the demo ledger's file.
        report: the HTML report's file.
        head: the journal head, `SEQ:HASH`.
        entries: journal entries written.
        start, end: the simulated span (microseconds UTC); the report is as of `end`.
    """

    ledger: Path
    report: Path
    head: str
    entries: int
    start: int
    end: int


@dataclass(order=True)
class _Event:
    at: int
    order: int
    kind: str
    args: tuple = ()


def build_demo(folder: Path, *, progress=None, on_start=None) -> DemoBuilt:
    """Build the demo ledger `folder/ledger.db` and its report `folder/report.html`.

    A ledger already in `folder` is replaced only if it is a demo ledger itself. `on_start(n)`
    is told how many events will be written, `progress(1)` after each.

    Raises:
        Refused: `folder/ledger.db` exists and is not a demo ledger (or not a ledger at all).
    """
    from ledger.store import migrate
    from ledger.store.clock import SimulatedClock
    from ledger.store.ledger import Ledger

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ledger.db"
    _clear(path)
    start, end = parse_instant(story.START), parse_instant(story.END)
    clock = SimulatedClock(start - MINUTE)
    ledger = Ledger(str(path), clock=clock)
    try:
        migrate.upgrade(ledger)
        ledger.mark_demo(story.EDITOR[0])
        _Simulation(ledger, clock, progress, on_start).run()
        head = ledger.head()
        report = folder / "report.html"
        _report(ledger, report, end)
    finally:
        ledger.close()
    return DemoBuilt(path, report, str(head), head.seq, start, end)


def _clear(path: Path) -> None:
    """Remove an earlier demo ledger at `path` (with its -wal and -shm), refusing anything else."""
    if not path.exists():
        return
    import sqlite3

    from ledger.store.clock import DEMO_MARK

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            first = conn.execute("SELECT kind FROM journal WHERE seq = 1").fetchone()
    except sqlite3.Error:
        first = None
    if first is None or first[0] != DEMO_MARK:
        raise Refused(f"{path} exists and is not a demo ledger; nothing was changed (give another --out)")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _report(ledger, target: Path, end: int) -> None:
    """The HTML report as of the simulated end, covering the whole simulated span."""
    from ledger.core.period import Period
    from ledger.reports.build import build_report
    from ledger.reports.render import write
    from ledger.store.report_data import read_report_input

    since = parse_instant(story.PUBLISHED)
    data = read_report_input(ledger, as_of=end, period_of=lambda now: Period.between(since, end))
    write(build_report(data), "html", target)


class _Simulation:
    """The demo's events, generated from `story` with one seeded random stream, then written in
    time order on the simulated clock."""

    def __init__(self, ledger, clock, progress=None, on_start=None) -> None:
        self.ledger, self.clock, self.progress, self.on_start = ledger, clock, progress, on_start
        self.rng = random.Random(SEED)
        self.events: list[_Event] = []
        self.evidence_ids: dict[int, int] = {}  # story index -> evidence id in the ledger
        self.belief: dict[tuple[str, str], list[float]] = {}  # (analyst, slug) -> p per option

    # -- what happens ---------------------------------------------------------------------

    def run(self) -> None:
        editor = story.EDITOR[0]
        start = parse_instant(story.START)
        for i, (handle, name, _) in enumerate(story.ANALYSTS):
            self._at(start + i * MINUTE, "analyst", handle, name)
        self._at(start + 5 * MINUTE, "import")
        self._plan(start)
        self.events.sort()
        if self.on_start is not None:
            self.on_start(len(self.events))
        for event in self.events:
            self.clock.set(max(self.clock.at, event.at))
            getattr(self, f"_do_{event.kind}")(editor, *event.args)
            if self.progress is not None:
                self.progress(1)

    def _at(self, at: int, kind: str, *args) -> None:
        self.events.append(_Event(at, len(self.events), kind, args))

    def _working(self, at: int) -> int:
        """`at` moved into the working day it falls on (08:00 to 18:00 UTC), keeping its minutes."""
        day = at - at % DAY
        hour = (at % DAY) // HOUR
        return day + (8 + hour % 10) * HOUR + at % HOUR

    def _plan(self, start: int) -> None:
        """Every event after the import, from the story."""
        from ledger.io.scenario_file import read_scenario
        from ledger.io.scenarios import bundled_scenario

        plan = read_scenario(bundled_scenario(SCENARIO).decode("utf-8"), f"{SCENARIO}.yaml")
        self.questions = {q.slug: q for q in plan.questions}
        f = plan.forecasts
        priors = {q: p if p is not None else probs for q, p, probs in zip(f.question, f.p, f.probs)}
        self.resolved_at = {slug: parse_instant(day) + DAY + 10 * HOUR for slug, (_, day, _) in story.OUTCOMES.items()}
        for handle, _, style in story.ANALYSTS:
            for slug, q in self.questions.items():
                if self.rng.random() < 0.1:
                    continue  # not everyone forecasts everything at once
                first = max(start + HOUR, self._working(start + self.rng.randrange(10 * DAY)))
                mine = self.belief[(handle, slug)] = self._opening(style, q, priors.get(slug))
                self._at(first, "forecast", handle, slug, self._why_first(style, q, priors.get(slug), mine[0]), None)
                self._reviews(handle, style, slug, first)
        for index, (day, who, slug, stance, summary, source) in enumerate(story.EVIDENCE):
            at = parse_instant(day) + 9 * HOUR + self.rng.randrange(8 * HOUR)
            self._at(at, "evidence", index, who, slug, stance, summary, source)
            for handle, _, style in story.ANALYSTS:
                if self.rng.random() < {"steady": 0.85, "bold": 0.9, "sceptic": 0.55}[style]:
                    later = self._working(at + HOUR + self.rng.randrange(5 * DAY))
                    later = later if later > at else later + DAY
                    self._at(later, "update", handle, style, slug, stance, index)
        day, slug, clarification, reason = story.CLARIFICATION
        self._at(parse_instant(day) + 11 * HOUR, "amend", slug, clarification, reason)
        day, who, slug, typed, meant, why = story.MISTYPE
        at = parse_instant(day) + 14 * HOUR
        self._at(at, "mistype", who, slug, typed, meant, why)
        for slug, (outcome, day, note) in story.OUTCOMES.items():
            self._at(self.resolved_at[slug], "resolve", slug, outcome, parse_instant(day), note)

    def _reviews(self, handle: str, style: str, slug: str, first: int) -> None:
        """Now and then an analyst looks at a question again without new evidence."""
        at = first
        while True:
            at += (30 + self.rng.randrange(45)) * DAY
            if at >= parse_instant(story.END):
                return
            if self.rng.random() < 0.2:
                self._at(self._working(at), "review", handle, style, slug, self.rng.choice(story.REVIEWS[style]))

    # -- beliefs --------------------------------------------------------------------------

    def _truth(self, slug: str) -> list[float]:
        """Where the evidence points: the outcome of a question the demo resolves, else its leaning."""
        q = self.questions[slug]
        if slug in story.OUTCOMES:
            outcome = story.OUTCOMES[slug][0]
            if q.kind == "binary":
                return [0.92 if outcome == "yes" else 0.08]
            return [0.8 if name == outcome else 0.2 / (len(q.options) - 1) for name in q.options]
        lean = story.LEANINGS.get(slug, 0.5)
        return [lean] if q.kind == "binary" else [lean[name] for name in q.options]

    def _opening(self, style: str, q, prior) -> list[float]:
        if q.kind == "binary":
            base = 0.5 if prior is None else prior
            p = {"steady": base + self.rng.uniform(-0.1, 0.1),
                 "bold": base + 0.12 + self.rng.uniform(-0.05, 0.1),
                 "sceptic": 0.6 * base + 0.4 * 0.2 + self.rng.uniform(-0.05, 0.05)}[style]
            return [p]
        if prior is not None:
            base = [prior[name] for name in q.options]
        else:
            base = [1 / len(q.options)] * len(q.options)
        return [max(0.02, b + self.rng.uniform(-0.08, 0.08)) for b in base]

    def _move(self, handle: str, style: str, slug: str, stance: str) -> tuple[list[float], list[float]]:
        """(before, after) of an analyst's belief moved by evidence of `stance` ('' for a review)."""
        q = self.questions[slug]
        before = self.belief.get((handle, slug)) or self._opening(style, q, None)
        truth = self._truth(slug)
        if q.kind == "binary" and stance in "+-" and stance:
            target = [0.95 if stance == "+" else 0.05]
        else:
            target = truth
        k = {"steady": 0.3, "bold": 0.55, "sceptic": 0.15}[style] * (0.5 if not stance else 1.0)
        after = [b + k * (t - b) + self.rng.uniform(-0.03, 0.03) for b, t in zip(before, target)]
        self.belief[(handle, slug)] = after
        return before, after

    # -- writes ---------------------------------------------------------------------------

    def _open(self, slug: str) -> bool:
        """Whether a forecast on `slug` may be recorded now (before its close and its resolution)."""
        q = self.questions[slug]
        return self.clock.at < q.closes_at and self.clock.at < self.resolved_at.get(slug, q.closes_at + 1)

    def _forecast(self, handle: str, slug: str, values: list[float], why: str | None,
                  evidence: tuple[int, ...] = ()):
        from ledger.core.probability import read_forecast

        q = self.questions[slug]
        if q.kind == "binary":
            given = read_forecast([f"{_percent(values[0])}%"])
        else:
            given = read_forecast([f"{name}={p}%" for name, p in zip(q.options, _percents(values))])
        return self.ledger.record_forecast(handle, slug, given, rationale=why, evidence_ids=evidence)[1]

    def _do_analyst(self, editor: str, handle: str, name: str) -> None:
        self.ledger.add_analyst(editor, handle, name, "analyst")

    def _do_import(self, editor: str) -> None:
        from ledger.io.scenarios import bundled_scenario, import_scenario

        import_scenario(self.ledger, editor, bundled_scenario(SCENARIO), source=f"{SCENARIO}.yaml")

    def _do_forecast(self, editor: str, handle: str, slug: str, why: str, _evidence) -> None:
        if self._open(slug):
            self._forecast(handle, slug, self.belief[(handle, slug)], why)

    def _do_evidence(self, editor: str, index: int, who: str, slug: str, stance: str, summary: str,
                     source: str) -> None:
        day = story.EVIDENCE[index][0]
        made = self.ledger.add_evidence(who, summary, source=source, observed_on=day, links=[(slug, stance)])
        self.evidence_ids[index] = made.id

    def _do_update(self, editor: str, handle: str, style: str, slug: str, stance: str, index: int) -> None:
        if not self._open(slug):
            return
        before, after = self._move(handle, style, slug, stance)
        evidence_id = self.evidence_ids[index]
        q = self.questions[slug]
        said = story.UPDATES[style][stance]
        if q.kind == "binary":
            why = f"{said} (evidence {evidence_id}): {_percent(before[0])}% \u2192 {_percent(after[0])}%."
        else:
            top = max(range(len(q.options)), key=lambda i: (after[i], -i))
            why = f"{said} (evidence {evidence_id}): {q.options[top]} now the likeliest."
        self._forecast(handle, slug, after, why, (evidence_id,))

    def _why_first(self, style: str, q, prior, mine: float) -> str:
        """An opening rationale: the analyst's way of starting, beside the article's own view."""
        from ledger.core.probability import icd_term

        opening = story.OPENINGS[style]
        if q.kind != "binary" or prior is None:
            return opening
        side = "above" if mine > prior + 0.02 else "below" if mine < prior - 0.02 else "about where"
        return f"{opening} The article says {icd_term(prior)}; I start {side} it."

    def _do_review(self, editor: str, handle: str, style: str, slug: str, why: str) -> None:
        if self._open(slug) and (handle, slug) in self.belief:
            self._move(handle, style, slug, "")
            self._forecast(handle, slug, self.belief[(handle, slug)], why)

    def _do_amend(self, editor: str, slug: str, clarification: str, reason: str) -> None:
        self.ledger.amend_question(editor, slug, reason=reason, clarification=clarification)

    def _do_mistype(self, editor: str, who: str, slug: str, typed: float, meant: float, why: str) -> None:
        if not self._open(slug):
            return
        wrong = self._forecast(who, slug, [typed], None)
        self.clock.advance(3 * MINUTE)
        self.ledger.withdraw(who, wrong.id, why)
        self.clock.advance(MINUTE)
        self.belief[(who, slug)] = [meant]
        self._forecast(who, slug, [meant], "The 60% I meant: the Ghana talks look serious.")

    def _do_resolve(self, editor: str, slug: str, outcome: str, known_at: int, note: str) -> None:
        cited = [self.evidence_ids[i] for i, e in enumerate(story.EVIDENCE)
                 if e[2] == slug and i in self.evidence_ids and parse_instant(e[0]) <= known_at]
        self.ledger.resolve(editor, slug, outcome, known_at=known_at, note=f"{story.SIMULATED} {note}",
                            evidence_ids=cited[-1:])


def _percent(p: float) -> int:
    """A forecast as a whole percentage, kept off 0 and 100."""
    return min(98, max(2, round(p * 100)))


def _percents(values: list[float]) -> list[int]:
    """Choice probabilities as whole percentages summing to exactly 100 (largest remainder)."""
    total = sum(values)
    exact = [max(0.01, v) / total * 100 for v in values]
    whole = [max(1, int(x)) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (whole[i] - exact[i], i))
    i = 0
    while sum(whole) < 100:
        whole[order[i % len(order)]] += 1
        i += 1
    while sum(whole) > 100:
        j = max(range(len(whole)), key=lambda k: (whole[k], -k))
        whole[j] -= 1
    return whole


def describe(built: DemoBuilt) -> list[str]:
    """What `ledger demo` prints."""
    return [
        f"demo ledger: {built.ledger} ({built.entries} journal entries, head {built.head})",
        f"simulated {format_instant(built.start)[:10]} to {format_instant(built.end)[:10]}: analysts, evidence and "
        "outcomes are illustrations, not real events",
        f"report: {built.report}  (open it in a browser)",
        f"next: ledger --db {built.ledger} review us-training-malian-forces",
    ]
