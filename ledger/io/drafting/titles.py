"""A suggested question title for a claim: "X is expected to sign a deal by 2027" becomes
"Will X sign a deal by 2027?".

The claim's cue splits it into a subject (what comes before the verb group, less reporting
frames, leading adverbials and appositions) and a predicate (what is foreseen, less a trailing
attribution). Leading time phrases and conditions move to the end ("In June, the bank will cut"
→ "Will the bank cut … in June?"); a pronoun subject of reported speech takes the reporter's
name ("The bank said it would …" → "Will the bank …?"). When no clean shape is found, the title
is "Will it happen that: …?".
"""

from __future__ import annotations

import re

from ledger.io.drafting.casing import Casing, lower_first
from ledger.io.drafting.idioms import AVAILABILITY
from ledger.io.drafting.cue import (
    ACTIVE, DATED, EVENT, IDIOM, IMPERATIVE, LIKELIHOOD, MODAL, SCHEDULED, THAT, UNCERTAIN, Cue,
)
from ledger.io.drafting.words import (
    BE, CONJUNCTIONS, DETERMINERS, HAVE, MODALS, PERSONAL, PREPOSITIONS, REPORTING, SUBJECT_PRONOUNS, Token, word_set,
    is_adverb, is_participle, is_past_form,
)

FALLBACK = "Will it happen that: {}?"
_DISCOURSE = word_set("""but and so yet still however meanwhile also now instead then moreover furthermore indeed
    nonetheless nevertheless overall separately ultimately already thus hence therefore besides plus""")
_SUBORDINATORS = word_set("while although though whereas")
_CONDITIONS = word_set("if unless provided assuming once should")
_LEADING = PREPOSITIONS | _DISCOURSE | _CONDITIONS | word_set("""when while although though as since because given
    despite according after before next this later earlier soon eventually today tomorrow whatever whichever
    whoever regardless""")
_TELLING = word_set("told tells tell")
_SKIPPABLE_AFTER_REPORT = word_set("on in last this yesterday earlier today statement interview note report speech"
                                 " letter a an monday tuesday wednesday thursday friday saturday sunday week month"
                                 " year recently also")
_AUXILIARIES = word_set("have has had is are was were do does did will would not never")
INDEFINITE = word_set("a an more further another some any fresh new additional")
_QUOTES = re.compile(r"[\"“”«»‘]|(?<![A-Za-z])’|’(?![A-Za-z])|(?<![A-Za-z])'|'(?![A-Za-z])")
#: Nouns whose "that" clause holds what may happen: "a real risk that the deal would stall".
_CONTENT_NOUNS = word_set("""risk risks chance chances danger possibility prospect prospects likelihood odds fear fears
    hope hopes expectation expectations sign signs doubt doubts warning warnings concern concerns report reports
    claim claims""")
_WH_TRIGGERS = word_set("unclear uncertain clear know asked sure decide decided see unknown doubt wonder wondering")


def clean(text: str) -> str:
    """Text for a title: quotation marks removed, spaces collapsed, no trailing punctuation."""
    text = " ".join(_QUOTES.sub("", text).split())
    return text.rstrip(" .,;:!?—–-")


def _span(sentence: str, tokens: list[Token], a: int, b: int) -> str:
    if a >= b:
        return ""
    return clean(sentence[tokens[a].start:tokens[b - 1].end])


def _attribution_cut(tokens: list[Token], a: int, b: int) -> int:
    """Where a trailing attribution or aside begins in tokens[a:b] (", analysts said."), else b."""
    for c in range(a, b):
        if tokens[c].low == ";" or (tokens[c].low == "because" and c > a):
            return c  # a reason is not part of what is foreseen: "… rise because soldiers are missing"
        if tokens[c].low in ("after", "since", "when") and c > a + 1 and _past_clause_at(tokens, c + 1, b):
            return c  # "… walk out next week after talks broke down on Tuesday": what led to it
        if tokens[c].low not in (",", "—", "–", "("):
            continue
        after = [t.low for t in tokens[c + 1:b]]
        if after[:1] and after[0] in ("which", "who", "whose", "according", "analysts", "a", "said", "says", "but",
                                      "while", "whereas", "although", "though", "yet", "given", "where"):
            return c
        if tokens[c].low == "," and after[:1] and after[0].endswith("ing") and len(after[0]) > 4 \
                and any(w in ("last", "ago", "yesterday", "previously") or (is_past_form(w) and not is_participle(w))
                        for w in after[1:]):
            return c  # ", ending a closure that began last year": an aside about the past, not what is foreseen
        if tokens[c].low == "," and len(after) <= 2 and after[:1] and after[0] in _DISCOURSE | {"though", "too"}:
            return c  # "… could stall, however."
        if after[:1] == ["and"] and len(after) > 3:
            return c  # ", and bookmakers make them favourites": another clause
        words = [w for w in after if w[:1].isalnum() or w.startswith("'")]
        if any(w in REPORTING for w in words[:10]):
            return c  # ", the Meteorological Department warned on Monday, raising fears …", ", its head, Ms. X, told"
    for c in range(a + 1, b - 1):
        if tokens[c].low == "and" and tokens[c + 1].low in ("is", "are", "was", "were", "has", "have", "remains"):
            return c - 1 if tokens[c - 1].low == "," else c  # "… and is central to the plan": a statement now
    return b


