"""Ledgers for the report tests, built by JSONL import (backdated history, an amendment, a
withdrawal, a source), and the report of one of them as of 2026-12-01."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import LedgerCli

HERE = Path(__file__).parent
AS_OF = "2026-12-01"


def import_lines(run: LedgerCli, tmp_path: Path, lines: list[dict], name: str = "history.jsonl") -> LedgerCli:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    run("import", str(path))
    return run


@pytest.fixture
def small(run: LedgerCli) -> LedgerCli:
    """The hand-worked ledger of `small.jsonl` (see test_report.py for its story)."""
    run("import", str(HERE / "small.jsonl"))
    return run


@pytest.fixture
def small_report(small: LedgerCli):
    from ledger.core.period import Period
    from ledger.core.timeutil import parse_instant
    from ledger.reports.build import build_report
    from ledger.store.ledger import open_ledger
    from ledger.store.report_data import read_report_input

    ledger = open_ledger(small.url)
    try:
        as_of = parse_instant(AS_OF)
        data = read_report_input(ledger, as_of=as_of, period_of=lambda now: Period.containing("month", as_of))
        return build_report(data)
    finally:
        ledger.close()
