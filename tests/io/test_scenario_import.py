"""`ledger scenario import` and `ledger scenario export` on both backends (SPEC 9): all or nothing,
every problem by line, priors as the source's forecasts at the opening, open to any active
analyst, `--check`, and import -> export -> import giving the same file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger.core.timeutil import parse_instant
from ledger.store import schema as s
from ledger.store.clock import SystemClock
from ledger.store.ledger import open_ledger
from tests.conftest import LedgerCli
from tests.io.test_scenario_file import BAD, BAD_PROBLEMS

GOOD = """\
scenario:
  slug: mali-2027
  title: Mali after the reset
  source:
    publisher: Sahel Monitor
    published: 2026-11-20
    forecaster: Sahel Monitor
questions:
  - slug: lithium-deal
    title: Will a lithium deal be signed?
    criteria: Yes if Mali's Ministry of Mines announces a signed lithium agreement with a US company.
    opens: 2026-11-27
    closes: 2027-12-31
    tags: [minerals]
    prior: 7:3
    quote: "A lithium deal is likely."
  - slug: sanctions-fate
    title: What happens to sanctions?
    kind: choice
    options: [lifted, eased, unchanged]
    criteria: Per the OFAC SDN list on 2027-12-31.
    opens: 2026-11-27T06:00:00+01:00
    closes: 2027-12-31
    resolves_by: 2028-01-31
    prior: {lifted: 10%, eased: 1 in 2, unchanged: 40%}
  - slug: embassy
    title: yes
    criteria: Yes if the embassy reopens.
    opens: 2026-11-27
    closes: 2027-06-30
