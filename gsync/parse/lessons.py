"""Lessons-learned records (แบบบันทึกองค์ความรู้, seed 004) -> `LessonRecord`s. Pure over bytes.

The form is a list of labelled fields (ชื่อผู้ถอดบทเรียน, เบอร์โทร…, ชื่อเรื่อง, เป็นการแก้ไขปัญหา
เกี่ยวกับ, สถานที่เกิดเหตุการณ์, เนื้อเรื่อง, ขุมความรู้, แก่นความรู้, กลยุทธ์ในการทำงาน, แนวคิดทฤษฎี…),
each label followed by its text: in paragraphs, in a two-column Word table, or in spreadsheet
cells. The text is read in document order as blocks (a paragraph, a table cell, a sheet cell);
a block that starts with a label opens that field (text after the label on the same line is its
first words), every other block is appended to the open field. The form's title, or a label seen
again, starts the next record: one file may hold several records.

The district is read from "อำเภอ…" in the reporter, place or title (`header_district`), and
matched to the config by `rules`, like a report header.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator

from gsync import thai
from gsync.config import LimitsCfg
from gsync.models import FileKind, LessonRecord, ParsedFile

from . import grid
from .table import _DISTRICT_RE, _PROVINCE_RE, cell_text

FORM_TITLE = "แบบบันทึกองค์ความรู้"

# field -> label beginnings, compared without spaces (seed 004 writes "ปัญหากเกี่ยวกับ")
LABELS: dict[str, tuple[str, ...]] = {
    "reporter": ("ชื่อผู้ถอดบทเรียน", "ผู้ถอดบทเรียน"),
    "phone": ("เบอร์โทรที่สามารถติดต่อได้", "เบอร์โทรศัพท์", "เบอร์โทร", "โทรศัพท์"),
    "title": ("ชื่อเรื่อง",),
    "problem": ("เป็นการแก้ไขปัญหา", "การแก้ไขปัญหาเกี่ยวกับ"),
    "place": ("สถานที่เกิดเหตุการณ์", "สถานที่เกิดเหตุ"),
    "story": ("เนื้อเรื่อง",),
    "assets": ("บันทึกขุมความรู้", "ขุมความรู้"),
    "core": ("แก่นความรู้",),
    "strategy": ("กลยุทธ์ในการทำงาน", "กลยุทธ์การทำงาน"),
    "theory": ("แนวคิดทฤษฎี", "แนวคิด/ทฤษฎี", "แนวคิดและทฤษฎี"),
}
# what may sit between a label and its value on one line
_LABEL_TAIL = re.compile(r"^\s*(?:\([^)]*\)|ที่สอดคล้องกับแก่นความรู้|เกี่ยวกับ|ที่สามารถติดต่อได้)?\s*[:：]?\s*")
MIN_LABELS = 4  # distinct labels that make a file a lessons record


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


_NUMBERING = re.compile(r"^\s*(?:[(]?[0-9๐-๙]{1,2}[.)]|[-•*])\s*")
_PLACEHOLDER = re.compile(r"^[\s.…_\-–:]*$")


def _label_of(block: str) -> tuple[str, str] | None:
    """(field, the value's first words on the label's line) when `block` starts with a label
    (a form's own numbering, "๑. ชื่อเรื่อง", is allowed before it)."""
    block = _NUMBERING.sub("", block, count=1)
    compact = _compact(block)
    for field, labels in LABELS.items():
        for label in labels:
            if compact.startswith(_compact(label)):
                # find where the label ends in the spaced text
                n, i = 0, 0
                target = len(_compact(label))
                while i < len(block) and n < target:
                    if not block[i].isspace():
                        n += 1
                    i += 1
                rest = block[i:]
                if field == "problem":
                    rest = re.sub(r"^\s*ก?เกี่ยวกับ", "", rest)
                value = _LABEL_TAIL.sub("", rest, count=1).strip()
                return field, "" if _PLACEHOLDER.match(value) else value.strip(" .…_")
    return None


def looks_like_lessons(blocks: Iterable[str]) -> bool:
    found = {lab[0] for b in blocks if (lab := _label_of(b))}
    return len(found) >= MIN_LABELS


def records(blocks: Iterable[str]) -> list[LessonRecord]:
    out: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    open_field: str | None = None

    def close() -> None:
        nonlocal current
        if any(v for v in current.values()):
            out.append(current)
        current = {}

    for raw in blocks:
        block = raw.strip()
        if not block or _PLACEHOLDER.match(block):
            continue  # blank, or the template's dotted line left unfilled
        if _compact(block).startswith(FORM_TITLE):
            close()
            open_field = None
            continue
        lab = _label_of(block)
        if lab is not None:
            field, first = lab
            if field in current and any(current[field]):
                close()
            current.setdefault(field, [])
            if first:
                current[field].append(first)
            open_field = field
            continue
        if open_field is not None:
            current.setdefault(open_field, []).append(block)
    close()
    result: list[LessonRecord] = []
    for rec in out:
        values = {f: "\n".join(thai.clean(x) for x in lines if thai.clean(x)) for f, lines in rec.items()}
        if not any(values.values()):
            continue  # only invisible characters: nothing was filled in
        phone = values.get("phone", "")
        values["phone"] = thai.normalize_phone(phone) if phone else ""
        result.append(LessonRecord(index=len(result) + 1, **values))
    return result


def district_hint(recs: Iterable[LessonRecord]) -> tuple[str | None, str | None]:
    """(district, province) as written in the records ("…อำเภอคลองขลุง จังหวัดกำแพงเพชร")."""
    district = province = None
    for r in recs:
        for text in (r.reporter, r.place, r.title, r.story[:500]):
            t = thai.clean(text)
            if district is None and (m := _DISTRICT_RE.search(t)):
                district = m["v"]
            if province is None and (m := _PROVINCE_RE.search(t)):
                province = m["v"]
    return district, province


def text_blocks(data: bytes, fmt: str, limits: LimitsCfg) -> list[str]:
    """The file's text in document order: paragraphs and table cells (docx), cells (xlsx, csv)."""
    if fmt == "docx":
        return list(_docx_blocks(data, limits))
    blocks: list[str] = []
    for sheet in grid.iter_sheets(data, fmt, None, limits):
        for row in sheet.rows:
            blocks.extend(t for t in (cell_text(v) for v in row) if t)
    return blocks


def _docx_blocks(data: bytes, limits: LimitsCfg) -> Iterator[str]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    zf = grid.check_zip(data, limits, grid.MSG_CORRUPT_DOCX)
    zf.close()
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception as e:  # noqa: BLE001
        raise grid.FileProblem(grid.MSG_CORRUPT_DOCX) from e
    mc = limits.max_cell_chars
    for block in blocks:
        if isinstance(block, Paragraph):
            for line in block.text.split("\n"):
                yield line[:mc]
        elif isinstance(block, Table):
            for tr in block.rows:
                previous = None
                for cell in tr.cells:
                    if cell._tc is not previous:  # a merged cell comes back once per column
                        for line in cell.text.split("\n"):
                            yield line[:mc]
                    previous = cell._tc


def read(data: bytes, fmt: str, limits: LimitsCfg) -> ParsedFile | None:
    """The file as lessons records, or None when it is not a lessons-learned form."""
    if fmt not in ("docx", "xlsx", "xls", "csv"):
        return None
    blocks = text_blocks(data, fmt, limits)
    if not looks_like_lessons(blocks):
        return None
    recs = records(blocks)
    district, province = district_hint(recs)
    return ParsedFile(kind=FileKind.LESSONS, header_district=district, header_province=province, lessons=tuple(recs))
