"""In-process fakes of the services gsync talks to, for the tests and the benchmark.

``FakeGoogle`` fakes Drive v3, Forms v1, Sheets v4 and the OAuth token endpoint for the real
gspread / googleapiclient clients (see ``gsync/testing/google.py``); ``FakeLine`` fakes the
LINE Messaging API; ``province`` builds provinces and loads them into the fake.

No gsync runtime module may import ``gsync.testing``: it is test support that ships in the
package only so that ``tests/`` and ``bench/`` share it without ``bench`` importing ``tests``.
"""

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
