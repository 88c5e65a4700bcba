"""The offline pipeline end to end, through the real CLI, on the demo's messy province.

The expected statuses below are written by hand from the scenario in gsync/demo.py (deadlines
Q1 2024-12-13, Q2 2025-03-14, Q3 2025-06-13, Q4 2025-09-15; judged 2025-04-20 09:00 Bangkok),
never computed by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main

NOW = "2025-04-20T09:00:00+07:00"

# (district, quarter) -> (timeliness, complete, problem codes, as a set)
EXPECTED = {
    ("เมืองลำปาง", 1): ("on_time", True, set()),  # messy file: header row 7, Thai digits, 5 date styles
    ("แม่เมาะ", 1): ("on_time", True, set()),  # Drive only
    ("เกาะคา", 1): ("on_time", False, {"totals_mismatch"}),  # form says 1,000 people
    ("เสริมงาม", 1): ("late", True, set()),  # 20 Dec
    ("งาว", 1): ("on_time", True, set()),  # first file on time, complete re-upload after the deadline
    ("แจ้ห่ม", 1): ("missing", None, set()),
    ("วังเหนือ", 1): ("on_time", False, {"no_report_file"}),  # a form with no file
    ("เถิน", 1): ("on_time", False, {"date_outside_quarter", "unknown_category"}),
    ("แม่พริก", 1): ("late", True, set()),  # 14 Dec 00:01 Bangkok: a minute after midnight
    ("แม่ทะ", 1): ("missing", None, {"unauthorized_respondent"}),  # respondent not on the list
    ("สบปราบ", 1): ("on_time", True, set()),  # a Word file named สบปราบ_๑.docx
    ("ห้างฉัตร", 1): ("on_time", False, {"no_report_file"}),  # only the centre register
    ("เมืองปาน", 1): ("on_time", True, set()),  # 13 Dec 23:50 Bangkok
    ("เกาะคา", 2): ("on_time", True, set()),
    ("เมืองลำปาง", 2): ("on_time", True, set()),
    ("แม่เมาะ", 2): ("late", True, set()),
    ("เมืองปาน", 3): ("on_time", True, set()),  # early, before Q3 is due
}
DISTRICTS = ["เมืองลำปาง", "แม่เมาะ", "เกาะคา", "เสริมงาม", "งาว", "แจ้ห่ม", "วังเหนือ", "เถิน", "แม่พริก", "แม่ทะ",
             "สบปราบ", "ห้างฉัตร", "เมืองปาน"]


def expected(district: str, quarter: int) -> tuple[str, bool | None, set[str]]:
    if (district, quarter) in EXPECTED:
        return EXPECTED[(district, quarter)]
    return ("missing" if quarter <= 2 else "not_yet_due", None, set())


@pytest.fixture()
def province(tmp_path: Path) -> Path:
    config, _ = demo.build(tmp_path / "demo")
    return config


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def status(config: Path) -> dict:
    code, out = run("status", "--config", str(config), "--now", NOW, "--json")
    assert code == 0, out
    return json.loads(out)


def test_every_report_gets_the_hand_written_status(province: Path) -> None:
    code, out = run("sync", "--config", str(province), "--now", NOW)
    assert code == 4, out  # synced, but two files could not be placed
    doc = status(province)
    assert doc["fiscal_year"] == 2568
    got = {(r["district"], r["quarter"]): (r["timeliness"], r["complete"], {p["code"] for p in r["problems"]})
           for r in doc["reports"]}
    assert len(got) == 13 * 4
    for d in DISTRICTS:
        for q in (1, 2, 3, 4):
            assert got[(d, q)] == expected(d, q), (d, q)


def test_contract_fields_and_bangkok_times(province: Path) -> None:
    doc = status(province)
    r = next(x for x in doc["reports"] if x["district"] == "แม่พริก" and x["quarter"] == 1)
    assert r["deadline"] == "2024-12-13"
    assert r["submitted_at"] == "2024-12-14T00:01:00+07:00"
    ngao = next(x for x in doc["reports"] if x["district"] == "งาว" and x["quarter"] == 1)
    assert ngao["submitted_at"] == "2024-12-05T10:00:00+07:00"  # the earliest receipt, not the re-upload
    assert set(r) >= {"district", "quarter", "deadline", "timeliness", "complete", "submitted_at", "problems"}
    names = sorted(u["name"] for u in doc["unattributed"])
    assert names == ["IMG_2031.jpg", "รายงานกิจกรรม.xlsx"]
    assert all(u["source"] == "drive" and u["reason"] for u in doc["unattributed"])


def test_reupload_replaces_and_nothing_counts_twice(province: Path) -> None:
    run("sync", "--config", str(province), "--now", NOW)
    wb = openpyxl.load_workbook(province.parent / "master.xlsx")
    rows = list(wb["กิจกรรม"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(header)}
    ngao = [r for r in data if r[col["อำเภอ"]] == "งาว" and r[col["ไตรมาส"]] == 1]
    assert len(ngao) == 20  # 10 sub-districts x 2 activities, from the re-upload only
    assert {r[col["ไฟล์"]] for r in ngao} == {"รายงานศูนย์จิตอาสา อ.งาว Q1 (1).xlsx"}
    keys = [r[0] for r in data]
    assert len(keys) == len(set(keys))


def test_second_sync_gives_the_same_rows(province: Path) -> None:
    run("sync", "--config", str(province), "--now", NOW)
    master = province.parent / "master.xlsx"
    first = _tabs(master)
    code, out = run("sync", "--config", str(province), "--now", NOW)
    assert "unchanged" in out
    assert _tabs(master) == first
    # the header, 13 districts, a blank line, the summary's header and its 9 lines (the legend's)
    assert "สถานะรายงาน" in first and len(first["สถานะรายงาน"]) == 25


def test_staff_notes_and_excused_mark_survive_and_count(province: Path) -> None:
    run("sync", "--config", str(province), "--now", NOW)
    master = province.parent / "master.xlsx"
    wb = openpyxl.load_workbook(master)
    ws = wb["รายงาน"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "แจ้ห่ม|Q1")
    row[header.index("ยกเว้น (ใส่ ✓)")].value = "✓"
    row[header.index("หมายเหตุเจ้าหน้าที่")].value = "ขยายเวลาถึง 20 ธ.ค. ตามหนังสือ"
    wb.save(master)
    run("sync", "--config", str(province), "--now", NOW)
    doc = status(province)
    r = next(x for x in doc["reports"] if x["district"] == "แจ้ห่ม" and x["quarter"] == 1)
    assert r["timeliness"] == "excused"
    wb = openpyxl.load_workbook(master)
    ws = wb["รายงาน"]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "แจ้ห่ม|Q1")
    assert "ขยายเวลาถึง 20 ธ.ค. ตามหนังสือ" in row
    assert "ได้รับการยกเว้น" in row


def test_status_matrix_shows_every_status(province: Path) -> None:
    run("sync", "--config", str(province), "--now", NOW)
    tabs = _tabs(province.parent / "master.xlsx")
    cells = " ".join(str(c) for row in tabs["สถานะรายงาน"][1:] for c in row)
    for label in ("ส่งตรงเวลา", "ส่งล่าช้า", "ยังไม่ส่ง (เลยกำหนด)", "ไม่ครบถ้วน", "ยังไม่ถึงกำหนด"):
        assert label in cells
    assert len(tabs["ไฟล์ที่ระบุไม่ได้"]) == 3  # header + 2


def test_readable_table_without_json(province: Path) -> None:
    code, out = run("status", "--config", str(province), "--now", NOW)
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("แม่พริก"))
    assert "ส่งล่าช้า" in line


def _tabs(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets if ws.title != "บันทึกการซิงก์"}
