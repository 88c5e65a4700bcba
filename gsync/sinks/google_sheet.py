"""The master as a Google Sheet that provincial staff keep open all day.

What to write is the core's decision (gsync/master/policy.py: rows merged by key, a row never
moves under a staff note, staff columns carried over, nothing written when only the sync log
would change); this sink writes it, as the offline workbook (`sinks/workbook.py`) does.

Cost, whatever the number of rows:
  read:  1 `values.batchGet` for every gsync tab (plus 1 `spreadsheets.get` when the tab list
         is not cached in the state yet, or a cached tab has disappeared); none when Drive's
         changes feed vouches for the copy of the master in the state, but a run that is to
         write reads the master itself all the same (issue 21);
  write: at most 3 calls: 1 `spreadsheets.batchUpdate` only when a tab must be created, grown
         or (re)formatted; 1 `values.batchUpdate` (RAW) with only the changed row blocks;
         1 `values.batchClear` only when a tab shrank.

Everything is written with valueInputOption=RAW: text a district typed ("=HYPERLINK(...)",
"=IMPORTXML(...)", "+66 81...") is stored as text, never evaluated as a formula.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gspread.exceptions import APIError

from gsync.config import Settings
from gsync.errors import SinkError, SourceError
from gsync.google.advice import Failure, advice, classify
from gsync.google.call import CallFailed, call
from gsync.google.changes import due
from gsync.google.changes import feed as changes_feed
from gsync.master.cells import same_rows
from gsync.master.layout import GSYNC_TABS, Cell, Table
from gsync.master.tables import (
    CHECKBOX,
    STATUS_COLOURS,
    as_text,
    deleted_notice,
    find_renamed,
    renamed_notice,
)
from gsync.ports import LastRead, MasterWrite
from gsync.state import State

if TYPE_CHECKING:  # the Google libraries are imported only when a Google part is configured
    from gsync.google.clients import GoogleClients

log = logging.getLogger(__name__)

HEADER_GREY = "D9D9D9"
STAFF_FILL = "FFF9E6"
PX_PER_CHAR = 7
DEFAULT_WIDTH = 22  # characters, for a column without a width (staff columns)
MIN_ROWS = 1000  # a new tab's rows: room to grow before the next resize
ROW_HEADROOM = 200  # rows added beyond what is needed when a tab must grow
METADATA_FIELDS = "properties.title,sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))"
# What gsync may have to replace on a tab whose header changed: its colour rules, its
# warning-only protections, and whether it has its chart already.
LAYOUT_FIELDS = "sheets(properties.sheetId,conditionalFormats,protectedRanges(protectedRangeId,description),charts(chartId))"
PROTECTION = "gsync: คอลัมน์ที่ gsync เขียนทุกครั้งที่ซิงก์ แก้ที่นี่แล้วจะถูกเขียนทับ"


@dataclass
class _Tab:
    sheet_id: int
    rows: int | None = None  # grid size, when known (from the read or the metadata)
    cols: int | None = None
    rules: list[dict[str, Any]] | None = None  # from a fresh tab list only: conditional formats
    protections: list[dict[str, Any]] | None = None
    charts: int | None = None


class GoogleSheetSink:
    """`MasterSink` over a `GoogleClients` (gspread's HTTP client on the retrying transport)."""

    def __init__(self, google: GoogleClients, settings: Settings, state: State) -> None:
        assert settings.sheet.spreadsheet_id, "GoogleSheetSink needs [sheet] spreadsheet_id"
        self.http = google.sheets.http_client
        self.spreadsheet_id: str = settings.sheet.spreadsheet_id
        self.email: str | None = getattr(google, "service_account_email", None)
        self.state = state
        self._google = google
        self._cache_key = f"sheet:{self.spreadsheet_id}:tabs"
        self._snapshot_key = f"sheet:{self.spreadsheet_id}:snapshot"
        self._every = dt.timedelta(minutes=settings.google.full_read_minutes)
        self._own_writes = settings.google.skip_read_after_own_write
        self._snapshot: dict[str, Any] | None = None
        self._position: str | None = None
        self._tabs: dict[str, _Tab] | None = None  # every tab of the spreadsheet, by title
        self._fresh = False  # the tab list was fetched during this run (not from the cache)
        # Tabs gsync has written -> how many columns it wrote (from the cache): columns staff
        # add to the right of those are theirs and never compared, rewritten or cleared.
        self._owned: dict[str, int] = {}
        self.notices: list[str] = []  # Thai, for the sync log: tabs staff renamed or deleted
        self._renames: dict[str, str] = {}  # gsync title -> the title staff gave the tab
        self._copied = False  # the last read answered from the state's copy

    def last_read(self) -> LastRead:
        return LastRead(copied=self._copied, renamed=bool(self._renames), notices=tuple(self.notices))

    def stored(self, value: Cell) -> Cell:
        return as_text(value)  # no Buddhist calendar in Sheets' number formats: dates go as BE text

    # --- read ---------------------------------------------------------------------------

    def read(self, *, fresh: bool = False) -> dict[str, list[list[Cell]]]:
        """Every gsync tab's values in one `values.batchGet`. Missing tabs are absent.

        Skipped when Drive's changes feed does not report the master since the last read and
        the last run wrote nothing to it: the state's copy of that read is the master (`copied`).
        At least every [google] full_read_minutes (60) it is read whatever the feed says (the
        safety net). Never skipped when `fresh`: a run about to write reads the master itself,
        whatever the feed says (Drive reports edits inside a Sheet minutes late), and writes
        staff's cells only from that read."""
        self._fresh = False
        self.notices, self._renames = [], {}
        self._copied = False
        if not (fresh and self._position is not None):  # the feed position before this run's first read
            self._position = None
            skipped = self._from_snapshot(use_copy=not fresh)
            if skipped is not None:
                self._copied = True
                return skipped
        values = self._read()
        self._snapshot = {"values": values, "at": dt.datetime.now(dt.UTC).isoformat(), "token": self._position}
        self._stage_snapshot()
        return values

    def _from_snapshot(self, *, use_copy: bool = True) -> dict[str, list[list[Cell]]] | None:
        self._snapshot = None
        try:
            feed = changes_feed(self._google, self.state)
        except AttributeError:  # clients without Drive (never in gsync's own wiring)
            return None
        snap = self.state.get_json(self._snapshot_key)
        token = snap.get("token") if isinstance(snap, dict) else None
        seen = feed.since(token) if isinstance(token, str) else None
        self._position = seen.token if seen is not None else feed.start_token()  # before the read
        if not use_copy or not isinstance(snap, dict) or seen is None or due(snap.get("at"), dt.datetime.now(dt.UTC), self._every):
            return None
        if seen.touched(self.spreadsheet_id) and not (self._own_writes and _own_write(seen.files.get(self.spreadsheet_id), snap)):
            return None  # edited since gsync last read or wrote it (by staff, or anyone): read it
        cached = self._load_cache()
        values, sizes = snap.get("values"), snap.get("sizes") or {}
        if cached is None or not isinstance(values, dict):
            return None
        for title, size in sizes.items():
            if title in cached and isinstance(size, list) and len(size) == 2:
                cached[title].rows, cached[title].cols = size
        self._tabs = cached
        log.info("master Google Sheet unchanged since %s (Drive changes feed); not read", snap.get("at"))
        self._snapshot = {**snap, "token": self._position}
        self._stage_snapshot()
        return {str(t): [list(r) for r in rows] for t, rows in values.items()}

    def _stage_snapshot(self) -> None:
        if self._snapshot is None or self._tabs is None:
            return
        sizes = {t: [x.rows, x.cols] for t, x in self._tabs.items() if x.rows is not None and x.cols is not None}
        self.state.stage_json(self._snapshot_key, {**self._snapshot, "sizes": sizes})

    def _after_write(self, changed: list[_Plan], existing: dict[str, list[list[Cell]]]) -> None:
        """What the master holds after this write, and its Drive version, for the next run.

        gsync's own write shows in the changes feed like any edit. One `files.get` after the
        write records the master's version: when the feed next reports the master at exactly
        that version, the change was gsync's own write and the copy staged here is the master
        (no read). Any later edit bumps the version, so it is read. When its last change was
        not this account's, or [google] skip_read_after_own_write is off, no copy is kept: the
        next run reads the master. The copy only ever spares the read of a run that writes
        nothing: a run that writes reads the master itself first (sync.run)."""
        version = None
        if self._own_writes:
            try:
                version = changes_feed(self._google, self.state).version(self.spreadsheet_id)
            except (AttributeError, SourceError) as e:
                log.info("could not read the master's Drive version after writing (%s); the next run reads it", e)
        if version is None or self._snapshot is None:
            self._snapshot = None
            self.state.stage_json(self._snapshot_key, {"token": self._position})  # the feed position, no copy
            return
        written = {**existing, **{p.table.title: [_cells(r, 0) for r in p.rows] for p in changed}}
        self._snapshot = {"values": written, "at": self._snapshot.get("at"), "token": self._position,
                          "version": version}
        self._stage_snapshot()

    def _read(self) -> dict[str, list[list[Cell]]]:
        try:
            cached = self._load_cache()
            if cached is None:
                self._refresh_tabs()
            else:
                self._tabs = cached
            try:
                return self._batch_get(self._present())
            except APIError as e:
                if _status(e) != 400 or self._fresh:
                    raise
                # A cached tab was deleted or renamed by someone: reload the tab list, read again.
                log.info("the master's tabs changed since the last run (%s); reloading the tab list", _message(e))
            self._refresh_tabs()
            return self._read_after_change()
        except APIError as e:
            raise self._read_error(e) from e

    def _read_after_change(self) -> dict[str, list[list[Cell]]]:
        """A tab gsync wrote is gone: read staff's tabs too, and find it by its header row.

        Found: read as gsync's and renamed back on the write. Not found: deleted, said in the
        log and the sync log. Costs nothing more than the reread the changed tab list needs."""
        assert self._tabs is not None
        present = self._present()
        missing = [t for t in self._owned if t not in self._tabs]
        others = [t for t in self._tabs if t not in present] if missing else []
        values = self._batch_get(present + others)
        found = find_renamed(list(self._tabs), {t: (values.get(t) or [[]])[0] for t in others}, missing)
        for mine, theirs in found.items():
            values[mine] = values.pop(theirs)
            self._tabs[mine] = self._tabs.pop(theirs)
            self._renames[mine] = theirs
            self.notices.append(renamed_notice(mine, theirs))
            log.warning("the master's tab %r was renamed to %r; found by its header row, its name is put back", mine, theirs)
        for mine in missing:
            if mine not in found:
                self.notices.append(deleted_notice(mine))
                log.warning("the master's tab %r was deleted; it is created again (what staff typed in it is gone)", mine)
        return {t: v for t, v in values.items() if t not in others}

    def _present(self) -> list[str]:
        """The gsync tabs the spreadsheet has (as far as the tab list knows)."""
        assert self._tabs is not None
        wanted = [*GSYNC_TABS, *sorted(set(self._owned) - set(GSYNC_TABS))]
        return [t for t in wanted if t in self._tabs]

    def _batch_get(self, titles: list[str]) -> dict[str, list[list[Cell]]]:
        assert self._tabs is not None
        if not titles:
            return {}
        # UNFORMATTED_VALUE: numbers come back as numbers, so what gsync wrote compares equal
        # to what it would write again (FORMATTED_VALUE would turn 12.5 into "12.5" and every
        # run would rewrite it). Dates staff typed come back as their text, not a serial.
        reply = self._call(
            self.http.values_batch_get, self.spreadsheet_id, [a1(t) for t in titles],
            params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING",
                    "majorDimension": "ROWS"},
        )
        out: dict[str, list[list[Cell]]] = {}
        for title, vr in zip(titles, reply.get("valueRanges", []), strict=False):
            out[title] = [list(r) for r in vr.get("values", [])]
            # A whole-tab range comes back clipped to the grid ('t'!A1:Z1000): the grid size,
            # for free, so write() knows when a tab must grow without asking again.
            size = grid_size(vr.get("range", ""))
            if size is not None:
                self._tabs[title].rows, self._tabs[title].cols = size
        return out

    def _refresh_tabs(self) -> None:
        self._tabs = self._fetch_tabs()
        self._fresh = True
        self._save_cache()

    def _fetch_tabs(self) -> dict[str, _Tab]:
        meta = self._call(self.http.fetch_sheet_metadata, self.spreadsheet_id,
                          params={"includeGridData": "false", "fields": METADATA_FIELDS})
        tabs = {}
        for s in meta.get("sheets", []):
            p = s.get("properties", {})
            grid = p.get("gridProperties", {})
            tabs[p["title"]] = _Tab(int(p.get("sheetId", 0)), grid.get("rowCount"), grid.get("columnCount"))
        return tabs

    def _load_cache(self) -> dict[str, _Tab] | None:
        data = self.state.get_json(self._cache_key)
        if not isinstance(data, dict) or not isinstance(data.get("tabs"), dict):
            return None
        owned = data.get("owned")
        try:
            self._owned = {str(t): int(w) for t, w in owned.items()} if isinstance(owned, dict) else {}
            return {str(t): _Tab(int(i)) for t, i in data["tabs"].items()}
        except (TypeError, ValueError):
            return None  # not what this version wrote: ask the Sheet

    def _save_cache(self) -> None:
        assert self._tabs is not None
        # Staged: committed with the rest of the run's state only after the write succeeded.
        self.state.stage_json(self._cache_key, {"tabs": {t: x.sheet_id for t, x in self._tabs.items()},
                                                "owned": self._owned})

    def _read_error(self, e: APIError) -> SourceError:
        status = _status(e)
        sid = self.spreadsheet_id
        if status == 403:
            who = self.email or "the Google account in [google] credentials"
            return SourceError(f"no permission to read the master Google Sheet {sid} ({_message(e)}); "
                               + advice("sheet", Failure.NO_PERMISSION, who=who))
        if status == 404:
            return SourceError(f"spreadsheet id not found: {sid}; " + advice("sheet", Failure.NOT_FOUND))
        return SourceError(f"cannot read the master Google Sheet {sid}: HTTP {status} {_message(e)}")

    # --- write --------------------------------------------------------------------------

    def write(self, plan: MasterWrite) -> int:
        """Write what the core decided (gsync/master/policy.py): only the rows that differ from
        what was read, at most 3 calls. Returns the tabs changed."""
        # Staff columns are written back with the values of the read the plan was made over:
        # sync.run reads the master itself (never a copy) just before a run that writes. A note
        # typed into a row this run rewrites, in the moment between that read and this write, is
        # overwritten; a note typed into a row this run does not change is never touched,
        # because only changed rows are written.
        existing = plan.existing
        changed = self._changes(plan)
        if not changed and not self._renames:
            log.info("master Google Sheet unchanged; nothing written")
            return 0
        if self._tabs is None or (not self._fresh and self._needs_structure(changed)):
            # Creating, growing or formatting tabs by a cached tab list: make sure of it first.
            # A run that failed after creating tabs never committed its tab list, and a tab
            # deleted and recreated has a new sheetId. Costs one read, only in runs that change
            # the layout (the first run, a new header, every ROW_HEADROOM rows of growth).
            self._refresh_tabs()
            assert self._tabs is not None
            found = [t.title for t in plan.tables if t.title in self._tabs and t.title not in existing]
            if found:  # tabs the read did not know of: the core decides again over them too
                try:
                    plan = plan.again({**existing, **self._batch_get(found)})
                except APIError as e:
                    raise SinkError(self._write_message("read the tabs of", e)) from e
                existing = plan.existing
            changed = self._changes(plan)

        structure = self._structure(changed)
        if structure:
            reply = self._write_call("update the layout of", self.http.batch_update, self.spreadsheet_id,
                                     {"requests": structure})
            self._grown(changed)
            for r in reply.get("replies", []):
                props = (r or {}).get("addSheet", {}).get("properties")
                if props:
                    grid = props.get("gridProperties", {})
                    self._tabs[props["title"]] = _Tab(props["sheetId"], grid.get("rowCount"), grid.get("columnCount"))

        data = [{"range": a1(p.table.title, r0, 0, r0 + len(block), p.width), "values": block}
                for p in changed for r0, block in p.blocks]
        if data:
            self._write_call("write the rows of", self.http.values_batch_update, self.spreadsheet_id,
                             {"valueInputOption": "RAW", "data": data})
        clears = [rng for p in changed for rng in p.clears]
        if clears:
            self._write_call("clear the old rows of", self.http.values_batch_clear, self.spreadsheet_id,
                             body={"ranges": clears})

        self._owned.update({p.table.title: p.width for p in changed})
        self._after_write(changed, existing)
        self._save_cache()
        log.info("wrote the master Google Sheet: %d tab(s) changed (%s); %d row block(s), %d clear(s)",
                 len(changed), ", ".join(p.table.title for p in changed), len(data), len(clears))
        return len(changed)

    def _changes(self, plan: MasterWrite) -> list[_Plan]:
        if not plan.writes:
            return []
        plans = [_plan(t, plan.rows[t.title], plan.existing.get(t.title) or [], self._owned.get(t.title))
                 for t in plan.tables]
        return [p for p in plans if p.changed]

    def _needs_structure(self, changed: list[_Plan]) -> bool:
        assert self._tabs is not None
        if self._renames:
            return True
        for p in changed:
            t = self._tabs.get(p.table.title)
            if t is None or p.header_changed or t.rows is None or t.cols is None:
                return True  # (a grid size the read did not reveal: ask rather than write past it)
            if len(p.rows) > t.rows or p.width > t.cols:
                return True
        return False

    def _grown(self, changed: list[_Plan]) -> None:
        """The grid sizes after `_structure`'s appendDimension requests (the next run's copy
        of the master must know them, or it would ask for the tab list again)."""
        assert self._tabs is not None
        for p in changed:
            t = self._tabs.get(p.table.title)
            if t is None:
                continue
            need_rows, need_cols = max(len(p.rows), 2), max(p.width, 1)
            if t.rows is not None and need_rows > t.rows:
                t.rows = need_rows + ROW_HEADROOM
            if t.cols is not None and need_cols > t.cols:
                t.cols = need_cols

    def _structure(self, changed: list[_Plan]) -> list[dict[str, Any]]:
        """The `spreadsheets.batchUpdate` requests: new tabs, bigger grids, formatting."""
        assert self._tabs is not None
        reqs: list[dict[str, Any]] = []
        for mine in self._renames:
            reqs.append({"updateSheetProperties": {"properties": {"sheetId": self._tabs[mine].sheet_id, "title": mine},
                                                   "fields": "title"}})
        taken = {t.sheet_id for t in self._tabs.values()}
        self._fetch_layout([p for p in changed if p.header_changed and p.table.title in self._tabs])
        for p in changed:
            title, t = p.table.title, self._tabs.get(p.table.title)
            need_rows, need_cols = max(len(p.rows), 2), max(p.width, 1)
            if t is None:
                sheet_id = _new_sheet_id(title, taken)
                taken.add(sheet_id)
                grid: dict[str, Any] = {"rowCount": max(MIN_ROWS, need_rows + ROW_HEADROOM),
                                        "columnCount": need_cols, "frozenRowCount": 1}
                if need_cols > 1:
                    grid["frozenColumnCount"] = _frozen(p.table, need_cols)
                props: dict[str, Any] = {"sheetId": sheet_id, "title": title, "gridProperties": grid}
                if p.table.first:
                    props["index"] = 0  # วิธีใช้ opens first
                reqs.append({"addSheet": {"properties": props}})
                reqs += _formatting(p.table, sheet_id, p.width, rules=True)
                reqs += _staff_tools(p.table, sheet_id, p.width, charts=0)
                continue
            if t.rows is not None and need_rows > t.rows:
                reqs.append({"appendDimension": {"sheetId": t.sheet_id, "dimension": "ROWS",
                                                 "length": need_rows - t.rows + ROW_HEADROOM}})
            if t.cols is not None and need_cols > t.cols:
                reqs.append({"appendDimension": {"sheetId": t.sheet_id, "dimension": "COLUMNS",
                                                 "length": need_cols - t.cols}})
            if p.header_changed:
                freeze = {"frozenRowCount": 1, **({"frozenColumnCount": _frozen(p.table, need_cols)} if need_cols > 1 else {})}
                reqs.append({"updateSheetProperties": {
                    "properties": {"sheetId": t.sheet_id, "gridProperties": freeze},
                    "fields": ",".join(f"gridProperties.{k}" for k in freeze)}})
                reqs += self._replace_rules(p.table, t)
                reqs += _formatting(p.table, t.sheet_id, p.width, rules=bool(p.table.status_columns))
                reqs += _staff_tools(p.table, t.sheet_id, p.width, charts=t.charts)
        return reqs

    def _fetch_layout(self, plans: list[_Plan]) -> None:
        """The colour rules, protections and charts of the tabs whose header changed, in one
        `spreadsheets.get`: only in a run that changes a tab's layout (a new fiscal year's
        quarter labels, a new gsync version's columns), so rules and protections never pile up."""
        assert self._tabs is not None
        if not plans:
            return
        meta = self._write_call("read the layout of", self.http.fetch_sheet_metadata, self.spreadsheet_id,
                                params={"includeGridData": "false", "ranges": [a1(p.table.title) for p in plans],
                                        "fields": LAYOUT_FIELDS})
        by_id = {t.sheet_id: t for t in self._tabs.values()}
        for sheet in meta.get("sheets", []):
            t = by_id.get(sheet.get("properties", {}).get("sheetId"))
            if t is not None:
                t.rules = list(sheet.get("conditionalFormats", []))
                t.protections = list(sheet.get("protectedRanges", []))
                t.charts = len(sheet.get("charts", []))

    def _replace_rules(self, table: Table, t: _Tab) -> list[dict[str, Any]]:
        """Delete gsync's own colour rules and protections on a tab whose header changed (staff's
        own stay), as `_fetch_layout` found them."""
        reqs: list[dict[str, Any]] = []
        ours = [i for i, r in enumerate(t.rules or []) if _is_our_rule(r)] if table.status_columns else []
        reqs += [{"deleteConditionalFormatRule": {"sheetId": t.sheet_id, "index": i}} for i in reversed(ours)]
        reqs += [{"deleteProtectedRange": {"protectedRangeId": pr["protectedRangeId"]}}
                 for pr in t.protections or [] if str(pr.get("description", "")).startswith("gsync:")
                 and "protectedRangeId" in pr]
        return reqs

    # --- calls --------------------------------------------------------------------------

    def _call(self, fn: Any, *args: Any, write: bool = False, **kwargs: Any) -> Any:
        return call(lambda: fn(*args, **kwargs), lambda failed: self._error(failed, write=write))

    def _write_call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return call(lambda: fn(*args, **kwargs), lambda failed: self._error(failed, write=True, what=what))

    def _error(self, failed: CallFailed, *, write: bool, what: str | None = None) -> BaseException:
        if failed.google is None:
            where = "write" if write else "read"
            err = SinkError if write else SourceError
            return err(f"cannot reach Google Sheets to {where} the master ({type(failed.cause).__name__}: "
                       f"{failed.cause}); check the network connection (and [google] endpoint if set), then run again")
        if what is None:
            return failed.cause  # Google's answer to a read: `_read` words it for what it read
        return SinkError(self._write_message(what, failed.cause))  # type: ignore[arg-type]

    def _write_message(self, what: str, e: APIError) -> str:
        status, msg, sid = _status(e), _message(e), self.spreadsheet_id
        head = f"cannot {what} the master Google Sheet {sid}: HTTP {status} {msg}"
        fix = advice("sheet write", classify(status), who=self.email or "the Google account in [google] credentials")
        return f"{head}; {fix}. The state did not advance: the next run redoes this write."


