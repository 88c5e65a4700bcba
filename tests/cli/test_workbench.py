"""The master as the staff's workbench, offline: what staff type into the workbook (with
openpyxl, as Excel or LibreOffice would save it) and what the next `gsync sync` and
`gsync status --json` make of it.

The scenario is the demo's (gsync/demo.py, judged 2025-04-20 09:00 Bangkok); expected values
are written by hand from it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main
from gsync.master.tables import STATUS_COLOURS
from gsync.models import ProblemCode

NOW = "2025-04-20T09:00:00+07:00"
STATUS_CODES = ("not_yet_due", "on_time", "late", "missing", "excused", "returned", "resubmitted", "accepted")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.fixture()
def province(tmp_path: Path) -> Path:
    config, _ = demo.build(tmp_path / "demo")
    return config


def master_of(config: Path) -> Path:
    return config.parent / "master.xlsx"


def sync(config: Path) -> None:
    code, out = run("sync", "--config", str(config), "--now", NOW)
    assert code in (0, 4), out


def status(config: Path) -> dict[str, Any]:
    code, out = run("status", "--config", str(config), "--now", NOW, "--json")
    assert code == 0, out
    return json.loads(out)


def report(doc: dict[str, Any], district: str, quarter: int) -> dict[str, Any]:
    return next(r for r in doc["reports"] if r["district"] == district and r["quarter"] == quarter)


def rows(path: Path, tab: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    try:
        return [tuple(r) for r in wb[tab].iter_rows(values_only=True)]
    finally:
        wb.close()


def row_of(path: Path, tab: str, key: str) -> dict[str, Any]:
    got = rows(path, tab)
    head = [str(h or "") for h in got[0]]
    row = next(r for r in got[1:] if r[0] == key)
    return dict(zip(head, row, strict=False))


def type_into(path: Path, tab: str, key: str, header_start: str, value: Any) -> None:
    """What a staff member does in Excel: find the row, type into the column whose header starts so."""
    wb = openpyxl.load_workbook(path)
    ws = wb[tab]
    head = [str(c.value or "") for c in ws[1]]
    col = next(i for i, h in enumerate(head) if h.startswith(header_start))
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == key)
    row[col].value = value
    wb.save(path)
    wb.close()


# --- staff's own columns and tabs ----------------------------------------------------------------


def add_own_column(path: Path, tab: str, header: str, values: dict[str, str]) -> None:
    """A column of staff's own, right of everything in the tab, and a tab of their own."""
    wb = openpyxl.load_workbook(path)
    ws = wb[tab]
    col = ws.max_column + 1
    ws.cell(row=1, column=col, value=header)
    for r in ws.iter_rows(min_row=2):
        if r[0].value in values:
            ws.cell(row=r[0].row, column=col, value=values[r[0].value])
    own = wb.create_sheet("งานของฉัน")
    own["A1"], own["B1"] = "เรื่อง", "กำหนด"
    own["A2"], own["B2"] = "ประชุมอำเภอ", "30 เม.ย."
    wb.save(path)
    wb.close()


def test_staff_column_and_tab_survive_two_syncs(province: Path) -> None:
    sync(province)
    master = master_of(province)
    add_own_column(master, "รายงาน", "ผู้ติดตาม", {"แจ้ห่ม|Q1": "คุณสมศรี", "งาว|Q1": "คุณวิชัย"})
    sync(province)
    sync(province)
    assert row_of(master, "รายงาน", "แจ้ห่ม|Q1")["ผู้ติดตาม"] == "คุณสมศรี"
    assert row_of(master, "รายงาน", "งาว|Q1")["ผู้ติดตาม"] == "คุณวิชัย"
    assert rows(master, "งานของฉัน")[:2] == [("เรื่อง", "กำหนด"), ("ประชุมอำเภอ", "30 เม.ย.")]
    head = [h for h in rows(master, "รายงาน")[0] if h]
    assert head[-1] == "ผู้ติดตาม"  # still right of gsync's columns


def test_staff_column_survives_when_gsync_adds_a_column(province: Path) -> None:
    """A master from a gsync that had one column fewer: the next sync puts its column back and
    staff's own column (typed beside gsync's last one) keeps its values beside their rows."""
    sync(province)
    master = master_of(province)
    wb = openpyxl.load_workbook(master)
    ws = wb["รายงาน"]
    head = [c.value for c in ws[1]]
    ws.delete_cols(head.index("ช่องทาง") + 1)
    wb.save(master)
    wb.close()
    add_own_column(master, "รายงาน", "ผู้ติดตาม", {"เถิน|Q1": "คุณอรุณ"})
    sync(province)
    row = row_of(master, "รายงาน", "เถิน|Q1")
    assert row["ช่องทาง"] == "Google Drive"  # gsync's column is back, filled
    assert row["ผู้ติดตาม"] == "คุณอรุณ"


