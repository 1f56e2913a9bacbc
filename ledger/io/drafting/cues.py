"""Forward-looking cues in a clause, found from the shape of its verb groups.

A cue is a place where a clause speaks of what will (or may) happen: a modal with a base verb
("will sign", "could fall"), "be going to", a copula with an expectation participle and an
infinitive ("is expected to sign"), an active expectation or intention verb ("analysts expect",
"plans to"), a likelihood word that is not about the past ("probably", "chances are"),
uncertainty about an outcome ("unclear whether"), or a present tense with a future date.

Modals are read in `modals` (their false friends and the modals that do not forecast). Here,
false friends are told from their neighbours too: "projects in Mali" and "published new
forecasts" are nouns; "was expected to open in 2025" is an old expectation unless reported
("said the toll was likely to rise"); the subject of an expectation can deny it ("few expect").
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ledger.io.drafting.dates import time_refs
from ledger.io.drafting.cue import (
    ACTIVE, DATED, EVENT, EXPECTED, IMPERATIVE, INTENT, LIKELIHOOD, SCHEDULED, THAT, UNCERTAIN, Cue,
    back_over_adverbs, low_at, own_clause, reporting_before, skip_adverbs,
)
from ledger.io.drafting.idioms import idiom_cue
from ledger.io.drafting.modals import is_counterfactual, modal_cue
from ledger.io.drafting.words import (
    BE, CONJUNCTIONS, DETERMINERS, DO, HAVE, NEGATIONS, PAST_BE, PREPOSITIONS, SENTENCE_STARTERS, SUBJECT_PRONOUNS,
    Token, word_set, is_past_form, is_verb_start,
)

#: Participles and adjectives that, after a copula and before "to", say what is expected.
EXPECT_PARTICIPLES = word_set("""expected forecast forecasted projected predicted anticipated set poised slated
    scheduled due tipped bound likely unlikely certain sure destined planned primed about going""")
#: Of those, the ones that also take a time phrase for a scheduled event ("is due in March").
SCHEDULE_WORDS = word_set("expected due set scheduled slated planned")
#: Adjectives that, after a copula, judge an event's likelihood ("a deal is unlikely").
LIKELIHOOD_ADJECTIVES = word_set("likely unlikely probable improbable certain possible inevitable doubtful")
#: Verbs whose meaning is expectation; their object is what is expected.
EXPECT_VERBS = word_set("expect predict forecast project anticipate foresee envisage envision")
#: Verbs of intention that take "to" + verb.
INTENT_VERBS = word_set("plan intend aim hope vow pledge promise seek")
#: Copular verbs other than "be".
COPULAS = word_set("seem seems seemed appear appears look looks remain remains become becomes")
#: Subordinators that may follow an event's likelihood adjective: "possible if", "likely unless".
_CONDITIONAL_OPENERS = word_set("if unless once should provided assuming when whenever depending")
_UNCERTAIN_WORDS = word_set("unclear uncertain undecided unknown")
_WH = word_set("whether if when how who what which where")
_QUANTIFIERS = {"remote": "almost no chance",
                "good": "likely", "strong": "likely", "decent": "likely", "fair": "roughly even chance",
                "high": "likely", "real": "likely", "little": "very unlikely", "slim": "very unlikely",
                "small": "very unlikely", "low": "very unlikely", "no": "almost no chance",
                "even": "roughly even chance", "50-50": "roughly even chance", "fifty-fifty": "roughly even chance"}
_CHANCE_NOUNS = word_set("chance chances odds probability likelihood prospect prospects possibility")


def find_cues(tokens: list[Token], ref: date, *, question: bool = False) -> list[Cue]:
    """Every forward-looking cue in the clause `tokens`, in order (see the module docstring)."""
    text = " ".join(t.text for t in tokens)
    whole_past, future = time_refs(text, ref)
    cues: list[Cue] = []
    counterfactual = is_counterfactual(tokens)
    for i, token in enumerate(tokens):
        low = token.low
        cue = None
        past = whole_past and _clause_past(tokens, i, ref)
        cue = idiom_cue(tokens, i, past, future)  # "a longer stoppage was not off the table"
        if cue is not None:
            pass
        elif low in word_set("will would shall should could may might 'd"):
            cue = None if counterfactual and low != "will" else modal_cue(tokens, i, past, question, future=future)
        elif low in EXPECT_PARTICIPLES | LIKELIHOOD_ADJECTIVES or (low == "on" and low_at(tokens, i + 1) in ("track", "course")):
            cue = _expected(tokens, i, past, future)
            if cue is None and low in EXPECT_VERBS:
                cue = _active(tokens, i, past, future)  # "a poll … forecast growth of 2.7%"
        elif low in EXPECT_VERBS or _stem(low) in EXPECT_VERBS or _stem(low) in INTENT_VERBS:
            cue = _active(tokens, i, past, future)
        elif low in word_set("probably likely chances odds toss-up fifty-fifty remote") or low in _CHANCE_NOUNS:
            cue = _likelihood(tokens, i)
        elif low in _UNCERTAIN_WORDS or (low == "clear" and low_at(tokens, i - 1) in ("not", "yet")) \
                or (low == "seen" and low_at(tokens, i - 2) == "to" and low_at(tokens, i - 1) == "be"):
            cue = _uncertain(tokens, i, ref)
        if cue is not None and cue.kind != ACTIVE and _denied_belief(tokens, cue.start):
            cue = replace(cue, negated=not cue.negated)  # "Few observers think the government will intervene"
        if cue is not None and all(c.start != cue.start for c in cues):
            cues.append(cue)
    modal_rejected = any(t.low in ("would", "should", "could", "might") for t in tokens)
    if not cues and future and not whole_past and not question and not modal_rejected:  # a plain present only
        cue = _dated(tokens)
        if cue is not None:
            cues.append(cue)
    return cues


def _clause_past(tokens: list[Token], i: int, ref: date) -> bool:
    """Whether the clause of the verb group at i speaks of the past: tense is judged per clause
    ("could walk out next week after talks broke down …, recovering from last year's closure"
    is not a past habit; only the "after" clause and the participle phrase are past)."""
    a, b = own_clause(tokens, i)
    return time_refs(" ".join(t.text for t in tokens[a:b]), ref)[0]


def _stem(low: str) -> str:
    """The base of a regular verb form: plans -> plan, planned -> plan, hoping -> hope."""
    for suffix, back in (("ies", "y"), ("ied", "y"), ("ning", "n"), ("nned", "n"), ("ing", ""), ("ing", "e"),
                         ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""), ("d", "")):
        if low.endswith(suffix):
            base = low[: len(low) - len(suffix)] + back
            if base in EXPECT_VERBS or base in INTENT_VERBS:
                return base
    return low


def _copula_before(tokens: list[Token], i: int) -> tuple[int, bool, bool]:
    """(index of the copula before i or -1, negated, the copula is past)."""
    j, negated = back_over_adverbs(tokens, i)
    low = low_at(tokens, j - 1)
    if low in BE or low in COPULAS:
        past = low in PAST_BE or low.endswith("ed") or low_at(tokens, j - 2) == "had"
        k, more = back_over_adverbs(tokens, j - 1)
        return k, negated or more, past
    return -1, negated, False


def _expected(tokens: list[Token], i: int, past: bool, future: bool) -> Cue | None:
    low = tokens[i].low
    width = 2 if low == "on" else 1  # "on track to"
    copula, negated, past_copula = _copula_before(tokens, i)
    k, more = skip_adverbs(tokens, i + width)
    negated = negated or more
    if past_copula and not future and (past or reporting_before(tokens, max(copula, 0)) < 0):
        return None  # "was expected to open in 2025": an old expectation; but "said the toll was likely to rise"
    if low_at(tokens, k) == "to" and (is_verb_start(tokens, k + 1) or low_at(tokens, k + 1) in ("be", "have")):
        if low == "due" and low_at(tokens, k + 1) in DETERMINERS:
            return None  # "due to the storm"
        if low == "going" and copula < 0:
            return None
        if copula < 0:
            previous = low_at(tokens, i - 1)
            if low in ("about", "sure", "certain", "bound") or previous in HAVE or previous in SUBJECT_PRONOUNS:
                return None  # "they set to work", "had expected to": not a reduced passive
            if previous in DETERMINERS or previous in PREPOSITIONS or i == 0 and low not in ("likely", "unlikely"):
                return None
            return Cue(EXPECTED, low, i, k + 1, negated)
        if low == "about" and not low_at(tokens, copula) in BE:
            return None
        return Cue(EXPECTED, low, copula, k + 1, negated)
    if copula < 0:
        return None
    if low in SCHEDULE_WORDS and low_at(tokens, k) in word_set("""in on by for next this later early before within soon
            shortly tomorrow over across throughout during at""") and not (low == "set" and low_at(tokens, k) != "for"):
        return Cue(SCHEDULED, low, copula, k, negated)
    if low in LIKELIHOOD_ADJECTIVES:
        if low_at(tokens, k) == "that":
            return Cue(THAT, low, copula, k + 1, negated)
        if k >= len(tokens) or not tokens[k].is_word or low_at(tokens, k) in PREPOSITIONS | _CONDITIONAL_OPENERS | {
                "next", "this", "soon", "anytime", "any", "now"}:  # "delays were possible if the strike goes ahead"
            return Cue(EVENT, low, copula, k, negated)
    if low in ("expected", "predicted", "forecast", "projected", "anticipated") and low_at(tokens, k) == "that":
        return Cue(THAT, low, copula, k + 1, negated)
    return None


def _active(tokens: list[Token], i: int, past: bool, future: bool) -> Cue | None:
    """"analysts expect", "the IMF projects", "the firm plans to", imperative "expect"."""
    low, base = tokens[i].low, _stem(tokens[i].low)
    previous = low_at(tokens, i - 1)
    quantifier_subject = previous in _QUANTIFIER_SUBJECTS and low == base  # "few expect", "many forecast"
    if (previous in DETERMINERS and not quantifier_subject) or previous in PREPOSITIONS - {"to"} or previous == "'s":
        return None  # a noun: "the forecast", "its plans to"
    if low != base and not low.endswith("ed") and (
            low_at(tokens, i + 1) in PREPOSITIONS - {"to", "that"} or _after_a_verb(tokens, i)):
        return None  # a plural noun: "lithium projects in Mali", "published new forecasts that …"
    if low.endswith("ed") and (previous in HAVE or previous in BE or (past and not future)):
        return None  # "had expected", "is expected" (a passive, read elsewhere), an old expectation
    j, negated = back_over_adverbs(tokens, i)
    if low_at(tokens, j - 1) == "not" or low_at(tokens, j - 1) == "longer":
        negated = True
        j -= 1 if low_at(tokens, j - 1) == "not" else 2
    if low_at(tokens, j - 1) in DO:
        j -= 1
    k, more = skip_adverbs(tokens, i + 1)
    negated = negated or more
    if low_at(tokens, k) == "to" and is_verb_start(tokens, k + 1):
        return Cue(INTENT, base, j, k + 1, negated)  # "plans to open", "does not expect to cut"
    if base in INTENT_VERBS or (low.endswith("ed") and base not in ("forecast",)):
        if not (base in EXPECT_VERBS and low.endswith("ed") and future):
            return None
    imperative = j == 0 or low_at(tokens, j - 1) in CONJUNCTIONS | {",", ";", ":"}
    if imperative and base == "expect" and low == "expect" and previous not in SUBJECT_PRONOUNS:
        return Cue(IMPERATIVE, base, j, k, negated)
    shared = low in ("expects", "predicts", "anticipates", "foresees") or _finite_before(tokens, j - 1)
    if j == 0 or (previous in CONJUNCTIONS and not shared):
        return None  # no subject: "Forecasts show", "and projects"; but "has courted both sides and expects …"
    if low.endswith("s") and low != base + "s" and low != base + "es":
        return None
    following = low_at(tokens, k)
    if following in BE or following in HAVE or following in ("of", "for", "show", "shows", "suggest", "suggests", ""):
        return None  # "projects were delayed", "forecasts of"
    if not (tokens[k].is_word or following[:1] in "$€£") if k < len(tokens) else True:
        return None
    negated = negated != _restricted_subject(tokens, j)  # "few expect one soon", "only three expecting"
    return Cue(ACTIVE, base, j, k + 1 if following == "that" else k, negated)


#: Quantifiers that stand as the subject of an expectation verb ("many expect a cut").
_QUANTIFIER_SUBJECTS = word_set("few many most some several all both none")


def _after_a_verb(tokens: list[Token], i: int) -> bool:
    """An -s form after "<past verb> <modifier>" is a noun: "published new forecasts"."""
    modifier, verb = low_at(tokens, i - 1), low_at(tokens, i - 2)
    return bool(modifier) and modifier.isalpha() and modifier not in CONJUNCTIONS | SUBJECT_PRONOUNS \
        and not tokens[i - 1].capitalised and is_past_form(verb) and verb not in BE | HAVE


def _finite_before(tokens: list[Token], conjunction: int) -> bool:
    """The clause before a conjunction has a subject and a finite verb, so what follows shares
    it: "Its government has courted both sides and expects …"."""
    part = [t.low for t in tokens[:conjunction]]
    return len(part) >= 3 and any(low in HAVE | BE or is_past_form(low) for low in part[1:])


def _restricted_subject(tokens: list[Token], verb: int) -> bool:
    """The expectation's subject denies it: "few", "only three", "nobody", "no one", "hardly
    anyone", "not many" (but "a few" and "quite a few" expect it)."""
    span: list[str] = []
    for j in range(verb - 1, max(verb - 6, -1), -1):
        if not tokens[j].is_word or tokens[j].low in ("with", "that", "and", "but", "while", "as", "although"):
            break
        span.insert(0, tokens[j].low)
    if not span:
        return False
    first, second = span[0], span[1] if len(span) > 1 else ""
    return first in ("few", "only", "nobody", "none", "hardly", "scarcely") or (first, second) in (
        ("no", "one"), ("not", "many"), ("not", "everyone"), ("not", "all")) or (first == "no" and len(span) > 1)


