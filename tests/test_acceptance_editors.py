"""Issue 7's acceptance run, scripted: what an editor's week looks like, run as a user runs it —
the installed `ledger` command in separate processes — on SQLite and on PostgreSQL.

A ledger with months of backdated history (June to November 2026: a source's priors, analysts'
forecasts, evidence, an amendment, a withdrawal, resolutions, an annulment) takes live writes
carrying hostile text (a question, forecasts, a withdrawal within the 15 minutes, evidence with a
`javascript:` source, an amendment, a resolution); then every editor's view runs on it: the report
in three formats (twice, for identical bytes), the dossier, the due list, an analyst's record, the
queue, the four figures, scores, and `verify` with the head the report quoted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.reports import sahel_example
from tests.reports.test_report_browser import not_blank, open_in_browser, page_requests

LEDGER = str(Path(sys.executable).with_name("ledger"))
SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = f"Will {SCRIPT} & \"quotes\" 'survive' {IMG}?"


class Acceptance:
    """`ledger` in a subprocess against one database; every run checked for its exit code and for
    the absence of a traceback."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, *args: str, as_: str = "ed", code: int = 0) -> subprocess.CompletedProcess:
        env = {**os.environ, "LEDGER_LOCK_TIMEOUT": "30"}
        done = subprocess.run([LEDGER, "--db", self.url, "--as", as_, *args], capture_output=True, text=True,
                              env=env, timeout=300)
        assert done.returncode == code, f"ledger {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
        assert "Traceback" not in done.stderr + done.stdout
        return done

    def json(self, *args: str, as_: str = "ed"):
        return json.loads(self(*args, "--json", as_=as_).stdout)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _forecast_id(done: subprocess.CompletedProcess) -> str:
    return re.search(r"\(forecast (\d+)\)", done.stdout).group(1)


@pytest.fixture
def desk(db_url: str, tmp_path: Path) -> Acceptance:
    """The backdated history, imported by the editor into a fresh ledger."""
    run = Acceptance(db_url)
    run("init")
    history = tmp_path / "sahel.jsonl"
    history.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in sahel_example.lines()),
                       encoding="utf-8")
    run("import", str(history))
    return run


