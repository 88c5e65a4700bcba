"""The sync log names the holidays package that moved the deadlines (issue 9, packaging).

Thai public holidays (and so every deadline that falls near one) come from the `holidays`
package; an upgrade that adds an in-lieu day moves a deadline. Each sync-log row carries the
versions it ran with (beside the API requests, a technical cell), so staff can see when that happened.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main


def test_each_sync_log_row_names_gsync_and_holidays(tmp_path: Path) -> None:
    config, now = demo.build(tmp_path / "demo")
    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--now", now.isoformat()],
                                catch_exceptions=False)
    assert result.exit_code in (0, 4), result.output
    wb = openpyxl.load_workbook(tmp_path / "demo" / "master.xlsx")
    rows = list(wb["บันทึกการซิงก์"].iter_rows(values_only=True))
    assert rows[0] == ("รหัส", "เวลา", "ผล", "รายงานที่ได้รับ", "ปัญหา", "ไฟล์ที่ระบุไม่ได้", "ไฟล์ที่อ่านใหม่",
                       "คำขอ API", "ดาวน์โหลด (ไบต์)", "ลองใหม่")  # the log's columns stay as they were
    installed = f"gsync {metadata.version('gsync')} · holidays {metadata.version('holidays')}"
    assert [r[7] for r in rows[1:]] == [f"ไม่มี (ออฟไลน์) · {installed}"]  # offline: no API requests
