"""Provinces for the tests and the benchmark, loaded into the Google fake.

Two provinces, one way into the fake (the same Lampang Form, the same folder and upload
helpers):

* **the demo province** (`gsync.demo.build`, a folder): `load_demo_into_fake` turns it into
  what a province really has in Google:

  - the QR folder: every file under ``demo_dir/inbox`` at the same relative path (sub-folders
    become Drive folders), ``createdTime`` = the file's mtime;
  - the Form (contract section 1: the 12 Lampang questions; district a drop-down, quarter a
    multiple choice, the two attachments file uploads) with one response per row of
    ``demo_dir/responses.csv`` (createTime = the row's timestamp read in Asia/Bangkok);
  - for a row with a Drive link, the file-upload answer points at the QR folder's report for
    that district and quarter when there is exactly one (the same file then arrives through
    both channels, as happens in real life); otherwise at a new file, with the link's id, in a
    "File responses" folder outside the QR folder (as Forms stores uploads in the owner's
    Drive) holding a copy of the newest candidate or, when there is none, a generated report;
  - an empty spreadsheet for the master.

  `write_google_config` / `write_mixed_config` write a TOML config for gsync that reads those
  through the fake (``[google] endpoint`` = the fake's base URL, an authorized-user credentials
  file whose token_uri is the fake's ``/token``).

* **synthetic provinces with the real mess** (`build`, `generate`; the benchmark's): a
  province is its districts (real names: Lampang from gsync's bundled list, every other
  province from GeoThai when installed) and, for each district and quarter of FY2568, what
  district offices really send:

  - through the Google Form (most districts): a response with the report attached, photos
    attached, sometimes a second response days later with a corrected report (a re-upload);
  - through the QR Drive folder: the report in one of four folder layouts, photos next to it,
    a corrected copy named "... (1).xlsx", or the same file replaced by a new version;
  - several files per district and quarter (a report split in two parts, photos, the centre
    register), messy sheets (merged title, header on row 7, renamed and reordered columns,
    Thai digits, Buddhist-era dates in five styles, a total row, a signature footer), Word
    tables, reports with no quarter in the header, a few late and a few missing reports, and
    files nobody can place.

  `load` puts one into the fake, `upload_later` adds the upload that arrives after the first
  sync. Everything is deterministic for a seed. Nothing here is timed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gsync import demo, synth, thai, thai_calendar
from gsync.config import Settings, parse_settings
from gsync.parse.sniff import decode_text
from gsync.sources.forms_csv import DRIVE_LINK_ID

from .google import FakeGoogle
from .google_drive import guess_mime

FORM_TITLE = "แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ปีงบประมาณ พ.ศ. 2568 จังหวัดลำปาง"
BKK = ZoneInfo("Asia/Bangkok")
FY = 2568
NOW = dt.datetime(2025, 10, 20, 9, 0, tzinfo=BKK)  # every FY2568 deadline has passed
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT_SUFFIXES = (".xlsx", ".xls", ".docx", ".doc", ".ods")
FILE_QUESTIONS = ("แนบแบบรายงานผลการดำเนินงาน", "แนบภาพถ่ายกิจกรรม")
PARAGRAPHS = ("ปัญหา/อุปสรรค", "ข้อเสนอแนะ")
REPORTERS = ("นางสาวกนกพร ใจงาม", "นายประเสริฐ ทองดี", "นางสมศรี มีสุข", "นายวิชัย สุขใจ", "นางพรทิพย์ แก้วมา",
             "นายสมชาย รักดี", "นางสาวอรุณี ศรีสวัสดิ์")

Folders = dict[tuple[str, ...], str]  # path below the QR folder -> Drive folder id


# --- into the fake: the parts both provinces share ------------------------------------------


def ensure_folder(
    fake: FakeGoogle,
    folders: Folders,
    parts: tuple[str, ...],
    created: Callable[[tuple[str, ...]], dt.datetime | None] = lambda parts: None,
) -> str:
    """The Drive folder at `parts` below the QR folder (``folders[()]``), made as needed
    (parents first), each with ``createdTime`` = ``created(its parts)``."""
    if parts not in folders:
        parent = ensure_folder(fake, folders, parts[:-1], created)
        folders[parts] = fake.drive_add_folder(parts[-1], parent, created_time=created(parts))
    return folders[parts]


def upload_folders(fake: FakeGoogle, name: str) -> tuple[str, dict[str, str]]:
    """The Form's "File responses" folder outside the QR folder, and one folder in it per
    file-upload question (as Forms stores uploads in the owner's Drive): (id, title -> id)."""
    uploads = fake.drive_add_folder(name)
    return uploads, {t: fake.drive_add_folder(f"{t} (File responses)", uploads) for t in FILE_QUESTIONS}


def create_form(
    fake: FakeGoogle, title: str, districts: list[str], uploads: dict[str, str]
) -> tuple[str, dict[str, str]]:
    """The Lampang Form of contract section 1 (district a drop-down of `districts`, quarter a
    multiple choice, the two attachments file uploads into `uploads`): (form id, title -> id)."""
    questions: list[dict[str, Any]] = []
    for q in demo.QUESTION_TITLES:
        if q == "อำเภอ":
            questions.append({"title": q, "kind": "dropdown", "options": districts, "required": True})
        elif q == "ไตรมาส":
            questions.append({"title": q, "kind": "choice", "options": list(demo.QUARTER_CHOICES.values()),
                              "required": True})
        elif q in FILE_QUESTIONS:
            questions.append({"title": q, "kind": "file", "folder_id": uploads[q],
                              "required": q == FILE_QUESTIONS[0]})
        elif q in PARAGRAPHS:
            questions.append({"title": q, "kind": "paragraph"})
        else:
            questions.append({"title": q, "kind": "text"})
    form_id, qids = fake.forms_create(title, questions)
    return form_id, qids


# --- the demo province ---------------------------------------------------------------------


def load_demo_into_fake(
    fake: FakeGoogle, demo_dir: Path, *, form_title: str = FORM_TITLE
) -> dict[str, Any]:
    """Load a folder made by ``gsync.demo.build(demo_dir)`` into ``fake``.

    Returns ``form_id``, ``folder_id`` and ``spreadsheet_id`` (what a config needs), plus
    ``question_ids`` (title -> questionId), ``files`` (inbox-relative path -> Drive id),
    ``uploads_folder_id`` and ``responses`` (response ids in CSV order).
    """
    inbox = demo_dir / "inbox"
    districts = demo.lampang_districts()

    # --- the QR folder ---
    root = fake.drive_add_folder("QR รายงานศูนย์จิตอาสา ปีงบ 2568", created_time=_mtime(inbox))
    folders: dict[tuple[str, ...], str] = {(): root}
    files: dict[str, str] = {}

    def created(parts: tuple[str, ...]) -> dt.datetime:
        return _mtime(inbox.joinpath(*parts))

    for path in sorted(inbox.rglob("*")):
        rel = path.relative_to(inbox)
        if path.is_dir():
            ensure_folder(fake, folders, rel.parts, created)
            continue
        parent = ensure_folder(fake, folders, rel.parts[:-1], created)
        files[rel.as_posix()] = fake.drive_add_file(
            rel.name, path.read_bytes(), parent, created_time=_mtime(path)
        )

    # --- the Form ---
    uploads, by_question = upload_folders(fake, "แบบรายงาน (File responses)")
    form_id, qids = create_form(fake, form_title, list(districts), by_question)

    rows = list(csv.reader(io.StringIO(decode_text((demo_dir / "responses.csv").read_bytes()))))
    header = rows[0]
    response_ids = []
    for row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
        when = thai.parse_timestamp(cells[header[0]], BKK)
        district = thai.match_name(cells["อำเภอ"], list(districts)) or thai.strip_admin_prefix(
            cells["อำเภอ"]
        )
        quarter = thai.parse_quarter(cells["ไตรมาส"])
        answers: dict[str, Any] = {}
        for title in demo.QUESTION_TITLES:
            value = cells.get(title, "")
            if title in FILE_QUESTIONS:
                refs = []
                for link_id in DRIVE_LINK_ID.findall(value):
                    refs.append(
                        _upload(
                            fake,
                            files,
                            inbox,
                            by_question[title],
                            link_id,
                            district,
                            quarter,
                            cells.get("ชื่อ-สกุล ผู้รายงาน", ""),
                            when,
                            title == FILE_QUESTIONS[0],
                        )
                    )
                if refs:
                    answers[qids[title]] = refs
            elif value.strip():
                answers[qids[title]] = value
        response_ids.append(
            fake.forms_add_response(
                form_id, answers, email=cells[header[1]] or None, create_time=when
            )
        )

    # --- the master ---
    spreadsheet_id = fake.sheets_create("ทะเบียนรายงานศูนย์จิตอาสา ลำปาง 2568")
    return {
        "form_id": form_id,
        "folder_id": root,
        "spreadsheet_id": spreadsheet_id,
        "question_ids": qids,
        "files": files,
        "uploads_folder_id": uploads,
        "responses": response_ids,
    }


def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)


