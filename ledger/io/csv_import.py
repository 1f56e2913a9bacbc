"""The flat one-row-per-forecast CSV used by public forecasting datasets (SPEC 7).

Each row carries its question's columns; the first row of a question defines it and every later
row must agree. Problems are collected with their line numbers and reported together.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, TextIO

from ledger.core import validate
from ledger.core.bulk import ImportPlan, ImportRefused, PlanAnalyst, PlanQuestion, PlanResolution, Problem
from ledger.core.errors import BadInput
from ledger.core.timeutil import MAX_US, MIN_US, check_range, common_match, parse_instant

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ONE_MICROSECOND = timedelta(microseconds=1)
REQUIRED = ("question_id", "user_id", "probability", "timestamp", "open_time", "close_time")
#: Longest field accepted (criteria and titles can be long; the csv module default is 128 KiB).
FIELD_LIMIT = 16 * 1024 * 1024
#: Stop collecting after this many problems (the count goes on).
PROBLEM_CAP = 1000

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)


def _number(text: str, what: str) -> float:
    raw = text.strip()
    if not _NUMBER.fullmatch(raw):
        raise BadInput(f"{what} {text!r} is not a number")
    return float(raw)


def _moment(text: str, what: str, deadline: bool = False) -> int:
    """A timestamp column: ISO 8601 or `2008-07-15 14:03:29+00:00` (the grammar of
    `ledger.core.timeutil`); naive = UTC; a bare date as a deadline is the end of that day."""
    if common_match(text) is not None:  # the common, aware case at C speed
        try:
            return check_range((datetime.fromisoformat(text) - EPOCH) // ONE_MICROSECOND, what, text)
        except (ValueError, TypeError):
            pass
    return parse_instant(text, deadline=deadline, what=what)


#: Timestamps checked against the grammar at a time.
STAMP_CHUNK = 65_536


def _check_grammar(stamps: list[str | None], first: int, forecasts: Any, problem: Callable[[int, str], None]) -> None:
    """`datetime.fromisoformat` reads more than the one instant grammar (week dates, seven
    fraction digits…): every timestamp it read must be in the grammar's common spelling
    (`timeutil.common_match`); any other goes through the reference parser (`parse_instant`),
    which refuses what the grammar refuses, with its line."""
    read = stamps if None not in stamps else [x for x in stamps if x is not None]
    if _all_common(read):
        return
    for i, stamp in enumerate(stamps, start=first):
        if stamp is not None and common_match(stamp) is None:
            try:
                forecasts.made_at[i] = parse_instant(stamp, what="timestamp")
            except BadInput as exc:
                problem(forecasts.line[i], str(exc))


def _all_common(stamps: list[str]) -> bool:
    """Whether every timestamp is in the common spelling. A dump usually writes them all alike:
    then one check of the first and a column-wise comparison of the rest with it (digits where it
    has digits, the same separators elsewhere) stands for a million regex matches."""
    if not stamps:
        return True
    first = stamps[0]
    joined = "".join(stamps)
    if common_match(first) is not None and joined.isascii() and len(joined) == len(first) * len(stamps) \
            and min(map(len, stamps)) == len(first):
        import numpy as np

        grid = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(len(stamps), len(first))
        template = np.frombuffer(first.encode("ascii"), dtype=np.uint8)
        digit = (template >= 48) & (template <= 57)
        digits = grid[:, digit]
        if ((digits >= 48) & (digits <= 57)).all() and (grid[:, ~digit] == template[~digit]).all():
            return True
    return all(common_match(stamp) is not None for stamp in stamps)


#: Which question columns a CSV row carries, by (has a title, has criteria): one frozenset each.
GIVEN = {(t, c): frozenset({"opens_at", "closes_at"} | ({"title"} if t else set()) | ({"criteria"} if c else set()))
         for t in (False, True) for c in (False, True)}

_OUTCOMES = {"": None, "1": 1, "0": 0, "-1": -1, "1.0": 1, "0.0": 0, "-1.0": -1}


def _outcome(text: str) -> int | None:
    raw = text.strip()
    if raw in _OUTCOMES:
        return _OUTCOMES[raw]
    value = _number(raw, "outcome")
    if value not in (1.0, 0.0, -1.0):
        raise BadInput(f"outcome {text!r}: use 1 (yes), 0 (no), -1 (annulled) or leave it empty")
    return int(value)


def read_csv(
    stream: TextIO,
    source: str,
    *,
    scenario: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Parse a CSV stream into an `ImportPlan`.

    Args:
        stream: the open file (text, newline="").
        source: the file's name, for messages and default criteria.
        scenario: slug of the scenario every question joins, or None.
        progress: called with the number of rows read since the last call.

    Raises:
        ImportRefused: every problem, by line.
    """
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(stream)
    header = _header(reader, source)
    return _finish(_read_rows(reader, reader, header, source, scenario, progress, last_line=reader.line_num), source)


