"""What every form source and every drive source promises, offline and on Google.

Each test runs once with the offline adapters (CsvFormSource, FolderDriveSource) and once with
the Google ones on the fake (ApiFormSource, ApiDriveSource), against the tiny province of
conftest.py, with the same expectations written by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gsync.errors import FileGone
from gsync.ports import DriveSource, FormSource
from gsync.sinks.google_sheet import GoogleSheetSink
from gsync.sinks.workbook import WorkbookSink
from gsync.sources.drive_api import ApiDriveSource
from gsync.sources.drive_folder import FolderDriveSource
from gsync.sources.forms_api import ApiFormSource
from gsync.sources.forms_csv import CsvFormSource
from tests.contract.tiny import PHOTO_BYTES, REPORT_BYTES, UPLOAD_ID, Built

BKK = dt.timezone(dt.timedelta(hours=7))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_each_port_has_the_adapter_it_should(built: Built, request: pytest.FixtureRequest) -> None:
    """The parameterisation really covers the six adapters."""
    kinds = type(built.adapters.form), type(built.adapters.drive), type(built.adapters.sink)
    if "offline" in request.node.callspec.id:
        assert kinds == (CsvFormSource, FolderDriveSource, WorkbookSink)
    else:
        assert kinds == (ApiFormSource, ApiDriveSource, GoogleSheetSink)


# --- form sources ---------------------------------------------------------------------------


def _by_district(source: FormSource) -> dict[str, object]:
    return {r.answers["district"]: r for r in source.responses()}


def test_form_source_lists_every_response_with_its_time_in_bangkok(form_source: FormSource) -> None:
    got = _by_district(form_source)
    assert sorted(got) == ["งาว", "เกาะคา"]
    ngao, kokha = got["งาว"], got["เกาะคา"]
    # "13/12/2024, 20:15:30" carries no offset: it is Bangkok time
    assert ngao.created_at == dt.datetime(2024, 12, 13, 20, 15, 30, tzinfo=BKK)  # type: ignore[attr-defined]
    assert ngao.last_submitted_at == dt.datetime(2024, 12, 13, 20, 15, 30, tzinfo=BKK)  # type: ignore[attr-defined]
    assert kokha.created_at == dt.datetime(2024, 12, 12, 9, 5, tzinfo=BKK)  # type: ignore[attr-defined]
    # the instant is what counts: a source may give it in Bangkok (the CSV) or in UTC (the API)
    assert ngao.created_at.astimezone(BKK).hour == 20  # type: ignore[attr-defined]


def test_form_source_keeps_answers_as_typed(form_source: FormSource) -> None:
    ngao = _by_district(form_source)["งาว"]
    answers = ngao.answers  # type: ignore[attr-defined]
    assert answers["quarter"] == "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"
    assert answers["reporter"] == "นางสาวกนกพร ใจงาม"
    assert answers["position"] == "นักพัฒนาชุมชน"
    assert answers["phone"] == "081-234-5678"  # the leading zero stays
    assert answers["centres_active"] == "๑๒"  # Thai digits stay until a field's validator reads them
    assert answers["activities"] == "24 ครั้ง"
    assert answers["participants"] == "1,250"
    assert answers["problems"] == "ฝนตกหนัก"
    assert ngao.email == "ngao.cdd@example.go.th"  # type: ignore[attr-defined]
    kokha = _by_district(form_source)["เกาะคา"]
    assert kokha.answers["suggestions"] == "ขอบคุณครับ"  # type: ignore[attr-defined]
    assert kokha.email == "kokha@example.go.th"  # type: ignore[attr-defined]


def test_form_source_names_the_uploaded_report_by_its_drive_id(form_source: FormSource) -> None:
    got = _by_district(form_source)
    ngao, kokha = got["งาว"], got["เกาะคา"]
    assert [f.id for f in ngao.report_files] == [UPLOAD_ID]  # type: ignore[attr-defined]
    assert [f.channel for f in ngao.report_files] == ["form"]  # type: ignore[attr-defined]
    assert ngao.photo_files == ()  # type: ignore[attr-defined]
    assert kokha.report_files == ()  # type: ignore[attr-defined]


def test_form_source_ids_are_unique_and_stable(form_source: FormSource) -> None:
    first = [r.id for r in form_source.responses()]
    again = [r.id for r in form_source.responses()]
    assert len(set(first)) == 2
    assert sorted(first) == sorted(again)


# --- drive sources --------------------------------------------------------------------------


def _files(source: DriveSource) -> dict[str, object]:
    return {"/".join((*f.folders, f.name)): f for f in source.list_files()}


def test_drive_source_lists_every_file_with_its_folder_size_and_time(drive_source: DriveSource) -> None:
    files = _files(drive_source)
    assert sorted(files) == ["IMG_0001.jpg", "เกาะคา/รายงาน เกาะคา ไตรมาส 1.xlsx"]
    report, photo = files["เกาะคา/รายงาน เกาะคา ไตรมาส 1.xlsx"], files["IMG_0001.jpg"]
    assert report.folders == ("เกาะคา",)  # type: ignore[attr-defined]
    assert report.size == len(b"PK\x03\x04 report of Ko Kha, quarter 1")  # type: ignore[attr-defined]
    assert photo.size == len(b"\xff\xd8\xff\xe0 a photo")  # type: ignore[attr-defined]
    assert report.received_at == dt.datetime(2024, 12, 12, 10, 0, tzinfo=BKK)  # type: ignore[attr-defined]
    assert photo.received_at == dt.datetime(2024, 12, 10, 9, 30, tzinfo=BKK)  # type: ignore[attr-defined]
    assert report.channel == "drive"  # type: ignore[attr-defined]
    assert report.version  # type: ignore[attr-defined]


def test_drive_source_returns_the_same_bytes(drive_source: DriveSource) -> None:
    files = _files(drive_source)
    assert drive_source.fetch(files["เกาะคา/รายงาน เกาะคา ไตรมาส 1.xlsx"]) == REPORT_BYTES  # type: ignore[arg-type]
    assert drive_source.fetch(files["IMG_0001.jpg"]) == PHOTO_BYTES  # type: ignore[arg-type]


def test_drive_source_ids_are_stable(drive_source: DriveSource) -> None:
    first = sorted(f.id for f in drive_source.list_files())
    assert len(set(first)) == 2
    assert sorted(f.id for f in drive_source.list_files()) == first


def test_a_removed_file_disappears_and_cannot_be_fetched(built: Built, drive_source: DriveSource) -> None:
    before = _files(drive_source)
    built.remove("IMG_0001.jpg")
    after = _files(drive_source)
    assert sorted(after) == ["เกาะคา/รายงาน เกาะคา ไตรมาส 1.xlsx"]
    with pytest.raises(FileGone):
        drive_source.fetch(before["IMG_0001.jpg"])  # type: ignore[arg-type]
