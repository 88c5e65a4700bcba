"""The data gsync moves around: what arrives, what is parsed out of it, and what is judged.

Everything here is plain data (pydantic models, no I/O). Times are always timezone-aware.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# --- problems -----------------------------------------------------------------------------

# Contract codes (contract.md section 5) and the ones gsync adds. Each has a Thai message
# template and a label in gsync/messages.py; the code is what operators script against.
ProblemCode = Literal[
    # contract
    "no_report_file",
    "unreadable_file",
    "centre_without_activity",
    "date_outside_quarter",
    "unknown_category",
    "no_participants",
    "totals_mismatch",
    "unauthorized_respondent",
    # gsync additions
    "missing_answer",  # a required form answer is empty
    "unreadable_date",  # a date cell nobody can read
    "unknown_tambon",  # a row's sub-district is not one of the district's
    "district_conflict",  # header, folder, name or form disagree on the district
    "quarter_conflict",  # header, folder, name or form disagree on the quarter
    "no_header",  # a spreadsheet with no recognisable header row
    "missing_column",  # a required column is absent from the header
    "truncated",  # too many rows: the rest was not read
    "attachment_unavailable",  # a Form attachment this run cannot download (offline CSV)
    "file_removed",  # a file or response that once counted is gone; its receipt is kept
    "unknown_review",  # staff typed a word in ผลการตรวจ that is not a review word: nothing changed
    # collections (gsync/collection_judging.py) and fiscal years
    "wrong_fiscal_year",  # a quarter answer that names another fiscal year
    "no_collection_file",  # something arrived for a collection, but no readable file of its kind
    "tambon_without_centre",  # register: a sub-district with no centre row
    "no_district_centre",  # register: no district-level centre
    "missing_chair",  # register: a centre without its chair person
    "missing_phone",  # register: a centre without a phone
    "coordinates_outside_thailand",  # register: coordinates not in Thailand
    "coordinates_outside_province",  # register: coordinates outside the province's [province] bbox
    "missing_lesson_field",  # lessons: a required field of the record is empty
]


class Problem(Frozen):
    """One thing wrong with a submission. Data, never an exception."""

    code: ProblemCode
    message: str  # Thai, for staff
    source: str | None = None  # file name or form response id
    row: int | None = None  # 1-based spreadsheet row, when it is about a row
    field: str | None = None


# --- what was parsed out of a report file ------------------------------------------------


class Activity(Frozen):
    """One row of the activity report, normalized. Raw text is kept next to what was made of it."""

    row: int  # 1-based row in the sheet
    sheet: str = ""
    tambon: str = ""  # canonical sub-district name when matched, else the text as typed
    centre: str = ""
    name: str = ""
    group: str | None = None  # "3.1" | "3.2" | "3.3" | None when unknown
    mission: str | None = None  # canonical vocabulary term, None when not matched
    category_raw: str = ""  # the category and mission cells as typed, for staff
    date: dt.date | None = None
    date_raw: str = ""
    place: str = ""
    participants: int | None = None
    participants_raw: str = ""
    sectors: tuple[str, ...] = ()  # canonical partner sectors
    sectors_raw: str = ""
    budget: float | None = None
    result: str = ""


class Centre(Frozen):
    """One row of the centre register."""

    row: int
    sheet: str = ""
    name: str = ""
    moo: str = ""
    tambon: str = ""
    chair: str = ""
    phone: str = ""  # normalized, leading zero kept
    level: Literal["district", "subdistrict"] | None = None
    lat: float | None = None
    lon: float | None = None
    note: str = ""
    coords_unread: str = ""  # the พิกัด cell as typed, when it has numbers but no valid lat, lon pair


class FileKind(StrEnum):
    ACTIVITY = "activity"  # activity report
    REGISTER = "register"  # centre register
    EVIDENCE = "evidence"  # photo, pdf: kept, not parsed
    LESSONS = "lessons"  # lessons-learned record(s) (แบบบันทึกองค์ความรู้, seed 004)
    UNKNOWN = "unknown"  # a spreadsheet or document with no table gsync recognises


class LessonRecord(Frozen):
    """One lessons-learned record (แบบบันทึกองค์ความรู้, seed 004): the form's fields as typed."""

    index: int = 1  # 1-based: the n-th record in its file
    reporter: str = ""  # ชื่อผู้ถอดบทเรียน
    phone: str = ""  # เบอร์โทรที่สามารถติดต่อได้ (normalized when readable)
    title: str = ""  # ชื่อเรื่อง
    problem: str = ""  # เป็นการแก้ไขปัญหาเกี่ยวกับ
    place: str = ""  # สถานที่เกิดเหตุการณ์
    story: str = ""  # เนื้อเรื่อง
    assets: str = ""  # ขุมความรู้ (Knowledge Assets)
    core: str = ""  # แก่นความรู้ (Core Competency)
    strategy: str = ""  # กลยุทธ์ในการทำงาน
    theory: str = ""  # แนวคิดทฤษฎีที่สอดคล้องกับแก่นความรู้


class ParsedFile(Frozen):
    """What a report file says. Pure function of its bytes and the settings."""

    kind: FileKind
    header_district: str | None = None  # as typed in the header cells
    header_province: str | None = None
    header_quarter: int | None = None
    activities: tuple[Activity, ...] = ()
    centres: tuple[Centre, ...] = ()
    problems: tuple[Problem, ...] = ()
    lessons: tuple[LessonRecord, ...] = ()


# --- what arrives ------------------------------------------------------------------------


