"""Judging: completeness and timeliness, per district and quarter, and what is wrong with each report.

Pure: takes the responses, the listed files with what was parsed out of them, what staff
marked in the master, and `now`. Attribution (gsync.attribution) says where each belongs;
this module builds one Report per district and quarter, lists the submissions nobody could
attribute, and computes the reporting rates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from gsync import calendar, thai
from gsync.attribution import (
    Clues,
    Incoming,
    attribute_file,
    attribute_response,
    decide,
    is_evidence,
    nearest_report,
    stem_key,
)
from gsync.config import CollectionCfg, DistrictCfg, Settings
from gsync.messages import problem
from gsync.models import (
    Activity,
    Centre,
    CollectionReport,
    FileKind,
    FormResponse,
    ParsedFile,
    Problem,
    QuarterRates,
    Receipt,
    Report,
    Unattributed,
)

# Problems that are worth showing but do not make a report incomplete.
# file_removed does not block by itself: completeness judges what is there now (a removed
# report file that was the only one leaves no_report_file, which does).
NOT_BLOCKING = frozenset({"truncated", "attachment_unavailable", "file_removed"})

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


class ReviewMark(NamedTuple):
    """What the ผลการตรวจ and เหตุผล columns say now."""

    decision: str  # "accepted" | "returned"
    reason: str


class ReviewSeen(NamedTuple):
    """The last decision gsync recorded in ประวัติการตรวจ."""

    decision: str | None  # None: staff cleared it
    reason: str
    seen_at: dt.datetime


class StaffPlacement(NamedTuple):
    """What staff chose in ไฟล์ที่ระบุไม่ได้ (ระบุอำเภอ/ระบุไตรมาส); either may be None."""

    district: str | None  # as typed, matched against the config's names by judge
    quarter: int | None


@dataclass(frozen=True)
class StaffInput:
    """What staff typed into the master that gsync reads back."""

    excused: frozenset[str] = frozenset()  # Report.key
    accepted_responses: frozenset[str] = frozenset()  # FormResponse.id
    notes: dict[str, str] = field(default_factory=dict)  # Report.key -> note
    review: dict[str, ReviewMark] = field(default_factory=dict)  # Report.key -> the review now
    review_seen: dict[str, ReviewSeen] = field(default_factory=dict)  # Report.key -> the last one recorded
    # "drive:<file id>" | "form:<response id>" -> what staff chose for it
    placed: dict[str, StaffPlacement] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewEvent:
    """A review decision gsync saw for the first time (a row of ประวัติการตรวจ)."""

    key: str  # Report.key
    district: str
    quarter: int
    decision: str | None  # "accepted" | "returned" | None (staff cleared it)
    reason: str
    seen_at: dt.datetime


class ResponseRow(NamedTuple):
    """A Form response as the แบบฟอร์ม tab lists it: where it was attributed, and whether it counts."""

    response: FormResponse
    district: str | None
    quarter: int | None
    counts: bool


class Placement(NamedTuple):
    """A file or response staff attributed in ไฟล์ที่ระบุไม่ได้ (ระบุอำเภอ/ระบุไตรมาส)."""

    name: str
    district: str
    quarter: int
    received_at: dt.datetime | None


@dataclass
class Outcome:
    reports: list[Report]
    unattributed: list[Unattributed]
    rates: list[QuarterRates]
    responses: list[ResponseRow]
    reviews: list[ReviewEvent] = field(default_factory=list)  # decisions new since the last run
    # what staff placed from ไฟล์ที่ระบุไม่ได้, by "drive:<id>" | "form:<id>"
    placed: dict[str, Placement] = field(default_factory=dict)
    collections: list[CollectionReport] = field(default_factory=list)  # one per collection and district


@dataclass
class _Bucket:
    responses: list[FormResponse] = field(default_factory=list)
    files: list[Incoming] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    foreign: list[FormResponse] = field(default_factory=list)  # responses whose file counts here instead
    moved_away: set[str] = field(default_factory=set)  # responses whose file counts in another quarter


ReportKey = tuple[str, int]  # (district, quarter)


@dataclass
class _Sorting:
    """What judge builds while it attributes: the buckets, and what could not be placed."""

    buckets: dict[ReportKey, _Bucket] = field(default_factory=lambda: defaultdict(_Bucket))
    unattributed: list[Unattributed] = field(default_factory=list)
    response_rows: list[ResponseRow] = field(default_factory=list)
    where_response: dict[str, ReportKey] = field(default_factory=dict)
    placed: dict[str, Placement] = field(default_factory=dict)
    evidence: list[tuple[Incoming, str, str]] = field(default_factory=list)  # (file, district, reason)


def judge(
    settings: Settings,
    responses: Sequence[FormResponse],
    incoming: Sequence[Incoming],
    staff: StaffInput,
    now: dt.datetime,
    removed: Mapping[str, Sequence[Receipt]] | None = None,
) -> Outcome:
    """`removed`: per Report.key, receipts of files and responses that counted in an earlier
    run and are gone now (sync.py keeps them in the state): they keep the report's receipt."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    from gsync import collections as coll  # it builds on this module's helpers

    fy, tz = settings.fiscal_year, settings.tz
    choices = settings.district_choices()
    out = _Sorting()
    for r in sorted(responses, key=lambda r: (r.created_at, r.id)):
        _sort_response(settings, out, r, staff, choices)
    coll_buckets: dict[coll.BucketKey, coll.Bucket] = defaultdict(coll.Bucket)
    seen: set[str] = set()
    for item in incoming:
        if item.ref.id in seen:
            continue  # the same Drive file through both channels counts once
        seen.add(item.ref.id)
        _sort_file(settings, out, coll_buckets, item, staff, choices)
    _place_evidence(out, coll_buckets)

    cal = calendar.WorkCalendar(settings.deadlines.extra_holidays, settings.deadlines.extra_working_days)
    due_dates = calendar.deadlines(fy, settings.deadlines.explicit(), day=settings.deadlines.day, cal=cal)
    reports = []
    events: list[ReviewEvent] = []
    for d in settings.districts:
        for q in calendar.quarters_of_year(fy):
            gone = (removed or {}).get(f"{d.name}|Q{q}", ())
            report = _report(settings, d, q, due_dates[q], out.buckets.get((d.name, q), _Bucket()), staff, now, gone)
            events.extend(_review(settings, report, staff, now))
            reports.append(report)
    collection_reports = coll.judge(settings, coll_buckets, staff, now, due_dates)
    return Outcome(reports, out.unattributed, rates(reports, now, tz), out.response_rows, events, out.placed,
                   collection_reports)


