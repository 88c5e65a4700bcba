"""The outcome of a run: every quarterly report and collection judged, with the rates.

Pure: takes the responses, the listed files with what was parsed out of them, what staff
marked in the master, and `now`. Bucketing says which report each belongs to; judging and
collections judge each report; review tracking applies staff's decisions; rates sum it up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gsync import bucketing, collection_judging, judging, review, thai_calendar
from gsync.attribution import Incoming
from gsync.bucketing import Placement, ReportBucket, ResponseRow
from gsync.config import Settings
from gsync.models import CollectionReport, FormResponse, QuarterRates, Receipt, Report, Unattributed
from gsync.rates import quarter_rates
from gsync.review import ReviewEvent
from gsync.staff import StaffInput


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
    out = bucketing.sort(settings, responses, incoming, staff)

    cal = thai_calendar.WorkCalendar(settings.deadlines.extra_holidays, settings.deadlines.extra_working_days)
    due_dates = thai_calendar.deadlines(fy, settings.deadlines.explicit(), day=settings.deadlines.day, cal=cal)
    reports = []
    events: list[ReviewEvent] = []
    for d in settings.districts:
        for q in thai_calendar.quarters_of_year(fy):
            gone = (removed or {}).get(f"{d.name}|Q{q}", ())
            bucket = out.buckets.get((d.name, q), ReportBucket())
            report = judging.report(settings, d, q, due_dates[q], bucket, staff, now, gone)
            events.extend(review.track(settings, report, staff, now))
            reports.append(report)
    collection_reports = collection_judging.judge(settings, out.collections, staff, now, due_dates)
    return Outcome(reports, out.unattributed, quarter_rates(reports, now, tz), out.response_rows, events, out.placed,
                   collection_reports)