def _header(reader: Any, source: str) -> list[str]:
    """The header row, checked for the required columns."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportRefused(source, [Problem(1, f"unreadable CSV header ({exc})")]) from None
    if header is None:
        raise ImportRefused(source, [Problem(1, "the file is empty")])
    col = _column_index(header)
    missing = [c for c in REQUIRED if c not in col]
    if missing:
        raise ImportRefused(source, [Problem(1, "missing required column(s): " + ", ".join(missing))])

    return header


def _column_index(header: list[str]) -> dict[str, int]:
    return {name.strip().lstrip("\ufeff"): i for i, name in enumerate(header)}


@dataclass
class _Part:
    """What reading some of a file's rows found: the plan so far and what checking the rest needs.

    Attributes:
        plan: questions, analysts, resolutions and forecasts, lines as read.
        questions: slug -> (raw question columns, line, question, parsed values) of its first row.
        handles: every user_id seen.
        problems, n_problems: problems (up to PROBLEM_CAP) and how many in all.
        after_close, after_known: forecasts at or after their question's close, after its outcome.
        read: rows read; end_line: the reader's line count at the end.
    """

    plan: ImportPlan
    questions: dict[str, tuple[object, int, PlanQuestion, tuple]]
    handles: set[str]
    problems: list[Problem]
    n_problems: int
    after_close: int
    after_known: int
    read: int
    end_line: int


def _read_rows(rows: Iterable[list[str]], reader: Any, header: list[str], source: str, scenario: str | None,
               progress: Callable[[int], None] | None, last_line: int) -> _Part:
    """Read `rows` (from `reader`, whose `line_num` counts physical lines, `last_line` of them before
    the first row) into a `_Part`."""
    col = _column_index(header)
    i_q, i_u, i_p, i_t = col["question_id"], col["user_id"], col["probability"], col["timestamp"]
    i_open, i_close = col["open_time"], col["close_time"]
    i_opt, i_out, i_res = col.get("answer_option"), col.get("outcome"), col.get("resolve_time")
    i_title, i_status, i_crit = col.get("q_title"), col.get("q_status"), col.get("criteria")
    question_cols = [i for i in (i_title, i_open, i_close, i_out, i_res, i_status, i_crit) if i is not None]
    question_key = itemgetter(*question_cols)  # the columns every row of one question must repeat
    width = len(header)

    plan = ImportPlan()
    problems: list[Problem] = []
    n_problems = 0
    questions: dict[str, tuple[object, int, PlanQuestion, tuple]] = {}  # slug -> (raw, line, question, values)
    handles: set[str] = set()
    forecasts = plan.forecasts
    after_close = after_known = 0
    known_at: dict[str, int] = {}
    add_line, add_question, add_analyst = forecasts.line.append, forecasts.question.append, forecasts.analyst.append
    add_made, add_p = forecasts.made_at.append, forecasts.p.append
    default_criteria = f"Imported from {source} without resolution criteria."

    def problem(line: int, message: str) -> None:
        nonlocal n_problems
        n_problems += 1
        if len(problems) < PROBLEM_CAP:
            problems.append(Problem(line, message))

    def question_values(slug: str, row: list[str]) -> tuple:
        """What a row says about its question, parsed: (title, criteria, opens, closes, outcome,
        known_at). Rows of one question must agree on these values, whatever their spelling."""
        if not slug.strip() or len(slug) > 200 or _CONTROL.search(slug):
            raise BadInput(f"question_id {slug[:40]!r}: 1 to 200 characters without control characters")
        opens = _moment(row[i_open], "open_time")
        closes = _moment(row[i_close], "close_time", deadline=True)
        code = _outcome(row[i_out]) if i_out is not None else None
        status = row[i_status].strip().lower() if i_status is not None else ""
        resolved_at = row[i_res].strip() if i_res is not None else ""
        title = row[i_title] if i_title is not None and row[i_title].strip() else f"Question {slug}"
        criteria = row[i_crit] if i_crit is not None and row[i_crit].strip() else default_criteria
        if "\x00" in title or "\x00" in criteria:
            raise BadInput("q_title or criteria contains a NUL character")
        if code == -1 or status == "ambiguous":
            outcome, when = "annulled", (_moment(resolved_at, "resolve_time") if resolved_at else closes)
        elif code is not None:
            if not resolved_at:
                raise BadInput(f"question {slug!r} has outcome {row[i_out].strip()} but no resolve_time")
            outcome, when = ("yes" if code == 1 else "no"), _moment(resolved_at, "resolve_time")
        else:
            outcome, when = None, None
        return title, criteria, opens, closes, outcome, when

    def new_question(line: int, slug: str, row: list[str]) -> tuple[PlanQuestion, tuple] | None:
        try:
            values = question_values(slug, row)
        except BadInput as exc:
            problem(line, str(exc))
            return None
        title, criteria, opens, closes, outcome, when = values
        given = GIVEN[(i_title is not None and bool(row[i_title].strip()),
                       i_crit is not None and bool(row[i_crit].strip()))]
        question = PlanQuestion(line, slug, title, "binary", (), criteria, opens, closes, closes, scenario, (),
                                given=given)
        plan.questions.append(question)
        if outcome is not None:
            known_given = i_res is not None and bool(row[i_res].strip())
            plan.resolutions.append(PlanResolution(line, slug, outcome, when, implied=True, known_given=known_given))
            if outcome != "annulled":
                known_at[slug] = when
        return question, values

    def agrees(line: int, slug: str, row: list[str], values: tuple) -> bool:
        try:
            return question_values(slug, row) == values
        except BadInput as exc:
            problem(line, str(exc))
            return False

    fromisoformat = datetime.fromisoformat
    stamps: list[str | None] = []  # each forecast's timestamp if fromisoformat read it, else None
    add_stamp = stamps.append
    current_slug: str | None = None
    current_raw: object = None
    question: PlanQuestion | None = None
    opens_at = closes_at = 0
    known_at_q: int | None = None
    read = 0
    try:
        for row in rows:
            line = last_line + 1  # where the record starts, even if a quoted field spans lines
            last_line = reader.line_num
            read += 1
            if progress is not None and read % 10_000 == 0:
                progress(10_000)
            if not row:
                continue
            if len(row) < width:
                problem(line, f"{len(row)} columns, the header has {width}")
                continue
            slug = row[i_q]
            raw = question_key(row)
            if slug != current_slug or raw != current_raw:  # rows of one question usually come together
                known = questions.get(slug)
                if known is None:
                    made_question = new_question(line, slug, row)
                    if made_question is None:
                        continue
                    question, values = made_question
                    questions[slug] = (raw, line, question, values)
                else:
                    first_raw, first_line, question, values = known
                    if raw != first_raw and not agrees(line, slug, row, values):
                        problem(line, f"disagrees with line {first_line} about question {slug!r} "
                                      "(title, criteria, open, close, outcome or resolve time)")
                        continue
                current_slug, current_raw = slug, raw
                opens_at, closes_at = question.opens_at, question.closes_at
                known_at_q = known_at.get(slug)
            handle = row[i_u]
            if handle not in handles:
                try:
                    validate.handle(handle)
                except BadInput as exc:
                    problem(line, f"user_id: {exc}")
                    continue
                handles.add(handle)
                plan.analysts.append(PlanAnalyst(line, handle))
            text = row[i_p]
            try:
                p = float(text)
            except ValueError:
                p = -1.0
            option = row[i_opt] if i_opt is not None else "1"
            try:
                if not (0.0 <= p <= 1.0) or not text.isascii() or "_" in text:  # the slow, precise path
                    p = _number(text, "probability")
                    if not 0.0 <= p <= 1.0:
                        raise BadInput(f"probability {text.strip()} is outside 0-1")
                if option != "1" and option.strip() not in ("", "1"):
                    if _number(option, "answer_option") == 0.0:
                        p = 1.0 - p
                    elif _number(option, "answer_option") != 1.0:
                        raise BadInput(f"answer_option {option.strip()!r}: only 1 (yes) or 0 (no)")
                stamp = row[i_t]
                try:  # the common, aware case at C speed; checked against the grammar at the end
                    made = (fromisoformat(stamp) - EPOCH) // ONE_MICROSECOND
                except (ValueError, TypeError):  # another form, or naive (= UTC): the reference parser
                    made = parse_instant(stamp, what="timestamp")
                    stamp = None
            except BadInput as exc:
                problem(line, str(exc))
                continue
            if made < opens_at:
                problem(line, f"forecast at {row[i_t].strip()} is before question {slug!r} opens ({row[i_open].strip()})")
                continue
            if made >= closes_at:
                after_close += 1
            if known_at_q is not None and made >= known_at_q:
                after_known += 1
            add_line(line)
            add_question(slug)
            add_analyst(handle)
            add_made(made)
            add_stamp(stamp)
            if len(stamps) == STAMP_CHUNK:  # checked a chunk at a time: the texts need not all stay in memory
                _check_grammar(stamps, len(forecasts.line) - STAMP_CHUNK, forecasts, problem)
                stamps.clear()
            add_p(p + 0.0)  # -0.0 + 0.0 is 0.0: SQLite would keep -0 as 0 and the journal as -0
    except csv.Error as exc:  # e.g. a field over the size limit: unreadable from here on
        problem(last_line + 1, f"unreadable CSV ({exc})")
    if progress is not None:
        progress(read % 10_000)

    _check_grammar(stamps, len(forecasts.line) - len(stamps), forecasts, problem)
    return _Part(plan, questions, handles, problems, n_problems, after_close, after_known, read, reader.line_num)


def _finish(part: _Part, source: str) -> ImportPlan:
    """The plan of a whole file's rows: the checks made on every forecast at once, problems
    raised, warnings added."""
    plan, problems = part.plan, part.problems
    forecasts = plan.forecasts
    n_problems = part.n_problems

    def problem(line: int, message: str) -> None:
        nonlocal n_problems
        n_problems += 1
        if len(problems) < PROBLEM_CAP:
            problems.append(Problem(line, message))

    made_at = forecasts.made_at
    if made_at and (min(made_at) < MIN_US or max(made_at) > MAX_US):  # rare: find the rows
        for line, when in zip(forecasts.line, made_at):
            if not MIN_US <= when <= MAX_US:
                problem(line, "timestamp is outside the years 1 to 9999 (UTC)")
    n = len(forecasts.line)
    forecasts.probs.extend([None] * n)  # every CSV forecast is binary, cites nothing, gives no rationale
    forecasts.rationale.extend([None] * n)
    forecasts.evidence.extend([()] * n)
    if n_problems:
        extra = n_problems - len(problems)
        if extra > 0:
            problems.append(Problem(part.end_line + 1, f"... {extra} further problem(s) not listed"))
        raise ImportRefused(source, problems)
    backwards = sum(1 for q in plan.questions if q.closes_at <= q.opens_at)
    if backwards:
        plan.warnings.append(f"{backwards} question(s) close before they open (imported, never scored)")
    if part.after_close:
        plan.warnings.append(f"{part.after_close} forecast(s) made at or after their question closed (kept, not scored)")
    if part.after_known:
        plan.warnings.append(f"{part.after_known} forecast(s) made after the outcome was known (kept, not scored)")
    return plan


#: Files at least this large are read in two halves at once (`read_csv_file`).
SPLIT_MIN = 16 * 1024 * 1024
#: The share of such a file read here; the child reads the rest, and also packs what it read for
#: the pipe while this side unpacks it: halves of equal size left this side waiting (measured on
#: the 1M-row benchmark CSV: 2.26 s at 0.55 against 2.48 s at 0.5).
MAIN_SHARE = 0.55


class _Upto(io.RawIOBase):
    """The bytes of a binary file up to `stop`, then `tail`."""

    def __init__(self, file: BinaryIO, stop: int, tail: bytes) -> None:
        self.file, self.left, self.tail = file, stop - file.tell(), tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left <= 0:
            n = min(len(buffer), len(self.tail))
            buffer[:n], self.tail = self.tail[:n], self.tail[n:]
            return n
        n = self.file.readinto(memoryview(buffer)[:min(len(buffer), self.left)]) or 0
        self.left -= n
        return n


#: The line `read_csv_file` puts after the first half: read as a row of its own, the half's last
#: record ended where the second half starts; taken into a quoted field, it did not.
_END = "\x1e\x1fledger: end of the first half\x1f\x1e"
_END_ROW = [_END]


def _text(file: BinaryIO, stop: int | None = None) -> TextIO:
    """`file` from where it stands, as text (as opening it with newline="" would give it); with
    `stop`, only up to that byte, then the `_END` line."""
    if stop is not None:
        file = io.BufferedReader(_Upto(file, stop, f"{_END}\n".encode()), 1 << 16)
    return io.TextIOWrapper(file, encoding="utf-8", newline="")


def _until_end(reader: Any, ended: list[bool]) -> Iterator[list[str]]:
    """`reader`'s rows before the `_END` row; `ended[0]` tells whether that row was the last."""
    for row in reader:
        if row == _END_ROW:
            ended[0] = next(reader, None) is None
            return
        yield row


