"""One catalogue of problem words (gsync/messages.py): every code scripts read has a Thai message
template and a short Thai label for staff, and the templates render."""

from __future__ import annotations

import string
import typing

import pytest

from gsync import messages, models

CODES = typing.get_args(models.ProblemCode)


def test_every_code_has_a_template_and_a_label_and_nothing_else_does() -> None:
    assert set(messages.MESSAGES) == set(CODES)
    assert set(messages.LABELS) == set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_templates_and_labels_are_thai_and_render(code: str) -> None:
    fields = {f for _, f, _, _ in string.Formatter().parse(messages.MESSAGES[code]) if f}
    p = messages.problem(code, **{f: "ตัวอย่าง" for f in fields if f != "row"}, row=7)
    assert "{" not in p.message and p.code == code
    for text in (p.message, messages.LABELS[code]):
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in text), text  # staff read Thai
        assert code not in text
    assert fields == {"detail"} or len(messages.MESSAGES[code]) > 20  # a sentence, not a bare field


def test_a_parse_problem_reads_exactly_as_before() -> None:
    p = messages.problem("truncated", sheet="รายงาน", max_rows="200", row=212, source="a.xlsx")
    assert p.message == ("แผ่นงาน “รายงาน” มีข้อมูลเกิน 200 แถว: อ่านเพียง 200 แถวแรก ตั้งแต่แถว 212 ลงไปไม่ได้อ่าน: "
                         "กรุณาลบแถวที่ไม่ใช่ข้อมูลกิจกรรมออก หรือแยกส่งเป็นหลายไฟล์")
    assert (p.row, p.source) == (212, "a.xlsx")
