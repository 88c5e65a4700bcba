"""The collections in the master (`[[collections]]`): added to the tabs `tables.quarter_tabs` built.

* สถานะรายงาน: one column per collection (per collection and quarter for a quarterly one);
* รายงาน: one row per collection and district, keyed ``<district>|<collection id>`` (staff's
  ยกเว้น and หมายเหตุเจ้าหน้าที่ work there as for a quarter);
* ศูนย์: the registers' centres; ปัญหา: the collections' problems;
* อัตราการส่ง: one row per collection;
* องค์ความรู้ (new): one row per lessons-learned record.

Rows are built by header name, so the columns of the tabs `tables.quarter_tabs` owns may move.
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from gsync import thai
from gsync.config import Settings
from gsync.master.layout import (
    DRIVE,
    FOLLOW_UP,
    FORM,
    INCOMPLETE,
    KEY,
    NOTE,
    STATUS_LABELS,
    TAB_CENTRES,
    TAB_PROBLEMS,
    TAB_RATES,
    TAB_REPORTS,
    TAB_STATUS,
    Cell,
    Table,
    file_label,
    local_time,
    problem_summary,
)
from gsync.messages import LABELS as PROBLEM_LABELS
from gsync.models import CollectionReport
from gsync.outcome import Outcome
from gsync.rates import collection_rates

TAB_LESSONS = "องค์ความรู้"
LEVELS = {"district": "ระดับอำเภอ", "subdistrict": "ระดับตำบล"}


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:12]


def _pct(x: float | None) -> float | str:
    return "" if x is None else round(100 * x, 1)


def status_label(r: CollectionReport) -> str:
    label = STATUS_LABELS[r.timeliness]
    return f"{label} · {INCOMPLETE}" if r.complete is False else label


def column_title(r: CollectionReport) -> str:
    return f"{r.name} ไตรมาสที่ {r.quarter}" if r.quarter else r.name


def extend(settings: Settings, outcome: Outcome, now: dt.datetime, tables: list[Table]) -> list[Table]:
    """`tables` with the collections added (the same list, and the องค์ความรู้ tab when asked for)."""
    reports = outcome.collections
    if not settings.collections:
        return tables
    tz = settings.tz
    by_title = {t.title: t for t in tables}
    if (status := by_title.get(TAB_STATUS)) is not None:
        _status_columns(status, reports)
    if (rep := by_title.get(TAB_REPORTS)) is not None:
        for r in reports:
            _add(rep, _report_row(r, tz))
    if (centres := by_title.get(TAB_CENTRES)) is not None:
        # a register that also counted for a quarter is already there
        shown = {file_id for q in outcome.reports for file_id, _ in q.centres}
        for r in reports:
            names = {f.id: f.name for f in r.files}
            for file_id, c in r.centres:
                if file_id in shown:
                    continue
                _add(centres, {
                    KEY: _hash(r.key, thai.name_key(c.tambon), thai.name_key(c.name)), "อำเภอ": r.district,
                    "ไตรมาส": column_title(r), "ชื่อศูนย์": c.name, "หมู่ที่": c.moo, "ตำบล": c.tambon,
                    "ประธานศูนย์": c.chair, "โทรศัพท์": c.phone, "ระดับ": LEVELS.get(c.level or "", ""),
                    "ละติจูด": c.lat, "ลองจิจูด": c.lon, "หมายเหตุในไฟล์": c.note, "ไฟล์": names.get(file_id, file_id),
                })
    if (probs := by_title.get(TAB_PROBLEMS)) is not None:
        for r in reports:
            for p in r.problems:
                _add(probs, {
                    KEY: _hash(r.key, p.code, p.message, p.source, p.row), "อำเภอ": r.district,
                    "ไตรมาส": column_title(r), "รหัสปัญหา": p.code, "รายละเอียด": p.message,
                    "ประเภทปัญหา": PROBLEM_LABELS.get(p.code, "อื่น ๆ"),
                    "ไฟล์/คำตอบ": p.source or "", "แถว": p.row,
                })
    if (rates := by_title.get(TAB_RATES)) is not None:
        # after the quarters, before the explanation lines (keys "~N") under the table
        at = next((i for i, row in enumerate(rates.rows) if str(row[0]).startswith("~")), len(rates.rows))
        for x in collection_rates(reports, now, tz):
            label = f"{x.name} ไตรมาสที่ {x.quarter}" if x.quarter else x.name
            due = x.deadline <= now.astimezone(tz).date()
            pending = "ยังไม่ถึงกำหนด"
            _add(rates, {
                KEY: x.collection + (f"|Q{x.quarter}" if x.quarter else ""), "ไตรมาส": label,
                "กำหนดส่ง": x.deadline, "อำเภอทั้งหมด": len(settings.districts), "ถึงกำหนดแล้ว": x.expected,
                "ได้รับแล้ว": x.received, "ส่งตรงเวลา": x.on_time, "ครบถ้วน": x.complete,
                "อัตราการส่ง (%)": _pct(x.reporting_rate) if due else pending,
                "อัตราส่งตรงเวลา (%)": _pct(x.on_time_rate) if due else pending,
            }, at=at)
            at += 1
    if any(c.kind == "lessons" for c in settings.collections):
        tables.insert(_after(tables, TAB_CENTRES), lessons_table(reports))
    return tables


def lessons_table(reports: Iterable[CollectionReport]) -> Table:
    t = Table(
        TAB_LESSONS,
        [KEY, "อำเภอ", "ชุดรายงาน", "ชื่อเรื่อง", "ชื่อผู้ถอดบทเรียน", "เบอร์โทร", "เป็นการแก้ไขปัญหาเกี่ยวกับ",
         "สถานที่เกิดเหตุการณ์", "เนื้อเรื่อง", "ขุมความรู้", "แก่นความรู้", "กลยุทธ์ในการทำงาน",
         "แนวคิดทฤษฎี", "ไฟล์", "เรื่องที่"],
        [],
        staff=[NOTE],
        widths=[14, 14, 24, 40, 24, 14, 30, 30, 60, 40, 40, 40, 30, 30, 8],
    )
    for r in reports:
        names = {f.id: f.name for f in r.files}
        for file_id, x in r.lessons:
            t.rows.append([
                _hash(r.key, file_id, x.index, thai.name_key(x.title)), r.district, column_title(r),
                *(_one_line(v) for v in (x.title, x.reporter, x.phone, x.problem, x.place, x.story, x.assets,
                                         x.core, x.strategy, x.theory)),
                names.get(file_id, file_id), x.index,
            ])
    return t


def _one_line(text: str) -> str:
    """A record's lines side by side: a cell of one line reads the same in every sheet program."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _status_columns(status: Table, reports: list[CollectionReport]) -> None:
    titles: list[str] = []
    cells: dict[tuple[str, str], str] = {}
    why: dict[str, list[str]] = {}
    for r in reports:
        title = column_title(r)
        if title not in titles:
            titles.append(title)
        cells[(r.district, title)] = status_label(r)
        if reason := _reason(r):
            why.setdefault(r.district, []).append(f"{title}: {reason}")
    district_col = status.headers.index("อำเภอ") if "อำเภอ" in status.headers else 0
    # right after the quarters' columns (before the reasons, the summary and the legend)
    pos = next((status.headers.index(h) for h in (FOLLOW_UP, "") if h in status.headers), len(status.headers))
    n = len(titles)
    status.headers[pos:pos] = titles
    status.status_columns = [c + n if c >= pos else c for c in status.status_columns] + list(range(pos, pos + n))
    status.volatile = {k: c + n if c >= pos else c for k, c in status.volatile.items()}
    status.run_on = [c + n if c >= pos else c for c in status.run_on]
    if status.widths:
        status.widths[pos:pos] = [min(30, max(16, len(t) // 2)) for t in titles]
    follow = status.headers.index(FOLLOW_UP) if FOLLOW_UP in status.headers else None
    if "" in status.headers:  # wider now: the legend (on วิธีใช้ too) stays on screen, the rest prints
        status.print_cols = status.headers.index("")
    for row in status.rows:
        district = str(row[district_col] or "")
        row[pos:pos] = [cells.get((district, t), "") if district and not district.startswith("~") else None
                        for t in titles]
        if follow is not None and why.get(district) and not district.startswith("~"):
            row[follow] = "\n".join([*filter(None, [str(row[follow] or "")]), *why[district]])


def _reason(r: CollectionReport) -> str:
    """Why a collection's cell is not green, as `tables.report_reason` says it for a quarter."""
    if r.timeliness == "missing":
        return f"เลยกำหนด {thai.format_thai_date(r.deadline)}"
    late = f"ส่งช้า (กำหนด {thai.format_thai_date(r.deadline)})" if r.timeliness == "late" else ""
    problems = problem_summary([p.code for p in r.problems]) if r.complete is False else ""
    return " · ".join(x for x in (late, problems) if x)


def _report_row(r: CollectionReport, tz: dt.tzinfo) -> dict[str, Cell]:
    return {
        KEY: r.key, "อำเภอ": r.district, "ไตรมาส": column_title(r), "กำหนดส่ง": r.deadline,
        "สถานะ": status_label(r),
        "ครบถ้วน": {True: "ครบ", False: "ไม่ครบ", None: ""}[r.complete], "ส่งครั้งแรกเมื่อ": local_time(r.submitted_at, tz),
        "ช่องทาง": ", ".join(sorted({FORM if f.channel == "form" else DRIVE for f in r.files})),
        "ไฟล์ที่นับ": ", ".join(file_label(f.name) for f in r.files),
        "ไฟล์ที่ถูกแทนที่": ", ".join(file_label(f.name) for f in r.superseded),
        "กิจกรรม": len(r.activities) if r.kind == "activity" else (len(r.lessons) if r.kind == "lessons" else None),
        "ศูนย์ที่มีกิจกรรม": f"{len(r.centres)} ศูนย์" if r.kind == "register" else None,
        "ปัญหา": "; ".join(p.message for p in r.problems[:5]) + (f" (และอีก {len(r.problems) - 5})" if len(r.problems) > 5 else ""),
    }


def _add(table: Table, values: dict[str, Cell], at: int | None = None) -> None:
    """Add a row by header name (at the end, or at row `at`): a column this tab lacks is left out."""
    row = [values.get(h) for h in table.headers]
    table.rows.insert(len(table.rows) if at is None else at, row)


def _after(tables: list[Table], title: str) -> int:
    for i, t in enumerate(tables):
        if t.title == title:
            return i + 1
    return len(tables)
