"""The keyed merge both sinks share: rows keep their place, staff columns survive."""

from __future__ import annotations

from gsync.master.cells import same_rows
from gsync.master.layout import Table
from gsync.master.merge import merge, orphaned_notes


def table(rows: list[list], staff: list[str] | None = None, append_only: bool = False) -> Table:
    return Table("t", ["รหัส", "a", "b"], rows, staff=staff or ["หมายเหตุ"], append_only=append_only)


def test_first_write_is_in_table_order_with_empty_staff_columns() -> None:
    out = merge(table([["k1", 1, "x"], ["k2", 2, "y"]]), None)
    assert out == [["รหัส", "a", "b", "หมายเหตุ"], ["k1", 1, "x", None], ["k2", 2, "y", None]]


def test_existing_rows_keep_their_place_and_notes_new_rows_go_last() -> None:
    existing = [["รหัส", "a", "b", "หมายเหตุ"], ["k2", 2, "y", "โทรแล้ว"], ["k1", 1, "x", None], ["gone", 0, "", "จดไว้"]]
    out = merge(table([["k1", 10, "x"], ["k3", 3, "z"], ["k2", 2, "y"]]), existing)
    assert out[1:] == [["k2", 2, "y", "โทรแล้ว"], ["k1", 10, "x", None], ["k3", 3, "z", None]]
    orphans = orphaned_notes(table([["k1", 10, "x"]]), existing)
    assert [o[0] for o in orphans] == ["t:k2", "t:gone"]
    assert orphans[1][3] == "จดไว้"


def test_staff_column_found_by_header_even_if_moved() -> None:
    existing = [["รหัส", "หมายเหตุ", "a"], ["k1", "note", 1]]
    assert merge(table([["k1", 1, "x"]]), existing)[1] == ["k1", 1, "x", "note"]


def test_append_only_keeps_old_rows_and_adds_new_once() -> None:
    existing = [["รหัส", "a", "b"], ["r1", 1, "x"]]
    t = table([["r2", 2, "y"]], staff=[], append_only=True)
    assert merge(t, existing)[1:] == [["r1", 1, "x"], ["r2", 2, "y"]]
    t2 = table([["r1", 1, "x"]], staff=[], append_only=True)
    assert merge(t2, existing)[1:] == [["r1", 1, "x"]]


def test_same_rows_treats_sheet_round_trips_as_equal() -> None:
    assert same_rows([["k", 1.0, None, ""]], [["k", 1]])
    assert not same_rows([["k", 1]], [["k", 2]])
    assert not same_rows([["k", "1"]], [["k", 1]])