def _sort_response(settings: Settings, out: _Sorting, r: FormResponse, staff: StaffInput,
                   choices: dict[str, list[str]]) -> None:
    """One response into its report's bucket, or into unattributed, with its แบบฟอร์ม row."""
    district, quarter, other_fy = attribute_response(settings, r, choices)
    if district is None or quarter is None:
        district, quarter = _staff_choice(staff, f"form:{r.id}", district, quarter, choices)
        if district is not None and quarter is not None:
            out.placed[f"form:{r.id}"] = Placement(_response_name(r, settings.tz), district, quarter, r.created_at)
    if district is None or quarter is None:
        what = "อำเภอ" if district is None else "ไตรมาส"
        out.unattributed.append(Unattributed(
            source="form", id=r.id, received_at=r.created_at,
            name=_response_name(r, settings.tz),
            reason=f"ระบุ{what}ไม่ได้: “{r.answers.get('district' if district is None else 'quarter', '')}”",
        ))
        out.response_rows.append(ResponseRow(r, district, quarter, False))
        return
    bucket = out.buckets[(district, quarter)]
    allowed = settings.district(district).emails
    if (
        settings.rules.check_respondent and allowed and (r.email or "") not in allowed
        and r.id not in staff.accepted_responses
    ):
        bucket.problems.append(problem(
            "unauthorized_respondent", source=r.id, email=r.email or "(ไม่ทราบ)", district=district
        ))
        out.response_rows.append(ResponseRow(r, district, quarter, False))
        return
    if other_fy is not None:
        bucket.problems.append(problem(
            "wrong_fiscal_year", source=r.id, text=r.answers.get("quarter", ""), found=other_fy,
            fy=settings.fiscal_year,
        ))
    bucket.responses.append(r)
    out.where_response[r.id] = (district, quarter)
    out.response_rows.append(ResponseRow(r, district, quarter, True))


