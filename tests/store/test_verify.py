"""`ledger verify`: an intact ledger passes; every kind of tampering done behind the tool's back
with raw SQL (SPEC 3) makes it exit 1 naming the table, the row and what differs; a quoted head
catches even a journal rewritten with correctly recomputed hashes."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from ledger.store import formats as fmt

HEX64 = re.compile(r"[0-9a-f]{64}")


def sa_url(url: str) -> str:
    """The SQLAlchemy URL an attacker would use: a plain SQLite path becomes `sqlite:///PATH`."""
    return url if "://" in url else f"sqlite:///{url}"


@contextmanager
def raw_sql(url: str) -> Iterator[Connection]:
    """A plain connection with none of the ledger's rules, committed on exit."""
    engine = create_engine(sa_url(url))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def refused(run, *args: str) -> str:
    """Run `ledger verify ARGS`, expect exit 1 and nothing on stdout; return the one error line."""
    result = run("verify", *args, code=1)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@dataclass(frozen=True)
class Populated:
    """The `sahel` ledger with three forecasts and one evidence item.

    Attributes:
        run: the CLI runner.
        url: the database, as given to `--db`.
        plain: amina's forecast on `minerals` (cites no evidence).
        cited: ed's forecast on `minerals`, citing evidence 1.
        choice: amina's forecast on `troops`.
        before_forecasts: the head (`SEQ:HASH`) quoted before any forecast was recorded.
    """

    run: object
    url: str
    plain: int
    cited: int
    choice: int
    before_forecasts: str


def forecast_id(result) -> int:
    """The id from the `forecast N by …` line `ledger forecast` prints on stderr."""
    return int(re.search(r"forecast (\d+) by", result.stderr).group(1))


@pytest.fixture
def ledger(sahel) -> Populated:
    head = sahel.json("info")["head"]
    plain = forecast_id(sahel("forecast", "minerals", "70%", "--why", "MoU drafted", as_="amina"))
    sahel("evidence", "add", "Mining minister visits Washington", "--question", "minerals+", as_="amina")
    cited = forecast_id(sahel("forecast", "minerals", "40%", "--evidence", "1", as_="ed"))
    choice = forecast_id(sahel("forecast", "troops", "a=20%", "b=50%", "3 or more=30%", as_="amina"))
    return Populated(sahel, sahel.url, plain, cited, choice, f"{head['seq']}:{head['hash']}")


def entry_covering(conn: Connection, table: str, row_id: int) -> int:
    """The seq of the journal entry whose payload records `table` row `row_id`."""
    for seq, payload in conn.execute(text("SELECT seq, payload FROM journal ORDER BY seq")):
        if any(item[0] == "row" and item[1] == table and item[2][0] == row_id
               for item in fmt.parse_payload(payload, 2)):
            return seq
    raise AssertionError(f"no journal entry records {table} row {row_id}")


def with_p(payload: str, forecast: int, p: float) -> str:
    """The payload with forecast `forecast`'s probability changed, written as the ledger would."""
    out = []
    for item in fmt.parse_payload(payload, 2):
        assert item[0] in ("row", "meta")
        if item[0] == "meta":
            out.append(f"= {item[1]} {fmt.token(item[2])}")
            continue
        _, table, values, line = item
        if table == "forecasts" and values[0] == forecast:
            values[fmt.COLUMNS[2]["forecasts"].index("p")] = p
            line = fmt.row_line(table, values)
        out.append(line)
    return "".join(line + "\n" for line in out)


# -- intact ledgers ---------------------------------------------------------------------------


def test_intact_ledger_passes_and_reports_the_head_info_prints(ledger):
    head = ledger.run.json("info")["head"]
    assert head["seq"] > 0 and HEX64.fullmatch(head["hash"])
    result = ledger.run("verify")
    assert result.stdout == f"ok: {head['seq']} entries, head {head['seq']}:{head['hash']}\n"


