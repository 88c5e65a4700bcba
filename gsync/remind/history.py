"""The master's tab ประวัติการแจ้งเตือน: each reminder sent or failed, when, to whom (masked), how.

Append-only and keyed by a hash of the message key, so a row is written once and a rerun
adds nothing twice. Pure: rows from outbox entries.
"""

from __future__ import annotations

import datetime as dt

from gsync import thai
from gsync.master.layout import KEY, TAB_REMINDERS, Cell, Table
from gsync.master.tables import thai_datetime
from gsync.remind.outbox import Entry, row_id
from gsync.remind.plan import PROVINCE, mask_recipient

HEADERS = [KEY, "เวลา", "อำเภอ", "รายงาน", "กำหนดส่ง", "ครั้งที่แจ้ง", "ช่องทาง", "ผู้รับ", "เรื่อง", "ผล", "รายละเอียด"]
WIDTHS = [14, 18, 16, 30, 14, 24, 8, 24, 50, 26, 50]
CHANNEL_LABELS = {"line": "LINE", "email": "อีเมล"}


def day_label(day: int, kind: str) -> str:
    if kind == "summary":
        return f"สรุปถึงจังหวัด (หลังกำหนด {day} วัน)"
    if kind == "receipt":
        return "ตอบรับการส่งรายงาน"
    if kind.startswith("escalate:"):
        return day_label(day, kind.split(":", 1)[1]) + " (สำเนาถึงผู้บังคับบัญชา)"
    if day < 0:
        return f"ก่อนกำหนด {-day} วัน"
    if day == 0:
        return "วันครบกำหนด"
    return f"หลังกำหนด {day} วัน"


def result_label(e: Entry) -> str:
    if e.status == "sent":
        return "ส่งแล้ว"
    if e.status == "failed":
        return "ส่งไม่สำเร็จ"
    return "ยกเลิก: สถานะรายงานเปลี่ยนแล้ว (อาจส่งไปแล้ว 1 ครั้ง)"


def detail(e: Entry) -> str:
    """What staff should know about the result, in Thai first (the server's words after)."""
    error = e.error or ""
    if e.status != "failed":
        return error
    if "tried" in error:
        return f"ส่งไม่ได้หลายครั้ง ระบบหยุดส่งข้อความนี้แล้ว ({error})"
    return f"ปลายทางปฏิเสธ: โปรดตรวจสอบอีเมลหรือ LINE ID ของผู้รับในไฟล์ตั้งค่า ({error})"


def rows(entries: list[Entry], tz: dt.tzinfo) -> list[list[Cell]]:
    out: list[list[Cell]] = []
    for e in entries:
        when = e.done_at or e.attempted_at or e.planned_at
        out.append([
            row_id(e.key), thai_datetime(when, tz),
            "(สรุปถึงเจ้าหน้าที่จังหวัด)" if e.district == PROVINCE else e.district,
            e.item_label, thai.format_thai_date(e.deadline), day_label(e.day, e.kind),
            CHANNEL_LABELS.get(e.channel, e.channel), mask_recipient(e.recipient), e.subject.removeprefix("เรื่อง ").strip(),
            result_label(e), thai.mask_pii(detail(e)),
        ])
    return out


def table(entries: list[Entry], tz: dt.tzinfo) -> Table:
    return Table(TAB_REMINDERS, list(HEADERS), rows(entries, tz), widths=list(WIDTHS), append_only=True)
