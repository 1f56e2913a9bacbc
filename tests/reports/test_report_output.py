"""The rendered report: a golden Markdown file, the same bytes on every run (HTML and Markdown),
and hostile user text coming out inert in both."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import LedgerCli
from tests.reports.conftest import AS_OF, import_lines

GOLDEN = Path(__file__).parent.parent / "golden" / "report-small.md"


def _without_head(text: str, head: dict) -> str:
    """The head's hash comes from the import's own (real) time: it is checked elsewhere."""
    return text.replace(head["hash"], "<HASH>").replace(f"**{head['seq']}**", "**<SEQ>**").replace(
        f"--head {head['seq']}:", "--head <SEQ>:")


def test_markdown_report_matches_the_golden_file(small: LedgerCli, tmp_path):
    small("report", "--as-of", AS_OF, "--format", "md", "--out", str(tmp_path / "md"))
    text = _without_head((tmp_path / "md" / "report.md").read_text(encoding="utf-8"), small.json("info")["head"])
    if os.environ.get("LEDGER_UPDATE_GOLDEN") == "1":  # regenerate after a deliberate change
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
    figures = sorted(p.name for p in (tmp_path / "md").iterdir())
    assert figures == ["calibration.svg", "discrimination.svg", "report.md", "timeline-01-01.svg", "timeline-01-02.svg"]
    for name in re.findall(r"\]\(([\w.-]+\.svg)\)", text):
        assert (tmp_path / "md" / name).exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_ledger_options_and_as_of_give_the_same_bytes(small: LedgerCli, tmp_path):
    for run in ("one", "two"):
        for fmt, name in (("html", "r.html"), ("md", "md"), ("json", "r.json")):
            small("report", "--as-of", AS_OF, "--format", fmt, "--out", str(tmp_path / run / name))
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert list(one) == ["md/calibration.svg", "md/discrimination.svg", "md/report.md", "md/timeline-01-01.svg",
                         "md/timeline-01-02.svg", "r.html", "r.json"]
    assert one == two


# Hostile text everywhere a person can type it: titles, rationales, evidence summaries and sources.
SCRIPT = '<script>alert("x")</script>'
IMG = '<img src=x onerror=alert(1)>'
JS_LINK = "[click me](javascript:alert(1))"
HOSTILE = [
    {"type": "analyst", "handle": "ed", "role": "editor"},
    {"type": "analyst", "handle": "amina"},
    {"type": "analyst", "handle": "Src <b>Daily</b>", "kind": "source"},
    {"type": "scenario", "slug": "hostile", "title": f"Scenario {SCRIPT} & co", "summary": f"Summary {IMG}",
     "source": {"title": f"Article {IMG}", "publisher": "P & \"Q\"", "url": "javascript:alert(2)",
                "published": "2026-10-01", "forecaster": "Src <b>Daily</b>"}},
    {"type": "question", "slug": "h1", "scenario": "hostile", "title": f"Will {SCRIPT} & \"quotes\" 'work'?",
     "kind": "binary", "criteria": "Yes if so.", "opens_at": "2026-10-01T00:00:00Z", "closes_at": "2027-06-30T00:00:00Z"},
    {"type": "question", "slug": "h2", "scenario": "hostile", "title": f"Resolved {IMG}", "kind": "binary",
     "criteria": "Yes if so.", "opens_at": "2026-10-01T00:00:00Z", "closes_at": "2026-11-20T00:00:00Z"},
    {"type": "evidence", "id": 1, "analyst": "amina", "logged_at": "2026-11-03T00:00:00Z", "observed_on": "2026-11-02",
     "summary": f"Summary {JS_LINK} {IMG}", "source": "javascript:alert(3)", "links": [{"question": "h1", "stance": "+"}]},
    {"type": "evidence", "id": 2, "analyst": "amina", "logged_at": "2026-11-04T00:00:00Z",
     "summary": "A fine article", "source": 'https://news.example/a?x=1&y="2"<script>',
     "links": [{"question": "h1", "stance": "-"}]},
    {"type": "evidence", "id": 3, "analyst": "amina", "logged_at": "2026-11-05T00:00:00Z",
     "summary": "Plain source", "source": "https://news.example/b?x=1&y=2", "links": [{"question": "h1", "stance": "~"}]},
    {"type": "forecast", "question": "h1", "analyst": "Src <b>Daily</b>", "made_at": "2026-10-01T00:00:00Z", "p": 0.7,
     "rationale": f"Quote {SCRIPT}"},
    {"type": "forecast", "question": "h1", "analyst": "amina", "made_at": "2026-10-02T00:00:00Z", "p": 0.2},
    {"type": "forecast", "question": "h1", "analyst": "amina", "made_at": "2026-11-06T00:00:00Z", "p": 0.6,
     "rationale": f"Because {IMG} and {JS_LINK} & <a href=\"javascript:alert(4)\">this</a>", "evidence": [1, 2, 3]},
    {"type": "forecast", "question": "h2", "analyst": "amina", "made_at": "2026-10-02T00:00:00Z", "p": 0.9},
    {"type": "forecast", "question": "h2", "analyst": "Src <b>Daily</b>", "made_at": "2026-10-01T00:00:00Z", "p": 0.3},
    {"type": "amendment", "question": "h1", "by": "ed", "at": "2026-11-07T00:00:00Z", "reason": f"Reason {SCRIPT}",
     "clarify": f"Clarified {IMG}"},
    {"type": "question", "slug": "h3", "scenario": "hostile", "title": "How many | which *options*?", "kind": "choice",
     "options": ["<b>none</b>", "one | two", "[all](javascript:alert(5))"], "criteria": "Count them.",
     "opens_at": "2026-10-01T00:00:00Z", "closes_at": "2027-06-30T00:00:00Z"},
    {"type": "forecast", "question": "h3", "analyst": "amina", "made_at": "2026-10-03T00:00:00Z",
     "probabilities": {"<b>none</b>": 0.2, "one | two": 0.5, "[all](javascript:alert(5))": 0.3}},
    {"type": "forecast", "question": "h3", "analyst": "amina", "made_at": "2026-11-08T00:00:00Z",
     "probabilities": {"<b>none</b>": 0.1, "one | two": 0.3, "[all](javascript:alert(5))": 0.6}},
    {"type": "resolution", "question": "h2", "outcome": "no", "known_at": "2026-11-19T00:00:00Z",
     "note": f"Settled {SCRIPT} & {JS_LINK}"},
]


@pytest.fixture
def hostile(run: LedgerCli, tmp_path) -> LedgerCli:
    return import_lines(run, tmp_path, HOSTILE, "hostile.jsonl")


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


SAFE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "p", "b", "code", "span", "section",
             "div", "h1", "h2", "h3", "ul", "li", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "s",
             "figure", "img", "figcaption", "footer"}


def test_hostile_text_is_inert_in_html(hostile: LedgerCli, tmp_path):
    out = tmp_path / "r.html"
    hostile("report", "--as-of", AS_OF, "--out", str(out))
    page = out.read_text(encoding="utf-8")
    parser = Elements()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} <= SAFE_TAGS  # no script, no user img, no iframe
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            assert re.match(r"https?://", attrs["href"]), attrs
        if tag == "img":
            assert attrs["src"].startswith("data:image/svg+xml;base64,"), attrs
    links = [attrs["href"] for tag, attrs in parser.tags if tag == "a"]
    # new evidence, then the same cited in the move; the quote and the angle bracket stay inside the attribute
    assert links == ['https://news.example/a?x=1&y="2"<script>', "https://news.example/b?x=1&y=2"] * 2
    assert "javascript:" not in "".join(str(attrs) for _, attrs in parser.tags)
    # the text itself is shown, escaped
    assert "Will &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34; &#39;work&#39;?" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Src &lt;b&gt;Daily&lt;/b&gt;" in page
    assert "javascript:alert(3)" in page  # shown as text, not a link
    assert "Settled &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; [click me](javascript:alert(1))" in page
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; ' \
           'img-src data:">' in page


def test_hostile_text_is_inert_in_markdown(hostile: LedgerCli, tmp_path):
    hostile("report", "--as-of", AS_OF, "--format", "md", "--out", str(tmp_path / "md"))
    text = (tmp_path / "md" / "report.md").read_text(encoding="utf-8")
    assert "<" not in text.replace("&lt;", "")  # no raw HTML at all
    assert not re.search(r"(?<!\\)\]\(javascript", text) and "\\[click me\\](javascript:alert(1))" in text
    links = re.findall(r"(?<!\\)\[([^\]]*)\]\(([^)]*)\)", text)
    assert all(url.startswith("https://") or url.endswith(".svg") for _, url in links), links
    assert ("https://news.example/b?x=1&y=2" in [url for _, url in links])
    assert "Will &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; \"quotes\" 'work'?" in text
    assert "Src &lt;b&gt;Daily&lt;/b&gt;" in text
    assert "_Settled &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; \\[click me\\](javascript:alert(1))_" in text
    # a choice question's option names: no cell break-out, no link
    assert "\\[all\\](javascript:alert(5)) 60% (likely)" in text and "one \\| two 30% (unlikely)" in text


def test_long_sections_are_cut_and_say_how_many_there_were(small: LedgerCli, tmp_path, monkeypatch):
    import json

    import ledger.reports.report as report_module

    full = json.loads(small("report", "--as-of", AS_OF, "--format", "json", "--out", "-").stdout)
    assert full["totals"]["resolutions"] == len(full["resolutions"]) >= 2
    monkeypatch.setattr(report_module, "LISTED", 1)
    cut = json.loads(small("report", "--as-of", AS_OF, "--format", "json", "--out", "-").stdout)
    assert len(cut["resolutions"]) == 1 and cut["totals"] == full["totals"]
    assert cut["counts"] == full["counts"]
    html = small("report", "--as-of", AS_OF, "--format", "html", "--out", "-").stdout
    assert f"The first 1 of {full['totals']['resolutions']} are listed." in html
    small("report", "--as-of", AS_OF, "--format", "md", "--out", str(tmp_path / "md"))
    assert f"The first 1 of {full['totals']['resolutions']} are listed." in (tmp_path / "md" / "report.md").read_text()


def test_what_is_not_counted_is_cut_too_and_says_how_many_there_were(small: LedgerCli, tmp_path, monkeypatch):
    import json

    import ledger.reports.report as report_module

    full = json.loads(small("report", "--as-of", AS_OF, "--format", "json", "--out", "-").stdout)
    # q-over (overdue) and q-closed (closed) unresolved; q-ann annulled
    assert (full["totals"]["not_counted.unresolved"], full["totals"]["not_counted.annulled"]) == (2, 1)
    assert len(full["not_counted"]["unresolved"]) == 2
    html = small("report", "--as-of", AS_OF, "--format", "html", "--out", "-").stdout
    assert "are listed)" not in html
    monkeypatch.setattr(report_module, "LISTED", 1)
    cut = json.loads(small("report", "--as-of", AS_OF, "--format", "json", "--out", "-").stdout)
    assert [d["question"]["slug"] for d in cut["not_counted"]["unresolved"]] == ["q-over"]  # resolves by Nov 20
    assert cut["totals"] == full["totals"]
    html = small("report", "--as-of", AS_OF, "--format", "html", "--out", "-").stdout
    assert "(overdue) (the first 1 of 2 are listed)</li>" in html
    assert "Annulled (never scored): Will the referendum be held on its announced date?</li>" in html
    small("report", "--as-of", AS_OF, "--format", "md", "--out", str(tmp_path / "md"))
    assert "(overdue) (the first 1 of 2 are listed)\n" in (tmp_path / "md" / "report.md").read_text()


def test_the_json_report_carries_the_discrimination_histogram_not_every_pair(small: LedgerCli):
    import json

    data = json.loads(small("report", "--as-of", AS_OF, "--format", "json", "--out", "-").stdout)
    d = data["discrimination"]
    assert "pairs" not in d and len(d["histogram"]) == 20
    assert sum(b["yes"] for b in d["histogram"]) == d["yes_n"]
    assert sum(b["no"] for b in d["histogram"]) == d["no_n"]
    assert d["histogram"][0]["lo"] == 0.0 and d["histogram"][-1]["hi"] == 1.0
