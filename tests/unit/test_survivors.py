"""Behaviours that a mutation once changed without any test noticing (issue: one structural
step). Each test here fails when its behaviour is broken by hand:

1. a same-name re-upload (`X (1).xlsx`) that drops a centre still replaces the old file;
2. upper-case staff marks (`X`, `Yes`, `TRUE`) keep counting;
3. a report whose only problem is `attachment_unavailable` or `truncated` stays complete;
4. a file re-saved in place after the deadline keeps its first receipt (offline, real CLI);
5. offline, Form CSV timestamps without an offset are Bangkok time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.attribution import Incoming
from gsync.cli import main
from gsync.master.layout import KEY, TAB_REPORTS
from gsync.master.tables import EXCUSED, staff_input
from gsync.models import FileKind, FileRef, ParsedFile, Problem
from gsync.outcome import judge
from gsync.sources.forms_csv import CsvFormSource
from gsync.staff import StaffInput
from tests.unit.test_rules import FULL, NOW, SETTINGS, act, one, report_file, response

UTC = dt.UTC
BKK = ZoneInfo("Asia/Bangkok")


def test_same_name_reupload_that_drops_a_centre_still_replaces_the_old_file() -> None:
    old = report_file("รายงาน งาว Q1.xlsx", dt.datetime(2024, 12, 1, tzinfo=UTC), FULL)
    new = report_file("รายงาน งาว Q1 (1).xlsx", dt.datetime(2024, 12, 5, tzinfo=UTC), [act("บ้านหวด")])
    r = one(judge(SETTINGS, [], [old, new], StaffInput(), NOW))
    assert [f.name for f in r.files] == ["รายงาน งาว Q1 (1).xlsx"]
    assert [f.name for f in r.superseded] == ["รายงาน งาว Q1.xlsx"]
    assert [p.code for p in r.problems] == ["centre_without_activity"]  # แม่ตีบ is gone with the old file
    assert r.complete is False


@pytest.mark.parametrize("mark", ["X", "x", "Yes", "YES", "TRUE", "True", "✓", "✔", "1", "ใช่", True],
                         ids=lambda m: repr(m))
def test_staff_marks_count_whatever_their_case(mark: object) -> None:
    tabs = {TAB_REPORTS: [[KEY, "อำเภอ", EXCUSED], ["งาว|Q1", "งาว", mark], ["งาว|Q2", "งาว", "ไม่"]]}
    assert staff_input(tabs).excused == frozenset({"งาว|Q1"})


@pytest.mark.parametrize("mark", ["ไม่", "0", "-", "", None, "no"], ids=lambda m: repr(m))
def test_other_marks_are_no(mark: object) -> None:
    tabs = {TAB_REPORTS: [[KEY, "อำเภอ", EXCUSED], ["งาว|Q1", "งาว", mark]]}
    assert staff_input(tabs).excused == frozenset()


def test_a_truncated_report_stays_complete() -> None:
    cut = Problem(code="truncated", message="ไฟล์ยาวเกิน 200 แถว: อ่านเฉพาะ 200 แถวแรก", source="งาว Q1.xlsx")
    ref = FileRef(id="งาว Q1.xlsx", name="งาว Q1.xlsx", received_at=dt.datetime(2024, 12, 1, tzinfo=UTC), version="1")
    item = Incoming(ref, ParsedFile(kind=FileKind.ACTIVITY, header_district="งาว", header_quarter=1,
                                    activities=tuple(FULL), problems=(cut,)))
    r = one(judge(SETTINGS, [], [item], StaffInput(), NOW))
    assert [p.code for p in r.problems] == ["truncated"]
    assert r.complete is True


def test_a_report_whose_attachment_cannot_be_fetched_here_stays_complete() -> None:
    attached = FileRef(id="1AbCdEfGhIjK", name="ไฟล์แนบในแบบฟอร์ม (1AbCdEfGhIjK)",
                       received_at=dt.datetime(2024, 12, 2, tzinfo=UTC), channel="form")
    form = response(dt.datetime(2024, 12, 2, tzinfo=UTC), files=(attached,), position="พัฒนากร")
    r = one(judge(SETTINGS, [form], [Incoming(attached, None, form.id)], StaffInput(), NOW))
    assert [p.code for p in r.problems] == ["attachment_unavailable"]
    assert (r.timeliness, r.complete) == ("on_time", True)


def test_a_file_resaved_in_place_after_the_deadline_keeps_its_first_receipt(tmp_path: Path) -> None:
    config, _ = demo.build(tmp_path / "demo")
    runner = CliRunner()
    now = "2025-04-20T09:00:00+07:00"
    assert runner.invoke(main, ["sync", "--config", str(config), "--now", now]).exit_code == 4

    def maemoh_q1() -> dict:
        out = runner.invoke(main, ["status", "--config", str(config), "--now", now, "--json"]).stdout
        return next(r for r in json.loads(out)["reports"] if r["district"] == "แม่เมาะ" and r["quarter"] == 1)

    before = maemoh_q1()
    assert (before["timeliness"], before["complete"]) == ("on_time", True)
    (name,) = [n for n in before["received_files"] if n.endswith(".xlsx")]
    (path,) = [p for p in (config.parent / "inbox").rglob(name)]
    wb = openpyxl.load_workbook(path)  # the district opens it, fixes a typo, saves it again
    wb.active.cell(row=1, column=1).value = f"{wb.active.cell(row=1, column=1).value} (แก้ไข)"
    wb.save(path)
    late = dt.datetime(2025, 1, 10, 10, 0, tzinfo=BKK).timestamp()  # long after the 13 Dec deadline
    os.utime(path, (late, late))
    assert runner.invoke(main, ["sync", "--config", str(config), "--now", now]).exit_code == 0
    after = maemoh_q1()
    assert after["timeliness"] == "on_time"
    assert after["submitted_at"] == before["submitted_at"]


def test_csv_timestamps_without_an_offset_are_bangkok_time(tmp_path: Path) -> None:
    csv = tmp_path / "responses.csv"
    csv.write_text(
        "ประทับเวลา,ที่อยู่อีเมล,อำเภอ,ไตรมาส\n"
        "13/12/2024 23:30:00,ngao@example.go.th,งาว,ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)\n"
        "14/12/2567 00:30:00,kokha@example.go.th,เกาะคา,ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)\n",
        encoding="utf-8",
    )
    source = CsvFormSource(csv, {"district": "อำเภอ", "quarter": "ไตรมาส"}, BKK)
    got = [r.created_at.astimezone(UTC) for r in source.responses()]
    assert got == [dt.datetime(2024, 12, 13, 16, 30, tzinfo=UTC), dt.datetime(2024, 12, 13, 17, 30, tzinfo=UTC)]
    out = judge(SETTINGS, source.responses(), [], StaffInput(), NOW)
    assert one(out, "งาว").timeliness == "on_time"  # 23:30 Bangkok on the deadline day
    assert one(out, "เกาะคา").timeliness == "late"  # 00:30 Bangkok the next day
