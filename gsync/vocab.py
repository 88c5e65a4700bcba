"""Default vocabularies, column names and form questions: the Lampang FY2568 guideline as data.

Each fiscal year's guideline may change these, so config can replace every one of them
(`[vocabulary]`, `[columns]`, `[form.questions]`). Nothing here is logic.
"""

from __future__ import annotations

# Activity category groups (guideline item 3). Canonical term -> variants people type,
# including the OCR-damaged spellings from the province's infographic.
GROUP_NAMES: dict[str, str] = {
    "3.1": "๙ จุดหมายต้นสาย ปลายป่าน",
    "3.2": "มิติการช่วยเหลือ",
    "3.3": "จิตอาสาวันสำคัญของชาติ",
}

GROUP_ALIASES: dict[str, list[str]] = {
    "3.1": ["9 จุดหมาย", "๙ จุดหมาย", "จุดหมายต้นสายปลายป่าน", "ต้นสายปลายป่าน", "ภารกิจ"],
    "3.2": ["มิติ", "มิติการช่วยเหลือ", "ด้านการช่วยเหลือ", "การช่วยเหลือ"],
    "3.3": ["จิตอาสาวันสำคัญ", "วันสำคัญ", "จิตอาสาวันสำคัญของชาติ"],
}

MISSIONS: dict[str, list[str]] = {
    "ตู้เย็นตู้ยารอบบ้าน": ["ตู้เย็นข้างบ้าน ตู้ยาข้างบ้าน", "ตู้เย็นตู้ยา"],
    "ธนาคารแบ่งปันแรงงาน": ["ธนาคารแรงงาน", "แบ่งปันแรงงาน"],
    "ปลูกไม้ ๓ อย่าง ประโยชน์ ๔ อย่าง": ["ปลูกไม้ 3 อย่าง", "ไม้สามอย่าง", "ปลูกไม้สามอย่างประโยชน์สี่อย่าง"],
    "บัญชีรับจ่าย": ["บัญชีครัวเรือน", "บัญชีรายรับรายจ่าย"],
    "ขายขยะแลกทอง": ["ขยะแลกทอง", "ขยะแลกไข่"],
    "ของเก่าเล่าอดีต": ["ของเก่า"],
    "ผ้าป่าอาชีพ": [],
    "ปิดไฟประหยัด": ["ปิดไฟ"],
    "ตลาดนัด ๔ ทิศ": ["ตลาดนัด 4 ทิศ", "ตลาดนัดสี่ทิศ"],
}

DIMENSIONS: dict[str, list[str]] = {
    "สุขภาพ": ["ด้านสุขภาพ"],
    "การศึกษา": ["ด้านการศึกษา"],
    "การสร้างอาชีพและรายได้": ["อาชีพ", "รายได้", "การสร้างอาชีพ", "ด้านอาชีพ"],
    "ความเป็นอยู่": ["ด้านความเป็นอยู่"],
    "การเข้าถึงบริการแห่งรัฐ": ["บริการแห่งรัฐ", "การเข้าถึงบริการภาครัฐ", "บริการภาครัฐ"],
}

VOLUNTEER_TYPES: dict[str, list[str]] = {
    "จิตอาสาพัฒนา": [],
    "จิตอาสาภัยพิบัติ": [],
    "จิตอาสาเฉพาะกิจ": [],
}

# The seven partner sectors (ภาคี ๗ ภาคส่วน). Seed 000 says ประชาสัมพันธ์ for mass media.
SECTORS: dict[str, list[str]] = {
    "รัฐ": ["ภาครัฐ", "ราชการ", "หน่วยงานรัฐ"],
    "ศาสนา": ["ภาคศาสนา", "วัด"],
    "สถาบันการศึกษา": ["การศึกษา", "โรงเรียน", "สถานศึกษา"],
    "เอกชน": ["ภาคเอกชน", "บริษัท"],
    "ประชาชน": ["ภาคประชาชน", "ชาวบ้าน"],
    "ประชาสังคม": ["ภาคประชาสังคม", "NGO", "องค์กรภาคประชาสังคม"],
    "สื่อสารมวลชน": ["สื่อมวลชน", "ประชาสัมพันธ์", "สื่อ"],
}

