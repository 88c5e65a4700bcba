"""Report files -> `ParsedFile`: what a district's spreadsheet or Word table says.

    parse_file(name, data, settings) -> ParsedFile   # pure over bytes, never raises
    sniff(name, data) -> "xlsx" | "xls" | "docx" | "csv" | "pdf" | "image" | "other"
    read_grid(data, fmt, backend=None) -> (sheet name, rows) pairs, for tools and benchmarks

Whatever is wrong with a file becomes a `Problem` (Thai message saying what to do), never an
exception: `unreadable_file` (damaged, password, zip bomb, too big), `no_header`,
`missing_column`, `truncated`, `unreadable_date`.
"""

from __future__ import annotations

import logging

from gsync.config import Settings
from gsync.messages import problem
from gsync.models import Activity, Centre, FileKind, ParsedFile, Problem

from . import grid
from . import lessons as _lessons
from . import sniff as _sniff
from .grid import BACKENDS, DEFAULT_BACKEND, FileProblem, read_grid
from .sniff import sniff
from .table import FieldIndex, HeaderInfo, RowContext, SheetResult, parse_sheet

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "parse_file", "read_grid", "sniff"]

log = logging.getLogger(__name__)

MSG_EMPTY = "ไฟล์ว่างเปล่า (0 ไบต์): กรุณาแนบไฟล์แบบรายงานใหม่อีกครั้ง"
MSG_UNKNOWN_FORMAT = (
    "ไม่รู้จักชนิดไฟล์นี้ จึงอ่านแบบรายงานไม่ได้: กรุณาส่งแบบรายงานเป็นไฟล์ Excel (.xlsx) ตามแบบฟอร์มของจังหวัด"
)
MSG_OLD_WORD = "ไฟล์ Word รุ่นเก่า (.doc) อ่านไม่ได้: กรุณาบันทึกเป็น .docx หรือกรอกลงแบบฟอร์ม Excel (.xlsx) แล้วส่งอีกครั้ง"
MSG_HTML = (
    "ไฟล์นี้เป็นหน้าเว็บ (HTML/XML) ที่ตั้งชื่อเป็นไฟล์ Excel: "
    "กรุณาเปิดใน Excel แล้วเลือกบันทึกเป็น .xlsx (Excel Workbook) แล้วส่งอีกครั้ง"
)
MSG_INTERNAL = "อ่านไฟล์ไม่สำเร็จ: กรุณาเปิดไฟล์แล้วบันทึกใหม่เป็น .xlsx ตามแบบฟอร์มของจังหวัด แล้วส่งอีกครั้ง"


_DAMAGED_BY_EXTENSION = {
    **dict.fromkeys(("xlsx", "xlsm", "xltx", "xltm"), grid.MSG_CORRUPT_XLSX),
    "xls": grid.MSG_CORRUPT_XLS,
    "docx": grid.MSG_CORRUPT_DOCX,
}


def _unreadable(name: str, message: str) -> ParsedFile:
    return ParsedFile(kind=FileKind.UNKNOWN, problems=(problem("unreadable_file", detail=message, source=name),))


def parse_file(
    name: str, data: bytes, settings: Settings, *, backend: str | None = None
) -> ParsedFile:
    """What a report file says. Never raises for bad content.

    `backend` picks the xlsx reader ("calamine" or "openpyxl", see `BACKENDS["xlsx"]`);
    None means `DEFAULT_BACKEND`. An unknown backend name is a programming error (ValueError).
    """
    if backend is not None and not any(backend in choices for choices in BACKENDS.values()):
        known = sorted({b for choices in BACKENDS.values() for b in choices})
        raise ValueError(f"unknown parse backend {backend!r}; known: {', '.join(known)}")
    try:
        return _parse(name, data, settings, backend)
    except FileProblem as e:
        return _unreadable(name, e.message)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # noqa: BLE001 - incl. a Rust panic in calamine: never take the run down
        log.info("could not parse %s: %s: %s", name, type(e).__name__, e)
        log.debug("parse failure", exc_info=True)
        return _unreadable(name, _damaged_message(name, data))


