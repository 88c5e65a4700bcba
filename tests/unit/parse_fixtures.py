"""Builders for the parser tests: report files made in memory, never committed as binaries.

- xlsx via openpyxl (the template, the messy one, registers, long sheets);
- docx via python-docx;
- csv in several encodings;
- xls and the password-protected container via a tiny hand-written OLE2 (compound file)
  writer: xlwt is not installed and olefile is not a dependency. `cfb()` writes a version-3
  compound file with 512-byte sectors, one FAT sector and every stream padded to 4096 bytes so
  none needs the mini stream; `biff8()` writes the few BIFF8 records xlrd needs (BOF, CODEPAGE,
  FORMAT/XF for one date style, BOUNDSHEET, LABEL, NUMBER, EOF).
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Sequence
from typing import Any

import openpyxl

from gsync.config import Settings, parse_settings

TITLE = "แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"
TEMPLATE_HEADER = [
    "ลำดับ", "ตำบล", "ชื่อศูนย์ผู้นำจิตอาสาพัฒนาชุมชน", "ชื่อกิจกรรม", "ประเภทกิจกรรม", "ภารกิจ/มิติ",
    "วันที่ดำเนินการ", "สถานที่ดำเนินการ", "จำนวนผู้เข้าร่วม (คน)", "ภาคีเครือข่ายที่ร่วม",
    "งบประมาณ (บาท)", "ผลการดำเนินงาน",
]  # fmt: skip
REGISTER_HEADER = [
    "ลำดับที่", "ชื่อศูนย์จิตอาสาฯ", "หมู่ที่", "ตำบล", "ประธานศูนย์ฯ", "โทรศัพท์", "ระดับ", "พิกัด", "หมายเหตุ",
]  # fmt: skip


def excel_dt(*args: int) -> dt.datetime:
    """A date-time as Excel stores it: naive, no time zone."""
    return dt.datetime(*args)  # noqa: DTZ001


def settings(**limits: int) -> Settings:
    data: dict[str, Any] = {
        "province": {"name": "ลำปาง", "fiscal_year": 2568},
        "districts": [{"name": "เกาะคา", "tambons": ["ลำปางหลวง", "นาแก้ว", "ไหล่หิน"]}],
        "drive": {"path": "/tmp/gsync-test-drive"},
        "sheet": {"path": "/tmp/gsync-test-master.xlsx"},
    }
    if limits:
        data["limits"] = limits
    return parse_settings(data)


# --- xlsx --------------------------------------------------------------------------------------


def save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_rows(ws: Any, rows: Sequence[Sequence[Any]], first_row: int = 1) -> None:
    for r, row in enumerate(rows, first_row):
        for c, v in enumerate(row, 1):
            if v is not None and v != "":
                ws.cell(row=r, column=c, value=v)


def template_rows() -> list[list[Any]]:
    """The province's template: title row 1, header info row 2, header row 4, data from row 5."""
    return [
        [TITLE],
        ["อำเภอ", "เกาะคา", "จังหวัด", "ลำปาง", "ไตรมาสที่", 1],
        [],
        TEMPLATE_HEADER,
        [1, "ลำปางหลวง", "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลลำปางหลวง", "ปลูกผักสวนครัว", "3.1",
         "ตู้เย็นตู้ยารอบบ้าน", excel_dt(2024, 10, 15), "ศาลาหมู่ 3", 25, "รัฐ, ศาสนา", 1500,
         "ครัวเรือนมีผักกิน"],
        [2, "นาแก้ว", "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลนาแก้ว", "ตรวจสุขภาพผู้สูงอายุ", "3.2", "สุขภาพ",
         excel_dt(2024, 11, 3), "รพ.สต.นาแก้ว", 40, "รัฐ", None, "ผู้สูงอายุได้รับการตรวจ"],
        [3, "ไหล่หิน", "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลไหล่หิน", "พัฒนาวัด", "3.3", "จิตอาสาพัฒนา",
         excel_dt(2024, 12, 5), "วัดไหล่หิน", 60, "ศาสนา ประชาชน", 0, "วัดสะอาด"],
        [],
        [None, "ลงชื่อ ........................ ผู้รายงาน"],
        [None, "ตำแหน่ง นักวิชาการพัฒนาชุมชน"],
    ]  # fmt: skip


