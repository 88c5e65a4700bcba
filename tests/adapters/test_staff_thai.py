"""Staff read Thai (issue 20, item 3): no English word, version string or raw id in the tabs
staff read, in the offline workbook and in the Google Sheet (the Google fake, through the real
CLI and gspread).

What staff see is every cell of every visible column of every tab but the operator's sync log
(บันทึกการซิงก์, where versions and request counts belong) and hidden columns (the key, the
problem code, the Form attachments' Drive ids). Allowed in it: the brand names staff use
(Google Drive, Google Form, LINE), and what a district typed or named that gsync only shows back:
e-mail addresses and file names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main
from gsync.testing.province import load_demo_into_fake, write_google_config

NOW = "2025-04-20T09:00:00+07:00"
OPERATOR_TABS = {"บันทึกการซิงก์"}
BRANDS = re.compile(r"\b(?:Google Drive|Google Form|Google Sheets?|Google|LINE)\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FILE_NAME = re.compile(r"\S+\.(?:xlsx|xls|xlsm|docx|doc|pdf|jpe?g|png|heic|csv|txt)\b", re.IGNORECASE)
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
VERSION = re.compile(r"\b\d+\.\d+\.\d+\b|\b\d+\.\d{3,}\b")  # 0.2.0, holidays 0.109
RAW_ID = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16,}")  # Drive ids, Forms response ids, hashes: 16+ letters/digits in a row


def offences(tabs: dict[str, list[list[Any]]]) -> list[tuple[str, str]]:
    """(tab, what) for each English word, version string or raw id staff would read."""
    found = []
    for title, rows in tabs.items():
        for row in rows:
            for cell in row:
                if not isinstance(cell, str):
                    continue
                text = FILE_NAME.sub(" ", EMAIL.sub(" ", cell))
                bad = VERSION.findall(text) + RAW_ID.findall(BRANDS.sub(" ", text))
                bad += ENGLISH_WORD.findall(BRANDS.sub(" ", VERSION.sub(" ", text)))
                found += [(title, b) for b in bad]
    return found


def _run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 4), result.stdout


def _visible_workbook(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title in OPERATOR_TABS:
            continue
        hidden = {c for c, d in ws.column_dimensions.items() if d.hidden}
        out[ws.title] = [[c.value for c in row if c.column_letter not in hidden] for row in ws.iter_rows()]
    wb.close()
    return out


def test_the_scan_catches_each_kind() -> None:
    # the checker itself, on what the issue found in the master before
    assert offences({"t": [["Drive, แบบฟอร์ม"]]}) == [("t", "Drive")]
    assert offences({"t": [["ไม่มี (ออฟไลน์) · gsync 0.2.0 · holidays 0.109"]]}) == [
        ("t", "0.2.0"), ("t", "0.109"), ("t", "gsync"), ("t", "holidays")]
    assert offences({"t": [["คำขอ API"], ["gsync พบเมื่อ"], ["totals_mismatch"]]}) == [
        ("t", "API"), ("t", "gsync"), ("t", "totals"), ("t", "mismatch")]
    assert offences({"t": [["ไฟล์แนบในแบบฟอร์ม (1MuangQ1xlsxAbCdEf)"]]}) == [
        ("t", "1MuangQ1xlsxAbCdEf"), ("t", "MuangQ"), ("t", "xlsxAbCdEf")]
    # and what stays: brands, e-mail addresses, file names, Thai, numbers, dates
    assert offences({"t": [["Google Drive, แบบฟอร์ม"], ["แบบฟอร์ม: someone@gmail.com 12 ธ.ค. 2567 14:00"],
                           ["IMG_2031.jpg"], ["รายงาน Q1 งาว.xlsx"], ["แจ้งทาง LINE"], [84.6], ["19/19"]]}) == []


def test_offline_workbook_staff_tabs_are_thai(tmp_path: Path) -> None:
    config, _ = demo.build(tmp_path / "demo")
    _run("sync", "--config", str(config), "--now", NOW)
    tabs = _visible_workbook(config.parent / "master.xlsx")
    assert "สถานะรายงาน" in tabs and "วิธีใช้" in tabs and "ปัญหา" in tabs
    assert offences(tabs) == []


@pytest.mark.usefixtures("google_server")
def test_google_sheet_staff_tabs_are_thai(google_server: tuple[Any, str], tmp_path: Path) -> None:
    fake, base_url = google_server
    demo.build(tmp_path / "demo")
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    (tmp_path / "google").mkdir()
    config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=tmp_path / "demo", service_account=fake)
    _run("sync", "--config", str(config), "--now", NOW)
    sid = ids["spreadsheet_id"]
    assert fake.sheets.book(sid).sheets[0].title == "วิธีใช้"  # the help opens first here too
    tabs = {}
    for sheet in fake.sheets.book(sid).sheets:
        if sheet.title in OPERATOR_TABS:
            continue
        hidden = {c for c, meta in sheet.col_meta.items() if meta.get("hiddenByUser")}
        values = fake.sheet_values(sid, sheet.title, "FORMATTED_VALUE")
        tabs[sheet.title] = [[v for c, v in enumerate(row) if c not in hidden] for row in values]
    assert "สถานะรายงาน" in tabs and "วิธีใช้" in tabs and "แบบฟอร์ม" in tabs
    assert offences(tabs) == []
