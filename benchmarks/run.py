"""SPEC 10 benchmarks: every figure beside a reference measured in the same run, as a ratio.

Builds synthetic ledgers of 100k, 300k and 1M forecasts through `ledger import` (about 10
forecasts per question, 1,000 analysts, 90% resolved) and measures:

- `ledger --help` against `python -c "import click"`,
- `ledger forecast Q 70%` on the largest ledger against `python -c "import sqlalchemy.orm"`,
- `ledger import` of the CSV against a plain sqlite3 script inserting the same rows into one table,
- `ledger score --json` against reading the forecasts table into Python with plain sqlite3,
- time per forecast at each size (import and score) and the growth from the smallest to the largest,
- peak memory (max RSS) of the import and score runs.

Usage:  python benchmarks/run.py [--sizes 100000,300000,1000000] [--work DIR] [--repeat 5] [--import-repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import write_csv  # noqa: E402

PY = sys.executable
LEDGER = [PY, "-m", "ledger"]

REFERENCE_IMPORT = """
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[2])
con.execute("CREATE TABLE rows (question_id TEXT, user_id TEXT, probability REAL, answer_option TEXT,"
            " timestamp TEXT, outcome TEXT, open_time TEXT, close_time TEXT, resolve_time TEXT, q_title TEXT,"
            " q_status TEXT)")
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    reader = csv.reader(fh)
    next(reader)
    con.executemany("INSERT INTO rows VALUES (?,?,?,?,?,?,?,?,?,?,?)", reader)
con.commit()
"""

REFERENCE_READ = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
table = max((r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%forecast%'")),
            key=lambda t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
rows = con.execute(f"SELECT * FROM {table}").fetchall()
print(len(rows))
"""


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one run of `cmd` in a child process."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "e = time.perf_counter() - t\n"
        "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
    )
    out = subprocess.run([PY, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, check=True)
    elapsed, rss, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(cmd)}")
    return float(elapsed), int(rss)


def paired(cmd: list[str], reference: list[str], repeat: int, env: dict | None = None) -> tuple[float, float]:
    """Median wall times of `cmd` and `reference`, run alternately so both see the same machine."""
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(timed(cmd, env)[0])
        theirs.append(timed(reference, env)[0])
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--work", type=Path, default=None, help="Keep generated files here (default: a temp dir).")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-repeat", type=int, default=3, help="Imports (and references) per size.")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, LEDGER_ANALYST="bench")
    rows = []

    def report(figure: str, value: float, reference: float | None, unit: str = "s", goal: str = "") -> None:
        ratio = f"{value / reference:.2f}x" if reference else "-"
        ref = f"{reference:.3f}" if reference else "-"
        rows.append((figure, f"{value:.3f}{unit}", ref + (unit if reference else ""), ratio, goal))
        print(f"{figure:<44} {value:9.3f}{unit}  ref {ref:>9}  {ratio:>7}  {goal}", flush=True)

    help_t, click_t = paired(LEDGER + ["--help"], [PY, "-c", "import click"], 2 * args.repeat + 1, env)
    report("ledger --help", help_t, click_t, goal="<= 1.5x")

    per = {}
    largest_db = None
    for n in sizes:
        csv_path = work / f"synthetic-{n}.csv"
        if not csv_path.exists():
            write_csv(csv_path, n)
        db = work / f"ledger-{n}.db"
        ref_db = work / f"reference-{n}.db"
        ref_times, imp_times, imp_rss = [], [], 0
        for _ in range(args.import_repeat):  # interleaved, so both see the same machine
            ref_db.unlink(missing_ok=True)
            ref_times.append(timed([PY, "-c", REFERENCE_IMPORT, str(csv_path), str(ref_db)])[0])
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            subprocess.run(LEDGER + ["--db", str(db), "init"], check=True, capture_output=True, env=env)
            took, rss = timed(LEDGER + ["--db", str(db), "import", str(csv_path)], env)
            imp_times.append(took)
            imp_rss = max(imp_rss, rss)
        ref_import, imp = statistics.median(ref_times), statistics.median(imp_times)
        report(f"import {n:,} rows", imp, ref_import, goal="<= 3x")
        ref_read = statistics.median(timed([PY, "-c", REFERENCE_READ, str(db)])[0] for _ in range(3))
        scores = [timed(LEDGER + ["--db", str(db), "score", "--json"], env) for _ in range(3)]
        score_t = statistics.median(t for t, _ in scores)
        score_rss = max(r for _, r in scores)
        report(f"score --json on {n:,}", score_t, ref_read, goal="<= 3x")
        report(f"peak memory import {n:,}", imp_rss / 1024, None, unit=" MiB", goal="<= 1024 MiB at 1M")
        report(f"peak memory score {n:,}", score_rss / 1024, None, unit=" MiB", goal="<= 1024 MiB at 1M")
        per[n] = (imp / n, score_t / n)
        largest_db = db
        ref_db.unlink(missing_ok=True)

    if len(sizes) > 1:
        lo, hi = min(sizes), max(sizes)
        report(f"import time/forecast growth {lo:,} -> {hi:,}", per[hi][0] / per[lo][0], None, unit="x",
               goal="<= 1.5x")
        report(f"score time/forecast growth {lo:,} -> {hi:,}", per[hi][1] / per[lo][1], None, unit="x",
               goal="<= 1.5x")

    # An open question to forecast on: the synthetic set leaves 10% of questions open until 2099.
    import sqlite3

    con = sqlite3.connect(largest_db)
    open_slug = con.execute(
        "SELECT slug FROM questions q WHERE NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.question_id = q.id)"
        " ORDER BY id LIMIT 1"
    ).fetchone()[0]
    con.close()
    fc, orm = paired(LEDGER + ["--db", str(largest_db), "forecast", open_slug, "70%"],
                     [PY, "-c", "import sqlalchemy.orm"], 2 * args.repeat + 1, env)
    report(f"forecast on the {max(sizes):,} ledger", fc, orm, goal="<= 1.3x")

    print("\n| figure | value | reference | ratio | goal |\n|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
