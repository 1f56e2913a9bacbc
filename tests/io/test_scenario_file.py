"""Scenario files read and written without a ledger (SPEC 9): every value keeps its text, every
problem is reported on its line, and what the writer writes reads back as the same values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.bulk import ImportRefused
from ledger.core.scenario_doc import DocQuestion, ScenarioDoc
from ledger.core.timeutil import parse_instant
from ledger.io.scenario_file import read_scenario
from ledger.io.scenario_writer import percent, quote, write_scenario

HEAD = "scenario:\n  slug: sahel-2026\n  title: Sahel\nquestions:\n"


def problems(text: str) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        read_scenario(text, "s.yaml")
    return [str(p) for p in refused.value.problems]


def one_question(**fields: str) -> str:
    """A file holding one question, its keys in the order given (lines 5, 6, ...)."""
    body = {"slug": "q1", "title": "Will X?", "criteria": "Yes if X.", "closes": "2027-12-31", **fields}
    lines = [f"    {k}: {v}" for k, v in body.items() if v is not None]
    return HEAD + "  -" + "\n".join(lines)[3:] + "\n"


# Lines of BAD, numbered by hand (each problem is named beside its line).
BAD = """\
scenario:
  slug: sahel-2026
  title: Sahel
  source:
    forecaster: Sahel Monitor
    colour: blue
questions:
  - slug: bad-date
    title: Bad date
    criteria: Yes if X.
    closes: 2030-13-45
  - slug: backwards
    title: Backwards
    criteria: Yes if X.
    opens: 2027-03-01
    closes: 2027-01-31
  - slug: todo
    title: Todo
    criteria: TODO write this
    closes: 2027-01-01
  - slug: empty
    title: Empty
    criteria: ""
    closes: 2027-01-01
  - slug: odd-kind
    title: Odd kind
    kind: multiple
    criteria: Yes if X.
    closes: 2027-01-01
  - slug: one-option
    title: One option
    kind: choice
    options: [only]
    criteria: Yes if X.
    closes: 2027-01-01
  - slug: bad-prior
    title: Bad prior
    criteria: Yes if X.
    closes: 2027-01-01
    prior: 70
  - slug: short-prior
    title: Short prior
    kind: choice
    options: [a, b, c]
    criteria: Yes if X.
    closes: 2027-01-01
    prior: {a: 50%, b: 50%}
  - slug: dup-key
    title: Dup key
    title: Again
    criteria: Yes if X.
    closes: 2027-01-01
  - slug: bad-date
    title: Same slug
    criteria: Yes if X.
    closes: 2027-01-01
  - slug: no-criteria
    title: No criteria
    closes: 2027-01-01
