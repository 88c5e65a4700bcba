"""The HTTP seam under both Google client libraries.

googleapiclient talks httplib2 and gspread talks requests; both go through a wrapper here that
(1) sends API calls to `[google] endpoint` when one is set, with Google's paths unchanged,
(2) retries under the one RetryPolicy, (3) counts every request per API method, bytes and
retries, and (4) puts a timeout on every request. Token requests are not rewritten: they go
to the credentials' own token_uri.
"""

from __future__ import annotations

import http.client
import logging
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httplib2
import requests
from requests.adapters import HTTPAdapter

from gsync.accounting import Accounting
from gsync.google.retry import RetryPolicy, error_reason

log = logging.getLogger(__name__)

API_HOSTS = frozenset({"www.googleapis.com", "sheets.googleapis.com", "forms.googleapis.com", "drive.googleapis.com"})

# URL path -> API method id (the discovery `id`), for accounting. First match wins.
_METHODS = [
    (r"^/drive/v3/files/[^/]+/export$", "drive.files.export"),
    (r"^/drive/v3/files/[^/]+$", "drive.files.get"),
    (r"^/drive/v3/files$", "drive.files.list"),
    (r"^/drive/v3/changes/startPageToken$", "drive.changes.getStartPageToken"),
    (r"^/drive/v3/changes$", "drive.changes.list"),
    (r"^/drive/v3/about$", "drive.about.get"),
    (r"^/drive/v3/files/[^/]+/permissions$", "drive.permissions.list"),
    (r"^/v1/forms/[^/]+/responses/[^/]+$", "forms.forms.responses.get"),
    (r"^/v1/forms/[^/]+/responses$", "forms.forms.responses.list"),
    (r"^/v1/forms/[^/]+$", "forms.forms.get"),
    (r"^/v4/spreadsheets/[^/]+/values:batchGet$", "sheets.spreadsheets.values.batchGet"),
    (r"^/v4/spreadsheets/[^/]+/values:batchUpdate$", "sheets.spreadsheets.values.batchUpdate"),
    (r"^/v4/spreadsheets/[^/]+/values:batchClear$", "sheets.spreadsheets.values.batchClear"),
    (r"^/v4/spreadsheets/[^/]+/values/[^/]+:append$", "sheets.spreadsheets.values.append"),
    (r"^/v4/spreadsheets/[^/]+/values/[^/]+:clear$", "sheets.spreadsheets.values.clear"),
    (r"^/v4/spreadsheets/[^/]+/values/[^/]+$", "sheets.spreadsheets.values.get_or_update"),
    (r"^/v4/spreadsheets/[^/]+:batchUpdate$", "sheets.spreadsheets.batchUpdate"),
    (r"^/v4/spreadsheets/[^/]+$", "sheets.spreadsheets.get"),
    (r"^/v4/spreadsheets$", "sheets.spreadsheets.create"),
]
_METHODS_RE = [(re.compile(p), m) for p, m in _METHODS]
SHEETS_WRITES = frozenset({
    "sheets.spreadsheets.values.batchUpdate", "sheets.spreadsheets.values.batchClear",
    "sheets.spreadsheets.values.append", "sheets.spreadsheets.values.clear", "sheets.spreadsheets.batchUpdate",
})


def method_id(method: str, url: str) -> str:
    path = urlsplit(url).path
    for rx, mid in _METHODS_RE:
        if rx.match(path):
            if mid.endswith("get_or_update"):
                return "sheets.spreadsheets.values." + ("get" if method == "GET" else "update")
            return mid
    return f"other.{method}"


def is_api_call(url: str, endpoint: str | None) -> bool:
    """A Google API call (counted and retried), as opposed to google-auth's own lookups."""
    host = urlsplit(url).hostname
    return host in API_HOSTS or bool(endpoint and url.startswith(endpoint))


def rewrite(url: str, endpoint: str | None) -> str:
    """Send an API URL to the endpoint override; leave token and other URLs alone."""
    if not endpoint:
        return url
    parts = urlsplit(url)
    if parts.hostname not in API_HOSTS:
        return url
    ep = urlsplit(endpoint)
    return urlunsplit((ep.scheme, ep.netloc, parts.path, parts.query, parts.fragment))


