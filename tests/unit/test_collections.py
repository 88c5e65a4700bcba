"""Collections, fiscal years and Form-vs-header conflicts in outcome.judge (pure), and the lessons
parser on seed 004's form. Expectations are written by hand."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from gsync import fiscal, parse
from gsync.attribution import Incoming
from gsync.config import ConfigError, parse_settings
from gsync.models import Activity, Centre, FileKind, FileRef, FormResponse, LessonRecord, ParsedFile
from gsync.outcome import judge
from gsync.staff import StaffInput

UTC = dt.UTC
BASE = {
    "province": {"name": "ลำปาง", "fiscal_year": 2568},
    "districts": [
        {"name": "งาว", "tambons": ["บ้านหวด", "แม่ตีบ"]},
        {"name": "เกาะคา", "tambons": ["ศาลา"]},
    ],
    "form": {"csv": "x.csv"},
    "sheet": {"path": "m.xlsx"},
}
SETTINGS = parse_settings(BASE)
NOW = dt.datetime(2025, 4, 20, 2, 0, tzinfo=UTC)


def settings(**extra: object) -> object:
    return parse_settings({**BASE, **extra})


def act(tambon: str, day: dt.date = dt.date(2024, 11, 1), participants: int = 20) -> Activity:
    return Activity(row=5, tambon=tambon, name="กิจกรรม", date=day, participants=participants,
                    mission="ขายขยะแลกทอง", group="3.1", category_raw="3.1")


def file(name: str, at: dt.datetime, parsed: ParsedFile, *, folders: tuple[str, ...] = (), fid: str | None = None,
         response_id: str | None = None) -> Incoming:
    ref = FileRef(id=fid or "/".join((*folders, name)), name=name, folders=folders, received_at=at, version="1",
                  channel="form" if response_id else "drive")
    return Incoming(ref, parsed, response_id)


def activity_file(district: str | None, quarter: int | None, acts: list[Activity]) -> ParsedFile:
    return ParsedFile(kind=FileKind.ACTIVITY, header_district=district, header_quarter=quarter, activities=tuple(acts))


def register(district: str | None, centres: list[Centre]) -> ParsedFile:
    return ParsedFile(kind=FileKind.REGISTER, header_district=district, centres=tuple(centres))


def centre(tambon: str, level: str = "subdistrict", chair: str = "นายก", phone: str = "0811111111",
           lat: float | None = None, lon: float | None = None, row: int = 5) -> Centre:
    return Centre(row=row, name=f"ศูนย์ฯ ตำบล{tambon}", tambon=tambon, chair=chair, phone=phone,
                  level=level, lat=lat, lon=lon)  # type: ignore[arg-type]


def response(at: dt.datetime, quarter: str = "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", files: tuple[FileRef, ...] = (),
             district: str = "งาว", **answers: str) -> FormResponse:
    base = {"district": district, "quarter": quarter, "reporter": "ก", "phone": "0811111111"}
    return FormResponse(id=f"r{at.timestamp():.0f}", created_at=at, last_submitted_at=at, email="a@b.c",
                        answers={**base, **answers}, report_files=files)


def report(outcome, district: str = "งาว", q: int = 1):  # type: ignore[no-untyped-def]
    return next(r for r in outcome.reports if r.district == district and r.quarter == q)


def collection(outcome, cid: str, district: str = "งาว", q: int | None = None):  # type: ignore[no-untyped-def]
    return next(c for c in outcome.collections if c.collection == cid and c.district == district and c.quarter == q)


REGISTER_COLLECTION = {"id": "centre_location", "name": "รายงานสถานที่ตั้งศูนย์", "kind": "register", "due": dt.date(2024, 11, 22)}
FULL_REGISTER = [centre("บ้านหวด", level="district"), centre("บ้านหวด"), centre("แม่ตีบ")]


# --- registers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "timeliness"),
    [
        (dt.datetime(2024, 11, 22, 16, 59, tzinfo=UTC), "on_time"),  # 23:59 Bangkok on the day
        (dt.datetime(2024, 11, 22, 17, 0, tzinfo=UTC), "late"),  # midnight Bangkok
    ],
    ids=["last-minute", "midnight"],
)
def test_register_deadline_is_the_end_of_the_due_day_in_bangkok(received: dt.datetime, timeliness: str) -> None:
    s = settings(collections=[REGISTER_COLLECTION])
    out = judge(s, [], [file("ทะเบียนศูนย์ งาว.xlsx", received, register("งาว", FULL_REGISTER))], StaffInput(), NOW)
    c = collection(out, "centre_location")
    assert (c.timeliness, c.complete, c.problems) == (timeliness, True, [])
    assert c.deadline == dt.date(2024, 11, 22)
    assert out.unattributed == []
    assert collection(out, "centre_location", "เกาะคา").timeliness == "missing"


def test_register_without_a_quarter_is_unattributed_only_without_a_collection() -> None:
    f = file("ทะเบียนศูนย์ งาว.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC), register("งาว", FULL_REGISTER))
    without = judge(SETTINGS, [], [f], StaffInput(), NOW)
    assert [u.name for u in without.unattributed] == ["ทะเบียนศูนย์ งาว.xlsx"]
    assert without.collections == []
    with_it = judge(settings(collections=[REGISTER_COLLECTION]), [], [f], StaffInput(), NOW)
    assert with_it.unattributed == []
    assert report(with_it).timeliness == "missing"  # a register is not the quarterly report


def test_register_completeness_rules() -> None:
    s = settings(collections=[REGISTER_COLLECTION], province={"name": "ลำปาง", "fiscal_year": 2568,
                                                               "bbox": [17.2, 98.9, 19.5, 100.3]})
    rows = [centre("บ้านหวด", chair="", row=5), centre("ป่าแดด", phone="", row=6),
            centre("บ้านหวด", row=7, lat=1.35, lon=103.82), centre("บ้านหวด", row=8, lat=13.75, lon=100.5)]
    rows = [rows[0], rows[1], rows[2].model_copy(update={"name": "สิงคโปร์"}), rows[3].model_copy(update={"name": "กรุงเทพ"})]
    out = judge(s, [], [file("ทะเบียน งาว.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC), register("งาว", rows))],
                StaffInput(), NOW)
    c = collection(out, "centre_location")
    assert c.complete is False
    assert sorted((p.code, p.row) for p in c.problems) == [
        ("coordinates_outside_province", 8), ("coordinates_outside_thailand", 7), ("missing_chair", 5),
        ("missing_phone", 6), ("no_district_centre", None), ("tambon_without_centre", None), ("unknown_tambon", 6),
    ]
    assert next(p for p in c.problems if p.code == "tambon_without_centre").message == "ตำบลแม่ตีบ ไม่มีศูนย์ฯ ระดับตำบลในทะเบียน"


def test_a_later_register_replaces_the_earlier_one_but_timeliness_keeps_the_first() -> None:
    s = settings(collections=[REGISTER_COLLECTION])
    first = file("ทะเบียนศูนย์ งาว.xlsx", dt.datetime(2024, 11, 20, tzinfo=UTC), register("งาว", FULL_REGISTER[:2]))
    fixed = file("ทะเบียนศูนย์ งาว (1).xlsx", dt.datetime(2024, 11, 28, tzinfo=UTC), register("งาว", FULL_REGISTER))
    c = collection(judge(s, [], [first, fixed], StaffInput(), NOW), "centre_location")
    assert (c.timeliness, c.complete) == ("on_time", True)
    assert [f.name for f in c.files] == ["ทะเบียนศูนย์ งาว (1).xlsx"]
    assert [f.name for f in c.superseded] == ["ทะเบียนศูนย์ งาว.xlsx"]


def test_a_register_nobody_can_place_says_why() -> None:
    s = settings(collections=[REGISTER_COLLECTION])
    out = judge(s, [], [file("ทะเบียน.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC), register(None, FULL_REGISTER))],
                StaffInput(), NOW)
    assert [u.reason for u in out.unattributed] == ["ระบุอำเภอไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์ (รายงานสถานที่ตั้งศูนย์)"]


def test_quarterly_collection_counts_a_file_in_the_quarter_it_arrived() -> None:
    s = settings(collections=[{"id": "lessons", "name": "บันทึกองค์ความรู้", "kind": "lessons"}])
    rec = LessonRecord(reporter="ก", phone="0811111111", title="เรื่อง", story="...", assets="ก", core="ข")
    f = file("บันทึก งาว.docx", dt.datetime(2025, 2, 1, tzinfo=UTC),
             ParsedFile(kind=FileKind.LESSONS, header_district="งาว", lessons=(rec,)))
    out = judge(s, [], [f], StaffInput(), NOW)
    c = collection(out, "lessons", q=2)
    assert (c.timeliness, c.complete, c.deadline) == ("on_time", True, dt.date(2025, 3, 14))
    assert collection(out, "lessons", q=1).timeliness == "missing"
    assert collection(out, "lessons", q=3).timeliness == "not_yet_due"
    assert c.status_json()["quarter"] == 2


def test_activity_collection_takes_files_by_keyword_only() -> None:
    s = settings(collections=[{"id": "mothers_day", "name": "กิจกรรมจิตอาสาวันแม่", "kind": "activity",
                               "due": dt.date(2024, 8, 20), "keywords": ["วันแม่"]}])
    campaign = file("กิจกรรมวันแม่ งาว.xlsx", dt.datetime(2024, 8, 21, tzinfo=UTC),
                    activity_file("งาว", None, [act("บ้านหวด", dt.date(2024, 8, 12)), act("นอกเขต", dt.date(2024, 8, 12))]))
    quarterly = file("งาว Q1.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC),
                     activity_file("งาว", 1, [act("บ้านหวด"), act("แม่ตีบ")]))
    out = judge(s, [], [campaign, quarterly], StaffInput(), NOW)
    c = collection(out, "mothers_day")
    assert (c.timeliness, c.complete, [p.code for p in c.problems]) == ("late", False, ["unknown_tambon"])
    assert len(c.activities) == 2
    assert (report(out).timeliness, report(out).complete) == ("on_time", True)
    assert out.unattributed == []


def test_activity_collection_needs_keywords() -> None:
    with pytest.raises(ConfigError, match="keywords"):
        settings(collections=[{"id": "x", "name": "x", "kind": "activity", "due": dt.date(2024, 8, 20)}])


def test_collection_ids_are_unique_and_simple() -> None:
    with pytest.raises(ConfigError, match="listed twice"):
        settings(collections=[REGISTER_COLLECTION, REGISTER_COLLECTION])
    with pytest.raises(ConfigError, match="collections"):
        settings(collections=[{**REGISTER_COLLECTION, "id": "ทะเบียน"}])


# --- fiscal years ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fy", "answer", "quarter", "other"),
    [
        (2569, "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2568)", 1, None),
        (2569, "ไตรมาสที่ 4 (ก.ค. - ก.ย. 2569)", 4, None),
        (2569, "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", 1, 2568),  # the FY2568 Form reused
        (2569, "ไตรมาสที่ ๒ (ม.ค. - มี.ค. ๒๕๖๘)", 2, 2568),
        (2569, "ไตรมาส 2 ปีงบประมาณ 2568", 2, 2568),
        (2569, "Q3 FY2569", 3, None),
        (2569, "ไตรมาส 3", 3, None),  # no year: nothing to contradict
        (2568, "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2025)", 2, None),  # a CE year
        (2565, "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2565)", 2, None),
    ],
    ids=["fy69-q1", "fy69-q4", "stale-form", "thai-digits", "fy-word", "fy-en", "no-year", "ce-year", "fy65"],
)
def test_quarter_answers_name_their_fiscal_year(fy: int, answer: str, quarter: int, other: int | None) -> None:
    s = settings(province={"name": "ลำปาง", "fiscal_year": fy})
    assert fiscal.parse_quarter_answer(s, answer) == (quarter, other)  # type: ignore[arg-type]


def test_configured_quarter_choices_are_read_as_they_are() -> None:
    s = settings(form={"csv": "x.csv", "quarter_choices": ["รอบที่หนึ่ง", "รอบที่สอง", "รอบที่สาม", "รอบที่สี่"]})
    assert fiscal.parse_quarter_answer(s, "รอบที่สาม") == (3, None)  # type: ignore[arg-type]
    assert s.quarter_choices()[1] == "รอบที่หนึ่ง"  # type: ignore[attr-defined]
    assert SETTINGS.quarter_choices() == {
        1: "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", 2: "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)",
        3: "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2568)", 4: "ไตรมาสที่ 4 (ก.ค. - ก.ย. 2568)",
    }
    with pytest.raises(ConfigError, match="four choices"):
        settings(form={"csv": "x.csv", "quarter_choices": ["a", "b"]})


def test_a_stale_forms_quarter_answer_is_a_problem() -> None:
    s = settings(province={"name": "ลำปาง", "fiscal_year": 2569})
    r = response(dt.datetime(2025, 12, 1, tzinfo=UTC))  # "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)": FY2568's
    out = judge(s, [r], [], StaffInput(), dt.datetime(2026, 4, 1, tzinfo=UTC))
    q1 = report(out)
    assert q1.complete is False
    wrong = [p for p in q1.problems if p.code == "wrong_fiscal_year"]
    assert len(wrong) == 1 and "ปีงบประมาณ 2568" in wrong[0].message and "2569" in wrong[0].message


# --- Form answer vs file header -------------------------------------------------------------


def test_attachment_counts_for_the_quarter_its_header_names() -> None:
    q2_rows = [act("บ้านหวด", dt.date(2025, 2, 1)), act("แม่ตีบ", dt.date(2025, 2, 2), participants=30)]
    ref = FileRef(id="f1", name="รายงาน - ก.xlsx", received_at=dt.datetime(2025, 3, 1, tzinfo=UTC), channel="form")
    r = response(ref.received_at, files=(ref,), centres_active="2", activities="2", participants="50")
    item = Incoming(ref, activity_file("งาว", 2, q2_rows), r.id)
    out = judge(SETTINGS, [r], [item], StaffInput(), NOW)
    q1, q2 = report(out, q=1), report(out, q=2)
    assert [f.id for f in q2.files] == ["f1"] and q1.files == []
    assert [p.code for p in q2.problems] == ["quarter_conflict"]  # totals agree with the file: no mismatch
    assert sorted(p.code for p in q1.problems) == ["no_report_file", "quarter_conflict"]
    assert q1.problems[0].message == q2.problems[0].message == "ไฟล์ระบุไตรมาสที่ 2 แต่แบบฟอร์มระบุไตรมาสที่ 1"
    assert q2.timeliness == "on_time" and q2.complete is False


def test_totals_of_a_misfiled_response_are_checked_against_its_file() -> None:
    q2_rows = [act("บ้านหวด", dt.date(2025, 2, 1)), act("แม่ตีบ", dt.date(2025, 2, 2), participants=30)]
    ref = FileRef(id="f1", name="รายงาน - ก.xlsx", received_at=dt.datetime(2025, 3, 1, tzinfo=UTC), channel="form")
    r = response(ref.received_at, files=(ref,), participants="999")
    out = judge(SETTINGS, [r], [Incoming(ref, activity_file("งาว", 2, q2_rows), r.id)], StaffInput(), NOW)
    mismatch = [p for p in report(out, q=2).problems if p.code == "totals_mismatch"]
    assert len(mismatch) == 1 and "(999)" in mismatch[0].message and "(50)" in mismatch[0].message
    assert not [p for p in report(out, q=1).problems if p.code == "totals_mismatch"]


def test_attachment_naming_another_district_stays_with_the_response_and_both_see_it() -> None:
    ref = FileRef(id="f1", name="รายงาน - ก.xlsx", received_at=dt.datetime(2024, 12, 1, tzinfo=UTC), channel="form")
    r = response(ref.received_at, files=(ref,))
    out = judge(SETTINGS, [r], [Incoming(ref, activity_file("เกาะคา", 1, [act("ศาลา")]), r.id)], StaffInput(), NOW)
    ngao, kokha = report(out), report(out, "เกาะคา")
    assert [f.id for f in ngao.files] == ["f1"] and kokha.files == []
    assert "district_conflict" in [p.code for p in ngao.problems]
    assert [p.message for p in kokha.problems] == ["ไฟล์ระบุอำเภอเกาะคา แต่แบบฟอร์มระบุอำเภองาว"]


# --- the lessons parser ------------------------------------------------------------------------


def seed004_docx() -> bytes:
    """Seed 004 as the district typed it: one paragraph per line of the form."""
    import docx

    doc = docx.Document()
    text = (Path(__file__).parent.parent / "data" / "seed004_lessons.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_seed_004_reads_as_one_record() -> None:
    parsed = parse.parse_file("แบบบันทึกองค์ความรู้.docx", seed004_docx(), SETTINGS)
    assert parsed.kind is FileKind.LESSONS and parsed.problems == ()
    (rec,) = parsed.lessons
    assert rec.reporter == "ชมรมอาสาพัฒนาพัฒนาชุมชนอำเภอคลองขลุง"
    assert rec.phone == "055705032"
    assert rec.title == "เทคนิคการนำระบบมาตรฐานงานชุมชนมาขับเคลื่อนงาน\nชมรมอาสาพัฒนาพัฒนาชุมชนอำเภอคลองขลุง"
    assert rec.problem == "การขับเคลื่อนงานชมรมอาสาพัฒนาพัฒนาชุมชนให้มีประสิทธิภาพเพิ่มขึ้น"
    assert rec.place == "ชมรมอาสาพัฒนาพัฒนาชุมชนอำเภอคลองขลุง จังหวัดกำแพงเพชร"
    assert rec.story.startswith("ชมรมอาสาพัฒนาพัฒนาชุมชนอำเภอคลองขลุง จังหวัดกำแพงเพชร\nกรมการพัฒนาชุมชนได้ดำเนินโครงการ")
    assert rec.story.endswith("๗. เผยแพร่ประชาสัมพันธ์ผลการดำเนินงานตามช่องทางต่างๆ")
    assert rec.assets.split("\n") == ["๑. ใช้การจัดเวทีประชาคมเพื่อรับฟังความเห็นจากสมาชิกเพื่อนำมาสู่แนวทางในการปฏิบัติงาน",
                                      "๒. ยึดข้อตกลงเป็นกติการ่วมกันในการประชุมเครือข่าย และเป็นมติของที่ประชุม"]
    assert len(rec.core.split("\n")) == 3 and len(rec.strategy.split("\n")) == 3
    assert rec.theory == "๑. หลักการกระบวนการมีส่วนร่วม\n๒. การพัฒนาแบบองค์รวม"
    assert (parsed.header_district, parsed.header_province) == ("คลองขลุง", "กำแพงเพชร")


def test_lessons_in_a_spreadsheet() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["แบบบันทึกองค์ความรู้"])
    for label, value in [("ชื่อผู้ถอดบทเรียน", "นางสาวใจดี อำเภองาว"), ("เบอร์โทร", "081-234-5678"),
                         ("ชื่อเรื่อง", "ขยะแลกไข่"), ("เนื้อเรื่อง", "ชุมชนคัดแยกขยะ"),
                         ("ขุมความรู้", "ใช้กติกาชุมชน"), ("แก่นความรู้", "การมีส่วนร่วม")]:
        ws.append([label, value])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse.parse_file("บทเรียน.xlsx", buf.getvalue(), SETTINGS)
    assert parsed.kind is FileKind.LESSONS
    (rec,) = parsed.lessons
    assert (rec.reporter, rec.phone, rec.title, rec.core) == ("นางสาวใจดี อำเภองาว", "0812345678", "ขยะแลกไข่", "การมีส่วนร่วม")
    assert parsed.header_district == "งาว"


def test_a_word_file_that_is_not_a_lessons_form_is_still_no_header() -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("เรียน พัฒนาการจังหวัด")
    doc.add_paragraph("ชื่อเรื่อง การประชุม")
    buf = io.BytesIO()
    doc.save(buf)
    parsed = parse.parse_file("หนังสือ.docx", buf.getvalue(), SETTINGS)
    assert parsed.kind is FileKind.UNKNOWN and [p.code for p in parsed.problems] == ["no_header"]


def test_numbered_labels_and_unfilled_dotted_lines() -> None:
    import docx

    doc = docx.Document()
    for line in ["แบบบันทึกองค์ความรู้", "๑. ชื่อผู้ถอดบทเรียน: นายสมชาย อำเภองาว", "๒. เบอร์โทร ..................",
                 "๓. ชื่อเรื่อง ขยะแลกไข่", "๔. เนื้อเรื่อง", "ชุมชนคัดแยกขยะ", "..........................",
                 "๕. ขุมความรู้ ______", "๖. แก่นความรู้ การมีส่วนร่วม"]:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    (rec,) = parse.parse_file("บันทึก.docx", buf.getvalue(), SETTINGS).lessons
    assert (rec.reporter, rec.phone, rec.title, rec.story, rec.assets, rec.core) == (
        "นายสมชาย อำเภองาว", "", "ขยะแลกไข่", "ชุมชนคัดแยกขยะ", "", "การมีส่วนร่วม")


def test_swapped_coordinates_are_outside_thailand_too() -> None:
    s = settings(collections=[REGISTER_COLLECTION])
    swapped = centre("แม่ตีบ").model_copy(update={"coords_unread": "99.49, 18.29"})  # lat > 90: no position
    blank = centre("บ้านหวด").model_copy(update={"coords_unread": "-"})
    rows = [centre("บ้านหวด", level="district"), blank, swapped]
    out = judge(s, [], [file("ทะเบียน งาว.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC), register("งาว", rows))],
                StaffInput(), NOW)
    (p,) = collection(out, "centre_location").problems
    assert p.code == "coordinates_outside_thailand" and "(99.49, 18.29)" in p.message


def test_a_photo_beside_a_register_goes_with_it() -> None:
    s = settings(collections=[REGISTER_COLLECTION])
    reg = file("ทะเบียน.xlsx", dt.datetime(2024, 11, 1, tzinfo=UTC), register(None, FULL_REGISTER), folders=("งาว",))
    photo = file("IMG_2031.jpg", dt.datetime(2024, 11, 2, tzinfo=UTC), ParsedFile(kind=FileKind.EVIDENCE), folders=("งาว",))
    out = judge(s, [], [reg, photo], StaffInput(), NOW)
    assert out.unattributed == []
    c = collection(out, "centre_location")
    assert [f.name for f in c.files] == ["ทะเบียน.xlsx", "IMG_2031.jpg"] and c.complete is True


LABEL_WORDS = ["แบบบันทึกองค์ความรู้", "ชื่อผู้ถอดบทเรียน", "เบอร์โทร", "ชื่อเรื่อง", "เนื้อเรื่อง", "ขุมความรู้",
               "แก่นความรู้", "กลยุทธ์ในการทำงาน", "แนวคิดทฤษฎี", "๑.", "....", ":", " ", "อำเภองาว", "(Core Competency)"]


def test_lessons_records_never_crash_and_never_empty() -> None:
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from gsync.parse import lessons

    block = st.lists(st.sampled_from(LABEL_WORDS) | st.text(max_size=12), max_size=4).map("".join)

    @hsettings(max_examples=200, deadline=None, database=None)
    @given(st.lists(block, max_size=30))
    def check(blocks: list[str]) -> None:
        recs = lessons.records(blocks)
        assert all(r.index == i for i, r in enumerate(recs, 1))
        for r in recs:  # a record is never empty, and every value is one cleaned text
            assert any(getattr(r, f) for f in ("reporter", "phone", "title", "problem", "place", "story",
                                                 "assets", "core", "strategy", "theory"))
        lessons.district_hint(recs)

    check()