def _past_clause_at(tokens: list[Token], a: int, b: int) -> bool:
    """tokens[a:] open a finite clause in the past tense, with no modal: "talks broke down"."""
    for j in range(a + 1, min(a + 8, b)):
        low = tokens[j].low
        if low in MODALS or low in (",", ";"):
            return False
        if (low in ("was", "were", "had", "did") or (is_past_form(low) and not is_participle(low))
                or (low.endswith("ed") and tokens[j - 1].low not in BE | HAVE)) and tokens[j - 1].is_word:
            return True
    return False


def _report_frame(tokens: list[Token], end: int) -> tuple[int, int]:
    """(start of the reported clause before `end`, index of its reporting verb or -1)."""
    for j in range(end - 1, -1, -1):
        low = tokens[j].low
        previous = tokens[j - 1].low if j > 0 else ""
        if low in (";", ":") or (low in ("and", "but") and previous == ","):
            return j + 1, -1
        if low == "whether" or (low == "if" and previous in _WH_TRIGGERS):
            return j + 1, -1
        relative = low == "that" and j + 1 < end and tokens[j + 1].low in BE | HAVE | MODALS  # "projects that were"
        if low == "that" and not relative and (
                previous in REPORTING | _WH_TRIGGERS | _CONTENT_NOUNS or previous in ("is", "are", "was", ",", "so")
                or previous.endswith("ly") or previous in word_set("likely certain clear expected")):
            report = j - 1 if previous in REPORTING else -1
            return j + 1, report
        if previous == "," and is_participle(low) and any(t.low == "," for t in tokens[j + 1:end]):
            continue  # "a joint force, announced in March, is unlikely …": an aside, not a report
        if low in REPORTING and j + 2 < end and tokens[j + 1].low == "that" and tokens[j + 2].low in BE | HAVE | MODALS:
            continue  # "roads and projects that were planned": a noun and its relative clause
        if low in REPORTING and j > 0 and previous not in DETERMINERS | PREPOSITIONS | {"'s"} and low != "according":
            k = j + 1
            if low in _TELLING:
                k += 1
                while k < end and tokens[k].low not in SUBJECT_PRONOUNS | DETERMINERS | {"that"}:
                    k += 1
            while k < end and (tokens[k].low in _SKIPPABLE_AFTER_REPORT or tokens[k].low in (",", "that")) and not (
                    tokens[k].low in ("a", "an") and tokens[k - 1].low not in ("in", "on")):  # "say a joint force"
                k += 1
            if k < end:
                return k, j
    return 0, -1


def _segments(tokens: list[Token], a: int, b: int) -> list[tuple[int, int]]:
    """tokens[a:b] cut at commas and dashes, as (start, end) pairs of non-empty runs."""
    out, start = [], a
    for i in range(a, b + 1):
        if i == b or tokens[i].low in (",", "—", "–", "(", ")"):
            if start < i:
                out.append((start, i))
            start = i + 1
    return out


