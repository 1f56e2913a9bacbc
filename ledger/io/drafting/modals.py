"""When a modal does not forecast: advice, bare hypotheticals, counterfactuals, embedded
wh-questions and past modals in questions.

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

from ledger.io.drafting.words import (
    HAVE, NEGATIONS, REPORTING, SUBJECT_PRONOUNS, Token, word_set, is_participle, is_past_form,
)

#: Subjects that, with "should", receive advice: the writer, the reader, everyone.
_ADVISED_PRONOUNS = word_set("i we you one everyone everybody anyone anybody us")
#: Nouns for people and bodies that act; with "should" + an action verb they are being advised.
_AGENT_NOUNS = word_set("""people government governments leaders officials voters residents citizens parents
    councillors councilors council lawmakers legislators ministers policymakers politicians regulators authorities
    companies firms employers employees workers investors readers consumers drivers users students teachers
    doctors countries nations states members donors parties opponents critics everyone""")
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


def is_advice(tokens: list[Token], modal: int, verb: int) -> bool:
    """"should" telling an agent what to do: "We should not …", "Councillors should vote …"."""
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
    return head in _ADVISED_PRONOUNS or head in _AGENT_NOUNS


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