"""
ADDED = "scenario mali-2027 with 3 questions, 2 priors by the source Sahel Monitor (new)"


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def problems(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.strip().startswith("line ")]


def last_import(url: str) -> tuple[str, str, str]:
    """(journal kind, journal actor, imports format) of the latest import."""
    ledger = open_ledger(url)
    try:
        with ledger.reading() as conn:
            entry = conn.execute(select(s.journal).order_by(s.journal.c.seq.desc()).limit(1)).one()
            fmt = conn.execute(select(s.imports.c.format).order_by(s.imports.c.id.desc()).limit(1)).scalar_one()
        return entry.kind, entry.actor, fmt
    finally:
        ledger.close()


def kinds(url: str) -> dict[str, tuple[str, str]]:
    ledger = open_ledger(url)
    try:
        return {a.handle: (a.kind, a.role) for a in ledger.analysts()}
    finally:
        ledger.close()


def test_a_good_file_adds_the_scenario_its_questions_and_the_sources_priors(run: LedgerCli, tmp_path):
    out = run("scenario", "import", write(tmp_path, "good.yaml", GOOD)).stdout
    assert out.startswith(f"imported good.yaml: {ADDED}; head 2:")  # 1: ed registered, 2: the import
    assert run.json("info")["counts"] == {"analysts": 2, "scenarios": 1, "questions": 3, "forecasts": 2,
                                          "evidence": 0, "resolutions": 0}
    assert out.strip().endswith(str(run.json("info")["head"]["hash"]))
    run("verify")
    assert last_import(run.url) == ("import", "ed", "scenario")
    assert kinds(run.url) == {"Sahel Monitor": ("source", "analyst"), "ed": ("person", "editor")}

    lithium = run.json("question", "show", "lithium-deal")
    assert (lithium["title"], lithium["kind"], lithium["tags"], lithium["scenario"]) == (
        "Will a lithium deal be signed?", "binary", ["minerals"], "mali-2027")
    # closes 2027-12-31 is a deadline: the end of that day; resolves_by defaults to closes
    assert (lithium["opens_at"], lithium["closes_at"], lithium["resolves_by"]) == (
        "2026-11-27T00:00:00Z", "2028-01-01T00:00:00Z", "2028-01-01T00:00:00Z")
    [prior] = lithium["forecasts"]
    assert (prior["analyst"], prior["made_at"], prior["p"], prior["rationale"], prior["imported"]) == (
        "Sahel Monitor", "2026-11-27T00:00:00Z", 0.7, "A lithium deal is likely.", True)  # 7:3 = 7/10

    sanctions = run.json("question", "show", "sanctions-fate")
    assert sanctions["options"] == ["lifted", "eased", "unchanged"]
    assert (sanctions["opens_at"], sanctions["resolves_by"]) == ("2026-11-27T05:00:00Z", "2028-02-01T00:00:00Z")
    [prior] = sanctions["forecasts"]
    assert (prior["made_at"], prior["probabilities"], prior["rationale"]) == (
        "2026-11-27T05:00:00Z", {"lifted": 0.1, "eased": 0.5, "unchanged": 0.4}, None)

    embassy = run.json("question", "show", "embassy")
    assert (embassy["title"], embassy["forecasts"]) == ("yes", [])


def test_the_source_is_scored_apart_from_the_team(run: LedgerCli, tmp_path):
    """q1 opens 2026-01-01, closes 2026-01-11 (10 days) and resolves yes at the close. The source's
    prior 80% stands all 10 days: Brier (1 - 0.8)^2 = 0.04. amina says 60% on day 2: (0.4)^2 = 0.16.
    @team counts persons only: amina alone from day 2, 0.16, coverage 8/10 (were the source in it,
    the median of 0.8 and 0.6 would give (1 - 0.7)^2 = 0.09)."""
    text = ("scenario: {slug: s, title: S, source: {forecaster: Sahel Monitor}}\nquestions:\n"
            "  - {slug: q1, title: 'Will X?', criteria: Yes if X., opens: 2026-01-01, closes: '2026-01-11T00:00:00Z',"
            " prior: 80%}\n")
    run("scenario", "import", write(tmp_path, "s.yaml", text))
    history = [{"type": "forecast", "question": "q1", "analyst": "amina", "made_at": "2026-01-03T00:00:00Z", "p": 0.6},
               {"type": "resolution", "question": "q1", "outcome": "yes", "known_at": "2026-01-11T00:00:00Z"}]
    run("import", write(tmp_path, "h.jsonl", "".join(json.dumps(x) + "\n" for x in history)))
    scores = {g["key"]: g for g in run.json("score")["groups"]}
    assert list(scores) == ["Sahel Monitor", "amina", "@team"]
    assert scores["Sahel Monitor"]["brier"] == pytest.approx(0.04)
    assert scores["Sahel Monitor"]["relative_brier"] is None
    assert scores["amina"]["brier"] == pytest.approx(0.16)
    assert scores["@team"]["brier"] == pytest.approx(0.16)
    assert scores["@team"]["coverage"] == pytest.approx(0.8)
    run("verify")


def test_a_bad_file_is_refused_whole_with_every_problem(sahel: LedgerCli, tmp_path):
    path = write(tmp_path, "bad.yaml", BAD.replace("slug: sahel-2026", "slug: other"))
    before = sahel.state()
    real = sahel("scenario", "import", path, code=2).stderr
    checked = sahel("scenario", "import", path, "--check", code=2).stderr
    assert real.startswith("error: bad.yaml: 12 problem(s), nothing imported:\n")
    assert problems(real) == problems(checked) == BAD_PROBLEMS
    assert sahel.state() == before
    sahel("verify")


def test_not_utf8_is_a_problem_on_its_line(run: LedgerCli, tmp_path):
    # "scenario:\n" is 10 bytes, "  slug: s\n" 10 more, "  title: " 9: the bad byte is byte 29, on line 3
    err = run("scenario", "import", write(tmp_path, "b.yaml", b"scenario:\n  slug: s\n  title: \xff\n"), code=2).stderr
    assert problems(err) == ["line 3: not UTF-8 text (byte 29 of the file, 0xff)"]


def test_a_persons_handle_cannot_be_the_forecaster(sahel: LedgerCli, tmp_path):
    text = GOOD.replace("forecaster: Sahel Monitor", "forecaster: amina")
    before = sahel.state()
    err = sahel("scenario", "import", write(tmp_path, "a.yaml", text), code=2).stderr
    assert problems(err) == ["line 7: forecaster 'amina' is a person in this ledger: a scenario's forecaster must be "
                             "a new handle or a source's"]
    # nor may the importer name themself (registered as a person by this very write, rolled back with it)
    text = GOOD.replace("forecaster: Sahel Monitor", "forecaster: newcomer")
    err = sahel("scenario", "import", write(tmp_path, "n.yaml", text), as_="newcomer", code=2).stderr
    assert problems(err) == ["line 7: forecaster 'newcomer' is a person in this ledger: a scenario's forecaster "
                             "must be a new handle or a source's"]
    assert sahel.state() == before


def test_a_source_already_in_the_ledger_is_reused(run: LedgerCli, tmp_path):
    run("scenario", "import", write(tmp_path, "good.yaml", GOOD))
    second = GOOD.replace("mali-2027", "mali-2028").replace("lithium-deal", "lithium-2").replace(
        "sanctions-fate", "sanctions-2").replace("slug: embassy", "slug: embassy-2")
    out = run("scenario", "import", write(tmp_path, "second.yaml", second)).stdout
    assert out.startswith("imported second.yaml: scenario mali-2028 with 3 questions, 2 priors by the source "
                          "Sahel Monitor; head 3:")
    assert run.json("info")["counts"]["analysts"] == 2


def test_without_a_source_the_forecaster_is_source_slug(run: LedgerCli, tmp_path):
    text = "scenario: {slug: s, title: S}\nquestions:\n" \
           "  - {slug: q1, title: Q, criteria: Yes if X., opens: 2026-11-27, closes: 2027-12-31, prior: likely}\n"
    assert "1 questions, 1 priors by the source source:s (new)" in run(
        "scenario", "import", write(tmp_path, "s.yaml", text)).stdout
    assert kinds(run.url)["source:s"] == ("source", "analyst")
    [prior] = run.json("question", "show", "q1")["forecasts"]
    assert (prior["analyst"], prior["p"]) == ("source:s", 0.675)


def test_check_reports_the_counts_and_writes_nothing(run: LedgerCli, tmp_path):
    path = write(tmp_path, "good.yaml", GOOD)
    before = run.state()
    assert run("scenario", "import", path, "--check").stdout == f"checked good.yaml: would add {ADDED}; nothing written\n"
    assert run.state() == before
    assert run("scenario", "import", path).stdout.startswith(f"imported good.yaml: {ADDED}; head ")


def test_any_active_analyst_may_import_but_not_a_deactivated_one(sahel: LedgerCli, tmp_path):
    path = write(tmp_path, "good.yaml", GOOD)
    assert "only editors may import" in sahel("import", path, "--format", "jsonl", as_="amina", code=1).stderr
    assert sahel("scenario", "import", path, as_="amina").stdout.startswith(f"imported good.yaml: {ADDED}; head ")
    assert last_import(sahel.url) == ("import", "amina", "scenario")
    sahel("verify")

    sahel("analyst", "deactivate", "amina")
    other = write(tmp_path, "other.yaml", GOOD.replace("mali-2027", "mali-2028"))
    before = sahel.state()
    for extra in ((), ("--check",)):
        err = sahel("scenario", "import", other, *extra, as_="amina", code=1).stderr
        assert err == "error: analyst 'amina' is deactivated; an editor can `ledger analyst reactivate` them\n"
    assert sahel.state() == before


def test_a_new_analyst_is_registered_by_the_import(sahel: LedgerCli, tmp_path):
    result = sahel("scenario", "import", write(tmp_path, "good.yaml", GOOD), as_="bo")
    assert "registered 'bo' as a new analyst" in result.stderr
    assert kinds(sahel.url)["bo"] == ("person", "analyst")


def test_slugs_already_in_the_ledger_are_refused(sahel: LedgerCli, tmp_path):
    text = ("scenario:\n  slug: sahel-2026\n  title: Again\nquestions:\n"
            "  - slug: minerals\n    title: Again?\n    criteria: Yes if X.\n    closes: 2099-01-01\n")
    before = sahel.state()
    err = sahel("scenario", "import", write(tmp_path, "again.yaml", text), code=2).stderr
    assert problems(err) == ["line 2: scenario 'sahel-2026' already exists in this ledger",
                             "line 5: question 'minerals' already exists in this ledger"]
    assert sahel.state() == before


def test_the_same_file_again_adds_nothing_as_import_does(run: LedgerCli, tmp_path):
    path = write(tmp_path, "good.yaml", GOOD)
    run("scenario", "import", path)
    before = run.state()
    sha = hashlib.sha256(GOOD.encode()).hexdigest()
    assert run("scenario", "import", path).stdout == f"already imported: good.yaml (sha256 {sha[:12]}…); nothing added\n"
    assert run("scenario", "import", path, "--check").stdout == \
        f"already imported: good.yaml (sha256 {sha[:12]}…); nothing would be added\n"
    assert run.state() == before


@pytest.fixture
def stopped(monkeypatch: pytest.MonkeyPatch) -> int:
    """The ledger's clock stopped at 2026-03-10 12:00Z (both backends)."""
    now = parse_instant("2026-03-10T12:00:00Z")
    monkeypatch.setattr(SystemClock, "now", lambda self, conn=None, postgres=False: now)
    return now