def attribute(rel: str, districts: list[str]) -> tuple[str | None, int | None]:
    """(district, quarter) a QR-folder path names: a district name inside it, a quarter in a
    part of it. None where it names none or more than one."""
    found = {d for d in districts if d in rel}
    found = {d for d in found if not any(d != o and d in o for o in found)}  # longest wins
    quarters = {q for part in rel.split("/") if (q := thai.quarter_in_name(part)) is not None}
    return (found.pop() if len(found) == 1 else None), (
        quarters.pop() if len(quarters) == 1 else None
    )


def _upload(
    fake: FakeGoogle,
    files: dict[str, str],
    inbox: Path,
    folder: str,
    link_id: str,
    district: str,
    quarter: int | None,
    reporter: str,
    when: dt.datetime,
    report: bool,
) -> dict[str, str]:
    """The fileUploadAnswer for one Drive link of the CSV."""
    names = list(demo.lampang_districts())
    candidates = [
        rel
        for rel in files
        if rel.lower().endswith(REPORT_SUFFIXES) == report
        and attribute(rel, names) == (district, quarter)
    ]
    if len(candidates) == 1:
        f = fake.drive_file(files[candidates[0]])
        return {"fileId": f.id, "fileName": f.name, "mimeType": f.mime_type}
    if candidates:  # a copy of the newest, as the district re-sent it through the Form
        newest = max(candidates, key=lambda rel: (inbox / rel).stat().st_mtime)
        content = (inbox / newest).read_bytes()
        stem, ext = os.path.splitext(Path(newest).name)
    else:
        rows = synth.activities(demo.lampang_districts()[district], demo.FY, quarter or 1, seed=99)
        content = synth.activity_xlsx(district, demo.PROVINCE, quarter or 1, rows)
        stem, ext = f"รายงาน {district} ไตรมาส{quarter or ''}", ".xlsx"
    name = f"{stem} - {reporter}{ext}" if reporter else stem + ext  # how Forms names uploads
    with fake._lock:  # the helper that takes a fixed id: the CSV link's id stays the file's id
        fid = fake.drive.add(
            name, guess_mime(name), folder, content, created_time=when, file_id=link_id
        )
    return {"fileId": fid, "fileName": name, "mimeType": guess_mime(name)}


