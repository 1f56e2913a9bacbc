"""Parsing at the edge: unknown and misplaced options are named (exit 2) even where a command
takes free arguments, a bad stance is a bad stance, and dates, question references and heads are
refused (exit 2) before any database is opened, with nothing written."""

from __future__ import annotations

import click
import pytest

from ledger.cli.params import Day, Instant, QuestionLink, QuestionRef
from tests.conftest import LedgerCli


def last_line(result) -> str:
    return result.stderr.splitlines()[-1]


# -- unknown options ----------------------------------------------------------------------------

UNKNOWN_OPTIONS = [
    (("forecast", "minerals", "70%", "--evidnce", "3"), "Error: No such option '--evidnce'. Did you mean '--evidence'?"),
    (("forecast", "minerals", "70%", "--evidnce=3"), "Error: No such option '--evidnce'. Did you mean '--evidence'?"),
    (("forecast", "troops", "a=20%", "--wy", "x", "b=50%", "3 or more=30%"),
     "Error: No such option '--wy'. Did you mean '--why'?"),
    (("forecast", "minerals", "-x"), "Error: No such option '-x'."),
    (("evidence", "add", "seen", "--qestion", "minerals+"), "Error: No such option '--qestion'. Did you mean '--question'?"),
    (("resolve", "minerals", "yes", "--not", "x"), "Error: No such option '--not'. (Did you mean one of: '--note', '--on'?)"),
    (("question", "show", "minerals", "--jsn"), "Error: No such option '--jsn'. Did you mean '--json'?"),
    (("forecast", "minerals", "70%", "--why"), "Error: Option '--why' requires an argument."),
]


@pytest.mark.parametrize("args, message", UNKNOWN_OPTIONS, ids=lambda x: " ".join(x)[:50] if isinstance(x, tuple) else "")
def test_unknown_options_are_named(sahel: LedgerCli, args, message):
    before = sahel.state()
    result = sahel(*args, as_="amina", code=2)
    assert result.stdout == ""
    assert last_line(result) == message
    assert sahel.state() == before


GLOBAL_TOO_LATE = [
    (("forecast", "minerals", "70%", "--as", "amina"), "ledger --as amina forecast ..."),
    (("forecast", "minerals", "70%", "--as=amina"), "ledger --as amina forecast ..."),
    (("forecast", "minerals", "70%", "--as", "Jo Rivers"), "ledger --as 'Jo Rivers' forecast ..."),
    (("forecast", "minerals", "70%", "--as"), "ledger --as HANDLE forecast ..."),
    (("question", "show", "minerals", "--as", "amina"), "ledger --as amina question show ..."),
    (("question", "list", "--db", "other.db"), "ledger --db other.db question list ..."),
    (("evidence", "--as", "bob", "list"), "ledger --as bob evidence ..."),
    (("verify", "--db", "x.db"), "ledger --db x.db verify ..."),
    (("score", "--as", "amina"), "ledger --as amina score ..."),
    (("forecast", "minerals", "70%", "--version"), "ledger --version"),
]


@pytest.mark.parametrize("args, where", GLOBAL_TOO_LATE, ids=lambda x: " ".join(x)[:50] if isinstance(x, tuple) else "")
def test_a_global_option_after_the_command_says_where_it_goes(sahel: LedgerCli, args, where):
    before = sahel.state()
    result = sahel(*args, code=2)
    assert result.stdout == ""
    name = next(a.split("=")[0] for a in args if a.startswith("--"))
    assert last_line(result) == f"Error: No such option '{name}': global options go before the command: {where}"
    assert sahel.state() == before


@pytest.mark.parametrize("args, message", [
    (("forecast", "minerals", "-0.1"), "error: not a probability: '-0.1' is below 0\n"),
    (("forecast", "minerals", "-5%"), "error: not a probability: '-5%' is below 0\n"),
    (("forecast", "minerals", "--", "-0.1"), "error: not a probability: '-0.1' is below 0\n"),
    (("forecast", "minerals", "-0.1", "--why", "x"), "error: not a probability: '-0.1' is below 0\n"),
])
def test_negative_numbers_reach_the_probability_parser(sahel: LedgerCli, args, message):
    before = sahel.state()
    result = sahel(*args, as_="amina", code=2)
    assert (result.stdout, result.stderr) == ("", message)
    assert sahel.state() == before


def test_free_arguments_may_start_with_a_dash(sahel: LedgerCli):
    assert sahel("evidence", "add", "-5% GDP in Q3", as_="amina").stdout == "recorded evidence 1\n"
    assert sahel("evidence", "add", "--", "-minus sign first", as_="amina").stdout == "recorded evidence 2\n"
    assert sahel("forecast", "minerals", "--why", "-ish, a hunch", "70%", as_="amina").stdout == (
        "recorded 70% (likely) on #1 (forecast 1)\n"
    )
    assert [e["summary"] for e in sahel.json("evidence", "list")] == ["-5% GDP in Q3", "-minus sign first"]
    assert sahel.json("question", "show", "minerals")["forecasts"][0]["rationale"] == "-ish, a hunch"


def test_options_still_work_anywhere_among_free_arguments(sahel: LedgerCli):
    sahel("evidence", "add", "e1")
    out = sahel("forecast", "troops", "a=20%", "--evidence", "1", "b=50%", "--why=mixed", "3 or more=30%",
                as_="amina").stdout
    assert out == "recorded a 20% (unlikely), b 50% (roughly even chance), 3 or more 30% (unlikely) on #2 (forecast 1)\n"
    [f] = sahel.json("question", "show", "troops")["forecasts"]
    assert (f["evidence"], f["rationale"]) == ([1], "mixed")
    assert sahel("forecast", "-h").stdout.startswith("Usage: ")


