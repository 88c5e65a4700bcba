"""The national summary workbook, in Thai, in the province master's visual language.

Tabs: the nation per quarter with a chart; provinces x quarters (received/expected, rates,
as-of, stale, never published); every missing district with days late; activities by category
and mission/dimension per province with participants; centres per province against the
registers and the national target; every fiscal year side by side. Colours are the master's
(STATUS_COLOURS), dates are real date cells shown in Buddhist Era, every tab prints A4
landscape with its header row repeated; no text under 9 pt.

Written only when what it shows changed (a hash beside the national cache), atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from gsync import thai, vocab
from gsync.master.tables import STATUS_COLOURS
from gsync.national.config import NationalSettings

Row = list[Any]

DATE_FORMAT = "[$-107041E]d mmm yyyy"  # Thai, Buddhist Era (as the master's date cells)
DATETIME_FORMAT = "[$-107041E]d mmm yyyy hh:mm"
PCT = "0.0%"
HEADER_GREY = "D9D9D9"
COLOUR = dict(STATUS_COLOURS)
STALE, NEVER, NOT_DUE, GOOD = COLOUR["ล่าช้า"], COLOUR["ยังไม่ส่ง"], COLOUR["ยังไม่ถึง"], COLOUR["ตรงเวลา"]
FONT_PT = 11  # printed at >= 9 pt once the widest tab is fitted to the A4 width
LEGEND = (
    (STALE, "ข้อมูลเก่า: จังหวัดไม่ได้ส่งข้อมูลใหม่เกินกำหนด"),
    (NEVER, "ยังไม่เคยส่งข้อมูล / อำเภอยังไม่ส่งรายงาน"),
    (NOT_DUE, "ยังไม่ถึงกำหนดส่ง"),
    (GOOD, "อัตราการส่ง 100%"),
)


def _pct(x: float | None) -> float | None:
    return None if x is None else x


def _local(iso: str | None, tz: Any) -> dt.datetime | None:
    if not iso:
        return None
    return dt.datetime.fromisoformat(iso).astimezone(tz).replace(tzinfo=None)


def tabs(settings: NationalSettings, doc: dict[str, Any], figures: dict[str, list[dict[str, Any]]],
         now: dt.datetime) -> list[tuple[str, list[str], list[Row], dict[str, Any]]]:
    """(title, headers, rows, options) per tab: plain values, so that they can be hashed."""
    tz = settings.national.tz
    names = {p["province_code"]: p["province"] for p in doc["provinces"]}
    names.update({u["province_code"]: u["province"] for u in doc["unpublished"]})
    out: list[tuple[str, list[str], list[Row], dict[str, Any]]] = []

    nation = [[f"{n['fiscal_year']} ไตรมาส {n['quarter']}", n["provinces"], n["districts"], n["expected"],
               n["received"], n["on_time"], n["complete"], _pct(n["reporting_rate"]), _pct(n["on_time_rate"])]
              for n in doc["nation"]]
    out.append(("ภาพรวมประเทศ", ["ปีงบประมาณ / ไตรมาส", "จังหวัดที่ส่งข้อมูล", "อำเภอ", "ต้องส่ง", "ส่งแล้ว",
                                 "ตรงเวลา", "ครบถ้วน", "อัตราการส่ง", "อัตราส่งตรงเวลา"], nation,
                {"pct": [7, 8], "chart": True, "widths": [22, 12, 10, 10, 10, 10, 10, 12, 14]}))

    prov_rows: list[Row] = []
    for p in doc["provinces"]:
        qs = {q["quarter"]: q for q in p["quarters"]}
        cells: Row = []
        for q in (1, 2, 3, 4):
            x = qs.get(q)
            if x is None or x["not_yet_due"] and not x["expected"]:
                cells += ["ยังไม่ถึงกำหนด", None]
            else:
                cells += [f"{x['received']}/{x['expected']}", _pct(x["reporting_rate"])]
        prov_rows.append([p["fiscal_year"], p["province_code"], p["province"], _local(p["as_of"], tz),
                          "ข้อมูลเก่า" if p["stale"] else "ล่าสุด", *cells])
    for u in doc["unpublished"]:
        prov_rows.append([u["fiscal_year"], u["province_code"], u["province"], None, "ยังไม่เคยส่งข้อมูล",
                          *([None] * 8)])
    prov_rows.sort(key=lambda r: (r[0], r[4] == "ยังไม่เคยส่งข้อมูล"))  # per year: who published, then who never did
    q_heads = [h for q in (1, 2, 3, 4) for h in (f"ไตรมาส {q} ส่ง/ต้องส่ง", f"ไตรมาส {q} อัตรา")]
    out.append(("รายจังหวัด", ["ปีงบประมาณ", "รหัสจังหวัด", "จังหวัด", "ข้อมูล ณ", "สถานะข้อมูล", *q_heads], prov_rows,
                {"pct": [6, 8, 10, 12], "status": [4], "widths": [12, 8, 15, 20, 17] + [12, 8] * 4}))

    missing = [[m["fiscal_year"], m["province"], m["district"], m["quarter"],
                dt.date.fromisoformat(m["deadline"]), m["days_late"]] for m in doc["missing"]]
    out.append(("อำเภอที่ยังไม่ส่ง", ["ปีงบประมาณ", "จังหวัด", "อำเภอ", "ไตรมาส", "กำหนดส่ง", "เลยกำหนด (วัน)"],
                missing, {"widths": [12, 16, 18, 8, 14, 14]}))

    acts = [[int(a["fiscal_year"]), names.get(a["province_code"], a["province_code"]),
             vocab.GROUP_NAMES.get(a["category"] or "", "ไม่ระบุหมวด"), a["mission"] or "ไม่ระบุ",
             int(a["activities"]), int(a["participants"])] for a in figures.get("activities", [])]
    out.append(("กิจกรรม", ["ปีงบประมาณ", "จังหวัด", "หมวด", "ภารกิจ / มิติ / ประเภท", "จำนวนกิจกรรม", "ผู้เข้าร่วม (คน)"],
                acts, {"widths": [12, 16, 26, 34, 12, 14]}))

    registered = {(int(c["fiscal_year"]), c["province_code"]): int(c["centres"]) for c in figures.get("centres", [])}
    centre_rows: list[Row] = []
    for p in doc["provinces"]:
        qs = p["quarters"]
        expected = max((q["centres_expected"] for q in qs), default=0)
        active = max((q["centres_active"] for q in qs), default=0)
        centre_rows.append([p["fiscal_year"], p["province"], registered.get((p["fiscal_year"], p["province_code"]), 0),
                            expected, active])
    target = settings.national.centres_target
    for r in centre_rows:
        r.append(r[2] / r[3] if r[3] else None)
    for fy in sorted({r[0] for r in centre_rows}):
        got = sum(r[2] for r in centre_rows if r[0] == fy)
        centre_rows.append([fy, f"รวมทั้งประเทศ (เป้าหมาย {target:,} ศูนย์)", got, target,
                            sum(r[4] for r in centre_rows if r[0] == fy and not str(r[1]).startswith("รวม")),
                            got / target if target else None])
    out.append(("ศูนย์", ["ปีงบประมาณ", "จังหวัด", "ศูนย์ตามทะเบียน", "ศูนย์ที่ควรมี (ตำบล) / เป้าหมาย",
                         "ศูนย์ที่มีกิจกรรม (ไตรมาสสูงสุด)", "ทะเบียนเทียบกับที่ควรมี"], centre_rows,
                {"pct": [5], "widths": [12, 38, 14, 22, 22, 16]}))

    years = sorted({n["fiscal_year"] for n in doc["nation"]})
    by = {(n["fiscal_year"], n["quarter"]): n for n in doc["nation"]}
    side = [[f"ไตรมาส {q}", *[x for fy in years for x in (
        _pct(by[(fy, q)]["reporting_rate"]) if (fy, q) in by else None,
        f"{by[(fy, q)]['received']}/{by[(fy, q)]['expected']}" if (fy, q) in by else None)]] for q in (1, 2, 3, 4)]
    out.append(("เทียบปีงบประมาณ", ["ไตรมาส", *[h for fy in years for h in (f"{fy} อัตราการส่ง", f"{fy} ส่ง/ต้องส่ง")]],
                side, {"pct": [1 + 2 * i for i in range(len(years))], "widths": [12] + [14, 14] * len(years)}))
    return out


def write_summary(settings: NationalSettings, result: Any, now: dt.datetime) -> bool:
    """Write the workbook when what it shows changed; True when written."""
    assert settings.sheet is not None and settings.sheet.path is not None
    path = settings.sheet.path
    # what the workbook shows: the figures (by their key, when kept) and the document (stale flags, days late)
    shown = [result.figures_key or result.figures, {k: v for k, v in result.document.items() if k != "as_of"}, str(path)]
    digest = hashlib.sha256(json.dumps(shown, default=str, ensure_ascii=False).encode()).hexdigest()
    mark = settings.national.cache / "summary.sha256"
    if path.exists() and mark.exists() and mark.read_text(encoding="utf-8").strip() == digest:
        return False
    content = tabs(settings, result.document, result.figures, now)
    wb = build(settings, content, result.document, now)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    wb.save(tmp)
    os.replace(tmp, path)
    mark.parent.mkdir(parents=True, exist_ok=True)
    mark.write_text(digest, encoding="utf-8")
    return True


def build(settings: NationalSettings, content: list[tuple[str, list[str], list[Row], dict[str, Any]]],
          doc: dict[str, Any], now: dt.datetime) -> Any:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _named_styles(wb)
    local = now.astimezone(settings.national.tz)
    stamp = f"ข้อมูล ณ {thai.format_thai_date(local.date())} {local:%H:%M} น."
    for title, headers, rows, opts in content:
        ws = wb.create_sheet(title)
        _sheet(ws, headers, rows, opts, stamp, settings.national.stale_days)
    return wb


# One named style per kind of cell: a cell takes a name, not four style objects (openpyxl hashes
# each object it is given: 75,000 cells of the whole country took a minute that way).
_FILLS = {"stale": STALE, "never": NEVER, "notdue": NOT_DUE, "pct-good": GOOD, "header": HEADER_GREY}
_FORMATS = {"pct": PCT, "pct-good": PCT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "int": "#,##0"}
_STYLES = ("header", "body", "first", "pct", "pct-good", "date", "datetime", "int", "stale", "never", "notdue")
_LABELS = {"ข้อมูลเก่า": "stale", "ยังไม่เคยส่งข้อมูล": "never", "ยังไม่ถึงกำหนด": "notdue"}


def _named_styles(wb: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name in _STYLES:
        st = NamedStyle(name=f"gsync-{name}")
        st.font = Font(size=FONT_PT, bold=name == "header")
        st.border = border
        st.alignment = (Alignment(wrap_text=True, vertical="center") if name == "header"
                        else Alignment(vertical="top", horizontal="center" if name == "first" else None))
        if name in _FILLS:
            st.fill = PatternFill("solid", fgColor=_FILLS[name])
        if name in _FORMATS:
            st.number_format = _FORMATS[name]
        wb.add_named_style(st)


def _kind(value: Any, col: int, pct: set[int]) -> str:
    if col == 0:
        return "first"
    if col in pct and isinstance(value, float):
        return "pct-good" if value >= 1 else "pct"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1000:
        return "int"
    if isinstance(value, str):
        return _LABELS.get(value, "body")
    return "body"


def _sheet(ws: Any, headers: list[str], rows: list[Row], opts: dict[str, Any], stamp: str, stale_days: float) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(headers)
    for c in ws[1]:
        c.style = "gsync-header"
    ws.row_dimensions[1].height = 33
    pct = set(opts.get("pct", []))
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=2, max_row=len(rows) + 1):
        for c in r:
            c.style = "gsync-" + _kind(c.value, c.column - 1, pct)
    for i, w in enumerate(opts.get("widths", []), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    fills = {c: PatternFill("solid", fgColor=c) for c in (STALE, NEVER, NOT_DUE, GOOD)}
    _legend(ws, len(headers) + 1, stamp, stale_days, fills)
    ws.freeze_panes = "B2"
    if opts.get("chart") and rows:
        _chart(ws, len(rows))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = False  # the table has its own borders: no grid across the chart's space
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddHeader.center.text = "สรุประดับประเทศ: &A"
    ws.oddFooter.left.text = stamp
    ws.oddFooter.right.text = "หน้า &P/&N"


def _legend(ws: Any, col: int, stamp: str, stale_days: float, fills: dict[str, Any]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=1, column=col + 1, value="คำอธิบายสี").font = Font(size=FONT_PT, bold=True)
    for i, (colour, text) in enumerate(LEGEND, start=2):
        swatch = ws.cell(row=i, column=col, value=" ")
        swatch.fill = fills[colour]
        label = ws.cell(row=i, column=col + 1, value=text.replace("เกินกำหนด", f"เกิน {stale_days:g} วัน"))
        label.font, label.alignment = Font(size=FONT_PT), wrap
        ws.row_dimensions[i].height = 30  # two lines of Thai in the narrow legend column
    note = ws.cell(row=len(LEGEND) + 2, column=col + 1, value=stamp)
    note.font, note.alignment = Font(size=FONT_PT, italic=True), wrap
    ws.column_dimensions[get_column_letter(col)].width = 3
    ws.column_dimensions[get_column_letter(col + 1)].width = 26


def _chart(ws: Any, n: int) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "col"
    chart.title = "อัตราการส่งและอัตราส่งตรงเวลา ทั้งประเทศ"
    chart.y_axis.title = "ร้อยละ"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.y_axis.number_format = "0%"
    chart.add_data(Reference(ws, min_col=8, max_col=9, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    for series, colour in zip(chart.series, ("0072B2", "E69F00"), strict=False):  # Okabe-Ito, as the master
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"B{n + 4}")


def save_path(settings: NationalSettings) -> Path | None:
    return settings.sheet.path if settings.sheet is not None else None
