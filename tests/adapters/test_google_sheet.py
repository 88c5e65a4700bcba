"""GoogleSheetSink against the Google fake, through the REAL gspread client and gsync's own
retrying transport (GoogleClients), over a loopback HTTP server.

What matters to staff who keep the master open: rows never move under their notes, nothing
a district typed becomes a formula, and a rerun with nothing new writes nothing. What matters
to quota: the number of requests does not grow with the number of rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.oauth2 import service_account

from gsync.accounting import Accounting
from gsync.config import parse_settings
from gsync.errors import SinkError, SourceError
from gsync.google.clients import SCOPES, GoogleClients
from gsync.google.retry import RetryPolicy
from gsync.master import policy
from gsync.master.layout import KEY, NOTE, Table
from gsync.master.tables import EXCUSED, STATUS_COLOURS, log_table
from gsync.sinks.google_sheet import GoogleSheetSink, a1, grid_size
from gsync.state import State

TAB = "สถานะรายงาน"
LOG = "บันทึกการซิงก์"
WRITES = ("sheets.spreadsheets.batchUpdate", "sheets.spreadsheets.values.batchUpdate",
          "sheets.spreadsheets.values.batchClear")


class Env:
    """One fake spreadsheet and a sink over it, with the run's read-write-commit cycle."""

    def __init__(self, fake: Any, base_url: str, spreadsheet_id: str | None = None) -> None:
        self.fake = fake
        self.sid = spreadsheet_id or fake.sheets_create("master ลำปาง")
        info = fake.service_account_info(token_uri=base_url + "/token")
        creds = service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES))
        self.accounting = Accounting()
        self.google = GoogleClients(creds, self.accounting, endpoint=base_url, timeout=10,
                                    policy=RetryPolicy(sleep=lambda s: None))
        self.settings = parse_settings({
            "province": {"name": "ลำปาง", "fiscal_year": 2568},
            "districts": [{"name": "เกาะคา", "tambons": ["เกาะคา"]}],
            "form": {"csv": "responses.csv"},
            "sheet": {"spreadsheet_id": self.sid},
        })
        self.state = State(None)
        self.sink = GoogleSheetSink(self.google, self.settings, self.state)

    def sync(self, tables: list[Table]) -> int:
        """One run: a new sink (like every gsync run), read, write, commit."""
        self.sink = GoogleSheetSink(self.google, self.settings, self.state)
        existing = self.sink.read()
        n = policy.write(self.sink, tables, existing)
        self.state.commit()
        return n

    def values(self, tab: str = TAB) -> list[list[Any]]:
        return self.fake.sheet_values(self.sid, tab, "UNFORMATTED_VALUE")

    def writes(self) -> int:
        return sum(self.fake.count(m) for m in WRITES)


@pytest.fixture()
def env(google_server: tuple[Any, str]) -> Env:
    fake, base_url = google_server
    return Env(fake, base_url)


def status_table(rows: list[list[Any]]) -> Table:
    return Table(TAB, [KEY, "อำเภอ", "ไตรมาส 1", "ผู้เข้าร่วม"], rows, staff=[EXCUSED, NOTE],
                 widths=[14, 16, 30, 10], status_columns=[2])


def district_rows(n: int) -> list[list[Any]]:
    labels = ["ส่งตรงเวลา", "ส่งล่าช้า · ไม่ครบถ้วน", "ยังไม่ส่ง (เลยกำหนด)", "ยังไม่ถึงกำหนด"]
    return [[f"d{i:04d}", f"อำเภอที่ {i}", labels[i % 4], i * 3 + 0.5 if i % 2 else i] for i in range(n)]


def log_row(n: int) -> Table:
    return log_table([f"2025-04-{n:02d}T02:00:00+00:00", f"{n} เม.ย. 2568", "สำเร็จ", "1/4", 0, 0, 0, "", 0, 0])


# --- first write ----------------------------------------------------------------------------


