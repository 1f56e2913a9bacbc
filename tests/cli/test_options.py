"""Shared option groups: the period flags reach a command as one checked `PeriodFlags`, bad dates
and conflicting flags are refused (exit 2) before the command body runs, and `to_period` turns
them into the SPEC 8 period."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from ledger.cli import context
from ledger.cli.options import PeriodFlags, json_option, period_options, scenario_option, to_period
from ledger.core.errors import BadInput
from ledger.core.period import Period
from ledger.core.timeutil import MIN_US, parse_instant

NOW = parse_instant("2026-11-15T10:00:00Z")  # stands in for the read's now


def at(text: str) -> int:
    return parse_instant(text)


def probe_command(**decorator: str) -> click.Command:
    """A command taking the shared options, printing what it received and the period it names."""

    @click.command()
    @(period_options(**decorator) if decorator else period_options)
    @scenario_option
    @json_option
    def probe(period_flags: PeriodFlags, scenario: str | None, as_json: bool) -> None:
        """Print the flags."""
        period = to_period(period_flags, NOW)
        click.echo(json.dumps({"flags": [period_flags.kind, period_flags.as_of, period_flags.start, period_flags.end],
                               "as_of": period_flags.as_of_or(NOW), "scenario": scenario, "json": as_json,
                               "period": period.to_json() if period else None}))

    return probe


def run(args: list[str], code: int = 0, **decorator: str) -> dict | str:
    result = CliRunner().invoke(probe_command(**decorator), args)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if code == 0 else result.stderr


def test_json_option_is_the_one_every_read_command_uses():
    assert json_option is context.json_option


def test_the_default_period_is_the_month_before_now_cut_at_now():
    got = run([], default="month")
    assert got["flags"] == ["month", None, None, None]
    assert got["as_of"] == NOW
    assert got["period"] == {"kind": "month", "label": "2026-11", "from": "2026-11-01T00:00:00Z",
                             "to": "2026-11-15T10:00:00Z"}
    assert (got["scenario"], got["json"]) == (None, False)


def test_period_and_as_of_given():
    got = run(["--period", "quarter", "--as-of", "2026-12-01", "--scenario", "sahel-2026", "--json"], default="month")
    assert got["flags"] == ["quarter", at("2026-12-01"), None, None]
    assert got["period"] == {"kind": "quarter", "label": "2026-Q4", "from": "2026-10-01T00:00:00Z",
                             "to": "2026-12-01T00:00:00Z"}
    assert (got["scenario"], got["json"]) == ("sahel-2026", True)


def test_without_a_default_no_flags_mean_all_time():
    got = run(["--as-of", "2026-12-01"])
    assert got["flags"] == [None, at("2026-12-01"), None, None]
    assert got["period"] is None


def test_from_and_to_give_the_range_directly_and_override_the_default():
    got = run(["--from", "2026-11-01", "--to", "2026-12-01"], default="month")
    assert got["flags"] == [None, None, at("2026-11-01"), at("2026-12-01")]
    assert got["period"]["label"] == "2026-11-01..2026-12-01"


def test_an_open_ended_range_runs_to_the_as_of_or_from_the_beginning():
    assert to_period(PeriodFlags(start=at("2026-11-01")), NOW) == Period.between(at("2026-11-01"), NOW)
    assert to_period(PeriodFlags(start=at("2026-11-01"), as_of=at("2026-11-20")), NOW) == \
        Period.between(at("2026-11-01"), at("2026-11-20"))
    assert to_period(PeriodFlags(end=at("2026-12-01")), NOW) == Period.between(MIN_US, at("2026-12-01"))
    with pytest.raises(BadInput):
        to_period(PeriodFlags(start=at("2026-12-01")), NOW)  # from after the as-of (now)


@pytest.mark.parametrize("args, message", [
    (["--period", "month", "--from", "2026-11-01"], "error: give --period or --from/--to, not both"),
    (["--period", "week", "--to", "2026-11-01"], "error: give --period or --from/--to, not both"),
    (["--from", "2026-12-01", "--to", "2026-11-01"], "error: --to must be after --from"),
    (["--from", "2026-12-01", "--to", "2026-12-01"], "error: --to must be after --from"),
    (["--as-of", "soon"], "error: --as-of: 'soon' is not an ISO date (2026-11-27) or datetime (2026-11-27T14:00:00Z)"),
    (["--from", "2026-02-30"], "error: --from: '2026-02-30' is not an ISO date (2026-11-27) or datetime "
                               "(2026-11-27T14:00:00Z)"),
])
def test_bad_flags_are_refused_before_the_command_runs(args, message):
    stderr = run(args, code=2, default="month")
    assert stderr.strip().splitlines()[-1] == message


def test_an_unknown_period_kind_is_refused():
    stderr = run(["--period", "fortnight"], code=2)
    assert "'fortnight' is not one of 'week', 'month', 'quarter', 'year'" in stderr


def test_help_lists_the_flags_and_the_default():
    result = CliRunner().invoke(probe_command(default="month"), ["--help"])
    text = " ".join(result.output.split())
    for flag in ("--period [week|month|quarter|year]", "--as-of DATE", "--from DATE", "--to DATE", "--scenario SLUG",
                 "--json"):
        assert flag in text
    assert "[default: month]" in text


def test_an_unknown_default_is_a_programming_error():
    with pytest.raises(ValueError):
        period_options(default="fortnight")
