"""What staff typed never depends on Drive's changes feed (issue 21, item 1).

Real Drive reports edits made inside a Sheet coalesced, minutes late. The worst case is a feed
that never reports them: the fake with `sheet_edits_in_feed = False`. A run that writes
nothing may still trust the copy of the master kept in the state (2 requests); a run that is
about to write reads the master itself first and writes staff's cells only from that read.
Staff type with the real gspread client, as the Sheets UI stores it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gsync import demo, synth
from gsync.master import policy
from gsync.remind import history
from gsync.sinks.google_sheet import GoogleSheetSink
from gsync.state import State
from tests.adapters.test_workbench_google import NOW, row_of, staff, type_into
from tests.reliability.google_support import InProcessClients, Province, google_province, google_run
from tests.remind.test_history_sinks import FIRST, SECOND, TZ

REPORTS, REVIEWS, REMINDERS = "รายงาน", "ประวัติการตรวจ", "ประวัติการแจ้งเตือน"
NOTE, EXCUSED = "หมายเหตุเจ้าหน้าที่", "ยกเว้น (ใส่ ✓)"


@pytest.fixture()
def gp(google_server: tuple[Any, str], tmp_path: Path) -> Province:
    fake, base_url = google_server
    p = google_province(fake, base_url, tmp_path)
    fake.sheet_edits_in_feed = False  # the feed never reports an edit inside the Sheet
    return p


def arrives(p: Province, district: str, quarter: int, when: dt.datetime) -> None:
    rows = synth.activities(demo.lampang_districts()[district], demo.FY, quarter, seed=42)
    p.fake.drive_add_file(f"{district} ไตรมาส{quarter}.xlsx", synth.activity_xlsx(district, demo.PROVINCE, quarter, rows),
                          p.ids["folder_id"], created_time=when)


def sheets_calls(p: Province) -> list[str]:
    return sorted(c.id for c in p.fake.requests if c.id.startswith("sheets."))


def test_the_feed_that_never_reports_the_edit_is_trusted_only_by_a_run_that_writes_nothing(gp: Province) -> None:
    google_run(gp)
    type_into(gp, REPORTS, "แม่ทะ|Q2", "หมายเหตุเจ้าหน้าที่", "โทรตามแล้ว")
    gp.fake.reset_log()
    google_run(gp, now=NOW + dt.timedelta(minutes=15))
    assert sheets_calls(gp) == []  # nothing to write: the copy answers, the master is not read


def test_a_note_and_a_tick_on_a_missing_districts_row_survive_its_report_arriving(gp: Province) -> None:
    google_run(gp)
    assert row_of(gp, REPORTS, "แม่ทะ|Q2")["สถานะ"].startswith("ยังไม่ส่ง")
    type_into(gp, REPORTS, "แม่ทะ|Q2", NOTE, "โทรตามแล้ว")
    type_into(gp, REPORTS, "แม่ทะ|Q2", EXCUSED, True)
    arrives(gp, "แม่ทะ", 2, NOW + dt.timedelta(minutes=20))
    gp.fake.reset_log()

    google_run(gp, now=NOW + dt.timedelta(minutes=30))

    row = row_of(gp, REPORTS, "แม่ทะ|Q2")
    assert row["ไฟล์ที่นับ"] == "แม่ทะ ไตรมาส2.xlsx"  # the report's arrival rewrote the row
    assert (row.get(NOTE), row.get(EXCUSED)) == ("โทรตามแล้ว", True)
    assert "sheets.spreadsheets.values.batchGet" in sheets_calls(gp)  # read first, not the copy


def key_where(p: Province, tab: str, text: str) -> str:
    return str(next(r[0] for r in p.fake.sheet_values(p.sid, tab, "UNFORMATTED_VALUE")[1:] if text in r))


def remind_history(p: Province, entries: list[Any], state_path: Path) -> int:
    """What `gsync remind` does to the master: its history tab appended through the same sink."""
    from gsync.accounting import Accounting
    from gsync.google.clients import load_credentials

    s = p.settings
    google = InProcessClients(p.fake, load_credentials(s.google.credentials), Accounting(), endpoint=s.google.endpoint)
    state = State(state_path)
    try:
        sink = GoogleSheetSink(google, s, state)
        n = policy.write(sink, [history.table(entries, TZ)], sink.read(fresh=True))
        state.commit()
        return n
    finally:
        state.close()


def test_every_tab_staff_type_in_and_every_history_row_survive_writing_runs(gp: Province) -> None:
    google_run(gp)
    state_path = gp.settings.state.path
    assert remind_history(gp, FIRST, state_path) == 1  # gsync remind appends its history
    form_key = key_where(gp, "แบบฟอร์ม", "someone@gmail.com")
    file_key = "drive:" + gp.ids["files"]["รายงานกิจกรรม.xlsx"]
    activity_key = str(gp.fake.sheet_values(gp.sid, "กิจกรรม", "UNFORMATTED_VALUE")[1][0])
    type_into(gp, REPORTS, "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    type_into(gp, REPORTS, "เถิน|Q1", "เหตุผล", "ประเภทกิจกรรมแถว 7 ไม่อยู่ในรายการ")
    type_into(gp, "ไฟล์ที่ระบุไม่ได้", file_key, "ระบุอำเภอ", "แจ้ห่ม")
    type_into(gp, "ไฟล์ที่ระบุไม่ได้", file_key, "ระบุไตรมาส", "ไตรมาสที่ 1")
    type_into(gp, "แบบฟอร์ม", form_key, "ยอมรับผู้ส่ง", True)
    type_into(gp, "กิจกรรม", activity_key, NOTE, "ถามเรื่องจำนวนคนแล้ว")
    book = staff(gp)
    ws = book.worksheet(REPORTS)
    ws.add_cols(1)
    width = len(ws.row_values(1))
    ws.update_cell(1, width + 1, "ผู้ติดตาม")  # staff's own column
    ws.update_cell(ws.col_values(1).index("แจ้ห่ม|Q1") + 1, width + 1, "คุณสมศรี")
    book.add_worksheet("งานของฉัน", rows=10, cols=3).update_cell(1, 1, "ประชุมอำเภอ 30 เม.ย.")  # staff's own tab

    arrives(gp, "แม่ทะ", 2, NOW + dt.timedelta(minutes=20))
    google_run(gp, now=NOW + dt.timedelta(minutes=30))

    reports = row_of(gp, REPORTS, "เถิน|Q1")
    assert (reports["ผลการตรวจ"], reports["เหตุผล (เมื่อส่งกลับแก้ไข)"]) == ("ส่งกลับแก้ไข", "ประเภทกิจกรรมแถว 7 ไม่อยู่ในรายการ")
    assert "ส่งกลับแก้ไข" in reports["สถานะการตรวจ"]
    assert row_of(gp, "ไฟล์ที่เจ้าหน้าที่ระบุแล้ว", file_key)["ระบุอำเภอ"] == "แจ้ห่ม"
    assert row_of(gp, "แบบฟอร์ม", form_key)["ยอมรับผู้ส่ง (ใส่ ✓)"] is True
    assert row_of(gp, "กิจกรรม", activity_key)[NOTE] == "ถามเรื่องจำนวนคนแล้ว"
    assert row_of(gp, REPORTS, "แจ้ห่ม|Q1")["ผู้ติดตาม"] == "คุณสมศรี"
    assert gp.fake.sheet_values(gp.sid, "งานของฉัน", "UNFORMATTED_VALUE") == [["ประชุมอำเภอ 30 เม.ย."]]

    # gsync remind appends again; staff accept the corrected report; reports arrive; two writing runs
    assert remind_history(gp, FIRST + SECOND, state_path) == 1
    type_into(gp, REPORTS, "เถิน|Q1", "ผลการตรวจ", "ผ่าน")
    arrives(gp, "เกาะคา", 2, NOW + dt.timedelta(minutes=40))
    google_run(gp, now=NOW + dt.timedelta(minutes=50))
    arrives(gp, "งาว", 2, NOW + dt.timedelta(minutes=55))
    google_run(gp, now=NOW + dt.timedelta(minutes=60))

    reviews = gp.fake.sheet_values(gp.sid, REVIEWS, "UNFORMATTED_VALUE")
    assert [(r[1], r[3]) for r in reviews[1:]] == [("เถิน", "ส่งกลับแก้ไข"), ("เถิน", "ผ่าน")]
    reminders = gp.fake.sheet_values(gp.sid, REMINDERS, "UNFORMATTED_VALUE")
    assert [r[1] for r in reminders[1:]] == ["16 ธ.ค. 2567 08:30", "20 ธ.ค. 2567 08:30"]
    assert row_of(gp, REPORTS, "เถิน|Q1")["ผลการตรวจ"] == "ผ่าน"
    assert row_of(gp, REPORTS, "แจ้ห่ม|Q1")["ผู้ติดตาม"] == "คุณสมศรี"
    assert row_of(gp, "กิจกรรม", activity_key)[NOTE] == "ถามเรื่องจำนวนคนแล้ว"


def test_a_tick_in_excused_stops_reminders_whatever_the_feed_says(gp: Province) -> None:
    from gsync.remind.run import judge

    google_run(gp)
    later = NOW + dt.timedelta(minutes=15)
    before = {(i.district, i.key): i.status for i in judge(gp.settings, later)}
    assert before[("แม่ทะ", "Q2")] == "waiting"
    type_into(gp, REPORTS, "แม่ทะ|Q2", EXCUSED, True)
    items = {(i.district, i.key): i.status for i in judge(gp.settings, later)}
    assert items[("แม่ทะ", "Q2")] == "excused"
