"""The master's tabs, as plain tables: what staff read, in Thai. Pure: no I/O.

Every row starts with a stable key (column "รหัส"), so a sink can merge by key: a rerun
changes nothing that did not change, and staff-owned columns (notes, excused, accept) at the
right of each tab stay beside their row.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from gsync import thai, thai_calendar
from gsync.bucketing import ResponseRow
from gsync.config import Settings
from gsync.master.layout import (
    DRIVE,
    FOLLOW_UP,
    FORM,
    INCOMPLETE,
    KEY,
    NOTE,
    STATUS_LABELS,
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
    file_label,
    local_time,
    problem_summary,
)
from gsync.messages import LABELS as PROBLEM_LABELS
from gsync.models import FormResponse, Report
from gsync.outcome import Outcome
from gsync.staff import ReviewMark, ReviewSeen, StaffInput, StaffPlacement

EXCUSED = "ยกเว้น (ใส่ ✓)"
ACCEPT = "ยอมรับผู้ส่ง (ใส่ ✓)"
REVIEW = "ผลการตรวจ"
REASON = "เหตุผล (เมื่อส่งกลับแก้ไข)"
PLACE_DISTRICT = "ระบุอำเภอ"
PLACE_QUARTER = "ระบุไตรมาส"
# Contract section 6: a mark counts as yes when it is one of these (or a ticked checkbox).
TRUTHY = {"✓", "✔", "☑", "x", "/", "y", "yes", "true", "1", "ใช่", "ยกเว้น", "ยอมรับ", "ok"}
PASS, RETURN = "ผ่าน", "ส่งกลับแก้ไข"
REVIEW_CHOICES = (PASS, RETURN)
CHECKBOX = "checkbox"  # a Table.validations value: a tick box (Sheets) / a ✓ drop-down (workbook)

REVIEW_LABELS = {
    "returned": "ส่งกลับแก้ไข",
    "resubmitted": "ส่งแก้ไขแล้ว รอตรวจ",
    "accepted": "ผ่านการตรวจ",
}
# Colour by the words in a status cell, first match wins (sinks turn these into fills or rules).
# Tints of the Okabe-Ito palette (safe for the common colour-blindnesses), each a different
# lightness as well as a different hue, the same in the Google Sheet and the workbook.
STATUS_COLOURS = (
    ("ยังไม่ส่ง", "F4A582"),  # vermillion: missing
    ("ส่งกลับแก้ไข", "D7A6C8"),  # reddish purple: returned for correction
    ("รอตรวจ", "8FC1E3"),  # blue: corrected, waiting for staff's review
    ("ล่าช้า", "F7D08A"),  # orange: late
    (INCOMPLETE, "F3EE9B"),  # yellow: incomplete
    ("ผ่านการตรวจ", "7FCDB1"),  # bluish green, deeper: passed staff's review
    ("ตรงเวลา", "CCEBDD"),  # bluish green, light: on time and complete
    ("ยกเว้น", "D4ECF9"),  # sky blue: excused
    ("ยังไม่ถึง", "E8E8E8"),  # grey: not yet due
)
LEGEND = (
    ("ยังไม่ส่ง (เลยกำหนด)", "เลยกำหนด ยังไม่ได้รับ"),
    ("ส่งกลับแก้ไข", "ส่งกลับให้อำเภอแก้ไข"),
    ("ส่งแก้ไขแล้ว รอตรวจ", "อำเภอแก้แล้ว รอตรวจ"),
    ("ส่งล่าช้า", "ได้รับหลังกำหนด"),
    (INCOMPLETE, "ข้อมูลไม่ครบ ดูแท็บ ปัญหา"),
    ("ผ่านการตรวจ", "ตรวจแล้ว ผ่าน"),
    ("ส่งตรงเวลา", "ได้รับภายในกำหนด"),
    ("ได้รับการยกเว้น", "ใส่ ✓ ในช่อง ยกเว้น"),
    ("ยังไม่ถึงกำหนด", "ยังไม่ถึงวันกำหนดส่ง"),
)

# What a problem code means, in a few Thai words (the ปัญหา tab's "ประเภทปัญหา").


# Headers gsync wrote in earlier versions: such a column in an old master is gsync's, not staff's.
RETIRED = {
    TAB_REPORTS: ["timeliness"],
    # 0.2: the summary and the legend sat right of the matrix, headed by these
    TAB_STATUS: ["สรุปรายไตรมาส", "ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4"],
}


def header_stem(h: str) -> str:
    """The words a staff column's header starts with: `ยกเว้น (ใส่ ✓)` -> `ยกเว้น`."""
    return h.split(" (", 1)[0].strip()


