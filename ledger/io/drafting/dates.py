"""Dates in news text: the article's published date, a claim's deadline, and whether a clause
speaks of the past or the future relative to the article.

Everything is relative to a reference day passed in (the published date, else today), so the
results depend on the text and that day only.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ledger.io.drafting.words import is_past_form

_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_YEAR = r"((?:19|20)[0-9]{2})"
_DAY = r"([0-3]?[0-9])(?:st|nd|rd|th)?"
_ISO = re.compile(r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY} {_MONTH},? {_YEAR}\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH} {_DAY},? {_YEAR}\b", re.IGNORECASE)
_PUBLISHED_LINE = re.compile(r"^\W*(?:published|posted|updated|date|first published|last updated)\b", re.IGNORECASE)
#: What may stand before the date in a dateline: a place in capitals ("LAGOS, ", "SAN JOSE, Calif., ").
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,(?: [A-Z][a-z]+\.,)? ?$")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18}
_COUNT = r"([0-9]{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen)"


def month_number(name: str) -> int:
    """1-12 for a month name or its abbreviation."""
    return ("jan feb mar apr may jun jul aug sep oct nov dec".split()).index(name[:3].lower()) + 1


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February that does not recur)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _full_dates(text: str) -> list[tuple[int, date]]:
    """(offset, date) of every full calendar date written out in `text`."""
    found: list[tuple[int, date]] = []
    for pattern, order in ((_ISO, "ymd"), (_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        for m in pattern.finditer(text):
            parts = dict(zip(order, m.groups()))
            month = int(parts["m"]) if order == "ymd" else month_number(parts["m"])
            try:
                found.append((m.start(), date(int(parts["y"]), month, int(parts["d"]))))
            except ValueError:
                continue
    return sorted(found)


def find_published(text: str) -> date | None:
    """The article's published date: a `Published …` line anywhere, else the first date on a
    short line or dateline among the first lines ("LAGOS, Nov. 20, 2026 —")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if _PUBLISHED_LINE.match(line) and (dates := _full_dates(line)):
            return dates[0][1]
    for line in lines[:8]:
        dates = _full_dates(line)
        if dates and (len(line.split()) <= 8 or _DATELINE.match(line[:dates[0][0]])):
            return dates[0][1]
    return None


