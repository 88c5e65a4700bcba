"""The master on paper and the reasons beside the status (issue 20, items 1, 2 and 4).

The demo's master (gsync/demo.py, judged 2025-04-20 09:00 Bangkok) as `gsync sync` writes it,
read back with openpyxl: what prints, at which scale, how tall the rows are, the reasons on
สถานะรายงาน and the วิธีใช้ tab. Every expected value is written by hand from the demo; the
page arithmetic is A4 landscape's (11.69 x 8.27 in) with the margins gsync sets (0.4 in left
and right, 0.5 in top and bottom), and Excel's column widths (a column `w` characters wide is
7w + 5 pixels at 96 dpi in the default 11-pt font).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main

NOW = "2025-04-20T09:00:00+07:00"

# 11-pt text prints at 8 pt or more from 73 % up (8 / 11 = 0.727).
MIN_SCALE = 73
PRINTABLE_WIDTH_IN = 11.69 - 2 * 0.4
PRINTABLE_HEIGHT_PT = (8.27 - 2 * 0.5) * 72 - 20  # less the footer's line
LINE_PT = 15  # one line of 11-pt Thai, marks above and below included

# What prints on each tab: the print area, written by hand from the demo (rows: the header and
# the demo's rows; columns: the ones staff need on paper, the rest stays on screen).
PRINT_AREAS = {
    "วิธีใช้": "A1:C31",  # 30 lines of help
    "สถานะรายงาน": "A1:J25",  # 13 districts, a blank line, the summary's header and 9 lines
    "รายงาน": "A1:K53",  # 52 reports; through ปัญหา: the file lists stay on screen
    "กิจกรรม": "A1:L213",  # 212 activities; through งบประมาณ: place, result and file on screen
    "ศูนย์": "A1:L9",  # through หมายเหตุในไฟล์: the file name stays on screen
    "ปัญหา": "A1:I7",  # every column (the problem code's is hidden, so it does not print)
    "ไฟล์ที่ระบุไม่ได้": "A1:H3",
    "แบบฟอร์ม": "A1:L5",  # who answered, the totals, counted or not, the e-mail
    "อัตราการส่ง": "A1:N30",  # 11 lines of table and explanation, then the chart's 18 rows
    "หมายเหตุที่เก็บไว้": "A1",  # empty: only the hidden key's header, so nothing prints
    "บันทึกการซิงก์": "A1:J2",
}


@pytest.fixture()
def province(tmp_path: Path) -> Path:
    config, _ = demo.build(tmp_path / "demo")
    return config


def master_of(config: Path) -> Path:
    return config.parent / "master.xlsx"


def sync(config: Path) -> None:
    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--now", NOW], catch_exceptions=False)
    assert result.exit_code in (0, 4), result.stdout


def row_of(path: Path, tab: str, key: str) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    got = [tuple(r) for r in wb[tab].iter_rows(values_only=True)]
    wb.close()
    head = [str(h or "") for h in got[0]]
    return dict(zip(head, next(r for r in got[1:] if r[0] == key), strict=False))


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


@pytest.fixture()
def workbook(province: Path) -> openpyxl.Workbook:
    sync(province)
    return openpyxl.load_workbook(master_of(province))


def _heights(ws) -> list[float]:  # type: ignore[no-untyped-def]
    return [ws.row_dimensions[r].height or LINE_PT for r in range(1, ws.max_row + 1)]


def test_every_tab_prints_landscape_at_8_pt_or_more_without_shrinking(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames[0] == "วิธีใช้"
    assert {ws.title: ws.print_area.split("!")[1].replace("$", "") for ws in workbook.worksheets} == PRINT_AREAS
    for ws in workbook.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), ws.title  # 9: A4
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title  # no "fit to one page wide"
        assert setup.scale is not None and setup.scale >= MIN_SCALE, ws.title
        assert not ws.print_options.gridLines, ws.title  # cells are framed where there is a table
        assert ws.print_title_rows == "$1:$1", ws.title


def test_the_printed_columns_fit_one_page_wide_at_the_tab_scale(workbook: openpyxl.Workbook) -> None:
    from openpyxl.utils import column_index_from_string

    for ws in workbook.worksheets:
        last = ws.print_area.split(":")[-1].split("!")[-1].replace("$", "").rstrip("0123456789") or "A"
        px = 0
        for c in range(1, column_index_from_string(last) + 1):
            dim = ws.column_dimensions[openpyxl.utils.get_column_letter(c)]
            if not dim.hidden:
                px += 7 * (dim.width or 8.43) + 5
        assert px / 96 * ws.page_setup.scale / 100 <= PRINTABLE_WIDTH_IN, ws.title


def test_status_and_howto_print_on_one_page(workbook: openpyxl.Workbook) -> None:
    for title in ("สถานะรายงาน", "วิธีใช้"):
        ws = workbook[title]
        assert sum(_heights(ws)) * ws.page_setup.scale / 100 <= PRINTABLE_HEIGHT_PT, title


def test_rows_are_tall_enough_for_their_wrapped_text(workbook: openpyxl.Workbook) -> None:
    # hand-counted lines of the demo's longest cells, in their columns
    status = workbook["สถานะรายงาน"]
    by_district = {row[1].value: row[0].row for row in status.iter_rows(min_row=2)}
    # two quarters' reasons, one line each (44 characters wide)
    assert status.row_dimensions[by_district["แจ้ห่ม"]].height >= 2 * LINE_PT
    # เถิน: Q1's two problems take two lines, Q2's one more
    assert status.row_dimensions[by_district["เถิน"]].height >= 3 * LINE_PT
    problems = workbook["ปัญหา"]
    mae_tha = next(r[0].row for r in problems.iter_rows(min_row=2) if r[1].value == "แม่ทะ")
    # "แบบฟอร์ม: someone@gmail.com 12 ธ.ค. 2567 14:00" in 28 characters: 2 lines; the message
    # (108 characters of Thai in 60) 2 lines
    assert problems.row_dimensions[mae_tha].height >= 2 * LINE_PT
    for ws in workbook.worksheets:
        assert ws.row_dimensions[1].height >= 2 * LINE_PT, ws.title  # a header wraps on two lines
        for row in ws.iter_rows(min_row=2):
            for cell in row:  # a line typed inside a cell is a line, whatever the program
                if isinstance(cell.value, str) and "\n" in cell.value and not ws.column_dimensions[cell.column_letter].hidden:
                    lines = cell.value.count("\n") + 1
                    assert (ws.row_dimensions[cell.row].height or LINE_PT) >= lines * LINE_PT, (ws.title, cell.coordinate)
                    assert cell.alignment.wrap_text, (ws.title, cell.coordinate)


def test_dates_and_times_have_room_and_never_print_as_hashes(workbook: openpyxl.Workbook) -> None:
    # a number that does not fit its column prints as ###: "13 มิ.ย. 2568" needs 13 characters,
    # "13 มิ.ย. 2568 10:00" 18 (LibreOffice's Thai font, measured on the demo's render)
    import datetime as dt

    for ws in workbook.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.datetime) and not ws.column_dimensions[cell.column_letter].hidden:
                    need = 13 if (cell.value.hour, cell.value.minute) == (0, 0) else 18
                    assert (ws.column_dimensions[cell.column_letter].width or 8.43) >= need, (ws.title, cell.coordinate)


def test_nothing_empty_is_framed_behind_the_rates_chart(workbook: openpyxl.Workbook) -> None:
    ws = workbook["อัตราการส่ง"]
    # the table: a header and 4 quarters, framed; the explanation (rows 6-12) and the chart's rows
    # under it hold no frame on an empty cell
    assert ws["B2"].border.left.style == "thin" and ws["N5"].border.bottom.style == "thin"
    for row in ws.iter_rows(min_row=6, max_row=30, max_col=14):
        for cell in row:
            if cell.value in (None, ""):
                assert cell.border.left.style is None and cell.border.top.style is None, cell.coordinate


def test_the_problem_code_and_the_attachment_ids_are_hidden(workbook: openpyxl.Workbook) -> None:
    problems = workbook["ปัญหา"]
    assert problems["H1"].value == "รหัสปัญหา" and problems.column_dimensions["H"].hidden
    assert problems["I1"].value == "หมายเหตุเจ้าหน้าที่" and not problems.column_dimensions["I"].hidden
    responses = workbook["แบบฟอร์ม"]
    head = [c.value for c in responses[1]]
    col = openpyxl.utils.get_column_letter(head.index("รหัสไฟล์แนบ") + 1)
    assert responses.column_dimensions[col].hidden


# --- the reason beside the status -----------------------------------------------------------


def test_each_cell_that_is_not_green_says_why(province: Path) -> None:
    sync(province)
    master = master_of(province)
    why = "เหตุผล / สิ่งที่ต้องติดตาม"
    assert row_of(master, "สถานะรายงาน", "เมืองลำปาง")[why] is None  # on time twice, then not yet due
    assert row_of(master, "สถานะรายงาน", "แม่เมาะ")[why] == "ไตรมาส 2: ได้รับ 20 มี.ค. 2568 ช้า 6 วัน"
    assert row_of(master, "สถานะรายงาน", "เกาะคา")[why] == "ไตรมาส 1: ยอดรวมไม่ตรงกับไฟล์"
    # deadlines 13 Dec 2567 and 14 Mar 2568, judged 20 Apr 2568: 128 and 37 days
    assert row_of(master, "สถานะรายงาน", "แจ้ห่ม")[why] == (
        "ไตรมาส 1: ยังไม่ได้รับ เลยกำหนดมา 128 วัน\nไตรมาส 2: ยังไม่ได้รับ เลยกำหนดมา 37 วัน")
    assert row_of(master, "สถานะรายงาน", "เถิน")[why] == (
        "ไตรมาส 1: วันที่อยู่นอกไตรมาส, ประเภทกิจกรรมไม่อยู่ในรายการ\nไตรมาส 2: ยังไม่ได้รับ เลยกำหนดมา 37 วัน")

    # staff return เถิน's Q1: the reason they typed is the reason shown
    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    type_into(master, "รายงาน", "เถิน|Q1", "เหตุผล", "วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส")
    sync(province)
    assert row_of(master, "สถานะรายงาน", "เถิน")[why] == (
        "ไตรมาส 1: ส่งกลับ: วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส\nไตรมาส 2: ยังไม่ได้รับ เลยกำหนดมา 37 วัน")


def test_an_old_status_tab_loses_its_old_summary_columns(province: Path) -> None:
    """A master from gsync 0.2: the summary sat right of the matrix, under headers of its own.
    Those columns were gsync's: they go, and are never taken for columns staff added."""
    sync(province)
    master = master_of(province)
    wb = openpyxl.load_workbook(master)
    ws = wb["สถานะรายงาน"]
    col = ws.max_column + 1
    for i, (head, first) in enumerate((("สรุปรายไตรมาส", "ข้อมูล ณ"), ("ไตรมาส 1", "20 เม.ย. 2568 09:00"))):
        ws.cell(row=1, column=col + i, value=head)
        ws.cell(row=2, column=col + i, value=first)
    wb.save(master)
    wb.close()
    sync(province)
    wb = openpyxl.load_workbook(master)
    head = [c.value for c in wb["สถานะรายงาน"][1]]
    wb.close()
    assert head[1:] == ["อำเภอ", "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)",
                        "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)", "ไตรมาสที่ 4 (ก.ค. - ก.ย. 2568)",
                        "เหตุผล / สิ่งที่ต้องติดตาม", None, "ความหมายของสี", "ความหมาย"]