# --- planning (pure) -----------------------------------------------------------------------


@dataclass
class _Plan:
    table: Table
    rows: list[list[Cell]]  # the merged content, header first
    width: int
    blocks: list[tuple[int, list[list[Cell]]]]  # (0-based first row, rows) to write
    clears: list[str]  # A1 ranges to clear
    header_changed: bool

    @property
    def changed(self) -> bool:
        return bool(self.blocks or self.clears)


def _plan(table: Table, rows: list[list[Cell]], old: list[list[Cell]], owned: int | None = None) -> _Plan:
    """Which rows of a tab to write and which to clear, by comparing with what was read.

    `owned`: how many columns gsync wrote last time (from the state); unknown -> the width of
    the header row that was read.
    """
    owned_old = owned if owned is not None else (len(old[0]) if old else 0)
    width = max([len(table.all_headers), *(len(r) for r in rows)])
    span = max(width, owned_old)  # compare only gsync's columns: staff's own columns to the right stay
    changed = [not same_rows([_cut(r, span)], [_cut(old[i] if i < len(old) else [], span)])
               for i, r in enumerate(rows)]
    blocks: list[tuple[int, list[list[Cell]]]] = []
    i = 0
    while i < len(rows):
        if not changed[i]:
            i += 1
            continue
        j = i
        while j < len(rows) and changed[j]:
            j += 1
        blocks.append((i, [_cells(r, width) for r in rows[i:j]]))
        i = j
    clears = []
    old_rows = len(old)
    if old_rows > len(rows) and any(any(_filled(c) for c in r[:span]) for r in old[len(rows):]):
        clears.append(a1(table.title, len(rows), 0, old_rows, span))
    if owned_old > width and any(any(_filled(c) for c in r[width:owned_old]) for r in old[:len(rows)]):
        clears.append(a1(table.title, 0, width, min(old_rows, len(rows)), owned_old))
    header_changed = not old or not same_rows([_cut(old[0], span)], [rows[0]])
    return _Plan(table, rows, width, blocks, clears, header_changed)


