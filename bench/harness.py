"""gsync against the Google fake, in process, under the virtual clock.

* `BenchFake`: the stateful fake (`gsync/testing`) whose per-request latency and every retry
  sleep advance the virtual clock of the sync that made the request (`bench.vclock`).
* `BenchClients`: gsync's own `GoogleClients`, with its retrying, counting transports
  (`gsync.google.transport`) unchanged; only the bottom layer (the socket) is replaced by the
  fake's in-process httplib2 / requests transports.
* `run_sync`: one `gsync sync` as the CLI does it (state, `adapters.build`, `sync.run`), with
  every number the benchmark reports.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/...` from the checkout: the bench package itself
    sys.path.insert(0, str(ROOT))

import google_auth_httplib2  # noqa: E402
from google.auth.transport.requests import AuthorizedSession  # noqa: E402
from google.oauth2 import service_account  # noqa: E402

from bench.vclock import VirtualClock  # noqa: E402
from gsync.accounting import Accounting  # noqa: E402
from gsync.config import Settings  # noqa: E402
from gsync.google import clients as gclients  # noqa: E402
from gsync.google.clients import SCOPES, GoogleClients  # noqa: E402
from gsync.google.retry import RetryPolicy  # noqa: E402
from gsync.google.transport import SHEETS_WRITES, RetryingAdapter, RetryingHttp  # noqa: E402
from gsync.testing import FakeGoogle, FakeHttplib2Http, FakeRequestsAdapter  # noqa: E402

LATENCY = 0.080  # seconds per request, every API and the token endpoint alike
# Sheets API usage limits (developers.google.com/workspace/sheets/api/limits): reads and writes
# are each 300 per minute per project and 60 per minute per user per project. gsync runs as one
# service account, i.e. one user: 60 is the limit that binds, for reads as for writes.
WRITE_QUOTA = 60
READ_QUOTA = 60


class _Http(FakeHttplib2Http):
    """A copy of this transport is the same transport (it is only a handle on the fake).

    google-auth (2.4x+) deep-copies the request transport of service-account credentials to
    look up their "regional access boundary" in a background thread. A real httplib2.Http
    copies in microseconds; without this, the copy would drag the whole fake along (every
    Drive file, every cell) on every request, a cost production never pays.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> _Http:
        return self


class _Adapter(FakeRequestsAdapter):
    def __deepcopy__(self, memo: dict[int, Any]) -> _Adapter:
        return self


