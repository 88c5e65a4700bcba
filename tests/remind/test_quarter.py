"""A simulated quarter: a run every 15 minutes for 40 days around the Q1 FY2568 deadline (Fri
13 Dec 2567), submissions arriving, over the real LINE client (fake API) and a real SMTP server.
The messages that went out are exactly the hand-written list below, none twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from gsync.master.layout import TAB_REMINDERS
from gsync.remind.channels import EmailChannel, LineChannel
from gsync.remind.outbox import Outbox
from gsync.remind.plan import DeadlineItem
from gsync.remind.run import deliver, write_history
from gsync.sinks.workbook import WorkbookSink

from .support import LINE_A, LINE_B, STAFF_GROUP, at, item, settings

LINE_C = "U" + "c4" * 16
CONTACTS = {
    "เกาะคา": {"line": [LINE_A], "notify_emails": ["kokha@example.go.th"]},
    "งาว": {"line": [LINE_B]},
    "เถิน": {"emails": ["thoen@example.go.th"]},
    "แม่ทะ": {"emails": ["maetha@example.go.th"]},
    "สบปราบ": {"line": [LINE_C]},
}
PROBLEM = "ตำบลนาครัว ยังไม่มีกิจกรรมในไตรมาสนี้"
REASON = "ภาพถ่ายกิจกรรมไม่ตรงกับรายงาน โปรดแนบภาพของศูนย์ที่รายงาน"


def status(district: str, now: dt.datetime) -> DeadlineItem:
    """What the judge would say at `now` (the timeline of this quarter)."""
    if district == "เกาะคา":  # complete, before any reminder is due
        return item(district, "ok" if now >= at(2024, 12, 9, 11) else "waiting")
    if district == "งาว":  # never reports
        return item(district)
    if district == "เถิน":  # complete, the day before the deadline
        return item(district, "ok" if now >= at(2024, 12, 12, 14) else "waiting")
    if district == "แม่ทะ":  # incomplete on the deadline day at 10:00, fixed on Tue 17 Dec
        if now >= at(2024, 12, 17, 9):
            return item(district, "ok")
        if now >= at(2024, 12, 13, 10):
            return item(district, "incomplete", problems=(PROBLEM,))
        return item(district)
    assert district == "สบปราบ"  # complete on 12 Dec, returned by staff Mon 16 Dec 11:00, resubmitted 18 Dec
    if now >= at(2024, 12, 18, 10):
        return item(district, "ok")
    if now >= at(2024, 12, 16, 11):
        return item(district, "returned", reason=REASON)
    if now >= at(2024, 12, 12, 9):
        return item(district, "ok")
    return item(district)


# (sent at, district, day, kind, channel, recipient), written by hand:
#   day -3 = Tue 10 Dec, Constitution Day: sent Wed 11 Dec at 08:30, the first working quarter-hour;
#   day  0 = Fri 13 Dec 08:30 (แม่ทะ has not sent yet at 08:30);
#   day +1 = Sat 14 Dec: sent Mon 16 Dec 08:30, and สบปราบ's at 11:00, when staff returned it;
#   day +7 = Fri 20 Dec: the summary to staff (งาว still missing; แม่ทะ fixed, สบปราบ resubmitted).
EXPECTED = sorted([
    (at(2024, 12, 11, 8, 30), "งาว", -3, "before", "line", LINE_B),
    (at(2024, 12, 11, 8, 30), "เถิน", -3, "before", "email", "thoen@example.go.th"),
    (at(2024, 12, 11, 8, 30), "แม่ทะ", -3, "before", "email", "maetha@example.go.th"),
    (at(2024, 12, 11, 8, 30), "สบปราบ", -3, "before", "line", LINE_C),
    (at(2024, 12, 13, 8, 30), "งาว", 0, "today", "line", LINE_B),
    (at(2024, 12, 13, 8, 30), "แม่ทะ", 0, "today", "email", "maetha@example.go.th"),
    (at(2024, 12, 16, 8, 30), "งาว", 1, "missing", "line", LINE_B),
    (at(2024, 12, 16, 8, 30), "แม่ทะ", 1, "incomplete", "email", "maetha@example.go.th"),
    (at(2024, 12, 16, 11, 0), "สบปราบ", 1, "returned", "line", LINE_C),
    (at(2024, 12, 20, 8, 30), "*", 7, "summary", "line", STAFF_GROUP),
    (at(2024, 12, 20, 8, 30), "*", 7, "summary", "email", "staff@example.go.th"),
])


def test_forty_days_every_fifteen_minutes(tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    s = settings(tmp_path, line_url=url, smtp_port=port, districts=CONTACTS)
    assert s.line is not None and s.email is not None
    line_cfg, email_cfg = s.line, s.email
    channels = {"line": lambda: LineChannel(line_cfg, "good-token"), "email": lambda: EmailChannel(email_cfg, "s3cret")}
    master = tmp_path / "master.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "สรุปของเจ้าหน้าที่"  # staff's own tab: must survive every history write
    wb.active["A1"] = "บันทึกของฉัน"
    wb.save(master)
    sink = WorkbookSink(master)

    outbox = Outbox(tmp_path / "reminders.sqlite")
    now, end, runs = at(2024, 11, 25, 0, 0), at(2025, 1, 4, 0, 0), 0
    while now < end:
        items = [status(d, now) for d in CONTACTS]
        deliver(s, items, now, outbox=outbox, channels=channels)
        write_history(s, outbox, sink)
        now += dt.timedelta(minutes=15)
        runs += 1
    assert runs == 40 * 24 * 4

    done = outbox.entries()
    got = sorted((e.done_at.astimezone(at(2024, 1, 1).tzinfo) if e.done_at else None, e.district, e.day, e.kind,
                  e.channel, e.recipient) for e in done if e.status == "sent")
    assert got == EXPECTED
    assert {e.status for e in done} == {"sent"}  # nothing failed, nothing left over
    print(f"FIGURE quarter runs={runs} expected={len(EXPECTED)} outbox_keys={len(done)} sent={len(got)} "
          f"line_pushes_delivered={len(fake.delivered)} smtp_transactions={len(box.received)} "
          f"distinct_mails={len(set(box.message_ids()))}")

    # what recipients saw: each message once
    assert sorted(d.to for d in fake.delivered) == sorted([LINE_B, LINE_B, LINE_B, LINE_C, LINE_C, STAFF_GROUP])
    assert len({d.retry_key for d in fake.delivered}) == 6
    assert sorted(r[0] for r, _ in box.received) == sorted(
        ["thoen@example.go.th", "maetha@example.go.th", "maetha@example.go.th", "maetha@example.go.th", "staff@example.go.th"])
    assert len(set(box.message_ids())) == 5
    (incomplete,) = [m for m in box.to("maetha@example.go.th") if "แก้ไข" in str(m["Subject"])]
    assert f"- {PROBLEM}" in incomplete.get_content()
    returned = fake.texts_to(LINE_C)[1]
    assert REASON in returned and "ส่งคืนเพื่อแก้ไข" in returned
    summary = fake.texts_to(STAFF_GROUP)[0]
    assert "ได้รับรายงานครบถ้วน 4 จาก 5 อำเภอ" in summary and "ยังไม่ส่ง 1 อำเภอ\n- งาว\n" in summary

    # the master's history: one row per message, staff's tab untouched
    wb = openpyxl.load_workbook(master)
    assert wb["สรุปของเจ้าหน้าที่"]["A1"].value == "บันทึกของฉัน"
    rows = list(wb[TAB_REMINDERS].iter_rows(values_only=True))
    assert rows[0][:3] == ("รหัส", "เวลา", "อำเภอ")
    assert len(rows) == 1 + 11 and len({r[0] for r in rows[1:]}) == 11
    assert all(r[9] == "ส่งแล้ว" for r in rows[1:])
    recipients = {r[7] for r in rows[1:]}
    assert "m***@example.go.th" in recipients and LINE_B not in recipients
    assert f"{LINE_B[:3]}…{LINE_B[-2:]}" in recipients


def test_a_missed_week_catches_up_with_the_latest_day_only(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    s = settings(tmp_path, line_url=url, districts={"งาว": {"line": [LINE_B]}})
    assert s.line is not None
    cfg = s.line
    outbox = Outbox(tmp_path / "reminders.sqlite")
    channels = {"line": lambda: LineChannel(cfg, "good-token")}
    # no run from 9 Dec until Tue 17 Dec 10:00: -3, 0 and +1 all passed meanwhile
    for now in (at(2024, 12, 9), at(2024, 12, 17), at(2024, 12, 17, 10, 15), at(2024, 12, 18)):
        deliver(s, [item("งาว")], now, outbox=outbox, channels=channels)
    assert [(e.day, e.kind) for e in outbox.entries()] == [(1, "missing")]
    assert len(fake.delivered) == 1


def test_a_message_that_became_obsolete_is_never_sent(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    s = settings(tmp_path, line_url=url, districts={"งาว": {"line": [LINE_B]}})
    assert s.line is not None
    outbox = Outbox(tmp_path / "reminders.sqlite")
    fake.fail_next(500, n=100)  # LINE is down on Monday: the reminder stays pending
    d = deliver(s, [item("งาว")], at(2024, 12, 16), outbox=outbox, channels={"line": lambda: LineChannel(s.line, "good-token")})  # type: ignore[arg-type]
    assert len(d.later) == 1 and d.exit_code == 1
    fake._faults.clear()
    # ... and งาว reports before LINE is back: the pending reminder is dropped, not sent
    d = deliver(s, [item("งาว", "ok")], at(2024, 12, 16, 11), outbox=outbox, channels={"line": lambda: LineChannel(s.line, "good-token")})  # type: ignore[arg-type]
    assert [e.status for e in outbox.entries()] == ["obsolete"]
    assert not fake.delivered and d.exit_code == 0