# --- synthetic provinces (the benchmark's) ----------------------------------------------------


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


# district lists


def lampang() -> dict[str, list[str]]:
    return demo.lampang_districts()


def geothai_provinces() -> list[tuple[str, dict[str, list[str]]]] | None:
    """Every province's districts and sub-districts from GeoThai (CC-BY-4.0), or None."""
    try:
        import geothai  # type: ignore[import-not-found, unused-ignore]
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


# generation


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
    g = _Generator(name, seed, per_tambon, form_share, form_too, thai_calendar.deadlines(FY))
    for di, (district, tambons) in enumerate(districts.items()):
        layout = rnd.choice("ABCD")
        email = f"d{di + 1:02d}.cdd@{seed % 1000:03d}.example.go.th"
        # the centre register, once a year, in the district's folder
        g.files.append(GFile(g.key(), f"ทะเบียนศูนย์จิตอาสา {district} ไตรมาส 1.xlsx",
                             synth.register_xlsx(district, name, tambons),
                             _at(g.deadlines[1] - dt.timedelta(days=rnd.randint(20, 40)), 10), "drive",
                             folders=(district,), kind="register"))
        for q in (1, 2, 3, 4):
            qr = random.Random(seed * 7919 + di * 31 + q)
            forced = force_missing == (di, q)
            if forced or qr.random() < missing_rate:
                if forced:
                    g.late_upload(district, tambons, q, qr)
                continue
            g.quarter(district, tambons, q, layout, email, qr)
    g.strays(districts)
    return Province(name, districts, g.files, g.responses, g.later, g.rows_total)


