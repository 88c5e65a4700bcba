"""Thai fiscal calendar: fiscal years, quarters, working days and report deadlines.

Everything here is a pure function of dates (no I/O, no environment, no clock).

* The Thai government fiscal year starts on 1 October and is numbered in the
  Buddhist Era (BE = CE + 543): FY2568 runs from 2024-10-01 to 2025-09-30.
  Q1 = Oct-Dec, Q2 = Jan-Mar, Q3 = Apr-Jun, Q4 = Jul-Sep.
* A working day is Monday-Friday, not a Thai public holiday (including in-lieu
  days, as published by ``holidays.Thailand``) and not an extra holiday supplied
  by the caller (provinces get special government-announced days off).  An
  extra working day supplied by the caller overrides all of that.
* The default deadline rule is "the 15th of the quarter's last month", moved
  back to the previous working day.  An explicitly pinned date always wins.
* A report is on time iff it was received strictly before the first instant of
  the day after the deadline, in the given time zone (Asia/Bangkok in
  practice).  Only timezone-aware datetimes are accepted.

Dates are ``datetime.date`` values; passing a ``datetime`` where a date is
expected raises ``TypeError``, because which calendar day an instant falls on
depends on the time zone and must be decided by the caller.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = [
    "BE_OFFSET",
    "QUARTERS",
    "THAI_MONTHS_FULL",
    "THAI_MONTHS_SHORT",
    "WorkCalendar",
    "deadline_end",
    "deadlines",
    "format_rfc3339",
    "fiscal_year_of",
    "is_due",
    "is_on_time",
    "parse_rfc3339",
    "quarter_label",
    "quarter_of",
    "quarter_range",
    "quarters_of_year",
    "rule_deadline",
]

#: Buddhist Era year = Common Era year + BE_OFFSET (the one copy; thai.py and the rest import it).
BE_OFFSET = 543

#: The quarters of every fiscal year.
QUARTERS: tuple[int, ...] = (1, 2, 3, 4)

#: First calendar month of the fiscal year (October).
_FY_START_MONTH = 10

#: Thai month names, January first (index 0): the one copy of them in gsync.
THAI_MONTHS_SHORT: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
THAI_MONTHS_FULL: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip

#: How far back previous_working_day() searches before giving up.
_MAX_LOOKBACK_DAYS = 366


# --------------------------------------------------------------------------- helpers


def _check_date(d: object, name: str = "d") -> date:
    """Return *d* if it is a plain date; reject datetimes and other types."""
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{name} must be a datetime.date (not datetime), got {type(d).__name__}")
    return d


def _check_quarter(quarter: int) -> int:
    if isinstance(quarter, bool) or quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1..4, got {quarter!r}")
    return quarter


def _check_aware(dt: object, name: str) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {dt!r}")
    return dt


def _last_day_of_month(year: int, month: int) -> date:
    # Avoid the stdlib ``calendar`` module: this module shares its name.
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _quarter_months(fiscal_year: int, quarter: int) -> tuple[int, int]:
    """(CE calendar year, first month) of a fiscal quarter."""
    _check_quarter(quarter)
    ce_year = fiscal_year - BE_OFFSET
    if quarter == 1:
        return ce_year - 1, 10
    return ce_year, 3 * (quarter - 1) - 2  # Q2 -> 1, Q3 -> 4, Q4 -> 7


#: Years whose holidays a caller handed in (`remember_holidays`), as the same package version
#: computed them on an earlier run: building ``holidays.Thailand`` imports every country the
#: package knows (about 80 ms), most of a rerun with nothing new.
_REMEMBERED: dict[int, frozenset[date]] = {}
_LOOKED_UP: set[int] = set()


@functools.cache
def _thai_public_holidays(year: int) -> frozenset[date]:
    """Thai public holidays (incl. in-lieu days) of one CE year, cached per year.

    Building ``holidays.Thailand`` is comparatively slow, so it is done once
    per year and reduced to a frozenset for O(1) lookups.  Years outside the
    package's supported range simply have no public holidays.
    """
    _LOOKED_UP.add(year)
    known = _REMEMBERED.get(year)
    if known is not None:
        return known
    import holidays  # 50 ms: only when the state has not kept this year's holidays

    return frozenset(holidays.Thailand(years=year))


def holidays_version() -> str:
    """The installed `holidays` package's version (without importing it, when it is installed)."""
    from gsync import dist_version

    found = dist_version("holidays")
    if found is None:
        import holidays

        found = str(holidays.__version__)
    return found


