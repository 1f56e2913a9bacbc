"""Fuzzing probability input (SPEC 4, 5): whatever an analyst types is either a probability in
[0, 1] (a choice forecast normalised to sum to 1) or `BadInput` with a one-line message, never
another exception; through the command line `ledger forecast Q …` exits 0 or 2, never with a
traceback, and a refusal leaves the ledger's counts and journal head as they were."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.errors import BadInput
from ledger.core.probability import ICD_TERMS, choose, describe, parse_probability, read_forecast
from tests.conftest import LedgerCli
from tests.fuzzing import backend, fuzz, invoke, mutate, one_error_line, rarely, state, verified

PHRASES = [phrase for row in ICD_TERMS for phrase in (row.term, row.synonym)]
#: Pieces that have broken number parsers somewhere: specials, exponents, signs, other digits and
#: spaces, separators, odds with zero sides, huge and tiny numbers.
PIECES = ["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "1E-5", "1/0", "0/0", "0:0", "0 : 0", "7:0", "0:3",
          "0 in 0", "1 in 0", "5 in 4", "=", "==", "a=", "=70%", "%", "%%", "70", "100", "101", "0.7", ".7", "7.",
          "7:3", "1 in 4", "-0", "-0.1", "+0.5", "0x1", "1_0", "0,7", "0.7.1", "1:2:3", "\x00", "\t", "\n", "\r",
          "\x0b", "\x1c", "\x85", " ", "  ", "\u00a0", "\u2007", "\u3000", "\u200b", "\ufeff", "\u0663",
          "\uff11", "\u00b2", "\u2155", "\u212a", "\u0130", "\ufb01", "\U0001d7ce", "1" * 400, "9" * 5000,
          "0." + "0" * 400 + "1", "likely", "LIKELY", "LiKeLy", "very", "un", "almost", "chance", "\udcff",
          "\ud800"]
pieces = st.sampled_from(PIECES + PHRASES)
#: Any character, lone surrogates included: argv bytes that are not UTF-8 arrive as those.
chars = st.characters(codec=None)


def odd_case(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips))


@st.composite
def well_formed(draw) -> str:
    """One of the accepted forms, in any case and spacing, with numbers that are often out of range."""
    number = draw(st.one_of(
        st.decimals(0, 200, places=draw(st.integers(0, 6)), allow_nan=False).map(str),
        st.integers(0, 10**6).map(str),
        st.sampled_from(["0", "1", ".5", "00.50", "1.000", "0." + "0" * 30 + "1", "9" * 500]),
    ))
    other = draw(st.one_of(st.integers(0, 100).map(str), st.sampled_from(["0", "0.0", "1e3", ".25"])))
    form = draw(st.sampled_from(["{n}", "{n}%", "{n} %", "{n}:{m}", "{n} : {m}", "{n} in {m}", "{p}"]))
    text = form.format(n=number, m=other, p=odd_case(draw, draw(st.sampled_from(PHRASES))))
    spaces = st.sampled_from(["", " ", "\t", "\n", "  ", "\u00a0", "\r\n"])
    return draw(spaces) + text + draw(spaces)


@st.composite
def near_misses(draw) -> str:
    """A well-formed value with a few random edits (a character or a tricky piece)."""
    return mutate(draw, draw(well_formed()), st.one_of(chars, pieces))


typed = st.one_of(st.text(chars, max_size=30), st.lists(st.one_of(pieces, st.text(chars, max_size=3)), max_size=6)
                  .map("".join), well_formed(), near_misses())


def check_parsed(text: str) -> float | None:
    """The property of one typed value: a float in [0, 1], or BadInput with one line quoting it."""
    try:
        p = parse_probability(text)
    except BadInput as error:
        message = str(error)
        assert "\n" not in message and "\r" not in message, message
        assert message.startswith("not a probability: "), message
        return None
    assert type(p) is float and math.isfinite(p) and 0 <= p <= 1, (text, p)
    assert math.copysign(1, p) == 1, (text, p)  # never -0.0
    return p


@fuzz(600)
@given(typed)
def test_any_text_is_a_probability_or_bad_input(text: str) -> None:
    check_parsed(text)


@fuzz(300)
@given(typed, st.sampled_from(["", " ", "\t", "\u00a0", "\n  "]), st.sampled_from(["", " ", "\t", "\u3000", "\r\n"]))
def test_case_and_surrounding_space_never_change_the_value(text: str, before: str, after: str) -> None:
    """Case-insensitive and surrounding spaces ignored (SPEC 4): the same answer either way."""
    first = check_parsed(text)
    if text.isascii():
        assert check_parsed(text.swapcase()) == first, text
    assert check_parsed(before + text + after) == first, text


@fuzz(300)
@given(st.decimals(0, 1, places=8, allow_nan=False),
       st.integers(0, 10**6), st.integers(0, 10**6))
def test_written_forms_mean_what_they_say(value, for_: int, against: int) -> None:
    """Each form against exact arithmetic done here: `0.d`, `d%`, `a:b`, `a in b`."""
    exact = Fraction(value)
    assert parse_probability(f"{value:f}") == float(exact)
    assert parse_probability(f"{value * 100:f}%") == float(exact)
    if for_ + against:
        assert parse_probability(f"{for_}:{against}") == float(Fraction(for_, for_ + against))
    else:
        with pytest.raises(BadInput, match="two zero sides"):
            parse_probability("0:0")
    if against and for_ <= against:
        assert parse_probability(f"{for_} in {against}") == float(Fraction(for_, against))


#: `OPTION=PROB` arguments: the names of the choice question below, near misses of them, and junk.
OPTIONS = ("a", "b", "3 or more")
option_names = st.one_of(st.sampled_from(list(OPTIONS) + ["A", " a", "3 OR MORE", "", "c", "a=b", "="]),
                         st.text(chars, max_size=5))
pair_args = st.one_of(st.tuples(option_names, st.sampled_from(["=", "==", ""]), typed).map("".join), typed)


@fuzz(500)
@given(st.lists(pair_args, min_size=1, max_size=5))
def test_forecast_arguments_parse_or_refuse(args: list[str]) -> None:
    """`read_forecast` then `choose` (what `forecast` does for a choice question): probabilities
    in [0, 1] summing to 1, or BadInput with one line."""
    try:
        given_ = read_forecast(args)
        if given_.p is not None:
            assert 0 <= given_.p <= 1
            return
        assert all(0 <= value <= 1 for _, value in given_.pairs)
        probs = choose(given_.pairs, OPTIONS)
    except BadInput as error:
        assert "\n" not in str(error) and "\r" not in str(error), str(error)
        return
    assert len(probs) == len(OPTIONS)
    assert all(type(p) is float and 0 <= p <= 1 for p in probs), probs
    assert math.isclose(sum(probs), 1, abs_tol=1e-9), probs


# --- through the command line ---------------------------------------------------------------

FLAGS = ["-0.1", "-1", "--", "-", "--why", "--evidence", "-h", "--help", "--evidnce", "--as", "--evidence=1"]
in_range = st.one_of(st.decimals(0, 1, places=4, allow_nan=False).map("{:f}".format),
                     st.integers(0, 100).map("{}%".format), st.sampled_from(PHRASES).map(str.upper),
                     st.tuples(st.integers(0, 9), st.integers(1, 9)).map("{0[0]}:{0[1]}".format))
binary_args = st.tuples(st.one_of(in_range, typed), st.sampled_from([False] * 4 + [True]),
                        st.sampled_from(FLAGS) | typed).map(lambda t: [t[0], t[2]] if t[1] else [t[0]])


@st.composite
def choice_args(draw) -> list[str]:
    """`a=… b=… 3 or more=…` summing to 100% (or nearly), with edits to names, signs and values."""
    first, second = draw(st.integers(0, 100)), draw(st.integers(0, 100))
    third = max(0, 100 - first - second) + draw(st.sampled_from([0, 0, 0, 1, -1, 50]))
    args = [f"{name}={value}%" for name, value in zip(OPTIONS, (first, second, third))]
    args = [mutate(draw, arg, st.one_of(chars, pieces)) if rarely(draw, 4) else arg for arg in args]
    if rarely(draw, 5):
        args.insert(draw(st.integers(0, len(args))), draw(pair_args | st.sampled_from(FLAGS)))
    if rarely(draw, 5):
        del args[draw(st.integers(0, len(args) - 1))]
    return args or ["a=1"]


#: Question references that name no question (exit 1, "no question …") or are bad input (exit 2).
NO_SUCH_QUESTION = ["#", "#0", "#-1", "#99", "0", "-1", "#" + "9" * 30, "9" * 30, "#1.0", "\u0661", "#\u0661",
                    "MINERALS", "minerals ", "\udcff", "", " "]


def _forecast_once(url: str, args: list[str], why: str | None = None) -> None:
    """One `ledger forecast` with fuzzed arguments against the property."""
    before = state(url)
    extra = ["--why", why] if why is not None else []
    # exit 1 is right for evidence that does not exist ("no evidence 1") and an unknown question
    refused = any(arg.startswith("--evidence=") for arg in args) or args[0] in NO_SUCH_QUESTION
    result = invoke(url, "forecast", *args, *extra, allowed=(0, 1, 2) if refused else (0, 2))
    after = state(url)
    if result.exit_code in (1, 2):
        one_error_line(result)
        assert after == before, (args, result.output)
        return
    if "Usage:" in result.stdout:  # --help or -h among the arguments
        assert after == before
        return
    assert after[0]["forecasts"] == before[0]["forecasts"] + 1, result.output
    assert after[1]["seq"] > before[1]["seq"]
    match = re.fullmatch(r"recorded (.+) on #(\d+) \(forecast (\d+)\)\n", result.stdout)
    assert match, result.stdout
    plain = [a for a in args[1:] if a != "--"]
    if args[0] == "minerals" and len(plain) == 1:  # the binary question: echoed as understood
        assert match[1] == describe(parse_probability(plain[0])), (plain, result.stdout)
    verified(url)


@pytest.mark.parametrize("question", ["minerals", "troops"])
def test_forecast_command_exits_0_or_2_and_a_refusal_writes_nothing(sahel: LedgerCli, question: str) -> None:
    url = sahel.url
    on_sqlite = backend(url) == "sqlite"
    by_id = "#1" if question == "minerals" else "#2"
    refs = st.sampled_from([question] * 9 + [by_id]) | st.sampled_from(NO_SUCH_QUESTION)

    @fuzz((30 if on_sqlite else 10) if question == "minerals" else (20 if on_sqlite else 8), backend=backend(url))
    @given(refs, binary_args if question == "minerals" else choice_args(), st.none() | st.text(chars, max_size=20))
    def check(ref: str, args: list[str], why: str | None) -> None:
        _forecast_once(url, [ref, *args], why)

    check()
