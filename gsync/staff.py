"""What staff typed into the master that gsync reads back: excuses, accepted respondents,
notes, review decisions (now and as last recorded), and where staff placed a file.

The floor under judging and collections (both read it); master.tables fills it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple


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
    review_unknown: dict[str, str] = field(default_factory=dict)  # Report.key -> a ผลการตรวจ word gsync does not know

