"""Export keeps the whole history (SPEC 7): amendments, withdrawals, corrections, sources,
deactivated analysts and cited evidence; import reads it all back without re-checking it against
today's rules; export -> import into an empty ledger -> export gives the same bytes and scores."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from ledger.core.timeutil import parse_instant
from ledger.store import schema as s
from ledger.store.ledger import Ledger
from tests.conftest import LedgerCli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "v1"
SOURCE = [{"type": "analyst", "handle": "Sahel Monitor", "name": "Sahel Monitor", "kind": "source"},
          {"type": "forecast", "question": "minerals", "analyst": "Sahel Monitor", "made_at": "2099-01-01T00:00:00Z",
           "p": 0.675, "rationale": "likely, says the article"}]


def amend(url: str, actor: str, slug: str, reason: str, **values) -> None:
    """What `ledger question amend` records: one journaled amendment row."""
    ledger = Ledger(url)
    try:
        with ledger.writing(actor) as tx:
            qid = tx.conn.execute(select(s.questions.c.id).where(s.questions.c.slug == slug)).scalar_one()
            tx.journal.insert(s.question_amendments, question_id=qid, amended_at=tx.now, amended_by=tx.actor.id,
                              reason=reason, **{k: values.get(k) for k in
                                                ("clarification", "closes_at", "resolves_by", "title", "opens_at")})
            tx.journal.append("question.amend", question=slug)
    finally:
        ledger.close()


def withdraw(url: str, actor: str, forecast_id: int, reason: str) -> None:
    """What `ledger withdraw` records: one journaled withdrawal row."""
    ledger = Ledger(url)
    try:
        with ledger.writing(actor) as tx:
            tx.journal.insert(s.withdrawals, forecast_id=forecast_id, withdrawn_at=tx.now, reason=reason,
                              withdrawn_by=tx.actor.id)
            tx.journal.append("forecast.withdraw", forecast=forecast_id)
    finally:
        ledger.close()


def history(sahel: LedgerCli, tmp_path) -> LedgerCli:
    """The sahel ledger with every kind of historical row."""
    run = sahel
    path = tmp_path / "source.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in SOURCE), encoding="utf-8")
    run("import", str(path))
    run("analyst", "add", "jo")
    run("analyst", "set-role", "jo", "editor")
    run("forecast", "minerals", "70%", "--why", "first", as_="amina")
    run("forecast", "minerals", "40%", as_="amina")  # forecast 3, withdrawn below
    run("forecast", "troops", "a=20%", "b=50%", "3 or more=30%", as_="jo")
    run("evidence", "add", "Envoy visit", "--question", "minerals+", as_="jo")
    amend(run.url, "jo", "minerals", "Typo in the title", title="Will the US and Mali sign a minerals deal?",
          clarification="A memorandum does not count.")
    amend(run.url, "ed", "troops", "Deadline moved", closes_at=parse_instant("2099-09-30", deadline=True),
          resolves_by=parse_instant("2099-10-31", deadline=True))
    withdraw(run.url, "amina", 3, "typed the wrong number")
    run("analyst", "set-role", "jo", "analyst")  # jo's amendment is by a since-demoted editor
    run("resolve", "minerals", "yes", "--evidence", "1")
    run("resolve", "minerals", "no", "--correct", "Only an MoU", "--on", "2026-01-02")
    run("analyst", "deactivate", "amina")  # her forecasts stay
    return run


def export(run: LedgerCli, path: Path, fmt: str = "jsonl") -> list[dict]:
    run("export", "--format", fmt, "--out", str(path))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if fmt == "jsonl" else []


def score(run: LedgerCli) -> dict:
    doc = run.json("score", "--as-of", "2100-01-01")
    doc.pop("as_of", None)
    doc.pop("head", None)
    return doc


def test_the_export_holds_every_kind_of_row(sahel, tmp_path):
    lines = export(history(sahel, tmp_path), tmp_path / "h.jsonl")
    analysts = {x["handle"]: x for x in lines if x["type"] == "analyst"}
    assert analysts["Sahel Monitor"]["kind"] == "source"
    assert analysts["amina"]["active"] is False and analysts["jo"]["role"] == "analyst"
    minerals = next(x for x in lines if x["type"] == "question" and x["slug"] == "minerals")
    assert minerals["title"] == "Will the US and Mali sign a minerals agreement by end-2027?"  # first recorded
    amendments = [x for x in lines if x["type"] == "amendment"]
    assert [(a["question"], a["by"], a["reason"]) for a in amendments] == [
        ("minerals", "jo", "Typo in the title"), ("troops", "ed", "Deadline moved")]
    assert amendments[0]["title"] == "Will the US and Mali sign a minerals deal?"
    assert amendments[0]["clarify"] == "A memorandum does not count."
    assert amendments[1]["closes_at"] == "2099-10-01T00:00:00Z" and amendments[1]["resolves_by"] == "2099-11-01T00:00:00Z"
    assert "closes_at" not in amendments[0] and "title" not in amendments[1]
    withdrawn = [x for x in lines if x["type"] == "forecast" and "withdrawn" in x]
    assert [(x["p"], x["withdrawn"]["reason"], x["withdrawn"]["by"]) for x in withdrawn] == [
        (0.4, "typed the wrong number", "amina")]
    resolutions = [x for x in lines if x["type"] == "resolution"]
    assert [(r["outcome"], r["correction"], r.get("evidence")) for r in resolutions] == [
        ("yes", None, [1]), ("no", "Only an MoU", None)]
    # CSV leaves the withdrawn forecast out and shows the values in force
    flat = (tmp_path / "h.csv")
    export(sahel, flat, "csv")
    text = flat.read_text(encoding="utf-8")
    assert ",0.4," not in text and ",0.7," in text
    assert "Will the US and Mali sign a minerals deal?" in text


def test_export_import_export_gives_the_same_bytes_and_scores(sahel, fresh, tmp_path):
    run = history(sahel, tmp_path)
    first = tmp_path / "first.jsonl"
    export(run, first)
    other = fresh()
    out = other("import", str(first)).stdout
    assert "2 amendments" in out and "1 withdrawals" in out
    other("verify")
    second = tmp_path / "second.jsonl"
    export(other, second)
    assert second.read_bytes() == first.read_bytes()
    assert score(other) == score(run)


def test_the_first_releases_export_still_imports(run, fresh, tmp_path):
    """`tests/fixtures/v1/export.jsonl` was written by release 0.1.0 (no kind, no active, no amendments)."""
    out = run("import", str(FIXTURES / "export.jsonl")).stdout  # ed, the importer, registers first: 6 of 7 are new
    assert out.startswith("imported export.jsonl: 6 analysts, 1 scenarios, 9 questions, 4 evidence, 20 forecasts, "
                          "10 resolutions; head ")
    run("verify")
    want = json.loads((FIXTURES / "score-analyst-time.json").read_text())
    got = run.json("score", "--as-of", "2100-01-01")
    assert got["groups"] == want["groups"]
    # and its export round-trips from here on
    first = tmp_path / "first.jsonl"
    export(run, first)
    other = fresh()
    other("import", str(first))
    second = tmp_path / "second.jsonl"
    export(other, second)
    assert second.read_bytes() == first.read_bytes()
