"""A claim's prior from its estimative words, as the product's ICD 203 term (SPEC section 4).

The phrases are the ICD 203 terms and their synonyms from `ledger.core.probability` plus their
everyday neighbours ("toss-up", "slim chance", "all but certain"). Without one, the cue itself
speaks: plain expectation and "will" are `likely`, "could"/"may"/"might" a `roughly even
chance`, doubt about an outcome too. A negation turns a term into its mirror ("will not" is
`unlikely`, "almost certainly won't" is `almost no chance`). A stated number ("a 70% chance")
is kept as written, in a section-4 form.
"""

from __future__ import annotations

import re

from ledger.core.probability import ICD_TERMS
from ledger.io.drafting.cue import (
    ACTIVE, DATED, EVENT, EXPECTED, GOING, IDIOM, IMPERATIVE, INTENT, LIKELIHOOD, MODAL, SCHEDULED, THAT, UNCERTAIN, Cue,
)
from ledger.io.drafting.idioms import idiom_term
from ledger.io.drafting.words import BE, NEGATIONS, Token

#: The product's terms, from "almost no chance" up to "almost certain".
TERMS: tuple[str, ...] = tuple(row.term for row in ICD_TERMS)
NO_CHANCE, VERY_UNLIKELY, UNLIKELY, EVEN, LIKELY, VERY_LIKELY, CERTAIN = TERMS


def _table() -> dict[tuple[str, ...], str]:
    rows = {term: [term] for term in TERMS}
    for row in ICD_TERMS:
        rows[row.term].append(row.synonym)
    rows[NO_CHANCE] += ["virtually no chance", "next to no chance", "no chance", "remote chance",
                        "remote possibility", "remote prospect", "impossible", "all but impossible",
                        "virtually impossible", "nearly impossible"]
    rows[VERY_UNLIKELY] += ["highly unlikely", "extremely unlikely", "very improbable", "little chance",
                            "slim chance", "small chance", "low chance", "very doubtful", "highly doubtful",
                            "little prospect", "slim prospect", "small risk", "slight risk", "low risk", "little risk"]
    rows[UNLIKELY] += ["doubtful", "probably not", "likely not", "less likely"]
    rows[EVEN] += ["even chance", "even odds", "toss-up", "toss up", "tossup", "coin flip", "coin toss",
                   "fifty-fifty", "50-50", "as likely as not", "either way", "may or may not",
                   "might or might not", "uncertain", "unclear", "undecided", "open question", "remains to be seen",
                   "fair chance", "real risk", "serious risk", "genuine risk", "risk that", "danger that",
                   "real possibility", "distinct possibility"]
    rows[LIKELY] += ["probably", "chances are", "odds are", "good chance", "strong chance", "decent chance",
                     "real chance", "high chance", "more likely than not", "in all likelihood", "may well",
                     "could well", "might well", "good prospect", "high risk", "strong possibility"]
    rows[VERY_LIKELY] += ["very probable", "very probably", "most likely", "widely expected", "strongly expected",
                          "overwhelmingly likely"]
    rows[CERTAIN] += ["almost certainly", "nearly certainly", "virtually certain", "virtually certainly",
                      "all but certain", "all but guaranteed", "near-certain", "near certain", "certain to",
                      "sure to", "bound to", "guaranteed to", "certainly", "definitely", "inevitable",
                      "inevitably", "no doubt", "without doubt"]
    return {tuple(phrase.split()): term for term, phrases in rows.items() for phrase in phrases}


PHRASES = _table()
_LONGEST = max(len(words) for words in PHRASES)
#: "certain" and "sure" are estimative only in "certain to", "is certain": else a determiner.
_NEEDS_COPULA = {("certain",), ("sure",), ("remote",)}
_NUMBER_CHANCE = re.compile(
    r"\b([0-9]{1,3}(?:\.[0-9]+)?) ?(?:%|per ?cent|percent) (?:chance|probability|likelihood|risk|odds)\b"
    r"|\b(?:chance|probability|likelihood|odds) (?:of|at) ([0-9]{1,3}(?:\.[0-9]+)?) ?(?:%|per ?cent|percent)"
    r"|\b([0-9]+ in [0-9]+) (?:chance|probability|odds)\b", re.IGNORECASE)
