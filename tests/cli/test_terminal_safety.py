"""SPEC 5: human-readable output never passes control characters from user text to the terminal.
Escape sequences, other controls and bidi overrides are shown escaped, a line break inside a
table cell is shown as `⏎`, free text printed on its own lines keeps its line breaks, and
`--json` keeps the text exactly."""

from __future__ import annotations

import re

import pytest

from ledger.cli.output import json_text, shown, table
from ledger.core.timeutil import format_short, parse_instant
from tests.conftest import LedgerCli

#: What must never reach a terminal raw (a line feed is allowed only as a line break of the output).
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

ESC_RATIONALE = "line one\nline two \x1b[31mred\x1b[0m \u202eevil\r"
CRITERIA = "Yes if\x1b[2J it\r\nhappens\r.\x07"
SUMMARY = "Seen\x1b]0;pwned\x07 \u202edrow\tx\u2028y"


def made(us_text: str) -> str:
    return format_short(parse_instant(us_text))


@pytest.mark.parametrize(
    "text, cell, block",
    [
        ("plain café ✓", "plain café ✓", "plain café ✓"),
        ("a\x1b[31mb", "a\\x1b[31mb", "a\\x1b[31mb"),
        ("bell\x07 del\x7f csi\x9b nul\x00", "bell\\x07 del\\x7f csi\\x9b nul\\x00", "bell\\x07 del\\x7f csi\\x9b nul\\x00"),
        ("tab\there", "tab\\there", "tab\\there"),
        ("one\ntwo", "one⏎two", "one\ntwo"),
        ("one\r\ntwo", "one⏎two", "one\ntwo"),
        ("over\rwrite", "over⏎write", "over\\rwrite"),
        ("ls\u2028ps\u2029nel\x85", "ls⏎ps⏎nel⏎", "ls\\u2028ps\\u2029nel\\x85"),
        ("rlo\u202e lri\u2066 pdi\u2069 rlm\u200f alm\u061c", "rlo\\u202e lri\\u2066 pdi\\u2069 rlm\\u200f alm\\u061c",
         "rlo\\u202e lri\\u2066 pdi\\u2069 rlm\\u200f alm\\u061c"),
        ("zero\u200bwidth", "zero\u200bwidth", "zero\u200bwidth"),  # harmless format characters stay
        (None, "", ""),
    ],
)
def test_shown_escapes_controls_and_bidi(text, cell, block):
    assert shown(text) == cell
    assert shown(text, block=True) == block
    assert shown(shown(text)) == shown(text)


def test_table_cells_are_shown_and_aligned_on_what_is_printed():
    assert table(("a", "b"), [("x\ny", "z\x1b"), (None, 3)]) == "a    b\nx⏎y  z\\x1b\n     3"


def test_json_text_is_exact_but_never_raw():
    import json

    value = {"t": "x\x1by\x9bz\u202e\u2028é"}
    out = json_text(value)
    assert not RAW.search(out)
    assert "é" in out
    assert json.loads(out) == value


def test_question_show_escapes_criteria_rationale_and_title(sahel: LedgerCli):
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "ctl", "--title", "Will \u202eX\u202c happen?",
          "--criteria", CRITERIA, "--opens", "2026-01-01", "--closes", "2099-12-31", "--tag", "t\u202e")
    sahel("forecast", "ctl", "70%", "--why", ESC_RATIONALE, as_="amina")
    shown_json = sahel.json("question", "show", "ctl")
    result = sahel("question", "show", "ctl")
    assert result.stdout == (
        "#3 ctl [binary, open]\n"
        "Will \\u202eX\\u202c happen?\n"
        "criteria: Yes if\\x1b[2J it\n"
        "happens\\r.\\x07\n"
        "opens 2026-01-01 00:00Z · closes 2100-01-01 00:00Z · resolves by 2100-01-01 00:00Z\n"
        "scenario: sahel-2026 · tags: t\\u202e\n"
        "\n"
        "forecast  made               analyst  p    why\n"
        f"1         {made(shown_json['forecasts'][0]['made_at'])}  amina    70%  "
        "line one⏎line two \\x1b[31mred\\x1b[0m \\u202eevil⏎\n"
    )
    # --json keeps every character exactly
    assert shown_json["title"] == "Will \u202eX\u202c happen?"
    assert shown_json["criteria"] == CRITERIA
    assert shown_json["forecasts"][0]["rationale"] == ESC_RATIONALE
    assert not RAW.search(sahel("question", "show", "ctl", "--json").stdout)


