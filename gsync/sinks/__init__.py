"""Where the master goes: a local workbook (offline default) or a Google Sheet.

Both sinks share `merge`: rows are matched by their key, existing rows keep their place (a
row never moves under a staff member's note), new rows are added at the end, rows that are no
longer true are removed, and staff-owned columns are carried over from what is there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from gsync.sinks.tables import Cell, Table


class MasterSink(Protocol):
    def read(self) -> dict[str, list[list[Cell]]]:
        """Every tab gsync owns, as rows of cells (header first). Missing tabs are absent."""
        ...

    def write(self, tables: Sequence[Table], existing: dict[str, list[list[Cell]]]) -> int:
        """Write the merged tables. Returns the number of tabs that changed (0: nothing written)."""
        ...


def _norm(v: Cell) -> Cell:
    """Compare cells as a sheet stores them: integral floats are ints, None is empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def same_rows(a: list[list[Cell]], b: list[list[Cell]]) -> bool:
    def canon(rows: list[list[Cell]]) -> list[list[Cell]]:
        out = []
        for r in rows:
            r = [_norm(c) for c in r]
            while r and r[-1] == "":
                r.pop()
            out.append(r)
        while out and not out[-1]:
            out.pop()
        return out

    return canon(a) == canon(b)


def merge(table: Table, existing: list[list[Cell]] | None) -> list[list[Cell]]:
    """The tab's new content (header row first), keyed by column 0, staff columns preserved."""
    headers: list[Cell] = list(table.all_headers)
    width = len(headers)
    if table.append_only:
        old = [list(r) for r in (existing or [])[1:] if r and r[0] not in (None, "")]
        seen = {r[0] for r in old}
        return [headers, *old, *(r for r in table.rows if r[0] not in seen)]

    staff_old: dict[Cell, dict[str, Cell]] = {}
    order: list[Cell] = []
    if existing:
        old_header = [str(h or "") for h in existing[0]]
        staff_idx = {h: old_header.index(h) for h in table.staff if h in old_header}
        for r in existing[1:]:
            if not r or r[0] in (None, ""):
                continue
            key = _norm(r[0])
            if key in staff_old:
                continue  # a copy-pasted row or a stale tail: the first copy (and its notes) wins
            order.append(key)
            staff_old[key] = {h: (r[i] if i < len(r) else None) for h, i in staff_idx.items()}
    new_rows = {_norm(r[0]): r for r in table.rows}
    known = set(order)
    keys = [k for k in order if k in new_rows] + [k for k in new_rows if k not in known]
    out: list[list[Cell]] = [headers]
    for k in keys:
        row = list(new_rows[k]) + [None] * len(table.staff)
        for j, h in enumerate(table.staff):
            v = staff_old.get(k, {}).get(h)
            if v not in (None, ""):
                row[len(table.headers) + j] = v
        out.append(row[:width])
    return out


def orphaned_notes(table: Table, existing: list[list[Cell]] | None) -> list[list[Cell]]:
    """Rows that are gone from the new data but carry something staff typed: never drop those."""
    if not existing or not table.staff or table.append_only:
        return []
    header = [str(h or "") for h in existing[0]]
    staff_idx = [header.index(h) for h in table.staff if h in header]
    alive = {_norm(r[0]) for r in table.rows}
    out: list[list[Cell]] = []
    for r in existing[1:]:
        if not r or r[0] in (None, "") or _norm(r[0]) in alive:
            continue
        typed = [str(r[i]) for i in staff_idx if i < len(r) and r[i] not in (None, "")]
        if typed:
            summary = " | ".join(str(c) for c in r[1:len(table.headers)] if c not in (None, ""))[:300]
            out.append([f"{table.title}:{r[0]}", table.title, summary, " | ".join(typed)])
    return out
