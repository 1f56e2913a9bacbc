"""Report periods (SPEC 8), worked by hand from a calendar.

Facts used below: 2026-01-01 is a Thursday, so ISO 2026 has 53 weeks; 2026-W01 starts on Monday
2025-12-29 and 2026-W53 runs Monday 2026-12-28 to Sunday 2027-01-03. 2027-01-01 is a Friday, so
2027 has 52 weeks and 2027-W01 starts on Monday 2027-01-04. 2026-12-01 is a Tuesday.
"""

import pytest

from ledger.core.errors import BadInput
from ledger.core.period import Period
from ledger.core.timeutil import DAY, MIN_US, parse_instant

# 2026-11-01T00:00:00Z: 1970..2025 is 56 years with 14 leap days (1972..2024) = 20,454 days, plus
# 304 days from 2026-01-01 (31+28+31+30+31+30+31+31+30+31) = 20,758 days * 86,400 = 1,793,491,200 s.
NOV_1 = 1_793_491_200 * 1_000_000
# 30 days later.
DEC_1 = NOV_1 + 30 * DAY


def at(text: str) -> int:
    return parse_instant(text)


def test_the_moment_just_before_as_of_picks_the_month_that_has_ended():
    p = Period.containing("month", at("2026-12-01"))
    assert (p.start, p.end, p.calendar_end) == (NOV_1, DEC_1, DEC_1)
    assert p.label == "2026-11"
    assert not p.is_cut
    assert p.to_json() == {"kind": "month", "label": "2026-11", "from": "2026-11-01T00:00:00Z",
                           "to": "2026-12-01T00:00:00Z"}


def test_as_of_inside_a_period_cuts_it_there():
    p = Period.containing("month", at("2026-11-15T09:30:00Z"))
    assert (p.start, p.end, p.calendar_end) == (NOV_1, NOV_1 + 14 * DAY + (9 * 60 + 30) * 60 * 1_000_000, DEC_1)
    assert p.is_cut and p.label == "2026-11"
    assert p.contains(NOV_1) and not p.contains(p.end)


def test_one_microsecond_into_a_month_is_that_month_and_a_boundary_is_the_month_before():
    assert Period.containing("month", NOV_1 + 1) == Period("month", NOV_1, NOV_1 + 1, DEC_1)
    # 2026-10-01 is 31 days before November 1.
    assert Period.containing("month", NOV_1) == Period("month", NOV_1 - 31 * DAY, NOV_1, NOV_1)


def test_next_month_is_whole_even_after_a_cut_month_and_crosses_the_year():
    cut = Period.containing("month", at("2026-11-15"))
    december = cut.next()
    assert (december.start, december.end, december.label) == (DEC_1, DEC_1 + 31 * DAY, "2026-12")
    january = december.next()
    assert (january.start, january.label) == (at("2027-01-01"), "2027-01")


def test_february_of_a_leap_year_has_29_days():
    p = Period.containing("month", at("2028-03-01"))
    assert (p.label, p.end - p.start) == ("2028-02", 29 * DAY)


def test_weeks_are_iso_weeks_starting_monday():
    # as of Tuesday 2026-12-01: the moment before is Monday 2026-11-30, the first day of W49
    # (48 weeks after 2025-12-29); cut after one day.
    p = Period.containing("week", at("2026-12-01"))
    assert (p.start, p.end, p.calendar_end) == (at("2026-11-30"), at("2026-12-01"), at("2026-12-07"))
    assert p.label == "2026-W49" and p.is_cut
    # as of Monday 2026-11-30: the week that has just ended, W48, whole.
    w48 = Period.containing("week", at("2026-11-30"))
    assert (w48.start, w48.end, w48.label, w48.is_cut) == (at("2026-11-23"), at("2026-11-30"), "2026-W48", False)