class RetryingHttp:
    """An httplib2.Http look-alike for googleapiclient: retries, counts, rewrites, times out."""

    def __init__(self, policy: RetryPolicy, accounting: Accounting, *, endpoint: str | None = None,
                 timeout: float = 60.0, http: Any = None) -> None:
        self.http = http if http is not None else httplib2.Http(timeout=timeout)
        self.policy, self.accounting, self.endpoint = policy, accounting, endpoint
        self.timeout = timeout

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None,
                redirections: int = 5, connection_type: Any = None) -> tuple[httplib2.Response, bytes]:
        uri = rewrite(uri, self.endpoint)
        if not is_api_call(uri, self.endpoint):  # google-auth's background lookups: not ours to retry
            return self.http.request(uri, method, body=body, headers=headers,
                                     redirections=redirections, connection_type=connection_type)
        mid = method_id(method, uri)
        for attempt in range(1, self.policy.max_attempts + 1):
            self.accounting.request(mid)
            try:
                resp, content = self.http.request(uri, method, body=body, headers=headers,
                                                  redirections=redirections, connection_type=connection_type)
            # http.client.HTTPException: a connection dropped mid-body (IncompleteRead) is not an
            # OSError; httplib2 lets it through from response.read(). Retried like a drop.
            except (TimeoutError, OSError, httplib2.HttpLib2Error, http.client.HTTPException) as e:
                if isinstance(e, http.client.HTTPException):
                    self._drop_connections()  # the half-read socket must not be reused
                if attempt == self.policy.max_attempts:
                    raise
                self._wait(mid, attempt, None, f"{type(e).__name__}")
                continue
            if resp.status < 400 or not self.policy.retriable(resp.status, content) or attempt == self.policy.max_attempts:
                media = mid == "drive.files.export" or (mid == "drive.files.get" and "alt=media" in uri)
                if media and resp.status < 300:
                    self.accounting.download(len(content))
                return resp, content
            self._wait(mid, attempt, resp.get("retry-after"), f"HTTP {resp.status} {error_reason(content)}")
        raise AssertionError("unreachable")

    def _wait(self, mid: str, attempt: int, retry_after: str | None, why: str) -> None:
        delay = self.policy.delay(attempt, retry_after)
        log.warning("%s: %s; retry %d of %d in %.1fs", mid, why, attempt, self.policy.max_attempts - 1, delay)
        self.accounting.retry()
        self.policy.sleep(delay)

    def _drop_connections(self) -> None:
        """Close httplib2's pooled connections (added for truncated-body retries)."""
        for conn in list(getattr(self.http, "connections", {}).values()):
            try:
                conn.close()
            except OSError:
                pass
        if hasattr(self.http, "connections"):
            self.http.connections.clear()

    # googleapiclient and google-auth-httplib2 touch these
    def add_credentials(self, *a: Any, **k: Any) -> None:
        self.http.add_credentials(*a, **k)

    def close(self) -> None:
        if hasattr(self.http, "close"):
            self.http.close()

    @property
    def connections(self) -> Any:
        return getattr(self.http, "connections", {})

    @property
    def redirect_codes(self) -> Any:
        return getattr(self.http, "redirect_codes", set())

    @redirect_codes.setter
    def redirect_codes(self, value: Any) -> None:
        if hasattr(self.http, "redirect_codes"):
            self.http.redirect_codes = value


class RetryingAdapter(HTTPAdapter):
    """The same policy for gspread's requests session, mounted on https:// and http://."""

    def __init__(self, policy: RetryPolicy, accounting: Accounting, *, endpoint: str | None = None,
                 timeout: float = 60.0, inner: HTTPAdapter | None = None) -> None:
        super().__init__()
        self.policy, self.accounting, self.endpoint, self.timeout = policy, accounting, endpoint, timeout
        self.inner = inner

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        request.url = rewrite(request.url or "", self.endpoint)
        mid = method_id(request.method or "GET", request.url)
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        send = self.inner.send if self.inner is not None else super().send
        if not is_api_call(request.url, self.endpoint):
            return send(request, **kwargs)
        for attempt in range(1, self.policy.max_attempts + 1):
            self.accounting.request(mid)
            try:
                resp = send(request, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as e:
                if attempt == self.policy.max_attempts:
                    raise
                self._wait(mid, attempt, None, type(e).__name__)
                continue
            if resp.status_code < 400 or not self.policy.retriable(resp.status_code, resp.content) or attempt == self.policy.max_attempts:
                return resp
            self._wait(mid, attempt, resp.headers.get("Retry-After"), f"HTTP {resp.status_code} {error_reason(resp.content)}")
        raise AssertionError("unreachable")

    def _wait(self, mid: str, attempt: int, retry_after: str | None, why: str) -> None:
        delay = self.policy.delay(attempt, retry_after)
        log.warning("%s: %s; retry %d of %d in %.1fs", mid, why, attempt, self.policy.max_attempts - 1, delay)
        self.accounting.retry()
        self.policy.sleep(delay)
