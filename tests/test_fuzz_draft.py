"""Fuzzing `ledger scenario draft` (SPEC 9): on any text — article-like or not, with odd
whitespace, control characters, unusual scripts, endless sentences — drafting never raises, is
deterministic, finishes promptly, and writes YAML that `yaml.safe_load` reads back as exactly the
strings drafted. The ledger's own reader takes the draft too: its only problems are the TODO
criteria left for an analyst to write."""

from __future__ import annotations

import time
import unicodedata
from datetime import date
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.bulk import ImportRefused
from ledger.io.drafting import draft_scenario, render_yaml
from ledger.io.scenario_file import read_scenario
from tests.fuzzing import fuzz, invoke, mutate, rarely

TODAY = date(2026, 11, 27)
WORDS = ["The", "government", "will", "likely", "unlikely", "could", "may", "expects", "is expected to", "forecast",
         "probably", "almost certainly", "very unlikely", "roughly even chance", "remote", "won't", "not", "by",
         "in 2027", "by the end of 2028", "next year", "on 14 June 2027", "within a year", "Q3", "$25 million", "31%",
         "Mali", "Dr.", "U.S.", "e.g.", "sign", "a deal", "rise", "above", "while", "although", "but", "and", "expect",
         "Will", "What", "?", "!", ".", "…", ",", ";", ":", "—", "(", ")", "“", "”", "'", '"', "-", "%", "#", "&",
         "é", "ß", "İ", "\u0301", "中国", "مصر", "\u200b", "\u200f", "\ufeff", "\u00ad", "\ufffe",
         "\uffff", "\U0001fffe"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00a0", "\u2028", "\u2029", "\x0c", "\x0b", "\x85",
          "\u3000", "\x1c"]
LINES = ["Nov. 20, 2026", "Published 2026-11-20", "20/11/2026", "Key dates", "1. Lists close on 1 May 2027.",
         "- A bullet that will matter.", "* Another could follow", "Q: Will the deal be signed?",
         "A: Almost certainly not.",
         "FAQ", "Comment below: who should lead?", "Subscribe now!", "By Jane Doe", "Updated 10:00 GMT", "###", "---",
         "What happens next?", "Will prices rise in 2027? Yes.", "Is it over? No."]


@st.composite
def articles(draw) -> str:
    """Article-like text: a headline, a date line, paragraphs of sentences built from cue words,
    dates and numbers, FAQ lines and bullets, joined by ordinary and unusual whitespace."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        if rarely(draw, 4):
            parts.append(draw(st.sampled_from(LINES)))
        else:
            words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
            parts.append(" ".join(words))
        parts.append(draw(st.sampled_from(SPACES)))
    text = "".join(parts)
    if rarely(draw, 3):
        text = mutate(draw, text, st.characters(codec=None))
    return text


#: Long runs that a careless regular expression would backtrack over for ever.
RUNS = st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "will ", ". ", "...", "1,", "(", "$1", "%", " - ",
                                                              "Mr. ", "will be expected to ", "a" * 50 + " ", "\n"]),
                 st.integers(100, 3000))
texts = st.one_of(articles(), st.text(st.characters(codec=None), max_size=200), RUNS)


def check_draft(text: str, **options) -> str:
    """Draft `text` twice: the same result; then the YAML's strings are the draft's exactly."""
    started = time.perf_counter()
    drafted = draft_scenario(text, today=TODAY, **options)
    assert time.perf_counter() - started < 10, f"drafting {len(text)} characters took too long"
    again = draft_scenario(text, today=TODAY, **options)
    assert again == drafted
    body = render_yaml(drafted)
    assert render_yaml(again) == body
    loaded = yaml.safe_load(body)
    assert loaded["scenario"]["slug"] == drafted.slug
    assert loaded["scenario"]["title"] == drafted.title
    assert loaded["scenario"].get("source", {}) == dict(drafted.source)
    wanted = [{key: value for key, value in (("slug", q.slug), ("title", q.title), ("kind", "binary"),
                                             ("criteria", q.criteria), ("closes", q.closes), ("prior", q.prior),
                                             ("quote", q.quote)) if value is not None} for q in drafted.questions]
    assert loaded["questions"] == wanted
    return body


def _control(text: str) -> bool:
    """Whether `text` holds a control character that is not whitespace (or a lone surrogate): a
    scenario file's titles may not (`validate.text`), and drafting keeps them as the article has
    them, so such a draft is refused on import on the title's line, for the analyst to edit."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") and not ch.isspace() for ch in text)