def test_week_53_spans_the_new_year():
    for moment in ("2026-12-31T12:00:00Z", "2027-01-01T00:00:00.000001Z", "2027-01-03T23:00:00Z"):
        p = Period.containing("week", at(moment))
        assert (p.label, p.start, p.calendar_end) == ("2026-W53", at("2026-12-28"), at("2027-01-04")), moment
    whole = Period.containing("week", at("2027-01-04"))
    assert (whole.label, whole.end, whole.is_cut) == ("2026-W53", at("2027-01-04"), False)
    after = whole.next()
    assert (after.label, after.start, after.end) == ("2027-W01", at("2027-01-04"), at("2027-01-11"))


def test_iso_week_year_differs_from_the_calendar_year_at_both_ends():
    # Tuesday 2025-12-30 is in 2026-W01, which starts Monday 2025-12-29.
    p = Period.containing("week", at("2025-12-31"))
    assert (p.label, p.start) == ("2026-W01", at("2025-12-29"))
    # 2027 has no W53: Friday 2027-12-31 and Saturday 2028-01-01 are in 2027-W52 (from Monday 2027-12-27).
    for moment in ("2027-12-31T12:00:00Z", "2028-01-01T12:00:00Z"):
        p = Period.containing("week", at(moment))
        assert (p.label, p.start, p.calendar_end) == ("2027-W52", at("2027-12-27"), at("2028-01-03"))


def test_quarters():
    p = Period.containing("quarter", at("2026-12-01"))
    assert (p.label, p.start, p.end, p.calendar_end) == ("2026-Q4", at("2026-10-01"), at("2026-12-01"), at("2027-01-01"))
    following = p.next()
    assert (following.label, following.start, following.end) == ("2027-Q1", at("2027-01-01"), at("2027-04-01"))
    assert Period.containing("quarter", at("2027-01-01")).label == "2026-Q4"
    assert Period.containing("quarter", at("2026-04-01T00:00:00.000001Z")).label == "2026-Q2"


def test_years():
    p = Period.containing("year", at("2027-01-01"))
    # 2026 is not a leap year: 365 days.
    assert (p.label, p.start, p.end - p.start, p.is_cut) == ("2026", at("2026-01-01"), 365 * DAY, False)
    assert p.next() == Period("year", at("2027-01-01"), at("2028-01-01"), at("2028-01-01"))


def test_an_explicit_range():
    p = Period.between(NOV_1, DEC_1)
    assert (p.kind, p.label, p.is_cut) == ("range", "2026-11-01..2026-12-01", False)
    # the range of the same length (30 days) that follows
    assert p.next() == Period.between(DEC_1, DEC_1 + 30 * DAY)
    odd = Period.between(NOV_1 + 3_600_000_000, DEC_1)
    assert odd.label == "2026-11-01T01:00:00Z..2026-12-01"
    assert Period.between(MIN_US, DEC_1).label == "..2026-12-01"


@pytest.mark.parametrize("build", [
    lambda: Period.between(DEC_1, NOV_1),
    lambda: Period.between(NOV_1, NOV_1),
    lambda: Period.containing("fortnight", DEC_1),
    lambda: Period.containing("year", at("9999-06-01")),  # year 10000 cannot end it
    lambda: Period.between(MIN_US, DEC_1).next(),
])
def test_impossible_periods_are_bad_input(build):
    with pytest.raises(BadInput):
        build()


def test_a_window_scores_a_period_at_its_as_of():
    from ledger.core.period import Window

    november = Period.containing("month", DEC_1)
    w = Window.of(november, DEC_1, bounded=True)
    assert (w.as_of, w.known_from, w.known_to, w.period) == (DEC_1, NOV_1, DEC_1, november)
    # --from alone: open at the end (the as-of bounds what is known, inclusive)
    assert Window.of(Period.between(NOV_1, DEC_1), DEC_1, bounded=False).known_to is None
    # --to alone: from the beginning of time, so no lower bound
    assert Window.of(Period.between(MIN_US, DEC_1), DEC_1, bounded=True).known_from is None
    assert Window.of(None, DEC_1, bounded=True) == Window(DEC_1)
    assert w.caption(now=DEC_1) == "resolved 2026-11"
    assert w.caption(now=DEC_1 + DAY) == "resolved 2026-11, as of 2026-12-01"
    assert Window(DEC_1).caption(now=DEC_1) == ""
