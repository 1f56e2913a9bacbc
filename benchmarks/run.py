"""SPEC 10 benchmarks: every figure beside its reference, measured in interleaved pairs.

Builds synthetic ledgers (about 10 forecasts per question, 1,000 analysts, 90% resolved) through
`ledger import` of the CSV that `synth.py` writes, and times, at each size, each command beside a
plain-Python reference built from the same CSV (see `references.py`):

    figure                                   reference                            goal at 1M
    ledger import FILE.csv                   INSERT the rows as text into `f`     <= 2.5x
    ledger score --by analyst --method time  READ: select * from r                <= 2.5x
      the same on the dense ledger           READ of the dense CSV's own `r`      <= 4x
    ledger score --by question               READ                                 <= 6x
    ledger verify                            READ                                 <= 4x
    ledger export --format jsonl             one json.dumps line per row of f     <= 1.5x
    ledger --help                            python -c "import click"             <= 1.5x
    ledger forecast Q 70% (largest ledger)   python -c "import sqlalchemy.orm"    <= 1.3x
    ledger report --period year              score --json, of the same ledger     <= 2x
      --as-of 2023-01-01 --format html
    ledger import FILE.csv into PostgreSQL   psycopg COPY of the rows as text     <= 3x
      (a fresh database each run)              into `f` (a fresh database too)

plus the peak memory (max RSS) of every command (<= 1 GiB at 1M) and the growth of time per
forecast from the smallest to the largest size for import and score (<= 1.5x). At 300k each ratio
may be 1.25x its goal; at 100k ratios are shown without a goal.

Each ratio is the median of interleaved pairs (reference, ledger, reference, ledger, ...), each
pair's ledger time over its reference time. With several `--ledger`s the pairs of each installation
alternate too, so every installation sees the same machine. References run with the interpreter of
the installation they stand beside. Imports use a fresh ledger file per run (`init` untimed);
PostgreSQL imports, and their references, a fresh database on the `--postgres` server (created,
`init`ed and dropped untimed; the figure is skipped if the server does not answer). The dense
ledger (1,000 questions, size // 1,000 forecasts on each, by 600 analysts) is imported untimed,
as the others are when the import figure is not asked for.

Time a real install (non-editable `pip install .`, bytecode compiled once), not a source tree:

    python3 -m venv /tmp/venv-main && /tmp/venv-main/bin/pip install -q .
    python benchmarks/run.py --ledger after=/tmp/venv-main/bin [--ledger before=/tmp/venv-release/bin]
                             [--sizes 100000,300000,1000000] [--pairs 5] [--figures import,verify]
                             [--work DIR] [--results benchmarks/RESULTS.md]
                             [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

`--ledger` takes a venv's bin directory, its python, or its `ledger` script, optionally `LABEL=`
first; the default is the installation of the interpreter running this script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import references  # noqa: E402
from synth import write_csv, write_dense_csv  # noqa: E402

FIGURES = ("help", "import", "score", "dense", "byquestion", "verify", "export", "report", "pgimport", "forecast")
GOALS = {"help": 1.5, "forecast": 1.3, "import": 2.5, "score": 2.5, "dense": 4.0, "byquestion": 6.0, "verify": 4.0,
         "export": 1.5, "report": 2.0, "pgimport": 3.0}
REFERENCE_NAMES = {"help": "import click", "forecast": "import sqlalchemy.orm", "import": "INSERT",
                   "score": "READ", "dense": "READ dense", "byquestion": "READ", "verify": "READ",
                   "export": "json.dumps f", "report": "score --json", "pgimport": "COPY"}
#: How the table names a figure, where not by its `--figures` name.
FIGURE_NAMES = {"dense": "score dense", "byquestion": "score by question", "pgimport": "pg import"}
#: The figures run on the (sparse) ledgers of a size, which are imported untimed if "import" is not asked for.
ON_LEDGER = {"score", "byquestion", "verify", "export", "report"}
SCORE_ARGS = ("score", "--by", "analyst", "--method", "time", "--json")
#: The report of SPEC 10: a year of the synthetic history, as of its end.
REPORT_ARGS = ("report", "--period", "year", "--as-of", "2023-01-01", "--format", "html")
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MEMORY_GOAL_MIB = 1024
GROWTH_GOAL = 1.5
SLACK_300K = 1.25  # SPEC 10: at 300k, where start-up weighs more, a ratio may be 1.25x its goal
STARTUP_PAIRS = 3  # --help and forecast are short: three times --pairs of them

PROBE = """
import json, os, sys, sqlite3, sqlalchemy, ledger
pkg = os.path.dirname(ledger.__file__)
print(json.dumps({"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
                  "sqlalchemy": sqlalchemy.__version__, "ledger": pkg,
                  "dont_write_bytecode": sys.flags.dont_write_bytecode,
                  "compiled": os.path.isdir(os.path.join(pkg, "cli", "__pycache__"))}))
