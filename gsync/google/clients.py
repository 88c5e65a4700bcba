"""Credentials and API clients, built once per run from `[google]` settings.

Least scopes: Drive and Forms read-only, Sheets read-write. A key file readable by other users
is warned about. Supported credentials: a service-account key, an authorized-user file (from
`gsync login`, cached with 0600 permissions), or Application Default Credentials.
"""

from __future__ import annotations

import json
import logging
import stat
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import google.auth
import google_auth_httplib2
import gspread
import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import DefaultCredentialsError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient import discovery

from gsync.accounting import Accounting
from gsync.config import Settings
from gsync.errors import CredentialsError, SourceError
from gsync.google.retry import RetryPolicy
from gsync.google.transport import RetryingAdapter, RetryingHttp

if TYPE_CHECKING:
    from gsync.google.changes import ChangeFeed

log = logging.getLogger(__name__)

SCOPES = (
    "https://www.googleapis.com/auth/drive.readonly",
    "https://www.googleapis.com/auth/forms.body.readonly",
    "https://www.googleapis.com/auth/forms.responses.readonly",
    "https://www.googleapis.com/auth/spreadsheets",
)


def load_credentials(path: Path | None, scopes: tuple[str, ...] = SCOPES) -> Credentials:
    if path is None:
        try:
            creds, _ = google.auth.default(scopes=list(scopes))
        except DefaultCredentialsError as e:
            raise SourceError(
                "no Google credentials: set [google] credentials to a service-account key file, "
                "or run `gcloud auth application-default login`"
            ) from e
        return creds
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CredentialsError(f"[google] credentials {path} not found; download the service account's JSON key there") from None
    except ValueError:
        raise CredentialsError(f"[google] credentials {path} is not a JSON key file; download it again from the Cloud console") from None
    mode = path.stat().st_mode
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning("credentials file %s is readable by other users; run: chmod 600 %s", path, path)
    kind = info.get("type") if isinstance(info, dict) else None
    try:
        if kind == "service_account":
            return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))
        if kind == "authorized_user":
            user = user_credentials.Credentials.from_authorized_user_info(info, scopes=list(scopes))
            # google-auth always puts Google's token endpoint here; the contract says tokens come
            # from the file's own token_uri (private endpoints, emulators).
            return user.with_token_uri(info["token_uri"]) if info.get("token_uri") else user
    except (ValueError, KeyError, TypeError) as e:
        placeholder = "REPLACE-WITH" in str(info.get("private_key", "")) or "your-gcp-project" in str(info)
        why = ("is the placeholder credentials.example.json, not a real key" if placeholder
               else f"is not a usable {kind} file ({type(e).__name__}: {e})")
        raise CredentialsError(
            f"[google] credentials {path} {why}; download the service account's JSON key from the Cloud console "
            "(IAM & Admin > Service accounts > Keys > Add key > JSON) and save it there"
        ) from None
    raise CredentialsError(
        f"[google] credentials {path}: type {kind!r} is not supported; use a service-account key "
        "(type service_account) or an authorized-user file (type authorized_user, from `gsync login`)"
    )


class GoogleClients:
    """The three API clients over the retrying, counting transports.

    Every adapter takes one (typed; import it under `if TYPE_CHECKING:` so that the Google
    libraries load only when a Google part is configured).
    """

    # The run's one Drive changes feed, kept here by `gsync.google.changes.feed`.
    _gsync_change_feed: tuple[tuple[int, int], ChangeFeed]

    def __init__(self, credentials: Credentials, accounting: Accounting, *, endpoint: str | None = None,
                 timeout: float = 60.0, policy: RetryPolicy | None = None) -> None:
        self.credentials = credentials
        self.accounting = accounting
        self.endpoint = endpoint
        self.timeout = timeout
        self.policy = policy or RetryPolicy()

    @classmethod
    def from_settings(cls, settings: Settings, accounting: Accounting, policy: RetryPolicy | None = None) -> GoogleClients:
        g = settings.google
        creds = load_credentials(g.credentials)
        pol = policy or RetryPolicy(max_attempts=g.max_retries + 1)
        return cls(creds, accounting, endpoint=g.endpoint, timeout=g.timeout, policy=pol)

    @property
    def service_account_email(self) -> str | None:
        return getattr(self.credentials, "service_account_email", None)

    @property
    def token_uri(self) -> str | None:
        """Where the credentials fetch access tokens (retried under the policy like an API call)."""
        uri = getattr(self.credentials, "token_uri", None) or getattr(self.credentials, "_token_uri", None)
        return uri if isinstance(uri, str) else None

    def _http(self) -> google_auth_httplib2.AuthorizedHttp:
        inner = RetryingHttp(self.policy, self.accounting, endpoint=self.endpoint, timeout=self.timeout,
                             token_uri=self.token_uri)
        return google_auth_httplib2.AuthorizedHttp(self.credentials, http=inner)

    def _adapter(self) -> RetryingAdapter:
        return RetryingAdapter(self.policy, self.accounting, endpoint=self.endpoint, timeout=self.timeout,
                               token_uri=self.token_uri)

    def _build(self, api: str, version: str) -> Any:
        options = None
        if self.endpoint:
            options = {"api_endpoint": self.endpoint + "/" + _service_path(api, version)}
        return discovery.build(api, version, http=self._http(), static_discovery=True, cache_discovery=False,
                               client_options=options)

    @property
    def drive(self) -> Any:
        """The Drive client of the calling thread: httplib2 is not thread-safe, so each download
        thread (sync.DOWNLOAD_THREADS) gets its own client, Http and connection."""
        local = self.__dict__.setdefault("_local", threading.local())
        client = getattr(local, "drive", None)
        if client is None:
            client = local.drive = self._build("drive", "v3")
        return client

    @cached_property
    def forms(self) -> Any:
        return self._build("forms", "v1")

    @cached_property
    def sheets(self) -> gspread.Client:
        # Token refreshes go through the same retrying adapter (google-auth's own session for
        # them would retry nothing but a failed connect, and end in a RefreshError traceback).
        token_session = requests.Session()
        session = AuthorizedSession(self.credentials, auth_request=Request(token_session))
        for target in (session, token_session):
            adapter = self._adapter()
            target.mount("https://", adapter)
            target.mount("http://", adapter)
        client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
        client.set_timeout(self.timeout)
        return client


def _service_path(api: str, version: str) -> str:
    """The API's servicePath from the discovery document bundled with google-api-python-client."""
    from importlib import resources

    doc = resources.files("googleapiclient").joinpath(f"discovery_cache/documents/{api}.{version}.json")
    return json.loads(doc.read_text(encoding="utf-8"))["servicePath"]


def save_authorized_user(creds: user_credentials.Credentials, path: Path) -> None:
    """Cache an OAuth user's refresh token as an authorized-user file, readable by its owner only."""
    from gsync.atomic import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps({"type": "authorized_user", **json.loads(creds.to_json())}, indent=2), mode=0o600)


def login(client_secrets: Path, out: Path, *, open_browser: bool = True) -> None:
    """The OAuth installed-app flow (for a province without a service account).

    Opens a browser for the office's Google account, then saves an authorized-user file that
    `[google] credentials` can point at. Interactive: run it once by hand, never from cron.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets), scopes=list(SCOPES))
    creds = flow.run_local_server(port=0, open_browser=open_browser)
    save_authorized_user(creds, out)
