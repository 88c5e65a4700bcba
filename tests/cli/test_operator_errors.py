"""Everyday accidents an operator makes, through the real CLI: one line, the documented exit
code, and the master and the state untouched where they must be (issue: never a false picture,
never a traceback).

Every expected message is written out by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main

NOW = "2025-04-20T09:00:00+07:00"
ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def gsync_lines(stderr: str) -> list[str]:
    """What the operator reads: gsync's own lines (log lines carry a timestamp and a level)."""
    return [line for line in stderr.splitlines() if line.startswith("gsync:")]


@pytest.fixture()
def synced(tmp_path: Path) -> Path:
    """The demo province, synced once (exit 4: two files nobody can place)."""
    config, _ = demo.build(tmp_path / "demo")
    code, out, err = invoke("sync", "--config", str(config), "--now", NOW)
    assert code == 4, out + err
    return config


def edit_config(config: Path, old: str, new: str) -> None:
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- --now in Buddhist Era ------------------------------------------------------------------


def test_now_in_buddhist_era_is_read_as_such_and_every_command_shows_the_instant(synced: Path) -> None:
    code, ce_json, ce_err = invoke("status", "--config", str(synced), "--now", NOW, "--json")
    assert code == 0
    code, be_json, be_err = invoke("status", "--config", str(synced), "--now", "2568-04-20T09:00:00+07:00", "--json")
    assert code == 0
    assert json.loads(be_json) == json.loads(ce_json)
    # stdout stays pure JSON; the instant goes to stderr, in Thai and in ISO
    assert "ณ 20 เม.ย. 2568 09:00 น. (2025-04-20T09:00:00+07:00)" in be_err.splitlines()
    code, out, _ = invoke("sync", "--config", str(synced), "--now", "๒๕๖๘-๐๔-๒๐T09:00")
    assert out.splitlines()[0] == "ณ 20 เม.ย. 2568 09:00 น. (2025-04-20T09:00:00+07:00)"


def test_now_nobody_can_read_is_a_usage_error(synced: Path) -> None:
    code, _, err = invoke("status", "--config", str(synced), "--now", "20/04/2568")
    assert code == 2
    assert ("Invalid value for --now: '20/04/2568' is not an ISO 8601 date and time; write it like "
            "2025-04-20T09:00 or 2568-04-20T09:00 (Buddhist Era)") in err


# --- config mistakes: exit 2, one line that names what the operator typed ---------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("fiscal_year = 2568", "fiscal_yaer = 2568",
         "gsync: config error: {config}: unknown key `fiscal_yaer` in [province]; did you mean `fiscal_year`?"),
        ("fiscal_year = 2568", "fiscal_year = 2025",
         "gsync: config error: {config}: [province] fiscal_year: 2025 looks like a Christian-Era year; "
         "write 2568 (Buddhist Era)"),
        ('csv = "responses.csv"', 'csv = "respones.csv"',
         "gsync: config error: {config}: [form] csv {dir}/respones.csv does not exist; download the responses "
         "CSV from the Form (Responses > Download responses (.csv)) and save it there, or fix the path"),
        ('path = "inbox"', 'path = "G:/My Drive/inbox"',
         "gsync: config error: {config}: [drive] path {dir}/G:/My Drive/inbox is not a folder (is Drive for "
         "desktop running and signed in?); mount or create it, or fix the path"),
        ('[sheet]\npath = "master.xlsx"', "",
         'gsync: config error: {config}: [sheet] is missing: add `path = "master.xlsx"` (a local workbook) or '
         '`spreadsheet_id = "..."` (a Google Sheet)'),
    ],
    ids=["typo", "ce-year", "csv-path", "vanished-folder", "no-sheet"],
)
def test_config_mistakes_are_one_line_exit_2_and_touch_nothing(synced: Path, old: str, new: str, message: str) -> None:
    master = synced.parent / "master.xlsx"
    before = digest(master)
    edit_config(synced, old, new)
    code, out, err = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 2
    assert gsync_lines(err) == [message.format(config=synced, dir=synced.parent.resolve())]
    assert "Traceback" not in out + err
    assert digest(master) == before