"""

#: The PostgreSQL server's housekeeping, run with an installation's interpreter (psycopg is a ledger
#: dependency, so this script needs nothing of the one running it): `ping` prints the server's version,
#: `create NAME` and `drop NAME` make and remove a database. A failure is one line on stderr, exit 1.
PG_ADMIN = """
import sys, psycopg
url, action, *name = sys.argv[1:]
try:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as con:
        if action == "ping":
            print(con.execute("show server_version").fetchone()[0])
        elif action == "create":
            con.execute(f'CREATE DATABASE "{name[0]}"')
        else:
            con.execute(f'DROP DATABASE IF EXISTS "{name[0]}" WITH (FORCE)')
except psycopg.Error as e:
    sys.exit(" ".join(str(e).split()))
"""


@dataclass(frozen=True)
class Install:
    """One installation of ledger to time.

    Attributes:
        label: its name in the table.
        python: its interpreter; the references beside it run with this one too.
        ledger: the command that runs it.
    """

    label: str
    python: str
    ledger: tuple[str, ...]


@dataclass
class Pairs:
    """The interleaved runs of one figure for one installation.

    Attributes:
        ours: seconds of each ledger run.
        ref: seconds of the reference run paired with it.
        rss: peak RSS (KiB) of each ledger run.
    """

    ours: list[float] = field(default_factory=list)
    ref: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)

    def ratio(self) -> float:
        return statistics.median(o / r for o, r in zip(self.ours, self.ref))


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure at a size, for every installation."""

    figure: str
    size: int | None
    pairs: dict[str, Pairs]

    @property
    def goal(self) -> float | None:
        goal = GOALS[self.figure]
        if self.figure in ("help", "forecast") or self.size >= 1_000_000:
            return goal
        return goal * SLACK_300K if self.size >= 300_000 else None


def resolve_install(spec: str) -> Install:
    """`[LABEL=]PATH`, PATH a venv's bin directory, its python or its ledger script."""
    label, _, where = spec.rpartition("=")
    path = Path(where).expanduser().absolute()  # never resolve(): a venv's python is a symlink
    if path.is_dir():
        bin_dir, python = path, path / "python"
    elif path.name.startswith("python"):
        bin_dir, python = path.parent, path
    else:
        bin_dir, python = path.parent, path.parent / "python"
    if not python.exists():
        raise SystemExit(f"--ledger {spec}: no interpreter at {python}")
    script = bin_dir / "ledger"
    command = (str(script),) if script.exists() else (str(python), "-m", "ledger")
    return Install(label or bin_dir.parent.name, str(python), command)


def child_env() -> dict[str, str]:
    """The environment of every timed process: bytecode may be written (so it is compiled once, not
    on every start), nothing points at a source tree, and the ledger's actor is fixed."""
    drop = {"PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "LEDGER_DB"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["LEDGER_ANALYST"] = "bench"
    return env


class Runner:
    """Runs child processes in the work directory and times them."""

    def __init__(self, work: Path, env: dict[str, str]):
        self.work, self.env = work, env
        self.stderr = work / "last-stderr.txt"

    def timed(self, cmd: list[str]) -> tuple[float, int]:
        """Wall seconds and peak RSS (KiB) of one run; any exit but 0 stops the benchmark."""
        with self.stderr.open("w") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=self.work, env=self.env)
            _, status, usage = os.wait4(proc.pid, 0)
            took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            tail = self.stderr.read_text(errors="replace")[-2000:]
            raise SystemExit(f"exit {proc.returncode}: {shlex.join(cmd)}\n{tail}")
        return took, usage.ru_maxrss

    def output(self, cmd: list[str]) -> str:
        return subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=self.work, env=self.env).stdout