class FileRef(Frozen):
    """A file as a channel lists it. `id` is stable across runs (Drive id, or relative path)."""

    id: str
    name: str
    folders: tuple[str, ...] = ()  # folder path below the root, outermost first
    mime_type: str = ""
    received_at: dt.datetime  # Drive createdTime, or mtime offline: the receipt
    modified_at: dt.datetime | None = None
    version: str = ""  # changes when the content changes (md5, size+mtime)
    size: int | None = None
    uploader: str | None = None  # email, where the channel says
    channel: Literal["drive", "form"] = "drive"


class FormResponse(Frozen):
    """One Google Form response, mapped from questions to gsync's field names."""

    id: str
    created_at: dt.datetime
    last_submitted_at: dt.datetime
    email: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)  # field name -> text as typed
    report_files: tuple[FileRef, ...] = ()  # the file-upload answer for the report
    photo_files: tuple[FileRef, ...] = ()
    extra: dict[str, str] = Field(default_factory=dict)  # answers to unmapped questions


class Receipt(Frozen):
    """A file or response that once counted for a report, remembered in the state so that its
    receipt time outlives it (deleted, trashed, moved out of the folder, response deleted)."""

    source: Literal["drive", "form"]
    id: str
    name: str
    received_at: dt.datetime
    removed_at: dt.datetime | None = None  # the first run that no longer saw it


# --- judgements -------------------------------------------------------------------------

Timeliness = Literal["not_yet_due", "on_time", "late", "missing", "excused"]


class Unattributed(Frozen):
    source: Literal["drive", "form"]
    name: str
    reason: str  # Thai
    id: str = ""
    received_at: dt.datetime | None = None


class Report(BaseModel):
    """One district's report for one quarter: the union of both channels."""

    district: str
    quarter: int
    deadline: dt.date
    timeliness: Timeliness
    complete: bool | None
    submitted_at: dt.datetime | None
    problems: list[Problem] = Field(default_factory=list)
    responses: list[FormResponse] = Field(default_factory=list)
    files: list[FileRef] = Field(default_factory=list)  # every file that counts, newest last
    superseded: list[FileRef] = Field(default_factory=list)  # replaced by a re-upload
    removed: list[Receipt] = Field(default_factory=list)  # counted once, gone now: the receipt stays
    activities: list[tuple[str, Activity]] = Field(default_factory=list)  # (file id, row)
    centres: list[tuple[str, Centre]] = Field(default_factory=list)
    centres_expected: int = 0
    centres_active: int = 0
    excused: bool = False
    note: str = ""
    review: Literal["returned", "resubmitted", "accepted"] | None = None
    review_reason: str | None = None

    @property
    def key(self) -> str:
        return f"{self.district}|Q{self.quarter}"

    def status_json(self) -> dict[str, object]:
        """The contract's `gsync status --json` object for this report."""
        return {
            "district": self.district,
            "quarter": self.quarter,
            "deadline": self.deadline.isoformat(),
            "timeliness": self.timeliness,
            "complete": self.complete,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
            "review": self.review,
            "review_reason": self.review_reason,
            "received_files": [_printable(f.name) for f in self.files],
        }


def _printable(name: str) -> str:
    """A file name as JSON can carry it: bytes that were not UTF-8 (a cp874 name unzipped on
    Linux reach Python as lone surrogates) are shown escaped rather than failing the output."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


class QuarterRates(Frozen):
    """Reporting-rate figures for one quarter (as health ministries count them)."""

    quarter: int
    expected: int  # reports due so far (deadline passed), or all when counting the year
    received: int
    on_time: int
    complete: int
    reporting_rate: float | None  # received / expected
    on_time_rate: float | None  # on_time / expected
    centres_active: int
    centres_expected: int
    districts: int = 0  # every district, due or not
    due: int = 0  # reports whose deadline has passed (excused ones left out)
    accepted: int = 0  # received and passed staff's review (ผ่าน)
    returned: int = 0  # returned for correction and not yet passed
    not_yet_due: bool = False  # the quarter's deadline has not passed: no rate means anything yet


class CollectionReport(BaseModel):
    """One district's report for one collection (`[[collections]]`): a one-off or quarterly deliverable."""

    collection: str  # the collection's id
    name: str  # its Thai name
    kind: Literal["register", "lessons", "activity"]
    district: str
    quarter: int | None = None  # set for a collection that follows the quarterly rule
    deadline: dt.date
    timeliness: Timeliness
    complete: bool | None
    submitted_at: dt.datetime | None
    problems: list[Problem] = Field(default_factory=list)
    files: list[FileRef] = Field(default_factory=list)  # every file that counts, oldest first
    superseded: list[FileRef] = Field(default_factory=list)
    centres: list[tuple[str, Centre]] = Field(default_factory=list)  # (file id, row)
    activities: list[tuple[str, Activity]] = Field(default_factory=list)
    lessons: list[tuple[str, LessonRecord]] = Field(default_factory=list)
    excused: bool = False
    note: str = ""

    @property
    def key(self) -> str:
        """The row key in รายงาน (staff's ยกเว้น mark there excuses it, as for a quarter)."""
        return f"{self.district}|{self.collection}" + (f"|Q{self.quarter}" if self.quarter else "")

    def status_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "collection": self.collection,
            "district": self.district,
            "deadline": self.deadline.isoformat(),
            "timeliness": self.timeliness,
            "complete": self.complete,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
        }
        if self.quarter is not None:
            out["quarter"] = self.quarter
        return out
