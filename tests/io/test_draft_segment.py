"""The drafting segmenter on the hard cases of news text: abbreviations, initials, decimals,
curly quotes, bullets, headings, bylines and FAQ lines."""

from __future__ import annotations

import pytest

from ledger.io.drafting.segment import HEADING, META, QUESTION, SENTENCE, read_units, split_sentences


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. Federal Reserve met. Rates held.", ["The U.S. Federal Reserve met.", "Rates held."]),
    ("The talks were held in the U.S. The envoy left.", ["The talks were held in the U.S.", "The envoy left."]),
    ("Mr. Smith met Dr. Jones at 5 p.m. Tuesday. They agreed.",
     ["Mr. Smith met Dr. Jones at 5 p.m. Tuesday.", "They agreed."]),
    ("Talks resume on Jan. 5 in Geneva. No deal yet.", ["Talks resume on Jan. 5 in Geneva.", "No deal yet."]),
    ("It is ranked No. 5, e.g. above Ghana, i.e. high. Next year may differ.",
     ["It is ranked No. 5, e.g. above Ghana, i.e. high.", "Next year may differ."]),
    ("Growth was 2.5 per cent. Inflation hit 3.1%. Rates stay.",
     ["Growth was 2.5 per cent.", "Inflation hit 3.1%.", "Rates stay."]),
    ("J. R. R. Tolkien wrote it. It sold.", ["J. R. R. Tolkien wrote it.", "It sold."]),
    ("“It will rain.” Then it did.", ["“It will rain.”", "Then it did."]),
    ('He said: "It is done." She left.', ['He said: "It is done."', "She left."]),
    ("“Will it rain?” she asked. It did.", ["“Will it rain?” she asked.", "It did."]),
    ("Ali’s plan, i.e. the new one, won’t work. Fine.", ["Ali’s plan, i.e. the new one, won’t work.", "Fine."]),
    ("Acme Inc. will grow. Its rival is Foo Corp. The end.", ["Acme Inc. will grow.", "Its rival is Foo Corp.", "The end."]),
    ("Why? Nobody knows.", ["Why?", "Nobody knows."]),
    ("Prices fell... Then they rose.", ["Prices fell...", "Then they rose."]),
    ("The St. Louis Fed said so. Gov. Ruiz agreed.", ["The St. Louis Fed said so.", "Gov. Ruiz agreed."]),
])
def test_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def kinds(text: str) -> list[tuple[str, str]]:
    return [(u.kind, u.text) for u in read_units(text)]


def test_bullets_of_every_kind_are_their_own_units() -> None:
    text = "Key points:\n- Rates held.\n* Growth slowed\n• Jobs rose. Wages too.\n1. First item\n2) Second item\n"
    assert kinds(text) == [
        (SENTENCE, "Key points:"), (SENTENCE, "Rates held."), (SENTENCE, "Growth slowed"), (SENTENCE, "Jobs rose."),
        (SENTENCE, "Wages too."), (SENTENCE, "First item"), (SENTENCE, "Second item"),
    ]
    assert [u.bullet for u in read_units(text)] == [False, True, True, True, True, True, True]


def test_a_short_line_without_a_full_stop_is_a_heading() -> None:
    text = "Outlook for 2027\nThe bank will cut rates.\n\nWhat the markets say\n\nBonds rallied."
    assert kinds(text) == [(HEADING, "Outlook for 2027"), (SENTENCE, "The bank will cut rates."),
                           (HEADING, "What the markets say"), (SENTENCE, "Bonds rallied.")]


def test_hard_wrapped_lines_join_into_one_paragraph() -> None:
    text = "The bank said on Tuesday that it\nwould cut rates in June, and\nthat more cuts could follow.\n"
    assert kinds(text) == [(SENTENCE, "The bank said on Tuesday that it would cut rates in June, and that more cuts "
                                      "could follow.")]


def test_byline_and_question_lines() -> None:
    text = "By Ana Duarte\n\nQ: Will the bank cut rates?\nA: Probably, in June.\n"
    assert kinds(text) == [(META, "By Ana Duarte"), (QUESTION, "Will the bank cut rates?"),
                           (SENTENCE, "Probably, in June.")]


def test_paragraphs_are_blocks() -> None:
    units = read_units("One. Two.\n\nThree.\r\n\r\nFour.")
    assert [(u.text, u.block) for u in units] == [("One.", 0), ("Two.", 0), ("Three.", 1), ("Four.", 2)]
