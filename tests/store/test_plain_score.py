"""`ledger score` on a SQLite file reads without SQLAlchemy (`ledger.store.plain`), and scores
exactly as the usual read through `Ledger` does; whatever is not the plain case (another
revision, a URL with options, a file that is not a ledger) is left to the usual read, which says
what is wrong as every command does."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.core.period import Window
from ledger.core.scoring.as_json import groups_json
from ledger.cli.output import json_text
from ledger.core.timeutil import parse_instant
from ledger.store.ledger import Ledger
from ledger.store.plain import scored_plainly
from ledger.store.scores import group_table, scored
from tests.test_help import probe


def ledger(*args: str, code: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "ledger", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == code, done.stderr
    return done


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo ledger: sources, choice questions, an amended question, a withdrawn forecast."""
    folder = tmp_path_factory.mktemp("plain") / "demo"
    ledger("demo", "--out", str(folder))
    return folder / "ledger.db"


def _json(data, by: str, method: str) -> str:
    return "".join(groups_json(group_table(data, by=by, method=method), json_text))


@pytest.mark.parametrize("as_of", ["2027-08-01", "2028-02-01"])
@pytest.mark.parametrize("filters", [{}, {"scenario": "sahel-2026"}, {"tag": "us-mali"}])
def test_the_plain_read_scores_as_the_usual_one(demo: Path, as_of: str, filters: dict) -> None:
    window = Window(parse_instant(as_of))
    plain = scored_plainly(str(demo), lambda now: window, **filters)
    assert plain is not None, "the plain read did not apply"
    usual_ledger = Ledger(str(demo))
    try:
        usual = scored(usual_ledger, lambda now: window, **filters)
    finally:
        usual_ledger.close()
    assert plain[1] == usual[1] == window
    outputs = {}
    for by in ("analyst", "question", "scenario", "tag", "all"):
        for method in ("time", "final"):
            outputs[by, method] = _json(plain[0], by, method)
            assert outputs[by, method] == _json(usual[0], by, method), (by, method)
    assert any(len(text) > 2 for text in outputs.values()), "nothing was scored: the comparison says nothing"


def test_score_on_a_sqlite_file_never_imports_sqlalchemy(demo: Path, tmp_path: Path) -> None:
    [report] = probe([["--db", str(demo), "score", "--json", "--as-of", "2028-02-01"]], ("sqlalchemy",), tmp_path)
    assert report["code"] in (0, None) and report["loaded"] == [], report
    # the same figures as when SQLAlchemy reads (a URL with an option is left to it)
    plain = ledger("--db", str(demo), "score", "--json", "--as-of", "2028-02-01").stdout
    usual = ledger("--db", f"sqlite:///{demo}?timeout=5", "score", "--json", "--as-of", "2028-02-01").stdout
    assert plain == usual and '"groups": [{' in plain


def test_what_is_not_the_plain_case_is_left_to_the_usual_read(demo: Path, tmp_path: Path) -> None:
    assert scored_plainly(f"sqlite:///{demo}?timeout=5") is None
    assert scored_plainly(str(tmp_path / "missing.db")) is None
    assert not (tmp_path / "missing.db").exists()  # nothing made where there was no ledger
    older = tmp_path / "older.db"
    shutil.copy(demo, older)
    with sqlite3.connect(older) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    assert scored_plainly(str(older)) is None
    refused = ledger("--db", str(older), "score", code=1)
    assert "schema revision 9999" in refused.stderr and "Traceback" not in refused.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all, " * 100)
    assert scored_plainly(str(garbage)) is None
    refused = ledger("--db", str(garbage), "score", code=1)
    assert refused.stderr.startswith("error: ") and "Traceback" not in refused.stderr
    missing = ledger("--db", str(tmp_path / "missing.db"), "score", code=1)
    assert "no ledger at" in missing.stderr