#: Verbs of belief whose complement is the believer's forecast ("think the bank will cut").
_BELIEF_VERBS = word_set("""think thinks believe believes expect expects reckon reckons predict predicts foresee
    foresees anticipate anticipates imagine imagines see sees doubt doubts""")


def _denied_belief(tokens: list[Token], start: int) -> bool:
    """The clause from `start` is what a belief verb's subject denies: "few/hardly anyone/no one
    think(s) … will" reverses it, and so does "doubt" itself (but "few doubt" affirms it)."""
    for j in range(start - 1, max(start - 9, -1), -1):
        if not tokens[j].is_word:
            return False
        if tokens[j].low not in _BELIEF_VERBS:
            continue
        k, _ = back_over_adverbs(tokens, j)
        if low_at(tokens, k - 1) in DO:
            k -= 1
        return _restricted_subject(tokens, k) != tokens[j].low.startswith("doubt")
    return False


def _likelihood(tokens: list[Token], i: int) -> Cue | None:
    low = tokens[i].low
    k, negated = skip_adverbs(tokens, i + 1)
    head = low_at(tokens, k)
    if low in _CHANCE_NOUNS:
        previous = low_at(tokens, i - 1)
        if low in ("chances", "odds") and head in ("are", "is"):
            j = k + 1 + (1 if low_at(tokens, k + 1) == "that" else 0)
            return Cue(LIKELIHOOD, low, i, j, negated)
        quantified = previous in _QUANTIFIERS or previous.endswith("%") or previous in ("percent", "cent")
        if quantified and head in ("of", "that"):
            start = i - 1
            while start > 0 and low_at(tokens, start - 1) in DETERMINERS | {"a", "per", "in"} | set("0123456789"):
                start -= 1
            return Cue(LIKELIHOOD, previous if previous in _QUANTIFIERS else "chance", start, k + 1, negated)
        return _possibility_predicate(tokens, i, k, negated)
    if low == "remote" and head in _CHANCE_NOUNS:
        return None  # read at the noun: "a remote possibility", "a remote chance of"
    if low == "remote":
        return Cue(LIKELIHOOD, low, i, -1, negated) if low_at(tokens, i - 1) in BE or head in _CHANCE_NOUNS else None
    if low in ("toss-up", "fifty-fifty"):
        return Cue(LIKELIHOOD, low, i, -1, negated)
    if low == "likely" and (head == "to" or low_at(tokens, i - 1) in BE or low_at(tokens, i - 1) in DETERMINERS):
        return None  # read as "is likely to" / "a likely winner" elsewhere, or an adjective
    if head in ("was", "were", "had", "did") or (is_past_form(head) and head not in ("set", "cut", "put", "hit")):
        return None  # "was probably caused": an estimate about the past
    if head in BE or is_verb_start(tokens, k):
        return Cue(LIKELIHOOD, low, back_over_adverbs(tokens, i)[0], k, negated)
    return None


