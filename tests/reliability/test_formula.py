"""Formula injection: text a district typed that starts with =, +, - or @ stays text in the master
(the local workbook here; the Google Sheet in test_google.py)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from .support import (
    TAB_ACTIVITIES,
    at,
    build,
    check_others_unchanged,
    cli_sync,
    column,
    put,
    report_xlsx,
    run_sync,
    tabs,
    victim_activities,
)

HYPERLINK = '=HYPERLINK("http://evil.example","click")'
IMPORTXML = '=IMPORTXML("http://evil.example","//a")'
PLUS = '+IMPORTXML("http://evil.example","//a")'
MINUS = '-2+3+cmd|" /C calc"!A0'
AT = '@SUM(1+1)*cmd|" /C calc"!A0'
EVIL = (HYPERLINK, IMPORTXML, PLUS, MINUS, AT)


def evil_report(district: str, quarter: int, seed: int) -> bytes:
    """A district's report whose place and result cells hold formula-looking text, stored as text
    (what Excel keeps when the officer types a leading apostrophe, or pastes as text)."""
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(district, quarter, seed)))
    ws = wb.active
    header_row = next(r for r in ws.iter_rows() if any(c.value == "สถานที่ดำเนินการ" for c in r))
    cols = {c.value: c.column for c in header_row}
    for i, row in enumerate(ws.iter_rows(min_row=header_row[0].row + 1, max_row=header_row[0].row + len(EVIL))):
        for title in ("สถานที่ดำเนินการ", "ผลการดำเนินงาน"):
            cell = row[cols[title] - 1]
            cell.value = EVIL[i]
            cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def assert_all_text(master: Path) -> int:
    """Every formula-looking cell is a string cell; no sheet has a single <f> element."""
    wb = openpyxl.load_workbook(master)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen += 1
    with zipfile.ZipFile(master) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                xml = zf.read(name)
                assert not re.search(rb"<(\w+:)?f[ >/]", xml), name
    return seen


def test_formula_text_in_a_report_stays_text_in_the_workbook(tmp_path: Path, clean_master, clean_status, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    put(settings, "แจ้ห่ม/ไตรมาส 1/รายงาน แจ้ห่ม.xlsx", evil_report("แจ้ห่ม", 1, 51), at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, t, _ = check_others_unchanged(settings, clean_master, clean_status)
    acts = victim_activities(t)
    tab = t[TAB_ACTIVITIES]
    place, result = column(tab, "สถานที่"), column(tab, "ผลการดำเนินงาน")
    texts = {r[place] for r in acts} | {r[result] for r in acts}
    assert set(EVIL) <= texts  # kept, as typed, not dropped
    seen = assert_all_text(settings.sheet.path)
    assert seen >= 2 * len(EVIL)
    # and again after a rerun that merges into the existing workbook
    cli_sync(settings)
    assert_all_text(settings.sheet.path)
    measured("formula", "=HYPERLINK/=IMPORTXML/+/-/@ text in a report's place and result cells", runs=2,
             lost=lost + len(set(EVIL) - texts), duplicated=dup,
             outcome="string cells with quote prefix; no <f> in the xlsx; other districts unchanged")
    assert (lost, dup) == (0, 0)


def test_formula_text_in_form_answers_stays_text(tmp_path: Path) -> None:
    settings = build(tmp_path / "province")
    path = settings.form.csv
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    head = rows[0]
    rows[1][head.index("ชื่อ-สกุล ผู้รายงาน")] = IMPORTXML
    rows[1][head.index("ปัญหา/อุปสรรค")] = HYPERLINK
    rows[2][head.index("ข้อเสนอแนะ")] = AT
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    run_sync(settings)
    assert assert_all_text(settings.sheet.path) >= 2
    all_text = {c for rows_ in tabs(settings.sheet.path).values() for r in rows_ for c in r if isinstance(c, str)}
    assert IMPORTXML in all_text
