"""ประวัติการแจ้งเตือน through the MasterSink interface: writing only that tab keeps every other
tab (the sync's and staff's), in the local workbook and in the Google Sheet (real gspread over the
Google fake). Rows are appended once, by key, even when the sync's state was thrown away."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from google.oauth2 import service_account

from gsync.accounting import Accounting
from gsync.config import parse_settings
from gsync.google.clients import SCOPES, GoogleClients
from gsync.google.retry import RetryPolicy
from gsync.master import policy
from gsync.master.layout import KEY, NOTE, TAB_REMINDERS, Table
from gsync.master.tables import log_table
from gsync.remind import history
from gsync.remind.outbox import Entry
from gsync.sinks.google_sheet import GoogleSheetSink
from gsync.sinks.workbook import WorkbookSink
from gsync.state import State

from .support import LINE_A, at

TZ = dt.timezone(dt.timedelta(hours=7))


def status_table() -> Table:
    return Table("สถานะรายงาน", [KEY, "อำเภอ", "ไตรมาส 1"], [["k1", "เกาะคา", "ส่งตรงเวลา"], ["k2", "งาว", "ยังไม่ส่ง"]],
                 staff=[NOTE])


def sent(key: str, recipient: str, when: dt.datetime) -> Entry:
    return Entry(key, "งาว", "Q1", "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", dt.date(2024, 12, 13), 1, "missing", "line",
                 recipient, "เรื่อง ติดตามรายงาน", "…", "sent", 1, when, when, when, None)


FIRST = [sent("งาว|Q1|+1|line|" + LINE_A, LINE_A, at(2024, 12, 16, 8, 30))]
SECOND = [sent("*|Q1|+7|line|" + LINE_A, LINE_A, at(2024, 12, 20, 8, 30))]


def test_workbook_keeps_every_other_tab(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    sink = WorkbookSink(master)
    policy.write(sink, [status_table(), log_table(["2024-12-16T01:00:00+00:00", "16 ธ.ค. 2567 08:00", "สำเร็จ"])], {})
    wb = openpyxl.load_workbook(master)
    wb["สถานะรายงาน"]["D2"] = "โทรตามแล้ว"  # a staff note
    wb.create_sheet("ของเจ้าหน้าที่")["A1"] = "สรุปประชุม"
    wb.save(master)

    def tabs() -> dict[str, list[tuple[Any, ...]]]:
        w = openpyxl.load_workbook(master, read_only=True)
        try:
            return {ws.title: list(ws.iter_rows(values_only=True)) for ws in w.worksheets}
        finally:
            w.close()

    before = tabs()
    assert policy.write(sink, [history.table(FIRST, TZ)], sink.read()) == 1  # an append-only tab alone is written
    policy.write(sink, [history.table(FIRST + SECOND, TZ)], sink.read())  # the first row again: not twice
    after = tabs()
    assert {t: v for t, v in after.items() if t != TAB_REMINDERS} == before
    rows = after[TAB_REMINDERS]
    assert rows[0] == tuple(history.HEADERS)
    assert [(r[2], r[5], r[7], r[9]) for r in rows[1:]] == [
        ("งาว", "หลังกำหนด 1 วัน", "Ua1…a1", "ส่งแล้ว"), ("งาว", "หลังกำหนด 1 วัน", "Ua1…a1", "ส่งแล้ว")]
    assert rows[1][1] == "16 ธ.ค. 2567 08:30" and rows[2][1] == "20 ธ.ค. 2567 08:30"
    # and the next sync (its own tables only) keeps the history
    policy.write(sink, [status_table()], sink.read())
    assert tabs()[TAB_REMINDERS] == rows


class Google:
    def __init__(self, fake: Any, base_url: str) -> None:
        self.fake = fake
        self.sid = fake.sheets_create("master ลำปาง")
        info = fake.service_account_info(token_uri=base_url + "/token")
        creds = service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES))
        self.google = GoogleClients(creds, Accounting(), endpoint=base_url, timeout=10, policy=RetryPolicy(sleep=lambda s: None))
        self.settings = parse_settings({
            "province": {"name": "ลำปาง", "fiscal_year": 2568},
            "districts": [{"name": "งาว", "tambons": ["งาว"]}],
            "form": {"csv": "responses.csv"},
            "sheet": {"spreadsheet_id": self.sid},
        })

    def run(self, tables: list[Table], state: State) -> int:
        """One run: a fresh sink, read, write, commit (as gsync sync and gsync remind do)."""
        sink = GoogleSheetSink(self.google, self.settings, state)
        n = policy.write(sink, tables, sink.read())
        state.commit()
        return n

    def values(self, tab: str) -> list[list[Any]]:
        return self.fake.sheet_values(self.sid, tab, "UNFORMATTED_VALUE")


def test_google_sheet_keeps_every_other_tab(google_server: tuple[Any, str]) -> None:
    g = Google(*google_server)
    state = State(None)
    g.run([status_table(), log_table(["2024-12-16T01:00:00+00:00", "16 ธ.ค. 2567 08:00", "สำเร็จ"])], state)
    status_before, log_before = g.values("สถานะรายงาน"), g.values("บันทึกการซิงก์")

    assert g.run([history.table(FIRST, TZ)], state) == 1  # written, though the tab is append-only
    assert g.run([history.table(FIRST + SECOND, TZ)], state) == 1
    assert g.values("สถานะรายงาน") == status_before and g.values("บันทึกการซิงก์") == log_before
    rows = g.values(TAB_REMINDERS)
    assert rows[0] == history.HEADERS and len(rows) == 3
    assert [r[1] for r in rows[1:]] == ["16 ธ.ค. 2567 08:30", "20 ธ.ค. 2567 08:30"]

    # `gsync sync --full` throws the state (and its tab cache) away: the history still is read
    # before it is written, so its rows are kept, never overwritten from the top
    fresh = State(None)
    g.run([status_table()], fresh)
    third = [sent("เถิน|Q1|+1|email|x@example.go.th", "x@example.go.th", at(2024, 12, 23, 9))]
    g.run([history.table(third, TZ)], State(None))
    rows = g.values(TAB_REMINDERS)
    assert len(rows) == 4 and rows[3][7] == "x***@example.go.th"
    assert [r[1] for r in rows[1:]] == ["16 ธ.ค. 2567 08:30", "20 ธ.ค. 2567 08:30", "23 ธ.ค. 2567 09:00"]
    assert g.values("สถานะรายงาน") == status_before
