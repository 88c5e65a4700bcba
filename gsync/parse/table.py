"""Find the report table in a grid and turn its rows into `Activity` / `Centre` models.

A header row is searched in the first `HEADER_SCAN_ROWS` rows of every sheet. Columns are
matched by meaning (header synonyms from settings, compared by `thai.name_key`, then a fuzzy
ratio), never by position. A header may span two rows (merged cells: a group title above
sub-headers). Rows above the header may hold the district, province and quarter.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gsync import thai, vocab
from gsync.config import Settings
from gsync.messages import problem
from gsync.models import Activity, Centre, Problem

from .grid import MAX_EMPTY_RUN, Cell, Row, SheetGrid

TableKind = Literal["activity", "register"]

HEADER_SCAN_ROWS = 15
FUZZY_MIN = 85
MIN_COLUMNS = 3
REQUIRED: dict[TableKind, tuple[str, ...]] = {
    "activity": vocab.ACTIVITY_REQUIRED,
    "register": vocab.REGISTER_REQUIRED,
}
_SEQ = "seq"  # the row-number column: never makes a row data on its own

_FOOTER = re.compile(r"^[(\[]?\s*(?:ลงชื่อ|ลงนาม|ผู้รายงาน|ผู้จัดทำ|ตำแหน่ง|โทร|หมายเหตุ\s*[:：])")
_TOTAL = re.compile(r"^(?:ยอด)?รวม(?:ทั้งสิ้น|ทั้งหมด|ทั้ง\s*สิ้น)?(?:\s|$|[:=(0-9๐-๙])")
_SEQ_ONLY = re.compile(r"^[(\[]?\s*[0-9๐-๙]{1,4}\s*[)\].]?$")
_NUMERIC = re.compile(r"^[\s0-9๐-๙.,:/\-+()]+$")
_GROUP_NUMBER = re.compile(r"(?<![0-9.])3\s*[.,]\s*([1-3])(?![0-9])")
_COORDS = re.compile(r"([+-]?\d{1,3}(?:\.\d+)?)\s*[,;/\s]\s*([+-]?\d{1,3}(?:\.\d+)?)")


# --- cell text ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _clean_short(s: str) -> str:
    return thai.clean(s)


def cell_text(v: Cell) -> str:
    """A cell as display text: cleaned strings, whole numbers without ".0", ISO dates."""
    if v is None:
        return ""
    if isinstance(v, str):
        # report cells repeat (sub-district names, "ดี"): remember the short ones
        return _clean_short(v) if len(v) <= 200 else thai.clean(v)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{v:.15g}"
    if isinstance(v, dt.date | dt.time):  # datetime is a date
        return v.isoformat()
    return thai.clean(str(v))


def _is_numeric_cell(v: Cell) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float | dt.date | dt.time):
        return True
    return bool(_NUMERIC.match(v))


# --- header matching ------------------------------------------------------------------------


@dataclass
class FieldIndex:
    """Header synonyms of one table kind, as comparison keys."""

    kind: TableKind
    fields: tuple[str, ...]
    exact: dict[str, list[tuple[str, float]]]  # key -> (field, score): earlier synonyms rank higher
    keys: list[str]  # every synonym key, for the fuzzy pass
    owners: list[str]  # field of keys[i]
    labels: dict[str, str]  # field -> the Thai column name for messages
    _cache: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def build(cls, kind: TableKind, columns: dict[str, list[str]]) -> FieldIndex:
        exact: dict[str, list[tuple[str, float]]] = {}
        keys: list[str] = []
        owners: list[str] = []
        labels: dict[str, str] = {}
        for f, synonyms in columns.items():
            labels[f] = synonyms[0] if synonyms else f
            for rank, s in enumerate(synonyms):
                k = thai.name_key(s)
                if not k:
                    continue
                hits = exact.setdefault(k, [])
                if all(f != g for g, _ in hits):
                    # "ชื่อศูนย์" and "ศูนย์" both name the centre: the one listed first wins a tie
                    hits.append((f, 100.0 - 0.01 * min(rank, 50)))
                keys.append(k)
                owners.append(f)
        return cls(kind, tuple(columns), exact, keys, owners, labels)

    def scores(self, key: str) -> dict[str, float]:
        """field -> how well a header key names it (100 exact, >= FUZZY_MIN fuzzy)."""
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out: dict[str, float] = {}
        if key:
            for f, score in self.exact.get(key, ()):
                out[f] = score
            if len(key) <= 60:
                from rapidfuzz import (  # imported when a file is parsed, not on every start
                    fuzz,
                    process,
                )

                for _, score, i in process.extract(
                    key, self.keys, scorer=fuzz.ratio, processor=None, score_cutoff=FUZZY_MIN, limit=None
                ):
                    f = self.owners[i]
                    if score < 100 and score > out.get(f, 0.0):
                        out[f] = float(score)
        self._cache[key] = out
        return out


@dataclass
class Header:
    kind: TableKind
    row: int  # index in the sheet's row buffer
    height: int  # 1, or 2 when a sub-header row sits below
    columns: dict[str, int]  # field -> column index
    total: float
    labels: dict[str, str]
    keys: dict[int, str]  # column index -> header key, to spot repeated header rows

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(f for f in REQUIRED[self.kind] if f not in self.columns)

    def rank(self) -> tuple[bool, int, float]:
        return (not self.missing, len(self.columns), self.total)


def _candidates(top: Row, sub: Row | None) -> list[list[tuple[str, float]]]:
    """Per column: (header key, penalty) candidates from one or two header rows."""
    width = max(len(top), len(sub) if sub else 0)
    out: list[list[tuple[str, float]]] = []
    last_top = ""
    for c in range(width):
        t = cell_text(top[c]) if c < len(top) else ""
        s = cell_text(sub[c]) if sub is not None and c < len(sub) else ""
        cands: list[tuple[str, float]] = []
        if t:
            cands.append((thai.name_key(t), 0.0))
            last_top = t
        if s:
            # a sub-header alone ranks just below the same text in a real header row, so a
            # header is never taken to start on the row above it
            cands.append((thai.name_key(s), 0.5))
            if t:
                cands.append((thai.name_key(t + s), 1.0))
            elif last_top:  # a group title merged across several sub-header columns
                cands.append((thai.name_key(last_top + s), 1.0))
        out.append(cands)
    return out


def _match(index: FieldIndex, top: Row, sub: Row | None, row: int) -> Header:
    pairs: list[tuple[float, int, int, str]] = []
    order = {f: i for i, f in enumerate(index.fields)}
    keys: dict[int, str] = {}
    for c, cands in enumerate(_candidates(top, sub)):
        best: dict[str, float] = {}
        for key, penalty in cands:
            keys.setdefault(c, key)
            for f, score in index.scores(key).items():
                best[f] = max(best.get(f, 0.0), score - penalty)
        for f, score in best.items():
            pairs.append((score, -c, -order[f], f))
    # best score first; on a tie the leftmost column, then the field listed first
    pairs.sort(reverse=True)
    columns: dict[str, int] = {}
    taken: set[int] = set()
    total = 0.0
    for score, negc, _, f in pairs:
        c = -negc
        if f in columns or c in taken:
            continue
        columns[f] = c
        taken.add(c)
        total += score
    return Header(index.kind, row, 2 if sub is not None else 1, columns, total, index.labels, keys)


def _could_be_subheader(row: Row) -> bool:
    cells = [v for v in row if v is not None]
    return bool(cells) and not any(_is_numeric_cell(v) for v in cells)


def find_header(rows: Sequence[Row], indexes: Sequence[FieldIndex]) -> Header | None:
    best: Header | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        top = rows[r]
        if sum(1 for v in top if v is not None) < 2:
            continue
        sub = rows[r + 1] if r + 1 < len(rows) and _could_be_subheader(rows[r + 1]) else None
        for index in indexes:
            h = _match(index, top, None, r)
            if sub is not None and h.columns:  # the top row must name a column itself
                h2 = _match(index, top, sub, r)
                if (len(h2.columns), h2.total) > (len(h.columns), h.total):
                    h = h2
            if len(h.columns) < MIN_COLUMNS:
                continue
            if best is None or h.rank() > best.rank():
                best = h
    return best


# --- header info: district, province, quarter ----------------------------------------------

_LABEL_END = r"(?=\s|จังหวัด|จ\.|ไตรมาส|ประจำ|ปีงบ|ปี\s*พ|พ\.ศ|$|[,()\[\]])"
_BEFORE = r"(?:^|(?<=[\s:(\[,/]))"
# "อำเภอ" may follow any word ("สำนักงานพัฒนาชุมชนอำเภองาว") but "ระดับอำเภอ" is a centre level;
# the abbreviations "อ." / "จ." only count at the start of a word.
_DISTRICT_RE = re.compile(
    rf"(?:(?<!ระดับ)อำเภอ|{_BEFORE}อ\.)\s*[:：]?\s*(?P<v>[^\s:,()\[\]]+?){_LABEL_END}"
)
_PROVINCE_RE = re.compile(
    rf"(?:(?<!ระดับ)จังหวัด|{_BEFORE}จ\.)\s*[:：]?\s*(?P<v>[^\s:,()\[\]]+?){_LABEL_END}"
)
_QUARTER_RE = re.compile(r"ไตรมาส(?:ที่)?\s*[:：]?\s*(?P<v>[0-9๐-๙]{1,2})(?![0-9๐-๙])")
_PLACEHOLDER = re.compile(r"^[\s.…_\-–:]*$")


@dataclass
class HeaderInfo:
    district: str | None = None
    province: str | None = None
    quarter: int | None = None


def _value(text: str) -> str | None:
    v = thai.clean(text).strip(" .…_:")
    return None if _PLACEHOLDER.match(v) else v


def _label(text: str) -> str:
    return re.sub(r"[\s:：.]+$", "", thai.clean(text))


_DISTRICT_LABELS = ("อำเภอ", "อ", "กิ่งอำเภอ")
_PROVINCE_LABELS = ("จังหวัด", "จ")
_QUARTER_LABELS = ("ไตรมาส", "ไตรมาสที่")
_LABELS = frozenset(_DISTRICT_LABELS + _PROVINCE_LABELS + _QUARTER_LABELS)


def scan_header_info(lines: Sequence[Sequence[Cell]], info: HeaderInfo) -> None:
    """Fill what is still missing in `info` from rows of cells above a table.

    A label cell (`อำเภอ`, `จังหวัด`, `ไตรมาสที่`) takes the next non-empty cell as its value;
    text with the label inside ("อำเภอเกาะคา จังหวัดลำปาง ไตรมาสที่ ๑") is read as a whole.
    """
    for line in lines:
        texts = [t for t in (cell_text(v) for v in line) if t]
        for i, t in enumerate(texts):
            label = _label(t)
            if label in _LABELS:
                following = texts[i + 1] if i + 1 < len(texts) else ""
                if not following or _label(following) in _LABELS:
                    continue
                if label in _DISTRICT_LABELS and info.district is None:
                    info.district = _value(following)
                elif label in _PROVINCE_LABELS and info.province is None:
                    info.province = _value(following)
                elif label in _QUARTER_LABELS and info.quarter is None:
                    info.quarter = thai.parse_quarter(following) or thai.parse_quarter("ไตรมาส " + following)
                continue
            if info.district is None and (m := _DISTRICT_RE.search(t)):
                info.district = _value(m["v"])
            if info.province is None and (m := _PROVINCE_RE.search(t)):
                info.province = _value(m["v"])
            if info.quarter is None and (m := _QUARTER_RE.search(t)):
                info.quarter = thai.parse_quarter(m["v"])


# --- rows -> models -------------------------------------------------------------------------


@dataclass
class RowContext:
    settings: Settings
    source: str
    sheet: str
    problems: list[Problem]
    memo: dict[tuple[str, ...], object] = field(default_factory=dict)  # vocabulary lookups

    def cached(self, key: tuple[str, ...], compute: Callable[[], object]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


def _get(row: Row, columns: dict[str, int], f: str) -> Cell:
    c = columns.get(f)
    return row[c] if c is not None and c < len(row) else None


def _text(texts: Sequence[str], columns: dict[str, int], f: str) -> str:
    c = columns.get(f)
    return texts[c] if c is not None and c < len(texts) else ""


def parse_group(text: str, settings: Settings, *, numbers_only: bool = False) -> str | None:
    """ "3.1" / "3.2" / "3.3" from `3.1`, `๓.๒`, `3.1 ๙ จุดหมาย...` or a group's name / alias."""
    if not text:
        return None
    arabic = thai.to_arabic_digits(text)
    if m := _GROUP_NUMBER.search(arabic):
        return f"3.{m[1]}"
    if numbers_only:
        return None
    key = thai.name_key(text)
    if not key:
        return None
    voc = settings.vocabulary
    best: tuple[int, str] | None = None
    for g, name in voc.groups.items():
        for alias in (name, g, *voc.group_aliases.get(g, ())):
            k = thai.name_key(alias)
            if len(k) >= 3 and k in key and (best is None or len(k) > best[0]):
                best = (len(k), g)
    return best[1] if best else None


