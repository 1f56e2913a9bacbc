"""SPEC 10 load: 16 analysts, separate processes, each writing forecasts back to back, all at once,
on SQLite and on PostgreSQL, while a report is generated; beside one analyst writing alone.

    python benchmarks/load.py [--writers 16] [--writes 150] [--lone 1000] [--pairs 7] [--backends sqlite,postgresql]
                              [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
                              [--results benchmarks/LOAD.md]

Each writer is a process that opens the ledger once and records forecasts through the same
`Ledger.record_forecast` the `forecast` command calls (one journaled transaction each), so what is
measured is the store under contention, not process start-up (each makes one untimed forecast first,
so its statements are compiled before the clock starts, the lone analyst too). The writers start together at an
instant the parent gives once every one has said it is ready (a barrier: sixteen start-ups on two
cores take seconds, and a writer still importing must not compete with those writing). During the concurrent run another process generates the periodic report over and
over, as `ledger report` does (its figures drawn by a child process, at its default idle priority). The lone and the concurrent runs alternate, `--pairs` times, on the same ledger; the
pair with the median ratio is shown, with every pair's ratio. Afterwards: every forecast is there
(none lost), `verify` passes (chain intact), and the figures are total writes per second beside
the lone analyst's (goal: >= 0.8x, no collapse) and p50/p95 latency per write. Run it from a real install (`pip install .`), not an editable one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
QUESTIONS = 40
GOAL = 0.8


def worker(url: str, handle: str, writes: int, out: str) -> None:
    """Write `writes` forecasts back to back from the instant the parent gives on stdin (epoch
    seconds, once every writer has said on stdout that it is ready); latencies to `out`."""
    from ledger.core.probability import read_forecast
    from ledger.store.ledger import open_ledger

    ledger = open_ledger(url)
    given = [read_forecast([f"{p}%"]) for p in range(5, 96)]
    # one forecast before the start, untimed: connected, statements compiled, as in any process
    # that has written once; what is timed is then the store, not each process warming up
    ledger.record_forecast(handle, "q0", given[0], rationale=f"load test {handle} warm-up")
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))
    began = time.perf_counter()
    latencies = []
    for i in range(writes):
        t0 = time.perf_counter()
        ledger.record_forecast(handle, f"q{(i * 7 + len(handle)) % QUESTIONS}", given[i % len(given)],
                               rationale=f"load test {handle} {i}")
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - began
    ledger.close()
    Path(out).write_text(json.dumps({"latencies": latencies, "seconds": total, "ended": time.time()}))


def reporter(url: str, stop_file: str, out: str) -> None:
    """Generate the HTML report (to nowhere) again and again until `stop_file` exists, at the
    priority `ledger report` takes by default (idle: `--priority low`)."""
    from ledger.core.period import Period
    from ledger.core.priority import run_in_background
    from ledger.reports.build import build_report
    from ledger.reports.drawer import Drawer
    from ledger.reports.render import renderer
    from ledger.store.ledger import open_ledger
    from ledger.store.report_data import read_report_input

    run_in_background()  # as `ledger report` does, before its drawer is forked
    ledger = open_ledger(url)
    runs, seconds = 0, []
    while not os.path.exists(stop_file):
        t0 = time.perf_counter()
        with Drawer.started() as drawer:  # as `ledger report` does: the figures drawn by a child process
            data = read_report_input(ledger, period_of=lambda now: Period.containing("month", now))
            renderer("html")(build_report(data, drawer=drawer), drawer)
        seconds.append(time.perf_counter() - t0)
        runs += 1
    ledger.close()
    Path(out).write_text(json.dumps({"runs": runs, "seconds": seconds}))


def _ledger(url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "ledger", "--db", url, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"ledger {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def prepare(url: str, writers: int) -> None:
    """A fresh ledger with a scenario, QUESTIONS open questions and the writers registered."""
    from ledger.store.ledger import open_ledger

    _ledger(url, "init")
    ledger = open_ledger(url)
    ledger.add_scenario("ed", "load", "Load test")
    for i in range(QUESTIONS):
        ledger.add_question("ed", scenario="load", title=f"Load question {i}?", criteria="Resolves yes if so.",
                            opens_at=None, closes_at=4102444800_000000, resolves_by=None, slug=f"q{i}")
    for i in range(writers):
        ledger.add_analyst("ed", f"analyst{i:02d}", None, "analyst")
    ledger.close()


def run(url: str, writers: int, writes: int, with_report: bool, work: Path) -> dict:
    """`writers` processes writing `writes` forecasts each, at once; the measurements."""
    outs = [work / f"w{i}-{uuid.uuid4().hex[:6]}.json" for i in range(writers)]
    procs = [subprocess.Popen([sys.executable, __file__, "worker", url, f"analyst{i:02d}", str(writes), str(out)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for i, out in enumerate(outs)]
    stop, report_out = work / f"stop-{uuid.uuid4().hex[:6]}", work / f"r-{uuid.uuid4().hex[:6]}.json"
    rep = subprocess.Popen([sys.executable, __file__, "reporter", url, str(stop), str(report_out)]) \
        if with_report else None
    # a barrier: every writer started, connected and warmed up (on two cores sixteen start-ups
    # take seconds) before any is timed; then all start at one instant
    for p in procs:
        if p.stdout.readline().strip() != "ready":
            raise SystemExit("a writer failed before it was ready")
    start_at = time.time() + 0.2
    for p in procs:
        p.stdin.write(f"{start_at!r}\n")
        p.stdin.flush()
    for p in procs:
        if p.wait() != 0:
            raise SystemExit("a writer failed")
    stop.write_text("")
    if rep is not None and rep.wait() != 0:
        raise SystemExit("the reporter failed")
    results = [json.loads(o.read_text()) for o in outs]
    wall = max(r["ended"] for r in results) - start_at
    latencies = sorted(x for r in results for x in r["latencies"])
    reports = json.loads(report_out.read_text()) if rep is not None else {"runs": 0, "seconds": []}
    return {"writes": len(latencies), "wall": wall, "per_second": len(latencies) / wall,
            "p50": statistics.median(latencies), "p95": latencies[int(0.95 * (len(latencies) - 1))],
            "reports": reports["runs"],
            "report_median": statistics.median(reports["seconds"]) if reports["seconds"] else None}


@contextmanager
def fresh_database(server: str, prefix: str) -> Iterator[str]:
    """The URL of a new database `PREFIX_xxxxxxxx` on the PostgreSQL `server`, dropped afterwards
    whatever happens (`DROP … IF EXISTS … WITH (FORCE)`)."""
    from sqlalchemy import create_engine, text

    db = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db}"'))
        yield server.rsplit("/", 1)[0] + f"/{db}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def backend(name: str, args, work: Path) -> dict:
    with nullcontext(f"sqlite:///{work / 'load.db'}") if name == "sqlite" \
            else fresh_database(args.postgres, "ledger_load") as url:
        prepare(url, args.writers)
        pairs = []
        for _ in range(args.pairs):  # interleaved, as SPEC 10's ratios are: the machine drifts between runs
            lone = run(url, 1, args.lone, False, work)
            many = run(url, args.writers, args.writes, not args.no_report, work)
            pairs.append((many["per_second"] / lone["per_second"], lone, many))
        in_order = [r for r, _, _ in pairs]
        pairs.sort(key=lambda pair: pair[0])
        ratio, lone, many = pairs[len(pairs) // 2]  # the median pair
        counts = json.loads(_ledger(url, "info", "--json"))["counts"]
        expected = args.pairs * (args.lone + 1 + args.writers * (args.writes + 1))  # and each one's warm-up
        verified = _ledger(url, "verify").strip()
        return {"backend": name, "lone": lone, "many": many, "forecasts": counts["forecasts"],
                "expected": expected, "verify": verified, "ratio": ratio, "ratios": in_order}


def table(results: list[dict], writers: int) -> str:
    lines = ["| backend | lone: writes/s | p50 / p95 ms | {n} at once: writes/s | p50 / p95 ms | ratio (goal >= 0.8) "
             "| every pair's ratio, in run order | reports during | none lost | verify |".format(n=writers),
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lone, many = r["lone"], r["many"]
        mark = "" if r["ratio"] >= GOAL else " MISSED"
        lines.append(
            f"| {r['backend']} | {lone['per_second']:.0f} | {lone['p50'] * 1e3:.1f} / {lone['p95'] * 1e3:.1f} "
            f"| {many['per_second']:.0f} | {many['p50'] * 1e3:.1f} / {many['p95'] * 1e3:.1f} | {r['ratio']:.2f}×{mark} "
            f"| {', '.join(f'{x:.2f}×' for x in r['ratios'])} "
            f"| {many['reports']} (median {many['report_median'] or 0:.2f} s) "
            f"| {'yes' if r['forecasts'] == r['expected'] else 'NO'} ({r['forecasts']}) | {r['verify']} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "reporter":
        reporter(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=16)
    # runs of a second or more each (2,400 forecasts at once, 1,000 alone): in shorter ones the ratio
    # swings with whether the report's heaviest part falls inside the run
    parser.add_argument("--writes", type=int, default=150, help="forecasts per writer in the concurrent run")
    parser.add_argument("--lone", type=int, default=1000, help="forecasts the lone analyst writes")
    parser.add_argument("--pairs", type=int, default=7, help="interleaved pairs (lone, then at once); the median "
                                                             "pair's figures are shown")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-report", action="store_true", help="no report during the concurrent run (to tell "
                                                                     "contention from CPU taken by the report)")
    parser.add_argument("--postgres", default=os.environ.get("LEDGER_TEST_POSTGRES_URL",
                                                             "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--results", type=Path, default=HERE / "LOAD.md")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.backends.split(","):
            print(f"{name}: lone analyst, then {args.writers} at once with a report running ...", file=sys.stderr)
            results.append(backend(name, args, Path(tmp)))
            print(table(results[-1:], args.writers), file=sys.stderr)
    text = table(results, args.writers)
    print(text)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    args.results.write_text(
        f"# Load: {args.writers} writers at once\n\n`python benchmarks/load.py {' '.join(sys.argv[1:])}` on {when}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.\n"
        f"Lone: one analyst writes {args.lone} forecasts; at once: {args.writers} processes write {args.writes} each "
        f"while another regenerates the HTML report of the month.\n\n{text}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
