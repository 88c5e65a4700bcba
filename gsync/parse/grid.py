"""Read xlsx / xls / csv / docx into plain row grids, safely.

A grid is a lazy iterator of rows; a row is a list of plain cell values (str, int, float, bool,
date, datetime, time or None). Every backend gives the same values for the same file:
numbers that are whole become int, a date-time at midnight becomes a date, an empty string is
None, trailing empty cells are dropped and a row has at most `MAX_COLS` cells. Merged cells
keep the value in the top-left cell only, like Excel stores them.

Nothing here interprets the table; `table.py` does that.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gsync.config import LimitsCfg

from .sniff import decode_text

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None
Row = list[Cell]

MAX_COLS = 256  # no report has more columns; a cell at column XFD is ignored
MAX_EMPTY_RUN = 1_000  # this many empty rows in a row end a sheet (formatted-but-empty tails)
MAX_RATIO = 500  # an entry that inflates more than this (and is big) is a zip bomb
RATIO_MIN_BYTES = 5 * 1024 * 1024
# calamine builds the whole sheet as a dense rectangle before we see a row; beyond these it
# would cost real memory (or abort the process, for a lone cell at XFD1048576), so such
# workbooks are streamed with openpyxl instead.
CALAMINE_MAX_CELLS = 3_000_000
CALAMINE_MAX_SHEET_XML = 32 * 1024 * 1024
DOCX_PREFACE_LINES = 8  # paragraphs above a Word table that may hold the district / quarter


class FileProblem(Exception):
    """The file cannot be read. `message` is Thai: what is wrong and what the district should do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


MSG_CORRUPT_XLSX = "ไฟล์เสียหายหรือไม่ใช่ไฟล์ Excel: กรุณาเปิดไฟล์แล้วบันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง"
MSG_CORRUPT_XLS = (
    "ไฟล์ Excel รุ่นเก่า (.xls) เสียหายหรืออ่านไม่ได้: กรุณาเปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง"
)
MSG_CORRUPT_DOCX = "ไฟล์ Word เสียหายหรืออ่านไม่ได้: กรุณาบันทึกใหม่เป็น .docx หรือกรอกลงแบบฟอร์ม Excel (.xlsx) แล้วส่งอีกครั้ง"
MSG_CORRUPT_CSV = "อ่านไฟล์ CSV ไม่ได้: กรุณาส่งเป็นไฟล์ Excel (.xlsx) ตามแบบฟอร์มแทน"
MSG_PASSWORD = "ไฟล์มีรหัสผ่าน อ่านเนื้อหาไม่ได้: กรุณาเอารหัสผ่านออก (บันทึกใหม่โดยไม่ตั้งรหัสผ่าน) แล้วส่งอีกครั้ง"


def msg_too_big_zip(limit: int) -> str:
    return (
        f"ไฟล์มีข้อมูลเมื่อขยายออกมากผิดปกติ (เกิน {limit // (1024 * 1024)} MB) จึงไม่อ่าน: "
        "กรุณาลบแผ่นงานหรือรูปภาพที่ไม่จำเป็น บันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง"
    )


# --- cells ----------------------------------------------------------------------------------


def norm_cell(v: Any, max_chars: int) -> Cell:
    """One backend value -> the common cell value."""
    if v is None:
        return None
    if isinstance(v, str):
        if not v:
            return None
        return v[:max_chars] if len(v) > max_chars else v
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return None
        if v.is_integer() and abs(v) < 1e15:
            return int(v)
        return v
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        if v.time() == dt.time(0, 0):
            return v.date()
        return v
    if isinstance(v, dt.date | dt.time):
        return v
    if isinstance(v, dt.timedelta):
        return str(v)
    text = str(v)
    return (text[:max_chars] or None) if text else None


def norm_row(values: Any, max_chars: int) -> Row:
    end = min(len(values), MAX_COLS)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    row = [norm_cell(values[i], max_chars) for i in range(end)]
    while row and row[-1] is None:
        row.pop()
    return row


# --- containers ----------------------------------------------------------------------------


def check_size(data: bytes, limits: LimitsCfg) -> None:
    if len(data) > limits.max_file_bytes:
        raise FileProblem(
            f"ไฟล์ใหญ่เกินไป ({len(data) / (1024 * 1024):.1f} MB เกิน {limits.max_file_bytes // (1024 * 1024)} MB): "
            "กรุณาลบรูปภาพหรือแผ่นงานที่ไม่จำเป็น แล้วส่งเฉพาะแบบรายงาน"
        )


def check_zip(data: bytes, limits: LimitsCfg, corrupt_message: str) -> zipfile.ZipFile:
    """Open a zip after checking its directory: declared sizes and ratios, before inflating."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as e:  # noqa: BLE001 - truncated or damaged zip
        raise FileProblem(corrupt_message) from e
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_unzipped_bytes:
            raise FileProblem(msg_too_big_zip(limits.max_unzipped_bytes))
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileProblem(msg_too_big_zip(limits.max_unzipped_bytes))
    return zf


_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{1,7})\"")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})(\d{1,7})\"")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Inflate one member, refusing to go past its declared size (a lying header)."""
    out = io.BytesIO()
    with zf.open(info) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
            if out.tell() > info.file_size:
                raise FileProblem(MSG_CORRUPT_XLSX)
    return out.getvalue()


