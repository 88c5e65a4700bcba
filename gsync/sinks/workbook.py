"""The master as a local .xlsx workbook: the offline default.

Written whole to a temporary file in the same folder and renamed over the old one, so a crash
never leaves half a workbook. Text a district typed is always stored as text: a cell starting
with `=`, `+`, `-` or `@` is a string with Excel's quote prefix, never a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import stat
from dataclasses import dataclass, field
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
            index = 0 if t.first else None  # a new วิธีใช้ goes first; every other new tab last
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
    styles = _Styles(ws.parent)
    layout = print_layout(t, rows)
    for r_idx, row in enumerate(rows, start=1):
        key = str(row[0] if row else "")
        framed = r_idx == 1 or not key.startswith("~")  # "~": lines under a table, framed where filled
        for c_idx, value in enumerate(row, start=1):
            cell = ws.cell(row=r_idx, column=c_idx)
            _write_cell(cell, value)
            if r_idx > 1:
                _style_cell(cell, t, value, c_idx, layout.wrapped(c_idx, value), styles)
            if framed or (value not in (None, "") and not layout.runs_on(c_idx, value)):
                _style_of(cell).borderId = styles.border
            if key in t.heading_keys and value not in (None, ""):
                _style_of(cell).fontId, _style_of(cell).fillId = styles.bold, styles.header
    _header_row(ws, t, rows, styles)
    for r_idx, height in layout.heights.items():
        ws.row_dimensions[r_idx].height = height
    if t.hidden_key:
        ws.column_dimensions["A"].hidden = True
        ws.freeze_panes = "C2"  # the hidden key and the district beside it stay in view
    else:
        ws.freeze_panes = "B2"
    for c in t.hidden:
        ws.column_dimensions[_letter(c + 1)].hidden = True
    _validations(ws, t, max(len(rows), 2))
    _print_setup(ws, t, rows, layout)
    if t.chart and len(rows) > t.chart["last_row"]:
        _chart(ws, t, len(rows))


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


# --- paper ------------------------------------------------------------------------------------
# Every tab prints on A4 landscape at a fixed scale. The numbers are Excel's (LibreOffice reads
# them the same way): a column `w` characters wide is 7w+5 pixels at 96 dpi in the default
# 11-pt font, and one line of 11-pt text, Thai marks above and below included, needs 15 pt.
FONT_PT, MIN_PRINT_PT = 11, 8
MIN_SCALE = -(-100 * MIN_PRINT_PT // FONT_PT)  # 73 %: 11-pt text prints at 8 pt
MARGIN_IN = 0.4
PAGE_W_IN, PAGE_H_IN = 11.69 - 2 * MARGIN_IN, 8.27 - 2 * 0.5 - 0.4  # A4 landscape less margins and footer
LINE_PT, PAD_PT = 15.0, 3.0
SAFETY = 0.93  # sheet programs' column widths differ by a few per cent: never lose a column to page two
CHART_ROWS = 17  # the rates chart (8 cm) under its table, in default-height rows
_THAI = re.compile("[\u0e01-\u0e5b]")
_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # Thai vowels and tones above/below: no width


def column_width(t: Table, c: int) -> int:
    return t.widths[c] if c < len(t.widths) else 22


def text_width(text: str) -> float:
    """`text`'s width in the digit widths a column's width counts, as LibreOffice's Thai font (Loma)
    and Carlito set it at 11 pt: a Thai consonant is 1.3 digits, a vowel beside it about 1, เ 0.7,
    a space 0.45, punctuation 0.6; marks above and below take no width."""
    w = 0.0
    for ch in _MARKS.sub("", text):
        if "\u0e01" <= ch <= "\u0e2e":
            w += 1.3
        elif ch == "\u0e40":
            w += 0.7
        elif "\u0e50" <= ch <= "\u0e59":
            w += 1.25  # Thai digits
        elif "\u0e2f" <= ch <= "\u0e5b":
            w += 1.05
        elif ch == " ":
            w += 0.45
        elif ch.isalnum():
            w += 1.0
        else:
            w += 0.6
    return w


@functools.lru_cache(maxsize=1 << 16)  # a tab repeats its names, dates and statuses thousands of times
def text_lines(text: str, width: int, bold: bool = False) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide, wrapped as a
    sheet program does: between words at spaces; inside a run of Thai (no spaces between
    words) too, losing up to a word's width at each break; a run of Latin (an email, a file
    name) only at its spaces. Every line break typed counts."""
    k = 1.05 if bold else 1.0
    cap = max(1.0, width - 0.5)
    if "\n" not in text and len(text) * 1.3 * k <= cap:
        return 1  # no character is wider than 1.3: it fits
    total = 0
    for part in text.split("\n"):
        lines, used = 1, 0.0
        for token in part.split(" "):
            tw, gap = text_width(token) * k, (0.45 * k if used else 0.0)
            if used + gap + tw <= cap:
                used += gap + tw
                continue
            thai = bool(_THAI.search(token))
            loss = 2.0 if thai else 0.0
            if thai and cap - used - gap > loss:
                tw -= cap - used - gap - loss  # what fits on this line; the rest goes on
            elif not used:
                tw -= cap  # a run longer than the column, cut where the column ends
            lines += 1
            step = max(1.0, cap - loss)
            while tw > cap:
                lines, tw = lines + 1, tw - step
            used = tw
        total += lines
    return total