def test_without_opens_a_question_opens_at_the_import(run: LedgerCli, tmp_path, stopped):
    text = ("scenario: {slug: s, title: S}\nquestions:\n"
            "  - {slug: q1, title: Q, criteria: Yes if X., closes: 2027-12-31, prior: 1 in 4}\n")
    run("scenario", "import", write(tmp_path, "s.yaml", text))
    q1 = run.json("question", "show", "q1")
    assert q1["opens_at"] == "2026-03-10T12:00:00Z"
    assert [(f["made_at"], f["p"]) for f in q1["forecasts"]] == [("2026-03-10T12:00:00Z", 0.25)]
    assert '    opens: "2026-03-10T12:00:00Z"\n' in run("scenario", "export", "s").stdout


def test_without_opens_a_question_that_closed_already_is_refused(run: LedgerCli, tmp_path, stopped):
    text = ("scenario: {slug: s, title: S}\nquestions:\n"
            "  - slug: q1\n    title: Q\n    criteria: Yes if X.\n    closes: 2026-03-01\n")
    before = run.state()
    err = run("scenario", "import", write(tmp_path, "s.yaml", text), code=2).stderr
    # closes 2026-03-01 ends 2026-03-02 00:00Z, before the import's 2026-03-10 12:00Z
    assert problems(err) == ["line 3: closes 2026-03-02T00:00:00Z must be after the question opens "
                             "(2026-03-10T12:00:00Z); it gives no opens, so it would open at the import"]
    assert run.state() == before


