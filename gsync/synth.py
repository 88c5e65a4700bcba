"""Writes realistic report files the way districts do: the template, and the messy variants.

Used by `gsync demo`, by the tests and by the benchmark. Deterministic for a given seed.
The messy style has what real files have: a merged title over three rows, the header info in
one merged cell, the header on row 7, renamed and reordered columns, Thai digits, Buddhist-era
dates in several styles, a total row, a signature footer and a second sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

import openpyxl

from gsync import thai, thai_calendar, vocab

THAI_DIGITS = thai.TO_THAI_DIGITS
TEMPLATE_HEADERS = ["ลำดับ", "ตำบล", "ชื่อศูนย์ผู้นำจิตอาสาพัฒนาชุมชน", "ชื่อกิจกรรม", "ประเภทกิจกรรม", "ภารกิจ/มิติ",
                    "วันที่ดำเนินการ", "สถานที่ดำเนินการ", "จำนวนผู้เข้าร่วม (คน)", "ภาคีเครือข่ายที่ร่วม",
                    "งบประมาณ (บาท)", "ผลการดำเนินงาน"]


@dataclass
class Row:
    tambon: str
    centre: str
    name: str
    group: str
    mission: str
    date: dt.date
    place: str
    participants: int
    sectors: list[str]
    budget: int | None
    result: str


def activities(tambons: list[str], fiscal_year: int, quarter: int, *, seed: int, per_tambon: int = 2,
               skip: tuple[str, ...] = ()) -> list[Row]:
    """Activities for every sub-district centre (but `skip`), dated inside the quarter."""
    rnd = random.Random(seed)
    start, end = thai_calendar.quarter_range(fiscal_year, quarter)
    span = (end - start).days
    groups = {"3.1": list(vocab.MISSIONS), "3.2": list(vocab.DIMENSIONS), "3.3": list(vocab.VOLUNTEER_TYPES)}
    rows = []
    for t in tambons:
        if t in skip:
            continue
        for i in range(per_tambon):
            g = rnd.choice(list(groups))
            m = rnd.choice(groups[g])
            rows.append(Row(
                tambon=t, centre=f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบล{t}", name=f"กิจกรรม{m} ครั้งที่ {i + 1}",
                group=g, mission=m, date=start + dt.timedelta(days=rnd.randint(0, span)),
                place=f"ศาลาอเนกประสงค์ หมู่ที่ {rnd.randint(1, 12)}", participants=rnd.randint(12, 80),
                sectors=rnd.sample(list(vocab.SECTORS), k=rnd.randint(1, 3)),
                budget=rnd.choice([None, 0, 500, 1500, 3000]), result="ดำเนินการแล้วเสร็จ ประชาชนให้ความร่วมมือ",
            ))
    return rows


def be_date(d: dt.date, style: int) -> object:
    """A date the way one of five officers would type it."""
    y = d.year + thai_calendar.BE_OFFSET
    if style == 0:
        return dt.datetime(d.year, d.month, d.day)  # noqa: DTZ001 - Excel cells have no time zone
    if style == 1:
        return f"{d.day} {thai_calendar.THAI_MONTHS_SHORT[d.month - 1]} {y % 100}".translate(THAI_DIGITS)
    if style == 2:
        return f"{d.day}/{d.month}/{y}"
    if style == 3:
        return d.isoformat()
    return f"{d.day} {thai_calendar.THAI_MONTHS_FULL[d.month - 1]} {y}"


def _template_row(i: int, r: Row, style: int) -> list[object]:
    return [i, r.tambon, r.centre, r.name, r.group, r.mission, be_date(r.date, style), r.place,
            r.participants, ", ".join(r.sectors), r.budget, r.result]


def activity_xlsx(district: str, province: str, quarter: int, rows: list[Row], *, messy: bool = False,
                  date_style: int | None = None, header_quarter: bool = True) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "รายงาน"
    if not messy:
        ws.append(["แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"])
        ws.append(["อำเภอ", district, "จังหวัด", province, *(["ไตรมาสที่", quarter] if header_quarter else [])])
        ws.append([])
        ws.append(TEMPLATE_HEADERS)
        for i, r in enumerate(rows, 1):
            ws.append(_template_row(i, r, date_style if date_style is not None else 0))
        ws.append([])
        ws.append(["", "ลงชื่อ ........................ ผู้รายงาน"])
        ws.append(["", "ตำแหน่ง นักวิชาการพัฒนาชุมชน"])
    else:
        ws["A1"] = "แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"
        ws.merge_cells("A1:L3")
        q = str(quarter).translate(THAI_DIGITS)
        ws["A5"] = f"อำเภอ{district} จังหวัด{province}" + (f" ไตรมาสที่ {q}" if header_quarter else "")
        ws.merge_cells("A5:L5")
        # reordered and renamed columns, header on row 7, line breaks in headers
        headers = ["ที่", "ชื่อกิจกรรม", "ตำบล", "ศูนย์", "วัน/เดือน/ปี", "ประเภท", "ภารกิจ/มิติ",
                   "ผู้เข้าร่วม\n(คน)", "ภาคี", "สถานที่", "งบประมาณ", "ผลการดำเนินงาน"]
        for c, h in enumerate(headers, 1):
            ws.cell(row=7, column=c, value=h)
        total = 0
        for i, r in enumerate(rows, 1):
            style = date_style if date_style is not None else i % 5
            ws.append([str(i).translate(THAI_DIGITS), r.name, f"ต.{r.tambon}", r.centre, be_date(r.date, style),
                       r.group.translate(THAI_DIGITS), r.mission, f"{r.participants:,} คน".translate(THAI_DIGITS),
                       " ".join(r.sectors), r.place, r.budget, r.result])
            total += r.participants
        ws.append(["", "รวมทั้งสิ้น", "", "", "", "", "", total])
        ws.append([])
        ws.append(["", "(ลงชื่อ) ........................ ผู้รายงาน"])
        ws.append(["", "โทร ๐๘๑-๒๓๔-๕๖๗๘"])
        info = wb.create_sheet("คำชี้แจง")
        info.append(["คำชี้แจง: กรอกกิจกรรมของทุกศูนย์ อย่างน้อยไตรมาสละ 1 ครั้ง"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def activity_docx(district: str, province: str, quarter: int, rows: list[Row]) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน")
    doc.add_paragraph(f"อำเภอ{district} จังหวัด{province} ไตรมาสที่ {quarter}")
    table = doc.add_table(rows=1, cols=len(TEMPLATE_HEADERS))
    for c, h in enumerate(TEMPLATE_HEADERS):
        table.rows[0].cells[c].text = h
    for i, r in enumerate(rows, 1):
        cells = table.add_row().cells
        for c, v in enumerate(_template_row(i, r, 2)):
            cells[c].text = "" if v is None else str(v)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


REGISTER_HEADERS = ["ลำดับที่", "ชื่อศูนย์จิตอาสาฯ", "หมู่ที่", "ตำบล", "ประธานศูนย์ฯ", "โทรศัพท์", "ระดับ", "พิกัด", "หมายเหตุ"]


def register_workbook(district: str, province: str, rows: list[list[object]],
                      footer: tuple[list[object], ...] = ()) -> bytes:
    """A centre register per contract section 4 (title, district and province, the header), with
    these centre rows and whatever follows them (a signature line)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ทะเบียนศูนย์"
    ws.append(["แบบรายงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"])
    ws.append(["อำเภอ", district, "จังหวัด", province])
    ws.append([])
    ws.append(REGISTER_HEADERS)
    for row in (*rows, *footer):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def register_xlsx(district: str, province: str, tambons: list[str]) -> bytes:
    rows: list[list[object]] = [[1, f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอ{district}", 1, tambons[0], "นายสมชาย ใจดี",
                              "0812345678", "ระดับอำเภอ", "18.29, 99.49", ""]]
    rows += [[i, f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบล{t}", i % 10 + 1, t, f"นางสมศรี ตำบล{t}",
              f"08{i % 10}-{100 + i:03d}-{1000 + i:04d}", "ระดับตำบล", "", ""] for i, t in enumerate(tambons, 2)]
    return register_workbook(district, province, rows)


def jpeg_bytes() -> bytes:
    """A tiny JPEG-looking photo (only the signature matters: photos are never parsed)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
