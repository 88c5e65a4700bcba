"""Fake Sheets API v4: spreadsheets, tabs, a sparse cell grid, and batchUpdate requests.

Model: a :class:`Spreadsheet` holds :class:`Sheet` tabs; a tab holds its properties
(``sheetId``, ``title``, ``index``, ``gridProperties``...), a sparse ``{(row, col): Cell}``
grid (0-based), conditional format rules, protected ranges, a basic filter, data
validations, charts, dimension metadata (pixel sizes) and a log of format requests.

Behaviour that mirrors Google (and that gsync must cope with):

* A1 ranges: ``'ชื่อ แท็บ'!A1:F20``, ``Sheet1!A:F``, ``A2:F`` (open-ended), ``2:5``, a bare
  tab name for the whole tab, a bare ``A1:B2`` for the first tab;
* ``valueInputOption=RAW`` stores strings as typed (``"=1+1"`` stays text);
  ``USER_ENTERED`` turns ``=...`` into a formula (:attr:`Cell.formula` is set, so a test
  can see that formula injection happened), numeric-looking strings into numbers,
  ``TRUE``/``FALSE`` into booleans, ISO dates into date serials, ``'text`` into text;
* ``valueRenderOption`` FORMATTED_VALUE / UNFORMATTED_VALUE / FORMULA; trailing empty
  rows and cells are trimmed and ``values`` is omitted for an empty range;
* writing outside the grid is a 400 ``exceeds grid limits`` (resize first), reads are
  clipped to the grid, ``values.append`` grows the grid, and a workbook may not exceed
  10,000,000 cells;
* ``spreadsheets.batchUpdate`` is atomic: one bad request and nothing is applied.

Formula evaluation is deliberately tiny: ``=HYPERLINK("url","label")``, ``="text"`` and
arithmetic on number literals; any other formula evaluates to ``#NAME?``.
"""

from __future__ import annotations

import ast
import copy
import csv
import io
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from .discovery import FieldTree, Match, Violation, parse_fields
from .google_common import ApiError, IdMaker, Reply

CELL_LIMIT = 10_000_000
DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
DEFAULT_ROW_PX = 21
DEFAULT_COL_PX = 100
EPOCH = datetime(1899, 12, 30, tzinfo=UTC)

# --- cells --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty cell. ``value`` is the effective value (computed for formulas)."""

    value: str | float | bool
    formula: str | None = None
    display: str | None = None  # formatted text when it differs from the plain rendering
    is_date: bool = False
    note: str | None = None

    @property
    def is_error(self) -> bool:
        return (
            isinstance(self.value, str) and self.formula is not None and self.value.startswith("#")
        )


def has_value(cell: Cell | None) -> bool:
    return cell is not None and (cell.value != "" or cell.formula is not None)


_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)%$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

SKIP = object()  # a JSON null in a write: leave the cell unchanged


def parse_input(value: Any, option: str) -> Cell | None | object:
    """A written value -> Cell, None (clear the cell) or SKIP (leave it)."""
    if value is None:
        return SKIP
    if isinstance(value, bool):
        return Cell(value)
    if isinstance(value, (int, float)):
        return Cell(float(value))
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid value: {value!r} (only strings, numbers and booleans)")
    if value == "":
        return None
    if option == "RAW":
        return Cell(value)
    text = value.strip()
    if value.startswith("'"):
        return Cell(value[1:]) if value[1:] else None
    if value.startswith("=") and len(value) > 1:
        return Cell(evaluate(value), formula=value)
    if _NUMBER_RE.match(text):  # "007" -> 7, "+66812345678" -> 66812345678
        return Cell(float(text))
    if _GROUPED_RE.match(text):
        return Cell(float(text.replace(",", "")), display=text)
    if _PERCENT_RE.match(text):
        return Cell(float(text[:-1]) / 100, display=text)
    if text.upper() in ("TRUE", "FALSE"):
        return Cell(text.upper() == "TRUE")
    m = _DATE_RE.match(text)
    if m:
        try:
            y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
            when = datetime(y, mo, d, hh, mi, ss, tzinfo=UTC)
        except ValueError:
            return Cell(value)
        serial = (when - EPOCH).total_seconds() / 86400
        return Cell(serial, display=text, is_date=True)
    return Cell(value)


def format_number(v: float) -> str:
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = f"{v:.10g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        return f"{mantissa}E{int(exp):+03d}"
    return s


def plain_number(v: float) -> int | float:
    return int(v) if v == int(v) and abs(v) < 2**53 else v


def render(cell: Cell, option: str, dt_option: str = "SERIAL_NUMBER") -> Any:
    if option == "FORMULA" and cell.formula is not None:
        return cell.formula
    if option == "FORMATTED_VALUE":
        if cell.display is not None and cell.formula is None:
            return cell.display
        v = cell.value
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, float):
            return format_number(v)
        return v
    v = cell.value  # UNFORMATTED_VALUE, or FORMULA on a non-formula cell
    if cell.is_date and dt_option == "FORMATTED_STRING" and cell.display:
        return cell.display
    if isinstance(v, float):
        return plain_number(v)
    return v


_BIN_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def evaluate(formula: str) -> str | float | bool:
    body = formula[1:].strip()
    m = re.fullmatch(
        r'HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)', body, re.I
    )
    if m:
        label = m.group(2) if m.group(2) is not None else m.group(1)
        return label.replace('""', '"')
    m = re.fullmatch(r'"((?:[^"]|"")*)"', body)
    if m:
        return m.group(1).replace('""', '"')
    if body.upper() in ("TRUE", "FALSE"):
        return body.upper() == "TRUE"
    if re.fullmatch(r"[\d\s.+\-*/()]+", body):
        try:
            return float(_arith(ast.parse(body, mode="eval").body))
        except (SyntaxError, ZeroDivisionError, ValueError, TypeError):
            return "#DIV/0!" if "/0" in body.replace(" ", "") else "#ERROR!"
    return "#NAME?"


