"""The master's keyed merge, shared by every sink (pure: tables in, rows out, no I/O).

`merge`: rows are matched by their key, existing rows keep their place (a
row never moves under a staff member's note), new rows are added at the end, rows that are no
longer true are removed, and what staff typed is carried over from what is there: gsync's
staff columns (found by how their header starts, contract section 6) and any column staff
added themselves, kept to the right of gsync's columns in the order staff made them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from gsync.master.tables import TAB_ARCHIVE, TAB_LOG, Cell, Table, as_text, header_stem

log = logging.getLogger(__name__)


def _norm(v: Cell) -> Cell:
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
            r = [_norm(c) for c in r]
            while r and r[-1] == "":
                r.pop()
            out.append(r)
        while out and not out[-1]:
            out.pop()
        return out

    return canon(a) == canon(b)


def _filled(c: Cell) -> bool:
    return c not in (None, "")


def staff_positions(table: Table, header: list[str]) -> dict[str, int]:
    """Where each of gsync's staff columns is in a tab as read: matched by how the header starts,
    so `ยกเว้น (ใส่ ✓)`, `ยกเว้น` and `ยกเว้น: ใส่ x` are the same column."""
    out: dict[str, int] = {}
    taken: set[int] = {i for i, h in enumerate(header) if h in table.headers}  # gsync's own, exactly
    for h in table.staff:
        if h in header and header.index(h) not in taken:  # the exact header first
            out[h] = header.index(h)
            taken.add(out[h])
    for h in table.staff:
        if h in out:
            continue
        stem = header_stem(h)
        for i, old in enumerate(header):
            if i not in taken and old.strip().startswith(stem):
                out[h] = i
                taken.add(i)
                break
    return out


def extra_columns(table: Table, existing: list[list[Cell]] | None) -> list[int]:
    """The columns staff added themselves, as indices into the tab as read, in their order.

    A column is gsync's when its header is one of the table's (or one gsync wrote before and
    retired); everything else that holds something is staff's. Past the last column gsync
    claims, every column is kept where it is (an empty one between two of staff's included),
    so a tab staff extended does not shift under them.
    """
    if not existing or not existing[0]:
        return []
    header = [str(h or "").strip() for h in existing[0]]
    width = max(len(r) for r in existing)
    header += [""] * (width - len(header))
    ours = set(table.headers) | set(table.retired)
    claimed = {i for i, h in enumerate(header) if h in ours and h} | set(staff_positions(table, header).values())
    last = max(claimed, default=-1)
    if not claimed:
        return []  # not a tab gsync recognises: nothing is staff's either

    def holds(i: int) -> bool:
        return bool(header[i]) or any(i < len(r) and _filled(r[i]) for r in existing[1:])

    inside = [i for i in range(last) if i not in claimed and holds(i)]
    after = [i for i in range(last + 1, width)]
    while after and not holds(after[-1]):
        after.pop()
    return inside + after


def merge(table: Table, existing: list[list[Cell]] | None) -> list[list[Cell]]:
    """The tab's new content (header row first), keyed by column 0, staff input preserved."""
    headers: list[Cell] = list(table.all_headers)
    if table.append_only:
        old = [list(r) for r in (existing or [])[1:] if r and r[0] not in (None, "")]
        seen = {_norm(r[0]) for r in old}
        old_head = list((existing or [[]])[0])
        tail = old_head[len(headers):] if len(old_head) > len(headers) else []  # staff's own columns
        return [headers + tail, *old, *(r for r in table.rows if _norm(r[0]) not in seen)]

    extras = extra_columns(table, existing)
    staff_old: dict[Cell, dict[str, Cell]] = {}
    extra_old: dict[Cell, list[Cell]] = {}
    order: list[Cell] = []
    if existing:
        old_header = [str(h or "") for h in existing[0]]
        staff_idx = staff_positions(table, old_header)
        headers += [existing[0][i] if i < len(existing[0]) else None for i in extras]
        for r in existing[1:]:
            if not r or r[0] in (None, ""):
                continue
            key = _norm(r[0])
            if key in staff_old:
                continue  # a copy-pasted row or a stale tail: the first copy (and its notes) wins
            order.append(key)
            staff_old[key] = {h: (r[i] if i < len(r) else None) for h, i in staff_idx.items()}
            extra_old[key] = [r[i] if i < len(r) else None for i in extras]
    new_rows = {_norm(r[0]): r for r in table.rows}
    known = set(order)
    keys = [k for k in order if k in new_rows] + [k for k in new_rows if k not in known]
    n = len(table.headers)
    out: list[list[Cell]] = [headers]
    for k in keys:
        row = (list(new_rows[k]) + [None] * n)[:n] + [None] * len(table.staff)
        seed = table.seed.get(str(k), {}) if k not in known else {}
        for j, h in enumerate(table.staff):
            v = staff_old.get(k, {}).get(h)
            if v in (None, ""):
                v = seed.get(h)
            if v not in (None, ""):
                row[n + j] = v
        row += extra_old.get(k, [None] * len(extras))
        out.append(row)
    return out


def orphaned_notes(table: Table, existing: list[list[Cell]] | None) -> list[list[Cell]]:
    """Rows that are gone from the new data but carry something staff typed: never drop those.

    What was typed is kept as `header: value` pairs, so it can go back beside its row when the
    row returns (see `restore_notes`). A row that moved to another tab with its input (a file
    staff attributed) is not an orphan.
    """
    if not existing or table.append_only:
        return []
    header = [str(h or "") for h in existing[0]]
    cols = list(staff_positions(table, header).values()) + extra_columns(table, existing)
    if not cols:
        return []
    alive = {_norm(r[0]) for r in table.rows} | {_norm(k) for k in table.moved}
    out: list[list[Cell]] = []
    for r in existing[1:]:
        if not r or r[0] in (None, "") or _norm(r[0]) in alive:
            continue
        typed = [(header[i] or f"คอลัมน์ {i + 1}", str(r[i])) for i in sorted(cols) if i < len(r) and _filled(r[i])]
        if typed:
            summary = " | ".join(str(c) for c in r[1:len(table.headers)] if _filled(c))[:300]
            out.append([f"{table.title}:{r[0]}", table.title, summary, " | ".join(v for _, v in typed),
                        " | ".join(h for h, _ in typed)])
    return out


def restore_notes(tables: Sequence[Table], existing: dict[str, list[list[Cell]]]) -> None:
    """A row that comes back (an activity removed and sent again) gets back what staff typed
    beside it before, from the note archive: into its staff column when the header is one,
    otherwise into its note column. The archive row stays (it is the history)."""
    archive = existing.get(TAB_ARCHIVE) or []
    if len(archive) < 2:
        return
    kept: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for r in archive[1:]:
        if r and len(r) > 3 and isinstance(r[0], str) and ":" in r[0] and _filled(r[3]):
            title, _, key = r[0].partition(":")
            values = str(r[3]).split(" | ")
            heads = str(r[4]).split(" | ") if len(r) > 4 and _filled(r[4]) else []
            if len(heads) != len(values):
                heads, values = [], [str(r[3])]  # an older archive row: all of it is the note
            kept[(title, key.split("~", 1)[0])] = (heads, values)  # the latest archived text wins
    for t in tables:
        if t.append_only or not t.staff:
            continue
        old = existing.get(t.title) or []
        present = {str(_norm(r[0])) for r in old[1:] if r}
        for row in t.rows:
            key = str(_norm(row[0]))
            found = kept.get((t.title, key))
            if found is None or key in present:
                continue
            seed: dict[str, Cell] = {}
            heads, values = found
            for i, v in enumerate(values):
                h = heads[i] if heads else ""
                col = next((s for s in t.staff if h and h.strip().startswith(header_stem(s))), None)
                if col is None:  # staff's own column, or an older archive row: into the note
                    col, v = t.staff[-1], (f"{h}: {v}" if h else v)
                seed[col] = f"{seed[col]} | {v}" if col in seed else v
            t.seed.setdefault(key, {}).update(seed)
            log.info("a staff note on %s row %s came back with its row", t.title, key)


def carry_moved(tables: Sequence[Table], existing: dict[str, list[list[Cell]]]) -> None:
    """A row that moved here from another tab (a file staff attributed, or un-attributed again)
    brings what staff typed there: their choice stays visible, so they can undo it here."""
    for t in tables:
        if not t.takes_from:
            continue
        here = {str(_norm(r[0])) for r in (existing.get(t.title) or [])[1:] if r}
        for src in t.takes_from:
            old = existing.get(src) or []
            if len(old) < 2:
                continue
            pos = staff_positions(t, [str(h or "") for h in old[0]])
            by_key = {str(_norm(r[0])): r for r in old[1:] if r}
            for row in t.rows:
                key = str(_norm(row[0]))
                was = by_key.get(key)
                if was is None or key in here:
                    continue
                typed = {h: was[i] for h, i in pos.items() if i < len(was) and _filled(was[i])}
                if typed:
                    t.seed[key] = {**{h: v for h, v in t.seed.get(key, {}).items() if h not in pos}, **typed}


def dedupe_archive(tables: Sequence[Table], existing: dict[str, list[list[Cell]]]) -> None:
    """A row archived a second time (it came back, got a new note, went again) keeps both notes:
    the second archive row gets a distinct key rather than being dropped as already there."""
    old = {str(r[0]): r for r in (existing.get(TAB_ARCHIVE) or [])[1:] if r and _filled(r[0])}
    for t in tables:
        if t.title != TAB_ARCHIVE:
            continue
        for row in t.rows:
            key, n = str(row[0]), 1
            while key in old and not same_rows([old[key][1:4]], [row[1:4]]):
                n += 1
                key = f"{row[0]}~{n}"
            row[0] = key


def prepare(
    tables: Sequence[Table], existing: dict[str, list[list[Cell]]], notices: Sequence[str] = ()
) -> list[Table]:
    """What both sinks do before merging: the tables to write (a lazy tab only once it has a
    row), notes back beside returning rows, archive keys kept distinct, and what the read found
    about renamed or deleted tabs put into the sync log."""
    tables = [t for t in tables if not (t.lazy and not t.rows and t.title not in existing)]
    restore_notes(tables, existing)
    carry_moved(tables, existing)
    dedupe_archive(tables, existing)
    if notices:
        for t in tables:
            if t.title == TAB_LOG and t.rows and len(t.rows[0]) > 2:
                t.rows[0][2] = f"{t.rows[0][2]} · " + " · ".join(notices)
    return tables


def merge_all(tables: Sequence[Table], existing: dict[str, list[list[Cell]]]) -> dict[str, list[list[Cell]]]:
    """Every tab merged. A volatile cell (the status tab's "ข้อมูล ณ") keeps what the master
    holds unless something else is written anyway: the time alone never causes a write."""
    merged = {t.title: merge(t, existing.get(t.title)) for t in tables}
    held: dict[str, list[list[Cell]]] = {}
    for t in tables:
        rows = merged[t.title]
        if not t.volatile or not existing.get(t.title):
            continue
        old = {_norm(r[0]): r for r in existing[t.title][1:] if r}
        copy = [list(r) for r in rows]
        for r in copy[1:]:
            col = t.volatile.get(str(_norm(r[0])))
            prev = old.get(_norm(r[0]))
            if col is not None and prev is not None and col < len(r):
                r[col] = prev[col] if col < len(prev) else None
        held[t.title] = copy
    changed = any(not t.append_only and not same_rows(held.get(t.title, merged[t.title]), existing.get(t.title) or [])
                  for t in tables)
    if not changed:
        merged.update(held)
    return merged
