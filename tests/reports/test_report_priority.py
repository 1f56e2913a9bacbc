"""`ledger report` runs at idle CPU priority unless told `--priority normal`: a batch job takes the
processor analysts leave idle. The lowering lasts for the process (it cannot be undone), so it is
checked in child processes, and the wiring by standing in for it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import LedgerCli
from tests.reports.conftest import AS_OF

pytestmark = pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux's idle scheduling class")


def _policy_after(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_process_and_a_child_forked_after_run_at_idle_priority():
    code = ("import os; from ledger.core.priority import run_in_background\n"
            "before = os.sched_getscheduler(0); said = run_in_background()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    os._exit(0 if os.sched_getscheduler(0) == os.SCHED_IDLE else 1)\n"
            "_, status = os.waitpid(pid, 0)\n"
            "print(before == os.SCHED_OTHER, said, os.sched_getscheduler(0) == os.SCHED_IDLE, status == 0)")
    assert _policy_after(code) == "True idle True True"


@pytest.mark.parametrize(("argv", "env", "lowered"), [
    ([], None, True),                               # the default
    (["--priority", "normal"], None, False),
    ([], "normal", False),                          # LEDGER_REPORT_PRIORITY, as the suite sets it
    (["--priority", "low"], "normal", True),        # the option over the variable
])
def test_the_report_lowers_its_priority_unless_told(small: LedgerCli, tmp_path, monkeypatch, argv, env, lowered):
    import ledger.core.priority as priority

    calls = []
    monkeypatch.setattr(priority, "run_in_background", lambda: calls.append(True) or "idle")
    if env is None:
        monkeypatch.delenv("LEDGER_REPORT_PRIORITY", raising=False)
    else:
        monkeypatch.setenv("LEDGER_REPORT_PRIORITY", env)
    out = tmp_path / "r.md"
    small("report", "--as-of", AS_OF, "--format", "md", "--out", str(out), *argv)
    assert (out / "report.md").exists()
    assert calls == ([True] if lowered else [])


def test_an_unknown_priority_is_bad_input(small: LedgerCli):
    result = small("report", "--priority", "high", code=2)
    assert "'high' is not one of 'low', 'normal'" in result.output