_HEDGES = word_set("no more than little at best most only just still now a an very distinct real")


def _possibility_predicate(tokens: list[Token], i: int, k: int, negated: bool) -> Cue | None:
    """"A US stake is no more than a remote possibility before 2028": the subject is what may
    happen, as in "a deal is unlikely before 2028" (an event cue; the noun's adjective is the prior)."""
    if tokens[i].low not in ("possibility", "prospect", "chance") or low_at(tokens, k) in ("of", "that", "for", "to"):
        return None
    j = i - 1
    while j > 0 and (tokens[j].low in _HEDGES or tokens[j].low in _QUANTIFIERS or tokens[j].low in NEGATIONS):
        negated = negated or tokens[j].low in NEGATIONS
        j -= 1
    if j < 1 or tokens[j].low not in BE or tokens[j - 1].low in ("there", "it", "this", "that", "which"):
        return None
    return Cue(EVENT, tokens[i - 1].low if tokens[i - 1].low in _QUANTIFIERS else tokens[i].low, j, k, negated)


def _uncertain(tokens: list[Token], i: int, ref: date) -> Cue | None:
    low = tokens[i].low
    if tokens[0].low == "whether" and low_at(tokens, i - 1) in BE | COPULAS | {"not", "yet", "still", "to"}:
        if _about_the_past(tokens[1:i]):
            return None
        return Cue(UNCERTAIN, "whether", 0, 1, False)  # "Whether the truce holds is unclear"
    k = i + 1
    while low_at(tokens, k) in ("on", "about", "over", "as", "to", ","):  # "undecided on whether"
        k += 1
    if low_at(tokens, k) in _WH:
        if _about_the_past(tokens[k + 1:]):
            return None  # "unclear whether he acted alone" asks about the past: no forecast there
        return Cue(UNCERTAIN, low, i, k + 1, False)
    if low in ("undecided", "seen"):
        return Cue(UNCERTAIN, low, i, k, False)
    return None


