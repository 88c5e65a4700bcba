"""Unit tests for gsync.thai_calendar.

Expected values are written out by hand (weekdays and Thai public holidays were
checked against a printed calendar), never computed with the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsync.thai_calendar import (
    WorkCalendar,
    deadline_end,
    deadlines,
    fiscal_year_of,
    is_due,
    is_on_time,
    quarter_label,
    quarter_of,
    quarter_range,
    quarters_of_year,
    rule_deadline,
)

BKK = ZoneInfo("Asia/Bangkok")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def bkk(*args: int) -> datetime:
    return datetime(*args, tzinfo=BKK)


# --------------------------------------------------------------------------- fiscal year / quarters


@pytest.mark.parametrize(
    ("d", "expected_fy", "expected_q"),
    [
        (date(2024, 9, 30), 2567, 4),
        (date(2024, 10, 1), 2568, 1),
        (date(2024, 11, 15), 2568, 1),
        (date(2024, 12, 31), 2568, 1),
        (date(2025, 1, 1), 2568, 2),
        (date(2025, 3, 31), 2568, 2),
        (date(2025, 4, 1), 2568, 3),
        (date(2025, 6, 30), 2568, 3),
        (date(2025, 7, 1), 2568, 4),
        (date(2025, 9, 30), 2568, 4),
        (date(2025, 10, 1), 2569, 1),
        (date(2024, 2, 29), 2567, 2),
        (date(2022, 3, 15), 2565, 2),
    ],
    ids=[
        "sep30-last-day-of-fy2567",
        "oct1-first-day-of-fy2568",
        "mid-q1",
        "dec31-end-of-q1",
        "jan1-start-of-q2",
        "mar31-end-of-q2",
        "apr1-start-of-q3",
        "jun30-end-of-q3",
        "jul1-start-of-q4",
        "sep30-end-of-fy2568",
        "oct1-first-day-of-fy2569",
        "leap-day-2024",
        "buriram-roster-2022",
    ],
)
def test_fiscal_year_and_quarter_of(d: date, expected_fy: int, expected_q: int) -> None:
    assert fiscal_year_of(d) == expected_fy
    assert quarter_of(d) == (expected_fy, expected_q)


@pytest.mark.parametrize(
    ("fy", "q", "expected"),
    [
        (2568, 1, (date(2024, 10, 1), date(2024, 12, 31))),
        (2568, 2, (date(2025, 1, 1), date(2025, 3, 31))),
        (2568, 3, (date(2025, 4, 1), date(2025, 6, 30))),
        (2568, 4, (date(2025, 7, 1), date(2025, 9, 30))),
        (2567, 1, (date(2023, 10, 1), date(2023, 12, 31))),
        (2567, 4, (date(2024, 7, 1), date(2024, 9, 30))),
    ],
    ids=["fy2568-q1", "fy2568-q2", "fy2568-q3", "fy2568-q4", "fy2567-q1", "fy2567-q4"],
)
def test_quarter_range(fy: int, q: int, expected: tuple[date, date]) -> None:
    assert quarter_range(fy, q) == expected


@pytest.mark.parametrize(
    ("fy", "q", "expected"),
    [
        (2568, 1, "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"),
        (2568, 2, "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)"),
        (2568, 3, "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)"),
        (2568, 4, "ไตรมาสที่ 4 (ก.ค. - ก.ย. 2568)"),
        (2567, 1, "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2566)"),
        (2569, 2, "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2569)"),
    ],
    ids=["fy2568-q1", "fy2568-q2", "fy2568-q3", "fy2568-q4", "fy2567-q1", "fy2569-q2"],
)
def test_quarter_label(fy: int, q: int, expected: str) -> None:
    assert quarter_label(fy, q) == expected


def test_quarters_of_year() -> None:
    assert quarters_of_year(2568) == (1, 2, 3, 4)


@pytest.mark.parametrize("bad_q", [0, 5, -1], ids=["zero", "five", "negative"])
@pytest.mark.parametrize(
    "fn",
    [quarter_range, quarter_label, rule_deadline],
    ids=["quarter_range", "quarter_label", "rule_deadline"],
)
def test_invalid_quarter_raises(fn, bad_q: int) -> None:
    with pytest.raises(ValueError, match="quarter"):
        fn(2568, bad_q)


@pytest.mark.parametrize(
    "fn",
    [fiscal_year_of, quarter_of, WorkCalendar().is_working_day],
    ids=["fiscal_year_of", "quarter_of", "is_working_day"],
)
def test_datetime_instead_of_date_is_rejected(fn) -> None:
    with pytest.raises(TypeError):
        fn(utc(2024, 9, 30, 20, 0))


# --------------------------------------------------------------------------- working days


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2024, 12, 13), True),
        (date(2024, 12, 14), False),
        (date(2024, 12, 15), False),
        (date(2024, 12, 5), False),
        (date(2024, 12, 6), True),
        (date(2024, 12, 10), False),
        (date(2024, 12, 30), False),
        (date(2024, 12, 31), False),
        (date(2025, 4, 7), False),
        (date(2025, 4, 16), False),
        (date(2025, 4, 17), True),
        (date(2025, 9, 15), True),
    ],
    ids=[
        "fri-2024-12-13",
        "sat",
        "sun",
        "king-bhumibol-birthday",
        "fri-after-dec5",
        "constitution-day",
        "bridge-holiday-2024-12-30",
        "new-years-eve",
        "chakri-in-lieu-mon",
        "songkran-in-lieu-wed",
        "thu-after-songkran",
        "mon-2025-09-15",
    ],
)
def test_is_working_day_default(d: date, expected: bool) -> None:
    assert WorkCalendar().is_working_day(d) is expected


def test_extra_holiday_is_not_a_working_day() -> None:
    cal = WorkCalendar(extra_holidays=[date(2025, 9, 15)])
    assert cal.is_working_day(date(2025, 9, 15)) is False
    assert cal.is_working_day(date(2025, 9, 16)) is True


@pytest.mark.parametrize(
    "d",
    [date(2024, 12, 14), date(2024, 12, 5), date(2025, 9, 15)],
    ids=["saturday", "public-holiday", "also-an-extra-holiday"],
)
def test_extra_working_day_overrides(d: date) -> None:
    cal = WorkCalendar(extra_holidays=[date(2025, 9, 15)], extra_working_days=[d])
    assert cal.is_working_day(d) is True


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2024, 12, 13), date(2024, 12, 13)),
        (date(2024, 12, 15), date(2024, 12, 13)),
        (date(2024, 12, 10), date(2024, 12, 9)),
        (date(2024, 12, 5), date(2024, 12, 4)),
        (date(2025, 1, 1), date(2024, 12, 27)),
        (date(2025, 4, 7), date(2025, 4, 4)),
    ],
    ids=[
        "working-day-is-itself",
        "sunday-to-friday",
        "constitution-day-to-monday",
        "dec5-to-dec4",
        "new-year-skips-bridge-and-eve-and-weekend",
        "chakri-in-lieu-monday-to-friday",
    ],
)
def test_previous_working_day(d: date, expected: date) -> None:
    assert WorkCalendar().previous_working_day(d) == expected


def test_extra_holidays_must_be_dates() -> None:
    with pytest.raises(TypeError):
        WorkCalendar(extra_holidays=[utc(2025, 9, 15)])


def test_holidays_are_cached_per_year() -> None:
    from gsync import thai_calendar as mod

    cal = WorkCalendar()
    cal.is_working_day(date(2031, 1, 2))
    before = mod._thai_public_holidays.cache_info()
    for day in range(1, 29):
        cal.is_working_day(date(2031, 2, day))
    after = mod._thai_public_holidays.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("fy", "q", "expected"),
    [
        (2568, 1, date(2024, 12, 13)),  # 15 Dec 2024 is a Sunday
        (2568, 2, date(2025, 3, 14)),  # 15 Mar 2025 is a Saturday
        (2568, 3, date(2025, 6, 13)),  # 15 Jun 2025 is a Sunday
        (2568, 4, date(2025, 9, 15)),  # Monday, a working day
        (2567, 1, date(2023, 12, 15)),  # Friday
        (2567, 2, date(2024, 3, 15)),  # Friday
        (2567, 3, date(2024, 6, 14)),  # 15 Jun 2024 is a Saturday
        (2567, 4, date(2024, 9, 13)),  # 15 Sep 2024 is a Sunday
    ],
    ids=[
        "fy2568-q1-sun-to-fri",
        "fy2568-q2-sat-to-fri",
        "fy2568-q3-sun-to-fri",
        "fy2568-q4-monday",
        "fy2567-q1",
        "fy2567-q2",
        "fy2567-q3",
        "fy2567-q4",
    ],
)
def test_rule_deadline(fy: int, q: int, expected: date) -> None:
    assert rule_deadline(fy, q) == expected


def test_deadlines_fy2568_by_rule() -> None:
    assert deadlines(2568) == {
        1: date(2024, 12, 13),
        2: date(2025, 3, 14),
        3: date(2025, 6, 13),
        4: date(2025, 9, 15),
    }


def test_deadlines_explicit_wins_and_is_not_moved() -> None:
    # 2025-09-14 is a Sunday: an explicit date is taken as given.
    got = deadlines(2568, {2: date(2025, 3, 31), 4: date(2025, 9, 14)})
    assert got == {
        1: date(2024, 12, 13),
        2: date(2025, 3, 31),
        3: date(2025, 6, 13),
        4: date(2025, 9, 14),
    }


def test_deadlines_explicit_bad_quarter_raises() -> None:
    with pytest.raises(ValueError, match="quarter"):
        deadlines(2568, {5: date(2025, 9, 14)})


@pytest.mark.parametrize(
    ("extra_holidays", "extra_working_days", "q", "expected"),
    [
        ([date(2025, 9, 15)], [], 4, date(2025, 9, 12)),
        ([date(2025, 9, 15), date(2025, 9, 12)], [], 4, date(2025, 9, 11)),
        ([date(2024, 12, 13)], [], 1, date(2024, 12, 12)),
        ([], [date(2024, 12, 15)], 1, date(2024, 12, 15)),
        ([], [date(2024, 12, 14)], 1, date(2024, 12, 14)),
    ],
    ids=[
        "extra-holiday-mon-to-fri",
        "two-extra-holidays-to-thu",
        "extra-holiday-on-fri-to-thu",
        "extra-working-sunday-is-the-deadline",
        "extra-working-saturday-is-the-deadline",
    ],
)
def test_rule_deadline_with_calendar(
    extra_holidays: list[date], extra_working_days: list[date], q: int, expected: date
) -> None:
    cal = WorkCalendar(extra_holidays=extra_holidays, extra_working_days=extra_working_days)
    assert rule_deadline(2568, q, cal=cal) == expected
    assert deadlines(2568, cal=cal)[q] == expected


@pytest.mark.parametrize(
    ("day", "q", "expected"),
    [
        (13, 1, date(2024, 12, 13)),
        (20, 2, date(2025, 3, 20)),
        (31, 3, date(2025, 6, 30)),  # clamped to 30 June (a Monday)
        (31, 1, date(2024, 12, 27)),  # 31 Dec and 30 Dec are holidays, 28-29 weekend
        (1, 1, date(2024, 11, 29)),  # 1 Dec 2024 is a Sunday: back into November
    ],
    ids=["day13", "day20", "day31-clamped-june", "day31-december-holidays", "day1-sunday"],
)
def test_rule_deadline_custom_day(day: int, q: int, expected: date) -> None:
    assert rule_deadline(2568, q, day=day) == expected


@pytest.mark.parametrize("day", [0, 32, -15], ids=["zero", "thirty-two", "negative"])
def test_rule_deadline_bad_day(day: int) -> None:
    with pytest.raises(ValueError, match="day"):
        rule_deadline(2568, 1, day=day)


# --------------------------------------------------------------------------- time zones


def test_deadline_end_is_next_midnight_in_tz() -> None:
    end = deadline_end(date(2024, 12, 13), BKK)
    assert end.tzinfo is not None
    assert end == bkk(2024, 12, 14, 0, 0)
    assert end.utcoffset() == timedelta(hours=7)
    assert end.astimezone(UTC) == utc(2024, 12, 13, 17, 0)


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        (utc(2024, 12, 13, 18, 30), False),
        (utc(2024, 12, 13, 16, 59, 59), True),
        (utc(2024, 12, 13, 17, 0, 0), False),
        (utc(2024, 12, 13, 17, 1), False),
        (utc(2024, 12, 12, 17, 0), True),
        (utc(2024, 12, 1, 3, 0), True),
        (bkk(2024, 12, 13, 23, 59, 59), True),
        (bkk(2024, 12, 14, 0, 0, 0), False),
        (datetime(2024, 12, 13, 11, 59, 59, tzinfo=timezone(timedelta(hours=-5))), True),
        (datetime(2024, 12, 13, 12, 0, 0, tzinfo=timezone(timedelta(hours=-5))), False),
    ],
    ids=[
        "utc-1830-is-0130-next-day-late",
        "utc-165959-last-second-on-time",
        "utc-1700-bangkok-midnight-late",
        "utc-1701-minute-after-midnight-late",
        "utc-1700-day-before-is-0000-deadline-day-on-time",
        "early-in-the-quarter-on-time",
        "bangkok-235959-on-time",
        "bangkok-midnight-late",
        "minus5-equivalent-of-165959z-on-time",
        "minus5-equivalent-of-1700z-late",
    ],
)
def test_is_on_time(received_at: datetime, expected: bool) -> None:
    assert is_on_time(received_at, date(2024, 12, 13), BKK) is expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2024, 12, 13, 16, 59, 59), False),
        (utc(2024, 12, 13, 17, 0), True),
        (utc(2024, 12, 13, 18, 30), True),
        (bkk(2024, 12, 13, 9, 0), False),
        (utc(2024, 11, 1, 0, 0), False),
    ],
    ids=[
        "last-second-not-due",
        "bangkok-midnight-due",
        "after-due",
        "deadline-morning",
        "weeks-before",
    ],
)
def test_is_due(now: datetime, expected: bool) -> None:
    assert is_due(now, date(2024, 12, 13), BKK) is expected


@pytest.mark.parametrize("fn", [is_on_time, is_due], ids=["is_on_time", "is_due"])
def test_naive_datetime_raises(fn) -> None:
    naive = datetime(2024, 12, 13, 12, 0)  # noqa: DTZ001 - deliberately naive
    with pytest.raises(ValueError, match="aware"):
        fn(naive, date(2024, 12, 13), BKK)


# --------------------------------------------------------------------------- properties

_LAST_MONTH = {1: 12, 2: 3, 3: 6, 4: 9}


def _oracle_is_working_day(d: date) -> bool:
    """Independent of gsync.thai_calendar: weekday and holidays.Thailand directly."""
    return d.weekday() < 5 and d not in holidays.Thailand(years=d.year)


@given(st.dates())
def test_quarter_range_contains_date(d: date) -> None:
    fy, q = quarter_of(d)
    start, end = quarter_range(fy, q)
    assert start <= d <= end
    assert start.day == 1
    assert (end + timedelta(days=1)).day == 1
    assert fiscal_year_of(start) == fiscal_year_of(end) == fy


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_rule_deadline_is_working_day_in_last_month(d: date) -> None:
    fy, q = quarter_of(d)
    deadline = rule_deadline(fy, q)
    _, end = quarter_range(fy, q)
    nominal = date(end.year, _LAST_MONTH[q], 15)
    assert deadline.month == _LAST_MONTH[q]
    assert deadline.year == end.year
    assert deadline <= nominal
    assert _oracle_is_working_day(deadline)
    # Nothing later than the deadline and up to the 15th is a working day.
    later = deadline + timedelta(days=1)
    while later <= nominal:
        assert not _oracle_is_working_day(later)
        later += timedelta(days=1)