def _own_write(f: dict[str, Any] | None, snap: dict[str, Any]) -> bool:
    """The feed reports the master exactly at the version gsync recorded after its own write."""
    return f is not None and bool(snap.get("version")) and str(f.get("version")) == snap.get("version")


def _cut(row: list[Cell], n: int) -> list[Cell]:
    return list(row[:n])


def _filled(c: Cell) -> bool:
    return c not in (None, "")


def _cells(row: list[Cell], width: int) -> list[Any]:
    """A row as the API takes it: None -> "" (a JSON null would leave the old value), padded to
    the tab's width so a cell that became empty is cleared."""
    out: list[Any] = []
    for c in row:
        if c is None or (isinstance(c, float) and c != c):  # NaN is not JSON
            out.append("")
        else:
            out.append(c)
    return out + [""] * (width - len(out))


def _formatting(table: Table, sheet_id: int, width: int, *, rules: bool) -> list[dict[str, Any]]:
    """Header style, column widths, the staff columns' fill and the status colour rules."""
    reqs: list[dict[str, Any]] = [{
        "repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1,
                      "startColumnIndex": 0, "endColumnIndex": width},
            "cell": {"userEnteredFormat": {"backgroundColor": rgb(HEADER_GREY), "textFormat": {"bold": True},
                                           "wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
            "fields": "userEnteredFormat(backgroundColor,textFormat.bold,wrapStrategy,verticalAlignment)",
        }
    }]
    for c in range(min(width, len(table.all_headers))):  # staff's own columns keep the width they gave them
        chars = table.widths[c] if c < len(table.widths) else DEFAULT_WIDTH
        reqs.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
            "properties": {"pixelSize": chars * PX_PER_CHAR}, "fields": "pixelSize"}})
    # What prints (Table.print_cols, the columns staff need on paper) wraps, top-aligned: Sheets then
    # sizes each row to its text. Sheets has no print area to set through the API: those columns
    # come first, so "print the selected cells" over them is the workbook's print area.
    printed = table.print_cols or width
    reqs.append({"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": printed},
        "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
        "fields": "userEnteredFormat(wrapStrategy,verticalAlignment)"}})
    if table.staff:
        reqs.append({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": len(table.headers),
                      "endColumnIndex": len(table.all_headers)},
            "cell": {"userEnteredFormat": {"backgroundColor": rgb(STAFF_FILL)}},
            "fields": "userEnteredFormat.backgroundColor"}})
    if rules and table.status_columns:
        ranges = [{"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": c, "endColumnIndex": c + 1}
                  for c in table.status_columns]
        # Sheets applies the first matching rule: the order of STATUS_COLOURS is the priority.
        for i, (word, colour) in enumerate(STATUS_COLOURS):
            reqs.append({"addConditionalFormatRule": {"index": i, "rule": {
                "ranges": ranges,
                "booleanRule": {"condition": {"type": "TEXT_CONTAINS", "values": [{"userEnteredValue": word}]},
                                "format": {"backgroundColor": rgb(colour)}}}}})
    return reqs


