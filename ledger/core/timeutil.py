"""Instants as integer microseconds since the Unix epoch, UTC.

Storing instants as integers keeps microsecond precision on every database and makes durations
exact differences (SPEC 6). A bare date means 00:00Z that day when it is a moment (opens,
observed, known, as-of, from, to) and the END of that day (next day 00:00Z) when it is a
deadline (closes, resolves_by).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Sequence

from ledger.core.errors import BadInput

MICROS = 1_000_000
DAY = 86_400 * MICROS
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_NAIVE = datetime(1970, 1, 1)
#: The first and last instants a date can show (0001-01-01 and 9999-12-31, UTC).
MIN_US = -62_135_596_800 * MICROS
MAX_US = 253_402_300_800 * MICROS - 1


def _grammar(dash: str, colon: str) -> re.Pattern[str]:
    """One form of the instant grammar: extended (`2026-01-05T10:00:00Z`) or basic (`20260105T100000Z`)."""
    return re.compile(
        rf"([0-9]{{4}}){dash}([0-9]{{2}}){dash}([0-9]{{2}})"  # date
        rf"(?:[Tt ]([0-9]{{2}})(?:{colon}([0-9]{{2}})(?:{colon}([0-9]{{2}})(?:[.,]([0-9]{{1,6}}))?)?)?"  # time
        r"(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?",  # offset
        re.ASCII,
    )


#: The one grammar of instants, for the command line, JSONL and CSV alike (ISO 8601 calendar
#: dates and times): a date `YYYY-MM-DD`, optionally followed by `T`, `t` or a space and a time
#: `HH[:MM[:SS[.ffffff]]]` (a comma may stand for the point, 1 to 6 fraction digits) with an
#: optional offset `Z`, `z`, `+HH`, `+HHMM` or `+HH:MM` (naive = UTC); or the same in the basic
#: form without separators, `YYYYMMDD[THH[MM[SS[.ffffff]]]][offset]`. Week and ordinal dates,
#: more than six fraction digits and offsets with seconds are refused.
EXTENDED = _grammar("-", ":")
BASIC = _grammar("", "")
#: A subset of the grammar, its most common spelling (`2026-01-05 10:00:00+00:00`): a text this
#: matches, `datetime.fromisoformat` reads exactly as the grammar does. It is the fast path of
#: bulk imports (a third of the full grammar's cost); anything else goes to `parse_instant`.
common_match = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)?", re.ASCII).fullmatch


def to_us(moment: datetime) -> int:
    """An aware (or naive = UTC) datetime as microseconds since the epoch, exactly."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS + delta.microseconds


def from_us(us: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=us)


def check_range(us: int, what: str, text: str) -> int:
    """Refuse instants that cannot be shown as a date (years 1 to 9999, UTC)."""
    if not MIN_US <= us <= MAX_US:
        raise BadInput(f"{what}: {text!r} is outside the years 1 to 9999 (UTC)")
    return us


def _match(raw: str) -> re.Match[str] | None:
    return EXTENDED.fullmatch(raw) or BASIC.fullmatch(raw)


def _to_us(m: re.Match[str], deadline: bool) -> int:
    """The instant a grammar match stands for (raises ValueError for an impossible date or time)."""
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = m.groups()
    start = to_us(datetime(int(year), int(month), int(day)))
    if hour is None:
        return start + DAY if deadline else start
    if sign is not None and (int(off_h) > 23 or int(off_m or 0) > 59):
        raise ValueError("offset out of range")
    moment = to_us(datetime(int(year), int(month), int(day), int(hour), int(minute or 0), int(second or 0),
                            int((fraction or "0").ljust(6, "0"))))
    if sign is not None:
        offset = (int(off_h) * 3600 + int(off_m or 0) * 60) * MICROS
        moment = moment - offset if sign == "+" else moment + offset
    return moment


def parse_instant(text: str, *, deadline: bool = False, what: str = "date") -> int:
    """Parse an ISO date or ISO datetime (naive = UTC; see `EXTENDED` for the grammar) into microseconds.

    Args:
        text: `2026-11-27`, `2026-11-27T14:00:00+01:00`, `2026-11-27 14:00Z`, `20261127T140000Z`, ...
        deadline: a bare date means the end of that day (next day 00:00Z) instead of its start.
        what: the option's name, for the error message.

    Raises:
        BadInput: naming the value, when it is not an ISO date or datetime.
    """
    raw = text.strip() if isinstance(text, str) else ""
    if common_match(raw) is not None:  # the common spelling, at C speed
        try:
            us = to_us(datetime.fromisoformat(raw))
        except (ValueError, OverflowError):  # 2026-02-30 and the like
            pass
        else:
            return check_range(us, what, text)
    elif (m := _match(raw)) is not None:
        try:
            us = _to_us(m, deadline)
        except (ValueError, OverflowError):
            pass
        else:
            return check_range(us, what, text)
    raise BadInput(f"{what}: {text!r} is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)")


def parse_day(text: str, *, what: str = "date") -> str:
    """An ISO date, or the UTC date of an ISO datetime, as `YYYY-MM-DD`."""
    raw = text.strip() if isinstance(text, str) else ""
    m = _match(raw)
    if m is not None:
        try:
            return format_instant(check_range(_to_us(m, False), what, text))[:10]
        except (ValueError, OverflowError):
            pass
    raise BadInput(f"{what}: {text!r} is not an ISO date such as 2026-11-27")


def format_instant(us: int) -> str:
    """ISO 8601 UTC with `Z`; microseconds only when there are any (JSON and text alike)."""
    # Naive isoformat() already drops a zero microsecond part, and is far faster than strftime.
    return (_EPOCH_NAIVE + timedelta(microseconds=us)).isoformat() + "Z"


def format_instants(values: "Sequence[int]") -> list[str]:
    """`format_instant` of many instants at once, formatted by numpy (an export writes hundreds
    of thousands): the same strings."""
    import numpy as np

    out: list[str] = []
    step = 65_536  # bounded temporaries: numpy's fixed-width strings of a million instants weigh 100 MB
    for start in range(0, len(values), step):
        us = np.asarray(values[start:start + step], dtype=np.int64)
        at = us.astype("datetime64[us]")
        whole = us % 1_000_000 == 0
        stamps = np.where(whole, np.datetime_as_string(at, unit="s"), np.datetime_as_string(at, unit="us"))
        out.extend([stamp + "Z" for stamp in stamps.tolist()])
    return out


def format_short(us: int) -> str:
    """A compact UTC form for tables: `2026-11-27 14:00Z`."""
    return from_us(us).strftime("%Y-%m-%d %H:%MZ")