def status_label(r: Report) -> str:
    label = STATUS_LABELS[r.timeliness]
    if r.complete is False and r.review != "accepted":
        label = f"{label} · {INCOMPLETE}"
    if r.review:
        label = f"{label} · {REVIEW_LABELS[r.review]}"
    return label


def as_text(v: Cell) -> Cell:
    """A date cell as staff read it, in BE: `13 ธ.ค. 2567`, `12 ธ.ค. 2567 14:03` (other cells as they are)."""
    if isinstance(v, dt.datetime):
        if (v.hour, v.minute, v.second) == (0, 0, 0):
            return thai.format_thai_date(v.date())
        return f"{thai.format_thai_date(v.date())} {v:%H:%M}"
    if isinstance(v, dt.date):
        return thai.format_thai_date(v)
    return v


def thai_datetime(t: dt.datetime | None, tz: dt.tzinfo) -> str:
    if t is None:
        return ""
    local = t.astimezone(tz)
    return f"{thai.format_thai_date(local.date())} {local:%H:%M}"


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:12]


def is_truthy(value: Cell) -> bool:
    return value is True or str(value or "").strip().lower() in TRUTHY


def _column(row: dict[str, Cell], header: str) -> Cell:
    """A staff column's value by how its header starts (contract section 6)."""
    if header in row:
        return row[header]
    stem = header_stem(header)
    return next((v for h, v in row.items() if h.strip().startswith(stem)), None)


def staff_input(existing: dict[str, list[list[Cell]]]) -> StaffInput:
    """Read back what staff marked: excused reports, accepted respondents, report notes, review
    decisions and the review history, and the district/quarter chosen for unplaced files."""
    excused, notes, accepted = set(), {}, set()
    review: dict[str, ReviewMark] = {}
    unknown_review: dict[str, str] = {}
    for row in _records(existing.get(TAB_REPORTS, [])):
        key = str(row[KEY])
        if is_truthy(_column(row, EXCUSED)):
            excused.add(key)
        if _column(row, NOTE):
            notes[key] = str(_column(row, NOTE))
        decision = thai.clean(str(_column(row, REVIEW) or ""))
        reason = thai.clean(str(_column(row, REASON) or ""))
        meant = thai.review_word(decision)  # the words of contract section 6 (gsync.vocab)
        if meant is not None:
            review[key] = ReviewMark(meant, reason)
        elif decision:
            unknown_review[key] = decision
    for row in _records(existing.get(TAB_RESPONSES, [])):
        if is_truthy(_column(row, ACCEPT)):
            accepted.add(str(row[KEY]))
    seen: dict[str, ReviewSeen] = {}
    for row in _records(existing.get(TAB_REVIEWS, [])):
        parts = str(row[KEY]).split("|")
        if len(parts) < 3:
            continue
        try:
            when = dt.datetime.fromisoformat(parts[-1])
        except ValueError:
            continue
        code = {"ผ่าน": "accepted", "ส่งกลับแก้ไข": "returned"}.get(str(row.get("ผลการตรวจที่บันทึก") or ""))
        seen["|".join(parts[:2])] = ReviewSeen(code, str(row.get("เหตุผล") or ""), when)  # the newest row wins
    placed: dict[str, StaffPlacement] = {}
    for tab in (TAB_UNATTRIBUTED, TAB_PLACED):
        for row in _records(existing.get(tab, [])):
            d_text, q_text = _column(row, PLACE_DISTRICT), _column(row, PLACE_QUARTER)
            district = thai.clean(str(d_text)) if d_text not in (None, "") else None  # matched by bucketing
            quarter = thai.parse_quarter(q_text)
            if district or quarter:
                placed[str(row[KEY])] = StaffPlacement(district, quarter)
    return StaffInput(frozenset(excused), frozenset(accepted), notes, review, seen, placed, unknown_review)


def _records(rows: list[list[Cell]]) -> list[dict[str, Cell]]:
    if not rows:
        return []
    header = [str(h or "") for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if r and r[0]]


