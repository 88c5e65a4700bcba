"""A source that collapses stops the run before anything is written (issue 8, item 2).

The demo's Drive folder lists 18 files and its Forms CSV 4 responses. When a later run sees
none, or fewer than (1 - [safety] max_drop) of them, `gsync sync` exits 1 with one line and
the master and the state stay byte-identical; `--accept-drop` writes anyway, once.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from .google_support import Province, google_province, google_run
from .support import build, cli, cli_sync, config_path, run_sync, status

DEMO_FILES = 18
DEMO_RESPONSES = 4


def snapshot(settings: Any) -> tuple[bytes, bytes]:
    return settings.sheet.path.read_bytes(), settings.state.path.read_bytes()


def one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.startswith("gsync: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_emptied_folder_stops_the_run(tmp_path: Path, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "p")
    run_sync(settings)
    before = snapshot(settings)
    inbox = settings.drive.path
    aside = tmp_path / "aside"
    shutil.move(str(inbox), aside)
    inbox.mkdir()  # the mount point is there, Drive for desktop is not running
    code, out, err = cli_sync(settings)
    assert code == 1, (out, err)
    assert one_line(err) == (
        f"gsync: [drive] path {inbox} yields 0 file(s), the last good run saw {DEMO_FILES} (nothing at all): "
        "nothing was written. Is Drive for desktop running and signed in, and the folder synced? "
        "If that is on purpose, run gsync sync --accept-drop once"
    )
    assert snapshot(settings) == before
    # status reads the same sources: it refuses too rather than show everyone as missing
    code, out, err = cli("status", "--config", str(config_path(settings)), "--now", "2025-04-20T09:00:00+07:00")
    assert code == 1 and "yields 0 file(s)" in one_line(err)
    # the folder comes back: the next run is a normal one
    inbox.rmdir()
    shutil.move(str(aside), inbox)
    code, out, err = cli_sync(settings)
    assert code in (0, 4), err
    measured("state", "the Drive folder is empty (Drive for desktop not running)", runs=3, lost=0, duplicated=0,
             outcome="exit 1, one line; master and state byte-identical; normal again when the folder is back")


def test_accept_drop_writes_once_and_becomes_the_new_baseline(tmp_path: Path) -> None:
    settings = build(tmp_path / "p")
    run_sync(settings)
    before = snapshot(settings)
    for f in sorted(p for p in settings.drive.path.rglob("*") if p.is_file())[:12]:
        f.unlink()  # 6 of 18 left: a drop of 67%
    code, _, err = cli_sync(settings)
    assert code == 1
    assert one_line(err).startswith(
        f"gsync: [drive] path {settings.drive.path} yields 6 file(s), the last good run saw 18 "
        "(a drop of 67%, more than [safety] max_drop = 0.5): nothing was written."
    )
    assert snapshot(settings) == before
    code, out, err = cli_sync(settings, "--accept-drop")
    assert code in (0, 4), err
    assert snapshot(settings)[0] != before[0]
    code, out, err = cli_sync(settings)  # 6 is the last good count now
    assert code in (0, 4), err
    done = status(settings)
    assert len(done["reports"]) == 52


def test_a_small_drop_is_normal(tmp_path: Path) -> None:
    settings = build(tmp_path / "p")
    run_sync(settings)
    for f in sorted(p for p in settings.drive.path.rglob("*") if p.is_file())[:9]:
        f.unlink()  # 9 of 18 left: exactly half, which max_drop = 0.5 accepts
    code, _, err = cli_sync(settings)
    assert code in (0, 4), err


def test_max_drop_is_configurable(tmp_path: Path) -> None:
    settings = build(tmp_path / "p")
    cfg = config_path(settings)
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n[safety]\nmax_drop = 0.1\n", encoding="utf-8")
    run_sync(settings)
    for f in sorted(p for p in settings.drive.path.rglob("*") if p.is_file())[:3]:
        f.unlink()  # 15 of 18: a drop of 17%
    code, _, err = cli_sync(settings)
    assert code == 1
    assert "(a drop of 17%, more than [safety] max_drop = 0.1)" in one_line(err)


def test_emptied_forms_csv_stops_the_run(tmp_path: Path) -> None:
    settings = build(tmp_path / "p")
    run_sync(settings)
    before = snapshot(settings)
    csv_path = settings.form.csv
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    csv_path.write_text(header + "\n", encoding="utf-8")  # an export taken before anyone answered
    code, _, err = cli_sync(settings)
    assert code == 1
    assert one_line(err) == (
        f"gsync: [form] csv {csv_path} yields 0 response(s), the last good run saw {DEMO_RESPONSES} "
        "(nothing at all): nothing was written. Is the CSV a complete, fresh download of this Form's responses? "
        "If that is on purpose, run gsync sync --accept-drop once"
    )
    assert snapshot(settings) == before


def test_first_run_on_an_empty_folder_is_not_stopped(tmp_path: Path) -> None:
    """Nothing to compare with (a new year, or after --full): the run goes on."""
    settings = build(tmp_path / "p")
    shutil.rmtree(settings.drive.path)
    settings.drive.path.mkdir()
    code, _, err = cli_sync(settings)
    assert code in (0, 4), err


@pytest.fixture()
def gp(google_server: tuple[Any, str], tmp_path: Path) -> Province:
    fake, base_url = google_server
    return google_province(fake, base_url, tmp_path)


def test_drive_folder_emptied_on_google_stops_the_run(gp: Province, measured) -> None:  # type: ignore[no-untyped-def]
    google_run(gp)
    state = gp.settings.state.path.read_bytes()
    elsewhere = gp.fake.drive_add_folder("ย้ายไปที่อื่น", None)
    for fid in gp.ids["files"].values():
        gp.fake.drive_move(fid, elsewhere)  # someone moved everything out of the QR folder
    gp.fake.reset_log()
    code, out, err = cli("sync", "--config", str(gp.settings.source_file), "--now", "2025-04-20T09:00:00+07:00")
    assert code == 1, (out, err)
    assert re.fullmatch(
        rf"gsync: \[drive\] folder_id {re.escape(gp.ids['folder_id'])} yields 0 file\(s\), the last good run saw "
        r"\d+ \(nothing at all\): nothing was written\. Were the files moved out of the QR folder or trashed, or is "
        r"folder_id another folder\? If that is on purpose, run gsync sync --accept-drop once", one_line(err))
    assert gp.fake.count("sheets.spreadsheets.values.batchUpdate") == 0
    assert gp.fake.count("sheets.spreadsheets.values.batchClear") == 0
    assert gp.fake.count("sheets.spreadsheets.batchUpdate") == 0
    assert gp.settings.state.path.read_bytes() == state
    measured("google", "every file moved out of the QR folder", runs=2, lost=0, duplicated=0,
             outcome="exit 1, one line; no Sheets write; state byte-identical")