def test_fresh_empty_ledger_verifies_with_zero_entries(run):
    assert run.json("info")["head"] == {"seq": 0, "hash": "0" * 64}
    assert run("verify").stdout == f"ok: 0 entries, head 0:{'0' * 64}\n"


# -- tampering with domain rows and the journal -----------------------------------------------


def test_edited_probability_names_the_row_and_column(ledger):
    with raw_sql(ledger.url) as conn:
        seq = entry_covering(conn, "forecasts", ledger.plain)
        conn.execute(text("UPDATE forecasts SET p = 0.9 WHERE id = :id"), {"id": ledger.plain})
    error = refused(ledger.run)
    assert f"forecasts row {ledger.plain} " in error
    assert f"journal entry {seq}" in error
    assert "p is 0.9" in error and "0.7" in error


def test_deleted_forecast_names_the_row_as_missing(ledger):
    with raw_sql(ledger.url) as conn:
        seq = entry_covering(conn, "forecasts", ledger.plain)
        conn.execute(text("DELETE FROM forecasts WHERE id = :id"), {"id": ledger.plain})
    error = refused(ledger.run)
    assert f"forecasts row {ledger.plain}," in error
    assert f"journal entry {seq}" in error
    assert "missing" in error and "deleted" in error


def test_edited_journal_payload_names_the_entry(ledger):
    with raw_sql(ledger.url) as conn:
        seq = entry_covering(conn, "forecasts", ledger.plain)
        payload = conn.execute(text("SELECT payload FROM journal WHERE seq = :s"), {"s": seq}).scalar_one()
        edited = with_p(payload, ledger.plain, 0.9)
        assert edited != payload
        conn.execute(text("UPDATE journal SET payload = :p WHERE seq = :s"), {"p": edited, "s": seq})
    error = refused(ledger.run)
    assert f"journal entry {seq} " in error
    assert "hash does not match its contents" in error


def test_inserted_forecast_is_named_as_not_in_the_journal(ledger):
    with raw_sql(ledger.url) as conn:
        fresh = conn.execute(text("SELECT max(id) + 1 FROM forecasts")).scalar_one()
        template = conn.execute(
            text("SELECT question_id, analyst_id, made_at FROM forecasts WHERE id = :id"), {"id": ledger.plain}
        ).one()
        conn.execute(
            text(
                "INSERT INTO forecasts (id, question_id, analyst_id, made_at, p, probs, rationale, imported) "
                "VALUES (:id, :q, :a, :t, 0.99, NULL, 'backdated', :imported)"
            ),
            {"id": fresh, "q": template.question_id, "a": template.analyst_id, "t": template.made_at - 1,
             "imported": False},
        )
    error = refused(ledger.run)
    assert f"forecasts row {fresh} is not in the journal" in error


def test_edited_question_title_is_caught(ledger):
    with raw_sql(ledger.url) as conn:
        qid = conn.execute(text("SELECT id FROM questions WHERE slug = 'minerals'")).scalar_one()
        conn.execute(text("UPDATE questions SET title = 'Will anything happen?' WHERE id = :id"), {"id": qid})
    error = refused(ledger.run)
    assert f"questions row {qid} " in error
    assert "title is 'Will anything happen?'" in error


def test_role_escalation_is_caught(ledger):
    with raw_sql(ledger.url) as conn:
        role_id = conn.execute(
            text(
                "SELECT r.id FROM analyst_roles r JOIN analysts a ON a.id = r.analyst_id "
                "WHERE a.handle = 'amina'"
            )
        ).scalar_one()
        conn.execute(text("UPDATE analyst_roles SET role = 'editor' WHERE id = :id"), {"id": role_id})
    error = refused(ledger.run)
    assert f"analyst_roles row {role_id} " in error
    assert "role is 'editor'" in error and "'analyst'" in error
    # The escalation is visible to the ledger (amina may now resolve), which is why verify must see it.
    assert {a["handle"]: a["role"] for a in ledger.run.json("analyst", "list")}["amina"] == "editor"


# -- a journal rewritten with recomputed hashes, and quoted heads ------------------------------


