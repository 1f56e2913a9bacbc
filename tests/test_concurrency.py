"""Concurrent writers (SPEC 2 and 3): several processes writing to one ledger at once all
succeed, never see a bare "database is locked", and leave one unbroken hash chain."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

WORKERS = 4

# One worker process: import everything, say it is ready, wait for the common start signal,
# then run its commands in-process one after another (each opens and closes its own ledger,
# as a separate `ledger` invocation would) and print what each returned.
WORKER = r"""
import json, os, sys, time, traceback
from click.testing import CliRunner
from ledger.cli.main import cli

ready, go, calls = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
runner = CliRunner()
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(go):
    if time.monotonic() > deadline:
        sys.exit("never told to start")
    time.sleep(0.001)
results = []
for argv in calls:
    r = runner.invoke(cli, argv)
    stderr = r.stderr
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*r.exc_info))
    results.append({"argv": argv, "code": r.exit_code, "stdout": r.stdout, "stderr": stderr})
print(json.dumps(results))
"""


def child_env() -> dict[str, str]:
    """The environment for child processes, without a default ledger or analyst."""
    return {k: v for k, v in os.environ.items() if k not in ("LEDGER_DB", "LEDGER_ANALYST")}


def race(workdir: Path, calls: list[list[list[str]]]) -> list[dict]:
    """Start one process per list of argvs, release them all at the same instant, and return
    every invocation's result (in each worker's order, workers in turn)."""
    workdir.mkdir()
    go = workdir / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(workdir / f"ready{i}"), str(go), json.dumps(argvs)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        for i, argvs in enumerate(calls)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((workdir / f"ready{i}").exists() for i in range(len(calls))):
            assert time.monotonic() < deadline, "workers did not start"
            assert all(p.poll() is None for p in procs), "a worker died while starting"
            time.sleep(0.005)
        go.touch()
        outputs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    results = []
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
        results.extend(json.loads(out))
    return results


def assert_all_clean(results: list[dict]) -> None:
    """Every invocation exited 0 without a traceback or a bare lock error."""
    for r in results:
        assert r["code"] == 0, r
        assert "Traceback" not in r["stderr"], r
        assert "database is locked" not in r["stderr"], r


def journal_rows(url: str) -> list[tuple[int, int]]:
    """(seq, at) of every journal entry, in seq order."""
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT seq, at FROM journal ORDER BY seq"))]
    finally:
        engine.dispose()


def forecasts_by_analyst(url: str) -> dict[str, int]:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT a.handle, count(*) FROM forecasts f JOIN analysts a ON a.id = f.analyst_id "
                    "GROUP BY a.handle"
                )
            )
            return dict(rows.all())
    finally:
        engine.dispose()


def assert_chain_intact(run) -> dict:
    """`verify` passes, seqs are 1..N without gaps, and time never runs backwards along the
    chain (each writer reads the clock only once it holds the append lock). Returns info."""
    info = run.json("info")
    head = info["head"]
    assert run("verify").stdout == f"ok: {head['seq']} entries, head {head['seq']}:{head['hash']}\n"
    entries = journal_rows(run.url)
    assert [seq for seq, _ in entries] == list(range(1, head["seq"] + 1))
    stamps = [at for _, at in entries]
    assert stamps == sorted(stamps)
    return info


def test_four_processes_forecasting_at_once(sahel, tmp_path):
    handles = [f"w{i}" for i in range(WORKERS)]
    for handle in handles:  # registered first, one at a time, so only the forecasts race
        sahel("analyst", "add", handle)
    before = sahel.json("info")
    calls = [
        [["--db", sahel.url, "--as", h, "forecast", "minerals", f"{10 + n}%"] for n in range(15)] for h in handles
    ]

    results = race(tmp_path / "race", calls)

    assert len(results) == WORKERS * 15
    assert_all_clean(results)
    info = assert_chain_intact(sahel)
    assert info["counts"]["forecasts"] == 60
    assert info["head"]["seq"] == before["head"]["seq"] + 60  # one entry per forecast
    assert forecasts_by_analyst(sahel.url) == {h: 15 for h in handles}


def test_four_newcomers_racing_to_be_the_first_analyst(run, tmp_path):
    handles = [f"r{i}" for i in range(WORKERS)]
    calls = [
        [["--db", run.url, "--as", h, "scenario", "add", f"s{i}", "--title", f"Scenario {i}"]]
        for i, h in enumerate(handles)
    ]

    results = race(tmp_path / "race", calls)

    assert_all_clean(results)
    people = {a["handle"]: a["role"] for a in run.json("analyst", "list")}
    assert sorted(people) == handles
    assert sorted(people.values()) == ["analyst"] * (WORKERS - 1) + ["editor"]
    assert sorted(s["slug"] for s in run.json("scenario", "list")) == [f"s{i}" for i in range(WORKERS)]
    info = assert_chain_intact(run)
    assert info["counts"] == {**info["counts"], "analysts": WORKERS, "scenarios": WORKERS}
    assert info["head"]["seq"] == 2 * WORKERS  # a registration and a scenario each


def test_concurrent_ledger_subprocesses(sahel):
    # Real `python -m ledger` invocations: 4 analysts at once (registered on their first
    # write, so registrations race too), 3 forecasts each.
    handles = [f"c{i}" for i in range(WORKERS)]

    def three_forecasts(handle: str) -> list[subprocess.CompletedProcess]:
        argv = [sys.executable, "-m", "ledger", "--db", sahel.url, "--as", handle, "forecast", "minerals", "60%"]
        return [subprocess.run(argv, capture_output=True, text=True, env=child_env(), timeout=120) for _ in range(3)]

    with ThreadPoolExecutor(WORKERS) as pool:
        done = [p for chain in pool.map(three_forecasts, handles) for p in chain]

    for p in done:
        assert p.returncode == 0, p.stderr
        assert re.fullmatch(r"recorded 60% \(likely\) on #1 \(forecast \d+\)\n", p.stdout), p.stdout
        assert "Traceback" not in p.stderr and "database is locked" not in p.stderr
    info = assert_chain_intact(sahel)
    assert info["counts"]["forecasts"] == 12
    assert forecasts_by_analyst(sahel.url) == {h: 3 for h in handles}
    roles = {a["handle"]: a["role"] for a in sahel.json("analyst", "list")}
    assert all(roles[h] == "analyst" for h in handles)