def _mission(group: str | None, texts: Sequence[str], settings: Settings) -> tuple[str | None, str | None]:
    by_group = settings.vocabulary.terms_by_group()
    for text in texts:
        if not text:
            continue
        if group in by_group:
            term = thai.match_term(text, by_group[group])
            if term:
                return group, term
            continue
        for g, terms in by_group.items():
            term = thai.match_term(text, terms)
            if term:
                return g, term
    return group, None


def to_activity(
    row: Row, number: int, columns: dict[str, int], ctx: RowContext, texts: Sequence[str] | None = None
) -> Activity:
    settings = ctx.settings
    if texts is None:
        texts = [cell_text(v) for v in row]

    def text(f: str) -> str:
        return _text(texts, columns, f)

    cat, mis = text("group"), text("mission")

    def category() -> tuple[str | None, str | None]:
        group = parse_group(cat, settings) or parse_group(mis, settings, numbers_only=True)
        # the mission column first; a category cell may hold both ("3.1 ตู้เย็นตู้ยารอบบ้าน")
        return _mission(group, [mis, cat] if mis else [cat], settings)

    group, mission = ctx.cached(("category", cat, mis), category)

    date_cell = _get(row, columns, "date")
    date: dt.date | None = None
    date_raw = text("date")
    if date_cell is not None and date_raw:
        try:
            date = thai.parse_thai_date(date_cell)
        except (ValueError, OverflowError) as e:
            ctx.problems.append(
                problem("unreadable_date", sheet=ctx.sheet, error=e, source=ctx.source, row=number, field="date")
            )

    people_cell = _get(row, columns, "participants")
    try:
        participants = thai.parse_int(people_cell)
    except (ValueError, OverflowError):
        participants = None
    try:
        budget = thai.parse_number(_get(row, columns, "budget"))
    except (ValueError, OverflowError):
        budget = None
    sectors_raw = text("sectors")
    sectors = (
        ctx.cached(("sectors", sectors_raw), lambda: thai.split_terms(sectors_raw, settings.vocabulary.sectors)[0])
        if sectors_raw
        else ()
    )

    return Activity(
        row=number,
        sheet=ctx.sheet,
        tambon=text("tambon"),
        centre=text("centre"),
        name=text("name"),
        group=group,
        mission=mission,
        category_raw=" / ".join(t for t in (cat, mis) if t),
        date=date,
        date_raw=date_raw,
        place=text("place"),
        participants=participants,
        participants_raw=text("participants"),
        sectors=tuple(sectors),
        sectors_raw=sectors_raw,
        budget=budget,
        result=text("result"),
    )


