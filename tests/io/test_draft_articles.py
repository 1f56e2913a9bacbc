"""The drafter on whole articles written for these tests (tests/io/articles/): exactly which
sentences or clauses it keeps, with their priors, closing dates and titles.

Each text mixes what must be kept (expectations, "will", likelihood words, doubt about an
outcome, FAQ questions about the future, a forward-looking heading) with what must be dropped
(present and past fact, background, attributions of past events, quotes of past events, false
friends such as "political will", "could not be reached" and "may have", calls to action and
page furniture, headings that state nothing ahead)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.io.drafting import draft_scenario

ARTICLES = Path(__file__).parent / "articles"

# (quote, prior, closes) of every draft, in the article's order.
CENTRAL_BANK = [
    ('Governor Mr. J. P. Almeida said the bank would cut rates by a quarter point in June if wages cooled.', 'likely', '2026-06-30'),
    ('Most economists expect two cuts by the end of 2026.', 'likely', '2026-12-31'),
    ('Growth is forecast to pick up to 1.6% in 2027, helped by E.U. recovery funds.', 'likely', '2027-12-31'),
    ('a cut in April is unlikely', 'unlikely', '2026-04-30'),
    ('expect a first move before the summer break.', 'likely', '2027-03-12'),
    ('Traders see a 70% chance of a cut in June.', '70%', '2026-06-30'),
    ('The euro is likely to weaken against the U.S. dollar.', 'likely', '2027-03-12'),
    ('Will the bank raise rates again this year? Almost certainly not. Officials have ruled out '
     'increases unless energy prices spike.',
     'almost no chance', '2026-12-31'),
]

ELECTION = [
    ('A snap election is scheduled for 14 June 2027.', 'likely', '2027-06-14'),
    ('The centre-right People’s Party leads the polls with 31%, and its leader, Mrs. Karin Holt, is '
     'tipped to become prime minister.',
     'likely', '2027-11-20'),
    ('Polls suggest the Greens will probably lose a third of their seats', 'likely', '2027-11-20'),
    ('a collapse below the 4% threshold is very unlikely.', 'very unlikely', '2027-11-20'),
    ('The far-right Frontier movement could double its vote.', 'roughly even chance', '2027-11-20'),
    ('“Nobody will win a majority on their own,” said Prof. Lars Eng of Tromsø University.', 'likely', '2027-11-20'),
    ('He added that talks after the vote would take months.', 'likely', '2027-11-20'),
    ('The result remains a toss-up in the northern districts.', 'roughly even chance', '2027-11-20'),
    ('It is unclear whether the Social Democrats will join a grand coalition.', 'roughly even chance', '2027-11-20'),
    ('Candidate lists close on 1 May 2027.', 'likely', '2027-05-01'),
    ('The first televised debate is set for May 20.', 'likely', '2027-05-20'),
    ('Results are expected on the night of the vote.', 'likely', '2027-11-20'),
]

TECH_LAUNCH = [
    ('Orbitel plans to sell 5 million units in the first year, according to Chief Executive Dr. Maya Chen.', 'likely', '2027-09-03'),
    ('She said the company is “almost certain” to hit that target, but supply analysts are skeptical.', 'almost certain', '2027-09-03'),
    ('The device is expected to reach European stores in early 2027.', 'likely', '2027-03-31'),
    ('A cheaper model is unlikely before 2028.', 'unlikely', '2027-12-31'),
    ('Will the Fold X come to India? Probably, but not until the second half of 2027.', 'likely', '2027-12-31'),
    ('Orbitel says the phone will receive updates for seven years.', 'likely', '2027-09-03'),  # a wh-question's answer
    ('Chip shortages could delay shipments to Asia.', 'roughly even chance', '2027-09-03'),
    ('Rival Pomona might announce its own foldable in May, sources say.', 'roughly even chance', '2027-05-31'),
]

ENERGY = [
    ('The operator, Nordvind A/S, said it would add a second phase of 1.2 GW by 2029.', 'likely', '2029-12-31'),
    ('Financing for that phase is not expected to close before mid-2027', 'unlikely', '2027-06-30'),
    ('the grid link to the mainland may need another year.', 'roughly even chance', '2027-11-20'),
    ('She said the country was going to meet its 2030 target for renewables, though officials '
     'privately doubt it.',
     'likely', '2030-12-31'),
    ('Bills set to fall', 'likely', '2027-11-20'),
    ('Electricity prices will almost certainly fall next winter, analysts at Halden Research said', 'almost certain', '2027-11-20'),
    ('a return to 2021 price levels is highly improbable.', 'very unlikely', '2027-11-20'),
    ('Fishermen’s groups fear the second phase could disrupt spawning grounds.', 'roughly even chance', '2027-11-20'),
    ('It remains to be seen whether the courts will hear their appeal in 2027.', 'roughly even chance', '2027-12-31'),
]

SPORT = [
    ('They are poised to win their first league title since 1998, and bookmakers make them 4/6 favourites.', 'likely', '2027-04-12'),
    ('“We won’t get carried away,” said manager Jo Whitfield.', 'likely', '2027-04-12'),
    ('Reyes is likely to miss the cup final with a hamstring strain, the club said.', 'likely', '2027-04-12'),
    ('The final takes place on 23 May 2026 at the National Stadium.', 'likely', '2026-05-23'),
    ('The odds are that Rovers will finish outside the top four.', 'likely', '2027-04-12'),
    ('Their coach, Mr. Adebayo, is unlikely to survive the summer, although the board backed him '
     'publicly in March.',
     'unlikely', '2027-04-12'),
]

EXPECTED = {"central_bank": CENTRAL_BANK, "election": ELECTION, "tech_launch": TECH_LAUNCH, "energy": ENERGY,
            "sport": SPORT}

TITLES = {
    'central_bank': [
        'Will the bank cut rates by a quarter point in June if wages cooled?',
        'Will there be two cuts by the end of 2026?',
        'Will growth pick up to 1.6% in 2027, helped by E.U. recovery funds?',
        'Will there be a cut in April?',
        'Will there be a first move before the summer break?',
        'Will there be a cut in June?',
        'Will the euro weaken against the U.S. dollar?',
        'Will the bank raise rates again this year?',
    ],
    'election': [
        'Will a snap election take place on 14 June 2027?',
        'Will Mrs. Karin Holt become prime minister?',
        'Will the Greens lose a third of their seats?',
        'Will there be a collapse below the 4% threshold?',
        'Will the far-right Frontier movement double its vote?',
        'Will nobody win a majority on their own?',
        'Will talks after the vote take months?',
        'Will it happen that: the result remains a toss-up in the northern districts?',
        'Will the Social Democrats join a grand coalition?',
        'Will Candidate lists close on 1 May 2027?',
        'Will the first televised debate take place on May 20?',
        'Will there be results on the night of the vote?',
    ],
    'tech_launch': [
        'Will Orbitel sell 5 million units in the first year?',
        'Will the company hit that target?',
        'Will the device reach European stores in early 2027?',
        'Will there be a cheaper model before 2028?',
        'Will the Fold X come to India?',
        'Will the phone receive updates for seven years?',
        'Will Chip shortages delay shipments to Asia?',
        'Will Rival Pomona announce its own foldable in May?',
    ],
    'energy': [
        'Will the operator add a second phase of 1.2 GW by 2029?',
        'Will financing for that phase close before mid-2027?',
        'Will the grid link to the mainland need another year?',
        'Will the country meet its 2030 target for renewables?',
        'Will bills fall?',
        'Will electricity prices fall next winter?',
        'Will there be a return to 2021 price levels?',
        'Will the second phase disrupt spawning grounds?',
        'Will the courts hear their appeal in 2027?',
    ],
    'sport': [
        'Will they win their first league title since 1998?',
        'Will it happen that: we won’t get carried away?',
        'Will Reyes miss the cup final with a hamstring strain?',
        'Will the final take place on 23 May 2026 at the National Stadium?',
        'Will Rovers finish outside the top four?',
        'Will Mr. Adebayo survive the summer?',
    ],
}

#: Units read: sentences, headings, bullet items, byline and date lines.
UNITS = {'central_bank': 22, 'election': 19, 'tech_launch': 27, 'energy': 19, 'sport': 16}


def draft(name: str):
    return draft_scenario((ARTICLES / f"{name}.txt").read_text(encoding="utf-8"), today=date(2000, 1, 1))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_kept_claims_and_priors(name: str) -> None:
    drafted = draft(name)
    assert [(q.quote, q.prior, q.closes) for q in drafted.questions] == EXPECTED[name]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_titles(name: str) -> None:
    assert [q.title for q in draft(name).questions] == TITLES[name]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_units_read_and_every_criteria_is_a_todo(name: str) -> None:
    drafted = draft(name)
    assert drafted.units == UNITS[name]
    assert all(q.criteria.startswith("TODO") for q in drafted.questions)
    assert len({q.slug for q in drafted.questions}) == len(drafted.questions)


def test_the_scenario_block_takes_the_headline_and_the_date_line() -> None:
    drafted = draft("election")
    assert (drafted.slug, drafted.title) == ("coalition-talks-stall-as-nordmark-heads-for-a",
                                             "Coalition talks stall as Nordmark heads for a June vote")
    assert drafted.source == (("title", "Coalition talks stall as Nordmark heads for a June vote"),
                              ("published", "2026-11-20"))


def test_criteria_name_the_subject_the_threshold_and_the_date() -> None:
    [q] = [q for q in draft("energy").questions if "1.2 GW" in q.quote]
    assert q.criteria == ("TODO: resolves yes if … — pin down who counts as 'the operator', what exactly counts as "
                          "it happening, which source confirms it; the threshold (1.2 GW) and how it is measured; "
                          "and the date (closes 2029-12-31).")
