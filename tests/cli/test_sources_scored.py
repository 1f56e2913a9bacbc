"""Sources (SPEC 6): an article's forecaster is scored like an analyst and listed by `--by
analyst`, but left out of `@team`, of the median M(t) behind relative Brier, and of `all`; its
relative_brier is null. Numbers worked by hand below."""

from __future__ import annotations

import json

import pytest

from tests.conftest import LedgerCli

# q1 opens 2026-01-01, closes 2026-01-11 (10 days), resolves yes (known at the close).
#   the source "Sahel Monitor": 0.8 at day 0 · amina: 0.6 at day 2 · jo: 0.2 at day 5
LINES = [
    {"type": "analyst", "handle": "ed", "role": "editor"},
    {"type": "analyst", "handle": "Sahel Monitor", "kind": "source"},
    {"type": "question", "slug": "q1", "title": "Will X?", "kind": "binary", "criteria": "Yes if X.",
     "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2026-01-11T00:00:00Z"},
    {"type": "forecast", "question": "q1", "analyst": "Sahel Monitor", "made_at": "2026-01-01T00:00:00Z", "p": 0.8,
     "rationale": "“likely”, the article said"},
    {"type": "forecast", "question": "q1", "analyst": "amina", "made_at": "2026-01-03T00:00:00Z", "p": 0.6},
    {"type": "forecast", "question": "q1", "analyst": "jo", "made_at": "2026-01-06T00:00:00Z", "p": 0.2},
    {"type": "resolution", "question": "q1", "outcome": "yes", "known_at": "2026-01-11T00:00:00Z"},
]


@pytest.fixture
def scored(run: LedgerCli, tmp_path) -> dict:
    path = tmp_path / "sources.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in LINES))
    run("import", str(path))
    return {g["key"]: g for g in run.json("score")["groups"]}


def test_a_source_is_listed_and_scored_alone(scored):
    assert list(scored) == ["Sahel Monitor", "amina", "jo", "@team"]
    source = scored["Sahel Monitor"]
    assert source["brier"] == pytest.approx(0.04)  # (0.8 - 1)^2 over the whole 10 days
    assert source["coverage"] == pytest.approx(1.0)
    assert source["relative_brier"] is None


def test_the_team_and_relative_brier_count_persons_only(scored):
    # @team from day 2 (the first person's forecast): 0.6 for 3 days, median(0.6, 0.2) = 0.4 for 5:
    # (0.16 * 3 + 0.36 * 5) / 8 = 0.285; coverage (10 - 2) / 10 = 0.8.
    assert scored["@team"]["brier"] == pytest.approx(0.285)
    assert scored["@team"]["coverage"] == pytest.approx(0.8)
    # M(t) = 0.16 on [2, 5), median(0.16, 0.64) = 0.40 on [5, 10); T0 = day 2.
    # amina: (0 * 3 + (0.16 - 0.40) * 5) / 8 = -0.15; jo: (0.64 - 0.40) * 5 / 8 = 0.15
    assert scored["amina"]["relative_brier"] == pytest.approx(-0.15)
    assert scored["jo"]["relative_brier"] == pytest.approx(0.15)


def test_all_and_the_other_groupings_count_persons_only(run: LedgerCli, scored):
    [everyone] = run.json("score", "--by", "all")["groups"]
    assert everyone["questions"] == 2 and everyone["brier"] == pytest.approx((0.16 + 0.64) / 2)
    [question] = run.json("score", "--by", "question")["groups"]
    assert question["questions"] == 2


def test_a_source_never_writes(run: LedgerCli, scored):
    assert "is a source" in run("forecast", "q1", "50%", as_="Sahel Monitor", code=1).stderr