@dataclass
class PrintLayout:
    """What a tab looks like on paper: the printed columns, the wrapped cells, the rows' heights
    (LibreOffice does not grow a row for its wrapped text, so every sheet program gets them
    written), the print area and the scale."""

    printed: int  # 1-based: the last printed column
    width_px: int
    heights: dict[int, float] = field(default_factory=dict)  # 1-based row -> points
    area: str = ""
    scale: int = 100
    widths: list[int] = field(default_factory=list)
    run_on: frozenset[int] = frozenset()

    def runs_on(self, c_idx: int, value: Cell) -> bool:
        """Text left to run on over the empty cells to its right (no frame to cut through it)."""
        return isinstance(value, str) and c_idx - 1 in self.run_on and text_lines(value, self.widths[c_idx - 1]) > 1

    def wrapped(self, c_idx: int, value: Cell) -> bool:
        return (isinstance(value, str) and c_idx - 1 not in self.run_on
                and (("\n" in value) or text_lines(value, self.widths[c_idx - 1]) > 1))


def print_layout(t: Table, rows: list[list[Cell]]) -> PrintLayout:
    n_cols = max([len(t.all_headers), *(len(r) for r in rows)])
    widths = [column_width(t, c) for c in range(n_cols)]
    printed = t.print_cols or n_cols
    hidden = set(t.hidden) | ({0} if t.hidden_key else set())
    width_px = sum(7 * widths[c] + 5 for c in range(printed) if c not in hidden)
    layout = PrintLayout(printed, width_px, widths=widths, run_on=frozenset(t.run_on))
    total = 0.0
    for r_idx, row in enumerate(rows, start=1):
        lines = 1
        for c, value in enumerate(row[:printed]):
            if isinstance(value, str) and c not in hidden and (r_idx == 1 or layout.wrapped(c + 1, value)):
                lines = max(lines, text_lines(value, widths[c], bold=r_idx == 1))
        height = max(2, lines) * LINE_PT + PAD_PT if r_idx == 1 else lines * LINE_PT + (PAD_PT if lines > 1 else 0)
        if r_idx == 1 or lines > 1:
            layout.heights[r_idx] = height
        total += height
    last_row = len(rows) + (CHART_ROWS + 1 if t.chart else 0)
    if len(rows) <= 1:
        layout.area = "A1"  # nothing but the header: the hidden key cell, an empty page (not printed)
    else:
        layout.area = f"A1:{_letter(printed)}{last_row}"
    fit = 100 * PAGE_W_IN * 96 * SAFETY / max(width_px, 1)
    if t.fit_page:
        fit = min(fit, 100 * PAGE_H_IN * 72 / max(total + (CHART_ROWS * LINE_PT if t.chart else 0), 1))
    layout.scale = max(MIN_SCALE, min(100, int(fit)))
    return layout


