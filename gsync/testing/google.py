"""FakeGoogle: one stateful, in-process fake of the Drive v3, Forms v1 and Sheets v4 REST
APIs plus Google's OAuth token endpoint, for driving the REAL gspread and googleapiclient
clients over their real HTTP paths.

Everything goes through :meth:`FakeGoogle.handle(method, url, headers, body)
<FakeGoogle.handle>` -> ``(status, headers, body)``. The host is ignored; paths are
Google's (``/drive/v3/...``, ``/v1/forms/...``, ``/v4/spreadsheets/...``, ``/token``).
A request goes through, in order:

1. the request log (:attr:`FakeGoogle.requests`, one :class:`Call` per request, with the
   discovery method id such as ``sheets.spreadsheets.values.batchUpdate``);
2. injected faults (:meth:`FakeGoogle.inject`) and latency (:attr:`FakeGoogle.latency`);
3. ``/token`` (refresh_token and jwt-bearer grants) - or, for API paths, the bearer
   token check (401 without ``Authorization: Bearer fake-token-N``);
4. discovery validation (:mod:`gsync.testing.discovery`): a bad request is a 400 *and* an
   entry in :attr:`FakeGoogle.violations`;
5. the per-minute Sheets quota (:meth:`FakeGoogle.quota`);
6. the service (:mod:`google_drive`, :mod:`google_forms`, :mod:`google_sheets`), then the
   ``fields=`` partial-response mask.

Three transports share the state: :meth:`serve` (a real HTTP server),
:meth:`requests_adapter` and :meth:`httplib2_http` (see :mod:`google_transports`).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from .discovery import Discovery, Match, Violation, apply_fields, parse_fields
from .google_common import (
    ApiError,
    DropConnection,
    IdMaker,
    Reply,
    TruncatedResponse,
    json_bytes,
)
from .google_drive import (
    DOCX,
    FOLDER,
    GOOGLE_DOC,
    GOOGLE_SHEET,
    XLSX,
    DriveFile,
    DriveState,
    guess_mime,
)
from .google_forms import FormsState
from .google_sheets import Cell, Sheet, SheetsState, parse_cells
from .google_transports import FakeHttplib2Http, FakeRequestsAdapter, serve

SERVICE_ACCOUNT = "gsync-bot@gsync-test.iam.gserviceaccount.com"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_DEFAULT = object()

FORM_MIME = "application/vnd.google-apps.form"
STAFF_EDITOR = "staff@province.example"  # who types into the master (sheet_set_cell)


@functools.cache
def _discovery() -> Discovery:
    return Discovery()


@functools.cache
def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class Call:
    """One logged request. ``id`` is the discovery method id, ``oauth2.token`` or
    ``unknown``; ``status`` is 0 for a dropped connection."""

    id: str
    method: str
    path: str
    query: dict[str, list[str]]
    status: int = 0
    path_params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    fault: bool = False

    @property
    def is_read(self) -> bool:
        return self.method == "GET"


@dataclass
class Fault:
    """An injected failure for the next ``times`` requests matching ``pattern``."""

    pattern: re.Pattern[str]
    status: int | None
    times: int
    retry_after: str | None
    reason: str | None
    drop: bool
    delay: float
    after_bytes: int | None
    message: str | None
    hits: int = 0

    @property
    def remaining(self) -> int:
        return self.times - self.hits


@dataclass
class Quota:
    per_minute_writes: int
    per_minute_reads: int
    clock: Callable[[], float]
    prefix: str
    reads: deque[float] = field(default_factory=deque)
    writes: deque[float] = field(default_factory=deque)
    rejected: int = 0


class FakeGoogle:
    """The fake. See the module docstring; helpers are grouped by service below."""

    def __init__(
        self,
        *,
        seed: int = 0,
        account_email: str = SERVICE_ACCOUNT,
        clock: Callable[[], datetime] | None = None,
        drive_default_fields: bool = True,
        sheet_edits_in_feed: bool = True,
    ):
        self.discovery = _discovery()
        self.ids = IdMaker(seed)
        self.account_email = account_email
        self.clock = clock or (lambda: datetime.now(UTC))
        self.drive_default_fields = drive_default_fields
        # False: the worst case of Drive's lagging feed. An edit inside a Sheet (by staff, or by
        # anyone through the Sheets API) never reaches Drive: no changes.list entry, no new
        # version (real Drive reports them coalesced, minutes late).
        self.sheet_edits_in_feed = sheet_edits_in_feed
        self._last_time: datetime | None = None
        self._lock = threading.RLock()
        self.drive = DriveState(self.ids, self._now, account_email)
        self.forms = FormsState(self.ids, self._now, on_change=self._form_changed)
        self.sheets = SheetsState(self.ids, on_change=self._sheet_changed)
        self.requests: list[Call] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.tokens: set[str] = set()
        self.token_requests: list[dict[str, Any]] = []
        self.refresh_tokens_revoked = False
        self.latency = 0.0
        self.in_flight = 0  # requests being answered now (downloads run in parallel)
        self.max_in_flight = 0
        self.virtual_time = False
        self.simulated_seconds = 0.0
        self._quota: Quota | None = None
        self._token_counter = 0
        self.connections_accepted = 0  # TCP connections the server accepted (keep-alive check)

    # === the entry point ===================================================================

    def handle(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request. Raises :class:`DropConnection` /
        :class:`TruncatedResponse` for injected transport faults."""
        method = method.upper()
        parts = urlsplit(url)
        raw_path = parts.path or "/"
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in headers.items()}
        found = None if raw_path == "/token" else self.discovery.find(method, raw_path)
        method_id = (
            "oauth2.token" if raw_path == "/token" else (found[0].id if found else "unknown")
        )
        service = found[0].service if found else None
        call = Call(method_id, method, raw_path, query, path_params=dict(found[1]) if found else {})
        with self._lock:
            self.requests.append(call)
            fault = self._take_fault(method_id, raw_path)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return self._answer(call, method, raw_path, query, headers, body, fault, service)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(
        self,
        call: Call,
        method: str,
        raw_path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        fault: Any,
        service: Any,
    ) -> tuple[int, dict[str, str], bytes]:
        self._wait(self.latency)
        if fault is not None:
            call.fault = True
            self._wait(fault.delay)
            if fault.drop:
                raise DropConnection(call.id)
            if fault.status is not None:
                headers_out = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                err = ApiError(
                    fault.status,
                    fault.message,
                    fault.reason,
                    headers=headers_out,
                )
                call.status = fault.status
                return err.response(service)
        try:
            with self._lock:
                result: Reply | tuple[Reply, Match]
                if raw_path == "/token":
                    result = self._token(headers, body)
                else:
                    result = self._dispatch(method, raw_path, query, headers, body, call)
            status, out_headers, data = self._encode(result, call)
        except ApiError as err:
            status, out_headers, data = err.response(service)
        call.status = status
        if fault is not None and fault.after_bytes is not None:
            raise TruncatedResponse(status, out_headers, data[: fault.after_bytes], len(data))
        return status, out_headers, data

    def _dispatch(
        self,
        method: str,
        raw_path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        call: Call,
    ) -> tuple[Reply, Match]:
        if call.id == "unknown":
            message = f"no discovery method matches {method} {raw_path}"
            self.violations.append(message)
            raise ApiError(400, message, "badRequest")
        self._check_auth(headers)
        try:
            match = self.discovery.validate(
                method, raw_path, query, body, headers.get("content-type", "")
            )
        except Violation as v:
            self.violations.append(f"{method} {raw_path}: {v.message}")
            raise ApiError(400, v.message, "badRequest", location=v.location) from None
        call.body = match.body if not isinstance(match.body, bytes) else None
        self._check_quota(match)
        service = match.method.service
        if match.method.is_upload:
            if match.id not in ("drive.files.create", "drive.files.update"):
                raise ApiError(501, f"[fake] media upload ({match.id}) is not implemented")
            return self.drive.upload(match, headers), match
        if service == "drive":
            reply = self.drive.handle(match, headers)
        elif service == "forms":
            reply = self.forms.handle(match, headers)
        else:
            reply = self.sheets.handle(match, headers)
        return reply, match

    def _encode(self, result: Any, call: Call) -> tuple[int, dict[str, str], bytes]:
        if isinstance(result, Reply):  # /token
            return (
                result.status,
                {"Content-Type": "application/json; charset=UTF-8"},
                json_bytes(result.json),
            )
        reply, match = result
        if reply.content is not None:
            return reply.status, reply.headers, reply.content
        payload = reply.json
        fields = match.param("fields")
        if fields:
            payload = apply_fields(payload, parse_fields(fields))
        elif reply.default_fields and self.drive_default_fields:
            payload = apply_fields(payload, parse_fields(reply.default_fields))
        headers = {"Content-Type": "application/json; charset=UTF-8", **reply.headers}
        return reply.status, headers, json_bytes(payload)

    # === auth ================================================================================

    def _check_auth(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if token not in self.tokens:
            message = (
                "Request is missing required authentication credential. Expected OAuth 2 "
                "access token, login cookie or other valid authentication credential."
                if not token
                else "Request had invalid authentication credentials. Expected OAuth 2 access token."
            )
            raise ApiError(
                401,
                message,
                "authError" if token else "required",
                location="Authorization",
                location_type="header",
                headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            )

    def issue_token(self) -> str:
        """A fresh valid access token (what /token would hand out)."""
        with self._lock:
            self._token_counter += 1
            token = f"fake-token-{self._token_counter}"
            self.tokens.add(token)
            return token

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issue_token()}"}

    def expire_tokens(self) -> None:
        """Invalidate every issued access token (clients must refresh after a 401)."""
        self.tokens.clear()

    def _token(self, headers: dict[str, str], body: bytes) -> Reply:
        ctype = headers.get("content-type", "")
        try:
            if "json" in ctype:
                data = json.loads(body or b"{}")
            else:
                data = {k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()}
        except ValueError:
            return Reply({"error": "invalid_request", "error_description": "bad body"}, status=400)
        grant = data.get("grant_type")
        record: dict[str, Any] = {"grant_type": grant}
        if grant == "refresh_token":
            if not data.get("refresh_token") or not data.get("client_id"):
                return Reply(
                    {
                        "error": "invalid_request",
                        "error_description": "Missing refresh_token or client_id",
                    },
                    status=400,
                )
            if self.refresh_tokens_revoked:
                return Reply(
                    {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    },
                    status=400,
                )
            record.update(client_id=data.get("client_id"), scope=data.get("scope"))
        elif grant == JWT_GRANT:
            claims = _jwt_claims(data.get("assertion", ""))
            if claims is None or claims.get("iss") != self.account_email:
                return Reply(
                    {"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
                    status=400,
                )
            record.update(iss=claims.get("iss"), scope=claims.get("scope"), aud=claims.get("aud"))
        else:
            return Reply(
                {
                    "error": "unsupported_grant_type",
                    "error_description": f"Invalid grant_type: {grant}",
                },
                status=400,
            )
        self.token_requests.append(record)
        token = self.issue_token()
        out = {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        if record.get("scope"):
            out["scope"] = record["scope"]
        return Reply(out)

    def user_credentials(
        self, token_uri: str = "https://oauth2.googleapis.com/token", token: str | None = None
    ) -> Any:
        """``google.oauth2.credentials.Credentials`` that refresh against the fake."""
        from google.oauth2.credentials import Credentials

        return Credentials(
            token=token,
            refresh_token="fake-refresh-token",
            client_id="fake-client-id.apps.googleusercontent.com",
            client_secret="fake-client-secret",
            token_uri=token_uri,
        )

    def service_account_info(
        self, token_uri: str = "https://oauth2.googleapis.com/token"
    ) -> dict[str, str]:
        """A service-account key dict (real RSA key, generated once per process) whose
        ``client_email`` is :attr:`account_email`; write it to a JSON file for gsync."""
        return {
            "type": "service_account",
            "project_id": "gsync-test",
            "private_key_id": "fake-key-1",
            "private_key": _private_key_pem(),
            "client_email": self.account_email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/fake",
            "universe_domain": "googleapis.com",
        }

    # === faults, latency, quota ==============================================================

    def inject(
        self,
        match: str,
        status: Any = _DEFAULT,
        times: int = 1,
        retry_after: str | None = None,
        reason: str | None = None,
        drop: bool = False,
        delay: float = 0.0,
        after_bytes: int | None = None,
        message: str | None = None,
    ) -> Fault:
        """Make the next ``times`` requests whose discovery id or path matches the regex
        ``match`` fail. ``status`` (default 429) answers with a Google-shaped error and an
        optional ``Retry-After``; ``reason`` sets ``errors[0].reason`` (e.g.
        ``rateLimitExceeded``, ``userRateLimitExceeded``, ``forbidden``); ``drop`` closes
        the connection with no response; ``after_bytes`` sends the real response cut after
        that many body bytes; ``delay`` waits first (alone, it just slows a success)."""
        if status is _DEFAULT:
            status = None if (drop or after_bytes is not None or delay) else 429
        fault = Fault(
            re.compile(match), status, times, retry_after, reason, drop, delay, after_bytes, message
        )
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _take_fault(self, method_id: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.remaining > 0 and (
                fault.pattern.search(method_id) or fault.pattern.search(path)
            ):
                fault.hits += 1
                return fault
        return None

    def _wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        if self.virtual_time:
            with self._lock:
                self.simulated_seconds += seconds
        else:
            time.sleep(seconds)

    def advance(self, seconds: float) -> None:
        """Move the virtual clock (use as a patched ``time.sleep`` in benchmarks)."""
        with self._lock:
            self.simulated_seconds += seconds

    def quota(
        self,
        per_minute_writes: int = 60,
        per_minute_reads: int = 300,
        clock: Callable[[], float] | None = None,
        prefix: str = "sheets.",
    ) -> Quota:
        """Enforce Sheets-style per-minute quotas (sliding 60 s window) on methods whose id
        starts with ``prefix``: 429 RESOURCE_EXHAUSTED when exceeded. ``clock`` returns
        seconds; default is the virtual clock if :attr:`virtual_time`, else monotonic."""
        if clock is None:
            clock = (lambda: self.simulated_seconds) if self.virtual_time else time.monotonic
        self._quota = Quota(per_minute_writes, per_minute_reads, clock, prefix)
        return self._quota

    def _check_quota(self, match: Match) -> None:
        q = self._quota
        if q is None or not match.id.startswith(q.prefix):
            return
        now = q.clock()
        read = match.method.http_method == "GET"
        window, limit = (q.reads, q.per_minute_reads) if read else (q.writes, q.per_minute_writes)
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= limit:
            q.rejected += 1
            kind = "Read" if read else "Write"
            raise ApiError(
                429,
                f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests "
                f"per minute per user' of service 'sheets.googleapis.com' for consumer "
                f"'project_number:000000000000'.",
            )
        window.append(now)

    # === the request log ===================================================================

    def count(self, prefix: str = "", status: int | None = None, method: str | None = None) -> int:
        """How many logged requests have an id starting with ``prefix`` (optionally
        only those answered with ``status`` / sent with HTTP ``method``)."""
        return sum(
            1
            for c in self.requests
            if c.id.startswith(prefix)
            and (status is None or c.status == status)
            and (method is None or c.method == method.upper())
        )

    def counts(self, prefix: str = "") -> Counter[str]:
        """Requests per discovery id, e.g. ``{"sheets.spreadsheets.values.batchUpdate": 2}``."""
        return Counter(c.id for c in self.requests if c.id.startswith(prefix))

    def reads(self, prefix: str = "sheets.") -> int:
        return sum(1 for c in self.requests if c.id.startswith(prefix) and c.is_read)

    def writes(self, prefix: str = "sheets.") -> int:
        return sum(1 for c in self.requests if c.id.startswith(prefix) and not c.is_read)

    def calls(self, prefix: str = "") -> list[Call]:
        return [c for c in self.requests if c.id.startswith(prefix)]

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # === transports ==========================================================================

    def serve(self) -> contextlib.AbstractContextManager[str]:
        """A real HTTP server on 127.0.0.1:random; yields ``http://127.0.0.1:PORT``."""
        return serve(self)

    def requests_adapter(self) -> FakeRequestsAdapter:
        return FakeRequestsAdapter(self)

    def httplib2_http(self, authorized: bool = False) -> FakeHttplib2Http:
        """An httplib2.Http stand-in; ``authorized=True`` adds a valid bearer token."""
        return FakeHttplib2Http(self, self.issue_token() if authorized else None)

    def mount(self, session: requests.Session) -> requests.Session:
        """Route a requests Session (and, for google-auth's AuthorizedSession, its
        private token-refresh session) to the fake in process."""
        adapter = self.requests_adapter()
        for target in (session, getattr(session, "_auth_request_session", None)):
            if target is not None:
                target.mount("https://", adapter)
                target.mount("http://", adapter)
        return session

    # === clock ===============================================================================

    def _now(self) -> datetime:
        now = self.clock()
        if self._last_time is not None and now <= self._last_time:
            now = self._last_time + timedelta(milliseconds=1)
        self._last_time = now
        return now

    # === Drive helpers ========================================================================

    def drive_add_folder(
        self,
        name: str,
        parent: str | None = None,
        *,
        created_time: datetime | str | None = None,
        owner_email: str | None = None,
    ) -> str:
        with self._lock:
            return self.drive.add(
                name, FOLDER, parent, created_time=created_time, uploader_email=owner_email
            )

    def drive_add_shared_drive(self, name: str) -> str:
        """A shared drive; use its id as ``parent`` to put folders/files in it."""
        with self._lock:
            drive_id = "0A" + self.ids.drive_file()[1:20]
            self.drive.shared_drives[drive_id] = name
            return drive_id

    def drive_add_file(
        self,
        name: str,
        content: bytes,
        parent: str | None,
        mime_type: str | None = None,
        created_time: datetime | str | None = None,
        uploader_email: str | None = None,
        *,
        modified_time: datetime | str | None = None,
        uploader_name: str | None = None,
    ) -> str:
        with self._lock:
            return self.drive.add(
                name,
                mime_type or guess_mime(name),
                parent,
                content,
                created_time=created_time,
                modified_time=modified_time,
                uploader_email=uploader_email,
                uploader_name=uploader_name,
            )

    def drive_update_file(
        self,
        file_id: str,
        content: bytes,
        modified_time: datetime | str | None = None,
        modifier_email: str | None = None,
    ) -> None:
        """New content (a re-upload): version, md5, size and modifiedTime change."""
        with self._lock:
            f = self.drive.get(file_id)
            f.content = content
            self.drive.touch(file_id, modified_time, modifier_email)

    def drive_rename(
        self, file_id: str, name: str, modified_time: datetime | str | None = None
    ) -> None:
        with self._lock:
            self.drive.get(file_id).name = name
            self.drive.touch(file_id, modified_time)

    def drive_move(self, file_id: str, new_parent: str) -> None:
        with self._lock:
            self.drive.get(file_id).parents = [new_parent]
            self.drive.touch(file_id)

    def drive_trash(self, file_id: str, trashed: bool = True) -> None:
        with self._lock:
            self.drive.get(file_id).trashed = trashed
            self.drive.touch(file_id)

    def drive_delete(self, file_id: str) -> None:
        """Delete for good (children too); changes.list reports ``removed: true``."""
        with self._lock:
            self.drive.remove(file_id)

    def drive_add_google_sheet(
        self,
        name: str,
        parent: str | None,
        export_xlsx_bytes: bytes | None = None,
        *,
        exports: dict[str, bytes] | None = None,
        created_time: datetime | str | None = None,
        uploader_email: str | None = None,
    ) -> str:
        """A native Google Sheet known to Drive only: files.export returns the stored
        bytes per mime type (``export_xlsx_bytes`` is the xlsx export)."""
        stored = dict(exports or {})
        if export_xlsx_bytes is not None:
            stored[XLSX] = export_xlsx_bytes
        with self._lock:
            return self.drive.add(
                name,
                GOOGLE_SHEET,
                parent,
                created_time=created_time,
                uploader_email=uploader_email,
                exports=stored,
            )

    def drive_add_google_doc(
        self,
        name: str,
        parent: str | None,
        export_docx_bytes: bytes | None = None,
        *,
        exports: dict[str, bytes] | None = None,
        created_time: datetime | str | None = None,
        uploader_email: str | None = None,
    ) -> str:
        stored = dict(exports or {})
        if export_docx_bytes is not None:
            stored[DOCX] = export_docx_bytes
        with self._lock:
            return self.drive.add(
                name,
                GOOGLE_DOC,
                parent,
                created_time=created_time,
                uploader_email=uploader_email,
                exports=stored,
            )

    def drive_file(self, file_id: str) -> DriveFile:
        return self.drive.get(file_id)

    def revoke_access(self, resource_id: str) -> None:
        """The service account loses access: Drive -> 404 (for the item and everything
        under it), Sheets/Forms -> 403 PERMISSION_DENIED."""
        with self._lock:
            if resource_id in self.sheets.spreadsheets:
                self.sheets.spreadsheets[resource_id].access = False
            if resource_id in self.forms.forms:
                self.forms.forms[resource_id].access = False
            if resource_id in self.drive.files:
                self.drive.revoke(resource_id)

    def restore_access(self, resource_id: str) -> None:
        with self._lock:
            if resource_id in self.sheets.spreadsheets:
                self.sheets.spreadsheets[resource_id].access = True
            if resource_id in self.forms.forms:
                self.forms.forms[resource_id].access = True
            if resource_id in self.drive.files:
                self.drive.revoke(resource_id, access=True)

    # === Forms helpers ========================================================================

    def forms_create(
        self, title: str, questions: list[dict[str, Any]], description: str | None = None
    ) -> tuple[str, dict[str, str]]:
        """``questions``: dicts with ``title``, ``kind`` (dropdown, choice, checkbox, text,
        paragraph, file, date), optional ``options``, ``required``, ``folder_id``.
        Returns ``(form_id, {question title: questionId})``."""
        with self._lock:
            return self.forms.create(title, questions, description)

    def forms_add_question(
        self, form_id: str, title: str, kind: str = "text", **kwargs: Any
    ) -> str:
        with self._lock:
            return self.forms.add_question(form_id, title, kind, **kwargs)

    def forms_add_response(
        self,
        form_id: str,
        answers: dict[str, Any],
        email: str | None = None,
        create_time: datetime | str | None = None,
        last_submitted_time: datetime | str | None = None,
    ) -> str:
        """``answers``: ``{questionId: "text" | ["a", "b"] | [{"fileId", "fileName",
        "mimeType"}]}``; empty answers are omitted like Google does."""
        with self._lock:
            return self.forms.add_response(
                form_id, answers, email, create_time, last_submitted_time
            )

    def forms_edit_response(
        self,
        form_id: str,
        response_id: str,
        answers: dict[str, Any],
        last_submitted_time: datetime | str | None = None,
    ) -> None:
        with self._lock:
            self.forms.edit_response(form_id, response_id, answers, last_submitted_time)

    def forms_delete_response(self, form_id: str, response_id: str) -> None:
        with self._lock:
            self.forms.delete_response(form_id, response_id)

    def forms_rename_question(self, form_id: str, question_id: str, title: str) -> None:
        with self._lock:
            self.forms.rename_question(form_id, question_id, title)

    def forms_delete_question(self, form_id: str, question_id: str) -> None:
        with self._lock:
            self.forms.delete_question(form_id, question_id)

    def forms_set_options(self, form_id: str, question_id: str, options: list[str]) -> None:
        with self._lock:
            self.forms.set_options(form_id, question_id, options)

    # === Sheets helpers =======================================================================

    def sheets_create(
        self,
        title: str,
        tabs: tuple[str, ...] | list[str] = ("Sheet1",),
        *,
        rows: int = 1000,
        cols: int = 26,
        parent: str | None = None,
        locale: str = "en_US",
        time_zone: str = "Asia/Bangkok",
    ) -> str:
        """A spreadsheet (also a Drive file, so files.get / export / changes see it)."""
        with self._lock:
            sid = self.sheets.create(title, tabs, rows, cols, locale, time_zone)
            self._register_sheet_in_drive(sid, parent)
            return sid

    def sheets_add_tab(
        self, spreadsheet_id: str, title: str, rows: int = 1000, cols: int = 26
    ) -> int:
        with self._lock:
            return self.sheets.add_tab(spreadsheet_id, title, rows, cols)

    def sheet(self, spreadsheet_id: str, tab: str) -> Sheet:
        """The live tab object (``props``, ``cells``, ``conditional_formats``,
        ``protected_ranges``, ``data_validations``, ``col_meta``...)."""
        return self.sheets.tab(spreadsheet_id, tab)

    def sheet_values(
        self, spreadsheet_id: str, tab: str, render: str = "FORMATTED_VALUE"
    ) -> list[list[Any]]:
        """The tab as the API would return it (trailing empties trimmed)."""
        with self._lock:
            return self.sheets.values(spreadsheet_id, tab, render)

    def sheet_cell(self, spreadsheet_id: str, tab: str, a1: str) -> Cell | None:
        rng = parse_cells(a1)
        if rng is None or not rng.single:
            raise ValueError(f"not a single cell: {a1!r}")
        return self.sheets.tab(spreadsheet_id, tab).cells.get((rng.r0, rng.c0))

    def sheet_set_cell(
        self, spreadsheet_id: str, tab: str, a1: str, value: Any, user_entered: bool = True
    ) -> None:
        """A staff member typing into a cell (USER_ENTERED semantics by default)."""
        with self._lock:
            self.sheets.set_cell(spreadsheet_id, tab, a1, value, user_entered)

    def sheet_formulas(self, spreadsheet_id: str, tab: str) -> dict[str, str]:
        """``{"B2": "=HYPERLINK(...)"}`` for every formula cell of the tab."""
        with self._lock:
            return self.sheets.formulas(spreadsheet_id, tab)

    def _register_sheet_in_drive(self, sid: str, parent: str | None = None) -> None:
        self.drive.add(
            self.sheets.spreadsheets[sid].props["title"], GOOGLE_SHEET, parent, file_id=sid
        )
        self.drive.export_hooks[sid] = functools.partial(self._export_sheet, sid)

    def _export_sheet(self, sid: str, mime: str) -> bytes | None:
        if mime == "text/csv":
            return self.sheets.export_csv(sid)
        return None  # the master is read through the Sheets API, never exported as xlsx

    def _form_changed(self, form_id: str) -> None:
        """A Form is a Drive file too (application/vnd.google-apps.form, same id): an edit to
        its questions moves its modifiedTime, and changes.list reports it."""
        if form_id not in self.drive.files:
            self.drive.add(self.forms.forms[form_id].title, FORM_MIME, None, file_id=form_id)
        else:
            self.drive.get(form_id).name = self.forms.forms[form_id].title
            self.drive.touch(form_id)

    def _sheet_changed(self, sid: str, by_api: bool = False) -> None:
        if sid not in self.drive.files:
            self._register_sheet_in_drive(sid)
        elif not self.sheet_edits_in_feed:
            self.drive.get(sid).name = self.sheets.spreadsheets[sid].props["title"]
        else:
            self.drive.get(sid).name = self.sheets.spreadsheets[sid].props["title"]
            self.drive.touch(sid, modifier_email=self.account_email if by_api else STAFF_EDITOR)


def _jwt_claims(assertion: str) -> dict[str, Any] | None:
    try:
        payload = assertion.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None


@contextlib.contextmanager
def serving(fake: FakeGoogle | None = None) -> Iterator[tuple[FakeGoogle, str]]:
    """``with serving() as (fake, base_url): ...``"""
    fake = fake or FakeGoogle()
    with fake.serve() as base_url:
        yield fake, base_url
