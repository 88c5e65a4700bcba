"""Shared pieces of the fake Google APIs: Google-shaped errors, RFC 3339 times, ids.

Error bodies follow what the real services send:

* Drive v3 (the older "apiary" style) always has an ``errors`` list with
  ``reason``/``domain`` next to ``code``/``message``/``status``;
* Sheets v4 and Forms v1 (the newer "ESF" style) send ``code``/``message``/``status`` and a
  ``details`` list with a ``google.rpc.ErrorInfo``; an ``errors`` list only appears when a
  test injects a fault with an explicit ``reason``.
"""

from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime
from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    412: "FAILED_PRECONDITION",
    416: "OUT_OF_RANGE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_REASONS = {
    400: ("badRequest", "global"),
    401: ("authError", "global"),
    403: ("forbidden", "global"),
    404: ("notFound", "global"),
    429: ("rateLimitExceeded", "usageLimits"),
    500: ("backendError", "global"),
    502: ("backendError", "global"),
    503: ("backendError", "global"),
    504: ("backendError", "global"),
}

USAGE_LIMIT_REASONS = {
    "rateLimitExceeded",
    "userRateLimitExceeded",
    "dailyLimitExceeded",
    "quotaExceeded",
    "sharingRateLimitExceeded",
}

DEFAULT_MESSAGES = {
    400: "Bad Request",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded.",
}


class ApiError(Exception):
    """Raised by the service handlers; turned into a Google-shaped JSON error."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        reason: str | None = None,
        *,
        domain: str | None = None,
        location: str | None = None,
        location_type: str | None = None,
        status: str | None = None,
        headers: dict[str, str] | None = None,
        force_errors_list: bool = False,
    ):
        self.code = code
        self.message = message or DEFAULT_MESSAGES.get(code, "Error")
        default_reason, default_domain = DEFAULT_REASONS.get(code, ("unknown", "global"))
        self.reason = reason or default_reason
        if domain is None:
            domain = "usageLimits" if self.reason in USAGE_LIMIT_REASONS else default_domain
        self.domain = domain
        self.location = location
        self.location_type = location_type or ("parameter" if location else None)
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.headers = dict(headers or {})
        self.force_errors_list = force_errors_list or reason is not None
        super().__init__(f"{code} {self.message}")

    def body(self, service: str | None) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if service == "drive" or service is None or self.force_errors_list:
            item: dict[str, Any] = {
                "message": self.message,
                "domain": self.domain,
                "reason": self.reason,
            }
            if self.location:
                item["location"] = self.location
                item["locationType"] = self.location_type
            err["errors"] = [item]
        if service in ("sheets", "forms"):
            err["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": _screaming(self.reason),
                    "domain": "googleapis.com",
                    "metadata": {"service": f"{service}.googleapis.com"},
                }
            ]
        return {"error": err}

    def response(self, service: str | None) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "application/json; charset=UTF-8", **self.headers}
        return self.code, headers, json_bytes(self.body(service))


def _screaming(reason: str) -> str:
    out = []
    for ch in reason:
        if ch.isupper():
            out.append("_")
        out.append(ch.upper())
    return "".join(out)


def json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- time ---------------------------------------------------------------------------------


def to_datetime(value: datetime | str | None, default: datetime) -> datetime:
    """A timezone-aware UTC datetime from a datetime, an RFC 3339 string or None."""
    if value is None:
        return default
    if isinstance(value, str):
        value = parse_rfc3339(value)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: give the fake timezone-aware times")
    return value.astimezone(UTC)


def parse_rfc3339(text: str) -> datetime:
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"RFC 3339 time needs an offset: {text!r}")
    return value.astimezone(UTC)


def rfc3339(value: datetime) -> str:
    """Google's format: UTC, milliseconds, 'Z' (e.g. 2024-12-01T03:04:05.000Z)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


# --- ids ----------------------------------------------------------------------------------

_ID_CHARS = string.ascii_letters + string.digits + "-_"


class IdMaker:
    """Deterministic Google-looking ids (seeded)."""

    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)

    def drive_file(self) -> str:
        return "1" + "".join(self.rng.choice(_ID_CHARS) for _ in range(32))

    def long(self) -> str:
        return "1" + "".join(self.rng.choice(_ID_CHARS) for _ in range(43))

    def hex8(self) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(8))

    def response(self) -> str:
        return "ACYDBN" + "".join(
            self.rng.choice(string.ascii_letters + string.digits + "_-") for _ in range(60)
        )

    def sheet_id(self) -> int:
        return self.rng.randrange(1, 2**31 - 1)


# --- replies ------------------------------------------------------------------------------


class Reply:
    """What a service handler returns: JSON (partial-response filtered by the core) or
    raw media bytes."""

    __slots__ = ("status", "json", "content", "headers", "default_fields")

    def __init__(
        self,
        json: Any = None,
        *,
        status: int = 200,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        default_fields: str | None = None,
    ):
        self.status = status
        self.json = json
        self.content = content
        self.headers = dict(headers or {})
        self.default_fields = default_fields


# --- transport-level faults -----------------------------------------------------------------


class DropConnection(Exception):
    """Raised by FakeGoogle.handle: the transport must close the connection, no response."""


class TruncatedResponse(Exception):
    """Raised by FakeGoogle.handle: send the head (full Content-Length) and only
    ``partial`` of the body, then drop the connection."""

    def __init__(self, status: int, headers: dict[str, str], partial: bytes, total: int):
        super().__init__(f"response truncated after {len(partial)} of {total} bytes")
        self.status = status
        self.headers = headers
        self.partial = partial
        self.total = total
