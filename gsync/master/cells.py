"""When two cells, or two rows, hold the same thing as a sheet stores it (pure).

Shared by the merge policy (gsync/master/merge.py, policy.py), which decides what changed, and
by a sink that writes only the rows that differ from what it read (gsync/sinks/google_sheet.py).
"""

from __future__ import annotations

import datetime as dt

from gsync.master.layout import Cell
from gsync.master.tables import as_text


def norm(v: Cell) -> Cell:
    """Compare cells as a sheet stores them: integral floats are ints, None is empty, and a date
    as staff read it (a workbook's date cell and the Google Sheet's BE text are the same date)."""
    if type(v) is str:  # most cells: first, as every rerun compares every cell
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dt.datetime | dt.date):
        return as_text(v)
    return v


def same_rows(a: list[list[Cell]], b: list[list[Cell]]) -> bool:
    def canon(rows: list[list[Cell]]) -> list[list[Cell]]:
        out = []
        for r in rows:
            r = [norm(c) for c in r]
            while r and r[-1] == "":
                r.pop()
            out.append(r)
        while out and not out[-1]:
            out.pop()
        return out

    return canon(a) == canon(b)
