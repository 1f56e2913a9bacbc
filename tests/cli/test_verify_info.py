"""`verify` (SPEC 3 and 5: `ok: N entries, head SEQ:HASH`, `--json`, malformed heads are bad
input), `forecast` naming the forecast it recorded (SPEC 4), and where the default ledger lives
(SPEC 2: the user's data directory, as `ledger info` prints)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from ledger.cli.main import cli
from tests.conftest import LedgerCli

def test_verify_prints_entries_and_the_head_as_seq_hash(sahel: LedgerCli):
    head = sahel.json("info")["head"]
    result = sahel("verify")
    assert result.stdout == f"ok: 5 entries, head 5:{head['hash']}\n"
    assert re.fullmatch(r"checked \d+ rows against the journal\n", result.stderr)
    quoted = sahel("verify", "--head", f"5:{head['hash'].upper()}")
    assert quoted.stdout == result.stdout
    assert quoted.stderr == result.stderr.replace("journal", "journal; entry 5 matches the quoted head")


def test_verify_json(sahel: LedgerCli):
    head = sahel.json("info")["head"]
    assert sahel.json("verify") == {"ok": True, "entries": 5, "head": {"seq": 5, "hash": head["hash"]}}
    assert sahel("verify", "--json").stdout == (
        '{"ok": true, "entries": 5, "head": {"seq": 5, "hash": "' + head["hash"] + '"}}\n'
    )


def test_verify_failure_exits_1_and_says_so_in_json_too(sahel: LedgerCli):
    sahel("forecast", "minerals", "70%", as_="amina")
    url = sahel.url if "://" in sahel.url else f"sqlite:///{sahel.url}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE forecasts SET p = 0.1"))
    engine.dispose()
    plain = sahel("verify", code=1)
    assert plain.stdout == ""
    [error] = plain.stderr.splitlines()
    assert error.startswith("error: forecasts row 1")
    result = sahel("verify", "--json", code=1)
    assert json.loads(result.stdout) == {"ok": False, "error": error[len("error: "):]}
    assert result.stderr == plain.stderr


@pytest.mark.parametrize("quoted", ["", " ", "5", "5:", ":" + "a" * 64, "5:" + "a" * 63, "5:" + "a" * 65,
                                    "x:" + "a" * 64, "5:" + "z" * 64, "٥:" + "a" * 64, "5;" + "a" * 64])
def test_an_empty_or_malformed_head_is_bad_input(sahel: LedgerCli, quoted):
    result = sahel("verify", "--head", quoted, code=2)
    assert (result.stdout, result.stderr) == (
        "", f"error: --head: {quoted!r} is not SEQ:HASH (a sequence number and 64 hex digits)\n"
    )
    assert sahel("verify", "--json", "--head", quoted, code=2).stdout == ""


def test_forecast_says_the_id_it_recorded(sahel: LedgerCli):
    assert sahel("forecast", "minerals", "likely", as_="amina").stdout == "recorded 67.5% (likely) on #1 (forecast 1)\n"
    assert sahel("forecast", "#1", "1 in 4").stdout == "recorded 25% (unlikely) on #1 (forecast 2)\n"
    result = sahel("forecast", "troops", "a=20%", "b=50%", "3 or more=30%", as_="amina")
    assert result.stdout == (
        "recorded a 20% (unlikely), b 50% (roughly even chance), 3 or more 30% (unlikely) on #2 (forecast 3)\n"
    )
    assert [f["id"] for f in sahel.json("question", "show", "troops")["forecasts"]] == [3]


# -- the default location -------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """platformdirs' user data directory, pointed at a temporary folder."""
    import platformdirs

    calls = []

    def fake(appname=None, appauthor=None, *args, **kwargs):
        calls.append((appname, appauthor))
        return str(tmp_path / "data" / appname)

    monkeypatch.setattr(platformdirs, "user_data_dir", fake)
    yield tmp_path / "data" / "ledger"
    assert set(calls) <= {("ledger", False)}


def test_default_path_is_platformdirs_user_data_dir(data_dir):
    from ledger.store.urls import default_path

    assert default_path() == data_dir / "ledger.db"


def test_default_path_follows_xdg_data_home_on_linux(tmp_path, monkeypatch):
    import sys

    from ledger.store.urls import default_path

    if not sys.platform.startswith("linux"):
        pytest.skip("XDG applies on Linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "ledger" / "ledger.db"


def test_info_prints_the_default_location(data_dir):
    runner = CliRunner()
    env = {"LEDGER_DB": None, "LEDGER_ANALYST": None}
    init = runner.invoke(cli, ["init"], env=env)
    assert (init.exit_code, init.stdout) == (0, f"created ledger at sqlite:///{data_dir}/ledger.db (schema 0002)\n")
    info = runner.invoke(cli, ["info"], env=env)
    assert info.exit_code == 0, info.output
    assert info.stdout.splitlines()[0] == (
        f"ledger    sqlite:///{data_dir}/ledger.db (the default, in your data directory; --db or LEDGER_DB for another)"
    )
    named = runner.invoke(cli, ["--db", str(data_dir / "ledger.db"), "info"], env=env)
    assert named.stdout.splitlines()[0] == f"ledger    sqlite:///{data_dir}/ledger.db"
