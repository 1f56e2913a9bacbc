"""Article text in, a draft scenario out: the pure function behind `ledger scenario draft`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger.core.validate import slugify
from ledger.io.drafting.casing import Casing, read_casing
from ledger.io.drafting.claims import Claim, claims_in
from ledger.io.drafting.cues import find_cues
from ledger.io.drafting.dates import add_years, closes_for, find_published, is_date_line, time_refs
from ledger.io.drafting.filters import is_boilerplate
from ledger.io.drafting.priors import LIKELY, UNLIKELY, phrase_prior, prior_for
from ledger.io.drafting.segment import HEADING, META, QUESTION, Unit, read_units
from ledger.io.drafting.faq import asks_likelihood, question_title
from ledger.io.drafting.titles import FALLBACK, clean, title_for
from ledger.io.drafting.words import tokenize


FALLBACK_START = FALLBACK.split("{")[0]
#: A trailing concession or aside whose dates are not the claim's ("…, although the board backed him in March").
_ASIDE = re.compile(r",\s+(?:although|though|but|while|whereas|after|since|because|even as)\b.*$", re.DOTALL)


@dataclass(frozen=True)
class QuestionDraft:
    """One suggested question (SPEC 9 keys).

    Attributes:
        slug: unique within the file.
        title: a "Will …?" question.
        criteria: starts with "TODO": what a resolver must pin down.
        closes: suggested closing date, `YYYY-MM-DD`.
        prior: the source's likelihood as an ICD 203 term (or a stated number), or None.
        quote: the clause or sentence it came from.
    """

    slug: str
    title: str
    criteria: str
    closes: str
    prior: str | None
    quote: str


@dataclass(frozen=True)
class ScenarioDraft:
    """A draft scenario file's content.

    Attributes:
        slug, title: the scenario block's.
        source: the source block's (key, value) pairs in file order; empty for none.
        questions: the drafts, in the article's order.
        units: how many units (sentences, headings, bullet items, lines) were read.
    """

    slug: str
    title: str
    source: tuple[tuple[str, str], ...]
    questions: tuple[QuestionDraft, ...]
    units: int


@dataclass(frozen=True)
class _Candidate:
    title: str
    subject: str
    prior: str | None
    quote: str
    when_text: str


def draft_scenario(text: str, *, today: date, slug: str | None = None, title: str | None = None,
                   publisher: str | None = None, url: str | None = None, published: date | None = None) -> ScenarioDraft:
    """Draft questions from the forward-looking statements of an article.

    Args:
        text: the article as plain text.
        today: the day to count from when the article has no published date (passed in, so the
            result depends on the arguments only).
        slug, title, publisher, url, published: the scenario block's values; `published`
            defaults to a date line found in the text.
    """
    units = read_units(text)
    published = published or find_published(text)
    ref = published or today
    casing = read_casing(text, [tokenize(u.text) for u in units if u.kind not in (HEADING, META)])
    headline = next((u.text for u in units[:2] if u.kind == HEADING and not is_date_line(u.text)), None)
    candidates = _candidates(units, ref, casing)
    questions = _questions(candidates, ref, published)
    # `or` after `clean`: a headline of only quotation marks cleans to ""
    scenario_title = title or (clean(headline) if headline else "") or "Draft scenario"
    source = tuple((key, value) for key, value in (
        ("title", clean(headline) if headline else None), ("publisher", publisher), ("url", url),
        ("published", published.isoformat() if published else None)) if value)
    return ScenarioDraft(slug or slugify(scenario_title, limit=48), scenario_title, source, questions, len(units))


def _candidates(units: list[Unit], ref: date, casing: Casing) -> list[_Candidate]:
    """Every claim of the article, in order, with its title, prior and quote."""
    found: list[_Candidate] = []
    consumed: set[int] = set()
    for n, unit in enumerate(units):
        if n in consumed or unit.kind == META or is_date_line(unit.text) or is_boilerplate(unit.text):
            continue
        if unit.kind == QUESTION:
            answer = _own_answer(units, _answer(units, n), ref)
            faq = _faq(unit, [units[m] for m in answer], ref)
            if faq is not None:  # else ("What happens next?") the answer's claims are drafted one by one
                found.append(faq)
                consumed.update(answer)
            continue
        claims = claims_in(unit.text, ref)
        if unit.kind == HEADING and not claims:
            continue
        subject = ""
        for claim in claims:
            title, subject = title_for(claim.sentence, list(claim.tokens), list(claim.cues), casing, subject)
            prior = prior_for(list(claim.tokens), list(claim.cues), as_written=title.startswith(FALLBACK_START))
            found.append(_Candidate(title, subject, prior, claim.quote, _ASIDE.sub("", claim.quote)))
    return found


def _prior(claim: Claim) -> str | None:
    return prior_for(list(claim.tokens), list(claim.cues))


def _answer(units: list[Unit], n: int) -> list[int]:
    """Indices of the units that answer the question at n: the rest of its block, else the next
    block of sentences."""
    block = units[n].block
    same = [m for m in range(n + 1, len(units)) if units[m].block == block]
    if same:
        return same
    following = [m for m in range(n + 1, len(units)) if units[m].block == block + 1]
    if following and all(units[m].kind not in (HEADING, QUESTION, META) for m in following):
        return following
    return []


def _own_answer(units: list[Unit], answer: list[int], ref: date) -> list[int]:
    """The part of an answer that answers: its first sentence and what follows until a sentence
    with a claim of its own ("Partly. US officials have said they will ease …" drafts that
    sentence on its own)."""
    for position, m in enumerate(answer[1:], start=1):
        if claims_in(units[m].text, ref):
            return answer[:position]
    return answer


def _faq(question: Unit, answer: list[Unit], ref: date) -> _Candidate | None:
    """A yes/no question about the future with its answer, as one candidate: the question gives
    the title, the answer the prior. None for a question about the present or the past."""
    title = question_title(question.text)
    _, future = time_refs(question.text, ref)
    if title is None or (not find_cues(tokenize(question.text), ref, question=True) and not future
                         and not asks_likelihood(question.text)):
        return None
    answer_text = " ".join(u.text for u in answer)
    answer_claims = [c for u in answer for c in claims_in(u.text, ref)]
    quote = " ".join(filter(None, (question.text, answer_text)))
    return _Candidate(title, "", _answer_prior(answer_text, answer_claims), quote, quote)


_CONCESSION = re.compile(r",\s+(?:though|although|but|even if|even though)\b", re.IGNORECASE)


def _answer_prior(answer: str, claims: list[Claim]) -> str | None:
    """The answer's own estimative words ("Almost certainly not."); else a bare "Yes"/"No" as
    likely/unlikely; else the prior of its first claim."""
    first_sentence = re.split(r"(?<=[.!?])\s", answer, maxsplit=1)[0]
    # A bare "Yes"/"No" decides; a concession after it only hedges the timing: "Yes, most
    # negotiators believe, though probably not before the first stoppage" is likely.
    opening = tokenize(_CONCESSION.split(first_sentence, maxsplit=1)[0] if re.match(r"\W*(?:yes|no)\b", first_sentence,
                                                                                  re.IGNORECASE) else first_sentence)
    if phrase_prior(opening) is not None:
        return prior_for(opening, claims[0].cues if claims and claims[0].sentence == first_sentence else [])
    if re.match(r"\W*no\b", answer, re.IGNORECASE):
        return UNLIKELY
    if re.match(r"\W*yes\b", answer, re.IGNORECASE):
        return LIKELY
    return _prior(claims[0]) if claims else None


_NUMBER = re.compile(r"(?:[$€£][0-9][0-9,.]*(?:\s?(?:bn|billion|m|million|trillion|tn|k))?"
                     r"|[0-9][0-9,.]*\s?(?:%|per ?cent|percent|bn|billion|million|trillion|basis points|points"
                     r"|bps|GW|MW|gigawatts|megawatts|degrees|°C|tonnes|barrels|km|seats|votes|troops|units)(?!\w))")
_STOP = frozenset("will the a an of to be it that happen there is are".split())


def _questions(candidates: list[_Candidate], ref: date, published: date | None) -> tuple[QuestionDraft, ...]:
    drafts: list[QuestionDraft] = []
    seen_quotes: set[str] = set()
    slugs: set[str] = set()
    default_close = add_years(ref, 1)
    for c in candidates:
        if c.quote in seen_quotes:
            continue
        seen_quotes.add(c.quote)
        closes = (closes_for(c.when_text, ref) or default_close).isoformat()
        words = [w for w in re.findall(r"[A-Za-z0-9]+", c.title.removeprefix("Will it happen that:"))
                 if w.lower() not in _STOP]
        base = slugify(" ".join(words), limit=48)
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        drafts.append(QuestionDraft(slug, c.title, _criteria(c, closes), closes, c.prior, c.quote))
    return tuple(drafts)


def _criteria(c: _Candidate, closes: str) -> str:
    """What a resolver would have to pin down, as a TODO the analyst replaces."""
    who = f"who counts as {c.subject!r}" if c.subject and c.subject.lower() not in ("it", "they", "there") \
        else "who must act"
    numbers = [n.strip() for n in _NUMBER.findall(c.quote)]
    threshold = f"; the threshold ({', '.join(dict.fromkeys(numbers))}) and how it is measured" if numbers else ""
    return (f"TODO: resolves yes if … — pin down {who}, what exactly counts as it happening, "
            f"which source confirms it{threshold}; and the date (closes {closes}).")