class LoneCr:
    """Whether a file, fed block by block, holds a carriage return that does not start a CRLF
    (then its lines cannot be split at LF alone); a CR that ends one block waits for the next."""

    def __init__(self) -> None:
        self.found = False
        self._carry = b""

    def feed(self, block: bytes) -> None:
        if self.found or not (self._carry or b"\r" in block):
            return
        both = self._carry + block
        self._carry = both[-1:] if both.endswith(b"\r") else b""
        body = both[:-1] if self._carry else both
        self.found = body.count(b"\r") != body.count(b"\r\n")

    def end(self) -> bool:
        """Whether one was found, the file's last byte included."""
        return self.found or bool(self._carry)


def _no_lone_cr(path: Path) -> bool:
    """Whether every carriage return in the file starts a CRLF (then lines split at LF alone)."""
    scan = LoneCr()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            scan.feed(block)
            if scan.found:
                return False
    return not scan.end()


def read_csv_file(path: Path, source: str, *, scenario: str | None = None,
                  progress: Callable[[int], None] | None = None, split_at: int | None = None,
                  lone_cr: bool | None = None) -> ImportPlan:
    """`read_csv` of the file at `path`; a large one read in two halves at once, the second by a
    child process on the other core (`ledger.core.child`), the plans put together as reading it
    whole would have made them (tested on split points everywhere).

    The second half starts at the first line after `MAIN_SHARE` of the bytes (`split_at`: after
    that byte). It is used only if the first half's last record ends exactly there, neither half
    found a problem and every question the two share is the same in both; otherwise the whole
    file is read here, so problems are listed exactly as one reading lists them. `lone_cr`: whether the file holds a
    carriage return that does not start a CRLF, if the caller knows (it read the file already);
    such a file is read whole.
    """
    from ledger.core.child import Child, ChildFailed

    size = path.stat().st_size
    if split_at is None and size < SPLIT_MIN or (lone_cr if lone_cr is not None else not _no_lone_cr(path)):
        return _whole(path, source, scenario, progress)
    csv.field_size_limit(FIELD_LIMIT)
    with path.open("rb") as fh:
        fh.seek(int(size * MAIN_SHARE) if split_at is None else split_at)
        fh.readline()
        stop = fh.tell()
        fh.seek(0)
        if stop >= size:  # the split falls in the last line: no second half
            return _whole(path, source, scenario, progress)
        reader = csv.reader(_text(fh, stop))
        try:
            header = _header(reader, source)
        except ImportRefused:  # said as one reading says it (which may first find the file is not UTF-8)
            return _whole(path, source, scenario)
        if any(_END in name for name in header):  # the split falls in the header
            return _whole(path, source, scenario, progress)

        def second_half(_receive: Callable[[], Any]) -> tuple | None:  # pragma: no cover - in the child
            with path.open("rb") as rest:
                rest.seek(stop)
                more = csv.reader(_text(rest))
                return _packed(_read_rows(more, more, header, source, scenario, None, last_line=0))

        child = Child.start(second_half)
        if child is None:
            return _whole(path, source, scenario, progress)
        ended = [False]
        try:
            part = _read_rows(_until_end(reader, ended), reader, header, source, scenario, progress,
                              last_line=reader.line_num)
            if not ended[0] or part.n_problems:  # a record runs across the split, or a problem: one reading
                return _whole(path, source, scenario)
            part.end_line -= 1  # the _END line
            try:
                rest = child.result()
            except ChildFailed:
                rest = None
        finally:
            child.end()
    merged = _joined(part, rest) if rest is not None else None
    if merged is None:  # a problem in the second half, or a question read two ways: listed as one reading lists them
        return _whole(path, source, scenario)
    if progress is not None:
        progress(merged.read - part.read)
    return _finish(merged, source)


