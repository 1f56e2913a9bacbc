"""The ledger's domain rules as pure functions: they take values and return what is in force,
or the problems they find (never raising one at a time), so the command line, the importers
and scenario files share one definition of each rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from ledger.core.errors import BadInput, LedgerError, NotAllowed, Refused
from ledger.core.model import ANNULLED, STANCES, Amendment, Analyst, Forecast, Question, match_outcome
from ledger.core.timeutil import format_instant


class _Dated(Protocol):
    opens_at: int | None
    closes_at: int | None
    resolves_by: int | None


def dates_in_force(opens_at: int, closes_at: int, resolves_by: int,
                   amendments: Iterable[_Dated]) -> tuple[int, int, int]:
    """The (opens_at, closes_at, resolves_by) in force: each the latest amendment's that sets it,
    else the value first recorded. `amendments` in recording order."""
    for a in amendments:
        if a.opens_at is not None:
            opens_at = a.opens_at
        if a.closes_at is not None:
            closes_at = a.closes_at
        if a.resolves_by is not None:
            resolves_by = a.resolves_by
    return opens_at, closes_at, resolves_by


@dataclass(frozen=True)
class Violation:
    """A rule a write would break.

    Attributes:
        message: what is wrong, naming the value.
        bad_input: True when the value itself is wrong (exit 2); False when the ledger's state
            forbids the write now (exit 1).
        not_allowed: True when it is who asks that is the problem (exit 1).
    """

    message: str
    bad_input: bool = False
    not_allowed: bool = False

    def error(self) -> LedgerError:
        """The exception the command line reports it with: bad input (exit 2), not allowed or
        refused (exit 1)."""
        return (BadInput if self.bad_input else NotAllowed if self.not_allowed else Refused)(self.message)


def raise_first(problems: Iterable[Violation | None]) -> None:
    """Raise the first violation found, if any."""
    for problem in problems:
        if problem is not None:
            raise problem.error()


def forecast_window(question: Question, at: int) -> Violation | None:
    """Why a forecast made at `at` is refused, if it is: the question is resolved or annulled,
    not open yet, or closed (a forecast at the exact close instant is too late)."""
    if question.resolution is not None:
        state = "annulled" if question.resolution.outcome == ANNULLED else f"resolved {question.resolution.outcome}"
        return Violation(f"#{question.id} {question.slug} is {state}; it takes no more forecasts")
    if at < question.opens_at:
        return Violation(f"#{question.id} {question.slug} is not open yet: it opens {format_instant(question.opens_at)}")
    if at >= question.closes_at:
        return Violation(f"#{question.id} {question.slug} closed {format_instant(question.closes_at)}")
    return None


def question_dates(opens_at: int | None, closes_at: int, resolves_by: int) -> list[Violation]:
    """Date order: a question closes after it opens and is resolved no earlier than it closes
    (`opens_at` None: not known yet, only the second is checked)."""
    problems = []
    if opens_at is not None and closes_at <= opens_at:
        problems.append(Violation(f"closes {format_instant(closes_at)} must be after the question opens "
                                  f"({format_instant(opens_at)})", bad_input=True))
    if resolves_by < closes_at:
        problems.append(Violation(f"resolves-by {format_instant(resolves_by)} must not be before it closes "
                                  f"({format_instant(closes_at)})", bad_input=True))
    return problems


def criteria(text: str) -> list[Violation]:
    """Resolution criteria are written out: never empty, never still `TODO`."""
    if not text.strip():
        return [Violation("criteria must not be empty", bad_input=True)]
    if text.strip().upper().startswith("TODO"):
        return [Violation("criteria still start with TODO; write how the question resolves", bad_input=True)]
    return []


def stance(text: str) -> Violation | None:
    """A stance is `+` (raises yes / the option), `-` (lowers it) or `~` (context)."""
    if text in STANCES:
        return None
    return Violation(f"stance {text!r}: use + (raises), - (lowers) or ~ (context)", bad_input=True)


def outcome(question: Question, given: str) -> tuple[str | None, Violation | None]:
    """The outcome a text names for this question (see `match_outcome`), or why none."""
    chosen = match_outcome(question.kind, question.options, given)
    if chosen is not None:
        return chosen, None
    if question.kind == "binary":
        return None, Violation(f"outcome {given!r}: #{question.id} is a yes/no question; use yes, no or annulled",
                               bad_input=True)
    return None, Violation(f"outcome {given!r} is not an option of #{question.id}; use one of: "
                           + ", ".join(question.options) + ", or annulled", bad_input=True)


def resolution(question: Question, *, known_at: int | None, now: int,
               correction: str | None) -> tuple[int, list[Violation]]:
    """When the outcome counts as known, and what forbids recording it: a second resolution must
    be a correction (with a reason), a correction needs one to correct, and known_at is never in
    the future. A correction without a date keeps the known_at in force (SPEC 5)."""
    problems = []
    if known_at is None:
        known_at = question.resolution.known_at if correction is not None and question.resolution else now
    elif known_at > now:
        problems.append(Violation(f"--on {format_instant(known_at)} is in the future", bad_input=True))
    if question.resolution is not None and correction is None:
        problems.append(Violation(f"#{question.id} is already resolved ({question.resolution.outcome}); "
                                  "to change it use --correct REASON"))
    if question.resolution is None and correction is not None:
        problems.append(Violation(f"#{question.id} has no resolution to correct"))
    return known_at, problems


def keeps_an_editor(target: Analyst, new_role: str, active: bool, editors: Iterable[Analyst]) -> Violation | None:
    """The ledger keeps at least one active editor: the last one cannot be demoted or deactivated."""
    losing = target.role == "editor" and target.active and (new_role != "editor" or not active)
    if losing and sum(1 for a in editors if a.role == "editor" and a.active) <= 1:
        return Violation(f"{target.handle!r} is the ledger's only active editor; make someone else editor first")
    return None


#: How long after recording it an analyst may withdraw their own live forecast (microseconds).
WITHDRAW_WINDOW_US = 15 * 60 * 1_000_000


def amendment(question: Question, now: int, *, title: str | None = None, opens_at: int | None = None,
              closes_at: int | None = None, resolves_by: int | None = None,
              clarification: str | None = None) -> list[Violation]:
    """What forbids amending a question so: nothing to change, `opens` moved once the question
    is open (or into the past), or dates in force out of order afterwards."""
    if all(v is None for v in (title, opens_at, closes_at, resolves_by, clarification)):
        return [Violation("nothing to amend: give --clarify, --title, --opens, --closes or --resolves-by",
                          bad_input=True)]
    problems = []
    if opens_at is not None:
        status = question.status(now)
        if status != "upcoming":
            problems.append(Violation(f"#{question.id} is {status}: --opens can only move while it is upcoming"))
        elif opens_at < now:
            problems.append(Violation(f"--opens {format_instant(opens_at)} is in the past", bad_input=True))
    opens = question.opens_at if opens_at is None else opens_at
    closes = question.closes_at if closes_at is None else closes_at
    due = question.resolves_by if resolves_by is None else resolves_by
    return problems + question_dates(opens, closes, due)


def follows_close(question: Question, closes_at: int | None, resolves_by: int | None) -> int | None:
    """The resolves-by an amendment sets: the one given, else a new close's when the question's
    resolves-by is its close (the default), so moving the close moves it too."""
    if resolves_by is None and closes_at is not None and question.resolves_by == question.closes_at:
        return closes_at
    return resolves_by


def amendment_changes(question: Question) -> list[tuple[Amendment, dict[str, tuple[object, object]]]]:
    """Each amendment with what it changed: field -> (value before, value after)."""
    title, opens, closes, due = question.recorded or (question.title, question.opens_at, question.closes_at,
                                                      question.resolves_by)
    out = []
    for a in question.amendments:
        changes: dict[str, tuple[object, object]] = {}
        for name, old, new in (("title", title, a.title), ("opens", opens, a.opens_at),
                               ("closes", closes, a.closes_at), ("resolves by", due, a.resolves_by)):
            if new is not None:
                changes[name] = (old, new)
        if a.clarification:
            changes["clarified"] = (None, a.clarification)
        title = a.title if a.title is not None else title
        opens = a.opens_at if a.opens_at is not None else opens
        closes = a.closes_at if a.closes_at is not None else closes
        due = a.resolves_by if a.resolves_by is not None else due
        out.append((a, changes))
    return out


def withdrawal(forecast: Forecast, author: Analyst, actor: Analyst, now: int) -> Violation | None:
    """Who may withdraw a forecast, and when: its author, within 15 minutes of recording it live;
    an editor, a source's forecast at any time (a misread article); never an imported forecast
    of a person, never twice."""
    if forecast.withdrawn is not None:
        return Violation(f"forecast {forecast.id} is already withdrawn ({forecast.withdrawn})")
    if author.kind == "source":
        if actor.role != "editor":
            return Violation(f"forecast {forecast.id} is a source's ({author.handle!r}): only editors may withdraw it",
                             not_allowed=True)
        return None
    if actor.id != author.id:
        return Violation(f"forecast {forecast.id} is {author.handle!r}'s: only its author may withdraw it",
                         not_allowed=True)
    if forecast.imported:
        return Violation(f"forecast {forecast.id} was imported: imported forecasts cannot be withdrawn")
    if now - forecast.made_at > WITHDRAW_WINDOW_US:
        return Violation(f"forecast {forecast.id} was recorded {format_instant(forecast.made_at)}: a forecast can be "
                         "withdrawn only within 15 minutes of recording it")
    return None