def _frozen(table: Table, cols: int) -> int:
    """The hidden key and the column beside it (the district) stay in view when scrolling."""
    return min(2, cols - 1) if table.hidden_key and cols > 2 else 1


def _staff_tools(table: Table, sheet_id: int, width: int, *, charts: int | None) -> list[dict[str, Any]]:
    """What makes the tab a workbench: the key hidden, drop-downs and tick boxes in staff's
    columns, a warning before anyone types over gsync's columns, the rates chart (once)."""
    reqs: list[dict[str, Any]] = []
    n, n_all = len(table.headers), len(table.all_headers)
    for col in ([0] if table.hidden_key else []) + [i for i in table.hidden if i < width]:
        reqs.append({"updateDimensionProperties": {  # the key, problem codes and Drive ids: not for staff's eyes
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
            "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
    if table.staff:  # a staff column moved: its old drop-down must not stay behind
        reqs.append({"setDataValidation": {"range": {"sheetId": sheet_id, "startRowIndex": 1,
                                                     "startColumnIndex": 0, "endColumnIndex": n_all}}})
    for j, h in enumerate(table.staff):
        rule = table.validations.get(h)
        if rule is None:
            continue
        if rule == CHECKBOX:
            condition: dict[str, Any] = {"type": "BOOLEAN"}
        else:
            condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in rule]}
        reqs.append({"setDataValidation": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": n + j, "endColumnIndex": n + j + 1},
            "rule": {"condition": condition, "strict": False, "showCustomUi": True,
                     "inputMessage": "เลือกจากรายการ" if rule != CHECKBOX else "ติ๊กเมื่อใช่"}}})
    if not table.append_only:
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": sheet_id, "startColumnIndex": 0, "endColumnIndex": n},
            "description": PROTECTION, "warningOnly": True}}})
    if table.chart and not charts:
        c = table.chart
        rows = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": c["last_row"] + 1}
        reqs.append({"addChart": {"chart": {
            "spec": {"title": "อัตราการส่งและอัตราส่งตรงเวลา (%)", "basicChart": {
                "chartType": "COLUMN", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
                "axis": [{"position": "BOTTOM_AXIS", "title": "ไตรมาส"}, {"position": "LEFT_AXIS", "title": "ร้อยละ"}],
                "domains": [{"domain": {"sourceRange": {"sources": [
                    {**rows, "startColumnIndex": c["label_col"], "endColumnIndex": c["label_col"] + 1}]}}}],
                "series": [{"series": {"sourceRange": {"sources": [
                    {**rows, "startColumnIndex": col, "endColumnIndex": col + 1}]}}, "targetAxis": "LEFT_AXIS",
                    "colorStyle": {"rgbColor": rgb(colour)}}  # Okabe-Ito blue, orange: as in the workbook
                    for col, colour in zip(range(c["first_col"], c["last_col"] + 1), ("0072B2", "E69F00"), strict=False)]}},
            "position": {"overlayPosition": {
                "anchorCell": {"sheetId": sheet_id, "rowIndex": c["last_row"] + 9, "columnIndex": 1},
                "widthPixels": 640, "heightPixels": 320}}}}})
    return reqs


