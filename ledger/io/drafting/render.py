"""A draft scenario as SPEC 9 YAML, written by hand so every byte is decided here.

Free text is double-quoted (YAML's escapes, which JSON's are a subset of), so a title "Yes?",
a prior "7:3" or a date reads back as the text it is; only words that no YAML 1.1 resolver
could take for anything but a string stay plain (`kind: binary`, `prior: likely`).
"""

from __future__ import annotations

import re

from ledger.io.drafting.draft import ScenarioDraft

HEADER = """\
# Draft scenario written by `ledger scenario draft`: suggestions, one per forward-looking claim.
# Every criteria starts with TODO on purpose: `ledger scenario import` refuses this file until an
# analyst replaces each TODO with a real resolution rule (and checks each title, prior and date).
"""
_PLAIN = re.compile(r"[a-z][a-z0-9 -]*[a-z0-9]")
_YAML11_WORDS = frozenset("y n yes no on off true false null".split())
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def scalar(value: str) -> str:
    """`value` as a YAML scalar that any loader reads back as exactly this string."""
    if _PLAIN.fullmatch(value) and value not in _YAML11_WORDS and "  " not in value:
        return value
    out = []
    for char in value:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) \
                or 0xD800 <= code <= 0xDFFF:  # what a YAML reader folds or refuses
            out.append(f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def render_yaml(draft: ScenarioDraft) -> str:
    """The whole file: header comment, `scenario:` block, `questions:` list."""
    lines = [HEADER.rstrip("\n"), "scenario:", f"  slug: {scalar(draft.slug)}", f"  title: {scalar(draft.title)}"]
    if draft.source:
        lines.append("  source:")
        lines += [f"    {key}: {scalar(value)}" for key, value in draft.source]
    if not draft.questions:
        lines.append("questions: []")
    else:
        lines.append("questions:")
    for q in draft.questions:
        lines.append(f"  - slug: {scalar(q.slug)}")
        lines.append(f"    title: {scalar(q.title)}")
        lines.append("    kind: binary")
        lines.append(f"    criteria: {scalar(q.criteria)}")
        lines.append(f"    closes: {scalar(q.closes)}")
        if q.prior is not None:
            lines.append(f"    prior: {scalar(q.prior)}")
        lines.append(f"    quote: {scalar(q.quote)}")
    return "\n".join(lines) + "\n"
