"""Parse at the edge: parameter types that turn text into typed values before a command runs.

Each wraps a core parser, so bad input is refused (one `error:` line naming the option and the
value, exit 2) before any database is opened, and the store receives typed values. Also here:
`FreeArguments`, the command class for commands whose free arguments may start with `-`.
"""

from __future__ import annotations

import re
from typing import Any

import click

from ledger.core.errors import BadInput
from ledger.core.model import STANCES
from ledger.core.timeutil import parse_day, parse_instant


class BadValue(click.BadParameter):
    """A refused parameter value: shown as one `error:` line like the store's `BadInput` (exit 2)."""

    def format_message(self) -> str:
        return self.message  # the core's message already names the option and the value

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=True)


def _label(param: click.Parameter | None) -> str:
    """How an error names the parameter: `--closes`, or an argument's metavar (`Q`)."""
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name if param is not None else "value"


class _Parsed(click.ParamType):
    """A type whose `parse(text, label)` is a core parser raising `BadInput`."""

    def parse(self, text: str, label: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):  # already parsed (click may convert a value twice)
            return value
        try:
            return self.parse(value, _label(param))
        except BadInput as exc:
            raise BadValue(str(exc), ctx=ctx, param=param) from None


class Instant(_Parsed):
    """An ISO date or datetime (naive = UTC) as integer microseconds, UTC.

    Args:
        deadline: a bare date means the END of that day (closes, resolves by) instead of 00:00Z.
    """

    name = "date"

    def __init__(self, deadline: bool = False) -> None:
        self.deadline = deadline

    def parse(self, text: str, label: str) -> int:
        return parse_instant(text, deadline=self.deadline, what=label)


class Day(_Parsed):
    """An ISO date (or the UTC date of an ISO datetime) as `YYYY-MM-DD`."""

    name = "date"

    def parse(self, text: str, label: str) -> str:
        return parse_day(text, what=label)


def _question_ref(ref: str, label: str, given: str | None = None) -> str:
    """`ref` unless it is blank or not text; errors quote what was `given` (default: `ref`)."""
    given = ref if given is None else given
    if not ref.strip():
        raise BadInput(f"{label} {given!r}: give a question slug, or an id as 12 or #12")
    try:
        ref.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the argument
        raise BadInput(f"{label} {given!r}: not valid UTF-8 text") from None
    return ref


class QuestionRef(_Parsed):
    """Q: a question slug, `12` or `#12`, kept as given (the store resolves it; an exact slug
    wins); empty or blank text is refused."""

    name = "q"

    def parse(self, text: str, label: str) -> str:
        return _question_ref(text, label)


#: A character that can end a slug; any other trailing character was meant as a stance.
_SLUG_END = re.compile(r"[\w.]")


class QuestionLink(_Parsed):
    """`Q[+|-|~]`: a question and a stance, as `(ref, stance)`; no stance means `~` (context).

    A reference ending in a character no slug ends in (`q*`) is a bad stance, not an unknown
    question. A question whose imported slug ends in such a character takes an explicit stance
    (`what?~`).
    """

    name = "q[+|-|~]"

    def parse(self, text: str, label: str) -> tuple[str, str]:
        last = text[-1:]
        if last in STANCES:
            return _question_ref(text[:-1], label, given=text), last
        if last and not _SLUG_END.fullmatch(last):
            raise BadInput(f"stance {last!r}: use + (raises), - (lowers) or ~ (context)")
        return _question_ref(text, label), "~"


class JournalHead(_Parsed):
    """`SEQ:HASH` as quoted from a report or `ledger info`, as a `Head`; empty is refused."""

    name = "seq:hash"

    def parse(self, text: str, label: str) -> Any:
        from ledger.store.journal import parse_head  # imports SQLAlchemy: only when a head is given

        return parse_head(text)


#: A token taken for an option rather than a value: `-x…` or `--x…` with an ASCII letter.
_OPTION_LIKE = re.compile(r"--?[A-Za-z]")


class FreeArguments(click.Command):
    """A command whose free arguments may start with `-` (`-0.1` reaches the probability parser and
    is refused as a probability, `-5% GDP` is a summary) while a misspelt or misplaced option is
    still named (exit 2). A token is an option when it starts with `-` or `--` and a letter;
    `--` ends the options (`ledger forecast q -- -lo=20% hi=80%`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            name: not (param.is_flag or param.count)
            for param in self.get_params(ctx)
            if isinstance(param, click.Option)
            for name in (*param.opts, *param.secondary_opts)
        }
        options: list[str] = []
        values: list[str] = []
        tokens = iter(args)
        for token in tokens:
            name = token.split("=", 1)[0]
            if token == "--":
                values.extend(tokens)
            elif name in takes_value:
                options.append(token)
                if takes_value[name] and "=" not in token:
                    following = next(tokens, None)
                    if following is None:
                        raise click.BadOptionUsage(name, f"Option '{name}' requires an argument.", ctx=ctx)
                    options.append(following)
            elif _OPTION_LIKE.match(token):
                raise click.NoSuchOption(name, possibilities=list(takes_value), ctx=ctx)
            else:
                values.append(token)
        return super().parse_args(ctx, [*options, "--", *values])