def calamine_safe(zf: zipfile.ZipFile, limits: LimitsCfg) -> bool:
    """True when every worksheet is small enough for calamine's dense, all-at-once read.

    The worksheets and the shared strings (the parts calamine holds in memory whole) are
    inflated once through zipfile, which stops at the declared size and checks the CRC, so a
    part that lies about its size in the zip directory cannot get past `check_zip`.
    """
    max_rows = limits.max_rows + 1_000
    for info in zf.infolist():
        name = info.filename
        if name == "xl/sharedStrings.xml":
            _read_member(zf, info)  # raises on a lie
            continue
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        if info.file_size > CALAMINE_MAX_SHEET_XML:
            return False
        xml = _read_member(zf, info)
        last_row = max((int(m) for m in _ROW_REF.findall(xml)), default=0)
        last_col = 0
        for letters, row in _CELL_REF.findall(xml):
            last_col = max(last_col, _col_number(letters))
            last_row = max(last_row, int(row))
        if last_row > max_rows or last_row * max(last_col, 1) > CALAMINE_MAX_CELLS:
            return False
    return True


# --- sheets --------------------------------------------------------------------------------


@dataclass
class SheetGrid:
    name: str
    rows: Iterator[Row]
    preface: tuple[str, ...] = ()  # text above the table that is not in the grid (docx)
    first_row: int = 1  # the sheet row number of the first row yielded


@functools.cache
def _openpyxl_reader() -> type:
    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):  # type: ignore[misc]
        """openpyxl's reader, minus chart sheets: they hold no report data, and openpyxl 3.1
        fails on a chart sheet without a drawing (`'list' object has no attribute 'find'`)."""

        def read_chartsheet(self, sheet: Any, rel: Any) -> None:
            return None

    return Reader


def _openpyxl_sheets(data: bytes, limits: LimitsCfg) -> Iterator[SheetGrid]:
    _OpenpyxlReader = _openpyxl_reader()
    zf = check_zip(data, limits, MSG_CORRUPT_XLSX)
    zf.close()
    try:
        reader = _OpenpyxlReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        with warnings.catch_warnings():  # "no default style", "unsupported extension", ...
            warnings.simplefilter("ignore")
            reader.read()
        wb = reader.wb
    except Exception as e:  # noqa: BLE001
        raise FileProblem(MSG_CORRUPT_XLSX) from e
    mc = limits.max_cell_chars
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue

            # the <dimension> tag may be stale (written by other tools): openpyxl would stop there
            ws.reset_dimensions()

            def rows(ws: Any = ws) -> Iterator[Row]:
                for values in ws.iter_rows(values_only=True, max_col=MAX_COLS):
                    row = norm_row(values, mc)
                    yield [_ooxml_unescape(v) for v in row] if row else row

            yield SheetGrid(ws.title, rows())
    finally:
        wb.close()


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _ooxml_unescape(v: Any) -> Any:
    """`_x000D_` -> "\r": OOXML's escape for characters XML cannot hold. calamine decodes it,
    openpyxl does not; both backends must give the same text."""
    if isinstance(v, str) and "_x" in v:
        return _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), v)
    return v


def _calamine_sheets(data: bytes, limits: LimitsCfg) -> Iterator[SheetGrid]:
    zf = check_zip(data, limits, MSG_CORRUPT_XLSX)
    try:
        safe = calamine_safe(zf, limits)
    except FileProblem:
        raise
    except Exception as e:  # noqa: BLE001 - damaged member
        raise FileProblem(MSG_CORRUPT_XLSX) from e
    finally:
        zf.close()
    if not safe:
        yield from _openpyxl_sheets(data, limits)
        return
    yield from _calamine_book(data, limits, MSG_CORRUPT_XLSX)


def _calamine_book(data: bytes, limits: LimitsCfg, corrupt: str) -> Iterator[SheetGrid]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = list(wb.sheets_metadata)
    except pc.PasswordError as e:
        raise FileProblem(MSG_PASSWORD) from e
    except Exception as e:  # noqa: BLE001
        raise FileProblem(corrupt) from e
    mc = limits.max_cell_chars
    try:
        for meta in metas:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
            except Exception as e:  # noqa: BLE001
                raise FileProblem(corrupt) from e
            # iter_rows yields the empty rows above the used range but starts each row at its
            # first used column: put the empty columns back so that both backends agree
            lead_cols = sheet.start[1] if sheet.start else 0

            def rows(sheet: Any = sheet, lead_cols: int = lead_cols) -> Iterator[Row]:
                pad: list[None] = [None] * lead_cols
                for values in sheet.iter_rows():
                    yield norm_row(pad + values if lead_cols else values, mc)

            yield SheetGrid(meta.name, rows())
    finally:
        wb.close()