# --- วิธีใช้ ----------------------------------------------------------------------------------


def test_howto_is_first_in_thai_and_names_whom_to_call(province: Path) -> None:
    sync(province)
    master = master_of(province)
    wb = openpyxl.load_workbook(master)
    ws = wb["วิธีใช้"]
    assert wb.sheetnames[0] == "วิธีใช้" and ws.column_dimensions["A"].hidden
    topics = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert topics[:3] == ["สมุดงานนี้", "แท็บในสมุดงาน", "สถานะรายงาน"]
    assert {"ยกเว้น", "ส่งกลับแก้ไข", "ผ่านการตรวจ", "ยอมรับผู้ส่ง", "ระบุไฟล์", "ช่องสีเหลือง"} <= set(topics)
    text = {r[1]: r[2] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert "ใส่ ✓ ในช่อง “ยกเว้น”" in text["ยกเว้น"]
    # the demo's config names no contact: the province's staff e-mail is whom to call
    assert text["ติดต่อ"] == "สงสัยหรือพบข้อมูลผิด ติดต่อ อีเมล cdd.lampang@example.go.th"
    # each colour word is coloured as on the status tab
    fills = {r[1].value: r[1].fill.fgColor.rgb[-6:] for r in ws.iter_rows(min_row=2)}
    assert fills["ยังไม่ส่ง (เลยกำหนด)"] == "F4A582" and fills["ส่งตรงเวลา"] == "CCEBDD"
    wb.close()


def test_howto_is_rewritten_and_staff_tabs_are_kept(province: Path) -> None:
    config = province.read_text(encoding="utf-8")
    province.write_text(config.replace('timezone = "Asia/Bangkok"',
                                       'timezone = "Asia/Bangkok"\ncontact = "คุณสมชาย งานสารสนเทศ โทร 054-123456"'),
                        encoding="utf-8")
    sync(province)
    master = master_of(province)
    assert row_of(master, "วิธีใช้", "z00")["รายละเอียด"] == "สงสัยหรือพบข้อมูลผิด ติดต่อ คุณสมชาย งานสารสนเทศ โทร 054-123456"
    # staff type over the help and keep a tab of their own; the next sync puts the help back
    type_into(master, "วิธีใช้", "t01", "รายละเอียด", "แก้เอง")
    wb = openpyxl.load_workbook(master)
    own = wb.create_sheet("งานของฉัน")
    own["A1"] = "โทรตามอำเภอแจ้ห่ม"
    wb.save(master)
    wb.close()
    sync(province)
    assert row_of(master, "วิธีใช้", "t01")["รายละเอียด"].startswith("ภาพรวม: อำเภอใดส่งแล้ว")
    wb = openpyxl.load_workbook(master)
    assert wb["งานของฉัน"]["A1"].value == "โทรตามอำเภอแจ้ห่ม" and wb.sheetnames[0] == "วิธีใช้"
    wb.close()