# --- review ------------------------------------------------------------------------------------


def test_return_resubmit_and_accept(province: Path) -> None:
    sync(province)
    master = master_of(province)
    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    type_into(master, "รายงาน", "เถิน|Q1", "เหตุผล", "วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส")
    sync(province)
    r = report(status(province), "เถิน", 1)
    assert (r["review"], r["review_reason"]) == ("returned", "วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส")
    assert r["timeliness"] == "on_time"
    matrix = row_of(master, "สถานะรายงาน", "เถิน")
    assert "ส่งกลับแก้ไข" in matrix["ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"]
    history = [r for r in rows(master, "ประวัติการตรวจ")[1:] if r[1] == "เถิน"]
    assert [(h[2], h[3], h[4]) for h in history] == [(1, "ส่งกลับแก้ไข", "วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส")]

    # a sync with nothing new: still returned, and the history does not grow
    sync(province)
    assert report(status(province), "เถิน", 1)["review"] == "returned"
    assert len([r for r in rows(master, "ประวัติการตรวจ")[1:] if r[1] == "เถิน"]) == 1

    # the district sends a corrected file (after the deadline: timeliness stays from the first receipt)
    inbox = province.parent / "inbox"
    first = next(p for p in inbox.rglob("*.xlsx") if "เถิน" in str(p))
    fixed = first.with_name("เถิน ฉบับแก้ไข ไตรมาส1.xlsx")
    shutil.copy(first, fixed)
    os.utime(fixed, (1744963200, 1744963200))  # 2025-04-18 15:00 Bangkok: before the return was seen
    sync(province)
    r = report(status(province), "เถิน", 1)
    # gsync saw the return at NOW (the sync's --now); a file modified before that is not a resubmission
    assert r["review"] == "returned"
    later = "2025-04-21T09:00:00+07:00"
    os.utime(fixed, (1745200800, 1745200800))  # saved again 2025-04-21 09:00 Bangkok: after it
    code, out = run("sync", "--config", str(province), "--now", later)
    assert code in (0, 4), out
    code, out = run("status", "--config", str(province), "--now", later, "--json")
    r = report(json.loads(out), "เถิน", 1)
    assert r["review"] == "resubmitted" and r["timeliness"] == "on_time"
    assert "เถิน ฉบับแก้ไข ไตรมาส1.xlsx" in r["received_files"]
    assert "ส่งแก้ไขแล้ว รอตรวจ" in row_of(master, "สถานะรายงาน", "เถิน")["ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"]

    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ผ่าน")
    code, out = run("sync", "--config", str(province), "--now", later)
    code, out = run("status", "--config", str(province), "--now", later, "--json")
    r = report(json.loads(out), "เถิน", 1)
    assert r["review"] == "accepted"
    history = [r for r in rows(master, "ประวัติการตรวจ")[1:] if r[1] == "เถิน"]
    assert [h[3] for h in history] == ["ส่งกลับแก้ไข", "ผ่าน"]
    rates = row_of(master, "อัตราการส่ง", "Q1")
    assert rates["ผ่านการตรวจ"] == 1


def test_excused_with_an_x(province: Path) -> None:
    sync(province)
    type_into(master_of(province), "รายงาน", "แจ้ห่ม|Q2", "ยกเว้น", "X")
    sync(province)
    assert report(status(province), "แจ้ห่ม", 2)["timeliness"] == "excused"


# --- attribution --------------------------------------------------------------------------------