def quarter_tabs(settings: Settings, outcome: Outcome, now: dt.datetime) -> list[Table]:
    """The tabs of the quarterly reports, in order (master.render adds the collections')."""
    tz = settings.tz
    fy = settings.fiscal_year
    reports = outcome.reports
    quarters = thai_calendar.quarters_of_year(fy)

    status = _status_table(settings, outcome, now)

    rep = Table(
        TAB_REPORTS,
        [KEY, "อำเภอ", "ไตรมาส", "กำหนดส่ง", "สถานะ", "สถานะการตรวจ", "ครบถ้วน", "ส่งครั้งแรกเมื่อ",
         "กิจกรรม", "ศูนย์ที่มีกิจกรรม", "ปัญหา", "ช่องทาง", "ไฟล์ที่นับ", "ไฟล์ที่ถูกแทนที่"],
        [_report_row(r, tz) for r in reports],
        staff=[EXCUSED, REVIEW, REASON, NOTE],
        widths=[2, 12, 8, 13, 20, 18, 8, 18, 8, 10, 42, 14, 30, 20, 8, 12, 20, 20],
        status_columns=[4, 5],
        print_cols=11,  # on paper: who, when, status and problems; the file lists stay on screen
        retired=RETIRED[TAB_REPORTS],
        validations={EXCUSED: CHECKBOX, REVIEW: list(REVIEW_CHOICES)},
    )

    acts = Table(
        TAB_ACTIVITIES,
        [KEY, "อำเภอ", "ไตรมาส", "ตำบล", "ศูนย์", "กิจกรรม", "ประเภท", "ภารกิจ/มิติ", "วันที่",
         "ผู้เข้าร่วม (คน)", "ภาคีเครือข่าย", "งบประมาณ (บาท)", "สถานที่", "ผลการดำเนินงาน", "ไฟล์", "แถว"],
        [],
        staff=[NOTE],
        widths=[2, 12, 8, 12, 30, 28, 8, 20, 13, 11, 20, 11, 24, 36, 24, 5, 20],
        print_cols=12,  # on paper: who did what, when, with whom; place, result and file on screen
    )
    centres = Table(
        TAB_CENTRES,
        [KEY, "อำเภอ", "ไตรมาส", "ชื่อศูนย์", "หมู่ที่", "ตำบล", "ประธานศูนย์", "โทรศัพท์", "ระดับ",
         "ละติจูด", "ลองจิจูด", "หมายเหตุในไฟล์", "ไฟล์"],
        [],
        staff=[NOTE],
        widths=[2, 12, 8, 40, 7, 12, 18, 12, 10, 9, 9, 18, 24, 20],
        print_cols=12,  # the file the register came from stays on screen
    )
    probs = Table(
        TAB_PROBLEMS,
        [KEY, "อำเภอ", "ไตรมาส", "ประเภทปัญหา", "รายละเอียด", "ไฟล์/คำตอบ", "แถว", "รหัสปัญหา"],
        [],
        staff=[NOTE],
        widths=[2, 12, 8, 22, 60, 28, 5, 10, 30],
        hidden=[7],  # the problem code: for scripts and the operator, not for staff's eyes
    )
    responses_by_id = {row.response.id: row.response for row in outcome.responses}
    for r in reports:
        names = {f.id: f.name for f in r.files}
        seen: dict[str, int] = {}
        for file_id, a in r.activities:
            base = _hash(r.key, thai.name_key(a.tambon), thai.name_key(a.centre), thai.name_key(a.name), a.date or a.date_raw)
            seen[base] = seen.get(base, 0) + 1  # the same line typed twice keeps both rows
            acts.rows.append([
                base if seen[base] == 1 else f"{base}-{seen[base]}",
                r.district, r.quarter, a.tambon, a.centre, a.name, a.group or "", a.mission or a.category_raw,
                a.date if a.date else a.date_raw, a.participants
                if a.participants is not None else a.participants_raw, ", ".join(a.sectors) or a.sectors_raw,
                a.budget, a.place, a.result, names.get(file_id, file_id), a.row,
            ])
        for file_id, c in r.centres:
            centres.rows.append([
                _hash(r.key, thai.name_key(c.tambon), thai.name_key(c.name)), r.district, r.quarter, c.name,
                c.moo, c.tambon, c.chair, c.phone, {"district": "ระดับอำเภอ", "subdistrict": "ระดับตำบล"}.get(c.level or "", ""),
                c.lat, c.lon, c.note, names.get(file_id, file_id),
            ])
        for p in r.problems:
            probs.rows.append([
                _hash(r.key, p.code, p.message, p.source, p.row), r.district, r.quarter,
                PROBLEM_LABELS.get(p.code, "อื่น ๆ"), p.message, _source_name(p.source, responses_by_id, tz), p.row, p.code,
            ])
    _dedupe_keys(centres)
    _dedupe_keys(probs)

    district_names = [d.name for d in settings.districts]
    quarter_choices = [f"ไตรมาสที่ {q}" for q in quarters]
    place_staff = [PLACE_DISTRICT, PLACE_QUARTER, NOTE]
    place_validations: dict[str, list[str] | str] = {PLACE_DISTRICT: district_names, PLACE_QUARTER: quarter_choices}
    unatt = Table(
        TAB_UNATTRIBUTED,
        [KEY, "ไฟล์/คำตอบ", "ช่องทาง", "เหตุผล", "ได้รับเมื่อ"],
        [[f"{u.source}:{u.id}", file_label(u.name), DRIVE if u.source == "drive" else FORM, u.reason,
          local_time(u.received_at, tz)] for u in outcome.unattributed],
        staff=place_staff,
        widths=[2, 44, 12, 44, 18, 14, 12, 24],
        validations=place_validations,
    )
    placed = Table(
        TAB_PLACED,
        [KEY, "ไฟล์/คำตอบ", "ช่องทาง", "นับเป็นรายงานของ", "ได้รับเมื่อ"],
        [[k, file_label(pl.name), DRIVE if k.startswith("drive:") else FORM,
          f"อำเภอ{pl.district} ไตรมาสที่ {pl.quarter}", local_time(pl.received_at, tz)] for k, pl in outcome.placed.items()],
        staff=place_staff,
        widths=[2, 44, 12, 26, 18, 14, 12, 24],
        validations=place_validations,
        lazy=True,
    )
    unatt.moved = set(outcome.placed)
    placed.moved = {str(r[0]) for r in unatt.rows}
    unatt.takes_from, placed.takes_from = [TAB_PLACED], [TAB_UNATTRIBUTED]
    # a row that moves between the two tabs takes staff's input along (so staff can undo there)
    for k, pl in outcome.placed.items():
        placed.seed[k] = {PLACE_DISTRICT: pl.district, PLACE_QUARTER: f"ไตรมาสที่ {pl.quarter}"}

    questions = settings.form.questions if settings.form else {}
    short = [f for f in ANSWER_WIDTHS if questions.get(f)]  # printed: who answered, and the totals
    long = [f for f in ("problems", "suggestions") if questions.get(f)]  # on screen
    resp = Table(
        TAB_RESPONSES,
        [KEY, "ส่งเมื่อ", "อำเภอ", "ไตรมาส", *[questions[f] for f in short], "นับเป็นรายงาน", "อีเมล",
         "แก้ไขล่าสุด", *[questions[f] for f in long], "ไฟล์แนบ", "รหัสไฟล์แนบ"],
        [_response_row(row, short, long, tz) for row in outcome.responses],
        staff=[ACCEPT, NOTE],
        widths=[2, 18, 12, 8, *[ANSWER_WIDTHS[f] for f in short], 9, 26, 18, *[30] * len(long), 30, 20, 12, 20],
        validations={ACCEPT: CHECKBOX},
        print_cols=6 + len(short),
        hidden=[8 + len(short) + len(long)],  # the attachments' Drive ids: for the operator
    )

    rates = _rates_table(settings, outcome)
    reviews = Table(
        TAB_REVIEWS,
        [KEY, "อำเภอ", "ไตรมาส", "ผลการตรวจที่บันทึก", "เหตุผล", "บันทึกเมื่อ"],
        [[f"{e.key}|{e.seen_at.astimezone(dt.UTC).isoformat(timespec='seconds')}", e.district, e.quarter,
          {"accepted": PASS, "returned": RETURN}.get(e.decision or "", "ล้างผลการตรวจ"), e.reason,
          local_time(e.seen_at, tz)] for e in outcome.reviews],
        widths=[2, 14, 8, 20, 50, 20],
        append_only=True,
        lazy=True,
    )
    return [status, rep, acts, centres, probs, unatt, placed, resp, rates, reviews]


