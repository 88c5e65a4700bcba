"""The shipped example configs of other provinces and years, end to end through the real CLI on
generated submissions: config/buriram-2565.toml (seed 000: FY2565, the establishment report due
15 Mar 2565, ประชาสัมพันธ์ as the seventh sector) and config/nongkhai-2567.toml (seed 001: FY2567's
vocabulary, a lessons collection). Expectations are written by hand from each scenario."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from click.testing import CliRunner

from gsync import synth
from gsync.cli import main
from gsync.config import Settings, load_settings
from tests.collections_support import Lesson, buriram_register_xlsx, lessons_docx, put

ROOT = Path(__file__).resolve().parents[2]
BKK = ZoneInfo("Asia/Bangkok")
QUESTION_TITLES = [
    "อำเภอ", "ไตรมาส", "ชื่อ-สกุล ผู้รายงาน", "ตำแหน่ง", "เบอร์โทรศัพท์",
    "จำนวนศูนย์ที่ดำเนินกิจกรรมในไตรมาสนี้ (แห่ง)", "จำนวนกิจกรรมที่ดำเนินการ (ครั้ง)",
    "จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)", "แนบแบบรายงานผลการดำเนินงาน", "แนบภาพถ่ายกิจกรรม",
    "ปัญหา/อุปสรรค", "ข้อเสนอแนะ",
]


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BKK)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def copy_config(name: str, target: Path) -> tuple[Path, Settings]:
    target.mkdir(parents=True)
    config = target / name
    config.write_text((ROOT / "config" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (target / "inbox").mkdir()
    return config, load_settings(config)


def rows(settings: Settings, district: str, quarter: int, seed: int) -> list[synth.Row]:
    """Activities for every centre, their categories drawn from the config's own vocabulary."""
    tambons = settings.district(district).tambons
    out = synth.activities(tambons, settings.fiscal_year, quarter, seed=seed, per_tambon=1)
    terms = settings.vocabulary.terms_by_group()
    rnd = random.Random(seed)
    for r in out:
        r.mission = rnd.choice(list(terms[r.group]))
    return out


def report(settings: Settings, district: str, quarter: int, rs: list[synth.Row]) -> bytes:
    return synth.activity_xlsx(district, settings.province.name, quarter, rs)


def write_csv(target: Path, lines: list[list[str]]) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["ประทับเวลา", "ที่อยู่อีเมล", *QUESTION_TITLES])
    for line in lines:
        w.writerow(line + [""] * (2 + len(QUESTION_TITLES) - len(line)))
    (target / "responses.csv").write_text(buf.getvalue(), encoding="utf-8-sig")


def form_line(when: str, district: str, quarter: str, rs: list[synth.Row] | None) -> list[str]:
    totals = [str(len({r.tambon for r in rs})), str(len(rs)), str(sum(r.participants for r in rs))] if rs else ["", "", ""]
    return [when, "officer@example.go.th", district, quarter, "นางสาวรายงาน ตัวอย่าง", "นักวิชาการพัฒนาชุมชน",
            "081-234-5678", *totals, ""]


def judged(config: Path, now: str) -> dict:
    code, out = run("sync", "--config", str(config), "--now", now)
    assert code == 0, out
    code, out = run("status", "--config", str(config), "--now", now, "--json")
    assert code == 0
    return json.loads(out)


def facts(doc: dict) -> tuple[dict, dict]:
    quarterly = {(r["district"], r["quarter"]): (r["timeliness"], r["complete"], {p["code"] for p in r["problems"]})
                 for r in doc["reports"]}
    colls = {(c["collection"], c["district"]): (c["timeliness"], c["complete"], {p["code"] for p in c["problems"]})
             for c in doc["collections"]}
    return quarterly, colls


