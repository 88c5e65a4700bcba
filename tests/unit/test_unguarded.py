"""Behaviours a hand-made change once broke without any test noticing (issue 21 item 2), in
judging.judge (pure) and in how the master's ประวัติการตรวจ is read back. Each test here fails
when its behaviour is broken by hand (tests/mutate_survivors.py re-applies the breaks):

- a return whose reason staff rewrote is a new return: a new history event, and the
  resubmission clock restarts from it;
- the newest ประวัติการตรวจ row of a report decides what gsync last saw;
- a register whose sub-district's only centre is the district-level one: tambon_without_centre;
- a file whose header says quarter 2 inside a folder named ไตรมาส 1: the header wins,
  quarter_conflict, and Q1 stays missing;
- a file with no quarter clue whose activities are all dated in the previous fiscal year is not
  placed in this year's quarter;
- a Form that declares fewer (or more) participants than the file holds: totals_mismatch.

The outbox's max_attempts is in tests/remind/test_attempts.py, and the review history through
the real CLI and workbook in tests/cli/test_review_history.py. Expected values are written by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gsync.judging import ReviewEvent, ReviewMark, ReviewSeen, StaffInput, judge
from gsync.master.tables import KEY, TAB_REVIEWS, staff_input
from tests.unit.test_collections import (
    REGISTER_COLLECTION,
    centre,
    collection,
    file,
    register,
    settings,
)
from tests.unit.test_rules import FULL, NOW, SETTINGS, act, one, report_file, response

UTC = dt.UTC
BKK = SETTINGS.tz

# --- a return whose reason staff rewrote ------------------------------------------------------

FIRST_RETURN = dt.datetime(2025, 4, 10, 2, 0, tzinfo=UTC)  # 10 Apr 2025 09:00 Bangkok
CORRECTED = dt.datetime(2025, 4, 15, 2, 0, tzinfo=UTC)  # a corrected file, after the first return


def _returned_then_corrected() -> list:  # type: ignore[type-arg]
    original = report_file("งาว Q1.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL)
    fixed = report_file("งาว Q1 แก้ไข.xlsx", CORRECTED, FULL)
    return [original, fixed]


def test_a_return_with_the_same_reason_is_resubmitted_by_a_later_file() -> None:
    """The baseline the next test departs from: nothing rewritten, no new event, resubmitted."""
    staff = StaffInput(review={"งาว|Q1": ReviewMark("returned", "ภาพไม่ตรงกับรายงาน")},
                       review_seen={"งาว|Q1": ReviewSeen("returned", "ภาพไม่ตรงกับรายงาน", FIRST_RETURN)})
    out = judge(SETTINGS, [], _returned_then_corrected(), staff, NOW)
    assert out.reviews == []
    assert (one(out).review, one(out).review_reason) == ("resubmitted", "ภาพไม่ตรงกับรายงาน")


def test_a_rewritten_reason_is_a_new_return_and_restarts_the_resubmission_clock() -> None:
    staff = StaffInput(review={"งาว|Q1": ReviewMark("returned", "ภาพไม่ตรงกับรายงาน และวันที่แถว 6 ผิด")},
                       review_seen={"งาว|Q1": ReviewSeen("returned", "ภาพไม่ตรงกับรายงาน", FIRST_RETURN)})
    out = judge(SETTINGS, [], _returned_then_corrected(), staff, NOW)
    # one new history row, seen now
    assert out.reviews == [ReviewEvent("งาว|Q1", "งาว", 1, "returned", "ภาพไม่ตรงกับรายงาน และวันที่แถว 6 ผิด", NOW)]
    # the corrected file (15 Apr) came before this return (20 Apr): not a resubmission of it
    assert (one(out).review, one(out).review_reason) == ("returned", "ภาพไม่ตรงกับรายงาน และวันที่แถว 6 ผิด")
    # the next sync reads that row back: a file re-saved after it is the resubmission
    seen_again = StaffInput(review=staff.review,
                            review_seen={"งาว|Q1": ReviewSeen("returned", "ภาพไม่ตรงกับรายงาน และวันที่แถว 6 ผิด", NOW)})
    later = NOW + dt.timedelta(days=1)
    resaved = report_file("งาว Q1 แก้ไขครั้งที่ 2.xlsx", NOW + dt.timedelta(hours=3), FULL)
    out = judge(SETTINGS, [], [*_returned_then_corrected(), resaved], seen_again, later)
    assert out.reviews == []
    assert one(out).review == "resubmitted"


# --- the newest ประวัติการตรวจ row decides ----------------------------------------------------


def test_the_newest_review_history_row_is_what_gsync_last_saw() -> None:
    tabs = {TAB_REVIEWS: [
        [KEY, "อำเภอ", "ไตรมาส", "ผลการตรวจที่บันทึก", "เหตุผล", "บันทึกเมื่อ"],
        ["งาว|Q1|2025-04-10T09:00:00+07:00", "งาว", 1, "ส่งกลับแก้ไข", "ภาพไม่ตรง", "10 เม.ย. 2568 09:00"],
        ["เกาะคา|Q1|2025-04-11T09:00:00+07:00", "เกาะคา", 1, "ผ่าน", "", "11 เม.ย. 2568 09:00"],
        ["งาว|Q1|2025-04-18T14:00:00+07:00", "งาว", 1, "ผ่าน", "", "18 เม.ย. 2568 14:00"],
    ]}
    seen = staff_input(tabs).review_seen
    assert seen["งาว|Q1"] == ReviewSeen("accepted", "", dt.datetime(2025, 4, 18, 14, 0, tzinfo=BKK))
    assert seen["เกาะคา|Q1"] == ReviewSeen("accepted", "", dt.datetime(2025, 4, 11, 9, 0, tzinfo=BKK))


def test_an_acceptance_after_a_return_adds_no_row_on_the_next_sync() -> None:
    tabs = {TAB_REVIEWS: [
        [KEY, "อำเภอ", "ไตรมาส", "ผลการตรวจที่บันทึก", "เหตุผล", "บันทึกเมื่อ"],
        ["งาว|Q1|2025-04-10T09:00:00+07:00", "งาว", 1, "ส่งกลับแก้ไข", "ภาพไม่ตรง", "10 เม.ย. 2568 09:00"],
        ["งาว|Q1|2025-04-18T14:00:00+07:00", "งาว", 1, "ผ่าน", "", "18 เม.ย. 2568 14:00"],
    ]}
    history = staff_input(tabs)
    staff = StaffInput(review={"งาว|Q1": ReviewMark("accepted", "")}, review_seen=history.review_seen)
    out = judge(SETTINGS, [], _returned_then_corrected(), staff, NOW)
    assert out.reviews == []
    assert one(out).review == "accepted"


# --- a register whose sub-district has only the district-level centre --------------------------


def test_a_tambon_whose_only_centre_is_the_district_level_one_has_no_centre() -> None:
    s = settings(collections=[REGISTER_COLLECTION])
    # งาว has บ้านหวด and แม่ตีบ; the district-level centre sits in แม่ตีบ, no sub-district centre there
    rows = [centre("แม่ตีบ", level="district", row=5), centre("บ้านหวด", row=6)]
    out = judge(s, [], [file("ทะเบียนศูนย์ งาว.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC), register("งาว", rows))],
                StaffInput(), NOW)
    c = collection(out, "centre_location")
    assert [(p.code, p.message) for p in c.problems] == [
        ("tambon_without_centre", "ตำบลแม่ตีบ ไม่มีศูนย์ฯ ระดับตำบลในทะเบียน")]
    assert (c.timeliness, c.complete) == ("on_time", False)


def test_a_tambon_with_both_centres_is_covered() -> None:
    s = settings(collections=[REGISTER_COLLECTION])
    rows = [centre("แม่ตีบ", level="district", row=5), centre("แม่ตีบ", row=6), centre("บ้านหวด", row=7)]
    out = judge(s, [], [file("ทะเบียนศูนย์ งาว.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC), register("งาว", rows))],
                StaffInput(), NOW)
    c = collection(out, "centre_location")
    assert (c.problems, c.complete) == ([], True)


# --- the header's quarter beats the folder's ---------------------------------------------------


def test_header_quarter_2_inside_a_folder_named_quarter_1() -> None:
    q2_rows = [act("บ้านหวด", day=dt.date(2025, 2, 3)), act("แม่ตีบ", day=dt.date(2025, 2, 4), participants=30)]
    f = report_file("รายงานผลการดำเนินงาน.xlsx", dt.datetime(2025, 3, 3, 3, 0, tzinfo=UTC), q2_rows,
                    district="งาว", quarter=2, folders=("อ.งาว", "ไตรมาส 1"))
    out = judge(SETTINGS, [], [f], StaffInput(), NOW)
    q1, q2 = one(out, q=1), one(out, q=2)
    assert [x.name for x in q2.files] == ["รายงานผลการดำเนินงาน.xlsx"]
    assert [(p.code, p.message) for p in q2.problems] == [
        ("quarter_conflict", "ไฟล์ระบุไตรมาสที่ 2 แต่โฟลเดอร์ระบุไตรมาสที่ 1")]
    assert (q2.timeliness, q2.complete) == ("on_time", False)
    assert (q1.timeliness, q1.files, q1.complete) == ("missing", [], None)
    assert out.unattributed == []


def test_the_conflict_says_which_place_says_what() -> None:
    """The Thai line reads "the file says <what gsync used>, but <the other place> says <the other>"."""
    f = report_file("สรุป.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL, folders=("เกาะคา",))
    assert [p.message for p in one(judge(SETTINGS, [], [f], StaffInput(), NOW)).problems] == [
        "ไฟล์ระบุอำเภองาว แต่โฟลเดอร์ระบุอำเภอเกาะคา"]
    s = settings(collections=[REGISTER_COLLECTION])
    reg = file("ทะเบียนศูนย์.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC),
               register("งาว", [centre("บ้านหวด", level="district"), centre("บ้านหวด"), centre("แม่ตีบ")]),
               folders=("อ.เกาะคา",))
    c = collection(judge(s, [], [reg], StaffInput(), NOW), "centre_location")
    assert [p.message for p in c.problems] == ["ไฟล์ระบุอำเภองาว แต่โฟลเดอร์ระบุอำเภอเกาะคา"]


# --- activities dated in the previous fiscal year ----------------------------------------------


def test_a_file_without_a_quarter_clue_dated_in_the_previous_fiscal_year_is_not_placed() -> None:
    # FY2568 runs 1 Oct 2024 - 30 Sep 2025; these are FY2567 Q1 (Oct - Dec 2023)
    last_year = [act("บ้านหวด", day=dt.date(2023, 11, 2)), act("แม่ตีบ", day=dt.date(2023, 12, 5))]
    f = report_file("งาว.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), last_year, district="งาว", quarter=None)
    out = judge(SETTINGS, [], [f], StaffInput(), NOW)
    assert [(u.name, u.reason) for u in out.unattributed] == [
        ("งาว.xlsx", "ระบุไตรมาสไม่ได้ จากหัวรายงาน โฟลเดอร์ ชื่อไฟล์ หรือวันที่กิจกรรม")]
    assert [(r.quarter, r.timeliness) for r in out.reports if r.district == "งาว"] == [
        (1, "missing"), (2, "missing"), (3, "not_yet_due"), (4, "not_yet_due")]


def test_the_same_file_dated_in_this_fiscal_year_is_placed_by_its_dates() -> None:
    this_year = [act("บ้านหวด", day=dt.date(2024, 11, 2)), act("แม่ตีบ", day=dt.date(2024, 12, 5))]
    f = report_file("งาว.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), this_year, district="งาว", quarter=None)
    out = judge(SETTINGS, [], [f], StaffInput(), NOW)
    assert out.unattributed == []
    assert (one(out).timeliness, [x.name for x in one(out).files]) == ("on_time", ["งาว.xlsx"])


# --- the Form's declared participants against the file -----------------------------------------


@pytest.mark.parametrize(
    ("declared", "tolerance", "mismatch"),
    [
        ("30", 0, "จำนวนผู้เข้าร่วมที่กรอกในแบบฟอร์ม (30) ไม่ตรงกับในไฟล์รายงาน (50)"),  # fewer than the file
        ("70", 0, "จำนวนผู้เข้าร่วมที่กรอกในแบบฟอร์ม (70) ไม่ตรงกับในไฟล์รายงาน (50)"),  # more than the file
        ("50", 0, None),
        ("45", 5, None),  # within the tolerance, both ways
        ("55", 5, None),
        ("44", 5, "จำนวนผู้เข้าร่วมที่กรอกในแบบฟอร์ม (44) ไม่ตรงกับในไฟล์รายงาน (50)"),
        ("56", 5, "จำนวนผู้เข้าร่วมที่กรอกในแบบฟอร์ม (56) ไม่ตรงกับในไฟล์รายงาน (50)"),
    ],
    ids=["fewer", "more", "equal", "tolerated-fewer", "tolerated-more", "beyond-fewer", "beyond-more"],
)
def test_declared_participants_against_the_file_both_ways(declared: str, tolerance: int, mismatch: str | None) -> None:
    s = SETTINGS.model_copy(update={"rules": SETTINGS.rules.model_copy(update={"totals_tolerance": tolerance})})
    form = response(dt.datetime(2024, 12, 2, tzinfo=UTC), centres_active="2", activities="2", participants=declared)
    f = report_file("งาว Q1.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL)  # 20 + 30 = 50 people
    r = one(judge(s, [form], [f], StaffInput(), NOW))
    assert [p.message for p in r.problems if p.code == "totals_mismatch"] == ([mismatch] if mismatch else [])
    assert [p.code for p in r.problems] == (["totals_mismatch"] if mismatch else [])
    assert r.complete is (mismatch is None)

