"""Issue 9's acceptance run, end to end, at a million forecasts, on SQLite and on PostgreSQL.

    python benchmarks/acceptance.py [--size 1000000] [--work DIR] [--postgres URL] [--skip-load]
                                    [--results benchmarks/ACCEPTANCE.md]

Run it with the interpreter of a real install (`pip install .`): every check runs the installed
`ledger` as its own process, as an analyst would, and reads only what it prints.

1. **copy**: a SQLite ledger of `--size` forecasts (imported from the synthetic CSV of
   `benchmarks/synth.py`, then a write on top) goes to a fresh PostgreSQL database and back to
   a new SQLite file with `ledger copy`. On each copy both old heads verify (`verify --head`):
   the one a report quoted before the last write, and the last one; the counts are the same and
   so are the scores (`score --json` by analyst, time-averaged and final, and by question: the
   same bytes).
2. **killed import**: `ledger import` of the same CSV into a ledger that holds a little, killed
   (SIGKILL) in the middle of its write: the ledger prints the same `info` and `verify` as before,
   and takes a write straight after (the lock went with the process).
3. **lock timeout**: a write behind that import, still running, with `LEDGER_LOCK_TIMEOUT=2`,
   exits 1 after about 2 s with one clear message, and nothing of it is written; the import then
   ends as usual and the ledger verifies.
4. **unreachable or wrong URL**: a closed port, a database that does not exist, a file that does
   not exist: `info` and `forecast` exit 1 with one line naming the URL (no password), no traceback.
5. **load**: `benchmarks/load.py`'s run on both databases (16 writers at once with a report
   regenerating, beside a lone analyst): none lost, chain intact, ratio >= 0.8x.

SPEC 10's ratios are `benchmarks/run.py`'s (RESULTS.md). Exit 0 when every check passed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import signal
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load  # noqa: E402 - benchmarks/ is not a package
from synth import write_csv  # noqa: E402

LOCK_TIMEOUT = 2
SCORES = (("--by", "analyst", "--method", "time"), ("--by", "analyst", "--method", "final"), ("--by", "question"))


@dataclass
class Check:
    name: str
    where: str
    ok: bool
    detail: str


class Acceptance:
    def __init__(self, work: Path, postgres: str, size: int):
        self.work, self.postgres, self.size = work, postgres, size
        self.checks: list[Check] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}

    # -- running ledger ---------------------------------------------------------------------------------

    def popen(self, url: str, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "ledger", "--db", url, "--as", "ed", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.work,
                                env={**self.env, **env})

    def run(self, url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
        proc = self.popen(url, *args, **env)
        out, err = proc.communicate()
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def must(self, url: str, *args: str) -> str:
        done = self.run(url, *args)
        if done.returncode != 0:
            raise SystemExit(f"ledger {' '.join(args)} on {url} exited {done.returncode}:\n{done.stderr[-2000:]}")
        return done.stdout

    def record(self, name: str, where: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, where, ok, detail))
        print(f"{'PASS' if ok else 'FAIL'}  {name} [{where}]: {detail}", file=sys.stderr, flush=True)

    def state(self, url: str) -> tuple[str, str]:
        """What a person sees of a ledger: its counts and head, and what `verify` prints."""
        info = json.loads(self.must(url, "info", "--json"))
        return json.dumps([info["counts"], info["head"]]), self.must(url, "verify").strip()

    def scores(self, url: str) -> list[str]:
        return [hashlib.sha256(self.must(url, "score", *how, "--as-of", "2100-01-01", "--json").encode()).hexdigest()
                for how in SCORES]

    def database(self):  # noqa: ANN201 - a context manager
        """A fresh database on the server, dropped afterwards whatever happens."""
        return load.fresh_database(self.postgres, "ledger_accept")

    # -- the checks ---------------------------------------------------------------------------------------

    def csv(self) -> Path:
        path = self.work / f"synthetic-{self.size}.csv"
        if not path.exists():
            print(f"writing {path.name}", file=sys.stderr, flush=True)
            partial = path.with_suffix(".partial")
            write_csv(partial, self.size)
            os.replace(partial, path)
        return path

    def copy(self) -> None:
        source = str(self.work / f"accept-{uuid.uuid4().hex[:6]}.db")
        self.must(source, "init")
        started = time.perf_counter()
        self.must(source, "import", str(self.csv()))
        imported = time.perf_counter() - started
        report = json.loads(self.must(source, "report", "--period", "year", "--as-of", "2023-01-01",
                                      "--format", "json", "--out", "-"))
        quoted = f"{report['head']['seq']}:{report['head']['hash']}"  # the head an old report quoted
        self.must(source, "analyst", "add", "late-comer")
        state, scores = self.state(source), self.scores(source)
        last = state[1].rsplit(" ", 1)[1]
        heads = (quoted, last)
        try:
            self._copies(source, state, scores, heads, imported)
        finally:
            for suffix in ("", "-wal", "-shm", "-lock"):
                Path(source + suffix).unlink(missing_ok=True)

    def _copies(self, source: str, state: tuple[str, str], scores: list[str], heads: tuple[str, str],
                imported: float) -> None:
        """`source` to PostgreSQL and back, each copy checked against the source's state, scores and heads."""
        with self.database() as pg:
            for src, dest, where in ((source, pg, "SQLite → PostgreSQL"),
                                     (pg, str(self.work / f"back-{uuid.uuid4().hex[:6]}.db"), "PostgreSQL → SQLite")):
                started = time.perf_counter()
                done = self.run(src, "copy", dest)
                took = time.perf_counter() - started
                if done.returncode != 0:
                    self.record("copy", where, False, f"exit {done.returncode}: {done.stderr.strip()[-500:]}")
                    return
                failed = [h for h in heads if not _verifies_with(self.run(dest, "verify", "--head", h), h)]
                same_state, same_scores = self.state(dest) == state, self.scores(dest) == scores
                self.record("copy", where, not failed and same_state and same_scores,
                            f"{json.loads(state[0])[0]['forecasts']:,} forecasts in {took:.1f} s; old heads "
                            f"{', '.join(h.split(':')[0] for h in heads)} "
                            f"{'verify' if not failed else 'FAIL: ' + ', '.join(failed)}; counts and head "
                            f"{'the same' if same_state else 'DIFFER'}; {len(SCORES)} score outputs "
                            f"{'byte-identical' if same_scores else 'DIFFER'} (source imported in {imported:.1f} s)")

    def small_ledger(self, url: str) -> None:
        self.must(url, "init")
        self.must(url, "analyst", "add", "amina")
        self.must(url, "scenario", "add", "sahel", "--title", "The Sahel")

    def writing(self, url: str, proc: subprocess.Popen) -> float:
        """Return once `proc`'s import is inside its write (`_write_probe`), and a moment more; when it
        was (`time.monotonic`)."""
        deadline = time.monotonic() + 300
        with _write_probe(url) as inside_write:
            while not inside_write():
                if proc.poll() is not None:
                    raise SystemExit(f"the import ended before it wrote: {proc.communicate()}")
                if time.monotonic() > deadline:
                    raise SystemExit("the import never started writing")
                time.sleep(0.01)
        inside = time.monotonic()
        time.sleep(0.2)
        return inside

    def killed_import(self, url: str, where: str) -> None:
        self.small_ledger(url)
        before = self.state(url)
        proc = self.popen(url, "import", str(self.csv()))
        self.writing(url, proc)
        running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = self.state(url)
        committed = "import" in _journal_kinds(url)
        wrote = self.run(url, "analyst", "add", "after-kill").returncode == 0
        self.record("killed import", where, running and after == before and wrote,
                    f"SIGKILL {'inside' if running else 'AFTER'} the write of {self.size:,} forecasts"
                    f"{' (it had committed: make --size bigger)' if committed else ''}; "
                    f"info and verify {'as before' if after == before else 'CHANGED'} "
                    f"({after[1][:40]}…); a write after it {'succeeds' if wrote else 'FAILS'}")

    def lock_timeout(self, url: str, where: str) -> None:
        self.small_ledger(url)
        importer = self.popen(url, "import", str(self.csv()))
        inside = self.writing(url, importer)
        started = time.monotonic()
        behind = self.run(url, "analyst", "add", "behind-the-import", LEDGER_LOCK_TIMEOUT=str(LOCK_TIMEOUT))
        waited = time.monotonic() - started
        still_running = importer.poll() is None
        importer.communicate()
        held = time.monotonic() - inside
        message = behind.stderr.strip().splitlines()
        clear = (behind.returncode == 1 and "Traceback" not in behind.stderr and behind.stdout == ""
                 and message and message[-1].endswith(
                     f"gave up after {LOCK_TIMEOUT} s (LEDGER_LOCK_TIMEOUT); nothing was written"))
        kinds = _journal_kinds(url)
        verified = self.run(url, "verify")
        ok = (clear and LOCK_TIMEOUT <= waited < LOCK_TIMEOUT + 5 and still_running and importer.returncode == 0
              and kinds[-1:] == ["import"] and verified.returncode == 0)
        if not clear and "import" in kinds[:-1]:
            how = "it wrote AFTER the import ended (too short a write to test: make --size bigger)"
        elif not clear:
            how = "it wrote while the import held the lock"
        else:
            how = "nothing of it was written"
        self.record("lock timeout", where, ok,
                    f"a write behind a {self.size:,}-forecast import exited {behind.returncode} after {waited:.1f} s "
                    f"(LEDGER_LOCK_TIMEOUT={LOCK_TIMEOUT}): “{message[-1] if message else ''}”; {how}; the import, "
                    f"{'still' if still_running else 'NO LONGER'} writing then, went on {held:.1f} s in all inside "
                    f"its write and exited {importer.returncode}; verify {'ok' if verified.returncode == 0 else 'FAILED'}")

    def bad_urls(self) -> None:
        from sqlalchemy.engine import make_url

        wrong_db = make_url(self.postgres).set(drivername="postgresql+psycopg", password="s3cret",
                                               database="no_such_ledger_db").render_as_string(hide_password=False)
        cases = {"closed port": "postgresql+psycopg://ed:s3cret@127.0.0.1:1/ledger",
                 "no such database": wrong_db,
                 "no such file": str(self.work / "nowhere" / "ledger.db")}
        for name, url in cases.items():
            for command in (("info",), ("forecast", "q1", "70%")):
                started = time.monotonic()
                done = self.run(url, *command)
                took = time.monotonic() - started
                lines = done.stderr.strip().splitlines()
                named = url.split("@")[-1].split("/")[0] if "://" in url else url
                ok = (done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr
                      and named in lines[0] and "s3cret" not in done.stderr and not Path(url).exists())
                self.record("unreachable or wrong URL", f"{name}, `{command[0]}`", ok,
                            f"exit {done.returncode} in {took:.1f} s: “{lines[0] if lines else ''}”")

    def load(self, pairs: int) -> None:
        args = argparse.Namespace(writers=16, writes=150, lone=1000, pairs=pairs, no_report=False,
                                  postgres=self.postgres)
        work = self.work / f"load-{uuid.uuid4().hex[:6]}"
        work.mkdir()
        for name in ("sqlite", "postgresql"):
            r = load.backend(name, args, work)
            lone, many = r["lone"], r["many"]
            ok = r["forecasts"] == r["expected"] and r["verify"].startswith("ok:") and r["ratio"] >= load.GOAL
            self.record("16 writers at once, a report running", name, ok,
                        f"{many['per_second']:.0f} writes/s at once (p50 {many['p50'] * 1e3:.1f} / p95 "
                        f"{many['p95'] * 1e3:.1f} ms) vs {lone['per_second']:.0f} alone: {r['ratio']:.2f}× "
                        f"(median of {pairs} pairs: {', '.join(f'{x:.2f}' for x in r['ratios'])}); "
                        f"{r['forecasts']:,} of {r['expected']:,} recorded; {r['verify'].split(',')[0]}")
        shutil.rmtree(work)


