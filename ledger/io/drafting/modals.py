"""Modal cues ("will sign", "could fall"), their false friends, and the modals that do not
forecast: advice, bare hypotheticals, counterfactuals, embedded wh-questions, past modals.

False friends are told from their neighbours, not listed: "will" and "might" after a determiner
or adjective or before "of"/"to" are nouns ("political will"); a capitalised "May" is the month
or a name; "could not be reached" is past reported ability; "may have"/"could have"/"would
have" + participle speak of the past; "would"/"could" in a clause about the past, with no
reporting verb before them, are habits or past ability.

English modals do several jobs. "should" gives advice when an agent is told what to do ("we
should", "councillors should vote") and forecasts when a thing is said to be on course ("prices
should ease"); "would" forecasts in reported speech, under a condition or with an estimative
adverb ("said it would", "if …, prices would rise", "would probably push"), but a bare "would"
only describes a hypothetical ("the plan would add a lane"); a clause under "had …" or "if … had
…" is counterfactual; "said how they will vote" asks no yes/no question; "could things have
turned out differently?" is about the past. Each predicate here looks at closed-class words and
neighbours only (see `words`).
"""

from __future__ import annotations

from ledger.io.drafting.cue import MODAL, Cue, back_over_adverbs, low_at, reporting_before, skip_adverbs
from ledger.io.drafting.words import (
    DETERMINERS, HAVE, NEGATIONS, REPORTING, SUBJECT_PRONOUNS, Token, word_set, is_adverb, is_participle, is_past_form,
    is_verb_start,
)

#: Subjects that, with "should", receive advice: the writer, the reader, everyone.
_ADVISED_PRONOUNS = word_set("i we you one everyone everybody anyone anybody us")
#: Nouns for people and bodies that act; with "should" + an action verb they are being advised.
_AGENT_NOUNS = word_set("""people government governments leaders officials voters residents citizens parents
    councillors councilors council lawmakers legislators ministers policymakers politicians regulators authorities
    companies firms employers employees workers investors readers consumers drivers users students teachers
    doctors countries nations states members donors parties opponents critics everyone""")
_AGENT_SUFFIXES = ("ers", "ors", "ists", "ians", "ents")
#: Verbs of experiencing or receiving: "we should see growth", "exporters should benefit" forecast.
_EXPERIENCE = word_set("see benefit gain feel get receive find notice face lose expect have hear know")
#: Words that make a "would" a conditional forecast rather than a bare hypothetical.
_CONDITIONAL = word_set("if unless provided providing assuming once otherwise lest whether")
#: Estimative adverbs that make a "would" a judgement ("would probably push prices higher").
_ESTIMATIVE = word_set("""probably likely certainly almost surely possibly definitely undoubtedly inevitably
    well doubtless presumably perhaps maybe""")
#: Verbs whose wh-complement ("said how they will vote") is an embedded open question.
#: Words that judge a "would" clause's likelihood from outside ("a risk that it would stall").
_JUDGING = word_set("likely unlikely possible certain risk chance chances odds danger prospect doubt doubtful")
_ASKING = REPORTING | word_set("""know knows knew decide decides decided decide ask asks asked wonder wonders
    wondered see determine determines determined reveal reveals revealed disclose disclosed specify specified
    explain explained clarify clarified""")
_WH_OPEN = word_set("how what why")
_WH_RELATIVE = word_set("who which where when whom")


def is_advice(tokens: list[Token], modal: int, verb: int, *, dated: bool = False) -> bool:
    """"should" telling an agent what to do: "We should not …", "Councillors should vote …".
    A plural agent noun known by its suffix only ("patients", "exporters") is advised when the
    clause names no future time ("orders should pick up next quarter" forecasts)."""
    if tokens[modal].low != "should" or verb < 0 or verb >= len(tokens):
        return False
    if tokens[verb].low in _EXPERIENCE:
        return False  # "we should see growth next year": a forecast
    j = modal - 1
    while j >= 0 and tokens[j].low in NEGATIONS | word_set("also still really surely all"):
        j -= 1
    if j < 0:
        return False
    head = tokens[j].low
    return head in _ADVISED_PRONOUNS or head in _AGENT_NOUNS or (not dated and head.endswith(_AGENT_SUFFIXES))


def is_inverted_condition(tokens: list[Token], modal: int, question: bool) -> bool:
    """"Should inflation ease, the bank would …": a clause-initial "should" opening a condition."""
    if question or tokens[modal].low != "should":
        return False
    return (modal == 0 or tokens[modal - 1].low in (",", "but", "and", "yet")) and any(
        t.low == "," for t in tokens[modal + 1:])


def is_bare_hypothetical(tokens: list[Token], modal: int) -> bool:
    """A "would" with no condition, no reporting verb and no estimative word in its clause: it
    describes ("the line would link two cities", "the plan would add a lane"), it does not
    forecast. The clause ends at ";" or ", and"/", but" (another clause's "if" is not its own)."""
    if tokens[modal].low not in ("would", "'d"):
        return False
    lows = [t.low for t in tokens]
    a, b = _clause(lows, modal)
    if lows[a] in ("should", "according") or any(low in _CONDITIONAL for low in lows[a:b]):
        return False
    attributed = any(low in REPORTING for low in lows[a:modal]) or any(
        low in REPORTING and "," in lows[modal:j] for j, low in enumerate(lows[:b]) if j > modal)
    return not attributed and not any(low in _ESTIMATIVE or low in _JUDGING for low in lows[a:b])


