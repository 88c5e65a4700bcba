"""Small provinces for the reminder tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from gsync.config import Settings, parse_settings
from gsync.remind.outbox import Entry
from gsync.remind.plan import DeadlineItem

BKK = dt.timezone(dt.timedelta(hours=7))

# LINE ids as the Official Account shows them (U: user, C: group)
LINE_A = "U" + "a1" * 16
LINE_B = "U" + "b2" * 16
STAFF_GROUP = "C" + "c3" * 16


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BKK)


def settings(tmp_path: Path, *, line_url: str | None = None, smtp_port: int | None = None,
             districts: dict[str, dict[str, Any]] | None = None, reminders: dict[str, Any] | None = None,
             email: dict[str, Any] | None = None, line: dict[str, Any] | None = None) -> Settings:
    """Lampang with the given districts (name -> contacts), a CSV channel that is never read."""
    (tmp_path / "line-token.txt").write_text("good-token\n")
    (tmp_path / "smtp-password.txt").write_text("s3cret\n")
    ds = districts if districts is not None else {
        "เกาะคา": {"line": [LINE_A], "notify_emails": ["kokha@example.go.th"]},
        "งาว": {"line": [LINE_B]},
        "เถิน": {"emails": ["thoen@example.go.th"]},
    }
    data: dict[str, Any] = {
        "province": {"name": "ลำปาง", "fiscal_year": 2568, "staff_emails": ["staff@example.go.th"],
                     "staff_line": [STAFF_GROUP]},
        "districts": [{"name": n, "tambons": ["ก"], **c} for n, c in ds.items()],
        "form": {"csv": "responses.csv"},
        "sheet": {"path": "master.xlsx"},
        "state": {"path": "state/state.sqlite"},
        "reminders": {"form_url": "https://forms.gle/lampang", "folder_url": "https://drive.google.com/drive/folders/qr",
                      **(reminders or {})},
    }
    if line_url is not None:
        data["line"] = {"token_file": "line-token.txt", "endpoint": line_url, "retry_wait": 0, **(line or {})}
    if smtp_port is not None:
        data["email"] = {"host": "127.0.0.1", "port": smtp_port, "starttls": False, "sender": "saraban_lampang@example.go.th",
                         "username": "saraban", "password_file": "smtp-password.txt", "retry_wait": 0, **(email or {})}
    return parse_settings(data, source=tmp_path / "config.toml")


def item(district: str, status: str = "waiting", *, key: str = "Q1", deadline: dt.date = dt.date(2024, 12, 13),
         problems: tuple[str, ...] = (), reason: str = "") -> DeadlineItem:
    label = "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)" if key == "Q1" else key
    return DeadlineItem(district, key, label, deadline, status, problems, reason)  # type: ignore[arg-type]


def entry(key: str, channel: str, recipient: str, body: str = "ทดสอบ", subject: str = "เรื่อง ทดสอบ") -> Entry:
    now = at(2024, 12, 16)
    return Entry(key, "เกาะคา", "Q1", "ไตรมาสที่ 1", dt.date(2024, 12, 13), 1, "missing", channel, recipient,
                 subject, body, "sending", 1, now, now, None, None)
