"""The whole Google path through the real CLI: the demo province loaded into the Google fake
(Form + responses, QR Drive folder, empty master Sheet), `gsync sync` and `gsync status`
against it, compared with the offline path on the same demo folder.

The offline path is the reference: both channels carry the same submissions, so the judgement
(timeliness, completeness, problem codes) and the master's rows must come out the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main
from gsync.master.cells import same_rows
from gsync.master.layout import KEY, TAB_LOG
from gsync.sinks.workbook import WorkbookSink
from gsync.testing.province import load_demo_into_fake, write_google_config

NOW = "2025-04-20T09:00:00+07:00"
# Columns that name a submission by its channel's id: a Drive file id or a local path, a
# Forms responseId or the CSV row's hash (and the keys hashed from them); and the Form
# upload's file name, which the API gives and a downloaded CSV does not.
CHANNEL_COLUMNS = {"ปัญหา": {KEY, "ไฟล์/คำตอบ"}, "ไฟล์ที่ระบุไม่ได้": {KEY}, "แบบฟอร์ม": {KEY, "ไฟล์แนบ", "รหัสไฟล์แนบ"}}
# Offline, a Form upload link cannot be opened, so it is listed as a placeholder; online the
# same link is the QR folder's file, counted once.
PLACEHOLDER = re.compile(r"(, )?ไฟล์แนบในแบบฟอร์ม \(ไม่ทราบชื่อไฟล์\)")
WRITES = ("sheets.spreadsheets.batchUpdate", "sheets.spreadsheets.values.batchUpdate",
          "sheets.spreadsheets.values.batchClear", "sheets.spreadsheets.values.update",
          "sheets.spreadsheets.values.append", "sheets.spreadsheets.values.clear")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def judgement(status_json: str) -> dict[tuple[str, int], tuple[str, bool | None, list[str]]]:
    doc = json.loads(status_json)
    return {(r["district"], r["quarter"]): (r["timeliness"], r["complete"], sorted(p["code"] for p in r["problems"]))
            for r in doc["reports"]}


@pytest.fixture()
def both(google_server: tuple[Any, str], tmp_path: Path) -> dict[str, Any]:
    """The demo, synced offline (the reference) and loaded into the fake with a Google config."""
    fake, base_url = google_server
    offline_config, _ = demo.build(tmp_path / "demo")
    code, _ = run("sync", "--config", str(offline_config), "--now", NOW)
    assert code in (0, 4)
    code, offline_status = run("status", "--config", str(offline_config), "--now", NOW, "--json")
    assert code == 0
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    (tmp_path / "google").mkdir()
    config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=tmp_path / "demo",
                                 service_account=fake)
    return {"fake": fake, "ids": ids, "config": config, "offline_status": offline_status,
            "offline_master": WorkbookSink(tmp_path / "demo" / "master.xlsx").read()}


def test_google_path_matches_the_offline_path(both: dict[str, Any]) -> None:
    fake, config, sid = both["fake"], str(both["config"]), both["ids"]["spreadsheet_id"]

    fake.reset_log()
    code, out = run("sync", "--config", config, "--now", NOW)
    assert code in (0, 4), out
    first = fake.counts("sheets.")
    # cold: the tab list, then one layout batchUpdate and one values batchUpdate
    assert sum(first.values()) <= 5, first
    assert fake.count("sheets.spreadsheets.values.batchUpdate") == 1

    code, status = run("status", "--config", config, "--now", NOW, "--json")
    assert code == 0
    google, offline = judgement(status), judgement(both["offline_status"])
    assert len(google) == 13 * 4
    assert google == offline

    # the master: the same Thai tabs with the same rows as the offline workbook (the sync log
    # differs by nature: times and request counts)
    tabs = [s.title for s in fake.sheets.book(sid).sheets]
    reference = {t: rows for t, rows in both["offline_master"].items() if t != TAB_LOG}
    assert set(reference) <= set(tabs)
    for title, rows in reference.items():
        sheet_rows = comparable(title, fake.sheet_values(sid, title, "UNFORMATTED_VALUE"))
        rows = comparable(title, rows)
        assert len(rows) > 1 or title in ("หมายเหตุที่เก็บไว้",), title
        assert same_rows(sheet_rows, rows), f"tab {title}: {_first_difference(sheet_rows, rows)}"
    assert fake.sheet_formulas(sid, "กิจกรรม") == {}

    # a second sync with nothing new writes nothing to the Sheet
    fake.reset_log()
    code, out = run("sync", "--config", config, "--now", NOW)
    assert code in (0, 4), out
    assert sum(fake.count(m) for m in WRITES) == 0, fake.counts("sheets.")
    # nor reads it back: the changes feed reports the version gsync itself wrote (issue 13)
    assert fake.counts("sheets.") == {}
    assert "unchanged" in out


def comparable(title: str, rows: list[list[Any]]) -> list[list[Any]]:
    header = [str(h or "") for h in rows[0]]
    keep = [i for i, h in enumerate(header) if h not in CHANNEL_COLUMNS.get(title, set())]
    return [[PLACEHOLDER.sub("", c) if isinstance(c, str) else c for c in (r[i] if i < len(r) else None for i in keep)]
            for r in rows]


def _first_difference(a: list[list[Any]], b: list[list[Any]]) -> str:
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x is None or y is None or not same_rows([x], [y]):
            return f"row {i + 1}: sheet {x!r} != workbook {y!r}"
    return "none"