def _arith(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN_OPS:
        return _BIN_OPS[type(node.op)](_arith(node.left), _arith(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _arith(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    raise ValueError("unsupported")


def extended_value(cell: Cell, effective: bool) -> dict[str, Any]:
    if not effective and cell.formula is not None:
        return {"formulaValue": cell.formula}
    v = cell.value
    if cell.is_error:
        return {"errorValue": {"type": "NAME" if v == "#NAME?" else "ERROR", "message": str(v)}}
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, float):
        return {"numberValue": plain_number(v)}
    return {"stringValue": v}


_CELL_RE = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class A1:
    """A parsed range. Rows/cols are 0-based, ends exclusive, None = unbounded."""

    sheet: str | None
    r0: int = 0
    c0: int = 0
    r1: int | None = None
    c1: int | None = None
    single: bool = False  # "A1": an anchor, values may extend from it
    whole: bool = False  # no cell part: the whole tab


def quote_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", title
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_a1(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    start = f"{col_letters(c0)}{r0 + 1}"
    end = f"{col_letters(c1 - 1)}{r1}"
    cells = start if (r1 - r0 == 1 and c1 - c0 == 1) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"


def split_sheet(text: str) -> tuple[str | None, str | None]:
    text = text.strip()
    if text.startswith("'"):
        name: list[str] = []
        i = 1
        while True:
            if i >= len(text):
                raise ValueError("unterminated quote")
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                i += 1
                break
            name.append(ch)
            i += 1
        rest = text[i:]
        if rest == "":
            return "".join(name), None
        if not rest.startswith("!"):
            raise ValueError("junk after quoted sheet name")
        return "".join(name), rest[1:]
    if "!" in text:
        name_s, rest_s = text.rsplit("!", 1)
        return name_s, rest_s
    return None, text


def parse_cells(text: str) -> A1 | None:
    parts = text.split(":")
    if len(parts) > 2 or not text:
        return None
    a = _CELL_RE.match(parts[0])
    if not a or not (a.group(1) or a.group(2)):
        return None
    if len(parts) == 1:
        if not (a.group(1) and a.group(2)) or int(a.group(2)) < 1:
            return None
        r, c = int(a.group(2)) - 1, col_index(a.group(1))
        return A1(None, r, c, r + 1, c + 1, single=True)
    b = _CELL_RE.match(parts[1])
    if not b or not (b.group(1) or b.group(2)):
        return None
    if (a.group(2) and int(a.group(2)) < 1) or (b.group(2) and int(b.group(2)) < 1):
        return None
    r0 = int(a.group(2)) - 1 if a.group(2) else 0
    c0 = col_index(a.group(1)) if a.group(1) else 0
    r1 = int(b.group(2)) if b.group(2) else None
    c1 = col_index(b.group(1)) + 1 if b.group(1) else None
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    if not a.group(2) and b.group(2):  # "A:B5" behaves like A1:B5
        r0 = 0
    if not a.group(1) and b.group(1):
        c0 = 0
    return A1(None, r0, c0, r1, c1)


def parse_a1(text: str) -> A1:
    try:
        sheet, rest = split_sheet(text)
    except ValueError:
        raise ApiError(400, f"Unable to parse range: {text}") from None
    if rest is None:
        return A1(sheet, whole=True)
    cells = parse_cells(rest)
    if cells is None:
        if sheet is None:
            return A1(rest, whole=True)  # a bare tab name
        raise ApiError(400, f"Unable to parse range: {text}")
    cells.sheet = sheet
    return cells


# --- model --------------------------------------------------------------------------------


@dataclass
class Sheet:
    props: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    data_validations: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)  # EmbeddedChart resources
    formats: list[dict[str, Any]] = field(default_factory=list)  # the repeatCell log
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.props["sheetId"]

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def rows(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def clone(self) -> Sheet:
        return Sheet(
            props=copy.deepcopy(self.props),
            cells=dict(self.cells),
            conditional_formats=copy.deepcopy(self.conditional_formats),
            protected_ranges=copy.deepcopy(self.protected_ranges),
            data_validations=copy.deepcopy(self.data_validations),
            charts=copy.deepcopy(self.charts),
            formats=list(self.formats),
            row_meta=copy.deepcopy(self.row_meta),
            col_meta=copy.deepcopy(self.col_meta),
        )

    def extent(self) -> tuple[int, int]:
        """(rows, cols) up to the last non-empty cell."""
        if not self.cells:
            return 0, 0
        return max(r for r, _ in self.cells) + 1, max(c for _, c in self.cells) + 1

    def matrix(self, r0: int, c0: int, r1: int, c1: int, option: str, dt: str) -> list[list[Any]]:
        """Rendered values of a clipped box, trailing empties trimmed like the API."""
        out: list[list[Any]] = []
        if len(self.cells) < (r1 - r0) * (c1 - c0):
            by_row: dict[int, dict[int, Cell]] = {}
            for (r, c), cell in self.cells.items():
                if r0 <= r < r1 and c0 <= c < c1:
                    by_row.setdefault(r, {})[c] = cell
            last = max(by_row) if by_row else r0 - 1
            for r in range(r0, last + 1):
                row_cells = by_row.get(r, {})
                if not row_cells:
                    out.append([])
                    continue
                width = max(row_cells) + 1
                row = [
                    render(row_cells[c], option, dt) if c in row_cells else ""
                    for c in range(c0, width)
                ]
                while row and row[-1] == "":
                    row.pop()
                out.append(row)
            while out and not out[-1]:
                out.pop()
            return out
        for r in range(r0, r1):
            row = []
            for c in range(c0, c1):
                found = self.cells.get((r, c))
                row.append("" if found is None else render(found, option, dt))
            while row and row[-1] == "":
                row.pop()
            out.append(row)
        while out and not out[-1]:
            out.pop()
        return out

    def out_props(self) -> dict[str, Any]:
        props = copy.deepcopy(self.props)
        grid = props.get("gridProperties", {})
        for key in ("frozenRowCount", "frozenColumnCount"):
            if not grid.get(key):
                grid.pop(key, None)
        for key in ("hideGridlines",):
            if not grid.get(key):
                grid.pop(key, None)
        if not props.get("hidden"):
            props.pop("hidden", None)
        return props


@dataclass
class Spreadsheet:
    id: str
    props: dict[str, Any]
    sheets: list[Sheet]
    access: bool = True

    def sheet_by_title(self, title: str) -> Sheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        return None

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        for s in self.sheets:
            if s.id == sheet_id:
                return s
        return None

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.props["index"] = i

    def total_cells(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)


def new_sheet_props(sheet_id: int, title: str, index: int, rows: int, cols: int) -> dict[str, Any]:
    return {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    }


# --- the service ----------------------------------------------------------------------------


class SheetsState:
    """All spreadsheets, plus the v4 handlers."""

    def __init__(self, ids: IdMaker, on_change: Callable[[str, bool], None] | None = None):
        self.ids = ids
        self.spreadsheets: dict[str, Spreadsheet] = {}
        # Told (spreadsheet id, by the API?) on every change: API writes are the account's,
        # helper edits are staff typing (Drive's lastModifyingUser tells them apart).
        self.on_change = on_change or (lambda _id, _api: None)

    # --- helpers (test-facing) ------------------------------------------------------------

    def create(
        self,
        title: str,
        tabs: tuple[str, ...] | list[str] = ("Sheet1",),
        rows: int = DEFAULT_ROWS,
        cols: int = DEFAULT_COLS,
        locale: str = "en_US",
        time_zone: str = "Asia/Bangkok",
        spreadsheet_id: str | None = None,
    ) -> str:
        sid = spreadsheet_id or self.ids.long()
        sheets = [
            Sheet(new_sheet_props(0 if i == 0 else self.ids.sheet_id(), tab, i, rows, cols))
            for i, tab in enumerate(tabs)
        ]
        self.spreadsheets[sid] = Spreadsheet(
            id=sid,
            props={
                "title": title,
                "locale": locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": time_zone,
                "defaultFormat": {
                    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
                    "verticalAlignment": "BOTTOM",
                    "wrapStrategy": "OVERFLOW_CELL",
                    "textFormat": {"fontFamily": "arial,sans,sans-serif", "fontSize": 10},
                },
            },
            sheets=sheets,
        )
        return sid

    def book(self, spreadsheet_id: str) -> Spreadsheet:
        try:
            return self.spreadsheets[spreadsheet_id]
        except KeyError:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r}") from None

    def tab(self, spreadsheet_id: str, title: str) -> Sheet:
        sheet = self.book(spreadsheet_id).sheet_by_title(title)
        if sheet is None:
            raise KeyError(f"no tab {title!r} in spreadsheet {spreadsheet_id}")
        return sheet

    def add_tab(
        self, spreadsheet_id: str, title: str, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS
    ) -> int:
        book = self.book(spreadsheet_id)
        sheet = Sheet(new_sheet_props(self.ids.sheet_id(), title, len(book.sheets), rows, cols))
        book.sheets.append(sheet)
        return sheet.id

    def set_cell(
        self, spreadsheet_id: str, tab: str, a1: str, value: Any, user_entered: bool = True
    ) -> None:
        sheet = self.tab(spreadsheet_id, tab)
        rng = parse_cells(a1)
        if rng is None or not rng.single:
            raise ValueError(f"not a single cell: {a1!r}")
        if rng.r0 >= sheet.rows or rng.c0 >= sheet.cols:
            raise ValueError(f"{a1} is outside the grid of {tab!r}")
        cell = parse_input(value, "USER_ENTERED" if user_entered else "RAW")
        if cell is SKIP or cell is None:
            sheet.cells.pop((rng.r0, rng.c0), None)
        else:
            assert isinstance(cell, Cell)
            sheet.cells[(rng.r0, rng.c0)] = cell
        self.on_change(spreadsheet_id, False)

    def values(
        self, spreadsheet_id: str, tab: str, render_option: str = "FORMATTED_VALUE"
    ) -> list[list[Any]]:
        sheet = self.tab(spreadsheet_id, tab)
        return sheet.matrix(0, 0, sheet.rows, sheet.cols, render_option, "SERIAL_NUMBER")

    def formulas(self, spreadsheet_id: str, tab: str) -> dict[str, str]:
        sheet = self.tab(spreadsheet_id, tab)
        return {
            f"{col_letters(c)}{r + 1}": cell.formula
            for (r, c), cell in sorted(sheet.cells.items())
            if cell.formula is not None
        }

    def export_csv(self, spreadsheet_id: str, delimiter: str = ",") -> bytes:
        sheet = self.book(spreadsheet_id).sheets[0]
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        for row in sheet.matrix(0, 0, sheet.rows, sheet.cols, "FORMATTED_VALUE", "SERIAL_NUMBER"):
            writer.writerow(row)
        return buf.getvalue().encode("utf-8")

    def lookup(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        if not book.access:
            raise ApiError(403, "The caller does not have permission")
        return book

    @staticmethod
    def resolve(book: Spreadsheet, text: str) -> tuple[Sheet, A1]:
        rng = parse_a1(text)
        if rng.sheet is None:
            sheet = book.sheets[0]
        else:
            found = book.sheet_by_title(rng.sheet)
            if found is None:
                raise ApiError(400, f"Unable to parse range: {text}")
            sheet = found
        return sheet, rng

    # --- values ---------------------------------------------------------------------------

    def read(
        self, book: Spreadsheet, text: str, major: str, option: str, dt: str
    ) -> dict[str, Any]:
        sheet, rng = self.resolve(book, text)
        r1 = min(rng.r1 if rng.r1 is not None else sheet.rows, sheet.rows)
        c1 = min(rng.c1 if rng.c1 is not None else sheet.cols, sheet.cols)
        r0, c0 = min(rng.r0, r1), min(rng.c0, c1)
        if r1 > r0 and c1 > c0:
            label = format_a1(sheet.title, r0, c0, r1, c1)
            values = sheet.matrix(r0, c0, r1, c1, option, dt)
        else:
            label = quote_title(sheet.title)
            values = []
        if major == "COLUMNS" and values:
            width = max(len(r) for r in values)
            cols = [[row[i] if i < len(row) else "" for row in values] for i in range(width)]
            values = []
            for col in cols:
                while col and col[-1] == "":
                    col.pop()
                values.append(col)
        out: dict[str, Any] = {"range": label, "majorDimension": major}
        if values:
            out["values"] = values
        return out

    def write(
        self,
        book: Spreadsheet,
        text: str,
        values: list[list[Any]] | None,
        major: str | None,
        option: str,
    ) -> dict[str, Any]:
        sheet, rng = self.resolve(book, text)
        rows = [list(r) if isinstance(r, list) else [r] for r in (values or [])]
        if major == "COLUMNS" and rows:
            width = max(len(r) for r in rows)
            rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        result: dict[str, Any] = {"spreadsheetId": book.id}
        if height == 0 or width == 0:
            result["updatedRange"] = quote_title(sheet.title) if rng.whole else text
            return result
        if not rng.single and not rng.whole:
            if rng.r1 is not None and rng.r0 + height > rng.r1:
                raise ApiError(
                    400,
                    f"Requested writing within range [{text}], but tried writing to row "
                    f"[{rng.r0 + height}]",
                )
            if rng.c1 is not None and rng.c0 + width > rng.c1:
                raise ApiError(
                    400,
                    f"Requested writing within range [{text}], but tried writing to column "
                    f"[{col_letters(rng.c0 + width - 1)}]",
                )
        if rng.r0 + height > sheet.rows or rng.c0 + width > sheet.cols:
            raise ApiError(
                400,
                f"Range ({format_a1(sheet.title, rng.r0, rng.c0, rng.r0 + height, rng.c0 + width)}) "
                f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}",
            )
        count = 0
        for i, row in enumerate(rows):
            for j, raw in enumerate(row):
                cell = parse_input(raw, option)
                if cell is SKIP:
                    continue
                key = (rng.r0 + i, rng.c0 + j)
                count += 1
                if cell is None:
                    sheet.cells.pop(key, None)
                else:
                    assert isinstance(cell, Cell)
                    old = sheet.cells.get(key)
                    sheet.cells[key] = replace(cell, note=old.note) if old and old.note else cell
        result.update(
            {
                "updatedRange": format_a1(
                    sheet.title, rng.r0, rng.c0, rng.r0 + height, rng.c0 + width
                ),
                "updatedRows": height,
                "updatedColumns": width,
                "updatedCells": count,
            }
        )
        return result

    def clear(self, book: Spreadsheet, text: str) -> str:
        sheet, rng = self.resolve(book, text)
        r1 = min(rng.r1 if rng.r1 is not None else sheet.rows, sheet.rows)
        c1 = min(rng.c1 if rng.c1 is not None else sheet.cols, sheet.cols)
        for key in [k for k in sheet.cells if rng.r0 <= k[0] < r1 and rng.c0 <= k[1] < c1]:
            cell = sheet.cells[key]
            if cell.note:
                sheet.cells[key] = Cell("", note=cell.note)
            else:
                del sheet.cells[key]
        if r1 <= rng.r0 or c1 <= rng.c0:
            return quote_title(sheet.title)
        return format_a1(sheet.title, rng.r0, rng.c0, r1, c1)

    # --- dispatch -------------------------------------------------------------------------

    def handle(self, match: Match, headers: dict[str, str]) -> Reply:
        name = match.id.removeprefix("sheets.spreadsheets.")
        handler = {
            "get": self.get_api,
            "batchUpdate": self.batch_update_api,
            "values.get": self.values_get,
            "values.batchGet": self.values_batch_get,
            "values.update": self.values_update,
            "values.batchUpdate": self.values_batch_update,
            "values.append": self.values_append,
            "values.clear": self.values_clear,
            "values.batchClear": self.values_batch_clear,
        }.get(name)
        if handler is None:  # spreadsheets.create, developerMetadata, sheets.copyTo ...
            raise ApiError(
                501, f"[fake] {match.id} is not implemented by the fake", "notImplemented"
            )
        book = self.lookup(match.path_params["spreadsheetId"])
        if match.method.http_method == "GET":
            return handler(book, match)
        snapshot = [s.clone() for s in book.sheets], copy.deepcopy(book.props)
        try:
            reply = handler(book, match)
        except ApiError:
            book.sheets, book.props = snapshot  # all-or-nothing, like Google
            raise
        self.on_change(book.id, True)
        return reply

    # --- spreadsheets.get / create --------------------------------------------------------

    def resource(
        self, book: Spreadsheet, include_grid: bool = False, ranges: list[str] | None = None
    ) -> dict[str, Any]:
        wanted: dict[int, list[A1]] | None = None
        if ranges:
            wanted = {}
            for text in ranges:
                sheet, rng = self.resolve(book, text)
                wanted.setdefault(sheet.id, []).append(rng)
        sheets_out = []
        for sheet in book.sheets:
            if wanted is not None and sheet.id not in wanted:
                continue
            item: dict[str, Any] = {"properties": sheet.out_props()}
            if sheet.conditional_formats:
                item["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
            if sheet.protected_ranges:
                item["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
            if sheet.charts:
                item["charts"] = copy.deepcopy(sheet.charts)
            if include_grid:
                boxes = wanted.get(sheet.id) if wanted else [A1(sheet.title, whole=True)]
                item["data"] = [self.grid_data(book, sheet, rng) for rng in boxes or []]
            sheets_out.append(item)
        out: dict[str, Any] = {
            "spreadsheetId": book.id,
            "properties": copy.deepcopy(book.props),
            "sheets": sheets_out,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.id}/edit",
        }
        return out

    def grid_data(self, book: Spreadsheet, sheet: Sheet, rng: A1) -> dict[str, Any]:
        r1 = min(rng.r1 if rng.r1 is not None else sheet.rows, sheet.rows)
        c1 = min(rng.c1 if rng.c1 is not None else sheet.cols, sheet.cols)
        r0, c0 = rng.r0, rng.c0
        rr1, cc1 = r1, c1
        if (r1 - r0) * (c1 - c0) > 200_000:  # big boxes: only as far as there are values
            rows_used, cols_used = sheet.extent()
            rr1, cc1 = min(r1, max(rows_used, r0)), min(c1, max(cols_used, c0))
        default = book.props.get("defaultFormat") or {}
        row_data: list[dict[str, Any]] = []
        for r in range(r0, rr1):
            values = [self.cell_data(sheet, r, c, default) for c in range(c0, cc1)]
            while values and not values[-1]:
                values.pop()
            row_data.append({"values": values} if values else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        out: dict[str, Any] = {"startRow": r0, "startColumn": c0} if (r0 or c0) else {}
        if row_data:
            out["rowData"] = row_data
        out["rowMetadata"] = [
            {"pixelSize": DEFAULT_ROW_PX, **sheet.row_meta.get(r, {})} for r in range(r0, r1)
        ]
        out["columnMetadata"] = [
            {"pixelSize": DEFAULT_COL_PX, **sheet.col_meta.get(c, {})} for c in range(c0, c1)
        ]
        return out

    def cell_data(
        self, sheet: Sheet, r: int, c: int, default_format: dict[str, Any]
    ) -> dict[str, Any]:
        cell = sheet.cells.get((r, c))
        cd: dict[str, Any] = {}
        has_value = cell is not None and not (cell.value == "" and cell.formula is None)
        if has_value:
            assert cell is not None
            cd["userEnteredValue"] = extended_value(cell, effective=False)
            cd["effectiveValue"] = extended_value(cell, effective=True)
            cd["formattedValue"] = render(cell, "FORMATTED_VALUE")
        fmt = user_format(sheet, r, c) if sheet.formats else {}
        if fmt:
            cd["userEnteredFormat"] = fmt
        if has_value or fmt:
            cd["effectiveFormat"] = deep_merge(default_format, fmt)
        if cell is not None and cell.note:
            cd["note"] = cell.note
        rule = self.validation_at(sheet, r, c)
        if rule is not None:
            cd["dataValidation"] = copy.deepcopy(rule)
        return cd

    @staticmethod
    def validation_at(sheet: Sheet, r: int, c: int) -> dict[str, Any] | None:
        for v in reversed(sheet.data_validations):
            g = v["range"]
            if g.get("startRowIndex", 0) <= r < g.get("endRowIndex", sheet.rows) and g.get(
                "startColumnIndex", 0
            ) <= c < g.get("endColumnIndex", sheet.cols):
                return v["rule"]
        return None

    def get_api(self, book: Spreadsheet, match: Match) -> Reply:
        include = match.flag("includeGridData")
        fields = match.param("fields")
        if fields:  # "includeGridData is ignored if a field mask was set"
            tree = parse_fields(fields)
            sheets = tree.get("sheets", {}) if "*" not in tree else None
            include = sheets is None or "*" in sheets or "data" in sheets
        return Reply(self.resource(book, include, match.params("ranges") or None))

    # --- values.* -------------------------------------------------------------------------

    @staticmethod
    def _input_option(value: str | None) -> str:
        if not value:
            raise ApiError(400, "'valueInputOption' is required but not specified")
        if value not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, f"Invalid valueInputOption: {value}")
        return value

    @staticmethod
    def _major(value: str | None) -> str:
        return "COLUMNS" if value == "COLUMNS" else "ROWS"

    def values_get(self, book: Spreadsheet, match: Match) -> Reply:
        return Reply(
            self.read(
                book,
                match.path_params["range"],
                self._major(match.param("majorDimension")),
                match.param("valueRenderOption") or "FORMATTED_VALUE",
                match.param("dateTimeRenderOption") or "SERIAL_NUMBER",
            )
        )

    def values_batch_get(self, book: Spreadsheet, match: Match) -> Reply:
        major = self._major(match.param("majorDimension"))
        option = match.param("valueRenderOption") or "FORMATTED_VALUE"
        dt = match.param("dateTimeRenderOption") or "SERIAL_NUMBER"
        ranges = [self.read(book, r, major, option, dt) for r in match.params("ranges")]
        return Reply({"spreadsheetId": book.id, "valueRanges": ranges})

    def _updated_data(
        self, book: Spreadsheet, result: dict[str, Any], option: str | None, dt: str | None
    ) -> dict[str, Any]:
        return self.read(
            book, result["updatedRange"], "ROWS", option or "FORMATTED_VALUE", dt or "SERIAL_NUMBER"
        )

    def values_update(self, book: Spreadsheet, match: Match) -> Reply:
        option = self._input_option(match.param("valueInputOption"))
        body = match.body or {}
        text = match.path_params["range"]
        if body.get("range") and parse_a1(body["range"]) != parse_a1(text):
            raise ApiError(
                400,
                f"Requested range [{text}] does not match the range in the body [{body['range']}]",
            )
        result = self.write(book, text, body.get("values"), body.get("majorDimension"), option)
        if match.flag("includeValuesInResponse") and "updatedRows" in result:
            result["updatedData"] = self._updated_data(
                book,
                result,
                match.param("responseValueRenderOption"),
                match.param("responseDateTimeRenderOption"),
            )
        return Reply(result)

    def values_batch_update(self, book: Spreadsheet, match: Match) -> Reply:
        body = match.body or {}
        option = self._input_option(body.get("valueInputOption"))
        responses = []
        for vr in body.get("data") or []:
            if not vr.get("range"):
                raise ApiError(400, "Invalid data[0]: range is required")
            result = self.write(
                book, vr["range"], vr.get("values"), vr.get("majorDimension"), option
            )
            if body.get("includeValuesInResponse") and "updatedRows" in result:
                result["updatedData"] = self._updated_data(
                    book,
                    result,
                    body.get("responseValueRenderOption"),
                    body.get("responseDateTimeRenderOption"),
                )
            responses.append(result)
        written = [r for r in responses if "updatedRows" in r]
        out: dict[str, Any] = {"spreadsheetId": book.id}
        if written:
            out.update(
                {
                    "totalUpdatedRows": sum(r["updatedRows"] for r in written),
                    "totalUpdatedColumns": sum(r["updatedColumns"] for r in written),
                    "totalUpdatedCells": sum(r["updatedCells"] for r in written),
                    "totalUpdatedSheets": len(
                        {r["updatedRange"].rsplit("!", 1)[0] for r in written}
                    ),
                }
            )
        out["responses"] = responses
        return Reply(out)

    def values_append(self, book: Spreadsheet, match: Match) -> Reply:
        option = self._input_option(match.param("valueInputOption"))
        insert = match.param("insertDataOption") or "OVERWRITE"
        body = match.body or {}
        text = match.path_params["range"]
        sheet, rng = self.resolve(book, text)
        rows = [list(r) for r in (body.get("values") or [])]
        if body.get("majorDimension") == "COLUMNS" and rows:
            width = max(len(r) for r in rows)
            rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
        # The "table" is the run of non-empty rows starting at the range's first row; the
        # values go in the row after it (so a blank row inside the data is filled first).
        c_lo = rng.c0
        span = (0, sheet.cols) if (rng.single or rng.whole) else (c_lo, rng.c1 or sheet.cols)
        filled: dict[int, list[int]] = {}
        for (r, c), cell in sheet.cells.items():
            if span[0] <= c < span[1] and r >= rng.r0 and has_value(cell):
                filled.setdefault(r, []).append(c)
        start = rng.r0
        while start in filled:
            start += 1
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        out: dict[str, Any] = {"spreadsheetId": book.id}
        if start > rng.r0:
            t_cols = [c for r in range(rng.r0, start) for c in filled[r]]
            out["tableRange"] = format_a1(sheet.title, rng.r0, min(t_cols), start, max(t_cols) + 1)
        if height == 0 or width == 0:
            out["updates"] = {"spreadsheetId": book.id}
            return Reply(out)
        if insert == "INSERT_ROWS":
            shift(sheet, "ROWS", start, height)
            sheet.props["gridProperties"]["rowCount"] += height
        grid = sheet.props["gridProperties"]
        grid["rowCount"] = max(grid["rowCount"], start + height)
        grid["columnCount"] = max(grid["columnCount"], c_lo + width)
        check_limit(book, "")
        target = format_a1(sheet.title, start, c_lo, start + height, c_lo + width)
        result = self.write(book, target, rows, "ROWS", option)
        result.pop("spreadsheetId", None)
        out["updates"] = {"spreadsheetId": book.id, **result}
        if match.flag("includeValuesInResponse"):
            out["updates"]["updatedData"] = self._updated_data(
                book,
                result,
                match.param("responseValueRenderOption"),
                match.param("responseDateTimeRenderOption"),
            )
        return Reply(out)

    def values_clear(self, book: Spreadsheet, match: Match) -> Reply:
        return Reply(
            {"spreadsheetId": book.id, "clearedRange": self.clear(book, match.path_params["range"])}
        )

    def values_batch_clear(self, book: Spreadsheet, match: Match) -> Reply:
        ranges = (match.body or {}).get("ranges") or []
        return Reply(
            {"spreadsheetId": book.id, "clearedRanges": [self.clear(book, r) for r in ranges]}
        )

    # --- spreadsheets.batchUpdate ---------------------------------------------------------

    def batch_update_api(self, book: Spreadsheet, match: Match) -> Reply:
        body = match.body or {}
        requests = body.get("requests") or []
        replies = []
        for i, request in enumerate(requests):
            kinds = [k for k, v in request.items() if v is not None]
            if len(kinds) != 1:
                raise ApiError(
                    400, f"Invalid requests[{i}]: exactly one request kind must be set, got {kinds}"
                )
            kind = kinds[0]
            handler = getattr(BatchRequests, kind, None)
            if handler is None:
                raise ApiError(
                    400, f"Invalid requests[{i}]: [fake] request kind '{kind}' is not implemented"
                )
            ctx = BatchContext(self, book, f"Invalid requests[{i}].{kind}")
            replies.append(handler(ctx, request[kind]) or {})
        out: dict[str, Any] = {"spreadsheetId": book.id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            out["updatedSpreadsheet"] = self.resource(
                book, bool(body.get("responseIncludeGridData")), body.get("responseRanges")
            )
        return Reply(out)


# --- batchUpdate requests ---------------------------------------------------------------------


@dataclass
class BatchContext:
    state: SheetsState
    book: Spreadsheet
    where: str

    def fail(self, message: str) -> ApiError:
        return ApiError(400, f"{self.where}: {message}")

    def sheet(self, sheet_id: int | None) -> Sheet:
        sheet = self.book.sheet_by_id(sheet_id or 0)
        if sheet is None:
            raise self.fail(f"No grid with id: {sheet_id or 0}")
        return sheet

    def grid(
        self, gr: dict[str, Any] | None, strict: bool = True
    ) -> tuple[Sheet, int, int, int, int]:
        gr = gr or {}
        sheet = self.sheet(gr.get("sheetId"))
        r0 = gr.get("startRowIndex") or 0
        c0 = gr.get("startColumnIndex") or 0
        r1 = gr.get("endRowIndex")
        c1 = gr.get("endColumnIndex")
        r1 = sheet.rows if r1 is None else r1
        c1 = sheet.cols if c1 is None else c1
        if min(r0, c0, r1, c1) < 0 or r1 < r0 or c1 < c0:
            raise self.fail(f"invalid GridRange {gr}")
        if strict and (r1 > sheet.rows or c1 > sheet.cols):
            raise self.fail(
                f"Range ({format_a1(sheet.title, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1))}) "
                f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}"
            )
        return sheet, r0, min(r1, sheet.rows), c0, min(c1, sheet.cols)

    def dimension(self, dr: dict[str, Any] | None) -> tuple[Sheet, str, int, int]:
        dr = dr or {}
        sheet = self.sheet(dr.get("sheetId"))
        dim = dr.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise self.fail("dimension must be ROWS or COLUMNS")
        count = sheet.rows if dim == "ROWS" else sheet.cols
        start = dr.get("startIndex") or 0
        end = dr.get("endIndex")
        end = count if end is None else end
        if start < 0 or end < start or end > count:
            raise self.fail(
                f"Invalid dimension range [{start}, {end}) on a sheet with {count} {dim.lower()}"
            )
        return sheet, dim, start, end


def check_limit(book: Spreadsheet, where: str) -> None:
    if book.total_cells() > CELL_LIMIT:
        prefix = f"{where}: " if where else ""
        raise ApiError(
            400,
            f"{prefix}This action would increase the number of cells in the workbook above the "
            f"limit of {CELL_LIMIT} cells.",
        )


def shift(sheet: Sheet, dim: str, at: int, n: int) -> None:
    """Insert (n > 0) or delete (n < 0, the band [at, at-n)) rows/columns of cells."""
    axis = 0 if dim == "ROWS" else 1
    new: dict[tuple[int, int], Cell] = {}
    for key, cell in sheet.cells.items():
        pos = key[axis]
        if n < 0 and at <= pos < at - n:
            continue
        if pos >= at:
            pos += n
        new[(pos, key[1]) if axis == 0 else (key[0], pos)] = cell
    sheet.cells = new
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    moved = {}
    for pos, m in meta.items():
        if n < 0 and at <= pos < at - n:
            continue
        moved[pos + n if pos >= at else pos] = m
    meta.clear()
    meta.update(moved)


def mask_tree(ctx: BatchContext | None, fields: str) -> FieldTree:
    """Parse a FieldMask ("a/b,c", "a.b", "userEnteredFormat(textFormat,backgroundColor)")."""
    try:
        return parse_fields(fields)
    except Violation:
        raise ApiError(
            400, f"{ctx.where + ': ' if ctx else ''}Invalid field mask: {fields!r}"
        ) from None


def merge_mask(target: dict[str, Any], source: dict[str, Any], tree: FieldTree) -> None:
    """Copy the masked fields from source to target; a masked field absent from the
    source is cleared (FieldMask update semantics)."""
    for key, sub in tree.items():
        if key == "*":
            keep = {k: v for k, v in target.items() if k == "sheetId"}
            target.clear()
            target.update(copy.deepcopy(source))
            target.update(keep)
            continue
        if sub is None:
            if key in source:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
            continue
        src = source.get(key)
        dst = target.get(key)
        if not isinstance(dst, dict):
            dst = target[key] = {}
        merge_mask(dst, src if isinstance(src, dict) else {}, sub)
        if not dst:
            target.pop(key, None)


def apply_mask(
    target: dict[str, Any], source: dict[str, Any], fields: str, keep: tuple[str, ...] = ()
) -> None:
    saved = {k: target[k] for k in keep if k in target}
    merge_mask(target, source, mask_tree(None, fields))
    target.update(saved)


def _fields_required(ctx: BatchContext, req: dict[str, Any]) -> str:
    fields = req.get("fields")
    if not fields:
        raise ctx.fail("At least one field must be updated, but 'fields' is empty")
    mask_tree(ctx, fields)
    return fields


def _write_note(sheet: Sheet, r: int, c: int, note: str | None) -> None:
    old = sheet.cells.get((r, c))
    if old is None:
        if note:
            sheet.cells[(r, c)] = Cell("", note=note)
    elif old.value == "" and old.formula is None and not note:
        del sheet.cells[(r, c)]
    else:
        sheet.cells[(r, c)] = replace(old, note=note)


def covers(gr: dict[str, Any], sheet: Sheet, r: int, c: int) -> bool:
    r1 = gr.get("endRowIndex")
    c1 = gr.get("endColumnIndex")
    r1 = sheet.rows if r1 is None else r1
    c1 = sheet.cols if c1 is None else c1
    return (gr.get("startRowIndex") or 0) <= r < r1 and (gr.get("startColumnIndex") or 0) <= c < c1


def user_format(sheet: Sheet, r: int, c: int) -> dict[str, Any]:
    """The cell's userEnteredFormat, replayed from the repeatCell log."""
    holder: dict[str, Any] = {}
    for op in sheet.formats:
        tree = op["tree"]
        if "userEnteredFormat" in tree and covers(op["range"], sheet, r, c):
            merge_mask(holder, op["cell"], {"userEnteredFormat": tree["userEnteredFormat"]})
    return holder.get("userEnteredFormat", {})


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class BatchRequests:
    """One static method per supported ``Request`` kind; each returns its reply.

    The kinds gsync's Sheet sink sends (``gsync/sinks/google_sheet.py``): addSheet,
    updateSheetProperties, appendDimension, updateDimensionProperties, repeatCell,
    addConditionalFormatRule, deleteConditionalFormatRule, setDataValidation,
    addProtectedRange, deleteProtectedRange, addChart. Kept although gsync does not send them,
    because tests play staff editing the master with them: deleteSheet (a tab staff deleted,
    which gsync recreates; gspread's del_worksheet), insertDimension / deleteDimension (rows
    staff inserted or deleted; gspread's insert_rows / delete_rows) and updateCells for notes
    (gspread's update_note). Every other kind is a 400 "[fake] ... is not implemented".
    """

    @staticmethod
    def addSheet(ctx: BatchContext, req: dict[str, Any]) -> dict[str, Any]:
        book = ctx.book
        props = copy.deepcopy(req.get("properties") or {})
        title = props.get("title")
        if title is None:
            n = len(book.sheets) + 1
            while book.sheet_by_title(f"Sheet{n}"):
                n += 1
            title = f"Sheet{n}"
        if book.sheet_by_title(title) is not None:
            raise ctx.fail(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = ctx.state.ids.sheet_id()
        elif book.sheet_by_id(sheet_id) is not None or sheet_id < 0:
            raise ctx.fail(f"Sheet with id {sheet_id} already exists (or is negative).")
        grid = props.get("gridProperties") or {}
        rows = grid.get("rowCount", DEFAULT_ROWS)
        cols = grid.get("columnCount", DEFAULT_COLS)
        if rows < 1 or cols < 1:
            raise ctx.fail("rowCount and columnCount must be positive")
        index = props.get("index", len(book.sheets))
        index = max(0, min(index, len(book.sheets)))
        new_props = new_sheet_props(sheet_id, title, index, rows, cols)
        for key in ("frozenRowCount", "frozenColumnCount", "hideGridlines"):
            if key in grid:
                new_props["gridProperties"][key] = grid[key]
        for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
            if key in props:
                new_props[key] = props[key]
        sheet = Sheet(new_props)
        book.sheets.insert(index, sheet)
        book.reindex()
        check_limit(book, ctx.where)
        return {"addSheet": {"properties": sheet.out_props()}}

    @staticmethod
    def deleteSheet(ctx: BatchContext, req: dict[str, Any]) -> None:
        sheet = ctx.sheet(req.get("sheetId"))
        if len(ctx.book.sheets) == 1:
            raise ctx.fail("You can't remove all the sheets in a document.")
        ctx.book.sheets.remove(sheet)
        ctx.book.reindex()

    @staticmethod
    def updateSheetProperties(ctx: BatchContext, req: dict[str, Any]) -> None:
        fields = _fields_required(ctx, req)
        props = req.get("properties") or {}
        sheet = ctx.sheet(props.get("sheetId"))
        old_title = sheet.title
        new = copy.deepcopy(sheet.props)
        apply_mask(new, props, fields, keep=("sheetId",))
        new.setdefault("gridProperties", {})
        grid = new["gridProperties"]
        grid.setdefault("rowCount", sheet.rows)
        grid.setdefault("columnCount", sheet.cols)
        title = new.get("title")
        if not title:
            raise ctx.fail("A sheet needs a title")
        if title != old_title and ctx.book.sheet_by_title(title) is not None:
            raise ctx.fail(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        if grid["rowCount"] < 1 or grid["columnCount"] < 1:
            raise ctx.fail("rowCount and columnCount must be positive")
        if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
            raise ctx.fail("You can't freeze all visible rows on the sheet.")
        if grid.get("frozenColumnCount", 0) >= grid["columnCount"]:
            raise ctx.fail("You can't freeze all visible columns on the sheet.")
        if new.get("hidden") and all(
            s.props.get("hidden") for s in ctx.book.sheets if s is not sheet
        ):
            raise ctx.fail("You can't hide all the sheets in a document.")
        index = new.get("index", sheet.props["index"])
        sheet.props = new
        for r, c in [
            k for k in sheet.cells if k[0] >= grid["rowCount"] or k[1] >= grid["columnCount"]
        ]:
            del sheet.cells[(r, c)]
        if index != ctx.book.sheets.index(sheet):
            ctx.book.sheets.remove(sheet)
            ctx.book.sheets.insert(max(0, min(index, len(ctx.book.sheets))), sheet)
        ctx.book.reindex()
        check_limit(ctx.book, ctx.where)

    @staticmethod
    def updateDimensionProperties(ctx: BatchContext, req: dict[str, Any]) -> None:
        fields = _fields_required(ctx, req)
        sheet, dim, start, end = ctx.dimension(req.get("range"))
        meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
        for i in range(start, end):
            entry = meta.setdefault(i, {})
            apply_mask(entry, req.get("properties") or {}, fields)

    @staticmethod
    def appendDimension(ctx: BatchContext, req: dict[str, Any]) -> None:
        sheet = ctx.sheet(req.get("sheetId"))
        length = req.get("length") or 0
        if length < 1:
            raise ctx.fail("length must be positive")
        key = "rowCount" if req.get("dimension") == "ROWS" else "columnCount"
        if req.get("dimension") not in ("ROWS", "COLUMNS"):
            raise ctx.fail("dimension must be ROWS or COLUMNS")
        sheet.props["gridProperties"][key] += length
        check_limit(ctx.book, ctx.where)

    @staticmethod
    def insertDimension(ctx: BatchContext, req: dict[str, Any]) -> None:
        rng = req.get("range") or {}
        sheet = ctx.sheet(rng.get("sheetId"))
        dim = rng.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise ctx.fail("dimension must be ROWS or COLUMNS")
        count = sheet.rows if dim == "ROWS" else sheet.cols
        start, end = rng.get("startIndex") or 0, rng.get("endIndex") or 0
        if start < 0 or end <= start or start > count:
            raise ctx.fail(f"Invalid dimension range [{start}, {end})")
        if req.get("inheritFromBefore") and start == 0:
            raise ctx.fail("Cannot inherit from before when inserting at index 0")
        shift(sheet, dim, start, end - start)
        sheet.props["gridProperties"]["rowCount" if dim == "ROWS" else "columnCount"] += end - start
        check_limit(ctx.book, ctx.where)

    @staticmethod
    def deleteDimension(ctx: BatchContext, req: dict[str, Any]) -> None:
        sheet, dim, start, end = ctx.dimension(req.get("range"))
        count = sheet.rows if dim == "ROWS" else sheet.cols
        if end - start >= count:
            raise ctx.fail(f"You can't delete all the {dim.lower()} on the sheet.")
        shift(sheet, dim, start, -(end - start))
        grid = sheet.props["gridProperties"]
        key = "rowCount" if dim == "ROWS" else "columnCount"
        grid[key] -= end - start
        frozen = "frozenRowCount" if dim == "ROWS" else "frozenColumnCount"
        if grid.get(frozen, 0) >= grid[key]:
            grid[frozen] = grid[key] - 1

    @staticmethod
    def repeatCell(ctx: BatchContext, req: dict[str, Any]) -> None:
        """Formats (the log :func:`user_format` replays) and validations. gsync writes values
        through values.* only, so a mask naming values or notes is not implemented."""
        fields = _fields_required(ctx, req)
        tree = mask_tree(ctx, fields)
        if "*" in tree or "userEnteredValue" in tree or "note" in tree:
            raise ctx.fail(f"[fake] repeatCell with fields {fields!r} is not implemented")
        sheet = ctx.grid(req.get("range"), strict=False)[0]
        gr = dict(req.get("range") or {})
        gr.setdefault("sheetId", sheet.id)
        cd = req.get("cell") or {}
        sheet.formats.append(
            {"kind": "repeatCell", "range": gr, "cell": cd, "fields": fields, "tree": tree}
        )
        if "dataValidation" in tree:
            BatchRequests.setDataValidation(
                ctx, {"range": req.get("range"), "rule": cd.get("dataValidation")}
            )

    @staticmethod
    def updateCells(ctx: BatchContext, req: dict[str, Any]) -> None:
        """Notes only (``fields="note"`` over a ``range``): what gspread's update_note /
        clear_note send. Kept for the fake's own gspread test of a staff member's note; gsync
        sends no updateCells."""
        fields = _fields_required(ctx, req)
        if fields != "note" or req.get("range") is None:
            raise ctx.fail("[fake] updateCells is implemented for fields='note' over a range only")
        rows = req.get("rows") or []
        sheet, r0, r1, c0, c1 = ctx.grid(req["range"])
        for i, rd in enumerate(rows):
            for j, cd in enumerate(rd.get("values") or []):
                if r0 + i >= r1 or c0 + j >= c1:
                    raise ctx.fail(f"Attempting to write row: {r0 + i}, beyond the requested range")
                _write_note(sheet, r0 + i, c0 + j, (cd or {}).get("note") or None)
        for r, c in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
            i, j = r - r0, c - c0
            if i >= len(rows) or j >= len(rows[i].get("values") or []):
                _write_note(sheet, r, c, None)  # cells in range but not in rows are cleared

    @staticmethod
    def addConditionalFormatRule(ctx: BatchContext, req: dict[str, Any]) -> None:
        rule = copy.deepcopy(req.get("rule") or {})
        ranges = rule.get("ranges") or []
        if not ranges:
            raise ctx.fail("A conditional format rule needs at least one range")
        if not (rule.get("booleanRule") or rule.get("gradientRule")):
            raise ctx.fail("A conditional format rule needs a booleanRule or a gradientRule")
        sheets = {ctx.grid(g, strict=False)[0].id for g in ranges}
        if len(sheets) != 1:
            raise ctx.fail("All ranges of a conditional format rule must be on one sheet")
        sheet = ctx.sheet(sheets.pop())
        for g in rule["ranges"]:
            g.setdefault("sheetId", sheet.id)
        index = req.get("index") or 0
        if index > len(sheet.conditional_formats):
            raise ctx.fail(
                f"index {index} is out of bounds ({len(sheet.conditional_formats)} rules)"
            )
        sheet.conditional_formats.insert(index, rule)

    @staticmethod
    def deleteConditionalFormatRule(ctx: BatchContext, req: dict[str, Any]) -> dict[str, Any]:
        sheet = ctx.sheet(req.get("sheetId"))
        index = req.get("index") or 0
        if index >= len(sheet.conditional_formats):
            raise ctx.fail(f"No conditional format on sheet {sheet.id} at index {index}")
        return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}

    @staticmethod
    def addProtectedRange(ctx: BatchContext, req: dict[str, Any]) -> dict[str, Any]:
        pr = copy.deepcopy(req.get("protectedRange") or {})
        sheet = ctx.grid(pr.get("range"))[0]
        pr.setdefault("range", {}).setdefault("sheetId", sheet.id)
        pr["protectedRangeId"] = ctx.state.ids.sheet_id()
        pr.setdefault("requestingUserCanEdit", True)
        sheet.protected_ranges.append(pr)
        return {"addProtectedRange": {"protectedRange": pr}}

    @staticmethod
    def deleteProtectedRange(ctx: BatchContext, req: dict[str, Any]) -> None:
        pid = req.get("protectedRangeId")
        for sheet in ctx.book.sheets:
            for pr in sheet.protected_ranges:
                if pr["protectedRangeId"] == pid:
                    sheet.protected_ranges.remove(pr)
                    return
        raise ctx.fail(f"No protected range with id: {pid}")

    @staticmethod
    def addChart(ctx: BatchContext, req: dict[str, Any]) -> dict[str, Any]:
        """AddChartRequest: an EmbeddedChart whose spec's source ranges are on this book; placed
        as an overlay (on an existing sheet) or on a new sheet of its own."""
        chart = copy.deepcopy(req.get("chart") or {})
        spec = chart.get("spec") or {}
        basic = spec.get("basicChart")
        if basic is None and not any(k.endswith("Chart") for k in spec):
            raise ctx.fail("chart.spec must set one chart type (e.g. basicChart)")
        if basic is not None:
            if not basic.get("series"):
                raise ctx.fail("basicChart needs at least one series")
            sources = [
                src
                for part in (*(basic.get("domains") or []), *(basic.get("series") or []))
                for src in ((part.get("domain") or part.get("series") or {}).get("sourceRange") or {}).get("sources")
                or []
            ]
            for src in sources:
                ctx.grid(src)  # raises on a range outside the grid or an unknown sheet
        pos = chart.get("position") or {}
        anchor = (pos.get("overlayPosition") or {}).get("anchorCell")
        if anchor is not None:
            sheet = ctx.sheet(anchor.get("sheetId"))
        elif pos.get("sheetId") is not None:
            sheet = ctx.sheet(pos["sheetId"])
        elif pos.get("newSheet"):
            raise ctx.fail("[fake] newSheet chart positions are not implemented")
        else:
            raise ctx.fail("chart.position is required")
        chart["chartId"] = chart.get("chartId") or ctx.state.ids.sheet_id()
        sheet.charts.append(chart)
        return {"addChart": {"chart": chart}}

    @staticmethod
    def setDataValidation(ctx: BatchContext, req: dict[str, Any]) -> None:
        gr = dict(req.get("range") or {})
        sheet = ctx.grid(gr)[0]
        gr.setdefault("sheetId", sheet.id)
        sheet.data_validations = [v for v in sheet.data_validations if v["range"] != gr]
        if req.get("rule") is not None:
            sheet.data_validations.append({"range": gr, "rule": copy.deepcopy(req["rule"])})