@dataclass
class _Sending:
    """What one district sends for one quarter (the draws of its own random stream)."""

    district: str
    q: int
    email: str
    when: dt.datetime
    parts: list[list[synth.Row]]  # the report, whole or in two parts (by sub-district)
    render: Callable[[list[synth.Row]], tuple[bytes, str]]
    stem: str
    reupload: bool
    reporter: str
    channel: str  # "form" | "drive"
    folders: tuple[str, ...]

    def part_name(self, pi: int) -> str:
        return self.stem + (f" ส่วนที่ {pi + 1}" if len(self.parts) > 1 else "")


@dataclass
class _Generator:
    name: str
    seed: int
    per_tambon: int
    form_share: float
    form_too: float
    deadlines: dict[int, dt.date]
    files: list[GFile] = field(default_factory=list)
    responses: list[GResponse] = field(default_factory=list)
    later: list[GFile] = field(default_factory=list)
    rows_total: int = 0
    n: int = 0

    def key(self) -> str:
        self.n += 1
        return f"f{self.n}"

    def late_upload(self, district: str, tambons: list[str], q: int, qr: random.Random) -> None:
        """The report left missing on purpose, uploaded after the first sync."""
        rows = synth.activities(tambons, FY, q, seed=qr.randrange(10**9), per_tambon=self.per_tambon)
        data = synth.activity_xlsx(district, self.name, q, rows, messy=True)
        self.later.append(GFile(self.key(), f"รายงานไตรมาส {q} {district} (ส่งช้า).xlsx", data,
                                NOW - dt.timedelta(days=2), "drive", folders=(district,)))

    def quarter(self, district: str, tambons: list[str], q: int, layout: str, email: str,
                qr: random.Random) -> None:
        """One district's report for one quarter: files, photos, responses, a re-upload."""
        skip = (qr.choice(tambons),) if len(tambons) > 2 and qr.random() < 0.1 else ()
        rows = synth.activities(tambons, FY, q, seed=qr.randrange(10**9), per_tambon=self.per_tambon, skip=skip)
        self.rows_total += len(rows)
        s = self._sending(district, tambons, q, layout, email, rows, qr)
        report_keys = self._reports(s)
        photo_keys = self._photos(s, qr)
        answers = _answers(district, q, s.reporter, rows, qr)
        if s.channel == "form":
            self.responses.append(GResponse(district, q, s.when, email, answers, report_keys, photo_keys))
            if qr.random() < 0.12:  # the same submission twice (sent again a few minutes later)
                self.responses.append(GResponse(district, q, s.when + dt.timedelta(minutes=qr.randint(2, 30)),
                                                email, answers, report_keys, photo_keys))
        elif qr.random() < self.form_too:  # filled in the Form too, files sent through the folder
            self.responses.append(GResponse(district, q, s.when + dt.timedelta(minutes=5), email, answers))
        if s.reupload:
            self._reupload(s, report_keys, answers, qr)

    def _sending(self, district: str, tambons: list[str], q: int, layout: str, email: str,
                 rows: list[synth.Row], qr: random.Random) -> _Sending:
        late = qr.random() < 0.15
        deadline = self.deadlines[q]
        when = (_at(deadline + dt.timedelta(days=qr.randint(1, 10)), qr.randint(8, 20), qr.randint(0, 59)) if late
                else _at(deadline - dt.timedelta(days=qr.randint(0, 12)), qr.randint(8, 17), qr.randint(0, 59)))
        style = qr.random()
        header_q = qr.random() > 0.15
        date_style = qr.choice((0, 1, 2, 4))
        name = self.name

        def render(rs: list[synth.Row]) -> tuple[bytes, str]:
            if style < 0.10:
                return synth.activity_docx(district, name, q, rs), ".docx"
            if style < 0.65:
                return synth.activity_xlsx(district, name, q, rs, messy=True, header_quarter=header_q), ".xlsx"
            return synth.activity_xlsx(district, name, q, rs, date_style=date_style, header_quarter=header_q), ".xlsx"

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
        channel = "form" if qr.random() < self.form_share else "drive"
        folders = {"A": (district, f"ไตรมาส {q}"), "B": (district,), "C": (), "D": (f"ไตรมาส {q}", district)}[layout]
        return _Sending(district, q, email, when, parts, render, stem, reupload, reporter, channel, folders)

    def _reports(self, s: _Sending) -> list[str]:
        keys: list[str] = []
        for pi, part in enumerate(s.parts):
            # a re-uploaded report's first version lacks the last sub-district's rows
            first = [r for r in part if r.tambon != part[-1].tambon] if s.reupload and part else part
            data, ext = s.render(first)
            if s.channel == "form":
                f = GFile(self.key(), f"{s.part_name(pi)} - {s.reporter}{ext}", data, s.when, "form")
            else:
                f = GFile(self.key(), s.part_name(pi) + ext, data, s.when, "drive", folders=s.folders)
            self.files.append(f)
            keys.append(f.key)
        return keys

    def _photos(self, s: _Sending, qr: random.Random) -> list[str]:
        keys: list[str] = []
        for k in range(qr.randint(2, 5)):
            pname = qr.choice((f"IMG_{qr.randint(1000, 9999)}.jpg", f"ภาพกิจกรรม {s.district} ไตรมาส {s.q} ({k + 1}).jpg"))
            if s.channel == "form":
                f = GFile(self.key(), f"{pname[:-4]} - {s.reporter}.jpg", synth.jpeg_bytes(), s.when, "form",
                          question=FILE_QUESTIONS[1], kind="photo")
            else:
                f = GFile(self.key(), pname, synth.jpeg_bytes(), s.when + dt.timedelta(minutes=k + 1), "drive",
                          folders=s.folders, kind="photo")
            self.files.append(f)
            keys.append(f.key)
        return keys

    def _reupload(self, s: _Sending, report_keys: list[str], answers: dict[str, str], qr: random.Random) -> None:
        """The corrected report, days later: a new Form response, a "(1)" copy or a new version."""
        again = s.when + dt.timedelta(days=qr.randint(1, 5), hours=qr.randint(0, 6))
        in_place = s.channel == "drive" and qr.random() < 0.4
        new_keys = []
        for pi, part in enumerate(s.parts):
            data, ext = s.render(part)
            pname = s.part_name(pi)
            if in_place:  # the same Drive file, a new version
                old = next(f for f in self.files if f.key == report_keys[pi])
                old.new_version = (data, again)
            elif s.channel == "drive":
                self.files.append(GFile(self.key(), f"{pname} (1){ext}", data, again, "drive", folders=s.folders))
            else:
                f = GFile(self.key(), f"{pname} (แก้ไข) - {s.reporter}{ext}", data, again, "form")
                self.files.append(f)
                new_keys.append(f.key)
        if s.channel == "form":
            self.responses.append(GResponse(s.district, s.q, again, s.email, answers, new_keys))

    def strays(self, districts: dict[str, list[str]]) -> None:
        """Files nobody can place."""
        self.files.append(GFile(self.key(), "IMG_2031.jpg", synth.jpeg_bytes(), _at(self.deadlines[1], 11), "drive",
                                kind="photo"))
        first_district = next(iter(districts))
        stray = synth.activities(districts[first_district], FY, 1, seed=self.seed, per_tambon=1)[:2]
        self.files.append(GFile(self.key(), "รายงานกิจกรรม.xlsx",
                                synth.activity_xlsx("", self.name, 1, stray, header_quarter=False),
                                _at(self.deadlines[1] - dt.timedelta(days=1), 12), "drive", kind="other"))


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


