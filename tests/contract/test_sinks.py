"""What every master sink promises, offline (WorkbookSink) and on Google (GoogleSheetSink on
the fake): a table written is read back as written, what staff typed in their columns stays
on the next write, and district-typed text that starts with "=" is never a formula.
"""

from __future__ import annotations

from gsync.master import policy
from gsync.master.layout import KEY, NOTE, Table
from gsync.master.tables import EXCUSED
from gsync.ports import MasterSink
from tests.contract.tiny import Built

TAB = "สถานะรายงาน"
HEADERS = [KEY, "อำเภอ", "ไตรมาส 1", "ผู้เข้าร่วม"]


def table(rows: list[list[object]]) -> Table:
    return Table(TAB, list(HEADERS), rows, staff=[EXCUSED, NOTE], widths=[14, 16, 30, 10],  # type: ignore[arg-type]
                 status_columns=[2])


ROWS: list[list[object]] = [
    ["d01", "เกาะคา", "ส่งตรงเวลา", 120],
    ["d02", "งาว", "ยังไม่ส่ง (เลยกำหนด)", 0],
    ["d03", "แม่ทะ", "ส่งล่าช้า · ไม่ครบถ้วน", 37.5],
]


def cell(row: list[object], i: int) -> object:
    """A cell of a row read back; empty is None (a Sheet leaves trailing empties out, a
    workbook gives them as None)."""
    value = row[i] if i < len(row) else None
    return None if value == "" else value


def run(built: Built, sink: MasterSink, rows: list[list[object]]) -> int:
    """One gsync run's use of the sink: read what is there, write the merged tables."""
    n = policy.write(sink, [table(rows)], sink.read())
    built.state.commit()
    return n


def test_a_table_written_is_read_back(built: Built, master_sink: MasterSink) -> None:
    assert master_sink.read().get(TAB) is None  # nothing there before the first write
    assert run(built, master_sink, ROWS) == 1
    got = built.new_sink().read()[TAB]
    assert got[0][:6] == [KEY, "อำเภอ", "ไตรมาส 1", "ผู้เข้าร่วม", EXCUSED, NOTE]
    assert [r[:4] for r in got[1:]] == [
        ["d01", "เกาะคา", "ส่งตรงเวลา", 120],
        ["d02", "งาว", "ยังไม่ส่ง (เลยกำหนด)", 0],
        ["d03", "แม่ทะ", "ส่งล่าช้า · ไม่ครบถ้วน", 37.5],
    ]


def test_the_same_table_again_writes_nothing(built: Built, master_sink: MasterSink) -> None:
    run(built, master_sink, ROWS)
    assert run(built, built.new_sink(), ROWS) == 0


def test_what_staff_typed_stays(built: Built, master_sink: MasterSink) -> None:
    run(built, master_sink, ROWS)
    built.type_into_master(TAB, "E3", "✓")  # งาว excused
    built.type_into_master(TAB, "F2", "โทรตามแล้ว 14 ธ.ค.")  # a note beside เกาะคา
    changed = [["d01", "เกาะคา", "ส่งตรงเวลา", 121], ROWS[1], ROWS[2]]
    assert run(built, built.new_sink(), changed) == 1
    got = {r[0]: r for r in built.new_sink().read()[TAB][1:]}
    assert got["d01"][3] == 121
    assert got["d01"][5] == "โทรตามแล้ว 14 ธ.ค."
    assert got["d02"][4] == "✓"
    assert cell(got["d03"], 4) is None  # nothing typed there


def test_a_row_that_leaves_takes_nothing_of_the_others(built: Built, master_sink: MasterSink) -> None:
    run(built, master_sink, ROWS)
    built.type_into_master(TAB, "F4", "ตรวจแล้ว")  # beside แม่ทะ (d03)
    run(built, built.new_sink(), [ROWS[0], ROWS[2]])  # d02 is no longer true
    got = built.new_sink().read()[TAB][1:]
    assert [r[0] for r in got] == ["d01", "d03"]
    assert {r[0]: r for r in got}["d03"][5] == "ตรวจแล้ว"  # the note moved up with its row


def test_text_starting_with_equals_is_never_a_formula(built: Built, master_sink: MasterSink) -> None:
    typed = '=HYPERLINK("http://evil.example","คลิก")'
    run(built, master_sink, [["d01", typed, "=1+1", "+66 81 234 5678"]])
    assert built.formulas(TAB) == {}
    got = built.new_sink().read()[TAB][1]
    assert got[:4] == ["d01", typed, "=1+1", "+66 81 234 5678"]
