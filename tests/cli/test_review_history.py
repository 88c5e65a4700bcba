"""ประวัติการตรวจ through the real CLI and workbook (issue 21 item 2): staff type into the demo's
master with openpyxl, as Excel would save it, between `gsync sync` runs.

- a return whose reason staff rewrote is a new return: a new history row, and the resubmission
  clock restarts from it;
- after a return and then ผ่าน, the newest history row decides: one more sync adds no row.

Expected values are written by hand from the demo (gsync/demo.py).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from tests.cli.test_workbench import NOW, master_of, province, report, rows, run, type_into

_ = province  # the fixture: the demo built in tmp_path

DAY2 = "2025-04-21T10:00:00+07:00"
DAY3 = "2025-04-22T10:00:00+07:00"
DAY4 = "2025-04-23T10:00:00+07:00"
APR21_0900 = 1745200800  # 2025-04-21 09:00 Bangkok
APR23_0900 = 1745373600  # 2025-04-23 09:00 Bangkok


def sync_at(config: Path, now: str) -> None:
    code, out = run("sync", "--config", str(config), "--now", now)
    assert code in (0, 4), out


def thoen_q1(config: Path, now: str) -> dict[str, Any]:
    code, out = run("status", "--config", str(config), "--now", now, "--json")
    assert code == 0, out
    return report(json.loads(out), "เถิน", 1)


def thoen_history(config: Path) -> list[tuple[Any, ...]]:
    """(quarter, decision, reason) of เถิน's rows of ประวัติการตรวจ, oldest first."""
    return [(r[2], r[3], r[4] or "") for r in rows(master_of(config), "ประวัติการตรวจ")[1:] if r[1] == "เถิน"]


def corrected_file(config: Path, mtime: int) -> Path:
    """เถิน sends a corrected copy of its Q1 report, saved at `mtime`."""
    inbox = config.parent / "inbox"
    first = next(p for p in inbox.rglob("*.xlsx") if "เถิน" in str(p) and "แก้ไข" not in p.name)
    fixed = first.with_name("เถิน ฉบับแก้ไข ไตรมาส1.xlsx")
    if not fixed.exists():
        shutil.copy(first, fixed)
    os.utime(fixed, (mtime, mtime))
    return fixed


def test_a_rewritten_return_reason_is_a_new_return_and_restarts_the_clock(province: Path) -> None:
    master = master_of(province)
    sync_at(province, NOW)
    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    type_into(master, "รายงาน", "เถิน|Q1", "เหตุผล", "ภาพถ่ายไม่ตรงกับกิจกรรม")
    sync_at(province, NOW)
    assert thoen_history(province) == [(1, "ส่งกลับแก้ไข", "ภาพถ่ายไม่ตรงกับกิจกรรม")]

    corrected_file(province, APR21_0900)  # after the return was seen (20 Apr 09:00)
    sync_at(province, DAY2)
    assert thoen_q1(province, DAY2)["review"] == "resubmitted"

    # staff look at the corrected file and return it again, with a new reason, on 22 Apr
    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    type_into(master, "รายงาน", "เถิน|Q1", "เหตุผล", "ภาพถ่ายไม่ตรงกับกิจกรรม และวันที่แถว 6 ผิด")
    sync_at(province, DAY3)
    assert thoen_history(province) == [(1, "ส่งกลับแก้ไข", "ภาพถ่ายไม่ตรงกับกิจกรรม"),
                                       (1, "ส่งกลับแก้ไข", "ภาพถ่ายไม่ตรงกับกิจกรรม และวันที่แถว 6 ผิด")]
    r = thoen_q1(province, DAY3)
    # the corrected file of 21 Apr came before this return: เถิน has not answered it yet
    assert (r["review"], r["review_reason"]) == ("returned", "ภาพถ่ายไม่ตรงกับกิจกรรม และวันที่แถว 6 ผิด")
    sync_at(province, DAY3)  # nothing new: no row
    assert len(thoen_history(province)) == 2

    corrected_file(province, APR23_0900)  # re-saved after the second return
    sync_at(province, DAY4)
    assert thoen_q1(province, DAY4)["review"] == "resubmitted"
    assert len(thoen_history(province)) == 2


def test_after_a_return_and_then_pass_the_newest_row_decides(province: Path) -> None:
    master = master_of(province)
    sync_at(province, NOW)
    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ส่งกลับแก้ไข")
    type_into(master, "รายงาน", "เถิน|Q1", "เหตุผล", "วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส")
    sync_at(province, NOW)
    corrected_file(province, APR21_0900)
    sync_at(province, DAY2)
    type_into(master, "รายงาน", "เถิน|Q1", "ผลการตรวจ", "ผ่าน")
    sync_at(province, DAY2)
    expected = [(1, "ส่งกลับแก้ไข", "วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส"), (1, "ผ่าน", "วันที่กิจกรรมแถว 6 อยู่นอกไตรมาส")]
    assert thoen_history(province) == expected
    assert thoen_q1(province, DAY2)["review"] == "accepted"
    # one more sync after the acceptance: no row added
    sync_at(province, DAY2)
    assert thoen_history(province) == expected
    # the next day staff excuse another district's report, so this sync writes the master:
    # still no row for เถิน, still accepted
    type_into(master, "รายงาน", "แจ้ห่ม|Q2", "ยกเว้น", "X")
    sync_at(province, DAY3)
    assert thoen_history(province) == expected
    assert thoen_q1(province, DAY3)["review"] == "accepted"