def test_placeholder_key_file_is_named_as_such(tmp_path: Path) -> None:
    config, _ = demo.build(tmp_path / "demo")
    key = config.parent / "service-account.json"
    shutil.copy(ROOT / "credentials.example.json", key)
    key.chmod(0o600)
    edit_config(config, '[sheet]\npath = "master.xlsx"',
                '[sheet]\nspreadsheet_id = "1XyZ"\n[google]\ncredentials = "service-account.json"')
    expected = (f"gsync: [google] credentials {key.resolve()} is the placeholder credentials.example.json, not a "
                "real key; download the service account's JSON key from the Cloud console (IAM & Admin > "
                "Service accounts > Keys > Add key > JSON) and save it there")
    code, out, err = invoke("sync", "--config", str(config))
    assert code == 2, out + err
    assert gsync_lines(err) == [expected]
    assert "Traceback" not in out + err
    # doctor lists it among its checks: one ✗ line and its fix, exit 1 like any failed check
    code, out, err = invoke("doctor", "--config", str(config))
    assert code == 1
    lines = out.splitlines()
    failed = [i for i, line in enumerate(lines) if line.startswith("✗")]
    assert [lines[i] for i in failed] == ["✗ Google credentials cannot be loaded"]
    assert lines[failed[0] + 1] == "    → " + expected.removeprefix("gsync: ")
    assert "Traceback" not in out + err


def test_wrong_form_csv_is_named_as_another_form_and_nothing_is_written(synced: Path) -> None:
    master = synced.parent / "master.xlsx"
    before = digest(master)
    (synced.parent / "responses.csv").write_text(
        "Timestamp,Email Address,อำเภอ,ชื่อโครงการ,งบประมาณที่ขอ,วันที่จัดงาน\n"
        "2024/12/01 9:00:00 AM GMT+7,a@example.go.th,เกาะคา,ตลาดนัด,5000,2024-12-20\n",
        encoding="utf-8",
    )
    code, out, err = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 2
    assert gsync_lines(err) == [
        f"gsync: {synced.parent.resolve() / 'responses.csv'}: this CSV looks like the responses of another Form: "
        "only 1 of the 12 configured questions match. Check that [form] points at this province's Form for this "
        "fiscal year; if the Form really changed, map its questions in [form.questions]"
    ]
    assert digest(master) == before


# --- the master and the state: never replaced when in use, one line when not writable ----------


def _add_a_new_report(config: Path) -> None:
    """Something new, so the next sync has to write the master."""
    inbox = config.parent / "inbox"
    src = next(p for p in sorted(inbox.rglob("*.xlsx")))
    new = inbox / "ไฟล์ใหม่ที่ไม่มีใครรู้จัก.xlsx"
    shutil.copy(src, new)
    _arrived_before_now(new)


def _arrived_before_now(path: Path) -> None:
    """A file dropped in by a test arrived before NOW: a run as of NOW sees only what had arrived."""
    arrived = dt.datetime.fromisoformat(NOW).timestamp() - 3600
    os.utime(path, (arrived, arrived))


@pytest.mark.parametrize("lock_name", [".~lock.master.xlsx#", "~$master.xlsx"], ids=["libreoffice", "excel"])
def test_master_open_in_an_office_program_is_never_replaced(synced: Path, lock_name: str) -> None:
    master = synced.parent / "master.xlsx"
    state = synced.parent / ".gsync" / "state.sqlite"
    before, state_before = digest(master), digest(state)
    (synced.parent / lock_name).write_text("staff,pc01,01.12.2026 09:00\n", encoding="utf-8")
    _add_a_new_report(synced)
    code, out, err = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 1
    assert gsync_lines(err) == [
        f"gsync: the master workbook {master.resolve()} is open in LibreOffice or Excel (lock file {lock_name}); "
        f"close the workbook and gsync writes it on the next run (if nobody has it open, delete "
        f"{synced.parent.resolve() / lock_name})"
    ]
    assert digest(master) == before and digest(state) == state_before
    (synced.parent / lock_name).unlink()
    code, _, _ = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 4  # written now; the new unplaceable file is news
    assert digest(master) != before


