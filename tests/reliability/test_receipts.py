"""A receipt is never forgotten (issue 8, item 1).

A file or response that counted for a report and later disappears (deleted from the local
folder; trashed or moved out of the folder on Drive; a response deleted from the Form) keeps
the report's timeliness and `submitted_at`; the report shows `file_removed` for staff in Thai,
and the removed file's rows no longer count (content comes from what is there).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from .google_support import Province, google_province, google_run, sheet_tabs
from .support import (
    at,
    build,
    cli_sync,
    problem_rows,
    put,
    report_of,
    report_xlsx,
    run_sync,
    status,
    tabs,
    victim_activities,
)

REL = "แจ้ห่ม/ไตรมาส 1/รายงาน แจ้ห่ม.xlsx"
GONE = ("ไฟล์ “รายงาน แจ้ห่ม.xlsx” ที่เคยนับเป็นรายงาน (ได้รับเมื่อ 10 ธ.ค. 2567 09:00 น.) "
        "ถูกลบหรือย้ายออกจากโฟลเดอร์ เมื่อ 20 เม.ย. 2568 09:00 น. หรือก่อนหน้านั้น: "
        "ยังนับวันที่ได้รับเดิม แต่ไม่นับข้อมูลในไฟล์นั้นแล้ว")


def codes(report: dict[str, Any]) -> list[str]:
    return sorted(p["code"] for p in report["problems"])


def test_deleted_file_keeps_its_receipt_offline(tmp_path: Path, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "p")
    path = put(settings, REL, report_xlsx("แจ้ห่ม", 1, 81), at(2024, 12, 10, 9))
    run_sync(settings)
    before = report_of(status(settings))
    assert (before["timeliness"], before["submitted_at"]) == ("on_time", "2024-12-10T09:00:00+07:00")
    assert victim_activities(tabs(settings.sheet.path))  # type: ignore[arg-type]

    path.unlink()  # the district (or someone) deletes it from the folder
    code, out, err = cli_sync(settings)
    assert code in (0, 4), (out, err)  # 4: the demo has unattributed files (exit 4 is the lead's, issue 8 item 8)
    after = report_of(status(settings))
    assert (after["timeliness"], after["submitted_at"]) == ("on_time", "2024-12-10T09:00:00+07:00")
    assert codes(after) == ["file_removed", "no_report_file"]
    assert after["complete"] is False  # by no_report_file: nothing readable is there now
    assert next(p["message"] for p in after["problems"] if p["code"] == "file_removed") == GONE
    t = tabs(settings.sheet.path)  # type: ignore[arg-type]
    assert ("file_removed", GONE) in problem_rows(t)
    assert victim_activities(t) == []  # its rows no longer count

    # and it stays so: the next run still knows the receipt and when the removal was seen
    run_sync(settings, now=at(2025, 5, 1, 9))
    again = report_of(status(settings))
    assert (again["timeliness"], again["submitted_at"]) == ("on_time", "2024-12-10T09:00:00+07:00")
    assert next(p["message"] for p in again["problems"] if p["code"] == "file_removed") == GONE
    measured("state", "a counted file deleted from the local folder", runs=3, lost=None, duplicated=None,
             outcome="receipt and timeliness kept; file_removed in Thai; its rows no longer count")


def test_file_moved_inside_the_folder_is_not_removed(tmp_path: Path) -> None:
    settings = build(tmp_path / "p")
    path = put(settings, REL, report_xlsx("แจ้ห่ม", 1, 81), at(2024, 12, 10, 9))
    run_sync(settings)
    rows = victim_activities(tabs(settings.sheet.path))  # type: ignore[arg-type]
    target = path.parent.parent / path.name
    path.rename(target)  # a staff member tidies the folder: same file, another sub-folder
    run_sync(settings)
    after = report_of(status(settings))
    assert "file_removed" not in codes(after)
    assert (after["timeliness"], after["submitted_at"]) == ("on_time", "2024-12-10T09:00:00+07:00")
    assert len(victim_activities(tabs(settings.sheet.path))) == len(rows)  # type: ignore[arg-type]


def test_deleted_form_response_keeps_its_receipt_offline(tmp_path: Path) -> None:
    settings = build(tmp_path / "p")
    assert settings.form is not None and settings.form.csv is not None
    original = settings.form.csv.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(original)))
    head = rows[0]
    added = ["2024/12/09 10:00:00 AM GMT+7", *(settings.district("แจ้ห่ม").emails or ["x@example.go.th"])[:1],
             "แจ้ห่ม", "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", "นายสมชาย ใจดี"] + [""] * (len(head) - 5)

    def write(table: list[list[str]]) -> None:
        buf = io.StringIO()
        csv.writer(buf).writerows(table)
        settings.form.csv.write_text(buf.getvalue(), encoding="utf-8")  # type: ignore[union-attr]

    write([*rows, added])
    run_sync(settings)
    before = report_of(status(settings))
    assert (before["timeliness"], before["submitted_at"]) == ("on_time", "2024-12-09T10:00:00+07:00")
    write(rows)  # a fresh download of the responses, after the response was deleted in the Form
    run_sync(settings)
    after = report_of(status(settings))
    assert (after["timeliness"], after["submitted_at"]) == ("on_time", "2024-12-09T10:00:00+07:00")
    removed = [p["message"] for p in after["problems"] if p["code"] == "file_removed"]
    assert len(removed) == 1 and removed[0].startswith("คำตอบแบบฟอร์ม “9 ธ.ค. 2567 10:00 (")
    assert "ถูกลบหรือย้ายออกจากแบบฟอร์ม" in removed[0]


# --- the Google path ----------------------------------------------------------------------------


@pytest.fixture()
def gp(google_server: tuple[Any, str], tmp_path: Path) -> Province:
    fake, base_url = google_server
    return google_province(fake, base_url, tmp_path)


def _google_report(p: Province) -> str:
    folder = p.fake.drive_add_folder("แจ้ห่ม", p.ids["folder_id"], created_time="2024-12-01T03:00:00Z")
    return str(p.fake.drive_add_file("รายงาน แจ้ห่ม.xlsx", report_xlsx("แจ้ห่ม", 1, 81), folder,
                                     created_time="2024-12-10T02:00:00Z"))


def _jaehom(p: Province, result: Any) -> Any:
    return next(r for r in result.outcome.reports if r.district == "แจ้ห่ม" and r.quarter == 1)


def _trash(p: Province, fid: str) -> None:
    p.fake.drive_trash(fid)


def _move_out(p: Province, fid: str) -> None:
    elsewhere = p.fake.drive_add_folder("ที่อื่น", None)
    p.fake.drive_move(fid, elsewhere)


def _delete(p: Province, fid: str) -> None:
    p.fake.drive_delete(fid)


def _trash_its_folder(p: Province, fid: str) -> None:
    p.fake.drive_trash(p.fake.drive_file(fid).parents[0])


def _move_its_folder_out(p: Province, fid: str) -> None:
    p.fake.drive_move(p.fake.drive_file(fid).parents[0], p.fake.drive_add_folder("ที่อื่น", None))


@pytest.mark.parametrize("how", [_trash, _move_out, _delete, _trash_its_folder, _move_its_folder_out],
                         ids=["trashed", "moved out of the folder", "deleted", "its sub-folder trashed",
                              "its sub-folder moved out"])
def test_removed_drive_file_keeps_its_receipt(how: Any, gp: Province, measured) -> None:  # type: ignore[no-untyped-def]
    fid = _google_report(gp)
    first = _jaehom(gp, google_run(gp))
    assert first.timeliness == "on_time" and first.submitted_at.isoformat() == "2024-12-10T09:00:00+07:00"
    assert first.activities
    how(gp, fid)
    gp.fake.reset_log()
    after = _jaehom(gp, google_run(gp))
    assert gp.fake.count("drive.files.list") == 0  # seen through the changes feed, not a full listing
    assert after.timeliness == "on_time" and after.submitted_at.isoformat() == "2024-12-10T09:00:00+07:00"
    assert sorted(p.code for p in after.problems) == ["file_removed", "no_report_file"]
    assert next(p.message for p in after.problems if p.code == "file_removed") == GONE
    assert after.activities == [] and after.complete is False
    t = sheet_tabs(gp)
    head = list(t["ปัญหา"][0])
    assert any(r[head.index("รหัสปัญหา")] == "file_removed" and r[head.index("รายละเอียด")] == GONE
               for r in t["ปัญหา"][1:])
    measured("google", f"a counted Drive file {how.__name__.strip('_').replace('_', ' ')}", runs=2, lost=None,
             duplicated=None, outcome="receipt and timeliness kept; file_removed in Thai; its rows no longer count")


def test_removed_drive_file_that_comes_back_counts_again(gp: Province) -> None:
    fid = _google_report(gp)
    google_run(gp)
    gp.fake.drive_trash(fid)
    google_run(gp)
    gp.fake.drive_trash(fid, trashed=False)  # restored from the trash
    back = _jaehom(gp, google_run(gp))
    assert "file_removed" not in [p.code for p in back.problems]
    assert back.submitted_at.isoformat() == "2024-12-10T09:00:00+07:00" and back.activities


def test_deleted_form_response_keeps_its_receipt_on_google(gp: Province) -> None:
    qids = gp.ids["question_ids"]
    rid = gp.fake.forms_add_response(gp.ids["form_id"], {
        qids["อำเภอ"]: "แจ้ห่ม", qids["ไตรมาส"]: "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)",
        qids["ชื่อ-สกุล ผู้รายงาน"]: "สมชาย ใจดี",
    }, create_time="2024-12-09T03:00:00Z", email="jaehom@example.go.th")
    first = _jaehom(gp, google_run(gp))
    assert first.submitted_at.isoformat() == "2024-12-09T10:00:00+07:00"
    gp.fake.forms_delete_response(gp.ids["form_id"], rid)
    after = _jaehom(gp, google_run(gp))
    assert after.submitted_at.isoformat() == "2024-12-09T10:00:00+07:00" and after.timeliness == "on_time"
    # The Forms API source reads responses incrementally (forms_api.py): a deletion in the Form
    # is not seen, so the response keeps counting as it did; the report never flips to missing.


def test_deleting_the_newer_of_two_versions_is_reported(tmp_path: Path) -> None:
    """A re-upload that replaces the old file is not a removal; deleting the correction, so that
    the older version counts again, is."""
    settings = build(tmp_path / "p")
    put(settings, REL, report_xlsx("แจ้ห่ม", 1, 81), at(2024, 12, 10, 9))
    newer = put(settings, REL.replace(".xlsx", " (1).xlsx"), report_xlsx("แจ้ห่ม", 1, 82), at(2024, 12, 11, 9))
    run_sync(settings)
    newer.unlink()
    run_sync(settings)
    after = report_of(status(settings))
    assert after["submitted_at"] == "2024-12-10T09:00:00+07:00"
    removed = [p["message"] for p in after["problems"] if p["code"] == "file_removed"]
    assert len(removed) == 1 and removed[0].startswith(
        "ไฟล์ “รายงาน แจ้ห่ม (1).xlsx” ที่เคยนับเป็นรายงาน (ได้รับเมื่อ 11 ธ.ค. 2567 09:00 น.)")


def test_replacing_a_file_by_a_later_upload_of_the_same_name_is_not_removed(tmp_path: Path) -> None:
    settings = build(tmp_path / "p")
    old = put(settings, REL, report_xlsx("แจ้ห่ม", 1, 81), at(2024, 12, 10, 9))
    run_sync(settings)
    old.unlink()
    put(settings, REL.replace(".xlsx", " (1).xlsx"), report_xlsx("แจ้ห่ม", 1, 82), at(2024, 12, 11, 9))
    run_sync(settings)
    after = report_of(status(settings))
    assert after["submitted_at"] == "2024-12-10T09:00:00+07:00"  # the first receipt is kept
    assert "file_removed" not in codes(after)
