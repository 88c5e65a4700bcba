"""Review words (contract section 6) through the master Google Sheet: staff type each word with
the real gspread client, the next sync through the fake reads it as staff mean it. Words and
expected values: tests/cli/test_review_words.py (written by hand)."""

from __future__ import annotations

from typing import Any

from tests.adapters.test_workbench_google import gp, report, staff  # noqa: F401 - gp is a fixture
from tests.cli.test_review_words import REASON, WORDS, check
from tests.reliability.google_support import Province, google_run


def test_each_review_word_through_the_google_sheet(gp: Province, caplog: Any) -> None:  # noqa: F811
    google_run(gp)
    ws = staff(gp).worksheet("รายงาน")
    head = ws.row_values(1)
    col = next(i for i, h in enumerate(head) if h.startswith("ผลการตรวจ")) + 1
    why = next(i for i, h in enumerate(head) if h.startswith("เหตุผล")) + 1
    keys = ws.col_values(1)
    for key, typed, _ in WORDS:
        row = keys.index(key) + 1
        ws.update_cell(row, col, typed)
        ws.update_cell(row, why, REASON)

    with caplog.at_level("WARNING", logger="gsync.sync"):
        result = google_run(gp)
    assert sorted(r.getMessage() for r in caplog.records if "is not a review word" in r.getMessage()) == [
        "ผลการตรวจ of เมืองปาน|Q1: 'รอตรวจสอบ' is not a review word; the review is unchanged",
        "ผลการตรวจ of เมืองลำปาง|Q2: 'ไม่ผ่านครับ' is not a review word; the review is unchanged",
    ]
    reports = {f"{r.district}|Q{r.quarter}": report(result, r.district, r.quarter) for r in result.outcome.reports}
    problems = [tuple(r) for r in gp.fake.sheet_values(gp.sid, "ปัญหา", "UNFORMATTED_VALUE")]
    check(reports, problems)