def _sort_file(settings: Settings, out: _Sorting, coll_buckets: dict, item: Incoming,  # type: ignore[type-arg]
               staff: StaffInput, choices: dict[str, list[str]]) -> None:
    """One listed file into its report's (or collection's) bucket, the evidence list, or unattributed."""
    from gsync import collections as coll

    found = attribute_file(settings, item, choices)
    c = coll.collection_of(settings, item)
    if item.response_id is not None:
        if item.response_id not in out.where_response:
            return  # its response is unattributed or not (yet) accepted
        rd, rq = out.where_response[item.response_id]
        if c is not None:
            q = None if c.due else found.header_quarter() or rq
            coll_buckets[(c.id, rd, q)].files.append(item)
        _place_attachment(out.buckets, item, found, rd, rq)
        return
    if c is not None:
        unplaced = _claim_for_collection(settings, coll_buckets, c, item, found)
        if unplaced is not None:
            out.unattributed.append(unplaced)
            return
        if not found.quarter:
            return  # a collection's file never waits for a quarter
        # with a quarter it also counts where it did before (a register in "ไตรมาส 1/")
    district, quarter, reason, conflicts = decide(found, item)
    if district is None or quarter is None:
        district, quarter = _staff_choice(staff, f"drive:{item.ref.id}", district, quarter, choices)
        if district is not None and quarter is not None:
            out.placed[f"drive:{item.ref.id}"] = Placement(_path_of(item), district, quarter, item.ref.received_at)
    if district is not None and quarter is None and is_evidence(item):
        out.evidence.append((item, district, reason))
        return
    if district is None or quarter is None:
        out.unattributed.append(_unattributed_file(item, reason))
        return
    out.buckets[(district, quarter)].files.append(item)
    out.buckets[(district, quarter)].problems.extend(conflicts)


def _place_evidence(out: _Sorting, coll_buckets: dict) -> None:  # type: ignore[type-arg]
    """Photos with a district but no quarter: beside the report (or collection file) uploaded with them."""
    from gsync import collections as coll

    for item, district, reason in out.evidence:
        quarter = nearest_report(item, district, {k: b.files for k, b in out.buckets.items()})
        if quarter is None and (ckey := coll.nearest(item, district, coll_buckets)) is not None:
            coll_buckets[ckey].files.append(item)  # a photo beside a register or a lessons record
            continue
        if quarter is None:
            out.unattributed.append(_unattributed_file(item, reason))
        else:
            out.buckets[(district, quarter)].files.append(item)


def _path_of(item: Incoming) -> str:
    return "/".join((*item.ref.folders, item.ref.name))


def _unattributed_file(item: Incoming, reason: str) -> Unattributed:
    return Unattributed(source="drive", id=item.ref.id, name=_path_of(item), reason=reason,
                        received_at=item.ref.received_at)


def _response_name(r: FormResponse, tz: dt.tzinfo) -> str:
    return f"คำตอบแบบฟอร์ม {thai.format_thai_date(r.created_at.astimezone(tz).date())} ({r.email or 'ไม่ทราบอีเมล'})"


def _staff_choice(
    staff: StaffInput, key: str, district: str | None, quarter: int | None, choices: dict[str, list[str]]
) -> tuple[str | None, int | None]:
    """What gsync found, completed by what staff chose in ไฟล์ที่ระบุไม่ได้ (staff's choice wins)."""
    chosen = staff.placed.get(key)
    if chosen is None:
        return district, quarter
    chosen_district, chosen_quarter = chosen
    typed = thai.match_name(chosen_district, choices) if chosen_district else None
    return typed or district, chosen_quarter or quarter


