"""Receipts (contract section 7, `receipts = true`): the sender hears what gsync found, once per
report version, over the real line-bot-sdk client (LINE fake) and a real SMTP server (aiosmtpd).
Reports are built by hand as the judge would give them; expected texts are written by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gsync.models import FileRef, FormResponse, Problem, Report
from gsync.remind.channels import EmailChannel, LineChannel
from gsync.remind.outbox import Outbox
from gsync.remind.plan import items_from_reports
from gsync.remind.run import deliver

from .support import LINE_A, LINE_B, at, settings

CONTACTS = {
    "เกาะคา": {"line": [LINE_A], "notify_emails": ["kokha@example.go.th"]},
    "งาว": {"line": [LINE_B]},
    "เถิน": {"emails": ["thoen@example.go.th"]},
}
DEADLINE = dt.date(2024, 12, 13)  # Q1 FY2568, Fri 13 Dec 2567
OUT_OF_QUARTER = Problem(code="date_outside_quarter",
                         message="วันที่ 5 ม.ค. 2568 อยู่นอกไตรมาสที่ 1 (1 ต.ค. 2567 ถึง 31 ธ.ค. 2567)")
IDLE_CENTRE = Problem(code="centre_without_activity", message="ศูนย์ฯ ตำบลนาแก้ว ไม่มีกิจกรรมในไตรมาสนี้")
STAFF_TYPO = Problem(code="unknown_review", message="ผลการตรวจ “รอ” ไม่ใช่คำที่ระบบรู้จัก")  # staff's, not the district's


def report(district: str, *, files: tuple[FileRef, ...] = (), responses: tuple[FormResponse, ...] = (),
           problems: tuple[Problem, ...] = (), late: bool = False) -> Report:
    arrived = [f.modified_at or f.received_at for f in files] + [r.last_submitted_at for r in responses]
    return Report(district=district, quarter=1, deadline=DEADLINE,
                  timeliness=("late" if late else "on_time") if arrived else "missing",
                  complete=(not any(p.code != "unknown_review" for p in problems)) if arrived else None,
                  submitted_at=min(arrived) if arrived else None, problems=list(problems),
                  files=list(files), responses=list(responses))


def drive_file(name: str, when: dt.datetime, version: str, modified: dt.datetime | None = None) -> FileRef:
    return FileRef(id="f-" + name, name=name, received_at=when, modified_at=modified, version=version)


KOKHA_EARLY = drive_file("เกาะคา ไตรมาส1.xlsx", at(2024, 12, 2, 9), "v1")  # there before receipts were on
NGAO_1 = drive_file("งาว ไตรมาส1.xlsx", at(2024, 12, 11, 14), "v1")
NGAO_2 = drive_file("งาว ไตรมาส1.xlsx", at(2024, 12, 11, 14), "v2", modified=at(2024, 12, 12, 9))  # re-uploaded
THOEN = FormResponse(id="resp-1", created_at=at(2024, 12, 14, 20), last_submitted_at=at(2024, 12, 14, 20),
                     email="somchai.thoen@gmail.com")

NGAO_TWO_PROBLEMS = """พบปัญหา 2 ข้อ: รายงานไตรมาสที่ 1 อำเภองาว
ได้รับไฟล์ “งาว ไตรมาส1.xlsx” เมื่อ 11 ธ.ค. 2567 14:00 น. (ทันกำหนด)
1. วันที่ 5 ม.ค. 2568 อยู่นอกไตรมาสที่ 1 (1 ต.ค. 2567 ถึง 31 ธ.ค. 2567)
2. ศูนย์ฯ ตำบลนาแก้ว ไม่มีกิจกรรมในไตรมาสนี้
โปรดแก้ไขตามรายการข้างต้น แล้วส่งฉบับใหม่ (แทนฉบับเดิม) ทาง
- แบบฟอร์มรายงาน: https://forms.gle/lampang
- โฟลเดอร์ส่งไฟล์รายงาน (QR code): https://drive.google.com/drive/folders/qr
สำนักงานพัฒนาชุมชนจังหวัดลำปาง (ข้อความอัตโนมัติ)"""
NGAO_COMPLETE = """ครบถ้วน: รายงานไตรมาสที่ 1 อำเภองาว
ได้รับไฟล์ “งาว ไตรมาส1.xlsx” เมื่อ 12 ธ.ค. 2567 09:00 น. (ทันกำหนด)
ไม่ต้องดำเนินการใดเพิ่มเติม ขอบคุณที่ส่งรายงาน
สำนักงานพัฒนาชุมชนจังหวัดลำปาง (ข้อความอัตโนมัติ)"""
THOEN_LATE = """ส่งล่าช้า: รายงานไตรมาสที่ 1 อำเภอเถิน
ได้รับคำตอบแบบฟอร์มรายงาน เมื่อ 14 ธ.ค. 2567 20:00 น. (ส่งหลังกำหนด 1 วัน)
ไม่ต้องดำเนินการใดเพิ่มเติม ขอบคุณที่ส่งรายงาน
สำนักงานพัฒนาชุมชนจังหวัดลำปาง (ข้อความอัตโนมัติ)"""


def test_one_receipt_per_version_to_its_sender(tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    s = settings(tmp_path, line_url=url, smtp_port=port, districts=CONTACTS,
                 reminders={"receipts": True, "days": [7], "summary_day": 7})  # receipts alone, and the summary
    assert s.line is not None and s.email is not None
    line_cfg, email_cfg = s.line, s.email
    channels = {"line": lambda: LineChannel(line_cfg, "good-token"), "email": lambda: EmailChannel(email_cfg, "s3cret")}
    outbox = Outbox(tmp_path / "reminders.sqlite")

    def run(now: dt.datetime, *reports: Report) -> list[str]:
        d = deliver(s, items_from_reports(s, reports), now, outbox=outbox, channels=channels)
        assert not d.failed and not d.later
        return sorted(f"{e.district}:{e.channel}:{e.recipient}" for e in d.sent)

    # the first run with receipts on: เกาะคา's file was already there, nobody is told
    assert run(at(2024, 12, 9, 10), report("เกาะคา", files=(KOKHA_EARLY,)), report("งาว"), report("เถิน")) == []
    # งาว uploads a file with two problems: one receipt, to the district's contacts, naming both
    assert run(at(2024, 12, 11, 14, 15), report("เกาะคา", files=(KOKHA_EARLY,)),
               report("งาว", files=(NGAO_1,), problems=(OUT_OF_QUARTER, IDLE_CENTRE, STAFF_TYPO)),
               report("เถิน")) == [f"งาว:line:{LINE_B}"]
    assert fake.texts_to(LINE_B) == [NGAO_TWO_PROBLEMS]
    # reruns: nothing
    for now in (at(2024, 12, 11, 14, 30), at(2024, 12, 11, 16)):
        assert run(now, report("เกาะคา", files=(KOKHA_EARLY,)),
                   report("งาว", files=(NGAO_1,), problems=(OUT_OF_QUARTER, IDLE_CENTRE)), report("เถิน")) == []
    # the corrected re-upload: a new receipt that says ครบถ้วน
    assert run(at(2024, 12, 12, 9, 15), report("เกาะคา", files=(KOKHA_EARLY,)), report("งาว", files=(NGAO_2,)),
               report("เถิน")) == [f"งาว:line:{LINE_B}"]
    assert fake.texts_to(LINE_B) == [NGAO_TWO_PROBLEMS, NGAO_COMPLETE]
    # a Form response on Saturday evening, after the deadline: its respondent hears, at once
    # (a receipt answers what the sender just did; reminders keep to working hours), by email
    assert run(at(2024, 12, 14, 20, 15), report("เกาะคา", files=(KOKHA_EARLY,)), report("งาว", files=(NGAO_2,)),
               report("เถิน", responses=(THOEN,), late=True)) == ["เถิน:email:somchai.thoen@gmail.com"]
    (mail,) = box.to("somchai.thoen@gmail.com")
    assert str(mail["Subject"]) == "ส่งล่าช้า: รายงานไตรมาสที่ 1 อำเภอเถิน"
    assert mail.get_content().strip() == THOEN_LATE
    assert box.to("thoen@example.go.th") == [] and box.to("kokha@example.go.th") == []
    # and never again, whatever comes next
    everything = (report("เกาะคา", files=(KOKHA_EARLY,)), report("งาว", files=(NGAO_2,)),
                  report("เถิน", responses=(THOEN,), late=True))
    assert run(at(2024, 12, 16, 10), *everything) == []
    assert len(fake.delivered) == 2 and len(box.received) == 1
    kinds = sorted((e.district, e.kind, e.status) for e in outbox.entries())
    assert kinds == [("งาว", "receipt", "sent"), ("งาว", "receipt", "sent"), ("เถิน", "receipt", "sent")]


def test_receipts_off_by_default_and_nothing_before_the_first_run(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    s = settings(tmp_path, line_url=url, districts={"งาว": {"line": [LINE_B]}}, reminders={"days": [7], "summary_day": 7})
    assert s.reminders.receipts is False and s.line is not None
    cfg = s.line
    outbox = Outbox(None)
    for now in (at(2024, 12, 9, 10), at(2024, 12, 11, 14, 15)):
        deliver(s, items_from_reports(s, [report("งาว", files=(NGAO_1,))]), now, outbox=outbox,
                channels={"line": lambda: LineChannel(cfg, "good-token")})
    assert fake.delivered == [] and outbox.receipts_since() is None


def test_a_phone_preview_shows_the_verdict_first(tmp_path: Path) -> None:
    from .line_preview import font, preview, render, wrap

    for text, verdict, district in ((NGAO_TWO_PROBLEMS, "พบปัญหา 2 ข้อ", "งาว"), (NGAO_COMPLETE, "ครบถ้วน", "งาว"),
                                    (THOEN_LATE, "ส่งล่าช้า", "เถิน")):
        shown = preview(text)  # what a notification or the chat list shows
        assert shown.startswith(f"{verdict}: รายงานไตรมาสที่ 1 อำเภอ{district}"), shown
        lines = wrap(text, font(15), 256 * 2)  # the bubble on a 390-pt phone
        assert verdict in lines[0] and f"อำเภอ{district}" in "".join(lines[:2])
    render([("11 ธ.ค. 14:15", NGAO_TWO_PROBLEMS), ("12 ธ.ค. 09:15", NGAO_COMPLETE)], tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 10_000