def _clause(lows: list[str], i: int) -> tuple[int, int]:
    """(start, end) of the clause around index i, cut at ";" and at ", and" / ", but"."""
    def joint(j: int) -> bool:
        return lows[j] == ";" or (lows[j] == "," and j + 1 < len(lows) and lows[j + 1] in ("and", "but"))
    a = next((j + 1 for j in range(i - 1, -1, -1) if joint(j)), 0)
    b = next((j for j in range(i + 1, len(lows)) if joint(j)), len(lows))
    return a, b


def in_open_wh_clause(tokens: list[Token], start: int) -> bool:
    """The modal's clause is a wh-complement that asks no yes/no question: "have not said how
    they will vote", "know what the bank will do". "whether" and "if" ask yes/no and stay."""
    for j in range(start - 1, max(start - 6, -1), -1):
        low = tokens[j].low
        if not tokens[j].is_word:
            return False
        if low in _WH_OPEN or low in _WH_RELATIVE:
            return j > 0 and tokens[j - 1].low in _ASKING
    return False


def is_counterfactual(tokens: list[Token]) -> bool:
    """"Had the city invested …, we might …", "If X had known, …": what did not happen."""
    lows = [t.low for t in tokens]
    if lows[:1] == ["had"] and any(is_participle(low) for low in lows[1:6]):
        return True
    for n, low in enumerate(lows):
        if low == "if":
            inner = lows[n + 1:n + 8]
            if any(w == "had" and m + 1 < len(inner) and is_participle(inner[m + 1]) for m, w in enumerate(inner)):
                return True
    return False


def inverted_past(tokens: list[Token], subject: int) -> bool:
    """An inverted question's modal with "have" + participle after its subject: "Could things
    have turned out differently?" asks about the past."""
    for j in range(subject, min(subject + 6, len(tokens) - 1)):
        low = tokens[j].low
        if low in HAVE and (is_participle(tokens[j + 1].low) or is_past_form(tokens[j + 1].low)):
            return True
        if low in SUBJECT_PRONOUNS and j > subject:
            return False
    return False


#: After "could (not) (be)": past reported ability ("could not be reached for comment").
_PAST_ABILITY = word_set("""reach reached contact contacted confirm confirmed verify verified comment say
    determine determined establish established identify identified recall remember locate located immediately
    independently""")
#: Adjectives before "will"/"might" that make them nouns.
_NOUN_MAKERS = word_set("""political popular public good free ill strong military economic national collective
    general sheer own last iron economic people's growing lack weak""")
#: After "would not": declining to speak ("would not comment").
_DECLINED = word_set("say comment confirm disclose reveal elaborate discuss specify name identify give answer")

def modal_cue(tokens: list[Token], i: int, past_clause: bool, question: bool, *, future: bool = False) -> Cue | None:
    """The modal cue at token i ("will sign", "could fall"), or None for a false friend or a
    modal that does not forecast (see the module docstring)."""
    token, low = tokens[i], tokens[i].low
    previous, following = low_at(tokens, i - 1), low_at(tokens, i + 1)
    if low == "may" and token.capitalised:
        return None  # the month, or a name
    if low in ("will", "might", "may") and (previous in DETERMINERS or previous == "'s" or previous in _NOUN_MAKERS
                                            or following in ("of", "to", "for", "and", "or")):
        return None  # "political will", "the will of the people", "military might"
    if low == "will" and token.capitalised and i > 0:
        return None  # a name: "Will Smith"
    if i == 0 and token.capitalised and not question and low_at(tokens, 1)[:1].isalpha() and tokens[1].capitalised:
        return None  # a name at the start of a sentence: "Will Hughes said"
    k, negated = skip_adverbs(tokens, i + 1)
    head = low_at(tokens, k)
    if low == "'d":
        if is_participle(head):
            return None  # "they'd gone": had
        low = "would"
    if head in HAVE and head != "having" and is_participle(low_at(tokens, k + 1)) and low_at(tokens, k + 1) != "got":
        if low not in ("will", "shall"):
            return None  # "may have been", "would have won": the past, or what did not happen
    if low == "could":
        j, _ = skip_adverbs(tokens, k + (1 if head == "be" else 0))
        if head in _PAST_ABILITY or low_at(tokens, j) in _PAST_ABILITY:
            return None  # "could not be reached for comment"
    if low in ("would", "will") and negated and head in _DECLINED:
        return None  # "a spokesperson would not say": a refusal reported, not a forecast
    if low in ("would", "could") and past_clause and reporting_before(tokens, i) < 0:
        return None  # "in the 1990s farmers would plant maize": a past habit
    if question and k < len(tokens) and (head in SUBJECT_PRONOUNS or head in DETERMINERS or tokens[k].capitalised
                                         or i == 0):
        if inverted_past(tokens, k):
            return None  # "Could things have turned out differently?"
        return Cue(MODAL, low, back_over_adverbs(tokens, i)[0], k, negated)  # inverted: "will the bank cut"
    if is_inverted_condition(tokens, i, question):
        return None  # "Should inflation ease, …": the condition of the main clause's forecast
    if is_bare_hypothetical(tokens, i) and not question:
        return None  # "the plan would add a third lane": what it would do, not what will happen
    if k >= len(tokens) or not tokens[k].is_word:
        # an elliptical modal closes the clause: "it probably will.", but not "political will."
        if previous in SUBJECT_PRONOUNS or is_adverb(tokens, i - 1) or previous in ("not",):
            return Cue(MODAL, low, back_over_adverbs(tokens, i)[0], -1, negated)
        return None
    if not is_verb_start(tokens, k) or is_advice(tokens, i, k, dated=future):
        return None  # "councillors should vote the plan down": advice, not a forecast
    start, before_negated = back_over_adverbs(tokens, i)
    if in_open_wh_clause(tokens, start):
        return None  # "have not said how they will vote": no yes/no question to ask
    return Cue(MODAL, low, start, k, negated or before_negated)
