"""Reporting rates, DHIS2-style: per quarter for the quarterly reports, per collection (and
quarter) for the `[[collections]]`. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from gsync import thai_calendar
from gsync.models import CollectionReport, QuarterRates, Report


def quarter_rates(reports: Sequence[Report], now: dt.datetime, tz: dt.tzinfo) -> list[QuarterRates]:
    """Reporting rates per quarter, DHIS2-style: expected = reports due (or already in), less excused."""
    out = []
    for q in sorted({r.quarter for r in reports}):
        rs = [r for r in reports if r.quarter == q]
        expected = [r for r in rs if not r.excused and (r.submitted_at or thai_calendar.is_due(now, r.deadline, tz))]
        received = [r for r in expected if r.submitted_at is not None]
        on_time = [r for r in received if r.timeliness == "on_time"]
        due = [r for r in rs if not r.excused and thai_calendar.is_due(now, r.deadline, tz)]
        out.append(QuarterRates(
            districts=len(rs), due=len(due), not_yet_due=not any(thai_calendar.is_due(now, r.deadline, tz) for r in rs),
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


@dataclass(frozen=True)
class CollectionRates:
    collection: str
    name: str
    quarter: int | None
    deadline: dt.date
    expected: int
    received: int
    on_time: int
    complete: int
    reporting_rate: float | None
    on_time_rate: float | None


def collection_rates(reports: Sequence[CollectionReport], now: dt.datetime, tz: dt.tzinfo) -> list[CollectionRates]:
    """Per collection (and quarter): expected, received, on time, complete, and the two rates."""
    groups: dict[tuple[str, int | None], list[CollectionReport]] = defaultdict(list)
    for r in reports:
        groups[(r.collection, r.quarter)].append(r)
    out: list[CollectionRates] = []
    for (cid, q), rs in groups.items():
        expected = [r for r in rs if not r.excused and (r.submitted_at or thai_calendar.is_due(now, r.deadline, tz))]
        received = [r for r in expected if r.submitted_at is not None]
        on_time = [r for r in received if r.timeliness == "on_time"]
        out.append(CollectionRates(
            collection=cid, name=rs[0].name, quarter=q, deadline=rs[0].deadline,
            expected=len(expected), received=len(received), on_time=len(on_time),
            complete=sum(1 for r in received if r.complete),
            reporting_rate=len(received) / len(expected) if expected else None,
            on_time_rate=len(on_time) / len(expected) if expected else None,
        ))
    return out
