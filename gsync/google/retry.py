"""One bounded retry policy for every Google call.

Exponential backoff with full jitter, honouring `Retry-After`, on 429, 5xx, the rate-limit
403s, timeouts and dropped connections. Never on a 403 that means "no permission" or a 404.
The sleep and the random source are injectable, so tests and the benchmark need not wait.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RETRIABLE_STATUS = frozenset({429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "backendError"})


def error_reason(body: bytes) -> str:
    """The first `errors[].reason` (or `status`) of a Google error body, '' when there is none."""
    try:
        err = json.loads(body.decode("utf-8", errors="replace")).get("error", {})
    except (ValueError, AttributeError):
        return ""
    if not isinstance(err, dict):
        return ""
    for e in err.get("errors") or []:
        if isinstance(e, dict) and e.get("reason"):
            return str(e["reason"])
    for d in err.get("details") or []:
        if isinstance(d, dict) and d.get("reason"):
            return str(d["reason"])
    return str(err.get("status") or "")


def error_message(body: bytes) -> str:
    try:
        err = json.loads(body.decode("utf-8", errors="replace")).get("error", {})
        return str(err.get("message", "")) if isinstance(err, dict) else str(err)
    except (ValueError, AttributeError):
        return body[:200].decode("utf-8", errors="replace")


@dataclass
class RetryPolicy:
    """Bounded two ways: server errors and dropped connections by a count of attempts; quota
    errors (429, rate-limit 403) by the total time waited. Google refills a per-minute quota a
    minute later, so a fixed handful of short waits gives up while the quota is still empty:
    quota errors keep retrying until `quota_budget` seconds of waiting have been spent."""

    max_attempts: int = 7  # the first try plus six retries, for 5xx and dropped connections
    base: float = 1.0  # seconds
    cap: float = 64.0  # no single wait longer than this
    max_retry_after: float = 300.0  # a server asking for longer than this is not obeyed
    quota_budget: float = 180.0  # seconds of waiting spent on quota errors before giving up
    max_quota_attempts: int = 30
    sleep: Callable[[float], None] = field(default=time.sleep)
    rng: Callable[[], float] = field(default=random.random)

    def is_quota(self, status: int, body: bytes) -> bool:
        return status == 429 or (status == 403 and error_reason(body) in RATE_LIMIT_REASONS)

    def retriable(self, status: int, body: bytes) -> bool:
        if status in RETRIABLE_STATUS:
            return True
        return status == 403 and error_reason(body) in RATE_LIMIT_REASONS

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if retry_after:
            try:
                return min(float(retry_after), self.max_retry_after)
            except ValueError:
                pass  # an HTTP date: fall back to backoff
        d = min(self.cap, self.base * 2 ** min(attempt - 1, 30))
        return d / 2 + self.rng() * d / 2  # "equal jitter": spread out, but never a near-zero wait
