"""The core commands through the CLI, on SQLite and PostgreSQL: output, exit codes, and what
the ledger holds afterwards."""

from __future__ import annotations

import pytest

from tests.conftest import LedgerCli
from ledger.store.revisions import SCHEMA_REVISION


def test_init_registers_no_one_and_first_writer_becomes_editor(run: LedgerCli):
    assert run.json("analyst", "list") == []
    run("scenario", "add", "s1", "--title", "First", as_="zoe")
    run("scenario", "add", "s2", "--title", "Second", as_="yan")
    people = {a["handle"]: a["role"] for a in run.json("analyst", "list")}
    assert people == {"zoe": "editor", "yan": "analyst"}


def test_info_json_has_the_spec_shape(sahel: LedgerCli):
    info = sahel.json("info")
    assert info["revision"] == SCHEMA_REVISION
    assert info["counts"] == {
        "analysts": 2, "scenarios": 1, "questions": 2, "forecasts": 0, "evidence": 0, "resolutions": 0,
    }
    # ed registered (1) + scenario (2) + amina (3) + two questions (4, 5)
    assert info["head"]["seq"] == 5
    assert len(info["head"]["hash"]) == 64


@pytest.mark.parametrize(
    "prob, echo",
    [
        ("70%", "70% (likely)"),
        ("0.7", "70% (likely)"),
        (".7", "70% (likely)"),
        ("7:3", "70% (likely)"),
        ("1 in 4", "25% (unlikely)"),
        ("likely", "67.5% (likely)"),
        ("Highly Improbable", "12.5% (very unlikely)"),
        ("almost certain", "97% (almost certain)"),
        ("0", "0% (almost no chance)"),
    ],
)
def test_forecast_echoes_what_it_understood(sahel: LedgerCli, prob: str, echo: str):
    result = sahel("forecast", "minerals", prob, as_="amina")
    assert result.stdout == f"recorded {echo} on #1 (forecast 1)\n"


def test_forecast_stores_the_probability_and_rationale(sahel: LedgerCli):
    sahel("forecast", "#1", "1 in 4", "--why", "Sanctions <script>alert(1)</script>", as_="amina")
    shown = sahel.json("question", "show", "minerals")
    [f] = shown["forecasts"]
    assert f["analyst"] == "amina"
    assert f["p"] == 0.25
    assert f["rationale"] == "Sanctions <script>alert(1)</script>"
    assert f["made_at"].endswith("Z")


def test_choice_forecast(sahel: LedgerCli):
    result = sahel("forecast", "troops", "a=20%", "b=50%", "3 or more=30%", as_="amina")
    assert result.stdout == (
        "recorded a 20% (unlikely), b 50% (roughly even chance), 3 or more 30% (unlikely) on #2 (forecast 1)\n"
    )
    [f] = sahel.json("question", "show", "troops")["forecasts"]
    assert f["probabilities"] == {"a": 0.2, "b": 0.5, "3 or more": 0.3}


def test_choice_forecast_is_normalised_within_tolerance(sahel: LedgerCli):
    sahel("forecast", "troops", "a=33.3%", "b=33.3%", "3 or more=33.3%", as_="amina")
    [f] = sahel.json("question", "show", "troops")["forecasts"]
    # 0.333 / 0.999 = 1/3 for each option
    assert f["probabilities"]["a"] == pytest.approx(1 / 3, abs=1e-12)
    assert sum(f["probabilities"].values()) == pytest.approx(1.0, abs=1e-12)