"""

BAD_PROBLEMS = [
    'line 6: unknown key "colour"; the source block takes: title, publisher, url, published, forecaster',
    "line 11: closes: '2030-13-45' is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)",
    # closes 2027-01-31 is a deadline: the end of that day, 2027-02-01 00:00Z, before opens 2027-03-01.
    "line 16: closes 2027-02-01T00:00:00Z must be after the question opens (2027-03-01T00:00:00Z)",
    "line 19: criteria still start with TODO; write how the question resolves",
    "line 23: criteria must not be empty",
    "line 27: kind 'multiple': use binary (yes/no) or choice (with \"options\")",
    'line 33: a choice question needs "options": two or more names, e.g. [lifted, eased, unchanged]',
    "line 40: prior: not a probability: '70' is ambiguous; write 70% or 0.7",
    "line 47: prior: no probability for 'c'",
    'line 50: key "title" appears twice (first on line 49)',
    "line 53: question 'bad-date' appears twice in the file (first on line 8)",
    'line 57: "criteria" is required here: how the question resolves',
]


def test_every_problem_of_a_file_is_reported_on_its_line():
    assert problems(BAD) == BAD_PROBLEMS


def test_the_refusal_message_lists_them_all():
    with pytest.raises(ImportRefused) as refused:
        read_scenario(BAD, "s.yaml")
    assert str(refused.value).startswith("s.yaml: 12 problem(s), nothing imported:\n  line 6: unknown key")
    assert refused.value.exit_code == 2


@pytest.mark.parametrize("text, expected", [
    # an unclosed quote: PyYAML notices at the end of the stream, after line 7
    (HEAD + '  - slug: q1\n    title: "unclosed\n    criteria: x\n',
     'line 8: not valid YAML: found unexpected end of stream (while scanning a quoted scalar on line 6)'),
    (HEAD + "  - slug: q1\n    title: Will X: or Y?\n",
     "line 6: not valid YAML: mapping values are not allowed here"),
    ("scenario: {slug: s\n", "line 2: not valid YAML: expected ',' or '}', but got '<stream end>' "
                             "(while parsing a flow mapping on line 1)"),
    ("scenario:\n\tslug: s\n", "line 2: not valid YAML: found character '\\t' that cannot start any token "
                               "(while scanning for the next token)"),
    (HEAD + "  - *nope\n", "line 5: not valid YAML: found undefined alias 'nope'"),
    ("scenario:\n  slug: s\n---\nquestions: []\n",
     "line 3: not valid YAML: but found another document (expected a single document in the stream on line 1)"),
    (HEAD + "  - slug: q1\n    title: bell \x07\n", "line 6: not valid YAML: character U+0007 is not allowed in a YAML file"),
])
def test_a_yaml_syntax_error_is_one_problem_with_its_line(text, expected):
    assert problems(text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("", ['line 1: the file is empty: a scenario file has a "scenario" block and a "questions" list']),
    ("# nothing but a comment\n", ['line 1: the file is empty: a scenario file has a "scenario" block and a '
                                   '"questions" list']),
    ("just text\n", ["line 1: a scenario file must be a mapping of key: value lines"]),
    ("questions: []\n", ['line 1: the file has no "scenario" block']),
    ("scenario:\n  slug: s\n  title: T\n", ['line 1: the file has no "questions" list']),
    ("scenario:\n  title: T\nquestions: []\nextra: 1\n",
     ['line 2: "slug" is required here', 'line 4: unknown key "extra"; a scenario file takes: scenario, questions']),
    ("scenario:\n  slug: not a slug\n  title: \nquestions: []\n",
     ["line 2: scenario slug 'not a slug': use letters, digits, '.', '_' or '-', starting and ending with a "
      "letter or digit", 'line 3: "title" must not be empty']),
    (HEAD + "  - slug: q1\n    title: [a, b]\n    criteria: c\n    closes: 2027-01-01\n",
     ['line 6: "title" must be text, not a list']),
    (HEAD + "  - slug: q1\n    title: T\n    criteria: c\n    closes: !!int 5\n",
     ['line 8: "closes": YAML tags (tag:yaml.org,2002:int) are not supported; write the value as plain text']),
    (HEAD + "  - slug: '12'\n    title: T\n    criteria: c\n    closes: 2027-01-01\n",
     ["line 5: question slug '12': must contain a letter (a bare number is read as an id)"]),
    (HEAD + "  - slug: q1\n    title: T\n    prio: 70%\n    criteria: c\n    closes: 2027-01-01\n",
     ['line 7: unknown key "prio"; a question takes: slug, title, kind, options, criteria, opens, closes, '
      'resolves_by, tags, prior, quote']),
    (HEAD + "  - just a string\n", ["line 5: a question must be a mapping of key: value lines"]),
    ("scenario:\n  slug: s\n  title: T\nquestions: {a: b}\n",
     ['line 4: "questions" must be a list: one "- slug: ..." entry per question']),
])
def test_structure_problems(text, expected):
    assert problems(text) == expected


@pytest.mark.parametrize("fields, expected", [
    ({"title": None}, 'line 5: "title" is required here'),
    ({"closes": None}, 'line 5: "closes" is required here'),
    ({"opens": "soon"}, "line 9: opens: 'soon' is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)"),
    # resolves_by 2027-12-30 ends 2027-12-31 00:00Z, before closes 2027-12-31 ends (2028-01-01 00:00Z)
    ({"resolves_by": "2027-12-30"},
     "line 9: resolves-by 2027-12-31T00:00:00Z must not be before it closes (2028-01-01T00:00:00Z)"),
    ({"options": "[a, b]"}, 'line 9: options are for a choice question: add "kind: choice" (a yes/no question '
                            'takes none)'),
    ({"kind": "choice", "options": "[a, A]"}, "line 10: option 'A' is given twice"),
    ({"kind": "choice", "options": "[a, annulled]"},
     "line 10: 'annulled' cannot be an option name: it is how a question is voided"),
    ({"kind": "choice"}, 'line 5: a choice question needs "options": two or more names, e.g. [lifted, eased, '
                         'unchanged]'),
    ({"tags": "minerals"}, 'line 9: "tags" must be a list, e.g. [a, b]'),
    ({"tags": "[two words]"}, "line 9: tag 'two words': 1 to 100 characters without spaces"),
    ({"prior": "1.5"}, "line 9: prior: not a probability: '1.5' is above 1"),
    ({"prior": "a=20%"}, "line 9: prior: not a probability: 'a=20%' is not understood; write e.g. 70%, 0.7, 7:3, "
                         "1 in 4 or an ICD 203 term such as 'likely'"),
    ({"kind": "choice", "options": "[a, b]", "prior": "{a: 20%, c: 80%}"},
     "line 11: prior: unknown option 'c'; the options are 'a', 'b'; no probability for 'b'"),
    ({"kind": "choice", "options": "[a, b]", "prior": "{a: 20%, b: 20%}"},
     "line 11: prior: probabilities sum to 40%; they must sum to 100% (within 0.5%)"),
    ({"kind": "choice", "options": "[a, b]", "prior": "likely"},
     "line 11: prior: a choice question's prior is a mapping of option: probability, or a list of OPTION=PROB"),
    ({"kind": "choice", "options": "[a, b]", "prior": "{a: 20%, a: 80%}"},
     'line 11: key "a" appears twice (first on line 11)'),
])
def test_value_problems(fields, expected):
    assert problems(one_question(**fields)) == [expected]


def test_values_keep_their_text():
    text = HEAD + """\
  - slug: q1
    title: yes
    criteria: no
    opens: 2026-11-27
    closes: 2027-12-31
    resolves_by: 2028-01-31T12:00:00+02:00
    tags: [on, off, minerals, on]
    prior: 7:3
    quote: ~
  - slug: q2
    title: 7:3
    kind: choice
    options: [yes, no, null, 1e3]
    criteria: Resolves per the communiqué.
    closes: 2027-06-30T18:00:00Z
    prior: [yes=5%, NO=1 in 4, null=very unlikely, 1e3=.575]
