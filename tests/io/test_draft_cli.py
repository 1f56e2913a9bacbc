"""`ledger scenario draft` from the command line, and the file it writes: valid YAML whose
values read back as the intended strings, the same bytes on every run."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.cli.main import cli
from ledger.io.drafting import draft_scenario, render_yaml
from ledger.io.drafting.render import scalar

ARTICLES = Path(__file__).parent / "articles"
SPORT = ARTICLES / "sport.txt"


def run(*args: str):
    return CliRunner().invoke(cli, ["scenario", "draft", *args])


def test_stdout_is_the_draft_and_stderr_the_summary() -> None:
    result = run(str(SPORT))
    assert result.exit_code == 0, result.output
    expected = render_yaml(draft_scenario(SPORT.read_text(encoding="utf-8"), today=date(2000, 1, 1)))
    assert result.stdout == expected  # the article has a date line: today does not matter
    assert result.stderr == "sport.txt: 16 sentences read, 6 drafts\n"


def test_options_fill_the_scenario_block() -> None:
    result = run(str(SPORT), "--slug", "city-2026", "--title", "Harbour City's season", "--publisher", "Harbour Post",
                 "--url", "https://example.org/city?id=7#top", "--published", "2026-04-13")
    assert result.exit_code == 0, result.output
    loaded = yaml.safe_load(result.stdout)
    assert loaded["scenario"] == {
        "slug": "city-2026", "title": "Harbour City's season",
        "source": {"title": "Harbour City eye the title after derby win", "publisher": "Harbour Post",
                   "url": "https://example.org/city?id=7#top", "published": "2026-04-13"},
    }
    assert loaded["questions"][0]["closes"] == "2027-04-13"  # one year after --published, not the date line


def test_the_file_reads_back_as_strings_and_says_why_criteria_are_todo() -> None:
    text = run(str(ARTICLES / "central_bank.txt")).stdout
    assert text.startswith("# Draft scenario written by `ledger scenario draft`")
    assert "`ledger scenario import` refuses this file until" in text.splitlines()[1] + text.splitlines()[2]
    loaded = yaml.safe_load(text)
    first = loaded["questions"][0]
    assert first == {
        "slug": "bank-cut-rates-by-quarter-point-in-june-if-wages",
        "title": "Will the bank cut rates by a quarter point in June if wages cooled?",
        "kind": "binary",
        "criteria": "TODO: resolves yes if … — pin down who counts as 'the bank', what exactly counts as it "
                    "happening, which source confirms it; and the date (closes 2026-06-30).",
        "closes": "2026-06-30",
        "prior": "likely",
        "quote": "Governor Mr. J. P. Almeida said the bank would cut rates by a quarter point in June if wages cooled.",
    }
    for question in loaded["questions"]:
        assert all(isinstance(value, str) for value in question.values()), question
    assert [q["prior"] for q in loaded["questions"]][5] == "70%"


def test_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    for name in ("central_bank", "election", "tech_launch", "energy", "sport"):
        first, second = tmp_path / f"{name}-1.yaml", tmp_path / f"{name}-2.yaml"
        assert run(str(ARTICLES / f"{name}.txt"), "--out", str(first)).exit_code == 0
        assert run(str(ARTICLES / f"{name}.txt"), "--out", str(second)).exit_code == 0
        assert first.read_bytes() == second.read_bytes()


def test_runs_in_separate_interpreters_agree(tmp_path: Path) -> None:
    """No hash-seed or set-order dependence: two fresh processes with different PYTHONHASHSEEDs."""
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "ledger", "scenario", "draft", str(ARTICLES / "election.txt")],
                              capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


def test_out_writes_the_file_and_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    result = run(str(SPORT), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"sport.txt: 16 sentences read, 6 drafts; wrote {out}\n"
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["scenario"]["slug"].startswith("harbour-city")

    out.write_text("kept\n", encoding="utf-8")
    refused = run(str(SPORT), "--out", str(out))
    assert (refused.exit_code, refused.stderr) == (2, f"error: --out {out}: the file exists; add --force to replace it\n")
    assert out.read_text(encoding="utf-8") == "kept\n"

    forced = run(str(SPORT), "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8").startswith("# Draft scenario")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.yaml"]  # no temporary file left


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "File '" in result.stderr and "nope.txt' does not exist." in result.stderr
    assert "Traceback" not in result.output


def test_a_directory_is_refused(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Headline\nThe bank will cut rates in S\xe3o Paulo.\n".encode("latin-1"))
    result = run(str(bad))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {bad}: line 2: not UTF-8 text (byte 37, 0xe3)\n"  # 9 + 28 bytes before it


def test_a_bad_slug_or_date_is_refused() -> None:
    assert run(str(SPORT), "--slug", "bad slug").exit_code == 2
    result = run(str(SPORT), "--published", "2026-13-40")
    assert result.exit_code == 2
    assert "--published" in result.stderr


def test_an_article_without_claims_gives_an_empty_list(tmp_path: Path) -> None:
    facts = tmp_path / "facts.txt"
    facts.write_text("The bank held rates on Tuesday. Inflation fell.\n", encoding="utf-8")
    result = run(str(facts), "--slug", "facts")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == {"scenario": {"slug": "facts", "title": "Draft scenario"}, "questions": []}
    assert result.stderr == "facts.txt: 2 sentences read, 0 drafts\n"


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["scenario", "draft", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "ledger scenario draft article.txt" in result.output


@pytest.mark.parametrize("value", ["Yes?", "yes", "no", "on", "7:3", "2027-12-31", "1e3", "null", "~", "#tag", "- x",
                                   "a: b", "it's", '"quoted"', "tab\there", "line\nbreak", "\x85", "\u2028", "ünï",
                                   "", " padded ", "likely", "almost no chance", "0x10", ".inf", "@at", "`tick`"])
def test_scalars_read_back_as_the_same_string(value: str) -> None:
    assert yaml.safe_load(f"key: {scalar(value)}") == {"key": value}


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_reads_back_as_itself(value: str) -> None:
    assert yaml.safe_load(f"key: {scalar(value)}") == {"key": value}
