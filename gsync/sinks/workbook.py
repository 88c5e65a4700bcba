"""The master as a local .xlsx workbook: the offline default.

Written whole to a temporary file in the same folder and renamed over the old one, so a crash
never leaves half a workbook. Text a district typed is always stored as text: a cell starting
with `=`, `+`, `-` or `@` is a string with Excel's quote prefix, never a formula.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gsync.atomic import atomic_write, temporary_files
from gsync.errors import SinkError
from gsync.master.layout import Cell, Table
from gsync.master.tables import (
    CHECKBOX,
    SIGNATURES,
    STATUS_COLOURS,
    deleted_notice,
    find_renamed,
    renamed_notice,
)
from gsync.ports import LastRead, MasterWrite

if TYPE_CHECKING:
    import openpyxl

# openpyxl is imported only where a workbook is loaded or written: a run that finds nothing to
# write reads the master with calamine and never pays openpyxl's import (a third of its CPU).

log = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_MAX_CHARS = 32_767  # what one Excel cell holds
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HEADER_GREY, _STAFF_YELLOW = "D9D9D9", "FFF9E6"
# Excel's and LibreOffice's locale code for Thai with the Buddhist calendar and Arabic digits
# (01 digits, 07 calendar, 041E Thai): a real date cell, shown `13 ธ.ค. 2567`.
DATE_FORMAT = "[$-107041E]d mmm yyyy"
DATETIME_FORMAT = "[$-107041E]d mmm yyyy hh:mm"
_TABS_PROPERTY = "gsync_tabs"  # a custom document property: the tabs gsync wrote, to tell a deleted one
LIST_MAX = 255  # Excel's limit for a drop-down list typed into the validation itself


class WorkbookSink:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.notices: list[str] = []  # Thai, for the sync log: tabs staff renamed or deleted
        self._renames: dict[str, str] = {}  # gsync title -> the title staff gave the tab

    def last_read(self) -> LastRead:
        return LastRead(copied=False, renamed=bool(self._renames), notices=tuple(self.notices))  # the file itself

    def stored(self, value: Cell) -> Cell:
        return _storable(value)

    def read(self, *, fresh: bool = False) -> dict[str, list[list[Cell]]]:
        if not self.path.exists():
            return {}
        fast = _read_values(self.path)
        if fast is not None:
            out, written = fast
        else:
            import openpyxl

            try:
                wb = openpyxl.load_workbook(self.path, data_only=False)
            except Exception as e:  # noqa: BLE001 - any failure to open is the same for the operator
                raise SinkError(
                    f"cannot open the master workbook {self.path} ({type(e).__name__}: {e}); "
                    "close it in Excel if it is open, or restore it from a backup"
                ) from e
            out = {}
            for ws in wb.worksheets:
                out[ws.title] = [list(r) for r in ws.iter_rows(values_only=True)]
            written = _property(wb, _TABS_PROPERTY)
            wb.close()
        # A gsync tab staff renamed is found again by its header row, read as gsync's, and gets
        # its name back on the write; one staff deleted is said in the log and the sync log.
        self.notices, self._renames = [], {}
        titles = list(out)
        wanted = list(SIGNATURES)
        found = find_renamed(titles, {t: (rows[0] if rows else []) for t, rows in out.items()}, wanted)
        for mine, theirs in found.items():
            out[mine] = out.pop(theirs)
            self._renames[mine] = theirs
            self.notices.append(renamed_notice(mine, theirs))
            log.warning("the master's tab %r was renamed to %r; found by its header row, its name is put back", mine, theirs)
        for mine in (written.split("|") if written else []):
            if mine and mine not in out:
                self.notices.append(deleted_notice(mine))
                log.warning("the master's tab %r was deleted; it is created again (what staff typed in it is gone)", mine)
        return out

    def write(self, plan: MasterWrite) -> int:
        """Write what the core decided (gsync/master/policy.py): gsync's tabs replaced whole."""
        tables, merged, changed = plan.tables, plan.rows, plan.changed
        refuse_if_in_use(self.path)
        import openpyxl
        from openpyxl.packaging.custom import StringProperty

        # Load the existing file and replace only gsync's tabs: staff's own tabs, charts and
        # formulas elsewhere in the workbook stay exactly as they were.
        wb = openpyxl.load_workbook(self.path) if self.path.exists() else openpyxl.Workbook()
        if not self.path.exists():
            wb.remove(wb.active)
        for mine, theirs in self._renames.items():
            if theirs in wb.sheetnames and mine not in wb.sheetnames:
                wb[theirs].title = mine
        for t in tables:
            index = None
            if t.title in wb.sheetnames:
                index = wb.sheetnames.index(t.title)
                wb.remove(wb[t.title])
            _write_sheet(wb.create_sheet(t.title, index), t, merged[t.title])
        written = [t.title for t in tables]
        wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != _TABS_PROPERTY]
        wb.custom_doc_props.append(StringProperty(name=_TABS_PROPERTY, value="|".join(written)))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A run killed mid-write leaves its temporary file; the run lock says no one else is
        # writing now, so any such file is a dead run's partial copy.
        for stale in temporary_files(self.path):
            stale.unlink(missing_ok=True)
        try:
            # the operator's mode for the master stays; a new one gets the umask's
            atomic_write(self.path, wb.save)
        except OSError as e:
            raise SinkError(f"cannot write the master workbook {self.path}: {e.strerror}; check the folder's permissions and free space") from e
        except Exception as e:  # lxml reports a failed write (a full disk: IO_EFBIG, IO_ENOSPC) as its own error
            raise SinkError(f"cannot write the master workbook {self.path} ({type(e).__name__}: {e}); check the folder's permissions and free space") from e
        log.info("wrote %s (%d tab(s) changed: %s)", self.path, len(changed), ", ".join(changed))
        return len(changed) or 1