def _subject(sentence: str, tokens: list[Token], a: int, b: int, casing: Casing) -> tuple[str, list[str]]:
    """(subject text, phrases to move after the predicate) from the region tokens[a:b]."""
    moved: list[str] = []
    segments = _segments(tokens, a, b)
    head = None
    for s, e in segments:
        first = tokens[s].low
        if head is None and (first in _LEADING or first in ("analysts", "experts")) and e < b:
            if first in _CONDITIONS:
                moved.append(_span(sentence, tokens, s, e))
            elif first in PREPOSITIONS - {"according", "despite", "with", "like", "as", "for"} or first in ("next", "this", "later"):
                moved.append(_span(sentence, tokens, s, e))
            continue
        if head is None:
            head = (s, e)
    if head is None:
        return "", moved
    s, e = head
    after = [seg for seg in segments if seg[0] >= e]
    if tokens[s].low in ("its", "his", "her", "their", "our") and after and tokens[after[0][0]].capitalised \
            and after[0][1] - after[0][0] <= 5:
        s, e = after[0]  # "its leader, Mrs. Karin Holt," -> the name
    if s == a and tokens[s].low == "with" and e - s > 1:
        s += 1  # ", with the 24-year-old expected to undergo …": an absolute clause's subject
    while s < e and (tokens[s].low in _DISCOURSE | _SUBORDINATORS or is_adverb(tokens, s)) and e - s > 1:
        s += 1
    text = _span(sentence, tokens, s, e)
    moved = [m[:1].lower() + m[1:] if m.split()[0].lower() in _LEADING else m for m in moved if m]
    return (lower_first(text, casing) if text else ""), moved


def lemma(word: str) -> str:
    """The base form of a present-tense verb: takes -> take, is -> be, carries -> carry."""
    low = word.lower()
    special = {"is": "be", "are": "be", "am": "be", "has": "have", "does": "do", "goes": "go"}
    if low in special:
        return special[low]
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ch|sh|ss|x|z|o)es$", low):
        return word[:-2]
    if low.endswith("s") and not low.endswith("ss"):
        return word[:-1]
    return word


def title_for(sentence: str, tokens: list[Token], cues: list[Cue], casing: Casing,
              inherited: str = "") -> tuple[str, str]:
    """(title, subject) for the claim tokens[...] of `sentence` with these cues; `inherited` is the
    subject of the claim before, for a clause that shares it ("… and will probably pause")."""
    cue = _title_cue(cues)
    end = _attribution_cut(tokens, max(cue.verb, cue.start), len(tokens))
    whole = lower_first(_span(sentence, tokens, 0, end), casing)
    if whole.split(" ", 1)[0].lower() in _LEADING:
        whole = whole[:1].lower() + whole[1:]
    fallback = FALLBACK.format(whole)
    if cue.kind == LIKELIHOOD and cue.verb > 0 and tokens[cue.verb - 1].low == "of":  # "a 70% chance of a cut"
        return _event(lower_first(_span(sentence, tokens, cue.verb, end), casing), "", []), ""
    if cue.kind == LIKELIHOOD and cue.verb < 0:  # "remains a toss-up": no clean yes/no shape
        return fallback, ""
    if cue.kind == UNCERTAIN and _low_at(tokens, cue.verb) == "to" and cue.verb + 1 < end:
        # "the board is undecided on whether to sell" -> "Will the board sell?"
        copula = next((i for i in range(cue.start - 1, -1, -1) if tokens[i].low in BE | {"remains", "remain"}), 0)
        subject, moved = _subject(sentence, tokens, _report_frame(tokens, copula)[0], copula, casing)
        if subject and not _personal(subject):
            return join(f"Will {subject}", _span(sentence, tokens, cue.verb + 1, end), moved), subject
    if cue.kind == UNCERTAIN and cue.word == "whether":
        copula = max((i for i, t in enumerate(tokens) if t.low in BE | {"remains", "remain", "seems"}), default=0)
        return (_whether_title(sentence, tokens, 0, copula, casing) if copula > 1 else None) or fallback, ""
    if cue.kind in (THAT, UNCERTAIN):
        return _present_clause(sentence, tokens, max(cue.verb, 0), end, casing) or fallback, ""
    if cue.kind in (ACTIVE, IMPERATIVE):
        return _expectation_object(sentence, tokens, cue, end, casing, inherited) or fallback, ""
    if cue.verb < 0 or cue.verb >= end:
        return fallback, ""
    if tokens[0].low == "whether":  # "Whether the talks will succeed remains to be seen": the clause ends at its verb
        end = min([end] + [i for i in range(cue.verb, end) if tokens[i].low in BE | {"remains", "seems"}])
    start, report = _report_frame(tokens, cue.start)
    frames = [c.verb for c in cues if c is not cue and c.start < cue.start and 0 <= c.verb <= cue.start]
    start = max([start, *frames])  # "chances are (that) the bank will", "unclear whether the truce will"
    subject, moved = _subject(sentence, tokens, start, cue.start, casing)
    if subject.lower() in ("it", "they", "he", "she") and report > 0:
        verb = report
        while verb > 0 and (tokens[verb - 1].low in _AUXILIARIES or is_adverb(tokens, verb - 1)):
            verb -= 1  # "US officials have said they will …": the reporter is "US officials"
        reporter, _ = _subject(sentence, tokens, _report_frame(tokens, verb)[0], verb, casing)
        if reporter and reporter.lower() not in SUBJECT_PRONOUNS and len(reporter.split()) <= 8 \
                and _agrees(subject, reporter):
            subject = reporter
    compound = _coordinated_verb(sentence, tokens, start, cue.start, casing)
    if compound is not None:
        subject, first_predicate = compound
        return join(f"Will {subject}", f"{first_predicate} and {_span(sentence, tokens, cue.verb, end)}", moved), subject
    if start > 0 and tokens[start - 1].low == "whether" and cue.kind in (EVENT, IDIOM, THAT):
        inner = _whether_title(sentence, tokens, start - 1, cue.start, casing)
        if inner is not None:
            return inner, ""
    subject = subject or inherited
    if not subject or _personal(subject):
        return fallback, subject
    predicate = _span(sentence, tokens, cue.verb, end)
    if cue.kind in (LIKELIHOOD, DATED):
        first, _, rest = predicate.partition(" ")
        predicate = f"{lemma(first)} {rest}".strip()
    if cue.kind == IDIOM and cue.word in AVAILABILITY:
        return join(f"Will {subject} be fit", predicate, moved), subject
    if cue.kind in (EVENT, IDIOM):
        return _event(subject, predicate, moved), subject
    if cue.kind == SCHEDULED:
        predicate = re.sub(r"^for\b", "on" if re.search(r"[0-9]", predicate) else "in", predicate)
        verb = "come" if cue.word in ("expected", "due") else "take place"
        if subject[:1].islower() and subject.split()[0] not in DETERMINERS:
            return join(f"Will there be {subject}", predicate, moved), subject  # "rainfall of up to 300 mm"
        return join(f"Will {subject} {verb}", predicate, moved), subject
    if not predicate:
        return fallback, subject
    return join(f"Will {subject}", predicate, moved), subject


