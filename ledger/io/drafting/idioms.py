"""Estimative idioms: fixed English phrases that, after a copula, judge how likely something
is ("a strike is not off the table", "a rate cut is on the cards", "the deal is touch and go").

The subject of the copula is what may happen, as with "a deal is unlikely" (an event cue). Each
idiom carries two ICD 203 terms, for it plain and denied, because denial does not mirror an
idiom of possibility: "off the table" is very unlikely, "not off the table" is an even chance,
not very likely; "a done deal" is almost certain, "not a done deal" is open.
"""

from __future__ import annotations

from ledger.io.drafting.cue import IDIOM, Cue, back_over_adverbs, low_at, reporting_before
from ledger.io.drafting.words import BE, NEGATIONS, PAST_BE, Token

_NO, _VERY_UNLIKELY, _UNLIKELY, _EVEN, _LIKELY, _VERY_LIKELY, _CERTAIN = (
    "almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely", "very likely", "almost certain")

#: idiom -> (term, term when denied).
IDIOMS: dict[tuple[str, ...], tuple[str, str]] = {tuple(phrase.split()): terms for phrase, terms in {
    "on the table": (_EVEN, _VERY_UNLIKELY), "off the table": (_VERY_UNLIKELY, _EVEN),
    "on the cards": (_LIKELY, _UNLIKELY), "in the cards": (_LIKELY, _UNLIKELY),
    "in the offing": (_LIKELY, _UNLIKELY), "in the pipeline": (_LIKELY, _UNLIKELY),
    "in the works": (_LIKELY, _UNLIKELY), "on the horizon": (_LIKELY, _UNLIKELY),
    "a done deal": (_CERTAIN, _EVEN), "a foregone conclusion": (_CERTAIN, _EVEN),
    "a sure thing": (_CERTAIN, _EVEN), "a safe bet": (_VERY_LIKELY, _EVEN),
    "a long shot": (_VERY_UNLIKELY, _EVEN), "an outside chance": (_VERY_UNLIKELY, _VERY_UNLIKELY),
    "touch and go": (_EVEN, _EVEN), "up in the air": (_EVEN, _EVEN), "in the balance": (_EVEN, _EVEN),
    "in doubt": (_EVEN, _VERY_LIKELY), "a given": (_VERY_LIKELY, _EVEN),
    "a doubt": (_EVEN, _LIKELY), "an injury doubt": (_EVEN, _LIKELY), "a fitness doubt": (_EVEN, _LIKELY),
}.items()}
#: Idioms of a person's availability, read only before "for": "X is a doubt for Saturday's derby"
#: asks "Will X be fit for Saturday's derby?".
AVAILABILITY = frozenset({"a doubt", "an injury doubt", "a fitness doubt"})
STARTS = frozenset(words[0] for words in IDIOMS) | {"no"}
#: Verbs that stand for the copula before an idiom: "remains up in the air", "hangs in the balance".
_LINKS = BE | frozenset("remain remains remained seem seems look looks appear appears hang hangs stay stays".split())


def _match(lows: list[str], i: int) -> tuple[str, ...] | None:
    for words in IDIOMS:
        size = len(words)
        if tuple(lows[i:i + size]) == words:
            return words
        if lows[i] == "no" and words[0] in ("a", "an") and tuple(lows[i + 1:i + size]) == words[1:]:
            return words  # "no done deal"
    return None


def idiom_cue(tokens: list[Token], i: int, past: bool, future: bool) -> Cue | None:
    """The idiom starting at token i after a copula, or None ("the papers on the table" has none)."""
    if tokens[i].low not in STARTS:
        return None
    lows = [t.low for t in tokens]
    words = _match(lows, i)
    if words is None:
        return None
    if " ".join(words) in AVAILABILITY and low_at(tokens, i + len(words)) != "for":
        return None  # "there is a doubt over the figures": no one's availability
    negated = lows[i] == "no" and words[0] != "no"
    j = i
    if low_at(tokens, j - 1) == "from" and low_at(tokens, j - 2) == "far":
        j, negated = j - 2, True  # "far from a done deal"
    more = False
    while j > 0 and (tokens[j - 1].low in NEGATIONS | {"still", "now", "very", "much", "longer", "no", "already"}
                     or (tokens[j - 1].low.endswith("ly") and len(tokens[j - 1].low) > 4)):
        j -= 1  # "is firmly on the cards", "is still very much on the table", "is no longer off the table"
        more = more or tokens[j].low in NEGATIONS or (tokens[j].low == "no" and low_at(tokens, j + 1) == "longer")
    copula = low_at(tokens, j - 1)
    if copula not in _LINKS:
        return None
    if copula in PAST_BE and not future and (past or reporting_before(tokens, j - 1) < 0):
        return None  # "the plan was on the table last year": an old judgement
    start, before = back_over_adverbs(tokens, j - 1)
    negated = negated != (more or before)
    return Cue(IDIOM, " ".join(words), start, i + len(words) - (1 if lows[i] == "no" and words[0] != "no" else 0),
               negated)


def idiom_term(cue: Cue) -> str:
    """The ICD 203 term an idiom cue gives, plain or denied."""
    plain, denied = IDIOMS[tuple(cue.word.split())]
    return denied if cue.negated else plain
