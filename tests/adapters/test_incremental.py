"""Incremental sync with durable state, through the real CLI against the Google fake.

The demo province is loaded into the fake (Form + responses, QR Drive folder, empty master) and
`gsync sync` runs as cron would run it (real gspread and googleapiclient over loopback HTTP,
a service-account key, a state file). What a run cost is read from the fake's request log.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gsync import demo, synth
from gsync.cli import main
from gsync.master.layout import TAB_ACTIVITIES, TAB_LOG
from gsync.testing.province import demo_on_fake

NOW = dt.datetime(2025, 4, 20, 9, 0, tzinfo=demo.BKK)
API = ("drive.", "forms.", "sheets.")
WRITES = {"sheets.spreadsheets.batchUpdate", "sheets.spreadsheets.values.batchUpdate",
          "sheets.spreadsheets.values.batchClear", "sheets.spreadsheets.values.update",
          "sheets.spreadsheets.values.append", "sheets.spreadsheets.values.clear"}
_RANGE = re.compile(r"^'?(.*?)'?!([A-Z]+)(\d+):([A-Z]+)(\d+)$")
# the log row's columns (master.tables.log_table): key, time, verdict, received, problems,
# unattributed, parsed anew, API requests, bytes downloaded, retries
LOG_REQUESTS, LOG_BYTES, LOG_PARSED = 7, 8, 6


@pytest.fixture()
def province(google_server: tuple[Any, str], tmp_path: Path) -> dict[str, Any]:
    fake, base_url = google_server
    config, ids = demo_on_fake(fake, base_url, tmp_path)
    return {"fake": fake, "config": config, "sid": ids["spreadsheet_id"], "folder": ids["folder_id"],
            "state": tmp_path / "google" / "state" / "gsync.sqlite"}


def sync(p: dict[str, Any], now: dt.datetime, *extra: str) -> list[Any]:
    """One `gsync sync`; returns the API requests it made (token requests excluded)."""
    fake = p["fake"]
    start = len(fake.requests)
    result = CliRunner().invoke(main, ["sync", "--config", str(p["config"]), "--now", now.isoformat(), *extra],
                                catch_exceptions=False)
    assert result.exit_code in (0, 4), result.output  # 4: the demo has files nobody can place
    return [c for c in fake.requests[start:] if c.id.startswith(API)]


def downloads(calls: list[Any]) -> list[Any]:
    return [c for c in calls if c.id == "drive.files.export"
            or (c.id == "drive.files.get" and c.query.get("alt") == ["media"])]


def master(p: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Every tab of the master Sheet, as the API shows its values."""
    book = p["fake"].sheets.spreadsheets[p["sid"]]
    return {s.title: p["fake"].sheet_values(p["sid"], s.title) for s in book.sheets}


def ranges(calls: list[Any]) -> list[tuple[str, int, int]]:
    """(tab, first row, last row) of every range written by values.batchUpdate."""
    out = []
    for c in calls:
        if c.id == "sheets.spreadsheets.values.batchUpdate":
            for vr in c.body["data"]:
                m = _RANGE.match(vr["range"])
                assert m, vr["range"]
                out.append((m.group(1).replace("''", "'"), int(m.group(3)), int(m.group(5))))
    return out


def log_rows(p: dict[str, Any]) -> list[list[Any]]:
    return p["fake"].sheet_values(p["sid"], TAB_LOG)[1:]


def test_rerun_with_nothing_changed_costs_at_most_four_requests_and_writes_nothing(province):
    cold = sync(province, NOW)
    assert downloads(cold)  # the first run reads everything
    before = master(province)

    again = sync(province, NOW + dt.timedelta(hours=1))

    assert downloads(again) == []
    assert [c.id for c in again if c.id in WRITES] == []
    assert len(again) <= 4, [c.id for c in again]
    assert master(province) == before
    assert len(log_rows(province)) == 1  # nothing changed: no new sync-log line either


