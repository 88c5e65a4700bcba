"""`gsync doctor` refuses an emptied QR folder the way `gsync sync` does (issue 19): the last
good sync saw files, the folder now has none. Offline (a folder on disk) and through the Drive
API (googleapiclient against the fake)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gsync import demo
from gsync.cli import main
from tests.reliability.google_support import google_province, google_run


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.stdout, r.stderr


NOW = "2025-04-20T09:00:00+07:00"


def test_offline_an_emptied_folder_fails_doctor_as_sync_refuses_it(tmp_path: Path) -> None:
    config, _ = demo.build(tmp_path / "demo")
    code, out, _ = invoke("doctor", "--config", str(config))
    assert code == 0 and "a folder with 18 file(s)" in out  # before the first sync: an ordinary folder
    code, _, _ = invoke("sync", "--config", str(config), "--now", NOW)
    assert code in (0, 4)
    inbox = config.parent / "inbox"
    shutil.rmtree(inbox)
    inbox.mkdir()  # Drive for desktop signed out: the folder is there, empty

    code, out, _ = invoke("doctor", "--config", str(config))
    assert code == 1, out
    lines = out.splitlines()
    i = next(n for n, x in enumerate(lines) if x.startswith("✗"))
    assert lines[i] == (f"✗ [drive] path {inbox} yields 0 file(s), the last good run saw 18 (nothing at all): "
                        "gsync sync will refuse to run")
    assert lines[i + 1] == ("    → Is Drive for desktop running and signed in, and the folder synced? "
                            "If that is on purpose, run gsync sync --accept-drop once")
    assert "ready for gsync sync" not in out
    code, _, err = invoke("sync", "--config", str(config), "--now", NOW)
    assert code != 0 and "yields 0 file(s), the last good run saw 18" in err  # the same words


def test_google_an_emptied_folder_fails_doctor(google_server: tuple[Any, str], tmp_path: Path) -> None:
    fake, base_url = google_server
    p = google_province(fake, base_url, tmp_path)
    google_run(p)
    root = p.ids["folder_id"]
    elsewhere = fake.drive_add_folder("ย้ายออก")
    tops = set()
    for file_id in p.ids["files"].values():  # what sits at the folder's top level: files and sub-folders
        node = file_id
        while fake.drive.get(node).parents != [root]:
            node = fake.drive.get(node).parents[0]
        tops.add(node)
    for node in tops:
        fake.drive_move(node, elsewhere)  # someone tidied the QR folder away

    assert p.settings.source_file is not None
    code, out, _ = invoke("doctor", "--config", str(p.settings.source_file))
    assert code == 1, out
    (bad,) = [x for x in out.splitlines() if x.startswith("✗")]
    assert bad.startswith(f"✗ [drive] folder_id {root} yields 0 file(s), the last good run saw ")
    assert bad.endswith(" (nothing at all): gsync sync will refuse to run")