def rewrite_chain(conn: Connection, forecast: int, p: float) -> int:
    """What an attacker with the code does: edit the forecast row and the entry recording it,
    then recompute every hash from that entry onward so the chain is consistent again.
    Returns the seq of the first rewritten entry."""
    conn.execute(text("UPDATE forecasts SET p = :p WHERE id = :id"), {"p": p, "id": forecast})
    first = entry_covering(conn, "forecasts", forecast)
    entries = conn.execute(
        text("SELECT seq, at, kind, actor, payload, prev_hash FROM journal WHERE seq >= :s ORDER BY seq"),
        {"s": first},
    ).all()
    prev = entries[0].prev_hash
    for entry in entries:
        payload = entry.payload
        if entry.seq == first:
            payload = with_p(payload, forecast, p)
        digest = fmt.entry_hash_v2(entry.seq, entry.at, entry.kind, entry.actor, prev, payload)
        conn.execute(
            text("UPDATE journal SET payload = :payload, prev_hash = :prev, hash = :hash WHERE seq = :seq"),
            {"payload": payload, "prev": prev, "hash": digest, "seq": entry.seq},
        )
        prev = digest
    return first


def test_recomputed_chain_passes_plain_verify_but_not_the_quoted_head(ledger):
    head = ledger.run.json("info")["head"]
    quoted = f"{head['seq']}:{head['hash']}"
    ledger.run("verify", "--head", quoted)
    with raw_sql(ledger.url) as conn:
        first = rewrite_chain(conn, ledger.plain, 0.9)
    assert first < head["seq"]  # later entries were rewritten too, the head among them

    # The rewrite is internally consistent: without a quoted head nothing looks wrong.
    new_head = ledger.run.json("info")["head"]
    assert new_head["seq"] == head["seq"] and new_head["hash"] != head["hash"]
    assert ledger.run("verify").stdout == f"ok: {head['seq']} entries, head {new_head['seq']}:{new_head['hash']}\n"

    # The head quoted before the edit proves history up to it was rewritten.
    error = refused(ledger.run, "--head", quoted)
    assert f"journal entry {head['seq']} " in error
    assert head["hash"] in error and new_head["hash"] in error
    assert "rewritten" in error

    # A head quoted before the rewritten entry still holds: that part of history is intact.
    assert int(ledger.before_forecasts.split(":")[0]) < first
    ledger.run("verify", "--head", ledger.before_forecasts)


def test_recomputed_chain_is_caught_when_the_quoted_head_is_the_rewritten_entry(ledger):
    with raw_sql(ledger.url) as conn:
        seq = entry_covering(conn, "forecasts", ledger.plain)
        old = conn.execute(text("SELECT hash FROM journal WHERE seq = :s"), {"s": seq}).scalar_one()
        rewrite_chain(conn, ledger.plain, 0.1)
    ledger.run("verify")
    error = refused(ledger.run, "--head", f"{seq}:{old}")
    assert f"journal entry {seq} " in error and "rewritten" in error


def test_verify_with_the_current_head_passes(ledger):
    head = ledger.run.json("info")["head"]
    result = ledger.run("verify", "--head", f"{head['seq']}:{head['hash']}")
    assert result.stdout == f"ok: {head['seq']} entries, head {head['seq']}:{head['hash']}\n"


@pytest.mark.parametrize("quoted", ["abc", "5:xyz", "5:" + "g" * 64, ":" + "a" * 64, "-1:" + "a" * 64])
def test_malformed_head_is_bad_input(ledger, quoted):
    result = ledger.run("verify", "--head", quoted, code=2)
    assert result.stdout == ""
    assert result.stderr.startswith("error: --head:")


def test_head_beyond_the_journal_is_refused(ledger):
    head = ledger.run.json("info")["head"]
    error = refused(ledger.run, "--head", f"{head['seq'] + 1}:{head['hash']}")
    assert f"journal entry {head['seq'] + 1} " in error and "does not exist" in error