class _Styles:
    """The fonts, fills, borders and alignments of one tab, each added to the workbook's style
    tables once: a cell gets their ids. (Assigning openpyxl's style objects cell by cell hashes
    each object again for every cell: most of the time a 10,000-row tab took to write.)"""

    def __init__(self, wb: Any) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="A6A6A6")
        self.status = {word: wb._fills.add(PatternFill("solid", fgColor=colour)) for word, colour in STATUS_COLOURS}
        self.header = wb._fills.add(PatternFill("solid", fgColor=_HEADER_GREY))
        self.staff = wb._fills.add(PatternFill("solid", fgColor=_STAFF_YELLOW))
        self.wrap = wb._alignments.add(Alignment(wrap_text=True, vertical="top"))
        self.top = wb._alignments.add(Alignment(vertical="top"))
        self.bold = wb._fonts.add(Font(bold=True))
        self.border = wb._borders.add(Border(left=thin, right=thin, top=thin, bottom=thin))


def _style_of(cell: Any) -> Any:
    """A cell's style ids (openpyxl makes them on first use, as its own style setters do)."""
    if cell._style is None:
        from openpyxl.styles.cell_style import StyleArray

        cell._style = StyleArray()
    return cell._style


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


def _style_cell(cell: Any, t: Table, value: Cell, c_idx: int, wrapped: bool, styles: _Styles) -> None:
    """A data cell: top-aligned, wrapped when longer than its column; a status coloured by its
    word; staff's columns filled."""
    style = _style_of(cell)
    style.alignmentId = styles.wrap if wrapped else styles.top
    if (c_idx - 1) in t.status_columns and isinstance(value, str):
        fill = next((f for word, f in styles.status.items() if word in value), None)
        if fill is not None:
            style.fillId = fill
    elif len(t.headers) < c_idx <= len(t.all_headers):
        style.fillId = styles.staff


def _header_row(ws: Any, t: Table, rows: list[list[Cell]], styles: _Styles) -> None:
    for c_idx in range(1, len(rows[0]) + 1 if rows else len(t.all_headers) + 1):
        cell = ws.cell(row=1, column=c_idx)
        style = _style_of(cell)
        style.fontId, style.alignmentId, style.borderId = styles.bold, styles.wrap, styles.border
        style.fillId = styles.header if c_idx <= len(t.headers) else styles.staff
        ws.column_dimensions[_letter(c_idx)].width = column_width(t, c_idx - 1)


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


def _print_setup(ws, t: Table, rows: list[list[Cell]], layout: PrintLayout) -> None:  # type: ignore[no-untyped-def]
    """A4 landscape at a fixed scale that prints 11-pt text at 8 pt or more (never "fit to one
    page wide", which shrank 18 columns to 5 pt), the header row on every page, the columns staff
    need on paper (`Table.print_cols`; the rest stays on screen); an empty tab prints nothing."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = layout.scale
    ws.page_setup.pageOrder = "overThenDown"
    ws.print_options.gridLines = False  # the table has its own borders; nothing empty is framed
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = MARGIN_IN
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&A หน้า &P/&N"
    ws.print_area = layout.area


def _chart(ws, t: Table, n_rows: int) -> None:  # type: ignore[no-untyped-def]
    """Reporting and on-time rates per quarter, a native bar chart beside the rates table."""
    from openpyxl.chart import BarChart, Reference

    c = t.chart or {}
    chart = BarChart()
    chart.type = "col"
    chart.title = "อัตราการส่งและอัตราส่งตรงเวลา (%)"
    # (no axis title: the chart's title says "%", and an axis title would print under 8 pt)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    data = Reference(ws, min_col=c["first_col"] + 1, max_col=c["last_col"] + 1, min_row=1, max_row=c["last_row"] + 1)
    labels = Reference(ws, min_col=c["label_col"] + 1, min_row=2, max_row=c["last_row"] + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    for series, colour in zip(chart.series, ("0072B2", "E69F00"), strict=False):  # Okabe-Ito blue, orange
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    # 12-pt axis and legend text: 9 pt at the tab's 75 % (a chart's default 10 pt would print at 7.5)
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    size = CharacterProperties(sz=1200)
    text = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])
    chart.x_axis.txPr, chart.y_axis.txPr = text, text
    if chart.legend is not None:
        chart.legend.txPr = text
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"B{n_rows + 2}")  # under the table and its explanation, inside the print area
