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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

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


def score(name: str) -> tuple[Score, list[QuestionDraft]]:
    """Draft the article `heldout2-<name>.txt` and score it against its labels."""
    text = (ARTICLES / f"heldout2-{name}.txt").read_text(encoding="utf-8")
    drafted = draft_scenario(text, today=date(2000, 1, 1))
    labels = LABELS[name]
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
