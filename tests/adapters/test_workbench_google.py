"""The master Google Sheet as the staff's workbench: staff type into it with the real gspread
client (as the Sheets UI would store it), and the next sync through the fake shows the effect.

The province is the demo's (gsync/demo.py), loaded into the fake; expected values are written
by hand from its scenario.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gspread
import pytest

from gsync.accounting import Accounting
from gsync.google.clients import load_credentials
from gsync.sinks.google_sheet import PROTECTION
from tests.reliability.google_support import InProcessClients, Province, google_province, google_run

BKK = ZoneInfo("Asia/Bangkok")
NOW = dt.datetime(2025, 4, 20, 9, 0, tzinfo=BKK)
WRITES = ("sheets.spreadsheets.batchUpdate", "sheets.spreadsheets.values.batchUpdate",
          "sheets.spreadsheets.values.batchClear")


@pytest.fixture()
def gp(google_server: tuple[Any, str], tmp_path: Path) -> Province:
    fake, base_url = google_server
    return google_province(fake, base_url, tmp_path)


def staff(p: Province) -> gspread.Spreadsheet:
    """The Sheet as a staff member's browser sees it, through gspread."""
    creds = load_credentials(p.settings.google.credentials)
    client = InProcessClients(p.fake, creds, Accounting(), endpoint=p.settings.google.endpoint, timeout=10)
    return client.sheets.open_by_key(p.sid)


def type_into(p: Province, tab: str, key: str, header_start: str, value: Any) -> None:
    ws = staff(p).worksheet(tab)
    head = ws.row_values(1)
    col = next(i for i, h in enumerate(head) if h.startswith(header_start)) + 1
    row = ws.col_values(1).index(key) + 1
    ws.update_cell(row, col, value)


def row_of(p: Province, tab: str, key: str) -> dict[str, Any]:
    values = p.fake.sheet_values(p.sid, tab, "UNFORMATTED_VALUE")
    head = [str(h) for h in values[0]]
    row = next(r for r in values[1:] if r and r[0] == key)
    return dict(zip(head, row, strict=False))


def report(result: Any, district: str, quarter: int) -> dict[str, Any]:
    return next(r.status_json() for r in result.outcome.reports if r.district == district and r.quarter == quarter)


def test_staff_column_and_tab_survive_syncs_and_a_gsync_column_coming_back(gp: Province) -> None:
    google_run(gp)
    book = staff(gp)
    ws = book.worksheet("รายงาน")
    ws.add_cols(1)
    width = len(ws.row_values(1))
    ws.update_cell(1, width + 1, "ผู้ติดตาม")
    ws.update_cell(ws.col_values(1).index("แจ้ห่ม|Q1") + 1, width + 1, "คุณสมศรี")
    own = book.add_worksheet("งานของฉัน", rows=10, cols=3)
    own.update_cell(1, 1, "ประชุมอำเภอ 30 เม.ย.")
    google_run(gp)
    google_run(gp)
    assert row_of(gp, "รายงาน", "แจ้ห่ม|Q1")["ผู้ติดตาม"] == "คุณสมศรี"
    assert gp.fake.sheet_values(gp.sid, "งานของฉัน", "UNFORMATTED_VALUE") == [["ประชุมอำเภอ 30 เม.ย."]]

    # a master whose gsync columns are one fewer (an older gsync, or staff deleted one):
    # gsync's column comes back, staff's column stays beside its rows
    ws.delete_columns(ws.row_values(1).index("ช่องทาง") + 1)
    google_run(gp)
    row = row_of(gp, "รายงาน", "แจ้ห่ม|Q1")
    assert row["ผู้ติดตาม"] == "คุณสมศรี" and "ช่องทาง" in row
    assert row_of(gp, "รายงาน", "เถิน|Q1")["ช่องทาง"] == "Google Drive"


