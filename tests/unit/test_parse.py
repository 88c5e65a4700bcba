"""Report-file parsing: formats, tables, headers, normalization, caps and hostile files.

Fixtures are built in code (tests/unit/parse_fixtures.py). Expected values are written out by
hand from what each fixture cell holds.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import textwrap
import zipfile
from itertools import count
from pathlib import Path

import openpyxl
import parse_fixtures as F
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from gsync import parse
from gsync.models import Activity, Centre, FileKind, ParsedFile
from gsync.parse import grid, table

SETTINGS = F.settings()
XLSX_BACKENDS = sorted(parse.BACKENDS["xlsx"])
D = dt.date


def run(name: str, data: bytes, settings=SETTINGS, **kw) -> ParsedFile:
    return parse.parse_file(name, data, settings, **kw)


def codes(p: ParsedFile) -> list[str]:
    return [x.code for x in p.problems]


@pytest.fixture(scope="module")
def messy() -> bytes:
    return F.messy_xlsx()


@pytest.fixture(scope="module")
def template() -> bytes:
    return F.template_xlsx()


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("report.xlsx", F.template_xlsx, "xlsx"),
        ("no-extension", F.template_xlsx, "xlsx"),
        ("renamed.xls", F.template_xlsx, "xlsx"),  # magic bytes beat the extension
        ("macro.xlsm", lambda: F.xlsm_from(F.template_xlsx()), "xlsx"),
        ("cut.xlsx", lambda: F.template_xlsx()[:2000], "xlsx"),  # damaged zip, named by its parts
        ("report.docx", F.activity_docx, "docx"),
        ("old.xls", F.xls_report, "xls"),
        ("locked.xlsx", F.encrypted_xlsx, "xls"),  # OLE2: parse_file looks inside
        ("old.doc", lambda: F.cfb({"WordDocument": b"x"}), "other"),
        ("data.csv", lambda: F.csv_text().encode("utf-8"), "csv"),
        ("data.txt", lambda: F.csv_text().encode("utf-16"), "csv"),
        ("data.csv", lambda: F.csv_text().encode("cp874"), "csv"),
        ("scan.pdf", lambda: F.PDF, "pdf"),
        ("IMG_2031.jpg", lambda: F.JPEG, "image"),
        ("photo", lambda: F.PNG, "image"),
        ("IMG_2031.HEIC", lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "image"),
        ("odd.heic", lambda: b"not really a photo", "image"),  # image extension
        ("export.xls", lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>", "other"),
        ("archive.zip", lambda: _zip({"a.txt": b"hi"}), "other"),
        ("blob.bin", lambda: bytes(range(256)) * 4, "other"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_sniff(name, make, expected):
    assert parse.sniff(name, make()) == expected


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    return out.getvalue()


# --- the template -------------------------------------------------------------------------------

TEMPLATE_ACTIVITIES = (
    Activity(
        row=5, sheet="รายงาน", tambon="ลำปางหลวง", centre="ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลลำปางหลวง",
        name="ปลูกผักสวนครัว", group="3.1", mission="ตู้เย็นตู้ยารอบบ้าน",
        category_raw="3.1 / ตู้เย็นตู้ยารอบบ้าน", date=D(2024, 10, 15), date_raw="2024-10-15",
        place="ศาลาหมู่ 3", participants=25, participants_raw="25", sectors=("รัฐ", "ศาสนา"),
        sectors_raw="รัฐ, ศาสนา", budget=1500.0, result="ครัวเรือนมีผักกิน",
    ),
    Activity(
        row=6, sheet="รายงาน", tambon="นาแก้ว", centre="ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลนาแก้ว",
        name="ตรวจสุขภาพผู้สูงอายุ", group="3.2", mission="สุขภาพ", category_raw="3.2 / สุขภาพ",
        date=D(2024, 11, 3), date_raw="2024-11-03", place="รพ.สต.นาแก้ว", participants=40,
        participants_raw="40", sectors=("รัฐ",), sectors_raw="รัฐ", budget=None,
        result="ผู้สูงอายุได้รับการตรวจ",
    ),
    Activity(
        row=7, sheet="รายงาน", tambon="ไหล่หิน", centre="ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลไหล่หิน",
        name="พัฒนาวัด", group="3.3", mission="จิตอาสาพัฒนา", category_raw="3.3 / จิตอาสาพัฒนา",
        date=D(2024, 12, 5), date_raw="2024-12-05", place="วัดไหล่หิน", participants=60,
        participants_raw="60", sectors=("ศาสนา", "ประชาชน"), sectors_raw="ศาสนา ประชาชน", budget=0.0,
        result="วัดสะอาด",
    ),
)  # fmt: skip


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_template_layout(template, backend):
    p = run("เกาะคา ไตรมาส1.xlsx", template, backend=backend)
    assert p.kind is FileKind.ACTIVITY
    assert (p.header_district, p.header_province, p.header_quarter) == ("เกาะคา", "ลำปาง", 1)
    assert p.activities == TEMPLATE_ACTIVITIES
    assert p.centres == ()
    assert p.problems == ()


# --- the messy workbook ---------------------------------------------------------------------------

# (row, tambon, name, group, mission, date, date_raw, participants, participants_raw, sectors, budget)
MESSY_ACTIVITIES = [
    (9, "ต.ลำปางหลวง", "ปลูกผัก", "3.1", "ตู้เย็นตู้ยารอบบ้าน", D(2024, 10, 15), "2024-10-15", 25, "๒๕",
     ("รัฐ", "ศาสนา"), 1500.0),
    (10, "นาแก้ว", "ตรวจสุขภาพ", "3.2", "สุขภาพ", D(2024, 10, 15), "๑๕ ต.ค. ๖๗", 40, "40 คน", ("รัฐ",), None),
    (11, "ไหล่หิน", "อบรมอาชีพ", "3.2", "การสร้างอาชีพและรายได้", D(2024, 10, 15), "15/10/2567", 12, "12",
     ("เอกชน", "ประชาชน"), None),
    (12, "ไหล่หิน", "ทำความสะอาดวัด", "3.3", "จิตอาสาพัฒนา", D(2024, 10, 15), "2024-10-15", 30, "30",
     ("ศาสนา",), 0.0),
    # no category: the mission names its group; participants unreadable -> None, no problem here
    (13, "นาแก้ว", "ตลาดนัด", "3.1", "ตลาดนัด ๔ ทิศ", D(2024, 10, 15), "15 ตุลาคม 2567", None, "ไม่ทราบ",
     ("สื่อสารมวลชน",), 200.5),
    # a Buddhist-era year typed into a real Excel date
    (14, "ลำปางหลวง", "ผ้าป่า", "3.1", "ผ้าป่าอาชีพ", D(2024, 11, 3), "2567-11-03", 50, "50", ("ประชาชน",), None),
    (15, "นาแก้ว", "ประชุม", None, None, None, "ไม่ระบุ", 8, "8", (), None),
]  # fmt: skip


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_messy_activities(messy, backend):
    p = run("รายงานศูนย์จิตอาสา อ.เกาะคา Q1 (1).xlsx", messy, backend=backend)
    assert p.kind is FileKind.ACTIVITY
    got = [
        (a.row, a.tambon, a.name, a.group, a.mission, a.date, a.date_raw, a.participants, a.participants_raw,
         a.sectors, a.budget)
        for a in p.activities
    ]  # fmt: skip
    assert got == MESSY_ACTIVITIES
    assert {a.sheet for a in p.activities} == {"รายงาน"}
    first = p.activities[0]
    assert (first.centre, first.place, first.result) == ("ศูนย์ฯ ลำปางหลวง", "ศาลา", "ดี")
    assert first.category_raw == "๓.๑ / ตู้เย็นข้างบ้าน ตู้ยาข้างบ้าน"
    assert first.sectors_raw == "ภาครัฐ, วัด"
    assert p.activities[4].category_raw == "ตลาดนัด 4 ทิศ"


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_messy_header_problems_and_register(messy, backend):
    p = run("m.xlsx", messy, backend=backend)
    # header info from the merged cell on row 5, not from the instructions sheet before it
    assert (p.header_district, p.header_province, p.header_quarter) == ("เกาะคา", "ลำปาง", 1)
    assert codes(p) == ["unreadable_date"]
    problem = p.problems[0]
    assert (problem.row, problem.field, problem.source) == (15, "date", "m.xlsx")
    assert "“ไม่ระบุ”" in problem.message and "แถว 15" in problem.message and "15/10/2567" in problem.message
    assert p.centres == (
        Centre(row=4, sheet="ทะเบียนศูนย์", name="ศูนย์ฯ อำเภอเกาะคา", moo="1", tambon="ลำปางหลวง",
               chair="นายสมชาย ใจดี", phone="0812345678", level="district", lat=18.29, lon=99.49),
        Centre(row=5, sheet="ทะเบียนศูนย์", name="ศูนย์ฯ ตำบลนาแก้ว", moo="5", tambon="นาแก้ว",
               chair="นางสมศรี ดีใจ", phone="054123456", level="subdistrict", lat=18.3, lon=99.5, note="ใหม่"),
        Centre(row=6, sheet="ทะเบียนศูนย์", name="ศูนย์ฯ ตำบลไหล่หิน", moo="7", tambon="ไหล่หิน",
               chair="นายหนึ่ง", phone="", level="subdistrict"),
    )  # fmt: skip


def test_backends_give_identical_results(messy, template):
    for data in (messy, template, F.xlsm_from(messy)):
        results = [run("x.xlsx", data, backend=b) for b in XLSX_BACKENDS]
        assert all(r == results[0] for r in results[1:])
        assert results[0].activities


def test_grids_identical_across_backends_with_offset_table():
    # data starting at C5: calamine reports the used range from there, openpyxl from A1
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"], ws["D5"], ws["E6"] = "a", 1.5, F.excel_dt(2024, 10, 15, 9, 30)
    ws["D7"], ws["F7"], ws["G7"] = 3.0, True, F.excel_dt(2024, 10, 15)
    data = F.save(wb)
    grids = {
        b: [(name, list(rows)) for name, rows in parse.read_grid(data, "xlsx", backend=b)] for b in XLSX_BACKENDS
    }
    expected = [
        ("Sheet", [[], [], [], [], [None, None, "a", 1.5], [None, None, None, None, F.excel_dt(2024, 10, 15, 9, 30)],
                   [None, None, None, 3, None, True, D(2024, 10, 15)]]),
    ]  # fmt: skip
    for b in XLSX_BACKENDS:
        assert grids[b] == expected, b


# --- header rows: where, which columns, how they are named -------------------------------------


def _one_row_sheet(header: list, row: list, above: list[list] | None = None) -> ParsedFile:
    return run("h.xlsx", F.table_xlsx([*(above or []), header, row]))


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        pytest.param(
            ["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"],
            ["นาแก้ว", "ปลูกป่า", "1/11/2567", "10"],
            {"tambon": "นาแก้ว", "name": "ปลูกป่า", "date": D(2024, 11, 1), "participants": 10},
            id="minimal-required",
        ),
        pytest.param(
            ["จำนวนผู้เข้าร่วม\n(คน)", " วัน / เดือน / ปี ", "ชื่อ\nกิจกรรม", "ตำบล\n"],
            ["10", "1/11/2567", "ปลูกป่า", "นาแก้ว"],
            {"tambon": "นาแก้ว", "name": "ปลูกป่า", "date": D(2024, 11, 1), "participants": 10},
            id="reordered-line-breaks-spaces",
        ),
        pytest.param(
            ["ชื่อตำบล", "ชื่อกิจกรม", "วันที่ดำเนินการณ์", "จำนวนผู้เข้าร่วมงาน", "ภาคีเครือข่ายทีร่วม"],
            ["นาแก้ว", "ปลูกป่า", "1/11/2567", "10", "วัด"],
            {"tambon": "นาแก้ว", "name": "ปลูกป่า", "date": D(2024, 11, 1), "participants": 10,
             "sectors": ("ศาสนา",)},
            id="typos-fuzzy",
        ),  # fmt: skip
        pytest.param(
            ["ลำดับ", "ตำบล", "ศูนย์", "ชื่อศูนย์", "ชื่อกิจกรรม", "วันที่", "ผู้เข้าร่วม"],
            ["1", "นาแก้ว", "ผิดช่อง", "ศูนย์ฯ นาแก้ว", "ปลูกป่า", "1/11/2567", "10"],
            {"centre": "ศูนย์ฯ นาแก้ว", "name": "ปลูกป่า"},
            id="first-listed-synonym-wins-a-tie",
        ),
    ],
)
def test_columns_matched_by_meaning(header, row, expected):
    p = _one_row_sheet(header, row)
    assert p.kind is FileKind.ACTIVITY, p.problems
    (a,) = p.activities
    for f, v in expected.items():
        assert getattr(a, f) == v, f


def test_one_column_is_never_claimed_by_two_fields():
    index = table.FieldIndex.build("activity", SETTINGS.columns.activities)
    # "ภารกิจ" is a synonym of the mission column; "ประเภท" of the group column
    header = ["ตำบล", "ชื่อกิจกรรม", "ภารกิจ", "ประเภท", "วันที่", "ผู้เข้าร่วม", "ภารกิจ/มิติ"]
    h = table.find_header([header], [index])
    assert h is not None
    assert len(set(h.columns.values())) == len(h.columns)
    assert h.columns["group"] == 3
    assert h.columns["mission"] in (2, 6)


def test_header_found_below_row_1_and_after_junk_rows():
    above = [["แบบรายงาน"], [], ["หมายเหตุ: กรอกทุกช่อง"], [], [], [], [], [], [], [], ["x", "y"]]
    p = _one_row_sheet(["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"], ["นาแก้ว", "ก", "1/11/2567", 5], above)
    assert [a.row for a in p.activities] == [13]


def test_header_below_row_15_is_not_found():
    above = [[f"บรรทัด {i}"] for i in range(15)]
    p = _one_row_sheet(["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"], ["นาแก้ว", "ก", "1/11/2567", 5], above)
    assert p.kind is FileKind.UNKNOWN
    assert codes(p) == ["no_header"]


def test_missing_required_column_is_reported_in_thai_and_rows_still_read():
    p = _one_row_sheet(["ลำดับ", "ตำบล", "ชื่อกิจกรรม", "จำนวนผู้เข้าร่วม"], [1, "นาแก้ว", "ปลูกป่า", 10])
    assert p.kind is FileKind.ACTIVITY
    assert codes(p) == ["missing_column"]
    assert p.problems[0].field == "date"
    assert "วันที่ดำเนินการ" in p.problems[0].message
    assert [(a.name, a.date) for a in p.activities] == [("ปลูกป่า", None)]


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        F.write_rows(wb.create_sheet(title), rows)
    return F.save(wb)


def test_summary_sheet_beside_the_report_is_ignored():
    summary = [["ลำดับ", "ตำบล", "จำนวนกิจกรรม", "จำนวนผู้เข้าร่วม"], [1, "นาแก้ว", 3, 90], [2, "ไหล่หิน", 1, 12]]
    p = run("x.xlsx", _workbook({"สรุป": summary, "รายงาน": F.template_rows()}))
    assert p.activities == TEMPLATE_ACTIVITIES
    assert p.problems == ()
    # alone, the same sheet is reported as a table missing columns
    alone = run("x.xlsx", _workbook({"สรุป": summary}))
    assert alone.kind is FileKind.ACTIVITY
    assert sorted(x.field for x in alone.problems) == ["date", "name"]


def test_register_header_is_not_mistaken_for_activities():
    # a register shares ลำดับที่ / ชื่อศูนย์จิตอาสาฯ / ตำบล with the activity columns
    p = run("r.xlsx", F.table_xlsx([F.REGISTER_HEADER, [1, "ศูนย์ฯ", 2, "นาแก้ว", "นาย ก", "0541234567", "ระดับตำบล"]]))
    assert p.kind is FileKind.REGISTER
    assert p.problems == ()
    assert p.centres[0].moo == "2" and p.centres[0].phone == "0541234567"


def test_old_register_without_level_column():
    p = run("r.xlsx", F.table_xlsx([["ที่", "ชื่อศูนย์", "หมู่", "ตำบล", "ประธาน", "โทร"], [1, "ศูนย์ฯ", 2, "นาแก้ว", "นาย ก", 812345678]]))
    assert p.kind is FileKind.REGISTER
    assert codes(p) == ["missing_column"] and "ระดับ" in p.problems[0].message
    assert p.centres[0].phone == "0812345678" and p.centres[0].level is None


@pytest.mark.parametrize(
    ("above", "expected"),
    [
        pytest.param([["อำเภอ", "เกาะคา", "จังหวัด", "ลำปาง", "ไตรมาสที่", "๒"]], ("เกาะคา", "ลำปาง", 2), id="cells"),
        pytest.param([["อำเภอ:", None, "แม่ทะ", "ไตรมาส", 3]], ("แม่ทะ", None, 3), id="colon-gap-number"),
        pytest.param([["อำเภอ", "จังหวัด", "ลำปาง", "ไตรมาสที่", "1/2568"]], (None, "ลำปาง", 1), id="empty-value"),
        pytest.param([["อำเภอเกาะคา จังหวัดลำปาง ไตรมาสที่ ๑"]], ("เกาะคา", "ลำปาง", 1), id="one-cell"),
        pytest.param([["อำเภอเมืองลำปางจังหวัดลำปางไตรมาสที่4"]], ("เมืองลำปาง", "ลำปาง", 4), id="no-spaces"),
        pytest.param(
            [["แบบรายงานผลการดำเนินงาน ศูนย์ผู้นำจิตอาสาพัฒนาชุมชน อำเภองาว ไตรมาสที่ 2"]], ("งาว", None, 2),
            id="title-row",
        ),
        pytest.param([["สำนักงานพัฒนาชุมชนอำเภอสบปราบ"]], ("สบปราบ", None, None), id="office-name"),
        pytest.param([["อ.เสริมงาม จ.ลำปาง"]], ("เสริมงาม", "ลำปาง", None), id="abbreviations"),
        pytest.param(
            [["อำเภอ..............จังหวัด.............ไตรมาสที่......"]], (None, None, None), id="blank-form"
        ),
        pytest.param([["แบบรายงานศูนย์ ระดับอำเภอ/ตำบล"]], (None, None, None), id="level-is-not-a-district"),
        pytest.param([], (None, None, None), id="none"),
    ],
)
def test_header_info(above, expected):
    p = _one_row_sheet(["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"], ["นาแก้ว", "ก", "1/11/2567", 5], above)
    assert (p.header_district, p.header_province, p.header_quarter) == expected


# --- data rows --------------------------------------------------------------------------------


def test_rows_footer_totals_and_junk():
    rows = [
        ["ลำดับ", "ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม", "หมายเหตุ"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],  # column numbers under the header
        [1, "นาแก้ว", "ก", "1/11/2567", 5],
        [],
        [2],  # only a sequence number
        [None, None, None, None, None, "ข้อความนอกตาราง"],
        ["ลำดับ", "ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"],  # header repeated (print titles)
        [3, "ไหล่หิน", "ข", "2/11/2567", 6],
        ["รวม", None, None, None, 11],
        [None, "รวมทั้งสิ้น", None, None, 11],
        [4, "นาแก้ว", "โทรศัพท์ประสานงาน", "3/11/2567", 7],  # "โทร" inside a data row is data
        ["หมายเหตุ: ข้อมูล ณ วันที่ 15"],
        [5, "นาแก้ว", "หลังท้ายตาราง", "4/11/2567", 8],
    ]
    p = run("r.xlsx", F.table_xlsx(rows))
    assert [(a.row, a.name) for a in p.activities] == [(3, "ก"), (8, "ข"), (11, "โทรศัพท์ประสานงาน")]


@pytest.mark.parametrize(
    ("category", "mission", "group", "term"),
    [
        ("3.1", "ตู้เย็นตู้ยา", "3.1", "ตู้เย็นตู้ยารอบบ้าน"),
        ("๓.๒", "ด้านการศึกษา", "3.2", "การศึกษา"),
        ("3.1 ๙ จุดหมายต้นสาย ปลายป่าน", "ขยะแลกทอง", "3.1", "ขายขยะแลกทอง"),
        ("มิติการช่วยเหลือ", "บริการภาครัฐ", "3.2", "การเข้าถึงบริการแห่งรัฐ"),
        ("จิตอาสาวันสำคัญ", "จิตอาสาภัยพิบัติ", "3.3", "จิตอาสาภัยพิบัติ"),
        ("", "ปิดไฟ", "3.1", "ปิดไฟประหยัด"),  # group from the mission
        ("3.3 จิตอาสาเฉพาะกิจ", "", "3.3", "จิตอาสาเฉพาะกิจ"),  # both in the category cell
        ("3.1", "สุขภาพ", "3.1", None),  # a 3.2 term under 3.1: not silently moved
        ("", "", None, None),
        ("อื่น ๆ", "งานบุญ", None, None),
    ],
)
def test_group_and_mission(category, mission, group, term):
    header = ["ตำบล", "ชื่อกิจกรรม", "ประเภทกิจกรรม", "ภารกิจ/มิติ", "วันที่", "จำนวนผู้เข้าร่วม"]
    p = _one_row_sheet(header, ["นาแก้ว", "ก", category, mission, "1/11/2567", 5])
    (a,) = p.activities
    assert (a.group, a.mission) == (group, term)
    assert a.category_raw == " / ".join(t for t in (category, mission) if t)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("ระดับอำเภอ", "district"), ("อำเภอ", "district"), ("ระดับตำบล", "subdistrict"), ("ตำบล", "subdistrict"),
     ("", None), ("หมู่บ้าน", None)],
)  # fmt: skip
def test_register_level(level, expected):
    assert table.parse_level(level) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("18.29, 99.49", (18.29, 99.49)), ("๑๘.๒๙,๙๙.๔๙", (18.29, 99.49)), ("(18.29 99.49)", (18.29, 99.49)),
     ("ไม่ทราบ", (None, None)), ("", (None, None)), ("199.1, 99.4", (None, None))],
)  # fmt: skip
def test_register_coords(text, expected):
    assert table.parse_coords(text) == expected


# --- other formats ----------------------------------------------------------------------------


def test_xls_via_xlrd():
    p = run("แจ้ห่ม.xls", F.xls_report())
    assert p.kind is FileKind.ACTIVITY
    assert (p.header_district, p.header_province, p.header_quarter) == ("แจ้ห่ม", "ลำปาง", 2)
    assert [(a.row, a.tambon, a.mission, a.date, a.date_raw, a.participants, a.budget) for a in p.activities] == [
        (5, "แจ้ห่ม", "ปิดไฟประหยัด", D(2025, 2, 14), "2025-02-14", 18, 250.0),
        (6, "วิเชตนคร", "ความเป็นอยู่", D(2025, 1, 3), "๓ ม.ค. ๖๘", 7, None),
    ]
    assert p.problems == ()


def test_docx_table_with_merged_two_row_header():
    p = run("งาว_๒.docx", F.activity_docx())
    assert p.kind is FileKind.ACTIVITY
    assert (p.header_district, p.header_province, p.header_quarter) == ("งาว", "ลำปาง", 2)
    got = [(a.row, a.sheet, a.tambon, a.group, a.mission, a.date, a.participants, a.sectors, a.budget)
           for a in p.activities]  # fmt: skip
    assert got == [
        (3, "ตาราง 1", "บ้านแหง", "3.1", "ปลูกไม้ ๓ อย่าง ประโยชน์ ๔ อย่าง", D(2024, 11, 1), 20, ("รัฐ", "ประชาชน"), None),
        (4, "ตาราง 1", "หลวงเหนือ", "3.1", "บัญชีรับจ่าย", D(2024, 12, 2), 15, ("สถาบันการศึกษา",), 500.0),
    ]
    assert p.problems == ()


def test_docx_without_table():
    p = run("บันทึก.docx", F.plain_docx("บันทึกองค์ความรู้ อำเภอเกาะคา"))
    assert p.kind is FileKind.UNKNOWN and codes(p) == ["no_header"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp874"])
def test_csv_encodings_and_delimiters(encoding, delimiter):
    p = run("แม่ทะ.csv", F.csv_text(delimiter).encode(encoding))
    assert p.kind is FileKind.ACTIVITY
    assert (p.header_district, p.header_quarter) == ("แม่ทะ", 3)
    assert [(a.row, a.tambon, a.mission, a.date, a.participants, a.budget) for a in p.activities] == [
        (3, "นาครัว", "จิตอาสาพัฒนา", D(2025, 4, 5), 33, None),
        (4, "ป่าตันนาครัว", "ขายขยะแลกทอง", D(2025, 4, 6), 12, 300.0),
    ]


def test_control_characters_are_stripped_from_csv():
    text = "ตำบล,ชื่อกิจกรรม,วันที่,จำนวนผู้เข้าร่วม\nนา\x07แก้ว,ปลูก\x00ป่า\u200b,1/11/2567,\x1b5\n"
    (a,) = run("c.csv", text.encode()).activities
    assert (a.tambon, a.name, a.participants) == ("นาแก้ว", "ปลูกป่า", 5)


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_control_characters_are_stripped_from_xlsx(backend):
    data = F.table_xlsx([["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"], ["นาแก้ว", "ปลูกQQQป่า", "1/11/2567", 5]])
    data = F.with_escaped_control_chars(data, "QQQ", "_x0007__x001B_")
    (a,) = run("x.xlsx", data, backend=backend).activities
    assert a.name == "ปลูกป่า"


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_huge_cells_are_cut_to_max_cell_chars(backend):
    big = "ก" * 50_000
    data = F.table_xlsx([["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม", "ผลการดำเนินงาน"], ["นาแก้ว", "x", "1/11/2567", 5, big]])
    (a,) = run("x.xlsx", data, backend=backend).activities
    assert a.result == "ก" * SETTINGS.limits.max_cell_chars
    (c,) = run("x.csv", ("ตำบล,ชื่อกิจกรรม,วันที่,จำนวนผู้เข้าร่วม,ผล\nนาแก้ว,x,1/11/2567,5," + big).encode()).activities
    assert len(c.result) == SETTINGS.limits.max_cell_chars


def test_unknown_backend_is_a_programming_error(template):
    with pytest.raises(ValueError, match="calamin"):
        run("x.xlsx", template, backend="calamin")


def test_xlsm_is_read_as_data():
    p = run("macro.xlsm", F.xlsm_from(F.template_xlsx()))
    assert p.activities == TEMPLATE_ACTIVITIES


@pytest.mark.parametrize(("name", "data"), [("scan.pdf", F.PDF), ("IMG_2031.jpg", F.JPEG), ("a.png", F.PNG)])
def test_evidence(name, data):
    assert run(name, data) == ParsedFile(kind=FileKind.EVIDENCE)


# --- hostile and broken files -----------------------------------------------------------------


def _unreadable(p: ParsedFile) -> str:
    assert p.kind is FileKind.UNKNOWN
    assert codes(p) == ["unreadable_file"]
    assert p.activities == () and p.centres == ()
    return p.problems[0].message


@pytest.mark.parametrize(
    ("name", "make", "needle"),
    [
        ("cut.xlsx", lambda: F.template_xlsx()[:3000], ".xlsx"),
        ("cut.docx", lambda: F.activity_docx()[:3000], ".docx"),
        ("garbage.xlsx", lambda: b"PK\x03\x04" + b"\x00" * 200, ".xlsx"),
        ("zip-without-sheet.xlsx", lambda: _zip({"xl/nothing.txt": b"x"}), ".xlsx"),
        ("locked.xlsx", F.encrypted_xlsx, "รหัสผ่าน"),
        # a damaged container: the directory cannot be walked, the stream name is still there
        ("locked2.xlsx", lambda: F.encrypted_xlsx()[:1600], "รหัสผ่าน"),
        ("old.doc", lambda: F.cfb({"WordDocument": b"x"}), ".docx"),
        ("bad.xls", lambda: F.cfb({"Workbook": b"\x09\x08junk"}), ".xlsx"),
        ("export.xls", lambda: b"<html><table><tr><td>x</td></tr></table></html>", ".xlsx"),
        ("empty.xlsx", lambda: b"", "ว่าง"),
        ("blob.bin", lambda: bytes(range(256)) * 4, ".xlsx"),
    ],
    ids=lambda v: v if isinstance(v, str) and "." in v else "",
)
def test_unreadable_files(name, make, needle):
    message = _unreadable(run(name, make()))
    assert needle in message
    assert "กรุณา" in message  # says what the district should do


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return F.zip_bomb(300)


def test_zip_bomb_rejected_before_inflating(bomb):
    assert len(bomb) < 2 * 1024 * 1024
    assert "ผิดปกติ" in _unreadable(run("bomb.xlsx", bomb))


def test_absurd_compression_ratio_rejected_under_the_size_cap():
    data = F.patch_zip(F.template_xlsx(), {"xl/media/padding.bin": b"\x00" * (20 * 1024 * 1024)})
    assert "ผิดปกติ" in _unreadable(run("x.xlsx", data))


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_part_lying_about_its_size_is_rejected(template, backend):
    # styles.xml padded with 4 MB of spaces, declared as its old size in the zip directory
    with zipfile.ZipFile(io.BytesIO(template)) as zf:
        old = zf.getinfo("xl/styles.xml").file_size
    data = F.patch_zip(template, {"xl/styles.xml": lambda xml: xml + b" " * (4 * 1024 * 1024)})
    data = F.lie_about_size(data, "xl/styles.xml", old)
    assert ".xlsx" in _unreadable(run("x.xlsx", data, backend=backend))


def test_file_over_max_file_bytes():
    assert "ใหญ่เกินไป" in _unreadable(run("x.xlsx", F.template_xlsx(), F.settings(max_file_bytes=1000)))


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_too_many_rows_truncated(backend):
    p = run("long.xlsx", F.long_xlsx(200), F.settings(max_rows=50), backend=backend)
    assert [a.row for a in p.activities] == list(range(2, 52))
    assert codes(p) == ["truncated"]
    assert p.problems[0].row == 52 and "50" in p.problems[0].message


@pytest.mark.parametrize("backend", XLSX_BACKENDS)
def test_stale_dimension_tag_does_not_hide_rows(backend):
    # other tools write <dimension ref="A1:D2"/> and keep adding rows; openpyxl would stop there
    data = F.long_xlsx(5)
    data = F.patch_zip(data, {"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b'ref="A1:L6"', b'ref="A1:D2"')})
    assert [a.row for a in run("x.xlsx", data, backend=backend).activities] == [2, 3, 4, 5, 6]


def test_rows_are_streamed_not_loaded():
    def endless():
        yield ["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"]
        for i in count():
            if i > 10_000:
                raise AssertionError("read far past max_rows")
            yield ["นาแก้ว", f"ก{i}", "1/11/2567", 5]

    s = F.settings(max_rows=50)
    problems: list = []
    index = table.FieldIndex.build("activity", s.columns.activities)
    result = table.parse_sheet(
        grid.SheetGrid("s", endless()), [index], table.RowContext(s, "f", "s", problems), table.HeaderInfo()
    )
    assert len(result.activities) == 50 and [p.code for p in problems] == ["truncated"]


def test_far_cell_does_not_reach_calamine(tmp_path: Path):
    """A cell at XFD1048576 makes calamine allocate 500 GB and abort the process: the guard
    must send such a workbook to openpyxl's streaming reader. Run in a child process so that
    a regression fails this test instead of killing the test run."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for c, h in enumerate(["ตำบล", "ชื่อกิจกรรม", "วันที่", "จำนวนผู้เข้าร่วม"], 1):
        ws.cell(row=1, column=c, value=h)
    for c, v in enumerate(["นาแก้ว", "ก", "1/11/2567", 5], 1):
        ws.cell(row=2, column=c, value=v)
    ws["XFD1048576"] = "far"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import parse_fixtures as F
        from gsync import parse
        p = parse.parse_file("far.xlsx", open({str(path)!r}, "rb").read(), F.settings(), backend="calamine")
        print(len(p.activities), [x.code for x in p.problems])
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "1 []"


