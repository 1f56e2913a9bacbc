"""The rules added after text (g), sentence by sentence, on sentences written for the rule (not
taken from any article): per-clause tense, estimative idioms, "possible if", reporting relative
clauses, yearless days, likelihood FAQ questions, denied beliefs."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.io.drafting import draft_scenario
from ledger.io.drafting.claims import antecedent
from ledger.io.drafting.dates import closes_for
from ledger.io.drafting.words import tokenize

PUBLISHED = date(2026, 11, 20)


def drafts(text: str) -> list[tuple[str | None, str]]:
    """(prior, title) of each draft from `text`, published on 2026-11-20."""
    drafted = draft_scenario(text, today=date(2000, 1, 1), published=PUBLISHED)
    return [(q.prior, q.title) for q in drafted.questions]


@pytest.mark.parametrize(("sentence", "prior", "title"), [
    # tense per clause: the past is in another clause
    ("Nurses could strike next month after pay talks collapsed last week.", "roughly even chance",
     "Will nurses strike next month?"),
    ("The mine could reopen in the spring, ending a closure that began last year.", "roughly even chance",
     "Will the mine reopen in the spring?"),
    # idioms, plain and denied
    ("A rate cut is firmly on the cards for March.", "likely", "Will there be a rate cut for March?"),
    ("A merger is no longer off the table.", "roughly even chance", "Will there be a merger?"),
    ("A snap election is off the table.", "very unlikely", "Will there be a snap election?"),
    ("The takeover is not a done deal.", "roughly even chance", "Will the takeover happen?"),
    ("A ceasefire remains touch and go.", "roughly even chance", "Will there be a ceasefire?"),
    ("Talks are in the offing.", "likely", "Will there be talks?"),
    ("A second round of cuts is all but certain.", "almost certain", "Will there be a second round of cuts?"),
    # a likelihood adjective before a condition
    ("A power cut is likely if the heatwave lasts.", "likely", "Will there be a power cut if the heatwave lasts?"),
    # a denied belief
    ("Hardly anyone believes the rebels will disarm.", "unlikely", "Will the rebels disarm?"),
    ("No one expects that the minister will resign.", "unlikely", "Will the minister resign?"),
])
def test_kept_by_the_rules_after_text_g(sentence: str, prior: str, title: str) -> None:
    assert drafts(sentence) == [(prior, title)]


@pytest.mark.parametrize("sentence", [
    "In the 1990s, farmers would plant maize.",  # still a past habit: the past is in its own clause
    "The documents were on the table at the time.",  # an old judgement, no reporting verb
    "Check that your passport is valid before the office closes on 30 December.",  # an instruction
])
def test_still_dropped(sentence: str) -> None:
    assert drafts(sentence) == []


def test_a_reporting_relative_clause_is_a_claim_of_its_own() -> None:
    text = "The bridge will open in May, according to engineers at the ministry, who said tolls were likely to rise."
    assert drafts(text) == [("likely", "Will the bridge open in May?"), ("likely", "Will tolls rise?")]


def test_a_yearless_day_is_ahead_when_near_and_closes_on_its_next_occurrence() -> None:
    assert drafts("Registration for the run-off closes on December 4.") == [
        ("likely", "Will registration for the run-off close on December 4?")]
    assert closes_for("on November 3", PUBLISHED) == date(2027, 11, 3)  # passed this year: the next one


@pytest.mark.parametrize(("faq", "prior", "title"), [
    ("Is a recount still possible?\n\nYes, though not before the courts rule.", "likely", "Will there be a recount?"),
    ("Is it likely that the border will reopen?\n\nNo.", "unlikely", "Will the border reopen?"),
    ("Can the president stand again?\n\nAlmost certainly not.", "almost no chance", "Will the president stand again?"),
])
def test_likelihood_questions_in_an_faq(faq: str, prior: str, title: str) -> None:
    assert drafts(faq) == [(prior, title)]


@pytest.mark.parametrize(("sentence", "prior", "title"), [
    # rules added after texts (h) and (i), on sentences written for the rule
    ("The board has hired a new coach, Ana Ruiz, who is expected to sign a three-year deal.", "likely",
     "Will Ana Ruiz sign a three-year deal?"),
    ("Farmers could lose a third of their income, based on last year's prices.", "roughly even chance",
     "Will farmers lose a third of their income, based on last year's prices?"),
    ("Tom Hale is a doubt for the final.", "roughly even chance", "Will Tom Hale be fit for the final?"),
    ("The merger could collapse, however.", "roughly even chance", "Will the merger collapse?"),
])
def test_kept_by_the_rules_after_texts_h_and_i(sentence: str, prior: str, title: str) -> None:
    assert drafts(sentence) == [(prior, title)]


def test_a_which_clause_about_a_whole_clause_has_no_antecedent() -> None:
    tokens = tokenize("Prices rose, which will hurt borrowers.")
    assert antecedent(tokens, 2) is None  # "rose" is a verb: "which" stands for the clause
    tokens = tokenize("He signed for Ana Ruiz, who will coach.")
    assert [t.text for t in tokens[antecedent(tokens, 5):5]] == ["Ana", "Ruiz"]
