"""Hostile and broken files: each ends as a problem staff see (the master's "ปัญหา" tab and
`gsync status --json`) while every other district's report goes through unchanged.

The victim is แจ้ห่ม Q1 (missing in the clean demo): the hostile file is uploaded to its folder.
"Rows lost / duplicated" count the other districts' rows against the clean master.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from . import hostile
from .support import (
    TAB_ACTIVITIES,
    VICTIM,
    Tabs,
    at,
    build,
    check_others_unchanged,
    child_env,
    cli_sync,
    column,
    district_rows,
    measure,
    problem_rows,
    put,
    report_of,
    report_xlsx,
    status,
    statuses,
    tabs,
    victim_activities,
)

# --- files that cannot be read --------------------------------------------------------------

UNREADABLE = {
    "corrupt xlsx (upload cut in half)": ("รายงาน แจ้ห่ม.xlsx", lambda: hostile.corrupt_xlsx(VICTIM, 1), "เสียหาย"),
    "zip bomb (300 MB of zeros in one entry)": ("รายงาน แจ้ห่ม.xlsx", lambda: hostile.zip_bomb(300), "ขยายออกมากผิดปกติ"),
    "password-protected workbook (OLE2 EncryptedPackage)": ("รายงาน แจ้ห่ม.xlsx", hostile.encrypted_xlsx, "รหัสผ่าน"),
}


@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_unreadable_file_is_a_problem_and_others_go_through(kind: str, tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    name, make, words = UNREADABLE[kind]
    settings = build(tmp_path / "province")
    put(settings, f"{VICTIM}/ไตรมาส 1/{name}", make(), at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)  # synced, but needs attention
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status)
    measured("hostile", kind, runs=1, lost=lost, duplicated=dup,
             outcome="unreadable_file shown to staff; other districts unchanged")
    mine = report_of(doc)
    assert mine["complete"] is False and mine["timeliness"] == "on_time"  # received, not readable
    assert any(p["code"] == "unreadable_file" and words in p["message"] for p in mine["problems"]), mine
    assert any(c == "unreadable_file" and words in m for c, m in problem_rows(got)), problem_rows(got)
    assert victim_activities(got) == []
    assert (lost, dup) == (0, 0)


def test_xlsm_is_read_as_data_and_its_macros_never_travel(tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    data = hostile.xlsm(VICTIM, 1)
    assert "xl/vbaProject.bin" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    put(settings, f"{VICTIM}/ไตรมาส 1/รายงาน แจ้ห่ม.xlsm", data, at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status)
    measured("hostile", ".xlsm with a vbaProject.bin (Auto_Open macro)", runs=1, lost=lost, duplicated=dup,
             outcome="read as data (report counts); no macro part in the master")
    mine = report_of(doc)
    assert mine["timeliness"] == "on_time" and not [p for p in mine["problems"] if p["code"] == "unreadable_file"]
    assert len(victim_activities(got)) == len(district_rows(VICTIM, 1, 8))
    with zipfile.ZipFile(settings.sheet.path) as zf:
        assert not [n for n in zf.namelist() if "vba" in n.lower()]
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")
    assert (lost, dup) == (0, 0)


# --- a sheet with a million rows ------------------------------------------------------------


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("million") / "million.xlsx"
    path.write_bytes(hostile.million_rows(VICTIM, 1_000_000))
    return path


MEASURE_PARSE = """
import json, resource, sys, time
from pathlib import Path
from gsync import parse
from gsync.config import parse_settings
settings = parse_settings({"province": {"name": "ลำปาง", "fiscal_year": 2568},
    "districts": [{"name": "แจ้ห่ม", "tambons": ["แจ้ห่ม"]}], "drive": {"path": "x"}, "sheet": {"path": "m.xlsx"}})
data = Path(sys.argv[1]).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.monotonic()
parsed = parse.parse_file("million.xlsx", data, settings)
print(json.dumps({"seconds": time.monotonic() - t, "rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
    "activities": len(parsed.activities), "codes": [p.code for p in parsed.problems]}))
