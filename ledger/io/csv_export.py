"""Export in the flat one-row-per-forecast CSV layout (yes/no questions only)."""

from __future__ import annotations

import csv
from typing import Any, TextIO

from ledger.core.model import ANNULLED
from ledger.core.timeutil import format_instant

HEADER = ("question_id", "user_id", "probability", "answer_option", "timestamp", "outcome", "open_time",
          "close_time", "resolve_time", "q_title", "q_status", "criteria")
_OUTCOME = {"yes": "1", "no": "0", ANNULLED: "-1"}


def write_csv(snapshot: Any, out: TextIO) -> tuple[int, int]:
    """Write every yes/no forecast not withdrawn, with its question's values in force; returns
    (rows written, choice forecasts skipped)."""
    writer = csv.writer(out, lineterminator="\n")
    # The csv module quotes a field holding "\n" (the line terminator) but not a bare "\r", which
    # a reader takes for a line end: rows of a question whose text holds one are quoted in full.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    by_slug = {q.slug: q for q in snapshot.questions}
    written = skipped = 0
    for f in snapshot.forecasts():
        q = by_slug[f.question]
        if f.options is not None:
            skipped += 1
            continue
        if f.withdrawn is not None:  # never scored: a dataset dump leaves it out (SPEC 7)
            continue
        r = q.resolution
        status = "open" if r is None else ("ambiguous" if r.outcome == ANNULLED else "resolved")
        (quoted if "\r" in q.title_now or "\r" in q.criteria else writer).writerow((
            q.slug, f.analyst, repr(f.p), "1", format_instant(f.made_at),
            _OUTCOME[r.outcome] if r else "", format_instant(q.opens_now), format_instant(q.closes_now),
            format_instant(r.known_at) if r else "", q.title_now, status, q.criteria,
        ))
        written += 1
    return written, skipped