def _xlrd_sheets(data: bytes, limits: LimitsCfg) -> Iterator[SheetGrid]:
    import xlrd

    log = io.StringIO()
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=log)
    except xlrd.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise FileProblem(MSG_PASSWORD) from e
        raise FileProblem(MSG_CORRUPT_XLS) from e
    except Exception as e:  # noqa: BLE001
        raise FileProblem(MSG_CORRUPT_XLS) from e
    mc = limits.max_cell_chars
    try:
        for index in range(book.nsheets):
            try:
                sh = book.sheet_by_index(index)
            except Exception as e:  # noqa: BLE001
                raise FileProblem(MSG_CORRUPT_XLS) from e

            def rows(sh: Any = sh) -> Iterator[Row]:
                ncols = min(sh.ncols, MAX_COLS)
                for r in range(sh.nrows):
                    values: list[Any] = []
                    for c in range(min(ncols, sh.row_len(r))):
                        cell = sh.cell(r, c)
                        values.append(_xlrd_value(cell, book.datemode))
                    yield norm_row(values, mc)

            yield SheetGrid(sh.name, rows())
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _xlrd_value(cell: Any, datemode: int) -> Any:
    import xlrd

    t = cell.ctype
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if t == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if t == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except Exception:  # noqa: BLE001 - a date before 1900 or out of range: keep the number
            return cell.value
    return cell.value


# --- csv -----------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text[:65536].splitlines()[:30] if ln.strip()]
    best, best_key = ",", (0, 0)
    for delim in (",", ";", "\t", "|"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        wide = sorted(c for c in counts if c > 1)
        if not wide:
            continue
        median = wide[len(wide) // 2]
        key = (len(wide), median)
        if key > best_key:
            best, best_key = delim, key
    return best


def _csv_sheets(data: bytes, limits: LimitsCfg) -> Iterator[SheetGrid]:
    text = decode_text(data)
    delim = sniff_delimiter(text)
    mc = limits.max_cell_chars

    def rows() -> Iterator[Row]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        try:
            for values in reader:
                yield norm_row(values, mc)
        except csv.Error as e:
            raise FileProblem(MSG_CORRUPT_CSV) from e

    yield SheetGrid("csv", rows())


# --- docx ----------------------------------------------------------------------------------


def _docx_sheets(data: bytes, limits: LimitsCfg) -> Iterator[SheetGrid]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    zf = check_zip(data, limits, MSG_CORRUPT_DOCX)
    zf.close()
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception as e:  # noqa: BLE001
        raise FileProblem(MSG_CORRUPT_DOCX) from e
    mc = limits.max_cell_chars
    paragraphs: list[str] = []
    n = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                paragraphs.append(text[:mc])
            continue
        if not isinstance(block, Table):
            continue
        n += 1
        preface = tuple(paragraphs[-DOCX_PREFACE_LINES:])
        paragraphs = []

        def rows(table: Any = block) -> Iterator[Row]:
            for tr in table.rows:
                values: list[Any] = []
                previous = None
                for cell in tr.cells:
                    tc = cell._tc
                    # a merged cell comes back once per grid column it spans: keep the first
                    values.append(None if tc is previous else cell.text)
                    previous = tc
                yield norm_row(values, mc)

        yield SheetGrid(f"ตาราง {n}", rows(), preface=preface)


# --- the one entry point -------------------------------------------------------------------

Reader = Callable[[bytes, LimitsCfg], Iterator[SheetGrid]]

BACKENDS: dict[str, dict[str, Reader]] = {
    "xlsx": {"calamine": _calamine_sheets, "openpyxl": _openpyxl_sheets},
    "xls": {"xlrd": _xlrd_sheets},
    "csv": {"csv": _csv_sheets},
    "docx": {"python-docx": _docx_sheets},
}
DEFAULT_BACKEND: dict[str, str] = {
    "xlsx": "calamine",
    "xls": "xlrd",
    "csv": "csv",
    "docx": "python-docx",
}


def iter_sheets(
    data: bytes, fmt: str, backend: str | None = None, limits: LimitsCfg | None = None
) -> Iterator[SheetGrid]:
    limits = limits or LimitsCfg()
    choices = BACKENDS.get(fmt)
    if not choices:
        raise ValueError(f"no grid reader for format {fmt!r}")
    name = backend if backend in choices else DEFAULT_BACKEND[fmt]
    check_size(data, limits)
    return choices[name](data, limits)


def read_grid(
    data: bytes, fmt: str, backend: str | None = None, limits: LimitsCfg | None = None
) -> Iterator[tuple[str, Iterator[Row]]]:
    """Yield `(sheet_name, rows)` for each sheet (each table, for docx) of a file.

    `backend` picks the reader for xlsx ("calamine" or "openpyxl"); None is the default.
    Raises `FileProblem` (with a Thai message) when the file cannot be read.
    """
    for sheet in iter_sheets(data, fmt, backend, limits):
        yield sheet.name, sheet.rows
