"""Issue 13 on the Google fake, by request counts (never timing): what a rerun may cost.

The demo province in the fake, `gsync sync` through the real CLI as cron runs it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gsync import demo, synth
from gsync.master.layout import NOTE, TAB_REPORTS
from gsync.testing.province import demo_on_fake
from tests.adapters.test_incremental import NOW, WRITES, downloads, sync


@pytest.fixture()
def province(google_server: tuple[Any, str], tmp_path: Path) -> dict[str, Any]:
    fake, base_url = google_server
    config, ids = demo_on_fake(fake, base_url, tmp_path)  # the defaults: what an office runs
    assert "skip_read_after_own_write" not in config.read_text(encoding="utf-8")
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


def api_ids(calls: list[Any]) -> list[str]:
    return sorted(c.id for c in calls)


def test_a_rerun_with_nothing_changed_costs_one_changes_list_and_one_responses_list(province):
    cold = sync(province, NOW)  # cold: reads and writes everything
    # a writing run asks Drive once after writing (the master's version, so the next run knows
    # the change was its own write) and nothing before (issue 21: it reads the master itself)
    versions = [c for c in cold if c.id == "drive.files.get" and c.path_params.get("fileId") == province["sid"]]
    assert [c.query["fields"] for c in versions] == [["version,lastModifyingUser(me)"]]
    after_write = sync(province, NOW + dt.timedelta(hours=1))
    # the feed reports the master at the version gsync recorded: its own write, not read again
    assert api_ids(after_write) == ["drive.changes.list", "forms.forms.responses.list"]

    quiet = sync(province, NOW + dt.timedelta(hours=2))
    assert api_ids(quiet) == ["drive.changes.list", "forms.forms.responses.list"]


def test_switched_off_a_writing_run_asks_drive_nothing_more_and_the_next_run_reads_the_master(province):
    text = province["config"].read_text(encoding="utf-8")
    province["config"].write_text(text.replace("[google]\n", "[google]\nskip_read_after_own_write = false\n", 1),
                                  encoding="utf-8")
    cold = sync(province, NOW)
    assert [c for c in cold if c.id == "drive.files.get" and c.path_params.get("fileId") == province["sid"]] == []
    assert api_ids(cold).count("drive.changes.list") == 0
    after_write = sync(province, NOW + dt.timedelta(hours=1))
    assert api_ids(after_write) == ["drive.changes.list", "forms.forms.responses.list",
                                    "sheets.spreadsheets.values.batchGet"]


def test_the_rerun_after_a_writing_rerun_costs_two_requests_too(province):
    fake, sid = province["fake"], province["sid"]
    sync(province, NOW)
    sync(province, NOW + dt.timedelta(hours=1))
    rows = synth.activities(demo.lampang_districts()["แม่ทะ"], demo.FY, 2, seed=42)
    fake.drive_add_file("แม่ทะ ไตรมาส2.xlsx", synth.activity_xlsx("แม่ทะ", demo.PROVINCE, 2, rows),
                        province["folder"], created_time=NOW - dt.timedelta(days=1))
    wrote = sync(province, NOW + dt.timedelta(hours=2))
    # a run about to write reads the master itself, never the copy the feed vouched for (issue
    # 21): the feed, the Form, the new file, the master, the rows written, the master's version
    assert api_ids(wrote) == ["drive.changes.list", "drive.files.get", "drive.files.get", "forms.forms.responses.list",
                              "sheets.spreadsheets.values.batchGet", "sheets.spreadsheets.values.batchUpdate"]
    before = fake.sheet_values(sid, TAB_REPORTS)

    after = sync(province, NOW + dt.timedelta(hours=3))
    assert api_ids(after) == ["drive.changes.list", "forms.forms.responses.list"]
    assert fake.sheet_values(sid, TAB_REPORTS) == before


def test_a_staff_edit_right_after_a_writing_run_is_read_and_kept(province):
    fake, sid = province["fake"], province["sid"]
    sync(province, NOW)  # writes the master
    header = fake.sheet_values(sid, TAB_REPORTS)[0]
    col = chr(ord("A") + header.index(NOTE))
    fake.sheet_set_cell(sid, TAB_REPORTS, f"{col}3", "ส่งทางไลน์แล้ว")  # staff, a minute after gsync wrote
    key = fake.sheet_values(sid, TAB_REPORTS)[2][0]

    seen = sync(province, NOW + dt.timedelta(hours=1))
    assert api_ids(seen) == ["drive.changes.list", "forms.forms.responses.list",
                             "sheets.spreadsheets.values.batchGet"]  # the version moved past gsync's write

    rows = synth.activities(demo.lampang_districts()["แม่ทะ"], demo.FY, 2, seed=42)
    fake.drive_add_file("แม่ทะ ไตรมาส2.xlsx", synth.activity_xlsx("แม่ทะ", demo.PROVINCE, 2, rows),
                        province["folder"], created_time=NOW - dt.timedelta(days=1))
    wrote = sync(province, NOW + dt.timedelta(hours=2))
    assert [c.id for c in wrote if c.id in WRITES]
    notes = {r[0]: r[header.index(NOTE)] for r in fake.sheet_values(sid, TAB_REPORTS)[1:] if len(r) > header.index(NOTE)}
    assert notes.get(key) == "ส่งทางไลน์แล้ว"


def test_a_staff_edit_to_the_master_between_runs_is_read_and_kept(province):
    fake, sid = province["fake"], province["sid"]
    sync(province, NOW)
    sync(province, NOW + dt.timedelta(hours=1))
    tab = TAB_REPORTS
    assert tab in {s.title for s in fake.sheets.spreadsheets[sid].sheets}
    header = fake.sheet_values(sid, tab)[0]
    col = chr(ord("A") + header.index(NOTE))  # a staff column of the status tab
    for row in range(2, 5):
        fake.sheet_set_cell(sid, tab, f"{col}{row}", f"โทรตามแล้ว {row}")
    keys = [r[0] for r in fake.sheet_values(sid, tab)[1:4]]

    seen = sync(province, NOW + dt.timedelta(hours=2))
    assert "sheets.spreadsheets.values.batchGet" in api_ids(seen)  # the feed reported the edit

    rows = synth.activities(demo.lampang_districts()["แม่ทะ"], demo.FY, 2, seed=42)
    fake.drive_add_file("แม่ทะ ไตรมาส2.xlsx", synth.activity_xlsx("แม่ทะ", demo.PROVINCE, 2, rows),
                        province["folder"], created_time=NOW - dt.timedelta(days=1))
    wrote = sync(province, NOW + dt.timedelta(hours=3))
    assert [c.id for c in wrote if c.id in WRITES]  # a writing run
    notes = {r[0]: r[header.index(NOTE)] for r in fake.sheet_values(sid, tab)[1:] if len(r) > header.index(NOTE)}
    assert [notes.get(k) for k in keys] == ["โทรตามแล้ว 2", "โทรตามแล้ว 3", "โทรตามแล้ว 4"]


def test_a_form_edit_between_runs_reads_the_questions_again(province):
    fake, form_id = province["fake"], province["ids"]["form_id"]
    sync(province, NOW)
    sync(province, NOW + dt.timedelta(hours=1))
    assert [c.id for c in sync(province, NOW + dt.timedelta(hours=2)) if c.id == "forms.forms.get"] == []

    fake.forms_add_question(form_id, "ข้อเสนอแนะ", "paragraph")  # staff add a question to the Form
    again = sync(province, NOW + dt.timedelta(hours=3))
    assert [c.id for c in again if c.id == "forms.forms.get"] == ["forms.forms.get"]


def test_the_safety_net_reads_in_full_when_the_last_full_read_is_over_an_hour_old(province):
    import json
    import sqlite3

    sync(province, NOW)
    sync(province, NOW + dt.timedelta(hours=1))
    assert "sheets.spreadsheets.values.batchGet" not in api_ids(sync(province, NOW + dt.timedelta(hours=2)))
    # the last full reads happened 61 minutes ago (wall clock): the state says when
    db = sqlite3.connect(province["state"])
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=61)).isoformat()
    for key, value in db.execute("SELECT key, value FROM kv").fetchall():
        data = json.loads(value)
        if key.startswith("sheet:") and key.endswith(":snapshot"):
            data["at"] = old
        elif key.startswith("forms:") and isinstance(data.get("questions"), dict):
            data["questions"]["at"] = old
        else:
            continue
        db.execute("UPDATE kv SET value = ? WHERE key = ?", (json.dumps(data, ensure_ascii=False), key))
    db.commit()
    db.close()

    calls = api_ids(sync(province, NOW + dt.timedelta(hours=3)))
    assert calls == ["drive.changes.list", "forms.forms.get", "forms.forms.responses.list",
                     "sheets.spreadsheets.values.batchGet"]


def test_a_cold_sync_downloads_in_parallel_within_the_same_request_counts(province):
    fake = province["fake"]
    fake.latency = 0.05  # every request takes a while: downloads overlap if they can
    cold = sync(province, NOW)
    assert fake.max_in_flight >= 2
    assert fake.max_in_flight <= 4 + 1  # DOWNLOAD_THREADS, plus nothing else at once
    gets = [c for c in downloads(cold)]
    assert len(gets) == len({c.path for c in gets})  # each file downloaded once
    assert len([c for c in cold if c.id in WRITES]) <= 3
    reads = [c for c in cold if c.id.startswith("sheets.") and c.id not in WRITES]
    assert len(reads) <= 2
