"""FAQ questions as "Will …?" titles: "Will sanctions be lifted?" stays, "Could prices fall?"
becomes "Will prices fall?", "Is a deal still possible?" becomes "Will there be a deal?", and a
wh-question ("When will …?") has none (its answer's claims are drafted one by one)."""

from __future__ import annotations

import re

from ledger.io.drafting.titles import INDEFINITE, clean, join
from ledger.io.drafting.words import DETERMINERS

_QUESTION_FORMS = (
    (re.compile(r"^(?:is|are)\s+(.+?)\s+(?:expected|likely|set|going|poised|due|certain|unlikely|projected|"
                r"forecast)\s+to\s+(.+)$", re.IGNORECASE), "Will {} {}?"),
    (re.compile(r"^(?:could|might|may|would|should|can|shall)\s+(.+)$", re.IGNORECASE), "Will {}?"),
    (re.compile(r"^(?:does|do)\s+(.+?)\s+(?:plan|expect|intend|aim|hope)\s+to\s+(.+)$", re.IGNORECASE), "Will {} {}?"),
)


#: "Is a deal still possible?", "Are rate cuts likely this year?", "Is it likely that the bank will cut?"
_LIKELIHOOD_QUESTION = re.compile(
    r"^(?:is|are)\s+(.+?)\s+(?:(?:still|now|really|even|at all|realistically)\s+)*"
    r"(?:possible|likely|probable|unlikely|plausible|realistic|on the cards|on the table|in the offing)\b\s*(.*)$",
    re.IGNORECASE)
_CAN_QUESTION = re.compile(r"^can\s+\S", re.IGNORECASE)  # "could" is a modal cue of its own


def asks_likelihood(question: str) -> bool:
    """A question that asks how likely something is, or whether it can happen: "Is a deal still
    possible?", "Can the candidate run?", "Could prices fall?"."""
    text = clean(question)
    return bool(_LIKELIHOOD_QUESTION.match(text) or _CAN_QUESTION.match(text))


def _likelihood_title(text: str) -> str | None:
    m = _LIKELIHOOD_QUESTION.match(text)
    if m is None:
        return None
    subject, rest = m[1], m[2]
    if subject.lower() == "it":  # "Is it likely that the bank will cut?", "Is it possible for X to …?"
        inner = re.match(r"(?i)^that\s+(.+?)\s+(?:will|would|could|can|might|may)\s+(.+)$", rest) or \
            re.match(r"(?i)^for\s+(.+?)\s+to\s+(.+)$", rest)
        return f"Will {inner[1]} {inner[2]}?" if inner else None
    head = subject.split()[0].lower()
    if head in DETERMINERS and head not in INDEFINITE:
        return join(f"Will {subject} happen", rest, [])
    return join(f"Will there be {subject}", rest, [])


def question_title(question: str) -> str | None:
    """A yes/no FAQ question as a "Will …?" title, or None for a wh-question ("When will …?")."""
    text = clean(question)
    if re.match(r"(?i)will\b", text):
        return "Will" + text[4:] + "?"
    if (likelihood := _likelihood_title(text)) is not None:
        return likelihood
    for pattern, form in _QUESTION_FORMS:
        m = pattern.match(text)
        if m:
            return form.format(*m.groups())
    return None