BAD_INPUTS = [
    ("forecast", "minerals", "70"),
    ("forecast", "minerals", "1.5"),
    ("forecast", "minerals", "-0.1"),
    ("forecast", "minerals", "nan"),
    ("forecast", "minerals", "inf"),
    ("forecast", "minerals", "0,7"),
    ("forecast", "minerals", "٠.٧"),
    ("forecast", "minerals", ""),
    ("forecast", "minerals", "60%", "40%"),
    ("forecast", "troops", "a=20%", "b=50%"),
    ("forecast", "troops", "a=20%", "b=50%", "3 or more=40%"),
    ("forecast", "troops", "a=20%", "z=50%", "3 or more=30%"),
    ("forecast", "minerals", "70%", "--why", "nul\x00byte"),
    ("question", "add", "--scenario", "sahel-2026", "--title", "T?", "--criteria", "  ", "--closes", "2099-01-01"),
    ("question", "add", "--scenario", "sahel-2026", "--title", "T?", "--criteria", "TODO later", "--closes", "2099-01-01"),
    ("question", "add", "--scenario", "sahel-2026", "--title", "T?", "--criteria", "C", "--closes", "2030-13-45"),
    ("question", "add", "--scenario", "sahel-2026", "--title", "T?", "--criteria", "C", "--closes", "2099-01-01",
     "--resolves-by", "2098-01-01"),
    ("question", "add", "--scenario", "sahel-2026", "--title", "T?", "--criteria", "C", "--closes", "2099-01-01",
     "--option", "only one"),
    ("question", "add", "--scenario", "sahel-2026", "--title", "T?", "--criteria", "C", "--closes", "2099-01-01",
     "--slug", "1234"),
    ("question", "add", "--scenario", "sahel-2026", "--title", "T?", "--criteria", "C", "--closes", "2099-01-01",
     "--opens", "2099-02-01"),
    ("scenario", "add", "bad slug", "--title", "x"),
    ("scenario", "add", "ok-slug", "--title", "x", "--published", "yesterday"),
    ("evidence", "add", "   "),
    ("evidence", "add", "seen", "--observed", "2026-02-30"),
    ("evidence", "add", "seen", "--question", "minerals+", "--question", "#1-"),
    ("resolve", "minerals", "maybe"),
    ("resolve", "troops", "4"),
    ("resolve", "minerals", "yes", "--on", "2999-01-01"),
    ("analyst", "add", "bad\nhandle"),
    ("analyst", "add", "x" * 201),
    ("verify", "--head", "abc"),
]


@pytest.mark.parametrize("args", BAD_INPUTS, ids=lambda a: " ".join(a)[:60])
def test_bad_input_exits_2_and_writes_nothing(sahel: LedgerCli, args):
    before = sahel.state()
    result = sahel(*args, code=2)
    assert result.stderr.startswith("error: ") or "Error:" in result.stderr
    assert sahel.state() == before


REFUSALS = [
    (("resolve", "minerals", "yes"), "amina", "only editors may resolve"),
    (("analyst", "add", "newbie", "--role", "editor"), "amina", "only editors may add an editor"),
    (("analyst", "set-role", "amina", "editor"), "amina", "only editors"),
    (("analyst", "deactivate", "ed"), "amina", "only editors"),
    (("analyst", "deactivate", "ed"), "ed", "only active editor"),
    (("analyst", "add", "amina"), "ed", "already exists"),
    (("forecast", "nonexistent", "70%"), "amina", "no question 'nonexistent'"),
    (("forecast", "#99", "70%"), "amina", "no question '#99'"),
    (("forecast", "minerals", "70%", "--evidence", "42"), "amina", "no evidence 42"),
    (("scenario", "add", "sahel-2026", "--title", "again"), "ed", "already exists"),
    (("question", "add", "--scenario", "nope", "--title", "T?", "--criteria", "C", "--closes", "2099-01-01"), "ed",
     "no scenario 'nope'"),
    (("question", "add", "--scenario", "sahel-2026", "--slug", "minerals", "--title", "T?", "--criteria", "C",
      "--closes", "2099-01-01"), "ed", "is taken"),
    (("question", "show", "nope"), "ed", "no question"),
    (("evidence", "link", "7", "minerals+"), "ed", "no evidence 7"),
]


@pytest.mark.parametrize("args, who, message", REFUSALS, ids=lambda a: str(a)[:40])
def test_refusals_exit_1_and_write_nothing(sahel: LedgerCli, args, who, message):
    before = sahel.state()
    result = sahel(*args, as_=who, code=1)
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert sahel.state() == before


def test_forecast_refused_on_question_not_yet_open(sahel: LedgerCli):
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "later", "--title", "Later?", "--criteria", "C",
          "--opens", "2098-01-01", "--closes", "2099-01-01")
    before = sahel.state()
    result = sahel("forecast", "later", "50%", as_="amina", code=1)
    assert "not open yet" in result.stderr
    assert sahel.state() == before


def test_forecast_refused_on_closed_question(sahel: LedgerCli):
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "past", "--title", "Past?", "--criteria", "C",
          "--opens", "2020-01-01", "--closes", "2020-06-30")
    assert sahel.json("question", "show", "past")["status"] == "overdue"
    result = sahel("forecast", "past", "50%", as_="amina", code=1)
    assert "closed 2020-07-01T00:00:00Z" in result.stderr


def test_forecast_refused_on_resolved_and_annulled_questions(sahel: LedgerCli):
    sahel("resolve", "minerals", "yes", "--on", "2026-01-02")
    result = sahel("forecast", "minerals", "50%", as_="amina", code=1)
    assert "resolved yes" in result.stderr
    sahel("resolve", "troops", "annulled")
    result = sahel("forecast", "troops", "a=50%", "b=25%", "3 or more=25%", as_="amina", code=1)
    assert "annulled" in result.stderr