def _damaged_message(name: str, data: bytes) -> str:
    try:
        fmt = sniff(name, data)
    except Exception:  # noqa: BLE001
        fmt = "other"
    return {
        "xlsx": grid.MSG_CORRUPT_XLSX,
        "xls": grid.MSG_CORRUPT_XLS,
        "docx": grid.MSG_CORRUPT_DOCX,
        "csv": grid.MSG_CORRUPT_CSV,
    }.get(fmt, MSG_INTERNAL)


def _parse(name: str, data: bytes, settings: Settings, backend: str | None) -> ParsedFile:
    if not data:
        return _unreadable(name, MSG_EMPTY)
    grid.check_size(data, settings.limits)
    fmt = sniff(name, data)
    early = _not_a_table(name, data, fmt)
    if early is not None:
        return early

    indexes = [
        FieldIndex.build("activity", settings.columns.activities),
        FieldIndex.build("register", settings.columns.centres),
    ]
    info = HeaderInfo()
    results: list[tuple[SheetResult, list[Problem]]] = []
    for sheet in grid.iter_sheets(data, fmt, backend, settings.limits):
        sheet_problems: list[Problem] = []
        ctx = RowContext(settings=settings, source=name, sheet=sheet.name, problems=sheet_problems)
        result = parse_sheet(sheet, indexes, ctx, info, info_without_table=fmt == "docx")
        if result.kind is not None:
            results.append((result, sheet_problems))

    activities, centres, problems = _gather(results)
    if activities is not None:
        kind = FileKind.ACTIVITY
    elif centres is not None:
        kind = FileKind.REGISTER
    elif (recs := _lessons.read(data, fmt, settings.limits)) is not None:
        return recs
    else:
        kind = FileKind.UNKNOWN
        problems.append(problem("no_header", source=name))
    return ParsedFile(
        kind=kind,
        header_district=info.district,
        header_province=info.province,
        header_quarter=info.quarter,
        activities=tuple(activities or ()),
        centres=tuple(centres or ()),
        problems=tuple(problems),
    )


def _not_a_table(name: str, data: bytes, fmt: str) -> ParsedFile | None:
    """The outcome for a file that holds no table to read (evidence, or a format gsync cannot
    open); None for a workbook, a Word file or a CSV."""
    if fmt in ("pdf", "image"):
        return ParsedFile(kind=FileKind.EVIDENCE)
    if fmt == "other":
        if data.startswith(_sniff.OLE2_MAGIC):
            if _sniff.ole_is_encrypted_package(data):
                return _unreadable(name, grid.MSG_PASSWORD)
            return _unreadable(name, MSG_OLD_WORD)
        if _sniff.is_html(data):
            return _unreadable(name, MSG_HTML)
        # named as a workbook or a Word file but not one inside (zeros, scrambled, a broken
        # download): a damaged file, not a wrong format
        damaged = _DAMAGED_BY_EXTENSION.get(_sniff.extension(name))
        return _unreadable(name, damaged or MSG_UNKNOWN_FORMAT)
    if fmt == "xls" and _sniff.ole_is_encrypted_package(data):
        return _unreadable(name, grid.MSG_PASSWORD)
    return None


def _gather(
    results: list[tuple[SheetResult, list[Problem]]],
) -> tuple[list[Activity] | None, list[Centre] | None, list[Problem]]:
    """The activities and centres of the sheets that count (None: no table of that kind), and
    their problems.

    A table missing a required column beside a complete one of the same kind is a summary
    or helper sheet ("สรุป": ตำบล / จำนวนกิจกรรม / จำนวนผู้เข้าร่วม), not the report: skip it.
    """
    complete = {r.kind for r, _ in results if r.complete}
    problems: list[Problem] = []
    activities: list[Activity] | None = None
    centres: list[Centre] | None = None
    for result, sheet_problems in results:
        if not result.complete and result.kind in complete:
            continue
        problems.extend(sheet_problems)
        if result.kind == "activity":
            activities = [*(activities or ()), *result.activities]
        else:
            centres = [*(centres or ()), *result.centres]
    return activities, centres, problems
