"""Completeness and timeliness: who reported what, for which quarter, and what is wrong with it.

Pure: takes the responses, the listed files with what was parsed out of them, what staff
marked in the master, and `now`. Returns one Report per district and quarter, the submissions
nobody could attribute, and the reporting rates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gsync import calendar, fiscal, thai
from gsync.config import CollectionCfg, DistrictCfg, Settings
from gsync.messages import MESSAGES, problem  # noqa: F401 - MESSAGES: every code's template lives there
from gsync.models import (
    Activity,
    Centre,
    CollectionReport,
    FileKind,
    FileRef,
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


@dataclass(frozen=True)
class StaffInput:
    """What staff typed into the master that gsync reads back."""

    excused: frozenset[str] = frozenset()  # Report.key
    accepted_responses: frozenset[str] = frozenset()  # FormResponse.id
    notes: dict[str, str] = field(default_factory=dict)  # Report.key -> note
    # Report.key -> ("accepted" | "returned", reason): the ผลการตรวจ and เหตุผล columns now
    review: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Report.key -> the last decision gsync recorded in ประวัติการตรวจ: (decision or None, reason, when)
    review_seen: dict[str, tuple[str | None, str, dt.datetime]] = field(default_factory=dict)
    # "drive:<file id>" | "form:<response id>" -> (district as typed, quarter) staff chose
    # (ระบุอำเภอ/ระบุไตรมาส); either may be None when staff chose only one
    placed: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewEvent:
    """A review decision gsync saw for the first time (a row of ประวัติการตรวจ)."""

    key: str  # Report.key
    district: str
    quarter: int
    decision: str | None  # "accepted" | "returned" | None (staff cleared it)
    reason: str
    seen_at: dt.datetime


@dataclass(frozen=True)
class Incoming:
    """A listed file and what was made of it. `parsed` is None when it could not be fetched."""

    ref: FileRef
    parsed: ParsedFile | None
    response_id: str | None = None  # set for a Form attachment
    # When the channel says this content arrived (mtime offline, createdTime on Drive), before
    # the state's first receipt replaced `ref.received_at`: newer content wins by this time,
    # so a file overwritten in place counts as the newest, as in a fresh rebuild.
    listed_at: dt.datetime | None = None


@dataclass
class Outcome:
    reports: list[Report]
    unattributed: list[Unattributed]
    rates: list[QuarterRates]
    responses: list[tuple[FormResponse, str | None, int | None, bool]]  # (r, district, quarter, counts)
    reviews: list[ReviewEvent] = field(default_factory=list)  # decisions new since the last run
    # what staff placed from ไฟล์ที่ระบุไม่ได้: "drive:<id>" | "form:<id>" -> (name, district, quarter, received)
    placed: dict[str, tuple[str, str, int, dt.datetime | None]] = field(default_factory=dict)
    collections: list[CollectionReport] = field(default_factory=list)  # one per collection and district


@dataclass
class _Bucket:
    responses: list[FormResponse] = field(default_factory=list)
    files: list[Incoming] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    foreign: list[FormResponse] = field(default_factory=list)  # responses whose file counts here instead
    moved_away: set[str] = field(default_factory=set)  # responses whose file counts in another quarter


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
    fy, tz = settings.fiscal_year, settings.tz
    choices = settings.district_choices()
    buckets: dict[tuple[str, int], _Bucket] = defaultdict(_Bucket)
    unattributed: list[Unattributed] = []
    response_rows: list[tuple[FormResponse, str | None, int | None, bool]] = []
    where_response: dict[str, tuple[str, int]] = {}

    placed: dict[str, tuple[str, str, int, dt.datetime | None]] = {}
    for r in sorted(responses, key=lambda r: (r.created_at, r.id)):
        district = thai.match_name(r.answers.get("district", ""), choices)
        quarter, other_fy = fiscal.parse_quarter_answer(settings, r.answers.get("quarter", ""))
        if district is None or quarter is None:
            district, quarter = _staff_choice(staff, f"form:{r.id}", district, quarter, choices)
            if district is not None and quarter is not None:
                placed[f"form:{r.id}"] = (_response_name(r, tz), district, quarter, r.created_at)
        if district is None or quarter is None:
            what = "อำเภอ" if district is None else "ไตรมาส"
            unattributed.append(Unattributed(
                source="form", id=r.id, received_at=r.created_at,
                name=_response_name(r, tz),
                reason=f"ระบุ{what}ไม่ได้: “{r.answers.get('district' if district is None else 'quarter', '')}”",
            ))
            response_rows.append((r, district, quarter, False))
            continue
        bucket = buckets[(district, quarter)]
        allowed = settings.district(district).emails
        if (
            settings.rules.check_respondent and allowed and (r.email or "") not in allowed
            and r.id not in staff.accepted_responses
        ):
            bucket.problems.append(problem(
                "unauthorized_respondent", source=r.id, email=r.email or "(ไม่ทราบ)", district=district
            ))
            response_rows.append((r, district, quarter, False))
            continue
        if other_fy is not None:
            bucket.problems.append(problem(
                "wrong_fiscal_year", source=r.id, text=r.answers.get("quarter", ""), found=other_fy, fy=fy
            ))
        bucket.responses.append(r)
        where_response[r.id] = (district, quarter)
        response_rows.append((r, district, quarter, True))

    from gsync import collections as coll  # it builds on this module's helpers

    seen: set[str] = set()
    evidence: list[tuple[Incoming, str, str]] = []
    coll_buckets: dict[coll.BucketKey, coll.Bucket] = defaultdict(coll.Bucket)
    for item in incoming:
        if item.ref.id in seen:
            continue  # the same Drive file through both channels counts once
        seen.add(item.ref.id)
        if item.response_id is not None:
            if item.response_id not in where_response:
                continue  # its response is unattributed or not (yet) accepted
            district, quarter = where_response[item.response_id]
            found = _attribute_file(settings, item, choices)
            if (c := coll.collection_of(settings, item)) is not None:
                header_q = next((q for q, w in found.quarter if w == _WHERE_HEADER), None)
                q = None if c.due else header_q or quarter
                coll_buckets[(c.id, district, q)].files.append(item)
            _place_attachment(buckets, item, found, district, quarter)
            continue
        found = _attribute_file(settings, item, choices)
        if (c := coll.collection_of(settings, item)) is not None:
            unplaced = _claim_for_collection(settings, coll_buckets, c, item, found)
            if unplaced is not None:
                unattributed.append(unplaced)
                continue
            if not found.quarter:
                continue  # a collection's file never waits for a quarter
            # with a quarter it also counts where it did before (a register in "ไตรมาส 1/")
        district, quarter, reason, conflicts = _decide(found, item)
        if district is None or quarter is None:
            district, quarter = _staff_choice(staff, f"drive:{item.ref.id}", district, quarter, choices)
            if district is not None and quarter is not None:
                placed[f"drive:{item.ref.id}"] = ("/".join((*item.ref.folders, item.ref.name)), district, quarter,
                                                  item.ref.received_at)
        if district is not None and quarter is None and _is_evidence(item):
            evidence.append((item, district, reason))
            continue
        if district is None or quarter is None:
            unattributed.append(Unattributed(
                source="drive", id=item.ref.id, name="/".join((*item.ref.folders, item.ref.name)),
                reason=reason, received_at=item.ref.received_at,
            ))
            continue
        buckets[(district, quarter)].files.append(item)
        buckets[(district, quarter)].problems.extend(conflicts)

    for item, district, reason in evidence:
        quarter = _nearest_report(item, district, buckets)
        if quarter is None and (ckey := coll.nearest(item, district, coll_buckets)) is not None:
            coll_buckets[ckey].files.append(item)  # a photo beside a register or a lessons record
            continue
        if quarter is None:
            unattributed.append(Unattributed(
                source="drive", id=item.ref.id, name="/".join((*item.ref.folders, item.ref.name)),
                reason=reason, received_at=item.ref.received_at,
            ))
        else:
            buckets[(district, quarter)].files.append(item)

    cal = calendar.WorkCalendar(settings.deadlines.extra_holidays, settings.deadlines.extra_working_days)
    due_dates = calendar.deadlines(fy, settings.deadlines.explicit(), day=settings.deadlines.day, cal=cal)
    reports = []
    events: list[ReviewEvent] = []
    for d in settings.districts:
        for q in calendar.quarters_of_year(fy):
            gone = (removed or {}).get(f"{d.name}|Q{q}", ())
            report = _report(settings, d, q, due_dates[q], buckets.get((d.name, q), _Bucket()), staff, now, gone)
            events.extend(_review(settings, report, staff, now))
            reports.append(report)
    collection_reports = coll.judge(settings, coll_buckets, staff, now, due_dates)
    return Outcome(reports, unattributed, rates(reports, now, tz), response_rows, events, placed,
                   collection_reports)


def _response_name(r: FormResponse, tz: dt.tzinfo) -> str:
    return f"คำตอบแบบฟอร์ม {thai.format_thai_date(r.created_at.astimezone(tz).date())} ({r.email or 'ไม่ทราบอีเมล'})"


def _staff_choice(
    staff: StaffInput, key: str, district: str | None, quarter: int | None, choices: dict[str, list[str]]
) -> tuple[str | None, int | None]:
    """What gsync found, completed by what staff chose in ไฟล์ที่ระบุไม่ได้ (staff's choice wins)."""
    chosen = staff.placed.get(key)
    if chosen is None:
        return district, quarter
    typed = thai.match_name(chosen[0], choices) if chosen[0] else None
    return typed or district, chosen[1] or quarter


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
    if (last is None and decision is not None) or (last is not None and (last[0], last[1]) != (decision, reason)):
        events.append(ReviewEvent(key, report.district, report.quarter, decision, reason, now))
        seen_at = now
    else:
        seen_at = last[2] if last is not None else now
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


# --- attribution ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clues:
    """Where a file says it belongs, by source, most trusted first."""

    district: list[tuple[str, str]]  # (district, where)
    quarter: list[tuple[int, str]]


_WHERE_HEADER, _WHERE_FOLDER, _WHERE_NAME, _WHERE_DATES = "หัวรายงาน", "โฟลเดอร์", "ชื่อไฟล์", "วันที่กิจกรรม"


def _attribute_file(settings: Settings, item: Incoming, choices: dict[str, list[str]]) -> _Clues:
    districts: list[tuple[str, str]] = []
    quarters: list[tuple[int, str]] = []
    parsed = item.parsed
    if parsed is not None and parsed.header_district:
        found = thai.match_name(parsed.header_district, choices) or find_district(parsed.header_district, choices)
        if found:
            districts.append((found, _WHERE_HEADER))
    if parsed is not None and parsed.header_quarter:
        quarters.append((parsed.header_quarter, _WHERE_HEADER))
    for folder in reversed(item.ref.folders):  # the innermost folder is the most specific
        found = find_district(folder, choices)
        if found:
            districts.append((found, _WHERE_FOLDER))
            break
    for folder in reversed(item.ref.folders):
        q = thai.quarter_in_name(folder)
        if q:
            quarters.append((q, _WHERE_FOLDER))
            break
    found = find_district(item.ref.name, choices)
    if found:
        districts.append((found, _WHERE_NAME))
    q = thai.quarter_in_name(item.ref.name)
    if q:
        quarters.append((q, _WHERE_NAME))
    if parsed is not None and parsed.activities:
        qs = {calendar.quarter_of(a.date) for a in parsed.activities if a.date}
        if len(qs) == 1:
            (afy, aq), = qs
            if afy == settings.fiscal_year:
                quarters.append((aq, _WHERE_DATES))
    return _Clues(districts, quarters)


EVIDENCE_WINDOW = dt.timedelta(days=7)


def _is_evidence(item: Incoming) -> bool:
    return item.parsed is not None and item.parsed.kind is FileKind.EVIDENCE


def _nearest_report(item: Incoming, district: str, buckets: dict[tuple[str, int], _Bucket]) -> int | None:
    """A photo with no quarter belongs with the report uploaded beside it (same folder, within a week)."""
    best: tuple[dt.timedelta, int] | None = None
    for (d, q), bucket in buckets.items():
        if d != district:
            continue
        for other in bucket.files:
            if other.ref.folders != item.ref.folders or _is_evidence(other):
                continue
            gap = abs(other.ref.received_at - item.ref.received_at)
            if gap <= EVIDENCE_WINDOW and (best is None or gap < best[0]):
                best = (gap, q)
    return best[1] if best else None


def _decide(found: _Clues, item: Incoming) -> tuple[str | None, int | None, str, list[Problem]]:
    district = found.district[0][0] if found.district else None
    quarter = found.quarter[0][0] if found.quarter else None
    if district is None and quarter is None:
        reason = "ระบุอำเภอและไตรมาสไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์"
    elif district is None:
        reason = "ระบุอำเภอไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์"
    else:
        reason = "ระบุไตรมาสไม่ได้ จากหัวรายงาน โฟลเดอร์ ชื่อไฟล์ หรือวันที่กิจกรรม"
    if district is None or quarter is None:
        return district, quarter, reason, []
    name = item.ref.name
    problems = [
        problem("district_conflict", source=name, found=other, where=where, used=district)
        for other, where in found.district[1:] if other != district
    ][:1] + [
        problem("quarter_conflict", source=name, found=other, where=where, used=quarter)
        for other, where in found.quarter[1:] if other != quarter and where != _WHERE_DATES
    ][:1]
    return district, quarter, "", problems


def _place_attachment(
    buckets: dict[tuple[str, int], _Bucket], item: Incoming, found: _Clues, district: str, quarter: int
) -> None:
    """A Form attachment counts for the quarter its own header names (the contract's order of
    trust); when the response named another quarter, both reports show quarter_conflict and the
    response's totals are checked against the file where it counts. The district stays the
    response's (the respondent is checked against that district's list), and a header naming
    another district shows district_conflict on both districts' reports."""
    name = item.ref.name
    header_d = next((d for d, w in found.district if w == _WHERE_HEADER), None)
    header_q = next((q for q, w in found.quarter if w == _WHERE_HEADER), None)
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
    settings: Settings, coll_buckets: dict, c: CollectionCfg, item: Incoming, found: _Clues  # type: ignore[type-arg]
) -> Unattributed | None:
    """Put a collection's file in its bucket: it needs a district, never a quarter. Returns the
    unattributed entry when no district can be found."""
    from gsync import collections as coll

    if not found.district:
        return Unattributed(
            source="drive", id=item.ref.id, name="/".join((*item.ref.folders, item.ref.name)),
            reason=f"ระบุอำเภอไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์ ({c.name})", received_at=item.ref.received_at,
        )
    district = found.district[0][0]
    quarter = None if c.due else (found.quarter[0][0] if found.quarter else coll.quarter_of_receipt(settings, item))
    bucket = coll_buckets[(c.id, district, quarter)]
    bucket.files.append(item)
    bucket.problems.extend([
        problem("district_conflict", source=item.ref.name, found=other, where=where, used=district)
        for other, where in found.district[1:] if other != district
    ][:1])
    return None


