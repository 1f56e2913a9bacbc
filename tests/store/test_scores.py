"""What `ledger score` counts (SPEC 6), pinned at its edges on both backends: a resolution known
exactly at --as-of, withdrawn forecasts, amended dates, a forecast made exactly at the cutoff.

Each test fails if the rule it names is broken in `ledger/store/scores.py` or the engine (the
mutation is named in its docstring). Expected numbers are worked by hand in the comments.

The ledger is imported from JSON lines. Withdrawals and amendments cannot be imported on this
branch, so they are written through `Ledger.writing()` and its `JournalWriter` (the journal-
covered path every command uses); each test then checks that `ledger verify` still passes.
"""

from __future__ import annotations

import json

import pytest

from ledger.core.timeutil import parse_instant
from ledger.store import schema as s
from ledger.store.ledger import open_ledger
from tests.conftest import LedgerCli


def day(n: float) -> str:
    """Midnight UTC on 2026-01-01 + n days (n may be fractional: 0.5 is noon)."""
    hours = round(n * 24)
    return f"2026-01-{1 + hours // 24:02d}T{hours % 24:02d}:00:00Z"


# Question a: opens day 0, closes day 10, outcome yes known day 20 -> cutoff day 10.
# Forecasts (ids in file order): 1 amina 0.6 on day 2, 2 jo 0.2 on day 4, 3 amina 0.9 on day 6.
# Unchanged, this is the ledger of tests/cli/test_score.py: amina 0.085, jo 0.64, @team 0.23125.
QUESTION = {"type": "question", "slug": "a", "title": "A?", "kind": "binary", "criteria": "c",
            "opens_at": day(0), "closes_at": day(10)}
FORECASTS = [
    {"type": "forecast", "question": "a", "analyst": "amina", "made_at": day(2), "p": 0.6},
    {"type": "forecast", "question": "a", "analyst": "jo", "made_at": day(4), "p": 0.2},
    {"type": "forecast", "question": "a", "analyst": "amina", "made_at": day(6), "p": 0.9},
]
KNOWN = "2026-01-21T09:30:00.123456Z"  # day 20 and a bit, with microseconds
RESOLUTION = {"type": "resolution", "question": "a", "outcome": "yes", "known_at": KNOWN}
AS_OF = "2026-02-01"


def build(run: LedgerCli, tmp_path, *extra: dict, resolution: dict = RESOLUTION) -> LedgerCli:
    path = tmp_path / "history.jsonl"
    lines = [QUESTION, *FORECASTS, *extra, resolution]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    run("import", str(path))
    return run


def groups(run: LedgerCli, *args: str) -> dict[str, dict]:
    doc = run.json("score", *args)
    return {g["key"]: g for g in doc["groups"]}


def journaled(run: LedgerCli, table, kind: str, **values) -> None:
    """Insert one row as editor `ed`, covered by a journal entry of its own."""
    ledger = open_ledger(run.url)
    try:
        with ledger.writing("ed") as tx:
            for name in ("withdrawn_by", "amended_by"):
                if name in table.c and name not in values:
                    values[name] = tx.actor.id
            for name in ("withdrawn_at", "amended_at"):
                if name in table.c and name not in values:
                    values[name] = tx.now
            tx.journal.insert(table, **values)
            tx.journal.append(kind)
    finally:
        ledger.close()
    assert run("verify").stdout.startswith("ok: ")


def amend(run: LedgerCli, **dates: str) -> None:
    values = {name: parse_instant(text, what=name) for name, text in dates.items() if name != "title"}
    if "title" in dates:
        values["title"] = dates["title"]
    journaled(run, s.question_amendments, "question.amend", question_id=1, reason="test", **values)


# -- (a) known_at <= as_of ----------------------------------------------------------------------


