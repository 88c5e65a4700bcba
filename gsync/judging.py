"""Judging one quarterly report: completeness and timeliness, and what is wrong with it.

Pure: takes what bucketing put in the report's bucket (the responses, the listed files with
what was parsed out of them), what staff marked in the master, and `now`. Collections are
judged beside it (gsync.collection_judging); gsync.outcome judges them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from gsync import thai, thai_calendar
from gsync.attribution import Incoming, stem_key
from gsync.bucketing import ReportBucket
from gsync.config import DistrictCfg, Settings
from gsync.counting import NOT_BLOCKING, dedupe_rows, latest_versions, timeliness_of, unique
from gsync.messages import problem
from gsync.models import Activity, Centre, FileKind, FormResponse, Problem, Receipt, Report
from gsync.staff import StaffInput

FIELD_LABELS = {
    "district": "อำเภอ",
    "quarter": "ไตรมาส",
    "reporter": "ชื่อ-สกุล ผู้รายงาน",
    "position": "ตำแหน่ง",
    "phone": "เบอร์โทรศัพท์",
    "centres_active": "จำนวนศูนย์ที่ดำเนินกิจกรรม",
    "activities": "จำนวนกิจกรรม",
    "participants": "จำนวนผู้เข้าร่วม",
    "report_files": "แนบแบบรายงานผลการดำเนินงาน",
}

@dataclass
class _Read:
    """What the counted files of one report hold."""

    activities: list[tuple[str, Activity]] = field(default_factory=list)  # (file id, row)
    centres: list[tuple[str, Centre]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    readable_report: bool = False  # an activity report was read
    attachment_pending: bool = False  # a counted file could not be fetched


def _read(counted: Sequence[Incoming]) -> _Read:
    out = _Read()
    for item in counted:
        if item.parsed is None:
            out.attachment_pending = True
            continue
        out.problems.extend(p.model_copy(update={"source": p.source or item.ref.name}) for p in item.parsed.problems)
        if item.parsed.kind is FileKind.ACTIVITY:
            out.readable_report = True
        out.activities.extend((item.ref.id, a) for a in item.parsed.activities)
        out.centres.extend((item.ref.id, c) for c in item.parsed.centres)
    out.activities = dedupe_rows(out.activities)
    return out


def report(
    settings: Settings, d: DistrictCfg, q: int, deadline: dt.date, bucket: ReportBucket, staff: StaffInput, now: dt.datetime,
    gone: Sequence[Receipt] = (),
) -> Report:
    tz, rules = settings.tz, settings.rules
    key = f"{d.name}|Q{q}"
    problems = list(bucket.problems)
    files = sorted(bucket.files, key=lambda i: (i.listed_at or i.ref.received_at, i.ref.modified_at or i.ref.received_at,
                                                i.ref.id))
    counted, superseded = latest_versions(files)
    receipts = [r.created_at for r in bucket.responses] + [i.ref.received_at for i in files]
    receipts += [g.received_at for g in gone]
    problems.extend(_removed_problems(gone, files, tz))
    submitted = min(receipts).astimezone(tz) if receipts else None

    read = _read(counted)
    problems += read.problems
    checked, active, row_problems = _check_activities(settings, d, q, files, read.activities)
    problems += row_problems
    if not rules.readable_dates:
        problems = [p for p in problems if p.code != "unreadable_date"]
    received = bool(receipts)
    problems += _report_problems(settings, d, bucket, read, checked, active, received)

    excused = key in staff.excused
    timeliness = timeliness_of(excused, submitted, deadline, now, tz)
    problems = unique(problems)
    complete = None if not received else not any(p.code not in NOT_BLOCKING for p in problems)
    readable_report = read.readable_report
    return Report(
        district=d.name, quarter=q, deadline=deadline, timeliness=timeliness, complete=complete,  # type: ignore[arg-type]
        submitted_at=submitted, problems=problems, responses=bucket.responses,
        # An attachment this run could not fetch (an offline CSV link) is not listed beside a readable
        # report: it is most likely that same file, which the Google path counts once.
        files=[i.ref for i in files if i in counted and not (readable_report and i.parsed is None)],
        superseded=[i.ref for i in superseded], removed=list(gone),
        activities=checked, centres=read.centres, centres_expected=len(d.tambons),
        centres_active=len(active), excused=excused, note=staff.notes.get(key, ""),
    )


def _check_activities(
    settings: Settings, d: DistrictCfg, q: int, files: list[Incoming], activities: list[tuple[str, Activity]]
) -> tuple[list[tuple[str, Activity]], set[str], list[Problem]]:
    """Each activity row against the district's sub-districts, the quarter and the vocabularies:
    the rows (sub-district names made canonical), the sub-districts active, and the problems."""
    rules = settings.rules
    tambons = {t: t for t in d.tambons}
    start, end = thai_calendar.quarter_range(settings.fiscal_year, q)
    active: set[str] = set()
    checked: list[tuple[str, Activity]] = []
    problems: list[Problem] = []
    for file_id, a in activities:
        src = _name_of(files, file_id)
        tambon = thai.match_name(a.tambon, tambons)
        if tambon is None:
            if rules.known_tambon:
                problems.append(problem("unknown_tambon", source=src, row=a.row, text=a.tambon or "(ว่าง)", district=d.name))
        else:
            a = a.model_copy(update={"tambon": tambon})
        if a.date is not None and not (start <= a.date <= end):
            if rules.date_inside_quarter:
                problems.append(problem(
                    "date_outside_quarter", source=src, row=a.row, date=thai.format_thai_date(a.date),
                    quarter=q, start=thai.format_thai_date(start), end=thai.format_thai_date(end),
                ))
        elif a.date is not None and tambon is not None:
            active.add(tambon)
        if a.mission is None and rules.known_category:
            problems.append(problem("unknown_category", source=src, row=a.row, text=a.category_raw or "(ว่าง)"))
        if (a.participants is None or a.participants <= 0) and rules.participants_positive:
            problems.append(problem("no_participants", source=src, row=a.row, text=a.participants_raw or "ว่าง"))
        checked.append((file_id, a))
    return checked, active, problems


def _report_problems(
    settings: Settings, d: DistrictCfg, bucket: ReportBucket, read: _Read, checked: list[tuple[str, Activity]],
    active: set[str], received: bool,
) -> list[Problem]:
    """The report as a whole: the Form's required answers, a report file, every centre active, the totals."""
    rules = settings.rules
    problems: list[Problem] = []
    # totals are checked against the file the response's report really is (see bucketing._place_attachment)
    own = [r for r in bucket.responses if r.id not in bucket.moved_away or any(i.response_id == r.id for i in bucket.files)]
    latest = max(own + bucket.foreign, key=lambda r: (r.last_submitted_at, r.id)) if own or bucket.foreign else None
    questions = settings.form.questions if settings.form else {}
    for r in bucket.responses:
        for f in rules.required_answers:
            # report_files is judged as no_report_file, across both channels
            if f != "report_files" and questions.get(f) and not r.answers.get(f, "").strip():
                problems.append(problem("missing_answer", source=r.id, question=questions[f]))
    if received and rules.report_file and not read.readable_report and not read.attachment_pending:
        problems.append(problem("no_report_file"))
    if read.attachment_pending and not read.readable_report:
        problems.append(problem("attachment_unavailable"))
    if read.readable_report and rules.every_centre_active:
        problems += [problem("centre_without_activity", tambon=t) for t in d.tambons if t not in active]
    if latest is not None and read.readable_report and rules.totals_match:
        problems.extend(_totals(latest, checked, active, rules.totals_tolerance))
    return problems


