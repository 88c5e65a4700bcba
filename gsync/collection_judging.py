"""Collections: the deliverables beyond the quarterly report (`[[collections]]`, contract section 8).

Letters ask districts for one-off reports with their own deadline (Lampang's centre location
report by 22 Nov 2567, Buriram's centre establishment report by 15 Mar 2565), for
lessons-learned records, and for one-off activity reports (a national-day campaign). Each
collection is judged per district like a quarterly report: the first receipt against the end
of the deadline day in the province's time zone, staff's ยกเว้น mark, the latest version of each
file; and by its own completeness rules:

* ``register``: every sub-district of the district has a centre row, the district-level centre
  is listed, every centre has its chair person and phone, coordinates (when given) lie inside
  Thailand, and inside ``[province] bbox`` when one is configured;
* ``lessons``: every record fills the collection's ``required_fields``;
* ``activity``: the activity rows' own checks (sub-district, category, participants).

A file belongs to a collection (`bucketing.collection_of`) by what it is (a register, a lessons record) or, for activity
collections, by a keyword in its file or folder name. It needs a district, never a quarter:
a collection with a ``due`` date has one report per district; one without follows the
quarterly rule, and a file with no quarter counts for the quarter it was received in.

Pure: called by `outcome.judge` with the buckets `bucketing.sort` filled.
"""

from __future__ import annotations

import datetime as dt
import re

from gsync import messages, thai, thai_calendar
from gsync.bucketing import KIND_OF_FILE, CollectionBucket, CollectionKey
from gsync.config import CollectionCfg, DistrictCfg, Settings
from gsync.counting import NOT_BLOCKING, dedupe_rows, latest_versions, timeliness_of, unique
from gsync.models import Centre, CollectionReport, Problem
from gsync.staff import StaffInput

# Thailand, generously: [south, west, north, east]
THAILAND_BBOX = (5.5, 97.3, 20.5, 105.7)

LESSON_LABELS = {
    "reporter": "ชื่อผู้ถอดบทเรียน",
    "phone": "เบอร์โทรที่สามารถติดต่อได้",
    "title": "ชื่อเรื่อง",
    "problem": "เป็นการแก้ไขปัญหาเกี่ยวกับ",
    "place": "สถานที่เกิดเหตุการณ์",
    "story": "เนื้อเรื่อง",
    "assets": "ขุมความรู้",
    "core": "แก่นความรู้",
    "strategy": "กลยุทธ์ในการทำงาน",
    "theory": "แนวคิดทฤษฎีที่สอดคล้องกับแก่นความรู้",
}

def problem(code: str, *, source: str | None = None, row: int | None = None, **fields: object) -> Problem:
    return messages.problem(code, source=source, row=row, **fields)  # type: ignore[arg-type]


def judge(
    settings: Settings,
    buckets: dict[CollectionKey, CollectionBucket],
    staff: StaffInput,
    now: dt.datetime,
    quarter_deadlines: dict[int, dt.date],
) -> list[CollectionReport]:
    out = []
    for c in settings.collections:
        for d in settings.districts:
            if c.due is not None:
                out.append(_report(settings, c, d, None, c.due, buckets.get((c.id, d.name, None), CollectionBucket()), staff, now))
            else:
                for q in thai_calendar.QUARTERS:
                    bucket = buckets.get((c.id, d.name, q), CollectionBucket())
                    out.append(_report(settings, c, d, q, quarter_deadlines[q], bucket, staff, now))
    return out


def _report(
    settings: Settings, c: CollectionCfg, d: DistrictCfg, q: int | None, deadline: dt.date,
    bucket: CollectionBucket, staff: StaffInput, now: dt.datetime,
) -> CollectionReport:
    tz = settings.tz
    files = sorted(bucket.files, key=lambda i: (i.ref.received_at, i.ref.modified_at or i.ref.received_at, i.ref.id))
    counted, superseded = latest_versions(files)
    submitted = min(i.ref.received_at for i in files).astimezone(tz) if files else None
    problems = list(bucket.problems)
    report = CollectionReport(
        collection=c.id, name=c.name, kind=c.kind, district=d.name, quarter=q, deadline=deadline,
        timeliness="not_yet_due", complete=None, submitted_at=submitted,
        files=[i.ref for i in counted], superseded=[i.ref for i in superseded],
    )
    readable = False
    for item in counted:
        if item.parsed is None:
            continue
        problems.extend(p.model_copy(update={"source": p.source or item.ref.name}) for p in item.parsed.problems)
        if KIND_OF_FILE.get(item.parsed.kind) == c.kind:
            readable = True
        report.centres.extend((item.ref.id, x) for x in item.parsed.centres)
        report.activities.extend((item.ref.id, x) for x in item.parsed.activities)
        report.lessons.extend((item.ref.id, x) for x in item.parsed.lessons)
    names = {i.ref.id: i.ref.name for i in counted}
    if files and not readable:
        problems.append(problem("no_collection_file", name=c.name))
    if readable and c.kind == "register":
        report.centres = _dedupe_centres(report.centres)
        problems.extend(_register_problems(settings, c, d, report, names))
    elif readable and c.kind == "lessons":
        for file_id, rec in report.lessons:
            for f in c.required_fields:
                if not getattr(rec, f).strip():
                    problems.append(problem(
                        "missing_lesson_field", source=names.get(file_id), row=rec.index,
                        title=rec.title.split("\n")[0][:60] or f"เรื่องที่ {rec.index}", label=LESSON_LABELS[f],
                    ))
    elif readable and c.kind == "activity":
        report.activities = dedupe_rows(report.activities)
        problems.extend(_activity_problems(settings, d, q, report, names))

    key = report.key
    excused = key in staff.excused
    timeliness = timeliness_of(excused, submitted, deadline, now, tz)
    problems = unique(problems)
    report.problems = problems
    report.timeliness = timeliness  # type: ignore[assignment]
    report.excused = excused
    report.note = staff.notes.get(key, "")
    report.complete = None if not files else not any(p.code not in NOT_BLOCKING for p in problems)
    return report


