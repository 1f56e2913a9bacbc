"""A large CSV read in two halves at once (`read_csv_file`: the second by a forked child) makes
the plan reading it whole makes, or the same refusal: on fuzzed files split anywhere, and on the
cases the join must get right or leave to one reading — a record across the middle, a problem in
either half, a question the halves read differently, analysts and questions first seen in the
second half, a lone carriage return, a child that fails."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ledger.io.csv_import as csv_import
from ledger.core.bulk import ImportRefused
from ledger.io.csv_import import read_csv, read_csv_file
from tests.fuzzing import fuzz
from tests.test_fuzz_import import csv_files

HEADER = ["question_id", "user_id", "probability", "timestamp", "open_time", "close_time", "outcome",
          "resolve_time", "q_title"]


def _whole(path: Path):
    """What reading the file whole, as before, gives: the plan, or the refusal's problems, or
    that it is not UTF-8."""
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return read_csv(stream, path.name)
    except ImportRefused as exc:
        return exc.problems
    except UnicodeDecodeError:  # the command says where from the file itself (`_first_bad_utf8`)
        return UnicodeDecodeError


def _halves(path: Path, split_at: int):
    try:
        return read_csv_file(path, path.name, split_at=split_at)
    except ImportRefused as exc:
        return exc.problems
    except UnicodeDecodeError:  # the command says where from the file itself (`_first_bad_utf8`)
        return UnicodeDecodeError


def _write(path: Path, rows: list[list[str]], terminator: str = "\n") -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


def _row(q: str, user: str, p: str = "0.6", day: int = 2, title: str = "", outcome: str = "1") -> list[str]:
    return [q, user, p, f"2021-01-{day:02d} 00:00:00+00:00", "2021-01-01 00:00:00+00:00",
            "2021-03-01 00:00:00+00:00", outcome, "2021-02-01 00:00:00+00:00" if outcome else "", title]


@pytest.fixture
def joins(monkeypatch) -> list[bool]:
    """Whether each `read_csv_file` call put two halves together (True) or read the file in one."""
    made: list[bool] = []
    real = csv_import._joined

    def joined(first, second):
        out = real(first, second)
        made.append(out is not None)
        return out

    monkeypatch.setattr(csv_import, "_joined", joined)
    return made


@fuzz(60)
@given(data=csv_files(), where=st.floats(0, 1))
def test_a_fuzzed_file_split_anywhere_reads_as_it_does_whole(tmp_path_factory, data, where):
    path = tmp_path_factory.mktemp("halves") / "f.csv"
    path.write_bytes(data)
    assert _halves(path, int(where * len(data))) == _whole(path)


def test_two_halves_put_together_are_the_whole(tmp_path, joins):
    rows = [_row(f"q{i % 7}", f"user{i % 5}", p=f"0.{i % 9 + 1}", day=i % 27 + 2, title=f"Question {i % 7}")
            for i in range(300)]
    rows += [_row("late", "newcomer", outcome=""), _row("q1", "newcomer2", title="Question 1")]
    path = _write(tmp_path / "f.csv", rows)
    for split_at in (120, len(path.read_bytes()) // 3, len(path.read_bytes()) // 2, len(path.read_bytes()) - 200):
        plan = read_csv_file(path, path.name, split_at=split_at)
        assert plan == _whole(path)
    assert joins == [True] * 4
    assert [a.handle for a in plan.analysts][-2:] == ["newcomer", "newcomer2"]
    assert plan.questions[-1].slug == "late" and plan.questions[-1].line == 302
    assert plan.forecasts.line[-1] == 303


def test_a_record_across_the_middle_is_read_in_one(tmp_path, joins):
    rows = [_row("q1", "amina") for _ in range(20)] + [_row("q2", "amina", title="Two\nlines\nof title")]
    rows += [_row("q2", "amina", title="Two\nlines\nof title") for _ in range(20)]
    path = _write(tmp_path / "f.csv", rows)
    data = path.read_bytes()
    middle = data.index(b"lines\n") + 1  # the first line after here starts inside the quoted title
    assert read_csv_file(path, path.name, split_at=middle) == _whole(path)
    assert joins == []  # read in one before any join


@pytest.mark.parametrize("where", ["first", "second"])
def test_a_problem_in_either_half_is_listed_as_one_reading_lists_it(tmp_path, joins, where):
    rows = [_row("q1", "amina") for _ in range(40)]
    rows[5 if where == "first" else 35][2] = "1.5"
    path = _write(tmp_path / "f.csv", rows)
    problems = _halves(path, len(path.read_bytes()) // 2)
    assert problems == _whole(path)
    assert [p.line for p in problems] == [7 if where == "first" else 37]


def test_a_question_the_halves_read_differently_is_refused_as_one_reading_refuses_it(tmp_path, joins):
    rows = [_row("q1", "amina", title="One") for _ in range(20)] + [_row("q1", "amina", title="Another")
                                                                     for _ in range(20)]
    path = _write(tmp_path / "f.csv", rows)
    problems = _halves(path, len(path.read_bytes()) // 2)
    assert problems == _whole(path)
    assert len(problems) == 20 and "disagrees with line 2" in problems[0].message
    assert joins == [False]


def test_a_lone_carriage_return_is_read_in_one(tmp_path, joins):
    path = _write(tmp_path / "f.csv", [_row("q1", "amina") for _ in range(40)])
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r", 10))
    assert _halves(path, len(path.read_bytes()) // 2) == _whole(path)
    assert joins == []


def test_a_child_that_fails_leaves_the_reading_to_the_parent(tmp_path, joins, monkeypatch):
    def broken(part):
        raise RuntimeError("no packing in the child")

    monkeypatch.setattr(csv_import, "_packed", broken)
    path = _write(tmp_path / "f.csv", [_row(f"q{i % 3}", "amina") for i in range(40)])
    assert read_csv_file(path, path.name, split_at=len(path.read_bytes()) // 2) == _whole(path)
    assert joins == []  # nothing came back to join


def test_a_small_file_is_read_in_one(tmp_path, joins):
    path = _write(tmp_path / "f.csv", [_row("q1", "amina") for _ in range(40)])
    assert read_csv_file(path, path.name) == _whole(path)
    assert joins == []
