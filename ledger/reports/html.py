"""The HTML renderer: one self-contained file (SPEC 8). Jinja2 with autoescape on, templates
shipped in the package, inline CSS, figures as `data:` SVG images, the Content-Security-Policy
meta, and no script: every user text is escaped, and sources are links only when http(s)."""

from __future__ import annotations

import base64
import re
import secrets

from ledger.core.timeutil import MIN_US
from ledger.reports import text
from ledger.reports.drawer import Drawer
from ledger.reports.figures import job_of, timeline_name
from ledger.reports.report import EvidenceItem, Report


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("ledger.reports", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _source(e: EvidenceItem):
    """The evidence's source: a link when it is http(s), else plain text (both escaped)."""
    from markupsafe import Markup

    if not e.source:
        return "–"
    href = text.safe_href(e.source)
    if href is None:
        return e.source  # escaped where it is shown
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(href, e.source)


def _inline(e: EvidenceItem):
    from markupsafe import Markup

    return Markup("#{} {} ({})").format(e.id, e.summary, _source(e)) if e.source else Markup("#{} {}").format(
        e.id, e.summary)


def _percent(p: float | None, places: int = 1) -> str:
    return "–" if p is None else f"{p * 100:.{places}f}%".replace(".0%", "%")


def render_html(report: Report, drawer: Drawer | None = None) -> bytes:
    """The report as one HTML document (UTF-8). The figures are drawn by `drawer` (in-process
    without one) while the page is rendered around a placeholder for each, then put in."""
    job = job_of(report)
    drawer = drawer or Drawer()
    if not drawer.submitted:  # else the builder handed the same job over already
        drawer.submit(job)
    nonce = secrets.token_hex(8)
    marks = {name: f"ledger-figure-{nonce}-{i}" for i, name in enumerate(job.names)}
    template = _environment().get_template("report.html.j2")
    page = template.render(
        r=report, figures=marks, title=text.period_title(report.period),
        period_from="the beginning" if report.period.start == MIN_US else text.when(report.period.start),
        when=text.when, day=text.day, instant=text.as_of, probs=text.probs, chance=text.chance, number=text.number,
        signed=text.signed, percent=_percent, href=text.safe_href, source=_source, evidence_inline=_inline,
        stance_word=text.STANCE_WORDS.get, plural=text.plural, change=text.change, timeline_name=timeline_name,
    )
    drawn = drawer.result()
    uris = ["data:image/svg+xml;base64," + base64.b64encode(drawn[name]).decode("ascii") for name in job.names]
    return re.sub(rf"ledger-figure-{nonce}-(\d+)", lambda m: uris[int(m[1])], page).encode("utf-8")
