"""The one retry policy: bounded, honours Retry-After, retries only what a retry can fix."""

from __future__ import annotations

import json

import pytest

from gsync.accounting import Accounting
from gsync.google.retry import RetryPolicy
from gsync.google.transport import method_id, rewrite, with_retries


def body(reason: str) -> bytes:
    return json.dumps({"error": {"code": 403, "errors": [{"reason": reason}]}}).encode()


@pytest.mark.parametrize(
    ("status", "payload", "retried"),
    [(429, b"", True), (500, b"", True), (503, b"", True), (403, body("rateLimitExceeded"), True),
     (403, body("userRateLimitExceeded"), True), (403, body("forbidden"), False), (404, b"", False), (400, b"", False)],
    ids=["429", "500", "503", "403-rate", "403-user-rate", "403-permission", "404", "400"],
)
def test_what_is_retried(status: int, payload: bytes, retried: bool) -> None:
    assert RetryPolicy().retriable(status, payload) is retried


def test_backoff_is_bounded_jittered_and_honours_retry_after() -> None:
    p = RetryPolicy(base=1.0, cap=8.0, rng=lambda: 1.0)
    assert [p.delay(a) for a in (1, 2, 3, 4, 5, 6)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert RetryPolicy(rng=lambda: 0.5).delay(3) == 3.0  # equal jitter: half fixed, half random
    assert RetryPolicy(rng=lambda: 0.0).delay(1) == 0.5  # never a near-zero wait
    assert p.delay(1, "7") == 7.0
    assert p.delay(1, "100000") == p.max_retry_after  # a server asking for a day is not obeyed
    assert p.delay(2, "Wed, 21 Oct 2015 07:28:00 GMT") == 2.0  # an HTTP date falls back to backoff


def test_server_errors_give_up_after_max_attempts_and_count() -> None:
    slept: list[float] = []
    acct = Accounting()
    policy = RetryPolicy(max_attempts=3, sleep=slept.append, rng=lambda: 1.0)
    answers = iter([(503, None, b"", "a"), (500, "2", b"", "b"), (503, None, b"", "c"), (200, None, b"", "d")])
    assert with_retries(policy, acct, "sheets.x", lambda: next(answers), (OSError,)) == "c"
    assert slept == [1.0, 2.0] and acct.retries == 2 and acct.requests["sheets.x"] == 3


def test_quota_errors_wait_out_the_minute_within_a_time_budget() -> None:
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=3, sleep=slept.append, rng=lambda: 1.0, quota_budget=100.0)
    always_429 = lambda: (429, None, b"", "still 429")  # noqa: E731
    assert with_retries(policy, Accounting(), "sheets.x", always_429, (OSError,)) == "still 429"
    # more attempts than max_attempts, stopping once 100 s were spent: 1+2+4+8+16+32+64 = 127
    assert slept == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
    answers = iter([(429, None, b"", "a")] * 5 + [(200, None, b"", "ok")])
    assert with_retries(policy, Accounting(), "sheets.x", lambda: next(answers), (OSError,)) == "ok"


def test_with_retries_reraises_a_persistent_connection_error() -> None:
    policy = RetryPolicy(max_attempts=2, sleep=lambda s: None)

    def drop() -> tuple[int, None, bytes, str]:
        raise ConnectionResetError("dropped")

    with pytest.raises(ConnectionResetError):
        with_retries(policy, Accounting(), "drive.files.get", drop, (OSError,))


def test_endpoint_rewrite_keeps_paths_and_leaves_tokens_alone() -> None:
    ep = "http://127.0.0.1:8089"
    assert rewrite("https://sheets.googleapis.com/v4/spreadsheets/X/values:batchGet?x=1", ep) == \
        "http://127.0.0.1:8089/v4/spreadsheets/X/values:batchGet?x=1"
    assert rewrite("https://oauth2.googleapis.com/token", ep) == "https://oauth2.googleapis.com/token"
    assert method_id("POST", "http://h/v4/spreadsheets/X/values:batchUpdate") == "sheets.spreadsheets.values.batchUpdate"
    assert method_id("GET", "http://h/drive/v3/changes") == "drive.changes.list"