ROUND = """\
scenario:
  slug: round
  title: 'Round trip: "quoted" #1'
  summary: |
    Two lines,
    and a trailing one.
  source: {publisher: Sahel Monitor, url: "https://example.org/a?b=c#d", published: 2026-11-20}
questions:
  - slug: odds
    title: "7:3"
    criteria: "Yes if\\n  - a list-like line\\n# and a comment-like one"
    closes: 2027-06-30T17:30:00+02:00
    tags: [no, yes]
    prior: 1 in 3
    quote: "It is a 1 in 3 chance: \\"maybe\\"."
  - slug: fate
    title: Fate?
    kind: choice
    options: [yes, no, "3 or more"]
    criteria: Resolves per the communiqué.
    opens: 2026-11-27T08:15:00.5Z
    closes: 2027-12-31
    resolves_by: 2028-01-31
    prior: [yes=30%, no=30%, 3 or more=40.3%]
  - slug: bare
    title: ~
    criteria: yes
    opens: 2026-11-27
    closes: 2027-12-31
    quote: no prior here
"""


def test_import_export_import_gives_the_same_file(run: LedgerCli, fresh, tmp_path):
    run("scenario", "import", write(tmp_path, "round.yaml", ROUND))
    first = run("scenario", "export", "round").stdout
    # by hand: 1 in 3 is the float 0.3333333333333333, written with the digits that read back as it;
    # 17:30+02:00 is 15:30Z (not a day's end: written in full); 2027-12-31 ends 2028-01-01 00:00Z.
    assert '  - slug: "odds"\n    title: "7:3"\n    kind: "binary"\n' \
           '    criteria: "Yes if\\n  - a list-like line\\n# and a comment-like one"\n' in first
    assert '    closes: "2027-06-30T15:30:00Z"\n    resolves_by: "2027-06-30T15:30:00Z"\n' \
           '    tags: ["no", "yes"]\n    prior: "33.33333333333333%"\n' \
           '    quote: "It is a 1 in 3 chance: \\"maybe\\"."\n' in first
    assert '    options: ["yes", "no", "3 or more"]\n' in first
    assert '    opens: "2026-11-27T08:15:00.500000Z"\n    closes: "2027-12-31"\n    resolves_by: "2028-01-31"\n' in first
    assert '  - slug: "bare"\n    title: "~"\n    kind: "binary"\n    criteria: "yes"\n    opens: "2026-11-27"\n' \
           '    closes: "2027-12-31"\n    resolves_by: "2027-12-31"\n    quote: "no prior here"\n' in first
    assert first.startswith('scenario:\n  slug: "round"\n  title: "Round trip: \\"quoted\\" #1"\n'
                            '  summary: "Two lines,\\nand a trailing one.\\n"\n  source:\n'
                            '    publisher: "Sahel Monitor"\n    url: "https://example.org/a?b=c#d"\n'
                            '    published: "2026-11-20"\n    forecaster: "source:round"\n')

    other = fresh()
    other("scenario", "import", write(tmp_path, "first.yaml", first), as_="amina")
    second = other("scenario", "export", "round", as_="amina").stdout
    assert second == first
    other("verify")
    out = tmp_path / "out.yaml"
    other("scenario", "export", "round", "--out", str(out))
    assert out.read_text(encoding="utf-8") == first
    # the export is another file for the same slugs: refused in the ledger it came from
    assert problems(run("scenario", "import", str(out), code=2).stderr)[0] == \
        "line 2: scenario 'round' already exists in this ledger"