def _coordinated_verb(sentence: str, tokens: list[Token], a: int, b: int,
                      casing: Casing) -> tuple[str, str] | None:
    """"Construction starts next spring and will take six years": (subject, "start next spring")."""
    if b - a < 3 or tokens[b - 1].low != "and":
        return None
    for v in range(a + 1, b - 1):
        t, previous = tokens[v], tokens[v - 1]
        if t.low in ("will", "would", "could", "might", "may", "should") and v + 1 < b - 1:
            # "A weaker currency would make fuel dearer and could keep inflation sticky"
            return lower_first(_span(sentence, tokens, a, v), casing), _span(sentence, tokens, v + 1, b - 1)
        if t.capitalised or not t.low.isalpha() or t.low in DETERMINERS | PREPOSITIONS | CONJUNCTIONS:
            continue
        if previous.is_word and previous.low not in DETERMINERS | PREPOSITIONS and t.low.endswith("s") \
                and not t.low.endswith(("ss", "us", "is")):
            subject = lower_first(_span(sentence, tokens, a, v), casing)
            return subject, " ".join(filter(None, (lemma(t.text), _span(sentence, tokens, v + 1, b - 1))))
    return None


def _whether_title(sentence: str, tokens: list[Token], a: int, b: int, casing: Casing) -> str | None:
    """"Whether that target can be met … is doubtful" -> "Will that target be met …?"."""
    start = next(i for i in range(a, b) if tokens[i].low == "whether") + 1
    for m in range(start + 1, b):
        if tokens[m].low in ("will", "would", "can", "could", "may", "might", "shall", "should"):
            subject = lower_first(_span(sentence, tokens, start, m), casing)
            return join(f"Will {subject}", _span(sentence, tokens, m + 1, b), [])
    return _present_clause(sentence, tokens, start, b, casing)


def _low_at(tokens: list[Token], i: int) -> str:
    return tokens[i].low if 0 <= i < len(tokens) else ""


