"""Tokens and the closed word classes the drafting rules lean on.

English marks tense and modality with a small closed set of words (auxiliaries, modals,
determiners, prepositions, pronouns), so the rules can recognise "modal + base verb" or
"copula + expectation participle + to" without a tagger: a word is judged by these classes
and by its neighbours. Open-class words (nouns, verbs) are never listed, except the few verbs
whose meaning is expectation itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


DETERMINERS = word_set("""the a an this that these those his her its their our my your some any no every each all
    both either neither much many more most such what which whose another other several few""")
PREPOSITIONS = word_set("""of in on at by for with from to into onto over under about after before since until
    through during against among between without within across per via than as like upon toward towards
    despite amid beyond""")
CONJUNCTIONS = word_set("and or but nor yet so")
SUBJECT_PRONOUNS = word_set("i you he she it we they")
#: Pronoun-like subjects written in lower case inside a title.
INDEFINITE_PRONOUNS = word_set("nobody everyone everybody someone somebody anyone anybody none nothing something"
                             " everything few many most some all both each")
#: Pronouns a title cannot stand on: the reader would not know who is meant.
PERSONAL = word_set("i you we me us our my your")
BE = word_set("be is are am was were been being 's 're 'm")
PAST_BE = word_set("was were been")
HAVE = word_set("have has had having 've")
DO = word_set("do does did")
NEGATIONS = word_set("not never")
#: Modal auxiliaries that point ahead. "can" and "must" speak of ability and duty now, not of
#: what will happen, and are left out on purpose.
MODALS = word_set("will would shall should could may might")
#: Words that may stand between an auxiliary and its verb.
ADVERBS = word_set("""not never also still probably likely possibly certainly definitely surely almost
    nearly virtually very highly most more only just soon then now eventually finally well even further
    again no longer ever already perhaps maybe undoubtedly actually quickly slowly gradually soon
    all but initially first once likely unlikely really largely mostly partly broadly""")
#: Words that end in -ly but are not adverbs (so "will rally" keeps its verb).
LY_NOT_ADVERBS = word_set("""rally supply apply reply rely ally comply imply multiply fly july italy family
    belly bully tally sully dally assembly anomaly monopoly""")
#: Capitalised words that begin sentences: closed-class words and common sentence openers.
SENTENCE_STARTERS = DETERMINERS | SUBJECT_PRONOUNS | CONJUNCTIONS | word_set("""there here in on at for with after
    before if when while although though however meanwhile still but and yet so as by from to since
    until during despite because unless whether where who how why one two three four five many most
    officials analysts experts economists investors critics"""
)
#: Verbs that report speech or belief: what follows them may be a forecast in reported speech.
REPORTING = word_set("""said says say told tells tell warned warns warn noted notes added adds argued argues
    believes believe believed thinks think thought reckons reckon insisted insists stated states announced
    announces explained explains suggested suggests wrote writes cautioned cautions stressed stresses
    claimed claims predicted predicts estimated estimates signalled signaled signals indicated indicates
    acknowledged acknowledges conceded concedes hinted hints promised promises vowed vows pledged pledges
    forecast forecasts projected projects expects expected expect anticipates anticipated anticipate
    hopes hoped hope fears feared fear concluded concludes reported reports according say tell warn note add
    argue reckon insist state announce explain suggest write caution stress claim predict estimate signal
    indicate acknowledge concede hint show shows showed imply implies implied""")
#: Irregular past participles (regular ones end in -ed).
IRREGULAR_PARTICIPLES = word_set("""been done gone seen taken given made said known shown grown thrown written
    driven risen fallen chosen spoken broken stolen frozen eaten beaten forgotten gotten got begun run won
    lost paid sold told held kept left met led read sent spent built bought brought caught taught thought
    fought found heard hit cut put set let hurt cost shut spread struck stood understood become come drawn
    flown worn torn sworn sunk shrunk sprung hidden ridden bitten shaken woken forbidden forgiven overtaken
    undertaken withdrawn dealt felt meant slept lent bent burnt learnt lit fed fled sped slid bound wound
    sat spun stuck hung swung dug laid shed passed""")
#: Irregular simple past forms (for telling a past clause).
IRREGULAR_PAST = word_set("""was were had did went saw took gave made said knew showed grew threw wrote drove
    rose fell chose spoke broke stole froze ate beat forgot got began ran won lost paid sold told held kept
    left met led sent spent built bought brought caught taught thought fought found heard came drew flew
    wore tore swore sank shrank sprang hid rode bit shook woke forgave overtook undertook withdrew dealt
    felt meant slept lent bent burnt learnt lit fed fled sped slid sat spun stuck hung swung dug laid stood
    understood became""")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = word_set("monday tuesday wednesday thursday friday saturday sunday")


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark of a sentence.

    Attributes:
        text: as written (a contraction's parts keep the written piece, e.g. "n't").
        low: normalised for matching: lower case, straight apostrophes, contractions expanded
            ("won't" gives "will" and "not", "they'll" gives "they" and "will").
        start: offset of the first character in the sentence.
        end: offset after the last character.
    """

    text: str
    low: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.low[:1].isalnum() or self.low.startswith("'")

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