def _verifies_with(done: subprocess.CompletedProcess, head: str) -> bool:
    """`verify --head HEAD` passed, saying the entry matches the quoted head."""
    return done.returncode == 0 and f"entry {head.split(':')[0]} matches the quoted head" in done.stderr


def _journal_kinds(url: str) -> list[str]:
    """The journal's kinds in order, read straight from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT kind FROM journal ORDER BY seq")).scalars())
    finally:
        engine.dispose()


@contextmanager
def _write_probe(url: str) -> Iterator[Callable[[], bool]]:
    """A test, polled, of whether an import is inside its write: on SQLite, another process holds the
    writers' queue (the flock on `PATH-lock` every write takes, `engine.writers_queue`); on
    PostgreSQL, a `COPY` into this database has stored rows (`pg_stat_progress_copy`, which shows a
    COPY while it runs), asked on one connection."""
    if "://" not in url:
        import fcntl

        def queue_held() -> bool:
            fd = os.open(f"{url}-lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return False  # free: let go at once by the close
            except BlockingIOError:
                return True
            finally:
                os.close(fd)

        yield queue_held
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")  # each poll sees the view afresh
    query = text("SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy "
                 "WHERE datname = current_database()")
    try:
        with engine.connect() as conn:
            yield lambda: conn.execute(query).scalar_one() > 0
    finally:
        engine.dispose()


def table(checks: list[Check]) -> str:
    lines = ["| check | where | result | what was seen |", "|---|---|---|---|"]
    for c in checks:
        detail = c.detail.replace("|", "\\|")
        lines.append(f"| {c.name} | {c.where} | {'pass' if c.ok else '**FAIL**'} | {detail} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="forecasts in the imported ledger (the lock-timeout check needs an import that "
                             "writes for longer than 2 s: 300k is too few on two cores, 1M writes 3-5 s)")
    parser.add_argument("--work", type=Path, help="where the CSV and ledgers go (default: a temp dir); a "
                                                  "synthetic CSV of this size already there is reused")
    parser.add_argument("--postgres", default=os.environ.get("LEDGER_TEST_POSTGRES_URL",
                                                             "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--skip-load", action="store_true", help="leave out the 16-writer load run (4 minutes)")
    parser.add_argument("--pairs", type=int, default=7, help="the load run's interleaved pairs")
    parser.add_argument("--results", type=Path, default=HERE / "ACCEPTANCE.md")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        run = Acceptance(work.resolve(), args.postgres, args.size)
        run.bad_urls()
        run.copy()
        run.killed_import(str(work / f"killed-{uuid.uuid4().hex[:6]}.db"), "SQLite")
        with run.database() as pg:
            run.killed_import(pg, "PostgreSQL")
        run.lock_timeout(str(work / f"locked-{uuid.uuid4().hex[:6]}.db"), "SQLite")
        with run.database() as pg:
            run.lock_timeout(pg, "PostgreSQL")
        if not args.skip_load:
            run.load(args.pairs)
        for leftover in [*work.glob("killed-*.db*"), *work.glob("locked-*.db*"), *work.glob("back-*.db*")]:
            leftover.unlink()
    text = table(run.checks)
    failed = sum(not c.ok for c in run.checks)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    server = args.postgres.rsplit("@", 1)[-1]
    args.results.write_text(
        f"# Acceptance run (issue 9)\n\n`python benchmarks/acceptance.py {' '.join(sys.argv[1:])}` on {when}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL at {server}; "
        f"{(time.perf_counter() - started) / 60:.1f} minutes. {len(run.checks) - failed} of {len(run.checks)} checks "
        f"passed.\n\n{text}\n", encoding="utf-8")
    print(text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
