"""Probability input and display (SPEC section 4).

Analysts type probabilities the way they think of them: `70%`, `0.7`, odds `7:3`,
`1 in 4` or an ICD 203 term such as `likely`. This module turns that text into a
float in [0, 1], refuses anything it cannot read without guessing, and shows a
probability back as a percent with its ICD 203 term.

Numbers are read with explicit `[0-9]` patterns and exact `Fraction` arithmetic, so
`70%` is exactly `0.7` and no Unicode digit, exponent, sign or `nan` slips in
through `float()`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ledger.core.errors import BadInput


@dataclass(frozen=True)
class IcdTerm:
    """One row of the ICD 203 table of expressions of likelihood.

    Attributes:
        term: The phrase analysts write, e.g. "likely".
        synonym: The table's alternative phrase, e.g. "probable".
        low: Lower edge of the band, as a fraction.
        high: Upper edge of the band, as a fraction.
        value: The probability the term stands for when typed: the middle of the band.
    """

    term: str
    synonym: str
    low: float
    high: float
    value: float


ICD_TERMS: tuple[IcdTerm, ...] = (
    IcdTerm("almost no chance", "remote", 0.01, 0.05, 0.03),
    IcdTerm("very unlikely", "highly improbable", 0.05, 0.20, 0.125),
    IcdTerm("unlikely", "improbable", 0.20, 0.45, 0.325),
    IcdTerm("roughly even chance", "roughly even odds", 0.45, 0.55, 0.50),
    IcdTerm("likely", "probable", 0.55, 0.80, 0.675),
    IcdTerm("very likely", "highly probable", 0.80, 0.95, 0.875),
    IcdTerm("almost certain", "nearly certain", 0.95, 0.99, 0.97),
)

# Typed phrase -> exact value. str(float) is the table's decimal, so Fraction reads it exactly.
_PHRASES: dict[str, Fraction] = {
    phrase: Fraction(str(row.value)) for row in ICD_TERMS for phrase in (row.term, row.synonym)
}

# Upper cut points for `icd_term`, in table order; the last row takes everything above.
# "roughly even chance" includes both its edges, hence the `inclusive` flag.
_CUTS: tuple[tuple[float, bool], ...] = (
    (0.05, False),
    (0.20, False),
    (0.45, False),
    (0.55, True),
    (0.80, False),
    (0.95, False),
)

# ASCII digits only, on purpose: `\d` would also match Arabic-Indic, fullwidth and other digits.
_NUMBER = r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
_PERCENT = re.compile(rf"({_NUMBER}) ?%")
_DECIMAL = re.compile(rf"({_NUMBER})")
_INTEGER = re.compile(r"[0-9]+")
_ODDS = re.compile(rf"({_NUMBER}) ?: ?({_NUMBER})")
_ONE_IN = re.compile(rf"({_NUMBER}) in ({_NUMBER})")
_COMMA_DECIMAL = re.compile(r"[0-9]*,[0-9]+%?")

_HINT = "write e.g. 70%, 0.7, 7:3, 1 in 4 or an ICD 203 term such as 'likely'"
_SUM_TOLERANCE = Fraction(5, 1000)


def parse_probability(text: str) -> float:
    """Read a probability typed by a person.

    Surrounding spaces are ignored, case does not matter and runs of inner spaces count
    as one. See SPEC section 4 for the accepted forms.

    Returns:
        A float p with 0 <= p <= 1, exact where the input is (``70%`` == 0.7).

    Raises:
        BadInput: The text is not a probability; the message quotes it.
    """
    return float(_parse_exact(text))


def _parse_exact(text: str) -> Fraction:
    """Parse like `parse_probability`, keeping the exact value for sums of choices."""
    if not isinstance(text, str):
        raise BadInput(f"not a probability: {text!r}")
    shown = repr(text.strip() or text)
    collapsed = " ".join(text.split())
    if not collapsed:
        raise BadInput(f"not a probability: {shown} is empty")
    norm = collapsed.lower()
    # ASCII is checked before lowering, which would map e.g. the Kelvin sign onto "k".
    if collapsed.isascii() and (value := _read_form(norm, shown)) is not None:
        return value
    raise BadInput(f"not a probability: {shown} {_why_not(norm)}")


def _read_form(norm: str, shown: str) -> Fraction | None:
    """The value of normalised ASCII text in one of the accepted forms, or None if in none.

    Raises BadInput for a well-formed number that is out of range or ambiguous.
    """
    if norm in _PHRASES:
        return _PHRASES[norm]
    if match := _PERCENT.fullmatch(norm):
        value = _number(match[1]) / 100
        if value > 1:
            raise BadInput(f"not a probability: {shown} is above 100%")
        return value
    if match := _DECIMAL.fullmatch(norm):
        value = _number(match[1])
        if value <= 1:
            return value
        if _INTEGER.fullmatch(norm) and value <= 100:
            # "70" could mean 70% or be a slip for 0.7: refuse to guess.
            fraction = (Decimal(norm) / 100).normalize()
            raise BadInput(
                f"not a probability: {shown} is ambiguous; write {Decimal(norm)}% or {fraction}"
            )
        raise BadInput(f"not a probability: {shown} is above 1")
    if match := _ODDS.fullmatch(norm):
        for_, against = _number(match[1]), _number(match[2])
        if for_ + against == 0:
            raise BadInput(f"not a probability: odds {shown} have two zero sides")
        return for_ / (for_ + against)
    if match := _ONE_IN.fullmatch(norm):
        hits, total = _number(match[1]), _number(match[2])
        if total == 0:
            raise BadInput(f"not a probability: {shown} counts out of zero")
        if hits > total:
            raise BadInput(f"not a probability: {shown} is above 1")
        return hits / total
    return None


def _number(digits: str) -> Fraction:
    """The exact value of text already matched by `_NUMBER`."""
    return Fraction(Decimal(digits))


def _why_not(norm: str) -> str:
    """The end of the message for text in no accepted form: a specific reason if one is clear."""
    if any(char.isdigit() and not "0" <= char <= "9" for char in norm):
        return "uses digits other than 0-9"
    if _COMMA_DECIMAL.fullmatch(norm):
        return "uses a decimal comma; use a point, e.g. 0.7"
    rest = norm[1:].lstrip()
    if norm.startswith("-") and norm.isascii() and re.match(r"[0-9.]", rest):
        try:
            negated = _read_form(rest, "")
        except BadInput:
            negated = None
        if negated is not None and negated > 0:
            return "is below 0"
    return f"is not understood; {_HINT}"


def icd_term(p: float) -> str:
    """The ICD 203 term whose band holds p; each table value maps back to its own row."""
    _check_range(p)
    for row, (cut, inclusive) in zip(ICD_TERMS, _CUTS):
        if p < cut or (inclusive and p == cut):
            return row.term
    return ICD_TERMS[-1].term


def format_percent(p: float) -> str:
    """p as a percent with at most two decimals, e.g. "67.5%", "33.33%", "100%".

    Only exactly 0 and 1 show as "0%" and "100%"; values that would round onto them
    show as "<0.01%" and ">99.99%" so a hedge is never displayed as a certainty.
    """
    _check_range(p)
    if p == 0:
        return "0%"
    if p == 1:
        return "100%"
    text = _percent_text(Fraction(p))
    if text == "0%":
        return "<0.01%"
    if text == "100%":
        return ">99.99%"
    return text


def _percent_text(value: Fraction) -> str:
    """Any non-negative fraction as a percent rounded to two decimals, trailing zeros cut.

    Rounds the exact value (Decimal of a Fraction, not the float product), so float noise
    such as 0.675 * 100 == 67.50000000000001 never shows.
    """
    hundredths = round(value * 10000)  # Fraction rounds half to even, on the exact value
    return f"{Decimal(hundredths).scaleb(-2):f}".rstrip("0").rstrip(".") + "%"


def describe(p: float) -> str:
    """p as shown to people everywhere: percent and ICD 203 term, e.g. "67.5% (likely)"."""
    return f"{format_percent(p)} ({icd_term(p)})"


def _check_range(p: float) -> None:
    """Refuse a value that is not a probability; reaching here with one is a bug, not bad input."""
    if not 0 <= p <= 1:
        raise ValueError(f"not a probability: {p!r}")


@dataclass(frozen=True)
class ForecastInput:
    """What an analyst typed for a forecast, parsed before any lock is taken: one probability
    for a yes/no question, or `OPTION=PROB` pairs for a choice question (matched against the
    question's options inside the write, by `choose`).

    Attributes:
        p: the probability of yes, or None for pairs.
        pairs: (option name as typed, exact probability), in the order typed.
    """

    p: Fraction | None
    pairs: tuple[tuple[str, Fraction], ...] = ()

    def probabilities(self, kind: str, options: Sequence[str], label: str) -> tuple[float, ...]:
        """The stored probabilities for a question of this kind and options (`label` names it)."""
        if kind == "binary":
            if self.p is None:
                raise BadInput(f"{label} is a yes/no question: give one probability, e.g. 70%")
            return (float(self.p), 1.0 - float(self.p))
        if self.p is not None:
            raise BadInput(f"{label} is a choice question: give one OPTION=PROB per option ({_listing(options)})")
        return choose(self.pairs, options)


def read_forecast(args: Sequence[str]) -> ForecastInput:
    """Parse forecast arguments: one probability, or one `OPTION=PROB` each (split at the last `=`).

    Raises:
        BadInput: every problem found, together.
    """
    if len(args) == 1 and "=" not in args[0]:
        return ForecastInput(_parse_exact(args[0]))
    pairs, problems = [], []
    for arg in args:
        name, equals, prob = arg.rpartition("=")
        if not equals:
            problems.append(f"{arg!r} is not OPTION=PROB" + (" (give one probability, or one OPTION=PROB per option)"
                                                              if len(args) > 1 else ""))
            continue
        try:
            pairs.append((name, _parse_exact(prob)))
        except BadInput as error:
            problems.append(f"option {name!r}: {error}")
    if problems:
        raise BadInput("; ".join(problems))
    return ForecastInput(None, tuple(pairs))


def parse_choice(args: Sequence[str], options: Sequence[str]) -> tuple[float, ...]:
    """Read one `OPTION=PROB` argument per option of a choice question (see `choose`).

    Raises:
        BadInput: An argument lacks `=` or has a bad probability, or `choose` refuses.
    """
    given = read_forecast(args)
    if given.p is not None:
        raise BadInput(f"{args[0]!r} is not OPTION=PROB")
    return choose(given.pairs, options)


def choose(pairs: Sequence[tuple[str, Fraction]], options: Sequence[str]) -> tuple[float, ...]:
    """Probabilities in the order of `options` from (name, probability) pairs.

    A name matches an option exactly, or failing that one option case-insensitively. All
    problems are gathered and reported together.

    Returns:
        Probabilities in the order of `options`, normalised to sum to 1 (unchanged when
        they already sum to exactly 1).

    Raises:
        BadInput: A name is unknown or ambiguous, an option is repeated or missing, or the sum
            is off 1 by more than 0.005.
    """
    given: dict[str, Fraction] = {}
    problems: list[str] = []
    for name, value in pairs:
        option = _match_option(name, options, problems)
        if option is None:
            continue
        if option in given:
            problems.append(f"option {option!r} is given twice")
            continue
        given[option] = value
    missing = [option for option in options if option not in given]
    if missing:
        problems.append(f"no probability for {_listing(missing)}")
    if problems:
        raise BadInput("; ".join(problems))

    return normalise_choice([given[option] for option in options])


#: How far from 1 the exact sum of a choice forecast's probabilities may be (SPEC 4).
SUM_TOLERANCE = _SUM_TOLERANCE
#: Sums this close to 1 are float noise: the values are kept exactly as given, so an exported
#: ledger imports back to the very same numbers.
_KEEP_AS_GIVEN = Fraction(1, 10**12)


def normalise_choice(values: Sequence[float | Fraction]) -> tuple[float, ...]:
    """The one rule for a choice forecast's probabilities (SPEC 4), typed or imported: their sum
    must be within 0.005 of 1, then they are scaled to sum to 1.

    The sum is exact: a float counts as the decimal it is written as (`0.4975` is 0.4975, not
    the binary fraction nearest to it), so `49.75%` typed and `0.4975` in a file are judged alike.

    Returns:
        The probabilities in the given order, normalised (kept as given when they already sum to
        1 within 1e-12).

    Raises:
        BadInput: the sum is off 1 by more than 0.005.
    """
    exact = [v if isinstance(v, Fraction) else Fraction(repr(float(v))) for v in values]
    total = sum(exact, Fraction(0))
    if abs(total - 1) > _SUM_TOLERANCE:
        raise BadInput(
            f"probabilities sum to {_percent_text(total)}; they must sum to 100% (within 0.5%)"
        )
    if abs(total - 1) <= _KEEP_AS_GIVEN:
        return tuple(float(v) + 0.0 for v in exact)  # + 0.0: a -0 is 0
    return tuple(float(v / total) for v in exact)


def _match_option(name: str, options: Sequence[str], problems: list[str]) -> str | None:
    """The option `name` refers to, or None after noting the problem in `problems`."""
    if name in options:
        return name
    folded = name.strip().casefold()
    matches = [option for option in options if option.strip().casefold() == folded]
    if len(matches) == 1:
        return matches[0]
    if matches:
        problems.append(f"option {name!r} is ambiguous: it matches {_listing(matches)}")
    else:
        problems.append(f"unknown option {name!r}; the options are {_listing(options)}")
    return None


def _listing(options: Sequence[str]) -> str:
    """Options quoted and comma-separated, for messages."""
    return ", ".join(map(repr, options))
