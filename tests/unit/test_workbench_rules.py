"""What staff type into the master, as the rules read it (pure): review, attribution, rates,
and the keyed merge keeping staff's own columns."""

from __future__ import annotations

import datetime as dt

from gsync.attribution import Incoming
from gsync.master.layout import Table
from gsync.master.merge import extra_columns, merge, restore_notes
from gsync.master.tables import staff_input
from gsync.models import FileKind, FileRef, ParsedFile
from gsync.outcome import judge
from gsync.staff import StaffInput
from tests.unit.test_rules import FULL, NOW, SETTINGS, one, report_file

UTC = dt.UTC
ON_TIME = dt.datetime(2024, 12, 10, 3, 0, tzinfo=UTC)
SEEN = dt.datetime(2025, 1, 5, 3, 0, tzinfo=UTC)  # when gsync first saw the return


def returned(reason: str = "แถว 5 ไม่มีวันที่") -> StaffInput:
    return StaffInput(review={"งาว|Q1": ("returned", reason)},
                      review_seen={"งาว|Q1": ("returned", reason, SEEN)})


def test_a_return_first_seen_is_recorded_once() -> None:
    out = judge(SETTINGS, [], [report_file("งาว Q1.xlsx", ON_TIME, FULL)],
                StaffInput(review={"งาว|Q1": ("returned", "ขาดภาพ")}), NOW)
    assert (one(out).review, one(out).review_reason) == ("returned", "ขาดภาพ")
    assert [(e.key, e.decision, e.reason, e.seen_at) for e in out.reviews] == [("งาว|Q1", "returned", "ขาดภาพ", NOW)]
    again = judge(SETTINGS, [], [report_file("งาว Q1.xlsx", ON_TIME, FULL)],
                  StaffInput(review={"งาว|Q1": ("returned", "ขาดภาพ")},
                             review_seen={"งาว|Q1": ("returned", "ขาดภาพ", NOW)}), NOW)
    assert again.reviews == [] and one(again).review == "returned"


def test_a_file_after_the_return_is_a_resubmission_timeliness_from_the_first() -> None:
    fix = report_file("งาว Q1 แก้ไข.xlsx", SEEN + dt.timedelta(days=2), FULL)
    out = judge(SETTINGS, [], [report_file("งาว Q1.xlsx", ON_TIME, FULL), fix], returned(), NOW)
    r = one(out)
    assert (r.review, r.review_reason, r.timeliness) == ("resubmitted", "แถว 5 ไม่มีวันที่", "on_time")
    assert out.rates[0].returned == 1


def test_a_file_before_the_return_is_not_a_resubmission() -> None:
    early = report_file("งาว Q1 (2).xlsx", SEEN - dt.timedelta(days=1), FULL)
    out = judge(SETTINGS, [], [report_file("งาว Q1.xlsx", ON_TIME, FULL), early], returned(), NOW)
    assert one(out).review == "returned"


def test_late_if_corrected_after_deadline_is_a_config_choice() -> None:
    strict = SETTINGS.model_copy(update={"review": SETTINGS.review.model_copy(
        update={"late_if_corrected_after_deadline": True})})
    fix = report_file("งาว Q1 แก้ไข.xlsx", SEEN + dt.timedelta(days=2), FULL)
    files = [report_file("งาว Q1.xlsx", ON_TIME, FULL), fix]
    assert one(judge(SETTINGS, [], files, returned(), NOW)).timeliness == "on_time"  # the default
    assert one(judge(strict, [], files, returned(), NOW)).timeliness == "late"


def test_accepted_counts_in_the_rates() -> None:
    out = judge(SETTINGS, [], [report_file("งาว Q1.xlsx", ON_TIME, FULL)],
                StaffInput(review={"งาว|Q1": ("accepted", "")}), NOW)
    assert one(out).review == "accepted" and out.rates[0].accepted == 1
    q3 = out.rates[2]
    assert (q3.districts, q3.due, q3.not_yet_due) == (2, 0, True)


