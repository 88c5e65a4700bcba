"""outcome.judge with attribution.py: attribution, the union of channels, completeness and timeliness (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from gsync.attribution import Incoming, stem_key
from gsync.config import parse_settings
from gsync.models import Activity, FileKind, FileRef, FormResponse, ParsedFile
from gsync.outcome import judge
from gsync.staff import StaffInput

UTC = dt.UTC
SETTINGS = parse_settings({
    "province": {"name": "ลำปาง", "fiscal_year": 2568},
    "districts": [
        {"name": "งาว", "tambons": ["บ้านหวด", "แม่ตีบ"], "emails": ["ngao@example.go.th"]},
        {"name": "เกาะคา", "tambons": ["ศาลา"]},
    ],
    "form": {"csv": "x.csv"},
    "sheet": {"path": "m.xlsx"},
})
NOW = dt.datetime(2025, 4, 20, 2, 0, tzinfo=UTC)


def act(tambon: str, day: dt.date = dt.date(2024, 11, 1), participants: int | None = 20, row: int = 5,
        mission: str | None = "ขายขยะแลกทอง", name: str = "กิจกรรม") -> Activity:
    return Activity(row=row, tambon=tambon, name=name, date=day, participants=participants, mission=mission,
                    group="3.1", category_raw="3.1")


def report_file(name: str, at: dt.datetime, acts: list[Activity], *, district: str | None = "งาว",
                quarter: int | None = 1, folders: tuple[str, ...] = (), fid: str | None = None) -> Incoming:
    ref = FileRef(id=fid or "/".join((*folders, name)), name=name, folders=folders, received_at=at, version="1")
    return Incoming(ref, ParsedFile(kind=FileKind.ACTIVITY, header_district=district, header_quarter=quarter,
                                    activities=tuple(acts)))


def response(at: dt.datetime, email: str = "ngao@example.go.th", district: str = "อ.งาว", files: tuple = (),
             **answers: str) -> FormResponse:
    base = {"district": district, "quarter": "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", "reporter": "ก", "phone": "0811111111"}
    return FormResponse(id=f"r{at.timestamp():.0f}", created_at=at, last_submitted_at=at, email=email,
                        answers={**base, **answers}, report_files=files)


def one(outcome, district: str = "งาว", q: int = 1):  # type: ignore[no-untyped-def]
    return next(r for r in outcome.reports if r.district == district and r.quarter == q)


FULL = [act("บ้านหวด"), act("แม่ตีบ", participants=30)]


@pytest.mark.parametrize(
    ("received", "timeliness"),
    [
        (dt.datetime(2024, 12, 13, 16, 59, 59, tzinfo=UTC), "on_time"),  # 23:59:59 Bangkok
        (dt.datetime(2024, 12, 13, 17, 0, 0, tzinfo=UTC), "late"),  # 00:00 next day
        (dt.datetime(2024, 12, 13, 17, 1, 0, tzinfo=UTC), "late"),  # a minute after midnight
        (dt.datetime(2024, 12, 13, 18, 30, 0, tzinfo=UTC), "late"),  # the domain's own example
    ],
    ids=["last-second", "midnight", "minute-after", "0130-bangkok"],
)
def test_deadline_is_the_end_of_the_day_in_bangkok(received: dt.datetime, timeliness: str) -> None:
    out = judge(SETTINGS, [], [report_file("งาว Q1.xlsx", received, FULL)], StaffInput(), NOW)
    assert one(out).timeliness == timeliness
    assert one(out).complete is True


def test_not_yet_due_then_missing() -> None:
    before = dt.datetime(2024, 12, 13, 16, 0, tzinfo=UTC)
    assert one(judge(SETTINGS, [], [], StaffInput(), before)).timeliness == "not_yet_due"
    out = judge(SETTINGS, [], [], StaffInput(), NOW)
    assert one(out).timeliness == "missing"
    assert one(out).complete is None


def test_timeliness_from_earliest_receipt_across_channels() -> None:
    late_form = response(dt.datetime(2024, 12, 20, 3, tzinfo=UTC), centres_active="2", activities="2", participants="50")
    early_file = report_file("งาว Q1.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL)
    r = one(judge(SETTINGS, [late_form], [early_file], StaffInput(), NOW))
    assert r.timeliness == "on_time"
    assert r.submitted_at == dt.datetime(2024, 12, 1, 7, 0, tzinfo=SETTINGS.tz)
    assert r.complete is True  # declared totals 2 centres, 2 activities, 50 people agree with the file


def test_totals_mismatch_names_what_differs() -> None:
    form = response(dt.datetime(2024, 12, 2, tzinfo=UTC), participants="1,250 คน", activities="๒")
    r = one(judge(SETTINGS, [form], [report_file("a.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL)], StaffInput(), NOW))
    assert [p.code for p in r.problems] == ["totals_mismatch"]
    assert "1,250" in r.problems[0].message and "50" in r.problems[0].message


def test_reupload_replaces_by_name_and_split_files_both_count() -> None:
    t0 = dt.datetime(2024, 12, 1, tzinfo=UTC)
    first = report_file("งาว Q1.xlsx", t0, [act("บ้านหวด", participants=0)])
    fixed = report_file("งาว Q1 (1).xlsx", t0 + dt.timedelta(days=10), [act("บ้านหวด", participants=25)])
    other_half = report_file("แม่ตีบ.xlsx", t0 + dt.timedelta(days=2), [act("แม่ตีบ")])
    r = one(judge(SETTINGS, [], [first, fixed, other_half], StaffInput(), NOW))
    assert [f.name for f in r.superseded] == ["งาว Q1.xlsx"]
    assert sorted(a.participants for _, a in r.activities) == [20, 25]
    assert r.complete is True and r.timeliness == "on_time"


def test_a_later_file_covering_every_centre_replaces_an_earlier_one() -> None:
    t0 = dt.datetime(2024, 12, 1, tzinfo=UTC)
    first = report_file("รายงาน.xlsx", t0, [act("บ้านหวด", name="ก")])
    renamed = report_file("แก้ไขแล้ว.xlsx", t0 + dt.timedelta(days=1), [act("บ้านหวด", name="ข"), act("แม่ตีบ")])
    r = one(judge(SETTINGS, [], [first, renamed], StaffInput(), NOW))
    assert len(r.activities) == 2 and {a.name for _, a in r.activities} == {"ข", "กิจกรรม"}


def test_completeness_rules_each_raise_their_code() -> None:
    acts = [act("บ้านหวด", day=dt.date(2025, 1, 2), row=5), act("บ้านหวด", mission=None, row=6),
            act("บ้านหวด", participants=None, row=7), act("ไม่มีจริง", row=8)]
    r = one(judge(SETTINGS, [], [report_file("x.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), acts)], StaffInput(), NOW))
    codes = sorted((p.code, p.row) for p in r.problems)
    assert codes == [("centre_without_activity", None), ("date_outside_quarter", 5), ("no_participants", 7),
                     ("unknown_category", 6), ("unknown_tambon", 8)]
    assert "แม่ตีบ" in next(p.message for p in r.problems if p.code == "centre_without_activity")
    assert r.complete is False


def test_rules_can_be_switched_off() -> None:
    s = SETTINGS.model_copy(update={"rules": SETTINGS.rules.model_copy(update={"every_centre_active": False})})
    r = one(judge(s, [], [report_file("x.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), [act("บ้านหวด")])], StaffInput(), NOW))
    assert r.problems == [] and r.complete is True


def test_form_without_file_and_missing_answer() -> None:
    r = one(judge(SETTINGS, [response(dt.datetime(2024, 12, 1, tzinfo=UTC), reporter="")], [], StaffInput(), NOW))
    assert sorted(p.code for p in r.problems) == ["missing_answer", "no_report_file"]
    assert r.timeliness == "on_time" and r.complete is False


def test_unauthorized_respondent_does_not_count_until_accepted() -> None:
    stranger = response(dt.datetime(2024, 12, 1, tzinfo=UTC), email="x@gmail.com")
    r = one(judge(SETTINGS, [stranger], [], StaffInput(), NOW))
    assert r.timeliness == "missing" and [p.code for p in r.problems] == ["unauthorized_respondent"]
    accepted = StaffInput(accepted_responses=frozenset({stranger.id}))
    r = one(judge(SETTINGS, [stranger], [], accepted, NOW))
    assert r.timeliness == "on_time" and [p.code for p in r.problems] == ["no_report_file"]


def test_district_without_email_list_accepts_anyone() -> None:
    r = one(judge(SETTINGS, [response(dt.datetime(2024, 12, 1, tzinfo=UTC), email="a@b.c", district="เกาะคา")], [],
                  StaffInput(), NOW), "เกาะคา")
    assert r.timeliness == "on_time"


def test_header_beats_folder_and_the_conflict_is_a_problem() -> None:
    f = report_file("สรุป.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL, folders=("เกาะคา",))
    out = judge(SETTINGS, [], [f], StaffInput(), NOW)
    assert one(out).timeliness == "on_time"
    assert [p.code for p in one(out).problems] == ["district_conflict"]
    assert one(out, "เกาะคา").timeliness == "missing"


def test_attribution_from_folder_then_name_then_dates() -> None:
    by_folder = report_file("a.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), [act("ศาลา")], district=None,
                            quarter=None, folders=("อ.เกาะคา", "ไตรมาส 1"))
    by_name = report_file("รายงาน อ.งาว Q2.xlsx", dt.datetime(2025, 3, 1, tzinfo=UTC),
                          [act("บ้านหวด", day=dt.date(2025, 2, 1)), act("แม่ตีบ", day=dt.date(2025, 2, 2))],
                          district=None, quarter=None)
    by_dates = report_file("งาว.xlsx", dt.datetime(2025, 6, 1, tzinfo=UTC),
                           [act("บ้านหวด", day=dt.date(2025, 4, 3)), act("แม่ตีบ", day=dt.date(2025, 5, 3))],
                           district=None, quarter=None)
    nowhere = report_file("IMG_2031.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), [], district=None, quarter=None)
    out = judge(SETTINGS, [], [by_folder, by_name, by_dates, nowhere], StaffInput(), NOW)
    assert one(out, "เกาะคา", 1).timeliness == "on_time"
    assert one(out, "งาว", 2).timeliness == "on_time"
    assert one(out, "งาว", 3).timeliness == "on_time"
    assert [u.name for u in out.unattributed] == ["IMG_2031.xlsx"]


def test_photo_without_quarter_joins_the_report_beside_it() -> None:
    rep = report_file("Q1.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL, folders=("งาว",))
    photo = Incoming(FileRef(id="งาว/p.jpg", name="p.jpg", folders=("งาว",), received_at=dt.datetime(2024, 12, 1, 1, tzinfo=UTC)),
                     ParsedFile(kind=FileKind.EVIDENCE))
    stray = Incoming(FileRef(id="งาว/old.jpg", name="old.jpg", folders=("งาว",), received_at=dt.datetime(2024, 6, 1, tzinfo=UTC)),
                     ParsedFile(kind=FileKind.EVIDENCE))
    out = judge(SETTINGS, [], [rep, photo, stray], StaffInput(), NOW)
    assert [f.name for f in one(out).files] == ["Q1.xlsx", "p.jpg"]
    assert [u.name for u in out.unattributed] == ["งาว/old.jpg"]


def test_excused_and_rates() -> None:
    f = report_file("งาว Q1.xlsx", dt.datetime(2024, 12, 20, tzinfo=UTC), FULL)
    out = judge(SETTINGS, [], [f], StaffInput(excused=frozenset({"เกาะคา|Q1"})), NOW)
    assert one(out, "เกาะคา").timeliness == "excused"
    q1 = out.rates[0]
    # งาว is late; เกาะคา is excused and so not expected
    assert (q1.expected, q1.received, q1.on_time, q1.reporting_rate, q1.on_time_rate) == (1, 1, 0, 1.0, 0.0)
    q3 = out.rates[2]
    assert (q3.expected, q3.reporting_rate) == (0, None)  # not yet due


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        judge(SETTINGS, [], [], StaffInput(), dt.datetime(2025, 1, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("a", "b"),
    [("รายงาน อ.งาว Q1.xlsx", "รายงาน อ.งาว Q1 (1).xlsx"), ("Q1.xlsx", "Copy of Q1.xlsx"), ("Q1.xlsx", "Q1 (2) (1).xlsx")],
    ids=["drive-duplicate", "copy-of", "double-suffix"],
)
def test_reupload_names_share_a_stem(a: str, b: str) -> None:
    assert stem_key(a) == stem_key(b)
    assert stem_key("งาว Q1.xlsx") != stem_key("งาว Q2.xlsx")


def test_a_sheet_copied_inside_one_workbook_counts_once() -> None:
    first = [act("บ้านหวด").model_copy(update={"sheet": "รายงาน"}), act("แม่ตีบ").model_copy(update={"sheet": "รายงาน"})]
    copy = [a.model_copy(update={"sheet": "รายงาน (2)"}) for a in first]
    twice_typed = [act("บ้านหวด", row=9).model_copy(update={"sheet": "รายงาน"})]
    f = report_file("งาว Q1.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), first + copy + twice_typed)
    r = one(judge(SETTINGS, [], [f], StaffInput(), NOW))
    # the copied sheet merges away; a line typed twice into one sheet stays (the district's to explain)
    assert sorted((a.tambon, a.sheet, a.row) for _, a in r.activities) == [
        ("บ้านหวด", "รายงาน", 5), ("บ้านหวด", "รายงาน", 9), ("แม่ตีบ", "รายงาน (2)", 5)]
