"""Attribution: which district, quarter (or collection) a file or a Form response belongs to.

Pure: a listed file and what was parsed out of it, or a response's answers, and the config's
district names. A file's district and quarter come from, in order of trust, the report's own
header cells, its folder path, its file name (and, for the quarter, its activities' dates)
(contract section 2). What cannot be attributed is the judge's to list for staff, never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from gsync import fiscal, thai, thai_calendar
from gsync.config import Settings
from gsync.messages import problem
from gsync.models import FileKind, FileRef, FormResponse, ParsedFile, Problem

WHERE_HEADER, WHERE_FOLDER, WHERE_NAME, WHERE_DATES = "หัวรายงาน", "โฟลเดอร์", "ชื่อไฟล์", "วันที่กิจกรรม"
# A photo with no quarter belongs with the report uploaded beside it within this time.
EVIDENCE_WINDOW = dt.timedelta(days=7)


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


class DistrictClue(NamedTuple):
    district: str
    where: str  # WHERE_HEADER | WHERE_FOLDER | WHERE_NAME


class QuarterClue(NamedTuple):
    quarter: int
    where: str  # WHERE_HEADER | WHERE_FOLDER | WHERE_NAME | WHERE_DATES


@dataclass(frozen=True)
class Clues:
    """Where a file says it belongs, by source, most trusted first."""

    district: list[DistrictClue]
    quarter: list[QuarterClue]

    def header_district(self) -> str | None:
        return next((c.district for c in self.district if c.where == WHERE_HEADER), None)

    def header_quarter(self) -> int | None:
        return next((c.quarter for c in self.quarter if c.where == WHERE_HEADER), None)


class Decision(NamedTuple):
    """A file's district and quarter (None where not found), why not, and the clues that disagree."""

    district: str | None
    quarter: int | None
    reason: str
    conflicts: list[Problem]


class ResponseClues(NamedTuple):
    """What a response's answers name: its district and quarter, and another fiscal year it names."""

    district: str | None
    quarter: int | None
    other_fiscal_year: int | None


def attribute_response(settings: Settings, r: FormResponse, choices: dict[str, list[str]]) -> ResponseClues:
    district = thai.match_name(r.answers.get("district", ""), choices)
    quarter, other_fy = fiscal.parse_quarter_answer(settings, r.answers.get("quarter", ""))
    return ResponseClues(district, quarter, other_fy)


def attribute_file(settings: Settings, item: Incoming, choices: dict[str, list[str]]) -> Clues:
    districts: list[DistrictClue] = []
    quarters: list[QuarterClue] = []
    parsed = item.parsed
    if parsed is not None and parsed.header_district:
        found = thai.match_name(parsed.header_district, choices) or find_district(parsed.header_district, choices)
        if found:
            districts.append(DistrictClue(found, WHERE_HEADER))
    if parsed is not None and parsed.header_quarter:
        quarters.append(QuarterClue(parsed.header_quarter, WHERE_HEADER))
    for folder in reversed(item.ref.folders):  # the innermost folder is the most specific
        found = find_district(folder, choices)
        if found:
            districts.append(DistrictClue(found, WHERE_FOLDER))
            break
    for folder in reversed(item.ref.folders):
        q = thai.quarter_in_name(folder)
        if q:
            quarters.append(QuarterClue(q, WHERE_FOLDER))
            break
    found = find_district(item.ref.name, choices)
    if found:
        districts.append(DistrictClue(found, WHERE_NAME))
    q = thai.quarter_in_name(item.ref.name)
    if q:
        quarters.append(QuarterClue(q, WHERE_NAME))
    if parsed is not None and parsed.activities:
        qs = {thai_calendar.quarter_of(a.date) for a in parsed.activities if a.date}
        if len(qs) == 1:
            (afy, aq), = qs
            if afy == settings.fiscal_year:
                quarters.append(QuarterClue(aq, WHERE_DATES))
    return Clues(districts, quarters)


def is_evidence(item: Incoming) -> bool:
    return item.parsed is not None and item.parsed.kind is FileKind.EVIDENCE


def nearest_report(item: Incoming, district: str, files: Mapping[tuple[str, int], Sequence[Incoming]]) -> int | None:
    """A photo with no quarter belongs with the report uploaded beside it (same folder, within a week)."""
    return nearest_beside(item, ((q, listed) for (d, q), listed in files.items() if d == district))


K = TypeVar("K")


def nearest_beside(item: Incoming, candidates: Iterable[tuple[K, Iterable[Incoming]]]) -> K | None:
    """The key of the non-evidence file uploaded closest to *item* in the same folder, within
    `EVIDENCE_WINDOW`: where a photo with nothing else to go by belongs."""
    best: tuple[dt.timedelta, K] | None = None
    for key, listed in candidates:
        for other in listed:
            if other.ref.folders != item.ref.folders or is_evidence(other):
                continue
            gap = abs(other.ref.received_at - item.ref.received_at)
            if gap <= EVIDENCE_WINDOW and (best is None or gap < best[0]):
                best = (gap, key)
    return best[1] if best else None


def decide(found: Clues, item: Incoming) -> Decision:
    district = found.district[0].district if found.district else None
    quarter = found.quarter[0].quarter if found.quarter else None
    if district is None and quarter is None:
        reason = "ระบุอำเภอและไตรมาสไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์"
    elif district is None:
        reason = "ระบุอำเภอไม่ได้ จากหัวรายงาน โฟลเดอร์ หรือชื่อไฟล์"
    else:
        reason = "ระบุไตรมาสไม่ได้ จากหัวรายงาน โฟลเดอร์ ชื่อไฟล์ หรือวันที่กิจกรรม"
    if district is None or quarter is None:
        return Decision(district, quarter, reason, [])
    name = item.ref.name
    # the messages read "the file says {found}, but {where} says {used}": `found` is the most
    # trusted clue (the one gsync goes by), `where` and `used` the other place and what it says
    problems = [
        problem("district_conflict", source=name, found=district, where=where, used=other)
        for other, where in found.district[1:] if other != district
    ][:1] + [
        problem("quarter_conflict", source=name, found=quarter, where=where, used=other)
        for other, where in found.quarter[1:] if other != quarter and where != WHERE_DATES
    ][:1]
    return Decision(district, quarter, "", problems)


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


_DUPLICATE_SUFFIX = re.compile(r"(\s*\(\d+\)|\s*-\s*สำเนา|\s*copy|\s*สำเนา(ของ)?)+$", re.I)


def stem_key(name: str) -> str:
    """A file name without extension, Drive's ` (1)` and copy suffixes: re-uploads share it."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"^(copy of|สำเนาของ)\s*", "", stem.strip(), flags=re.I)
    for _ in range(3):
        stem = _DUPLICATE_SUFFIX.sub("", stem).strip()
    return thai.name_key(stem)
