"""The national summary workbook: Thai tabs, the master's colours, BE dates, A4 landscape, >= 8 pt."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.national.support import build_phrae, gsync, lampang_demo

pytest.importorskip("duckdb")

TABS = ["ภาพรวมประเทศ", "รายจังหวัด", "อำเภอที่ยังไม่ส่ง", "กิจกรรม", "ศูนย์", "เทียบปีงบประมาณ"]


@pytest.fixture()
def summary(tmp_path: Path) -> tuple[Path, Path]:
    pub = tmp_path / "pub"
    pub.mkdir()
    lampang, _ = lampang_demo(tmp_path / "lampang", pub)
    phrae = build_phrae(tmp_path / "phrae", pub)
    gsync("sync", "--config", str(lampang), "--now", "2025-04-20T09:00:00+07:00")
    gsync("sync", "--config", str(phrae), "--now", "2025-01-10T09:00:00+07:00")
    config = tmp_path / "national.toml"
    config.write_text(f'[national]\npath = "{pub}"\nstale_days = 2\n\n[sheet]\npath = "national.xlsx"\n', encoding="utf-8")
    r = gsync("national", "--config", str(config), "--now", "2025-04-21T09:00:00+07:00")
    assert r.exit_code == 0, r.output
    return tmp_path / "national.xlsx", config


def test_the_summary_has_every_tab_in_thai_and_prints_a4_landscape(summary: tuple[Path, Path]) -> None:
    wb = openpyxl.load_workbook(summary[0])
    assert wb.sheetnames == TABS
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.print_title_rows == "$1:$1"
        sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
        assert min(sizes) >= 8, (ws.title, sizes)
    assert len(wb["ภาพรวมประเทศ"]._charts) == 1


def test_provinces_show_stale_and_never_published_in_the_masters_colours(summary: tuple[Path, Path]) -> None:
    ws = openpyxl.load_workbook(summary[0])["รายจังหวัด"]
    rows = {r[2].value: r for r in ws.iter_rows(min_row=2) if r[2].value}
    phrae, lampang = rows["แพร่"], rows["ลำปาง"]
    assert phrae[4].value == "ข้อมูลเก่า" and phrae[4].fill.fgColor.rgb.endswith("F7D08A")  # the master's late orange
    assert lampang[4].value == "ล่าสุด"
    assert phrae[5].value == "6/8" and phrae[6].value == 0.75 and phrae[6].number_format == "0.0%"
    assert phrae[3].number_format.startswith("[$-107041E]")  # a real date, shown in Buddhist Era
    assert rows["น่าน"][4].value == "ยังไม่เคยส่งข้อมูล" and rows["น่าน"][4].fill.fgColor.rgb.endswith("F4A582")


def test_missing_districts_with_days_late(summary: tuple[Path, Path]) -> None:
    ws = openpyxl.load_workbook(summary[0])["อำเภอที่ยังไม่ส่ง"]
    phrae = sorted((r[2].value, r[5].value) for r in ws.iter_rows(min_row=2) if r[1].value == "แพร่")
    assert phrae == [("วังชิ้น", 129), ("หนองม่วงไข่", 129)]


def test_centres_against_the_national_target(summary: tuple[Path, Path]) -> None:
    ws = openpyxl.load_workbook(summary[0])["ศูนย์"]
    total = next(r for r in ws.iter_rows(min_row=2) if str(r[1].value).startswith("รวมทั้งประเทศ"))
    assert total[3].value == 7036 and "7,036" in total[1].value


def test_nothing_changed_leaves_the_workbook_alone(summary: tuple[Path, Path]) -> None:
    path, config = summary
    before = path.stat().st_mtime_ns
    gsync("national", "--config", str(config), "--now", "2025-04-21T09:00:00+07:00")
    assert path.stat().st_mtime_ns == before
