"""`ledger score` end to end on both backends, against numbers worked by hand."""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import LedgerCli

DAY = "2026-01-{:02d}T00:00:00Z"


def day(n: int) -> str:
    return DAY.format(1 + n)


# Question A: opens day 0, closes day 10, outcome yes known day 20 -> cutoff day 10.
# amina: 0.6 on day 2, 0.9 on day 6; jo: 0.2 on day 4. Question B is annulled: never scored.
LINES = [
    {"type": "question", "slug": "a", "title": "A?", "kind": "binary", "criteria": "c",
     "opens_at": day(0), "closes_at": day(10), "tags": ["t1"]},
    {"type": "question", "slug": "b", "title": "B?", "kind": "binary", "criteria": "c",
     "opens_at": day(0), "closes_at": day(10)},
    {"type": "forecast", "question": "a", "analyst": "amina", "made_at": day(2), "p": 0.6},
    {"type": "forecast", "question": "a", "analyst": "jo", "made_at": day(4), "p": 0.2},
    {"type": "forecast", "question": "a", "analyst": "amina", "made_at": day(6), "p": 0.9},
    {"type": "forecast", "question": "a", "analyst": "amina", "made_at": day(11), "p": 0.0},  # after the cutoff
    {"type": "forecast", "question": "b", "analyst": "amina", "made_at": day(2), "p": 0.5},
    {"type": "resolution", "question": "a", "outcome": "yes", "known_at": day(20)},
    {"type": "resolution", "question": "b", "outcome": "annulled", "known_at": day(20)},
]


@pytest.fixture
def scored(run: LedgerCli, tmp_path) -> LedgerCli:
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in LINES))
    run("import", str(path))
    return run


def by_key(doc):
    return {g["key"]: g for g in doc["groups"]}


def test_time_method_by_analyst(scored: LedgerCli):
    doc = scored.json("score", "--as-of", "2026-02-01")
    assert doc["method"] == "time" and doc["by"] == "analyst" and doc["as_of"] == "2026-02-01T00:00:00Z"
    assert [g["key"] for g in doc["groups"]] == ["amina", "jo", "@team"]
    g = by_key(doc)
    # amina: (0.4² × 4 days + 0.1² × 4 days) / 8 days = (0.64 + 0.04) / 8 = 0.085
    assert g["amina"]["brier"] == pytest.approx(0.085, abs=1e-12)
    # log loss: (−ln 0.6 × 4 − ln 0.9 × 4) / 8
    assert g["amina"]["log_loss"] == pytest.approx((-math.log(0.6) - math.log(0.9)) / 2, abs=1e-12)
    assert g["amina"]["coverage"] == pytest.approx(0.8, abs=1e-12)  # (10 − 2) / (10 − 0)
    assert g["jo"]["brier"] == pytest.approx(0.64, abs=1e-12)  # 0.8², from day 4 on
    assert g["jo"]["coverage"] == pytest.approx(0.6, abs=1e-12)
    # Relative Brier, T0 = day 2. [2,4): only amina, d = 0. [4,6): B 0.16 and 0.64, median 0.4.
    # [6,10): B 0.01 and 0.64, median 0.325. amina: (−0.24×2 − 0.315×4)/8 = −0.2175; jo: +0.2175.
    assert g["amina"]["relative_brier"] == pytest.approx(-0.2175, abs=1e-12)
    assert g["jo"]["relative_brier"] == pytest.approx(0.2175, abs=1e-12)
    # @team: [2,4) median 0.6 → 0.16; [4,6) median(0.6, 0.2) = 0.4 → 0.36; [6,10) median(0.9, 0.2)
    # = 0.55 → 0.2025. (0.16×2 + 0.36×2 + 0.2025×4) / 8 = 1.85 / 8 = 0.23125
    assert g["@team"]["brier"] == pytest.approx(0.23125, abs=1e-12)
    assert g["@team"]["relative_brier"] is None
    assert g["@team"]["coverage"] == pytest.approx(0.8, abs=1e-12)
    assert all(x["questions"] == 1 for x in doc["groups"])


def test_final_method_and_calibration(scored: LedgerCli):
    g = by_key(scored.json("score", "--method", "final", "--as-of", "2026-02-01"))
    assert g["amina"]["brier"] == pytest.approx(0.01, abs=1e-12)  # final counted forecast 0.9
    assert g["amina"]["relative_brier"] is None and g["amina"]["coverage"] is None
    assert g["@team"]["brier"] == pytest.approx(0.2025, abs=1e-12)  # median(0.9, 0.2) = 0.55
    cal = g["amina"]["calibration"]
    top = cal["bins"][9]
    assert (top["lo"], top["hi"], top["n"]) == (0.9, 1.0, 1)
    assert top["mean_p"] == pytest.approx(0.9) and top["freq"] == 1.0
    # Wilson, n = 1, f = 1: low = 1 / (1 + z²), high = 1
    z = 1.959963984540054
    assert top["ci_low"] == pytest.approx(1 / (1 + z * z), abs=1e-12)
    assert top["ci_high"] == pytest.approx(1.0, abs=1e-12)
    assert [b["n"] for b in cal["bins"][:9]] == [0] * 9
    assert cal["bins"][0]["mean_p"] is None
    assert cal["ece"] == pytest.approx(0.1, abs=1e-12)
    m = cal["murphy"]
    assert m["brier"] == pytest.approx(0.01, abs=1e-12) and m["reliability"] == pytest.approx(0.01, abs=1e-12)
    assert m["resolution"] == pytest.approx(0.0, abs=1e-12) and m["uncertainty"] == pytest.approx(0.0, abs=1e-12)


def test_as_of_before_the_resolution_scores_nothing(scored: LedgerCli):
    assert scored.json("score", "--as-of", "2026-01-15")["groups"] == []
    assert "no scored questions" in scored("score", "--as-of", "2026-01-15").stdout


def test_other_groupings(scored: LedgerCli):
    assert [g["key"] for g in scored.json("score", "--by", "all")["groups"]] == ["all"]
    assert by_key(scored.json("score", "--by", "all"))["all"]["questions"] == 2
    assert by_key(scored.json("score", "--by", "all"))["all"]["brier"] == pytest.approx((0.085 + 0.64) / 2)
    assert [g["key"] for g in scored.json("score", "--by", "question")["groups"]] == ["a"]
    assert [g["key"] for g in scored.json("score", "--by", "tag")["groups"]] == ["t1"]
    assert scored.json("score", "--tag", "nope")["groups"] == []
    assert scored.json("score", "--from", "2026-01-22")["groups"] == []
    assert len(scored.json("score", "--from", "2026-01-21", "--to", "2026-01-22")["groups"]) == 3


def test_withdrawn_and_bad_options(scored: LedgerCli):
    assert "--as-of" in scored("score", "--as-of", "someday", code=2).stderr
    assert scored("score", "--from", "2026-02-01", "--to", "2026-01-01", code=2).stderr.startswith("error: --to")
    assert scored("score", "--scenario", "nope", code=1).stderr == "error: no scenario 'nope'\n"


def test_human_table(scored: LedgerCli):
    out = scored("score").stdout.splitlines()
    assert out[0].split() == ["analyst", "n", "brier", "log", "loss", "relative", "coverage", "ece"]
    assert out[1].split()[:3] == ["amina", "1", "0.0850"]
    assert out[-1].startswith("@team")