def _dedupe_centres(rows: list[tuple[str, Centre]]) -> list[tuple[str, Centre]]:
    """The same centre in two registers counts once: the later file wins."""
    latest: dict[tuple[str, str], str] = {}
    for file_id, c in rows:
        latest[(thai.name_key(c.tambon), thai.name_key(c.name))] = file_id
    return [(f, c) for f, c in rows if latest[(thai.name_key(c.tambon), thai.name_key(c.name))] == f]


def inside(lat: float, lon: float, box: tuple[float, float, float, float] | list[float]) -> bool:
    south, west, north, east = box
    return south <= lat <= north and west <= lon <= east


def _register_problems(
    settings: Settings, c: CollectionCfg, d: DistrictCfg, report: CollectionReport, names: dict[str, str]
) -> list[Problem]:
    out: list[Problem] = []
    tambons = {t: t for t in d.tambons}
    covered: set[str] = set()
    for file_id, centre in report.centres:
        src = names.get(file_id)
        label = centre.name or f"แถว {centre.row}"
        tambon = thai.match_name(centre.tambon, tambons) if centre.tambon else None
        if centre.tambon and tambon is None and settings.rules.known_tambon:
            out.append(messages.problem("unknown_tambon", source=src, row=centre.row, text=centre.tambon, district=d.name))
        if tambon is not None and centre.level != "district":
            covered.add(tambon)
        if c.chair_and_phone:
            if not centre.chair.strip():
                out.append(problem("missing_chair", source=src, row=centre.row, centre=label))
            if not thai.normalize_phone(centre.phone).replace(", ", "").isdigit():
                out.append(problem("missing_phone", source=src, row=centre.row, centre=label, text=centre.phone or "ว่าง"))
        if c.coordinates and centre.lat is None and (pair := _typed_pair(centre.coords_unread)) is not None:
            # "99.49, 18.29": swapped, or not a position on Earth at all
            out.append(problem("coordinates_outside_thailand", source=src, row=centre.row, centre=label,
                               lat=pair[0], lon=pair[1]))
        if c.coordinates and centre.lat is not None and centre.lon is not None:
            where = {"source": src, "row": centre.row, "centre": label, "lat": centre.lat, "lon": centre.lon}
            if not inside(centre.lat, centre.lon, THAILAND_BBOX):
                out.append(problem("coordinates_outside_thailand", **where))  # type: ignore[arg-type]
            elif settings.province.bbox and not inside(centre.lat, centre.lon, settings.province.bbox):
                out.append(problem("coordinates_outside_province", province=settings.province.name, **where))  # type: ignore[arg-type]
    if c.district_centre and not any(x.level == "district" for _, x in report.centres):
        out.append(problem("no_district_centre"))
    if c.every_tambon:
        out.extend(problem("tambon_without_centre", tambon=t) for t in d.tambons if t not in covered)
    return out


def _typed_pair(text: str) -> tuple[str, str] | None:
    numbers = re.findall(r"[+-]?\d+(?:\.\d+)?", thai.to_arabic_digits(text))
    return (numbers[0], numbers[1]) if len(numbers) == 2 else None


def _activity_problems(
    settings: Settings, d: DistrictCfg, q: int | None, report: CollectionReport, names: dict[str, str]
) -> list[Problem]:
    r = settings.rules
    out: list[Problem] = []
    tambons = {t: t for t in d.tambons}
    window = thai_calendar.quarter_range(settings.fiscal_year, q) if q is not None else None
    for file_id, a in report.activities:
        src = names.get(file_id)
        if thai.match_name(a.tambon, tambons) is None and r.known_tambon:
            out.append(messages.problem("unknown_tambon", source=src, row=a.row, text=a.tambon or "(ว่าง)", district=d.name))
        if window and a.date is not None and not (window[0] <= a.date <= window[1]) and r.date_inside_quarter:
            out.append(messages.problem(
                "date_outside_quarter", source=src, row=a.row, date=thai.format_thai_date(a.date), quarter=q,
                start=thai.format_thai_date(window[0]), end=thai.format_thai_date(window[1]),
            ))
        if a.mission is None and r.known_category:
            out.append(messages.problem("unknown_category", source=src, row=a.row, text=a.category_raw or "(ว่าง)"))
        if (a.participants is None or a.participants <= 0) and r.participants_positive:
            out.append(messages.problem("no_participants", source=src, row=a.row, text=a.participants_raw or "ว่าง"))
    return out
