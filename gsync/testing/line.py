"""A stateful fake of the LINE Messaging API for the real `line-bot-sdk` (v3) client.

Served over real HTTP on 127.0.0.1 (so a child process can use it too). What it does, as
LINE documents it:
  POST /v2/bot/message/push   Bearer token checked (401); `X-Line-Retry-Key` must be a UUID
                              (400); a repeat of an accepted key answers 409 with
                              `x-line-accepted-request-id` and delivers nothing; `to` must be
                              a user, group or room id (400); 1-5 messages, text <= 5000.
  GET  /v2/bot/info           the Official Account's profile (401 on a bad token).
Faults: `fail_next(status, n)` answers the next n pushes with 429/500/... before anything is
accepted; `lose_response_next(n)` accepts the next n pushes but answers 500 (the response
"lost on the way": the client must retry with the same key and get 409).
`delivered` is what recipients would see: one entry per accepted push.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ID = re.compile(r"^[UCR][0-9a-f]{32}$")


@dataclass
class Delivered:
    to: str
    texts: list[str]
    retry_key: str | None
    request_id: str


@dataclass
class FakeLine:
    tokens: set[str] = field(default_factory=lambda: {"good-token"})
    delivered: list[Delivered] = field(default_factory=list)
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    auth_headers: list[str] = field(default_factory=list)
    _accepted: dict[str, str] = field(default_factory=dict)  # retry key -> request id
    _faults: list[tuple[int, str | None]] = field(default_factory=list)
    _lose: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, n: int = 1, retry_after: str | None = None) -> None:
        with self.lock:
            self._faults += [(status, retry_after)] * n

    def lose_response_next(self, n: int = 1) -> None:
        with self.lock:
            self._lose += n

    def texts_to(self, to: str) -> list[str]:
        return [t for d in self.delivered if d.to == to for t in d.texts]

    # --- the API ---

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            status, h, payload = self._handle(method, path, headers, body)
            self.requests.append((method, path, status))
            return status, h, payload

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        rid = uuid.uuid4().hex
        base = {"x-line-request-id": rid}
        auth = headers.get("authorization", "")
        self.auth_headers.append(auth)
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return 401, base, {"message": "Authentication failed. Confirm that the access token in the authorization header is valid."}
        if method == "GET" and path == "/v2/bot/info":
            return 200, base, {"userId": "U" + "a" * 32, "basicId": "@123abcde", "displayName": "สพจ.ลำปาง",
                               "chatMode": "bot", "markAsReadMode": "auto"}
        if method != "POST" or path != "/v2/bot/message/push":
            return 404, base, {"message": "Not found"}
        key = headers.get("x-line-retry-key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                return 400, base, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}
            if key in self._accepted:
                return 409, {**base, "x-line-accepted-request-id": self._accepted[key]}, {
                    "message": "The retry key is already accepted", "sentMessages": []}
        if self._faults:
            status, retry_after = self._faults.pop(0)
            h = {**base, **({"retry-after": retry_after} if retry_after else {})}
            msg = "The API rate limit has been exceeded. Try again later." if status == 429 else "Internal server error"
            return status, h, {"message": msg}
        try:
            data = json.loads(body)
        except ValueError:
            return 400, base, {"message": "The request body has 1 error(s)"}
        to, messages = data.get("to", ""), data.get("messages") or []
        if not isinstance(to, str) or not ID.match(to):
            return 400, base, {"message": "The property, 'to', in the request body is invalid (line user ID)"}
        if not 1 <= len(messages) <= 5 or any(m.get("type") != "text" or not 1 <= len(m.get("text", "")) <= 5000 for m in messages):
            return 400, base, {"message": "The request body has 1 error(s)",
                               "details": [{"message": "Must be a text of 1 to 5000 characters", "property": "messages[0].text"}]}
        self.delivered.append(Delivered(to, [m["text"] for m in messages], key, rid))
        if key is not None:
            self._accepted[key] = rid
        if self._lose:
            self._lose -= 1
            return 500, base, {"message": "Internal server error"}
        return 200, base, {"sentMessages": [{"id": str(len(self.delivered)), "quoteToken": "q" + rid[:8]}]}

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _do(self) -> None:
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n) if n else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, h, payload = fake.handle(self.command, self.path, headers, body)
                out = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(out)))
                for k, v in h.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = _do

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
