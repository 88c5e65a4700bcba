"""The master's layout, shared by every tab: the Table type and its cells, the tab names, the
key and note columns, and the status words. Pure.

The floor under master.tables (the quarterly tabs) and master.collection_tabs (the
collections' tabs); sinks and the merge read it too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Dates are real date cells (dt.date, or a naive dt.datetime in the province's time zone): the
# workbook shows them in Buddhist Era by its number format; the Google Sheet, whose number
# formats have no Buddhist calendar, gets the same dates as BE text (see `tables.as_text`).
Cell = str | int | float | dt.date | dt.datetime | None

KEY = "รหัส"
NOTE = "หมายเหตุเจ้าหน้าที่"

STATUS_LABELS = {
    "not_yet_due": "ยังไม่ถึงกำหนด",
    "on_time": "ส่งตรงเวลา",
    "late": "ส่งล่าช้า",
    "missing": "ยังไม่ส่ง (เลยกำหนด)",
    "excused": "ได้รับการยกเว้น",
}
INCOMPLETE = "ไม่ครบถ้วน"

TAB_STATUS = "สถานะรายงาน"
TAB_REPORTS = "รายงาน"
TAB_ACTIVITIES = "กิจกรรม"
TAB_CENTRES = "ศูนย์"
TAB_PROBLEMS = "ปัญหา"
TAB_UNATTRIBUTED = "ไฟล์ที่ระบุไม่ได้"
TAB_PLACED = "ไฟล์ที่เจ้าหน้าที่ระบุแล้ว"
TAB_RESPONSES = "แบบฟอร์ม"
TAB_RATES = "อัตราการส่ง"
TAB_REVIEWS = "ประวัติการตรวจ"
TAB_LOG = "บันทึกการซิงก์"
TAB_ARCHIVE = "หมายเหตุที่เก็บไว้"
TAB_REMINDERS = "ประวัติการแจ้งเตือน"  # written by `gsync remind` (gsync/remind/history.py)

# Every tab gsync writes; a sink's read asks for these (and any other tab gsync once wrote, see
# the Sheet sink's state cache) and never for staff's own tabs.
GSYNC_TABS = (TAB_STATUS, TAB_REPORTS, TAB_ACTIVITIES, TAB_CENTRES, TAB_PROBLEMS, TAB_UNATTRIBUTED,
              TAB_PLACED, TAB_RESPONSES, TAB_RATES, TAB_REVIEWS, TAB_ARCHIVE, TAB_LOG, TAB_REMINDERS)


@dataclass
class Table:
    title: str
    headers: list[str]  # gsync's columns; headers[0] == KEY
    rows: list[list[Cell]]
    staff: list[str] = field(default_factory=list)  # staff-owned columns, after gsync's
    widths: list[int] = field(default_factory=list)  # in characters, per column (gsync's, then staff's)
    status_columns: list[int] = field(default_factory=list)  # coloured by tables.STATUS_COLOURS
    append_only: bool = False  # the sync log: rows are added, never replaced
    hidden_key: bool = False  # the key column is hidden and the next column frozen with it
    retired: list[str] = field(default_factory=list)  # headers gsync no longer writes
    validations: dict[str, list[str] | str] = field(default_factory=dict)  # staff header -> choices | tables.CHECKBOX
    seed: dict[str, dict[str, Cell]] = field(default_factory=dict)  # key -> staff values for a new row
    moved: set[str] = field(default_factory=set)  # keys that left this tab for another, with their input
    volatile: dict[str, int] = field(default_factory=dict)  # key -> column that alone never causes a write
    fit_page: bool = False  # print on one page (else: one page wide)
    chart: dict[str, int] | None = None  # a bar chart: {"first_row", "last_row", "label_col", "first_col", "last_col"}
    lazy: bool = False  # created only once it has a row (tabs most provinces never need)
    takes_from: list[str] = field(default_factory=list)  # tabs whose rows move here, staff input and all

    @property
    def all_headers(self) -> list[str]:
        return self.headers + self.staff


def local_time(t: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    """A receipt as a date cell: the wall-clock time in the province (a sheet has no time zones)."""
    return None if t is None else t.astimezone(tz).replace(tzinfo=None, microsecond=0)
