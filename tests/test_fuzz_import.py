"""Fuzzing `ledger import` (SPEC 7, 5): files that are mostly valid, with random corruptions —
wrong types, missing and extra fields, bad dates and probabilities, duplicated ids, huge or deep
values, bytes that are not UTF-8, byte-order marks, NULs, CRLF, a truncated last line, unknown
types. Whatever the file, the import either lands whole (exit 0; `verify` passes and the counts
grew by what it reported), or is refused with every problem listed by line (exit 2), or fails
with one clear message (exit 1) — and a refusal writes nothing. Never a traceback. `--check`
says exactly what the import then does."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import backend, fuzz, invoke, rarely, refused_unchanged, seeded, state, timeless, verified

#: The ledger every example starts from: an editor, an analyst, and questions a file may refer to.
SEED = [
    {"type": "analyst", "handle": "ed", "role": "editor"},
    {"type": "analyst", "handle": "amina"},
    {"type": "scenario", "slug": "base", "title": "Base"},
    {"type": "question", "slug": "existing", "scenario": "base", "title": "Existing?", "kind": "binary",
     "criteria": "c", "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"},
    {"type": "question", "slug": "existing-choice", "title": "Which?", "kind": "choice", "options": ["x", "y"],
     "criteria": "c", "opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"},
]

#: Values of the wrong type or shape, at the edges of what readers cope with.
JUNK = [None, True, False, 0, -1, 1, 2, 0.5, 1.5, -0.0, 1e308, 10**400, "", " ", "\x00", "x" * 20_000, "\ud800",
        "\u202e", ["\ud800"], ["a", "\x00"], "2020-13-45", "2020-02-30", "0000-01-01", "9999-12-31T23:59:60Z",
        "2020-01-01T25:00:00Z", "+002020-01-01", "2020-W01-1", "1e309", "nan", "NaN", "70%", "yes", [], [1], ["x"], {},
        {"a": 1}, [[[[[[[[[[[]]]]]]]]]]], {"question": "existing", "stance": "?"}]
#: Text that replaces a JSON number token: exponents out of range, specials, digits beyond the
#: interpreter's limit for int conversion, JSON it does not allow.
NUMBER_TEXT = ["1e309", "-1e309", "1e-400", "NaN", "Infinity", "-Infinity", "1" * 5000, "0." + "0" * 5000 + "1",
               "-0", "00.5", "0x1", ".5", "5.", "1_0", "\u0661"]
BAD_BYTES = [b"\xff", b"\xfe", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\x00",
             b"\xef\xbb\xbf", b"\r", b"\r\n", b"\x1a", b"\x85", b"\xe2\x80\xa8"]
dates = st.sampled_from(["2021-01-01T00:00:00Z", "2021-06-01", "2021-03-01T12:00:00+05:30", "2022-01-01 10:00:00",
                         "2021-02-01T00:00:00.123456Z", "2020-12-31T23:00:00-01:00"])
handles = st.sampled_from(["ed", "amina", "Jo Rivers", "CRNewsReports©", "\u200b", "x" * 200, "new one"])
names = st.sampled_from(["q1", "q2", "Q1", "existing", "existing-choice", "a b", "é"])
texts = st.one_of(st.sampled_from(["Will X?", "c", "TODO", "😀", "e\u0301", "\u200b."]),
                  st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=10))


def _objects(draw) -> list[dict]:
    """A valid-looking JSONL history: analysts, a scenario, questions, evidence, forecasts,
    an amendment and resolutions, referring to each other and to the seed's questions."""
    out: list[dict] = []
    for handle in draw(st.lists(handles, max_size=2, unique=True)):
        out.append({"type": "analyst", "handle": handle, "role": draw(st.sampled_from(["analyst", "editor"])),
                    "kind": draw(st.sampled_from(["person", "source"])), "active": draw(st.booleans())})
    scenario = draw(st.booleans())
    if scenario:
        out.append({"type": "scenario", "slug": "s1", "title": draw(texts), "summary": draw(texts),
                    "source": {"title": "T", "publisher": "P", "url": "u", "published": "2020-11-20"}})
    slugs = draw(st.lists(names.filter(lambda n: not n.startswith("existing")), max_size=2, unique=True))
    kinds = {}
    for slug in slugs:
        kind = draw(st.sampled_from(["binary", "choice"]))
        kinds[slug] = kind
        q = {"type": "question", "slug": slug, "title": draw(texts), "kind": kind, "criteria": draw(texts),
             "opens_at": "2021-01-01T00:00:00Z", "closes_at": draw(dates), "tags": ["t"]}
        if kind == "choice":
            q["options"] = ["x", "y"]
        if scenario and draw(st.booleans()):
            q["scenario"] = "s1"
        out.append(q)
    targets = slugs + ["existing", "existing-choice"]
    kinds.update({"existing": "binary", "existing-choice": "choice"})
    if draw(st.booleans()):
        out.append({"type": "evidence", "id": draw(st.integers(1, 3)), "analyst": draw(handles),
                    "logged_at": draw(dates), "summary": draw(texts), "observed_on": "2021-02-01",
                    "links": [{"question": draw(st.sampled_from(targets)), "stance": draw(st.sampled_from("+-~"))}]})
    for _ in range(draw(st.integers(0, 4))):
        slug = draw(st.sampled_from(targets))
        f = {"type": "forecast", "question": slug, "analyst": draw(handles), "made_at": draw(dates),
             "rationale": draw(st.none() | texts)}
        x = draw(st.sampled_from([0, 1, 0.25, 0.7, 1e-300, -0.0]) | st.floats(0, 1))
        if kinds[slug] == "binary":
            f["p"] = x
        else:
            f["probabilities"] = {"x": x, "y": 1 - x}
        out.append(f)
    if draw(st.booleans()):
        out.append({"type": "amendment", "question": draw(st.sampled_from(targets)), "by": "ed", "at": draw(dates),
                    "reason": "r", "closes_at": draw(dates)})
    if draw(st.booleans()):
        slug = draw(st.sampled_from(targets))
        outcomes = ["yes", "no"] if kinds[slug] == "binary" else ["x", "y"]
        out.append({"type": "resolution", "question": slug, "known_at": draw(dates), "recorded_by": "ed",
                    "outcome": draw(st.sampled_from(outcomes + ["annulled"]))})
    return out


