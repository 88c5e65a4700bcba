"""Three ways for real clients to reach a :class:`~gsync.testing.google.FakeGoogle`.

* :func:`serve` - a real ``ThreadingHTTPServer`` on 127.0.0.1 (HTTP/1.1 keep-alive,
  Content-Length bodies). Dropped connections are real TCP resets; truncated media is
  a real short body.
* :class:`FakeRequestsAdapter` - a ``requests`` transport adapter that calls the fake in
  process (mount it on a ``requests.Session``, e.g. gspread's
  ``client.http_client.session``). A drop raises ``requests.ConnectionError``; a
  truncated body raises ``requests.exceptions.ChunkedEncodingError`` when read.
* :class:`FakeHttplib2Http` - quacks like ``httplib2.Http`` for
  ``googleapiclient.discovery.build(http=...)``, alone or wrapped in
  ``google_auth_httplib2.AuthorizedHttp``. A drop raises ``ConnectionResetError``; a
  truncated body raises ``http.client.IncompleteRead``.

Plus :class:`RewriteAdapter`, a real-network ``HTTPAdapter`` that sends every request to
``base_url`` whatever host the client aimed at (how gspread's hard-coded
``https://sheets.googleapis.com`` URLs reach :func:`serve`).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import struct
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httplib2
import requests
import urllib3
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from .google_common import DropConnection, TruncatedResponse

if TYPE_CHECKING:
    from .google import FakeGoogle

HOP_HEADERS = {"content-length", "connection", "transfer-encoding", "keep-alive"}


# --- real HTTP server -----------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeGoogle):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.open_connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        fake.connections_accepted = 0

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up mid-answer (gsync gave up on a slow or faulted request) is normal
        here; socketserver would print a traceback into the stderr a CLI test is reading."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.conn_lock:
            self.server.open_connections.add(self.connection)
            self.server.fake.connections_accepted += 1

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.conn_lock:
                self.server.open_connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reset(self) -> None:
        """Close with a TCP RST and no response at all."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _send_head(self, status: int, headers: dict[str, str], length: int) -> None:
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _any(self) -> None:
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status, out_headers, data = self.server.fake.handle(
                self.command, self.path, headers, body
            )
        except DropConnection:
            self._reset()
            return
        except TruncatedResponse as cut:
            self._send_head(cut.status, cut.headers, cut.total)
            self.wfile.write(cut.partial)
            self.wfile.flush()
            self._reset()
            return
        self._send_head(status, out_headers, len(data))
        if self.command != "HEAD" and data:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any


@contextlib.contextmanager
def serve(fake: FakeGoogle) -> Iterator[str]:
    """Run the fake on a random 127.0.0.1 port; yield ``http://127.0.0.1:PORT``."""
    server = _Server(fake)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        with server.conn_lock:
            conns = list(server.open_connections)
        for conn in conns:  # wake handler threads parked on keep-alive reads
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        thread.join(timeout=5)


# --- in-process requests adapter --------------------------------------------------------------


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    return b"".join(c.encode("utf-8") if isinstance(c, str) else c for c in body)


class FakeRequestsAdapter(BaseAdapter):
    """A ``requests`` adapter answering from the fake without any socket."""

    def __init__(self, fake: FakeGoogle):
        super().__init__()
        self.fake = fake

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        headers = {
            k.lower(): v.decode("latin-1") if isinstance(v, bytes) else v
            for k, v in request.headers.items()
        }
        try:
            status, out_headers, data = self.fake.handle(
                request.method or "GET", request.url or "/", headers, _body_bytes(request.body)
            )
            total = len(data)
        except DropConnection:
            raise requests.exceptions.ConnectionError(
                ConnectionResetError(104, "Connection reset by peer (fake drop)"), request=request
            ) from None
        except TruncatedResponse as cut:
            status, out_headers, data, total = cut.status, cut.headers, cut.partial, cut.total
        raw_headers = {k: v for k, v in out_headers.items() if k.lower() not in HOP_HEADERS}
        raw_headers["Content-Length"] = str(total)
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(data),
            headers=raw_headers,
            status=status,
            reason=http.client.responses.get(status, ""),
            preload_content=False,
            decode_content=False,
            enforce_content_length=True,
            request_method=request.method,
            request_url=request.url,
        )
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(raw_headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = raw
        response.reason = raw.reason or ""
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        pass


# --- in-process httplib2 -------------------------------------------------------------------------


class FakeHttplib2Http:
    """Enough of ``httplib2.Http`` for googleapiclient and google_auth_httplib2."""

    def __init__(self, fake: FakeGoogle, token: str | None = None):
        self.fake = fake
        self.token = token
        self.timeout: float | None = None
        self.follow_redirects = True
        self.redirect_codes = set(httplib2.REDIRECT_CODES)
        self.connections: dict[str, Any] = {}

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        if self.token and "authorization" not in hdrs:
            hdrs["authorization"] = f"Bearer {self.token}"
        try:
            status, out_headers, data = self.fake.handle(method, uri, hdrs, _body_bytes(body))
        except DropConnection:
            raise ConnectionResetError(104, "Connection reset by peer (fake drop)") from None
        except TruncatedResponse as cut:
            raise http.client.IncompleteRead(cut.partial, cut.total - len(cut.partial)) from None
        info = {k.lower(): v for k, v in out_headers.items()}
        info["status"] = str(status)
        info["content-length"] = str(len(data))
        response = httplib2.Response(info)
        response.reason = http.client.responses.get(status, "")
        return response, data

    def add_certificate(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass


# --- rewriting adapter for the real server ---------------------------------------------------


class RewriteAdapter(HTTPAdapter):
    """Send every request to ``base_url`` (scheme + host + port), keeping path and query."""

    def __init__(self, base_url: str, **kwargs: Any):
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        self.scheme, self.netloc = parts.scheme, parts.netloc

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        request.url = urlunsplit((self.scheme, self.netloc, parts.path, parts.query, ""))
        return super().send(request, *args, **kwargs)
