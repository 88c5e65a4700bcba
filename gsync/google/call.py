"""One Google call: run it, and turn what can go wrong into one `CallFailed`.

Every Google adapter (Forms, Drive, the changes feed, the master Sheet), the poster and the
doctor call Google through `call`. Google's answer to a refused request (a googleapiclient
`HttpError`, a gspread `APIError`, or an HTTP status read off a plain `requests` response)
becomes a `GoogleError`, which `gsync.google.advice` sorts into a `Failure` and the operator's
fix; a network or transport failure keeps its exception. The caller words the line for the
resource it asked for (`translate`); what nobody words is said the same way everywhere
(`CallFailed.failed`). Anything else (a bug) is not caught here.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable
from typing import Any, TypeVar

import httplib2

from gsync.errors import GsyncError, SourceError
from gsync.google.advice import Failure, GoogleError
from gsync.google.retry import error_message, error_reason

T = TypeVar("T")

#: What the operator reads after a failed call that nothing was written for.
AGAIN = "nothing was written, run gsync again later"
# requests' exceptions are OSErrors
NETWORK_ERRORS = (OSError, httplib2.HttpLib2Error, http.client.HTTPException)


class CallFailed(Exception):
    """A Google call that failed: `google` is Google's answer, None when none came (the network)."""

    def __init__(self, google: GoogleError | None, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.google = google
        self.cause = cause

    @property
    def failure(self) -> Failure | None:
        return None if self.google is None else self.google.failure

    @property
    def status(self) -> int:
        return 0 if self.google is None else self.google.status

    def failed(self, what: str, *, then: str = AGAIN, error: type[GsyncError] = SourceError) -> GsyncError:
        """The line for a failure nothing more specific was said about."""
        if self.google is None:
            return error(f"{what} failed: {type(self.cause).__name__}: {self.cause}; {then}")
        g = self.google
        return error(f"{what} failed: HTTP {g.status} {g.reason} {g.message}; {then}")


def call(fn: Callable[[], T], translate: Callable[[CallFailed], BaseException] | None = None) -> T:
    """`fn()`; a refusal or a network failure raises `translate(failed)` (or the `CallFailed`)."""
    try:
        return fn()
    except Exception as e:
        failed = _failed(e)
        if failed is None:
            raise
        if translate is None:
            raise failed from e
        raise translate(failed) from None


def refused(resp: Any) -> CallFailed:
    """A plain `requests` response's HTTP error status, as a failed call."""
    content: bytes = resp.content or b""
    err = GoogleError(int(resp.status_code), error_reason(content), error_message(content))
    return CallFailed(err, RuntimeError(f"HTTP {resp.status_code}"))


def _failed(e: Exception) -> CallFailed | None:
    if isinstance(e, CallFailed):
        return e
    err = GoogleError.of(e)
    if err is not None:
        return CallFailed(err, e)
    if isinstance(e, NETWORK_ERRORS):
        return CallFailed(None, e)
    return None
