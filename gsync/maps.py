"""Centres on a map: a KML (Google My Maps, Google Earth) and a CSV (My Maps) from the registers.

One placemark per centre that has coordinates, from the collections' registers and the registers
sent with a quarterly report (the latest file wins for the same centre). Each carries its district,
sub-district, level and chair person, and is coloured by its district's report status for the
last quarter that is due (the quarter in progress when none is due yet), in the master's colours.
Phones are left out: a map is easily shared further than the master.

Pure: returns text and bytes; the CLI writes them beside the offline master (`gsync map`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from gsync import thai, thai_calendar
from gsync.config import Settings
from gsync.models import Centre, FileRef, Report
from gsync.outcome import Outcome

LEVELS = {"district": "ระดับอำเภอ", "subdistrict": "ระดับตำบล"}
STATUS_TEXT = {
    "not_yet_due": "ยังไม่ถึงกำหนด",
    "on_time": "ส่งตรงเวลา",
    "late": "ส่งล่าช้า",
    "missing": "ยังไม่ส่ง (เลยกำหนด)",
    "excused": "ได้รับการยกเว้น",
}
# the master's fills (master/tables.py STATUS_COLOURS), stronger so that pins stand out on a map
PIN_COLOURS = {  # RRGGBB
    "missing": "CC0000",
    "late": "E69138",
    "incomplete": "F1C232",
    "on_time": "6AA84F",
    "excused": "3D85C6",
    "not_yet_due": "999999",
}
ICON = "https://maps.google.com/mapfiles/kml/paddle/wht-blank.png"
CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Point:
    district: str
    centre: Centre
    status: str  # a key of PIN_COLOURS
    status_text: str  # Thai, as in the master
    active: bool | None  # the centre's sub-district had an activity in that quarter (None: no report)
    source: str  # the file it came from


def last_quarter(settings: Settings, reports: list[Report], now: dt.datetime) -> int:
    due = [r.quarter for r in reports if thai_calendar.is_due(now, r.deadline, settings.tz)]
    if due:
        return max(due)
    fy, q = thai_calendar.quarter_of(now.astimezone(settings.tz).date())
    return q if fy == settings.fiscal_year else 1


def points(settings: Settings, outcome: Outcome, now: dt.datetime) -> tuple[int, list[Point]]:
    """(the quarter the colours are for, one point per centre with coordinates)."""
    q = last_quarter(settings, outcome.reports, now)
    by_district = {r.district: r for r in outcome.reports if r.quarter == q}
    found: dict[tuple[str, str, str], tuple[dt.datetime, Point]] = {}
    sources: list[tuple[str, list[FileRef], list[tuple[str, Centre]]]] = []
    for r in outcome.reports:
        sources.append((r.district, r.files, r.centres))
    for c in outcome.collections:
        sources.append((c.district, c.files, c.centres))
    for district, files, centres in sources:
        when = {f.id: f.received_at for f in files}
        names = {f.id: f.name for f in files}
        for file_id, centre in centres:
            if centre.lat is None or centre.lon is None:
                continue
            report = by_district.get(district)
            status, text, active = _status(report, centre)
            key = (district, thai.name_key(centre.tambon), thai.name_key(centre.name))
            received = when.get(file_id, dt.datetime.min.replace(tzinfo=dt.UTC))
            if key not in found or found[key][0] <= received:
                found[key] = (received, Point(district, centre, status, text, active, names.get(file_id, file_id)))
    order = {d.name: i for i, d in enumerate(settings.districts)}
    pts = sorted((p for _, p in found.values()), key=lambda p: (order.get(p.district, 999), p.centre.level != "district",
                                                               p.centre.tambon, p.centre.name))
    return q, pts


def _status(report: Report | None, centre: Centre) -> tuple[str, str, bool | None]:
    if report is None:
        return "not_yet_due", STATUS_TEXT["not_yet_due"], None
    text = STATUS_TEXT[report.timeliness] + (" · ไม่ครบถ้วน" if report.complete is False else "")
    key = "incomplete" if report.complete is False and report.timeliness == "on_time" else report.timeliness
    active = None
    if report.submitted_at is not None:
        active = thai.name_key(centre.tambon) in {thai.name_key(a.tambon) for _, a in report.activities}
    return key, text, active


def kml(settings: Settings, quarter: int, pts: list[Point]) -> bytes:
    """A KML document: one folder per district, one styled placemark per centre."""
    root = ET.Element("kml", xmlns="http://www.opengis.net/kml/2.2")
    doc = ET.SubElement(root, "Document")
    label = thai_calendar.quarter_label(settings.fiscal_year, quarter)
    ET.SubElement(doc, "name").text = f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชน จังหวัด{settings.province.name} ({label})"
    ET.SubElement(doc, "description").text = f"สีหมุด: สถานะรายงาน{label} ของอำเภอ"
    for key, rgb in PIN_COLOURS.items():
        style = ET.SubElement(doc, "Style", id=f"status-{key}")
        icon_style = ET.SubElement(style, "IconStyle")
        ET.SubElement(icon_style, "color").text = ("ff" + rgb[4:6] + rgb[2:4] + rgb[0:2]).lower()  # KML: aabbggrr
        ET.SubElement(ET.SubElement(icon_style, "Icon"), "href").text = ICON
    folders: dict[str, ET.Element] = {}
    for p in pts:
        if p.district not in folders:
            folders[p.district] = ET.SubElement(doc, "Folder")
            ET.SubElement(folders[p.district], "name").text = f"อำเภอ{p.district}"
        pm = ET.SubElement(folders[p.district], "Placemark")
        ET.SubElement(pm, "name").text = p.centre.name or f"ศูนย์ฯ ตำบล{p.centre.tambon}"
        ET.SubElement(pm, "styleUrl").text = f"#status-{p.status}"
        ET.SubElement(pm, "description").text = "\n".join(_lines(p, label))
        data = ET.SubElement(pm, "ExtendedData")
        for name, value in _fields(p):
            d = ET.SubElement(data, "Data", name=name)
            ET.SubElement(d, "value").text = value
        point = ET.SubElement(pm, "Point")
        ET.SubElement(point, "coordinates").text = f"{p.centre.lon},{p.centre.lat},0"  # KML: longitude first
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _fields(p: Point) -> list[tuple[str, str]]:
    return [
        ("อำเภอ", p.district),
        ("ตำบล", p.centre.tambon),
        ("ระดับ", LEVELS.get(p.centre.level or "", "")),
        ("ประธานศูนย์", p.centre.chair),
        ("สถานะรายงานไตรมาสล่าสุด", p.status_text),
        ("มีกิจกรรมในไตรมาส", {True: "มี", False: "ไม่มี", None: ""}[p.active]),
        ("ไฟล์", p.source),
    ]


def _lines(p: Point, label: str) -> list[str]:
    out = [f"{k}: {v}" for k, v in _fields(p)[:4] if v]
    out.append(f"{label}: {p.status_text}")
    return out


CSV_HEADER = ["ชื่อศูนย์", "อำเภอ", "ตำบล", "ระดับ", "ประธานศูนย์", "สถานะรายงานไตรมาสล่าสุด", "มีกิจกรรมในไตรมาส", "ไฟล์",
              "ละติจูด", "ลองจิจูด"]


def csv_text(pts: list[Point]) -> str:
    """A CSV My Maps imports (pick ละติจูด/ลองจิจูด as the position, ชื่อศูนย์ as the title)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_HEADER)
    for p in pts:
        w.writerow([_safe(p.centre.name), *(_safe(v) for _, v in _fields(p)), p.centre.lat, p.centre.lon])
    return buf.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula is written with a leading apostrophe."""
    return "'" + text if text.startswith(CSV_INJECTION) else text