"""
    plan = read_scenario(text, "s.yaml")
    q1, q2 = plan.questions
    assert (q1.title, q1.criteria, q1.tags, q1.quote) == ("yes", "no", ("minerals", "off", "on"), "~")
    assert q1.opens_at == parse_instant("2026-11-27T00:00:00Z")
    assert q1.closes_at == parse_instant("2028-01-01T00:00:00Z")  # a bare date as a deadline: end of day
    assert q1.resolves_by == parse_instant("2028-01-31T10:00:00Z")
    assert (q2.title, q2.kind, q2.options) == ("7:3", "choice", ("yes", "no", "null", "1e3"))
    assert q2.opens_at is None and q2.resolves_by == q2.closes_at == parse_instant("2027-06-30T18:00:00Z")
    fc = plan.forecasts
    assert fc.line == [12, 20]
    assert fc.analyst == ["source:sahel-2026", "source:sahel-2026"]
    assert fc.made_at == [q1.opens_at, None]  # a prior is made when its question opens; None: at the import
    assert fc.p[0] == 0.7  # 7:3 is odds: 7 / (7 + 3)
    assert fc.rationale == ["~", None]
    # options matched exactly, else ignoring case (NO); 5% + 1 in 4 + very unlikely (12.5%) + .575 = 100%
    assert fc.probs == [None, {"yes": 0.05, "no": 0.25, "null": 0.125, "1e3": 0.575}]


def test_a_choice_prior_outside_the_tolerance_is_refused_and_one_inside_is_normalised():
    base = HEAD + "  - slug: q2\n    title: T\n    kind: choice\n    options: [yes, no, maybe]\n" \
                  "    criteria: c\n    closes: 2027-06-30\n"
    # 10% + 1 in 4 + 67.5% (likely) = 102.5%
    assert problems(base + "    prior: [yes=10%, NO=1 in 4, maybe=likely]\n") == [
        "line 11: prior: probabilities sum to 102.5%; they must sum to 100% (within 0.5%)"]
    # 20% + 30% + 50.4% = 100.4%, within 0.5%: scaled exactly, 20 / 100.4 = 50/251, 30 / 100.4 = 75/251,
    # 50.4 / 100.4 = 126/251
    plan = read_scenario(base + "    prior: {maybe: 50.4%, yes: 20%, no: 30%}\n", "s.yaml")
    assert plan.forecasts.probs == [{"yes": 50 / 251, "no": 75 / 251, "maybe": 126 / 251}]
    assert plan.forecasts.p == [None]


@pytest.mark.parametrize("prior, p", [("likely", 0.675), ("very unlikely", 0.125), ("70%", 0.7), (".7", 0.7),
                                      ("1 in 4", 0.25), ("Roughly Even Odds", 0.5), ("0", 0.0), ("100%", 1.0)])
def test_a_binary_prior_takes_any_spec_4_form(prior, p):
    assert read_scenario(one_question(prior=prior), "s.yaml").forecasts.p == [p]


def test_the_scenario_and_its_source():
    text = """\