def test_staff_attribute_a_file_and_undo(province: Path) -> None:
    sync(province)
    master = master_of(province)
    key = "drive:รายงานกิจกรรม.xlsx"
    type_into(master, "ไฟล์ที่ระบุไม่ได้", key, "ระบุอำเภอ", "แจ้ห่ม")
    type_into(master, "ไฟล์ที่ระบุไม่ได้", key, "ระบุไตรมาส", "ไตรมาสที่ 1")
    type_into(master, "ไฟล์ที่ระบุไม่ได้", key, "หมายเหตุเจ้าหน้าที่", "โทรถามอำเภอแล้ว")
    sync(province)
    doc = status(province)
    r = report(doc, "แจ้ห่ม", 1)
    assert r["received_files"] == ["รายงานกิจกรรม.xlsx"]
    assert r["submitted_at"] == "2024-12-12T10:00:00+07:00"  # its own upload time
    assert r["timeliness"] == "on_time"
    assert [u["name"] for u in doc["unattributed"]] == ["IMG_2031.jpg"]
    assert [r[0] for r in rows(master, "ไฟล์ที่ระบุไม่ได้")[1:]] == ["drive:IMG_2031.jpg"]
    placed = row_of(master, "ไฟล์ที่เจ้าหน้าที่ระบุแล้ว", key)
    assert (placed["ระบุอำเภอ"], placed["ระบุไตรมาส"], placed["หมายเหตุเจ้าหน้าที่"]) == (
        "แจ้ห่ม", "ไตรมาสที่ 1", "โทรถามอำเภอแล้ว")
    assert "แจ้ห่ม" not in " ".join(str(c) for r in rows(master, "หมายเหตุที่เก็บไว้") for c in r)

    # undo: clear the district in the tab the row moved to
    type_into(master, "ไฟล์ที่เจ้าหน้าที่ระบุแล้ว", key, "ระบุอำเภอ", None)
    sync(province)
    doc = status(province)
    assert report(doc, "แจ้ห่ม", 1)["timeliness"] == "missing"
    assert sorted(u["name"] for u in doc["unattributed"]) == ["IMG_2031.jpg", "รายงานกิจกรรม.xlsx"]
    back = row_of(master, "ไฟล์ที่ระบุไม่ได้", key)
    assert back["ระบุไตรมาส"] == "ไตรมาสที่ 1" and back["หมายเหตุเจ้าหน้าที่"] == "โทรถามอำเภอแล้ว"


# --- Thai at a glance ------------------------------------------------------------------------------

CODES = re.compile(r"\b(" + "|".join((*STATUS_CODES, *ProblemCode.__args__)) + r")\b")  # type: ignore[attr-defined]


def test_no_raw_code_in_any_staff_tab(province: Path) -> None:
    sync(province)
    master = master_of(province)
    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    sync(province)
    wb = openpyxl.load_workbook(master)
    found = []
    for ws in wb.worksheets:
        head = [str(c.value or "") for c in ws[1]]
        skip = {0} | {i for i, h in enumerate(head) if h == "รหัสปัญหา"}  # the hidden key; the one code column
        assert ws.column_dimensions["A"].hidden, ws.title
        for row in ws.iter_rows(min_row=1, values_only=True):
            found += [(ws.title, c) for i, c in enumerate(row) if i not in skip and isinstance(c, str) and CODES.search(c)]
    assert found == []
    # the code column is the last of gsync's columns on ปัญหา
    head = [h for h in rows(master, "ปัญหา")[0]]
    assert head.index("รหัสปัญหา") == head.index("หมายเหตุเจ้าหน้าที่") - 1


