"""Third held-out run: two fresh texts of genres the rules had not seen, written after the
fixes for text (g) — (h) a football transfer story ("poised to", "set to", "in talks", "a
doubt for"), (i) a tech-regulation story ("is expected to rule", "could face fines of up to",
"will likely be followed"). Each was labelled by hand and committed with its labels before
the drafter ever ran on it (see the commit history); labels and scoring as in
`test_draft_heldout2`.

First run, before any change (commit "Held-out 3: the first run …" pins it as it was):

    text         units  claims  TP  FN  FP  off  closes wrong
    h-transfer      22      12   9   3   0    0  0
    i-regulator     20       8   7   1   0    0  0
    total           42      20  16   4   0    0  0

The misses: a relative clause with a cue that is not a report (", who is not expected to
start …") was no clause joint, so the sentence gave one draft, matched by its MAYBE ("in talks
… over a loan"), titled "Will the club are in talks … start …?"; "is a doubt for Saturday's
derby" (an idiom of sport) was no cue; "Bookmakers make Castleford favourites to finish in the
top four, and most pundits believe they will qualify …" gave one draft for two claims, titled
"Will pundits qualify …?" (the believers stood for "they"); "Vantio could face fines … based on
last year's results" was read as past ability ("last year's", a noun's modifier, dated the
clause). Weak titles that still matched: "Will with the 24-year-old undergo a medical …?",
"Will Add-ons linked to …", "Will Midfielder Owen Barr …", "… stall, however?", "Will brussels
watchdog …?", "Will it happen that: i would be surprised if this ends without a fine?". No
prior more than a step off ("I would be surprised if this ends without a fine" is `likely`,
the label says very likely).

Then the rules were fixed once, for the errors that are grammar rather than one text: a
relative clause with its own cue speaks of its antecedent (", forward Callum Price, who is not
expected to start …" gives "Will forward Callum Price start …?"); a past time word as a noun's
modifier ("last year's results") does not date the clause; "X is a doubt for <match>" is an
idiom of availability ("Will X be fit for …?"); an absolute clause's "with" and a trailing ",
however" leave the title. After (`AFTER`, `DRAFTS`; no longer held out):

    text         units  claims  TP  FN  FP  off  closes wrong
    h-transfer      22      12  11   1   0    0  0
    i-regulator     20       8   8   0   0    0  0
    total           42      20  19   1   0    0  0

Still wrong, left so: "Bookmakers make Castleford favourites to finish in the top four, and most
pundits believe they will qualify …" gives one draft, "Will pundits qualify for Europe …?" ("make
X favourites to" is no cue, and the believers stand for "they"); "Add-ons", "Midfielder",
"Goalkeeper" and "brussels" keep or lose a capital wrongly (a sentence's first word with nothing
else to go on); "I would be surprised if this ends without a fine" gets the "Will it happen
that: …?" title and `likely` (the speaker means very likely); "the next six weeks" after a verb
is no deadline.
"""

from __future__ import annotations

import pytest
from test_draft_heldout2 import CERTAIN, CLAIM, EVEN, LIKELY, MAYBE, UNLIKELY, VERY_LIKELY, VERY_UNLIKELY, score

assert CERTAIN  # every term is importable for the labels below

# Labelled by hand from the texts alone, before the first run.
LABELS = {
    "h-transfer": [  # published 2027-01-18
        (CLAIM, "poised to complete the signing", None, LIKELY, None),
        (CLAIM, "expected to undergo a medical on Wednesday", None, LIKELY, None),
        (CLAIM, "could take the total to £60 million", None, EVEN, None),
        (CLAIM, "set to become the most expensive player", None, LIKELY, None),
        (CLAIM, "likely to move quickly for a replacement", None, LIKELY, None),
        (MAYBE, "in talks with Brentmoor over a loan", None, EVEN, None),
        (CLAIM, "not expected to start for his own side again", None, UNLIKELY, None),
        (CLAIM, "pursuit of a defender could stall", None, EVEN, None),
        (CLAIM, "unlikely to leave Torino before the window closes on February 1", None, UNLIKELY, "2027-02-01"),
        (MAYBE, "a move this month was", None, VERY_UNLIKELY, None),
        (CLAIM, "Owen Barr will miss the next six weeks", None, LIKELY, None),
        (CLAIM, "Nils Akre is a doubt for Saturday's derby", None, EVEN, None),
        (CLAIM, "favourites to finish in the top four", None, LIKELY, None),
        (CLAIM, "believe they will qualify for Europe", None, LIKELY, None),
    ],
    "i-regulator": [  # published 2027-03-09
        (MAYBE, "set to rule on Vantio", None, LIKELY, None),
        (MAYBE, "could impose fines of up to 10%", None, EVEN, None),
        (CLAIM, "expected to rule by the end of June", None, LIKELY, "2027-06-30"),
        (MAYBE, "could reshape how mobile software is sold", None, EVEN, None),
        (CLAIM, "could face fines of up to 10%", None, EVEN, None),
        (CLAIM, "widely expected to appeal", None, VERY_LIKELY, None),
        (CLAIM, "a settlement was still possible", None, EVEN, None),
        (CLAIM, "surprised if this ends without a fine", None, VERY_LIKELY, None),
        (CLAIM, "will likely be followed by similar cases", None, LIKELY, None),
        (CLAIM, "plans to publish provisional findings in September", None, LIKELY, "2027-09-30"),
        (MAYBE, "a forced cut in fees would reduce", None, LIKELY, None),
        (CLAIM, "will report first-quarter earnings on April 24", None, LIKELY, "2027-04-24"),
    ],
}


