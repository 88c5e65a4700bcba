"""The master workbook's read (issue 13): without openpyxl's full load, the same values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from gsync.sinks.workbook import WorkbookSink


def _book(path: Path, formula: bool = False) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "สถานะรายงาน"
    ws.append(["key", "อำเภอ", "ส่งเมื่อ", "จำนวน", "ครบ", "หมายเหตุเจ้าหน้าที่"])
    ws.append(["แม่ทะ|Q1", "แม่ทะ", dt.datetime(2025, 1, 2, 9, 30), 12, True, "=HYPERLINK(\"x\")"])  # noqa: DTZ001 - Excel stores naive times
    ws["F2"].data_type = "s"  # text a district typed, never a formula
    ws.append(["งาว|Q1", "งาว", dt.date(2025, 1, 3), 2.5, False, None])
    ws["C3"].number_format = "[$-107041E]d mmm yyyy"
    if formula:
        ws["G2"] = "=D2*2"  # staff's own formula
    wb.create_sheet("ของฉัน").append(["staff", None, 3])
    wb.save(path)


def test_values_read_as_openpyxl_gives_them(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    _book(path)
    got = WorkbookSink(path).read()
    assert list(got) == ["สถานะรายงาน", "ของฉัน"]
    rows = [[c for c in r] for r in got["สถานะรายงาน"]]
    assert rows[1] == ["แม่ทะ|Q1", "แม่ทะ", dt.datetime(2025, 1, 2, 9, 30), 12, True, '=HYPERLINK("x")']  # noqa: DTZ001
    assert rows[2][:5] == ["งาว|Q1", "งาว", dt.datetime(2025, 1, 3), 2.5, False]  # noqa: DTZ001
    assert all(c is None for c in rows[2][5:])
    assert got["ของฉัน"] == [["staff", None, 3]]


def test_a_sheet_with_a_formula_is_read_with_its_formula(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    _book(path, formula=True)
    got = WorkbookSink(path).read()
    assert got["สถานะรายงาน"][1][6] == "=D2*2"  # the formula, not a cached value