def parse_level(text: str) -> Literal["district", "subdistrict"] | None:
    t = re.sub(r"\s+", "", thai.clean(text))
    if not t:
        return None
    if "อำเภอ" in t or t in ("อ.", "อ"):
        return "district"
    if "ตำบล" in t or t in ("ต.", "ต"):
        return "subdistrict"
    return None


def parse_coords(text: str) -> tuple[float | None, float | None]:
    m = _COORDS.search(thai.to_arabic_digits(text))
    if not m:
        return None, None
    lat, lon = float(m[1]), float(m[2])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def to_centre(
    row: Row, number: int, columns: dict[str, int], ctx: RowContext, texts: Sequence[str] | None = None
) -> Centre:
    if texts is None:
        texts = [cell_text(v) for v in row]

    def text(f: str) -> str:
        return _text(texts, columns, f)

    phone_cell = _get(row, columns, "phone")
    lat, lon = parse_coords(text("coords"))
    return Centre(
        row=number,
        sheet=ctx.sheet,
        name=text("name"),
        moo=thai.to_arabic_digits(text("moo")),
        tambon=text("tambon"),
        chair=text("chair"),
        phone=thai.normalize_phone(phone_cell) if phone_cell is not None else "",
        level=parse_level(text("level")),
        lat=lat,
        lon=lon,
        note=text("note"),
        coords_unread=text("coords") if lat is None and any(ch.isdigit() for ch in text("coords")) else "",
    )