def _place_attachment(
    buckets: dict[ReportKey, _Bucket], item: Incoming, found: Clues, district: str, quarter: int
) -> None:
    """A Form attachment counts for the quarter its own header names (the contract's order of
    trust); when the response named another quarter, both reports show quarter_conflict and the
    response's totals are checked against the file where it counts. The district stays the
    response's (the respondent is checked against that district's list), and a header naming
    another district shows district_conflict on both districts' reports."""
    name = item.ref.name
    header_d = found.header_district()
    header_q = found.header_quarter()
    target = (district, header_q if header_q is not None else quarter)
    buckets[target].files.append(item)
    if header_q is not None and header_q != quarter:
        p = problem("quarter_conflict", source=name, found=header_q, where="แบบฟอร์ม", used=quarter)
        buckets[(district, quarter)].problems.append(p)
        buckets[target].problems.append(p)
        if item.response_id is not None:
            buckets[(district, quarter)].moved_away.add(item.response_id)
            resp = next((r for r in buckets[(district, quarter)].responses if r.id == item.response_id), None)
            if resp is not None and resp not in buckets[target].foreign:
                buckets[target].foreign.append(resp)
    if header_d is not None and header_d != district:
        p = problem("district_conflict", source=name, found=header_d, where="แบบฟอร์ม", used=district)
        buckets[target].problems.append(p)
        buckets[(header_d, target[1])].problems.append(p)


def _claim_for_collection(
    settings: Settings, coll_buckets: dict, c: CollectionCfg, item: Incoming, found: Clues  # type: ignore[type-arg]
) -> Unattributed | None:
    """Put a collection's file in its bucket: it needs a district, never a quarter. Returns the
    unattributed entry when no district can be found."""
    from gsync import collections as coll

    if not found.district:
        return _unattributed_file(item, f"ระบุอำเภอไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์ ({c.name})")
    district = found.district[0].district
    quarter = None if c.due else (found.quarter[0].quarter if found.quarter else coll.quarter_of_receipt(settings, item))
    bucket = coll_buckets[(c.id, district, quarter)]
    bucket.files.append(item)
    bucket.problems.extend([
        problem("district_conflict", source=item.ref.name, found=district, where=where, used=other)
        for other, where in found.district[1:] if other != district
    ][:1])
    return None


# --- staff's review ---------------------------------------------------------------------


def _review(settings: Settings, report: Report, staff: StaffInput, now: dt.datetime) -> list[ReviewEvent]:
    """Set the report's review from ผลการตรวจ, and return the decision if gsync sees it for the first time.

    Returned: `returned` until something new arrives for the report after gsync first saw the
    return (a file uploaded or re-uploaded, a form response edited); then `resubmitted`.
    ผ่าน: `accepted`. The time a return was first seen is the ประวัติการตรวจ row of it, which
    the master keeps (append-only), so it survives a lost state.
    """
    key = report.key
    decision, reason = staff.review.get(key, (None, ""))
    last = staff.review_seen.get(key)
    events = []
    last_decision, last_reason, last_seen = last if last is not None else (None, "", now)
    if (last is None and decision is not None) or (last is not None and (last_decision, last_reason) != (decision, reason)):
        events.append(ReviewEvent(key, report.district, report.quarter, decision, reason, now))
        seen_at = now
    else:
        seen_at = last_seen
    if decision == "accepted":
        report.review = "accepted"
    elif decision == "returned":
        arrivals = [max(f.received_at, f.modified_at or f.received_at) for f in report.files]
        arrivals += [r.last_submitted_at for r in report.responses]
        after = sorted(t for t in arrivals if t > seen_at)
        report.review = "resubmitted" if after else "returned"
        report.review_reason = reason or None
        if after and settings.review.late_if_corrected_after_deadline and report.timeliness == "on_time" \
                and not calendar.is_on_time(after[0].astimezone(settings.tz), report.deadline, settings.tz):
            report.timeliness = "late"
    return events


# --- one report -------------------------------------------------------------------------


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


def _report(
    settings: Settings, d: DistrictCfg, q: int, deadline: dt.date, bucket: _Bucket, staff: StaffInput, now: dt.datetime,
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
    start, end = calendar.quarter_range(settings.fiscal_year, q)
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
    settings: Settings, d: DistrictCfg, bucket: _Bucket, read: _Read, checked: list[tuple[str, Activity]],
    active: set[str], received: bool,
) -> list[Problem]:
    """The report as a whole: the Form's required answers, a report file, every centre active, the totals."""
    rules = settings.rules
    problems: list[Problem] = []
    # totals are checked against the file the response's report really is (see _place_attachment)
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