def test_deactivated_analyst_cannot_write(sahel: LedgerCli):
    sahel("analyst", "deactivate", "amina")
    assert sahel("forecast", "minerals", "50%", as_="amina", code=1).stderr.startswith("error: analyst 'amina' is deactivated")
    listed = {a["handle"]: a["active"] for a in sahel.json("analyst", "list")}
    assert listed["amina"] is False


def test_set_role_keeps_history_and_promotes(sahel: LedgerCli):
    assert sahel("analyst", "set-role", "amina", "editor").stdout == "'amina' is now an editor\n"
    sahel("resolve", "minerals", "no", as_="amina")
    sahel("analyst", "set-role", "ed", "analyst", as_="amina")
    roles = {a["handle"]: a["role"] for a in sahel.json("analyst", "list")}
    assert roles == {"amina": "editor", "ed": "analyst"}


def test_handles_are_kept_exactly(run: LedgerCli):
    for handle in ("Jayson Virissimo", "CRNewsReports©", "\u200b", "scott.arbeitman"):
        run("scenario", "add", f"s-{len(handle)}-{ord(handle[0])}", "--title", "x", as_=handle)
    handles = sorted(a["handle"] for a in run.json("analyst", "list"))
    assert handles == sorted(["Jayson Virissimo", "CRNewsReports©", "\u200b", "scott.arbeitman"])


def test_analyst_adding_themself_with_a_name(run: LedgerCli):
    assert run("analyst", "add", "ed", "--name", "Ed Itor", "--role", "editor", as_="ed").stdout == "added editor 'ed'\n"
    [a] = run.json("analyst", "list")
    assert (a["handle"], a["name"], a["role"]) == ("ed", "Ed Itor", "editor")


def test_question_add_defaults_and_list_json(sahel: LedgerCli):
    result = sahel("question", "add", "--scenario", "sahel-2026", "--title", "Will Wagner leave Mali by 2028?",
                   "--criteria", "Yes if ...", "--closes", "2099-03-01", "--opens", "2026-01-01T12:00:00+02:00",
                   "--tag", "russia", "--tag", "security")
    assert result.stdout == "added question #3 will-wagner-leave-mali-by-2028 (closes 2099-03-02T00:00:00Z)\n"
    listed = sahel.json("question", "list", "--tag", "russia")
    assert len(listed) == 1
    q = listed[0]
    for key in ("id", "slug", "title", "kind", "options", "criteria", "opens_at", "closes_at", "resolves_by",
                "status", "tags", "scenario"):
        assert key in q
    assert q["opens_at"] == "2026-01-01T10:00:00Z"  # +02:00 -> UTC
    assert q["closes_at"] == q["resolves_by"] == "2099-03-02T00:00:00Z"  # end of the day
    assert q["tags"] == ["russia", "security"]
    assert q["kind"] == "binary" and q["options"] == []
    assert q["status"] == "open" and q["scenario"] == "sahel-2026"
    # a second question with the same title gets a distinct slug
    sahel("question", "add", "--scenario", "sahel-2026", "--title", "Will Wagner leave Mali by 2028?",
          "--criteria", "Yes if ...", "--closes", "2099-03-01")
    assert [q["slug"] for q in sahel.json("question", "list", "--scenario", "sahel-2026")][-1] == (
        "will-wagner-leave-mali-by-2028-2"
    )


def test_question_list_filters_by_status(sahel: LedgerCli):
    sahel("resolve", "minerals", "yes")
    assert [q["slug"] for q in sahel.json("question", "list", "--status", "resolved")] == ["minerals"]
    assert [q["slug"] for q in sahel.json("question", "list", "--status", "open")] == ["troops"]
    assert sahel("question", "list", "--scenario", "nope", code=1).stderr == "error: no scenario 'nope'\n"


def test_question_refs_accept_slug_id_and_hash_id(sahel: LedgerCli):
    assert sahel.json("question", "show", "troops")["id"] == 2
    assert sahel.json("question", "show", "2")["slug"] == "troops"
    assert sahel.json("question", "show", "#2")["slug"] == "troops"


