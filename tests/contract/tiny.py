"""The contract suite's tiny province, built both ways: offline (a Forms CSV, a local folder, a local workbook)
and in the Google fake (the same CSV and folder loaded by `load_demo_into_fake`, a Google
Sheet master). Each fixture is parameterised over the adapters of one port, so every test in
this folder runs once per adapter with the same hand-written expectations, like singer-sdk's
standard connector tests.

The province: two Form responses (งาว with a report uploaded through the Form, เกาะคา with
no attachment) and two files in the QR folder (เกาะคา's report in a sub-folder, a photo at
the top). The upload's link points at no file in the folder, so the fake keeps the link's id
for it and both form sources name the same Drive id.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from gsync import adapters, demo
from gsync.config import load_settings
from gsync.ports import MasterSink
from gsync.state import State

BKK = dt.timezone(dt.timedelta(hours=7))
UPLOAD_ID = "1ReportNgaoQ1FormUploadAbCdEf"
REPORT = "เกาะคา/รายงาน เกาะคา ไตรมาส 1.xlsx"
REPORT_BYTES = b"PK\x03\x04 report of Ko Kha, quarter 1"
REPORT_MTIME = dt.datetime(2024, 12, 12, 10, 0, tzinfo=BKK)
PHOTO = "IMG_0001.jpg"
PHOTO_BYTES = b"\xff\xd8\xff\xe0 a photo"
PHOTO_MTIME = dt.datetime(2024, 12, 10, 9, 30, tzinfo=BKK)

HEADER = ["ประทับเวลา", "ที่อยู่อีเมล", *demo.QUESTION_TITLES]
ROWS = [
    # no offset written: the province's time zone (Asia/Bangkok) applies
    ["13/12/2024, 20:15:30", "ngao.cdd@example.go.th", "งาว", demo.QUARTER_CHOICES[1],
     "นางสาวกนกพร ใจงาม", "นักพัฒนาชุมชน", "081-234-5678", "๑๒", "24 ครั้ง", "1,250",
     f"https://drive.google.com/open?id={UPLOAD_ID}", "", "ฝนตกหนัก", ""],
    ["2024/12/12 9:05:00 AM GMT+7", "kokha@example.go.th", "เกาะคา", demo.QUARTER_CHOICES[1],
     "นายประเสริฐ ทองดี", "พัฒนาการอำเภอ", "054-123456", "9", "9", "300",
     "", "", "", "ขอบคุณครับ"],
]


def build_tiny(root: Path) -> Path:
    """The tiny province as a demo-shaped folder: responses.csv and inbox/."""
    inbox = root / "inbox"
    (inbox / "เกาะคา").mkdir(parents=True)
    for rel, data, when in ((REPORT, REPORT_BYTES, REPORT_MTIME), (PHOTO, PHOTO_BYTES, PHOTO_MTIME)):
        path = inbox / rel
        path.write_bytes(data)
        os.utime(path, (when.timestamp(), when.timestamp()))
    with (root / "responses.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return root


@dataclass
class Built:
    """The adapters of one config, and how to change what they read (the way a district or a
    staff member would: a file deleted from the folder, a cell typed into the master)."""

    adapters: adapters.Adapters
    state: State
    config: Path
    remove: Callable[[str], None]  # delete the QR-folder file at this inbox-relative path
    type_into_master: Callable[[str, str, str], None]  # (tab, A1 cell, text) as staff type it
    formulas: Callable[[str], dict[str, str]]  # the formula cells of a master tab: {"B2": "=..."}

    def new_sink(self) -> MasterSink:
        """The sink as the next gsync run builds it (same config, same state)."""
        return adapters.build(load_settings(self.config), self.state).sink


def build_adapters(config: Path) -> tuple[adapters.Adapters, State]:
    settings = load_settings(config)
    assert settings.state.path is not None
    settings.state.path.parent.mkdir(parents=True, exist_ok=True)
    state = State(settings.state.path)
    return adapters.build(settings, state), state


def workbook_typist(path: Path) -> Callable[[str, str, str], None]:
    def type_into(tab: str, cell: str, text: str) -> None:
        wb = openpyxl.load_workbook(path)
        wb[tab][cell] = text
        wb.save(path)

    return type_into


def workbook_formulas(path: Path) -> Callable[[str], dict[str, str]]:
    def formulas(tab: str) -> dict[str, str]:
        ws = openpyxl.load_workbook(path)[tab]
        return {c.coordinate: str(c.value) for row in ws.iter_rows() for c in row if c.data_type == "f"}

    return formulas
