"""Writing scenario files (SPEC 9): a `ScenarioDoc` as YAML text that `read_scenario` reads back
to the same values.

Every value is double-quoted, with escapes for anything a YAML reader would fold or refuse, so each
reads back as the very same string; dates are written as bare dates where that is exact (a moment
at a day's start, a deadline at a day's end), else as full UTC instants; priors as percentages with
the shortest digits that read back as the stored probability exactly.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ledger.core.scenario_doc import ScenarioDoc
from ledger.core.timeutil import DAY, MIN_US, format_instant

#: Characters written as they are: printable for a YAML reader, and neither a line break it would
#: fold (U+0085, U+2028, U+2029) nor a byte-order mark.
_BARE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar on one line that reads back as exactly `text`:
    quotes, backslashes, line breaks (YAML would fold them), the byte-order mark and every
    character a YAML reader refuses are escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _BARE.fullmatch(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def percent(p: float) -> str:
    """A probability as a percentage that reads back as the very same float: the shortest
    decimal of `p` (its repr) times 100, exactly (`0.675` -> `67.5%`, `1/3` -> `33.33333333333333%`)."""
    text = format(Decimal(repr(float(p))).scaleb(2), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def _moment(us: int) -> str:
    """A moment: the bare date when it is a day's start, else the full instant."""
    return format_instant(us)[:10] if us % DAY == 0 else format_instant(us)


def _deadline(us: int) -> str:
    """A deadline: the bare date when it is a day's end (next day 00:00Z), else the full instant."""
    return format_instant(us - DAY)[:10] if us % DAY == 0 and us - DAY >= MIN_US else format_instant(us)


def write_scenario(doc: ScenarioDoc) -> str:
    """A scenario file for `doc` (SPEC 9) that `read_scenario` reads back to the same values."""
    out = ["scenario:", f"  slug: {quote(doc.slug)}", f"  title: {quote(doc.title)}"]
    if doc.summary is not None:
        out.append(f"  summary: {quote(doc.summary)}")
    source = [(k, v) for k, v in (("title", doc.source_title), ("publisher", doc.source_publisher),
                                  ("url", doc.source_url), ("published", doc.source_published),
                                  ("forecaster", doc.forecaster)) if v is not None]
    if source:
        out.append("  source:")
        out += [f"    {k}: {quote(v)}" for k, v in source]
    out.append("questions:" if doc.questions else "questions: []")
    for q in doc.questions:
        out += [f"  - slug: {quote(q.slug)}", f"    title: {quote(q.title)}", f"    kind: {quote(q.kind)}"]
        if q.kind == "choice":
            out.append(f"    options: [{', '.join(quote(o) for o in q.options)}]")
        out += [f"    criteria: {quote(q.criteria)}", f"    opens: {quote(_moment(q.opens_at))}",
                f"    closes: {quote(_deadline(q.closes_at))}", f"    resolves_by: {quote(_deadline(q.resolves_by))}"]
        if q.tags:
            out.append(f"    tags: [{', '.join(quote(t) for t in q.tags)}]")
        if q.prior is not None:
            if q.kind == "choice":
                out.append("    prior:")
                for option, p in zip(q.options, q.prior):
                    key = quote(option)
                    if len(key) < 1000:
                        out.append(f"      {key}: {quote(percent(p))}")
                    else:  # past YAML's 1024-character limit on implicit keys: the explicit `? key` form
                        out += [f"      ? {key}", f"      : {quote(percent(p))}"]
            else:
                out.append(f"    prior: {quote(percent(q.prior[0]))}")
        if q.quote is not None:
            out.append(f"    quote: {quote(q.quote)}")
    return "\n".join(out) + "\n"
