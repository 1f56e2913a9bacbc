"""Synthetic forecasting history in the public-dataset CSV layout (SPEC 7), for benchmarks.

About 10 forecasts per question, 1,000 analysts, questions opening over 2020–2022 (SPEC 10), 90% of
them resolved (a few annulled), the rest still open (closing in the future), timestamps with seconds. Deterministic per seed.
The dense variant (`write_dense_csv`) is the same history on 1,000 questions, by 600 analysts.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

#: SPEC 10's dense ledger: ~1,000 forecasts on each of 1,000 questions at 1M, by ~600 analysts.
DENSE_QUESTIONS = 1000
DENSE_ANALYSTS = 600

HEADER = ["question_id", "user_id", "probability", "answer_option", "timestamp", "outcome", "open_time",
          "close_time", "resolve_time", "q_title", "q_status"]


def write_csv(path: Path, forecasts: int, *, analysts: int = 1000, per_question: int = 10, seed: int = 7) -> None:
    """Write `forecasts` rows to `path`."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    fmt = "%Y-%m-%d %H:%M:%S+00:00"
    n_questions = max(1, forecasts // per_question)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(HEADER)
        for q in range(n_questions):
            opens = start + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))  # opening over 2020-2022
            days = rng.randrange(10, 400)
            resolved = rng.random() < 0.9
            if resolved:
                closes = opens + timedelta(days=days)
                known = closes - timedelta(days=rng.randrange(0, days // 2 + 1))
                truth = rng.random() < 0.4
                outcome, status = ("-1", "ambiguous") if rng.random() < 0.01 else ("1" if truth else "0", "resolved")
                resolve_time = known.strftime(fmt)
            else:
                closes = datetime(2099, 1, 1, tzinfo=timezone.utc) + timedelta(days=days)
                known, truth, outcome, status, resolve_time = closes, rng.random() < 0.4, "", "open", ""
            span = max(60, int((min(closes, known) - opens).total_seconds()))
            n = per_question if q < n_questions - 1 else forecasts - written
            lean = 0.7 if truth else 0.3
            row_q = [f"q{q}", "", "", "1", "", outcome, opens.strftime(fmt), closes.strftime(fmt), resolve_time,
                     f"Synthetic question {q}?", status]
            for _ in range(n):
                made = opens + timedelta(seconds=rng.randrange(0, span))
                p = min(1.0, max(0.0, rng.gauss(lean, 0.2)))
                row = list(row_q)
                row[1] = f"analyst{rng.randrange(analysts)}"
                row[2] = f"{p:.3f}"
                row[4] = made.strftime(fmt)
                out.writerow(row)
            written += n


def write_dense_csv(path: Path, forecasts: int) -> None:
    """Write `forecasts` rows to `path` on DENSE_QUESTIONS questions (exactly, when `forecasts` is a multiple
    of it), `forecasts // DENSE_QUESTIONS` each, by DENSE_ANALYSTS analysts: the dense ledger at every size."""
    write_csv(path, forecasts, analysts=DENSE_ANALYSTS, per_question=max(1, forecasts // DENSE_QUESTIONS))
