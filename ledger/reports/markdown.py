"""The Markdown renderer: a folder with `report.md` and its figures (SVG files beside it).

User text is escaped for Markdown: no raw HTML (`<`, `>` and `&` become entities), no emphasis,
code, links or images of its own (their punctuation is backslash-escaped), no table breakout
(`|` escaped, line breaks folded); a source becomes a link only when it is http(s)."""

from __future__ import annotations

import re

from ledger.core.timeutil import MIN_US
from ledger.reports import text
from ledger.reports.drawer import Drawer
from ledger.reports.figures import job_of, timeline_name
from ledger.reports.report import Due, EvidenceItem, QuestionRef, Report, ScenarioSection

_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md(value: object) -> str:
    """User text as inert Markdown inline text."""
    s = " ".join(str(value).split())  # line breaks (and any run of spaces) fold into one space
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _SPECIAL.sub(r"\\\1", s)
    s = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", s)  # "1." would start a list
    return "\\" + s if s[:1] in ("-", "+", "#", "=", ":") else s  # nor a list, heading or rule


def _url(href: str) -> str:
    """An http(s) URL made safe inside `(…)` of a Markdown link."""
    return "".join(c if c not in "()<> \\\"'`" else f"%{ord(c):02X}" for c in href)


def source(e_source: str | None) -> str:
    if not e_source:
        return "–"
    href = text.safe_href(e_source)
    return f"[{md(e_source)}]({_url(href)})" if href else md(e_source)


def _percent(p: float | None, places: int = 1) -> str:
    return "–" if p is None else f"{p * 100:.{places}f}%".replace(".0%", "%")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def _slug(slug: str) -> str:
    return f"`{slug}`" if "`" not in slug and slug.strip() == slug else md(slug)


def _q(q: QuestionRef) -> str:
    return f"{md(q.title)} ({_slug(q.slug)})"


def _p(q: QuestionRef, values) -> str:
    return md(text.probs(q, values))


def _evidence(e: EvidenceItem) -> str:
    return f"#{e.id} {md(e.summary)}" + (f" ({source(e.source)})" if e.source else "")


def _due(rows: tuple[Due, ...]) -> list[str]:
    return _table(["Question", "Closes", "Resolves by", "Team now"],
                  [[_q(d.question), text.when(d.closes_at), text.when(d.resolves_by), _p(d.question, d.team)]
                   for d in rows])


def _forecaster(name: str, kind: str) -> str:
    return "**@team**" if kind == "team" else md(name) + (" (source)" if kind == "source" else "")


DEMO_NOTE = ("> **A demo ledger.** Built by `ledger demo` on a simulated clock: its analysts, forecasts, evidence and "
             "outcomes are illustrations, not real events.")


def _heading(report: Report) -> list[str]:
    start = "the beginning" if report.period.start == MIN_US else text.when(report.period.start)
    scope = f", scenario {md(report.scenario)}" if report.scenario else ""
    c = report.counts
    return [f"# Forecast report: {md(text.period_title(report.period))}", "",
            f"From {start} to {text.when(report.period.end)}, as of {text.as_of(report.as_of)}{scope}.", "",
            f"Journal head **{report.head.seq}**: `{report.head.hash}` "
            f"(check with `ledger verify --head {report.head.seq}:{report.head.hash}`)", "",
            *([DEMO_NOTE, ""] if report.demo else []),
            f"- {c.statuses['open']} open questions; {c.questions} in all: "
            + ", ".join(f"{n} {s}" for s, n in c.statuses.items()),
            f"- {text.plural(c.forecasts, 'forecast')} in the period by {text.plural(c.forecasters, 'analyst')} "
            f"({c.withdrawn} withdrawn)",
            f"- {text.plural(report.totals.get('new_questions', len(report.new_questions)), 'new question')}, "
            f"{c.evidence} new evidence, "
            f"{c.resolutions} resolved", ""]


def _more(report: Report, section: str) -> list[str]:
    """The line saying a list section was cut, if it was."""
    if not report.more(section):
        return []
    return [f"The first {len(getattr(report, section))} of {report.totals[section]} are listed.", ""]