def template_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "รายงาน"
    write_rows(ws, template_rows())
    return save(wb)


def table_xlsx(rows: Sequence[Sequence[Any]], title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    write_rows(ws, rows)
    return save(wb)


# The messy workbook: what the tests expect of it is written out in test_parse.py.
MESSY_HEADER_TOP = [
    "ที่", "ชื่อกิจกรรม", "ตำบล", "ศูนย์", "วัน/เดือน/ปี", "ประเภทกิจกรรม", None, "ผู้เข้าร่วม",
    "ภาคี", "สถานที่", "งบประมาณ", "ผลการดำเนินงาน",
]  # fmt: skip
MESSY_HEADER_SUB = [None, None, None, None, None, "ประเภท", "ภารกิจ/มิติ", "(คน)", None, None, None, None]


def messy_data_rows() -> list[list[Any]]:
    """Rows 9.. of the messy sheet: seven activities, junk rows, a total, a footer, junk after."""
    return [
        ["๑", "ปลูกผัก", "ต.ลำปางหลวง", "ศูนย์ฯ ลำปางหลวง", excel_dt(2024, 10, 15), "๓.๑",
         "ตู้เย็นข้างบ้าน ตู้ยาข้างบ้าน", "๒๕", "ภาครัฐ, วัด", "ศาลา", "๑,๕๐๐", "ดี"],
        ["๒", "ตรวจสุขภาพ", "นาแก้ว", "ศูนย์ฯ นาแก้ว", "๑๕ ต.ค. ๖๗", "3.2 มิติการช่วยเหลือ", "ด้านสุขภาพ",
         "40 คน", "รัฐ", "รพ.สต.", None, "ดี"],
        [3, "อบรมอาชีพ", "ไหล่หิน", "ศูนย์ฯ ไหล่หิน", "15/10/2567", "มิติ", "อาชีพ", 12, "เอกชน ประชาชน",
         "วัด", "-", "ดี"],
        [4, "ทำความสะอาดวัด", "ไหล่หิน", "ศูนย์ฯ ไหล่หิน", "2024-10-15", "3.3", "จิตอาสาพัฒนา", 30,
         "ศาสนา", "วัด", 0, "ดี"],
        [5, "ตลาดนัด", "นาแก้ว", "ศูนย์ฯ นาแก้ว", "15 ตุลาคม 2567", None, "ตลาดนัด 4 ทิศ", "ไม่ทราบ",
         "สื่อมวลชน", "ตลาด", 200.5, "ดี"],
        [6, "ผ้าป่า", "ลำปางหลวง", "ศูนย์ฯ ลำปางหลวง", excel_dt(2567, 11, 3), "3.1", "ผ้าป่าอาชีพ", 50,
         "ประชาชน", "วัด", None, "ดี"],
        [7, "ประชุม", "นาแก้ว", "ศูนย์ฯ นาแก้ว", "ไม่ระบุ", "3.9", "อะไรก็ไม่รู้", 8, "", "ศาลา", None, "ดี"],
        [],
        ["๘"],  # a numbered blank row
        [None, "รวมทั้งสิ้น", None, None, None, None, None, 165],
        [],
        [None, "ลงชื่อ .................... ผู้รายงาน"],
        [None, "(นายสมชาย ใจดี)"],
        [9, "หลังลายเซ็น", "นาแก้ว", "ศูนย์ฯ", "1/11/2567", "3.1", "ของเก่า", 9, "", "", None, "ไม่ควรอ่าน"],
    ]  # fmt: skip


def messy_register_rows() -> list[list[Any]]:
    return [
        ["แบบรายงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"],
        [],
        ["ลำดับที่", "ชื่อศูนย์จิตอาสาฯ", "หมู่ที่", "ตำบล", "ประธานศูนย์ฯ", "เบอร์โทร", "ระดับ", "พิกัด", "หมายเหตุ"],
        [1, "ศูนย์ฯ อำเภอเกาะคา", 1, "ลำปางหลวง", "นายสมชาย ใจดี", 812345678, "ระดับอำเภอ", "18.29, 99.49", None],
        [2, "ศูนย์ฯ ตำบลนาแก้ว", "๕", "นาแก้ว", "นางสมศรี ดีใจ", "054-123-456", "ตำบล", "๑๘.๓๐, ๙๙.๕๐", "ใหม่"],
        [3, "ศูนย์ฯ ตำบลไหล่หิน", 7, "ไหล่หิน", "นายหนึ่ง", "", "ระดับตำบล", "ไม่ทราบ", None],
    ]  # fmt: skip


def messy_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "คำชี้แจง"
    guide["A1"] = "คำชี้แจง: อำเภอ ให้กรอกชื่อกิจกรรมทุกศูนย์ ไตรมาสที่ 4 ต้องส่งก่อนวันที่ 15"

    ws = wb.create_sheet("รายงาน")
    ws["A1"] = TITLE + " ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"
    ws.merge_cells("A1:L3")
    ws["A5"] = "อำเภอเกาะคา จังหวัดลำปาง ไตรมาสที่ ๑"
    ws.merge_cells("A5:L5")
    write_rows(ws, [MESSY_HEADER_TOP, MESSY_HEADER_SUB], first_row=7)
    for col in "ABCDEIJKL":  # header cells merged down over the sub-header row
        ws.merge_cells(f"{col}7:{col}8")
    ws.merge_cells("F7:G7")  # "ประเภทกิจกรรม" above "ประเภท" | "ภารกิจ/มิติ"
    write_rows(ws, messy_data_rows(), first_row=9)

    reg = wb.create_sheet("ทะเบียนศูนย์")
    write_rows(reg, messy_register_rows())
    reg["F4"].number_format = "0"

    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(reg, min_col=3, min_row=3, max_row=6), titles_from_data=True)
    wb.create_chartsheet("กราฟ").add_chart(chart)
    return save(wb)


