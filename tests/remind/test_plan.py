"""The planner: which day, which kind, to whom; catch-up; working hours; templates. Pure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gsync.config import ConfigError, parse_settings
from gsync.models import Problem, Report
from gsync.remind.plan import in_working_hours, items_from_reports, mask_recipient, plan

from .support import LINE_A, STAFF_GROUP, at, item, settings

# Q1 FY2568: deadline Fri 13 Dec 2567 (2024-12-13); days [-3, 0, 1, 7], 7 = summary; no catch-up limit.


@pytest.fixture()
def s(tmp_path: Path):  # type: ignore[no-untyped-def]
    return settings(tmp_path, line_url="http://127.0.0.1:9", districts={"เกาะคา": {"line": [LINE_A]}})


CASES = [
    # (now, status, expected [(district, day, kind)])
    (at(2024, 12, 9), "waiting", []),
    (at(2024, 12, 10), "waiting", [("เกาะคา", -3, "before")]),
    (at(2024, 12, 10), "ok", []),
    (at(2024, 12, 10), "incomplete", []),  # before the deadline: only if nothing arrived
    (at(2024, 12, 12), "waiting", [("เกาะคา", -3, "before")]),  # the latest due day is still -3
    (at(2024, 12, 13), "waiting", [("เกาะคา", 0, "today")]),
    (at(2024, 12, 13), "incomplete", []),
    (at(2024, 12, 14), "waiting", [("เกาะคา", 1, "missing")]),  # never -3 or 0 any more: catch-up sends the latest only
    (at(2024, 12, 16), "incomplete", [("เกาะคา", 1, "incomplete")]),
    (at(2024, 12, 16), "returned", [("เกาะคา", 1, "returned")]),
    (at(2024, 12, 16), "ok", []),
    (at(2024, 12, 16), "excused", []),
    (at(2024, 12, 20), "waiting", [("เกาะคา", 1, "missing"), ("*", 7, "summary")]),
    (at(2024, 12, 20), "ok", [("*", 7, "summary")]),
    (at(2024, 12, 29), "waiting", [("เกาะคา", 1, "missing"), ("*", 7, "summary")]),  # 15 days late: still
    (at(2025, 1, 20), "waiting", [("เกาะคา", 1, "missing"), ("*", 7, "summary")]),  # weeks late: never dropped
    (at(2025, 1, 20), "ok", [("*", 7, "summary")]),
]


@pytest.mark.parametrize(("now", "status", "expected"), CASES,
                         ids=[f"{c[0]:%m-%d}-{c[1]}" for c in CASES])
def test_which_day_and_kind(s, now: dt.datetime, status: str, expected: list[tuple[str, int, str]]) -> None:  # type: ignore[no-untyped-def]
    got = [(m.district, m.day, m.kind) for m in plan(s, [item("เกาะคา", status)], now)]
    assert got == expected


def test_a_catch_up_limit_is_kept_only_when_a_province_sets_it(tmp_path: Path) -> None:
    s = settings(tmp_path, line_url="http://127.0.0.1:9", districts={"เกาะคา": {"line": [LINE_A]}},
                 reminders={"catch_up_days": 14})
    got = {n: [(m.district, m.day, m.kind) for m in plan(s, [item("เกาะคา")], n)] for n in (
        at(2024, 12, 28), at(2024, 12, 29), at(2025, 1, 4))}
    assert got == {at(2024, 12, 28): [("เกาะคา", 1, "missing"), ("*", 7, "summary")],  # 14 days late: still
                   at(2024, 12, 29): [("*", 7, "summary")],  # day +1 is 15 days old: dropped, by choice
                   at(2025, 1, 4): []}


def test_on_the_day_is_never_sent_after_the_deadline(tmp_path: Path) -> None:
    s = settings(tmp_path, line_url="http://127.0.0.1:9", districts={"เกาะคา": {"line": [LINE_A]}},
                 reminders={"days": [-3, 0], "summary_day": None})
    assert plan(s, [item("เกาะคา")], at(2024, 12, 14)) == []


def test_keys_name_district_item_day_channel_recipient(s) -> None:  # type: ignore[no-untyped-def]
    (m,) = plan(s, [item("เกาะคา")], at(2024, 12, 16))
    assert m.key == f"เกาะคา|Q1|+1|line|{LINE_A}"
    summary = [x.key for x in plan(s, [item("เกาะคา")], at(2024, 12, 20)) if x.kind == "summary"]
    assert summary == [f"*|Q1|+7|line|{STAFF_GROUP}"]


def test_every_recipient_on_every_configured_channel(tmp_path: Path) -> None:
    s = settings(tmp_path, line_url="http://127.0.0.1:9", smtp_port=25, districts={
        "เกาะคา": {"line": [LINE_A], "emails": ["kokha@example.go.th"], "notify_emails": ["saraban.kokha@example.go.th"]},
        "เถิน": {"emails": ["Thoen@Example.go.th"]},  # no notify_emails: the district's emails
        "งาว": {},  # nobody to tell
    })
    got = sorted((m.district, m.channel, m.recipient) for m in plan(s, [item(d) for d in ("เกาะคา", "เถิน", "งาว")], at(2024, 12, 16)))
    assert got == [("เกาะคา", "email", "saraban.kokha@example.go.th"), ("เกาะคา", "line", LINE_A),
                   ("เถิน", "email", "thoen@example.go.th")]


def test_the_messages_read_like_an_official_reminder(s) -> None:  # type: ignore[no-untyped-def]
    (m,) = plan(s, [item("เกาะคา")], at(2024, 12, 16))
    assert m.subject == "เรื่อง ติดตามรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"
    assert "เรียน พัฒนาการอำเภอเกาะคา" in m.body
    assert "ครบกำหนดส่งเมื่อวันที่ 13 ธันวาคม 2567 (เลยกำหนดมาแล้ว 3 วัน)" in m.body
    assert "- แบบฟอร์มรายงาน: https://forms.gle/lampang" in m.body
    assert "- โฟลเดอร์ส่งไฟล์รายงาน (QR code): https://drive.google.com/drive/folders/qr" in m.body
    assert m.body.rstrip().splitlines()[-2] == "สำนักงานพัฒนาชุมชนจังหวัดลำปาง"
    (b,) = plan(s, [item("เกาะคา")], at(2024, 12, 10))
    assert "ภายในวันที่ 13 ธันวาคม 2567 (อีก 3 วัน)" in b.body


def test_incomplete_lists_the_problems_and_returned_the_reason(s) -> None:  # type: ignore[no-untyped-def]
    problems = tuple(f"ตำบลที่ {i} ยังไม่มีกิจกรรม" for i in range(1, 13))
    (m,) = plan(s, [item("เกาะคา", "incomplete", problems=problems)], at(2024, 12, 16))
    assert "- ตำบลที่ 1 ยังไม่มีกิจกรรม\n- ตำบลที่ 2 ยังไม่มีกิจกรรม" in m.body
    assert "- ตำบลที่ 10 ยังไม่มีกิจกรรม\n- และอีก 2 รายการ" in m.body and "ตำบลที่ 11" not in m.body
    (r,) = plan(s, [item("เกาะคา", "returned", reason="จำนวนผู้เข้าร่วมไม่ตรงกับแบบฟอร์ม")], at(2024, 12, 16))
    assert "ด้วยเหตุผลดังนี้\nจำนวนผู้เข้าร่วมไม่ตรงกับแบบฟอร์ม" in r.body


def test_summary_counts_and_lists(tmp_path: Path) -> None:
    s = settings(tmp_path, line_url="http://127.0.0.1:9", districts={n: {} for n in ("เกาะคา", "งาว", "เถิน", "แม่ทะ", "สบปราบ")})
    items = [item("เกาะคา", "ok"), item("งาว"), item("เถิน", "incomplete", problems=("ไม่พบไฟล์รายงาน", "x")),
             item("แม่ทะ", "returned", reason="ตัวเลขไม่ตรง"), item("สบปราบ", "excused")]
    (m,) = plan(s, items, at(2024, 12, 20))
    assert m.recipient == STAFF_GROUP
    assert "ได้รับรายงานครบถ้วน 2 จาก 5 อำเภอ" in m.body
    assert "ยังไม่ส่ง 1 อำเภอ\n- งาว\n" in m.body
    assert "ส่งแล้วแต่ยังไม่ครบถ้วน 1 อำเภอ\n- เถิน: ไม่พบไฟล์รายงาน (และอีก 1 รายการ)\n" in m.body
    assert "ส่งคืนให้แก้ไข 1 อำเภอ\n- แม่ทะ: ตัวเลขไม่ตรง\n" in m.body


def test_items_are_generic_a_collection_plugs_in(s) -> None:  # type: ignore[no-untyped-def]
    loc = item("เกาะคา", key="centre_location", deadline=dt.date(2024, 11, 22))
    (m,) = plan(s, [loc], at(2024, 11, 25))
    assert (m.item, m.day, m.kind) == ("centre_location", 1, "missing")
    assert m.key == f"เกาะคา|centre_location|+1|line|{LINE_A}"


def test_items_from_reports(tmp_path: Path) -> None:
    s = settings(tmp_path, districts={"เกาะคา": {}})
    t = at(2024, 12, 12)

    def report(**kw: object) -> Report:
        base: dict[str, object] = {"district": "เกาะคา", "quarter": 1, "deadline": dt.date(2024, 12, 13),
                                   "timeliness": "on_time", "complete": True, "submitted_at": t}
        return Report(**{**base, **kw})  # type: ignore[arg-type]

    p = Problem(code="no_report_file", message="ไม่พบไฟล์รายงาน")
    got = items_from_reports(s, [
        report(timeliness="missing", complete=None, submitted_at=None),
        report(complete=False, problems=[p, p]),
        report(review="returned", review_reason=" ตัวเลขไม่ตรง "),
        report(review="resubmitted"),
        report(timeliness="excused", excused=True, complete=None, submitted_at=None),
    ])
    assert [(i.status, i.problems, i.reason) for i in got] == [
        ("waiting", (), ""), ("incomplete", ("ไม่พบไฟล์รายงาน",), ""), ("returned", (), "ตัวเลขไม่ตรง"),
        ("ok", (), ""), ("excused", (), "")]
    assert got[0].label == "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)" and got[0].key == "Q1"


HOURS = [
    (at(2024, 12, 10, 10), {}, False),  # Constitution Day (a Tuesday)
    (at(2024, 12, 10, 10), {"holidays": True}, True),
    (at(2024, 12, 11, 8, 29), {}, False),
    (at(2024, 12, 11, 8, 30), {}, True),
    (at(2024, 12, 11, 16, 29), {}, True),
    (at(2024, 12, 11, 16, 30), {}, False),
    (dt.datetime(2024, 12, 11, 2, 0, tzinfo=dt.UTC), {}, True),  # 09:00 in Bangkok
    (at(2024, 12, 14, 10), {}, False),  # Saturday
    (at(2024, 12, 14, 10), {"weekends": True}, True),
    (at(2024, 12, 11, 7, 0), {"start": "07:00:00"}, True),
]


@pytest.mark.parametrize(("now", "cfg", "expected"), HOURS, ids=[f"{i}" for i in range(len(HOURS))])
def test_working_hours(tmp_path: Path, now: dt.datetime, cfg: dict[str, object], expected: bool) -> None:
    assert in_working_hours(now, settings(tmp_path, reminders=cfg)) is expected


def test_extra_holidays_and_working_days_of_the_province(tmp_path: Path) -> None:
    base = settings(tmp_path)
    data = base.model_dump(exclude={"source_file"})
    data["deadlines"] = {"extra_holidays": [dt.date(2024, 12, 11)], "extra_working_days": [dt.date(2024, 12, 14)]}
    s = parse_settings(data)
    assert not in_working_hours(at(2024, 12, 11), s)
    assert in_working_hours(at(2024, 12, 14), s)


@pytest.mark.parametrize(("templates", "message"), [
    ({"missing": "เรียน อำเภอ{distrct}"}, "unknown field {distrct}; fields are: province"),
    ({"missing": "เรียน {district"}, "template 'missing': "),
    ({"mising": "x"}, "unknown template 'mising'"),
    ({"summary": "{district}"}, "unknown field {district}"),  # the summary has no district
    ({"before": "{0}"}, "use a field name"),
], ids=["typo", "brace", "kind", "summary-field", "positional"])
def test_a_template_typo_is_a_config_error_at_load_time(tmp_path: Path, templates: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match="reminders") as e:
        settings(tmp_path, reminders={"templates": templates})
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_a_custom_template_is_used(tmp_path: Path) -> None:
    s = settings(tmp_path, line_url="http://127.0.0.1:9", districts={"เกาะคา": {"line": [LINE_A]}},
                 reminders={"templates": {"missing": "เรื่อง ทวงรายงาน {item}\nอำเภอ{district} กำหนด {deadline_short}"}})
    (m,) = plan(s, [item("เกาะคา")], at(2024, 12, 16))
    assert m.subject == "เรื่อง ทวงรายงาน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"
    assert m.body.endswith("อำเภอเกาะคา กำหนด 13 ธ.ค. 2567")


def test_recipients_are_masked_for_logs() -> None:
    assert mask_recipient("kokha@example.go.th") == "k***@example.go.th"
    assert mask_recipient(LINE_A) == "Ua1…a1"
    assert mask_recipient("C0123456789") == "C01…89"


def test_a_district_gets_its_own_prefilled_form_link(tmp_path: Path) -> None:
    from urllib.parse import parse_qs, urlsplit

    base = settings(tmp_path, line_url="http://127.0.0.1:9", districts={"เกาะคา": {"line": [LINE_A]}})
    data = base.model_dump(exclude={"source_file"})
    data["reminders"] = {**data["reminders"], "form_url": None, "folder_url": None}
    data["form"] = {"csv": "responses.csv", "url": "https://docs.google.com/forms/d/e/1FAIpQLSexample/viewform",
                    "district_entry": 1554894512}
    data["drive"] = {"path": "inbox", "url": "https://drive.google.com/drive/folders/1QrFolder"}
    s = parse_settings(data)
    district, summary = plan(s, [item("เกาะคา")], at(2024, 12, 20))  # day +7: the district and the staff summary
    link = next(line for line in district.body.splitlines() if line.startswith("- แบบฟอร์มรายงาน: "))
    url = urlsplit(link.removeprefix("- แบบฟอร์มรายงาน: "))
    assert (url.netloc, url.path) == ("docs.google.com", "/forms/d/e/1FAIpQLSexample/viewform")
    assert parse_qs(url.query) == {"usp": ["pp_url"], "entry.1554894512": ["เกาะคา"]}
    assert "- โฟลเดอร์ส่งไฟล์รายงาน (QR code): https://drive.google.com/drive/folders/1QrFolder" in district.body
    assert summary.district == "*" and "entry." not in summary.body  # staff's summary names no district link


@pytest.mark.parametrize(("section", "typo", "message"), [
    ("reminders", {"reciepts": True}, "unknown key `reciepts` in [reminders]; did you mean `receipts`?"),
    ("reminders", {"repeat_day": 7}, "unknown key `repeat_day` in [reminders]; did you mean `repeat_days`?"),
    ("reminders", {"escalate_after": 14}, "unknown key `escalate_after` in [reminders]; did you mean `escalate_after_days`?"),
    ("district", {"escalate_email": ["x@example.go.th"]},
     "unknown key `escalate_email` in [[districts]] งาว; did you mean `escalate_emails`?"),
    ("reminders", {"repeat_days": -1}, "repeat_days"),
])
def test_new_reminder_keys_are_checked_with_did_you_mean(tmp_path: Path, section: str, typo: dict[str, object],
                                                         message: str) -> None:
    data: dict[str, object] = {"province": {"name": "ลำปาง", "fiscal_year": 2568}, "form": {"csv": "r.csv"},
                               "sheet": {"path": "m.xlsx"},
                               "districts": [{"name": "งาว", "tambons": ["ก"], **(typo if section == "district" else {})}],
                               "reminders": typo if section == "reminders" else {}}
    with pytest.raises(ConfigError, match=None) as e:
        parse_settings(data, source=tmp_path / "c.toml")
    assert message in str(e.value)


def test_new_reminder_keys_default_off(tmp_path: Path) -> None:
    s = settings(tmp_path, districts={"งาว": {}})
    r = s.reminders
    assert (r.receipts, r.repeat_days, r.escalate_after_days, r.catch_up_days) == (False, 0, 0, None)
    assert (s.districts[0].escalate_emails, s.districts[0].escalate_line) == ([], [])
