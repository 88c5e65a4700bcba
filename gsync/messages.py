"""Every problem code's Thai words for staff, in one place: the message template and the short
label the master's ปัญหา tab shows. The codes themselves are models.ProblemCode (what scripts
read in `gsync status --json`); a test checks that every code has both here.
"""

from __future__ import annotations

from gsync.models import Problem

# Thai messages for staff, one per problem code. `{}` fields come from the problem's place.
MESSAGES = {
    "no_report_file": "ไม่มีไฟล์แบบรายงานผลการดำเนินงานที่อ่านได้",
    "unreadable_file": "{detail}",  # what went wrong and what to do (gsync.parse: MSG_*)
    "centre_without_activity": "ศูนย์ฯ ตำบล{tambon} ไม่มีกิจกรรมในไตรมาสนี้",
    "date_outside_quarter": "วันที่ {date} อยู่นอกไตรมาสที่ {quarter} ({start} ถึง {end})",
    "unknown_category": "ประเภท/ภารกิจกิจกรรม “{text}” ไม่อยู่ในรายการของแนวทาง",
    "no_participants": "ไม่ระบุจำนวนผู้เข้าร่วม หรือจำนวนเป็นศูนย์ ({text})",
    "totals_mismatch": "{what}ที่กรอกในแบบฟอร์ม ({declared}) ไม่ตรงกับในไฟล์รายงาน ({counted})",
    "unauthorized_respondent": "ผู้ส่ง {email} ไม่อยู่ในรายชื่อผู้มีสิทธิ์รายงานของอำเภอ{district}: ยังไม่นับเป็นรายงาน จนกว่าเจ้าหน้าที่จะกดยอมรับ",
    "missing_answer": "ไม่ได้ตอบคำถาม “{question}” ในแบบฟอร์ม",
    "unknown_tambon": "ตำบล “{text}” ไม่ใช่ตำบลของอำเภอ{district}",
    "attachment_unavailable": "ไฟล์แนบในแบบฟอร์มไม่มีในโฟลเดอร์ที่ระบบอ่านได้: ยังตรวจเนื้อหาไม่ได้",
    "district_conflict": "ไฟล์ระบุอำเภอ{found} แต่{where}ระบุอำเภอ{used}",
    "quarter_conflict": "ไฟล์ระบุไตรมาสที่ {found} แต่{where}ระบุไตรมาสที่ {used}",
    # read from the file itself (gsync.parse)
    "unreadable_date": "แผ่นงาน “{sheet}” แถว {row}: {error}: กรุณาพิมพ์วันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 15/10/2567",
    "no_header": (
        "ไม่พบตารางแบบรายงานในไฟล์ (ไม่พบแถวหัวตารางที่มีคอลัมน์ เช่น ตำบล ชื่อกิจกรรม วันที่ดำเนินการ "
        "จำนวนผู้เข้าร่วม): กรุณากรอกลงแบบฟอร์มของจังหวัด โดยไม่ลบหรือเปลี่ยนชื่อหัวตาราง แล้วส่งอีกครั้ง"
    ),
    "missing_column": (
        "แผ่นงาน “{sheet}”: ไม่พบคอลัมน์ “{label}” ใน{what}: "
        "กรุณาเพิ่มคอลัมน์ “{label}” ตามแบบฟอร์มของจังหวัด แล้วส่งอีกครั้ง"
    ),
    "truncated": (
        "แผ่นงาน “{sheet}” มีข้อมูลเกิน {max_rows} แถว: อ่านเพียง {max_rows} แถวแรก "
        "ตั้งแต่แถว {row} ลงไปไม่ได้อ่าน: กรุณาลบแถวที่ไม่ใช่ข้อมูลกิจกรรมออก "
        "หรือแยกส่งเป็นหลายไฟล์"
    ),
    "file_removed": "{what} “{name}” ที่เคยนับเป็นรายงาน (ได้รับเมื่อ {received}) ถูกลบหรือย้ายออกจาก{where} "
                    "เมื่อ {when} หรือก่อนหน้านั้น: ยังนับวันที่ได้รับเดิม แต่ไม่นับข้อมูลใน{what}นั้นแล้ว",
    "unknown_review": (
        "ผลการตรวจ “{text}” ไม่ใช่คำที่ระบบรู้จัก จึงยังไม่เปลี่ยนผลการตรวจ: พิมพ์ ผ่าน (หรือ ผ่านแล้ว, อนุมัติ, "
        "เรียบร้อย, ✓) หรือ ส่งกลับแก้ไข (หรือ ส่งกลับ, แก้ไข, ให้แก้ไข, ไม่ผ่าน, ตีกลับ, ไม่อนุมัติ)"
    ),
    # collections (gsync/collection_judging.py) and fiscal years (gsync/fiscal.py)
    "wrong_fiscal_year": (
        "คำตอบไตรมาส “{text}” เป็นของปีงบประมาณ {found} แต่ระบบนี้ติดตามปีงบประมาณ {fy}: "
        "ตรวจว่าแบบฟอร์มเป็นของปีนี้ (แก้ตัวเลือกไตรมาสในแบบฟอร์ม) แล้วให้อำเภอยืนยันไตรมาสที่รายงาน"
    ),
    "no_collection_file": "ไม่มีไฟล์{name}ที่อ่านได้",
    "tambon_without_centre": "ตำบล{tambon} ไม่มีศูนย์ฯ ระดับตำบลในทะเบียน",
    "no_district_centre": "ทะเบียนไม่มีศูนย์ฯ ระดับอำเภอ",
    "missing_chair": "ศูนย์ฯ “{centre}” ไม่ระบุชื่อประธานศูนย์",
    "missing_phone": "ศูนย์ฯ “{centre}” ไม่ระบุเบอร์โทรศัพท์ (หรือเบอร์อ่านไม่ได้: “{text}”)",
    "coordinates_outside_thailand": (
        "พิกัด ({lat}, {lon}) ของศูนย์ฯ “{centre}” อยู่นอกประเทศไทย: "
        "กรอกละติจูดก่อน แล้วตามด้วยลองจิจูด เช่น 18.29, 99.49"
    ),
    "coordinates_outside_province": "พิกัด ({lat}, {lon}) ของศูนย์ฯ “{centre}” อยู่นอกจังหวัด{province}",
    "missing_lesson_field": "บันทึกองค์ความรู้ “{title}” ไม่ได้กรอก “{label}”",
}


