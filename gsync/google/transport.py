"""The HTTP seam under both Google client libraries.

googleapiclient talks httplib2 and gspread talks requests; both go through a wrapper here that
(1) sends API calls to `[google] endpoint` when one is set, with Google's paths unchanged,
(2) retries under the one RetryPolicy, (3) counts every request per API method, bytes and
retries, and (4) puts a timeout on every request. Token requests are not rewritten: they go
to the credentials' own token_uri, and are retried under the same policy: a dropped
connection, a 429 or a 5xx at the token endpoint is retried like any API call, and what is
left after the retries (or a refusal, e.g. `invalid_grant`) becomes one `TokenError` line
instead of google-auth's TransportError/RefreshError traceback.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httplib2
import requests
from requests.adapters import HTTPAdapter

from gsync.accounting import Accounting
from gsync.errors import TokenError
from gsync.google.retry import RetryPolicy, error_reason

log = logging.getLogger(__name__)

TOKEN_HOSTS = frozenset({"oauth2.googleapis.com", "accounts.google.com"})
TOKEN_METHOD = "oauth2.token"
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


def is_token_call(url: str, token_uri: str | None) -> bool:
    """A request to the OAuth token endpoint (the credentials' token_uri, or Google's own)."""
    bare = url.split("?", 1)[0]
    parts = urlsplit(bare)
    return bool(token_uri and bare == token_uri.split("?", 1)[0]) or (
        parts.hostname in TOKEN_HOSTS and parts.path.endswith("/token")
    )


def token_failure(status: int | None, body: bytes, why: str, url: str) -> TokenError:
    """One line for a token endpoint that failed after the retries, or refused the credentials."""
    where = urlsplit(url).netloc or url
    if status is not None and 400 <= status < 500 and status != 429:
        try:
            data = json.loads(body.decode("utf-8", errors="replace"))
            detail = f"{data.get('error', '')}: {data.get('error_description', '')}".strip(": ")
        except (ValueError, AttributeError):
            detail = body[:200].decode("utf-8", errors="replace")
        return TokenError(
            f"Google's token endpoint ({where}) refused the credentials: HTTP {status} {detail}; nothing was "
            "written. The key may have been deleted or disabled, or the sign-in revoked: create a new key for "
            "the service account (or run gsync login again) and save it as [google] credentials"
        )
    return TokenError(
        f"Google's token endpoint ({where}) failed after the retries: {why}; nothing was written. "
        "Check the network (proxy, firewall, DNS) and run gsync again later"
    )


def rewrite(url: str, endpoint: str | None) -> str:
    """Send an API URL to the endpoint override; leave token and other URLs alone."""
    if not endpoint:
        return url
    parts = urlsplit(url)
    if parts.hostname not in API_HOSTS:
        return url
    ep = urlsplit(endpoint)
    return urlunsplit((ep.scheme, ep.netloc, parts.path, parts.query, parts.fragment))


T = TypeVar("T")
# Downloads run in a few threads (sync.DOWNLOAD_THREADS), each with its own Http: the run's
# one Accounting is counted under this lock.
COUNTING = threading.Lock()


def with_retries(
    policy: RetryPolicy, accounting: Accounting, mid: str,
    once: Callable[[], tuple[int, str | None, bytes, T]], errors: tuple[type[BaseException], ...],
) -> T:
    """Send with the one bounded policy: `once` returns (status, Retry-After, body, result)."""
    waited = 0.0
    attempt = 0
    while True:
        attempt += 1
        with COUNTING:
            accounting.request(mid)
        try:
            status, retry_after, body, result = once()
        except errors as e:
            if attempt >= policy.max_attempts:
                raise
            waited += _wait(policy, accounting, mid, attempt, None, type(e).__name__)
            continue
        if status < 400 or not policy.retriable(status, body):
            return result
        if policy.is_quota(status, body):
            if waited >= policy.quota_budget or attempt >= policy.max_quota_attempts:
                return result
        elif attempt >= policy.max_attempts:
            return result
        waited += _wait(policy, accounting, mid, attempt, retry_after, f"HTTP {status} {error_reason(body)}")


def _wait(policy: RetryPolicy, accounting: Accounting, mid: str, attempt: int, retry_after: str | None, why: str) -> float:
    delay = policy.delay(attempt, retry_after)
    log.warning("%s: %s; retry %d in %.1fs", mid, why, attempt, delay)
    with COUNTING:
        accounting.retry()
    policy.sleep(delay)
    return delay


class RetryingHttp:
    """An httplib2.Http look-alike for googleapiclient: retries, counts, rewrites, times out."""

    def __init__(self, policy: RetryPolicy, accounting: Accounting, *, endpoint: str | None = None,
                 timeout: float = 60.0, http: Any = None, token_uri: str | None = None) -> None:
        self.http = http if http is not None else httplib2.Http(timeout=timeout)
        self.policy, self.accounting, self.endpoint = policy, accounting, endpoint
        self.timeout = timeout
        self.token_uri = token_uri

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None,
                redirections: int = 5, connection_type: Any = None) -> tuple[httplib2.Response, bytes]:
        uri = rewrite(uri, self.endpoint)
        token = is_token_call(uri, self.token_uri)
        if not token and not is_api_call(uri, self.endpoint):  # google-auth's lookups: not ours to retry
            return self.http.request(uri, method, body=body, headers=headers,
                                     redirections=redirections, connection_type=connection_type)
        mid = TOKEN_METHOD if token else method_id(method, uri)

        def once() -> tuple[int, str | None, bytes, tuple[httplib2.Response, bytes]]:
            try:
                resp, content = self.http.request(uri, method, body=body, headers=headers,
                                                  redirections=redirections, connection_type=connection_type)
            except http.client.HTTPException:
                # A connection dropped mid-body (IncompleteRead) is not an OSError; httplib2
                # lets it through. The half-read socket must not be reused.
                self._drop_connections()
                raise
            return resp.status, resp.get("retry-after"), content, (resp, content)

        errors = (TimeoutError, OSError, httplib2.HttpLib2Error, http.client.HTTPException)
        if token:
            try:
                resp, content = with_retries(self.policy, self.accounting, mid, once, errors)
            except errors as e:
                raise token_failure(None, b"", f"{type(e).__name__}: {e}", uri) from None
            if resp.status >= 400:
                raise token_failure(resp.status, content, f"HTTP {resp.status} {_short(content)}", uri)
            return resp, content
        resp, content = with_retries(self.policy, self.accounting, mid, once, errors)
        media = mid == "drive.files.export" or (mid == "drive.files.get" and "alt=media" in uri)
        if media and resp.status < 300:
            with COUNTING:
                self.accounting.download(len(content))
        return resp, content

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
                 timeout: float = 60.0, inner: Any = None, token_uri: str | None = None) -> None:
        super().__init__()
        self.policy, self.accounting, self.endpoint, self.timeout = policy, accounting, endpoint, timeout
        self.inner = inner
        self.token_uri = token_uri

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        request.url = rewrite(request.url or "", self.endpoint)
        token = is_token_call(request.url, self.token_uri)
        mid = TOKEN_METHOD if token else method_id(request.method or "GET", request.url)
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        send = self.inner.send if self.inner is not None else super().send
        if not token and not is_api_call(request.url, self.endpoint):
            return send(request, **kwargs)

        def once() -> tuple[int, str | None, bytes, requests.Response]:
            resp = send(request, **kwargs)
            # Read the body here: an answer cut off mid-body (ChunkedEncodingError wrapping
            # IncompleteRead) is a dropped connection, and is retried like one.
            return resp.status_code, resp.headers.get("Retry-After"), resp.content, resp

        errors = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
        if not token:
            return with_retries(self.policy, self.accounting, mid, once, errors)
        try:
            resp = with_retries(self.policy, self.accounting, mid, once, errors)
        except errors as e:
            raise token_failure(None, b"", f"{type(e).__name__}: {e}", request.url) from None
        if resp.status_code >= 400:
            raise token_failure(resp.status_code, resp.content, f"HTTP {resp.status_code} {_short(resp.content)}",
                                request.url)
        return resp


def _short(body: bytes) -> str:
    return body[:120].decode("utf-8", errors="replace").replace("\n", " ")
