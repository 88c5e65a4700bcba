"""What counts, for quarterly reports and collections alike: the latest version of each file,
each activity row once, each problem once, which problems leave a report incomplete, and the
one timeliness rule.

Pure. The floor under judging and collections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from gsync import thai, thai_calendar
from gsync.attribution import Incoming, stem_key
from gsync.models import Activity, FileKind, ParsedFile, Problem

# Problems that are worth showing but do not make a report incomplete.
# file_removed does not block by itself: completeness judges what is there now (a removed
# report file that was the only one leaves no_report_file, which does).
NOT_BLOCKING = frozenset({"truncated", "attachment_unavailable", "file_removed", "unknown_review"})


def timeliness_of(excused: bool, submitted: dt.datetime | None, deadline: dt.date, now: dt.datetime,
                  tz: dt.tzinfo) -> str:
    """The one rule, for quarterly reports and collections alike: staff's excuse, else the first
    receipt against the end of the deadline day (Bangkok), else whether the deadline has passed."""
    if excused:
        return "excused"
    if submitted is not None:
        return "on_time" if thai_calendar.is_on_time(submitted, deadline, tz) else "late"
    return "missing" if thai_calendar.is_due(now, deadline, tz) else "not_yet_due"


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


def unique(problems: Iterable[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        k = (p.code, p.message, p.source, p.row)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out

