"""What `gsync remind` prints: the plan (dry run) or what was sent, in Thai, recipients masked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from gsync.config import Settings
from gsync.master.tables import thai_datetime
from gsync.remind.history import CHANNEL_LABELS, day_label
from gsync.remind.plan import CHANNELS, PROVINCE, Message, mask_recipient
from gsync.remind.run import Delivery


def plan_lines(messages: list[Message]) -> list[str]:
    lines = []
    for m in messages:
        who = "เจ้าหน้าที่จังหวัด (สรุป)" if m.district == PROVINCE else f"อำเภอ{m.district}"
        lines.append(f"- {who} · {m.item_label} · {day_label(m.day, m.kind)} · "
                     f"{CHANNEL_LABELS[m.channel]} ถึง {mask_recipient(m.recipient)}")
    return lines


def print_delivery(d: Delivery, settings: Settings, now: dt.datetime, *, dry_run: bool,
                   echo: Callable[[str], None]) -> None:
    when = thai_datetime(now, settings.tz)
    if dry_run:
        echo(f"แผนการแจ้งเตือน ณ {when} (ทดลอง: ไม่ส่งข้อความจริง ไม่บันทึกสิ่งใด)")
        if d.outside_hours:
            echo("ขณะนี้อยู่นอกเวลาทำการ (หรือเป็นวันหยุด): รอบจริงจะยังไม่ส่ง จะส่งในเวลาทำการรอบถัดไป")
        for line in d.warnings:  # each reason a real run would fail or skip someone, one line each
            echo(f"! {line}")
        if any(getattr(settings, c) is None for c in CHANNELS) and d.to_send:
            echo("(รายการด้านล่างแสดงผู้รับของทุกช่องทาง รวมช่องทางที่ยังไม่ได้ตั้งค่า)")
        if not d.to_send:
            echo("ไม่มีข้อความที่ต้องส่งในขณะนี้" + (f" (ส่งไปแล้วก่อนหน้านี้ {d.already} ข้อความ)" if d.already else ""))
            return
        for line in plan_lines(d.to_send):
            echo(line)
        by = {c: sum(1 for m in d.to_send if m.channel == c) for c in CHANNEL_LABELS}
        echo(f"รวม {len(d.to_send)} ข้อความ (LINE {by['line']}, อีเมล {by['email']})"
             + (f"; ส่งไปแล้วก่อนหน้านี้ {d.already} ข้อความ" if d.already else ""))
        shown: set[str] = set()
        for m in d.to_send:  # one example text of each kind
            if m.kind in shown:
                continue
            shown.add(m.kind)
            echo("")
            echo(f"──── ข้อความถึง{'เจ้าหน้าที่จังหวัด' if m.district == PROVINCE else 'อำเภอ' + m.district} ({m.item_label}) ────")
            echo(m.body)
        return
    if d.outside_hours and not (d.sent or d.failed or d.later):
        echo(f"นอกเวลาทำการ ({when}): ไม่ได้ส่งข้อความ; ข้อความที่ถึงกำหนด {len(d.planned)} ข้อความจะส่งในเวลาทำการรอบถัดไป")
        return
    if d.outside_hours:
        echo(f"นอกเวลาทำการ ({when}): ส่งเฉพาะข้อความตอบรับการส่งรายงาน; การแจ้งเตือนจะส่งในเวลาทำการรอบถัดไป")
    echo(f"แจ้งเตือน ณ {when}: ส่งแล้ว {len(d.sent)}, ส่งไปแล้วก่อนหน้านี้ {d.already}, "
         f"ไม่สำเร็จ {len(d.failed)}, รอส่งรอบถัดไป {len(d.later)}, ยกเลิก {len(d.obsolete)}")
    for e, why in d.failed:
        echo(f"  ส่งไม่สำเร็จ: {CHANNEL_LABELS.get(e.channel, e.channel)} ถึง {mask_recipient(e.recipient)}: {why}")
    for e, why in d.later:
        echo(f"  รอส่งรอบถัดไป: {CHANNEL_LABELS.get(e.channel, e.channel)} ถึง {mask_recipient(e.recipient)}: {why}")
    if d.tab_rows:
        echo(f"บันทึกในแท็บ ประวัติการแจ้งเตือน {d.tab_rows} แถว")
    if d.tab_skipped:
        echo(d.tab_skipped)
