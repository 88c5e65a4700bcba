"""The demo province in the Google fake, and syncs against it with a recording, no-op sleep.

`google_run` builds the same adapters `gsync.adapters.build` builds for a Google config, but
with `GoogleClients(policy=RetryPolicy(sleep=recorder))` so retries cost no time and their
delays can be checked. Faults go in through `fake.inject(...)` and the run's `hook`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import google_auth_httplib2

from gsync import demo, runner, sync
from gsync.accounting import Accounting
from gsync.config import Settings, load_settings
from gsync.google.clients import GoogleClients, load_credentials
from gsync.google.retry import RetryPolicy
from gsync.google.transport import RetryingAdapter, RetryingHttp
from gsync.lock import RunLock
from gsync.master.layout import TAB_LOG
from gsync.sinks.google_sheet import GoogleSheetSink
from gsync.sources.drive_api import ApiDriveSource
from gsync.sources.forms_api import ApiFormSource
from gsync.state import State
from gsync.testing.province import load_demo_into_fake, write_google_config

from .support import NOW, Tabs


@dataclass
class Province:
    fake: Any
    base_url: str
    ids: dict[str, Any]
    settings: Settings
    demo_dir: Path
    sleeps: list[float] = field(default_factory=list)

    @property
    def sid(self) -> str:
        return str(self.ids["spreadsheet_id"])


def google_province(fake: Any, base_url: str, tmp_path: Path, *, extra: str = "") -> Province:
    """The demo built in tmp_path/demo, loaded into `fake`, with a Google config in tmp_path/google."""
    demo_dir = tmp_path / "demo"
    demo.build(demo_dir)
    ids = load_demo_into_fake(fake, demo_dir)
    (tmp_path / "google").mkdir(exist_ok=True)
    config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=demo_dir, extra=extra)
    return Province(fake, base_url, ids, load_settings(config), demo_dir)


class InProcessClients(GoogleClients):
    """gsync's clients with the same retrying, counting transports, whose innermost HTTP layer
    calls the fake in process instead of over loopback TCP (the fake's server costs ~40 ms a
    request: it sends headers and body in two segments without TCP_NODELAY). Faults that need
    a real socket (a dropped connection, a cut body, a timeout) use `transport="tcp"`."""

    def __init__(self, fake: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fake = fake

    def _http(self) -> Any:
        inner = RetryingHttp(self.policy, self.accounting, endpoint=self.endpoint, timeout=self.timeout,
                             http=self.fake.httplib2_http(), token_uri=self.token_uri)
        return google_auth_httplib2.AuthorizedHttp(self.credentials, http=inner)

    def _adapter(self) -> RetryingAdapter:
        return RetryingAdapter(self.policy, self.accounting, endpoint=self.endpoint, timeout=self.timeout,
                               inner=self.fake.requests_adapter(), token_uri=self.token_uri)


def google_run(p: Province, *, hook: Callable[[str], None] | None = None, timeout: float | None = None,
               max_attempts: int = 6, now: dt.datetime = NOW, transport: str = "inprocess") -> sync.SyncResult:
    """One sync against the fake, as the CLI runs it, with a recording no-op sleep."""
    s = p.settings
    acct = Accounting()
    policy = RetryPolicy(max_attempts=max_attempts, sleep=p.sleeps.append, rng=lambda: 0.5)
    creds = load_credentials(s.google.credentials)
    kwargs: dict[str, Any] = {"endpoint": s.google.endpoint, "timeout": timeout or s.google.timeout, "policy": policy}
    if transport == "tcp":
        google = GoogleClients(creds, acct, **kwargs)
    else:
        google = InProcessClients(p.fake, creds, acct, **kwargs)
    with RunLock(runner.lock_path(s)):
        state = State(s.state.path)
        try:
            drive = ApiDriveSource(google, s, state)
            return sync.run(
                s, form=ApiFormSource(google, s, state), drive=drive, attachments=drive,
                sink=GoogleSheetSink(google, s, state), state=state, now=now, accounting=acct,
                hook=hook or (lambda stage: None),
            )
        finally:
            state.close()


def sheet_tabs(p: Province) -> Tabs:
    """Every tab of the master Sheet but the sync log, as the API returns it (unformatted)."""
    book = p.fake.sheets.book(p.sid)
    out: Tabs = {}
    for sheet in book.sheets:
        title = sheet.props["title"]
        if title in (TAB_LOG, "Sheet1"):
            continue
        rows = p.fake.sheet_values(p.sid, title, "UNFORMATTED_VALUE")
        out[title] = [tuple(r) for r in rows]
    return out


def comparable(t: Tabs) -> Tabs:
    """Rows with trailing empty cells dropped (a Sheet trims them, a fresh write may not)."""
    out: Tabs = {}
    for title, rows in t.items():
        fixed = []
        for r in rows:
            r = list(r)
            while r and r[-1] in ("", None):
                r.pop()
            fixed.append(tuple(r))
        out[title] = fixed
    return out