# --- one sheet --------------------------------------------------------------------------------


@dataclass
class SheetResult:
    kind: TableKind | None = None
    complete: bool = False  # every required column was found
    activities: list[Activity] = field(default_factory=list)
    centres: list[Centre] = field(default_factory=list)


def _is_footer(texts: list[str]) -> bool:
    nonempty = [t for t in texts if t]
    if not nonempty:
        return False
    if _FOOTER.match(nonempty[0]):
        return True
    return len(nonempty) <= 3 and any(_FOOTER.match(t) for t in nonempty)


def _is_total(texts: list[str]) -> bool:
    nonempty = [t for t in texts if t][:2]
    return any(_TOTAL.match(t) for t in nonempty)


def _is_repeated_header(texts: list[str], header: Header) -> bool:
    same = 0
    for c in header.columns.values():
        key = header.keys.get(c)
        if key and c < len(texts) and texts[c] and thai.name_key(texts[c]) == key:
            same += 1
    return same >= max(2, len(header.columns) // 2)


# A sub-district and its centre are often typed once and merged down over their activities;
# the grid then holds them in the first row only. Those two columns are carried down.
FILL_DOWN = ("tambon", "centre")


def fill_down(row: Row, texts: list[str], columns: dict[str, int], carried: dict[int, tuple[Cell, str]]) -> tuple[Row, list[str]]:
    """Fill empty tambon/centre cells of an activity row from the row above (merged cells)."""
    row, texts = list(row), list(texts)
    for f in FILL_DOWN:
        c = columns.get(f)
        if c is None:
            continue
        while len(row) <= c:
            row.append(None)
            texts.append("")
        if texts[c]:
            carried[c] = (row[c], texts[c])
        elif c in carried:
            row[c], texts[c] = carried[c]
    return row, texts


def parse_sheet(
    sheet: SheetGrid,
    indexes: Sequence[FieldIndex],
    ctx: RowContext,
    info: HeaderInfo,
    *,
    info_without_table: bool = False,
) -> SheetResult:
    """Find the table in one sheet and read its rows (streaming: stops at the footer or cap)."""
    rows_iter: Iterator[Row] = iter(sheet.rows)
    buffer: list[Row] = []
    for row in rows_iter:
        buffer.append(row)
        if len(buffer) > HEADER_SCAN_ROWS:
            break
    header = find_header(buffer, indexes)
    result = SheetResult()
    if header is None:
        if info_without_table:
            scan_header_info([*([p] for p in sheet.preface), *buffer], info)
        return result
    scan_header_info([*([p] for p in sheet.preface), *buffer[: header.row]], info)
    result.kind = header.kind
    result.complete = not header.missing
    _missing_columns(header, sheet, ctx)

    columns = header.columns
    carried: dict[int, tuple[Cell, str]] = {}
    for number, row, texts in _data_rows(sheet, buffer, rows_iter, header, ctx):
        if header.kind == "activity":
            row, texts = fill_down(row, texts, columns, carried)
            result.activities.append(to_activity(row, number, columns, ctx, texts))
        else:
            result.centres.append(to_centre(row, number, columns, ctx, texts))
    return result


def _missing_columns(header: Header, sheet: SheetGrid, ctx: RowContext) -> None:
    for f in header.missing:
        label = header.labels.get(f, f)
        what = "แบบรายงานผลการดำเนินงาน" if header.kind == "activity" else "แบบรายงานศูนย์ฯ"
        ctx.problems.append(
            problem("missing_column", sheet=ctx.sheet, label=label, what=what, source=ctx.source,
                    row=sheet.first_row + header.row, field=f)
        )


def _data_rows(
    sheet: SheetGrid, buffer: list[Row], rows_iter: Iterator[Row], header: Header, ctx: RowContext,
) -> Iterator[tuple[int, Row, list[str]]]:
    """(sheet row number, row, cell texts) of every data row below the header: up to the
    footer, a long run of empty rows or `[limits] max_rows` rows (then a `truncated` problem)."""
    max_rows = ctx.settings.limits.max_rows
    data_cols = {c for f, c in header.columns.items() if f != _SEQ}
    start = header.row + header.height

    def rest() -> Iterator[tuple[int, Row]]:
        for i in range(start, len(buffer)):
            yield i, buffer[i]
        i = len(buffer)
        for row in rows_iter:
            yield i, row
            i += 1

    seen = 0
    empty_run = 0
    for i, row in rest():
        number = sheet.first_row + i
        if not any(v is not None for v in row):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                return
            continue
        empty_run = 0
        texts = [cell_text(v) for v in row]
        if _is_footer(texts):
            return
        seen += 1
        if seen > max_rows:
            ctx.problems.append(
                problem("truncated", sheet=ctx.sheet, max_rows=f"{max_rows:,}", source=ctx.source, row=number)
            )
            return
        if not _not_data(texts, data_cols, header):
            yield number, row, texts


def _not_data(texts: list[str], data_cols: set[int], header: Header) -> bool:
    """A row inside the table that holds no data: a total, a lone sequence number, a
    column-number row "(1) (2) (3)", a numbered blank row, the header repeated."""
    if _is_total(texts):
        return True
    if not any(texts[c] for c in data_cols if c < len(texts)):
        return True  # only a sequence number, or text outside the table
    if all(_SEQ_ONLY.match(t) for t in texts if t):
        return True
    return _is_repeated_header(texts, header)
