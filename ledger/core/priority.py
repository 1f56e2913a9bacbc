"""The CPU priority of a batch job. The periodic report is one: on a machine where analysts are
writing, it should take the processor only when they leave it idle, not share it with them
(measured on two cores, 16 writers on PostgreSQL while the report ran: 0.66× a lone analyst's
writes per second at normal priority, 0.73× at nice 10, 0.86× at idle priority; the report itself
took no longer, as the writers leave most of the processor idle between round trips).
"""

from __future__ import annotations

import os

#: `ledger report --priority` (and `LEDGER_REPORT_PRIORITY`): low, the default, or normal.
PRIORITIES = ["low", "normal"]


def run_in_background() -> str:
    """Lower this process's CPU priority for the rest of its life: Linux's idle scheduling class
    (`SCHED_IDLE`), elsewhere the lowest nice value. Child processes started afterwards (the
    report's figure drawer) inherit it. The process can never raise it again, by design: call it
    from a command that is about to do batch work and then exit. Returns what was done; where
    neither can be had, nothing changes."""
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return "idle"
        except OSError:
            pass
    try:
        os.nice(19 - os.nice(0))
        return "nice 19"
    except OSError:
        return "unchanged"
