"""The example province `gsync demo` builds: Lampang FY2568, judged as of 20 April 2025.

Every status shows up: on time, late (a minute after midnight, and a week after), missing,
incomplete (no file, a sub-district without activity, a date outside the quarter), a
re-upload after the deadline, a Word report, a Drive-only district, a respondent not on the
district's list, an early report for a quarter not yet due, and files nobody can place.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tomllib
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from gsync import synth, thai_calendar
from gsync.errors import GsyncError

BKK = ZoneInfo("Asia/Bangkok")
NOW = dt.datetime(2025, 4, 20, 9, 0, tzinfo=BKK)
PROVINCE = "ลำปาง"
FY = 2568
QUESTION_TITLES = [
    "อำเภอ", "ไตรมาส", "ชื่อ-สกุล ผู้รายงาน", "ตำแหน่ง", "เบอร์โทรศัพท์",
    "จำนวนศูนย์ที่ดำเนินกิจกรรมในไตรมาสนี้ (แห่ง)", "จำนวนกิจกรรมที่ดำเนินการ (ครั้ง)",
    "จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)", "แนบแบบรายงานผลการดำเนินงาน", "แนบภาพถ่ายกิจกรรม",
    "ปัญหา/อุปสรรค", "ข้อเสนอแนะ",
]
# "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)" ... as the Lampang Form's choices read (contract section 1).
QUARTER_CHOICES = {q: thai_calendar.quarter_label(FY, q) for q in thai_calendar.QUARTERS}
# Placeholder links for `gsync poster` on the demo (shaped like the real ones).
DEMO_FORM_URL = "https://docs.google.com/forms/d/e/1FAIpQLSfGsyncDemoLampang2568-ExampleFormLinkOnly/viewform"
DEMO_DISTRICT_ENTRY = 1554894512
DEMO_FOLDER_URL = "https://drive.google.com/drive/folders/1GsyncDemoLampang2568ExampleFolderOnly"
EMAILS = {"แม่ทะ": ["maetha.cdd@example.go.th"], "วังเหนือ": ["wangnuea.cdd@example.go.th"]}
# Reminder contacts (gsync remind): example LINE user ids and saraban addresses, not real ones.
LINE_IDS = {"เกาะคา": ["U4af4980629a1b2c3d4e5f60718293a4b"], "เมืองลำปาง": ["U0f1e2d3c4b5a69788796a5b4c3d2e1f0"],
            "แม่เมาะ": ["U1234567890abcdef1234567890abcdef"], "งาว": ["U9f8e7d6c5b4a39281706f5e4d3c2b1a0"]}
NOTIFY_EMAILS = {"เกาะคา": ["saraban.kokha@example.go.th"], "แม่เมาะ": ["saraban.maemoh@example.go.th"]}
REMINDER_SECTIONS = [
    "[reminders]", "days = [-3, 0, 1, 7]", "summary_day = 7",
    "# the links in messages come from [form] url (each district gets its own pre-filled link) and",
    "# [drive] url; form_url / folder_url here would override them", "",
    "# To send for real, add the channels (docs/admin.md: Reminders over LINE and email), e.g.:",
    "# [line]", '# token_file = "line-token.txt"',
    "# [email]", '# host = "smtp.example.go.th"', "# port = 587", '# sender = "saraban_lampang@example.go.th"',
    '# username = "saraban_lampang"', '# password_file = "smtp-password.txt"', "",
]


def lampang_districts() -> dict[str, list[str]]:
    """The 13 districts and 100 sub-districts of Lampang (GeoThai, CC-BY-4.0)."""
    text = resources.files("gsync").joinpath("data/lampang-districts.toml").read_text(encoding="utf-8")
    return {d["name"]: d["tambons"] for d in tomllib.loads(text)["districts"]}


def config_text(csv_path: str, inbox: str, master: str, state: str) -> str:
    lines = [
        "# gsync demo: Lampang FY2568 on bundled example submissions (offline).",
        "[province]", f'name = "{PROVINCE}"', f"fiscal_year = {FY}", 'timezone = "Asia/Bangkok"',
        'staff_emails = ["cdd.lampang@example.go.th"]', 'staff_line = ["C7a1b2c3d4e5f60718293a4b5c6d7e8f9"]', "",
        "[form]", f'csv = "{csv_path}"',
        "# for gsync poster: the Form's link and the entry number of its district question",
        "# (placeholders: the demo has no real Form or Drive folder)",
        f'url = "{DEMO_FORM_URL}"', f"district_entry = {DEMO_DISTRICT_ENTRY}", "",
        "[drive]", f'path = "{inbox}"', f'url = "{DEMO_FOLDER_URL}"', "",
        "[sheet]", f'path = "{master}"', "", "[state]", f'path = "{state}"', "",
        *REMINDER_SECTIONS,
    ]
    for name, tambons in lampang_districts().items():
        lines += ["[[districts]]", f'name = "{name}"', "tambons = [" + ", ".join(f'"{t}"' for t in tambons) + "]"]
        if name in EMAILS:
            lines.append("emails = [" + ", ".join(f'"{e}"' for e in EMAILS[name]) + "]")
        if name in NOTIFY_EMAILS:
            lines.append("notify_emails = [" + ", ".join(f'"{e}"' for e in NOTIFY_EMAILS[name]) + "]")
        if name in LINE_IDS:
            lines.append("line = [" + ", ".join(f'"{e}"' for e in LINE_IDS[name]) + "]")
        lines.append("")
    return "\n".join(lines)


def _at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BKK)


class _Inbox:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: list[str] = []

    def put(self, rel: str, data: bytes, when: dt.datetime) -> None:
        path = self.root / rel
        self.made.append(f"{self.root.name}/{rel}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        ts = when.timestamp()
        os.utime(path, (ts, ts))


MARK = ".gsync-demo"  # in a folder `gsync demo` made: the files it wrote, one per line
# what the demo's own sync writes beside them (the master and its centres map)
MADE_BY_ITS_SYNC = ("master.xlsx", "master-centres.kml", "master-centres.csv")


class DemoRefused(GsyncError):
    """`gsync demo --dir` names a folder with files the demo did not make (exit 2)."""

    exit_code = 2


def _clear(target: Path) -> None:
    """Make `target` ready for a fresh demo: refuse a non-empty folder the demo did not make;
    in one it made, remove only the files it wrote (what the operator added stays)."""
    mark = target / MARK
    if not mark.is_file():
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise DemoRefused(
                f"the folder {target} is not empty and was not made by gsync demo; nothing was touched. "
                "Choose a new folder: gsync demo --dir NEW-FOLDER")
        return
    made = [line for line in mark.read_text(encoding="utf-8").splitlines() if line]
    for rel in (*made, *MADE_BY_ITS_SYNC):
        path = target / rel
        if ".." not in Path(rel).parts and path.is_file():
            path.unlink()
    for rel in sorted({str(Path(r).parent) for r in made}, key=len, reverse=True):
        folder = target / rel
        while folder != target and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # the demo's own folders, once empty
            folder = folder.parent


def build(target: Path) -> tuple[Path, dt.datetime]:
    """Write the example province into `target`; returns (config path, the instant to judge at).
    Raises DemoRefused for a non-empty folder that a previous demo did not make."""
    _clear(target)
    target.mkdir(parents=True, exist_ok=True)
    inbox = _Inbox(target / "inbox")
    t = lampang_districts()

    def rows(district: str, q: int, seed: int, **kw: object) -> list[synth.Row]:
        return synth.activities(t[district], FY, q, seed=seed, **kw)  # type: ignore[arg-type]

    xlsx = synth.activity_xlsx
    # Q1 (deadline Fri 13 Dec 2567)
    muang = rows("เมืองลำปาง", 1, 1)
    inbox.put("เมืองลำปาง/รายงานไตรมาส1 เมืองลำปาง.xlsx", xlsx("เมืองลำปาง", PROVINCE, 1, muang, messy=True), _at(2024, 12, 10, 9))
    inbox.put("เมืองลำปาง/ภาพกิจกรรม1.jpg", synth.jpeg_bytes(), _at(2024, 12, 10, 9, 5))
    inbox.put("แม่เมาะ ไตรมาส1.xlsx", xlsx("แม่เมาะ", PROVINCE, 1, rows("แม่เมาะ", 1, 2)), _at(2024, 12, 2))
    kokha = rows("เกาะคา", 1, 3)
    inbox.put("เกาะคา ไตรมาส1.xlsx", xlsx("เกาะคา", PROVINCE, 1, kokha), _at(2024, 12, 12, 16))
    inbox.put("เสริมงาม/Q1.xlsx", xlsx("เสริมงาม", PROVINCE, 1, rows("เสริมงาม", 1, 4)), _at(2024, 12, 20, 11))
    ngao = rows("งาว", 1, 5)
    inbox.put("รายงานศูนย์จิตอาสา อ.งาว Q1.xlsx", xlsx("งาว", PROVINCE, 1, [r for r in ngao if r.tambon != "บ้านหวด"]), _at(2024, 12, 5))
    inbox.put("รายงานศูนย์จิตอาสา อ.งาว Q1 (1).xlsx", xlsx("งาว", PROVINCE, 1, ngao), _at(2024, 12, 18))
    thoen = rows("เถิน", 1, 6)
    thoen[0].date = dt.date(2025, 1, 5)  # outside Q1
    thoen[1].mission = "ประชุมประจำเดือน"  # not in the guideline's vocabularies
    inbox.put("เถิน/ไตรมาส 1/รายงาน.xlsx", xlsx("เถิน", PROVINCE, 1, thoen), _at(2024, 12, 11))
    inbox.put("แม่พริก_Q1.xlsx", xlsx("แม่พริก", PROVINCE, 1, rows("แม่พริก", 1, 7)), _at(2024, 12, 14, 0, 1))
    inbox.put("สบปราบ_๑.docx", synth.activity_docx("สบปราบ", PROVINCE, 1, rows("สบปราบ", 1, 8)), _at(2024, 12, 9))
    inbox.put("ไตรมาส 1/เมืองปาน.xlsx", xlsx("เมืองปาน", PROVINCE, 1, rows("เมืองปาน", 1, 9)), _at(2024, 12, 13, 23, 50))
    inbox.put("ห้างฉัตร/ไตรมาส 1/ทะเบียนศูนย์.xlsx", synth.register_xlsx("ห้างฉัตร", PROVINCE, t["ห้างฉัตร"]), _at(2024, 11, 20))
    # Q2 (deadline Fri 14 Mar 2568)
    inbox.put("เกาะคา/ไตรมาส 2/รายงานผล.xlsx", xlsx("เกาะคา", PROVINCE, 2, rows("เกาะคา", 2, 10), messy=True), _at(2025, 3, 10))
    inbox.put("เมืองลำปาง/รายงานไตรมาส2 เมืองลำปาง.xlsx", xlsx("เมืองลำปาง", PROVINCE, 2, rows("เมืองลำปาง", 2, 11)), _at(2025, 3, 14, 15))
    inbox.put("แม่เมาะ ไตรมาส2.xlsx", xlsx("แม่เมาะ", PROVINCE, 2, rows("แม่เมาะ", 2, 12)), _at(2025, 3, 20))
    # Q3 (deadline Fri 13 Jun 2568): one early report
    inbox.put("เมืองปาน Q3.xlsx", xlsx("เมืองปาน", PROVINCE, 3, rows("เมืองปาน", 3, 13)), _at(2025, 4, 18))
    # files nobody can place
    inbox.put("IMG_2031.jpg", synth.jpeg_bytes(), _at(2024, 12, 11))
    inbox.put("รายงานกิจกรรม.xlsx", xlsx("", PROVINCE, 1, rows("แจ้ห่ม", 1, 14)[:2], header_quarter=False), _at(2024, 12, 12))

    def totals(rs: list[synth.Row]) -> tuple[str, str, str]:
        return str(len({r.tambon for r in rs})), str(len(rs)), f"{sum(r.participants for r in rs):,}"

    link = "https://drive.google.com/open?id="
    responses = [
        # (timestamp as downloaded, email, district, quarter, reporter, phone, totals, files)
        ("2024/12/10 9:10:05 AM GMT+7", "muang.cdd@example.go.th", "เมืองลำปาง", 1, "นางสาวกนกพร ใจงาม", "๐๘๑-๒๓๔-๕๖๗๘", totals(muang), link + "1MuangQ1xlsxAbCdEf"),
        ("12/12/2024, 16:05:00", "kokha.cdd@example.go.th", "อ.เกาะคา", 1, "นายประเสริฐ ทองดี", "054-123456", ("๙", "18 ครั้ง", "1,000 คน"), link + "1KokhaQ1xlsxAbCdEf"),
        ("13/12/2567 11:20:00", "wangnuea.cdd@example.go.th", "วังเหนือ", 1, "นายวิชัย สุขใจ", "0899999999", ("8", "16", "640"), ""),
        ("2024/12/12 2:00:00 PM GMT+7", "someone@gmail.com", "แม่ทะ", 1, "ไม่ระบุ", "", ("10", "20", "500"), link + "1MaethaQ1xlsxAbCdE"),
    ]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["ประทับเวลา", "ที่อยู่อีเมล", *QUESTION_TITLES])
    for ts, email, district, q, reporter, phone, (c, a, people), files in responses:
        w.writerow([ts, email, district, QUARTER_CHOICES[q], reporter, "นักวิชาการพัฒนาชุมชน", phone, c, a, people, files, "",
                    "", ""])
    (target / "responses.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
    config = target / "demo.toml"
    config.write_text(config_text("responses.csv", "inbox", "master.xlsx", ".gsync/state.sqlite"), encoding="utf-8")
    made = ["demo.toml", "responses.csv", *inbox.made]
    (target / MARK).write_text("".join(f"{rel}\n" for rel in made), encoding="utf-8")
    return config, NOW