def _whole(path: Path, source: str, scenario: str | None,
           progress: Callable[[int], None] | None = None) -> ImportPlan:
    with path.open(encoding="utf-8", newline="") as stream:
        return read_csv(stream, source, scenario=scenario, progress=progress)


def _fields(cls: type) -> list[str]:
    from dataclasses import fields

    return [f.name for f in fields(cls)]


def _packed(part: _Part) -> tuple | None:
    """What `_joined` needs of a second half, in a form quick to pickle: rows as tuples of their
    fields, the forecast columns as arrays, slugs and handles once each with an index per
    forecast. None if the half found a problem (the whole file is then read in one)."""
    from array import array

    if part.n_problems:
        return None
    plan, forecasts = part.plan, part.plan.forecasts
    rows = [[tuple(map(row.__dict__.__getitem__, names)) for row in items]
            for items, names in ((plan.questions, _fields(PlanQuestion)), (plan.resolutions, _fields(PlanResolution)),
                                 (plan.analysts, _fields(PlanAnalyst)))]
    columns = []
    for values in (forecasts.question, forecasts.analyst):
        index: dict[str, int] = {}
        codes = array("i", [index.setdefault(v, len(index)) for v in values])
        columns.append((list(index), codes))
    return (rows, {slug: entry[3] for slug, entry in part.questions.items()}, array("q", forecasts.line),
            array("q", forecasts.made_at), array("d", forecasts.p), columns,
            (part.after_close, part.after_known, part.read, part.end_line))


