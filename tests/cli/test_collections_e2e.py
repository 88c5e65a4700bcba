"""A case shaped like Lampang's letter (seed 002): the demo province plus the centre location
report due 22 Nov 2567 and lessons-learned records, through the real CLI.

Registers arrive before and after 22 Nov 2567 Bangkok time (one at 00:30 on the 23rd Bangkok,
which is still the 22nd in UTC), one is incomplete, one has coordinates outside Thailand, one
outside the province; lessons records come in Word files, one late and incomplete. Every
expectation below is written by hand from that scenario; the quarterly facts are the demo's
hand-written ones (tests/cli/test_offline_e2e.py), unchanged by the collections.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main
from tests.cli.test_offline_e2e import DISTRICTS, expected
from tests.collections_support import Lesson, lessons_docx, put, register_xlsx

NOW = "2025-04-20T09:00:00+07:00"
BKK = ZoneInfo("Asia/Bangkok")
UTC = dt.UTC
T = demo.lampang_districts()

COLLECTIONS = """
[[collections]]
id = "centre_location"
name = "รายงานสถานที่ตั้งศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"
kind = "register"
due = 2024-11-22

[[collections]]
id = "lessons"
name = "บันทึกองค์ความรู้"
kind = "lessons"
due = 2025-03-31
"""


def lesson(district: str, tambon: str, title: str, *, core: bool = True) -> Lesson:
    return Lesson(
        reporter=f"ชมรมผู้นำจิตอาสาพัฒนาชุมชนอำเภอ{district}", phone="๐๕๔-๒๖๕-๐๕๐", title=title,
        problem="การขับเคลื่อนศูนย์ผู้นำจิตอาสาให้ต่อเนื่อง",
        place=f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบล{tambon} อำเภอ{district} จังหวัดลำปาง",
        story=["ศูนย์ฯ จัดเวทีประชาคมทุกเดือน", "๑. ประชุมคณะกรรมการ", "๒. แลกเปลี่ยนเรียนรู้"],
        assets=["๑. ใช้เวทีประชาคมรับฟังความเห็น"], core=["๑. การมีส่วนร่วม"] if core else [],
        strategy=["๑. ยึดหลักปรัชญาของเศรษฐกิจพอเพียง"], theory=["๑. หลักการกระบวนการมีส่วนร่วม"],
    )


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0, tz: dt.tzinfo = BKK) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=tz)


@pytest.fixture()
def lampang(tmp_path: Path) -> Path:
    config, _ = demo.build(tmp_path / "demo")
    inbox = tmp_path / "demo" / "inbox"
    # registers (the demo's own ห้างฉัตร/ไตรมาส 1/ทะเบียนศูนย์.xlsx arrived 20 Nov 10:00: complete)
    put(inbox, "ทะเบียนศูนย์/ทะเบียนศูนย์ เกาะคา.xlsx",
        register_xlsx("เกาะคา", "ลำปาง", T["เกาะคา"], district_coords="18.20, 99.39"), at(2024, 11, 21))
    put(inbox, "ทะเบียนศูนย์ อ.งาว.xlsx",  # no row for บ้านร้อง, no phone for หลวงใต้; 23:59 on the day
        register_xlsx("งาว", "ลำปาง", T["งาว"], skip=("บ้านร้อง",), no_phone=("หลวงใต้",)), at(2024, 11, 22, 23, 59))
    put(inbox, "ทะเบียนศูนย์ แม่เมาะ.xlsx",  # 22 Nov 17:30 UTC = 23 Nov 00:30 Bangkok: late
        register_xlsx("แม่เมาะ", "ลำปาง", T["แม่เมาะ"]), at(2024, 11, 22, 17, 30, tz=UTC))
    put(inbox, "เถิน/ทะเบียนศูนย์ฯ.xlsx",  # a longitude typo: in the South China Sea
        register_xlsx("เถิน", "ลำปาง", T["เถิน"], coords={"แม่วะ": "17.62, 109.05"}), at(2024, 11, 15))
    put(inbox, "ทะเบียนศูนย์ แจ้ห่ม.xlsx",  # Bangkok's coordinates: in Thailand, not in Lampang
        register_xlsx("แจ้ห่ม", "ลำปาง", T["แจ้ห่ม"], coords={"บ้านสา": "13.75, 100.50"}), at(2024, 11, 18))
    # lessons-learned records in Word
    put(inbox, "องค์ความรู้/บันทึกองค์ความรู้ อ.เสริมงาม.docx",
        lessons_docx([lesson("เสริมงาม", "ทุ่งงาม", "ตู้เย็นข้างบ้าน ตู้ยาข้างบ้าน"),
                      lesson("เสริมงาม", "เสริมขวา", "ธนาคารแบ่งปันแรงงาน")]), at(2025, 3, 20))
    put(inbox, "ถอดบทเรียน วังเหนือ.docx",  # a table form, after the deadline, แก่นความรู้ left empty
        lessons_docx([lesson("วังเหนือ", "ทุ่งฮั้ว", "ตลาดนัดสี่ทิศ", core=False)], table=True), at(2025, 4, 2))
    text = config.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Bangkok"', 'timezone = "Asia/Bangkok"\nbbox = [17.2, 98.9, 19.5, 100.3]'
    )
    config.write_text(text + COLLECTIONS, encoding="utf-8")
    return config


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


# (collection, district) -> (timeliness, complete, problem codes, submitted_at)
EXPECTED = {
    ("centre_location", "เกาะคา"): ("on_time", True, set(), "2024-11-21T10:00:00+07:00"),
    ("centre_location", "งาว"): ("on_time", False, {"tambon_without_centre", "missing_phone"}, "2024-11-22T23:59:00+07:00"),
    ("centre_location", "แม่เมาะ"): ("late", True, set(), "2024-11-23T00:30:00+07:00"),
    ("centre_location", "เถิน"): ("on_time", False, {"coordinates_outside_thailand"}, "2024-11-15T10:00:00+07:00"),
    ("centre_location", "แจ้ห่ม"): ("on_time", False, {"coordinates_outside_province"}, "2024-11-18T10:00:00+07:00"),
    ("centre_location", "ห้างฉัตร"): ("on_time", True, set(), "2024-11-20T10:00:00+07:00"),
    ("lessons", "เสริมงาม"): ("on_time", True, set(), "2025-03-20T10:00:00+07:00"),
    ("lessons", "วังเหนือ"): ("late", False, {"missing_lesson_field"}, "2025-04-02T10:00:00+07:00"),
}


def test_every_collection_fact_and_the_quarterly_facts_unchanged(lampang: Path) -> None:
    code, out = run("sync", "--config", str(lampang), "--now", NOW)
    assert code == 4, out  # the demo's two files nobody can place; no register or record among them
    code, out = run("status", "--config", str(lampang), "--now", NOW, "--json")
    assert code == 0
    doc = json.loads(out)

    quarterly = {(r["district"], r["quarter"]): (r["timeliness"], r["complete"], {p["code"] for p in r["problems"]})
                 for r in doc["reports"]}
    for d in DISTRICTS:
        for q in (1, 2, 3, 4):
            assert quarterly[(d, q)] == expected(d, q), (d, q)

    got = {(c["collection"], c["district"]): c for c in doc["collections"]}
    assert len(got) == 2 * 13
    for key, (timeliness, complete, codes, submitted) in EXPECTED.items():
        c = got[key]
        assert (c["timeliness"], c["complete"], {p["code"] for p in c["problems"]}, c["submitted_at"]) == (
            timeliness, complete, codes, submitted), key
    for (cid, d), c in got.items():
        assert c["deadline"] == ("2024-11-22" if cid == "centre_location" else "2025-03-31")
        if (cid, d) not in EXPECTED:
            assert (c["timeliness"], c["complete"], c["problems"], c["submitted_at"]) == ("missing", None, [], None), (cid, d)

    ngao = {p["message"] for p in got[("centre_location", "งาว")]["problems"]}
    assert ngao == {"ตำบลบ้านร้อง ไม่มีศูนย์ฯ ระดับตำบลในทะเบียน",
                    "ศูนย์ฯ “ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลหลวงใต้” ไม่ระบุเบอร์โทรศัพท์ (หรือเบอร์อ่านไม่ได้: “ว่าง”)"}
    thoen = got[("centre_location", "เถิน")]["problems"][0]["message"]
    assert "17.62, 109.05" in thoen and "นอกประเทศไทย" in thoen
    assert "นอกจังหวัดลำปาง" in got[("centre_location", "แจ้ห่ม")]["problems"][0]["message"]
    assert got[("lessons", "วังเหนือ")]["problems"][0]["message"] == "บันทึกองค์ความรู้ “ตลาดนัดสี่ทิศ” ไม่ได้กรอก “แก่นความรู้”"
    # none of the registers or records is left unplaced
    assert sorted(u["name"] for u in doc["unattributed"]) == ["IMG_2031.jpg", "รายงานกิจกรรม.xlsx"]


def test_the_master_shows_the_collections(lampang: Path) -> None:
    code, _ = run("sync", "--config", str(lampang), "--now", NOW)
    assert code == 4
    wb = openpyxl.load_workbook(lampang.parent / "master.xlsx")
    status = list(wb["สถานะรายงาน"].values)
    header = list(status[0])
    col = header.index("รายงานสถานที่ตั้งศูนย์ผู้นำจิตอาสาพัฒนาชุมชน")
    by_district = {r[header.index("อำเภอ")]: r for r in status[1:]}
    assert by_district["เกาะคา"][col] == "ส่งตรงเวลา"
    assert by_district["แม่เมาะ"][col] == "ส่งล่าช้า"
    assert by_district["งาว"][col] == "ส่งตรงเวลา · ไม่ครบถ้วน"
    assert by_district["เมืองลำปาง"][col] == "ยังไม่ส่ง (เลยกำหนด)"
    assert by_district["วังเหนือ"][header.index("บันทึกองค์ความรู้")] == "ส่งล่าช้า · ไม่ครบถ้วน"

    reports = list(wb["รายงาน"].values)
    keys = {r[0] for r in reports[1:]}
    assert {"เกาะคา|centre_location", "วังเหนือ|lessons", "เกาะคา|Q1"} <= keys

    lessons = list(wb["องค์ความรู้"].values)
    h = list(lessons[0])
    rows = sorted((r[h.index("อำเภอ")], r[h.index("ชื่อเรื่อง")]) for r in lessons[1:])
    assert rows == [("วังเหนือ", "ตลาดนัดสี่ทิศ"), ("เสริมงาม", "ตู้เย็นข้างบ้าน ตู้ยาข้างบ้าน"),
                    ("เสริมงาม", "ธนาคารแบ่งปันแรงงาน")]
    first = next(r for r in lessons[1:] if r[h.index("ชื่อเรื่อง")] == "ธนาคารแบ่งปันแรงงาน")
    assert first[h.index("เบอร์โทร")] == "054265050"
    assert first[h.index("ขุมความรู้")] == "๑. ใช้เวทีประชาคมรับฟังความเห็น"

    centres = list(wb["ศูนย์"].values)
    ch = list(centres[0])
    kokha = [r for r in centres[1:] if r[ch.index("อำเภอ")] == "เกาะคา"]
    assert len(kokha) == 1 + 9  # the district-level centre and one per sub-district
    hangchat = [r for r in centres[1:] if r[ch.index("อำเภอ")] == "ห้างฉัตร"]
    assert len(hangchat) == 1 + 7  # shown once, though it counts for Q1 and for the collection

    rates = list(wb["อัตราการส่ง"].values)
    rh = list(rates[0])
    loc = next(r for r in rates[1:] if r[0] == "centre_location")
    # 13 expected, 6 received, 5 on time, 3 complete
    assert (loc[rh.index("ถึงกำหนดแล้ว")], loc[rh.index("ได้รับแล้ว")], loc[rh.index("ส่งตรงเวลา")],
            loc[rh.index("ครบถ้วน")]) == (13, 6, 5, 3)
    assert loc[rh.index("อัตราการส่ง (%)")] == pytest.approx(46.2)


def test_staff_excuse_a_collection_report(lampang: Path) -> None:
    code, _ = run("sync", "--config", str(lampang), "--now", NOW)
    master = lampang.parent / "master.xlsx"
    wb = openpyxl.load_workbook(master)
    ws = wb["รายงาน"]
    header = [c.value for c in ws[1]]
    excused = header.index("ยกเว้น (ใส่ ✓)") + 1
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "เมืองลำปาง|centre_location":
            ws.cell(row=row[0].row, column=excused, value="✓")
    wb.save(master)
    code, out = run("status", "--config", str(lampang), "--now", NOW, "--json")
    doc = json.loads(out)
    c = next(x for x in doc["collections"] if x["collection"] == "centre_location" and x["district"] == "เมืองลำปาง")
    assert c["timeliness"] == "excused"
