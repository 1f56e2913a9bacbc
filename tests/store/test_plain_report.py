"""`ledger report` on a SQLite file reads without SQLAlchemy (`ledger.store.plain`), and writes
exactly what the usual read through `Ledger` gives (a URL with an option is left to it); an
unknown scenario is refused the same way on both."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.test_plain_score import demo, ledger  # noqa: F401 - demo: the module's fixture, the demo ledger
from tests.test_help import probe


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
@pytest.mark.parametrize("scope", [[], ["--scenario", "sahel-2026"]])
def test_the_plain_read_reports_as_the_usual_one(demo: Path, tmp_path: Path, fmt: str, scope: list[str]) -> None:
    outputs = {}
    for how, db in (("plain", str(demo)), ("usual", f"sqlite:///{demo}?timeout=5")):
        out = tmp_path / how / ("report" if fmt == "md" else f"report.{fmt}")
        ledger("--db", db, "report", "--period", "quarter", "--as-of", "2027-10-01", "--format", fmt,
               "--out", str(out), "--priority", "normal", *scope)
        outputs[how] = _files(out) if fmt == "md" else out.read_bytes()
    assert outputs["plain"] == outputs["usual"]
    text = b"".join(outputs["plain"].values()) if fmt == "md" else outputs["plain"]
    assert b"Sahel" in text and len(text) > 2000  # a report with something in it


def test_report_on_a_sqlite_file_never_imports_sqlalchemy(demo: Path, tmp_path: Path) -> None:
    [report] = probe([["--db", str(demo), "report", "--format", "json", "--as-of", "2027-10-01",
                       "--priority", "normal", "--out", str(tmp_path / "r.json")]], ("sqlalchemy",), tmp_path)
    assert report["code"] in (0, None) and report["loaded"] == [], report
    assert (tmp_path / "r.json").stat().st_size > 1000


def test_an_unknown_scenario_is_refused_alike_on_both_reads(demo: Path, tmp_path: Path) -> None:
    errors = [ledger("--db", db, "report", "--scenario", "nowhere", "--out", str(tmp_path / "r.html"), code=1).stderr
              for db in (str(demo), f"sqlite:///{demo}?timeout=5")]
    assert errors[0] == errors[1] == "error: no scenario 'nowhere'\n"
    assert not (tmp_path / "r.html").exists()
