"""`question amend` (editors; old values kept and shown; the values in force are the latest
amendment's; `--opens` only while upcoming) and `withdraw` (its author within 15 minutes of
recording it live; never scored), SPEC 5."""

from __future__ import annotations

import pytest

from ledger.core.errors import Refused
from ledger.core.timeutil import parse_instant
from ledger.store.ledger import Ledger
from tests.conftest import FixedClock, LedgerCli


def test_amending_the_close_keeps_the_old_value_and_moves_a_default_resolves_by(sahel: LedgerCli):
    result = sahel("question", "amend", "minerals", "--closes", "2099-06-30", "--reason", "Talks slipped")
    assert result.stdout == ("amended #1 minerals: closes 2100-01-01 00:00Z → 2099-07-01 00:00Z; "
                             "resolves by 2100-01-01 00:00Z → 2099-07-01 00:00Z\n")
    shown = sahel.json("question", "show", "minerals")
    assert (shown["closes_at"], shown["resolves_by"]) == ("2099-07-01T00:00:00Z", "2099-07-01T00:00:00Z")
    [amendment] = shown["amendments"]
    assert amendment["reason"] == "Talks slipped" and amendment["closes_at"] == "2099-07-01T00:00:00Z"
    text = sahel("question", "show", "minerals").stdout
    assert "amended " in text and "by ed: Talks slipped (closes 2100-01-01 00:00Z → 2099-07-01 00:00Z" in text
    sahel("verify")


def test_a_second_amendment_is_the_one_in_force_and_the_title_and_clarification_show(sahel: LedgerCli):
    sahel("question", "amend", "minerals", "--closes", "2099-06-30", "--reason", "first")
    sahel("question", "amend", "minerals", "--closes", "2099-03-31", "--title", "Will a minerals deal be signed?",
          "--clarify", "An MoU alone does not count.", "--reason", "second")
    shown = sahel.json("question", "show", "minerals")
    assert shown["closes_at"] == "2099-04-01T00:00:00Z"
    assert shown["title"] == "Will a minerals deal be signed?"
    assert shown["clarifications"] == ["An MoU alone does not count."]
    text = sahel("question", "show", "minerals").stdout
    assert "closes 2099-07-01 00:00Z → 2099-04-01 00:00Z" in text
    assert "title Will the US and Mali sign a minerals agreement by end-2027? → Will a minerals deal be signed?" in text
    assert "clarified: An MoU alone does not count." in text


@pytest.mark.parametrize("args, code, message", [
    (("--reason", "nothing"), 2, "nothing to amend"),
    (("--closes", "2099-12-31", "--resolves-by", "2099-01-01", "--reason", "x"), 2, "must not be before it closes"),
    (("--opens", "2098-01-01", "--reason", "x"), 1, "can only move while it is upcoming"),
])
def test_bad_amendments_are_refused_and_write_nothing(sahel: LedgerCli, args, code, message):
    before = sahel.state()
    assert message in sahel("question", "amend", "minerals", *args, code=code).stderr
    assert sahel.state() == before


def test_only_editors_amend(sahel: LedgerCli):
    before = sahel.state()
    assert "only editors may amend" in sahel("question", "amend", "minerals", "--closes", "2099-01-01",
                                             "--reason", "x", as_="amina", code=1).stderr
    assert sahel.state() == before


def test_opens_moves_only_while_upcoming_and_never_into_the_past(sahel: LedgerCli):
    sahel("question", "add", "--scenario", "sahel-2026", "--slug", "later", "--title", "Later?",
          "--criteria", "Yes if later.", "--opens", "2098-01-01", "--closes", "2099-01-01")
    sahel("question", "amend", "later", "--opens", "2098-06-01", "--reason", "Launch moved")
    assert sahel.json("question", "show", "later")["opens_at"] == "2098-06-01T00:00:00Z"
    assert "in the past" in sahel("question", "amend", "later", "--opens", "2020-01-01", "--reason", "x",
                                  code=2).stderr


# -- withdrawals ----------------------------------------------------------------------------


def test_an_author_withdraws_a_mistyped_forecast_and_it_is_shown_struck(sahel: LedgerCli):
    sahel("forecast", "minerals", "70%", as_="amina")
    result = sahel("withdraw", "1", "--reason", "Typed 70% for 7%", as_="amina")
    assert result.stdout == "withdrew forecast 1 on #1 minerals (70% (likely) by amina)\n"
    shown = sahel.json("question", "show", "minerals")
    assert shown["forecasts"][0]["withdrawn"] == "Typed 70% for 7%"
    assert "withdrawn: Typed 70% for 7%" in sahel("question", "show", "minerals").stdout
    before = sahel.state()
    assert "already withdrawn" in sahel("withdraw", "1", "--reason", "again", as_="amina", code=1).stderr
    assert sahel.state() == before
    sahel("verify")


def test_only_the_author_withdraws_a_persons_forecast(sahel: LedgerCli):
    sahel("forecast", "minerals", "70%", as_="amina")
    assert "only its author" in sahel("withdraw", "1", "--reason", "x", as_="ed", code=1).stderr
    assert "no forecast 99" in sahel("withdraw", "99", "--reason", "x", as_="amina", code=1).stderr


def test_a_withdrawal_after_15_minutes_is_refused(sahel: LedgerCli):
    start = parse_instant("2090-01-01T12:00:00Z")
    for at, ok in ((start, None), (start + 15 * 60_000_000, True), (start + 15 * 60_000_000 + 1, False)):
        ledger = Ledger(sahel.url, clock=FixedClock(at))
        try:
            if ok is None:
                from ledger.core.probability import read_forecast

                _, made = ledger.record_forecast("amina", "minerals", read_forecast(["70%"]))
                ledger.record_forecast("amina", "minerals", read_forecast(["60%"]))
            elif ok:
                ledger.withdraw("amina", made.id, "fine at exactly 15 minutes")
            else:
                with pytest.raises(Refused, match="within 15 minutes"):
                    ledger.withdraw("amina", made.id + 1, "too late")
        finally:
            ledger.close()


def test_a_withdrawn_forecast_is_never_scored(sahel: LedgerCli):
    sahel("forecast", "minerals", "0.9", as_="amina")
    sahel("forecast", "minerals", "0.2", as_="ed")
    sahel("forecast", "minerals", "0.1", as_="amina")
    sahel("withdraw", "3", "--reason", "meant 0.9 again", as_="amina")
    sahel("resolve", "minerals", "yes")
    groups = {g["key"]: g for g in sahel.json("score", "--method", "final")["groups"]}
    # amina's last counted forecast is 0.9 (the withdrawn 0.1 does not count): (0.9 - 1)^2 = 0.01
    assert groups["amina"]["brier"] == pytest.approx(0.01)
    assert groups["ed"]["brier"] == pytest.approx(0.64)  # (0.2 - 1)^2


def test_an_imported_forecast_of_a_person_cannot_be_withdrawn(run: LedgerCli, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("question_id,user_id,probability,timestamp,open_time,close_time\n"
                    "q1,ed,0.4,2026-01-02T00:00:00Z,2026-01-01T00:00:00Z,2099-01-01T00:00:00Z\n")
    run("import", str(path))
    assert "imported forecasts cannot be withdrawn" in run("withdraw", "1", "--reason", "x", code=1).stderr
