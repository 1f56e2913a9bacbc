"""Journal formats: known-answer hashes for each format (worked out with `printf … | sha256sum`,
not with ledger's code), PostgreSQL reproducing a format-2 entry byte for byte in SQL, imported
rows checked block by block with the bad row named, and time order from format 2 on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ledger.store import formats as fmt
from ledger.store.journal import canonical, entry_hash

A64 = "a" * 64
# printf '[7,1764590400000000,"forecast","amina","aaa…a"]\n{"question":"minerals","rows":{"forecasts":[{"id":3,"p":0.7,"rationale":"MoU é"}]}}' | sha256sum
V1_HASH = "ed88f8136b021b3348f4109d9acc9b1acf4527d926d0445fd7c9396ba8739899"
V1_PAYLOAD = '{"question":"minerals","rows":{"forecasts":[{"id":3,"p":0.7,"rationale":"MoU é"}]}}'
# printf 'ledger-journal 2\n7\n1764590400000000\ns8:forecast\ns5:amina\naaa…a\nforecasts i3 i1 i2 i1764590400000000 d3fe6666666666666 n s8:MoU é\nl t\n= question s8:minerals\n' | sha256sum
V2_HASH = "dec750542297661692c86b0028e4e2e662fc28396c696370f2023c5842cbb1bc"
V2_PAYLOAD = "forecasts i3 i1 i2 i1764590400000000 d3fe6666666666666 n s8:MoU é\nl t\n= question s8:minerals\n"


def test_format_1_known_answer():
    assert canonical({"rows": {"forecasts": [{"rationale": "MoU é", "p": 0.7, "id": 3}]},
                      "question": "minerals"}) == V1_PAYLOAD
    assert entry_hash(7, 1764590400000000, "forecast", "amina", V1_PAYLOAD, A64) == V1_HASH


def test_format_2_known_answer():
    line = fmt.row_line("forecasts", [3, 1, 2, 1764590400000000, 0.7, None, "MoU é\nl", True])
    assert line + "\n= question " + fmt.token("minerals") + "\n" == V2_PAYLOAD
    assert fmt.entry_hash_v2(7, 1764590400000000, "forecast", "amina", A64, V2_PAYLOAD) == V2_HASH


def test_format_2_payload_reads_back_with_text_holding_spaces_and_newlines():
    items = fmt.parse_payload(V2_PAYLOAD, 2)
    assert items[0][:3] == ("row", "forecasts", [3, 1, 2, 1764590400000000, 0.7, None, "MoU é\nl", True])
    assert items[1] == ("meta", "question", "minerals")


def test_format_columns_cover_the_current_schema():
    """A new column needs a new format: the current format covers exactly today's columns."""
    from ledger.store.schema import DOMAIN_TABLES

    assert {t.name: tuple(c.name for c in t.columns) for t in DOMAIN_TABLES} == dict(fmt.COLUMNS[fmt.CURRENT])


# -- PostgreSQL derives a format-2 entry in SQL --------------------------------------------------

_PG_LINE = """
SELECT 'forecasts i' || id || ' i' || question_id || ' i' || analyst_id || ' i' || made_at
    || ' ' || CASE WHEN p IS NULL THEN 'n' ELSE 'd' || encode(float8send(p), 'hex') END
    || ' ' || CASE WHEN probs IS NULL THEN 'n' ELSE 's' || octet_length(probs) || ':' || probs END
    || ' ' || CASE WHEN rationale IS NULL THEN 'n' ELSE 's' || octet_length(rationale) || ':' || rationale END
    || ' ' || CASE WHEN imported THEN 't' ELSE 'f' END
FROM forecasts WHERE id = :id
"""
_PG_HASH = """
SELECT encode(sha256(convert_to('ledger-journal 2' || chr(10) || seq || chr(10) || at || chr(10)
    || 's' || octet_length(kind) || ':' || kind || chr(10) || 's' || octet_length(actor) || ':' || actor || chr(10)
    || prev_hash || chr(10) || :payload, 'UTF8')), 'hex')
FROM journal WHERE seq = :seq
"""


def test_postgresql_reproduces_a_forecast_entry_byte_for_byte(sahel):
    if not sahel.url.startswith("postgresql"):
        pytest.skip("a PostgreSQL check")
    sahel("forecast", "minerals", "0.1", "--why", "Tabs\tand 'quotes', é, 🚀\nand a new line", as_="amina")
    sahel("forecast", "troops", "a=20%", "b=50%", "3 or more=30%", as_="amina")
    engine = create_engine(sahel.url)
    with engine.connect() as conn:
        for fid in (1, 2):
            entry = conn.execute(text("SELECT seq, payload, hash FROM journal WHERE kind = 'forecast' ORDER BY seq "
                                      "LIMIT 1 OFFSET :n"), {"n": fid - 1}).one()
            line = conn.execute(text(_PG_LINE), {"id": fid}).scalar_one()
            assert entry.payload.startswith(line + "\n")
            meta = entry.payload[len(line) + 1:]
            slug = "minerals" if fid == 1 else "troops"
            assert meta == f"= question s{len(slug)}:{slug}\n"
            derived = line + "\n" + f"= question s{len(slug)}:{slug}\n"
            assert conn.execute(text(_PG_HASH), {"payload": derived, "seq": entry.seq}).scalar_one() == entry.hash
    engine.dispose()