def test_resolution_note_and_correction_are_escaped(sahel: LedgerCli):
    sahel("resolve", "minerals", "yes", "--on", "2026-06-02", "--note", "signed\x1b[8m hidden\nnext")
    sahel("resolve", "minerals", "no", "--correct", "only an MoU\x07", "--on", "2026-06-02")
    out = sahel("question", "show", "minerals").stdout
    assert "\nresolved yes · known 2026-06-02 00:00Z · by ed · signed\\x1b[8m hidden⏎next\n" in out
    assert "\ncorrected (only an MoU\\x07) no · known 2026-06-02 00:00Z · by ed\n" in out
    assert not RAW.search(out)


def test_evidence_list_and_add_escape_summaries_and_handles(sahel: LedgerCli):
    handle = "\u202eanima"
    out = sahel("evidence", "add", SUMMARY, "--question", "minerals+", "--source", "https://x.example/\x1b[8m",
                "--observed", "2026-11-20", as_=handle).stdout
    assert out == "recorded evidence 1 linked to minerals+\n"
    assert sahel("evidence", "list").stdout == (
        "id  observed    by           questions  summary\n"
        "1   2026-11-20  \\u202eanima  minerals+  Seen\\x1b]0;pwned\\x07 \\u202edrow\\tx⏎y\n"
    )
    [item] = sahel.json("evidence", "list")
    assert (item["summary"], item["source"], item["analyst"]) == (SUMMARY, "https://x.example/\x1b[8m", handle)


def test_analyst_handles_and_names_are_escaped(sahel: LedgerCli):
    assert sahel("analyst", "add", "jo\u202e", "--name", "Jo\u2066 Rivers").stdout == "added analyst 'jo\\u202e'\n"
    listed = sahel("analyst", "list").stdout
    assert "\njo\\u202e  Jo\\u2066 Rivers  analyst  active  " in listed
    assert not RAW.search(listed)
    assert sahel("analyst", "deactivate", "jo\u202e").stdout == "deactivated 'jo\\u202e'\n"
    assert {a["handle"]: a["name"] for a in sahel.json("analyst", "list")}["jo\u202e"] == "Jo\u2066 Rivers"


def test_scenario_show_escapes_title_source_and_summary(sahel: LedgerCli):
    sahel("scenario", "add", "ctl", "--title", "Sahel \u202eweiv", "--publisher", "Pub\u2066lisher",
          "--summary", "para one\n\x1b[2Jpara two", "--published", "2026-11-20")
    assert sahel("scenario", "show", "ctl").stdout == (
        "ctl: Sahel \\u202eweiv\n"
        "source: Pub\\u2066lisher · 2026-11-20\n"
        "\n"
        "para one\n"
        "\\x1b[2Jpara two\n"
        "\n"
        "id  slug  status  closes  title\n"
    )
    assert "Sahel \\u202eweiv" in sahel("scenario", "list").stdout


def test_choice_option_names_are_escaped_when_echoed(sahel: LedgerCli):
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "opts", "--title", "Which?", "--criteria", "C",
          "--closes", "2099-12-31", "--option", "l\u202eft", "--option", "right")
    out = sahel("forecast", "opts", "l\u202eft=40%", "right=60%", as_="amina").stdout
    assert out == "recorded l\\u202eft 40% (unlikely), right 60% (likely) on #3 (forecast 1)\n"
    assert "options: l\\u202eft | right\n" in sahel("question", "show", "opts").stdout


def test_error_lines_escape_what_they_quote(sahel: LedgerCli, tmp_path):
    result = sahel("question", "show", "q\u202e\x1b", code=1)
    assert result.stderr == "error: no question 'q\\u202e\\x1b' (give a slug, or an id as 12 or #12)\n"
    missing = LedgerCli(str(tmp_path / "a\u202eb.db"))
    assert missing("info", code=1).stderr == f"error: no ledger at {tmp_path}/a\\u202eb.db; create one with `ledger init`\n"


def test_usage_errors_escape_what_they_quote(sahel: LedgerCli):
    result = sahel("question", "show", "minerals", "\x1b[2Jx", code=2)
    assert result.stderr.splitlines()[-1] == "Error: Got unexpected extra argument (\\x1b[2Jx)"
    assert not RAW.search(sahel("\x1b[2J", code=2).stderr)
