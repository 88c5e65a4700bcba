"""A real BigQuery for tests, offline: `bqemulator` (PyPI, DuckDB-backed) in a subprocess on a
free loopback port, behind a small stateful HTTP layer that keeps the rules of BigQuery's job ids.

The real google-cloud-bigquery client talks to `BigQueryEmulator.endpoint` over HTTP
(`client_options={"api_endpoint": endpoint}`, `AnonymousCredentials`). What the layer adds,
checked against the BigQuery REST reference (jobs.insert, the upload endpoints, and the error
format of https://cloud.google.com/bigquery/docs/error-messages):

- a multipart upload's file part, which the client sends as `*/*`, reaches bqemulator as
  `application/octet-stream` (BigQuery takes `*/*`, bqemulator refuses it);
- a job id the client gives is the job's id (bqemulator gives an upload its own `bqemu_…` id; the
  layer maps it back, in answers and in jobs.get / getQueryResults paths);
- a job id already used in the project is refused, as real BigQuery does, with
  `409 {"error": {"code": 409, "message": "Already Exists: Job <project>:<location>.<id>",
  "errors": [{"message": …, "domain": "global", "reason": "duplicate"}], "status": "ALREADY_EXISTS"}}`
  (bqemulator accepts a reused id and would run the load twice);
- a job id that is not letters, digits, `_` or `-` (at most 1,024 characters) is refused with
  400 `invalid`, as real BigQuery does;
- every request is recorded (`calls`), so a test can count load jobs ("a rerun loads nothing").

What bqemulator itself does differently from BigQuery (known, verified with 1.4.0): it rejects a
load into a table that does not exist (create the table first) and `MERGE … INSERT ROW` (list the
columns); a load job's `outputRows` is the table's row count after the load, not the rows the
load added (count with a query).

The emulator never reaches the network: DuckDB's spatial extension comes from the
`duckdb-extension-spatial` wheel (installed once into a private HOME for the emulator), the
optional Avro extension (downloaded from the DuckDB site) is switched off, metrics and tracing are
off, and a `sitecustomize` in the emulator's process refuses any Python connection off loopback.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import fcntl
import http.client
import importlib.metadata
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,1024}")
_JOBS_PATH = re.compile(r"^/(?:upload/)?bigquery/v2/projects/([^/]+)/jobs$")
_ANY_MEDIA = re.compile(rb"(?im)^content-type:[ \t]*\*/\*[ \t]*(?=\r?$)")
_JOB_PATH = re.compile(r"^(/bigquery/v2/projects/([^/]+)/(?:jobs|queries)/)([^/]+)(.*)$")
_GUARD = '''\
"""Written by gsync.testing.bigquery: the emulator's process connects to loopback only."""
import socket

_LOOPBACK = {"127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"}
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _check(address):
    if isinstance(address, (str, bytes)):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if isinstance(host, bytes):
        host = host.decode()
    if host not in _LOOPBACK:
        raise OSError(f"gsync test emulator: network access refused: {address!r}")