def test_labels_are_ready() -> None:
    """Before the first run: the labels name a fragment of their own text each."""
    from test_draft_heldout2 import ARTICLES
    for name, labels in LABELS.items():
        text = " ".join((ARTICLES / f"heldout3-{name}.txt").read_text(encoding="utf-8").split())
        assert all(" ".join(frag.split()) in text for _, frag, _, _, _ in labels), name


#: (units, claims, true positives) after the one round of fixes.
AFTER = {"h-transfer": (22, 12, 11), "i-regulator": (20, 8, 8)}
MISSED = {"h-transfer": ("believe they will qualify for Europe",), "i-regulator": ()}

#: (prior, closes, title) of every draft after the fixes, in the article's order.
DRAFTS = {
    "h-transfer": [
        ('likely', '2028-01-18', 'Will Castleford United complete the signing of Leeds Rovers striker Jamal Hartley in a deal worth up to £60 million?'),
        ('likely', '2027-01-20', 'Will the 24-year-old undergo a medical on Wednesday?'),
        ('roughly even chance', '2028-01-18', 'Will Add-ons linked to appearances and European qualification take the total to £60 million?'),
        ('likely', '2028-01-18', "Will he become the most expensive player in Castleford's history?"),
        ('likely', '2028-01-18', 'Will Rovers move quickly for a replacement?'),
        ('unlikely', '2028-01-18', 'Will forward Callum Price start for his own side again this season?'),
        ('roughly even chance', '2028-01-18', "Will Castleford's pursuit of a defender stall?"),
        ('unlikely', '2027-02-01', "Will the club's first choice leave Torino before the window closes on February 1?"),
        ('very unlikely', '2027-01-31', 'Will there be a move this month?'),
        ('likely', '2028-01-18', 'Will Midfielder Owen Barr miss the next six weeks with a hamstring strain?'),
        ('roughly even chance', '2027-01-23', "Will Goalkeeper Nils Akre be fit for Saturday's derby?"),
        ('likely', '2028-01-18', 'Will pundits qualify for Europe if Hartley settles quickly?'),
    ],
    "i-regulator": [
        ('likely', '2028-03-09', 'Will EU regulator rule on Vantio app-store fees?'),
        ('roughly even chance', '2028-03-09', 'Will brussels watchdog impose fines of up to 10% of global turnover?'),
        ('likely', '2027-06-30', "Will the European Commission rule by the end of June on whether Vantio's app-store fees break the bloc's digital competition rules?"),
        ('roughly even chance', '2028-03-09', "Will Vantio face fines of up to 10% of its global annual turnover, or roughly €9 billion based on last year's results if the Commission finds against it?"),
        ('very likely', '2028-03-09', "Will the company appeal any adverse ruling to the EU's General Court?"),
        ('roughly even chance', '2028-03-09', 'Will there be a settlement?'),
        ('likely', '2028-03-09', 'Will it happen that: i would be surprised if this ends without a fine?'),
        ('likely', '2028-03-09', 'Will the ruling be followed by similar cases in the UK and Japan?'),
        ('likely', '2027-09-30', "Will Britain's Competition and Markets Authority publish provisional findings in September?"),
        ('likely', '2028-03-09', "Will a forced cut in fees reduce Vantio's operating profit by about 4% a year?"),
        ('likely', '2027-04-24', 'Will Vantio report first-quarter earnings on April 24?'),
    ],
}


@pytest.mark.parametrize("name", list(AFTER))
def test_scores_after_the_fixes(name: str) -> None:
    result, drafted = score(name, run="heldout3", labels=LABELS[name])
    assert (result.units, result.claims, result.tp) == AFTER[name]
    assert (result.fn, result.fp, result.priors_off, result.closes_off) == (MISSED[name], (), (), ())
    assert [(q.prior, q.closes, q.title) for q in drafted] == DRAFTS[name]

