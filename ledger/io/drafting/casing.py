"""Whether a title's first word keeps its capital: "Carmakers expect …" -> "Will carmakers …",
but "Orbitel plans …" -> "Will Orbitel …".

A sentence capitalises its first word whatever it is, so the article's other uses decide: a
word it writes in lower case somewhere is common; a word it capitalises where no sentence begins
is a name. A word seen only at the start of sentences is lower-cased only when its form says it
is a common noun (a plural such as "Carmakers", "Rates"; a suffix such as "-tion", "-ment",
"-ity", a long "-ing") and nothing marks it as a name (all capitals, an apostrophe, a capitalised next
word as in "Harbour City", a short list of words always capitalised). Unsure means keep it:
"Will Growth slow?" reads better than "Will beijing tighten …?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.io.drafting.words import (
    DETERMINERS, INDEFINITE_PRONOUNS, MONTHS, SUBJECT_PRONOUNS, WEEKDAYS, Token, word_set,
)

#: Capitalised wherever they stand.
ALWAYS_CAPITALISED = WEEKDAYS | frozenset(MONTHS) | word_set("fed congress parliament god internet")
#: Suffixes of common nouns that names rarely end in ("France", "Florence", "Beijing" rule out
#: -ance, -ence and short -ing words).
_COMMON_SUFFIXES = ("tion", "sion", "ment", "ity", "ism", "ship", "ture")
_NOT_PLURAL = ("ss", "us", "is", "os", "as")


@dataclass(frozen=True)
class Casing:
    """How the article writes its words.

    Attributes:
        lower: words it writes in lower case somewhere.
        names: words it capitalises where a sentence does not begin.
    """

    lower: frozenset[str]
    names: frozenset[str]


def read_casing(text: str, sentences: list[list[Token]]) -> Casing:
    """The casing evidence of an article: its text, and its body sentences' tokens (headings,
    written in title case, say nothing about names)."""
    names = {t.text for tokens in sentences for t in tokens[1:]
             if t.text[:1].isupper() and t.text[1:].islower() and t.text.isalpha()}
    return Casing(frozenset(re.findall(r"\b[a-z][a-z'-]+\b", text)), frozenset(names))


def lower_first(text: str, casing: Casing) -> str:
    """The subject `text` with its first word lower-cased when it is not a name."""
    first, _, rest = text.partition(" ")
    low = first.lower()
    if low in DETERMINERS | SUBJECT_PRONOUNS | INDEFINITE_PRONOUNS | {"there"} - {"i"} or (
            first[:1].isupper() and first[1:].islower() and (low in casing.lower or _common_noun(first, rest, casing))):
        return first[:1].lower() + first[1:] + (" " + rest if rest else "")
    return text


def _common_noun(first: str, rest: str, casing: Casing) -> bool:
    low = first.lower()
    if not first.isalpha() or first in casing.names or rest[:1].isupper() or ALWAYS_CAPITALISED & {low, low[:-1]}:
        return False
    if rest.startswith("of ") and not rest[3:4].isupper():
        return True  # "Rainfall of up to 300 mm": a name takes no "of" phrase in lower case
    plural = len(low) >= 4 and low.endswith("s") and not low.endswith(_NOT_PLURAL)
    gerund = len(low) >= 8 and low.endswith("ing") and low[-4] not in "jqxy"  # "Financing", not "Beijing"
    return plural or gerund or (len(low) >= 6 and low.endswith(_COMMON_SUFFIXES))
