"""Second held-out acceptance run: six texts written by someone who had not read the rules,
labelled by hand before the drafter ever saw them, then scored.

A label is (kind, quote fragment, title fragment, prior, closes). A draft matches the first
unmatched label whose quote fragment is in its quote and whose title fragment (if any) is in its
lower-cased title. `CLAIM` labels are forward-looking claims worth a draft: kept is a true
positive, missed a false negative. `MAYBE` labels are borderline (a hypothetical risk, a second
reading of the same event, an open framing question): kept or not, they count for nothing. Any
draft that matches no label is a false positive. A prior is "off" when it is more than one ICD
203 step from the label's; `None` as the label's closes means "not checked" (vague or relative
to a weekday), a date means the article states it.

First run, before any change (commit "Held-out 2: six new article texts …" holds texts and labels
as they were then; "off" = prior more than one ICD 203 step away):

    text      units  claims  TP  FN  FP  off  closes wrong
    sahel        21       9   8   1   0    0  1  ("before 2027" read "announced in March")
    minerals     25       9   7   2   1    0  0
    outlook      23      10   9   1   1    0  1  ("in the first half of next year" read as the year)
    cyclone      26       9   9   0   0    0  0
    faq          27       7   5   2   0    0  0
    column       29       4   4   0   6    0  0
    total       151      48  42   6   8    0  2

The misses: a past-tense likelihood in reported speech ("said the toll was likely to rise"), an
expectation verb sharing a subject after "and" ("has courted both sides and expects …"), a
denied expectation ("few expect one soon"), a forecast verb read as a passive participle ("a
poll … forecast growth of 2.7%"), two claims swallowed by an FAQ answer. The false positives:
plural nouns read as verbs ("lithium projects in", "new forecasts that point"), three "should"s
of advice, a bare "would" describing a plan, "have not said how they will vote", "Could things
have turned out differently?". Nine kept claims had unusable titles ("Will March be fully
operational …?", "Will 18:40 rise …?", "Will there is a real risk that …", "Will there be it in
December?", "Will Supporters cut …?", "Will Whatever happens be fought …?", …).

After the fixes (the rules, not the texts) every count is clean (`AFTER`), but these six texts
are no longer held out: the rules were fixed while looking at them. The fresh text written after
the fixes is `heldout2-g-port-strike.txt`, run once: 24 units, 12 claims, 6 kept, 6 missed, 0 false
positives, 1 prior more than a step off (`FRESH` names each error). Those errors were then fixed in
the rules (per-clause tense, estimative idioms, "possible if", reporting relative clauses,
yearless days, likelihood FAQ questions, "few think … will"), so (g) is no longer held out
either: it now keeps 12 of 12 with no false positive. The next fresh texts are (h) and (i) in
`test_draft_heldout3.py`. Still wrong or weak here, pinned in
`DRAFTS`: a pronoun whose antecedent is in an earlier sentence stays a pronoun ("Will it fall
back inside the range …?", "Will officials reopen it on Tuesday?", "Will it cut commuting
times …?"); "Higher", "Credit" keep their capital (no plural or suffix to go on); "expect it in
December" closes this December, not the December of the vote in 2027; "the fiscal year starting
in April" closes in April; the FAQ "Will sanctions be lifted? Partly, and probably not all at
once." reads `unlikely` (the label says an even chance: one step); "hope to reopen" is `likely`
(the label says even: one step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from ledger.core.probability import ICD_TERMS, icd_term, parse_probability
from ledger.io.drafting import QuestionDraft, draft_scenario

ARTICLES = Path(__file__).parent / "articles"
TERMS = [row.term for row in ICD_TERMS]
NO_CHANCE, VERY_UNLIKELY, UNLIKELY, EVEN, LIKELY, VERY_LIKELY, CERTAIN = TERMS
CLAIM, MAYBE = "claim", "maybe"

# Labelled by hand from the texts alone, before the first run (see the commit history).
LABELS: dict[str, list[tuple[str, str, str | None, str | None, str | None]]] = {
    "sahel": [  # published 2026-09-15
        (CLAIM, "will be hunted down", None, LIKELY, None),
        (CLAIM, "reinforcements would be deployed", None, LIKELY, None),
        (CLAIM, "death toll was likely to rise", None, LIKELY, None),
        (CLAIM, "expected to extend the state of emergency", None, LIKELY, "2026-09-30"),
        (CLAIM, "unlikely to be fully operational before 2027", None, UNLIKELY, "2026-12-31"),
        (CLAIM, "could see more attacks", None, EVEN, None),
        (CLAIM, "may be cut off entirely", None, EVEN, None),
        (CLAIM, "would not resume military cooperation", None, UNLIKELY, None),
        (CLAIM, "will meet on Sept. 22", None, LIKELY, "2026-09-22"),
    ],
    "minerals": [  # published 2026-06-03
        (CLAIM, "Odds are that the corridor", None, LIKELY, None),
        (CLAIM, "remains to be seen whether Kinshasa", None, EVEN, None),
        (CLAIM, "real risk that the deal", None, EVEN, None),
        (MAYBE, "Analysts doubt that", None, UNLIKELY, None),
        (CLAIM, "no more than a remote possibility", None, NO_CHANCE, "2027-12-31"),
        (CLAIM, "likely to tighten export controls", None, LIKELY, None),
        (CLAIM, "A second ban this year", None, LIKELY, "2026-12-31"),
        (CLAIM, "Zambia could become", None, EVEN, None),
        (CLAIM, "expects copper output to double", None, LIKELY, "2031-12-31"),
        (CLAIM, "few expect one soon", "soon", UNLIKELY, None),
        (MAYBE, "might make Western investors", None, EVEN, None),
        (MAYBE, "whether it can secure enough", None, EVEN, None),
    ],
    "outlook": [  # published 2026-11-26
        (CLAIM, "projected to grow 3.1%", None, LIKELY, "2027-12-31"),
        (CLAIM, "forecasts growth of 3.4% in 2028", None, LIKELY, "2028-12-31"),
        (CLAIM, "Staff expect it to fall back", None, LIKELY, "2027-09-30"),
        (CLAIM, "Should inflation ease", None, LIKELY, "2027-06-30"),
        (CLAIM, "forecast growth of 2.7% in 2027", "2.7", LIKELY, "2027-12-31"),
        (MAYBE, "only three expecting the bank to cut", None, UNLIKELY, None),
        (MAYBE, "A weaker currency would", None, EVEN, None),
        (CLAIM, "set to narrow to 4.2%", None, LIKELY, None),
        (MAYBE, "Whether the government can hit", None, EVEN, None),
        (CLAIM, "Unemployment is unlikely", None, UNLIKELY, "2027-12-31"),
        (MAYBE, "sharper slowdown in China", None, EVEN, None),
        (MAYBE, "A drought could push", None, EVEN, None),
        (MAYBE, "Higher global interest rates", None, EVEN, None),
        (CLAIM, "might upgrade the country", None, EVEN, None),
        (CLAIM, "next review is due in March", None, LIKELY, "2027-03-31"),
        (CLAIM, "will be announced on 21 January", None, LIKELY, "2027-01-21"),
    ],
    "cyclone": [  # published 2027-03-14
        (CLAIM, "forecast to weaken", None, LIKELY, None),
        (CLAIM, "Rainfall of up to 300 mm", None, LIKELY, None),
        (CLAIM, "schools in Beira will stay closed", None, LIKELY, None),
        (CLAIM, "flash appeal", None, LIKELY, None),
        (CLAIM, "almost certain to rise", None, CERTAIN, None),
        (CLAIM, "Flooding there is likely", None, LIKELY, None),
        (CLAIM, "state of emergency in three provinces", None, LIKELY, None),
        (CLAIM, "cholera could spread", None, EVEN, None),
        (CLAIM, "hope to reopen it on Tuesday", "reopen", EVEN, None),
        (MAYBE, "may delay that", None, EVEN, None),
    ],
    "faq": [  # published 2026-10-09
        (MAYBE, "release 40 political prisoners", None, LIKELY, None),
        (CLAIM, "Will sanctions be lifted?", "lifted", EVEN, None),
        (CLAIM, "they will ease some oil sanctions", "oil", LIKELY, None),
        (CLAIM, "likely to stay in place until after the vote", "financial", LIKELY, None),
        (CLAIM, "second half of 2027", "second half", LIKELY, "2027-12-31"),
        (CLAIM, "expect it in December", "december", LIKELY, None),
        (MAYBE, "Can the main opposition candidate run?", "run", EVEN, None),
        (CLAIM, "courts will lift the ban", "ban", UNLIKELY, None),
        (CLAIM, "would almost certainly reimpose", "reimpose", CERTAIN, None),
    ],
    "column": [  # published 2026-04-02
        (CLAIM, "Supporters say it will cut", None, LIKELY, None),
        (MAYBE, "says it won't", None, UNLIKELY, None),
        (MAYBE, "would have to borrow", "borrow", LIKELY, None),
        (CLAIM, "could lose its AA credit rating", "rating", EVEN, None),
        (CLAIM, "I expect the vote to be close", None, LIKELY, None),
        (CLAIM, "mayoral election in 2027 will be fought", None, LIKELY, "2027-12-31"),
    ],
}


@dataclass(frozen=True)
class Score:
    """How one article's drafts compare with its labels.

    Attributes:
        units: Units the drafter read.
        claims: `CLAIM` labels.
        tp: Claims drafted.
        fn: Claim fragments not drafted.
        fp: Quotes (and titles) of drafts that match no label.
        priors_off: Fragments whose draft's prior is more than one ICD 203 step away.
        closes_off: Fragments whose draft's closes differs from a stated date.
    """

    units: int
    claims: int
    tp: int
    fn: tuple[str, ...]
    fp: tuple[str, ...]
    priors_off: tuple[str, ...]
    closes_off: tuple[str, ...]


def _step(prior: str | None) -> int | None:
    if prior is None:
        return None
    return TERMS.index(prior) if prior in TERMS else TERMS.index(icd_term(parse_probability(prior)))


def score(name: str, *, run: str = "heldout2", labels: list | None = None) -> tuple[Score, list[QuestionDraft]]:
    """Draft the article `<run>-<name>.txt` and score it against its labels (`LABELS[name]` by default)."""
    text = (ARTICLES / f"{run}-{name}.txt").read_text(encoding="utf-8")
    drafted = draft_scenario(text, today=date(2000, 1, 1))
    labels = LABELS[name] if labels is None else labels
    used: set[int] = set()
    fp: list[str] = []
    priors_off: list[str] = []
    closes_off: list[str] = []
    for q in drafted.questions:
        hit = next((i for i, (_, frag, tfrag, _, _) in enumerate(labels)
                    if i not in used and frag in q.quote and (tfrag is None or tfrag in q.title.lower())), None)
        if hit is None:
            fp.append(f"{q.title} [{q.quote}]")
            continue
        used.add(hit)
        kind, frag, _, prior, closes = labels[hit]
        if kind != CLAIM:
            continue
        got = _step(q.prior)
        if got is None or abs(got - TERMS.index(prior)) > 1:
            priors_off.append(f"{frag}: {q.prior}")
        if closes is not None and q.closes != closes:
            closes_off.append(f"{frag}: {q.closes}")
    claims = [i for i, label in enumerate(labels) if label[0] == CLAIM]
    fn = tuple(labels[i][1] for i in claims if i not in used)
    return Score(drafted.units, len(claims), len(claims) - len(fn), fn, tuple(fp), tuple(priors_off),
                 tuple(closes_off)), list(drafted.questions)


#: (prior, closes, title) of every draft, in the article's order, after the fixes.
DRAFTS = {
    "sahel": [
        ('likely', '2027-09-15', 'Will the perpetrators be hunted down and punished?'),
        ('likely', '2027-09-15', 'Will reinforcements be deployed to the region within days?'),
        ('likely', '2027-09-15', 'Will the death toll rise?'),
        ('likely', '2026-09-30',
         'Will the junta extend the state of emergency in Tillabéri when it expires at the end of the month?'),
        ('unlikely', '2026-12-31', 'Will a joint force with Mali and Burkina Faso be fully operational before 2027?'),
        ('roughly even chance', '2027-09-15',
         'Will it happen that: we could see more attacks like this during the rainy season?'),
        ('roughly even chance', '2027-09-15',
         'Will access to the worst-hit districts be cut off entirely if the main road to Ouallam remains closed?'),
        ('unlikely', '2027-09-15',
         'Will the United States resume military cooperation while the junta remained in power?'),
        ('likely', '2026-09-22',
         "Will the African Union's Peace and Security Council meet on Sept. 22 to discuss the situation?"),
    ],
    "minerals": [
        ('likely', '2027-06-03', 'Will the corridor carry more copper than cobalt for years to come?'),
        ('roughly even chance', '2027-06-03',
         'Will Kinshasa sign the minerals-for-security pact that US envoys have floated since last year?'),
        ('roughly even chance', '2027-06-03', 'Will the deal stall in the Congolese parliament?'),
        ('almost no chance', '2027-12-31', 'Will there be a US stake in a major Congolese cobalt mine before 2028?'),
        ('likely', '2027-06-03',
         'Will Beijing tighten export controls on refined minerals again if trade talks with Washington break down?'),
        ('likely', '2026-12-31', 'Will a second ban this year push prices higher?'),
        ('roughly even chance', '2027-06-03', 'Will Zambia become the main beneficiary of the rivalry?'),
        ('likely', '2031-12-31', 'Will copper output double to 1.5 million tonnes by 2031?'),
        ('roughly even chance', '2027-06-03',
         'Will a lasting ceasefire in eastern Congo make Western investors less wary?'),
        ('unlikely', '2027-06-03', 'Will there be a lasting ceasefire in eastern Congo soon?'),
    ],
    "outlook": [
        ('likely', '2027-12-31', 'Will the economy grow 3.1% next year?'),
        ('likely', '2028-12-31',
         'Will there be growth of 3.4% in 2028 as investment in the new container port comes on stream?'),
        ('likely', '2027-09-30', 'Will it fall back inside the range by the third quarter of 2027?'),
        ('likely', '2027-06-30',
         'Will the bank begin cutting rates in the first half of next year should inflation ease as projected?'),
        ('likely', '2027-12-31', 'Will there be growth of 2.7% in 2027?'),
        ('unlikely', '2027-06-30', 'Will the bank cut before July?'),
        ('roughly even chance', '2027-11-26',
         'Will a weaker currency make imported fuel more expensive and keep inflation sticky?'),
        ('likely', '2027-04-30', 'Will the budget deficit narrow to 4.2% of GDP in the fiscal year starting in April?'),
        ('unlikely', '2027-12-31', 'Will unemployment fall much below 11% before 2028?'),
        ('roughly even chance', '2027-11-26', 'Will a drought push food prices up again?'),
        ('roughly even chance', '2027-11-26', 'Will Higher global interest rates deter foreign investors?'),
        ('roughly even chance', '2027-11-26',
         "Will Credit rating agency Meridian Ratings upgrade the country's outlook to positive if the deficit narrows as planned?"),
        ('likely', '2027-03-31', "Will the agency's next review come in March?"),
        ('likely', '2027-01-21', "Will the bank's next rate decision be announced on 21 January?"),
    ],
    "cyclone": [
        ('likely', '2027-03-15', 'Will the storm weaken to a tropical depression by Monday as it moves inland?'),
        ('likely', '2027-03-16',
         'Will there be rainfall of up to 300 mm over the Zambezi valley in the next 48 hours?'),
        ('likely', '2027-03-17', 'Will schools in Beira stay closed until at least Wednesday?'),
        ('likely', '2027-03-21', 'Will the UN launch a flash appeal early next week?'),
        ('almost certain', '2028-03-14', 'Will the death toll rise as rescue teams reach cut-off villages?'),
        ('likely', '2027-03-15', 'Will there be flooding there on Sunday and Monday?'),
        ('likely', '2027-03-15', 'Will the government declare a state of emergency in three provinces tonight?'),
        ('roughly even chance', '2028-03-14', 'Will cholera spread in the camps if clean water does not arrive soon?'),
        ('likely', '2027-03-16', 'Will officials reopen it on Tuesday?'),
        ('roughly even chance', '2028-03-14', 'Will damage to the cranes delay that?'),
    ],
    "faq": [
        ('likely', '2026-11-09',
         'Will the deal commit the government to allow international observers, to update the electoral register abroad and to release 40 political prisoners within a month?'),
        ('unlikely', '2027-10-09', 'Will sanctions be lifted?'),
        ('likely', '2027-10-09', 'Will US officials ease some oil sanctions if the prisoners are freed on schedule?'),
        ('likely', '2027-10-09', 'Will the broader financial sanctions stay in place until after the vote?'),
        ('likely', '2027-12-31', 'Will the vote take place in the second half of 2027?'),
        ('likely', '2026-12-31', 'Will the vote happen in December?'),
        ('roughly even chance', '2027-10-09', 'Will the main opposition candidate run?'),
        ('unlikely', '2027-10-09', 'Will the courts lift the ban?'),
        ('almost certain', '2027-10-09', 'Will Washington reimpose the oil sanctions?'),
    ],
    "column": [
        ('likely', '2027-04-02', 'Will it cut commuting times by a quarter?'),
        ('likely', '2027-04-02',
         "Will it happen that: every study of road widening I have read says it won't, at least not for long?"),
        ('roughly even chance', '2027-04-02', 'Will it lose its AA credit rating if it does?'),
        ('likely', '2027-04-02', 'Will the vote be close?'),
        ('likely', '2027-12-31', 'Will the next mayoral election in 2027 be fought over this road?'),
    ],
}

#: (units, claims, true positives) per article after the fixes; no misses, no false positives,
#: no prior more than one step off, every stated closing date right.
AFTER = {"sahel": (21, 9, 9), "minerals": (25, 9, 9), "outlook": (23, 10, 10), "cyclone": (26, 9, 9),
         "faq": (27, 7, 7), "column": (29, 4, 4)}


@pytest.mark.parametrize("name", list(AFTER))
def test_scores_after_the_fixes(name: str) -> None:
    result, _ = score(name)
    assert (result.units, result.claims, result.tp) == AFTER[name]
    assert (result.fn, result.fp, result.priors_off, result.closes_off) == ((), (), (), ())


@pytest.mark.parametrize("name", list(DRAFTS))
def test_drafts_after_the_fixes(name: str) -> None:
    _, drafted = score(name)
    assert [(q.prior, q.closes, q.title) for q in drafted] == DRAFTS[name]


# The fresh text (g), written after the fixes and labelled here before its one run.
LABELS["g-port-strike"] = [  # published 2027-05-12
    (CLAIM, "could walk out as early as next week", None, EVEN, None),
    (CLAIM, "would strike for 48 hours from May 19", None, LIKELY, None),
    (CLAIM, "a longer stoppage in June", None, EVEN, None),
    (CLAIM, "delays of up to a week were possible", None, EVEN, None),
    (MAYBE, "The economic cost could be significant", None, EVEN, None),
    (MAYBE, "A two-day stoppage would cost", "cost", LIKELY, None),
    (CLAIM, "impact on consumer prices was likely to be small", "impact", LIKELY, None),
    (CLAIM, "Few observers think the government will intervene", None, UNLIKELY, None),
    (CLAIM, "Mediators will meet both sides on Friday", None, LIKELY, "2027-05-14"),
    (CLAIM, "A ballot on the longer June action closes on May 30", None, LIKELY, "2027-05-30"),
    (CLAIM, "expected to present a revised offer", None, LIKELY, None),
    (CLAIM, "were unlikely to rise sharply", None, UNLIKELY, None),
    (CLAIM, "might push up rates by the summer", None, EVEN, None),
    (CLAIM, "Is a deal still possible?", "deal", LIKELY, None),
    (MAYBE, "probably not before the first stoppage", None, UNLIKELY, None),
]

#: Its one run (24 units, 12 claims: 6 kept, 6 missed, no false positive, one prior off by two
#: steps) named six errors, each a rule since fixed in the language (see the module docstring):
#: - missed "could walk out as early as next week after talks … broke down on Tuesday, …
#:   recovering from last year's canal closure": "last year" made the whole sentence past; tense
#:   is now judged per clause, and the "after" clause no longer reaches the "could";
#: - missed "a longer stoppage in June was 'not off the table'": estimative idioms after a
#:   copula are now event cues, each with its own denied term;
#: - missed "delays of up to a week were possible if the strike goes ahead": a likelihood
#:   adjective before an if/unless clause is now an event's likelihood;
#: - missed "…, who said the impact on consumer prices was likely to be small": a relative
#:   clause that reports is now a clause joint;
#: - missed "A ballot … closes on May 30": a named day without a year is now its nearest
#:   occurrence (ahead within half a year), closing on its next one;
#: - missed the FAQ "Is a deal still possible? Yes, …": "Is X possible/likely?" and "Can X …?"
#:   are now drafted, and a bare "Yes" decides over the concession after it;
#: - "Few observers think the government will intervene" was `likely`: a restricted subject of
#:   a belief verb now denies its complement.
#: Now 12 of 12 kept, no false positive, no prior off. Still weak: a title keeps "since there is
#: ample spare capacity" and "Asia–Europe" loses "–Europe" (the dash cuts the subject); "a longer
#: stoppage in June" closes a year out ("said … in June" is read as a past date).
FRESH = [
    ('roughly even chance', '2027-05-23', "Will dockworkers at Europe's largest port walk out as early as next week?"),
    ('likely', '2027-05-19', 'Will its members strike for 48 hours from May 19 unless operators improved their pay offer of 4.5%?'),
    ('roughly even chance', '2028-05-12', 'Will there be a longer stoppage in June?'),
    ('roughly even chance', '2028-05-12', 'Will there be delays of up to a week if the strike goes ahead?'),
    ('roughly even chance', '2028-05-12', 'Will the economic cost be significant?'),
    ('likely', '2028-05-12', 'Will a two-day stoppage cost the Dutch economy about €100 million a day?'),
    ('likely', '2028-05-12', 'Will the impact on consumer prices be small?'),
    ('unlikely', '2028-05-12', 'Will the government intervene?'),
    ('likely', '2027-05-14', 'Will mediators meet both sides on Friday?'),
    ('likely', '2027-05-30', 'Will a ballot on the longer June action close on May 30?'),
    ('likely', '2028-05-12', 'Will operators present a revised offer before the strike date?'),
    ('unlikely', '2028-05-12', 'Will freight rates on Asia rise sharply, since there is ample spare capacity on the water?'),
    ('roughly even chance', '2028-05-12', 'Will a prolonged strike push up rates by the summer?'),
    ('likely', '2028-05-12', 'Will there be a deal?'),
]


def test_fresh_text() -> None:
    """Text (g), no longer held out: its six named errors were fixed (in the rules) after its run."""
    result, drafted = score("g-port-strike")
    assert [(q.prior, q.closes, q.title) for q in drafted] == FRESH
    assert (result.units, result.claims, result.tp, result.fn, result.fp, result.priors_off) == (24, 12, 12, (), (), ())