def _about_the_past(inner: list[Token]) -> bool:
    """A clause whose verb is past and that holds no modal: "he acted alone"."""
    return any(t.low in ("was", "were", "had", "did") or is_past_form(t.low) for t in inner[:6]) and not any(
        t.low in ("will", "would", "could", "might", "may", "'ll", "can", "should") for t in inner)


def _dated(tokens: list[Token]) -> Cue | None:
    """A present tense with a future date: "The final takes place on 3 June 2027"; not an
    instruction to the reader ("Check that your registration is valid before … closes on 30 November")."""
    if _imperative(tokens):
        return None
    if any(is_past_form(t.low) and low_at(tokens, n - 1) not in DETERMINERS | BE for n, t in enumerate(tokens)) \
            or any(t.low in HAVE for t in tokens):
        return None
    for n in range(1, len(tokens)):
        token, previous = tokens[n], tokens[n - 1]
        low = token.low
        if token.capitalised or not low.isalpha() or low in DETERMINERS | PREPOSITIONS | CONJUNCTIONS:
            continue
        if not previous.is_word or previous.low in DETERMINERS | PREPOSITIONS or previous.low[:1].isdigit():
            continue
        third_person = low.endswith("s") and not low.endswith(("ss", "us", "is"))
        plural_subject = previous.low.endswith("s") and not previous.low.endswith("ss")
        if low in ("is", "are") or ((third_person or plural_subject) and (
                low_at(tokens, n + 1) in PREPOSITIONS | DETERMINERS | {"place", "off", "up", "out"}
                or low_at(tokens, n + 1)[:1].isdigit())):
            return Cue(DATED, low, n, n, False)
    return None


def _imperative(tokens: list[Token]) -> bool:
    """The sentence opens with a bare verb and its object or "that" clause: a subject is never
    followed straight by a determiner ("Check your", "Make sure the", "Ensure that")."""
    if len(tokens) < 2 or not tokens[0].capitalised:
        return False
    first, second = tokens[0].low, tokens[1].low
    if first in SENTENCE_STARTERS or first in PREPOSITIONS or first.endswith("s") or not first.isalpha():
        return False
    return second in DETERMINERS - {"no"} or second in ("sure", "certain")