scenario: {slug: sahel-2026, title: "US re-engagement: Mali", summary: it is long,
           source: {title: Reset, publisher: Sahel Monitor, url: "https://example.org/a#b",
                    published: 2026-11-20, forecaster: Sahel Monitor}}   # the SPEC's flow style
questions: []
"""
    plan = read_scenario(text, "s.yaml")
    [sc] = plan.scenarios
    assert (sc.line, sc.slug, sc.title, sc.summary) == (1, "sahel-2026", "US re-engagement: Mali", "it is long")
    assert (sc.source_title, sc.source_publisher, sc.source_url, sc.source_published) == (
        "Reset", "Sahel Monitor", "https://example.org/a#b", "2026-11-20")
    [source] = plan.analysts
    assert (source.line, source.handle, source.kind, source.must_be_source) == (3, "Sahel Monitor", "source", True)
    assert plan.questions == [] and len(plan.forecasts) == 0


def test_without_a_source_the_forecaster_is_source_slug():
    plan = read_scenario(one_question(prior="likely"), "s.yaml")
    assert [(a.handle, a.kind, a.line) for a in plan.analysts] == [("source:sahel-2026", "source", 2)]
    assert plan.scenarios[0].source_publisher is None


def test_a_bad_forecaster_handle_and_publication_date():
    text = "scenario:\n  slug: s\n  title: T\n  source:\n    published: 20 Nov\n    forecaster: '@team'\n" \
           "questions: []\n"
    assert problems(text) == ["line 5: published: '20 Nov' is not an ISO date such as 2026-11-27",
                              "line 6: handle '@team' is reserved for the team forecast"]



def test_a_slug_too_long_for_the_default_forecaster_handle():
    # Found by the fuzz tests on PostgreSQL (SQLite does not enforce the 200-character column):
    # 193 characters make `source:` + slug 200, the longest handle; 194 are one too many.
    ok = "scenario:\n  slug: " + "x" * 193 + "\n  title: T\nquestions: []\n"
    assert [a.handle for a in read_scenario(ok, "s.yaml").analysts] == ["source:" + "x" * 193]
    assert problems(ok.replace("x" * 193, "x" * 194)) == [
        "line 2: the source's handle would be source:<slug>, 201 characters (at most 200): give a shorter slug, "
        "or the source's forecaster"]
    named = ok.replace("x" * 193, "x" * 194).replace("  title: T\n", "  title: T\n  source: {forecaster: Daily}\n")
    assert [a.handle for a in read_scenario(named, "s.yaml").analysts] == ["Daily"]

# -- writing ---------------------------------------------------------------------------------

@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_any_text_quoted_reads_back_the_same(text):
    from ledger.io.scenario_file import _Reader

    node = _Reader().compose(f"k: {quote(text)}\n")
    assert node.value[0][1].value == text


@pytest.mark.parametrize("text, written", [
    ('say "yes"', '"say \\"yes\\""'),
    ("a\\b", '"a\\\\b"'),
    ("two\nlines\ttab", '"two\\nlines\\ttab"'),
    ("nel\x85 ls\u2028 bom\ufeff del\x7f", '"nel\\x85 ls\\u2028 bom\\ufeff del\\x7f"'),
    ("Côte d'Ivoire: 7:3 # yes", "\"Côte d'Ivoire: 7:3 # yes\""),
])
def test_quoting_by_hand(text, written):
    assert quote(text) == written


@given(st.floats(min_value=0.0, max_value=1.0))
def test_a_percentage_reads_back_as_the_same_float(p):
    from ledger.core.probability import parse_probability

    assert parse_probability(percent(p)) == p


@pytest.mark.parametrize("p, text", [(0.675, "67.5%"), (0.7, "70%"), (1.0, "100%"), (0.0, "0%"), (1e-07, "0.00001%"),
                                     (1 / 3, "33.33333333333333%"), (0.125, "12.5%")])
def test_percentages_by_hand(p, text):
    assert percent(p) == text


HOSTILE = ("yes", "no", "~", "7:3", "2030-13-45", "- not a list", "# not a comment", "a: b", "  spaced  ", "'quoted'",
           "x" * 1200, "line\nbreak", "ünïcödé 🙂", "")


def test_a_written_file_reads_back_to_the_same_values():
    opens, closes = parse_instant("2026-11-27T09:30:00.000001Z"), parse_instant("2027-12-31", deadline=True)
    def one_line(text: str) -> str:  # titles and option names hold no line breaks
        return text.replace("\n", " ") or "empty?"

    questions = tuple(
        DocQuestion(f"q{i}", one_line(text), "choice", ("opt-a", one_line(text), "x" * 1100), text or "criteria",
                    opens, closes, closes + 1, ("t2", "tag"), (0.2, 0.3, 0.5), text or None)
        for i, text in enumerate(HOSTILE)
    ) + (DocQuestion("b", "binary", "binary", (), "c", parse_instant("2026-11-27"), closes, closes, (), (1 / 3,), None),)
    doc = ScenarioDoc("s-1", "yes", "no\nreally", "~", "7:3", "https://example.org/#x", "2026-11-20", "Sahel Monitor",
                      questions)
    text = write_scenario(doc)
    plan = read_scenario(text, "s.yaml")
    [sc] = plan.scenarios
    assert (sc.slug, sc.title, sc.summary, sc.source_title, sc.source_publisher, sc.source_url, sc.source_published) \
        == ("s-1", "yes", "no\nreally", "~", "7:3", "https://example.org/#x", "2026-11-20")
    assert [a.handle for a in plan.analysts] == ["Sahel Monitor"]
    for q, d in zip(plan.questions, doc.questions):
        assert (q.slug, q.title, q.kind, q.options, q.criteria, q.opens_at, q.closes_at, q.resolves_by, q.tags,
                q.quote) == (d.slug, d.title, d.kind, d.options, d.criteria, d.opens_at, d.closes_at, d.resolves_by,
                             d.tags, d.quote)
    assert plan.forecasts.probs[0] == {"opt-a": 0.2, "yes": 0.3, "x" * 1100: 0.5}
    assert plan.forecasts.p[-1] == 1 / 3
    # Dates as written: a deadline at a day's end as that date, a moment at a day's start as its date.
    assert '    opens: "2026-11-27T09:30:00.000001Z"\n    closes: "2027-12-31"\n' \
           '    resolves_by: "2028-01-01T00:00:00.000001Z"\n' in text
    assert '  - slug: "b"\n    title: "binary"\n    kind: "binary"\n    criteria: "c"\n    opens: "2026-11-27"\n' \
           '    closes: "2027-12-31"\n    resolves_by: "2027-12-31"\n    prior: "33.33333333333333%"\n' in text
    assert write_scenario(doc) == text  # deterministic


SPEC_EXAMPLE = """\
scenario: {slug: sahel-2026, title: …, summary: …,
           source: {title: …, publisher: …, url: …, published: 2026-11-20,
                    forecaster: Sahel Monitor}}   # optional: the source's handle, default source:<slug>
