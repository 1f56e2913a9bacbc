"""How the renderers show values: probabilities with their ICD 203 term, instants, scores, links.
Shared by the HTML and Markdown renderers; user text is never trusted here (see `safe_href`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from ledger.core.probability import describe
from ledger.core.timeutil import DAY, MICROS, MIN_US, format_instant, format_short, from_us
from ledger.reports.report import QuestionRef


def probs(question: QuestionRef, values: tuple[float, ...] | None) -> str:
    """`67.5% (likely)` for yes/no; `a 20% (unlikely) · b 80% (very likely)` for a choice; `–` for none."""
    if values is None:
        return "–"
    if question.binary:
        return describe(_clamp(values[0]))
    return " · ".join(f"{name} {describe(_clamp(p))}" for name, p in zip(question.options, values))


def chance(p: float | None) -> str:
    """One probability with its term, or `–`."""
    return "–" if p is None else describe(_clamp(p))


def _clamp(p: float) -> float:
    return min(1.0, max(0.0, p))  # medians of probabilities stay in range; this only guards rounding


def when(us: int) -> str:
    """A date (`2026-11-03`) at UTC midnight, else `2026-11-03 14:00Z`."""
    return from_us(us).strftime("%Y-%m-%d") if us % DAY == 0 else format_short(us)


def day(us: int) -> str:
    """The UTC date of an instant."""
    return from_us(us).strftime("%Y-%m-%d")


def number(value: float | None, places: int = 3) -> str:
    """A score with `places` decimals, or `–`."""
    return "–" if value is None else f"{value:.{places}f}"


def signed(change: float) -> str:
    """A change of probability in percentage points: `+30 pts`, `−12.5 pts`."""
    points = round(change * 100, 1)
    text = f"{abs(points):g}"
    return f"+{text} pts" if points > 0 else f"−{text} pts" if points < 0 else "0 pts"


def safe_href(source: str | None) -> str | None:
    """The source as a link target when it is an http(s) URL with a host, else None (shown as text)."""
    if not source:
        return None
    text = source.strip()
    if any(c.isspace() or ord(c) < 32 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


STANCE_WORDS = {"+": "raises", "-": "lowers", "~": "context"}


def period_title(period) -> str:
    """`November 2026`, `2026-W48`, `2026-Q4`, `2026`, or the range; `(to 15 Nov)` when cut short."""
    start = from_us(period.start)
    if period.kind == "month":
        name = f"{start:%B} {start.year}"
    elif period.kind == "range":
        name = f"to {when(period.end)}" if period.start == MIN_US else f"{when(period.start)} to {when(period.end)}"
    else:
        name = period.label
    if period.is_cut:
        name += f" (to {when(period.end)})"
    return name


def plural(n: int, word: str) -> str:
    """`1 question`, `2 questions`."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def change(field: str, value: str | None) -> str:
    """An amendment's value as shown: dates as `when`, text as it is."""
    if value is None:
        return "–"
    if field in ("opens", "closes", "resolves by"):
        from ledger.core.timeutil import parse_instant

        return when(parse_instant(value))
    return value


def as_of(us: int) -> str:
    """The as-of in whole seconds, as `score --json` shows it: `2026-12-01T00:00:00Z`."""
    return format_instant(us - us % MICROS)