def refuse_if_in_use(path: Path) -> None:
    """Never replace a master that staff opened or locked: their next save would overwrite the
    sync (or the sync their unsaved edits). LibreOffice leaves `.~lock.NAME#`, Excel `~$NAME`."""
    for lock in (path.parent / f".~lock.{path.name}#", path.parent / f"~${path.name}"):
        if lock.exists():
            raise SinkError(
                f"the master workbook {path} is open in LibreOffice or Excel (lock file {lock.name}); close the "
                f"workbook and gsync writes it on the next run (if nobody has it open, delete {lock})"
            )
    if path.exists() and not path.stat().st_mode & stat.S_IWUSR:
        raise SinkError(
            f"the master workbook {path} is read-only; gsync never replaces it. Make it writable "
            f"(chmod u+w {path}) or point [sheet] path at another file"
        )
    if not os.access(path.parent, os.W_OK):
        raise SinkError(f"cannot write the master workbook: the folder {path.parent} is not writable by this user")


def _storable(value: Cell) -> Cell:
    """Text as a worksheet can hold it: no control characters or lone surrogates (a file name or
    an answer carrying one must not fail the whole write), at most Excel's 32,767 characters."""
    if isinstance(value, str):
        value = _NOT_XML.sub("", value)
        if len(value) > EXCEL_MAX_CHARS:
            value = value[: EXCEL_MAX_CHARS - 1] + "…"
    return value


_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"


def _read_values(path: Path) -> tuple[dict[str, list[list[Cell]]], str] | None:
    """Every tab's values without loading the workbook into openpyxl (calamine: a fraction of
    the time and memory), as openpyxl's values_only rows would give them: None for an empty
    cell, ints for integral numbers, datetimes for date cells. None (read it with openpyxl)
    when a sheet holds a formula (calamine would give its cached value, openpyxl the formula)
    or anything here fails."""
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        import python_calamine

        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with zf.open(name) as f:
                        if _FORMULA.search(f.read()):
                            return None
            written = ""
            if "docProps/custom.xml" in zf.namelist():
                for prop in ET.fromstring(zf.read("docProps/custom.xml")).iter(_CUSTOM):
                    if prop.get("name") == _TABS_PROPERTY:
                        written = "".join(prop.itertext())
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        out: dict[str, list[list[Cell]]] = {}
        for sheet in book.sheets_metadata:
            if str(getattr(sheet, "typ", "")).lower().endswith("chartsheet"):
                continue
            rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            out[sheet.name] = [[_value(c) for c in r] for r in rows]
        return out, written
    except Exception as e:  # noqa: BLE001 - openpyxl reads it, or says clearly why not
        log.debug("fast read of %s failed (%s: %s); reading it with openpyxl", path, type(e).__name__, e)
        return None


def _value(c: object) -> Cell:
    if c == "" or c is None:
        return None
    if isinstance(c, float) and c.is_integer() and abs(c) < 2**53:
        return int(c)
    if isinstance(c, dt.date) and not isinstance(c, dt.datetime):
        return dt.datetime.combine(c, dt.time())
    return c  # type: ignore[return-value]


def _property(wb: openpyxl.Workbook, name: str) -> str:
    for p in wb.custom_doc_props.props:
        if p.name == name:
            return str(p.value or "")
    return ""


def _write_sheet(ws, t: Table, rows: list[list[Cell]]) -> None:  # type: ignore[no-untyped-def]
    styles = _Styles()
    long_text = {i + 1 for i, w in enumerate(t.widths) if w >= 18}
    for r_idx, row in enumerate(rows, start=1):
        for c_idx, value in enumerate(row, start=1):
            cell = ws.cell(row=r_idx, column=c_idx)
            _write_cell(cell, value)
            if r_idx > 1:
                _style_cell(cell, t, row, c_idx, long_text, styles)
    _header_row(ws, t, rows, styles)
    _row_heights(ws, t, rows, long_text)
    if t.hidden_key:
        ws.column_dimensions["A"].hidden = True
        ws.freeze_panes = "C2"  # the hidden key and the district beside it stay in view
    else:
        ws.freeze_panes = "B2"
    _validations(ws, t, max(len(rows), 2))
    _print_setup(ws, t)
    if t.chart and len(rows) > t.chart["last_row"]:
        _chart(ws, t)