_TOKEN = re.compile(
    r"[$€£]?[0-9]+(?:[.,:][0-9]+)*(?:%|[A-Za-z]+)?"  # numbers: 2.5, 10,000, 7:3, 3%, 5bn
    r"|[A-Za-z]+(?:\.[A-Za-z])+\.?"  # initialisms: U.S., e.g., p.m.
    r"|[A-Za-z]+(?:[-'’][A-Za-z]+)*"  # words, hyphenated words, contractions
    r"|[^\sA-Za-z0-9]"  # one punctuation mark
)
_SPLIT_CONTRACTION = re.compile(r"(?i)^(.+?)(n['’]t|['’](?:ll|re|ve|m|d|s))$")
_NEGATIVE_STEMS = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}
_CLITICS = {"'ll": "will", "'re": "'re", "'ve": "'ve", "'m": "'m", "'d": "'d", "'s": "'s"}


def tokenize(sentence: str) -> list[Token]:
    """The sentence's tokens; quotation marks are dropped (they never change what is claimed)."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(sentence):
        text, start, end = match.group(), match.start(), match.end()
        if text in "\"“”‘’'«»":
            continue
        low = text.lower().replace("’", "'")
        parts = _SPLIT_CONTRACTION.match(low) if "'" in low else None
        if parts and parts.group(1) not in ("o", "y"):  # not o'clock, y'all
            stem, clitic = parts.group(1), parts.group(2)
            cut = start + len(stem)
            if clitic.startswith("n"):
                tokens.append(Token(text[:len(stem)], _NEGATIVE_STEMS.get(stem, stem), start, cut))
                tokens.append(Token(text[len(stem):], "not", cut, end))
            else:
                tokens.append(Token(text[:len(stem)], stem, start, cut))
                tokens.append(Token(text[len(stem):], _CLITICS[clitic], cut, end))
            continue
        tokens.append(Token(text, low, start, end))
    return tokens


def is_participle(low: str) -> bool:
    """A past participle: regular (-ed) or from the irregular list."""
    return (low.endswith("ed") and len(low) > 3) or low in IRREGULAR_PARTICIPLES


def is_past_form(low: str) -> bool:
    """A simple past form: regular (-ed) or from the irregular list."""
    return (low.endswith("ed") and len(low) > 3 and low != "need") or low in IRREGULAR_PAST


def is_adverb(tokens: list[Token], i: int) -> bool:
    """Whether token i is an adverb that may stand inside a verb group ("will quickly rise")."""
    low = tokens[i].low
    if low in ADVERBS:
        return True
    if low.endswith("ly") and low not in LY_NOT_ADVERBS and len(low) > 4:
        following = tokens[i + 1].low if i + 1 < len(tokens) else ""
        return bool(following) and following[:1].isalpha() and following not in DETERMINERS | PREPOSITIONS
    return False


def is_verb_start(tokens: list[Token], i: int) -> bool:
    """Whether token i can begin a verb phrase: a word that is not a determiner, preposition,
    conjunction or number (closed classes that never follow a modal)."""
    if i >= len(tokens) or not tokens[i].is_word:
        return False
    low = tokens[i].low
    if low[:1].isdigit() or low in DETERMINERS - {"that"} or low in CONJUNCTIONS:
        return False
    return low not in PREPOSITIONS - {"be"}
