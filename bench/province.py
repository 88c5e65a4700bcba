"""Synthetic provinces with the real mess, and loading them into the Google fake.

A province is its districts (real names: Lampang from gsync's bundled list, every other
province from GeoThai when installed) and, for each district and quarter of FY2568, what
district offices really send:

* through the Google Form (most districts): a response with the report attached, photos
  attached, sometimes a second response days later with a corrected report (a re-upload);
* through the QR Drive folder: the report in one of four folder layouts, photos next to it, a
  corrected copy named "... (1).xlsx", or the same file replaced by a new version;
* several files per district and quarter (a report split in two parts, photos, the centre
  register), messy sheets (merged title, header on row 7, renamed and reordered columns, Thai
  digits, Buddhist-era dates in five styles, a total row, a signature footer), Word tables,
  reports with no quarter in the header, a few late and a few missing reports, and files
  nobody can place.

Everything is deterministic for a seed. Nothing here is timed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gsync import calendar, demo, synth
from gsync.config import Settings, parse_settings

BKK = ZoneInfo("Asia/Bangkok")
FY = 2568
NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=BKK)  # every FY2568 deadline has passed
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE_QUESTIONS = ("แนบแบบรายงานผลการดำเนินงาน", "แนบภาพถ่ายกิจกรรม")
PARAGRAPHS = ("ปัญหา/อุปสรรค", "ข้อเสนอแนะ")
REPORTERS = ("นางสาวกนกพร ใจงาม", "นายประเสริฐ ทองดี", "นางสมศรี มีสุข", "นายวิชัย สุขใจ", "นางพรทิพย์ แก้วมา",
             "นายสมชาย รักดี", "นางสาวอรุณี ศรีสวัสดิ์")


@dataclass
class GFile:
    key: str
    name: str
    data: bytes
    created: dt.datetime
    channel: str  # "drive" (the QR folder) or "form" (a Form upload)
    folders: tuple[str, ...] = ()  # below the QR folder (drive only)
    question: str = FILE_QUESTIONS[0]  # the Form question it was uploaded to (form only)
    kind: str = "report"  # report | register | photo | other
    new_version: tuple[bytes, dt.datetime] | None = None  # replaced in place later (drive only)
    mime: str = ""

    @property
    def is_report(self) -> bool:
        return self.kind in ("report", "register", "other")


@dataclass
class GResponse:
    district: str
    quarter: int
    created: dt.datetime
    email: str
    answers: dict[str, str]
    reports: list[str] = field(default_factory=list)  # GFile keys
    photos: list[str] = field(default_factory=list)


@dataclass
class Province:
    name: str
    districts: dict[str, list[str]]
    files: list[GFile]
    responses: list[GResponse]
    later: list[GFile]  # the "one new upload" that arrives after the first sync
    activity_rows: int  # rows in the reports that count (re-uploaded ones not double-counted)
    now: dt.datetime = NOW

    def counts(self) -> dict[str, int]:
        return {
            "districts": len(self.districts),
            "tambons": sum(len(t) for t in self.districts.values()),
            "files": len(self.files),
            "report_files": sum(1 for f in self.files if f.is_report),
            "photos": sum(1 for f in self.files if f.kind == "photo"),
            "responses": len(self.responses),
            "activity_rows": self.activity_rows,
            "bytes": sum(len(f.data) for f in self.files),
        }


# --- district lists --------------------------------------------------------------------------


def lampang() -> dict[str, list[str]]:
    return demo.lampang_districts()


def geothai_provinces() -> list[tuple[str, dict[str, list[str]]]] | None:
    """Every province's districts and sub-districts from GeoThai (CC-BY-4.0), or None."""
    try:
        import geothai
    except ImportError:
        return None
    out = []
    for p in geothai.provinces():
        districts = {}
        for d in geothai.districts(p.code):
            tambons = list(dict.fromkeys(s.name_th for s in geothai.subdistricts(d.code)))
            if tambons:
                districts[d.name_th] = tambons
        out.append((p.name_th, districts))
    return out