def long_xlsx(n: int) -> bytes:
    rows: list[list[Any]] = [TEMPLATE_HEADER]
    for i in range(1, n + 1):
        rows.append([i, "นาแก้ว", "ศูนย์ฯ", f"กิจกรรม {i}", "3.2", "สุขภาพ", "1/11/2567", "ศาลา", 10, "รัฐ", None, "ดี"])
    return table_xlsx(rows)


def patch_zip(data: bytes, edit: dict[str, Any]) -> bytes:
    """Rewrite members of a zip: name -> new bytes, or a function old bytes -> new bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            change = edit.get(info.filename)
            if change is not None:
                body = change(body) if callable(change) else change
            dst.writestr(info.filename, body)
        for name, change in edit.items():
            if name not in src.namelist() and not callable(change):
                dst.writestr(name, change)
    return out.getvalue()


def xlsm_from(data: bytes) -> bytes:
    """The same workbook as a macro-enabled .xlsm: a vbaProject.bin part and the macro content type."""

    def types(xml: bytes) -> bytes:
        xml = xml.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        return xml.replace(
            b"</Types>",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )

    return patch_zip(data, {"[Content_Types].xml": types, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})


def with_escaped_control_chars(data: bytes, placeholder: str, escaped: str) -> bytes:
    """Put `_x0007_`-style escapes (control characters) into a shared string of an xlsx."""

    def sub(xml: bytes) -> bytes:
        return xml.replace(placeholder.encode(), escaped.encode())

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [n for n in zf.namelist() if n.endswith(".xml") and placeholder.encode() in zf.read(n)]
    assert names, "placeholder not found"
    return patch_zip(data, dict.fromkeys(names, sub))


def lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite a zip member's uncompressed size, in its local header and the central directory."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<I", raw, info.header_offset + 22, declared)  # local file header
    name = member.encode()
    central = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name) + 1)
    assert raw[central + 46 : central + 46 + len(name)] == name
    struct.pack_into("<I", raw, central + 24, declared)
    return bytes(raw)


def zip_bomb(megabytes: int = 300) -> bytes:
    """One worksheet part of `megabytes` MB of zeros, deflated (a few hundred KB)."""
    out = io.BytesIO()
    chunk = b"\x00" * (1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(megabytes):
                f.write(chunk)
    return out.getvalue()


# --- docx -----------------------------------------------------------------------------------


def activity_docx() -> bytes:
    """A Word report: title and header info paragraphs, then a table whose header spans 2 rows."""
    import docx

    doc = docx.Document()
    doc.add_paragraph(TITLE)
    doc.add_paragraph("อำเภอ งาว   จังหวัด ลำปาง   ไตรมาสที่ ๒")
    header_top = ["ลำดับ", "ตำบล", "ชื่อศูนย์", "ชื่อกิจกรรม", "ประเภทกิจกรรม", "", "วันที่ดำเนินการ",
                  "สถานที่", "จำนวนผู้เข้าร่วม (คน)", "ภาคีเครือข่าย", "งบประมาณ", "ผลการดำเนินงาน"]  # fmt: skip
    data = [
        ["1", "บ้านแหง", "ศูนย์ฯ บ้านแหง", "ปลูกไม้", "3.1", "ปลูกไม้ 3 อย่าง", "1/11/2567", "วัด", "20",
         "รัฐ, ประชาชน", "", "ดี"],
        ["2", "หลวงเหนือ", "ศูนย์ฯ หลวงเหนือ", "บัญชีครัวเรือน", "3.1", "บัญชีครัวเรือน", "๒ ธ.ค. ๖๗",
         "ศาลา", "๑๕", "สถานศึกษา", "๕๐๐", "ดี"],
    ]  # fmt: skip
    table = doc.add_table(rows=2 + len(data), cols=len(header_top))
    for c, h in enumerate(header_top):
        if h:
            table.cell(0, c).text = h
    for c in range(len(header_top)):
        if c not in (4, 5):
            table.cell(0, c).merge(table.cell(1, c))  # header cell spans both header rows
    table.cell(0, 4).merge(table.cell(0, 5))  # "ประเภทกิจกรรม" over two sub-columns
    table.cell(1, 4).text = "ประเภท"
    table.cell(1, 5).text = "ภารกิจ/มิติ"
    for r, row in enumerate(data, 2):
        for c, v in enumerate(row):
            table.cell(r, c).text = v
    doc.add_paragraph("ลงชื่อ ................. ผู้รายงาน")
    signature = doc.add_table(rows=1, cols=2)
    signature.cell(0, 0).text = "ลงชื่อ"
    signature.cell(0, 1).text = "ผู้รายงาน"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def plain_docx(text: str) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- csv ----------------------------------------------------------------------------------------


def csv_text(delimiter: str = ",") -> str:
    rows = [
        ["อำเภอ", "แม่ทะ", "ไตรมาสที่", "3"],
        TEMPLATE_HEADER,
        ["1", "นาครัว", "ศูนย์ฯ นาครัว", "ปลูกป่า", "3.3", "จิตอาสาพัฒนา", "5/4/2568", "ป่าชุมชน", "33",
         "รัฐ", "", "ดี"],
        ["2", "ป่าตันนาครัว", "ศูนย์ฯ ป่าตัน", "ขายขยะ", "3.1", "ขยะแลกไข่", "6 เม.ย. 68", "ศาลา", "๑๒",
         "ประชาชน", "300", "ดี"],
    ]  # fmt: skip
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


# --- OLE2 compound files (xls, password-protected xlsx) -----------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END, _FAT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        raw,
        len(raw),
        kind,  # 0 empty, 2 stream, 5 root
        1,  # black
        _NOSTREAM,
        right,
        child,
        b"\x00" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file with `streams` in the root storage."""
    sector = 512
    bodies = [data.ljust(max(4096, -(-len(data) // sector) * sector), b"\x00") for data in streams.values()]
    n_dir = -(-(len(streams) + 1) // 4)
    fat: list[int] = [_FAT]
    fat += [i + 2 if i + 1 < n_dir else _END for i in range(n_dir)]
    starts: list[int] = []
    for body in bodies:
        first = len(fat)
        count = len(body) // sector
        starts.append(first)
        fat += [first + i + 1 if i + 1 < count else _END for i in range(count)]
    if len(fat) > sector // 4:
        raise ValueError("fixture too big for one FAT sector")
    fat += [_FREE] * (sector // 4 - len(fat))

    entries = [_dir_entry("Root Entry", 5, _NOSTREAM, 1 if streams else _NOSTREAM, _END, 0)]
    for i, (name, body) in enumerate(zip(streams, bodies, strict=True), 1):
        right = i + 1 if i < len(streams) else _NOSTREAM
        entries.append(_dir_entry(name, 2, right, _NOSTREAM, starts[i - 1], len(body)))
    while len(entries) < n_dir * 4:
        entries.append(_dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0))

    header = (
        OLE2_MAGIC
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + b"".join(entries) + b"".join(bodies)


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE2 file, not a zip."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header, abridged
    package = struct.pack("<Q", 12345) + b"\x8a" * 600
    return cfb({"EncryptionInfo": info, "EncryptedPackage": package})


def _rec(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _ustr(text: str, lenlen: int) -> bytes:
    fmt = "<BB" if lenlen == 1 else "<HB"
    return struct.pack(fmt, len(text), 1) + text.encode("utf-16-le")


def biff8(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """An Excel 97-2003 workbook stream. Cells: str, int/float, or date (as a date-formatted number)."""
    date_xf = 1
    globals_head = (
        _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))  # BOF
        + _rec(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
        + _rec(0x0022, struct.pack("<H", 0))  # DATEMODE: 1900
        + _rec(0x041E, struct.pack("<H", 164) + _ustr("d/m/yyyy", 2))  # FORMAT 164
        + _rec(0x00E0, struct.pack("<HHHBBBBIiH", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))  # XF 0: general
        + _rec(0x00E0, struct.pack("<HHHBBBBIiH", 0, 164, 0, 0, 0, 0, 0, 0, 0, 0))  # XF 1: date
    )
    bodies: list[bytes] = []
    for rows in sheets.values():
        body = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, dt.date):
                    serial = (v - dt.date(1899, 12, 30)).days
                    body += _rec(0x0203, struct.pack("<HHHd", r, c, date_xf, float(serial)))
                elif isinstance(v, int | float):
                    body += _rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
                else:
                    body += _rec(0x0204, struct.pack("<HHH", r, c, 0) + _ustr(str(v), 2))
        bodies.append(body + _rec(0x000A))
    sheet_recs_len = sum(len(_rec(0x0085, b"\x00" * 6 + _ustr(name, 1))) for name in sheets)
    offset = len(globals_head) + sheet_recs_len + len(_rec(0x000A))
    boundsheets = b""
    for name, body in zip(sheets, bodies, strict=True):
        boundsheets += _rec(0x0085, struct.pack("<IBB", offset, 0, 0) + _ustr(name, 1))
        offset += len(body)
    stream = globals_head + boundsheets + _rec(0x000A) + b"".join(bodies)
    return cfb({"Workbook": stream})


def xls_report() -> bytes:
    return biff8(
        {
            "รายงาน": [
                [TITLE],
                ["อำเภอ", "แจ้ห่ม", "จังหวัด", "ลำปาง", "ไตรมาสที่", 2],
                [],
                TEMPLATE_HEADER,
                [1, "แจ้ห่ม", "ศูนย์ฯ แจ้ห่ม", "ปิดไฟ", "3.1", "ปิดไฟประหยัด", dt.date(2025, 2, 14), "ศาลา",
                 18, "รัฐ", 250, "ดี"],
                [2, "วิเชตนคร", "ศูนย์ฯ วิเชตนคร", "เยี่ยมบ้าน", "3.2", "ความเป็นอยู่", "๓ ม.ค. ๖๘", "บ้าน",
                 "๗", "ประชาชน", None, "ดี"],
            ]  # fmt: skip
        }
    )


# --- evidence ---------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32