def _corrupt_object(draw, obj: dict) -> None:
    """One edit to one object: a field removed, added, or given a value of the wrong kind."""
    key = draw(st.sampled_from(sorted(obj)))
    how = draw(st.sampled_from(["delete", "junk", "junk", "extra", "nested"]))
    if how == "delete":
        del obj[key]
    elif how == "junk":
        obj[key] = draw(st.sampled_from(JUNK))
    elif how == "extra":
        obj[draw(st.sampled_from(["zzz", "id", "type2", "p", "probabilities", "withdrawn", "correction"]))] = \
            draw(st.sampled_from(JUNK))
    elif isinstance(obj.get(key), (dict, list)) or draw(st.booleans()):
        depth = draw(st.sampled_from([2, 50, 5000]))
        obj[key] = json.loads("[" * depth + "]" * depth) if depth < 1000 else "[" * depth + "]" * depth


def _text_edits(draw, data: bytes) -> bytes:
    """Edits below JSON or CSV: bytes that are not UTF-8, BOMs, NULs, CRLF, a truncated last
    line, a line repeated or dropped."""
    for _ in range(draw(st.integers(1, 2))):
        how = draw(st.sampled_from(["bytes", "bom", "crlf", "truncate", "repeat", "drop", "blank"]))
        lines = data.split(b"\n")
        if how == "bytes" and data:
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from(BAD_BYTES)) + data[at:]
        elif how == "bom":
            data = b"\xef\xbb\xbf" + data
        elif how == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif how == "truncate" and data:
            data = data.rstrip(b"\n")
            data = data[:draw(st.integers(max(0, len(data) - 40), len(data)))]
        elif how == "repeat" and len(lines) > 1:
            n = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join(lines[:n + 1] + lines[n:])
        elif how == "drop" and len(lines) > 1:
            n = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join(lines[:n] + lines[n + 1:])
        elif how == "blank":
            data += draw(st.sampled_from([b"\n", b"   \n", b"\t\n", b"\n\n"]))
    return data