# --- never raises -------------------------------------------------------------------------------

NAMES = st.sampled_from(["r.xlsx", "r.xls", "r.csv", "r.docx", "r", "r.xlsm", "r.txt"])
PREFIXES = st.sampled_from([b"", b"PK\x03\x04", F.OLE2_MAGIC, b"\xef\xbb\xbf", b"\xff\xfe"])
FUZZ = hsettings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(name=NAMES, prefix=PREFIXES, body=st.binary(max_size=3000))
def test_random_bytes_never_raise(name, prefix, body):
    assert isinstance(run(name, prefix + body), ParsedFile)


CSV_ALPHABET = st.sampled_from(list("ตำบลชื่อกิจกรรมวันที่๑๒3.,;\t\n\r\"' /-") + ["จำนวนผู้เข้าร่วม", "รวม", "ลงชื่อ", "\x00", "\x07"])


@FUZZ
@given(text=st.lists(CSV_ALPHABET, max_size=400).map("".join), encoding=st.sampled_from(["utf-8", "utf-16", "cp874"]))
def test_random_csv_never_raises(text, encoding):
    p = run("r.csv", text.encode(encoding, errors="ignore"))
    assert isinstance(p, ParsedFile)
    assert p.kind in (FileKind.ACTIVITY, FileKind.REGISTER, FileKind.UNKNOWN)