def interleave(installs: list[Install], n: int, reference, ours) -> dict[str, Pairs]:
    """`n` rounds of (reference, ledger) for each installation in turn.

    Args:
        reference, ours: `f(install) -> (seconds, rss)`, each doing its own untimed set-up.
    """
    result = {i.label: Pairs() for i in installs}
    for _ in range(n):
        for inst in installs:
            pairs = result[inst.label]
            pairs.ref.append(reference(inst)[0])
            took, rss = ours(inst)
            pairs.ours.append(took)
            pairs.rss.append(rss)
    return result


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class Postgres:
    """The `--postgres` server: a fresh database for every PostgreSQL import run, dropped after it.

    Its housekeeping (PG_ADMIN) runs with an installation's interpreter, each in its own session and
    waited for even after Ctrl-C: a database being created exists before the drop that follows it runs,
    and the terminal's next Ctrl-C does not reach that drop.
    """

    def __init__(self, server: str, python: str):
        self.server, self.python = server, python
        parts = urlsplit(server)
        self.where = parts.netloc.rpartition("@")[2] + parts.path  # no user or password

    def url(self, database: str | None = None, *, driver: bool = True) -> str:
        """The server's URL, naming `database` (default its own), as ledger takes it (`postgresql+psycopg://`)
        or, `driver` false, as psycopg does (libpq's `postgresql://`)."""
        parts = urlsplit(self.server)
        path = f"/{database}" if database else parts.path
        return urlunsplit(("postgresql+psycopg" if driver else "postgresql", parts.netloc, path, parts.query, ""))

    def _admin(self, *args: str) -> tuple[int, str]:
        """Exit status and output (stdout and stderr) of PG_ADMIN with `args`."""
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen([self.python, "-c", PG_ADMIN, self.url(driver=False), *args], stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                proc.wait()
            except KeyboardInterrupt:
                proc.wait()
                raise
            out.seek(0)
            return proc.returncode, out.read().strip()

    def ping(self) -> tuple[bool, str]:
        """Whether the server can be used, and its version (or the last line of the error)."""
        status, text = self._admin("ping")
        return not status, (text.splitlines() or [f"exit {status}"])[-1]

    @contextmanager
    def database(self) -> Iterator[str]:
        """The name of a fresh database, dropped afterwards whatever happens (`DROP … IF EXISTS`, so also
        after a CREATE that failed or was interrupted)."""
        name = f"ledger_bench_{uuid.uuid4().hex[:12]}"
        try:
            status, text = self._admin("create", name)
            if status:
                raise SystemExit(f"CREATE DATABASE {name} at {self.where}:\n{text}")
            yield name
        finally:
            status, text = self._admin("drop", name)
            if status:
                print(f"could not drop database {name} at {self.where}; drop it by hand:\n{text}", file=sys.stderr)


class Bench:
    """The figures of one run, over every installation and size."""

    def __init__(self, installs: list[Install], runner: Runner, pairs: int, postgres: Postgres | None):
        self.installs, self.run, self.pairs, self.postgres = installs, runner, pairs, postgres
        self.rows: list[Row] = []
        self.ledgers: dict[tuple[str, int, bool], Path] = {}  # (label, size, dense) -> the last ledger imported

    def record(self, row: Row) -> None:
        self.rows.append(row)
        print(format_console(row), flush=True)

    def files(self, n: int, dense: bool = False) -> tuple[Path, Path, Path]:
        """The CSV, `f` and `r` files of size `n`, of the dense ledger if `dense` (CSV and `r` made once,
        kept in the work directory; each written aside, then renamed)."""
        work, tag = self.run.work, "dense-" if dense else ""
        csv_path, f_path, r_path = work / f"synthetic-{tag}{n}.csv", work / f"f-{tag}{n}.db", work / f"r-{tag}{n}.db"
        if not csv_path.exists():
            print(f"writing {csv_path.name}", flush=True)
            partial = csv_path.with_suffix(".partial")
            (write_dense_csv if dense else write_csv)(partial, n)
            os.replace(partial, csv_path)
        if not r_path.exists():
            print(f"building {r_path.name}", flush=True)
            references.build_r(csv_path, r_path)
        return csv_path, f_path, r_path

    def ledger_db(self, inst: Install, n: int, dense: bool = False) -> Path:
        return self.run.work / f"ledger{self.installs.index(inst)}-{'dense-' if dense else ''}{n}.db"

    def import_ledger(self, inst: Install, n: int, dense: bool = False) -> tuple[float, int]:
        csv_path = self.files(n, dense)[0]
        db = self.ledger_db(inst, n, dense)
        remove_db(db)
        self.run.output([*inst.ledger, "--db", str(db), "init"])
        took = self.run.timed([*inst.ledger, "--db", str(db), "import", str(csv_path)])
        self.ledgers[inst.label, n, dense] = db
        return took

    def insert_f(self, inst: Install, n: int) -> tuple[float, int]:
        csv_path, f_path, _ = self.files(n)
        remove_db(f_path)
        return self.run.timed([inst.python, "-c", references.INSERT, str(csv_path), str(f_path)])

    def ensure(self, n: int, dense: bool = False) -> None:
        """Ledgers (and `f`, but for the dense ledger) of size `n` for figures run without the import figure
        (untimed)."""
        for inst in self.installs:
            if (inst.label, n, dense) not in self.ledgers:
                self.import_ledger(inst, n, dense)
        if not dense and not self.files(n)[1].exists():
            self.insert_f(self.installs[0], n)

    def size(self, n: int, figures: set[str]) -> None:
        csv_path, f_path, r_path = self.files(n)
        read = lambda inst: self.run.timed([inst.python, "-c", references.READ, str(r_path)])  # noqa: E731

        def on(inst: Install, *args: str) -> tuple[float, int]:
            return self.run.timed([*inst.ledger, "--db", str(self.ledgers[inst.label, n, False]), *args])

        if "import" in figures:
            self.record(Row("import", n, interleave(self.installs, self.pairs, lambda i: self.insert_f(i, n),
                                                    lambda i: self.import_ledger(i, n))))
        if figures & ON_LEDGER:
            self.ensure(n)
        score = lambda inst: on(inst, *SCORE_ARGS)  # noqa: E731
        if "score" in figures:
            self.record(Row("score", n, interleave(self.installs, self.pairs, read, score)))
        if "dense" in figures:
            self.dense(n)
        if "byquestion" in figures:
            self.record(Row("byquestion", n, interleave(self.installs, self.pairs, read,
                                                        lambda i: on(i, "score", "--by", "question", "--json"))))
        if "verify" in figures:
            self.record(Row("verify", n, interleave(self.installs, self.pairs, read, lambda i: on(i, "verify"))))
        if "export" in figures:
            out = self.run.work / "export.jsonl"

            def dump(inst: Install) -> tuple[float, int]:
                out.unlink(missing_ok=True)
                return self.run.timed([inst.python, "-c", references.DUMP, str(f_path), str(out)])

            def export(inst: Install) -> tuple[float, int]:
                out.unlink(missing_ok=True)
                return on(inst, "export", "--format", "jsonl", "--out", str(out))

            self.record(Row("export", n, interleave(self.installs, self.pairs, dump, export)))
            out.unlink(missing_ok=True)
        if "report" in figures:  # its reference is the same installation's score run, paired with it
            page = self.run.work / "report.html"
            self.record(Row("report", n, interleave(self.installs, self.pairs, score,
                                                    lambda i: on(i, *REPORT_ARGS, "--out", str(page)))))
            page.unlink(missing_ok=True)
        if "pgimport" in figures and self.postgres is not None:
            self.pg_import(n, csv_path, self.postgres)

    def dense(self, n: int) -> None:
        """Score by analyst on the dense ledger of size `n` (imported untimed) beside READ of its own `r`."""
        self.ensure(n, dense=True)
        r_path = self.files(n, dense=True)[2]
        self.record(Row("dense", n, interleave(
            self.installs, self.pairs,
            lambda i: self.run.timed([i.python, "-c", references.READ, str(r_path)]),
            lambda i: self.run.timed([*i.ledger, "--db", str(self.ledgers[i.label, n, True]), *SCORE_ARGS]))))

    def pg_import(self, n: int, csv_path: Path, pg: Postgres) -> None:
        """`ledger import` into a fresh PostgreSQL database beside COPY into another fresh one; creating,
        `ledger init` and dropping untimed."""

        def copy(inst: Install) -> tuple[float, int]:
            with pg.database() as name:
                return self.run.timed([inst.python, "-c", references.COPY, str(csv_path), pg.url(name, driver=False)])

        def ours(inst: Install) -> tuple[float, int]:
            with pg.database() as name:
                self.run.output([*inst.ledger, "--db", pg.url(name), "init"])
                return self.run.timed([*inst.ledger, "--db", pg.url(name), "import", str(csv_path)])

        self.record(Row("pgimport", n, interleave(self.installs, self.pairs, copy, ours)))

    def help(self) -> None:
        self.record(Row("help", None, interleave(
            self.installs, STARTUP_PAIRS * self.pairs,
            lambda i: self.run.timed([i.python, "-c", "import click"]),
            lambda i: self.run.timed([*i.ledger, "--help"]))))

    def forecast(self, n: int) -> None:
        """Last: every run adds a forecast to the largest ledger."""
        self.ensure(n)
        question = references.first_open_question(self.files(n)[0])
        row = Row("forecast", n, interleave(
            self.installs, STARTUP_PAIRS * self.pairs,
            lambda i: self.run.timed([i.python, "-c", "import sqlalchemy.orm"]),
            lambda i: self.run.timed([*i.ledger, "--db", str(self.ledgers[i.label, n, False]), "forecast", question,
                                      "70%"])))
        self.record(row)


def growth(rows: list[Row], figure: str, label: str) -> float | None:
    """Time per forecast at the largest size over that at the smallest."""
    times = {r.size: statistics.median(r.pairs[label].ours) for r in rows if r.figure == figure and r.size}
    if len(times) < 2:
        return None
    lo, hi = min(times), max(times)
    return (times[hi] / hi) / (times[lo] / lo)


def mark(value: float, goal: float | None) -> str:
    return " ✗" if goal is not None and value > goal else ""


def row_name(row: Row) -> str:
    return FIGURE_NAMES.get(row.figure, row.figure) + (f" {row.size:,}" if row.size and row.figure != "forecast" else
                                                       f" on {row.size:,}" if row.size else "")


def goal_text(row: Row) -> str:
    return f"≤ {row.goal:g}×" if row.goal is not None else "—"


def cells(row: Row, label: str) -> list[str]:
    p = row.pairs[label]
    rss = max(p.rss) / 1024
    rss_goal = MEMORY_GOAL_MIB if row.size and row.size >= 1_000_000 else None
    return [f"{statistics.median(p.ours):.3f}", f"{statistics.median(p.ref):.3f}",
            f"{p.ratio():.2f}×{mark(p.ratio(), row.goal)}", f"{rss:.0f}{mark(rss, rss_goal)}"]


def format_console(row: Row) -> str:
    parts = [f"{row_name(row):<28} {goal_text(row):>7} ({REFERENCE_NAMES[row.figure]})"]
    for label in row.pairs:
        s, ref, ratio, rss = cells(row, label)
        parts.append(f"  {label}: {s}s / {ref}s = {ratio}, {rss} MiB")
    return "".join(parts)


def table(rows: list[Row], labels: list[str]) -> str:
    head = ["figure", "reference", "goal"]
    for label in labels:
        head += [f"{label} s", "ref s", "ratio", "max RSS MiB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        line = [row_name(row), REFERENCE_NAMES[row.figure], goal_text(row)]
        for label in labels:
            line += cells(row, label)
        lines.append("| " + " | ".join(line) + " |")
    for figure in ("import", "score"):
        values = [growth(rows, figure, label) for label in labels]
        if values[0] is not None:
            sizes = sorted({r.size for r in rows if r.figure == figure})
            line = [f"{figure} time/forecast growth {sizes[0]:,} → {sizes[-1]:,}", "—", f"≤ {GROWTH_GOAL:g}×"]
            for v in values:
                line += ["", "", f"{v:.2f}×{mark(v, GROWTH_GOAL)}", ""]
            lines.append("| " + " | ".join(line) + " |")
    return "\n".join(lines)


def machine(runner: Runner, installs: list[Install]) -> tuple[list[str], list[dict]]:
    """Lines describing the machine, and each installation's probe (refusing source trees)."""
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    lines = [f"{platform.node()}: {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable, `nproc`), "
             f"{cpu}, {mem / 2**20:.1f} GiB memory, {platform.system()} {platform.release()}"]
    probes = []
    for inst in installs:
        probe = json.loads(runner.output([inst.python, "-c", PROBE]))
        if "site-packages" not in Path(probe["ledger"]).parts:
            raise SystemExit(f"{inst.label}: ledger imports from {probe['ledger']}, not an installed package;"
                             " benchmark a non-editable install (pip install .)")
        if probe["dont_write_bytecode"] or not probe["compiled"]:
            raise SystemExit(f"{inst.label}: bytecode not compiled/written ({probe}); check PYTHONDONTWRITEBYTECODE")
        runner.output([*inst.ledger, "--help"])  # warm: any missing bytecode is compiled now, not timed
        probes.append(probe)
        lines.append(f"`{inst.label}`: {shlex.join(inst.ledger)} — Python {probe['python']}, SQLite "
                     f"{probe['sqlite']}, SQLAlchemy {probe['sqlalchemy']}, bytecode compiled and writable")
    return lines, probes


REFERENCES_TEXT = """\
References, all built from the same synthetic CSV (never from ledger's tables) and run as their own
process with the interpreter of the installation they stand beside:

- **INSERT** (import): a plain `sqlite3` script reading the CSV with `csv.reader` and `executemany`-ing
  every row, as text, into one unindexed table `f(question_id TEXT, … , q_status TEXT)` of a fresh file.
- **READ** (score, score by question, verify): `select * from r` `fetchall()`ed with plain `sqlite3`,
  where `r(id INTEGER PRIMARY KEY, question INTEGER, analyst INTEGER, made_at INTEGER, p REAL)` holds
  the CSV's rows (questions and analysts numbered in order of appearance, made_at in microseconds),
  built once per size outside the timing: just the data scoring needs.
- **READ dense** (score dense): READ of the `r` built the same way from the dense CSV. The dense
  ledger is SPEC 10's: 1,000 questions with size ÷ 1,000 forecasts on each (~1,000 at 1M), by 600
  analysts, from the same generator; it is imported untimed.
- **COPY** (pg import): a plain psycopg 3 script reading the CSV with `csv.reader` and `write_row`-ing
  every row, as text, through `COPY f (question_id, …, q_status) FROM STDIN` into one unindexed table
  `f(question_id TEXT, …, q_status TEXT)` it creates, in a fresh database: the INSERT reference's work
  (rows parsed in Python, stored as text) through `COPY`, as ledger's own PostgreSQL import writes.
  Not the server parsing the file's bytes itself (`COPY … (FORMAT csv)`, about 0.7× the time at
  100k), which would leave out the CSV parsing any importer does.
- **json.dumps f** (export): a plain script writing `json.dumps(row)` and a newline for every row of
  `f` (the table INSERT wrote) to a file; `ledger export --out` writes to a file too.
- **import click** (`--help`) and **import sqlalchemy.orm** (`forecast`): `python -c` of that import.
- **score --json** (report): the score figure's command, run by the same installation on the same
  ledger: SPEC 10 sets the report's goal against it.

Each ratio is the median over interleaved pairs (reference, ledger, reference, ledger, …) of the
pair's ledger time ÷ reference time; the times shown are medians. Imports start from a fresh
ledger file every run (`ledger init` untimed); pg import and its reference each from a fresh
PostgreSQL database (`CREATE DATABASE`, `ledger init` and `DROP DATABASE … WITH (FORCE)` untimed).
Score is `--by analyst --method time --json` (score dense too); score by question is
`--by question --json`; report is `report --period year --as-of 2023-01-01 --format html` to a file.
Goals are SPEC 10's at 1M, 1.25× them at 300k, none at 100k. ✗ marks a figure that misses its goal
(max RSS: over 1 GiB at 1M). Only the exit code (0) of each command is checked.
"""

NOTES_HEADING = "## What limits each figure"


def write_results(path: Path, argv: list[str], machine_lines: list[str], rows: list[Row], labels: list[str],
                  pairs: int, minutes: float) -> None:
    """RESULTS.md: generated sections, then the hand-written notes kept from the previous file."""
    notes = f"{NOTES_HEADING}\n\n(to be written from profiles)\n"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if NOTES_HEADING in old:
            notes = old[old.index(NOTES_HEADING):]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "# Benchmark results", "",
        f"`python benchmarks/run.py {shlex.join(argv)}` — {when}, {pairs} pairs per figure "
        f"({STARTUP_PAIRS * pairs} for `--help` and `forecast`), {minutes:.1f} minutes in all.", "",
        "## Machine", "", *[f"- {line}" for line in machine_lines], "",
        "## References", "", REFERENCES_TEXT,
        "## Figures", "", table(rows, labels), "",
        notes.rstrip() + "\n",
    ])
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ledger", action="append", metavar="[LABEL=]PATH",
                        help="A venv's bin directory, python or ledger script (repeatable).")
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--pairs", type=int, default=5, help="Interleaved pairs per figure (at least 5).")
    parser.add_argument("--figures", default=",".join(FIGURES), help=f"Some of {','.join(FIGURES)}.")
    parser.add_argument("--work", type=Path, help="Keep CSV, r, f and ledger files here (default: a temp dir).")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="Where to write the table.")
    parser.add_argument("--postgres", default=os.environ.get("LEDGER_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="The PostgreSQL server of pgimport (default: $LEDGER_TEST_POSTGRES_URL, else "
                             f"{DEFAULT_POSTGRES}); a database is created on it, and dropped, for each run.")
    args = parser.parse_args()
    sizes = sorted(int(x) for x in args.sizes.split(","))
    figures = set(args.figures.split(","))
    if figures - set(FIGURES):
        parser.error(f"unknown figures: {', '.join(sorted(figures - set(FIGURES)))}")
    if args.pairs < 5:
        print("note: SPEC 10 asks for at least five pairs", file=sys.stderr)
    installs = [resolve_install(s) for s in (args.ledger or [sys.executable])]
    if len({i.label for i in installs}) < len(installs):
        parser.error("give each --ledger its own LABEL=")
    work = (args.work or Path(tempfile.mkdtemp(prefix="ledger-bench-"))).absolute()
    work.mkdir(parents=True, exist_ok=True)
    runner = Runner(work, child_env())
    machine_lines, _ = machine(runner, installs)
    print("\n".join(machine_lines), flush=True)
    started = time.perf_counter()
    load = os.getloadavg()[0]

    postgres = None
    if "pgimport" in figures:
        postgres = Postgres(args.postgres, installs[0].python)
        answered, said = postgres.ping()
        if answered:
            machine_lines.append(f"PostgreSQL {said} at {postgres.where} (`--postgres`), for pg import")
            print(machine_lines[-1], flush=True)
        else:
            print(f"pg import skipped: cannot connect to PostgreSQL at {postgres.where} ({said})", flush=True)
            machine_lines.append(f"pg import not measured: could not connect to PostgreSQL at {postgres.where}")
            postgres = None
    bench = Bench(installs, runner, args.pairs, postgres)
    if "help" in figures:
        bench.help()
    for n in sizes:
        bench.size(n, figures)
    if "forecast" in figures:
        bench.forecast(sizes[-1])

    minutes = (time.perf_counter() - started) / 60
    machine_lines.append(f"load average (1 min) {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
                         "(the 2 cores are shared with other work: hence the interleaved pairs)")
    labels = [i.label for i in installs]
    print("\n" + table(bench.rows, labels))
    write_results(args.results, sys.argv[1:], machine_lines, bench.rows, labels, args.pairs, minutes)
    (work / "results.json").write_text(json.dumps(
        [{"figure": r.figure, "size": r.size, **{k: vars(v) for k, v in r.pairs.items()}} for r in bench.rows]))
    print(f"\nwrote {args.results} ({minutes:.1f} minutes); raw times in {work / 'results.json'}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