# A few Thai words per code: the ปัญหา tab's ประเภทปัญหา column, and the status tab's legend.
LABELS = {
    "no_report_file": "ไม่มีไฟล์แบบรายงาน",
    "unreadable_file": "อ่านไฟล์ไม่ได้",
    "centre_without_activity": "ศูนย์ไม่มีกิจกรรม",
    "date_outside_quarter": "วันที่อยู่นอกไตรมาส",
    "unknown_category": "ประเภทกิจกรรมไม่อยู่ในรายการ",
    "no_participants": "ไม่ระบุผู้เข้าร่วม",
    "totals_mismatch": "ยอดรวมไม่ตรงกับไฟล์",
    "unauthorized_respondent": "ผู้ส่งไม่อยู่ในรายชื่อ",
    "missing_answer": "ไม่ได้ตอบคำถาม",
    "unreadable_date": "อ่านวันที่ไม่ได้",
    "unknown_tambon": "ตำบลไม่ถูกต้อง",
    "district_conflict": "อำเภอไม่ตรงกัน",
    "quarter_conflict": "ไตรมาสไม่ตรงกัน",
    "no_header": "ไม่พบหัวตาราง",
    "missing_column": "ขาดคอลัมน์",
    "truncated": "ไฟล์ยาวเกิน อ่านไม่หมด",
    "attachment_unavailable": "ยังเปิดไฟล์แนบไม่ได้",
    "file_removed": "ไฟล์ถูกลบออกจากโฟลเดอร์",
    "unknown_review": "ผลการตรวจอ่านไม่ได้",
    "wrong_fiscal_year": "ไตรมาสเป็นของปีงบประมาณอื่น",
    "no_collection_file": "ไม่มีไฟล์รายงานที่อ่านได้",
    "tambon_without_centre": "ตำบลไม่มีศูนย์ในทะเบียน",
    "no_district_centre": "ไม่มีศูนย์ระดับอำเภอ",
    "missing_chair": "ไม่ระบุประธานศูนย์",
    "missing_phone": "ไม่ระบุเบอร์โทรศัพท์",
    "coordinates_outside_thailand": "พิกัดอยู่นอกประเทศไทย",
    "coordinates_outside_province": "พิกัดอยู่นอกจังหวัด",
    "missing_lesson_field": "บันทึกองค์ความรู้กรอกไม่ครบ",
}


def problem(code: str, *, source: str | None = None, row: int | None = None, field: str | None = None,
            **fields: object) -> Problem:
    """A Problem with its Thai message from the template of `code`; `row` also fills `{row}`."""
    message = MESSAGES[code].format(row=row, **fields)
    return Problem(code=code, message=message, source=source, row=row, field=field)  # type: ignore[arg-type]
