"""The master's first tab, วิธีใช้: how staff use the master, in Thai, on one printed page.

What each tab is for, what to type where (the yellow columns), what each colour means, how to
excuse, return, accept and place a file, and whom to call. It is gsync's tab like the others:
written again whenever its words change (a new gsync version), never touching staff's own tabs
or the yellow columns of the others. Pure: no I/O.
"""

from __future__ import annotations

from gsync.config import Settings
from gsync.master.layout import (
    FOLLOW_UP,
    KEY,
    NOTE,
    TAB_ACTIVITIES,
    TAB_ARCHIVE,
    TAB_CENTRES,
    TAB_HOWTO,
    TAB_LOG,
    TAB_PLACED,
    TAB_PROBLEMS,
    TAB_RATES,
    TAB_REPORTS,
    TAB_RESPONSES,
    TAB_REVIEWS,
    TAB_STATUS,
    TAB_UNATTRIBUTED,
    Cell,
    Table,
)
from gsync.master.tables import (
    ACCEPT,
    EXCUSED,
    LEGEND,
    PLACE_DISTRICT,
    PLACE_QUARTER,
    REASON,
    REVIEW,
    header_stem,
)

SECTION_TABS, SECTION_TYPE, SECTION_COLOURS, SECTION_CALL = "แท็บในสมุดงาน", "สิ่งที่เจ้าหน้าที่พิมพ์ได้", "ความหมายของสี", "ติดต่อ"


def _q(header: str) -> str:
    return f"“{header_stem(header)}”"


def _rows(prefix: str, lines: list[tuple[str, str]]) -> list[list[Cell]]:
    """A section's lines, keyed by section and place (the keys the keyed merge matches)."""
    return [[f"{prefix}{i:02}", topic, text] for i, (topic, text) in enumerate(lines, start=1)]


def howto_table(settings: Settings) -> Table:
    province, fy = settings.province.name, settings.fiscal_year
    tabs = [
        (TAB_STATUS, f"ภาพรวม: อำเภอใดส่งแล้ว ส่งช้า หรือยังไม่ส่ง ในแต่ละไตรมาส คอลัมน์ {_q(FOLLOW_UP)} บอกว่าช่องที่ไม่ใช่สีเขียวเป็นเพราะอะไร"),
        (TAB_REPORTS, "หนึ่งแถวต่ออำเภอต่อไตรมาส: สถานะ ปัญหา และไฟล์ที่นับ ช่องสีเหลืองทางขวาใช้ยกเว้น ตรวจ และบันทึก"),
        (f"{TAB_ACTIVITIES} · {TAB_CENTRES}", "ทุกกิจกรรม และทุกศูนย์ ที่อ่านได้จากไฟล์รายงานของอำเภอ"),
        (TAB_PROBLEMS, "สิ่งที่ต้องแก้ในแต่ละรายงาน ทีละเรื่อง พร้อมไฟล์และแถวที่พบ"),
        (f"{TAB_UNATTRIBUTED} · {TAB_PLACED}", "ไฟล์หรือคำตอบที่ระบบบอกไม่ได้ว่าเป็นของอำเภอหรือไตรมาสใด และที่เจ้าหน้าที่ระบุให้แล้ว"),
        (TAB_RESPONSES, "คำตอบทุกครั้งจากแบบฟอร์ม (Google Form) และนับเป็นรายงานหรือไม่"),
        (TAB_RATES, "จำนวนและร้อยละการส่ง การส่งตรงเวลา และการผ่านการตรวจ รายไตรมาส พร้อมกราฟ"),
        (f"{TAB_REVIEWS} · {TAB_ARCHIVE}", "ผลการตรวจที่เคยบันทึก และหมายเหตุของแถวที่ไม่มีแล้ว (เก็บไว้ไม่ลบ)"),
        (TAB_LOG, "บันทึกของผู้ดูแลระบบ: ซิงก์เมื่อไร ได้อะไร"),
    ]
    typing = [
        ("ช่องสีเหลือง", "พิมพ์ได้เฉพาะช่องสีเหลือง (คอลัมน์ทางขวาของแท็บ) และแท็บที่สร้างเอง ระบบเก็บไว้ทุกครั้งที่ซิงก์ "
                         "ช่องสีเทาและสีขาว ระบบเขียนใหม่ทุกครั้ง"),
        ("ยกเว้น", f"แท็บ “{TAB_REPORTS}” ใส่ ✓ ในช่อง {_q(EXCUSED)} ของแถวอำเภอและไตรมาสนั้น: สถานะเป็น “ได้รับการยกเว้น”"),
        ("ส่งกลับแก้ไข", f"แท็บ “{TAB_REPORTS}” เลือก “ส่งกลับแก้ไข” ในช่อง {_q(REVIEW)} และพิมพ์ช่อง {_q(REASON)}: "
                         "อำเภอได้รับแจ้งเหตุผล เมื่อส่งใหม่ สถานะเป็น “ส่งแก้ไขแล้ว รอตรวจ”"),
        ("ผ่านการตรวจ", f"แท็บ “{TAB_REPORTS}” เลือก “ผ่าน” ในช่อง {_q(REVIEW)}"),
        ("ยอมรับผู้ส่ง", f"แท็บ “{TAB_RESPONSES}” ใส่ ✓ ในช่อง {_q(ACCEPT)} เมื่อผู้ส่งไม่อยู่ในรายชื่อ แต่ส่งแทนอำเภอนั้นจริง"),
        ("ระบุไฟล์", f"แท็บ “{TAB_UNATTRIBUTED}” เลือกช่อง {_q(PLACE_DISTRICT)} และ {_q(PLACE_QUARTER)}: ไฟล์นับเป็นรายงานนั้น "
                     f"และย้ายไปแท็บ “{TAB_PLACED}” (ลบค่าที่เลือกออกเพื่อยกเลิก)"),
        ("หมายเหตุ", f"ช่อง {_q(NOTE)} พิมพ์อะไรก็ได้ อยู่คู่แถวเดิมเสมอ ถ้าแถวนั้นหายไป ข้อความย้ายไปแท็บ “{TAB_ARCHIVE}”"),
    ]
    contact = settings.province.contact.strip()
    if not contact and settings.province.staff_emails:
        contact = "อีเมล " + ", ".join(settings.province.staff_emails)
    call = contact or "ผู้ดูแลระบบของสำนักงานพัฒนาชุมชนจังหวัด"
    rows: list[list[Cell]] = [
        ["h00", "สมุดงานนี้", f"รายงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน จังหวัด{province} ปีงบประมาณ {fy}: ระบบรวบรวมจากแบบฟอร์ม "
                              "(Google Form) และโฟลเดอร์ Google Drive ให้เองทุกครั้งที่ซิงก์ ไม่ต้องคัดลอกด้วยมือ"],
        ["t00", SECTION_TABS, None],
        *_rows("t", tabs),
        ["y00", SECTION_TYPE, None],
        *_rows("y", typing),
        ["c00", SECTION_COLOURS, None],
        *_rows("c", list(LEGEND)),
        ["z00", SECTION_CALL, f"สงสัยหรือพบข้อมูลผิด ติดต่อ {call}"],
    ]
    return Table(
        TAB_HOWTO,
        [KEY, "หัวข้อ", "รายละเอียด"],
        rows,
        widths=[2, 28, 150],
        status_columns=[1],  # the colour words are coloured as in the other tabs
        hidden_key=True,
        first=True,
        fit_page=True,
        heading_keys=["t00", "y00", "c00"],
    )
