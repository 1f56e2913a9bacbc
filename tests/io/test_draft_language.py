"""The drafting rules sentence by sentence: what is forward-looking, false friends, priors from
estimative words, titles and suggested closing dates."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.core.probability import ICD_TERMS
from ledger.io.drafting import draft_scenario
from ledger.io.drafting.dates import closes_for, find_published
from ledger.io.drafting.priors import TERMS, mirror

PUBLISHED = date(2026, 11, 20)


def drafts(text: str) -> list[tuple[str, str | None, str]]:
    """(quote, prior, title) of each draft from `text`, published on 2026-11-20."""
    drafted = draft_scenario(text, today=date(2000, 1, 1), published=PUBLISHED)
    return [(q.quote, q.prior, q.title) for q in drafted.questions]


@pytest.mark.parametrize("sentence", [
    # false friends
    "The reforms lack political will.",
    "There is no political will to cut spending.",
    "It was the will of the people.",
    "May brought heavy rain to the north.",
    "Theresa May visited Lagos.",
    "The might of the army was on show.",
    "Will Hughes said the film was a hit.",
    "The minister could not be reached for comment.",
    "The firm could not immediately be reached to confirm the figure.",
    "A spokesperson would not say how many phones were built.",
    "The army could have won in 2024.",
    "The bank would have cut rates if inflation had fallen.",
    "The bank may have waited too long.",
    "Farmers used to plant maize.",
    "In the 1990s, farmers would plant maize.",
    "Projects were delayed last year.",
    "Its plans to expand were shelved in 2024.",
    "The delay was due to the storm.",
    # past and present fact, background, estimates about the past
    "The fire was probably caused by a faulty cable.",
    "Inflation fell to 2.4% in October.",
    "The central bank said on Tuesday that talks had collapsed.",
    "Analysts had expected a cut, but the bank held.",
    "The plant, which was expected to open in 2025, is still closed.",
    "The company is based in Oslo and employs 400 people.",
    "It is unclear whether the suspect acted alone.",
    # calls to action and page furniture
    "Sign up for our newsletter and you will never miss a story.",
    "Follow us on social media for updates that will matter to you.",
    "Click here to read more about what will happen next.",
    "Copyright 2026 Example News. All rights reserved.",
    "Related: What will the bank do next?",
    "Read more: Why rates will fall",
    "Photo: Ana Lee. Design: the studio will",
])
def test_dropped(sentence: str) -> None:
    assert drafts(sentence) == []


@pytest.mark.parametrize(("sentence", "prior", "title"), [
    ("Rates will fall.", "likely", "Will rates fall?"),
    ("Rates won't fall.", "unlikely", "Will rates fall?"),
    ("Rates will not fall.", "unlikely", "Will rates fall?"),
    ("Rates almost certainly won’t fall.", "almost no chance", "Will rates fall?"),
    ("Rates will probably not fall.", "unlikely", "Will rates fall?"),
    ("Rates are not expected to fall.", "unlikely", "Will rates fall?"),
    ("Rates are unlikely to fall.", "unlikely", "Will rates fall?"),
    ("Rates are very likely to fall.", "very likely", "Will rates fall?"),
    ("Rates could fall.", "roughly even chance", "Will rates fall?"),
    ("Rates may fall.", "roughly even chance", "Will rates fall?"),
    ("Rates might fall.", "roughly even chance", "Will rates fall?"),
    ("Rates could well fall.", "likely", "Will rates fall?"),
    ("Rates should fall in 2027.", "likely", "Will rates fall in 2027?"),
    ("The bank is going to cut rates.", "likely", "Will the bank cut rates?"),
    ("The bank is expected to sign a deal by 2027.", "likely", "Will the bank sign a deal by 2027?"),
    ("The deal is widely expected to pass.", "very likely", "Will the deal pass?"),
    ("The firm is set to open a plant.", "likely", "Will the firm open a plant?"),
    ("The team is poised to win.", "likely", "Will the team win?"),
    ("The firm plans to open a plant.", "likely", "Will the firm open a plant?"),
    ("The bank does not expect to cut rates.", "unlikely", "Will the bank cut rates?"),
    ("Odds are the bank will wait.", "likely", "Will the bank wait?"),
    ("Chances are that the bank will wait.", "likely", "Will the bank wait?"),
    ("It is likely that the truce will hold.", "likely", "Will the truce hold?"),
    ("It is uncertain if the truce will hold.", "roughly even chance", "Will the truce hold?"),
    ("It remains unclear whether the truce will hold.", "roughly even chance", "Will the truce hold?"),
    ("The board is still undecided on whether to sell.", "roughly even chance", "Will the board sell?"),
    ("If the rains fail, food prices would rise.", "likely", "Will food prices rise if the rains fail?"),
    ("She said the bank would cut rates next year.", "likely", "Will the bank cut rates next year?"),
    ("The bank said it would cut rates.", "likely", "Will the bank cut rates?"),
    ("Analysts predict that the index will reach 5,000 by March 2027.", "likely",
     "Will the index reach 5,000 by March 2027?"),
    ("Analysts expect the bank to cut rates in June.", "likely", "Will the bank cut rates in June?"),
    ("Forecasters foresee a mild winter.", "likely", "Will there be a mild winter?"),
    ("A deal is unlikely before 2028.", "unlikely", "Will there be a deal before 2028?"),
    ("A deal is highly improbable.", "very unlikely", "Will there be a deal?"),
    ("There is a 30% chance of a recession next year.", "30%", "Will there be a recession next year?"),
    ("The vote is a toss-up.", "roughly even chance", "Will it happen that: the vote is a toss-up?"),
    ("In June, the bank will probably cut rates.", "likely", "Will the bank cut rates in June?"),
    ("The project will cost 5 million dollars.", "likely", "Will the project cost 5 million dollars?"),
    ("The will of the people will prevail.", "likely", "Will the will of the people prevail?"),
    ("Talks resume in May.", "likely", "Will talks resume in May?"),
    ("It might rain tomorrow.", "roughly even chance", "Will it rain tomorrow?"),
    ("Fed expected to cut rates", "likely", "Will Fed cut rates?"),
])
def test_kept_with_prior_and_title(sentence: str, prior: str, title: str) -> None:
    assert drafts(sentence) == [(sentence, prior, title)]


def test_while_x_is_unlikely_expect_y_gives_two_claims() -> None:
    assert drafts("While a cut in March is unlikely, expect a first move in June.") == [
        ("a cut in March is unlikely", "unlikely", "Will there be a cut in March?"),
        ("expect a first move in June.", "likely", "Will there be a first move in June?"),
    ]


def test_x_will_probably_happen_but_y_is_unlikely_gives_two_claims() -> None:
    assert drafts("Growth will probably slow next year, but a recession is unlikely.") == [
        ("Growth will probably slow next year", "likely", "Will Growth slow next year?"),
        ("a recession is unlikely.", "unlikely", "Will there be a recession?"),
    ]


def test_a_shared_subject_carries_to_the_second_claim() -> None:
    assert drafts("The bank will cut rates in June but will probably pause in July.") == [
        ("The bank will cut rates in June", "likely", "Will the bank cut rates in June?"),
        ("will probably pause in July.", "likely", "Will the bank pause in July?"),
    ]


def test_a_clause_without_a_cue_stays_with_its_claim() -> None:
    assert drafts("Although talks stalled, a deal is likely by June.") == [
        ("Although talks stalled, a deal is likely by June.", "likely", "Will there be a deal by June?"),
    ]


def test_the_terms_are_the_products_icd_203_terms() -> None:
    assert TERMS == tuple(row.term for row in ICD_TERMS)
    assert [mirror(t) for t in TERMS] == list(reversed(TERMS))


@pytest.mark.parametrize(("text", "closes"), [
    ("by 2028", date(2028, 12, 31)),
    ("by March 2027", date(2027, 3, 31)),
    ("before 2028", date(2027, 12, 31)),
    ("next year", date(2027, 12, 31)),
    ("later this year", date(2026, 12, 31)),
    ("by mid-2027", date(2027, 6, 30)),
    ("in the first half of 2027", date(2027, 6, 30)),
    ("in Q3 2027", date(2027, 9, 30)),
    ("on 14 June 2027", date(2027, 6, 14)),
    ("on Nov. 30, 2026", date(2026, 11, 30)),
    ("by March", date(2027, 3, 31)),
    ("for May 20", date(2027, 5, 20)),
    ("within two years", date(2028, 11, 20)),
    ("next month", date(2026, 12, 31)),
    ("since 2019", None),
    ("in the 2020s", None),
])
def test_closes_from_the_text(text: str, closes: date | None) -> None:
    assert closes_for(f"The deal will be signed {text}.", PUBLISHED) == closes


def test_closes_defaults_to_a_year_after_published_then_today() -> None:
    text = "The bank will cut rates."
    assert draft_scenario(text, today=date(2030, 2, 1), published=date(2028, 2, 29)).questions[0].closes == "2029-02-28"
    assert draft_scenario(text, today=date(2030, 2, 1)).questions[0].closes == "2031-02-01"
    dated = "Published 20 November 2026\n\nThe bank will cut rates."
    assert draft_scenario(dated, today=date(2030, 2, 1)).questions[0].closes == "2027-11-20"


@pytest.mark.parametrize(("text", "published"), [
    ("Headline\nPublished 20 November 2026\n\nBody.", date(2026, 11, 20)),
    ("Headline\n2026-11-20\n\nBody.", date(2026, 11, 20)),
    ("Headline\n\nLAGOS, Nov. 20, 2026 — The bank met.", date(2026, 11, 20)),
    ("Headline\n\nSAN JOSE, Calif., Nov. 20, 2026 — The firm met.", date(2026, 11, 20)),
    ("Headline\nUpdated: November 20, 2026 10:04 GMT\n\nBody.", date(2026, 11, 20)),
    ("Headline\n\nThe bank met. It will meet again on 5 May 2027 and again in 2028.", None),
])
def test_published_date_lines(text: str, published: date | None) -> None:
    assert find_published(text) == published