def _joined(first: _Part, second: tuple) -> _Part | None:
    """`first` (read without a problem) followed by the `_packed` second half (read from the line
    after `first`'s last, without a problem), as one reading of both would have made it; None
    where that cannot be told from the two (a question the two read differently)."""
    (questions_, resolutions_, analysts_), values, lines, made_at, p, columns, counts = second
    after_close, after_known, read, end_line = counts
    offset = first.end_line
    plan, questions = first.plan, first.questions
    new: set[str] = set()
    for slug, seen in values.items():
        known = questions.get(slug)
        if known is None:
            new.add(slug)
        elif known[3] != seen:
            return None
    for fields_ in questions_:
        if fields_[1] in new:  # (line, slug, …)
            question = PlanQuestion(fields_[0] + offset, *fields_[1:])
            plan.questions.append(question)
            questions[question.slug] = (None, question.line, question, values[question.slug])
    plan.resolutions.extend(PlanResolution(f[0] + offset, *f[1:]) for f in resolutions_ if f[1] in new)
    for fields_ in analysts_:
        if fields_[1] not in first.handles:  # (line, handle, …)
            first.handles.add(fields_[1])
            plan.analysts.append(PlanAnalyst(fields_[0] + offset, *fields_[1:]))
    ours = plan.forecasts
    ours.line.extend([line + offset for line in lines])
    ours.made_at.extend(made_at)
    ours.p.extend(p)
    for (names, index), column in zip(columns, (ours.question, ours.analyst)):
        column.extend([names[i] for i in index])
    return _Part(plan, questions, first.handles, [], 0, first.after_close + after_close,
                 first.after_known + after_known, first.read + read, offset + end_line)
