"""Test fakes. ``FakeGoogle`` fakes Drive v3, Forms v1, Sheets v4 and the OAuth token
endpoint for the real gspread / googleapiclient clients; see ``tests/fakes/google.py``."""

from .discovery import Discovery, Violation
from .google import Call, FakeGoogle, Fault, serving
from .google_common import ApiError, DropConnection, TruncatedResponse
from .google_transports import FakeHttplib2Http, FakeRequestsAdapter, RewriteAdapter

__all__ = [
    "ApiError",
    "Call",
    "Discovery",
    "DropConnection",
    "FakeGoogle",
    "FakeHttplib2Http",
    "FakeRequestsAdapter",
    "Fault",
    "RewriteAdapter",
    "TruncatedResponse",
    "Violation",
    "serving",
]