def _moves(report: Report) -> list[str]:
    out = ["## Biggest moves of the team forecast", ""]
    for m in report.moves:
        option = f"{md(m.option)}: " if not m.question.binary else ""
        out += [f"### {md(m.question.title)}", "",
                f"{text.signed(m.change)} · {option}{md(text.chance(m.before))} → {md(text.chance(m.after))} "
                f"· {_slug(m.question.slug)}", ""]
        for f in m.reasons:
            if not (f.rationale or f.evidence):
                continue
            cites = "; cites " + "; ".join(_evidence(e) for e in f.evidence) if f.evidence else ""
            out.append(f"- **{md(f.analyst)}**, {text.when(f.made_at)}: {_p(m.question, f.probs)}{cites}")
            if f.rationale:
                out.append(f"  > {md(f.rationale)}")
        silent = [f for f in m.reasons if not (f.rationale or f.evidence)]
        if silent:
            out += ["", "Without a rationale: " + "; ".join(
                f"{md(f.analyst)} {_p(m.question, f.probs)} ({text.day(f.made_at)})" for f in silent)]
        out.append("")
    return out + ([] if report.moves else ["The team forecast did not move in this period.", ""])


def _news(report: Report) -> list[str]:
    out = ["## New questions", ""]
    out += _table(["Question", "Opens", "Closes", "Team now", "Analysts"],
                  [[_q(n.question), text.when(n.opens_at), text.when(n.closes_at), _p(n.question, n.team),
                    str(n.forecasters)] for n in report.new_questions]) if report.new_questions else ["None.", ""]
    out += _more(report, "new_questions")
    out += ["## New evidence", ""]
    out += _table(["#", "Evidence", "Source", "Observed", "Bears on"],
                  [[str(e.id), f"{md(e.summary)} (logged by {md(e.analyst)})", source(e.source), e.observed_on or "–",
                    ", ".join(f"{md(slug)} ({md(stance)})" for slug, stance in e.links)]
                   for e in report.new_evidence]) if report.new_evidence else ["None.", ""]
    return out + _more(report, "new_evidence")


def _resolved(report: Report) -> list[str]:
    out = ["## Resolved in the period", ""]
    for x in report.resolutions:
        flag = " · **surprise**" if x in report.surprises else ""
        out += [f"### {md(x.question.title)}", "",
                f"Outcome **{md(x.outcome)}**, known {text.when(x.known_at)}; the team's last forecast of it: "
                f"{md(text.chance(x.team_final))}{flag}", ""]
        if x.note:
            out += [f"_{md(x.note)}_", ""]
        if x.scores:
            out += _table(["Forecaster", "Brier"], [[_forecaster(s.analyst, s.kind), text.number(s.brier)]
                                                    for s in x.scores])
    if not report.resolutions:
        out += ["None.", ""]
    out += _more(report, "resolutions")
    out += ["## Surprises", ""]
    out += [f"- {md(x.question.title)}: resolved **{md(x.outcome)}**; the team gave it {md(text.chance(x.team_final))}"
            for x in report.surprises] or ["None: no outcome the team gave less than 30%."]
    out += [""] + _more(report, "surprises")[:-1] if report.more("surprises") else []
    out += ["", f"## Closing before {text.when(report.closing_by)}", ""]
    out += _due(report.closing) if report.closing else ["None.", ""]
    out += _more(report, "closing")
    out += ["## Overdue", ""]
    return out + (_due(report.overdue) if report.overdue else ["None.", ""]) + _more(report, "overdue")


def _amendments(report: Report) -> list[str]:
    def changed(a) -> str:
        return "; ".join(f"{ch.field}: " + (f"~~{md(text.change(ch.field, ch.old))}~~ → " if ch.old is not None else "")
                         + md(text.change(ch.field, ch.new)) for ch in a.changes)

    out = ["## Amendments", ""]
    return out + (_table(["Question", "When, by", "Changed", "Reason"],
                         [[_q(a.question), f"{text.when(a.amended_at)}, {md(a.by)}", changed(a), md(a.reason)]
                          for a in report.amendments]) if report.amendments else ["None.", ""]) \
        + _more(report, "amendments")