def test_return_resubmit_accept_through_the_sheet(gp: Province) -> None:
    google_run(gp)
    type_into(gp, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    type_into(gp, "รายงาน", "เถิน|Q1", "เหตุผล", "ประเภทกิจกรรมแถว 7 ไม่อยู่ในรายการ")
    result = google_run(gp)
    r = report(result, "เถิน", 1)
    assert (r["review"], r["review_reason"]) == ("returned", "ประเภทกิจกรรมแถว 7 ไม่อยู่ในรายการ")
    assert "ส่งกลับแก้ไข" in row_of(gp, "สถานะรายงาน", "เถิน")["ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"]

    later = NOW + dt.timedelta(days=1)
    folder = gp.ids["folder_id"]
    content = (gp.demo_dir / "inbox").joinpath(next(k for k in gp.ids["files"] if "เถิน" in k)).read_bytes()
    gp.fake.drive_add_file("เถิน ไตรมาส1 ฉบับแก้ไข.xlsx", content, folder, created_time=NOW + dt.timedelta(hours=3))
    result = google_run(gp, now=later)
    r = report(result, "เถิน", 1)
    assert r["review"] == "resubmitted" and r["timeliness"] == "on_time"
    assert "เถิน ไตรมาส1 ฉบับแก้ไข.xlsx" in r["received_files"]

    type_into(gp, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ผ่าน")
    r = report(google_run(gp, now=later), "เถิน", 1)
    assert r["review"] == "accepted"
    history = gp.fake.sheet_values(gp.sid, "ประวัติการตรวจ", "UNFORMATTED_VALUE")
    assert [(h[1], h[3]) for h in history[1:]] == [("เถิน", "ส่งกลับแก้ไข"), ("เถิน", "ผ่าน")]


def test_attribute_a_file_and_a_ticked_box_through_the_sheet(gp: Province) -> None:
    google_run(gp)
    key = "drive:" + gp.ids["files"]["รายงานกิจกรรม.xlsx"]
    type_into(gp, "ไฟล์ที่ระบุไม่ได้", key, "ระบุอำเภอ", "แจ้ห่ม")
    type_into(gp, "ไฟล์ที่ระบุไม่ได้", key, "ระบุไตรมาส", "ไตรมาสที่ 1")
    type_into(gp, "รายงาน", "แจ้ห่ม|Q2", "ยกเว้น", True)  # the tick box, ticked
    result = google_run(gp)
    r = report(result, "แจ้ห่ม", 1)
    assert r["received_files"] == ["รายงานกิจกรรม.xlsx"] and r["timeliness"] == "on_time"
    assert r["submitted_at"] == "2024-12-12T10:00:00+07:00"
    assert [u.name for u in result.outcome.unattributed] == ["IMG_2031.jpg"]
    assert report(result, "แจ้ห่ม", 2)["timeliness"] == "excused"
    assert row_of(gp, "ไฟล์ที่เจ้าหน้าที่ระบุแล้ว", key)["ระบุอำเภอ"] == "แจ้ห่ม"
    keys = [r[0] for r in gp.fake.sheet_values(gp.sid, "ไฟล์ที่ระบุไม่ได้", "UNFORMATTED_VALUE")[1:]]
    assert key not in keys


def test_drop_downs_protection_hidden_key_and_one_chart(gp: Province) -> None:
    google_run(gp)
    sheet = gp.fake.sheet(gp.sid, "รายงาน")
    head = gp.fake.sheet_values(gp.sid, "รายงาน", "UNFORMATTED_VALUE")[0]
    rules = {gp.fake.sheets.validation_at(sheet, 5, i)["condition"]["type"]: h for i, h in enumerate(head)
             if gp.fake.sheets.validation_at(sheet, 5, i)}
    assert rules == {"BOOLEAN": "ยกเว้น (ใส่ ✓)", "ONE_OF_LIST": "ผลการตรวจ"}
    choices = gp.fake.sheets.validation_at(sheet, 5, head.index("ผลการตรวจ"))["condition"]["values"]
    assert [v["userEnteredValue"] for v in choices] == ["ผ่าน", "ส่งกลับแก้ไข"]
    [prot] = sheet.protected_ranges
    assert prot["warningOnly"] is True and prot["description"] == PROTECTION
    assert prot["range"]["endColumnIndex"] == head.index("ยกเว้น (ใส่ ✓)")  # staff's columns are not protected
    assert sheet.col_meta[0]["hiddenByUser"] is True
    assert sheet.props["gridProperties"]["frozenColumnCount"] == 2
    place = gp.fake.sheet(gp.sid, "ไฟล์ที่ระบุไม่ได้")
    phead = gp.fake.sheet_values(gp.sid, "ไฟล์ที่ระบุไม่ได้", "UNFORMATTED_VALUE")[0]
    districts = gp.fake.sheets.validation_at(place, 1, phead.index("ระบุอำเภอ"))["condition"]["values"]
    assert [v["userEnteredValue"] for v in districts][:3] == ["เมืองลำปาง", "แม่เมาะ", "เกาะคา"]
    assert len(gp.fake.sheet(gp.sid, "อัตราการส่ง").charts) == 1

    # a layout change (a gsync column deleted by someone) replaces, never piles up
    staff(gp).worksheet("อัตราการส่ง").delete_columns(4)
    staff(gp).worksheet("รายงาน").delete_columns(4)
    google_run(gp)
    assert len(gp.fake.sheet(gp.sid, "อัตราการส่ง").charts) == 1
    assert len(gp.fake.sheet(gp.sid, "รายงาน").protected_ranges) == 1


def test_the_as_of_time_alone_writes_nothing(gp: Province) -> None:
    google_run(gp)
    gp.fake.reset_log()
    google_run(gp, now=NOW + dt.timedelta(minutes=15))
    assert sum(gp.fake.count(m) for m in WRITES) == 0, gp.fake.counts("sheets.")
    assert gp.fake.counts("sheets.") == {}  # not even read: Drive reports gsync's own version (issue 13)


def test_a_renamed_tab_is_found_again_and_a_deleted_one_reported(gp: Province) -> None:
    google_run(gp)
    type_into(gp, "รายงาน", "แจ้ห่ม|Q1", "หมายเหตุเจ้าหน้าที่", "โทรตามแล้ว")
    book = staff(gp)
    book.worksheet("รายงาน").update_title("รายงาน (เก่า)")
    book.del_worksheet(book.worksheet("ศูนย์"))
    gp.fake.reset_log()
    google_run(gp, now=NOW + dt.timedelta(hours=1))
    titles = [s.props["title"] for s in gp.fake.sheets.book(gp.sid).sheets]
    assert "รายงาน" in titles and "รายงาน (เก่า)" not in titles and "ศูนย์" in titles
    assert row_of(gp, "รายงาน", "แจ้ห่ม|Q1")["หมายเหตุเจ้าหน้าที่"] == "โทรตามแล้ว"
    log = " ".join(str(c) for r in gp.fake.sheet_values(gp.sid, "บันทึกการซิงก์", "UNFORMATTED_VALUE") for c in r)
    assert "แท็บ “รายงาน” ถูกเปลี่ยนชื่อเป็น “รายงาน (เก่า)”" in log and "แท็บ “ศูนย์” ถูกลบ" in log
    assert sum(gp.fake.count(m) for m in WRITES) <= 3


def test_dates_in_the_sheet_are_buddhist_era_text(gp: Province) -> None:
    google_run(gp)
    row = row_of(gp, "รายงาน", "แม่พริก|Q1")
    assert (row["กำหนดส่ง"], row["ส่งครั้งแรกเมื่อ"]) == ("13 ธ.ค. 2567", "14 ธ.ค. 2567 00:01")
