"""Report periods: ISO weeks, calendar months, quarters and years in UTC, or an explicit range.

A period is a half-open interval [start, end) of integer microseconds, UTC (see
`ledger.core.timeutil`). `Period.containing(kind, as_of)` is the calendar period that holds the
moment just before `as_of`, cut at `as_of` (SPEC 8): `--period month --as-of 2026-12-01` is all of
November 2026, and `--as-of 2026-11-15` is November up to the 15th. No I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from ledger.core.errors import BadInput
from ledger.core.timeutil import DAY, MIN_US, format_instant, from_us, to_us

#: The calendar kinds, shortest first; `range` is the kind of an explicit from/to period.
KINDS = ("week", "month", "quarter", "year")
RANGE = "range"


@dataclass(frozen=True)
class Period:
    """A half-open interval of time a report or score covers.

    Attributes:
        kind: `week` (ISO, Monday 00:00Z), `month`, `quarter`, `year`, or `range` (explicit).
        start: the first instant in the period (microseconds, UTC).
        end: the first instant after it: the calendar end, or `as_of` when cut there.
        calendar_end: where the calendar period itself ends (equal to `end` unless cut; for a
            range, `end`).
    """

    kind: str
    start: int
    end: int
    calendar_end: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS and self.kind != RANGE:
            raise BadInput(f"period {self.kind!r}: use one of {', '.join(KINDS)}")
        if not self.start < self.end <= self.calendar_end:
            raise BadInput(f"a period must end after it starts ({format_instant(self.start)} to "
                           f"{format_instant(self.end)})")

    @classmethod
    def calendar(cls, kind: str, at: int) -> "Period":
        """The whole calendar period of `kind` that contains the instant `at`."""
        if kind not in KINDS:
            raise BadInput(f"period {kind!r}: use one of {', '.join(KINDS)}")
        try:
            first = _first_day(kind, from_us(at).date())
            start, end = _midnight(first), _midnight(_following(kind, first))
        except (ValueError, OverflowError):
            raise BadInput(f"no {kind} around {format_instant(at)}: dates run from year 1 to 9999") from None
        return cls(kind, start, end, end)

    @classmethod
    def containing(cls, kind: str, as_of: int) -> "Period":
        """The calendar period holding the moment just before `as_of`, cut at `as_of`.

        `as_of` on a boundary gives the whole period that has just ended; `as_of` inside a period
        gives that period up to `as_of`.
        """
        whole = cls.calendar(kind, as_of - 1)
        return cls(kind, whole.start, as_of, whole.calendar_end)

    @classmethod
    def between(cls, start: int, end: int) -> "Period":
        """An explicit range [start, end), as `--from`/`--to` give it."""
        return cls(RANGE, start, end, end)

    @property
    def is_cut(self) -> bool:
        """True when the period stops at an as-of before its calendar end."""
        return self.end < self.calendar_end

    @property
    def label(self) -> str:
        """`2026-W48`, `2026-11`, `2026-Q4`, `2026`, or `2026-11-01..2026-12-01` for a range (a
        range from the beginning of time shows no start: `..2026-12-01`)."""
        first = from_us(self.start).date()
        if self.kind == "week":
            year, week, _ = first.isocalendar()
            return f"{year:04d}-W{week:02d}"
        if self.kind == "month":
            return f"{first.year:04d}-{first.month:02d}"
        if self.kind == "quarter":
            return f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{first.year:04d}"
        start = "" if self.start == MIN_US else _short(self.start)
        return f"{start}..{_short(self.end)}"

    def contains(self, at: int) -> bool:
        """Whether the instant `at` falls in [start, end)."""
        return self.start <= at < self.end

    def next(self) -> "Period":
        """The period after this one, whole: the next calendar period (after the calendar end, even
        when this one is cut), or for a range the range of the same length that follows it.

        Used for "questions closing next period".
        """
        if self.kind == RANGE:
            if self.start == MIN_US:
                raise BadInput("a range from the beginning of time has no next period of the same length")
            return Period.between(self.end, self.end + (self.end - self.start))
        return Period.calendar(self.kind, self.calendar_end)

    def to_json(self) -> dict[str, str]:
        """`{"kind", "label", "from", "to"}`, instants in UTC with `Z` (the report's `period`)."""
        return {"kind": self.kind, "label": self.label, "from": format_instant(self.start),
                "to": format_instant(self.end)}



@dataclass(frozen=True)
class Window:
    """What a score, figure or record covers: scored as of `as_of`, only outcomes that became
    known in [known_from, known_to) (each bound None when open).

    Attributes:
        as_of: the instant scored at: forecasts before it, outcomes known by then.
        known_from: the first instant an outcome may have become known, or None.
        known_to: the first instant after the range, or None (then the as-of bounds it).
        period: the period the flags named, or None for all time (shown in titles and JSON).
    """

    as_of: int
    known_from: int | None = None
    known_to: int | None = None
    period: Period | None = None

    @classmethod
    def of(cls, period: Period | None, as_of: int, *, bounded: bool) -> "Window":
        """The window of `period` scored at `as_of`. `bounded` False leaves the end open (a
        `--from` alone runs on to the as-of, which already bounds what is known)."""
        if period is None:
            return cls(as_of)
        start = None if period.start == MIN_US else period.start
        return cls(as_of, start, period.end if bounded else None, period)

    def caption(self, now: int) -> str:
        """What a figure's title adds: `resolved 2026-11`, `as of 2026-06-01`, both, or nothing
        for all time as of `now`."""
        parts = [] if self.period is None else [f"resolved {self.period.label}"]
        if self.as_of != now:
            parts.append(f"as of {_short(self.as_of)}")
        return ", ".join(parts)

def _first_day(kind: str, day: date) -> date:
    """The first day of the calendar period of `kind` containing `day`."""
    if kind == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _following(kind: str, first: date) -> date:
    """The first day of the period after the one starting on `first`."""
    if kind == "week":
        return first + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date) -> int:
    return to_us(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))


def _short(us: int) -> str:
    """A date when the instant is a UTC midnight, else the full instant."""
    text = format_instant(us)
    return text[:10] if us % DAY == 0 else text