def test_read_only_master_is_never_replaced(synced: Path) -> None:
    master = synced.parent / "master.xlsx"
    master.chmod(0o400)
    before = digest(master)
    _add_a_new_report(synced)
    code, _, err = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 1
    assert gsync_lines(err) == [
        f"gsync: the master workbook {master.resolve()} is read-only; gsync never replaces it. Make it writable "
        f"(chmod u+w {master.resolve()}) or point [sheet] path at another file"
    ]
    assert digest(master) == before and master.stat().st_mode & 0o777 == 0o400


def test_state_folder_that_cannot_be_created_is_one_line(synced: Path) -> None:
    (synced.parent / "not-a-folder").write_text("x", encoding="utf-8")
    edit_config(synced, 'path = ".gsync/state.sqlite"', 'path = "not-a-folder/state.sqlite"')
    code, out, err = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 1
    lock = synced.parent.resolve() / "not-a-folder" / "gsync.lock"
    assert gsync_lines(err) == [
        f"gsync: cannot take the run lock {lock} (File exists); the [state] path's folder must be writable by "
        "the user gsync runs as (chown or chmod it, or set [state] path)"
    ]
    assert "Traceback" not in out + err


# --- exit 4 is a signal, not a siren ------------------------------------------------------------


def test_exit_4_only_for_what_is_new_since_the_last_run(synced: Path) -> None:
    code, out, _ = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 0, out  # the same two unplaceable files as the last run: no alert
    assert "needs attention: 2 item(s) gsync could not read or place, 0 new since the last run" in out
    (synced.parent / "inbox" / "รูปงาน.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    _arrived_before_now(synced.parent / "inbox" / "รูปงาน.xlsx")
    code, out, _ = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 4
    assert "needs attention: 3 item(s) gsync could not read or place, 1 new since the last run" in out
    code, _, _ = invoke("sync", "--config", str(synced), "--now", NOW)
    assert code == 0


# --- commands that work as printed ---------------------------------------------------------------


def test_python_dash_m_gsync_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "gsync", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: gsync [OPTIONS] COMMAND [ARGS]...")


def test_the_demo_hint_works_when_pasted(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "gsync"
    if not exe.exists():
        pytest.skip("gsync is not installed as a script next to this Python")
    done = subprocess.run([str(exe), "demo", "--dir", str(tmp_path / "d")], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    hint = next(line for line in done.stdout.splitlines() if line.startswith("next: "))
    argv = shlex.split(hint.removeprefix("next: "))
    assert argv[0] == str(exe)
    again = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                           env={**os.environ, "PATH": "/usr/bin:/bin"})  # gsync is not on PATH
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["fiscal_year"] == 2568


# --- progress: a bar on a terminal, one line per stage in cron ------------------------------------


def _gsync_sync(config: Path, stderr: int | None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "gsync", "sync", "--config", str(config), "--now", NOW],
                          stdout=subprocess.PIPE, stderr=stderr if stderr is not None else subprocess.PIPE,
                          timeout=120)


def test_cron_gets_one_line_per_stage_and_a_terminal_gets_a_bar(tmp_path: Path) -> None:
    config, _ = demo.build(tmp_path / "demo")
    done = _gsync_sync(config, None)  # stderr is a pipe, as under cron
    stages = [line.split("gsync.sync: ", 1)[1] for line in done.stderr.decode().splitlines() if "gsync.sync: " in line]
    assert stages[:3] == ["reading the master, the Form and the folder", "checking and reading files: 21",
                          "comparing and writing the master"]
    assert b"[####" not in done.stderr
    leader, follower = os.openpty()
    try:
        (config.parent / "inbox" / "ใหม่.csv").write_text("x\n", encoding="utf-8")
        _arrived_before_now(config.parent / "inbox" / "ใหม่.csv")
        done = _gsync_sync(config, follower)
        os.close(follower)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
    finally:
        os.close(leader)
    text = screen.decode(errors="replace")
    assert "checking and reading files  [####################################]  22/22" in text