def test_staff_place_a_file_with_its_own_upload_time() -> None:
    ref = FileRef(id="x1", name="รายงาน.xlsx", received_at=ON_TIME, version="1")
    item = Incoming(ref, ParsedFile(kind=FileKind.ACTIVITY, activities=tuple(FULL)))
    assert [u.id for u in judge(SETTINGS, [], [item], StaffInput(), NOW).unattributed] == ["x1"]
    out = judge(SETTINGS, [], [item], StaffInput(placed={"drive:x1": ("อ.งาว", 1)}), NOW)
    assert out.unattributed == [] and [f.name for f in one(out).files] == ["รายงาน.xlsx"]
    assert one(out).submitted_at == ON_TIME and one(out).timeliness == "on_time"
    assert out.placed == {"drive:x1": ("รายงาน.xlsx", "งาว", 1, ON_TIME)}


def test_staff_input_reads_headers_by_how_they_start_and_every_mark() -> None:
    master = {
        "รายงาน": [["รหัส", "อำเภอ", "ยกเว้น: ใส่ x", "ผลการตรวจ", "เหตุผล"],
                   ["งาว|Q1", "งาว", "X", "ส่งกลับแก้ไข", "ไม่มีภาพ"], ["งาว|Q2", "งาว", True, "ผ่าน", None],
                   ["งาว|Q3", "งาว", "ไม่", None, None]],
        "ไฟล์ที่ระบุไม่ได้": [["รหัส", "ไฟล์/คำตอบ", "ระบุอำเภอ", "ระบุไตรมาส"], ["drive:a", "ก.xlsx", "งาว", 2],
                              ["drive:b", "ข.xlsx", None, "ไตรมาสที่ 3"]],
    }
    s = staff_input(master)
    assert s.excused == frozenset({"งาว|Q1", "งาว|Q2"})
    assert s.review == {"งาว|Q1": ("returned", "ไม่มีภาพ"), "งาว|Q2": ("accepted", "")}
    assert s.placed == {"drive:a": ("งาว", 2), "drive:b": (None, 3)}


def test_staff_own_columns_are_kept_in_place_even_past_a_gap() -> None:
    t = Table("t", ["รหัส", "a", "b"], [["k1", 1, "x"], ["k2", 2, "y"]], staff=["หมายเหตุ"])
    existing = [["รหัส", "a", "b", "หมายเหตุ", None, "ผู้ติดตาม"], ["k1", 1, "x", "n", None, "สมศรี"]]
    assert extra_columns(t, existing) == [4, 5]
    assert merge(t, existing) == [["รหัส", "a", "b", "หมายเหตุ", None, "ผู้ติดตาม"],
                                  ["k1", 1, "x", "n", None, "สมศรี"], ["k2", 2, "y", None, None, None]]
    # gsync adds a column "c": staff's column moves right with its values
    t2 = Table("t", ["รหัส", "a", "b", "c"], [["k1", 1, "x", "z"]], staff=["หมายเหตุ"])
    assert merge(t2, existing)[1] == ["k1", 1, "x", "z", "n", None, "สมศรี"]
    # a column gsync retired is not kept as staff's
    t3 = Table("t", ["รหัส", "a"], [["k1", 1]], staff=["หมายเหตุ"], retired=["b"])
    assert merge(t3, existing)[0] == ["รหัส", "a", "หมายเหตุ", None, "ผู้ติดตาม"]


def test_a_kept_note_goes_back_beside_its_row() -> None:
    t = Table("กิจกรรม", ["รหัส", "a"], [["k1", 1], ["k2", 2]], staff=["หมายเหตุเจ้าหน้าที่"])
    existing = {
        "กิจกรรม": [["รหัส", "a", "หมายเหตุเจ้าหน้าที่"], ["k1", 1, None]],
        "หมายเหตุที่เก็บไว้": [["รหัส", "แท็บเดิม", "ข้อมูลแถวเดิม", "สิ่งที่เจ้าหน้าที่บันทึกไว้", "คอลัมน์ที่บันทึก"],
                               ["กิจกรรม:k2", "กิจกรรม", "2", "ตรวจแล้ว | คุณก", "หมายเหตุเจ้าหน้าที่ | ผู้ติดตาม"]],
    }
    restore_notes([t], existing)
    assert merge(t, existing["กิจกรรม"])[2] == ["k2", 2, "ตรวจแล้ว | ผู้ติดตาม: คุณก"]
