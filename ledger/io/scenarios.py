"""Scenario files in and out of a ledger (SPEC 9): import one (all or nothing, by any active
analyst), export one, and the scenarios bundled with the package (`ledger demo` uses them).

    from ledger.io.scenarios import bundled_scenario, import_scenario
    done = import_scenario(ledger, "ed", bundled_scenario(), source="sahel-2026.yaml")
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from ledger.core.bulk import ImportRefused, Problem

if TYPE_CHECKING:  # pragma: no cover
    from ledger.store.ledger import Ledger

#: The scenarios shipped in `ledger/scenarios/`, by name (the file is NAME.yaml).
BUNDLED = ("sahel-2026",)
#: What the journal and the imports table call a scenario file's format.
FORMAT = "scenario"


@dataclass(frozen=True)
class ScenarioImported:
    """What `import_scenario` did, or would do for a check.

    Attributes:
        source: the file's name.
        sha256: of the file's bytes.
        already: True when a file with these bytes was imported before: nothing was added.
        checked: True for a check: nothing was written.
        head: the journal head after the import (`SEQ:HASH`; for a check, the head it would have).
        scenario: the scenario's slug (None when `already`).
        questions: questions added.
        priors: the source's priors recorded as its forecasts.
        forecaster: the source's handle (None when `already`).
        new_forecaster: True when the source analyst was created by this import.
    """

    source: str
    sha256: str
    already: bool
    checked: bool
    head: str
    scenario: str | None = None
    questions: int = 0
    priors: int = 0
    forecaster: str | None = None
    new_forecaster: bool = False


def import_scenario(ledger: Ledger, actor: str, data: bytes | str, *, source: str,
                    check: bool = False) -> ScenarioImported:
    """Create a scenario, its questions and its source's priors from a scenario file's content,
    in one journaled transaction (`apply_plan`), with `actor` as the journal's actor.

    Any active analyst may (an unknown handle is registered, as on every first write). A file
    whose bytes were imported before adds nothing and says so (as `ledger import` does); a
    different file for a scenario or question slug already in the ledger is refused.

    Args:
        ledger: the open ledger.
        actor: the importing analyst's handle.
        data: the file's bytes (UTF-8), or its text.
        source: the file's name, for messages and the journal.
        check: validate only: the whole import runs and is rolled back.

    Raises:
        ImportRefused: every problem of the file, or of the file against the ledger, by line (exit 2).
        NotAllowed: the actor is deactivated, or a source (exit 1).
    """
    from ledger.io.scenario_file import read_scenario
    from ledger.store.bulk import already_imported, apply_plan

    raw = data.encode("utf-8") if isinstance(data, str) else data
    sha = hashlib.sha256(raw).hexdigest()
    ledger.check_writer(actor)
    if already_imported(ledger, sha):
        return ScenarioImported(source, sha, True, check, str(ledger.head()))
    plan = read_scenario(_text(raw, source), source)
    result = apply_plan(ledger, actor, plan, source=source, sha256=sha, fmt=FORMAT, check=check, editors_only=False)
    if result.already:  # imported by someone else meanwhile
        return ScenarioImported(source, sha, True, check, result.head)
    [forecaster] = plan.analysts
    return ScenarioImported(source, sha, False, check, result.head, plan.scenarios[0].slug,
                            result.counts["questions"], result.counts["forecasts"], forecaster.handle,
                            result.counts["analysts"] > 0)


def _text(raw: bytes, source: str) -> str:
    """The file's text; bytes that are not UTF-8 are one problem, on their line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportRefused(source, [Problem(line, f"not UTF-8 text (byte {exc.start} of the file, "
                                                   f"0x{raw[exc.start]:02x})")]) from None


def export_scenario(ledger: Ledger, slug: str) -> str:
    """Scenario `slug` as a scenario file's text (see `scenario_document` for what it holds).

    Raises:
        NotFound: no such scenario.
    """
    from ledger.io.scenario_writer import write_scenario
    from ledger.store.scenario_doc import scenario_document

    return write_scenario(scenario_document(ledger, slug))


def bundled_scenario(name: str = "sahel-2026") -> bytes:
    """The bytes of a scenario file shipped with the package (see `BUNDLED`)."""
    if name not in BUNDLED:
        raise ValueError(f"no bundled scenario {name!r}; there are: {', '.join(BUNDLED)}")
    return resources.files("ledger").joinpath("scenarios").joinpath(f"{name}.yaml").read_bytes()
