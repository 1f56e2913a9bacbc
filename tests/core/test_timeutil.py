"""Dates: bare dates as moments (start of day) and deadlines (end of day), offsets, naive = UTC."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.errors import BadInput
from ledger.core.timeutil import MAX_US, MIN_US, format_instant, format_instants, parse_day, parse_instant

# 2026-11-27T00:00:00Z: 1970..2025 is 56 years with 14 leap days (1972..2024) = 20,454 days, plus
# 330 days from 2026-01-01 to 2026-11-27 (304 to Nov 1, + 26) = 20,784 days * 86,400 = 1,795,737,600 s.
DAY_START = 1_795_737_600 * 1_000_000


def test_bare_date_is_start_of_day_as_a_moment():
    assert parse_instant("2026-11-27") == DAY_START


def test_bare_date_is_end_of_day_as_a_deadline():
    assert parse_instant("2026-11-27", deadline=True) == DAY_START + 86_400 * 1_000_000


def test_naive_datetime_is_utc_and_offsets_convert():
    assert parse_instant("2026-11-27T14:00:00") == DAY_START + 14 * 3600 * 1_000_000
    # 14:00 at +01:00 is 13:00Z
    assert parse_instant("2026-11-27T14:00:00+01:00") == DAY_START + 13 * 3600 * 1_000_000
    assert parse_instant("2026-11-27 14:00:00Z") == DAY_START + 14 * 3600 * 1_000_000


def test_microseconds_survive_and_print_back():
    us = parse_instant("2026-11-27T00:00:00.000001Z")
    assert us == DAY_START + 1
    assert format_instant(us) == "2026-11-27T00:00:00.000001Z"
    assert format_instant(DAY_START) == "2026-11-27T00:00:00Z"


def test_datetime_deadline_is_exact():
    assert parse_instant("2026-11-27T14:00:00Z", deadline=True) == DAY_START + 14 * 3600 * 1_000_000


@pytest.mark.parametrize("bad", ["", "tomorrow", "2030-13-45", "2026-02-30", "27/11/2026", "٢٠٢٦-١١-٢٧", "2026-11-27T25:00"])
def test_bad_dates_are_refused_naming_the_value(bad):
    with pytest.raises(BadInput) as info:
        parse_instant(bad, what="--closes")
    assert "--closes" in str(info.value)
    assert repr(bad) in str(info.value)


def test_parse_day():
    assert parse_day("2026-11-20") == "2026-11-20"
    # a datetime gives the date of its UTC instant: 23:30 at -05:00 is 04:30Z the next day
    assert parse_day("2026-11-20T23:30:00-05:00") == "2026-11-21"
    with pytest.raises(BadInput):
        parse_day("20 Nov 2026")


@pytest.mark.parametrize("text, deadline", [("9999-12-31", True), ("9999-12-31T23:00:00-05:00", False),
                                            ("0001-01-01T00:00:00+01:00", False)])
def test_instants_a_date_cannot_show_are_refused(text, deadline):
    with pytest.raises(BadInput) as info:
        parse_instant(text, deadline=deadline, what="--closes")
    assert "outside the years 1 to 9999" in str(info.value)


def test_the_last_showable_deadline_is_accepted():
    # 9999-12-30 as a deadline is 9999-12-31T00:00Z, still showable
    assert format_instant(parse_instant("9999-12-30", deadline=True)) == "9999-12-31T00:00:00Z"


@given(st.lists(st.integers(MIN_US, MAX_US), max_size=50))
def test_many_instants_at_once_are_formatted_as_one_at_a_time(values):
    # the ends of the years 1 to 9999, whole seconds and microseconds, before and after 1970
    edges = [MIN_US, MAX_US, 0, -1, 1, DAY_START, DAY_START + 1, 999_999, -1_000_000]
    assert format_instants(values + edges) == [format_instant(v) for v in values + edges]
    assert format_instants([]) == []


def test_more_instants_than_one_batch_are_formatted_in_order():
    values = [DAY_START + k * 1_000_001 for k in range(70_000)]  # past 65,536: two batches
    assert format_instants(values) == [format_instant(v) for v in values]
