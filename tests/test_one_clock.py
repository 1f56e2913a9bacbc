"""SPEC 3: time comes from one place. No module but `ledger/store/clock.py` reads the clock; a
command takes its one `now` from the ledger (after the lock for a write, at the snapshot for a
read) and passes it down."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ledger"
CLOCK_READS = re.compile(r"\btime\.time(_ns)?\(|\bdatetime\.now\(|\bdate\.today\(|\butcnow\(|\bclock_timestamp\(|"
                         r"\btime\.monotonic|\bCURRENT_TIMESTAMP\b|(?<![.\w])now\(\)")


def test_only_the_clock_module_reads_the_clock():
    readers = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                     if CLOCK_READS.search(p.read_text(encoding="utf-8")))
    assert readers == ["store/clock.py"]