def test_first_write_creates_tabs_with_frozen_header_colours_and_widths(env: Env) -> None:
    rows = district_rows(5)
    assert env.sync([status_table(rows), log_row(1)]) == 2

    assert env.values() == [[KEY, "อำเภอ", "ไตรมาส 1", "ผู้เข้าร่วม", EXCUSED, NOTE], *rows]
    sheet = env.fake.sheet(env.sid, TAB)
    grid = sheet.props["gridProperties"]
    assert grid["frozenRowCount"] == 1 and grid["frozenColumnCount"] == 1
    assert grid["rowCount"] >= len(rows) + 1 and grid["columnCount"] == 6
    rules = sheet.conditional_formats
    assert [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules] == [w for w, _ in STATUS_COLOURS]
    assert all(r["booleanRule"]["condition"]["type"] == "TEXT_CONTAINS" for r in rules)
    assert rules[0]["ranges"] == [{"sheetId": sheet.id, "startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3}]
    red = rules[0]["booleanRule"]["format"]["backgroundColor"]
    assert red["red"] > red["green"]  # F4CCCC: missing is red
    assert sheet.col_meta[0]["pixelSize"] == 14 * 7 and sheet.col_meta[2]["pixelSize"] == 30 * 7
    header_format = next(f for f in sheet.formats if f["kind"] == "repeatCell" and f["range"].get("endRowIndex") == 1)
    assert header_format["cell"]["userEnteredFormat"]["textFormat"]["bold"] is True
    # the log tab exists too, without colour rules (it has no status column)
    assert env.fake.sheet(env.sid, LOG).conditional_formats == []
    assert env.values(LOG)[1][0] == "2025-04-01T02:00:00+00:00"


def test_text_a_district_typed_is_never_a_formula(env: Env) -> None:
    evil = ['=IMPORTXML("http://x","//a")', '=HYPERLINK("http://evil")', "+66812345678", "@me", "0812345678"]
    rows = [[f"k{i}", text, "ส่งตรงเวลา", "007"] for i, text in enumerate(evil)]
    env.sync([status_table(rows)])

    assert env.fake.sheet_formulas(env.sid, TAB) == {}
    assert [r[1] for r in env.values()[1:]] == evil
    assert [r[3] for r in env.values()[1:]] == ["007"] * len(evil)  # leading zeros kept
    assert {c.body["valueInputOption"] for c in env.fake.calls("sheets.spreadsheets.values.batchUpdate")} == {"RAW"}


# --- request counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_rows", [50, 2000], ids=["50-rows", "2000-rows"])
def test_requests_do_not_grow_with_rows(env: Env, n_rows: int) -> None:
    env.fake.reset_log()
    env.sync([status_table(district_rows(n_rows)), log_row(1)])
    counts = env.fake.counts("sheets.")
    # cold: 1 spreadsheets.get (no cached tab list), no batchGet (no gsync tab yet),
    # 1 batchUpdate (add tabs + formatting), 1 values.batchUpdate
    assert env.fake.reads() <= 1 and env.writes() <= 3, counts
    assert sum(counts.values()) <= 4, counts
    assert len(env.values()) == n_rows + 1

    env.fake.reset_log()
    rows = district_rows(n_rows)
    rows[n_rows // 2][2] = "ส่งล่าช้า"
    env.sync([status_table(rows), log_row(2)])
    # no read: Drive reports the version gsync wrote last time (issue 13); one write
    assert env.fake.counts("sheets.") == {"sheets.spreadsheets.values.batchUpdate": 1}
    data = env.fake.calls("sheets.spreadsheets.values.batchUpdate")[0].body["data"]
    # the changed row and the log's new row, nothing else
    assert [d["range"] for d in data] == [f"'{TAB}'!A{n_rows // 2 + 2}:F{n_rows // 2 + 2}", f"'{LOG}'!A3:J3"]


def test_a_rerun_with_nothing_new_writes_nothing(env: Env) -> None:
    rows = district_rows(30)
    env.sync([status_table(rows), log_row(1)])
    env.fake.reset_log()

    # only the append-only log has a new row: that alone never causes a write
    assert env.sync([status_table(district_rows(30)), log_row(2)]) == 0
    assert env.writes() == 0
    assert env.fake.counts("sheets.") == {}  # tab list cached; the master as gsync wrote it (issue 13)
    assert len(env.values(LOG)) == 2


# --- staff input ----------------------------------------------------------------------------


def test_staff_note_stays_on_its_row_across_syncs(env: Env) -> None:
    rows = district_rows(6)
    env.sync([status_table(rows)])
    assert env.values()[3][0] == "d0002"
    env.fake.sheet_set_cell(env.sid, TAB, "F4", "โทรตามแล้ว 3 ครั้ง")  # a note on d0002's row
    env.fake.sheet_set_cell(env.sid, TAB, "E4", "✓")

    # next sync: new data for d0002, rows arrive in another order, d0001 is gone, d0099 is new
    changed = [r for r in reversed(district_rows(6)) if r[0] != "d0001"] + [["d0099", "ใหม่", "ยังไม่ส่ง", 1]]
    next(r for r in changed if r[0] == "d0002")[2] = "ส่งล่าช้า"
    env.sync([status_table(changed)])

    values = env.values()
    keys = [r[0] for r in values[1:]]
    assert keys == ["d0000", "d0002", "d0003", "d0004", "d0005", "d0099"]  # old order kept, new at the end
    row = values[2]
    assert row[0] == "d0002" and row[2] == "ส่งล่าช้า"
    assert row[4:] == ["✓", "โทรตามแล้ว 3 ครั้ง"]
    assert len(values) == 7  # the leftover 7th data row was cleared


def test_a_tab_that_shrinks_is_cleared_below(env: Env) -> None:
    env.sync([status_table(district_rows(10))])
    env.fake.reset_log()
    env.sync([status_table(district_rows(4))])
    assert [r[0] for r in env.values()[1:]] == ["d0000", "d0001", "d0002", "d0003"]
    assert env.fake.count("sheets.spreadsheets.values.batchClear") == 1
    assert env.fake.calls("sheets.spreadsheets.values.batchClear")[0].body["ranges"] == [f"'{TAB}'!A6:F11"]
    assert env.writes() == 1  # the remaining rows did not change: only the clear


def test_a_value_that_becomes_empty_is_cleared(env: Env) -> None:
    env.sync([status_table([["k1", "เกาะคา", "ส่งตรงเวลา", 12.5]])])
    env.sync([status_table([["k1", "เกาะคา", None, ""]])])
    assert env.values()[1] == ["k1", "เกาะคา"]


def test_staff_columns_to_the_right_are_left_alone(env: Env) -> None:
    env.sync([status_table(district_rows(3))])
    sheet_id = env.fake.sheet(env.sid, TAB).id  # staff add two columns of their own
    env.google.sheets.http_client.batch_update(env.sid, {"requests": [
        {"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": 2}}]})
    env.fake.sheet_set_cell(env.sid, TAB, "H1", "ของฉัน")
    env.fake.sheet_set_cell(env.sid, TAB, "H3", "งานของเจ้าหน้าที่")
    env.fake.reset_log()
    assert env.sync([status_table(district_rows(3))]) == 0
    assert env.writes() == 0
    assert env.values()[2][7] == "งานของเจ้าหน้าที่"


def test_a_tab_grows_beyond_its_grid(google_server: tuple[Any, str]) -> None:
    fake, base_url = google_server
    sid = fake.sheets_create("small", tabs=["Sheet1", TAB], rows=5, cols=3)
    env = Env(fake, base_url, sid)
    env.sync([status_table(district_rows(40))])
    assert len(env.values()) == 41
    grid = fake.sheet(sid, TAB).props["gridProperties"]
    assert grid["rowCount"] >= 41 and grid["columnCount"] >= 6


def test_header_change_does_not_pile_up_colour_rules(env: Env) -> None:
    env.sync([status_table(district_rows(3))])
    renamed = status_table(district_rows(3))
    renamed.headers[2] = "ไตรมาส 1/2569"
    env.sync([renamed])
    assert env.values()[0][2] == "ไตรมาส 1/2569"
    assert len(env.fake.sheet(env.sid, TAB).conditional_formats) == len(STATUS_COLOURS)


def test_a_tab_deleted_by_staff_is_recreated(env: Env) -> None:
    env.sync([status_table(district_rows(3)), log_row(1)])
    sheet_id = env.fake.sheet(env.sid, TAB).id
    env.google.sheets.http_client.batch_update(env.sid, {"requests": [{"deleteSheet": {"sheetId": sheet_id}}]})
    env.fake.reset_log()
    env.sync([status_table(district_rows(3)), log_row(2)])
    # the cached tab list was stale: batchGet failed, the list was reloaded, the tab recreated
    assert env.fake.count("sheets.spreadsheets.get") == 1
    assert [r[0] for r in env.values()[1:]] == ["d0000", "d0001", "d0002"]


# --- errors ---------------------------------------------------------------------------------


def test_no_permission_on_read_says_whom_to_share_with(env: Env) -> None:
    env.fake.revoke_access(env.sid)
    with pytest.raises(SourceError) as e:
        env.sink.read()
    assert env.fake.account_email in str(e.value) and "Editor" in str(e.value)


def test_unknown_spreadsheet_id(google_server: tuple[Any, str]) -> None:
    fake, base_url = google_server
    env = Env(fake, base_url, "1NoSuchSheet")
    with pytest.raises(SourceError, match="spreadsheet id not found: 1NoSuchSheet"):
        env.sink.read()


def test_rate_limited_write_is_retried(env: Env) -> None:
    env.fake.inject(r"values\.batchUpdate$", 429, times=2)
    env.sync([status_table(district_rows(3))])
    assert env.fake.count("sheets.spreadsheets.values.batchUpdate") == 3
    assert env.fake.count("sheets.spreadsheets.values.batchUpdate", status=200) == 1
    assert env.accounting.retries == 2
    assert len(env.values()) == 4


def test_a_failed_write_is_a_sink_error_and_the_state_does_not_advance(env: Env) -> None:
    env.fake.inject(r"values\.batchUpdate$", 403, reason="forbidden", message="The caller does not have permission")
    existing = env.sink.read()
    with pytest.raises(SinkError) as e:
        policy.write(env.sink, [status_table(district_rows(3))], existing)
    assert "does not have permission" in str(e.value) and env.fake.account_email in str(e.value)
    env.state.discard()  # what sync.run does when write raises: nothing is committed
    env.fake.reset_log()
    env.sync([status_table(district_rows(3))])  # the next run finds the tab the failed run created
    # the tab list (not cached: the failed run committed nothing) and, as the tab holds no
    # header yet, its colour rules, which are replaced rather than added twice
    assert env.fake.count("sheets.spreadsheets.get") == 2
    assert env.fake.count("sheets.spreadsheets.batchUpdate") == 1
    assert len(env.values()) == 4
    assert len(env.fake.sheet(env.sid, TAB).conditional_formats) == len(STATUS_COLOURS)


# --- pure helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("rng", "size"), [
    ("'สถานะรายงาน'!A1:Z1000", (1000, 26)),
    ("Sheet1!A1:AB7", (7, 28)),
    ("'it''s'!A1", (1, 1)),
    ("'x'", None),
], ids=["thai", "plain", "one-cell", "no-cells"])
def test_grid_size(rng: str, size: tuple[int, int] | None) -> None:
    assert grid_size(rng) == size


def test_a1_quotes_tab_names() -> None:
    assert a1("แท็บ", 1, 0, 40, 16) == "'แท็บ'!A2:P40"
    assert a1("it's") == "'it''s'"
