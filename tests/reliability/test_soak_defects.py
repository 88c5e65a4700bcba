"""The defects a simulated week of cron found (issue 8, item 11), each as its own test.

(a) A Sheets answer cut off mid-body (`ChunkedEncodingError ... IncompleteRead` through
    gspread's requests session) is retried like a dropped connection, as on Drive and Forms.
(b) A fault at the OAuth token endpoint (a dropped or cut connection, 429, 5xx) is retried
    under the same bounded policy; what is left after the retries, or a refusal, is one line
    and exit 1, no traceback.
(c) Offline, a file overwritten in place with new content after a corrected copy was synced:
    the newest content counts (as in a fresh rebuild), the file's first receipt is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gsync import demo, synth
from gsync.errors import TokenError
from gsync.testing import FakeGoogle

from .google_support import Province, comparable, google_province, google_run, sheet_tabs
from .support import (
    NOW_TEXT,
    Tabs,
    at,
    build,
    cli,
    data_rows,
    district_rows,
    measure,
    put,
    report_xlsx,
    run_sync,
    status,
    tabs,
    unique_keys,
)

NOW = "2025-04-20T09:00:00+07:00"


@pytest.fixture(scope="module")
def google_reference(tmp_path_factory: pytest.TempPathFactory) -> Tabs:
    fake = FakeGoogle()
    with fake.serve() as base_url:
        p = google_province(fake, base_url, tmp_path_factory.mktemp("defects-ref"))
        google_run(p)
        return comparable(sheet_tabs(p))


@pytest.fixture()
def gp(google_server: tuple[Any, str], tmp_path: Path) -> Province:
    fake, base_url = google_server
    return google_province(fake, base_url, tmp_path)


def master(p: Province) -> Tabs:
    t = comparable(sheet_tabs(p))
    unique_keys(t)
    return t


# --- (a) a cut-off Sheets answer ----------------------------------------------------------------

CUT = {
    "values.batchGet cut after 40 bytes (in process)": (r"^sheets\.spreadsheets\.values\.batchGet$", "inprocess"),
    "values.batchUpdate cut after 40 bytes (in process)": (r"^sheets\.spreadsheets\.values\.batchUpdate$", "inprocess"),
    "values.batchGet cut after 40 bytes (loopback TCP)": (r"^sheets\.spreadsheets\.values\.batchGet$", "tcp"),
    "values.batchUpdate cut after 40 bytes (loopback TCP)": (r"^sheets\.spreadsheets\.values\.batchUpdate$", "tcp"),
}


def _staff_looked(p: Province) -> None:
    """A staff member widened a column: the master's Drive version moves, its values do not, so
    the next run reads it back (it would skip the read of gsync's own version, issue 13)."""
    p.fake.drive.touch(p.sid, modifier_email="staff@example.go.th")


def _new_report(p: Province) -> None:
    p.fake.drive_add_file("แจ้ห่ม ไตรมาส 1.xlsx", report_xlsx("แจ้ห่ม", 1, 61), p.ids["folder_id"],
                          created_time="2024-12-12T03:00:00Z")


@pytest.fixture(scope="module")
def second_run_reference(tmp_path_factory: pytest.TempPathFactory) -> Tabs:
    """A first run, a new report, a second run (which reads the master back and writes it)."""
    fake = FakeGoogle()
    with fake.serve() as base_url:
        p = google_province(fake, base_url, tmp_path_factory.mktemp("defects-second"))
        google_run(p)
        _new_report(p)
        _staff_looked(p)
        google_run(p)
        return comparable(sheet_tabs(p))


@pytest.mark.parametrize("label", list(CUT))
def test_cut_off_sheets_answer_is_retried(label: str, gp: Province, second_run_reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    match, transport = CUT[label]
    google_run(gp)
    _new_report(gp)
    _staff_looked(gp)
    gp.sleeps.clear()
    fault = gp.fake.inject(match, after_bytes=40)
    result = google_run(gp, transport=transport)
    assert fault.hits == 1, "the fault was never hit"
    assert gp.sleeps == [0.75]  # one retry after the first backoff (rng fixed at 0.5, base 1 s)
    assert result.accounting.retries == 1
    got = master(gp)
    lost, dup = measure(second_run_reference, got)
    measured("google", f"Sheets answer cut off mid-body: {label}", runs=2, lost=lost, duplicated=dup,
             outcome="ChunkedEncodingError retried after 0.75 s (recorded); clean master")
    assert got == second_run_reference
    assert (lost, dup) == (0, 0)


# --- (b) the token endpoint -----------------------------------------------------------------------

TOKEN = {
    "503 twice": ({"status": 503, "times": 2}, [0.75, 1.5]),
    "429 with Retry-After: 5": ({"status": 429, "retry_after": "5"}, [5.0]),
    "500 once": ({"status": 500}, [0.75]),
    "connection dropped": ({"drop": True}, [0.75]),
    "answer cut after 10 bytes": ({"after_bytes": 10}, [0.75]),
}


@pytest.mark.parametrize("transport", ["inprocess", "tcp"])
@pytest.mark.parametrize("label", list(TOKEN))
def test_token_endpoint_fault_is_retried(label: str, transport: str, gp: Province, google_reference: Tabs,
                                         measured) -> None:  # type: ignore[no-untyped-def]
    """The first token exchange of the run (Drive/Forms client, httplib2) meets the fault."""
    kwargs, delays = TOKEN[label]
    fault = gp.fake.inject(r"^oauth2\.token$", **kwargs)
    google_run(gp, transport=transport)
    assert fault.hits == fault.times
    assert gp.sleeps == delays
    assert gp.fake.count("oauth2.token") == fault.times + 1
    got = master(gp)
    lost, dup = measure(google_reference, got)
    measured("google", f"token endpoint fault, first token ({transport}): {label}", runs=1, lost=lost,
             duplicated=dup, outcome=f"retried after {', '.join(f'{d:g} s' for d in delays)} (recorded); clean master")
    assert got == google_reference


@pytest.mark.parametrize("label", ["503 twice", "connection dropped", "answer cut after 10 bytes"])
def test_token_refresh_fault_in_the_sheets_client_is_retried(label: str, gp: Province, google_reference: Tabs,
                                                            measured) -> None:  # type: ignore[no-untyped-def]
    """Tokens expire mid-run: gspread's session refreshes through its own token session, which
    must retry under the same policy."""
    kwargs, delays = TOKEN[label]
    faults = []

    def hook(stage: str) -> None:
        if stage == "parsed":
            gp.fake.expire_tokens()
            faults.append(gp.fake.inject(r"^oauth2\.token$", **kwargs))

    google_run(gp, hook=hook)
    assert faults and faults[0].hits == faults[0].times
    assert gp.sleeps == delays
    got = master(gp)
    lost, dup = measure(google_reference, got)
    measured("google", f"token endpoint fault on a refresh by the Sheets client: {label}", runs=1, lost=lost,
             duplicated=dup, outcome="retried (recorded delays); clean master")
    assert got == google_reference


def test_token_endpoint_down_is_bounded_then_one_line(gp: Province) -> None:
    gp.fake.inject(r"^oauth2\.token$", status=503, times=100)
    with pytest.raises(TokenError, match=r"token endpoint \(127\.0\.0\.1:\d+\) failed after the retries: HTTP 503"):
        google_run(gp, max_attempts=4)
    assert gp.sleeps == [0.75, 1.5, 3.0]
    assert gp.fake.count("oauth2.token") == 4
    assert gp.fake.count("sheets.spreadsheets.values.batchUpdate") == 0


def _no_retries(p: Province) -> None:
    path = p.settings.source_file
    assert path is not None
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[google]\n", "[google]\nmax_retries = 0\n", 1), encoding="utf-8")


CLI_TOKEN = {
    "token endpoint answers 503": (
        lambda p: p.fake.inject(r"^oauth2\.token$", status=503, times=100),
        r"^gsync: Google's token endpoint \(127\.0\.0\.1:\d+\) failed after the retries: HTTP 503 .*"
        r"nothing was written\. Check the network \(proxy, firewall, DNS\) and run gsync again later$",
    ),
    "token endpoint drops the connection": (
        lambda p: p.fake.inject(r"^oauth2\.token$", drop=True, times=100),
        r"^gsync: Google's token endpoint \(127\.0\.0\.1:\d+\) failed after the retries: .*(Reset|Connection).*"
        r"run gsync again later$",
    ),
    "refresh token revoked (400 invalid_grant)": (
        lambda p: setattr(p.fake, "refresh_tokens_revoked", True),
        r"^gsync: Google's token endpoint \(127\.0\.0\.1:\d+\) refused the credentials: HTTP 400 invalid_grant: "
        r"Token has been expired or revoked\.; nothing was written\. .*save it as \[google\] credentials$",
    ),
}


@pytest.mark.parametrize("label", list(CLI_TOKEN))
def test_token_failure_is_one_line_exit_1(label: str, gp: Province, measured) -> None:  # type: ignore[no-untyped-def]
    import re

    _no_retries(gp)
    google_run(gp)  # a good run first: its state must survive the failed one
    _new_report(gp)
    gp.fake.reset_log()
    inject, pattern = CLI_TOKEN[label]
    inject(gp)
    state = gp.settings.state.path
    before = state.read_bytes()
    code, out, err = cli("sync", "--config", str(gp.settings.source_file), "--now", NOW)
    lines = [x for x in err.splitlines() if x.startswith("gsync: ")]
    assert code == 1, (out, err)
    assert "Traceback" not in err and "RefreshError" not in err and "TransportError" not in err, err
    assert len(lines) == 1 and re.match(pattern, lines[0]), err
    assert gp.fake.count("sheets.spreadsheets.values.batchUpdate") == 0
    assert state.read_bytes() == before
    measured("google", f"token endpoint fault that outlasts the retries: {label}", runs=1, lost=None,
             duplicated=None, outcome="exit 1, one line saying what and what to do; nothing written")


# --- (c) an in-place re-upload offline ------------------------------------------------------------

REL_A = "แจ้ห่ม/ไตรมาส 1/รายงาน แจ้ห่ม.xlsx"
REL_B = "แจ้ห่ม/ไตรมาส 1/รายงาน แจ้ห่ม (1).xlsx"


def _report_a_then_b_then_a(settings: Any, *, sync_between: bool) -> None:
    put(settings, REL_A, report_xlsx("แจ้ห่ม", 1, 71), at(2024, 12, 10, 9))
    if sync_between:
        run_sync(settings)
    put(settings, REL_B, report_xlsx("แจ้ห่ม", 1, 72), at(2024, 12, 11, 9))
    if sync_between:
        run_sync(settings)
    rows = district_rows("แจ้ห่ม", 1, 73)
    newest = synth.activity_xlsx("แจ้ห่ม", demo.PROVINCE, 1, rows)
    put(settings, REL_A, newest, at(2024, 12, 12, 9))  # A overwritten, later mtime


def _jaehom(t: Tabs) -> list[tuple[Any, ...]]:
    acts = t["กิจกรรม"]
    head = list(acts[0])
    d, q = head.index("อำเภอ"), head.index("ไตรมาส")
    return sorted((tuple(r[1:]) for r in data_rows(acts) if r[d] == "แจ้ห่ม" and r[q] == 1), key=repr)


def test_in_place_reupload_offline_counts_the_newest_content(tmp_path: Path, measured) -> None:  # type: ignore[no-untyped-def]
    synced = build(tmp_path / "synced")
    _report_a_then_b_then_a(synced, sync_between=True)
    run_sync(synced)
    fresh = build(tmp_path / "fresh")
    _report_a_then_b_then_a(fresh, sync_between=False)
    run_sync(fresh)
    got, want = tabs(synced.sheet.path), tabs(fresh.sheet.path)  # type: ignore[arg-type]
    # the newest content (A as overwritten) is what counts, in both
    expected_names = sorted(r.name for r in district_rows("แจ้ห่ม", 1, 73))
    acts = got["กิจกรรม"]
    name_col = list(acts[0]).index("กิจกรรม")
    assert sorted(r[name_col - 1] for r in _jaehom(got)) == expected_names
    assert _jaehom(got) == _jaehom(want)
    lost, dup = measure(want, got, keep=lambda title, r: title == "กิจกรรม")
    # the receipt is A's first upload, 10 Dec 09:00, in the synced province; the fresh rebuild
    # never saw that upload, so it can only say 11 Dec (B's)
    report = next(r for r in status(synced)["reports"] if r["district"] == "แจ้ห่ม" and r["quarter"] == 1)
    assert report["submitted_at"] == "2024-12-10T09:00:00+07:00"
    fresh_report = next(r for r in status(fresh)["reports"] if r["district"] == "แจ้ห่ม" and r["quarter"] == 1)
    assert fresh_report["submitted_at"] == "2024-12-11T09:00:00+07:00"
    measured("crash", "offline in-place re-upload (A synced, corrected copy B, A overwritten later)", runs=3,
             lost=lost, duplicated=dup, outcome="the newest content (A) counts as in a fresh rebuild; "
             "first receipt kept (10 Dec)")
    assert (lost, dup) == (0, 0)
    assert json.dumps(report["timeliness"]) == '"on_time"'
    assert NOW_TEXT  # the same as-of instant as the rest of the suite
