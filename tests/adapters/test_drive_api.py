"""ApiDriveSource against the Google fake (real googleapiclient over a loopback HTTP server)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from gsync import demo, synth
from gsync.accounting import Accounting
from gsync.errors import FileGone, FileUnavailable, SourceError
from gsync.models import FileRef
from gsync.sources.drive_api import ApiDriveSource
from gsync.state import State
from gsync.sync import _Loader
from gsync.testing.province import api_settings, google_clients, load_demo_into_fake

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
T0 = dt.datetime(2024, 12, 1, 3, 0, tzinfo=dt.UTC)
BOT = "gsync-bot@gsync-test.iam.gserviceaccount.com"


def make(base_url: str, folder_id: str | None, state: State | None = None, acct: Accounting | None = None,
         key: dict[str, Any] | None = None, **settings: Any) -> ApiDriveSource:
    return ApiDriveSource(google_clients(base_url, acct, service_account_info=key),
                          api_settings(folder_id=folder_id or "unused", **settings),
                          state if state is not None else State(None))


def tree(fake: Any) -> dict[str, str]:
    root = fake.drive_add_folder("QR ไตรมาส", created_time=T0)
    kokha = fake.drive_add_folder("เกาะคา", root, created_time=T0)
    q1 = fake.drive_add_folder("ไตรมาส 1", kokha, created_time=T0)
    fake.drive_add_folder("ว่าง", root, created_time=T0)
    return {"root": root, "kokha": kokha, "q1": q1}


def test_recursive_listing_with_pagination_and_shared_drive_flags(google_server):
    fake, base_url = google_server
    t = tree(fake)
    many = [fake.drive_add_file(f"scan-{i:04d}.pdf", b"%PDF", t["root"], created_time=T0) for i in range(1001)]
    deep = fake.drive_add_file("รายงาน.xlsx", b"PK-report", t["q1"], created_time=T0 + dt.timedelta(days=2),
                               uploader_email="Kokha.CDD@example.go.th")
    gsheet = fake.drive_add_google_sheet("แบบรายงาน (Google ชีต)", t["kokha"], export_xlsx_bytes=b"PK")
    fake.drive_add_file("~$รายงาน.xlsx", b"lock", t["q1"])  # Excel's lock file
    gone = fake.drive_add_file("old.xlsx", b"old", t["q1"])
    fake.drive_trash(gone)
    fake.drive_add_file("elsewhere.xlsx", b"x", None)

    refs = {r.id: r for r in make(base_url, t["root"]).list_files()}

    assert set(refs) == {*many, deep, gsheet}
    report = refs[deep]
    assert report.folders == ("เกาะคา", "ไตรมาส 1") and report.name == "รายงาน.xlsx"
    assert report.received_at == T0 + dt.timedelta(days=2) and report.mime_type == XLSX
    assert report.version == hashlib.md5(b"PK-report").hexdigest() and report.size == 9
    assert report.uploader == "kokha.cdd@example.go.th" and report.channel == "drive"
    native = refs[gsheet]
    assert native.folders == ("เกาะคา",) and native.size is None
    assert native.version == fake.drive_file(gsheet).modified.strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{fake.drive_file(gsheet).modified.microsecond // 1000:03d}Z"
    lists = fake.calls("drive.files.list")
    assert len(lists) == 4  # root (2 pages of 1000), then each level of sub-folders
    assert sum("pageToken" in c.query for c in lists) == 1
    for call in [*lists, *fake.calls("drive.files.get"), *fake.calls("drive.changes.")]:
        assert call.query["supportsAllDrives"] == ["true"], call
    for call in lists:
        assert call.query["includeItemsFromAllDrives"] == ["true"] and call.query["pageSize"] == ["1000"]
        assert "trashed = false" in call.query["q"][0]


def test_folder_in_a_shared_drive(google_server):
    fake, base_url = google_server
    shared = fake.drive_add_shared_drive("พัฒนาชุมชนจังหวัด")
    root = fake.drive_add_folder("QR", shared)
    sub = fake.drive_add_folder("งาว", root)
    fid = fake.drive_add_file("งาว Q1.xlsx", b"PK", sub)
    state = State(None)
    src = make(base_url, root, state)
    assert [(r.id, r.folders) for r in src.list_files()] == [(fid, ("งาว",))]
    state.commit()
    new = fake.drive_add_file("งาว Q2.xlsx", b"PK2", sub)
    assert {r.id for r in src.list_files()} == {fid, new}
    assert fake.calls("drive.changes.list")[-1].query["driveId"] == [shared]


def test_google_sheet_and_doc_are_exported(google_server):
    fake, base_url = google_server
    t = tree(fake)
    sheet = fake.drive_add_google_sheet("รายงาน", t["root"], export_xlsx_bytes=b"PK-xlsx-export")
    doc = fake.drive_add_google_doc("รายงาน (เอกสาร)", t["root"], export_docx_bytes=b"PK-docx-export")
    src = make(base_url, t["root"])
    refs = {r.id: r for r in src.list_files()}
    assert src.fetch(refs[sheet]) == b"PK-xlsx-export"
    assert src.fetch(refs[doc]) == b"PK-docx-export"
    assert [c.query["mimeType"] for c in fake.calls("drive.files.export")] == [[XLSX], [DOCX]]


def test_export_too_large_is_unavailable_with_a_hint(google_server):
    fake, base_url = google_server
    t = tree(fake)
    big = fake.drive_add_google_sheet("ใหญ่มาก", t["root"], export_xlsx_bytes=b"x" * (10 * 1024 * 1024 + 1))
    form = fake.drive.add("แบบฟอร์ม", "application/vnd.google-apps.form", t["root"])
    src = make(base_url, t["root"])
    refs = {r.id: r for r in src.list_files()}
    with pytest.raises(FileUnavailable) as err:
        src.fetch(refs[big])
    assert "ใหญ่มาก" in str(err.value) and "10 MB" in str(err.value)
    assert "ดาวน์โหลด" in str(err.value) and "upload that file instead" in str(err.value)
    with pytest.raises(FileUnavailable, match="Google Form"):
        src.fetch(refs[form])
    assert fake.count("drive.files.get", method="GET") == 1  # only the root check: no download tried


def test_file_deleted_between_list_and_fetch_is_gone(google_server):
    fake, base_url = google_server
    t = tree(fake)
    fid = fake.drive_add_file("a.xlsx", b"PK", t["q1"])
    src = make(base_url, t["root"])
    [ref] = src.list_files()
    fake.drive_delete(fid)
    with pytest.raises(FileGone):
        src.fetch(ref)


def test_permission_denied_names_the_file_and_the_account(google_server):
    fake, base_url = google_server
    key = fake.service_account_info(token_uri=base_url + "/token")  # a real key whose client_email is BOT
    t = tree(fake)
    fake.drive_add_file("a.xlsx", b"PK", t["q1"])
    src = make(base_url, t["root"], key=key)
    [ref] = src.list_files()
    fake.inject("drive.files.get", status=403, reason="insufficientFilePermissions")
    with pytest.raises(SourceError) as err:
        src.fetch(ref)
    assert '"a.xlsx"' in str(err.value) and f"share the QR folder with {BOT} as Viewer" in str(err.value)

    attachment = FileRef(id=ref.id, name="แนบ.xlsx", received_at=T0, channel="form")
    fake.inject("drive.files.get", status=403, reason="forbidden")
    with pytest.raises(SourceError, match="upload folder"):
        src.fetch(attachment)


def test_missing_or_unshared_folder_says_how_to_share_it(google_server):
    fake, base_url = google_server
    key = fake.service_account_info(token_uri=base_url + "/token")
    with pytest.raises(SourceError) as err:
        make(base_url, "1NoSuchFolderAtAll", key=key).list_files()
    assert f"share the folder with {BOT} as Viewer" in str(err.value)
    t = tree(fake)
    fake.revoke_access(t["root"])
    with pytest.raises(SourceError, match="as Viewer"):
        make(base_url, t["root"], key=key).list_files()


def test_429_is_retried_by_the_transport(google_server):
    fake, base_url = google_server
    t = tree(fake)
    fid = fake.drive_add_file("a.xlsx", b"PK", t["root"])
    fake.inject(r"^drive\.files\.list$", status=429, retry_after="3")
    acct = Accounting()
    assert [r.id for r in make(base_url, t["root"], acct=acct).list_files()] == [fid]
    assert [c.status for c in fake.calls("drive.files.list")][:2] == [429, 200]
    assert acct.retries == 1


def test_dropped_connection_mid_download_is_retried(google_server):
    fake, base_url = google_server
    t = tree(fake)
    data = bytes(range(256)) * 40
    fake.drive_add_file("a.xlsx", data, t["root"])
    acct = Accounting()
    src = make(base_url, t["root"], acct=acct)
    [ref] = src.list_files()
    fake.inject("drive.files.get", after_bytes=100)
    assert src.fetch(ref) == data
    media = [c for c in fake.calls("drive.files.get") if c.query.get("alt") == ["media"]]
    assert len(media) == 2 and acct.retries == 1 and acct.downloads == 1


def test_form_attachment_without_mime_type_and_size_cap(google_server):
    fake, base_url = google_server
    uploads = fake.drive_add_folder("File responses")  # the form owner's Drive, not the QR folder
    fid = fake.drive_add_file("รายงาน - นายก.xlsx", b"PK" * 600, uploads)
    sheet = fake.drive_add_google_sheet("ชีต", uploads, export_xlsx_bytes=b"PK-sheet")
    src = make(base_url, None, limits={"max_file_bytes": 1000})
    bare = FileRef(id=fid, name="ไฟล์แนบในแบบฟอร์ม", received_at=T0, channel="form")
    with pytest.raises(FileUnavailable, match="max_file_bytes"):
        src.fetch(bare)  # 1200 bytes: told by files.get, never downloaded
    assert not [c for c in fake.calls("drive.files.get") if c.query.get("alt") == ["media"]]
    assert fake.calls("drive.files.get")[0].query["supportsAllDrives"] == ["true"]
    assert src.fetch(FileRef(id=sheet, name="x", received_at=T0, channel="form")) == b"PK-sheet"
    small = make(base_url, None)
    assert small.fetch(bare) == b"PK" * 600
    empty = fake.drive_add_file("ว่าง.xlsx", b"", uploads)
    assert small.fetch(FileRef(id=empty, name="ว่าง.xlsx", received_at=T0, channel="form")) == b""
    fake.inject("drive.files.get", status=403, reason="userRateLimitExceeded", times=40)  # more than the quota budget allows
    with pytest.raises(SourceError, match="run gsync again later"):  # quota, not the file's fault
        small.fetch(FileRef(id=fid, name="x.xlsx", mime_type=XLSX, received_at=T0, channel="form"))


def test_changes_update_the_catalog(google_server):
    fake, base_url = google_server
    t = tree(fake)
    keep = fake.drive_add_file("keep.xlsx", b"1", t["q1"])
    trash = fake.drive_add_file("trash.xlsx", b"2", t["q1"])
    delete = fake.drive_add_file("delete.xlsx", b"3", t["root"])
    move_out = fake.drive_add_file("move-out.xlsx", b"4", t["root"])
    edit = fake.drive_add_file("edit.xlsx", b"5", t["root"])
    outside = fake.drive_add_folder("ที่อื่น")
    brought = fake.drive_add_folder("เถิน", outside)
    brought_file = fake.drive_add_file("เถิน Q1.xlsx", b"6", brought)
    state = State(None)
    src = make(base_url, t["root"], state)
    src.list_files()
    state.commit()

    fake.drive_rename(t["kokha"], "อ.เกาะคา")
    fake.drive_trash(trash)
    fake.drive_delete(delete)
    fake.drive_move(move_out, outside)
    fake.drive_update_file(edit, b"5-v2")
    fake.drive_move(brought, t["root"])  # a folder with a file moves in: the file has no change
    fresh = fake.drive_add_folder("ไตรมาส 2", t["kokha"])
    new = fake.drive_add_file("ใหม่.xlsx", b"7", fresh)
    fake.drive_add_file("unrelated.xlsx", b"8", outside)
    fake.reset_log()

    refs = {r.id: r for r in src.list_files()}
    assert set(refs) == {keep, edit, brought_file, new}
    assert refs[keep].folders == ("อ.เกาะคา", "ไตรมาส 1")
    assert refs[new].folders == ("อ.เกาะคา", "ไตรมาส 2")
    assert refs[brought_file].folders == ("เถิน",)
    assert refs[edit].version == hashlib.md5(b"5-v2").hexdigest()
    # the folders that joined the tree are listed (a moved-in folder's files have no change),
    # together in one query
    assert fake.counts("drive.") == {"drive.changes.list": 1, "drive.files.list": 1}
    [q] = fake.calls("drive.files.list")[0].query["q"]
    assert f"'{brought}' in parents" in q and f"'{fresh}' in parents" in q


def test_rejected_token_falls_back_to_full_listing(google_server):
    fake, base_url = google_server
    t = tree(fake)
    fid = fake.drive_add_file("a.xlsx", b"PK", t["root"])
    state = State(None)
    src = make(base_url, t["root"], state)
    src.list_files()
    saved = state.get_json(src.state_key)
    saved["token"] = "987654"  # expired / from another account
    state.stage_json(src.state_key, saved)
    state.commit()
    fake.reset_log()
    assert [r.id for r in src.list_files()] == [fid]
    assert [c.status for c in fake.calls("drive.changes.list")] == [400]
    assert fake.count("drive.files.list") >= 1 and fake.count("drive.changes.getStartPageToken") == 1


def test_incremental_runs_cost_one_request_and_download_only_what_is_new(google_server, tmp_path):
    """The demo province through sync's own loader: run 1 reads everything, run 2 (nothing new)
    costs one changes.list and no download, run 3 (one new upload) downloads only that file."""
    fake, base_url = google_server
    demo.build(tmp_path / "demo")
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    settings = api_settings(folder_id=ids["folder_id"])
    state = State(tmp_path / "state.sqlite")

    def run() -> tuple[list[FileRef], Accounting]:
        acct = Accounting()
        src = ApiDriveSource(google_clients(base_url, acct), settings, state)
        refs = src.list_files()
        loader = _Loader(settings, state)
        loader.load_all([(ref, src, None) for ref in refs])
        state.commit()
        return refs, acct

    first, acct1 = run()
    assert len(first) == 18
    assert acct1.downloads == 16  # every file but the two photos

    fake.reset_log()
    second, acct2 = run()
    assert [r.model_dump() for r in second] == [r.model_dump() for r in first]
    assert fake.counts("drive.") == {"drive.changes.list": 1}
    assert acct2.downloads == 0 and acct2.by_api().get("drive") == 1

    kokha = next(r for r in first if r.folders == ("เกาะคา", "ไตรมาส 2"))
    parent = fake.drive_file(kokha.id).parents[0]
    rows = synth.activities(demo.lampang_districts()["เกาะคา"], demo.FY, 2, seed=42)
    new = fake.drive_add_file("รายงานผล (แก้ไข).xlsx", synth.activity_xlsx("เกาะคา", demo.PROVINCE, 2, rows), parent)
    fake.reset_log()
    third, acct3 = run()
    assert {r.id for r in third} - {r.id for r in first} == {new}
    media = [c.path_params["fileId"] for c in fake.calls("drive.files.get") if c.query.get("alt") == ["media"]]
    assert media == [new]
    assert fake.counts("drive.") == {"drive.changes.list": 1, "drive.files.get": 1}
    assert acct3.downloads == 1


def test_state_key_is_per_folder(tmp_path: Path, google_server):
    fake, base_url = google_server
    a, b = tree(fake), tree(fake)
    fa = fake.drive_add_file("a.xlsx", b"a", a["root"])
    fb = fake.drive_add_file("b.xlsx", b"b", b["root"])
    state = State(None)
    assert [r.id for r in make(base_url, a["root"], state).list_files()] == [fa]
    state.commit()
    assert [r.id for r in make(base_url, b["root"], state).list_files()] == [fb]
