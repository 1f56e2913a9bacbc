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
"""

from __future__ import annotations

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
