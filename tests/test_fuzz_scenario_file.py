"""Fuzzing scenario files (SPEC 9, 5): `ledger scenario import FILE.yaml` on random YAML-ish text
and on valid files with mutations — anchors and aliases, tags such as `!!python/object`, several
documents, flow and block style, tabs, repeated keys, deep nesting, huge scalars, bytes that are
not UTF-8, an empty file. The file lands whole (exit 0, `verify` passes, the counts grew by what
it reported) or is refused with every problem by line and nothing written; never a traceback,
no YAML construct runs code, and alias expansion ("billion laughs") stays bounded."""

from __future__ import annotations

import json
import os
import re
import time
import tracemalloc

from hypothesis import given
from hypothesis import strategies as st

from ledger.core.bulk import ImportRefused
from ledger.io.scenario_file import read_scenario
from tests.conftest import LedgerCli
from tests.fuzzing import backend, fuzz, invoke, mutate, rarely, refused_unchanged, seeded, state, timeless, verified

#: A file that any YAML construct running code would create (the first `TAGS` try to).
MARKER = f"/tmp/ledger-fuzz-yaml-ran-code-{os.getpid()}"
TAGS = [f'!!python/object/apply:os.system ["touch {MARKER}"]', "!!python/name:os.system",
        f"!!python/object/new:os.system [touch {MARKER}]",
        f'!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {MARKER}"]',
        "!!binary aGVsbG8=", "!!int 7", "!!float .5", "!!bool yes", "!!null ~", "!!str text", "!!timestamp 2030-01-01",
        "!!set {a, b}", "!!omap [a: 1]", "!!pairs [a: 1]", "!custom x", "!!merge <<", "!ruby/object:Foo {}"]
GOOD_DATES = ["2033-01-01", "2033-06-30T12:00:00Z", "2033-01-01T00:00:00+05:30", "9999-12-30"]
BAD_DATES = ["2030-13-45", "2031-02-29", "2031", "2031-01-01T24:00:00Z", "0001-01-01", "9999-12-31", "+12033-01-01",
             "2033-01-01T00:00:00", "now"]
PRIORS = ["likely", "Very Unlikely", "70%", "0.7", ".7", "7:3", "1 in 4", "70", "1.5", "nan", "0:0", "yes", "~", "-0.1"]
#: Plain scalars that YAML 1.1 would read as booleans, nulls, numbers, sexagesimals, dates…
TYPED_WORDS = ["Will X happen?", "yes", "no", "on", "null", "~", "7:3", "1e3", "0o17", "0x1F", "12:30:00", "2030-01-01",
               "a, b", "é\u0301", "\u2028", "TODO: later", ".inf", "-.NaN", "<<", "="]
#: Text that is not a plain scalar at all: an indicator first, a comment, a key inside.
SYNTAX_WORDS = ["- a", "a: b", "#x", "@x", "`x`", "%x", "|", ">", "'q'", '"q"', "[a]", "{a}", "&x", "*x", "!x", "? x"]
good_texts = st.one_of(st.sampled_from(TYPED_WORDS),
                       st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12))
texts = st.one_of(good_texts, st.sampled_from(SYNTAX_WORDS), st.text(st.characters(codec=None), min_size=1, max_size=4))


def scalar(draw, value: str) -> str:
    """`value` as a YAML scalar in one of the styles a person might write: plain (whatever that
    then means to YAML), single- or double-quoted."""
    style = draw(st.sampled_from(["plain", "plain", "single", "double"]))
    if style == "plain":
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=draw(st.booleans()))  # JSON's escapes are YAML's too


def usually(draw, good, bad):
    """A draw from `good` nine times in ten, else from `bad`: every field can go wrong, yet most
    files are still valid (a file of eight fields each bad half the time never would be)."""
    return draw(bad if rarely(draw, 10) else good)


def one_of(*values):
    return st.sampled_from(values)


