"""Builders for the collections' files, the way districts fill them: centre registers (the
contract's section 4 form and seed 000's older Buriram form) and lessons-learned records
(seed 004) as Word files, in paragraphs or in a two-column table."""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from gsync.synth import REGISTER_HEADERS, register_workbook  # noqa: F401 - REGISTER_HEADERS: tests import it here


def register_xlsx(
    district: str, province: str, tambons: list[str], *, skip: tuple[str, ...] = (),
    no_phone: tuple[str, ...] = (), no_chair: tuple[str, ...] = (), coords: dict[str, str] | None = None,
    district_coords: str = "", district_centre: bool = True,
) -> bytes:
    """A register per contract section 4: the district-level centre, then one row per sub-district."""
    coords = coords or {}
    rows: list[list[object]] = []
    n = 1
    if district_centre:
        rows.append([n, f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอ{district}", 1, tambons[0], f"นายประธาน อำเภอ{district}",
                   "0811111111", "ระดับอำเภอ", district_coords, ""])
    for t in tambons:
        if t in skip:
            continue
        n += 1
        rows.append([n, f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบล{t}", n % 9 + 1, t, "" if t in no_chair else f"นางประธาน ตำบล{t}",
                   "" if t in no_phone else f"08{n % 10}-{200 + n:03d}-{3000 + n:04d}", "ระดับตำบล",
                   coords.get(t, ""), ""])
    return register_workbook(district, province, rows, footer=([], ["", "ลงชื่อ ........................ ผู้รายงาน"]))


def buriram_register_xlsx(district: str, tambons: list[str]) -> bytes:
    """Seed 000's establishment report: ลำดับที่ · ชื่อศูนย์จิตอาสาฯ · ที่ตั้งศูนย์ฯ · ประธานศูนย์ฯ ·
    โทรศัพท์ · หมายเหตุ (the level), Thai digits in the order column."""
    digits = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["แบบรายงานการจัดตั้งศูนย์ผู้นำจิตอาสาพัฒนาชุมชนจังหวัดบุรีรัมย์"])
    ws.append([f"อำเภอ{district}"])
    ws.append([])
    ws.append(["ลำดับที่", "ชื่อศูนย์จิตอาสาฯ", "ที่ตั้งศูนย์ฯ", "ประธานศูนย์ฯ", "โทรศัพท์", "หมายเหตุ"])
    ws.append(["๑", f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอ{district}", tambons[0], "นายสมพงษ์ ใจดี", "๐๘๑-๒๓๔-๕๖๗๘", "ระดับอำเภอ"])
    for i, t in enumerate(tambons, 2):
        ws.append([str(i).translate(digits), f"ศูนย์ผู้นำจิตอาสาฯ ตำบล{t}", t, f"นางสมใจ ตำบล{t}",
                   f"๐๘๙-{100 + i:03d}-{2000 + i:04d}".translate(digits), "ระดับตำบล"])
    ws.append(["ลงชื่อ.....ผู้รายงาน"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class Lesson:
    reporter: str
    phone: str
    title: str
    problem: str
    place: str
    story: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    core: list[str] = field(default_factory=list)
    strategy: list[str] = field(default_factory=list)
    theory: list[str] = field(default_factory=list)


LABELS = [
    ("reporter", "ชื่อผู้ถอดบทเรียน"), ("phone", "เบอร์โทรที่สามารถติดต่อได้"), ("title", "ชื่อเรื่อง"),
    ("problem", "เป็นการแก้ไขปัญหากเกี่ยวกับ"), ("place", "สถานที่เกิดเหตุการณ์"), ("story", "เนื้อเรื่อง"),
    ("assets", "บันทึกขุมความรู้ (Knowledge Assets)"), ("core", "แก่นความรู้ (Core Competency)"),
    ("strategy", "กลยุทธ์ในการทำงาน"), ("theory", "แนวคิดทฤษฎีที่สอดคล้องกับแก่นความรู้"),
]


def _lines(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def lessons_docx(lessons: list[Lesson], *, table: bool = False) -> bytes:
    """Seed 004's form, once per record: labels in their own paragraphs (as the seed), or a
    two-column table of label and text."""
    import docx

    doc = docx.Document()
    for lesson in lessons:
        doc.add_paragraph("แบบบันทึกองค์ความรู้")
        if table:
            t = doc.add_table(rows=0, cols=2)
            for f, label in LABELS:
                cells = t.add_row().cells
                cells[0].text = label
                cells[1].text = "\n".join(_lines(getattr(lesson, f)))
        else:
            for f, label in LABELS:
                doc.add_paragraph(label)
                for line in _lines(getattr(lesson, f)):
                    doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def put(root: Path, rel: str, data: bytes, when: dt.datetime) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path