# synthetic provinces into the fake


@dataclass
class Loaded:
    form_id: str
    folder_id: str
    spreadsheet_id: str
    upload_folder_id: str
    file_ids: dict[str, str]  # GFile key -> Drive id
    folder_ids: Folders


def load(fake: FakeGoogle, p: Province) -> Loaded:
    """Create the QR folder, the Form with its responses and uploads, and an empty master."""
    root = fake.drive_add_folder(f"QR รายงานศูนย์จิตอาสา {p.name} ปีงบ {FY}", created_time=_at(dt.date(2024, 10, 1), 8))
    folders: Folders = {(): root}
    uploads, upload_q = upload_folders(fake, f"แบบรายงาน {p.name} (File responses)")
    ids: dict[str, str] = {}

    def created(parts: tuple[str, ...]) -> dt.datetime:
        return _at(dt.date(2024, 10, 1), 9)

    for f in sorted(p.files, key=lambda f: f.created):
        parent = ensure_folder(fake, folders, f.folders, created) if f.channel == "drive" else upload_q[f.question]
        ids[f.key] = fake.drive_add_file(f.name, f.data, parent, mime_type=f.mime or None, created_time=f.created)
    for f in sorted((f for f in p.files if f.new_version), key=lambda f: f.new_version[1]):  # type: ignore[index]
        data, when = f.new_version  # type: ignore[misc]
        fake.drive_update_file(ids[f.key], data, modified_time=when)

    form_id, qids = create_form(fake, f"แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน {p.name} {FY}",
                                list(p.districts), upload_q)
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