def test_a_resolution_known_exactly_at_as_of_counts(run: LedgerCli, tmp_path):
    """Mutation caught: `known_at <= as_of` turned into `<` in store/scores.py."""
    build(run, tmp_path)
    at = groups(run, "--as-of", KNOWN)
    assert list(at) == ["amina", "jo", "@team"]
    # amina: (0.4² × 4 days + 0.1² × 4 days) / 8 days = 0.68 / 8 = 0.085
    assert at["amina"]["brier"] == pytest.approx(0.085, abs=1e-12)
    # one microsecond earlier the outcome is not known yet: nothing is scored
    assert groups(run, "--as-of", "2026-01-21T09:30:00.123455Z") == {}


# -- (b) withdrawn forecasts never count ----------------------------------------------------------


def test_a_withdrawn_forecast_never_counts(run: LedgerCli, tmp_path):
    """Mutation caught: the withdrawals dropped by store/scores.py (withdrawn forecasts scored).

    The row is journaled, not imported: this branch's importer does not record `"withdrawn"`."""
    build(run, tmp_path)
    journaled(run, s.withdrawals, "forecast.withdraw", forecast_id=3, reason="meant 0.09")
    timed = groups(run, "--as-of", AS_OF)
    # Without amina's 0.9 on day 6 her 0.6 stands on [2, 10): B = 0.4² = 0.16.
    assert timed["amina"]["brier"] == pytest.approx(0.16, abs=1e-12)
    assert timed["jo"]["brier"] == pytest.approx(0.64, abs=1e-12)  # 0.8² on [4, 10)
    # Relative, T0 = day 2: [2, 4) amina alone, d = 0; [4, 10) B 0.16 and 0.64, M = 0.4:
    # amina d = −0.24 for 6 days → −1.44 / (10 − 2) = −0.18; jo +1.44 / 8 = +0.18.
    assert timed["amina"]["relative_brier"] == pytest.approx(-0.18, abs=1e-12)
    assert timed["jo"]["relative_brier"] == pytest.approx(0.18, abs=1e-12)
    # @team: [2, 4) 0.6 → 0.16; [4, 10) median(0.6, 0.2) = 0.4 → 0.36: (0.32 + 2.16) / 8 = 0.31
    assert timed["@team"]["brier"] == pytest.approx(0.31, abs=1e-12)
    final = groups(run, "--as-of", AS_OF, "--method", "final")
    assert final["amina"]["brier"] == pytest.approx(0.16, abs=1e-12)  # final counted: 0.6
    assert final["amina"]["calibration"]["bins"][6]["n"] == 1  # 0.6 is in [0.6, 0.7)
    assert final["amina"]["calibration"]["bins"][9]["n"] == 0


def test_a_withdrawn_only_forecast_leaves_no_pair(run: LedgerCli, tmp_path):
    """Mutation caught: withdrawals ignored (jo would keep a pair and move @team)."""
    build(run, tmp_path)
    journaled(run, s.withdrawals, "forecast.withdraw", forecast_id=2, reason="wrong question")
    timed = groups(run, "--as-of", AS_OF)
    assert list(timed) == ["amina", "@team"]
    # amina alone: she is the median, relative 0; @team is her series: 0.085 like her
    assert timed["amina"]["relative_brier"] == pytest.approx(0.0, abs=1e-12)
    assert timed["@team"]["brier"] == pytest.approx(0.085, abs=1e-12)


# -- (c) the dates in force ----------------------------------------------------------------------