# -- stances ------------------------------------------------------------------------------------

BAD_STANCES = [
    ("evidence", "add", "seen", "--question", "minerals*"),
    ("evidence", "add", "seen", "--question", "minerals+", "--question", "troops!"),
    ("evidence", "add", "seen", "--question", "#1 "),
    ("evidence", "link", "1", "minerals*"),
    ("evidence", "link", "1", "#2?"),
]


@pytest.mark.parametrize("args", BAD_STANCES, ids=lambda a: " ".join(a))
def test_a_bad_stance_is_named_as_a_stance(sahel: LedgerCli, args):
    sahel("evidence", "add", "e1")
    before = sahel.state()
    result = sahel(*args, code=2)
    stance = args[-1][-1]
    assert (result.stdout, result.stderr) == ("", f"error: stance {stance!r}: use + (raises), - (lowers) or ~ (context)\n")
    assert sahel.state() == before


def test_good_stances_and_slug_endings(sahel: LedgerCli):
    assert sahel("evidence", "add", "e1", "--question", "minerals~", "--question", "#2-").stdout == (
        "recorded evidence 1 linked to minerals~, troops-\n"
    )
    assert sahel("evidence", "link", "1", "minerals.", code=1).stderr.startswith("error: no question 'minerals.'")


# -- dates, question references, heads: refused before any database is opened --------------------

BEFORE_THE_DATABASE = [
    (("question", "add", "--scenario", "s", "--title", "T?", "--criteria", "C", "--closes", "2030-13-45"),
     "error: --closes: '2030-13-45' is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)\n"),
    (("question", "add", "--scenario", "s", "--title", "T?", "--criteria", "C", "--closes", "2030-01-01",
      "--opens", "soon"),
     "error: --opens: 'soon' is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)\n"),
    (("question", "add", "--scenario", "s", "--title", "T?", "--criteria", "C", "--closes", "2030-01-01",
      "--resolves-by", ""),
     "error: --resolves-by: '' is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)\n"),
    (("resolve", "q", "yes", "--on", "2026-02-30"),
     "error: --on: '2026-02-30' is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)\n"),
    (("evidence", "add", "seen", "--observed", "yesterday"),
     "error: --observed: 'yesterday' is not an ISO date such as 2026-11-27\n"),
    (("scenario", "add", "s2", "--title", "S", "--published", "2026-11-31"),
     "error: --published: '2026-11-31' is not an ISO date such as 2026-11-27\n"),
    (("question", "show", ""), "error: Q '': give a question slug, or an id as 12 or #12\n"),
    (("question", "show", "  "), "error: Q '  ': give a question slug, or an id as 12 or #12\n"),
    (("forecast", "", "70%"), "error: Q '': give a question slug, or an id as 12 or #12\n"),
    (("resolve", " ", "yes"), "error: Q ' ': give a question slug, or an id as 12 or #12\n"),
    (("evidence", "list", "--question", ""), "error: --question '': give a question slug, or an id as 12 or #12\n"),
    (("evidence", "add", "seen", "--question", "+"), "error: --question '+': give a question slug, or an id as 12 or #12\n"),
    (("evidence", "link", "1", " +"), "error: Q[+|-|~] ' +': give a question slug, or an id as 12 or #12\n"),
    (("evidence", "link", "1", "q*"), "error: stance '*': use + (raises), - (lowers) or ~ (context)\n"),
    (("verify", "--head", ""), "error: --head: '' is not SEQ:HASH (a sequence number and 64 hex digits)\n"),
    (("verify", "--head", "7"), "error: --head: '7' is not SEQ:HASH (a sequence number and 64 hex digits)\n"),
]


@pytest.mark.parametrize("args, message", BEFORE_THE_DATABASE, ids=lambda x: " ".join(x)[:60] if isinstance(x, tuple) else "")
def test_bad_values_are_refused_before_the_database_is_opened(tmp_path, args, message):
    nowhere = LedgerCli(str(tmp_path / "missing" / "ledger.db"))  # opening it would exit 1, "no ledger"
    result = nowhere(*args, code=2)
    assert (result.stdout, result.stderr) == ("", message)
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("args", [a for a, _ in BEFORE_THE_DATABASE], ids=lambda a: " ".join(a)[:60])
def test_bad_values_write_nothing(sahel: LedgerCli, args):
    before = sahel.state()
    sahel(*args, code=2)
    assert sahel.state() == before


def test_param_types_parse_to_typed_values():
    # 2026-11-27T00:00Z is 1795737600 s after the epoch (20,784 days × 86,400 s)
    start = 1_795_737_600_000_000
    assert Instant().convert("2026-11-27", None, None) == start
    assert Instant(deadline=True).convert("2026-11-27", None, None) == start + 86_400_000_000
    assert Instant(deadline=True).convert("2026-11-27T01:00:00+01:00", None, None) == start
    assert Instant().convert(start, None, None) == start  # already parsed
    assert Day().convert("2026-11-26T23:30:00-05:00", None, None) == "2026-11-27"
    assert QuestionRef().convert("#12", None, None) == "#12"
    assert QuestionLink().convert("#12+", None, None) == ("#12", "+")
    assert QuestionLink().convert("q7", None, None) == ("q7", "~")
    assert QuestionLink().convert("caf\u00e9", None, None) == ("caf\u00e9", "~")  # a letter ends a slug
    with pytest.raises(click.BadParameter, match=r"^value '': give a question slug"):
        QuestionRef().convert("", None, None)