# Report columns: gsync's field -> header texts seen in the wild (compared by thai.name_key).
ACTIVITY_COLUMNS: dict[str, list[str]] = {
    "seq": ["ลำดับ", "ลำดับที่", "ที่", "no"],
    "tambon": ["ตำบล", "ชื่อตำบล", "ตำบลที่ตั้งศูนย์"],
    "centre": ["ชื่อศูนย์ผู้นำจิตอาสาพัฒนาชุมชน", "ชื่อศูนย์", "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชน", "ชื่อศูนย์จิตอาสาฯ", "ศูนย์จิตอาสา", "ศูนย์"],
    "name": ["ชื่อกิจกรรม", "กิจกรรม", "ชื่อโครงการ/กิจกรรม", "โครงการ/กิจกรรม"],
    "group": ["ประเภทกิจกรรม", "ประเภท", "หมวดกิจกรรม"],
    "mission": ["ภารกิจ/มิติ", "ภารกิจ", "มิติ", "ภารกิจ/มิติ/ประเภทจิตอาสา", "จุดหมาย/มิติ"],
    "date": ["วันที่ดำเนินการ", "วันที่", "วัน/เดือน/ปี", "วันเดือนปี", "วันที่จัดกิจกรรม", "วันที่ดำเนินกิจกรรม"],
    "place": ["สถานที่ดำเนินการ", "สถานที่", "สถานที่จัดกิจกรรม"],
    "participants": ["จำนวนผู้เข้าร่วม (คน)", "จำนวนผู้เข้าร่วม", "ผู้เข้าร่วม (คน)", "ผู้เข้าร่วม", "จำนวนคน", "จำนวนผู้เข้าร่วมกิจกรรม"],
    "sectors": ["ภาคีเครือข่ายที่ร่วม", "ภาคีเครือข่าย", "ภาคีที่ร่วม", "ภาคี"],
    "budget": ["งบประมาณ (บาท)", "งบประมาณ", "งบ (บาท)"],
    "result": ["ผลการดำเนินงาน", "ผลการดำเนินการ", "ผลที่ได้รับ", "ผล"],
}
ACTIVITY_REQUIRED = ("tambon", "name", "date", "participants")

REGISTER_COLUMNS: dict[str, list[str]] = {
    "seq": ["ลำดับที่", "ลำดับ", "ที่"],
    "name": ["ชื่อศูนย์จิตอาสาฯ", "ชื่อศูนย์จิตอาสา", "ชื่อศูนย์ผู้นำจิตอาสาพัฒนาชุมชน", "ชื่อศูนย์", "ศูนย์"],
    "moo": ["หมู่ที่", "หมู่"],
    "tambon": ["ตำบล"],
    "chair": ["ประธานศูนย์ฯ", "ประธานศูนย์", "ชื่อประธาน", "ประธาน"],
    "phone": ["โทรศัพท์", "เบอร์โทรศัพท์", "เบอร์โทร", "โทร"],
    "level": ["ระดับ", "ระดับศูนย์"],
    "coords": ["พิกัด", "พิกัด (lat, long)", "พิกัดที่ตั้ง"],
    "note": ["หมายเหตุ"],
}
REGISTER_REQUIRED = ("name", "tambon", "level")

# The Lampang FY2568 Form (contract section 1): gsync field -> exact question title.
FORM_QUESTIONS: dict[str, str] = {
    "district": "อำเภอ",
    "quarter": "ไตรมาส",
    "reporter": "ชื่อ-สกุล ผู้รายงาน",
    "position": "ตำแหน่ง",
    "phone": "เบอร์โทรศัพท์",
    "centres_active": "จำนวนศูนย์ที่ดำเนินกิจกรรมในไตรมาสนี้ (แห่ง)",
    "activities": "จำนวนกิจกรรมที่ดำเนินการ (ครั้ง)",
    "participants": "จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)",
    "report_files": "แนบแบบรายงานผลการดำเนินงาน",
    "photos": "แนบภาพถ่ายกิจกรรม",
    "problems": "ปัญหา/อุปสรรค",
    "suggestions": "ข้อเสนอแนะ",
}
FORM_REQUIRED = ("district", "quarter", "reporter", "phone", "report_files")
FORM_FILE_FIELDS = ("report_files", "photos")

# File kinds by extension (lower case, no dot): one list for parse.sniff (what a file is) and
# sync (what is kept as evidence and never downloaded or parsed).
IMAGE_EXTENSIONS = frozenset({
    "jpg", "jpeg", "jpe", "jfif", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "avif",
})
VIDEO_EXTENSIONS = frozenset({"mp4", "mov"})
EVIDENCE_EXTENSIONS = IMAGE_EXTENSIONS | VIDEO_EXTENSIONS | {"pdf"}  # photos, clips and PDFs

# What staff type in the master's ผลการตรวจ column (contract section 6), read as they mean it
# whatever the drop-down offers. Whole words only (after thai.review_word folds spaces and typing
# variants): ไม่ผ่าน contains ผ่าน, so no substring or prefix rule. Anything else changes nothing
# and is shown back to staff on that report (problem code `unknown_review`).
REVIEW_RETURNS = ("ส่งกลับแก้ไข", "ส่งกลับ", "แก้ไข", "ให้แก้ไข", "ไม่ผ่าน", "ตีกลับ", "ไม่อนุมัติ")
REVIEW_ACCEPTS = ("ผ่าน", "ผ่านแล้ว", "อนุมัติ", "เรียบร้อย", "✓", "✔")  # ✔: the other tick a keyboard types
