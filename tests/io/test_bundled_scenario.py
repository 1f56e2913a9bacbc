"""The scenario bundled with the package (SPEC 9), which `ledger demo` builds on: it ships as
package data, imports cleanly on both backends, and survives an export round trip."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ledger.io.scenarios import BUNDLED, ScenarioImported, bundled_scenario, export_scenario, import_scenario
from ledger.store.ledger import open_ledger
from tests.conftest import LedgerCli

SHIPPED = Path(__file__).resolve().parents[2] / "ledger" / "scenarios" / "sahel-2026.yaml"


def test_importlib_resources_finds_it():
    assert BUNDLED == ("sahel-2026",)
    assert bundled_scenario() == bundled_scenario("sahel-2026") == SHIPPED.read_bytes()


def test_it_imports_cleanly_through_the_command(run: LedgerCli):
    out = run("scenario", "import", str(SHIPPED)).stdout
    assert out.startswith("imported sahel-2026.yaml: scenario sahel-2026 with 12 questions, 10 priors by the source "
                          "Sahel Monitor (new); head 2:")
    run("verify")
    shown = run.json("scenario", "show", "sahel-2026")
    assert (shown["title"], shown["source"]) == ("US re-engagement with Mali and the Sahel", {
        "title": "Washington's Bamako reset: interests before sanctions", "publisher": "Sahel Monitor",
        "url": "https://example.org/sahel-monitor/2026/11/washington-bamako-reset", "published": "2026-11-20"})
    questions = shown["questions"]
    assert len(questions) == 12 and len({q["slug"] for q in questions}) == 12
    assert {q["opens_at"] for q in questions} == {"2026-11-27T00:00:00Z"}
    # a simulation can resolve some in 2027 and leave others open into 2028 (a close on 2027-12-31
    # is the end of that day, 2028-01-01 00:00Z)
    in_2027 = [q for q in questions if q["closes_at"] <= "2028-01-01T00:00:00Z"]
    in_2028 = [q for q in questions if "2028-01-01T00:00:00Z" < q["closes_at"] <= "2029-01-01T00:00:00Z"]
    assert (len(in_2027), len(in_2028)) == (6, 6)
    assert Counter(q["kind"] for q in questions) == {"binary": 10, "choice": 2}
    for q in questions:
        assert q["tags"] and len(q["criteria"]) > 200, q["slug"]
        assert q["resolves_by"] >= q["closes_at"] > q["opens_at"]
        forecasts = run.json("question", "show", q["slug"])["forecasts"]
        assert all((f["analyst"], f["made_at"]) == ("Sahel Monitor", q["opens_at"]) for f in forecasts)
        assert all(f["rationale"] for f in forecasts), "every prior comes with its quote"
    sanctions = run.json("question", "show", "us-sanctions-mali-2027")
    assert sanctions["options"] == ["lifted", "eased", "unchanged", "tightened"]
    assert sanctions["forecasts"][0]["probabilities"] == {"lifted": 0.05, "eased": 0.45, "unchanged": 0.45,
                                                         "tightened": 0.05}
    troops = run.json("question", "show", "us-troops-return-mali")
    assert troops["forecasts"][0]["p"] == 0.125  # "very unlikely": the middle of 5-20%


def test_it_imports_from_code_and_round_trips(run: LedgerCli, fresh):
    ledger = open_ledger(run.url)
    try:
        done = import_scenario(ledger, "ed", bundled_scenario(), source="sahel-2026.yaml")
        assert done == ScenarioImported("sahel-2026.yaml", done.sha256, False, False, done.head, "sahel-2026", 12, 10,
                                        "Sahel Monitor", True)
        assert done.head == str(ledger.head())
        again = import_scenario(ledger, "ed", bundled_scenario(), source="sahel-2026.yaml", check=True)
        assert (again.already, again.checked, again.head) == (True, True, done.head)
        exported = export_scenario(ledger, "sahel-2026")
    finally:
        ledger.close()
    other = fresh()
    elsewhere = open_ledger(other.url)
    try:
        assert import_scenario(elsewhere, "amina", exported, source="export.yaml").priors == 10
        assert export_scenario(elsewhere, "sahel-2026") == exported
    finally:
        elsewhere.close()
    other("verify")