@st.composite
def documents(draw) -> dict:
    """A scenario file's content, mostly valid."""
    slug = usually(draw, one_of("s1", "S.1", "x" * 200), one_of("sahel-2026", "bad slug", "", "s" * 201, "-s"))
    doc: dict = {"scenario": {"slug": slug, "title": usually(draw, good_texts, texts)}}
    if draw(st.booleans()):
        doc["scenario"]["source"] = {"title": usually(draw, good_texts, texts), "publisher": "P",
                                     "url": "https://e.org",
                                     "published": usually(draw, one_of("2026-11-20"), one_of(*BAD_DATES)),
                                     "forecaster": usually(draw, one_of("Sahel Monitor", "source:x", "\u200b"),
                                                           one_of("ed", "amina", "\x07", "", "@team"))}
    questions = []
    for n in range(draw(st.integers(0, 3))):
        q = {"slug": usually(draw, one_of(f"q{n}", f"q-{n}.x"), one_of("12", "a b", "q0", "")),
             "title": usually(draw, good_texts, texts),
             "criteria": usually(draw, one_of("Resolves yes if it happens.", "yes", "Resolves\nacross lines"),
                                 one_of("TODO", "", "todo: x", " TODO") | texts),
             "closes": usually(draw, one_of(*GOOD_DATES), one_of(*BAD_DATES))}
        if draw(st.booleans()):
            q["opens"] = usually(draw, one_of("2030-01-01", "2032-01-01T10:00:00Z"), one_of("2034-01-01", *BAD_DATES))
        if draw(st.booleans()):
            q["kind"] = usually(draw, one_of("choice"), one_of("Choice", "binary", ""))
            q["options"] = usually(draw, one_of(["a", "b"], ["yes", "no"], ["1", "2", "3"]),
                                   one_of(["a"], ["a", "a"], []))
            if draw(st.booleans()):
                q["prior"] = [f"{o}={usually(draw, one_of('50%', '0.5', '1 in 2'), one_of('x', '60%', '='))}"
                              for o in q["options"]]
        elif draw(st.booleans()):
            q["prior"] = usually(draw, one_of(*PRIORS[:7]), one_of(*PRIORS[7:]))
        if draw(st.booleans()):
            q["tags"] = usually(draw, one_of(["minerals"], ["a", "b"]),
                                one_of([""], ["two words"], ["a", "a"], ["\ud800"]))
        if draw(st.booleans()):
            q["quote"] = usually(draw, good_texts, texts)
        questions.append(q)
    doc["questions"] = questions
    return doc


def render(draw, value: dict) -> str:
    """A document as YAML: block or flow style chosen at each level, scalars in random styles."""
    return "\n".join(_block(draw, value, 0)) + "\n"


def _block(draw, value, indent: int) -> list[str]:
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) or not item or rarely(draw, 4):
                lines.append(f"{pad}{key}: {_inline(draw, item)}")
            else:
                lines += [f"{pad}{key}:"] + _block(draw, item, indent + 1)
    else:
        for item in value:
            if isinstance(item, dict) and item and not rarely(draw, 4):
                inner = _block(draw, item, indent + 1)
                lines += [pad + "- " + inner[0].lstrip()] + inner[1:]
            else:
                lines.append(f"{pad}- {_inline(draw, item)}")
    return lines


def _inline(draw, value) -> str:
    if isinstance(value, str):
        return scalar(draw, value)
    return _flow(value)


def _flow(value) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # inside flow collections a plain `,` or `]` would end the value
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"


LAUGHS = "l0: &l0 lol\n" + "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 10))


def _mutations(draw, text: str) -> str:
    """Edits that YAML readers have tripped on, up to three; none for about a third of files."""
    lines = text.split("\n")
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        how = draw(st.sampled_from(["tag", "alias", "documents", "tab", "repeat", "deep", "huge", "laughs",
                                    "merge", "chars", "chars"]))
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        if how == "tag" and ": " in line:
            key = line.split(": ", 1)[0]
            lines[at] = f"{key}: {draw(st.sampled_from(TAGS))}"
        elif how == "alias" and ": " in line:
            key, value = line.split(": ", 1)
            if value and not value.startswith(("[", "{", "&", "*", "!")):
                lines[at] = f"{key}: &v {value}"
                lines.append(draw(st.sampled_from(["extra: *v", "  title: *v", "    quote: *v", "questions: *v"])))
        elif how == "documents":
            lines = draw(st.sampled_from([["---"] + lines, lines + ["---"] + lines, lines + ["...", "---", "a: 1"],
                                          ["%YAML 1.1", "---"] + lines, ["%TAG ! tag:x,2000:", "---"] + lines]))
        elif how == "tab" and line.startswith("  "):
            lines[at] = "\t" + line[2:]
        elif how == "repeat":
            lines.insert(at, line)
        elif how == "deep" and ": " in line:
            depth = draw(st.sampled_from([3, 100, 2000]))
            opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
            lines[at] = line.split(": ", 1)[0] + ": " + opener * depth + closer * depth
        elif how == "huge" and ": " in line:
            lines[at] = line.split(": ", 1)[0] + ": " + draw(one_of("x" * 100_000, "'" + "y" * 100_000 + "'"))
        elif how == "laughs":
            lines = LAUGHS.split("\n") + lines + [draw(st.sampled_from(["questions: *l9", "scenario: *l9", "x: *l9"]))]
        elif how == "merge":
            lines = ["base: &b {slug: s1, title: T}"] + lines + [draw(one_of("  <<: *b", "scenario: {<<: *b}"))]
        elif how == "chars":
            lines[at] = mutate(draw, line, st.one_of(st.sampled_from(list(":-[]{},&*!|>'\"#%@`?\t\\ ") + ["\r", "\x00",
                                                                      "\ufeff", "\x85", "\u2028"]),
                                                     st.characters(codec=None)))
    return "\n".join(lines)