@pytest.fixture(scope="module")
def template_bytes() -> bytes:
    return F.template_xlsx()


@FUZZ
@given(data=st.data())
def test_damaged_xlsx_never_raises(template_bytes, data):
    raw = bytearray(template_bytes)
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    for backend in XLSX_BACKENDS:
        assert isinstance(run("x.xlsx", bytes(raw), backend=backend), ParsedFile)


def test_tambon_and_centre_merged_down_over_their_activities_are_carried() -> None:
    """A sub-district typed once and merged over its three activity rows (a common template)."""
    import io

    import openpyxl

    from gsync import synth
    from gsync.config import parse_settings

    rows = synth.activities(["ศาลา", "ไหล่หิน"], 2568, 1, seed=1, per_tambon=3)
    wb = openpyxl.load_workbook(io.BytesIO(synth.activity_xlsx("เกาะคา", "ลำปาง", 1, rows)))
    ws = wb.active
    ws.merge_cells("B5:B7")  # ศาลา over its three rows: openpyxl empties B6 and B7
    ws.merge_cells("C5:C7")
    buf = io.BytesIO()
    wb.save(buf)
    settings = parse_settings({"province": {"name": "ลำปาง", "fiscal_year": 2568},
                               "districts": [{"name": "เกาะคา", "tambons": ["ศาลา", "ไหล่หิน"]}],
                               "form": {"csv": "x.csv"}, "sheet": {"path": "m.xlsx"}})
    for backend in ("calamine", "openpyxl"):
        got = parse.parse_file("x.xlsx", buf.getvalue(), settings, backend=backend)
        assert [a.tambon for a in got.activities] == ["ศาลา"] * 3 + ["ไหล่หิน"] * 3, backend
        assert all(a.centre.endswith(a.tambon) for a in got.activities)
