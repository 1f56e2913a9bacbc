"""Foreseeable problems found in review: each one line on stderr, the right exit code, nothing
written, no traceback."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import LedgerCli


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("forecast", "#99999999999999999999", "50%"), 1, "no question"),
        (("question", "show", "99999999999999999999"), 1, "no question"),
        (("forecast", "minerals", "50%", "--evidence", "99999999999999999999"), 1, "no evidence"),
        (("evidence", "link", "99999999999999999999", "minerals+"), 1, "no evidence"),
        (("forecast", "minerals", "-0.1"), 2, "'-0.1' is below 0"),
        (("question", "add", "--scenario", "sahel-2026", "--title", "Far?", "--criteria", "c", "--closes",
          "9999-12-31"), 2, "outside the years 1 to 9999"),
        (("score", "--as-of", "9999-12-31T23:00:00-05:00"), 2, "outside the years 1 to 9999"),
        (("forecast", "minerals", "50%", "--why", "bad\udcffbyte"), 2, "not valid UTF-8"),
        (("question", "show", "q\udcff"), 2, "not valid UTF-8"),
        (("db", "upgrade", "zzz"), 1, "cannot migrate"),
    ],
    ids=lambda x: str(x)[:40],
)
def test_foreseeable_problems(sahel: LedgerCli, args, code, message):
    before = sahel.state()
    result = sahel(*args, as_="amina" if args[0] != "db" else "ed", code=code)
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert sahel.state() == before


def test_unusable_urls_and_folders(tmp_path):
    cli = LedgerCli("mysql://x@127.0.0.1/z")
    assert "cannot use database URL" in cli("info", code=1).stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cli = LedgerCli(str(blocker / "sub" / "x.db"))
    assert "cannot create the folder" in cli("init", as_=None, code=1).stderr


def test_export_to_a_missing_folder(sahel: LedgerCli, tmp_path):
    assert "cannot write" in sahel("export", "--out", str(tmp_path / "no" / "x.jsonl"), code=1).stderr


def test_observed_and_published_take_datetimes(sahel: LedgerCli):
    # 23:30 at -05:00 is 04:30Z the next day: the observed date is the UTC date
    sahel("evidence", "add", "seen", "--observed", "2026-11-20T23:30:00-05:00")
    assert sahel.json("evidence", "list")[0]["observed_on"] == "2026-11-21"
    sahel("scenario", "add", "s2", "--title", "S2", "--published", "2026-11-20T10:00:00Z")
    assert sahel.json("scenario", "show", "s2")["source"]["published"] == "2026-11-20"


def test_set_role_keeps_a_deactivated_analyst_deactivated(sahel: LedgerCli):
    sahel("analyst", "deactivate", "amina")
    sahel("analyst", "set-role", "amina", "analyst")
    [amina] = [a for a in sahel.json("analyst", "list") if a["handle"] == "amina"]
    assert amina["active"] is False


def test_malformed_but_rehashed_journal_entry_is_tampering(sahel: LedgerCli):
    from ledger.store.formats import entry_hash_v2

    url = sahel.url if "://" in sahel.url else f"sqlite:///{sahel.url}"
    engine = create_engine(url)
    with engine.begin() as conn:
        last = conn.execute(text("SELECT seq, at, kind, actor, prev_hash FROM journal ORDER BY seq DESC LIMIT 1")).one()
        payload = "forecasts i1 d3fb\n"  # a row cut short
        digest = entry_hash_v2(last.seq, last.at, last.kind, last.actor, last.prev_hash, payload)
        conn.execute(text("UPDATE journal SET payload = :p, hash = :h WHERE seq = :s"),
                     {"p": payload, "h": digest, "s": last.seq})
    engine.dispose()
    result = sahel("verify", code=1)
    assert f"journal entry {last.seq}" in result.stderr and "malformed" in result.stderr
