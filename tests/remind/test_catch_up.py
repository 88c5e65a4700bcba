"""No open report is left untold (contract section 7): reminders switched on weeks after the
deadline still tell each district that owes something, once, and staff once; a rerun sends nothing.
Real line-bot-sdk client against the LINE fake, a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gsync.remind.channels import EmailChannel, LineChannel
from gsync.remind.outbox import Outbox
from gsync.remind.run import deliver

from .support import LINE_A, LINE_B, STAFF_GROUP, at, item, settings

LINE_C = "U" + "c4" * 16
# A Lampang-like province on Mon 20 Jan 2568 (2025): Q1 was due Fri 13 Dec 2567, 38 days ago.
CONTACTS = {
    "เกาะคา": {"line": [LINE_A], "notify_emails": ["kokha@example.go.th"]},  # fine
    "งาว": {"line": [LINE_B]},  # never reported
    "เถิน": {"emails": ["thoen@example.go.th"]},  # never reported
    "แม่ทะ": {"emails": ["maetha@example.go.th"]},  # incomplete
    "สบปราบ": {"line": [LINE_C]},  # returned by staff
}
PROBLEM = "ศูนย์ฯ ตำบลนาครัว ไม่มีกิจกรรมในไตรมาสนี้"
REASON = "ภาพถ่ายกิจกรรมไม่ตรงกับรายงาน"


def items() -> list:  # type: ignore[type-arg]
    return [item("เกาะคา", "ok"), item("งาว"), item("เถิน"), item("แม่ทะ", "incomplete", problems=(PROBLEM,)),
            item("สบปราบ", "returned", reason=REASON)]


NGAO_TEXT = """เรื่อง ติดตามรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)
เรียน พัฒนาการอำเภองาว

รายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) ครบกำหนดส่งเมื่อวันที่ 13 ธันวาคม 2567 (เลยกำหนดมาแล้ว 38 วัน) ขณะนี้จังหวัดยังไม่ได้รับรายงานของอำเภองาว

จึงขอความอนุเคราะห์ส่งรายงานโดยเร็ว ผ่านช่องทางต่อไปนี้
- แบบฟอร์มรายงาน: https://forms.gle/lampang
- โฟลเดอร์ส่งไฟล์รายงาน (QR code): https://drive.google.com/drive/folders/qr

จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ

สำนักงานพัฒนาชุมชนจังหวัดลำปาง
(ข้อความอัตโนมัติจากระบบติดตามรายงาน หากท่านดำเนินการแล้ว ขออภัยมา ณ ที่นี้)"""


def test_reminders_switched_on_weeks_late_tell_each_open_report_once(tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    s = settings(tmp_path, line_url=url, smtp_port=port, districts=CONTACTS)
    assert s.line is not None and s.email is not None and s.reminders.catch_up_days is None
    line_cfg, email_cfg = s.line, s.email
    channels = {"line": lambda: LineChannel(line_cfg, "good-token"), "email": lambda: EmailChannel(email_cfg, "s3cret")}
    outbox = Outbox(tmp_path / "reminders.sqlite")

    first = deliver(s, items(), at(2025, 1, 20, 9), outbox=outbox, channels=channels)
    assert first.exit_code == 0
    # every scheduled day (-3, 0, +1, +7) passed weeks ago: one message each, the latest that applies
    # (+1; never the "before the deadline" ones), nothing to เกาะคา, one summary per staff channel
    assert sorted((e.district, e.day, e.kind, e.channel, e.recipient) for e in outbox.entries()) == sorted([
        ("งาว", 1, "missing", "line", LINE_B),
        ("เถิน", 1, "missing", "email", "thoen@example.go.th"),
        ("แม่ทะ", 1, "incomplete", "email", "maetha@example.go.th"),
        ("สบปราบ", 1, "returned", "line", LINE_C),
        ("*", 7, "summary", "line", STAFF_GROUP),
        ("*", 7, "summary", "email", "staff@example.go.th"),
    ])
    assert sorted(d.to for d in fake.delivered) == sorted([LINE_B, LINE_C, STAFF_GROUP])
    assert sorted(r[0] for r, _ in box.received) == sorted(
        ["thoen@example.go.th", "maetha@example.go.th", "staff@example.go.th"])
    assert fake.texts_to(LINE_B) == [NGAO_TEXT]
    assert f"- {PROBLEM}" in box.to("maetha@example.go.th")[0].get_content()
    assert REASON in fake.texts_to(LINE_C)[0]
    assert "ยังไม่ส่ง 2 อำเภอ\n- งาว, เถิน\n" in fake.texts_to(STAFF_GROUP)[0]

    # reruns: the next tick, the next day, a month later: nothing more
    for now in (at(2025, 1, 20, 9, 15), at(2025, 1, 21, 9), at(2025, 2, 20, 9)):
        again = deliver(s, items(), now, outbox=outbox, channels=channels)
        assert not again.sent and again.exit_code == 0
    assert len(fake.delivered) == 3 and len(box.received) == 3
    assert {e.status for e in outbox.entries()} == {"sent"}


def test_a_catch_up_limit_set_on_purpose_still_drops_old_days(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    s = settings(tmp_path, line_url=url, districts={"งาว": {"line": [LINE_B]}}, reminders={"catch_up_days": 14})
    assert s.line is not None
    cfg = s.line
    d = deliver(s, [item("งาว")], at(2025, 1, 20, 9), outbox=Outbox(None),
                channels={"line": lambda: LineChannel(cfg, "good-token")})
    assert d.planned == [] and not fake.delivered
    assert dt.date(2025, 1, 20) - dt.date(2024, 12, 13) == dt.timedelta(days=38)


def test_the_staff_summary_shows_the_quarter_at_a_glance_and_the_master(tmp_path: Path) -> None:
    from gsync.remind.plan import plan

    s = settings(tmp_path, line_url="http://127.0.0.1:9", districts=CONTACTS)
    late_ok = item("เกาะคา", "ok")
    late_ok = type(late_ok)(**{**late_ok.__dict__, "late": True})  # เกาะคา's came in after the deadline
    got = [m for m in plan(s, [late_ok, *items()[1:]], at(2025, 1, 20, 9)) if m.kind == "summary"]
    assert [m.recipient for m in got] == [STAFF_GROUP]
    assert got[0].body == f"""สรุปไตรมาสที่ 1: ได้รับ 3/5 · ล่าช้า 1 · ยังไม่ส่ง 2 · ไม่ครบ 1 · ส่งคืน 1
เรื่อง สรุปการส่งรายงาน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) (ครบกำหนด 13 ธ.ค. 2567)
เรียน เจ้าหน้าที่ผู้รับผิดชอบงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน

ครบกำหนดส่งมาแล้ว 38 วัน ได้รับรายงานครบถ้วน 1 จาก 5 อำเภอ

ยังไม่ส่ง 2 อำเภอ
- งาว, เถิน

ส่งแล้วแต่ยังไม่ครบถ้วน 1 อำเภอ
- แม่ทะ: {PROBLEM}

ส่งคืนให้แก้ไข 1 อำเภอ
- สบปราบ: {REASON}

รายละเอียดอยู่ในแท็บ "สถานะรายงาน" และ "ปัญหา" ของสมุดงานหลัก
{tmp_path / "master.xlsx"}
(ข้อความอัตโนมัติจากระบบติดตามรายงาน)"""


def test_the_summary_links_the_google_sheet(tmp_path: Path) -> None:
    from gsync.config import parse_settings
    from gsync.remind.plan import master_url

    s = parse_settings({"province": {"name": "ลำปาง", "fiscal_year": 2568},
                        "districts": [{"name": "งาว", "tambons": ["ก"]}], "form": {"csv": "r.csv"},
                        "sheet": {"spreadsheet_id": "1AbCmaster"}}, source=tmp_path / "c.toml")
    assert master_url(s) == "https://docs.google.com/spreadsheets/d/1AbCmaster/edit"
