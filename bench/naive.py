"""The naive baseline: what a first script does, written here only to be measured against.

Every run it walks the QR folder one `files.list` per folder, reads every Form response, and
downloads every report file again (QR folder and Form uploads; photos are skipped, which is
kind to the baseline). It parses them with gsync's own parser, then writes the activity rows to
the master one `values.append` per row (on a rerun it clears the tab first, or the rows
would double). No state, no cache, no batching.

It goes through the same counting, retrying transports as gsync (`bench.harness.BenchClients`),
with a patient retry policy (many attempts) so that it finishes despite the write quota: a
baseline that gave up would not have a wall time to compare.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bench.harness import BenchClients, BenchFake, RunStats, begin, finish, policy_for
from gsync import parse
from gsync.accounting import Accounting
from gsync.config import Settings
from gsync.testing.province import Loaded

REPORT_EXT = (".xlsx", ".xls", ".docx", ".csv")
FOLDER = "application/vnd.google-apps.folder"
TAB = "กิจกรรม"
HEADER = ["ไฟล์", "แถว", "ตำบล", "ศูนย์", "ชื่อกิจกรรม", "กลุ่ม", "ภารกิจ/มิติ", "วันที่", "ผู้เข้าร่วม", "ภาคี", "งบประมาณ"]
MAX_ATTEMPTS = 100


def naive_sync(fake: BenchFake, settings: Settings, loaded: Loaded, *, first: bool) -> RunStats:
    clock = fake.vclock
    w = clock.worker()
    assert w is not None
    marks = begin(fake, w)
    acct = Accounting()
    google = BenchClients(fake, acct, policy_for(clock, max_attempts=MAX_ATTEMPTS))
    stats = RunStats()
    try:
        rows = _run(google, settings, loaded, first)
        stats.activities = rows
    except Exception as e:  # noqa: BLE001
        stats.ok = False
        stats.error = f"{type(e).__name__}: {e}"[:500]
    return finish(fake, w, marks, acct, stats)


def _run(google: BenchClients, settings: Settings, loaded: Loaded, first: bool) -> int:
    files = _folder_files(google, loaded.folder_id) + _response_files(google, settings)
    rows = _download_and_parse(google, settings, files)
    _append_rows(google, loaded, rows, first)
    return len(rows)


def _folder_files(google: BenchClients, root: str) -> list[dict[str, Any]]:
    """1. the folder tree, one folder at a time."""
    files: list[dict[str, Any]] = []
    queue = [root]
    while queue:
        folder = queue.pop(0)
        token = None
        while True:
            page = google.drive.files().list(q=f"'{folder}' in parents and trashed = false", pageSize=100,
                                             fields="nextPageToken,files(id,name,mimeType)", pageToken=token).execute()
            for f in page.get("files", []):
                (queue.append(f["id"]) if f["mimeType"] == FOLDER else files.append(f))
            token = page.get("nextPageToken")
            if not token:
                break
    return files


def _response_files(google: BenchClients, settings: Settings) -> list[dict[str, Any]]:
    """2. every Form response, every time: the files they name."""
    assert settings.form is not None and settings.form.form_id
    responses: list[dict[str, Any]] = []
    token = None
    while True:
        page = google.forms.forms().responses().list(formId=settings.form.form_id, pageToken=token).execute()
        responses.extend(page.get("responses", []))
        token = page.get("nextPageToken")
        if not token:
            break
    return [{"id": f["fileId"], "name": f.get("fileName", ""), "mimeType": f.get("mimeType", "")}
            for r in responses for answer in (r.get("answers") or {}).values()
            for f in (answer.get("fileUploadAnswers") or {}).get("answers") or []]


def _download_and_parse(google: BenchClients, settings: Settings, files: list[dict[str, Any]]) -> list[list[Any]]:
    """3. download and parse every report file, every time."""
    rows: list[list[Any]] = []
    seen: set[str] = set()
    for f in files:
        if f["id"] in seen or not f["name"].lower().endswith(REPORT_EXT):
            continue
        seen.add(f["id"])
        data = google.drive.files().get_media(fileId=f["id"]).execute()
        parsed = parse.parse_file(f["name"], data, settings)
        for a in parsed.activities:
            rows.append([f["name"], a.row, a.tambon, a.centre, a.name, a.group or "", a.mission or "",
                         a.date.isoformat() if isinstance(a.date, dt.date) else a.date_raw,
                         a.participants if a.participants is not None else "", ", ".join(a.sectors),
                         a.budget if a.budget is not None else ""])
    return rows


def _append_rows(google: BenchClients, loaded: Loaded, rows: list[list[Any]], first: bool) -> None:
    """4. one append per row."""
    book = google.sheets.open_by_key(loaded.spreadsheet_id)
    try:
        ws = book.worksheet(TAB)
    except Exception:  # noqa: BLE001 - gspread.WorksheetNotFound
        ws = book.add_worksheet(TAB, rows=100, cols=len(HEADER))
    if not first:
        ws.clear()
    ws.append_row(HEADER, value_input_option="RAW")
    for row in rows:
        ws.append_row(row, value_input_option="RAW")