def _title_cue(cues: list[Cue]) -> Cue:
    """The cue that shapes the title: a modal inside the complement of an outer frame
    ("expect that X will", "unclear whether X will") wins over the frame."""
    first = cues[0]
    if first.kind in (THAT, UNCERTAIN, ACTIVE, IMPERATIVE, LIKELIHOOD) and first.verb >= 0:
        for inner in cues[1:]:
            if inner.kind == MODAL and inner.start >= first.verb:
                return inner
    if first.kind == LIKELIHOOD:
        for inner in cues[1:]:
            if inner.kind == MODAL:
                return inner
    return first


def join(head: str, predicate: str, moved: list[str]) -> str:
    tail = " ".join(m for m in moved if m)
    return clean(" ".join(part for part in (head, predicate, tail) if part)) + "?"


def _personal(subject: str) -> bool:
    """The subject starts with a pronoun a reader could not place ("we", "you"); "US" is a country."""
    first = subject.split()[0]
    return first.lower() in PERSONAL and not (first.isupper() and len(first) > 1)


def _agrees(pronoun: str, reporter: str) -> bool:
    """A pronoun may stand for the reporter: "they" for "officials", "it" for "the bank", not
    "it" for "supporters". A capitalised head (a name) may be either."""
    head = next((w for w in reversed(reporter.split()) if w.isalpha()), "")
    if not head or head[:1].isupper():
        return True
    plural = head.endswith("s") and not head.endswith(("ss", "us", "is"))
    return plural == (pronoun.lower() == "they")


def _event(subject: str, rest: str, moved: list[str]) -> str:
    words = subject.split()
    if words[0].lower() in SUBJECT_PRONOUNS | {"one"}:
        return join(f"Will {subject} happen", rest, moved)
    if words[0].lower() in INDEFINITE or words[0][:1].isdigit() or words[0][:1] in "$€£" or (words[0][:1].islower() and words[0].lower() not in DETERMINERS):
        return join(f"Will there be {subject}", rest, moved)
    return join(f"Will {subject} happen", rest, moved)


def _expectation_object(sentence: str, tokens: list[Token], cue: Cue, end: int,
                        casing: Casing, inherited: str = "") -> str | None:
    """"Analysts expect the bank to cut rates" -> "Will the bank cut rates?"; "expect a cut in June"
    -> "Will there be a cut in June?"; a pronoun object stands for the clause before's subject
    ("A ceasefire might …, but few expect one soon" -> "Will there be a ceasefire soon?")."""
    a = cue.verb
    if a < 0 or a >= end:
        return None
    for k in range(a, end - 1):
        if tokens[k].low == "to" and k > a and tokens[k + 1].is_word and tokens[k + 1].low not in DETERMINERS:
            subject = lower_first(_span(sentence, tokens, a, k), casing)
            if _personal(subject):
                return None
            return join(f"Will {subject}", _span(sentence, tokens, k + 1, end), [])
    rest = _span(sentence, tokens, a, end)
    pronoun, _, after = rest.partition(" ")
    if pronoun.lower() in ("one", "it") and inherited and inherited.split()[0].lower() not in SUBJECT_PRONOUNS \
            and (pronoun.lower() == "it" or inherited.split()[0].lower() in ("a", "an")):
        return _event(lower_first(inherited, casing), after, [])
    return _event(lower_first(rest, casing), "", []) if rest else None


def _present_clause(sentence: str, tokens: list[Token], a: int, end: int, casing: Casing) -> str | None:
    """"(unclear whether) the truce holds" -> "Will the truce hold?", when the verb can be told."""
    for v in range(a + 1, end):
        t, previous = tokens[v], tokens[v - 1]
        if not t.low.isalpha() or t.capitalised or t.low in DETERMINERS | PREPOSITIONS | CONJUNCTIONS:
            continue
        if not previous.is_word or previous.low in DETERMINERS | PREPOSITIONS:
            continue
        third_person = t.low.endswith("s") and not t.low.endswith(("ss", "us", "is"))
        plural_subject = previous.low.endswith("s") and v - 2 >= a and tokens[v - 2].low in DETERMINERS
        if third_person or plural_subject or t.low in ("is", "are"):
            subject = lower_first(_span(sentence, tokens, a, v), casing)
            if not subject or _personal(subject):
                return None
            predicate = " ".join(filter(None, (lemma(t.text), _span(sentence, tokens, v + 1, end))))
            return join(f"Will {subject}", predicate, [])
    return None