class _Styles:
    """The fills and alignments of one tab (openpyxl objects, made when a tab is written)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.status = {word: PatternFill("solid", fgColor=colour) for word, colour in STATUS_COLOURS}
        self.header, self.staff = PatternFill("solid", fgColor=_HEADER_GREY), PatternFill("solid", fgColor=_STAFF_YELLOW)
        self.wrap, self.top, self.bold = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top"), Font(bold=True)


def _write_cell(cell: Any, value: Cell) -> None:
    cell.value = value
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # stored as a string, not a formula
            cell.quotePrefix = True  # and Excel keeps it text when someone edits it
    elif isinstance(value, dt.datetime):
        cell.number_format = DATE_FORMAT if (value.hour, value.minute) == (0, 0) else DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def _style_cell(cell: Any, t: Table, row: list[Cell], c_idx: int, long_text: set[int], styles: _Styles) -> None:
    """A data cell: top-aligned; a status coloured by its word; staff's columns filled."""
    value = row[c_idx - 1]
    cell.alignment = styles.top
    if (c_idx - 1) in t.status_columns and isinstance(value, str):
        fill = next((f for word, f in styles.status.items() if word in value), None)
        if fill is not None:
            cell.fill = fill
            cell.alignment = styles.wrap
    elif len(t.headers) < c_idx <= len(t.all_headers):
        cell.fill = styles.staff
    if c_idx in long_text and isinstance(value, str) and _blocked(row, c_idx):
        cell.alignment = styles.wrap  # a long file list or problem wraps: the page stays one wide


def _header_row(ws: Any, t: Table, rows: list[list[Cell]], styles: _Styles) -> None:
    from openpyxl.utils import get_column_letter

    for c_idx in range(1, len(rows[0]) + 1 if rows else len(t.all_headers) + 1):
        cell = ws.cell(row=1, column=c_idx)
        cell.font = styles.bold
        cell.fill = styles.header if c_idx <= len(t.headers) else styles.staff
        cell.alignment = styles.wrap
        width = t.widths[c_idx - 1] if c_idx - 1 < len(t.widths) else 22
        ws.column_dimensions[get_column_letter(c_idx)].width = width
    ws.row_dimensions[1].height = 33  # two lines of Thai: a header that wraps is seen whole


def _row_heights(ws: Any, t: Table, rows: list[list[Cell]], long_text: set[int]) -> None:
    """Rows as tall as their wrapped text (LibreOffice does not size them when it opens the
    file): Thai combining marks take no width, so count base characters."""
    for r_idx, row in enumerate(rows[1:], start=2):
        lines = 1
        for c_idx, value in enumerate(row, start=1):
            if isinstance(value, str) and (c_idx in long_text or (c_idx - 1) in t.status_columns) and _blocked(row, c_idx):
                width = t.widths[c_idx - 1] if c_idx - 1 < len(t.widths) else 22
                chars = sum(1 for ch in value if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"))
                lines = max(lines, min(4, -(-chars // max(width, 1))))
        if lines > 1:
            ws.row_dimensions[r_idx].height = 15 * lines


def _validations(ws: Any, t: Table, last_row: int) -> None:
    """Drop-downs (and tick marks) in staff's columns."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for j, h in enumerate(t.staff):
        rule = t.validations.get(h)
        if rule is None:
            continue
        choices = ["✓"] if rule == CHECKBOX else list(rule)
        listed = ",".join(c.replace('"', "") for c in choices)
        if len(listed) > LIST_MAX:
            continue  # too many choices to type into a drop-down: staff type the name
        letter = get_column_letter(len(t.headers) + j + 1)
        dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=False)
        dv.promptTitle, dv.prompt = h[:32], ("ใส่ ✓ หรือเว้นว่าง" if rule == CHECKBOX else "เลือกจากรายการ")
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last_row + 500}")


def _blocked(row: list[Cell], c_idx: int) -> bool:
    """Long text wraps only where the cell to its right holds something (else it may run on)."""
    return c_idx < len(row) and row[c_idx] not in (None, "")


def _print_setup(ws, t: Table) -> None:  # type: ignore[no-untyped-def]
    """A4 landscape, the header row on every page, as wide as one page (the status tab: one page)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if t.fit_page else 0
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&A หน้า &P/&N"


def _chart(ws, t: Table) -> None:  # type: ignore[no-untyped-def]
    """Reporting and on-time rates per quarter, a native bar chart beside the rates table."""
    from openpyxl.chart import BarChart, Reference

    c = t.chart or {}
    chart = BarChart()
    chart.type = "col"
    chart.title = "อัตราการส่งและอัตราส่งตรงเวลา (%)"
    chart.y_axis.title = "ร้อยละ"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    data = Reference(ws, min_col=c["first_col"] + 1, max_col=c["last_col"] + 1, min_row=1, max_row=c["last_row"] + 1)
    labels = Reference(ws, min_col=c["label_col"] + 1, min_row=2, max_row=c["last_row"] + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    for series, colour in zip(chart.series, ("0072B2", "E69F00"), strict=False):  # Okabe-Ito blue, orange
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"B{c['last_row'] + 10}")
