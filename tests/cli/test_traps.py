"""The operator traps of issue 22, through the real CLI: each with its exact line and exit code.

(`--full` during a running sync and a full disk are real-process tests in
tests/reliability/test_lock.py and test_crash.py.) Every expected message is written by hand.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from gsync.cli import main

NOW = "2025-04-20T09:00:00+07:00"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def gsync_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("gsync:")]


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- gsync demo --dir -------------------------------------------------------------------------


def test_demo_refuses_a_folder_it_did_not_make_and_touches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    (target / "inbox" / "เกาะคา").mkdir(parents=True)
    (target / "master.xlsx").write_bytes(b"the province's real master")
    (target / "inbox" / "เกาะคา" / "รายงาน.xlsx").write_bytes(b"a district's real report")
    before = tree(target)
    code, out, err = invoke("demo", "--dir", str(target))
    assert code == 2
    assert gsync_lines(err) == [
        f"gsync: the folder {target} is not empty and was not made by gsync demo; nothing was touched. "
        "Choose a new folder: gsync demo --dir NEW-FOLDER"
    ]
    assert out == ""
    assert tree(target) == before


def test_demo_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    code, _, err = invoke("demo", "--dir", str(target))
    assert code == 2
    assert gsync_lines(err) == [
        f"gsync: the folder {target} is not empty and was not made by gsync demo; nothing was touched. "
        "Choose a new folder: gsync demo --dir NEW-FOLDER"
    ]
    assert target.read_text(encoding="utf-8") == "mine"


def test_demo_takes_an_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    code, out, err = invoke("demo", "--dir", str(target))
    assert code == 0, err
    assert f"master workbook: {target / 'master.xlsx'}" in out.splitlines()


def test_demo_again_in_its_own_folder_redoes_only_what_it_made(tmp_path: Path) -> None:
    target = tmp_path / "gsync-demo"
    assert invoke("demo", "--dir", str(target))[0] == 0
    first = tree(target)
    # the operator practises: edits the master, drops their own files in
    (target / "master.xlsx").write_bytes(b"practice edits")
    (target / "inbox" / "my-own.xlsx").write_bytes(b"mine")
    (target / "notes.txt").write_text("mine too", encoding="utf-8")
    code, out, err = invoke("demo", "--dir", str(target))
    assert code == 0, err
    assert gsync_lines(err) == []
    again = tree(target)
    assert again["inbox/my-own.xlsx"] == hashlib.sha256(b"mine").hexdigest()
    assert again["notes.txt"] == hashlib.sha256(b"mine too").hexdigest()
    # the demo's own files are made afresh (workbooks carry their creation time: not compared)
    assert set(first) - set(again) == set()
    for rel in ("demo.toml", "responses.csv", ".gsync-demo", "inbox/เมืองลำปาง/ภาพกิจกรรม1.jpg"):
        assert again[rel] == first[rel], rel
    assert again["master.xlsx"] != hashlib.sha256(b"practice edits").hexdigest()


# --- --now in the past sees only what had arrived by then ------------------------------------


def _demo(tmp_path: Path) -> Path:
    code, _, err = invoke("demo", "--dir", str(tmp_path / "demo"))
    assert code == 0, err
    return tmp_path / "demo" / "demo.toml"


def test_status_as_of_a_past_instant_does_not_count_what_arrived_later(tmp_path: Path) -> None:
    import json

    config = _demo(tmp_path)
    # แม่เมาะ sent Q2 on 20 Mar 2025 (late for the 14 Mar deadline); เกาะคา on 10 Mar
    code, out, _ = invoke("status", "--config", str(config), "--now", "2568-01-20T09:00", "--json")
    assert code == 0
    reports = {(r["district"], r["quarter"]): r for r in json.loads(out)["reports"]}
    for district in ("แม่เมาะ", "เกาะคา"):
        assert reports[(district, 2)]["timeliness"] == "not_yet_due"
        assert reports[(district, 2)]["submitted_at"] is None
    assert reports[("แม่เมาะ", 1)]["submitted_at"] == "2024-12-02T10:00:00+07:00"  # before: still counted
    # the day after แม่เมาะ's Q2 file: it is there, and late
    code, out, _ = invoke("status", "--config", str(config), "--now", "2025-03-21T09:00", "--json")
    reports = {(r["district"], r["quarter"]): r for r in json.loads(out)["reports"]}
    assert reports[("แม่เมาะ", 2)]["timeliness"] == "late"


def test_sync_as_of_a_past_instant_writes_only_what_had_arrived(tmp_path: Path) -> None:
    import openpyxl

    config = _demo(tmp_path)
    code, out, _ = invoke("sync", "--config", str(config), "--now", "2025-01-20T09:00")
    assert code in (0, 4)
    assert out.splitlines()[0] == "ณ 20 ม.ค. 2568 09:00 น. (2025-01-20T09:00:00+07:00)"
    wb = openpyxl.load_workbook(tmp_path / "demo" / "master.xlsx", read_only=True)
    try:
        rows = {r[1]: r[2:6] for r in wb["สถานะรายงาน"].iter_rows(values_only=True)}
    finally:
        wb.close()
    assert rows["แม่เมาะ"] == ("ส่งตรงเวลา", "ยังไม่ถึงกำหนด", "ยังไม่ถึงกำหนด", "ยังไม่ถึงกำหนด")


# --- every line a timer sees carries a time ----------------------------------------------------

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "


def _as_a_timer(*args: str) -> subprocess.CompletedProcess[str]:
    """gsync as cron runs it: no terminal, output to a log, GSYNC_TIMESTAMPS not set."""
    env = {k: v for k, v in os.environ.items() if k != "GSYNC_TIMESTAMPS"}
    return subprocess.run([sys.executable, "-m", "gsync", *args], capture_output=True, text=True, timeout=120,
                          env=env, stdin=subprocess.DEVNULL)


def test_a_config_error_in_the_timer_log_is_dated(tmp_path: Path) -> None:
    config = _demo(tmp_path)
    text = config.read_text(encoding="utf-8").replace("fiscal_year", "fiscal_yaer", 1)
    config.write_text(text, encoding="utf-8")
    done = _as_a_timer("sync", "--config", str(config))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(STAMP + re.escape(
        f"gsync: config error: {config}: unknown key `fiscal_yaer` in [province]; did you mean `fiscal_year`?"),
        lines[0]), lines


def test_every_line_of_a_timer_run_is_dated(tmp_path: Path) -> None:
    config = _demo(tmp_path)
    done = _as_a_timer("sync", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr  # the demo's own sync already saw its two problems
    out, err = done.stdout.splitlines(), done.stderr.splitlines()
    assert out and err
    undated = [ln for ln in out + err if not re.match(STAMP, ln)]
    assert undated == []
    assert re.fullmatch(STAMP + re.escape(f"unchanged: {config.parent / 'master.xlsx'}"), out[1]), out
    # at a terminal-less run with GSYNC_TIMESTAMPS=0 (what the tests use), the lines are bare
    bare = subprocess.run([sys.executable, "-m", "gsync", "sync", "--config", str(config), "--now", NOW],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "GSYNC_TIMESTAMPS": "0"})
    assert bare.stdout.splitlines()[1] == f"unchanged: {config.parent / 'master.xlsx'}"


# --- a corrupt workbook is called corrupt -------------------------------------------------------


def test_a_corrupt_workbook_is_called_corrupt_not_the_wrong_format(tmp_path: Path) -> None:
    import datetime as dt
    import json

    config = _demo(tmp_path)
    folder = tmp_path / "demo" / "inbox" / "แจ้ห่ม" / "ไตรมาส 1"
    folder.mkdir(parents=True)
    for name, data in (("รายงาน.xlsx", bytes(6000)), ("รายงาน2.xlsx", os.urandom(6000))):
        (folder / name).write_bytes(data)  # a broken download: zeros; a scrambled copy
        sent = dt.datetime(2024, 12, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))).timestamp()
        os.utime(folder / name, (sent, sent))
    code, out, _ = invoke("status", "--config", str(config), "--now", NOW, "--json")
    assert code == 0
    report = next(r for r in json.loads(out)["reports"] if r["district"] == "แจ้ห่ม" and r["quarter"] == 1)
    damaged = {"code": "unreadable_file",
               "message": "ไฟล์เสียหายหรือไม่ใช่ไฟล์ Excel: กรุณาเปิดไฟล์แล้วบันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง"}
    assert report["problems"].count(damaged) == 2, report["problems"]
    assert report["submitted_at"] == "2024-12-10T10:00:00+07:00"
