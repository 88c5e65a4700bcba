"""Which fiscal year a Form's quarter answer names: a stale Form reused next year is caught.

Pure functions of text and settings. The Form's choices are configured (`[form]
quarter_choices`) or derived from the fiscal year (`thai_calendar.quarter_label`): FY2569 asks
``ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2568)`` … ``ไตรมาสที่ 4 (ก.ค. - ก.ย. 2569)``. An answer that is one of
the choices is that quarter. Any other answer is read for its quarter (`thai.parse_quarter`)
and for a year: a year after ปีงบประมาณ / ปีงบ / FY is the fiscal year itself; any other
Buddhist-era (25xx) or common-era (20xx) year is the calendar year of the quarter's months,
as in the Form's labels (Q1's months fall in the year before the fiscal year).
"""

from __future__ import annotations

import re

from gsync import thai, thai_calendar
from gsync.config import Settings

_FY_YEAR = re.compile(r"(?:ปีงบประมาณ|ปีงบ\.?|ปี\s*งบ|fy)\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4}|\d{2})(?!\d)", re.I)
_YEAR = re.compile(r"(?<!\d)(25\d\d|20\d\d)(?!\d)")


def answer_fiscal_year(text: str, quarter: int) -> int | None:
    """The Buddhist-era fiscal year a quarter answer names, or None when it names no year."""
    s = thai.to_arabic_digits(thai.clean(text))
    if m := _FY_YEAR.search(s):
        y = int(m[1])
        if y < 100:
            return 2500 + y
        return y if y > 2400 else y + thai_calendar.BE_OFFSET
    years = [int(y) for y in _YEAR.findall(s)]
    if not years:
        return None
    y = years[-1]  # "ต.ค. 2567 - ธ.ค. 2567": the last year names the quarter's end
    if y < 2400:
        y += thai_calendar.BE_OFFSET
    return y + 1 if quarter == 1 else y


def parse_quarter_answer(settings: Settings, text: str) -> tuple[int | None, int | None]:
    """(quarter, the other fiscal year it names or None). The quarter is None when unreadable."""
    key = thai.name_key(text)
    for q, choice in settings.quarter_choices().items():
        if key and key == thai.name_key(choice):
            return q, None
    quarter = thai.parse_quarter(text)
    if quarter is None:
        return None, None
    fy = answer_fiscal_year(text, quarter)
    return quarter, (fy if fy is not None and fy != settings.fiscal_year else None)