LEGEND_HEAD = ("ความหมายของสี", "ความหมาย")
SUMMARY_HEAD = "~สรุป"  # the key of the summary's header row under the matrix


def report_reason(r: Report, tz: dt.tzinfo, now: dt.datetime) -> str:
    """Why a report's status cell is not green, in a few Thai words ("" when it is green, grey
    or excused): what staff would otherwise look up two tabs away."""
    parts: list[str] = []
    if r.timeliness == "missing":
        days = (now.astimezone(tz).date() - r.deadline).days
        parts.append(f"ยังไม่ได้รับ เลยกำหนดมา {days} วัน")
    elif r.timeliness == "late" and r.submitted_at is not None:
        days = (r.submitted_at.astimezone(tz).date() - r.deadline).days
        parts.append(f"ได้รับ {thai.format_thai_date(r.submitted_at.astimezone(tz).date())} ช้า {days} วัน")
    if r.review == "returned":
        parts.append(f"ส่งกลับ: {_short(r.review_reason or 'ไม่ระบุเหตุผล')}")
    elif r.review == "resubmitted":
        parts.append("อำเภอแก้แล้ว รอตรวจ")
    elif r.complete is False and r.review != "accepted":
        parts.append(problem_summary([p.code for p in r.problems]))
    return " · ".join(p for p in parts if p)