def holidays_seen() -> dict[str, object]:
    """The public holidays of every year this process has looked at, with the version of the
    ``holidays`` package that computed them, as JSON-ready data for `remember_holidays`."""
    years = {year: _thai_public_holidays(year) for year in sorted(set(_REMEMBERED) | _LOOKED_UP)}
    return {"holidays": holidays_version(),
            "years": {str(y): sorted(d.isoformat() for d in days) for y, days in years.items()}}


def remember_holidays(saved: object) -> None:
    """Take the holidays an earlier run computed (`holidays_seen`), when the same version of the
    ``holidays`` package computed them; anything else (another version, a damaged value) is
    ignored and the package is asked again."""
    if not isinstance(saved, dict) or saved.get("holidays") != holidays_version():
        return
    years = saved.get("years")
    if not isinstance(years, dict):
        return
    try:
        table = {int(y): frozenset(date.fromisoformat(d) for d in days) for y, days in years.items()}
    except (TypeError, ValueError):
        return
    _REMEMBERED.update(table)


# --------------------------------------------------------------------------- fiscal year


def fiscal_year_of(d: date) -> int:
    """Buddhist Era fiscal year containing *d* (FY starts 1 October).

    2024-10-01 -> 2568, 2024-09-30 -> 2567.
    """
    _check_date(d)
    return d.year + BE_OFFSET + (1 if d.month >= _FY_START_MONTH else 0)


def quarter_of(d: date) -> tuple[int, int]:
    """(fiscal year BE, quarter 1..4) containing *d*."""
    _check_date(d)
    quarter = ((d.month - _FY_START_MONTH) % 12) // 3 + 1
    return fiscal_year_of(d), quarter


def quarters_of_year(fiscal_year: int) -> tuple[int, ...]:
    """The quarters of a fiscal year: always (1, 2, 3, 4)."""
    return QUARTERS


def quarter_range(fiscal_year: int, quarter: int) -> tuple[date, date]:
    """First and last day (both inclusive) of a fiscal quarter.

    FY2568 Q1 -> (2024-10-01, 2024-12-31).
    """
    year, first_month = _quarter_months(fiscal_year, quarter)
    return date(year, first_month, 1), _last_day_of_month(year, first_month + 2)


def quarter_label(fiscal_year: int, quarter: int) -> str:
    """Thai label in the Google Form's style, with the quarter's BE calendar year.

    FY2568 Q1 -> ``"ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"``,
    FY2568 Q2 -> ``"ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)"``.
    """
    year, first_month = _quarter_months(fiscal_year, quarter)
    start = THAI_MONTHS_SHORT[first_month - 1]
    end = THAI_MONTHS_SHORT[first_month + 1]
    return f"ไตรมาสที่ {quarter} ({start} - {end} {year + BE_OFFSET})"


# --------------------------------------------------------------------------- working days


class WorkCalendar:
    """Working-day calendar: Mon-Fri minus Thai public holidays and extra holidays.

    *extra_holidays* are additional days off (e.g. province-specific announced
    holidays).  *extra_working_days* are days that count as working days no
    matter what (a make-up Saturday, or a public holiday the office worked);
    they override weekends, public holidays and extra holidays alike.
    """

    __slots__ = ("extra_holidays", "extra_working_days")

    def __init__(
        self,
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self.extra_holidays: frozenset[date] = frozenset(
            _check_date(d, "extra_holidays item") for d in extra_holidays
        )
        self.extra_working_days: frozenset[date] = frozenset(
            _check_date(d, "extra_working_days item") for d in extra_working_days
        )

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(extra_holidays={sorted(self.extra_holidays)!r}, "
            f"extra_working_days={sorted(self.extra_working_days)!r})"
        )

    def is_public_holiday(self, d: date) -> bool:
        """True if *d* is a Thai public holiday (incl. in-lieu days)."""
        _check_date(d)
        return d in _thai_public_holidays(d.year)

    def is_working_day(self, d: date) -> bool:
        """True if *d* is a working day (see the class docstring)."""
        _check_date(d)
        if d in self.extra_working_days:
            return True
        if d.weekday() >= 5:  # Saturday, Sunday
            return False
        if d in self.extra_holidays:
            return False
        return d not in _thai_public_holidays(d.year)

    def previous_working_day(self, d: date) -> date:
        """*d* itself if it is a working day, else the closest working day before it."""
        _check_date(d)
        current = d
        for _ in range(_MAX_LOOKBACK_DAYS + 1):
            if self.is_working_day(current):
                return current
            current -= timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_LOOKBACK_DAYS} days before {d}")


