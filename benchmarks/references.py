"""The SPEC 10 references: plain-Python work on the same synthetic CSV, never on ledger's tables.

Each reference is a script run as its own process (with the interpreter of the installation being
measured), so it pays the same start-up as the ledger command beside it. They depend only on the
CSV, so a change to ledger's schema never moves a goal.

- INSERT: the CSV rows, as text, `executemany`d into one table `f` of a fresh SQLite file.
- READ:   `select * from r` fetched into Python, where `r` holds just the data scoring needs
          (built once per size by `build_r`, outside the timing).
- DUMP:   one `json.dumps` line per row of `f` (the export reference).
- COPY:   the CSV rows, as text, `COPY`d with psycopg into one table `f` of a fresh PostgreSQL
          database (the PostgreSQL import reference; the URL in libpq's `postgresql://` form).
"""

from __future__ import annotations

import csv
import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from synth import HEADER

INSERT = f"""
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[2])
con.execute("CREATE TABLE f ({', '.join(f'{c} TEXT' for c in HEADER)})")
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = csv.reader(fh)
    next(rows)
    con.executemany("INSERT INTO f VALUES ({', '.join('?' * len(HEADER))})", rows)
con.commit()
"""

READ = """
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("select * from r").fetchall()
"""

DUMP = """
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for row in con.execute("select * from f"):
        out.write(json.dumps(row) + "\\n")
"""

COPY = f"""
import csv, sys, psycopg
with psycopg.connect(sys.argv[2]) as con, open(sys.argv[1], newline="", encoding="utf-8") as fh:
    con.execute("CREATE TABLE f ({', '.join(f'{c} TEXT' for c in HEADER)})")
    rows = csv.reader(fh)
    next(rows)
    with con.cursor().copy("COPY f ({', '.join(HEADER)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
"""

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


def build_r(csv_path: Path, r_path: Path) -> None:
    """Write `r(id, question, analyst, made_at, p)` from the CSV: questions and analysts numbered in
    order of appearance, made_at in microseconds since 1970 UTC. Written aside, then renamed."""
    questions: dict[str, int] = {}
    analysts: dict[str, int] = {}

    def rows():
        with csv_path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            i_q, i_u, i_p, i_t = (header.index(c) for c in ("question_id", "user_id", "probability", "timestamp"))
            for n, row in enumerate(reader, 1):
                micros = (datetime.fromisoformat(row[i_t]) - _EPOCH) // _MICROSECOND
                yield (n, questions.setdefault(row[i_q], len(questions) + 1),
                       analysts.setdefault(row[i_u], len(analysts) + 1), micros, float(row[i_p]))

    partial = r_path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    con = sqlite3.connect(partial)
    con.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, question INTEGER, analyst INTEGER, made_at INTEGER, p REAL)")
    con.executemany("INSERT INTO r VALUES (?,?,?,?,?)", rows())
    con.commit()
    con.close()
    os.replace(partial, r_path)


def first_open_question(csv_path: Path) -> str:
    """The question_id of the first question the CSV leaves open (a target for `ledger forecast`)."""
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["q_status"] == "open":
                return row["question_id"]
    raise SystemExit(f"{csv_path}: no open question to forecast on")