@st.composite
def scenario_files(draw) -> bytes:
    """A rendered document, mutated; or YAML-ish noise; as bytes, sometimes not UTF-8."""
    kind = draw(st.sampled_from(["document"] * 6 + ["noise", "empty"]))
    if kind == "noise":
        tokens = list(":-[]{},&*!|>'\"#%@`? \n\tabc12") + ["scenario", "questions", "slug", "  ", "\n  - "]
        text = "".join(draw(st.lists(st.sampled_from(tokens), max_size=40)))
    elif kind == "empty":
        text = draw(st.sampled_from(["", "\n", "   \n", "# only a comment\n", "---\n", "...\n", "~\n", "''\n"]))
    else:
        text = _mutations(draw, render(draw, draw(documents())))
    data = text.encode("utf-8", "surrogatepass")
    if rarely(draw, 10):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(one_of(b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00")) + data[at:]
    if rarely(draw, 10):
        data = data.replace(b"\n", b"\r\n")
    return data


_DONE = re.compile(r"imported (.*): scenario (.*) with (\d+) questions, (\d+) priors by the source (.*?)( \(new\))?; "
                   r"head (\d+):")


#: The ledger every example starts from: a scenario a file may collide with, a source and a person.
SEED = [{"type": "analyst", "handle": "ed", "role": "editor"}, {"type": "analyst", "handle": "amina"},
        {"type": "analyst", "handle": "Sahel Monitor", "kind": "source"},
        {"type": "scenario", "slug": "sahel-2026", "title": "Sahel"}]


def scenario_import_once(url: str, path, data: bytes) -> None:
    """The property of one file, from the seed ledger: `--check`, the import, and the import again."""
    seeded(url, path.parent, SEED)
    path.write_bytes(data)
    before = state(url)
    checked = invoke(url, "scenario", "import", str(path), "--check")
    assert state(url) == before, checked.output
    done = invoke(url, "scenario", "import", str(path))
    after = state(url)
    assert not os.path.exists(MARKER), "a YAML tag ran code"
    assert done.exit_code == checked.exit_code, (checked.output, done.output)
    if done.exit_code != 0:
        refused_unchanged(done, before, after, by_line=done.exit_code == 2)
        assert timeless(checked.stderr) == timeless(done.stderr)
        return
    match = _DONE.match(done.stdout)
    assert match, done.stdout
    questions, priors, new = int(match[3]), int(match[4]), match[6] is not None
    counts = {key: after[0][key] - before[0][key] for key in after[0]}
    assert counts == {"analysts": int(new), "scenarios": 1, "questions": questions, "forecasts": priors,
                      "evidence": 0, "resolutions": 0}, (done.stdout, counts)
    assert checked.stdout.startswith(f"checked {path.name}: would add scenario {match[2]} with {questions} questions")
    verified(url)
    again = invoke(url, "scenario", "import", str(path), allowed=(0,))
    assert again.stdout.startswith(f"already imported: {path.name}"), again.stdout
    assert state(url) == after


def test_scenario_import_lands_whole_or_is_refused_by_line(run: LedgerCli, tmp_path) -> None:
    url = run.url

    @fuzz(40 if backend(url) == "sqlite" else 10, backend=backend(url))
    @given(scenario_files())
    def check(data: bytes) -> None:
        scenario_import_once(url, tmp_path / "fuzzed.yaml", data)

    check()


@fuzz(100)
@given(scenario_files())
def test_reading_any_file_gives_a_plan_or_problems_by_line(data: bytes) -> None:
    """The reader alone, faster: a plan, or `ImportRefused` whose problems each have a line in
    the file and a one-line message."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # refused before the reader, by `import_scenario` (on its line, see above)
    try:
        read_scenario(text, "f.yaml")
    except ImportRefused as refused:
        lines = len(re.findall(r"\r\n?|\n", text)) + 1  # as the reader counts them (fix for lone \r)
        for problem in refused.problems:
            assert 1 <= problem.line <= lines + 1, problem
            assert "\n" not in problem.message and "\r" not in problem.message, problem


def test_billion_laughs_are_refused_without_expanding() -> None:
    """Nine levels of nine aliases stand for 9**9 (387 million) strings: reading the file must
    neither build them nor take long, wherever the alias is used."""
    for use in ["questions: *l9", "scenario: *l9", "scenario: {slug: s, title: *l9}",
                "scenario: {slug: s, title: T}\nquestions: [{slug: q, title: T, criteria: c, closes: 2031-01-01,"
                " tags: *l9}]", "scenario: {slug: s, title: T}\nquestions: *l9"]:
        tracemalloc.start()
        started = time.perf_counter()
        try:
            read_scenario(LAUGHS + use + "\n", "laughs.yaml")
        except ImportRefused as refused:
            assert refused.problems
        else:
            raise AssertionError("a file of aliases was accepted")
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert peak < 20 * 2**20 and time.perf_counter() - started < 5, (use, peak)


# --- what the fuzzing found ------------------------------------------------------------------


def test_deep_nesting_is_a_problem_on_its_line(run: LedgerCli, tmp_path) -> None:
    """PyYAML composes nodes recursively: a value nested some hundreds deep raised RecursionError
    through `scenario import` (a traceback) instead of being refused on its line."""
    path = tmp_path / "deep.yaml"
    path.write_text("scenario:\n  slug: s\n  title: " + "[" * 1000 + "]" * 1000 + "\nquestions: []\n", encoding="utf-8")
    before = run.state()
    err = run("scenario", "import", str(path), code=2).stderr
    assert err == "error: deep.yaml: 1 problem(s), nothing imported:\n" \
                  "  line 3: not valid YAML here: nested too deeply to read\n"
    assert run.state() == before


def test_a_tag_that_is_not_utf8_is_a_problem_on_its_line(run: LedgerCli, tmp_path) -> None:
    """The YAML escape `"\\ud800"` is a lone surrogate: the tag reached the database driver
    ("an argument is not valid UTF-8 text", no line) instead of being refused on its line."""
    path = tmp_path / "tag.yaml"
    path.write_text('scenario: {slug: s, title: T}\nquestions:\n'
                    '  - {slug: q, title: T, criteria: c, closes: 2031-01-01, tags: ["\\ud800"]}\n', encoding="utf-8")
    before = run.state()
    err = run("scenario", "import", str(path), code=2).stderr
    assert err == "error: tag.yaml: 1 problem(s), nothing imported:\n  line 3: tag '\\ud800': not valid UTF-8 text\n"
    assert run.state() == before


def test_a_slug_too_long_for_the_default_source_handle_is_a_problem_on_its_line(run: LedgerCli, tmp_path) -> None:
    """A 200-character slug is a valid slug, but the source it implies, `source:<slug>`, would have
    a 207-character handle: SQLite stored it (past SPEC 1's 200), PostgreSQL's COPY failed (exit 1,
    a two-line driver message)."""
    path = tmp_path / "long.yaml"
    path.write_text(f"scenario:\n  slug: {'x' * 200}\n  title: T\nquestions: []\n", encoding="utf-8")
    before = run.state()
    err = run("scenario", "import", str(path), code=2).stderr
    assert err == "error: long.yaml: 1 problem(s), nothing imported:\n  line 2: the source's handle would be " \
                  "source:<slug>, 207 characters (at most 200): give a shorter slug, or the source's forecaster\n"
    assert run.state() == before
    path.write_text(f"scenario:\n  slug: {'x' * 200}\n  title: T\n  source: {{forecaster: Monitor}}\nquestions: []\n",
                    encoding="utf-8")
    run("scenario", "import", str(path))


def test_lines_are_counted_as_editors_count_them() -> None:
    """PyYAML counts U+2028 (and U+2029, U+0085) as line breaks, as YAML 1.1 did: a title holding
    one put every later problem a line past where an editor (or the CSV and JSONL importers) shows it."""
    text = "scenario:\n  slug: s\n  title: \u2028\nquestions: []\nextra: 1\n"
    try:
        read_scenario(text, "f.yaml")
    except ImportRefused as refused:
        assert [str(p) for p in refused.problems] == [
            'line 3: "title" must not be empty',
            'line 5: unknown key "extra"; a scenario file takes: scenario, questions']
    else:
        raise AssertionError("refused")
    with_cr = "scenario: {slug: s, title: T}\r# old Mac line ends\rquestions: []\rextra: 1\r"
    try:
        read_scenario(with_cr, "f.yaml")
    except ImportRefused as refused:
        assert [p.line for p in refused.problems] == [4]
