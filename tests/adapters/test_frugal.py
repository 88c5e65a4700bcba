"""Issue 13 on the Google fake, by request counts (never timing): what a rerun may cost.

The demo province in the fake, `gsync sync` through the real CLI as cron runs it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gsync import demo, synth
from tests.adapters.test_incremental import NOW, WRITES, downloads, sync
from tests.fakes.province import load_demo_into_fake, write_google_config


@pytest.fixture()
def province(google_server: tuple[Any, str], tmp_path: Path) -> dict[str, Any]:
    fake, base_url = google_server
    demo.build(tmp_path / "demo")
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    (tmp_path / "google").mkdir()
    config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=tmp_path / "demo",
                                 service_account=fake)
    return {"fake": fake, "config": config, "ids": ids, "sid": ids["spreadsheet_id"], "folder": ids["folder_id"],
            "state": tmp_path / "google" / "state" / "gsync.sqlite"}


def _form_only_reports(p: dict[str, Any]) -> list[str]:
    """Form attachments (xlsx/docx) that live only in the Form's upload folders, not in the QR folder."""
    fake = p["fake"]
    listed = set(p["ids"]["files"].values())
    uploads = {f.id for f in fake.drive.files.values() if p["ids"]["uploads_folder_id"] in f.parents}
    out = [f.id for f in fake.drive.files.values()
           if f.id not in listed and set(f.parents) & uploads and f.name.endswith((".xlsx", ".docx"))]
    return sorted(out)


def test_a_gone_attachment_is_fetched_once_and_a_new_upload_costs_one_download(province):
    fake = province["fake"]
    doomed = _form_only_reports(province)
    assert doomed == ["1MaethaQ1xlsxAbCdE"], "the demo has one Form-only report attachment"
    for fid in doomed:
        fake.drive_delete(fid)  # deleted from Drive, still named by the Form response

    cold = sync(province, NOW)
    fetched = [c for c in downloads(cold) if any(fid in c.path for fid in doomed)]
    assert [c.status for c in fetched] == [404]  # tried once

    again = sync(province, NOW + dt.timedelta(hours=1))
    assert downloads(again) == []
    assert [c.id for c in again if c.id in WRITES] == []

    rows = synth.activities(demo.lampang_districts()["แม่ทะ"], demo.FY, 2, seed=42)
    fake.drive_add_file("แม่ทะ ไตรมาส2.xlsx", synth.activity_xlsx("แม่ทะ", demo.PROVINCE, 2, rows),
                        province["folder"], created_time=NOW - dt.timedelta(days=1))
    third = sync(province, NOW + dt.timedelta(hours=2))
    assert len(downloads(third)) == 1