def _scores(report: Report, drawn: set[str]) -> list[str]:
    out = ["## Leaderboard", "", "Every question resolved by the as-of; Brier time-averaged, lower is better.", ""]
    out += _table(["Forecaster", "Brier", "Relative", "Coverage", "n"],
                  [[_forecaster(row.analyst, row.kind), text.number(row.brier), text.number(row.relative_brier),
                    _percent(row.coverage), str(row.questions)]
                   for row in report.leaderboard]) if report.leaderboard else ["No scored questions yet.", ""]
    cal = report.calibration
    out += ["## Calibration", ""]
    if cal.points:
        out += [f"{text.plural(cal.points, 'final forecast')} by analysts on "
                f"{text.plural(cal.questions, 'resolved question')}.", ""]
        if "calibration" in drawn:
            out += ["![Calibration diagram](calibration.svg)", ""]
        out += _table(["Forecast", "Happened", "Mean forecast", "Observed", "95% interval"],
                      [[f"{_percent(b.lo, 0)}–{_percent(b.hi, 0)}", f"{b.happened} of {b.n}", _percent(b.mean_p),
                        _percent(b.freq), f"{_percent(b.ci_low)}–{_percent(b.ci_high)}"] for b in cal.bins if b.n])
        m = cal.murphy
        out += [f"Murphy decomposition: Brier of the points {m.brier:.4f} = reliability {m.reliability:.4f} − "
                f"resolution {m.resolution:.4f} + uncertainty {m.uncertainty:.4f} + within-bin variance "
                f"{m.within_bin_variance:.4f} − within-bin covariance {m.within_bin_covariance:.4f}; "
                f"ECE {cal.ece:.4f}.", ""]
    else:
        out += ["No resolved questions with analysts' forecasts yet.", ""]
    d = report.discrimination
    out += ["## Discrimination", ""]
    if not d.n:
        return out + ["No resolved yes/no questions with analysts' forecasts yet.", ""]
    out += [f"Right side of maybe: **{_percent(d.right_side_of_maybe)}** of {d.n} final yes/no forecasts "
            f"(exactly 50% counts one half). Mean forecast of yes where it happened {_percent(d.yes_mean)} "
            f"({d.yes_n}), where it did not {_percent(d.no_mean)} ({d.no_n}).", ""]
    return out + (["![Discrimination](discrimination.svg)", ""] if "discrimination" in drawn else [])


def _scenario(si: int, section: ScenarioSection) -> list[str]:
    sc = section.scenario
    out = [f"## Scenario: {md(sc.title)}", ""]
    if sc.source_title:
        href = text.safe_href(sc.source_url)
        title = f"[{md(sc.source_title)}]({_url(href)})" if href else md(sc.source_title)
        out += [f"From “{title}”" + (f", {md(sc.source_publisher)}" if sc.source_publisher else "")
                + (f", {md(sc.source_published)}" if sc.source_published else ""), ""]
    if sc.summary:
        out += [md(sc.summary), ""]
    for src in section.sources:
        out += [f"### What {md(src.handle)} predicted, beside the team", ""]
        if src.questions:
            out += [f"On the {text.plural(src.questions, 'resolved question')} both were scored on: "
                    f"{md(src.handle)} Brier {text.number(src.brier)}, @team {text.number(src.team_brier)}.", ""]
        out += _table(["Question", "Source said", "Team at the as-of", "Outcome", "Brier source / team"],
                      [[_q(p.question) + (f" — “{md(p.rationale)}”" if p.rationale else ""), _p(p.question, p.probs),
                        _p(p.question, p.team), md(p.outcome) if p.outcome else p.status,
                        f"{text.number(p.source_brier)} / {text.number(p.team_brier)}"] for p in src.priors])
    if section.timelines:
        out += ["### Most-moved open questions", ""]
        for k, t in enumerate(section.timelines):
            out += [f"![Timeline: {md(t.title)}]({timeline_name(si, k)}.svg)", ""]
    if section.rest:
        out += ["### Other open questions", ""]
        out += _table(["Question", "Team at the as-of", "Analysts", "Closes", "Moved"],
                      [[_q(o.question), _p(o.question, o.team), str(o.forecasters), text.when(o.closes_at),
                        text.signed(o.moved)] for o in section.rest])
    return out


def _not_counted(report: Report) -> list[str]:
    nc = report.not_counted

    def more(name: str) -> str:
        section = f"not_counted.{name}"
        if not report.more(section):
            return ""
        return f" (the first {len(getattr(nc, name))} of {report.totals[section]} are listed)"

    return ["## What this report does not count", "",
            "- Closed but unresolved: "
            + ("; ".join(f"{_q(d.question)} ({d.status})" for d in nc.unresolved) or "none") + more("unresolved"),
            "- Annulled: " + ("; ".join(_q(q) for q in nc.annulled) or "none") + more("annulled"),
            f"- Withdrawn forecasts: {nc.withdrawn}", ""]


def render_markdown(report: Report, drawer: Drawer | None = None) -> dict[str, bytes]:
    """File name -> bytes: `report.md` and one SVG per figure it shows (drawn by `drawer`, in-process
    without one, while the text is written)."""
    job = job_of(report)
    drawer = drawer or Drawer()
    if not drawer.submitted:  # else the builder handed the same job over already
        drawer.submit(job)
    out = _heading(report) + _moves(report) + _news(report) + _resolved(report) + _amendments(report)
    out += _scores(report, set(job.names))
    for si, sc in enumerate(report.scenarios):
        out += _scenario(si, sc)
    out += _not_counted(report)
    files = {"report.md": "\n".join(out).encode("utf-8")}
    for name, svg in sorted(drawer.result().items()):
        files[f"{name}.svg"] = svg
    return files