_DEFAULTS = {MODAL: LIKELY, GOING: LIKELY, EXPECTED: LIKELY, SCHEDULED: LIKELY, ACTIVE: LIKELY, INTENT: LIKELY,
             IMPERATIVE: LIKELY, LIKELIHOOD: LIKELY, UNCERTAIN: EVEN, DATED: LIKELY, EVENT: LIKELY, THAT: LIKELY}
_WORD_TERMS = {"could": EVEN, "may": EVEN, "might": EVEN, "unlikely": UNLIKELY, "improbable": UNLIKELY,
               "certain": CERTAIN, "sure": CERTAIN, "bound": CERTAIN, "inevitable": CERTAIN, "possible": EVEN,
               "doubtful": UNLIKELY, "remote": NO_CHANCE, "toss-up": EVEN, "fifty-fifty": EVEN,
               "little": VERY_UNLIKELY, "slim": VERY_UNLIKELY, "small": VERY_UNLIKELY, "low": VERY_UNLIKELY,
               "no": NO_CHANCE, "even": EVEN, "fair": EVEN}


def mirror(term: str) -> str:
    """The term for the opposite outcome: likely <-> unlikely, almost certain <-> almost no chance."""
    return TERMS[len(TERMS) - 1 - TERMS.index(term)]


def numeric_prior(text: str) -> str | None:
    """A probability the text states outright ("a 70% chance" -> "70%", "1 in 4 odds" -> "1 in 4")."""
    m = _NUMBER_CHANCE.search(text)
    if m is None:
        return None
    if m[3]:
        return m[3]
    value = m[1] or m[2]
    return f"{value}%" if float(value) <= 100 else None


def phrase_prior(tokens: list[Token]) -> tuple[str, int, int] | None:
    """(term, start, end) of the first estimative phrase among the tokens, longest at each place."""
    lows = [t.low for t in tokens]
    for i in range(len(lows)):
        for size in range(min(_LONGEST, len(lows) - i), 0, -1):
            words = tuple(lows[i:i + size])
            if words not in PHRASES:
                continue
            if words in _NEEDS_COPULA and not (i > 0 and lows[i - 1] in BE) and \
                    not (i + 1 < len(lows) and lows[i + 1] in ("to", "that", "chance", "possibility", "prospect")):
                continue
            return PHRASES[words], i, i + size
    return None


def _asked_whether(tokens: list[Token], i: int) -> bool:
    """The token at i stands in a "whether …" (or "say if …") clause."""
    for j in range(i - 1, -1, -1):
        low = tokens[j].low
        if low == "whether" or (low == "if" and j > 0 and tokens[j - 1].low in ("say", "know", "asked", "unclear", "sure")):
            return True
        if low in (",", ";"):
            return False
    return False


def prior_for(tokens: list[Token], cues: list[Cue], *, as_written: bool = False) -> str | None:
    """The ICD 203 term (or a stated number) for a claim with these cues; None when neither
    an estimative phrase nor a cue says anything.

    Args:
        as_written: the question asks about the clause as written, negation included (the
            "Will it happen that: …?" titles), so a negation does not mirror the term.
    """
    text = " ".join(t.text for t in tokens)
    stated = numeric_prior(text)
    if stated is not None:
        return stated
    if cues and cues[0].kind == IDIOM:
        return idiom_term(cues[0])  # "not off the table": an idiom's denial is its own term
    negated = any(cue.negated for cue in cues)
    found = phrase_prior(tokens)
    if found is not None:
        term, start, end = found
        lows = [t.low for t in tokens]
        beside = lows[end:end + 1] + lows[max(start - 1, 0):start]
        negated = negated or any(word in NEGATIONS for word in beside)
        if any(word in NEGATIONS for word in lows[start:end]) or as_written:
            negated = False  # "probably not" already says it
        return mirror(term) if negated else term
    if not cues:
        return None
    cue = cues[0]
    if cue.kind == MODAL and _asked_whether(tokens, cue.start):
        return EVEN  # "declined to say whether prices would be capped": the outcome is open
    term = _WORD_TERMS.get(cue.word, _DEFAULTS[cue.kind])
    return mirror(term) if negated and not as_written else term
