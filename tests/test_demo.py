"""`ledger demo`: the bundled scenario and fourteen simulated months, journaled on a simulated
clock, the same every run, verifying, marked as a demo, and its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.cli.main import cli
from ledger.demo import story


def ledger(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "sahel"
    out = ledger("demo", "--out", str(folder)).stdout
    assert f"report: {folder / 'report.html'}" in out and f"demo ledger: {folder / 'ledger.db'}" in out
    return folder


def db(folder: Path) -> list[str]:
    return ["--db", str(folder / "ledger.db")]


def test_every_run_gives_the_same_ledger_and_report(built: Path, tmp_path):
    again = tmp_path / "again"
    ledger("demo", "--out", str(again))
    assert (again / "report.html").read_bytes() == (built / "report.html").read_bytes()
    heads = [json.loads(ledger(*db(f), "info", "--json").stdout)["head"] for f in (built, again)]
    assert heads[0] == heads[1] and heads[0]["seq"] > 100
    exports = [ledger(*db(f), "export").stdout for f in (built, again)]
    assert exports[0] == exports[1]
    # A second run into the same folder replaces the earlier demo with the same one.
    ledger("demo", "--out", str(again))
    assert json.loads(ledger(*db(again), "info", "--json").stdout)["head"] == heads[0]


def test_the_demo_ledger_verifies_and_refuses_real_writes(built: Path):
    assert ledger(*db(built), "verify").stdout.startswith("ok: ")
    assert "a demo, built on a simulated clock" in ledger(*db(built), "info").stdout
    refused = ledger(*db(built), "--as", "amina", "forecast", "us-troops-return-mali", "5%", code=1)
    assert "is a demo ledger" in refused.stderr


def test_a_folder_holding_another_ledger_is_left_alone(tmp_path):
    ledger("--db", str(tmp_path / "ledger.db"), "init")
    before = (tmp_path / "ledger.db").read_bytes()
    refused = ledger("demo", "--out", str(tmp_path), code=1)
    assert "is not a demo ledger" in refused.stderr
    assert (tmp_path / "ledger.db").read_bytes() == before and not (tmp_path / "report.html").exists()


def test_what_the_demo_holds(built: Path):
    info = json.loads(ledger(*db(built), "info", "--json").stdout)["counts"]
    assert info["questions"] == 12 and info["scenarios"] == 1
    assert info["resolutions"] == len(story.OUTCOMES) and info["evidence"] == len(story.EVIDENCE)
    people = {a["handle"]: a for a in json.loads(ledger(*db(built), "analyst", "list", "--json").stdout)}
    assert set(people) == {"desk", "amina", "jo", "kofi", "Sahel Monitor"}
    assert people["desk"]["role"] == "editor"
    for slug, (outcome, day, _) in story.OUTCOMES.items():
        shown = json.loads(ledger(*db(built), "question", "show", slug, "--json").stdout)
        [resolution] = shown["resolutions"]
        assert resolution["outcome"] == outcome and resolution["known_at"] == f"{day}T00:00:00Z"
        assert resolution["note"].startswith("SIMULATED for the ledger demo, not a real event:")
    dossier = json.loads(ledger(*db(built), "review", story.MISTYPE[2], "--json").stdout)
    withdrawn = [e for e in dossier["events"] if e["kind"] == "forecast" and e["withdrawal"]]
    assert [e["withdrawal"]["reason"] for e in withdrawn] == [story.MISTYPE[5]]
    amended = json.loads(ledger(*db(built), "review", story.CLARIFICATION[1], "--json").stdout)
    assert [e["reason"] for e in amended["events"] if e["kind"] == "amendment"] == [story.CLARIFICATION[3]]


def test_reads_of_the_demo_take_its_simulated_time(built: Path):
    # The simulated months run past today: reads are as of the journal's last entry, so the
    # outcomes count without an --as-of.
    groups = {g["key"]: g for g in json.loads(ledger(*db(built), "score", "--json").stdout)["groups"]}
    assert {"amina", "jo", "kofi", "Sahel Monitor", "@team"} <= set(groups)
    assert groups["@team"]["questions"] == len(story.OUTCOMES)
    assert groups["Sahel Monitor"]["relative_brier"] is None  # the article, scored apart


def test_the_report_shows_the_article_beside_the_team_and_says_it_is_simulated(built: Path):
    page = (built / "report.html").read_text(encoding="utf-8")
    assert "A demo ledger." in page and "not real events" in page
    assert page.count("SIMULATED for the ledger demo") == len(story.OUTCOMES)
    data = json.loads(ledger(*db(built), "report", "--as-of", story.END, "--from", story.PUBLISHED,
                             "--format", "json", "--out", "-").stdout)
    assert data["demo"] is True
    [scenario] = data["scenarios"]
    [source] = scenario["sources"]
    assert source["handle"] == "Sahel Monitor" and len(source["priors"]) == 10
    assert len(data["resolutions"]) == len(story.OUTCOMES)