# -- imported rows: block digests, locators, the bad row named ----------------------------------

CSV = "question_id,user_id,probability,timestamp,outcome,open_time,close_time,resolve_time\n" + "".join(
    f"q{i % 7},user{i % 5},0.{i % 9 + 1},2026-01-0{i % 9 + 1} 10:00:{i:02d}+00:00,{i % 7 % 2},2026-01-01 00:00:00+00:00,"
    f"2026-03-01 00:00:00+00:00,2026-02-01 00:00:00+00:00\n"
    for i in range(60))


@pytest.fixture
def imported(run, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(CSV)
    run("import", str(path))
    return run


def raw(url: str):
    return create_engine(url if "://" in url else f"sqlite:///{url}")


def tamper(url: str, *sql: str) -> None:
    engine = raw(url)
    with engine.begin() as conn:
        for statement in sql:
            conn.execute(text(statement))
    engine.dispose()


def verify_error(run) -> str:
    result = run("verify", code=1)
    return result.stderr


def test_an_edited_imported_forecast_is_named_by_row(imported):
    tamper(imported.url, "UPDATE forecasts SET p = 0.99 WHERE id = 17")
    assert "forecasts row 17 differs from what journal entry" in verify_error(imported)


def test_an_edited_imported_forecast_with_its_locator_rewritten_is_named_by_block(imported):
    tamper(imported.url, "UPDATE forecasts SET p = 0.99 WHERE id = 17", "DELETE FROM batch_locators")
    error = verify_error(imported)
    assert "forecasts rows 1-60" in error and "a value differs" in error


def test_a_deleted_imported_forecast_is_named(imported):
    tamper(imported.url, "DELETE FROM forecasts WHERE id = 60")
    error = verify_error(imported)
    assert "forecasts row 60" in error and "missing" in error


def test_an_edited_imported_question_title_is_caught(imported):
    tamper(imported.url, "UPDATE questions SET title = 'x' WHERE id = 3")
    assert "questions row 3 differs" in verify_error(imported)


def test_several_blocks_name_the_row_in_a_later_block(run, tmp_path, monkeypatch):
    monkeypatch.setattr(fmt, "BLOCK", 8)
    path = tmp_path / "h.csv"
    path.write_text(CSV)
    run("import", str(path))
    entry = raw(run.url)
    with entry.connect() as conn:
        payload = conn.execute(text("SELECT payload FROM journal WHERE kind = 'import'")).scalar_one()
        blocks = conn.execute(text("SELECT count(*) FROM batch_locators WHERE table_name = 'forecasts'")).scalar()
    entry.dispose()
    assert "* forecasts i1 i60 i60 i8 " in payload and blocks == 8  # ceil(60 / 8)
    run("verify")
    tamper(run.url, "UPDATE forecasts SET made_at = made_at + 1 WHERE id = 43")
    assert "forecasts row 43 differs" in verify_error(run)


def test_journal_times_never_go_back_from_format_2_on(sahel):
    engine = raw(sahel.url)
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT seq, at, kind, actor, payload, prev_hash FROM journal ORDER BY seq")).all()
        last = rows[-1]
        at = rows[-2].at - 1
        digest = fmt.entry_hash_v2(last.seq, at, last.kind, last.actor, last.prev_hash, last.payload)
        conn.execute(text("UPDATE journal SET at = :at, hash = :h WHERE seq = :s"),
                     {"at": at, "h": digest, "s": last.seq})
    engine.dispose()
    assert f"journal entry {last.seq}" in verify_error(sahel) and "before entry" in verify_error(sahel)


def test_an_entry_cannot_declare_itself_an_older_format(sahel):
    tamper(sahel.url, "UPDATE journal SET format = 1 WHERE seq = (SELECT max(seq) FROM journal)")
    assert "hash does not match" in verify_error(sahel)


def test_a_value_of_the_wrong_type_in_an_imported_row_is_tampering_not_a_crash(imported):
    tamper(imported.url, "UPDATE forecasts SET made_at = 'soon' WHERE id = 5") if "://" not in imported.url else \
        tamper(imported.url, "UPDATE forecasts SET p = 'NaN' WHERE id = 5")
    error = verify_error(imported)
    assert "forecasts row 5 differs" in error and "Traceback" not in error


def test_a_value_of_the_wrong_type_in_a_live_row_is_tampering_not_a_crash(sahel):
    if "://" in sahel.url:
        pytest.skip("SQLite stores a value of any type in any column")
    tamper(sahel.url, "UPDATE questions SET opens_at = x'00ff' WHERE id = 1")
    error = verify_error(sahel)
    assert "questions row 1 differs" in error
