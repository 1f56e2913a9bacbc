"""News text into units: headings, bullet items, question lines, metadata lines and sentences.

Two passes. Lines become blocks (paragraphs split at blank lines; a bullet, a heading, a question
line, a byline or a date line is a block of its own). Then each block's text is cut into
sentences at `.`, `!`, `?` or `…` followed by a capital, a digit or an opening quote — unless the
full stop belongs to an abbreviation (`Mr.`, `U.S.`, `e.g.`, `Jan. 5`, `No. 5`, initials).
Decimals never split (the stop is not followed by a space). A sentence's leading dateline or
live-blog timestamp ("LAGOS, Nov. 20 —", "18:40 —") is not part of what it says and is dropped.
Pure: text in, units out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.io.drafting.words import SENTENCE_STARTERS

#: Unit kinds.
SENTENCE, HEADING, QUESTION, META = "sentence", "heading", "question", "meta"


@dataclass(frozen=True)
class Unit:
    """One piece of the article that is judged on its own.

    Attributes:
        text: the unit's text, inner whitespace collapsed, bullet marker removed.
        kind: `sentence`, `heading` (a short line without terminal punctuation), `question`
            (a sentence ending in `?`) or `meta` (a byline or a date line).
        block: index of the block (paragraph, bullet item, line) it came from.
        bullet: it came from a bullet or numbered item.
    """

    text: str
    kind: str
    block: int
    bullet: bool = False


_BULLET = re.compile(r"^\s*(?:[-*•·–▪◦]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])\s+(?=\S)")
_TERMINAL = re.compile(r"[.!?…:;]['\"’”)\]]*$")
_BYLINE = re.compile(r"^(?:by|from|reporting by|written by)\s+[A-Z]", re.IGNORECASE)
_QA_PREFIX = re.compile(r"^(?:Q|A|Question|Answer)\s*[:.]\s+")
_OPEN_QUOTES = "\"“‘'("
_DATE = (r"(?:[A-Z][a-z]{2,8}\.? [0-9]{1,2}(?:st|nd|rd|th)?|[0-9]{1,2} [A-Z][a-z]{2,8}\.?)(?:,? (?:19|20)[0-9]{2})?")
#: "18:40 —", "9.05am:", "[14:30 GMT]": a live blog's entry time.
_TIMESTAMP = re.compile(r"^(?:\[(?=[^]]*\]))?[0-2]?[0-9][:.][0-5][0-9](?:\s?[ap]\.?m\.?)?"
                        r"(?:\s(?:GMT|UTC|BST|CET|EST|ET|local(?: time)?))?"
                        r"(?:\]\s*|\s*(?:[—–|:]|--?)\s+)(?=\S)")
#: "NIAMEY, Sept. 15, 2026 (SPA) —", "SAN JOSE, Calif. —": a place in capitals, a date, an agency.
_DATELINE = re.compile(rf"^[A-Z][A-Z.'’ -]*[A-Z]\.?(?:, [A-Z][a-z]+\.?)?(?:,? {_DATE})?(?: \([^)]{{1,30}}\))?"
                       r"\s(?:[—–]|--?)\s+(?=\S)")
_CLOSE_QUOTES = "\"”’')]"

#: Abbreviations that are followed by a name: their full stop never ends a sentence.
_TITLES = frozenset(
    "mr mrs ms dr prof gen sen rep gov st rev hon lt col capt sgt maj adm cmdr pres supt fr mt messrs".split()
)
#: Abbreviations that may end a sentence: they end one only before a sentence-starting word.
_ABBREVIATIONS = frozenset(
    """jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos fig figs art sec vol vols pp ch para approx est inc corp ltd co bros jr sr vs cf etc al dept
    univ assn ave blvd rd ft gal oz lb lbs mph km kg min max ed eds op ca""".split()
)


def read_units(text: str) -> list[Unit]:
    """The article's units in reading order (see the module docstring)."""
    units: list[Unit] = []
    for index, (kind, body, bullet) in enumerate(_blocks(text)):
        if kind != SENTENCE:
            units.append(Unit(body, kind, index, bullet))
            continue
        for number, sentence in enumerate(split_sentences(body)):
            shown = sentence.rstrip()
            if number == 0:
                shown = _DATELINE.sub("", _TIMESTAMP.sub("", shown), count=1) or shown
            units.append(Unit(shown, QUESTION if _is_question(shown) else SENTENCE, index, bullet))
    return units


