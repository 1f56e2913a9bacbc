"""A sentence's forecastable claims: one per clause that carries its own cue.

A sentence is cut at clause joints (";", ", but", "while …,", ", whereas", ", although",
", yet", ", and" before a new subject, ", with" before an absolute clause, ", who"/", which" before a
relative clause with a claim of its own: a report, or a claim about its antecedent); a piece without a
cue of its own goes back to its neighbour ("Although talks stalled, a deal is likely" is one
claim). When two or more pieces keep cues, each is a claim with its own quote; otherwise the
claim is the whole sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger.io.drafting.cue import Cue
from ledger.io.drafting.cues import find_cues
from ledger.io.drafting.words import (
    BE, CONJUNCTIONS, DETERMINERS, HAVE, PREPOSITIONS, REPORTING, Token, is_past_form, word_set, tokenize,
)

_QUOTE_MARKS = re.compile(r"[\"“”«»]|(?<![A-Za-z])[‘’']|[‘’'](?![A-Za-z])")
_JOINTS = word_set("but whereas although though yet while")
_LEADING_SUBORDINATE = word_set("while although though whereas")


@dataclass(frozen=True)
class Claim:
    """One forward-looking clause.

    Attributes:
        sentence: the sentence it is part of.
        tokens: its tokens (offsets into `sentence`).
        cues: its cues, in order; never empty.
        quote: the text to quote: the clause, or the sentence when it is the only claim.
    """

    sentence: str
    tokens: tuple[Token, ...]
    cues: tuple[Cue, ...]
    quote: str


def claims_in(sentence: str, ref: date, *, question: bool = False) -> list[Claim]:
    """The claims of one sentence, in order; none for a statement of fact."""
    tokens = tokenize(sentence)
    pieces = _pieces(tokens)
    found = [(a, b, find_cues(tokens[a:b], ref, question=question)) for a, b in pieces]
    merged: list[tuple[int, int, list[Cue]]] = []
    carry: tuple[int, int] | None = None  # a leading cue-less piece waiting for the next one
    for a, b, cues in found:
        if carry is not None and cues and _relative(sentence, tokens, a, b, ref, question) is not None:
            carry = None  # "The club are in talks over a loan for X, who is not expected to start": a fact, then a claim
        elif carry is not None:
            a = carry[0]
            carry = None
            cues = find_cues(tokens[a:b], ref, question=question)
        if cues:
            merged.append((a, b, cues))
        elif merged and tokens[a].low not in _LEADING_SUBORDINATE:
            pa, _, _ = merged.pop()
            merged.append((pa, b, find_cues(tokens[pa:b], ref, question=question)))
        else:
            carry = (a, b)
    if carry is not None and merged:
        pa, _, _ = merged.pop()
        merged.append((pa, carry[1], find_cues(tokens[pa:carry[1]], ref, question=question)))
    merged = [(a, b, cues) for a, b, cues in merged if cues]
    if len(merged) == 1 and (relative := _relative(sentence, tokens, *merged[0][:2], ref, question)) is not None:
        return [relative]
    if len(merged) == 1:
        a, b, cues = merged[0]
        whole = find_cues(tokens, ref, question=question) or cues
        return [Claim(sentence, tuple(tokens), tuple(whole), sentence.strip())]
    return [_relative(sentence, tokens, a, b, ref, question) or
            Claim(sentence, tuple(tokens[a:b]), tuple(cues), _quote(sentence, tokens, a, b)) for a, b, cues in merged]


def _relative(sentence: str, tokens: list[Token], a: int, b: int, ref: date, question: bool) -> Claim | None:
    """A relative clause that is not a report speaks of its antecedent: ", forward Callum Price,
    who is not expected to start …" is read as "forward Callum Price is not expected to start …"."""
    if tokens[a].low not in ("who", "which") or a + 1 >= b or _reports([t.low for t in tokens], a + 1):
        return None
    start = antecedent(tokens, a - 1)
    if start is None:
        return None
    text = f"{sentence[tokens[start].start:tokens[a - 1].start]} {sentence[tokens[a + 1].start:tokens[b - 1].end]}"
    inner = tokenize(" ".join(text.split()))
    cues = find_cues(inner, ref, question=question)
    if not cues:
        return None
    return Claim(" ".join(text.split()), tuple(inner), tuple(cues), _quote(sentence, tokens, start, b))


def antecedent(tokens: list[Token], comma: int) -> int | None:
    """Start of the noun phrase before the comma at `comma` that a "who"/"which" stands for: back
    to a preposition, a determiner or six words ("a loan for forward Callum Price, who …"); None
    when a verb stands in the way ("prices rose, which …" speaks of the whole clause)."""
    j = comma
    while j > 0 and comma - j < 6:
        low = tokens[j - 1].low
        if not tokens[j - 1].is_word or low in PREPOSITIONS or low in CONJUNCTIONS or low in REPORTING:
            break
        j -= 1
        if low in DETERMINERS or low.endswith("'s"):
            break
    span = [t.low for t in tokens[j:comma]]
    if not span or any(w in BE | HAVE or is_past_form(w) for w in span):
        return None
    return j


def _pieces(tokens: list[Token]) -> list[tuple[int, int]]:
    """(start, end) token ranges between clause joints."""
    cuts: list[int] = []
    lows = [t.low for t in tokens]
    if lows and lows[0] in _LEADING_SUBORDINATE and "," in lows:
        cuts.append(lows.index(",") + 1)
    for i, low in enumerate(lows):
        previous = lows[i - 1] if i else ""
        if low == ";" and i + 1 < len(lows):
            cuts.append(i + 1)
        elif low in _JOINTS and previous == "," and i > 1:
            cuts.append(i)
        elif low == "but" and previous not in ("all", "not", "nothing", "anything", "everything") and i > 2:
            cuts.append(i)
        elif low in ("and", "with") and previous == "," and i > 2:
            cuts.append(i)  # ", with only three expecting …": an absolute clause with its own claim
        elif low in ("who", "which") and previous == "," and i > 2 and (
                _reports(lows, i + 1) or antecedent(tokens, i - 1) is not None):
            cuts.append(i)  # "…, who said the impact was likely to be small": the relative's own claim
    bounds = [0, *sorted(set(cuts)), len(tokens)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]


def _reports(lows: list[str], i: int) -> bool:
    """A reporting verb opens the clause at i, after at most two adverbs or auxiliaries."""
    for low in lows[i:i + 3]:
        if low in BE:
            return False  # "who is not expected to start": a passive, a claim about the antecedent
        if low in REPORTING:
            return True
    return False


def _quote(sentence: str, tokens: list[Token], a: int, b: int) -> str:
    """The clause's text without its joining word and edge punctuation."""
    while a < b and (tokens[a].low in _JOINTS | {"and", "with", "who", "which", ",", ";"}
                     or not tokens[a].is_word and tokens[a].low not in "$€£"):
        a += 1
    while b > a and tokens[b - 1].low in (",", ";", "—", "–"):
        b -= 1
    if a >= b:
        return ""
    text = sentence[tokens[a].start:tokens[b - 1].end]
    return " ".join(_QUOTE_MARKS.sub("", text).split())  # a clause of a quotation: its marks would not pair