@functools.cache
def _default_calendar() -> WorkCalendar:
    return WorkCalendar()


# --------------------------------------------------------------------------- deadlines


def rule_deadline(
    fiscal_year: int,
    quarter: int,
    *,
    day: int = 15,
    cal: WorkCalendar | None = None,
) -> date:
    """The *day*-th of the quarter's last month, moved back to the previous working day.

    *day* must be 1..31; it is clamped to the month's length (so ``day=31``
    means "the last day of the month").  FY2568 with the default rule:
    Q1 2024-12-13, Q2 2025-03-14, Q3 2025-06-13, Q4 2025-09-15.
    """
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
        raise ValueError(f"day must be an int in 1..31, got {day!r}")
    _, last = quarter_range(fiscal_year, quarter)
    nominal = last.replace(day=min(day, last.day))
    return (cal or _default_calendar()).previous_working_day(nominal)


def deadlines(
    fiscal_year: int,
    explicit: Mapping[int, date] | None = None,
    *,
    day: int = 15,
    cal: WorkCalendar | None = None,
) -> dict[int, date]:
    """Deadlines of all four quarters; an explicit date for a quarter wins over the rule.

    Explicit dates are used as given (not moved to a working day).
    """
    explicit = dict(explicit or {})
    for q, d in explicit.items():
        _check_quarter(q)
        _check_date(d, f"explicit[{q}]")
    return {
        q: explicit[q] if q in explicit else rule_deadline(fiscal_year, q, day=day, cal=cal)
        for q in QUARTERS
    }


def deadline_end(d: date, tz: tzinfo) -> datetime:
    """First instant after deadline day *d* in *tz*: midnight starting the next day (aware)."""
    _check_date(d)
    if not isinstance(tz, tzinfo):
        raise TypeError(f"tz must be a tzinfo, got {type(tz).__name__}")
    return datetime.combine(d + timedelta(days=1), time(0, 0), tzinfo=tz)


def is_on_time(received_at: datetime, deadline: date, tz: tzinfo) -> bool:
    """True iff *received_at* (aware) is strictly before ``deadline_end(deadline, tz)``."""
    _check_aware(received_at, "received_at")
    # Compare in UTC: same-tzinfo comparisons in Python ignore the UTC offset.
    end = deadline_end(deadline, tz)
    return received_at.astimezone(UTC) < end.astimezone(UTC)


def is_due(now: datetime, deadline: date, tz: tzinfo) -> bool:
    """True when the deadline has passed, i.e. *now* (aware) >= ``deadline_end``."""
    _check_aware(now, "now")
    end = deadline_end(deadline, tz)
    return now.astimezone(UTC) >= end.astimezone(UTC)


# --------------------------------------------------------------------------- instants


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 time as Google's APIs send it, as an aware UTC datetime.

    ``2024-12-10T02:10:05.123456789Z``, ``2024-12-10T09:10:05+07:00``, ``…05z``. Python keeps
    microseconds, so a nanosecond fraction is truncated to 6 digits (``fromisoformat`` does
    that on 3.11). A time without an offset is taken as UTC. ValueError when unreadable.
    """
    value = datetime.fromisoformat(text.strip().upper())  # RFC 3339 allows "t" and "z"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_rfc3339(value: datetime) -> str:
    """``2024-12-10T02:10:05Z``: whole seconds, in UTC (as the Forms API's filter wants it)."""
    _check_aware(value, "value")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
