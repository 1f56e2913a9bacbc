"""The cue: one forward-looking place in a clause, and the small walks over a clause's tokens
that the cue finders share (over adverbs, back to a reporting verb)."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.io.drafting.words import NEGATIONS, REPORTING, Token, is_adverb

MODAL, GOING, EXPECTED, SCHEDULED, EVENT, THAT, ACTIVE, INTENT, IMPERATIVE, LIKELIHOOD, UNCERTAIN, DATED, IDIOM = (
    "modal", "going", "expected", "scheduled", "event", "that", "active", "intent", "imperative",
    "likelihood", "uncertain", "dated", "idiom")


@dataclass(frozen=True)
class Cue:
    """One forward-looking place in a clause.

    Attributes:
        kind: one of the kinds above (`modal`, `expected`, `likelihood`, ...).
        word: its key word, normalised: "will", "expected", "likely", "unclear".
        start: index of its first token (the subject ends before it).
        verb: index of the token where what is foreseen begins (the verb after "will", the
            object after "expect", the clause after "whether"), or -1.
        negated: a "not"/"never"/"no longer" inside it ("will not", "is not expected to").
    """

    kind: str
    word: str
    start: int
    verb: int
    negated: bool



def low_at(tokens: list[Token], i: int) -> str:
    return tokens[i].low if 0 <= i < len(tokens) else ""


def skip_adverbs(tokens: list[Token], i: int) -> tuple[int, bool]:
    """(first index from i that is not an adverb or negation, whether a negation was passed)."""
    negated = False
    while i < len(tokens):
        low = tokens[i].low
        if low in NEGATIONS or (low == "no" and low_at(tokens, i + 1) == "longer"):
            negated = True
        elif not is_adverb(tokens, i):
            break
        i += 1
    return i, negated


def back_over_adverbs(tokens: list[Token], i: int) -> tuple[int, bool]:
    """Walk left from i-1 over adverbs; (index of the leftmost adverb passed or i, negated)."""
    negated = False
    while i > 0 and (is_adverb(tokens, i - 1) or tokens[i - 1].low in NEGATIONS):
        negated = negated or tokens[i - 1].low in NEGATIONS
        i -= 1
    return i, negated


def reporting_before(tokens: list[Token], i: int) -> int:
    """Index of the last reporting verb before i ("said", "expects"), or -1."""
    for j in range(i - 1, -1, -1):
        if tokens[j].low in REPORTING and (tokens[j].low != "according" or low_at(tokens, j + 1) == "to"):
            return j
    return -1


#: Words that open a new finite clause inside a sentence: a verb group's tense is judged up to them.
_CLAUSE_OPENERS = frozenset("""after before when whenever while because since although though whereas until
    unless once as who which whose where""".split())


def own_clause(tokens: list[Token], i: int) -> tuple[int, int]:
    """(start, end) of the clause holding the verb group at i: from the last clause opener or ";"
    before it to the next opener, ";" or ", <-ing word>" after it. "X could walk out next week
    after talks broke down, threatening … last year's closure": the "could" clause ends at "after"."""
    start = 0
    if tokens and tokens[0].low in _CLAUSE_OPENERS:  # "After talks broke down last year, X could …"
        start = next((j + 1 for j in range(1, i) if tokens[j].low == ","), 0)
    for j in range(i - 1, start - 1, -1):
        low = tokens[j].low
        if low == ";" or (low in _CLAUSE_OPENERS and j > 0 and low != "as"):
            start = j + 1
            break
    end = len(tokens)
    for j in range(i + 1, len(tokens)):
        low = tokens[j].low
        if low == ";" or (low in _CLAUSE_OPENERS and low != "as") or (
                low == "," and j + 1 < len(tokens) and tokens[j + 1].low.endswith("ing") and len(tokens[j + 1].low) > 4):
            end = j
            break
    return start, end

