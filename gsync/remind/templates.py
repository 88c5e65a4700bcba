"""The reminders' Thai texts: defaults that read like a courteous official reminder, and checks.

Templates are `str.format` texts. The first line is the subject (an email's Subject; a LINE
message shows it as its first line, as a Thai official letter starts with its เรื่อง). A
template a province writes into `[reminders.templates]` is checked when the config loads: an
unknown kind, an unknown `{field}` or a stray brace is a config error (exit 2), never a
crash in the middle of sending. Pure: no I/O.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

# Which template serves which message.
#   before      a day before the deadline, nothing has arrived
#   today       the deadline day, nothing has arrived
#   missing     after the deadline, nothing has arrived
#   incomplete  after the deadline, the report fails a completeness rule: {problems}
#   returned    after the deadline, staff returned the report for correction: {reason}
#   summary     the summary day, to province staff
#   receipt     what gsync found in what just arrived, to its sender (`receipts = true`)
KINDS = ("before", "today", "missing", "incomplete", "returned", "summary", "receipt")

# The fields every template may use, with a sample value (used to check a template at load time).
COMMON_FIELDS: dict[str, object] = {
    "province": "ลำปาง",
    "fiscal_year": 2568,
    "item": "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)",
    "item_short": "ไตรมาสที่ 1",
    "deadline": "13 ธันวาคม 2567",
    "deadline_short": "13 ธ.ค. 2567",
    "links": "แบบฟอร์มรายงาน: https://forms.gle/x",
    "form_url": "https://forms.gle/x",
    "folder_url": "https://drive.google.com/drive/folders/x",
}
DISTRICT_FIELDS: dict[str, object] = {
    **COMMON_FIELDS,
    "district": "เกาะคา",
    "days_left": 3,
    "days_late": 1,
    "problems": "- ไม่พบไฟล์รายงาน",
    "reason": "ตัวเลขผู้เข้าร่วมไม่ตรงกับแบบฟอร์ม",
}
SUMMARY_FIELDS: dict[str, object] = {
    **COMMON_FIELDS,
    "n_total": 13,
    "n_ok": 10,
    "n_missing": 1,
    "n_incomplete": 1,
    "n_returned": 1,
    "missing_list": "- งาว",
    "incomplete_list": "- เถิน: วันที่ดำเนินการอยู่นอกไตรมาส",
    "returned_list": "- แม่ทะ: ตัวเลขไม่ตรง",
    "days_late": 7,
    "n_received": 12,
    "n_late": 2,
    "master_url": "https://docs.google.com/spreadsheets/d/x/edit",
}
RECEIPT_FIELDS: dict[str, object] = {
    **COMMON_FIELDS,
    "district": "เกาะคา",
    "verdict": "พบปัญหา 2 ข้อ",
    "n_problems": 2,
    "arrived": "ไฟล์ “เกาะคา ไตรมาส 1.xlsx”",
    "arrived_at": "12 ธ.ค. 2567 14:05 น.",
    "timing": "ทันกำหนด",
    "problems": "1. วันที่ 5 ม.ค. 2568 อยู่นอกไตรมาสที่ 1\n2. ศูนย์ฯ ตำบลนาแก้ว ไม่มีกิจกรรมในไตรมาสนี้\n",  # "" when none
    "todo": "โปรดแก้ไขตามรายการข้างต้น แล้วส่งฉบับใหม่ (แทนฉบับเดิม) ทาง\n- แบบฟอร์มรายงาน: https://forms.gle/x",
}

_SIGN = "\n\nสำนักงานพัฒนาชุมชนจังหวัด{province}\n(ข้อความอัตโนมัติจากระบบติดตามรายงาน หากท่านดำเนินการแล้ว ขออภัยมา ณ ที่นี้)"

DEFAULTS: dict[str, str] = {
    "before": (
        "เรื่อง ขอความอนุเคราะห์ส่งรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item}\n"
        "เรียน พัฒนาการอำเภอ{district}\n\n"
        "ตามที่จังหวัด{province}กำหนดให้ส่งรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item} "
        "ภายในวันที่ {deadline} (อีก {days_left} วัน) ขณะนี้จังหวัดยังไม่ได้รับรายงานของอำเภอ{district}\n\n"
        "จึงขอความอนุเคราะห์ส่งรายงานภายในกำหนด ผ่านช่องทางต่อไปนี้\n{links}\n\n"
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" + _SIGN
    ),
    "today": (
        "เรื่อง วันนี้ครบกำหนดส่งรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item}\n"
        "เรียน พัฒนาการอำเภอ{district}\n\n"
        "วันนี้ ({deadline}) เป็นวันครบกำหนดส่งรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item} "
        "ขณะนี้จังหวัดยังไม่ได้รับรายงานของอำเภอ{district}\n\n"
        "จึงขอความอนุเคราะห์ส่งรายงานภายในวันนี้ ผ่านช่องทางต่อไปนี้\n{links}\n\n"
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" + _SIGN
    ),
    "missing": (
        "เรื่อง ติดตามรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item}\n"
        "เรียน พัฒนาการอำเภอ{district}\n\n"
        "รายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item} ครบกำหนดส่งเมื่อวันที่ {deadline} "
        "(เลยกำหนดมาแล้ว {days_late} วัน) ขณะนี้จังหวัดยังไม่ได้รับรายงานของอำเภอ{district}\n\n"
        "จึงขอความอนุเคราะห์ส่งรายงานโดยเร็ว ผ่านช่องทางต่อไปนี้\n{links}\n\n"
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" + _SIGN
    ),
    "incomplete": (
        "เรื่อง ขอความอนุเคราะห์แก้ไขรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item}\n"
        "เรียน พัฒนาการอำเภอ{district}\n\n"
        "จังหวัดได้รับรายงาน {item} ของอำเภอ{district}แล้ว ขอขอบคุณ "
        "จากการตรวจสอบพบว่ารายงานยังไม่ครบถ้วน ดังนี้\n{problems}\n\n"
        "จึงขอความอนุเคราะห์แก้ไขและส่งรายงานฉบับปรับปรุงอีกครั้ง (กำหนดส่งเดิม {deadline}) "
        "ผ่านช่องทางต่อไปนี้\n{links}\n\n"
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" + _SIGN
    ),
    "returned": (
        "เรื่อง ส่งคืนรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {item} เพื่อแก้ไข\n"
        "เรียน พัฒนาการอำเภอ{district}\n\n"
        "เจ้าหน้าที่จังหวัดได้ตรวจสอบรายงาน {item} ของอำเภอ{district}แล้ว "
        "ขอส่งคืนเพื่อแก้ไข ด้วยเหตุผลดังนี้\n{reason}\n\n"
        "จึงขอความอนุเคราะห์แก้ไขและส่งรายงานอีกครั้ง ผ่านช่องทางต่อไปนี้\n{links}\n\n"
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ" + _SIGN
    ),
    "summary": (
        "สรุป{item_short}: ได้รับ {n_received}/{n_total} · ล่าช้า {n_late} · ยังไม่ส่ง {n_missing} · ไม่ครบ {n_incomplete}"
        " · ส่งคืน {n_returned}\n"
        "เรื่อง สรุปการส่งรายงาน {item} (ครบกำหนด {deadline_short})\n"
        "เรียน เจ้าหน้าที่ผู้รับผิดชอบงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน\n\n"
        "ครบกำหนดส่งมาแล้ว {days_late} วัน ได้รับรายงานครบถ้วน {n_ok} จาก {n_total} อำเภอ\n\n"
        "ยังไม่ส่ง {n_missing} อำเภอ\n{missing_list}\n\n"
        "ส่งแล้วแต่ยังไม่ครบถ้วน {n_incomplete} อำเภอ\n{incomplete_list}\n\n"
        "ส่งคืนให้แก้ไข {n_returned} อำเภอ\n{returned_list}\n\n"
        "รายละเอียดอยู่ในแท็บ \"สถานะรายงาน\" และ \"ปัญหา\" ของสมุดงานหลัก\n{master_url}\n"
        "(ข้อความอัตโนมัติจากระบบติดตามรายงาน)"
    ),
    # Short: a phone's LINE preview shows the first lines, so the verdict comes first.
    "receipt": (
        "{verdict}: รายงาน{item_short} อำเภอ{district}\n"
        "ได้รับ{arrived} เมื่อ {arrived_at} ({timing})\n"
        "{problems}{todo}\n"
        "สำนักงานพัฒนาชุมชนจังหวัด{province} (ข้อความอัตโนมัติ)"
    ),
}


def fields_for(kind: str) -> Mapping[str, object]:
    return {"summary": SUMMARY_FIELDS, "receipt": RECEIPT_FIELDS}.get(kind, DISTRICT_FIELDS)


def check(kind: str, text: str) -> None:
    """Raise ValueError (one line: the kind, what is wrong, the fields there are) for a bad template."""
    if kind not in KINDS:
        raise ValueError(f"unknown template {kind!r}; templates are: {', '.join(KINDS)}")
    allowed = fields_for(kind)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as e:
        raise ValueError(f"template {kind!r}: {e} (write a literal brace as {{{{ or }}}})") from None
    for _, name, _spec, conv in parts:
        if name is None:
            continue
        root = name.split(".")[0].split("[")[0]
        if root == "" or root.isdigit():
            raise ValueError(f"template {kind!r}: use a field name inside braces, e.g. {{district}}")
        if root not in allowed:
            raise ValueError(f"template {kind!r}: unknown field {{{root}}}; fields are: {', '.join(allowed)}")
        if conv not in (None, "s", "r", "a"):
            raise ValueError(f"template {kind!r}: bad conversion !{conv} in {{{name}}}")
    try:
        text.format(**allowed)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as e:
        raise ValueError(f"template {kind!r}: cannot be filled in ({type(e).__name__}: {e})") from None
    if not text.strip():
        raise ValueError(f"template {kind!r} is empty")


def render(kind: str, overrides: Mapping[str, str], values: Mapping[str, object]) -> tuple[str, str]:
    """(subject, full text) of one message. The subject is the first line."""
    text = overrides.get(kind) or DEFAULTS[kind]
    body = text.format(**values).strip()
    subject = body.split("\n", 1)[0].strip()
    return subject, body
