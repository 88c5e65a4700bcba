"""A province's judged outcome as the normalized rows it publishes (pure: no Parquet here).

Every row carries the fiscal year, the province's and the district's DOPA codes and Thai names,
and `as_of` (added when a table is written, so that an unchanged table hashes the same). The
reports table holds what the national figures need to count exactly as the province's own
`gsync status` does (judging.rates): `excused`, `due` (the deadline had passed at `as_of`),
`submitted_at`, `timeliness`, `complete`, `review`. No phone number or chair's name leaves the
province.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from gsync import thai_calendar
from gsync.config import Settings
from gsync.national.codes import Codes
from gsync.outcome import Outcome

Rows = list[dict[str, Any]]

# Column name -> type, in order. Types: str, int, float, bool, date, timestamp (UTC).
COMMON = {"schema_version": "int", "fiscal_year": "int", "province_code": "str", "province": "str",
          "district_code": "str", "district": "str"}
COLUMNS: dict[str, dict[str, str]] = {
    "reports": {**COMMON, "kind": "str", "collection": "str", "collection_name": "str", "quarter": "int",
                "deadline": "date", "timeliness": "str", "complete": "bool", "submitted_at": "timestamp",
                "excused": "bool", "due": "bool", "review": "str", "problems": "int", "problem_codes": "str",
                "files": "int", "centres_active": "int", "centres_expected": "int", "as_of": "timestamp"},
    "activities": {**COMMON, "quarter": "int", "source": "str", "file_id": "str", "row": "int", "tambon": "str",
                   "centre": "str", "name": "str", "category": "str", "mission": "str", "date": "date",
                   "participants": "int", "sectors": "str", "budget": "float", "as_of": "timestamp"},
    "centres": {**COMMON, "source": "str", "file_id": "str", "row": "int", "name": "str", "moo": "str",
                "tambon": "str", "level": "str", "lat": "float", "lon": "float", "as_of": "timestamp"},
}


def province_tables(settings: Settings, outcome: Outcome, now: dt.datetime, codes: Codes,
                    province_code: str) -> dict[str, Rows]:
    """The three tables, without `as_of`; rows in a stable order."""
    from gsync.national import SCHEMA_VERSION

    tz = settings.tz

    def base(district: str) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "fiscal_year": settings.fiscal_year,
                "province_code": province_code, "province": settings.province.name,
                "district_code": codes.district_code(province_code, district), "district": district}

    reports: Rows = []
    activities: Rows = []
    centres: Rows = []
    for r in outcome.reports:
        reports.append({**base(r.district), "kind": "quarter", "collection": "", "collection_name": "",
                        "quarter": r.quarter, "deadline": r.deadline, "timeliness": r.timeliness,
                        "complete": r.complete, "submitted_at": _utc(r.submitted_at), "excused": r.excused,
                        "due": thai_calendar.is_due(now, r.deadline, tz), "review": r.review or "",
                        "problems": len(r.problems), "problem_codes": ",".join(sorted({p.code for p in r.problems})),
                        "files": len(r.files), "centres_active": r.centres_active,
                        "centres_expected": r.centres_expected})
        activities += [_activity(base(r.district), r.quarter, "quarter", fid, a) for fid, a in r.activities]
        centres += [_centre(base(r.district), "quarter", fid, c) for fid, c in r.centres]
    for c in outcome.collections:
        reports.append({**base(c.district), "kind": "collection", "collection": c.collection,
                        "collection_name": c.name, "quarter": c.quarter, "deadline": c.deadline,
                        "timeliness": c.timeliness, "complete": c.complete, "submitted_at": _utc(c.submitted_at),
                        "excused": c.excused, "due": thai_calendar.is_due(now, c.deadline, tz), "review": "",
                        "problems": len(c.problems), "problem_codes": ",".join(sorted({p.code for p in c.problems})),
                        "files": len(c.files), "centres_active": 0, "centres_expected": 0})
        activities += [_activity(base(c.district), c.quarter, c.collection, fid, a) for fid, a in c.activities]
        centres += [_centre(base(c.district), c.collection, fid, x) for fid, x in c.centres]
    return {"reports": reports, "activities": activities, "centres": centres}


def _utc(t: dt.datetime | None) -> dt.datetime | None:
    return t.astimezone(dt.UTC) if t is not None else None


def _activity(row: dict[str, Any], quarter: int | None, source: str, file_id: str, a: Any) -> dict[str, Any]:
    return {**row, "quarter": quarter, "source": source, "file_id": file_id, "row": a.row, "tambon": a.tambon,
            "centre": a.centre, "name": a.name, "category": a.group or "", "mission": a.mission or "",
            "date": a.date, "participants": a.participants, "sectors": "|".join(a.sectors), "budget": a.budget}


def _centre(row: dict[str, Any], source: str, file_id: str, c: Any) -> dict[str, Any]:
    return {**row, "source": source, "file_id": file_id, "row": c.row, "name": c.name, "moo": c.moo,
            "tambon": c.tambon, "level": c.level or "", "lat": c.lat, "lon": c.lon}


def content_hash(rows: Rows) -> str:
    """What a table says, `as_of` left out: equal hashes mean nothing to publish."""
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()