def test_buriram_2565(tmp_path: Path) -> None:
    config, s = copy_config("buriram-2565.toml", tmp_path / "buriram")
    inbox = tmp_path / "buriram" / "inbox"
    muang, khu, krasang = "เมืองบุรีรัมย์", "คูเมือง", "กระสัง"
    q1 = rows(s, muang, 1, 1)
    q1[0].sectors = ["สื่อสารมวลชน"]  # typed the later years' way: FY2565 calls it ประชาสัมพันธ์
    put(inbox, f"{muang}/ไตรมาส 1/รายงาน.xlsx", report(s, muang, 1, q1), at(2021, 12, 10))
    q2 = rows(s, muang, 2, 2)
    put(inbox, f"{muang}/ไตรมาส 2/รายงาน.xlsx", report(s, muang, 2, q2), at(2022, 3, 14))
    put(inbox, f"{khu} ไตรมาส2.xlsx", report(s, khu, 2, rows(s, khu, 2, 3)), at(2022, 3, 20))
    # the establishment report, seed 000's form
    put(inbox, f"จัดตั้งศูนย์/{muang}.xlsx", buriram_register_xlsx(muang, s.district(muang).tambons), at(2022, 3, 10))
    put(inbox, f"จัดตั้งศูนย์/{khu}.xlsx", buriram_register_xlsx(khu, s.district(khu).tambons), at(2022, 3, 16))
    put(inbox, f"จัดตั้งศูนย์/{krasang}.xlsx", buriram_register_xlsx(krasang, s.district(krasang).tambons[:-1]), at(2022, 3, 1))
    write_csv(tmp_path / "buriram", [
        form_line("14/3/2565 15:00:00", muang, "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2565)", q2),
        form_line("10/3/2565 09:00:00", krasang, "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2564)", None),  # last year's Form
    ])
    doc = judged(config, "2022-04-20T09:00:00+07:00")
    assert doc["fiscal_year"] == 2565
    quarterly, colls = facts(doc)
    assert quarterly[(muang, 1)] == ("on_time", True, set())
    assert quarterly[(muang, 2)] == ("on_time", True, set())  # the Form's totals agree with the file
    assert quarterly[(khu, 2)] == ("late", True, set())
    assert quarterly[(krasang, 2)] == ("on_time", False, {"wrong_fiscal_year", "no_report_file"})
    assert quarterly[("นางรอง", 1)] == ("missing", None, set())
    assert quarterly[("นางรอง", 3)] == ("not_yet_due", None, set())
    assert colls[("centre_establishment", muang)] == ("on_time", True, set())
    assert colls[("centre_establishment", khu)] == ("late", True, set())
    assert colls[("centre_establishment", krasang)] == ("on_time", False, {"tambon_without_centre"})
    assert colls[("centre_establishment", "นางรอง")] == ("missing", None, set())
    assert {c["deadline"] for c in doc["collections"]} == {"2022-03-15"}
    assert {(r["quarter"], r["deadline"]) for r in doc["reports"]} == {
        (1, "2021-12-15"), (2, "2022-03-15"), (3, "2022-06-15"), (4, "2022-09-15")}

    wb = openpyxl.load_workbook(tmp_path / "buriram" / "master.xlsx")
    header = [c.value for c in wb["สถานะรายงาน"][1]]
    assert header[2:7] == ["ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2564)", "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2565)", "ไตรมาสที่ 3 (เม.ย. - มิ.ย. 2565)",
                          "ไตรมาสที่ 4 (ก.ค. - ก.ย. 2565)", "รายงานการจัดตั้งศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"]
    acts = list(wb["กิจกรรม"].values)
    sectors = acts[0].index("ภาคีเครือข่าย")
    typed = [r[sectors] for r in acts[1:] if r[1] == muang and r[2] == 1]
    assert "ประชาสัมพันธ์" in typed and not any("สื่อสารมวลชน" in (x or "") for x in typed)
    centres = [r for r in list(wb["ศูนย์"].values)[1:] if r[1] == muang]
    assert len(centres) == 1 + 19
    assert {r[8] for r in centres} == {"ระดับอำเภอ", "ระดับตำบล"}


def test_nongkhai_2567(tmp_path: Path) -> None:
    config, s = copy_config("nongkhai-2567.toml", tmp_path / "nongkhai")
    inbox = tmp_path / "nongkhai" / "inbox"
    muang, thabo, phon = "เมืองหนองคาย", "ท่าบ่อ", "โพนพิสัย"
    for q, when in ((1, at(2023, 12, 14)), (2, at(2024, 3, 15, 23, 59)), (3, at(2024, 6, 10)), (4, at(2024, 9, 13))):
        put(inbox, f"{muang} Q{q}.xlsx", report(s, muang, q, rows(s, muang, q, q)), when)
    q3 = rows(s, thabo, 3, 30)
    q3[0].group, q3[0].mission = "3.2", "การศึกษา"  # FY2568's dimension: not in the FY2567 guideline
    q3[1].group, q3[1].mission = "3.2", "การเข้าถึงบริการของรัฐ"
    put(inbox, f"{thabo}/ไตรมาส 3.xlsx", report(s, thabo, 3, q3), at(2024, 6, 12))
    q4 = rows(s, phon, 4, 40)
    put(inbox, f"{phon} ไตรมาส 4.xlsx", report(s, phon, 4, q4), at(2024, 9, 12))
    write_csv(tmp_path / "nongkhai", [
        form_line("2024/09/12 4:00:00 PM GMT+7", phon, "ไตรมาสที่ 4 (ก.ค. - ก.ย. 2566)", q4),  # the FY2566 Form
    ])
    story = ["ศูนย์ฯ รวมกลุ่มปลูกผักริมโขง", "๑. ประชุม", "๒. ลงมือทำ"]
    put(inbox, "ถอดบทเรียน/เมืองหนองคาย.docx", lessons_docx([Lesson(
        "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอเมืองหนองคาย", "042-411-182", "ตลาดนัดริมโขง", "รายได้ชุมชน",
        "ตำบลในเมือง อำเภอเมืองหนองคาย จังหวัดหนองคาย", story, ["๑. ตลาดชุมชน"], ["๑. การมีส่วนร่วม"],
        ["๑. ภาคี ๗ ภาคส่วน"], ["๑. เศรษฐกิจพอเพียง"])]), at(2024, 8, 1))
    put(inbox, "ถอดบทเรียน/ท่าบ่อ.docx", lessons_docx([Lesson(
        "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอท่าบ่อ", "", "ธนาคารแบ่งปันแรงงาน", "แรงงาน",
        "อำเภอท่าบ่อ จังหวัดหนองคาย", story, ["๑. เอามื้อสามัคคี"], ["๑. จิตอาสา"])], table=True), at(2024, 9, 2))

    doc = judged(config, "2024-09-20T09:00:00+07:00")
    assert doc["fiscal_year"] == 2567
    quarterly, colls = facts(doc)
    assert quarterly[(muang, 1)] == ("on_time", True, set())
    assert quarterly[(muang, 2)] == ("on_time", True, set())  # 23:59 on 15 Mar
    assert quarterly[(muang, 3)] == ("on_time", True, set())
    assert quarterly[(muang, 4)] == ("on_time", True, set())
    assert quarterly[(thabo, 3)] == ("on_time", False, {"unknown_category"})
    assert quarterly[(phon, 4)] == ("on_time", False, {"wrong_fiscal_year"})
    assert quarterly[("ศรีเชียงใหม่", 4)] == ("missing", None, set())
    assert {(r["quarter"], r["deadline"]) for r in doc["reports"]} == {
        (1, "2023-12-15"), (2, "2024-03-15"), (3, "2024-06-14"), (4, "2024-09-13")}
    assert colls[("success_lessons", muang)] == ("on_time", True, set())
    assert colls[("success_lessons", thabo)] == ("late", False, {"missing_lesson_field"})  # no phone
    assert colls[("success_lessons", phon)] == ("missing", None, set())
    unknown = next(p for r in doc["reports"] if (r["district"], r["quarter"]) == (thabo, 3)
                   for p in r["problems"] if p["code"] == "unknown_category")
    assert "การศึกษา" in unknown["message"]


