"""The merge policy in the core (gsync/master/policy.py): what to write and whether to write,
decided once for every sink (issue 22). Expected values written by hand."""

from __future__ import annotations

import datetime as dt

from gsync.master import policy
from gsync.master.layout import KEY, NOTE, TAB_LOG, Table
from gsync.master.tables import log_table

TAB = "สถานะรายงาน"


def status(rows: list[list[object]]) -> Table:
    return Table(TAB, [KEY, "อำเภอ", "ไตรมาส 1"], rows, staff=[NOTE])  # type: ignore[arg-type]


LOG = ["2025-04-20T02:00:00+00:00", "20 เม.ย. 2568 09:00", "สำเร็จ"]
READ = {
    TAB: [[KEY, "อำเภอ", "ไตรมาส 1", NOTE], ["k1", "เกาะคา", "ส่งตรงเวลา", "โทรตามแล้ว"], ["k2", "งาว", "ยังไม่ส่ง"]],
    TAB_LOG: [[KEY, "เวลา", "ผล"], ["2025-04-19T02:00:00+00:00", "19 เม.ย. 2568 09:00", "สำเร็จ"]],
}


def test_only_the_sync_log_changing_writes_nothing() -> None:
    plan = policy.decide([status([["k1", "เกาะคา", "ส่งตรงเวลา"], ["k2", "งาว", "ยังไม่ส่ง"]]), log_table(LOG)], READ)
    assert plan.changed == [TAB_LOG]
    assert plan.writes is False


def test_a_changed_row_is_written_with_the_note_staff_typed_beside_it() -> None:
    plan = policy.decide([status([["k1", "เกาะคา", "ส่งตรงเวลา"], ["k2", "งาว", "ส่งล่าช้า"]]), log_table(LOG)], READ)
    assert plan.writes is True and plan.changed == [TAB, TAB_LOG]
    assert plan.rows[TAB] == [[KEY, "อำเภอ", "ไตรมาส 1", NOTE], ["k1", "เกาะคา", "ส่งตรงเวลา", "โทรตามแล้ว"],
                              ["k2", "งาว", "ส่งล่าช้า", None]]
    assert plan.rows[TAB_LOG][1:] == [["2025-04-19T02:00:00+00:00", "19 เม.ย. 2568 09:00", "สำเร็จ"], LOG]


def test_a_renamed_tab_is_written_and_cells_compare_as_the_sink_stores_them() -> None:
    same = [status([["k1", "เกาะคา", "ส่งตรงเวลา"], ["k2", "งาว", "ยังไม่ส่ง"]])]
    assert policy.decide(same, READ, renamed=True).writes is True
    dated = [status([["k1", "เกาะคา", dt.date(2024, 12, 13)], ["k2", "งาว", "ยังไม่ส่ง"]])]
    read = {TAB: [[KEY, "อำเภอ", "ไตรมาส 1", NOTE], ["k1", "เกาะคา", "13 ธ.ค. 2567"], ["k2", "งาว", "ยังไม่ส่ง"]]}
    plan = policy.decide(dated, read, stored=lambda c: f"<{c}>" if isinstance(c, dt.date) else c)
    assert plan.rows[TAB][1][2] == "<2024-12-13>"


def test_the_tables_handed_in_are_left_as_they_were() -> None:
    log = log_table(list(LOG))
    policy.decide([status([["k1", "เกาะคา", "ส่งตรงเวลา"]]), log], READ, notices=["แท็บ “ศูนย์” ถูกลบ"])
    assert log.rows == [LOG]  # the notice went into the decision's copy of the log row only
