"""Repeats and escalation (contract section 7): `repeat_days = 7` reminds again every 7 days
after the last scheduled day while a report stays missing; `escalate_after_days = 14` copies
the district's escalation contacts from day 14 on. Never outside working hours, never twice per
key, visible in ประวัติการแจ้งเตือน. Real LINE client (fake API), real SMTP server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from gsync.master.layout import TAB_REMINDERS
from gsync.remind.channels import EmailChannel, LineChannel
from gsync.remind.outbox import Outbox
from gsync.remind.plan import plan
from gsync.remind.run import deliver, write_history
from gsync.sinks.workbook import WorkbookSink

from .support import LINE_A, LINE_B, STAFF_GROUP, at, item, settings

CHIEF_LINE = "U" + "e5" * 16
CHIEF_MAIL = "nai.amphoe.ngao@example.go.th"
CONTACTS = {
    "เกาะคา": {"line": [LINE_A]},  # reports on time: nobody hears about it
    "งาว": {"line": [LINE_B], "escalate_line": [CHIEF_LINE], "escalate_emails": [CHIEF_MAIL]},  # never reports
}
RULES = {"repeat_days": 7, "escalate_after_days": 14}


def test_repeat_on_day_seven_after_the_last_day_not_day_three(tmp_path: Path) -> None:
    s = settings(tmp_path, line_url="http://127.0.0.1:9", districts={"งาว": {"line": [LINE_B]}},
                 reminders={"repeat_days": 7, "summary_day": None, "days": [-3, 0, 1]})
    # the last scheduled day is +1 (Sat 14 Dec): +4 is 3 days after it, +8 is 7 days after it
    days = {n: [m.day for m in plan(s, [item("งาว")], at(2024, 12, 13) + dt.timedelta(days=n))] for n in (1, 4, 7, 8, 14, 15)}
    assert days == {1: [1], 4: [1], 7: [1], 8: [8], 14: [8], 15: [15]}
    s0 = settings(tmp_path, line_url="http://127.0.0.1:9", districts={"งาว": {"line": [LINE_B]}},
                  reminders={"summary_day": None, "days": [-3, 0, 1]})
    assert [m.day for m in plan(s0, [item("งาว")], at(2025, 2, 1))] == [1]  # off by default


def test_escalation_only_from_day_fourteen(tmp_path: Path) -> None:
    s = settings(tmp_path, line_url="http://127.0.0.1:9", districts=CONTACTS,
                 reminders={"escalate_after_days": 14, "summary_day": None, "days": [-3, 0, 1]})
    assert [m.recipient for m in plan(s, [item("งาว")], at(2024, 12, 26))] == [LINE_B]  # 13 days late
    got = plan(s, [item("งาว")], at(2024, 12, 27))  # 14 days late
    assert [(m.recipient, m.kind, m.day) for m in got] == [(LINE_B, "missing", 1), (CHIEF_LINE, "escalate:missing", 1)]
    assert got[1].body.startswith("[สำเนาเพื่อทราบ: อำเภองาว เลยกำหนดส่งมาแล้ว 14 วัน] เรื่อง ติดตามรายงาน")
    assert got[1].body.endswith(got[0].body.split("\n", 1)[1])  # the same reminder, copied
    assert plan(s, [item("งาว", "ok")], at(2024, 12, 27)) == []  # reported: nobody is told


# (sent at, district, day, kind, channel, recipient), written by hand. Q1 due Fri 13 Dec 2567;
# day +1 = Sat 14 Dec; repeats on +8, +15, +22 (Sat 21 Dec, Sat 28 Dec, Sat 4 Jan); the summary
# on +7 and its repeats +14, +21, +28 (Fridays); escalation from +14 (Fri 27 Dec). 30 Dec - 1 Jan
# are public holidays: day +15 goes on Thu 2 Jan.
EXPECTED = sorted([
    (at(2024, 12, 16, 8, 30), "งาว", 1, "missing", "line", LINE_B),
    (at(2024, 12, 20, 8, 30), "*", 7, "summary", "line", STAFF_GROUP),
    (at(2024, 12, 20, 8, 30), "*", 7, "summary", "email", "staff@example.go.th"),
    (at(2024, 12, 23, 8, 30), "งาว", 8, "missing", "line", LINE_B),
    (at(2024, 12, 27, 8, 30), "งาว", 8, "escalate:missing", "line", CHIEF_LINE),
    (at(2024, 12, 27, 8, 30), "งาว", 8, "escalate:missing", "email", CHIEF_MAIL),
    (at(2024, 12, 27, 8, 30), "*", 14, "summary", "line", STAFF_GROUP),
    (at(2024, 12, 27, 8, 30), "*", 14, "summary", "email", "staff@example.go.th"),
    (at(2025, 1, 2, 8, 30), "งาว", 15, "missing", "line", LINE_B),
    (at(2025, 1, 2, 8, 30), "งาว", 15, "escalate:missing", "line", CHIEF_LINE),
    (at(2025, 1, 2, 8, 30), "งาว", 15, "escalate:missing", "email", CHIEF_MAIL),
    (at(2025, 1, 3, 8, 30), "*", 21, "summary", "line", STAFF_GROUP),
    (at(2025, 1, 3, 8, 30), "*", 21, "summary", "email", "staff@example.go.th"),
    (at(2025, 1, 6, 8, 30), "งาว", 22, "missing", "line", LINE_B),
    (at(2025, 1, 6, 8, 30), "งาว", 22, "escalate:missing", "line", CHIEF_LINE),
    (at(2025, 1, 6, 8, 30), "งาว", 22, "escalate:missing", "email", CHIEF_MAIL),
    (at(2025, 1, 10, 8, 30), "*", 28, "summary", "line", STAFF_GROUP),
    (at(2025, 1, 10, 8, 30), "*", 28, "summary", "email", "staff@example.go.th"),
])


def test_four_weeks_of_repeats_and_escalation(tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    s = settings(tmp_path, line_url=url, smtp_port=port, districts=CONTACTS, reminders=RULES)
    assert s.line is not None and s.email is not None
    line_cfg, email_cfg = s.line, s.email
    channels = {"line": lambda: LineChannel(line_cfg, "good-token"), "email": lambda: EmailChannel(email_cfg, "s3cret")}
    master = tmp_path / "master.xlsx"
    outbox = Outbox(tmp_path / "reminders.sqlite")
    now = at(2024, 12, 14, 0, 30)
    while now < at(2025, 1, 11, 0, 0):  # a run every half hour for four weeks
        deliver(s, [item("เกาะคา", "ok"), item("งาว")], now, outbox=outbox, channels=channels)
        write_history(s, outbox, WorkbookSink(master))
        now += dt.timedelta(minutes=30)

    entries = outbox.entries()
    got = sorted((e.done_at.astimezone(at(2024, 1, 1).tzinfo) if e.done_at else None, e.district, e.day, e.kind,
                  e.channel, e.recipient) for e in entries)
    assert got == EXPECTED
    assert {e.status for e in entries} == {"sent"}
    assert sorted(d.to for d in fake.delivered) == sorted([LINE_B] * 4 + [CHIEF_LINE] * 3 + [STAFF_GROUP] * 4)
    assert sorted(r[0] for r, _ in box.received) == sorted([CHIEF_MAIL] * 3 + ["staff@example.go.th"] * 4)
    assert all(8 <= e.done_at.astimezone(at(2024, 1, 1).tzinfo).hour < 17 for e in entries if e.done_at)
    chief = fake.texts_to(CHIEF_LINE)
    assert chief[0].startswith("[สำเนาเพื่อทราบ: อำเภองาว เลยกำหนดส่งมาแล้ว 14 วัน] เรื่อง ติดตามรายงาน")
    assert "(เลยกำหนดมาแล้ว 20 วัน)" in chief[1]

    wb = openpyxl.load_workbook(master, read_only=True)
    rows = list(wb[TAB_REMINDERS].iter_rows(values_only=True))[1:]
    wb.close()
    assert len(rows) == len(EXPECTED) and len({r[0] for r in rows}) == len(EXPECTED)
    labels = sorted(str(r[5]) for r in rows if r[2] == "งาว")
    assert labels == sorted(["หลังกำหนด 1 วัน", "หลังกำหนด 8 วัน", "หลังกำหนด 15 วัน", "หลังกำหนด 22 วัน"]
                            + ["หลังกำหนด 8 วัน (สำเนาถึงผู้บังคับบัญชา)"] * 2
                            + ["หลังกำหนด 15 วัน (สำเนาถึงผู้บังคับบัญชา)"] * 2
                            + ["หลังกำหนด 22 วัน (สำเนาถึงผู้บังคับบัญชา)"] * 2)