def test_one_new_upload_downloads_one_file_and_writes_only_the_new_rows(province):
    sync(province, NOW)
    acts_before = province["fake"].sheet_values(province["sid"], TAB_ACTIVITIES)
    rows = synth.activities(demo.lampang_districts()["แม่ทะ"], demo.FY, 2, seed=42)
    province["fake"].drive_add_file("แม่ทะ ไตรมาส2.xlsx", synth.activity_xlsx("แม่ทะ", demo.PROVINCE, 2, rows),
                                    province["folder"], created_time=NOW - dt.timedelta(days=1))

    calls = sync(province, NOW + dt.timedelta(hours=1))

    assert len(downloads(calls)) == 1
    written = ranges(calls)
    assert written, "the new report must be written"
    acts = [(first, last) for tab, first, last in written if tab == TAB_ACTIVITIES]
    # the new activities, appended after the rows that were there (header = row 1)
    assert acts == [(len(acts_before) + 1, len(acts_before) + len(rows))], acts
    # every other tab: only the few rows the new report changes (its status, its report row,
    # the quarter's rates, the log line), never a whole tab and never a header
    assert all(first > 1 for _, first, _ in written), written
    other = sum(last - first + 1 for tab, first, last in written if tab != TAB_ACTIVITIES)
    assert other <= 10, written
    assert [c.id for c in calls if c.id in WRITES] == ["sheets.spreadsheets.values.batchUpdate"]


def test_lost_state_full_sync_rebuilds_an_identical_master(province):
    sync(province, NOW)
    before = master(province)
    assert before.get(TAB_ACTIVITIES), "the cold run wrote the activities"
    province["state"].unlink()  # the state is lost

    calls = sync(province, NOW + dt.timedelta(hours=1), "--full")

    assert downloads(calls)  # rebuilt from the sources
    after = master(province)
    before.pop(TAB_LOG, None)
    after.pop(TAB_LOG, None)
    assert after == before
    # and the rebuilt state is a real one: the next run is incremental again
    again = sync(province, NOW + dt.timedelta(hours=2))
    assert downloads(again) == [] and len(again) <= 4


def test_sync_log_gets_a_row_with_the_request_counts_when_something_changed(province):
    cold = sync(province, NOW)
    rows = log_rows(province)
    assert len(rows) == 1
    row = rows[0]
    counts = dict((m, int(n)) for m, n in re.findall(r"([a-z]+(?:\.[A-Za-z]+)+) (\d+)", str(row[LOG_REQUESTS])))
    # the counts are what the run sent before writing: its own Sheets writes and the version
    # read after them come after the row (issue 13); no Drive guard before the write (issue 21)
    first_write = next(i for i, c in enumerate(cold) if c.id in WRITES)
    before_writes = cold[:first_write]
    assert "drive.changes.list" not in [c.id for c in before_writes]
    seen = {}
    for c in before_writes:
        seen[c.id] = seen.get(c.id, 0) + 1
    assert counts == seen, (counts, seen)
    assert int(row[LOG_BYTES]) > 0 and int(row[LOG_PARSED]) > 0

    rows_no_change = len(log_rows(province))
    sync(province, NOW + dt.timedelta(hours=1))
    assert len(log_rows(province)) == rows_no_change  # nothing changed: no line

    rows = synth.activities(demo.lampang_districts()["แม่ทะ"], demo.FY, 2, seed=7)
    province["fake"].drive_add_file("แม่ทะ ไตรมาส2.xlsx", synth.activity_xlsx("แม่ทะ", demo.PROVINCE, 2, rows),
                                    province["folder"], created_time=NOW - dt.timedelta(days=1))
    sync(province, NOW + dt.timedelta(hours=2))
    last = log_rows(province)[-1]
    assert len(log_rows(province)) == rows_no_change + 1
    assert "drive.files.get 1" in str(last[LOG_REQUESTS]) and "drive.changes.list 1" in str(last[LOG_REQUESTS])