def test_lampang_2569(tmp_path: Path) -> None:
    config, s = copy_config("lampang-2569.toml", tmp_path / "lampang")
    root = tmp_path / "lampang"
    inbox = root / "inbox"
    kokha, ngao, thoen = "เกาะคา", "งาว", "เถิน"
    put(inbox, f"{kokha} ไตรมาส1.xlsx", report(s, kokha, 1, rows(s, kokha, 1, 1)), at(2025, 12, 15, 23, 59))
    q1 = rows(s, ngao, 1, 2)
    # the Form's attachment, only in the copy of its "(File responses)" folder
    put(root / "form-uploads" / "แนบแบบรายงานผลการดำเนินงาน (File responses)", "รายงาน - นางสาวรายงาน ตัวอย่าง.xlsx",
        report(s, ngao, 1, q1), at(2025, 12, 12, 9, 50))
    put(inbox, f"{thoen} ไตรมาส1.xlsx", report(s, thoen, 1, rows(s, thoen, 1, 3)), at(2025, 12, 16, 0, 5))
    put(inbox, "ถอดบทเรียน/เกาะคา.docx", lessons_docx([Lesson(
        "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอเกาะคา", "054-281-000", "ธนาคารแบ่งปันแรงงาน", "แรงงานในชุมชน",
        "ตำบลศาลา อำเภอเกาะคา จังหวัดลำปาง", ["เอามื้อสามัคคีทุกเดือน"], ["๑. เอามื้อสามัคคี"], ["๑. จิตอาสา"])]),
        at(2026, 1, 5))
    write_csv(root, [
        form_line("2025/12/12 10:00:00 AM GMT+7", ngao, "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2568)", q1)[:-1]
        + ["https://drive.google.com/open?id=1NgaoQ1UploadAbCdEf"],
        form_line("2025/12/10 10:00:00 AM GMT+7", thoen, "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", None),  # FY2568's Form
    ])
    doc = judged(config, "2026-01-10T09:00:00+07:00")
    assert doc["fiscal_year"] == 2569
    quarterly, _ = facts(doc)
    assert quarterly[(kokha, 1)] == ("on_time", True, set())  # 23:59 on Mon 15 Dec 2568
    assert quarterly[(ngao, 1)] == ("on_time", True, set())  # the Form's file, read from the copy
    assert quarterly[(thoen, 1)] == ("on_time", False, {"wrong_fiscal_year"})  # the Form's answer came first
    assert quarterly[("แจ้ห่ม", 1)] == ("missing", None, set())
    assert quarterly[("แจ้ห่ม", 2)] == ("not_yet_due", None, set())
    assert {(r["quarter"], r["deadline"]) for r in doc["reports"]} == {
        (1, "2025-12-15"), (2, "2026-03-13"), (3, "2026-06-15"), (4, "2026-09-15")}
    lessons = {(c["district"], c["quarter"]): (c["timeliness"], c["complete"]) for c in doc["collections"]}
    assert len(lessons) == 13 * 4
    assert lessons[(kokha, 2)] == ("on_time", True)  # received 5 Jan 2569: counts for Q2 (due 13 Mar), early
    assert lessons[(kokha, 1)] == ("missing", None)
    assert lessons[(ngao, 2)] == ("not_yet_due", None)