@fuzz(120)
@given(texts)
def test_drafting_any_text_gives_yaml_that_reads_back(text: str) -> None:
    body = check_draft(text)
    if _control(text):
        return
    try:
        read_scenario(body, "draft.yaml")
    except ImportRefused as refused:
        others = [p for p in refused.problems if "TODO" not in p.message]
        assert not others, others


@fuzz(60)
@given(texts, st.none() | st.sampled_from(["sahel-2026", "s"]),
       st.none() | st.text(st.characters(codec=None), max_size=20), st.none() | st.text(max_size=20),
       st.none() | st.sampled_from(["https://e.org/a?b=c&d", "x: y", "\"", "#"]),
       st.none() | st.dates(date(1, 1, 1), date(9999, 12, 31)))
def test_drafting_with_any_options(text: str, slug, title, publisher, url, published) -> None:
    """The scenario block takes `--slug --title --publisher --url --published` as given."""
    check_draft(text, slug=slug, title=title, publisher=publisher, url=url, published=published)


@fuzz(25)
@given(st.one_of(texts.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=200)),
       st.lists(st.sampled_from(["--slug", "--title", "--publisher", "--url", "--published"]), max_size=2, unique=True),
       st.text(st.characters(codec=None), max_size=12))
def test_draft_command_exits_0_or_2_and_prints_yaml(tmp_path_factory, data: bytes, flags: list[str],
                                                   value: str) -> None:
    """Through the command line, on any bytes and any option values: exit 0 with a YAML file
    on stdout (the same on a second run), or exit 2 with one line; never a traceback."""
    article = Path(tmp_path_factory.mktemp("draft")) / "article.txt"
    article.write_bytes(data)
    args = ["scenario", "draft", str(article)] + [part for flag in flags for part in (flag, value)]
    first = invoke(str(article.with_name("unused.db")), *args, as_=None, allowed=(0, 2))
    if first.exit_code == 2:
        lines = first.stderr.splitlines()
        assert sum(line.startswith(("error: ", "Error: ")) for line in lines) == 1, first.stderr
        return
    assert invoke(str(article.with_name("unused.db")), *args, as_=None, allowed=(0,)).stdout == first.stdout
    loaded = yaml.safe_load(first.stdout)
    assert set(loaded) == {"scenario", "questions"}
    if "--title" in flags and value:  # an empty --title is no title: the headline's, or "Draft scenario"
        assert loaded["scenario"]["title"] == value
    for flag in ("--publisher", "--url"):
        if flag in flags and value:
            assert loaded["scenario"]["source"][flag[2:]] == value


# --- what the fuzzing found ------------------------------------------------------------------


def test_a_headline_of_only_quotation_marks_gives_the_default_title() -> None:
    """`clean` strips quotation marks: an article whose first line was only `“` got a scenario
    titled "" (its own import then refused the empty title) instead of "Draft scenario"."""
    drafted = draft_scenario("“ ", today=TODAY)
    assert (drafted.slug, drafted.title, drafted.source) == ("draft-scenario", "Draft scenario", ())


def test_noncharacters_are_escaped_in_the_yaml() -> None:
    """U+FFFE and U+FFFF are valid UTF-8 but not allowed in a YAML stream: a draft quoting them
    raw could be read neither by `yaml.safe_load` nor by `scenario import`."""
    drafted = draft_scenario("Prices will rise \uffff.", today=TODAY)
    body = render_yaml(drafted)
    assert '"Prices will rise \\uffff."' in body
    assert yaml.safe_load(body)["questions"][0]["quote"] == "Prices will rise \uffff."
