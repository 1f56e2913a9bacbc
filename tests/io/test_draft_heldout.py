"""Held-out check: two articles written after the rules were tuned on the others, kept with
honest expectations.

First run, before any change (the rules were then fixed in the language, not in the texts):
drought — 6 drafts, all genuine forward-looking claims with sensible priors, but the FAQ
"What happens next?" swallowed its answer's second claim (a recovery "not expected before
2029"), one title kept a trailing attribution ("…, the Meteorological Department warned on
Monday, raising fears …") and two closing dates were off ("until at least August" and "by
mid-year" not read). rail — 10 drafts: 9 right, "declined to say whether prices would be capped"
came out `likely` instead of an open question; four titles were clumsy ("Will Construction
starts next spring and take …", "Will 9 million passengers … happen?", "… and is central to …",
"Will that target can be met … happen?").

Still wrong or doubtful now, and left so on purpose (noted beside the expectations):
"The Treasury is considering a temporary cut in import duties, but no decision has been made"
is dropped (a pending decision, arguably forecastable); a first-person quote gets the
"Will it happen that: …?" title. "The line would link two … cities" (a hypothetical description
of the plan, once kept on purpose) is now dropped: a bare "would" with no condition, no reporting
verb and no estimative word describes, it does not forecast (second held-out run).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.io.drafting import draft_scenario

HELD_OUT = Path(__file__).parent / "articles" / "heldout"

# (quote, prior, closes, title) of every draft, in the article's order.
DROUGHT = [  # 18 units read
    ('Kenya’s long rains are forecast to arrive late again this year, the Meteorological Department warned on Monday, raising fears of a second poor maize harvest in a row.',
     'likely', '2027-12-31', 'Will Kenya’s long rains arrive late again this year?'),
    ('Officials now say food prices will likely stay high until at least August.',
     'likely', '2027-08-31', 'Will food prices stay high until at least August?'),
    ('“If the rains fail in March, we could see hunger in the north by mid-year,” said Dr. Amina Yusuf, who heads a regional food security network.',
     'roughly even chance', '2027-06-30', 'Will it happen that: if the rains fail in March, we could see hunger in the north by mid-year?'),
    ('Yields from those seeds should improve as more farmers adopt them, although seed supplies remain tight.',
     'likely', '2028-02-04', 'Will yields from those seeds improve as more farmers adopt them?'),
    ('The department will publish its next seasonal outlook on 25 February.',
     'likely', '2027-02-25', 'Will the department publish its next seasonal outlook on 25 February?'),
    ('A full recovery of herds in the north is not expected before 2029.',
     'unlikely', '2028-12-31', 'Will a full recovery of herds in the north come before 2029?'),
    ('Will the government declare a national disaster? It is possible, but ministers have so far resisted calls to do so.',
     'roughly even chance', '2028-02-04', 'Will the government declare a national disaster?'),
]

RAIL = [  # 17 units read
    ('Construction starts next spring and will take about six years.',
     'likely', '2027-10-08', 'Will construction start next spring and take about six years?'),
    ('Trains are expected to run at up to 320 km/h, cutting the journey from three hours to 70 minutes.',
     'likely', '2027-10-08', 'Will trains run at up to 320 km/h, cutting the journey from three hours to 70 minutes?'),
    ('The authority predicts 9 million passengers a year by 2035, a figure critics say is far too optimistic.',
     'likely', '2035-12-31', 'Will there be 9 million passengers a year by 2035?'),
    ('Similar lines in the region have run over budget by an average of 45%, and the auditor-general has warned that costs here could rise too.',
     'roughly even chance', '2027-10-08', 'Will costs here rise too?'),
    ('Residents of Haldern have filed a legal challenge, and a court ruling is due in January.',
     'likely', '2027-01-31', 'Will a court ruling come in January?'),
    ('Lawyers for the residents said they were confident of winning, but most legal experts think the challenge will fail.',
     'likely', '2027-10-08', 'Will the challenge fail?'),
    ('The transport minister, Ms. Ilse Brandt, said the first trains would run “no later than 2033.”',
     'likely', '2033-12-31', 'Will the first trains run no later than 2033?'),
    ('She declined to say whether ticket prices would be capped.',
     'roughly even chance', '2027-10-08', 'Will ticket prices be capped?'),
    ('Whether that target can be met without the new line is doubtful.',
     'unlikely', '2027-10-08', 'Will that target be met without the new line?'),
]


EXPECTED = {"drought": DROUGHT, "rail": RAIL}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_held_out_article(name: str) -> None:
    text = (HELD_OUT / f"{name}.txt").read_text(encoding="utf-8")
    drafted = draft_scenario(text, today=date(2000, 1, 1))
    assert [(q.quote, q.prior, q.closes, q.title) for q in drafted.questions] == EXPECTED[name]


def test_what_the_drought_article_drops() -> None:
    text = (HELD_OUT / "drought.txt").read_text(encoding="utf-8")
    quotes = " ".join(q.quote for q in draft_scenario(text, today=date(2000, 1, 1)).questions)
    for dropped in ("Last season’s harvest", "Prices of maize flour doubled", "The Treasury is considering",
                    "Aid agencies have appealed", "Farmers in the Rift Valley are planting", "Join our WhatsApp"):
        assert dropped not in quotes
