"""Instants as integer microseconds since the Unix epoch, UTC.

Storing instants as integers keeps microsecond precision on every database and makes durations
exact differences (SPEC 6). A bare date means 00:00Z that day when it is a moment (opens,
observed, known, as-of, from, to) and the END of that day (next day 00:00Z) when it is a
deadline (closes, resolves_by).
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone

from ledger.core.errors import BadInput

MICROS = 1_000_000
DAY = 86_400 * MICROS
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_NAIVE = datetime(1970, 1, 1)
#: The first and last instants a date can show (0001-01-01 and 9999-12-31, UTC).
MIN_US = -62_135_596_800 * MICROS
MAX_US = 253_402_300_800 * MICROS - 1
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.,+\-Zz ]+", re.ASCII)


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


def parse_instant(text: str, *, deadline: bool = False, what: str = "date") -> int:
    """Parse an ISO date or ISO datetime (naive = UTC) into microseconds.

    Args:
        text: `2026-11-27`, `2026-11-27T14:00:00+01:00`, `2026-11-27 14:00Z`, ...
        deadline: a bare date means the end of that day (next day 00:00Z) instead of its start.
        what: the option's name, for the error message.

    Raises:
        BadInput: naming the value, when it is not an ISO date or datetime.
    """
    raw = text.strip() if isinstance(text, str) else ""
    us = None
    try:
        if _DATE.fullmatch(raw):
            day = date.fromisoformat(raw)
            start = to_us(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))
            us = start + DAY if deadline else start
        elif _DATETIME.fullmatch(raw):
            us = to_us(datetime.fromisoformat(raw.replace("z", "Z")))
    except (ValueError, OverflowError):
        us = None
    if us is not None:
        return check_range(us, what, text)
    raise BadInput(f"{what}: {text!r} is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)")


def parse_day(text: str, *, what: str = "date") -> str:
    """An ISO date, or the UTC date of an ISO datetime, as `YYYY-MM-DD`."""
    raw = text.strip() if isinstance(text, str) else ""
    if _DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
    elif _DATETIME.fullmatch(raw):
        return format_instant(parse_instant(raw, what=what))[:10]
    raise BadInput(f"{what}: {text!r} is not an ISO date such as 2026-11-27")


def format_instant(us: int) -> str:
    """ISO 8601 UTC with `Z`; microseconds only when there are any (JSON and text alike)."""
    # Naive isoformat() already drops a zero microsecond part, and is far faster than strftime.
    return (_EPOCH_NAIVE + timedelta(microseconds=us)).isoformat() + "Z"


def format_short(us: int) -> str:
    """A compact UTC form for tables: `2026-11-27 14:00Z`."""
    return from_us(us).strftime("%Y-%m-%d %H:%MZ")