@st.composite
def jsonl_files(draw) -> bytes:
    """A history from `_objects`, written one JSON object a line, then up to three corruptions
    (none for about a third of the files, so that valid imports are explored too)."""
    objects = _objects(draw)
    # NaN and Infinity as Python writes them
    lines = [json.dumps(obj, ensure_ascii=draw(st.booleans())) for obj in objects]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        how = draw(st.sampled_from(["object", "object", "number", "line", "type", "text"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if how == "type" or not lines:
            lines.insert(at, json.dumps({"type": draw(st.sampled_from(["unknown", "Forecast", "", None, 1, ["x"]]))}))
        elif how == "object":
            try:
                obj = json.loads(lines[at])
            except ValueError:  # a line already broken
                continue
            if not isinstance(obj, dict) or not obj:
                continue
            _corrupt_object(draw, obj)
            lines[at] = json.dumps(obj, ensure_ascii=draw(st.booleans()))
            for value in obj.values():  # a deep list kept as its text, not a string
                if isinstance(value, str) and value.startswith("[[[["):
                    lines[at] = lines[at].replace(json.dumps(value), value)
        elif how == "number":  # a JSON number's text replaced
            numbers = list(re.finditer(r"(?:(?<=: )|(?<=, )|(?<=\[))-?[0-9][0-9.eE+-]*(?=[,}\]])", lines[at]))
            if numbers:
                m = draw(st.sampled_from(numbers))
                lines[at] = lines[at][:m.start()] + draw(st.sampled_from(NUMBER_TEXT)) + lines[at][m.end():]
        elif how == "line":
            lines[at] = draw(st.sampled_from(["[]", "null", "1", '"s"', "{", "{}", "{'type': 'analyst'}",
                                              lines[at][:-1], lines[at] + lines[at]]))
        else:
            break  # edits below JSON, next
    data = "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass")
    return _text_edits(draw, data) if rarely(draw, 3) else data


CSV_COLUMNS = ["question_id", "user_id", "probability", "answer_option", "timestamp", "outcome", "open_time",
               "close_time", "resolve_time", "q_title", "q_status", "criteria"]
CSV_JUNK = ["", " ", "abc", "-0", "1.5", "-0.1", "nan", "inf", "1e309", "1" * 5000, "1_0", "0x1", "\u0661", "0,7",
            "2020-13-45", "yesterday", "2020-01-01T00:00:00+25:00", "0000-12-31", "10000-01-01", "\x00", "a\x00b",
            "x" * 20_000, '"', "a\nb", "\ufeff", "2", "-1", "1.0", "ambiguous", "\ud800"]


@st.composite
def csv_files(draw) -> bytes:
    """Rows of up to three questions (one of them the seed's) in any column order, then up to
    three corruptions: a cell of the wrong kind, a row repeated, too few or too many cells, a
    column missing or unknown; and edits below CSV."""
    columns = draw(st.permutations(CSV_COLUMNS))
    rows = []
    for q in draw(st.lists(st.sampled_from(["q1", "q2", "existing"]), min_size=1, max_size=3, unique=True)):
        outcome = draw(st.sampled_from(["", "1", "0", "-1", "1.0"]))
        shared = {"question_id": q, "outcome": outcome, "open_time": "2021-01-01 00:00:00+00:00",
                  "close_time": draw(dates), "resolve_time": draw(dates) if outcome not in ("", "-1") else "",
                  "q_title": draw(st.sampled_from(["", "Will X?"])),
                  "q_status": draw(st.sampled_from(["", "resolved", "open", "ambiguous"])),
                  "criteria": draw(st.sampled_from(["", "c", "TODO"]))}
        if q == "existing":  # what the ledger holds, or nothing
            shared.update(open_time="2020-01-01T00:00:00Z", close_time="2099-01-01T00:00:00Z",
                          q_title=draw(st.sampled_from(["", "Existing?"])), criteria=draw(st.sampled_from(["", "c"])))
        for _ in range(draw(st.integers(1, 3))):
            p = draw(st.sampled_from(["0.7", "0", "1", ".5", "1E-5"]) | st.floats(0, 1).map(repr))
            rows.append(dict(shared, user_id=draw(handles), timestamp=draw(dates), probability=p,
                             answer_option=draw(st.sampled_from(["1", "0", "", "1.0"]))))
    short: dict[int, int] = {}
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        how = draw(st.sampled_from(["cell", "cell", "cell", "repeat", "width", "column"]))
        if how == "cell":
            row = draw(st.sampled_from(rows))
            row[draw(st.sampled_from(CSV_COLUMNS))] = draw(st.sampled_from(CSV_JUNK) | st.text(max_size=5))
        elif how == "repeat":
            rows.insert(draw(st.integers(0, len(rows))), dict(draw(st.sampled_from(rows))))
        elif how == "width":
            short[draw(st.integers(0, len(rows) - 1))] = draw(st.integers(-len(columns), 2))
        else:
            columns = [c for c in columns if c != draw(st.sampled_from(CSV_COLUMNS))] + ["extra"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(columns)
    for n, row in enumerate(rows):
        cells = [row.get(c, "") for c in columns]
        if n in short:  # too few or too many cells
            cells = cells[:short[n]] if short[n] <= 0 else cells + ["spare"] * short[n]
        writer.writerow(cells)
    data = out.getvalue().encode("utf-8", "surrogatepass")
    return _text_edits(draw, data) if rarely(draw, 3) else data


_COUNT = re.compile(r"(\d+) (analysts|scenarios|questions|amendments|evidence|forecasts|withdrawals|resolutions)")


options = st.tuples(st.sampled_from(["ed"] * 8 + ["amina", "newcomer"]),
                    st.sampled_from([[]] * 8 + [["--scenario", "base"], ["--scenario", "nope"]]))


def import_once(url: str, path, data: bytes, fmt: str, actor: str = "ed", extra: list[str] = ()) -> None:
    """The property of one file: `--check`, the import, and the import again, from the seed
    ledger, by `actor` (an editor; or an analyst, or someone new, whom the import refuses)."""
    seeded(url, path.parent, SEED)
    path.write_bytes(data)
    before = state(url)
    args = ["import", str(path), "--format", fmt, *extra]
    checked = invoke(url, *args, "--check", as_=actor)
    assert state(url) == before, checked.output
    done = invoke(url, *args, as_=actor)
    after = state(url)
    assert done.exit_code == checked.exit_code, (checked.output, done.output)
    if actor != "ed":
        assert done.exit_code == 1, done.output
    if done.exit_code != 0:
        refused_unchanged(done, before, after, by_line=done.exit_code == 2)
        assert timeless(checked.stderr) == timeless(done.stderr)
        return
    out = done.stdout
    assert out.startswith(f"imported {path.name}: "), out
    assert checked.stdout.startswith(f"checked {path.name}: would import "), checked.stdout
    reported = {kind: int(n) for n, kind in _COUNT.findall(out.split("; head")[0])}
    assert reported == {kind: int(n) for n, kind in _COUNT.findall(checked.stdout)}
    for kind, n in after[0].items():
        assert n - before[0][kind] == reported.get(kind, 0), (kind, out, before, after)
    assert after[1]["seq"] == before[1]["seq"] + 1
    verified(url)
    again = invoke(url, *args, allowed=(0,))
    assert again.stdout.startswith(f"already imported: {path.name}"), again.stdout
    assert state(url) == after


def test_jsonl_import_lands_whole_or_is_refused_by_line(run, tmp_path) -> None:
    url = run.url

    @fuzz(25 if backend(url) == "sqlite" else 8, backend=backend(url))
    @given(jsonl_files(), options)
    def check(data: bytes, how: tuple[str, list[str]]) -> None:
        import_once(url, tmp_path / "fuzzed.jsonl", data, "jsonl", *how)

    check()


def test_csv_import_lands_whole_or_is_refused_by_line(run, tmp_path) -> None:
    url = run.url

    @fuzz(25 if backend(url) == "sqlite" else 8, backend=backend(url))
    @given(csv_files(), options)
    def check(data: bytes, how: tuple[str, list[str]]) -> None:
        import_once(url, tmp_path / "fuzzed.csv", data, "csv", *how)

    check()


# --- what the fuzzing found ------------------------------------------------------------------


def test_a_jsonl_number_too_long_to_read_is_a_problem_on_its_line(run, tmp_path) -> None:
    """`json.loads` raises a plain ValueError (no `.msg`) for an integer over the interpreter's
    4300-digit limit: the import crashed with AttributeError instead of naming the line."""
    path = tmp_path / "long.jsonl"
    path.write_text('{"type": "analyst", "handle": "amina"}\n' + "1" * 4301 + "\n", encoding="utf-8")
    before = run.state()
    err = run("import", str(path), code=2).stderr
    assert err == "error: long.jsonl: 1 problem(s), nothing imported:\n" \
                  "  line 2: not valid JSON here: a number too long to read\n"
    assert run.state() == before


def test_a_tag_that_is_not_utf8_is_a_problem_on_its_line(run, tmp_path) -> None:
    """A JSON escape `\\ud800` is a lone surrogate, which no database stores: `validate.tag` let
    it through, and the import failed in the driver with "an argument is not valid UTF-8 text"
    (exit 2, nothing written, but no line and the wrong culprit)."""
    path = tmp_path / "tag.jsonl"
    path.write_text('{"type": "question", "slug": "q1", "title": "T", "kind": "binary", "criteria": "c", '
                    '"opens_at": "2021-01-01", "closes_at": "2022-01-01", "tags": ["\\ud800"]}\n', encoding="utf-8")
    before = run.state()
    err = run("import", str(path), code=2).stderr
    assert err == "error: tag.jsonl: 1 problem(s), nothing imported:\n  line 1: tag '\\ud800': not valid UTF-8 text\n"
    assert run.state() == before