class BenchFake(FakeGoogle):
    """The fake, with its latency and the retry sleeps charged to the calling sync's clock."""

    def __init__(self, clock: VirtualClock, *, latency: float = LATENCY, quota: bool = True, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.vclock = clock
        self.latency = latency
        self.virtual_time = True
        if quota:
            self.quota(per_minute_writes=WRITE_QUOTA, per_minute_reads=READ_QUOTA, clock=clock.now)

    def handle(self, method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        self.vclock.enter_fake()
        try:
            return super().handle(method, url, headers, body)
        finally:
            self.vclock.leave_fake()

    def _wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self.simulated_seconds += seconds
        self.vclock.latency(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.simulated_seconds += seconds
        self.vclock.sleep(seconds)

    def __deepcopy__(self, memo: dict[int, Any]) -> BenchFake:
        return self

    def httplib2_http(self, authorized: bool = False) -> FakeHttplib2Http:
        return _Http(self, self.issue_token() if authorized else None)

    def requests_adapter(self) -> FakeRequestsAdapter:
        return _Adapter(self)


class BenchClients(GoogleClients):
    """gsync's clients and transports, over the fake's in-process transports (no sockets)."""

    def __init__(self, fake: FakeGoogle, accounting: Accounting, policy: RetryPolicy) -> None:
        creds = service_account.Credentials.from_service_account_info(
            fake.service_account_info(), scopes=list(SCOPES))
        super().__init__(creds, accounting, policy=policy)
        self.fake = fake

    def _http(self) -> google_auth_httplib2.AuthorizedHttp:
        inner = RetryingHttp(self.policy, self.accounting, timeout=self.timeout, http=self.fake.httplib2_http())
        return google_auth_httplib2.AuthorizedHttp(self.credentials, http=inner)

    @cached_property
    def sheets(self) -> Any:  # same as GoogleClients.sheets, one layer lower
        import gspread

        session = AuthorizedSession(self.credentials)
        adapter = RetryingAdapter(self.policy, self.accounting, timeout=self.timeout,
                                  inner=self.fake.requests_adapter())  # type: ignore[arg-type]
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        token_session = getattr(session, "_auth_request_session", None)
        if token_session is not None:  # google-auth's own session for the token endpoint
            token_session.mount("https://", self.fake.requests_adapter())
            token_session.mount("http://", self.fake.requests_adapter())
        client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
        client.set_timeout(self.timeout)
        return client


JITTER = random.Random(20250420)  # one seeded source for every retry's jitter: runs repeat


def policy_for(clock: VirtualClock, **kw: Any) -> RetryPolicy:
    """gsync's retry policy (its defaults unless overridden) sleeping on the virtual clock, its
    jitter from one seeded generator shared by every sync of the process."""
    return RetryPolicy(sleep=clock.sleep, rng=JITTER.random, **kw)


@contextlib.contextmanager
def clients_for(fake: BenchFake, policy: RetryPolicy | None = None) -> Iterator[None]:
    """Make `adapters.build` (via `GoogleClients.from_settings`) hand out `BenchClients`.

    The retry policy is gsync's own choice (`RetryPolicy(max_attempts=[google] max_retries + 1)`,
    as in `GoogleClients.from_settings`) unless `policy` is given; only its sleep is the
    virtual clock's. The bench patches this one seam because `gsync.adapters.build` takes no
    clients or retry policy; everything above and below it is gsync's own code.
    """
    original = gclients.GoogleClients.__dict__["from_settings"]

    def from_settings(cls: type, settings: Settings, accounting: Accounting, policy_: Any = None) -> GoogleClients:
        pol = policy or policy_for(fake.vclock, max_attempts=settings.google.max_retries + 1)
        return BenchClients(fake, accounting, pol)

    gclients.GoogleClients.from_settings = classmethod(from_settings)  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        gclients.GoogleClients.from_settings = original  # type: ignore[method-assign]


@dataclass
class RunStats:
    """What one sync cost, from gsync's own accounting and from the fake's request log."""

    ok: bool = True
    error: str = ""
    by_method: dict[str, int] = field(default_factory=dict)  # gsync accounting, per API method id
    by_api: dict[str, int] = field(default_factory=dict)
    requests: int = 0  # API requests (drive, forms, sheets) per gsync's accounting, retries included
    fake_requests: int = 0  # the same, per the fake's log (token requests excluded)
    token_requests: int = 0
    sheets_reads: int = 0
    sheets_writes: int = 0
    downloads: int = 0
    bytes_downloaded: int = 0
    retries: int = 0
    http_429: int = 0
    sim_wall: float = 0.0  # virtual seconds: latency + retry sleeps + gsync CPU
    latency_s: float = 0.0
    slept_s: float = 0.0
    cpu_s: float = 0.0  # gsync's CPU (the fake's excluded)
    fake_cpu_s: float = 0.0
    real_s: float = 0.0
    parsed_new: int = 0
    tabs_changed: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)  # per tab, from values.batchUpdate ranges
    activities: int = 0
    reports: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def log_stats(fake: FakeGoogle, start: int, stats: RunStats) -> None:
    """Fill in what the fake saw from request number `start` on."""
    calls = fake.requests[start:]
    api = [c for c in calls if c.id.split(".")[0] in ("drive", "forms", "sheets")]
    stats.fake_requests = len(api)
    stats.token_requests = sum(1 for c in calls if c.id == "oauth2.token")
    stats.http_429 = sum(1 for c in calls if c.status == 429)
    stats.sheets_reads = sum(1 for c in api if c.id.startswith("sheets.") and c.id not in SHEETS_WRITES)
    stats.sheets_writes = sum(1 for c in api if c.id in SHEETS_WRITES)
    rows: Counter[str] = Counter()
    for c in api:
        if c.id == "sheets.spreadsheets.values.batchUpdate" and c.status == 200 and isinstance(c.body, dict):
            for vr in c.body.get("data") or []:
                tab = str(vr.get("range", "")).split("!")[0].strip("'")
                rows[tab] += len(vr.get("values") or [])
        if c.id == "sheets.spreadsheets.values.append" and c.status == 200:
            rows[(c.path_params.get("range") or "").split("!")[0].strip("'")] += 1
    stats.rows_written = dict(rows)


@dataclass
class Marks:
    """Where a worker's clocks stood when a measured run began."""

    t: float
    cpu: float
    fake_cpu: float
    latency: float
    slept: float
    real: float
    start: int  # index into the fake's request log


def begin(fake: BenchFake, w: Any) -> Marks:
    w.checkpoint()
    return Marks(w.t, w.gsync_cpu, w.fake_cpu_total, w.latency, w.slept, time.perf_counter(), len(fake.requests))


def finish(fake: BenchFake, w: Any, m: Marks, acct: Accounting, stats: RunStats, *, log: bool = True) -> RunStats:
    """Fill a run's figures from the clocks and the accounting, then log them."""
    w.checkpoint()
    stats.sim_wall = w.t - m.t
    stats.cpu_s = w.gsync_cpu - m.cpu
    stats.fake_cpu_s = w.fake_cpu_total - m.fake_cpu
    stats.latency_s = w.latency - m.latency
    stats.slept_s = w.slept - m.slept
    stats.real_s = time.perf_counter() - m.real
    stats.by_method = dict(sorted(acct.requests.items()))
    stats.by_api = acct.by_api()
    stats.requests = sum(v for k, v in acct.by_api().items() if k in ("drive", "forms", "sheets"))
    stats.downloads = acct.downloads
    stats.bytes_downloaded = acct.bytes_downloaded
    stats.retries = acct.retries
    if log:
        log_stats(fake, m.start, stats)
    return stats


def run_sync(fake: BenchFake, settings: Settings, now: dt.datetime, *, full: bool = False,
             policy: RetryPolicy | None = None, log: bool = True) -> RunStats:
    """`log=False` when other syncs run at the same time (the fake's log then interleaves)."""
    """One `gsync sync` (the CLI's `_sync`, minus the lock), in the calling virtual-clock worker."""
    from gsync import adapters, sync
    from gsync.state import State

    clock = fake.vclock
    w = clock.worker()
    assert w is not None, "run_sync must run inside VirtualClock.run"
    marks = begin(fake, w)
    stats = RunStats()
    state_path = settings.state.path
    if full and state_path.exists():
        state_path.unlink()
    acct = Accounting()
    with clients_for(fake, policy):
        state = State(state_path)
        try:
            built = adapters.build(settings, state, acct)
            result = sync.run(settings, form=built.form, drive=built.drive, attachments=built.attachments,
                              sink=built.sink, state=state, now=now, accounting=acct)
            stats.parsed_new = result.parsed_new
            stats.tabs_changed = result.tabs_changed
            stats.reports = len(result.outcome.reports)
            stats.activities = sum(len(r.activities) for r in result.outcome.reports)
        except Exception as e:  # noqa: BLE001 - a failed sync is a result
            stats.ok = False
            stats.error = f"{type(e).__name__}: {e}"[:500]
        finally:
            state.close()
    return finish(fake, w, marks, acct, stats, log=log)
