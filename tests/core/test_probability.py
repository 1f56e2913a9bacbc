"""Tests for probability input and display (SPEC section 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.errors import BadInput
from ledger.core.probability import (
    ICD_TERMS,
    IcdTerm,
    describe,
    format_percent,
    icd_term,
    parse_choice,
    parse_probability,
)

# The ICD 203 table of SPEC section 4, typed again here rather than read from the module.
TABLE = [
    ("almost no chance", "remote", 0.01, 0.05, 0.03),
    ("very unlikely", "highly improbable", 0.05, 0.20, 0.125),
    ("unlikely", "improbable", 0.20, 0.45, 0.325),
    ("roughly even chance", "roughly even odds", 0.45, 0.55, 0.50),
    ("likely", "probable", 0.55, 0.80, 0.675),
    ("very likely", "highly probable", 0.80, 0.95, 0.875),
    ("almost certain", "nearly certain", 0.95, 0.99, 0.97),
]
TERMS = {row[0] for row in TABLE}


def test_icd_table_matches_spec():
    assert ICD_TERMS == tuple(IcdTerm(*row) for row in TABLE)
    with pytest.raises(AttributeError):
        ICD_TERMS[0].value = 0.5  # frozen


# --- parse_probability: accepted forms -------------------------------------------------

ACCEPTED = [
    # percentages: value / 100
    ("70%", 0.7),
    ("70.5%", 0.705),
    ("67.5%", 0.675),
    ("0%", 0.0),
    ("100%", 1.0),
    ("100.0%", 1.0),
    ("  70 %  ", 0.7),
    # decimals
    ("0.7", 0.7),
    (".7", 0.7),
    ("0", 0.0),
    ("1", 1.0),
    ("1.0", 1.0),
    ("0.125", 0.125),
    # odds a:b = a / (a + b): 7 / (7 + 3) = 0.7; 1 / (1 + 3) = 0.25
    ("7:3", 0.7),
    ("7 : 3", 0.7),
    ("1:3", 0.25),
    ("0:1", 0.0),
    ("1:0", 1.0),
    # "a in b" = a / b: 1 / 4 = 0.25; 3 / 4 = 0.75
    ("1 in 4", 0.25),
    ("3  IN   4", 0.75),
    ("0 in 4", 0.0),
    ("4 in 4", 1.0),
    # ICD 203 terms, any case, any inner spacing
    ("likely", 0.675),
    ("Probable", 0.675),
    ("almost no chance", 0.03),
    ("ALMOST   NO\tCHANCE", 0.03),
    ("remote", 0.03),
    ("roughly even odds", 0.50),
    ("nearly certain", 0.97),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted_forms(text, expected):
    assert parse_probability(text) == expected


def test_percent_is_exact_decimal():
    # 70 / 100 in floats is 0.7000000000000001; the parser must give the float nearest 0.7.
    assert parse_probability("70%") == float("0.7")
    assert parse_probability("67.5%") == float("0.675")
    assert parse_probability("7:3") == float("0.7")


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row[0])
def test_every_icd_term_and_synonym(row):
    term, synonym, _low, _high, value = row
    assert parse_probability(term) == value
    assert parse_probability(synonym) == value
    assert parse_probability(f"  {term.upper()} ") == value


# --- parse_probability: rejected forms -------------------------------------------------

REJECTED = [
    "70",
    "1.5",
    "-0.1",
    "101%",
    "nan",
    "inf",
    "-inf",
    "0,7",
    "\u0660.\u0667",  # Arabic-Indic 0.7
    "\uff10.\uff17",  # fullwidth 0.7
    "\u00b9",  # superscript one
    "1e-1",
    "+0.7",
    "0x1",
    "7:3:1",
    "0:0",
    "1 in 0",
    "5 in 4",
    "abc",
    "None",
    "70%%",
    "likely-ish",
    "li\u212aely",  # Kelvin sign lowercases to an ASCII "k"
]


@pytest.mark.parametrize("text", REJECTED)
def test_rejected_forms_name_the_value(text):
    with pytest.raises(BadInput) as caught:
        parse_probability(text)
    assert text in str(caught.value)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_is_rejected(text):
    with pytest.raises(BadInput, match="empty"):
        parse_probability(text)


@pytest.mark.parametrize("value", [None, 0.7, b"0.7"])
def test_non_text_is_rejected(value):
    with pytest.raises(BadInput, match="not a probability"):
        parse_probability(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("70", "not a probability: '70' is ambiguous; write 70% or 0.7"),
        ("5", "not a probability: '5' is ambiguous; write 5% or 0.05"),
        ("100", "not a probability: '100' is ambiguous; write 100% or 1"),
        ("1.5", "not a probability: '1.5' is above 1"),
        ("250", "not a probability: '250' is above 1"),
        ("101%", "not a probability: '101%' is above 100%"),
        ("5 in 4", "not a probability: '5 in 4' is above 1"),
        ("-0.1", "not a probability: '-0.1' is below 0"),
        ("0,7", "not a probability: '0,7' uses a decimal comma; use a point, e.g. 0.7"),
        ("\uff10.\uff17", "not a probability: '\uff10.\uff17' uses digits other than 0-9"),
    ],
)
def test_rejection_messages(text, message):
    with pytest.raises(BadInput) as caught:
        parse_probability(text)
    assert str(caught.value) == message


def test_bad_input_is_exit_2():
    with pytest.raises(BadInput) as caught:
        parse_probability("abc")
    assert caught.value.exit_code == 2


# --- parse_probability: invariants -----------------------------------------------------

_digits = st.text(alphabet="0123456789", min_size=1, max_size=4)
_number = st.one_of(
    _digits,
    st.builds(lambda a, b: f"{a}.{b}", _digits, _digits),
    st.builds(lambda b: f".{b}", _digits),
)
_spaces = st.sampled_from(["", " ", "  ", "\t"])
WELL_FORMED = st.one_of(
    st.builds(lambda n, s: f"{n}{s}%", _number, _spaces),
    _number,
    st.builds(lambda a, s, b: f"{a}{s}:{s}{b}", _number, _spaces, _number),
    st.builds(lambda a, b: f"{a} in {b}", _number, _number),
    st.sampled_from([phrase for row in TABLE for phrase in row[:2]]),
    st.builds(lambda sign, n: sign + n, st.sampled_from(["-", "+"]), _number),
)


@given(st.one_of(st.text(), WELL_FORMED))
def test_anything_accepted_is_in_range(text):
    try:
        p = parse_probability(text)
    except BadInput as error:
        assert repr(text.strip() or text) in str(error)
    else:
        assert isinstance(p, float)
        assert 0 <= p <= 1


@given(st.integers(min_value=0, max_value=10_000))
def test_percent_agrees_with_decimal(hundredths):
    # "12.34%" and "0.1234" are the same number and must parse to the same float.
    whole, frac = divmod(hundredths, 100)
    assert parse_probability(f"{whole}.{frac:02d}%") == parse_probability(
        f"{hundredths / 10_000:.4f}"
    )


# --- icd_term, format_percent, describe -------------------------------------------------


@given(st.floats(min_value=0, max_value=1))
def test_icd_term_is_one_of_the_seven(p):
    assert icd_term(p) in TERMS


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row[0])
def test_each_table_value_maps_to_its_own_term(row):
    assert icd_term(row[4]) == row[0]


@pytest.mark.parametrize(
    ("p", "term"),
    [
        (0.0, "almost no chance"),
        (0.0499, "almost no chance"),
        (0.05, "very unlikely"),
        (0.20, "unlikely"),
        (0.45, "roughly even chance"),
        (0.55, "roughly even chance"),
        (0.5501, "likely"),
        (0.80, "very likely"),
        (0.95, "almost certain"),
        (1.0, "almost certain"),
    ],
)
def test_icd_cut_points(p, term):
    assert icd_term(p) == term


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.7, "70%"),
        (0.675, "67.5%"),  # 0.675 * 100 is 67.50000000000001 in floats
        (1 / 3, "33.33%"),
        (2 / 3, "66.67%"),
        (0.0, "0%"),
        (1.0, "100%"),
        (0.125, "12.5%"),
        (0.03, "3%"),
        (0.0001, "0.01%"),
        (0.00004, "<0.01%"),
        (0.99996, ">99.99%"),
        (1e-300, "<0.01%"),
    ],
)
def test_format_percent(p, text):
    assert format_percent(p) == text


@pytest.mark.parametrize("p", [-0.1, 1.1, float("nan")])
def test_out_of_range_is_a_bug(p):
    with pytest.raises(ValueError, match="not a probability"):
        format_percent(p)
    with pytest.raises(ValueError, match="not a probability"):
        icd_term(p)


def test_describe():
    assert describe(0.675) == "67.5% (likely)"
    assert describe(parse_probability("1 in 4")) == "25% (unlikely)"


# --- parse_choice ----------------------------------------------------------------------


def test_choice_in_option_order():
    got = parse_choice(["b=50%", "a=20%", "3 or more=30%"], ["a", "b", "3 or more"])
    # 0.2 + 0.5 + 0.3 is exactly 1 as decimals, so the values come back as parsed.
    assert got == (0.2, 0.5, 0.3)


def test_choice_splits_at_last_equals():
    assert parse_choice(["x=y=30%", "z=0.7"], ["x=y", "z"]) == (0.3, 0.7)


def test_choice_accepts_every_probability_form():
    got = parse_choice(["a=1 in 4", "b=1:3", "c=unlikely", "d=.175"], ["a", "b", "c", "d"])
    # 1/4 + 1/4 + 0.325 + 0.175 = 0.25 + 0.25 + 0.5 = 1 exactly: no normalisation.
    assert got == (0.25, 0.25, 0.325, 0.175)


def test_choice_case_insensitive_fallback():
    assert parse_choice(["YES=70%", "no=30%"], ["Yes", "No"]) == (0.7, 0.3)


def test_choice_exact_match_wins_over_case():
    assert parse_choice(["a=10%", "A=90%"], ["a", "A"]) == (0.1, 0.9)


def test_choice_ambiguous_case_match():
    with pytest.raises(BadInput, match="ambiguous"):
        parse_choice(["aB=10%", "x=90%"], ["Ab", "ab ", "x"])


def test_choice_normalises_near_one():
    # 33.3% * 3 = 99.9%, within 0.5% of 100%: each becomes 0.333 / 0.999 = 1/3.
    got = parse_choice(["a=33.3%", "b=33.3%", "c=33.3%"], ["a", "b", "c"])
    assert all(abs(p - 1 / 3) < 1e-12 for p in got)
    assert abs(sum(got) - 1) < 1e-12


def test_choice_tolerance_edges():
    # 49.75% + 49.75% = 99.5%: exactly 0.005 off, still accepted.
    assert parse_choice(["a=49.75%", "b=49.75%"], ["a", "b"]) == (0.5, 0.5)
    with pytest.raises(BadInput, match="sum to 99.49%"):
        parse_choice(["a=49.74%", "b=49.75%"], ["a", "b"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["a 20%", "b=80%"], "'a 20%' is not OPTION=PROB"),
        (["a=20%", "c=80%"], "unknown option 'c'; the options are 'a', 'b'"),
        (["a=20%", "a=30%", "b=50%"], "option 'a' is given twice"),
        (["a=20%"], "no probability for 'b'"),
        (["a=70", "b=30%"], "option 'a': not a probability: '70' is ambiguous"),
        (["a=20%", "b=50%"], "sum to 70%"),
        (["a=60%", "b=50%"], "sum to 110%"),
        (["a=0", "b=0"], "sum to 0%"),
    ],
)
def test_choice_errors(args, fragment):
    with pytest.raises(BadInput) as caught:
        parse_choice(args, ["a", "b"])
    assert fragment in str(caught.value)


def test_choice_reports_all_problems_at_once():
    with pytest.raises(BadInput) as caught:
        parse_choice(["a=20%", "zz=30%"], ["a", "b", "c"])
    message = str(caught.value)
    assert "unknown option 'zz'" in message
    assert "no probability for 'b', 'c'" in message