def test_an_earlier_close_in_force_moves_the_cutoff(run: LedgerCli, tmp_path):
    """Mutation caught: amendments ignored by scoring (or the first amendment taken for the latest,
    or a title-only amendment resetting the close)."""
    build(run, tmp_path)
    amend(run, closes_at=day(12))
    amend(run, closes_at=day(5))  # the latest close in force: cutoff = min(day 5, known) = day 5
    amend(run, title="A, reworded?")  # sets no date: the close stays day 5
    g = groups(run, "--as-of", AS_OF)
    # amina's 0.9 on day 6 is now after the cutoff. amina: 0.6 on [2, 5) → 0.16;
    # coverage (5 − 2) / (5 − 0) = 0.6. jo: 0.2 on [4, 5) → 0.64; coverage (5 − 4) / 5 = 0.2.
    assert g["amina"]["brier"] == pytest.approx(0.16, abs=1e-12)
    assert g["amina"]["coverage"] == pytest.approx(0.6, abs=1e-12)
    assert g["jo"]["brier"] == pytest.approx(0.64, abs=1e-12)
    assert g["jo"]["coverage"] == pytest.approx(0.2, abs=1e-12)
    # Relative, T0 = day 2: [4, 5) M = (0.16 + 0.64) / 2 = 0.4; amina −0.24 × 1 / 3 = −0.08
    assert g["amina"]["relative_brier"] == pytest.approx(-0.08, abs=1e-12)
    assert g["jo"]["relative_brier"] == pytest.approx(0.08, abs=1e-12)
    # @team: [2, 4) 0.16, [4, 5) median 0.4 → 0.36: (0.32 + 0.36) / 3 = 0.68 / 3
    assert g["@team"]["brier"] == pytest.approx(0.68 / 3, abs=1e-12)


def test_an_opening_in_force_changes_coverage(run: LedgerCli, tmp_path):
    """Mutation caught: the opens_at of amendments ignored (coverage from the first-recorded open)."""
    build(run, tmp_path)
    amend(run, opens_at=day(1))
    g = groups(run, "--as-of", AS_OF)
    # coverage = (cutoff − t_1) / (cutoff − opens_at): amina (10 − 2) / (10 − 1) = 8/9,
    # jo (10 − 4) / 9 = 2/3, @team from T0 = day 2: 8/9. The Brier scores do not move.
    assert g["amina"]["coverage"] == pytest.approx(8 / 9, abs=1e-12)
    assert g["jo"]["coverage"] == pytest.approx(2 / 3, abs=1e-12)
    assert g["@team"]["coverage"] == pytest.approx(8 / 9, abs=1e-12)
    assert g["amina"]["brier"] == pytest.approx(0.085, abs=1e-12)


# -- (d) made_at < cutoff -------------------------------------------------------------------------


def test_a_forecast_made_exactly_at_the_cutoff_does_not_count(run: LedgerCli, tmp_path):
    """Mutation caught: `made_at < cutoff` turned into `<=` in the engine's counted forecasts.

    The cutoff here is the known_at (day 8, before the close on day 10)."""
    at_cutoff = [
        {"type": "forecast", "question": "a", "analyst": "amina", "made_at": day(8), "p": 0.0},
        {"type": "forecast", "question": "a", "analyst": "kofi", "made_at": day(8), "p": 1.0},
        {"type": "forecast", "question": "a", "analyst": "bo", "made_at": "2026-01-08T23:59:59.999999Z", "p": 0.7},
    ]
    known_day_8 = dict(RESOLUTION, known_at=day(8))
    build(run, tmp_path, *at_cutoff, resolution=known_day_8)
    final = groups(run, "--as-of", AS_OF, "--method", "final")
    # kofi forecast only at the cutoff: no pair. bo, one microsecond before it, counts.
    assert list(final) == ["amina", "bo", "jo", "@team"]
    assert final["amina"]["brier"] == pytest.approx(0.01, abs=1e-12)  # her 0.9, not the 0.0: (1 − 0.9)²
    assert final["bo"]["brier"] == pytest.approx(0.09, abs=1e-12)  # (1 − 0.7)²
    # @team final: median(0.9, 0.2, 0.7) = 0.7 → 0.09
    assert final["@team"]["brier"] == pytest.approx(0.09, abs=1e-12)
    timed = groups(run, "--as-of", AS_OF)
    # amina: 0.6 on [2, 6), 0.9 on [6, 8): (0.16 × 4 + 0.01 × 2) / 6 = 0.66 / 6 = 0.11
    assert timed["amina"]["brier"] == pytest.approx(0.11, abs=1e-12)
    # bo stands for one microsecond: coverage 1 µs / 8 days
    assert timed["bo"]["coverage"] == pytest.approx(1 / (8 * 86_400_000_000), rel=1e-9)