def find_district(text: str, choices: dict[str, list[str]]) -> str | None:
    """The district named inside free text (a file or folder name): the longest name found wins."""
    key = thai.name_key(text)
    if not key:
        return None
    index = _name_index(choices)
    found = set()
    for i in range(len(key)):  # every name that starts at each position: no files x districts loop
        for nk, canonical in index.get(key[i:i + _GRAM], ()):
            if key.startswith(nk, i):
                found.add((len(nk), canonical))
        for nk, canonical in index.get(key[i:i + 1] + _SHORT, ()):
            if key.startswith(nk, i):
                found.add((len(nk), canonical))
    hits = list(found)
    if not hits:
        # a typo'd name: try each word on its own
        for word in re.split(r"[\s_\-.()]+", thai.clean(text)):
            m = thai.match_name(word, choices) if len(thai.name_key(word)) >= 4 else None
            if m:
                return m
        return None
    hits.sort(reverse=True)
    best_len = hits[0][0]
    best = {c for n, c in hits if n == best_len}
    return hits[0][1] if len(best) == 1 else None


_GRAM = 2  # names are indexed by their first two characters (their name_key)
_SHORT = "\0"  # the index entry of a one-character name
_INDEX: list[tuple[dict[str, list[str]], dict[str, list[tuple[str, str]]]]] = []


