"""Shared pieces of the reliability suite: build the demo province, run a sync the way the CLI
does (or with a fault hook), read every tab of a master, and measure rows lost / duplicated
against a clean run by key.

Nothing here patches gsync: faults go in through `sync.run(hook=...)`, real files, real
processes and real signals.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from gsync import adapters, demo, runner, sync, synth
from gsync.cli import main
from gsync.config import Settings, load_settings
from gsync.lock import RunLock
from gsync.master.layout import TAB_LOG
from gsync.state import State
from tests.unit.parse_fixtures import patch_zip  # noqa: F401 - shared with the parser tests

NOW = demo.NOW
NOW_TEXT = NOW.isoformat()
HERE = Path(__file__).resolve().parent
CHILD = HERE / "child.py"
ROOT = HERE.parent.parent

TAB_ACTIVITIES = "กิจกรรม"
TAB_REPORTS = "รายงาน"
TAB_PROBLEMS = "ปัญหา"
TAB_RESPONSES = "แบบฟอร์ม"
TAB_STATUS = "สถานะรายงาน"
TAB_ARCHIVE = "หมายเหตุที่เก็บไว้"
NOTE = "หมายเหตุเจ้าหน้าที่"
ACCEPT = "ยอมรับผู้ส่ง (ใส่ ✓)"

Tabs = dict[str, list[tuple[Any, ...]]]


# --- the province ---------------------------------------------------------------------------


def build(target: Path) -> Settings:
    """The demo province in `target` (its config, inbox, responses CSV; no master yet)."""
    config, _ = demo.build(target)
    return load_settings(config)


def config_path(settings: Settings) -> Path:
    assert settings.source_file is not None
    return settings.source_file


def put(settings: Settings, rel: str, data: bytes, when: dt.datetime) -> Path:
    """Drop a file into the province's Drive folder, with its receipt time as mtime."""
    assert settings.drive is not None and settings.drive.path is not None
    path = settings.drive.path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=demo.BKK)


def district_rows(district: str, quarter: int, seed: int, **kw: Any) -> list[synth.Row]:
    return synth.activities(demo.lampang_districts()[district], demo.FY, quarter, seed=seed, **kw)


def report_xlsx(district: str, quarter: int, seed: int, **kw: Any) -> bytes:
    return synth.activity_xlsx(district, demo.PROVINCE, quarter, district_rows(district, quarter, seed), **kw)


def new_submissions(settings: Settings) -> None:
    """Work for the run under test: a late district reports, another re-uploads a changed file."""
    put(settings, "แจ้ห่ม/ไตรมาส 1/รายงาน แจ้ห่ม.xlsx", report_xlsx("แจ้ห่ม", 1, 41), at(2024, 12, 16, 9))
    # เกาะคา Q1 re-uploaded with other activities: the old rows (one with a staff note) go away
    put(settings, "เกาะคา ไตรมาส1 (1).xlsx", report_xlsx("เกาะคา", 1, 42), at(2024, 12, 13, 9))


# --- running a sync -------------------------------------------------------------------------


def run_sync(settings: Settings, *, hook: Callable[[str], None] | None = None, now: dt.datetime = NOW,
             dry_run: bool = False) -> sync.SyncResult:
    """One sync as the CLI runs it (lock, state, adapters), with an optional fault hook."""
    with RunLock(runner.lock_path(settings)):
        state = State(settings.state.path)
        try:
            built = adapters.build(settings, state)
            return sync.run(
                settings, form=built.form, drive=built.drive, attachments=built.attachments, sink=built.sink,
                state=state, now=now, dry_run=dry_run, accounting=built.accounting,
                hook=hook or (lambda stage: None),
            )
        finally:
            state.close()


class Crash(Exception):
    """Raised by a fault hook: the run dies at that stage."""


def crash_at(stage: str) -> Callable[[str], None]:
    def hook(s: str) -> None:
        if s == stage:
            raise Crash(stage)

    return hook