def timeliness_of(excused: bool, submitted: dt.datetime | None, deadline: dt.date, now: dt.datetime,
                  tz: dt.tzinfo) -> str:
    """The one rule, for quarterly reports and collections alike: staff's excuse, else the first
    receipt against the end of the deadline day (Bangkok), else whether the deadline has passed."""
    if excused:
        return "excused"
    if submitted is not None:
        return "on_time" if calendar.is_on_time(submitted, deadline, tz) else "late"
    return "missing" if calendar.is_due(now, deadline, tz) else "not_yet_due"


def latest_versions(files: list[Incoming]) -> tuple[list[Incoming], list[Incoming]]:
    """Drop files a later upload replaces: same name stem, or a later report covering all its centres."""
    superseded: list[Incoming] = []
    for i, older in enumerate(files):
        if older.parsed is None or older.parsed.kind in (FileKind.EVIDENCE,):
            continue
        for newer in files[i + 1:]:
            if newer.parsed is None or newer.parsed.kind is not older.parsed.kind:
                continue
            if stem_key(newer.ref.name) == stem_key(older.ref.name) or _covers(newer.parsed, older.parsed):
                superseded.append(older)
                break
    return [f for f in files if f not in superseded], superseded


def _covers(newer: ParsedFile, older: ParsedFile) -> bool:
    def places(p: ParsedFile) -> set[str]:
        return {thai.name_key(a.tambon) for a in p.activities} | {thai.name_key(c.tambon + c.name) for c in p.centres}

    old = places(older)
    return bool(old) and old <= places(newer)


def dedupe_rows(rows: list[tuple[str, Activity]]) -> list[tuple[str, Activity]]:
    """The same activity in two files, or two sheets of one file, counts once: the later wins.

    Rows of one sheet never replace each other: two identical lines typed into one table are
    the district's to explain, not gsync's to merge away. A sheet copied inside a workbook
    ("รายงาน (2)") or a re-sent file is merged away.
    """
    def key(a: Activity) -> tuple[str, ...]:
        return (thai.name_key(a.tambon), thai.name_key(a.centre), thai.name_key(a.name),
                a.date.isoformat() if a.date else a.date_raw)

    latest: dict[tuple[str, ...], tuple[str, str]] = {}
    for file_id, a in rows:  # rows come in file order, oldest file first
        latest[key(a)] = (file_id, a.sheet)
    return [(file_id, a) for file_id, a in rows if latest[key(a)] == (file_id, a.sheet)]


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


def unique(problems: Iterable[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        k = (p.code, p.message, p.source, p.row)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


# --- rates ------------------------------------------------------------------------------


def rates(reports: Sequence[Report], now: dt.datetime, tz: dt.tzinfo) -> list[QuarterRates]:
    """Reporting rates per quarter, DHIS2-style: expected = reports due (or already in), less excused."""
    out = []
    for q in sorted({r.quarter for r in reports}):
        rs = [r for r in reports if r.quarter == q]
        expected = [r for r in rs if not r.excused and (r.submitted_at or calendar.is_due(now, r.deadline, tz))]
        received = [r for r in expected if r.submitted_at is not None]
        on_time = [r for r in received if r.timeliness == "on_time"]
        due = [r for r in rs if not r.excused and calendar.is_due(now, r.deadline, tz)]
        out.append(QuarterRates(
            districts=len(rs), due=len(due), not_yet_due=not any(calendar.is_due(now, r.deadline, tz) for r in rs),
            accepted=sum(1 for r in received if r.review == "accepted"),
            returned=sum(1 for r in received if r.review in ("returned", "resubmitted")),
            quarter=q, expected=len(expected), received=len(received), on_time=len(on_time),
            complete=sum(1 for r in received if r.complete),
            reporting_rate=len(received) / len(expected) if expected else None,
            on_time_rate=len(on_time) / len(expected) if expected else None,
            centres_active=sum(r.centres_active for r in rs),
            centres_expected=sum(r.centres_expected for r in rs),
        ))
    return out