def synthetic_districts(n_districts: int, n_tambons: int, seed: int) -> dict[str, list[str]]:
    """Made-up names when GeoThai is not installed (same sizes as the real province)."""
    rnd = random.Random(seed)
    syll = ("บ้าน", "นา", "หนอง", "โนน", "ดอน", "ห้วย", "โคก", "สระ", "ทุ่ง", "ป่า", "วัง", "ท่า")
    tail = ("ใหญ่", "น้อย", "แดง", "ทอง", "งาม", "สูง", "ยาง", "ไผ่", "จาน", "ขาม", "บัว", "เกลือ")
    per = [n_tambons // n_districts + (1 if i < n_tambons % n_districts else 0) for i in range(n_districts)]
    out: dict[str, list[str]] = {}
    used: set[str] = set()
    for i, k in enumerate(per):
        dname = f"{rnd.choice(syll)}{rnd.choice(tail)}{i + 1}"
        names: list[str] = []
        while len(names) < k:
            t = f"{rnd.choice(syll)}{rnd.choice(tail)}{rnd.choice(syll)}"
            if t not in used:
                used.add(t)
                names.append(t)
        out[dname] = names
    return out


def nakhon_ratchasima() -> tuple[dict[str, list[str]], str]:
    """The largest province: 32 districts, 289 sub-districts (GeoThai), or synthesized."""
    provinces = geothai_provinces()
    if provinces:
        for name, districts in provinces:
            if name == "นครราชสีมา":
                return districts, "geothai"
    return synthetic_districts(32, 289, seed=30), "synthetic"


# --- generation ------------------------------------------------------------------------------


def build(kind: str, seed: int) -> Province:
    """The two named provinces of the benchmark."""
    if kind == "lampang":
        return generate("ลำปาง", lampang(), seed=seed, force_missing=(5, 3))
    if kind == "nakhon-ratchasima":
        return generate("นครราชสีมา", nakhon_ratchasima()[0], seed=seed)
    raise ValueError(kind)


def _at(d: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, hour, minute, tzinfo=BKK)


def generate(name: str, districts: dict[str, list[str]], *, seed: int, per_tambon: int = 5,
             missing_rate: float = 0.03, force_missing: tuple[int, int] | None = None,
             form_share: float = 0.82, form_too: float = 0.5) -> Province:
    """A province's FY2568 submissions. `force_missing` = (district index, quarter) left missing
    on purpose: it is the "one new upload" (`Province.later`) that arrives after the first sync.
    `form_share`: the share of reports sent through the Form; `form_too`: the share of the others
    whose district also fills in the Form (answers only, files in the folder)."""
    rnd = random.Random(seed)
    deadlines = calendar.deadlines(FY)
    files: list[GFile] = []
    responses: list[GResponse] = []
    later: list[GFile] = []
    rows_total = 0
    n = [0]

    def key() -> str:
        n[0] += 1
        return f"f{n[0]}"

    for di, (district, tambons) in enumerate(districts.items()):
        layout = rnd.choice("ABCD")
        email = f"d{di + 1:02d}.cdd@{seed % 1000:03d}.example.go.th"
        # the centre register, once a year, in the district's folder
        files.append(GFile(key(), f"ทะเบียนศูนย์จิตอาสา {district} ไตรมาส 1.xlsx", synth.register_xlsx(district, name, tambons),
                           _at(deadlines[1] - dt.timedelta(days=rnd.randint(20, 40)), 10), "drive",
                           folders=(district,), kind="register"))
        for q in (1, 2, 3, 4):
            qr = random.Random(seed * 7919 + di * 31 + q)
            forced = force_missing == (di, q)
            if forced or qr.random() < missing_rate:
                if forced:
                    rows = synth.activities(tambons, FY, q, seed=qr.randrange(10**9), per_tambon=per_tambon)
                    data = synth.activity_xlsx(district, name, q, rows, messy=True)
                    later.append(GFile(key(), f"รายงานไตรมาส {q} {district} (ส่งช้า).xlsx", data,
                                       NOW - dt.timedelta(days=2), "drive", folders=(district,)))
                continue
            skip = (qr.choice(tambons),) if len(tambons) > 2 and qr.random() < 0.1 else ()
            rows = synth.activities(tambons, FY, q, seed=qr.randrange(10**9), per_tambon=per_tambon, skip=skip)
            rows_total += len(rows)
            late = qr.random() < 0.15
            deadline = deadlines[q]
            when = (_at(deadline + dt.timedelta(days=qr.randint(1, 10)), qr.randint(8, 20), qr.randint(0, 59)) if late
                    else _at(deadline - dt.timedelta(days=qr.randint(0, 12)), qr.randint(8, 17), qr.randint(0, 59)))
            style = qr.random()
            header_q = qr.random() > 0.15
            date_style = qr.choice((0, 1, 2, 4))

            def render(rs: list[synth.Row], district: str = district, q: int = q, style: float = style,
                       header_q: bool = header_q, date_style: int = date_style) -> tuple[bytes, str]:
                if style < 0.10:
                    return synth.activity_docx(district, name, q, rs), ".docx"
                if style < 0.65:
                    return synth.activity_xlsx(district, name, q, rs, messy=True, header_quarter=header_q), ".xlsx"
                return synth.activity_xlsx(district, name, q, rs, date_style=date_style, header_quarter=header_q), ".xlsx"

            # the report: whole, or in two parts (by sub-district)
            split = qr.random() < 0.15 and len(tambons) > 3 and style >= 0.10
            if split:
                half = set(tambons[: len(tambons) // 2])
                parts = [[r for r in rows if r.tambon in half], [r for r in rows if r.tambon not in half]]
            else:
                parts = [rows]
            stem = qr.choice((f"รายงานศูนย์จิตอาสา อ.{district} ไตรมาส {q}", f"{district}_Q{q}",
                              f"รายงานไตรมาส{str(q).translate(THAI_DIGITS)} {district}", f"แบบรายงาน {district} Q{q}"))
            reupload = qr.random() < 0.2
            reporter = qr.choice(REPORTERS)
            channel = "form" if qr.random() < form_share else "drive"
            folders = {"A": (district, f"ไตรมาส {q}"), "B": (district,), "C": (), "D": (f"ไตรมาส {q}", district)}[layout]
            report_keys: list[str] = []
            photo_keys: list[str] = []
            for pi, part in enumerate(parts):
                # a re-uploaded report's first version lacks the last sub-district's rows
                first = [r for r in part if r.tambon != part[-1].tambon] if reupload and part else part
                data, ext = render(first)
                pname = stem + (f" ส่วนที่ {pi + 1}" if split else "")
                if channel == "form":
                    f = GFile(key(), f"{pname} - {reporter}{ext}", data, when, "form")
                else:
                    f = GFile(key(), pname + ext, data, when, "drive", folders=folders)
                files.append(f)
                report_keys.append(f.key)
            for k in range(qr.randint(2, 5)):
                pname = qr.choice((f"IMG_{qr.randint(1000, 9999)}.jpg", f"ภาพกิจกรรม {district} ไตรมาส {q} ({k + 1}).jpg"))
                if channel == "form":
                    f = GFile(key(), f"{pname[:-4]} - {reporter}.jpg", synth.jpeg_bytes(), when, "form",
                              question=FILE_QUESTIONS[1], kind="photo")
                else:
                    f = GFile(key(), pname, synth.jpeg_bytes(), when + dt.timedelta(minutes=k + 1), "drive",
                              folders=folders, kind="photo")
                files.append(f)
                photo_keys.append(f.key)
            answers = _answers(district, q, reporter, rows, qr)
            if channel == "form":
                responses.append(GResponse(district, q, when, email, answers, report_keys, photo_keys))
                if qr.random() < 0.12:  # the same submission twice (sent again a few minutes later)
                    responses.append(GResponse(district, q, when + dt.timedelta(minutes=qr.randint(2, 30)), email,
                                               answers, report_keys, photo_keys))
            elif qr.random() < form_too:  # filled in the Form too, files sent through the folder
                responses.append(GResponse(district, q, when + dt.timedelta(minutes=5), email, answers))
            if reupload:
                again = when + dt.timedelta(days=qr.randint(1, 5), hours=qr.randint(0, 6))
                in_place = channel == "drive" and qr.random() < 0.4
                new_keys = []
                for pi, part in enumerate(parts):
                    data, ext = render(part)
                    pname = stem + (f" ส่วนที่ {pi + 1}" if split else "")
                    if in_place:  # the same Drive file, a new version
                        old = next(f for f in files if f.key == report_keys[pi])
                        old.new_version = (data, again)
                    elif channel == "drive":
                        files.append(GFile(key(), f"{pname} (1){ext}", data, again, "drive", folders=folders))
                    else:
                        f = GFile(key(), f"{pname} (แก้ไข) - {reporter}{ext}", data, again, "form")
                        files.append(f)
                        new_keys.append(f.key)
                if channel == "form":
                    responses.append(GResponse(district, q, again, email, answers, new_keys))
    # files nobody can place
    files.append(GFile(key(), "IMG_2031.jpg", synth.jpeg_bytes(), _at(deadlines[1], 11), "drive", kind="photo"))
    first_district = next(iter(districts))
    stray = synth.activities(districts[first_district], FY, 1, seed=seed, per_tambon=1)[:2]
    files.append(GFile(key(), "รายงานกิจกรรม.xlsx", synth.activity_xlsx("", name, 1, stray, header_quarter=False),
                       _at(deadlines[1] - dt.timedelta(days=1), 12), "drive", kind="other"))
    return Province(name, districts, files, responses, later, rows_total)


def _answers(district: str, q: int, reporter: str, rows: list[synth.Row], rnd: random.Random) -> dict[str, str]:
    centres = len({r.tambon for r in rows})
    participants = sum(r.participants for r in rows)
    if rnd.random() < 0.1:
        participants += rnd.randint(1, 30)  # a typo: totals_mismatch
    phone = f"08{rnd.randint(1, 9)}-{rnd.randint(100, 999)}-{rnd.randint(1000, 9999)}"
    return {
        "อำเภอ": district,
        "ไตรมาส": demo.QUARTER_CHOICES[q],
        "ชื่อ-สกุล ผู้รายงาน": reporter,
        "ตำแหน่ง": rnd.choice(("นักวิชาการพัฒนาชุมชน", "พัฒนาการอำเภอ", "นักพัฒนาชุมชน")),
        "เบอร์โทรศัพท์": phone.translate(THAI_DIGITS) if rnd.random() < 0.3 else phone,
        "จำนวนศูนย์ที่ดำเนินกิจกรรมในไตรมาสนี้ (แห่ง)": str(centres),
        "จำนวนกิจกรรมที่ดำเนินการ (ครั้ง)": f"{len(rows)} ครั้ง" if rnd.random() < 0.3 else str(len(rows)),
        "จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)": f"{participants:,}",
        "ปัญหา/อุปสรรค": rnd.choice(("", "งบประมาณไม่เพียงพอ", "ฝนตกหนัก เลื่อนกิจกรรม")),
        "ข้อเสนอแนะ": "",
    }


# --- into the fake ---------------------------------------------------------------------------


@dataclass
class Loaded:
    form_id: str
    folder_id: str
    spreadsheet_id: str
    upload_folder_id: str
    file_ids: dict[str, str]  # GFile key -> Drive id
    folder_ids: dict[tuple[str, ...], str]


def load(fake: Any, p: Province) -> Loaded:
    """Create the QR folder, the Form with its responses and uploads, and an empty master."""
    root = fake.drive_add_folder(f"QR รายงานศูนย์จิตอาสา {p.name} ปีงบ {FY}", created_time=_at(dt.date(2024, 10, 1), 8))
    folders: dict[tuple[str, ...], str] = {(): root}
    uploads = fake.drive_add_folder(f"แบบรายงาน {p.name} (File responses)")
    upload_q = {t: fake.drive_add_folder(f"{t} (File responses)", uploads) for t in FILE_QUESTIONS}
    ids: dict[str, str] = {}

    def folder(parts: tuple[str, ...]) -> str:
        if parts not in folders:
            folders[parts] = fake.drive_add_folder(parts[-1], folder(parts[:-1]), created_time=_at(dt.date(2024, 10, 1), 9))
        return folders[parts]

    for f in sorted(p.files, key=lambda f: f.created):
        parent = folder(f.folders) if f.channel == "drive" else upload_q[f.question]
        ids[f.key] = fake.drive_add_file(f.name, f.data, parent, mime_type=f.mime or None, created_time=f.created)
    for f in sorted((f for f in p.files if f.new_version), key=lambda f: f.new_version[1]):  # type: ignore[index]
        data, when = f.new_version  # type: ignore[misc]
        fake.drive_update_file(ids[f.key], data, modified_time=when)

    questions: list[dict[str, Any]] = []
    for title in demo.QUESTION_TITLES:
        if title == "อำเภอ":
            questions.append({"title": title, "kind": "dropdown", "options": list(p.districts), "required": True})
        elif title == "ไตรมาส":
            questions.append({"title": title, "kind": "choice", "options": list(demo.QUARTER_CHOICES.values()),
                              "required": True})
        elif title in FILE_QUESTIONS:
            questions.append({"title": title, "kind": "file", "folder_id": upload_q[title],
                              "required": title == FILE_QUESTIONS[0]})
        elif title in PARAGRAPHS:
            questions.append({"title": title, "kind": "paragraph"})
        else:
            questions.append({"title": title, "kind": "text"})
    form_id, qids = fake.forms_create(f"แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {p.name} {FY}", questions)
    by_key = {f.key: f for f in p.files}
    for r in sorted(p.responses, key=lambda r: r.created):
        answers: dict[str, Any] = {qids[t]: v for t, v in r.answers.items() if v}
        for title, keys in ((FILE_QUESTIONS[0], r.reports), (FILE_QUESTIONS[1], r.photos)):
            if keys:
                answers[qids[title]] = [{"fileId": ids[k], "fileName": by_key[k].name,
                                         "mimeType": XLSX if by_key[k].name.endswith(".xlsx") else
                                         DOCX if by_key[k].name.endswith(".docx") else "image/jpeg"} for k in keys]
        fake.forms_add_response(form_id, answers, email=r.email, create_time=r.created)
    sid = fake.sheets_create(f"ทะเบียนรายงานศูนย์จิตอาสา {p.name} {FY}")
    return Loaded(form_id, root, sid, uploads, ids, folders)


def upload_later(fake: Any, p: Province, loaded: Loaded) -> list[str]:
    """The new upload(s) that arrive after the first sync: returns their Drive ids."""
    out = []
    for f in p.later:
        parent = loaded.folder_ids.get(f.folders) or _ensure(fake, loaded, f.folders)
        out.append(fake.drive_add_file(f.name, f.data, parent, created_time=f.created))
    return out


def _ensure(fake: Any, loaded: Loaded, parts: tuple[str, ...]) -> str:
    if parts not in loaded.folder_ids:
        loaded.folder_ids[parts] = fake.drive_add_folder(parts[-1], _ensure(fake, loaded, parts[:-1]))
    return loaded.folder_ids[parts]


def settings(p: Province, loaded: Loaded, state_path: Path) -> Settings:
    return parse_settings({
        "province": {"name": p.name, "fiscal_year": FY, "timezone": "Asia/Bangkok"},
        "districts": [{"name": d, "tambons": t} for d, t in p.districts.items()],
        "form": {"form_id": loaded.form_id},
        "drive": {"folder_id": loaded.folder_id},
        "sheet": {"spreadsheet_id": loaded.spreadsheet_id},
        "state": {"path": str(state_path)},
    })