"""


def test_million_row_sheet_is_capped_in_bounded_memory(million: Path) -> None:
    """1,000,000 rows at the default cap (20,000): the parser stops at the cap, in bounded memory
    (a separate process, so its peak memory is its own)."""
    proc = subprocess.run([sys.executable, "-c", MEASURE_PARSE, str(million)], env=child_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["activities"] == 20_000
    assert "truncated" in got["codes"]
    assert got["rss_growth_mb"] < 250, got  # the 190 MB sheet is streamed, never held
    assert got["seconds"] < 30, got


def test_million_row_sheet_in_a_sync(million: Path, tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    config = settings.source_file
    config.write_text(config.read_text(encoding="utf-8") + "\n[limits]\nmax_rows = 200\n", encoding="utf-8")
    from .support import load_settings

    settings = load_settings(config)
    put(settings, f"{VICTIM}/ไตรมาส 1/รายงาน แจ้ห่ม.xlsx", million.read_bytes(), at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status)
    measured("hostile", "sheet with 1,000,000 rows ([limits] max_rows = 200)", runs=1, lost=lost,
             duplicated=dup, outcome="first 200 rows read, 'truncated' shown to staff; others unchanged")
    assert any(p["code"] == "truncated" for p in report_of(doc)["problems"])
    assert any(c == "truncated" for c, _ in problem_rows(got))
    assert len(victim_activities(got)) <= 200
    assert (lost, dup) == (0, 0)


# --- text encodings -------------------------------------------------------------------------

ENCODINGS = {"UTF-8 with BOM": "utf-8-sig", "UTF-16": "utf-16", "cp874 (Thai Windows)": "cp874"}


@pytest.mark.parametrize("label", list(ENCODINGS))
def test_report_csv_in_any_thai_encoding(label: str, tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    text = hostile.report_csv_text(VICTIM, 1, 11)
    put(settings, f"{VICTIM}/ไตรมาส 1/รายงาน แจ้ห่ม.csv", text.encode(ENCODINGS[label]), at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status)
    measured("hostile", f"report CSV in {label}", runs=1, lost=lost, duplicated=dup,
             outcome="read like the xlsx: every activity, Thai intact")
    acts = victim_activities(got)
    tab = got[TAB_ACTIVITIES]
    t, n = column(tab, "ตำบล"), column(tab, "กิจกรรม")
    assert sorted((r[t], r[n]) for r in acts) == sorted((x.tambon, x.name) for x in district_rows(VICTIM, 1, 11))
    mine = report_of(doc)
    assert mine["timeliness"] == "on_time" and mine["complete"] is True, mine
    assert (lost, dup) == (0, 0)


FORM_ENCODINGS = {"UTF-8 without BOM": "utf-8", "UTF-16": "utf-16", "cp874 (Thai Windows)": "cp874"}


@pytest.mark.parametrize("label", list(FORM_ENCODINGS))
def test_form_csv_in_any_thai_encoding(label: str, tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    path = settings.form.csv
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode(FORM_ENCODINGS[label]))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    got = tabs(settings.sheet.path)
    lost, dup = measure(clean_master, got)
    measured("hostile", f"Form responses CSV in {label}", runs=1, lost=lost, duplicated=dup,
             outcome="every response read; master equals the clean one")
    assert statuses(status(settings)) == statuses(clean_status)
    assert got == clean_master
    assert (lost, dup) == (0, 0)


# --- control characters and huge cells ----------------------------------------------------------

def no_unstorable_text(t: Tabs) -> None:
    for title, rows in t.items():
        for r in rows:
            for c in r:
                if isinstance(c, str):
                    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in c), (title, c[:80])
                    assert len(c) <= 32_767, (title, len(c))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_control_characters_in_a_report_and_its_name(fmt: str, tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    if fmt == "xlsx":
        data = hostile.with_control_characters(report_xlsx(VICTIM, 1, 12))
    else:  # what a copy-paste from a PDF leaves: vertical tabs, form feeds, an ANSI escape
        def mangle(row: list[str]) -> list[str]:
            for i in (3, 7, 11):
                row[i] = "\x0b" + row[i] + "\x0c\x1b[0m\u202e\u200b"
            return row

        data = hostile.report_csv_text(VICTIM, 1, 12, mangle=mangle).encode("utf-8")
    put(settings, f"{VICTIM}/ไตรมาส 1/รายงาน\x07\x1b[31m แจ้ห่ม\x01.{fmt}", data, at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status)
    measured("hostile", f"control characters in the cells ({fmt}) and in the file name", runs=1, lost=lost,
             duplicated=dup, outcome="run succeeds; characters dropped; report counts")
    no_unstorable_text(got)
    assert len(victim_activities(got)) == len(district_rows(VICTIM, 1, 12))
    assert report_of(doc)["timeliness"] == "on_time"
    assert (lost, dup) == (0, 0)


def _edit_form(settings, edit) -> None:  # type: ignore[no-untyped-def]
    path = settings.form.csv
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")


def test_control_characters_and_huge_answers_in_the_form(tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")

    def edit(rows: list[list[str]]) -> None:
        head = rows[0]
        muang = next(r for r in rows if r[head.index("อำเภอ")] == "เมืองลำปาง")
        muang[head.index("ที่อยู่อีเมล")] += "\x07\x00"
        muang[head.index("ชื่อ-สกุล ผู้รายงาน")] = "นางสาวกนกพร\x1b[31m\x0b ใจงาม\x00"
        muang[head.index("ปัญหา/อุปสรรค")] = "ยาวมาก" * 10_000  # 60,000 characters

    _edit_form(settings, edit)
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    got = tabs(settings.sheet.path)
    no_unstorable_text(got)
    after = statuses(status(settings))
    changed = [k for k, v in statuses(clean_status).items() if after[k] != v]
    # the edited response is another response (its id hashes the row): the Form tab is left out
    lost, dup = measure(clean_master, got, keep=lambda title, r: title != "แบบฟอร์ม")
    measured("hostile", "control characters and a 60,000-character answer in the Form CSV", runs=1, lost=lost,
             duplicated=dup, outcome="run succeeds; every report's status as in the clean run")
    assert not changed, changed
    assert (lost, dup) == (0, 0)


def test_fifty_thousand_character_cells(tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")

    def huge(row: list[str]) -> list[str]:
        row[7] = "ศาลา" * 12_500  # place: 50,000 characters
        row[11] = "ผ" * 50_000  # result
        return row

    text = hostile.report_csv_text(VICTIM, 1, 13, mangle=huge)
    put(settings, f"{VICTIM}/ไตรมาส 1/รายงาน แจ้ห่ม.csv", text.encode("utf-8"), at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status)
    measured("hostile", "50,000-character cells in a report", runs=1, lost=lost, duplicated=dup,
             outcome="cells cut to [limits] max_cell_chars; report counts")
    no_unstorable_text(got)
    acts = victim_activities(got)
    assert len(acts) == len(district_rows(VICTIM, 1, 13))
    place = column(got[TAB_ACTIVITIES], "สถานที่")
    assert all(len(r[place]) <= settings.limits.max_cell_chars for r in acts)
    assert (lost, dup) == (0, 0)


# --- file names -------------------------------------------------------------------------------

NAMES = {
    "RTL override (U+202E) in the name": ("รายงาน แจ้ห่ม \u202eไตรมาส 1\u202c.xlsx", VICTIM, 1),
    "zero-width characters in the name": ("แจ้\u200bห่ม ไตร\u200cมาส\u200d 1\ufeff.xlsx", VICTIM, 1),
    "decomposed Thai (NFD, sara am as nikhahit + sara aa)": (
        unicodedata.normalize("NFD", "รายงาน เมืองล\u0e4d\u0e32ปาง ไตรมาส 3.xlsx"), "เมืองลำปาง", 3),
    "a path with ..\\ and ../ look-alikes in the name": ("แจ้ห่ม ไตรมาส 1 ..\\..\\Windows\\..∕..∕etc.xlsx", VICTIM, 1),
    "bytes that are not UTF-8 (a cp874 name unzipped here)": (
        os.fsdecode("แจ้ห่ม ไตรมาส 1 ".encode() + "รายงาน".encode("cp874") + b".xlsx"), VICTIM, 1),
}


@pytest.mark.parametrize("label", list(NAMES))
def test_odd_file_names_are_attributed_and_stored_safely(label: str, tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    name, district, quarter = NAMES[label]
    settings = build(tmp_path / "province")
    put(settings, name, report_xlsx(district, quarter, 21), at(2024, 12, 10) if quarter == 1 else at(2025, 4, 18, 11))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status, {district})
    measured("hostile", f"file name with {label}", runs=1, lost=lost, duplicated=dup,
             outcome="attributed to the right district and quarter; stored as text")
    no_unstorable_text(got)
    assert len(victim_activities(got, district, quarter)) == len(district_rows(district, quarter, 21))
    assert report_of(doc, district, quarter)["timeliness"] == "on_time"
    assert not list(tmp_path.rglob("Windows"))  # nothing written by a name
    assert (lost, dup) == (0, 0)


def test_symlink_out_of_the_folder_is_never_read(tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    """A link in the Drive folder pointing outside it (../../secret) is skipped, not followed."""
    settings = build(tmp_path / "province")
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(report_xlsx(VICTIM, 1, 22))
    link = settings.drive.path / VICTIM / "ไตรมาส 1" / "รายงาน แจ้ห่ม.xlsx"
    link.parent.mkdir(parents=True)
    link.symlink_to(os.path.relpath(outside, link.parent))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    lost, dup, got, doc = check_others_unchanged(settings, clean_master, clean_status)
    measured("hostile", "symlink to a file outside the Drive folder", runs=1, lost=lost, duplicated=dup,
             outcome="not followed; the district stays missing")
    assert victim_activities(got) == []
    assert report_of(doc)["timeliness"] == "missing"
    assert (lost, dup) == (0, 0)


def test_name_starting_with_a_dot_is_never_dropped_silently(tmp_path: Path) -> None:
    settings = build(tmp_path / "province")
    put(settings, "..\\..\\Windows\\แจ้ห่ม ไตรมาส 1.xlsx", report_xlsx(VICTIM, 1, 23), at(2024, 12, 10))
    cli_sync(settings)
    doc = status(settings)
    seen = report_of(doc)["timeliness"] != "missing" or any("แจ้ห่ม" in u["name"] for u in doc["unattributed"])
    assert seen
