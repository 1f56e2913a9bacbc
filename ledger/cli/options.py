"""Shared option groups (STYLE 7, like sqlite-utils' `output_options` and hledger's `reportflags`):
the period flags, `--scenario` and `--json`, spelt and parsed the same way by every command that
takes them (`report`, `score`, `plot`, `review`).

    @click.command()
    @period_options(default="month")
    @scenario_option
    @json_option
    @pass_env
    def report(env, period_flags: PeriodFlags, scenario: str | None, as_json: bool): ...

`--period --as-of --from --to` reach the command as one `PeriodFlags`, already checked (bad dates
and conflicting flags are exit 2 before any database is opened); `to_period(flags, now)` turns them
into a `Period` once the command has the read's `now`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

import click

from ledger.cli.context import json_option
from ledger.cli.params import BadValue, Instant
from ledger.core.errors import BadInput
from ledger.core.period import KINDS, Period, Window
from ledger.core.timeutil import MIN_US, format_instant

__all__ = ["PeriodFlags", "json_option", "period_options", "scenario_option", "to_period", "window_of"]


@dataclass(frozen=True)
class PeriodFlags:
    """The period flags as given on the command line, instants already parsed.

    Attributes:
        kind: `--period` (week, month, quarter, year), or the command's default, or None.
        as_of: `--as-of` in microseconds UTC, or None for the read's now.
        start: `--from`, or None.
        end: `--to`, or None.
    """

    kind: str | None = None
    as_of: int | None = None
    start: int | None = None
    end: int | None = None

    def as_of_or(self, now: int) -> int:
        """`--as-of`, else `now`."""
        return now if self.as_of is None else self.as_of


def to_period(flags: PeriodFlags, now: int) -> Period | None:
    """The period the flags name, `now` standing in for a missing `--as-of`.

    `--from/--to` give a range directly ([from, as-of) without `--to`; from the beginning without
    `--from`); otherwise the `--period` kind containing the moment just before the as-of, cut there;
    None when neither is given and the command has no default period (all time).

    Raises:
        BadInput: `--from` is not before the as-of it runs to.
    """
    as_of = flags.as_of_or(now)
    if flags.start is not None or flags.end is not None:
        start = MIN_US if flags.start is None else flags.start
        end = as_of if flags.end is None else flags.end
        if end <= start:
            raise BadInput(f"--from {format_instant(start)} is not before the as-of {format_instant(end)}")
        return Period.between(start, end)
    if flags.kind is None:
        return None
    return Period.containing(flags.kind, as_of)



def window_of(flags: PeriodFlags) -> Callable[[int], Window]:
    """What `score`, `plot` and `review --analyst` cover, once the read's `now` is known: scored
    as of `--as-of` (default now), outcomes known in the period the flags name (all time without one).

    `--from` alone runs on to the as-of, inclusive, as the as-of already bounds what is known;
    `--period` and `--to` end the range where they say.
    """
    def at(now: int) -> Window:
        bounded = flags.kind is not None or flags.end is not None
        return Window.of(to_period(flags, now), flags.as_of_or(now), bounded=bounded)

    return at

def period_options(func: Callable | None = None, *, default: str | None = None) -> Callable:
    """`--period`, `--as-of`, `--from`, `--to`, handed to the command as `period_flags`.

    Use bare (`@period_options`: no period unless one is asked for) or with the command's default
    kind (`@period_options(default="month")`). `--period` with `--from/--to`, or `--to` not after
    `--from`, is bad input (exit 2).
    """
    if default is not None and default not in KINDS:
        raise ValueError(f"default period {default!r} is not one of {KINDS}")

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kind, as_of = kwargs.pop("period_kind"), kwargs.pop("as_of")
            start, end = kwargs.pop("period_from"), kwargs.pop("period_to")
            if kind is not None and (start is not None or end is not None):
                raise BadValue("give --period or --from/--to, not both")
            if start is not None and end is not None and end <= start:
                raise BadValue("--to must be after --from")
            if start is None and end is None and kind is None:
                kind = default
            kwargs["period_flags"] = PeriodFlags(kind=kind, as_of=as_of, start=start, end=end)
            return command(*args, **kwargs)

        since = f" [default: {default}]" if default else " [default: none, all time]"
        for option in reversed([
            click.option("--period", "period_kind", type=click.Choice(KINDS), default=None,
                         help="The calendar period (ISO week, month, quarter, year) holding the moment just "
                              f"before --as-of, up to it{since}."),
            click.option("--as-of", "as_of", type=Instant(), metavar="DATE",
                         help="As the ledger stood then (default: now)."),
            click.option("--from", "period_from", type=Instant(), metavar="DATE",
                         help="Start of an explicit range, instead of --period."),
            click.option("--to", "period_to", type=Instant(), metavar="DATE",
                         help="End of the range, not included (default: the as-of)."),
        ]):
            wrapper = option(wrapper)
        return wrapper

    return decorate(func) if func is not None else decorate


def scenario_option(func: Callable) -> Callable:
    """`--scenario SLUG`: only that scenario's questions (handed to the command as `scenario`)."""
    return click.option("--scenario", "scenario", metavar="SLUG", help="Only this scenario's questions.")(func)
