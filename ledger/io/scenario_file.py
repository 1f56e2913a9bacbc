"""Reading scenario files (SPEC 9): YAML text into an `ImportPlan`, or every problem by line.

Every value keeps its text. PyYAML's plain `safe_load` would lose the line numbers, stop at the
first bad date, read `7:3` as 423 and `no` as False; instead the file is composed into PyYAML's
node graph by a loader that resolves only strings, lists and mappings, and each value is
converted, with its line, by the parsers and rules the command line uses (dates with deadline
semantics for `closes` and `resolves_by`, SPEC 4 probabilities for `prior`). Every problem is
collected; a file with any is refused whole. Writing one back is `ledger.io.scenario_writer`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from fractions import Fraction
from typing import Any, Callable, TypeVar

from ledger.core import rules, validate
from ledger.core.bulk import ImportPlan, ImportRefused, PlanAnalyst, PlanQuestion, PlanScenario, Problem
from ledger.core.errors import BadInput
from ledger.core.probability import choose, parse_probability, read_forecast
from ledger.core.timeutil import parse_day, parse_instant

TOP_KEYS = ("scenario", "questions")
SCENARIO_KEYS = ("slug", "title", "summary", "source")
SOURCE_KEYS = ("title", "publisher", "url", "published", "forecaster")
QUESTION_KEYS = ("slug", "title", "kind", "options", "criteria", "opens", "closes", "resolves_by", "tags",
                 "prior", "quote")

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
T = TypeVar("T")



def _loader() -> type:
    """A PyYAML loader whose resolvers know only strings, lists and mappings: every scalar,
    quoted or plain (`yes`, `7:3`, `2030-13-45`, `~`), stays the text it is."""
    import yaml

    class StringsOnly(yaml.SafeLoader):
        """SafeLoader without implicit resolvers."""

    StringsOnly.yaml_implicit_resolvers = {}
    return StringsOnly


#: Line ends as editors (and the CSV and JSONL importers) count them. PyYAML also counts U+0085,
#: U+2028 and U+2029 (YAML 1.1; YAML 1.2 no longer does), which would put a problem lines past
#: where an editor shows it.
_LINE_END = re.compile(r"\r\n?|\n")


class _Reader:
    """One file's walk: the nodes it visits and every problem it finds, by line."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._starts: list[int] = []  # where each line after the first starts

    def line(self, at: Any) -> int:
        """The 1-based line of a node, or of a mark (a position PyYAML reports)."""
        mark = getattr(at, "start_mark", at)
        return bisect_right(self._starts, mark.index) + 1

    def problem(self, at: Any, message: str) -> None:
        self.problems.append(Problem(at if isinstance(at, int) else self.line(at), message))

    # -- the YAML layer ---------------------------------------------------------------------

    def compose(self, text: str) -> Any:
        """The root node, or None after a problem (syntax, or an empty file)."""
        import yaml

        self._starts = [m.end() for m in _LINE_END.finditer(text)]
        loader = None
        try:
            loader = _loader()(text)  # what yaml.compose does, keeping the loader for its mark
            root = loader.get_single_node()
        except RecursionError:  # [[[…]]] or {a: {a: …}} some hundreds deep: PyYAML composes recursively
            self.problem(self.line(loader.get_mark()) if loader is not None else 1,
                         "not valid YAML here: nested too deeply to read")
            return None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = f"not valid YAML: {exc.problem or exc.context or 'cannot be read'}"
            if exc.context and exc.problem:
                start = exc.context_mark
                where = f" on line {self.line(start)}" if start is not None and mark is not None \
                    and self.line(start) != self.line(mark) else ""
                message += f" ({exc.context}{where})"
            self.problem(self.line(mark) if mark is not None else 1, message)
            return None
        except yaml.reader.ReaderError as exc:
            line = bisect_right(self._starts, max(exc.position, 0)) + 1
            self.problem(line, f"not valid YAML: character U+{exc.character:04X} is not allowed in a YAML file"
                         if isinstance(exc.character, int) else "not valid YAML: unreadable character")
            return None
        except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error above has a mark
            self.problem(1, f"not valid YAML: {exc}")
            return None
        finally:
            if loader is not None:
                loader.dispose()
        if root is None:
            self.problem(1, 'the file is empty: a scenario file has a "scenario" block and a "questions" list')
        return root

    def mapping(self, node: Any, known: tuple[str, ...] | None, holder: str) -> dict[str, Any] | None:
        """A mapping's values by key (first occurrence). Unknown keys (when `known` is given),
        repeated keys and keys that are not plain text are problems; `holder` names what takes them."""
        import yaml

        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.problem(node, f"{holder} must be a mapping of key: value lines")
            return None
        out: dict[str, Any] = {}
        first: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
                self.problem(key, f"{holder}: a key must be plain text")
                continue
            name = key.value
            if name in first:
                self.problem(key, f'key "{name}" appears twice (first on line {first[name]})')
                continue
            first[name] = self.line(key)
            if known is not None and name not in known:
                self.problem(key, f'unknown key "{name}"; {holder} takes: {", ".join(known)}')
                continue
            out[name] = value
        return out

    def scalar(self, node: Any, key: str) -> str | None:
        """A scalar's text, exactly; None after a problem (a list or mapping, or a YAML tag)."""
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f'"{key}" must be text, not a {"list" if isinstance(node, yaml.SequenceNode) else "mapping"}')
            return None
        if node.tag != _STR:
            self.problem(node, f'"{key}": YAML tags ({node.tag}) are not supported; write the value as plain text')
            return None
        return node.value

    def items(self, node: Any, key: str) -> list[tuple[Any, str]] | None:
        """A list of scalars as (node, text) pairs; None after a problem or for an empty value."""
        import yaml

        if isinstance(node, yaml.ScalarNode) and node.tag == _STR and node.value == "":
            return None
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            self.problem(node, f'"{key}" must be a list, e.g. [a, b]')
            return None
        out = []
        for item in node.value:
            text = self.scalar(item, f"each of {key}")
            if text is not None:
                out.append((item, text))
        return out if len(out) == len(node.value) else None

    def value(self, fields: dict[str, Any], key: str, convert: Callable[[str], T], *,
              owner: Any = None, required: bool = False) -> T | None:
        """`fields[key]` converted from its text by `convert` (which raises `BadInput`), any problem
        on the value's line. An empty value is no value: refused for a required key (on the line of
        `owner`, the mapping, when the key is missing)."""
        node = fields.get(key)
        if node is None:
            if required:
                self.problem(owner, f'"{key}" is required here')
            return None
        text = self.scalar(node, key)
        if text is None:
            return None
        if text == "":
            if required:
                self.problem(node, f'"{key}" must not be empty')
            return None
        try:
            return convert(text)
        except BadInput as exc:
            self.problem(node, str(exc))
            return None

    # -- the scenario file ------------------------------------------------------------------

    def plan(self, root: Any) -> ImportPlan:
        plan = ImportPlan()
        top = self.mapping(root, TOP_KEYS, "a scenario file")
        if top is None:
            return plan
        if "scenario" not in top:
            self.problem(root, 'the file has no "scenario" block')
            scenario, forecaster = None, "source:?"
        else:
            scenario, forecaster = self.scenario(top["scenario"], plan)
        if "questions" not in top:
            self.problem(root, 'the file has no "questions" list')
        else:
            self.questions(top["questions"], plan, scenario, forecaster)
        return plan

    def scenario(self, node: Any, plan: ImportPlan) -> tuple[str | None, str]:
        """Read the scenario block into `plan`: the scenario and its source (the forecaster of the
        priors, a source analyst). Returns the slug and the forecaster's handle."""
        f = self.mapping(node, SCENARIO_KEYS, "the scenario block")
        if f is None:
            return None, "source:?"
        slug = self.value(f, "slug", lambda t: validate.slug(t, what="scenario slug"), owner=node, required=True)
        title = self.value(f, "title", lambda t: validate.text(t, what="title", required=True, single_line=True),
                           owner=node, required=True)
        summary = self.value(f, "summary", lambda t: validate.text(t, what="summary"))
        src: dict[str, Any] = {}
        if "source" in f and not _empty(f["source"]):
            src = self.mapping(f["source"], SOURCE_KEYS, "the source block") or {}

        def one_line(what: str) -> Callable[[str], str | None]:
            return lambda t: validate.text(t, what=what, single_line=True)

        known = len(self.problems)
        given = self.value(src, "forecaster", validate.handle)
        forecaster = given if given is not None else f"source:{slug or '?'}"
        at = src["forecaster"] if given is not None else f.get("slug", node)
        if given is None and slug is not None and len(self.problems) == known and len(forecaster) > 200:
            self.problem(at, f"the source's handle would be source:<slug>, {len(forecaster)} characters (at most "
                             "200): give a shorter slug, or the source's forecaster")
        if slug is not None and title is not None:
            plan.scenarios.append(PlanScenario(
                self.line(f["slug"]), slug, title, summary, self.value(src, "title", one_line("source title")),
                self.value(src, "publisher", one_line("publisher")), self.value(src, "url", one_line("url")),
                self.value(src, "published", lambda t: parse_day(t, what="published")),
            ))
        else:  # still check the source block's values
            for key in ("title", "publisher", "url"):
                self.value(src, key, one_line(key))
            self.value(src, "published", lambda t: parse_day(t, what="published"))
        plan.analysts.append(PlanAnalyst(self.line(at), forecaster, kind="source", must_be_source=True))
        return slug, forecaster

    def questions(self, node: Any, plan: ImportPlan, scenario: str | None, forecaster: str) -> None:
        import yaml

        if _empty(node):
            return
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            self.problem(node, '"questions" must be a list: one "- slug: ..." entry per question')
            return
        seen: dict[str, int] = {}
        for item in node.value:
            self.question(item, plan, scenario, forecaster, seen)

    def question(self, node: Any, plan: ImportPlan, scenario: str | None, forecaster: str,
                 seen: dict[str, int]) -> None:
        """Read one question (and its prior) into `plan`, or note its problems."""
        before = len(self.problems)
        f = self.mapping(node, QUESTION_KEYS, "a question")
        if f is None:
            return
        slug = self.value(f, "slug", lambda t: validate.slug(t, what="question slug", need_letter=True),
                          owner=node, required=True)
        if slug is not None:
            if slug in seen:
                self.problem(f["slug"], f"question {slug!r} appears twice in the file (first on line {seen[slug]})")
            else:
                seen[slug] = self.line(f["slug"])
        title = self.value(f, "title", lambda t: validate.text(t, what="title", required=True, single_line=True),
                           owner=node, required=True)
        known = len(self.problems)
        kind = self.value(f, "kind", _kind)
        if kind is None and len(self.problems) == known:
            kind = "binary"  # not given, or empty
        options = self.options(f, kind, node)
        criteria = self.criteria(f, node)
        opens = self.value(f, "opens", lambda t: parse_instant(t, what="opens"))
        closes = self.value(f, "closes", lambda t: parse_instant(t, deadline=True, what="closes"), owner=node,
                            required=True)
        due = self.value(f, "resolves_by", lambda t: parse_instant(t, deadline=True, what="resolves_by"))
        if closes is not None:
            for v in rules.question_dates(opens, closes, closes):
                self.problem(f["closes"], v.message)
            for v in rules.question_dates(None, closes, closes if due is None else due):
                self.problem(f["resolves_by"], v.message)
        tags = self.items(f["tags"], "tags") if "tags" in f else []
        tag_set: set[str] = set()
        for item, text in tags or ():
            try:
                tag_set.add(validate.tag(text))
            except BadInput as exc:
                self.problem(item, str(exc))
        quote = self.value(f, "quote", lambda t: validate.text(t, what="quote"))
        prior = self.prior(f["prior"], kind, options) if "prior" in f and not _empty(f["prior"]) else None
        if len(self.problems) > before:
            return
        plan.questions.append(PlanQuestion(
            self.line(f["slug"]), slug, title, kind, options, criteria, opens, closes, closes if due is None else due,
            scenario, tuple(sorted(tag_set)), quote,
        ))
        if prior is not None:
            p, probs = prior
            plan.forecasts.add(self.line(f["prior"]), slug, forecaster, opens, p, probs, quote)

    def options(self, f: dict[str, Any], kind: str | None, node: Any) -> tuple[str, ...]:
        given = self.items(f["options"], "options") if "options" in f else None
        names = tuple(text for _, text in given or ())
        if kind == "binary" and names:
            self.problem(f["options"], 'options are for a choice question: add "kind: choice" '
                                       "(a yes/no question takes none)")
        elif kind == "choice":
            if len(names) < 2:
                self.problem(f.get("options", node), 'a choice question needs "options": two or more names, '
                                                     "e.g. [lifted, eased, unchanged]")
            else:
                try:
                    validate.options(names)
                except BadInput as exc:
                    self.problem(f["options"], str(exc))
        return names

    def criteria(self, f: dict[str, Any], node: Any) -> str | None:
        """Resolution criteria: written out (never empty, never still TODO), on their line."""
        if "criteria" not in f:
            self.problem(node, '"criteria" is required here: how the question resolves')
            return None
        text = self.scalar(f["criteria"], "criteria")
        if text is None:
            return None
        problems = [v.message for v in rules.criteria(text)]
        try:
            validate.text(text, what="criteria")
        except BadInput as exc:
            problems.append(str(exc))
        for message in problems:
            self.problem(f["criteria"], message)
        return None if problems else text

    def prior(self, node: Any, kind: str | None, options: tuple[str, ...]) -> tuple[Any, Any] | None:
        """The source's prior as (P(yes), None) or (None, option -> probability), any SPEC 4 form:
        one probability for a yes/no question; for a choice question a mapping `option: prob` or
        a list of `OPTION=PROB`, covering every option and summing to 100% (within 0.5%)."""
        import yaml

        if kind is None or (kind == "choice" and len(options) < 2):
            return None  # the kind or the options are already refused
        try:
            if kind == "binary":
                text = self.scalar(node, "prior")
                if text is None:
                    return None
                return parse_probability(text), None
            if isinstance(node, yaml.MappingNode):
                given = self.mapping(node, None, "a choice prior")
                if given is None or len(given) < len(node.value):
                    return None
                pairs = []
                for name, value in given.items():
                    text = self.scalar(value, f"prior of {name!r}")
                    if text is None:
                        return None
                    pairs.append((name, _exact(text)))
            elif isinstance(node, yaml.SequenceNode):
                items = self.items(node, "prior")
                if items is None:
                    return None
                read = read_forecast([text for _, text in items])
                if read.p is not None:
                    raise BadInput("a choice question's prior gives one OPTION=PROB per option")
                pairs = list(read.pairs)
            else:
                raise BadInput("a choice question's prior is a mapping of option: probability, "
                               "or a list of OPTION=PROB")
            return None, dict(zip(options, choose(pairs, options)))
        except BadInput as exc:
            self.problem(node, f"prior: {exc}")
            return None


def _exact(text: str) -> Fraction:
    """One probability, exactly (for choice sums)."""
    read = read_forecast([text])
    if read.p is None:
        raise BadInput(f"not a probability: {text!r}")
    return read.p


def _kind(text: str) -> str:
    if text not in ("binary", "choice"):
        raise BadInput(f'kind {text!r}: use binary (yes/no) or choice (with "options")')
    return text


def _empty(node: Any) -> bool:
    """A bare `key:` (YAML's null, kept as the empty text): the key is not given."""
    return getattr(node, "tag", None) == _STR and node.value == "" and node.style is None


def read_scenario(text: str, source: str) -> ImportPlan:
    """Read a scenario file into an `ImportPlan`: the scenario, its source (a source analyst,
    `source:<slug>` by default), its questions and the source's priors as forecasts made when each
    question opens (None when it opens at the import), the quote as their rationale.

    Args:
        text: the file's text.
        source: its name, for messages.

    Raises:
        ImportRefused: every problem, by line.
    """
    reader = _Reader()
    root = reader.compose(text)
    plan = reader.plan(root) if root is not None else ImportPlan()
    if reader.problems:
        raise ImportRefused(source, reader.problems)
    return plan
