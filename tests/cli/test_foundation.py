"""Defects a new user hit in the foundation (issue 6), each pinned: auto-registration is said,
look-alike handles are warned about, a correction keeps the known_at in force, a question that
has not opened is `upcoming`, and a read-only archive can still be read and verified."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LedgerCli


def test_a_new_handle_is_registered_out_loud(sahel: LedgerCli):
    result = sahel("forecast", "minerals", "70%", as_="kofi")
    assert "registered 'kofi' as a new analyst" in result.stderr
    assert "kofi" in [a["handle"] for a in sahel.json("analyst", "list")]
    again = sahel("forecast", "minerals", "60%", as_="kofi")
    assert "registered" not in again.stderr


def test_a_new_handle_that_looks_like_an_existing_one_is_warned_about(sahel: LedgerCli):
    result = sahel("forecast", "minerals", "70%", as_="Amina ")
    assert "registered 'Amina ' as a new analyst" in result.stderr
    assert "looks like 'amina'" in result.stderr


def test_a_refused_first_write_registers_no_one(sahel: LedgerCli):
    before = sahel.state()
    result = sahel("forecast", "minerals", "1.5", as_="newcomer", code=2)
    assert "registered" not in result.stderr
    assert sahel.state() == before


def test_a_correction_without_on_keeps_the_known_at_in_force(sahel: LedgerCli):
    sahel("resolve", "minerals", "yes", "--on", "2026-06-02")
    sahel("resolve", "minerals", "no", "--correct", "Only an MoU")
    history = sahel.json("question", "show", "minerals")["resolutions"]
    assert [r["known_at"] for r in history] == ["2026-06-02T00:00:00Z", "2026-06-02T00:00:00Z"]
    sahel("resolve", "minerals", "yes", "--correct", "Signed after all", "--on", "2026-07-01")
    assert sahel.json("question", "show", "minerals")["resolution"]["known_at"] == "2026-07-01T00:00:00Z"


def test_a_question_that_has_not_opened_is_upcoming(sahel: LedgerCli):
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "later", "--title", "Later?",
          "--criteria", "Yes if later.", "--opens", "2098-01-01", "--closes", "2099-01-01")
    listed = {q["slug"]: q["status"] for q in sahel.json("question", "list")}
    assert listed == {"minerals": "open", "troops": "open", "later": "upcoming"}
    assert [q["slug"] for q in sahel.json("question", "list", "--status", "upcoming")] == ["later"]
    refused = sahel("forecast", "later", "50%", as_="amina", code=1)
    assert "not open yet" in refused.stderr


def test_an_analyst_can_be_reactivated_by_an_editor(sahel: LedgerCli):
    sahel("analyst", "deactivate", "amina")
    assert "deactivated" in sahel("forecast", "minerals", "70%", as_="amina", code=1).stderr
    sahel("analyst", "reactivate", "amina", as_="amina", code=1)  # not an editor, and deactivated
    sahel("analyst", "reactivate", "amina")
    sahel("forecast", "minerals", "70%", as_="amina")
    assert sahel("analyst", "reactivate", "amina", code=1).stderr.startswith("error: ")
    sahel("verify")


@pytest.fixture
def archive(sahel: LedgerCli, tmp_path: Path):
    """The sahel ledger copied into a folder that nobody, root included, can write (chattr +i)."""
    if "://" in sahel.url:
        pytest.skip("an archive is a SQLite file")
    sahel("forecast", "minerals", "70%", as_="amina")
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(sahel.url, folder / "ledger.db")
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{folder / 'ledger.db'}{suffix}").exists()
    locked = subprocess.run(["chattr", "+i", str(folder / "ledger.db"), str(folder)], capture_output=True)
    if locked.returncode != 0:
        pytest.skip(f"cannot make a read-only folder here: {locked.stderr.decode().strip()}")
    try:
        yield LedgerCli(str(folder / "ledger.db"))
    finally:
        subprocess.run(["chattr", "-i", str(folder / "ledger.db"), str(folder)], check=True)


def test_a_read_only_archive_reads_and_verifies(archive: LedgerCli):
    assert archive("verify").stdout.startswith("ok: ")
    assert [q["slug"] for q in archive.json("question", "list")] == ["minerals", "troops"]
    assert len(archive.json("question", "show", "minerals")["forecasts"]) == 1
    archive("score", "--json")
    refused = archive("forecast", "minerals", "60%", as_="amina", code=1)
    assert "read-only" in refused.stderr
    assert sorted(p.name for p in Path(archive.url).parent.iterdir()) == ["ledger.db"]
