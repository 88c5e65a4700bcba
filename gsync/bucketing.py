"""Bucketing: which report each response and listed file goes to, before anything is judged.

Attribution (gsync.attribution) reads the clues; this module puts each response and file in
the bucket of its district and quarter, or of its collection (`[[collections]]`), completes
what gsync could not find with what staff chose in ไฟล์ที่ระบุไม่ได้, places photos beside the
report uploaded with them, and lists what nobody could place. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from gsync import thai, thai_calendar
from gsync.attribution import (
    Clues,
    Incoming,
    attribute_file,
    attribute_response,
    decide,
    is_evidence,
    nearest_beside,
    nearest_report,
)
from gsync.config import CollectionCfg, Settings
from gsync.messages import problem
from gsync.models import FileKind, FormResponse, Problem, Unattributed
from gsync.staff import StaffInput

KIND_OF_FILE = {FileKind.REGISTER: "register", FileKind.LESSONS: "lessons", FileKind.ACTIVITY: "activity"}


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
class ReportBucket:
    """What counts toward one quarterly report."""

    responses: list[FormResponse] = field(default_factory=list)
    files: list[Incoming] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    foreign: list[FormResponse] = field(default_factory=list)  # responses whose file counts here instead
    moved_away: set[str] = field(default_factory=set)  # responses whose file counts in another quarter


ReportKey = tuple[str, int]  # (district, quarter)


@dataclass
class CollectionBucket:
    """What counts toward one collection's report."""

    files: list[Incoming] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


CollectionKey = tuple[str, str, int | None]  # (collection id, district, quarter or None)


@dataclass
class Sorting:
    """What `sort` builds: the buckets, the Form responses as listed, and what could not be placed."""

    buckets: dict[ReportKey, ReportBucket] = field(default_factory=lambda: defaultdict(ReportBucket))
    collections: dict[CollectionKey, CollectionBucket] = field(
        default_factory=lambda: defaultdict(CollectionBucket))
    unattributed: list[Unattributed] = field(default_factory=list)
    response_rows: list[ResponseRow] = field(default_factory=list)
    where_response: dict[str, ReportKey] = field(default_factory=dict)
    placed: dict[str, Placement] = field(default_factory=dict)
    evidence: list[tuple[Incoming, str, str]] = field(default_factory=list)  # (file, district, reason)


def sort(settings: Settings, responses: Sequence[FormResponse], incoming: Sequence[Incoming],
         staff: StaffInput) -> Sorting:
    """Every response and listed file into its bucket, or into unattributed."""
    choices = settings.district_choices()
    out = Sorting()
    for r in sorted(responses, key=lambda r: (r.created_at, r.id)):
        _sort_response(settings, out, r, staff, choices)
    seen: set[str] = set()
    for item in incoming:
        if item.ref.id in seen:
            continue  # the same Drive file through both channels counts once
        seen.add(item.ref.id)
        _sort_file(settings, out, item, staff, choices)
    _place_evidence(out)
    return out


def _sort_response(settings: Settings, out: Sorting, r: FormResponse, staff: StaffInput,
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


def _sort_file(settings: Settings, out: Sorting, item: Incoming, staff: StaffInput,
               choices: dict[str, list[str]]) -> None:
    """One listed file into its report's (or collection's) bucket, the evidence list, or unattributed."""
    found = attribute_file(settings, item, choices)
    c = collection_of(settings, item)
    if item.response_id is not None:
        if item.response_id not in out.where_response:
            return  # its response is unattributed or not (yet) accepted
        rd, rq = out.where_response[item.response_id]
        if c is not None:
            q = None if c.due else found.header_quarter() or rq
            out.collections[(c.id, rd, q)].files.append(item)
        _place_attachment(out.buckets, item, found, rd, rq)
        return
    if c is not None:
        unplaced = _claim_for_collection(settings, out.collections, c, item, found)
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


def _place_evidence(out: Sorting) -> None:
    """Photos with a district but no quarter: beside the report (or collection file) uploaded with them."""
    for item, district, reason in out.evidence:
        quarter = nearest_report(item, district, {k: b.files for k, b in out.buckets.items()})
        if quarter is None and (ckey := nearest_collection(item, district, out.collections)) is not None:
            out.collections[ckey].files.append(item)  # a photo beside a register or a lessons record
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
    buckets: dict[ReportKey, ReportBucket], item: Incoming, found: Clues, district: str, quarter: int
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
    settings: Settings, coll_buckets: dict[CollectionKey, CollectionBucket], c: CollectionCfg, item: Incoming,
    found: Clues,
) -> Unattributed | None:
    """Put a collection's file in its bucket: it needs a district, never a quarter. Returns the
    unattributed entry when no district can be found."""
    if not found.district:
        return _unattributed_file(item, f"ระบุอำเภอไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์ ({c.name})")
    district = found.district[0].district
    quarter = None if c.due else (found.quarter[0].quarter if found.quarter else quarter_of_receipt(settings, item))
    bucket = coll_buckets[(c.id, district, quarter)]
    bucket.files.append(item)
    bucket.problems.extend([
        problem("district_conflict", source=item.ref.name, found=district, where=where, used=other)
        for other, where in found.district[1:] if other != district
    ][:1])
    return None


def collection_of(settings: Settings, item: Incoming) -> CollectionCfg | None:
    """The collection a file belongs to, or None (then it is a quarterly report file, or evidence)."""
    if not settings.collections or item.parsed is None:
        return None
    kind = KIND_OF_FILE.get(item.parsed.kind)
    if kind is None:
        return None
    candidates = [c for c in settings.collections if c.kind == kind]
    if not candidates:
        return None
    where = thai.name_key(" ".join((*item.ref.folders, item.ref.name)))
    for c in candidates:
        if any(thai.name_key(k) and thai.name_key(k) in where for k in c.keywords):
            return c
    if kind == "activity":
        return None  # without its keyword, an activity report is the quarterly one
    plain = [c for c in candidates if not c.keywords]
    return plain[0] if plain else candidates[0]


def quarter_of_receipt(settings: Settings, item: Incoming) -> int:
    """The quarter a file with no quarter clue counts for: the one it was received in (clamped
    to the fiscal year)."""
    local = item.ref.received_at.astimezone(settings.tz).date()
    fy, q = thai_calendar.quarter_of(local)
    if fy < settings.fiscal_year:
        return 1
    if fy > settings.fiscal_year:
        return 4
    return q


def nearest_collection(item: Incoming, district: str,
                       buckets: dict[CollectionKey, CollectionBucket]) -> CollectionKey | None:
    """The collection a photo with no quarter belongs to: a file of it in the same folder, uploaded
    within a week (as judging does for quarterly reports)."""
    return nearest_beside(item, ((key, bucket.files) for key, bucket in buckets.items() if key[1] == district))