def _name_index(choices: dict[str, list[str]]) -> dict[str, list[tuple[str, str]]]:
    """name_key -> canonical, by first characters; built once per `choices` (one judge run)."""
    if _INDEX and _INDEX[0][0] is choices:
        return _INDEX[0][1]
    index: dict[str, list[tuple[str, str]]] = {}
    for canonical, aliases in choices.items():
        for name in {canonical, *aliases}:
            nk = thai.name_key(name)
            if nk:
                index.setdefault(nk[:_GRAM] if len(nk) >= _GRAM else nk + _SHORT, []).append((nk, canonical))
    _INDEX[:] = [(choices, index)]
    return index


# --- one report -------------------------------------------------------------------------

_DUPLICATE_SUFFIX = re.compile(r"(\s*\(\d+\)|\s*-\s*สำเนา|\s*copy|\s*สำเนา(ของ)?)+$", re.I)
_FORM_SUFFIX = re.compile(r"\s+-\s+[^-]+$")  # Google Forms appends " - <respondent name>"


def stem_key(name: str) -> str:
    """A file name without extension, Drive's ` (1)` and copy suffixes: re-uploads share it."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"^(copy of|สำเนาของ)\s*", "", stem.strip(), flags=re.I)
    for _ in range(3):
        stem = _DUPLICATE_SUFFIX.sub("", stem).strip()
    return thai.name_key(stem)


def _report(
    settings: Settings, d: DistrictCfg, q: int, deadline: dt.date, bucket: _Bucket, staff: StaffInput, now: dt.datetime,
    gone: Sequence[Receipt] = (),
) -> Report:
    tz, rules = settings.tz, settings.rules
    key = f"{d.name}|Q{q}"
    problems = list(bucket.problems)
    files = sorted(bucket.files, key=lambda i: (i.listed_at or i.ref.received_at, i.ref.modified_at or i.ref.received_at,
                                                i.ref.id))
    counted, superseded = _latest_versions(files)
    receipts = [r.created_at for r in bucket.responses] + [i.ref.received_at for i in files]
    receipts += [g.received_at for g in gone]
    problems.extend(_removed_problems(gone, files, tz))
    submitted = min(receipts).astimezone(tz) if receipts else None

    activities: list[tuple[str, Activity]] = []
    centres: list[tuple[str, Centre]] = []
    readable_report = False
    attachment_pending = False
    for item in counted:
        if item.parsed is None:
            attachment_pending = True
            continue
        problems.extend(p.model_copy(update={"source": p.source or item.ref.name}) for p in item.parsed.problems)
        if item.parsed.kind is FileKind.ACTIVITY:
            readable_report = True
        activities.extend((item.ref.id, a) for a in item.parsed.activities)
        centres.extend((item.ref.id, c) for c in item.parsed.centres)
    activities = _dedupe_rows(activities)

    tambons = {t: t for t in d.tambons}
    start, end = calendar.quarter_range(settings.fiscal_year, q)
    active: set[str] = set()
    checked: list[tuple[str, Activity]] = []
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
    if not rules.readable_dates:
        problems = [p for p in problems if p.code != "unreadable_date"]

    # totals are checked against the file the response's report really is (see _place_attachment)
    own = [r for r in bucket.responses if r.id not in bucket.moved_away or any(i.response_id == r.id for i in bucket.files)]
    latest = max(own + bucket.foreign, key=lambda r: (r.last_submitted_at, r.id)) if own or bucket.foreign else None
    questions = settings.form.questions if settings.form else {}
    for r in bucket.responses:
        for f in rules.required_answers:
            # report_files is judged as no_report_file, across both channels
            if f != "report_files" and questions.get(f) and not r.answers.get(f, "").strip():
                problems.append(problem("missing_answer", source=r.id, question=questions[f]))
    received = bool(receipts)
    if received and rules.report_file and not readable_report and not attachment_pending:
        problems.append(problem("no_report_file"))
    if attachment_pending and not readable_report:
        problems.append(problem("attachment_unavailable"))
    if readable_report and rules.every_centre_active:
        for t in d.tambons:
            if t not in active:
                problems.append(problem("centre_without_activity", tambon=t))
    if latest is not None and readable_report and rules.totals_match:
        problems.extend(_totals(latest, checked, active, rules.totals_tolerance))

    excused = key in staff.excused
    timeliness = timeliness_of(excused, submitted, deadline, now, tz)
    problems = _unique(problems)
    complete = None if not received else not any(p.code not in NOT_BLOCKING for p in problems)
    return Report(
        district=d.name, quarter=q, deadline=deadline, timeliness=timeliness, complete=complete,  # type: ignore[arg-type]
        submitted_at=submitted, problems=problems, responses=bucket.responses,
        # An attachment this run could not fetch (an offline CSV link) is not listed beside a readable
        # report: it is most likely that same file, which the Google path counts once.
        files=[i.ref for i in files if i in counted and not (readable_report and i.parsed is None)], superseded=[i.ref for i in superseded], removed=list(gone),
        activities=checked, centres=centres, centres_expected=len(d.tambons),
        centres_active=len(active), excused=excused, note=staff.notes.get(key, ""),
    )


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


def _latest_versions(files: list[Incoming]) -> tuple[list[Incoming], list[Incoming]]:
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


def _dedupe_rows(rows: list[tuple[str, Activity]]) -> list[tuple[str, Activity]]:
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


def _unique(problems: Iterable[Problem]) -> list[Problem]:
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
