"""Centres on a map: the KML and CSV written beside the offline master after `gsync sync`, and by
`gsync map`, for the Lampang-letter case of test_collections_e2e (hand-written expectations)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from gsync import maps
from gsync.cli import main
from gsync.config import parse_settings
from gsync.models import Centre
from tests.cli.test_collections_e2e import NOW, lampang  # noqa: F401 - the fixture

NS = {"k": "http://www.opengis.net/kml/2.2"}
GREEN, RED = "ff4fa86a", "ff0000cc"  # aabbggrr


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def placemarks(path: Path) -> dict[str, dict[str, str]]:
    root = ET.parse(path).getroot()
    colours = {s.get("id"): s.find("k:IconStyle/k:color", NS).text for s in root.iter(f"{{{NS['k']}}}Style")}  # type: ignore[union-attr]
    out = {}
    for pm in root.iter(f"{{{NS['k']}}}Placemark"):
        data = {d.get("name"): d.findtext("k:value", "", NS) for d in pm.iter(f"{{{NS['k']}}}Data")}
        data["colour"] = colours[pm.findtext("k:styleUrl", "", NS).lstrip("#")]
        data["coordinates"] = pm.findtext("k:Point/k:coordinates", "", NS)
        out[pm.findtext("k:name", "", NS)] = data
    return out


def test_sync_writes_the_centres_map_beside_the_master(lampang: Path) -> None:  # noqa: F811
    code, _ = run("sync", "--config", str(lampang), "--now", NOW)
    assert code == 4
    kml = lampang.parent / "master-centres.kml"
    pms = placemarks(kml)
    # the four centres with coordinates; colours: each district's Q2 (due 14 Mar 2568) status
    assert set(pms) == {"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอเกาะคา", "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลแม่วะ",
                        "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบลบ้านสา", "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอห้างฉัตร"}
    kokha = pms["ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอเกาะคา"]
    assert (kokha["อำเภอ"], kokha["ระดับ"], kokha["ประธานศูนย์"]) == ("เกาะคา", "ระดับอำเภอ", "นายประธาน อำเภอเกาะคา")
    assert (kokha["สถานะรายงานไตรมาสล่าสุด"], kokha["colour"]) == ("ส่งตรงเวลา", GREEN)
    assert kokha["coordinates"] == "99.39,18.2,0"  # longitude first
    hangchat = pms["ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนอำเภอห้างฉัตร"]
    assert (hangchat["สถานะรายงานไตรมาสล่าสุด"], hangchat["colour"]) == ("ยังไม่ส่ง (เลยกำหนด)", RED)

    rows = list(csv.DictReader(io.StringIO((lampang.parent / "master-centres.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4
    row = next(r for r in rows if r["อำเภอ"] == "แจ้ห่ม")
    assert (row["ตำบล"], row["ละติจูด"], row["ลองจิจูด"]) == ("บ้านสา", "13.75", "100.5")


def test_map_command_writes_where_asked(lampang: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out" / "ศูนย์.kml"
    out.parent.mkdir()
    code, text = run("map", "--config", str(lampang), "--now", NOW, "--out", str(out))
    assert code == 0, text
    assert "4 centres" in text
    assert len(placemarks(out)) == 4 and out.with_suffix(".csv").exists()


def test_district_typed_text_is_escaped_and_never_a_formula() -> None:
    settings = parse_settings({"province": {"name": "ลำปาง", "fiscal_year": 2568}, "districts": [
        {"name": "งาว", "tambons": ["บ้านหวด"]}], "drive": {"path": "x"}, "sheet": {"path": "m.xlsx"}})
    hostile = Centre(row=5, name='=HYPERLINK("http://x") <b>&', tambon="บ้านหวด", chair="@SUM(1)", lat=18.7, lon=99.9)
    pts = [maps.Point("งาว", hostile, "late", "ส่งล่าช้า", False, "ทะเบียน.xlsx")]
    root = ET.fromstring(maps.kml(settings, 2, pts))
    assert root.findtext(".//k:Placemark/k:name", "", NS) == '=HYPERLINK("http://x") <b>&'
    rows = list(csv.reader(io.StringIO(maps.csv_text(pts))))
    assert rows[1][0] == '\'=HYPERLINK("http://x") <b>&' and rows[1][4] == "'@SUM(1)"
    assert maps.last_quarter(settings, [], dt.datetime(2025, 5, 1, tzinfo=dt.UTC)) == 3


def test_an_unwritable_map_is_one_line_not_a_traceback(lampang: Path, tmp_path: Path) -> None:  # noqa: F811
    result = CliRunner().invoke(main, ["map", "--config", str(lampang), "--now", NOW,
                                       "--out", str(tmp_path / "no-such-folder" / "m.kml")])
    assert result.exit_code == 1
    assert "cannot write the centres map" in result.output and "Traceback" not in result.output
