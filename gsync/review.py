"""Review tracking: what staff decided in ผลการตรวจ, applied to each report, and the decisions
gsync sees for the first time (the rows of ประวัติการตรวจ). Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gsync import thai_calendar
from gsync.config import Settings
from gsync.messages import problem
from gsync.models import Report
from gsync.staff import StaffInput


@dataclass(frozen=True)
class ReviewEvent:
    """A review decision gsync saw for the first time (a row of ประวัติการตรวจ)."""

    key: str  # Report.key
    district: str
    quarter: int
    decision: str | None  # "accepted" | "returned" | None (staff cleared it)
    reason: str
    seen_at: dt.datetime


def track(settings: Settings, report: Report, staff: StaffInput, now: dt.datetime) -> list[ReviewEvent]:
    """Set the report's review from ผลการตรวจ, and return the decision if gsync sees it for the first time.

    Returned: `returned` until something new arrives for the report after gsync first saw the
    return (a file uploaded or re-uploaded, a form response edited); then `resubmitted`.
    ผ่าน: `accepted`. The time a return was first seen is the ประวัติการตรวจ row of it, which
    the master keeps (append-only), so it survives a lost state.
    """
    key = report.key
    if key in staff.review_unknown:  # changes nothing, and is never silently ignored
        report.problems.append(problem("unknown_review", text=staff.review_unknown[key]))
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
                and not thai_calendar.is_on_time(after[0].astimezone(settings.tz), report.deadline, settings.tz):
            report.timeliness = "late"
    return events