def _removed_problems(gone: Sequence[Receipt], files: Sequence[Incoming], tz: dt.tzinfo) -> list[Problem]:
    """One file_removed per receipt that is gone, unless a file of the same name stem received
    as late or later counts now: moved, renamed or replaced by a re-upload inside the folder is
    not removed (deleting the newer of two versions is, as the older one counts again)."""
    out = []
    for g in gone:
        if g.source == "drive" and any(
            stem_key(i.ref.name) == stem_key(g.name) and i.ref.received_at >= g.received_at for i in files
        ):
            continue
        when = g.removed_at or g.received_at
        out.append(problem(
            "file_removed", source=g.name, name=g.name, received=_thai_time(g.received_at, tz), when=_thai_time(when, tz),
            what="ไฟล์" if g.source == "drive" else "คำตอบแบบฟอร์ม", where="โฟลเดอร์" if g.source == "drive" else "แบบฟอร์ม",
        ))
    return out


def _thai_time(t: dt.datetime, tz: dt.tzinfo) -> str:
    local = t.astimezone(tz)
    return f"{thai.format_thai_date(local.date())} {local:%H:%M} น."


def _totals(r: FormResponse, rows: list[tuple[str, Activity]], active: set[str], tolerance: int) -> list[Problem]:
    counted = {
        "centres_active": len(active),
        "activities": len(rows),
        "participants": sum(a.participants or 0 for _, a in rows),
    }
    out = []
    for f, n in counted.items():
        text = r.answers.get(f, "")
        try:
            declared = thai.parse_int(text)
        except ValueError:
            declared = None
        if declared is not None and abs(declared - n) > tolerance:
            out.append(problem("totals_mismatch", source=r.id, what=FIELD_LABELS[f], declared=f"{declared:,}", counted=f"{n:,}"))
    return out


def _name_of(files: list[Incoming], file_id: str) -> str:
    return next((i.ref.name for i in files if i.ref.id == file_id), file_id)