def upload_later(fake: FakeGoogle, p: Province, loaded: Loaded) -> list[str]:
    """The new upload(s) that arrive after the first sync: returns their Drive ids."""
    out = []
    for f in p.later:
        parent = loaded.folder_ids.get(f.folders) or ensure_folder(fake, loaded.folder_ids, f.folders)
        out.append(fake.drive_add_file(f.name, f.data, parent, created_time=f.created))
    return out


def settings(p: Province, loaded: Loaded, state_path: Path) -> Settings:
    return parse_settings({
        "province": {"name": p.name, "fiscal_year": FY, "timezone": "Asia/Bangkok"},
        "districts": [{"name": d, "tambons": t} for d, t in p.districts.items()],
        "form": {"form_id": loaded.form_id},
        "drive": {"folder_id": loaded.folder_id},
        "sheet": {"spreadsheet_id": loaded.spreadsheet_id},
        "state": {"path": str(state_path)},
    })


# --- configs -------------------------------------------------------------------------------------


def write_credentials(
    tmp_path: Path, base_url: str, service_account: FakeGoogle | None = None
) -> Path:
    """An authorized-user file whose token_uri is the fake's /token; with ``service_account``,
    that fake's service-account key instead (its token_uri is the fake's too)."""
    path = tmp_path / "google-credentials.json"
    if service_account is not None:
        info: dict[str, Any] = service_account.service_account_info(token_uri=base_url + "/token")
    else:
        info = {
            "type": "authorized_user",
            "client_id": "c",
            "client_secret": "s",
            "refresh_token": "r",
            "token_uri": base_url + "/token",
        }
    path.write_text(json.dumps(info), encoding="utf-8")
    path.chmod(0o600)
    return path


