"""The master's tabs, as plain tables: what staff read, in Thai. Pure: no I/O.

Every row starts with a stable key (column "รหัส"), so a sink can merge by key: a rerun
changes nothing that did not change, and staff-owned columns (notes, excused, accept) at the
right of each tab stay beside their row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from gsync import calendar, thai
from gsync.config import Settings
from gsync.models import FormResponse, Report
from gsync.rules import Outcome, StaffInput

Cell = str | int | float | None

KEY = "รหัส"
NOTE = "หมายเหตุเจ้าหน้าที่"
EXCUSED = "ยกเว้น (ใส่ ✓)"
ACCEPT = "ยอมรับผู้ส่ง (ใส่ ✓)"
TRUTHY = {"✓", "✔", "☑", "x", "/", "y", "yes", "true", "1", "ใช่", "ยกเว้น", "ยอมรับ", "ok"}

STATUS_LABELS = {
    "not_yet_due": "ยังไม่ถึงกำหนด",
    "on_time": "ส่งตรงเวลา",
    "late": "ส่งล่าช้า",
    "missing": "ยังไม่ส่ง (เลยกำหนด)",
    "excused": "ได้รับการยกเว้น",
}
INCOMPLETE = "ไม่ครบถ้วน"
# Colour by the words in a status cell, first match wins (sinks turn these into fills or rules).
STATUS_COLOURS = (
    ("ยังไม่ส่ง", "F4CCCC"),  # red: missing
    ("ล่าช้า", "FCE5CD"),  # orange: late
    (INCOMPLETE, "FFF2CC"),  # yellow: incomplete
    ("ตรงเวลา", "D9EAD3"),  # green: on time and complete
    ("ยกเว้น", "CFE2F3"),  # blue: excused
    ("ยังไม่ถึง", "EFEFEF"),  # grey: not yet due
)

TAB_STATUS = "สถานะรายงาน"
TAB_REPORTS = "รายงาน"
TAB_ACTIVITIES = "กิจกรรม"
TAB_CENTRES = "ศูนย์"
TAB_PROBLEMS = "ปัญหา"
TAB_UNATTRIBUTED = "ไฟล์ที่ระบุไม่ได้"
TAB_RESPONSES = "แบบฟอร์ม"
TAB_RATES = "อัตราการส่ง"
TAB_LOG = "บันทึกการซิงก์"
TAB_REMINDERS = "ประวัติการแจ้งเตือน"  # written by `gsync remind` (gsync/remind/history.py)


@dataclass
class Table:
    title: str
    headers: list[str]  # gsync's columns; headers[0] == KEY
    rows: list[list[Cell]]
    staff: list[str] = field(default_factory=list)  # staff-owned columns, after gsync's
    widths: list[int] = field(default_factory=list)  # in characters, per gsync column
    status_columns: list[int] = field(default_factory=list)  # coloured by STATUS_COLOURS
    append_only: bool = False  # the sync log: rows are added, never replaced

    @property
    def all_headers(self) -> list[str]:
        return self.headers + self.staff


def status_label(r: Report) -> str:
    label = STATUS_LABELS[r.timeliness]
    return f"{label} · {INCOMPLETE}" if r.complete is False else label


def thai_datetime(t: dt.datetime | None, tz: dt.tzinfo) -> str:
    if t is None:
        return ""
    local = t.astimezone(tz)
    return f"{thai.format_thai_date(local.date())} {local:%H:%M}"


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:12]


def is_truthy(value: Cell) -> bool:
    return value is True or str(value or "").strip().lower() in TRUTHY


def staff_input(existing: dict[str, list[list[Cell]]]) -> StaffInput:
    """Read back what staff marked: excused reports, accepted respondents, report notes."""
    excused, notes, accepted = set(), {}, set()
    for row in _records(existing.get(TAB_REPORTS, [])):
        if is_truthy(row.get(EXCUSED)):
            excused.add(str(row[KEY]))
        if row.get(NOTE):
            notes[str(row[KEY])] = str(row[NOTE])
    for row in _records(existing.get(TAB_RESPONSES, [])):
        if is_truthy(row.get(ACCEPT)):
            accepted.add(str(row[KEY]))
    return StaffInput(frozenset(excused), frozenset(accepted), notes)


def _records(rows: list[list[Cell]]) -> list[dict[str, Cell]]:
    if not rows:
        return []
    header = [str(h or "") for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if r and r[0]]


def render(settings: Settings, outcome: Outcome, now: dt.datetime) -> list[Table]:
    tz = settings.tz
    fy = settings.fiscal_year
    reports = outcome.reports
    by_key = {r.key: r for r in reports}
    quarters = calendar.quarters_of_year(fy)

    status = Table(
        TAB_STATUS,
        [KEY, "อำเภอ", *[calendar.quarter_label(fy, q) for q in quarters]],
        [[d.name, d.name, *[status_label(by_key[f"{d.name}|Q{q}"]) for q in quarters]] for d in settings.districts],
        widths=[14, 16, 30, 30, 30, 30],
        status_columns=[2, 3, 4, 5],
    )

    rep = Table(
        TAB_REPORTS,
        [KEY, "อำเภอ", "ไตรมาส", "กำหนดส่ง", "สถานะ", "timeliness", "ครบถ้วน", "ส่งครั้งแรกเมื่อ",
         "ช่องทาง", "ไฟล์ที่นับ", "ไฟล์ที่ถูกแทนที่", "กิจกรรม", "ศูนย์ที่มีกิจกรรม", "ปัญหา"],
        [_report_row(r, tz) for r in reports],
        staff=[EXCUSED, NOTE],
        widths=[16, 14, 8, 14, 30, 12, 10, 20, 16, 40, 30, 10, 14, 60],
        status_columns=[4],
    )

    acts = Table(
        TAB_ACTIVITIES,
        [KEY, "อำเภอ", "ไตรมาส", "ตำบล", "ศูนย์", "กิจกรรม", "ประเภท", "ภารกิจ/มิติ", "วันที่",
         "สถานที่", "ผู้เข้าร่วม (คน)", "ภาคีเครือข่าย", "งบประมาณ (บาท)", "ผลการดำเนินงาน", "ไฟล์", "แถว"],
        [],
        staff=[NOTE],
        widths=[14, 14, 8, 14, 24, 30, 8, 24, 14, 20, 10, 24, 12, 40, 30, 6],
    )
    centres = Table(
        TAB_CENTRES,
        [KEY, "อำเภอ", "ไตรมาส", "ชื่อศูนย์", "หมู่ที่", "ตำบล", "ประธานศูนย์", "โทรศัพท์", "ระดับ",
         "ละติจูด", "ลองจิจูด", "หมายเหตุในไฟล์", "ไฟล์"],
        [],
        staff=[NOTE],
        widths=[14, 14, 8, 30, 8, 14, 20, 14, 12, 10, 10, 20, 30],
    )
    probs = Table(
        TAB_PROBLEMS,
        [KEY, "อำเภอ", "ไตรมาส", "รหัสปัญหา", "รายละเอียด", "ไฟล์/คำตอบ", "แถว"],
        [],
        staff=[NOTE],
        widths=[14, 14, 8, 24, 70, 30, 6],
    )
    responses_by_id = {resp.id: resp for resp, *_ in outcome.responses}
    for r in reports:
        names = {f.id: f.name for f in r.files}
        seen: dict[str, int] = {}
        for file_id, a in r.activities:
            base = _hash(r.key, thai.name_key(a.tambon), thai.name_key(a.centre), thai.name_key(a.name), a.date or a.date_raw)
            seen[base] = seen.get(base, 0) + 1  # the same line typed twice keeps both rows
            acts.rows.append([
                base if seen[base] == 1 else f"{base}-{seen[base]}",
                r.district, r.quarter, a.tambon, a.centre, a.name, a.group or "", a.mission or a.category_raw,
                thai.format_thai_date(a.date) if a.date else a.date_raw, a.place, a.participants
                if a.participants is not None else a.participants_raw, ", ".join(a.sectors) or a.sectors_raw,
                a.budget, a.result, names.get(file_id, file_id), a.row,
            ])
        for file_id, c in r.centres:
            centres.rows.append([
                _hash(r.key, thai.name_key(c.tambon), thai.name_key(c.name)), r.district, r.quarter, c.name,
                c.moo, c.tambon, c.chair, c.phone, {"district": "ระดับอำเภอ", "subdistrict": "ระดับตำบล"}.get(c.level or "", ""),
                c.lat, c.lon, c.note, names.get(file_id, file_id),
            ])
        for p in r.problems:
            probs.rows.append([
                _hash(r.key, p.code, p.message, p.source, p.row), r.district, r.quarter, p.code, p.message,
                _source_name(p.source, responses_by_id, tz), p.row,
            ])
    _dedupe_keys(centres)
    _dedupe_keys(probs)

    unatt = Table(
        TAB_UNATTRIBUTED,
        [KEY, "ช่องทาง", "ไฟล์/คำตอบ", "เหตุผล", "ได้รับเมื่อ"],
        [[f"{u.source}:{u.id}", "Google Drive" if u.source == "drive" else "Google Form", u.name, u.reason,
          thai_datetime(u.received_at, tz)] for u in outcome.unattributed],
        staff=[NOTE],
        widths=[20, 14, 50, 50, 20],
    )

    questions = settings.form.questions if settings.form else {}
    answer_fields = [f for f in ("reporter", "position", "phone", "centres_active", "activities", "participants",
                                 "problems", "suggestions") if questions.get(f)]
    resp = Table(
        TAB_RESPONSES,
        [KEY, "ส่งเมื่อ", "แก้ไขล่าสุด", "อีเมล", "อำเภอ", "ไตรมาส", *[questions[f] for f in answer_fields],
         "ไฟล์แนบ", "นับเป็นรายงาน"],
        [[r.id, thai_datetime(r.created_at, tz), thai_datetime(r.last_submitted_at, tz), r.email or "",
          d or r.answers.get("district", ""), q or r.answers.get("quarter", ""),
          *[r.answers.get(f, "") for f in answer_fields],
          ", ".join(f.name for f in r.report_files), "นับ" if counts else "ไม่นับ"]
         for r, d, q, counts in outcome.responses],
        staff=[ACCEPT, NOTE],
        widths=[22, 20, 20, 26, 14, 10, *[20] * len(answer_fields), 30, 12],
    )

    rates = Table(
        TAB_RATES,
        [KEY, "ไตรมาส", "กำหนดส่ง", "รายงานที่ต้องได้รับ", "ได้รับแล้ว", "ตรงเวลา", "ครบถ้วน",
         "อัตราการส่ง (%)", "อัตราส่งตรงเวลา (%)", "ศูนย์ที่มีกิจกรรม", "ศูนย์ทั้งหมด"],
        [[f"Q{x.quarter}", calendar.quarter_label(fy, x.quarter),
          thai.format_thai_date(next(r.deadline for r in reports if r.quarter == x.quarter)),
          x.expected, x.received, x.on_time, x.complete, _pct(x.reporting_rate), _pct(x.on_time_rate),
          x.centres_active, x.centres_expected] for x in outcome.rates],
        widths=[8, 30, 14, 16, 12, 10, 10, 14, 16, 16, 12],
    )
    return [status, rep, acts, centres, probs, unatt, resp, rates]


def log_table(row: list[Cell]) -> Table:
    return Table(
        TAB_LOG,
        [KEY, "เวลา", "ผล", "รายงานที่ได้รับ", "ปัญหา", "ไฟล์ที่ระบุไม่ได้", "ไฟล์ที่อ่านใหม่", "คำขอ API", "ดาวน์โหลด (ไบต์)", "ลองใหม่"],
        [row],
        widths=[22, 20, 40, 14, 10, 14, 14, 40, 16, 8],
        append_only=True,
    )


def _report_row(r: Report, tz: dt.tzinfo) -> list[Cell]:
    channels = sorted({"แบบฟอร์ม" if r.responses else "", *("Drive" for f in r.files if f.channel == "drive")} - {""})
    return [
        r.key, r.district, r.quarter, thai.format_thai_date(r.deadline), status_label(r), r.timeliness,
        {True: "ครบ", False: "ไม่ครบ", None: ""}[r.complete], thai_datetime(r.submitted_at, tz),
        ", ".join(channels), ", ".join(f.name for f in r.files), ", ".join(f.name for f in r.superseded),
        len(r.activities), f"{r.centres_active}/{r.centres_expected}",
        "; ".join(p.message for p in r.problems[:5]) + (f" (และอีก {len(r.problems) - 5})" if len(r.problems) > 5 else ""),
    ]


def _source_name(source: str | None, responses: dict[str, FormResponse], tz: dt.tzinfo) -> str:
    """A file name as is; a form response as who sent it and when, which staff can find."""
    if source is None:
        return ""
    resp = responses.get(source)
    if resp is not None:
        return f"แบบฟอร์ม: {resp.email or 'ไม่ทราบอีเมล'} {thai_datetime(resp.created_at, tz)}"
    return source


def _pct(x: float | None) -> float | str:
    return "" if x is None else round(100 * x, 1)


def _dedupe_keys(table: Table) -> None:
    """Two identical rows (a register repeated in two files) share a key: keep the last."""
    seen: dict[Cell, list[Cell]] = {}
    for row in table.rows:
        seen.pop(row[0], None)
        seen[row[0]] = row
    table.rows = list(seen.values())


TAB_ARCHIVE = "หมายเหตุที่เก็บไว้"


def archive_table(rows: list[list[Cell]]) -> Table:
    """Staff notes whose row is gone (a fixed problem, a corrected activity), kept for good."""
    return Table(
        TAB_ARCHIVE,
        [KEY, "แท็บเดิม", "ข้อมูลแถวเดิม", "สิ่งที่เจ้าหน้าที่บันทึกไว้"],
        rows,
        widths=[30, 16, 80, 50],
        append_only=True,
    )