def connect(self, address):
    _check(address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(address)
    return _connect_ex(self, address)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex


def _watch(parent):
    """The test session that started the emulator is gone (even by SIGKILL): stop too."""
    import os
    import time

    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _start_watch():
    import os
    import threading

    parent = os.environ.pop("GSYNC_BQEMU_PARENT", "")
    if parent.isdigit() and int(parent) == os.getppid():
        threading.Thread(target=_watch, args=(int(parent),), daemon=True).start()


_start_watch()
'''


class EmulatorError(RuntimeError):
    """bqemulator could not be started (its log's tail is in the message)."""


@dataclass(frozen=True)
class Call:
    """One request through the layer, as the client sent it (job ids as the client knows them)."""

    method: str
    path: str  # without the query string
    status: int
    job_id: str | None = None  # the client's job id, for jobs.insert and uploads
    kind: str | None = None  # "load" | "query" | "copy" | "extract", for jobs.insert and uploads


_STATUS = {400: ("INVALID_ARGUMENT", "invalid"), 401: ("UNAUTHENTICATED", "unauthorized"),
           403: ("PERMISSION_DENIED", "accessDenied"), 404: ("NOT_FOUND", "notFound"),
           409: ("ALREADY_EXISTS", "duplicate"), 429: ("RESOURCE_EXHAUSTED", "rateLimitExceeded"),
           500: ("INTERNAL", "backendError"), 503: ("UNAVAILABLE", "backendError")}


@dataclass(frozen=True)
class Fault:
    """An answer the layer gives instead of the emulator's, to the next request that matches."""

    status: int
    match: str  # a substring of "METHOD /path" ("" matches every request)
    reason: str
    message: str


@dataclass
class _Jobs:
    """The layer's state: job ids used per project, and bqemulator's id for each of them."""

    used: dict[tuple[str, str], str] = field(default_factory=dict)  # (project, client id) -> emulator id
    back: dict[str, str] = field(default_factory=dict)  # emulator id -> client id
    sessions: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # upload_id -> (project, id, kind)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gsync" / "bqemulator-home"


def ensure_spatial(home: Path) -> None:
    """Install DuckDB's spatial extension from the `duckdb-extension-spatial` wheel into
    `home`/.duckdb (bqemulator loads it at start and would otherwise download it). Once per
    DuckDB version; a lock keeps two test sessions from installing at the same time."""
    version = importlib.metadata.version("duckdb")
    home.mkdir(parents=True, exist_ok=True)
    if list(home.glob(f".duckdb/extensions/v{version}/*/spatial.duckdb_extension")):
        return
    with open(home / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if list(home.glob(f".duckdb/extensions/v{version}/*/spatial.duckdb_extension")):
            return
        code = "import duckdb, duckdb_extensions; duckdb_extensions.import_extension('spatial', con=duckdb.connect())"
        r = subprocess.run([sys.executable, "-c", code], env={**_clean_env(), "HOME": str(home)},
                           capture_output=True, text=True, timeout=300, check=False)
        if r.returncode != 0:
            raise EmulatorError(f"could not install DuckDB's spatial extension from its wheel: {r.stderr[-2000:]}")


def _clean_env() -> dict[str, str]:
    """The environment without bqemulator's own settings, proxies or telemetry endpoints."""
    drop = ("BQEMU_", "OTEL_", "BIGQUERY_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop) and "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "*"
    return env


class BigQueryEmulator:
    """bqemulator in a subprocess, and the job-id layer in a thread of this process.

    `start()` / `stop()`, or use it as a context manager. `endpoint` is the layer's URL (what the
    client is given); `emulator_url` is bqemulator's own, without the job-id rules.
    """

    def __init__(self, project: str = "gsync-test", *, workdir: Path | None = None, home: Path | None = None,
                 start_timeout: float = 90.0) -> None:
        self.project = project
        self._own_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="gsync-bqemu-"))
        self.home = home or _cache_dir()
        self.start_timeout = start_timeout
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self._jobs = _Jobs()
        self._proc: subprocess.Popen[bytes] | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.emulator_port = 0
        self.endpoint = ""

    # --- life ------------------------------------------------------------------------------

    def __enter__(self) -> BigQueryEmulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def emulator_url(self) -> str:
        return f"http://127.0.0.1:{self.emulator_port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "bqemulator.log"

    def start(self) -> None:
        try:
            ensure_spatial(self.home)
        except OSError:  # no writable cache under HOME: a private one in the temp folder
            self.home = Path(tempfile.gettempdir()) / f"gsync-bqemulator-home-{os.getuid()}"
            ensure_spatial(self.home)
        guard = self.workdir / "guard"
        guard.mkdir(parents=True, exist_ok=True)
        (guard / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
        for attempt in range(3):  # a free port can be taken between finding it and binding it
            self.emulator_port = free_port()
            self._spawn(guard)
            try:
                self._wait_ready()
                break
            except EmulatorError:
                self._kill()
                if attempt == 2 or "address already in use" not in self._log_tail().lower():
                    raise
        self._serve()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._kill()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _spawn(self, guard: Path) -> None:
        env = {
            **_clean_env(),
            "HOME": str(self.home),  # DuckDB finds the spatial extension under $HOME/.duckdb
            "PYTHONPATH": str(guard),
            "BQEMU_ENABLE_FORMAT_EXTENSIONS": "false",  # Avro: would be downloaded
            "BQEMU_METRICS_ENABLED": "false",
            "BQEMU_TRACING_ENABLED": "false",
            "BQEMU_UPLOAD_STAGING_DIR": str(self.workdir / "uploads"),
            "OTEL_SDK_DISABLED": "true",
            "GSYNC_BQEMU_PARENT": str(os.getpid()),
        }
        cmd = [sys.executable, "-m", "bqemulator", "start", "--rest-host", "127.0.0.1",
               "--rest-port", str(self.emulator_port), "--grpc-host", "127.0.0.1", "--grpc-port", "0",
               "--ephemeral", "--project", self.project, "--log-level", "warning", "--log-format", "console"]
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise EmulatorError(f"bqemulator exited while starting: {self._log_tail()}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.emulator_port, timeout=2)
                try:
                    conn.request("GET", "/readyz")
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            time.sleep(0.1)
        raise EmulatorError(f"bqemulator not ready after {self.start_timeout:.0f} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def _serve(self) -> None:
        emulator = self

        class Handler(_LayerHandler):
            owner = emulator

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="bigquery-layer", daemon=True)
        self._thread.start()

    # --- for tests -------------------------------------------------------------------------

    def client(self, project: str | None = None) -> Any:
        """A google-cloud-bigquery Client on the layer, as production code would build one."""
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import bigquery

        return bigquery.Client(project=project or self.project, credentials=AnonymousCredentials(),
                               client_options=ClientOptions(api_endpoint=self.endpoint))

    def fail_next(self, status: int, *, match: str = "", n: int = 1, reason: str | None = None,
                  message: str | None = None) -> None:
        """Answer the next `n` requests whose "METHOD /path" contains `match` with `status` in
        Google's error format (reason by status unless given: 403 accessDenied, 404 notFound,
        500/503 backendError, ...), as BigQuery would on a missing permission or an outage."""
        text, default_reason = _STATUS.get(status, ("UNKNOWN", "backendError"))
        fault = Fault(status, match, reason or default_reason, message or f"{text.replace('_', ' ').title()} (gsync test fault)")
        with self._jobs.lock:
            self.faults += [fault] * n

    def jobs_inserted(self, kind: str | None = None) -> list[str]:
        """The client's ids of the jobs created (refused ones not counted), oldest first."""
        return [c.job_id for c in self.calls if c.job_id and c.status == 200 and (kind is None or c.kind == kind)]

    def job_ids_used(self) -> set[str]:
        with self._jobs.lock:
            return {job for _, job in self._jobs.used}


def _error(code: int, status: str, reason: str, message: str) -> dict[str, Any]:
    """The error body of Google's JSON APIs (BigQuery's `ErrorProto` inside it)."""
    return {"error": {"code": code, "message": message,
                      "errors": [{"message": message, "domain": "global", "reason": reason}], "status": status}}


def _job_of(envelope: Any) -> tuple[str | None, str, str]:
    """(client's job id, location, kind) of a Job resource sent to jobs.insert or an upload."""
    if not isinstance(envelope, dict):
        return None, "US", ""
    ref = envelope.get("jobReference") or {}
    config = envelope.get("configuration") or {}
    kind = next((k for k in ("load", "query", "copy", "extract") if k in config), "")
    job = ref.get("jobId") if isinstance(ref, dict) else None
    return (str(job) if job else None), str((ref or {}).get("location") or "US"), kind


def _multipart_json(content_type: str, body: bytes) -> Any:
    """The JSON part of a multipart/related upload."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    for part in msg.iter_parts() if msg.is_multipart() else ():  # type: ignore[attr-defined]
        if part.get_content_type() == "application/json":
            payload = part.get_payload(decode=True)
            return json.loads(payload if isinstance(payload, bytes) else b"{}")
    return None


class _LayerHandler(BaseHTTPRequestHandler):
    owner: BigQueryEmulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    # --- the layer ------------------------------------------------------------------------

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _fault(self, path: str) -> Fault | None:
        with self.owner._jobs.lock:
            for i, f in enumerate(self.owner.faults):
                if f.match in f"{self.command} {path}":
                    return self.owner.faults.pop(i)
        return None

    def _handle(self) -> None:
        body = self._body()
        url = urllib.parse.urlsplit(self.path)
        fault = self._fault(url.path)
        if fault is not None:
            text = _STATUS.get(fault.status, ("UNKNOWN", ""))[0]
            error = json.dumps(_error(fault.status, text, fault.reason, fault.message)).encode()
            self._answer(fault.status, error, None, url.path, None, None)
            return
        query = urllib.parse.parse_qs(url.query)
        jobs = self.owner._jobs
        new_job: tuple[str, str, str] | None = None  # (project, client id, kind) being created
        m = _JOBS_PATH.match(url.path)
        if m and self.command == "POST":
            project = urllib.parse.unquote(m.group(1))
            upload = query.get("uploadType", [""])[0]
            if upload == "multipart":
                envelope = _multipart_json(self.headers.get("Content-Type") or "", body)
                # the client sends the file as */*, which BigQuery takes and bqemulator refuses
                body = _ANY_MEDIA.sub(b"content-type: application/octet-stream", body, count=1)
            else:
                envelope = json.loads(body or b"{}") if body.strip() else {}
            job, location, kind = _job_of(envelope)
            if job is not None:
                refused = self._refuse(project, job, location)
                if refused is not None:
                    self._answer(refused[0], refused[1], None, url.path, job, kind)
                    return
                new_job = (project, job, kind)
        path = self._emulator_path(url.path, url.query)
        status, headers, payload = self._forward(path, body)
        if new_job is not None and status != 200:
            self._release(new_job)
        if status == 200 and new_job is not None and query.get("uploadType", [""])[0] == "resumable":
            lower = {k.lower(): v for k, v in headers.items()}
            location = urllib.parse.urlsplit(lower.get("location", "")).query
            upload_id = urllib.parse.parse_qs(location).get("upload_id", [lower.get("x-guploader-uploadid", "")])[0]
            with jobs.lock:
                jobs.sessions[upload_id] = new_job
            self._answer(status, payload, headers, url.path, None, new_job[2])
            return
        if self.command == "PUT" and "upload_id" in query and status == 200:
            with jobs.lock:
                new_job = jobs.sessions.pop(query["upload_id"][0], None)
        if status == 200 and new_job is not None:
            payload = self._record(new_job, payload)
        elif status == 200:
            payload = self._rewrite(payload)
        self._answer(status, payload, headers, url.path, new_job[1] if new_job else None,
                     new_job[2] if new_job else None)

    def _refuse(self, project: str, job: str, location: str) -> tuple[int, bytes] | None:
        if not JOB_ID.fullmatch(job):
            message = (f'Invalid job ID "{job}". Job IDs must be alphanumeric (plus underscores and dashes) '
                       "and must be at most 1024 characters long.")
            return 400, json.dumps(_error(400, "INVALID_ARGUMENT", "invalid", message)).encode()
        with self.owner._jobs.lock:
            used = (project, job) in self.owner._jobs.used
            if not used:
                self.owner._jobs.used[(project, job)] = job  # reserved: a concurrent insert is refused
        if used:
            message = f"Already Exists: Job {project}:{location}.{job}"
            return 409, json.dumps(_error(409, "ALREADY_EXISTS", "duplicate", message)).encode()
        return None

    def _release(self, new_job: tuple[str, str, str]) -> None:
        """bqemulator did not create the job: its id stays free, as in BigQuery."""
        with self.owner._jobs.lock:
            self.owner._jobs.used.pop(new_job[:2], None)

    def _record(self, new_job: tuple[str, str, str], payload: bytes) -> bytes:
        """A job was created: remember its id, and answer with the client's id."""
        project, job, _ = new_job
        try:
            doc = json.loads(payload)
        except ValueError:
            return payload
        emulator_id = str((doc.get("jobReference") or {}).get("jobId") or job)
        with self.owner._jobs.lock:
            self.owner._jobs.used[(project, job)] = emulator_id
            self.owner._jobs.back[emulator_id] = job
        return self._rewrite(payload)

    def _emulator_path(self, path: str, query: str) -> str:
        """jobs.get, jobs.cancel, jobs.delete, getQueryResults by the client's id: bqemulator's id."""
        m = _JOB_PATH.match(path)
        if m:
            project, job = urllib.parse.unquote(m.group(2)), urllib.parse.unquote(m.group(3))
            with self.owner._jobs.lock:
                emulator_id = self.owner._jobs.used.get((project, job))
            if emulator_id is not None:
                path = m.group(1) + urllib.parse.quote(emulator_id, safe="") + m.group(4)
        return path + (f"?{query}" if query else "")

    def _rewrite(self, payload: bytes) -> bytes:
        """bqemulator's job ids in an answer, back to the client's."""
        with self.owner._jobs.lock:
            back = dict(self.owner._jobs.back)
        if not back or not payload.startswith((b"{", b"[")):
            return payload
        try:
            doc = json.loads(payload)
        except ValueError:
            return payload

        def walk(x: Any) -> Any:
            if isinstance(x, dict):
                out = {k: walk(v) for k, v in x.items()}
                ref = out.get("jobReference")
                if isinstance(ref, dict) and ref.get("jobId") in back:
                    out["jobReference"] = {**ref, "jobId": back[ref["jobId"]]}
                    if isinstance(out.get("id"), str) and out["id"].endswith(ref["jobId"]):
                        out["id"] = out["id"][: -len(ref["jobId"])] + back[ref["jobId"]]
                return out
            if isinstance(x, list):
                return [walk(v) for v in x]
            return x

        return json.dumps(walk(doc)).encode()

    def _forward(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.owner.emulator_port, timeout=300)
        try:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("content-length", "transfer-encoding", "connection", "accept-encoding")}
            headers["Content-Length"] = str(len(body))
            conn.request(self.command, path, body=body, headers=headers)
            r = conn.getresponse()
            payload = r.read()
            return r.status, {k: v for k, v in r.getheaders()}, payload
        finally:
            conn.close()

    def _answer(self, status: int, payload: bytes, headers: dict[str, str] | None, path: str,
                job: str | None, kind: str | None) -> None:
        self.owner.calls.append(Call(self.command, path, status, job, kind or None))
        self.send_response(status)
        skip = ("content-length", "transfer-encoding", "connection", "content-encoding", "date", "server")
        for k, v in (headers or {"Content-Type": "application/json; charset=UTF-8"}).items():
            if k.lower() not in skip:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


@contextlib.contextmanager
def running(project: str = "gsync-test", workdir: Path | None = None) -> Iterator[BigQueryEmulator]:
    """`with running() as bq:` bqemulator and the layer, stopped on the way out."""
    emu = BigQueryEmulator(project, workdir=workdir)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()
