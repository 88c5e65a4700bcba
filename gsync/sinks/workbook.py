"""The master as a local .xlsx workbook: the offline default.

Written whole to a temporary file in the same folder and renamed over the old one, so a crash
never leaves half a workbook. Text a district typed is always stored as text: a cell starting
with `=`, `+`, `-` or `@` is a string with Excel's quote prefix, never a formula.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gsync.errors import SinkError
from gsync.sinks import merge, same_rows
from gsync.sinks.tables import STATUS_COLOURS, Cell, Table

log = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_MAX_CHARS = 32_767  # what one Excel cell holds
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_STAFF_FILL = PatternFill("solid", fgColor="FFF9E6")


class WorkbookSink:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, list[list[Cell]]]:
        if not self.path.exists():
            return {}
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
        wb.close()
        return out

    def write(self, tables: Sequence[Table], existing: dict[str, list[list[Cell]]]) -> int:
        merged = {t.title: [[_storable(c) for c in row] for row in merge(t, existing.get(t.title))] for t in tables}
        changed = [t.title for t in tables if not same_rows(merged[t.title], existing.get(t.title) or [])]
        # Only the log would change: nothing to write. A caller that hands in nothing but
        # append-only tabs (gsync remind's history) means them, and they are written.
        only_logs = any(not t.append_only for t in tables) and not any(not t.append_only and t.title in changed for t in tables)
        if (not changed or only_logs) and self.path.exists():
            return 0
        # Load the existing file and replace only gsync's tabs: staff's own tabs, charts and
        # formulas elsewhere in the workbook stay exactly as they were.
        wb = openpyxl.load_workbook(self.path) if self.path.exists() else openpyxl.Workbook()
        if not self.path.exists():
            wb.remove(wb.active)
        for t in tables:
            index = None
            if t.title in wb.sheetnames:
                index = wb.sheetnames.index(t.title)
                wb.remove(wb[t.title])
            _write_sheet(wb.create_sheet(t.title, index), t, merged[t.title])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A run killed mid-write leaves its temporary file; the run lock says no one else is
        # writing now, so any such file is a dead run's partial copy.
        for stale in self.path.parent.glob(f".{glob.escape(self.path.name)}.*.tmp"):
            stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            wb.save(tmp)
            if self.path.exists():  # keep the mode the operator gave the master
                os.chmod(tmp, self.path.stat().st_mode & 0o7777)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as e:
            Path(tmp).unlink(missing_ok=True)
            raise SinkError(f"cannot write the master workbook {self.path}: {e.strerror}; check the folder's permissions and free space") from e
        except Exception as e:  # lxml reports a failed write (a full disk: IO_EFBIG, IO_ENOSPC) as its own error
            Path(tmp).unlink(missing_ok=True)
            raise SinkError(f"cannot write the master workbook {self.path} ({type(e).__name__}: {e}); check the folder's permissions and free space") from e
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        log.info("wrote %s (%d tab(s) changed: %s)", self.path, len(changed), ", ".join(changed))
        return len(changed) or 1


def _storable(value: Cell) -> Cell:
    """Text as a worksheet can hold it: no control characters or lone surrogates (a file name or
    an answer carrying one must not fail the whole write), at most Excel's 32,767 characters."""
    if isinstance(value, str):
        value = _NOT_XML.sub("", value)
        if len(value) > EXCEL_MAX_CHARS:
            value = value[: EXCEL_MAX_CHARS - 1] + "…"
    return value


def _write_sheet(ws, t: Table, rows: list[list[Cell]]) -> None:  # type: ignore[no-untyped-def]
    fills = {word: PatternFill("solid", fgColor=colour) for word, colour in STATUS_COLOURS}
    for r_idx, row in enumerate(rows, start=1):
        for c_idx, value in enumerate(row, start=1):
            cell = ws.cell(row=r_idx, column=c_idx)
            if isinstance(value, str):
                cell.value = value
                if value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"  # stored as a string, not a formula
                    cell.quotePrefix = True  # and Excel keeps it text when someone edits it
            else:
                cell.value = value
            if r_idx > 1 and (c_idx - 1) in t.status_columns and isinstance(value, str):
                fill = next((f for word, f in fills.items() if word in value), None)
                if fill is not None:
                    cell.fill = fill
            elif r_idx > 1 and c_idx > len(t.headers):
                cell.fill = _STAFF_FILL
    for c_idx in range(1, len(t.all_headers) + 1):
        cell = ws.cell(row=1, column=c_idx)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = t.widths[c_idx - 1] if c_idx - 1 < len(t.widths) else 22
        ws.column_dimensions[get_column_letter(c_idx)].width = width
    ws.freeze_panes = "B2"