def _is_our_rule(rule: dict[str, Any]) -> bool:
    cond = rule.get("booleanRule", {}).get("condition", {})
    values = [v.get("userEnteredValue") for v in cond.get("values", [])]
    return cond.get("type") == "TEXT_CONTAINS" and len(values) == 1 and values[0] in dict(STATUS_COLOURS)


def _new_sheet_id(title: str, taken: set[int]) -> int:
    """A stable id for a new tab (so the same batchUpdate can format it), never one in use."""
    sid = zlib.crc32(title.encode()) % 2_000_000_000 + 1
    while sid in taken:
        sid = sid % 2_000_000_000 + 1
    return sid


# --- A1 notation and colours ----------------------------------------------------------------


def quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def col_letters(n: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1(title: str, r0: int | None = None, c0: int = 0, r1: int = 0, c1: int = 0) -> str:
    """`'tab'` (the whole tab) or `'tab'!A2:P40` for 0-based rows [r0, r1) and columns [c0, c1)."""
    if r0 is None:
        return quote(title)
    return f"{quote(title)}!{col_letters(c0 + 1)}{r0 + 1}:{col_letters(c1)}{r1}"


_RANGE_END = re.compile(r"!(?:\$?[A-Z]+\$?\d+:)?\$?([A-Z]+)\$?(\d+)$")


def grid_size(rng: str) -> tuple[int, int] | None:
    """The (rows, columns) of a whole-tab range as the API echoes it: `'t'!A1:Z1000` -> (1000, 26)."""
    m = _RANGE_END.search(rng)
    if not m:
        return None
    cols = 0
    for ch in m.group(1):
        cols = cols * 26 + ord(ch) - 64
    return int(m.group(2)), cols


def rgb(hex_colour: str) -> dict[str, float]:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(r, 4), "green": round(g, 4), "blue": round(b, 4)}


def _status(e: APIError) -> int:
    return getattr(getattr(e, "response", None), "status_code", 0) or int(getattr(e, "code", 0) or 0)


def _message(e: APIError) -> str:
    err = getattr(e, "error", None)
    if isinstance(err, dict) and err.get("message"):
        return str(err["message"])
    return str(e)