def _short(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def _status_table(settings: Settings, outcome: Outcome, now: dt.datetime) -> Table:
    """The matrix district x quarter with, beside it, why each cell that is not green is not;
    under it the summary per quarter and, beside that, the colour legend."""
    fy, tz = settings.fiscal_year, settings.tz
    quarters = thai_calendar.quarters_of_year(fy)
    by_key = {r.key: r for r in outcome.reports}
    summary: list[list[Cell]] = [["ข้อมูล ณ", thai_datetime(now, tz), *[None] * (len(quarters) - 1)]]
    counts = {
        "ส่งแล้ว": lambda rs: f"{sum(r.submitted_at is not None for r in rs)}/{len(rs)}",
        "ตรงเวลา": lambda rs: sum(r.timeliness == "on_time" for r in rs),
        "ล่าช้า": lambda rs: sum(r.timeliness == "late" for r in rs),
        "ยังไม่ส่ง (เลยกำหนด)": lambda rs: sum(r.timeliness == "missing" for r in rs),
        "ส่งกลับแก้ไข": lambda rs: sum(r.review in ("returned", "resubmitted") for r in rs),
        "ผ่านการตรวจ": lambda rs: sum(r.review == "accepted" for r in rs),
    }
    for label, fn in counts.items():
        summary.append([label, *[fn([r for r in outcome.reports if r.quarter == q]) for q in quarters]])
    rows: list[list[Cell]] = []
    for d in settings.districts:
        reports = [by_key[f"{d.name}|Q{q}"] for q in quarters]
        why = "\n".join(f"ไตรมาส {r.quarter}: {x}" for r in reports if (x := report_reason(r, tz, now)))
        rows.append([d.name, d.name, *[status_label(r) for r in reports], why, None, None, None])
    # Under the matrix: the summary per quarter (its own header row) and the colour legend beside it
    # (its columns headed in the first row: a column with an empty header would be staff's).
    blank: list[Cell] = [None] * (len(quarters) + 5)
    rows.append(["~0", *blank])
    rows.append([SUMMARY_HEAD, "สรุป", *[f"ไตรมาส {q}" for q in quarters], None, None, None, None])
    for i in range(max(len(summary), len(LEGEND))):
        line = summary[i] if i < len(summary) else [None] * (len(quarters) + 1)
        word, meaning = LEGEND[i] if i < len(LEGEND) else (None, None)
        rows.append([f"~{i + 1}", *line, None, None, word, meaning])
    legend_col = 2 + len(quarters) + 2
    return Table(
        TAB_STATUS,
        [KEY, "อำเภอ", *[thai_calendar.quarter_label(fy, q) for q in quarters], FOLLOW_UP, "", *LEGEND_HEAD],
        rows,
        widths=[2, 14, *[20] * len(quarters), 44, 1, 21, 24],
        status_columns=[*range(2, 2 + len(quarters)), legend_col],
        hidden_key=True,
        volatile={"~1": 2},  # the as-of time alone is no reason to write
        fit_page=True,
        retired=RETIRED[TAB_STATUS],
        heading_keys=[SUMMARY_HEAD],
    )


def _rates_table(settings: Settings, outcome: Outcome) -> Table:
    fy = settings.fiscal_year
    reports = outcome.reports
    rows: list[list[Cell]] = []
    for x in outcome.rates:
        pending = "ยังไม่ถึงกำหนด"
        rows.append([
            f"Q{x.quarter}", thai_calendar.quarter_label(fy, x.quarter),
            next(r.deadline for r in reports if r.quarter == x.quarter),
            x.districts, x.due, x.received, x.on_time, x.complete, x.accepted,
            pending if x.not_yet_due else _pct(x.reporting_rate),
            pending if x.not_yet_due else _pct(x.on_time_rate),
            pending if x.not_yet_due else _pct(x.accepted / x.expected if x.expected else None),
            x.centres_active, x.centres_expected,
        ])
    explain = [
        "วิธีคิด",
        "ถึงกำหนดแล้ว = อำเภอที่เลยวันกำหนดส่งแล้ว (ไม่นับอำเภอที่ได้รับการยกเว้น)",
        "อัตราการส่ง (%) = ได้รับแล้ว ÷ ถึงกำหนดแล้ว × 100",
        "อัตราส่งตรงเวลา (%) = ส่งตรงเวลา ÷ ถึงกำหนดแล้ว × 100",
        "อัตราผ่านการตรวจ (%) = ผ่านการตรวจ ÷ ถึงกำหนดแล้ว × 100",
        "ไตรมาสที่ยังไม่ถึงวันกำหนดส่ง แสดง “ยังไม่ถึงกำหนด” แทนร้อยละ",
    ]
    rows.append(["~0", *[None] * 13])
    rows += [[f"~{i + 1}", text, *[None] * 12] for i, text in enumerate(explain)]
    n = len(outcome.rates)
    return Table(
        TAB_RATES,
        [KEY, "ไตรมาส", "กำหนดส่ง", "อำเภอทั้งหมด", "ถึงกำหนดแล้ว", "ได้รับแล้ว", "ส่งตรงเวลา", "ครบถ้วน",
         "ผ่านการตรวจ", "อัตราการส่ง (%)", "อัตราส่งตรงเวลา (%)", "อัตราผ่านการตรวจ (%)", "ศูนย์ที่มีกิจกรรม",
         "ศูนย์ทั้งหมด"],
        rows,
        widths=[2, 30, 14, 14, 13, 10, 10, 9, 10, 12, 14, 14, 15, 12],
        chart={"first_row": 1, "last_row": n, "label_col": 1, "first_col": 9, "last_col": 10},
        run_on=[1],  # the explanation lines under the table
    )


# The Form's answers printed on แบบฟอร์ม, with their column widths (the long answers stay on screen).
ANSWER_WIDTHS = {"reporter": 20, "position": 18, "phone": 15, "centres_active": 12, "activities": 12,
                 "participants": 12}


def _response_row(row: ResponseRow, short: list[str], long: list[str], tz: dt.tzinfo) -> list[Cell]:
    r = row.response
    return [r.id, local_time(r.created_at, tz), row.district or r.answers.get("district", ""),
            row.quarter or r.answers.get("quarter", ""), *[r.answers.get(f, "") for f in short],
            "นับ" if row.counts else "ไม่นับ", r.email or "", local_time(r.last_submitted_at, tz),
            *[r.answers.get(f, "") for f in long], ", ".join(file_label(f.name) for f in r.report_files),
            ", ".join(f.id for f in r.report_files)]


def log_table(row: list[Cell]) -> Table:
    return Table(
        TAB_LOG,
        [KEY, "เวลา", "ผล", "รายงานที่ได้รับ", "ปัญหา", "ไฟล์ที่ระบุไม่ได้", "ไฟล์ที่อ่านใหม่", "คำขอ API", "ดาวน์โหลด (ไบต์)", "ลองใหม่"],
        [row],
        widths=[2, 20, 40, 14, 10, 14, 14, 40, 16, 8],
        append_only=True,
        hidden_key=True,
    )


def _report_row(r: Report, tz: dt.tzinfo) -> list[Cell]:
    channels = sorted({FORM if r.responses else "", *(DRIVE for f in r.files if f.channel == "drive")} - {""})
    return [
        r.key, r.district, r.quarter, r.deadline, status_label(r),
        REVIEW_LABELS.get(r.review or "", "") + (f": {r.review_reason}" if r.review_reason else ""),
        {True: "ครบ", False: "ไม่ครบ", None: ""}[r.complete], local_time(r.submitted_at, tz),
        len(r.activities), f"{r.centres_active}/{r.centres_expected}",
        "; ".join(p.message for p in r.problems[:5]) + (f" (และอีก {len(r.problems) - 5})" if len(r.problems) > 5 else ""),
        ", ".join(channels), ", ".join(file_label(f.name) for f in r.files),
        ", ".join(file_label(f.name) for f in r.superseded),
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


def archive_table(rows: list[list[Cell]]) -> Table:
    """Staff notes whose row is gone (a fixed problem, a corrected activity), kept for good."""
    return Table(
        TAB_ARCHIVE,
        [KEY, "แท็บเดิม", "ข้อมูลแถวเดิม", "สิ่งที่เจ้าหน้าที่บันทึกไว้", "คอลัมน์ที่บันทึก"],
        rows,
        widths=[2, 16, 80, 50, 30],
        append_only=True,
        hidden_key=True,
    )


# How a gsync tab is known by its header row when staff renamed it: the key column first, then
# these headers somewhere (a trailing * matches by how a header starts).
SIGNATURES: dict[str, tuple[str, ...]] = {
    TAB_STATUS: ("อำเภอ", "ไตรมาสที่ 1*"),
    TAB_REPORTS: ("อำเภอ", "ไตรมาส", "กำหนดส่ง", "สถานะ"),
    TAB_ACTIVITIES: ("ตำบล", "ศูนย์", "กิจกรรม", "ภารกิจ/มิติ"),
    TAB_CENTRES: ("ชื่อศูนย์", "หมู่ที่", "ประธานศูนย์"),
    TAB_PROBLEMS: ("รหัสปัญหา", "รายละเอียด"),
    TAB_UNATTRIBUTED: ("ไฟล์/คำตอบ", "เหตุผล", "ได้รับเมื่อ"),
    TAB_PLACED: ("ไฟล์/คำตอบ", "นับเป็นรายงานของ"),
    TAB_RESPONSES: ("ส่งเมื่อ", "แก้ไขล่าสุด", "อีเมล", "นับเป็นรายงาน"),
    TAB_RATES: ("อัตราการส่ง (%)",),
    TAB_REVIEWS: ("ผลการตรวจที่บันทึก",),
    TAB_LOG: ("เวลา", "ผล", "คำขอ API"),
    TAB_ARCHIVE: ("แท็บเดิม", "ข้อมูลแถวเดิม"),
    TAB_HOWTO: ("หัวข้อ", "รายละเอียด"),
}


def tab_by_header(header: list[Cell]) -> str | None:
    """The gsync tab a header row belongs to (a tab staff renamed), or None."""
    cells = [str(c or "").strip() for c in header]
    if not cells or cells[0] != KEY:
        return None
    for title, sig in SIGNATURES.items():
        if all(any(c.startswith(s[:-1]) if s.endswith("*") else c == s for c in cells) for s in sig):
            return title
    return None


def find_renamed(titles: list[str], headers: dict[str, list[Cell]], wanted: list[str]) -> dict[str, str]:
    """gsync tab -> the tab staff renamed it to, for the wanted tabs that are missing."""
    out: dict[str, str] = {}
    for t in titles:
        if t in wanted:
            continue
        mine = tab_by_header(headers.get(t) or [])
        if mine is not None and mine not in titles and mine not in out:
            out[mine] = t
    return out


def renamed_notice(gsync_title: str, staff_title: str) -> str:
    return f"แท็บ “{gsync_title}” ถูกเปลี่ยนชื่อเป็น “{staff_title}”: gsync พบจากหัวตารางและเปลี่ยนกลับเป็นชื่อเดิม ข้อมูลที่เจ้าหน้าที่บันทึกไว้ยังอยู่ครบ"


def deleted_notice(gsync_title: str) -> str:
    return f"แท็บ “{gsync_title}” ถูกลบ: gsync สร้างขึ้นใหม่ สิ่งที่เจ้าหน้าที่บันทึกไว้ในแท็บนั้นหายไปพร้อมแท็บ (ดูจากสำเนาสำรองหรือประวัติเวอร์ชัน)"