def _is_question(sentence: str) -> bool:
    return sentence.rstrip(_CLOSE_QUOTES).endswith("?")


def _blocks(text: str) -> list[tuple[str, str, bool]]:
    """(kind, text, from a bullet) for each block: paragraphs joined from their lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    blocks: list[tuple[str, str, bool]] = []
    current: list[str] = []
    bullet = False

    def flush() -> None:
        nonlocal current, bullet
        if current:
            blocks.append((SENTENCE, " ".join(current), bullet))
        current, bullet = [], False

    for number, raw in enumerate(lines):
        line = " ".join(raw.split())
        if not line:
            flush()
            continue
        marker = _BULLET.match(raw)
        if marker:
            flush()
            current, bullet = [" ".join(raw[marker.end():].split())], True
            continue
        line = _QA_PREFIX.sub("", line)
        previous_ends = not current or _TERMINAL.search(current[-1]) is not None
        following = next((" ".join(x.split()) for x in lines[number + 1:number + 2]), "")
        if previous_ends and _is_standalone(line, following):
            flush()
            blocks.append((_standalone_kind(line), line, False))
            continue
        if bullet and raw[:1] not in " \t" and previous_ends:
            flush()  # an unindented line after a finished bullet item starts a paragraph
        current.append(line)
    flush()
    return blocks


def _is_standalone(line: str, following: str) -> bool:
    """A line that is a block by itself: a heading, byline or question line, not a wrapped line."""
    if _is_question(line) and len(line.split()) <= 40:
        return True
    if _TERMINAL.search(line) or len(line.split()) > 12:
        return False
    return not following or not following[:1].islower()


def _standalone_kind(line: str) -> str:
    if _is_question(line):
        return QUESTION
    if _BYLINE.match(line) and len(line.split()) <= 8:
        return META
    return HEADING


_CANDIDATE = re.compile(r"(?:\.\.\.|[.!?…])[\"”’')\]]*(?=\s+)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def split_sentences(text: str) -> list[str]:
    """A paragraph's sentences, each with its terminal punctuation and closing quotes."""
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        end = match.end()
        rest = text[end:].lstrip()
        if not rest or not _ends_here(text[start:match.start()], match.group(), rest):
            continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _ends_here(before: str, stop: str, rest: str) -> bool:
    """Whether the stop after `before`, followed by `rest`, ends a sentence."""
    following = rest.lstrip(_OPEN_QUOTES)
    if not following:
        return False
    first = following[0]
    if not (first.isupper() or first.isdigit() or rest[0] in _OPEN_QUOTES):
        return False  # a lower-case word goes on the sentence: "e.g. in", "Inc. will"
    if stop[0] in "!?…" or stop.startswith("..."):
        return True
    if stop[-1] in _CLOSE_QUOTES:
        return True  # `."` or `.”`: the quote closes the sentence
    match = _WORD_BEFORE.search(before)
    if match is None:
        return True  # a number, a percent sign, a bracket: "in 2026." ends a sentence
    word = match.group(1)
    bare = word.rstrip(".").lower()
    next_word = re.match(r"[A-Za-z’']+", following)
    starter = next_word is not None and next_word.group().lower() in SENTENCE_STARTERS
    if bare in _TITLES:
        return False
    if "." in word or (len(word) == 1 and word.isupper()):
        return starter  # initialisms and initials: "U.S. Officials", "J. R. Tolkien", "vitamin D. The"
    if bare in _ABBREVIATIONS:
        return not first.isdigit() and starter  # "Jan. 5", "No. 5", but "in Jan. The"
    return True