def is_date_line(line: str) -> bool:
    """A line that only says when the article was written (not a claim)."""
    if _PUBLISHED_LINE.match(line) and _full_dates(line):
        return True
    rest = line
    for pattern in (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        rest = pattern.sub("", rest)
    return rest != line and len(re.findall(r"[A-Za-z]+", rest)) <= 3


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    when: object  # (match, reference day) -> date | None


def _rule(pattern: str, when) -> _Rule:  # noqa: ANN001 - a small lambda table
    return _Rule(re.compile(pattern, re.IGNORECASE), when)


def _month_after(ref: date, month: int, day: int | None = None) -> date:
    """The next end of `month` (or that day of it) on or after `ref`."""
    year = ref.year if month >= ref.month else ref.year + 1
    if day and date(year, month, day) <= ref:
        year += 1  # "on May 3" in an article of May 12: the next one
    return date(year, month, day) if day else month_end(year, month)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


#: Marks the rules whose year is guessed (a month or day with no year): the next one after `ref`.
_GUESSED = r"\b(?#guessed)"
#: Marks the guessed rules that name a day of a month ("on May 30"): see `time_refs`.
_DAY_GUESSED = _GUESSED + r"(?#day)"
_BARE_YEAR = rf"(?<![-/])\b{_YEAR}\b(?!s|-[0-9]|/)"
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1": 1, "2": 2, "3": 3, "4": 4}

#: Deadline expressions, each with the last day it allows. Years and months with no day mean
#: their end; "before 2028" means the end of 2027.
_RULES: tuple[_Rule, ...] = (
    _rule(r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m, r: date(int(m[1]), int(m[2]), int(m[3]))),
    _rule(rf"\b{_DAY} {_MONTH},? {_YEAR}\b", lambda m, r: date(int(m[3]), month_number(m[2]), int(m[1]))),
    _rule(rf"\b{_MONTH} {_DAY},? {_YEAR}\b", lambda m, r: date(int(m[3]), month_number(m[1]), int(m[2]))),
    _rule(rf"\bbefore (?:the end of )?{_MONTH} {_YEAR}\b",
          lambda m, r: date(int(m[2]), month_number(m[1]), 1) - timedelta(days=1)),
    _rule(rf"\b{_MONTH},? {_YEAR}\b", lambda m, r: month_end(int(m[2]), month_number(m[1]))),
    _rule(_DAY_GUESSED + rf"(?:in|by|until|before|from|on|since|through|early|late|mid|end of|end-) ?(?:mid-)?"
          rf"{_DAY} {_MONTH}(?![a-z])(?!,? [0-9])",
          lambda m, r: _month_after(r, month_number(m[2]), int(m[1]))),
    _rule(_DAY_GUESSED + rf"(?:in|by|until|before|on|through|for|from) {_MONTH} {_DAY}\b(?!,? [0-9])",
          lambda m, r: _month_after(r, month_number(m[1]), int(m[2]))),
    _rule(_GUESSED + r"before (January|February|March|April|May|June|July|August|September|October|November|"
          r"December)\b(?!,? [0-9])", lambda m, r: _month_after(r, month_number(m[1]), 1) - timedelta(days=1)),
    _rule(_GUESSED + r"(?:in|by|until|before|through|end of|end-|next|early|late|mid-?)\s?"
          r"(?:at least |at the latest |the end of |early |late |mid-)?(January|February|March|April|"
          r"May|June|July|August|September|October|November|December)\b(?!,? [0-9])",
          lambda m, r: _month_after(r, month_number(m[1]))),
    _rule(rf"\b(?:q([1-4])|(first|second|third|fourth) quarter(?: of)?),? {_YEAR}\b",
          lambda m, r: month_end(int(m[3]), 3 * _QUARTERS[(m[1] or m[2]).lower()])),
    _rule(rf"\b(?:h([12])|(first|second) half(?: of)?),? {_YEAR}\b",
          lambda m, r: month_end(int(m[3]), 6 * _QUARTERS[(m[1] or m[2]).lower()])),
    _rule(r"\b(?:q([1-4])|(first|second|third|fourth) quarter(?: of)?),? (this|next) year\b",
          lambda m, r: month_end(_relative_year(r, m[3]), 3 * _QUARTERS[(m[1] or m[2]).lower()])),
    _rule(r"\b(?:h([12])|(first|second) half(?: of)?),? (this|next) year\b",
          lambda m, r: month_end(_relative_year(r, m[3]), 6 * _QUARTERS[(m[1] or m[2]).lower()])),
    _rule(r"\b(?:(?:the )?next|(?:the )?coming|(?:the )?following) quarter\b", lambda m, r: _quarter_end(r, 1)),
    _rule(r"\b(?:this|the current|(?:the )?end of the|the) quarter\b|\bquarter-end\b", lambda m, r: _quarter_end(r, 0)),
    _rule(rf"\bmid-? ?{_YEAR}\b", lambda m, r: date(int(m[1]), 6, 30)),
    _rule(rf"\bearly {_YEAR}\b", lambda m, r: date(int(m[1]), 3, 31)),
    _rule(rf"\bbefore (?:the end of )?{_YEAR}\b", lambda m, r: date(int(m[1]) - 1, 12, 31)),
    _rule(_BARE_YEAR, lambda m, r: date(int(m[1]), 12, 31)),
    _rule(r"\bnext year\b", lambda m, r: date(r.year + 1, 12, 31)),
    _rule(r"\bmid-? ?year\b", lambda m, r: date(r.year if r.month < 6 else r.year + 1, 6, 30)),
    _rule(r"\b(?:this year|(?:the )?end of the year|year-end|year end|end-year)\b", lambda m, r: date(r.year, 12, 31)),
    _rule(r"\bnext month\b", lambda m, r: month_end(add_months(r, 1).year, add_months(r, 1).month)),
    _rule(r"\b(?:this month|end of the month)\b", lambda m, r: month_end(r.year, r.month)),
    _rule(r"\bnext week\b", lambda m, r: r + timedelta(days=13 - r.weekday())),
    _rule(_GUESSED + r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b(?!s)",
          lambda m, r: r + timedelta(days=(_WEEKDAYS.index(m[1].lower()) - r.weekday()) % 7)),
    _rule(_GUESSED + r"(?:tomorrow|tonight|later today|this (?:afternoon|evening))\b",
          lambda m, r: r + timedelta(days=1)),
    _rule(r"\b(?:end of the|this) decade\b", lambda m, r: date(r.year // 10 * 10 + 9, 12, 31)),
    _rule(rf"\b(?:within|in|over|during)(?: the)?(?: next| coming)? {_COUNT} (years?|months?|weeks?)\b",
          lambda m, r: _span(r, _count(m[1]), m[2].lower())),
    # days and hours only ahead of now: "mature in 90 days" is a duration, "within 10 days" a deadline
    _rule(rf"\b(?:within(?: the next| the coming)?|(?:in|over|during) the (?:next|coming)) (?:{_COUNT}|([0-9]{{2,3}}))"
          r" (days?|hours?)\b", lambda m, r: _span(r, _count(m[1] or m[2]), m[3].lower())),
    _rule(r"\b(?:within|in|over)(?: the)? (?:next|coming) (year|month|week)\b", lambda m, r: _span(r, 1, m[1].lower())),
)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _relative_year(ref: date, which: str) -> int:
    return ref.year + (1 if which.lower() == "next" else 0)


def _quarter_end(ref: date, ahead: int) -> date:
    """The last day of the quarter `ahead` quarters after the one holding `ref`."""
    end = add_months(date(ref.year, (ref.month - 1) // 3 * 3 + 1, 1), 3 * ahead + 2)
    return month_end(end.year, end.month)


def _span(ref: date, n: int, unit: str) -> date:
    if unit.startswith("hour"):
        return ref + timedelta(days=-(-n // 24))
    if unit.startswith("day"):
        return ref + timedelta(days=n)
    if unit.startswith("year"):
        return add_years(ref, n)
    if unit.startswith("month"):
        return add_months(ref, n)
    return ref + timedelta(weeks=n)


def deadlines(text: str, ref: date) -> list[tuple[date, bool]]:
    """(day, known) for every deadline the text names; `known` is False for a bare year (its
    end is meant) and for a month or day whose year was guessed as the next one after `ref`."""
    return [(day, known) for _, day, known, _ in _found(text, ref)]


def _found(text: str, ref: date) -> list[tuple[int, date, bool, bool]]:
    """(offset, day, known, a guessed year for a named day) of every deadline expression."""
    found: list[tuple[int, date, bool, bool]] = []
    taken: list[tuple[int, int]] = []
    for rule in _RULES:
        for m in rule.pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # a longer expression already read these words ("March 2027", not "2027")
            try:
                day = rule.when(m, ref)
            except ValueError:
                continue
            if day is not None:
                guessed = rule.pattern.pattern.startswith(_GUESSED) or rule.pattern.pattern == _BARE_YEAR
                found.append((m.start(), day, not guessed, rule.pattern.pattern.startswith(_DAY_GUESSED)))
                taken.append((m.start(), m.end()))
    return found


#: Words before a past participle that make it future or pending ("will be signed in May").
_AHEAD_AUXILIARIES = frozenset("be being will would to".split())
#: Participles that look ahead themselves ("expected in May", "due on Monday").
_AHEAD_PARTICIPLES = frozenset("""expected scheduled planned set slated due forecast projected predicted anticipated
    tipped delayed postponed deferred extended pushed""".split())


def _told_of_the_past(before: str, date_text: str) -> bool:
    """The text just before a date says something already done: a past verb that governs the
    date ("announced in March", "the deal signed in 2024"), not "will be signed in May" and not
    "delayed until 2027" (a date after "until", "to", "by" is a deadline whatever the verb)."""
    clause = re.split(r"[,;:()—–]", before)[-1].lower().replace("’", "'")
    words = re.findall(r"[a-z']+", clause)[-5:]
    ahead = ("until", "till", "to", "by", "through", "before")
    if not words or words[-1] in ahead or date_text.lower().startswith(ahead):
        return False
    for n in range(len(words) - 1, -1, -1):
        word = words[n]
        if word in ahead or word in ("and", "or") or word in _AHEAD_PARTICIPLES:
            return False
        if is_past_form(word):
            return n == 0 or words[n - 1] not in _AHEAD_AUXILIARIES
    return False


def closes_for(text: str, ref: date) -> date | None:
    """The latest deadline in `text` that is after `ref`, or None; dates that a past verb tells
    of ("announced in March") are not deadlines."""
    later = [day for start, day, _, _ in _found(text, ref)
             if day > ref and not _told_of_the_past(text[:start], text[start:start + 8])]
    return max(later) if later else None


_PAST_WORDS = re.compile(
    r"\b(?:ago|last (?:year|month|week|season|decade|spring|summer|autumn|fall|winter)|yesterday|earlier this"
    r" (?:year|month|week)|in the past|back then|at the time|in those days|as a child|used to|previously)\b"
    r"(?!\s?['’]s\b)",  # "based on last year's results": a noun's modifier does not date the clause
    re.IGNORECASE)
_DECADE = re.compile(r"\b((?:19|20)[0-9])0s\b")
_FUTURE_WORDS = re.compile(
    r"\b(?:next|coming|upcoming|later this|in the future|ahead|soon|tomorrow|by the end of)\b", re.IGNORECASE)


def time_refs(text: str, ref: date) -> tuple[bool, bool]:
    """(speaks of the past, speaks of the future) relative to `ref`, from time words and dates."""
    found = _found(text, ref)
    days = [day for _, day, _, _ in found]
    decades = [int(m[1]) for m in _DECADE.finditer(text)]
    past = (bool(_PAST_WORDS.search(text)) or any(day.year < ref.year for day in days)
            or any(d < ref.year // 10 for d in decades))
    # A named day without a year ("closes on May 30") is the nearest one: ahead when its next
    # occurrence is within half a year; a bare month or weekday stays unknown.
    future = bool(_FUTURE_WORDS.search(text)) or any(
        day > ref and (known or day.year > ref.year or (named_day and (day - ref).days <= 183))
        for _, day, known, named_day in found)
    return past, future