def write_mixed_config(
    tmp_path: Path,
    base_url: str | None,
    ids: dict[str, Any],
    *,
    demo_dir: Path | None = None,
    form: str = "api",  # "api" | "csv" | "none"
    drive: str = "api",  # "api" | "path" | "none"
    sheet: str = "api",  # "api" | "path"
    name: str = "gsync.toml",
    extra: str = "",
    service_account: FakeGoogle | None = None,
) -> Path:
    """A gsync config mixing Google and offline parts. Offline parts read ``demo_dir``
    (responses.csv, inbox/, a master.xlsx in tmp_path). Province and districts come from the
    demo's demo.toml (or the demo's defaults when no demo_dir is given). Credentials: an
    authorized-user file, or ``service_account``'s key when that fake is given."""
    if demo_dir is not None and (demo_dir / "demo.toml").exists():
        base = tomllib.loads((demo_dir / "demo.toml").read_text(encoding="utf-8"))
    else:
        base = tomllib.loads(
            demo.config_text("responses.csv", "inbox", "master.xlsx", "state.sqlite")
        )
    lines = ["[province]"]
    lines += [f"{k} = {_toml(v)}" for k, v in base["province"].items()]
    lines.append("")
    if form == "api":
        lines += ["[form]", f"form_id = {_toml(ids['form_id'])}", ""]
    elif form == "csv":
        assert demo_dir is not None, "form='csv' needs demo_dir"
        lines += ["[form]", f"csv = {_toml(str(demo_dir / 'responses.csv'))}", ""]
    if drive == "api":
        lines += ["[drive]", f"folder_id = {_toml(ids['folder_id'])}", ""]
    elif drive == "path":
        assert demo_dir is not None, "drive='path' needs demo_dir"
        lines += ["[drive]", f"path = {_toml(str(demo_dir / 'inbox'))}", ""]
    if sheet == "api":
        lines += ["[sheet]", f"spreadsheet_id = {_toml(ids['spreadsheet_id'])}", ""]
    else:
        lines += ["[sheet]", f"path = {_toml(str(tmp_path / 'master.xlsx'))}", ""]
    if base_url is not None and "api" in (form, drive, sheet):
        creds = write_credentials(tmp_path, base_url, service_account)
        lines += [
            "[google]",
            f"credentials = {_toml(str(creds))}",
            f"endpoint = {_toml(base_url)}",
            "",
        ]
    lines += ["[state]", f"path = {_toml(str(tmp_path / 'state' / 'gsync.sqlite'))}", ""]
    if extra:
        lines += [extra, ""]
    for d in base["districts"]:
        lines.append("[[districts]]")
        lines += [f"{k} = {_toml(v)}" for k, v in d.items()]
        lines.append("")
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_google_config(
    tmp_path: Path,
    base_url: str,
    ids: dict[str, Any],
    *,
    demo_dir: Path | None = None,
    extra: str = "",
    service_account: FakeGoogle | None = None,
) -> Path:
    """Form, Drive folder and master all in (fake) Google."""
    return write_mixed_config(
        tmp_path, base_url, ids, demo_dir=demo_dir, extra=extra, service_account=service_account
    )


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


# --- clients and settings for adapter tests -------------------------------------------------------


def google_clients(base_url: str, accounting: Any = None, *, service_account_info: dict[str, Any] | None = None) -> Any:
    """gsync's GoogleClients pointed at the fake (authorized-user credentials unless a
    service-account key from `fake.service_account_info(...)` is given; no-op sleep)."""
    from google.oauth2 import service_account
    from google.oauth2.credentials import Credentials

    from gsync.accounting import Accounting
    from gsync.google.clients import SCOPES, GoogleClients
    from gsync.google.retry import RetryPolicy

    creds: Any
    if service_account_info is not None:
        creds = service_account.Credentials.from_service_account_info(service_account_info, scopes=list(SCOPES))
    else:
        creds = Credentials(
            token=None,
            refresh_token="r",
            client_id="c",
            client_secret="s",
            token_uri=base_url + "/token",
        )
    return GoogleClients(
        creds,
        accounting if accounting is not None else Accounting(),
        endpoint=base_url,
        policy=RetryPolicy(sleep=lambda s: None),
    )


def api_settings(
    *, form_id: str | None = None, folder_id: str | None = None, **sections: Any
) -> Any:
    """Settings for the demo province with a Google Form and/or Drive folder (master: a path)."""
    from gsync.config import parse_settings

    base = tomllib.loads(demo.config_text("responses.csv", "inbox", "master.xlsx", "state.sqlite"))
    data: dict[str, Any] = {
        "province": base["province"],
        "districts": base["districts"],
        "sheet": {"path": "master.xlsx"},
    }
    if form_id is not None:
        data["form"] = {"form_id": form_id}
    if folder_id is not None:
        data["drive"] = {"folder_id": folder_id}
    for name, value in sections.items():
        data[name] = {**data.get(name, {}), **value}
    return parse_settings(data)


def demo_on_fake(fake: Any, base_url: str, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The demo province built in `tmp_path/demo`, loaded into the fake, and a Google config for it
    in `tmp_path/google`: (config path, the fake's ids)."""
    from gsync import demo

    demo.build(tmp_path / "demo")
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    (tmp_path / "google").mkdir()
    config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=tmp_path / "demo", service_account=fake)
    return config, ids