questions:
  - slug: us-mali-minerals-deal
    title: Will …?
    kind: binary            # or choice, with options: [a, b, c]
    criteria: Resolves yes if …
    opens: 2026-11-27
    closes: 2027-12-31
    resolves_by: 2028-01-31
    tags: [minerals]
    prior: likely           # optional: the source's own likelihood, any section-4 form
    quote: "…"              # optional: the sentence it came from
"""


def test_the_spec_example_reads():
    plan = read_scenario(SPEC_EXAMPLE, "spec.yaml")
    [q] = plan.questions
    assert (q.slug, q.title, q.kind, q.criteria, q.tags, q.quote) == (
        "us-mali-minerals-deal", "Will …?", "binary", "Resolves yes if …", ("minerals",), "…")
    assert (q.opens_at, q.closes_at, q.resolves_by) == (
        parse_instant("2026-11-27"), parse_instant("2028-01-01"), parse_instant("2028-02-01"))
    assert plan.forecasts.p == [0.675] and plan.forecasts.analyst == ["Sahel Monitor"]


def test_the_readme_example_reads():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [example] = re.findall(r"^```yaml\n(.*?)^```$", readme, re.S | re.M)
    plan = read_scenario(example, "README.md")
    assert [(q.slug, q.tags) for q in plan.questions] == [("us-troops-return-mali", ("security",))]
    assert plan.forecasts.p == [0.125]
