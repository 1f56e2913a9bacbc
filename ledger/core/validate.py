"""Checks on user-supplied text: handles, slugs, titles, rationales. Text is kept exactly as
given once accepted; only what no database can store faithfully (NUL) or what would break a
one-line display (control characters in names) is refused."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ledger.core.errors import BadInput

_SLUG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?", re.ASCII)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly Unicode category Cc


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


_SURROGATE = re.compile("[\ud800-\udfff]")  # what undecodable bytes in arguments become
#: Group key of the team forecast in scores; no analyst may take it.
RESERVED_HANDLES = ("@team",)


def _check_encodable(text: str, what: str) -> None:
    if _SURROGATE.search(text):
        raise BadInput(f"{what} {text!r}: not valid UTF-8 text")


def handle(text: str) -> str:
    """An analyst handle: 1-200 characters, no control characters, kept exactly as given."""
    if not isinstance(text, str) or not 1 <= len(text) <= 200:
        raise BadInput(f"handle {text!r}: must be 1 to 200 characters")
    if _has_control(text):
        raise BadInput(f"handle {text!r}: control characters are not allowed")
    _check_encodable(text, "handle")
    if text in RESERVED_HANDLES:
        raise BadInput(f"handle {text!r} is reserved for the team forecast")
    return text


def slug(text: str, *, what: str = "slug", need_letter: bool = False) -> str:
    """A short name: ASCII letters, digits, `.`, `_`, `-`, starting and ending alphanumeric."""
    if not isinstance(text, str) or not _SLUG.fullmatch(text):
        raise BadInput(
            f"{what} {text!r}: use letters, digits, '.', '_' or '-', starting and ending with a letter or digit"
        )
    if need_letter and not any(ch.isalpha() for ch in text):
        raise BadInput(f"{what} {text!r}: must contain a letter (a bare number is read as an id)")
    return text


def slugify(title: str, limit: int = 60) -> str:
    """A slug suggested from a title: lower-case ASCII words joined by `-`."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    if not out or not any(ch.isalpha() for ch in out):
        out = f"q-{out}" if out else "question"
    return out


def text(value: str | None, *, what: str, required: bool = False, single_line: bool = False) -> str | None:
    """Free text (titles, criteria, rationales, notes): refused if empty when required, or if it
    holds NUL; titles and names (`single_line`) may not hold control characters either."""
    if value is None:
        if required:
            raise BadInput(f"{what} is required")
        return None
    if not isinstance(value, str):
        raise BadInput(f"{what} must be text")
    if required and not value.strip():
        raise BadInput(f"{what} must not be empty")
    if "\x00" in value:
        raise BadInput(f"{what} contains a NUL character")
    _check_encodable(value, what)
    if single_line and _has_control(value):
        raise BadInput(f"{what} {value!r}: control characters (such as new lines) are not allowed")
    return value


def tag(value: str) -> str:
    """A tag: 1-100 characters, no spaces or control characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= 100 or _has_control(value) or any(
        ch.isspace() for ch in value
    ):
        raise BadInput(f"tag {value!r}: 1 to 100 characters without spaces")
    _check_encodable(value, "tag")
    return value


def options(names: Sequence[str]) -> list[str]:
    """Option names of a choice question: none (a yes/no question) or two or more, non-empty,
    distinct ignoring case, without control characters, and never `annulled`."""
    names = list(names)
    if len(names) == 1:
        raise BadInput("a choice question needs two or more options (none makes a yes/no question)")
    seen: set[str] = set()
    for name in names:
        text(name, what="option name", required=True, single_line=True)
        if name.strip().lower() == "annulled":
            raise BadInput("'annulled' cannot be an option name: it is how a question is voided")
        if name.lower() in seen:
            raise BadInput(f"option {name!r} is given twice")
        seen.add(name.lower())
    return names