def test_an_editors_week(desk: Acceptance, tmp_path: Path):
    run = desk
    # -- live writes, hostile text in every field a person types ---------------------------------
    run("question", "add", "--scenario", "sahel-2026", "--slug", "hostile-live", "--title", HOSTILE_TITLE,
        "--criteria", f"Yes if {IMG} & the <b>State Department</b> says so.", "--closes", "2030-12-31",
        "--tag", "<i>tag</i>")
    run("question", "add", "--scenario", "sahel-2026", "--slug", "live-quick", "--title", "Will the envoy return?",
        "--criteria", "Yes if a State Department readout says so.", "--closes", "2030-06-30")
    run("evidence", "add", f"Envoy seen {IMG} & [click](javascript:alert(2))", "--question",
                   "hostile-live+", "--source", "javascript:alert(3)", as_="amina")
    run("evidence", "add", "Readout published", "--question", "live-quick+", "--source",
        "https://www.example.org/readout?a=1&b=\"2\"", as_="jo")
    mistyped = _forecast_id(run("forecast", "hostile-live", "70%", "--why", f"Because {SCRIPT}", as_="amina"))
    run("withdraw", mistyped, "--reason", f"Meant 7% {IMG}", as_="amina")
    right = _forecast_id(run("forecast", "hostile-live", "7%", "--why", "Typed it right this time", "--evidence", "7",
                             as_="amina"))
    run("forecast", "hostile-live", "1 in 4", "--why", "<a href=\"javascript:alert(4)\">see</a>", as_="jo")
    run("forecast", "live-quick", "likely", as_="kofi")
    run("question", "amend", "hostile-live", "--clarify", f"Only {SCRIPT} counts", "--closes", "2031-06-30",
        "--reason", "Editors' <b>clarification</b>")
    run("resolve", "live-quick", "yes", "--note", f"Confirmed {IMG}")
    assert "only its author" in run("withdraw", right, "--reason", "x", as_="jo", code=1).stderr
    assert "only editors" in run("withdraw", "1", "--reason", "x", as_="jo", code=1).stderr  # the source's prior

    # A fixed as-of after every write, so two runs of the same report give the same bytes.
    as_of = (datetime.now(timezone.utc) + timedelta(seconds=2)).replace(microsecond=0)
    time.sleep(max(0.0, (as_of - datetime.now(timezone.utc)).total_seconds()) + 0.05)
    stamp = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    period = ("--from", "2026-06-01", "--as-of", stamp)

    # -- the report: html twice, md twice, json ---------------------------------------------------
    pages = []
    for name in ("a.html", "b.html"):
        run("report", *period, "--out", str(tmp_path / name))
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]
    for name in ("md-a", "md-b"):
        run("report", *period, "--format", "md", "--out", str(tmp_path / name))
    assert sorted(p.name for p in (tmp_path / "md-a").iterdir()) == sorted(p.name for p in (tmp_path / "md-b").iterdir())
    for path in (tmp_path / "md-a").iterdir():
        assert path.read_bytes() == (tmp_path / "md-b" / path.name).read_bytes(), path.name
    data = json.loads(run("report", *period, "--format", "json", "--out", "-").stdout)

    page = pages[0].decode("utf-8")
    tags = Tags()
    tags.feed(page)
    assert "script" not in {tag for tag, _ in tags.tags}
    for tag, attrs in tags.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            assert re.match(r"https?://", attrs["href"]), attrs
        if tag == "img":
            assert attrs["src"].startswith("data:image/"), attrs
    assert "Will &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34; &#39;survive&#39;" in page
    assert "Content-Security-Policy" in page and data["head"]["hash"] in page
    if shutil.which("chromium") or os.environ.get("CI") == "true":  # in CI a missing browser fails
        log = open_in_browser(tmp_path / "a.html", tmp_path / "shot.png", tmp_path / "profile")
        assert [line for line in log.splitlines() if ":CONSOLE" in line] == []
        assert page_requests(log) == []
        not_blank(tmp_path / "shot.png")
    markdown = (tmp_path / "md-a" / "report.md").read_text(encoding="utf-8")
    assert "<" not in markdown.replace("&lt;", "")
    assert not re.search(r"(?<!\\)\]\(javascript", markdown)

    # The report holds what the run put in: its live question, the amendment, the resolution, the
    # source's predictions beside the team; JSON keeps user text exactly.
    assert HOSTILE_TITLE in [q["question"]["title"] for q in data["new_questions"]]
    assert any(a["question"]["slug"] == "hostile-live" for a in data["amendments"])
    assert "live-quick" in [r["question"]["slug"] for r in data["resolutions"]]
    [scenario] = data["scenarios"]
    assert [s["handle"] for s in scenario["sources"]] == ["Sahel Monitor"]

    # -- the dossier, the due list, a record, the queue -------------------------------------------
    dossier = run("review", "hostile-live").stdout
    assert "<script>" in dossier  # shown as text to a terminal, escaped of control characters only
    kinds = [e["kind"] for e in run.json("review", "hostile-live")["events"]]
    assert kinds.count("forecast") == 3 and "amendment" in kinds and "evidence" in kinds
    withdrawn = [e for e in run.json("review", "hostile-live")["events"] if e["kind"] == "forecast" and e["withdrawal"]]
    assert [e["withdrawal"]["reason"] for e in withdrawn] == [f"Meant 7% {IMG}"]
    assert "hostile-live" not in [q["slug"] for q in run.json("review", "--due")["questions"]]
    record = run.json("review", "--analyst", "amina")
    assert record["questions"] and record["score"]["brier"] is not None
    queue = run.json("todo", as_="lea")
    assert "hostile-live" in [item["question"]["slug"] for item in queue["items"]]

    # -- figures ----------------------------------------------------------------------------------
    for args in (("calibration",), ("discrimination",), ("timeline", "hostile-live"), ("scores",)):
        out = tmp_path / f"{args[0]}.svg"
        run("plot", *args, "--out", str(out))
        svg = out.read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<script" not in svg
    run("plot", "timeline", "us-mali-minerals-deal", "--out", str(tmp_path / "minerals.png"))
    assert (tmp_path / "minerals.png").read_bytes()[:4] == b"\x89PNG"

    # -- scores and proof -------------------------------------------------------------------------
    scores = {g["key"]: g for g in run.json("score", "--as-of", stamp)["groups"]}
    assert "Sahel Monitor" in scores and "@team" in scores
    assert scores["Sahel Monitor"]["relative_brier"] is None  # a source is scored apart
    head = f"{data['head']['seq']}:{data['head']['hash']}"
    assert run("verify", "--head", head).stdout.startswith("ok: ")