def test_status_tab_legend_summary_and_print_setup(province: Path) -> None:
    sync(province)
    master = master_of(province)
    wb = openpyxl.load_workbook(master)
    ws = wb["สถานะรายงาน"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "ข้อมูล ณ" in cells and cells["ข้อมูล ณ"].offset(column=1).value == "20 เม.ย. 2568 09:00"
    sent = cells["ส่งแล้ว"]
    # Q1: 11 of 13 districts sent something (แจ้ห่ม missing, แม่ทะ's response not yet accepted)
    assert [sent.offset(column=i).value for i in range(1, 5)] == ["11/13", "3/13", "1/13", "0/13"]
    legend = {word: colour for word, colour in STATUS_COLOURS}
    assert len(set(legend.values())) == len(legend)  # one colour per status
    col = cells["ความหมายของสี"].column
    swatches = {c.value: c.fill.fgColor.rgb[-6:] for c in ws[chr(64 + col)][1:] if c.value}
    assert swatches["ส่งกลับแก้ไข"] == "D7A6C8" and swatches["ยังไม่ส่ง (เลยกำหนด)"] == "F4A582"
    assert swatches["ส่งตรงเวลา"] == "CCEBDD" and swatches["ยังไม่ถึงกำหนด"] == "E8E8E8"
    assert ws.freeze_panes == "C2" and ws.column_dimensions["A"].hidden
    # printed at a fixed scale (11-pt text at 8 pt or more), never shrunk to fit the page
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.scale >= 73
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert all(w.page_setup.orientation == "landscape" for w in wb.worksheets)


def test_rates_not_yet_due_and_chart(province: Path) -> None:
    sync(province)
    master = master_of(province)
    q3 = row_of(master, "อัตราการส่ง", "Q3")
    # Q3 is due 13 Jun 2568: none due yet, one district sent early
    assert (q3["อำเภอทั้งหมด"], q3["ถึงกำหนดแล้ว"], q3["ได้รับแล้ว"]) == (13, 0, 1)
    assert q3["อัตราการส่ง (%)"] == "ยังไม่ถึงกำหนด"
    q1 = row_of(master, "อัตราการส่ง", "Q1")
    assert (q1["ถึงกำหนดแล้ว"], q1["ได้รับแล้ว"], q1["อัตราการส่ง (%)"]) == (13, 11, 84.6)
    text = " ".join(str(c) for r in rows(master, "อัตราการส่ง") for c in r if c)
    assert "อัตราการส่ง (%) = ได้รับแล้ว ÷ ถึงกำหนดแล้ว × 100" in text
    with zipfile.ZipFile(master) as z:  # (openpyxl drops charts when it loads a file: read the file)
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        assert "อัตราการส่ง" in z.read(charts[0]).decode()


# --- tabs staff renamed or deleted --------------------------------------------------------------


def test_renamed_tab_is_found_by_its_header_and_deleted_one_reported(province: Path) -> None:
    sync(province)
    master = master_of(province)
    type_into(master, "รายงาน", "แจ้ห่ม|Q1", "หมายเหตุเจ้าหน้าที่", "โทรตามแล้ว")
    type_into(master, "รายงาน", "แจ้ห่ม|Q2", "ยกเว้น", "✓")
    wb = openpyxl.load_workbook(master)
    wb["รายงาน"].title = "รายงาน ของฉัน"
    del wb["ศูนย์"]
    wb.save(master)
    wb.close()
    code, out = run("sync", "--config", str(province), "--now", "2025-04-20T10:00:00+07:00")  # a later run: its own log row
    assert code in (0, 4), out
    wb = openpyxl.load_workbook(master)
    assert "รายงาน" in wb.sheetnames and "รายงาน ของฉัน" not in wb.sheetnames
    wb.close()
    assert row_of(master, "รายงาน", "แจ้ห่ม|Q1")["หมายเหตุเจ้าหน้าที่"] == "โทรตามแล้ว"
    assert report(status(province), "แจ้ห่ม", 2)["timeliness"] == "excused"
    log = " ".join(str(c) for r in rows(master, "บันทึกการซิงก์") for c in r if c)
    assert "แท็บ “รายงาน” ถูกเปลี่ยนชื่อเป็น “รายงาน ของฉัน”" in log
    assert "แท็บ “ศูนย์” ถูกลบ" in log


# --- a kept note comes back with its row -----------------------------------------------------------


def test_kept_note_returns_beside_its_row(province: Path, tmp_path: Path) -> None:
    sync(province)
    master = master_of(province)
    acts = rows(master, "กิจกรรม")
    head = list(acts[0])
    key = next(r[0] for r in acts[1:] if r[head.index("อำเภอ")] == "แม่พริก")
    type_into(master, "กิจกรรม", key, "หมายเหตุเจ้าหน้าที่", "ตรวจภาพถ่ายแล้ว")
    inbox = province.parent / "inbox"
    aside = tmp_path / "aside.xlsx"
    shutil.move(inbox / "แม่พริก_Q1.xlsx", aside)  # the file leaves the folder: its rows go
    sync(province)
    assert key not in [r[0] for r in rows(master, "กิจกรรม")]
    archive = " ".join(str(c) for r in rows(master, "หมายเหตุที่เก็บไว้") for c in r if c)
    assert f"กิจกรรม:{key}" in archive and "ตรวจภาพถ่ายแล้ว" in archive
    shutil.move(aside, inbox / "แม่พริก_Q1.xlsx")  # and comes back, same rows, same keys
    sync(province)
    assert row_of(master, "กิจกรรม", key)["หมายเหตุเจ้าหน้าที่"] == "ตรวจภาพถ่ายแล้ว"


def test_dates_are_real_date_cells_shown_in_buddhist_era(province: Path) -> None:
    sync(province)
    wb = openpyxl.load_workbook(master_of(province))
    ws = wb["รายงาน"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "แม่พริก|Q1")
    deadline, first = row[head.index("กำหนดส่ง")], row[head.index("ส่งครั้งแรกเมื่อ")]
    # a sheet cell has no time zone: the wall clock in Bangkok
    assert deadline.value == dt.datetime(2024, 12, 13)  # noqa: DTZ001
    assert deadline.number_format == "[$-107041E]d mmm yyyy"
    assert first.value == dt.datetime(2024, 12, 14, 0, 1)  # noqa: DTZ001  # a minute after midnight, Bangkok
    assert first.number_format == "[$-107041E]d mmm yyyy hh:mm"
    acts = wb["กิจกรรม"]
    head = [c.value for c in acts[1]]
    dates = [r[head.index("วันที่")].value for r in acts.iter_rows(min_row=2)]
    assert sum(isinstance(d, dt.datetime) for d in dates) > len(dates) // 2  # sortable and filterable
    wb.close()