def test_exact_slug_wins_over_id(sahel: LedgerCli):
    # A question whose slug is "1" can come from an import; make one through the store directly.
    from ledger.store.ledger import open_ledger
    from ledger.store.schema import questions

    ledger = open_ledger(sahel.url)
    with ledger.writing("ed") as tx:
        tx.journal.insert(questions, slug="1", scenario_id=None, title="Imported", kind="binary", options=None,
                          criteria="C", quote=None, opens_at=0, closes_at=10**17, resolves_by=10**17,
                          created_at=tx.now, created_by=tx.actor.id)
        tx.journal.append("question.add", question="1")
    ledger.close()
    assert sahel.json("question", "show", "1")["title"] == "Imported"
    assert sahel.json("question", "show", "#1")["slug"] == "minerals"
    sahel("verify")


def test_evidence_add_link_list(sahel: LedgerCli):
    out = sahel("evidence", "add", "Envoy visits Bamako", "--question", "minerals+", "--question", "troops",
                "--source", "https://example.org/a", "--observed", "2026-11-20", as_="amina").stdout
    assert out == "recorded evidence 1 linked to minerals+, troops~\n"
    assert sahel("evidence", "add", "Sanctions renewed", as_="amina").stdout == "recorded evidence 2\n"
    assert sahel("evidence", "link", "2", "minerals-").stdout == "linked evidence 2 to minerals-\n"
    assert "already linked" in sahel("evidence", "link", "2", "#1+", code=1).stderr
    items = sahel.json("evidence", "list", "--question", "minerals")
    assert [(e["id"], e["links"]) for e in items] == [
        (1, [{"question": "minerals", "stance": "+"}, {"question": "troops", "stance": "~"}]),
        (2, [{"question": "minerals", "stance": "-"}]),
    ]
    assert items[0]["observed_on"] == "2026-11-20" and items[0]["source"] == "https://example.org/a"
    assert [e["id"] for e in sahel.json("evidence", "list", "--question", "troops")] == [1]
    sahel("forecast", "minerals", "60%", "--evidence", "1", "--evidence", "2", as_="amina")
    assert sahel.json("question", "show", "minerals")["forecasts"][0]["evidence"] == [1, 2]


def test_resolve_and_correct_keep_both(sahel: LedgerCli):
    sahel("evidence", "add", "Signed", "--question", "minerals+")
    out = sahel("resolve", "minerals", "YES", "--on", "2026-06-02", "--note", "Signed in Bamako", "--evidence", "1").stdout
    assert out == "resolved #1 minerals: yes (known 2026-06-02 00:00Z)\n"
    refused = sahel("resolve", "minerals", "no", code=1).stderr
    assert "already resolved (yes)" in refused and "--correct" in refused
    assert "nothing to correct" not in refused
    sahel("resolve", "minerals", "no", "--correct", "Only an MoU was signed")
    shown = sahel.json("question", "show", "minerals")
    assert shown["status"] == "resolved"
    assert shown["resolution"]["outcome"] == "no"
    assert [(r["outcome"], r["correction"]) for r in shown["resolutions"]] == [
        ("yes", None), ("no", "Only an MoU was signed")
    ]
    assert shown["resolutions"][0]["evidence"] == [1]
    assert sahel.json("info")["counts"]["resolutions"] == 2


def test_resolve_choice_by_option_name_and_correction_needs_existing(sahel: LedgerCli):
    assert "has no resolution to correct" in sahel("resolve", "troops", "b", "--correct", "x", code=1).stderr
    assert sahel("resolve", "troops", "3 OR MORE").stdout.startswith("resolved #2 troops: 3 or more")


def test_scenario_list_and_show(sahel: LedgerCli):
    sahel("scenario", "add", "niger-2027", "--title", "Niger after the coup", "--publisher", "Le Monde",
          "--published", "2026-10-01", "--source-url", "https://example.org/n", "--summary", "What happens next")
    listed = sahel.json("scenario", "list")
    assert [(s["slug"], s["questions"]) for s in listed] == [("niger-2027", 0), ("sahel-2026", 2)]
    shown = sahel.json("scenario", "show", "niger-2027")
    assert shown["source"] == {"title": None, "publisher": "Le Monde", "url": "https://example.org/n",
                               "published": "2026-10-01"}
    text = sahel("scenario", "show", "sahel-2026").stdout
    assert "minerals" in text and "troops" in text
    assert sahel("scenario", "show", "nope", code=1).stderr == "error: no scenario 'nope'\n"


def test_human_readable_question_show(sahel: LedgerCli):
    sahel("forecast", "minerals", "likely", "--why", "Leaked MoU", as_="amina")
    text = sahel("question", "show", "minerals").stdout
    assert text.startswith("#1 minerals [binary, open]\n")
    assert "criteria: Yes if both governments" in text
    assert "amina" in text and "67.5%" in text and "Leaked MoU" in text