def cli(*args: str) -> tuple[int, str, str]:
    """The real CLI in process. The root logger's handlers are restored afterwards (the CLI
    installs its own), so pytest's log capture keeps working."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return result.exit_code, result.stdout, result.stderr


def cli_sync(settings: Settings, *extra: str) -> tuple[int, str, str]:
    return cli("sync", "--config", str(config_path(settings)), "--now", NOW_TEXT, *extra)


def status(settings: Settings) -> dict[str, Any]:
    code, out, err = cli("status", "--config", str(config_path(settings)), "--now", NOW_TEXT, "--json")
    assert code == 0, (out, err)
    return json.loads(out)


def statuses(doc: dict[str, Any]) -> dict[tuple[str, int], tuple[Any, ...]]:
    return {
        (r["district"], r["quarter"]): (r["timeliness"], r["complete"], r["submitted_at"],
                                         tuple(sorted((p["code"], p["message"]) for p in r["problems"])))
        for r in doc["reports"]
    }


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.pop("GSYNC_RELIABILITY_REPORT", None)
    return env


def spawn_child(settings: Settings, mode: str, *, stage: str = "", marker: Path | None = None) -> subprocess.Popen[bytes]:
    """`tests/reliability/child.py`: a real process running one sync with a fault mode."""
    args = [sys.executable, str(CHILD), str(config_path(settings)), NOW_TEXT, mode, stage, str(marker or "")]
    return subprocess.Popen(args, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def cli_process(settings: Settings, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "gsync.cli", *args]
    if "--config" not in args:
        cmd += ["--config", str(config_path(settings)), "--now", NOW_TEXT]
    return subprocess.run(cmd, env=child_env(), capture_output=True, text=True, timeout=timeout)


# --- reading the master ---------------------------------------------------------------------


def tabs(path: Path, *, with_log: bool = False) -> Tabs:
    """Every tab of a master workbook as value rows (the sync log left out unless asked)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets
                if with_log or ws.title != TAB_LOG}
    finally:
        wb.close()


def data_rows(tab: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [r for r in tab[1:] if r and r[0] not in (None, "")]


def column(tab: list[tuple[Any, ...]], title: str) -> int:
    return list(tab[0]).index(title)


def measure(reference: Tabs, got: Tabs, *, keep: Callable[[str, tuple[Any, ...]], bool] | None = None) -> tuple[int, int]:
    """(rows lost, rows duplicated) of `got` against the clean run's `reference`, by key.

    Lost: a key the clean master has that `got` lacks (counted with multiplicity).
    Duplicated: a key `got` has more often than the clean master (a repeat, or a row that
    should not be there). Every tab counts; `keep(tab, row)` narrows which rows do.
    """
    lost = dup = 0
    for title in sorted(set(reference) | set(got)):
        ref_keys = Counter(r[0] for r in data_rows(reference.get(title, [])) if keep is None or keep(title, r))
        got_keys = Counter(r[0] for r in data_rows(got.get(title, [])) if keep is None or keep(title, r))
        lost += sum((ref_keys - got_keys).values())
        dup += sum((got_keys - ref_keys).values())
    return lost, dup


def unique_keys(t: Tabs) -> None:
    for title, rows in t.items():
        keys = [r[0] for r in data_rows(rows)]
        dupes = [k for k, n in Counter(keys).items() if n > 1]
        assert not dupes, f"tab {title}: duplicate keys {dupes[:5]}"


def set_cells(path: Path, edits: dict[tuple[str, str, str], str]) -> None:
    """What a staff member does in Excel: type into cells, (tab, row key, column title) -> text, save."""
    wb = openpyxl.load_workbook(path)
    for (tab, key, header), value in edits.items():
        ws = wb[tab]
        head = [c.value for c in ws[1]]
        row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == key)
        row[head.index(header)].value = value
    wb.save(path)
    wb.close()


def set_cell(path: Path, tab: str, key: str, header: str, value: str) -> None:
    set_cells(path, {(tab, key, header): value})


def first_key(t: Tabs, tab: str, where: Callable[[tuple[Any, ...]], bool]) -> str:
    return str(next(r[0] for r in data_rows(t[tab]) if where(r)))


