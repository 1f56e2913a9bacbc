"""`ledger backup FILE` (SPEC 5, issue 9): a SQLite ledger backed up through SQLite's backup API on
one snapshot, consistent while another process writes; written beside FILE and renamed into place
once verified; an existing FILE replaced only with --force; a PostgreSQL ledger pointed to pg_dump."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from ledger.store import backup as backup_module
from tests.conftest import LedgerCli
from tests.store.ledgers import OLD_HEADS, empty_pg, execute, table_rows, v1_ledger
from tests.store.test_copy import WRITER

HEAD = f"{OLD_HEADS[-1]['seq']}:{OLD_HEADS[-1]['hash']}"


def test_a_backup_says_what_it_wrote_and_verifies(tmp_path):
    source = v1_ledger(tmp_path / "live")
    file = tmp_path / "backups" / "ledger-2026-11-27.db"  # the folder is made
    result = source("backup", str(file))
    pages = result.stdout.splitlines()[0].rsplit("(", 1)[1].split()[0]
    assert result.stdout.splitlines() == [
        f"backed up sqlite:///{source.url} to {file} ({pages} pages)",
        f"head      {HEAD}",
        f"ok: 29 entries, head {HEAD} (the backup verifies)",
    ]
    assert int(pages) > 10
    assert os.listdir(file.parent) == [file.name]  # no temporary file left beside it
    backup = LedgerCli(str(file))
    assert table_rows(backup.url) == table_rows(source.url)
    for head in OLD_HEADS:
        backup("verify", "--head", f"{head['seq']}:{head['hash']}")
    backup("forecast", "h4", "60%", as_="amina")  # a backup is a ledger of its own
    backup("verify")


def test_the_json_report(tmp_path):
    source = v1_ledger(tmp_path)
    got = json.loads(source("backup", str(tmp_path / "b.db"), "--json").stdout)
    assert got["file"] == str(tmp_path / "b.db") and got["head"] == OLD_HEADS[-1] and got["verified"] is True


@contextmanager
def slow_progress(monkeypatch, pause: float):
    """Every backup step (and verify step) takes at least `pause` seconds."""
    class Bar:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def update(self, n):
            time.sleep(pause)

    monkeypatch.setattr("ledger.cli.copying.progress_bar", lambda total, label: Bar())
    yield


def test_a_backup_taken_while_another_process_writes_is_consistent_and_a_prefix(tmp_path, monkeypatch):
    source = v1_ledger(tmp_path)
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 2)  # many steps: each one reads the same snapshot
    stop, file = tmp_path / "stop", tmp_path / "backup.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, source.url, str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while source.json("info")["counts"]["forecasts"] < 23:
            assert writer.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        started = source.json("info")["head"]
        with slow_progress(monkeypatch, 0.05):
            result = source("backup", str(file))
        ended = source.json("info")["head"]
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    backup = LedgerCli(str(file))
    head = backup.json("info")["head"]
    assert f"head      {head['seq']}:{head['hash']}" in result.stdout  # the head printed is the backup's
    assert ended["seq"] > started["seq"], "the writer wrote nothing while the backup ran"
    assert started["seq"] <= head["seq"] <= ended["seq"]
    backup("verify", "--head", f"{head['seq']}:{head['hash']}")
    source("verify", "--head", f"{head['seq']}:{head['hash']}")  # a prefix of the source's history
    rows, mine = table_rows(source.url), table_rows(backup.url)
    assert mine["journal"] == rows["journal"][:head["seq"]]
    assert mine["forecasts"] == rows["forecasts"][:len(mine["forecasts"])]
    assert len(mine["forecasts"]) - 20 == head["seq"] - OLD_HEADS[-1]["seq"]


def test_an_existing_file_is_replaced_only_with_force(tmp_path):
    source = v1_ledger(tmp_path)
    file = tmp_path / "old.db"
    file.write_bytes(b"yesterday's backup")
    error = source("backup", str(file), code=1).stderr
    assert error == (f"error: {file} exists; pass --force to replace it (it is replaced only once the new backup "
                     "is complete and verified)\n")
    assert file.read_bytes() == b"yesterday's backup"
    source("backup", str(file), "--force")
    LedgerCli(str(file))("verify", "--head", HEAD)


def test_a_backup_that_does_not_verify_leaves_file_as_it_was(tmp_path):
    source = v1_ledger(tmp_path / "live")
    execute(source.url, "UPDATE forecasts SET p = 0.5 WHERE id = 1")
    file = tmp_path / "b.db"
    file.write_bytes(b"yesterday's backup")
    error = source("backup", str(file), "--force", code=1).stderr
    assert error.startswith("error: the backup does not verify, so it was not kept") and "forecasts row 1" in error
    assert file.read_bytes() == b"yesterday's backup"
    assert sorted(os.listdir(tmp_path)) == ["b.db", "live"]
    result = source("backup", str(file), "--force", "--no-verify")
    assert "the backup was not verified (--no-verify)" in result.stderr
    assert table_rows(str(file)) == table_rows(source.url)


def test_the_ledger_itself_or_a_live_database_is_refused(tmp_path):
    source = v1_ledger(tmp_path)
    assert "is the ledger itself" in source("backup", source.url, "--force", code=1).stderr
    other = LedgerCli(str(tmp_path / "other.db"))
    other("init", as_=None)
    (tmp_path / "other.db-wal").write_bytes(b"")  # as a database in use has
    error = source("backup", other.url, "--force", code=1).stderr
    assert "is a live database (other.db-wal is beside it)" in error
    assert "is a directory" in source("backup", str(tmp_path), code=2).stderr  # bad input


def test_a_postgresql_ledger_is_pointed_to_pg_dump(pg_server_url, tmp_path):
    with empty_pg(pg_server_url) as url:
        run = LedgerCli(url)
        run("init", as_=None)
        error = run("backup", str(tmp_path / "b.db"), code=1).stderr
    assert error.startswith("error: `ledger backup` backs up a SQLite ledger; this one is on PostgreSQL (postgresql://")
    assert "pg_dump --format=custom --file=ledger.dump" in error and "ledger copy FILE.db" in error
    assert not (tmp_path / "b.db").exists()