def test_export_of_an_unknown_scenario(run: LedgerCli, tmp_path):
    out = tmp_path / "none.yaml"
    assert run("scenario", "export", "nowhere", "--out", str(out), code=1).stderr == "error: no scenario 'nowhere'\n"
    assert not out.exists()


def test_export_writes_the_values_in_force_and_the_earliest_standing_prior(run: LedgerCli, tmp_path):
    run("scenario", "import", write(tmp_path, "good.yaml", GOOD))
    run("question", "amend", "embassy", "--closes", "2027-09-30", "--clarify", "Consulates do not count.",
        "--reason", "asked")
    text = run("scenario", "export", "mali-2027").stdout
    assert '    title: "yes"\n    kind: "binary"\n' \
           '    criteria: "Yes if the embassy reopens.\\n\\nClarification: Consulates do not count."\n' \
           '    opens: "2026-11-27"\n    closes: "2027-09-30"\n    resolves_by: "2027-09-30"\n' in text
    # the source's prior withdrawn by an editor (a misread article): no prior is written for it
    [prior] = run.json("question", "show", "lithium-deal")["forecasts"]
    run("withdraw", str(prior["id"]), "--reason", "misread")
    text = run("scenario", "export", "mali-2027").stdout
    assert '    prior: "70%"' not in text and '    quote: "A lithium deal is likely."\n' in text
    assert '      "eased": "50%"\n' in text