def type_staff_notes(path: Path) -> dict[tuple[str, str], str]:
    """Staff notes typed into the master before the run under test: one on a report, one on an
    activity row that stays, one on an activity row the run under test removes (re-upload)."""
    t = tabs(path)
    acts = t[TAB_ACTIVITIES]
    d, q = column(acts, "อำเภอ"), column(acts, "ไตรมาส")
    stays = first_key(t, TAB_ACTIVITIES, lambda r: r[d] == "แม่เมาะ" and r[q] == 1)
    goes = first_key(t, TAB_ACTIVITIES, lambda r: r[d] == "เกาะคา" and r[q] == 1)
    notes = {
        (TAB_REPORTS, "เสริมงาม|Q1"): "โทรตามแล้ว 21 ธ.ค.",
        (TAB_ACTIVITIES, stays): "ตรวจภาพถ่ายแล้ว",
        (TAB_ACTIVITIES, goes): "ยอดผู้เข้าร่วมสูงผิดปกติ",
    }
    set_cells(path, {(tab, key, NOTE): text for (tab, key), text in notes.items()})
    return notes


def notes_kept(t: Tabs, notes: dict[tuple[str, str], str]) -> None:
    """Every staff note is still beside its row, or kept in the archive tab when the row went."""
    archive = " ".join(str(c) for r in data_rows(t.get(TAB_ARCHIVE, [])) for c in r)
    for (tab, key), text in notes.items():
        rows = [r for r in data_rows(t[tab]) if r[0] == key]
        if rows:
            assert text in rows[0], (tab, key, text)
        else:
            assert f"{tab}:{key}" in archive and text in archive, (tab, key, text)


# --- building hostile files -----------------------------------------------------------------




def diff_summary(reference: Tabs, got: Tabs) -> str:
    out = []
    for title in sorted(set(reference) | set(got)):
        a, b = reference.get(title), got.get(title)
        if a != b:
            out.append(f"{title}: clean {len(a or [])} rows, got {len(b or [])} rows")
    return "; ".join(out) or "identical"


# --- one district's bad upload, everyone else unchanged -------------------------------------------

VICTIM, QUARTER = "แจ้ห่ม", 1
AGGREGATE_TABS = {"อัตราการส่ง"}  # province-wide rates: change whenever any district's does


def others(t: Tabs, victims: set[str]) -> Tabs:
    """Every tab without the victims' rows (and without the province-wide rates)."""
    out: Tabs = {}
    for title, rows in t.items():
        if title in AGGREGATE_TABS or not rows:
            continue
        head = list(rows[0])
        if "อำเภอ" in head:
            i = head.index("อำเภอ")
            rows = [rows[0], *[r for r in rows[1:] if r[i] not in victims]]
        out[title] = rows
    return out


def check_others_unchanged(settings, clean_master: Tabs, clean_status: dict, victims: set[str] = frozenset({VICTIM})) -> tuple[int, int, Tabs, dict]:  # type: ignore[no-untyped-def,assignment]
    got = tabs(settings.sheet.path)
    unique_keys(got)
    lost, dup = measure(others(clean_master, victims), others(got, victims))
    doc = status(settings)
    before, after = statuses(clean_status), statuses(doc)
    changed = sorted(k for k in before if k[0] not in victims and before[k] != after[k])
    assert not changed, changed
    return lost, dup, got, doc


def report_of(doc: dict, district: str = VICTIM, quarter: int = QUARTER) -> dict:
    return next(r for r in doc["reports"] if r["district"] == district and r["quarter"] == quarter)


def problem_rows(t: Tabs, district: str = VICTIM) -> list[tuple[Any, ...]]:
    tab = t[TAB_PROBLEMS]
    d, code = column(tab, "อำเภอ"), column(tab, "รหัสปัญหา")
    return [(r[code], r[column(tab, "รายละเอียด")]) for r in data_rows(tab) if r[d] == district]


def victim_activities(t: Tabs, district: str = VICTIM, quarter: int = QUARTER) -> list[tuple[Any, ...]]:
    tab = t[TAB_ACTIVITIES]
    d, q = column(tab, "อำเภอ"), column(tab, "ไตรมาส")
    return [r for r in data_rows(tab) if r[d] == district and r[q] == quarter]
