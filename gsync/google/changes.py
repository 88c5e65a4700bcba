"""Drive's changes feed, read at most once per run and shared by every Google adapter.

The QR folder's catalog, the Form's questions and the master Sheet all ask the same question:
"what changed in Drive since position T?" One `changes.list` (without `driveId`: the files the
account can see, in My Drive and in shared drives) answers it for all of them, so a run with
nothing new costs one Drive request however many things it watches. Each consumer keeps its own
position (a page token, in the state, staged with the run); when they agree, as they do after
every committed run, the answer is fetched once and reused.

A rejected token (400/404/410) or no token yet means "unknown": the consumer reads in full.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from gsync.errors import SourceError
from gsync.google.call import AGAIN, call, refused
from gsync.google.retry import error_reason

if TYPE_CHECKING:  # the Google libraries are imported only when a Google part is configured
    from gsync.google.clients import GoogleClients

log = logging.getLogger(__name__)

TOKEN_REJECTED = frozenset({400, 404, 410})
DRIVE = "https://www.googleapis.com/drive/v3"
FIELDS = ("nextPageToken,newStartPageToken,changes(changeType,removed,fileId,file(id,name,mimeType,parents,"
          "trashed,createdTime,modifiedTime,md5Checksum,version,size,owners(emailAddress),"
          "lastModifyingUser(emailAddress)))")
# The bounded safety net: whatever the feed says, a consumer reads in full at least this often.
FULL_READ_EVERY = dt.timedelta(hours=1)


class Changes:
    """The changes since one position: `files` maps a file id to its latest resource (None: removed)."""

    def __init__(self, raw: list[dict[str, Any]], token: str) -> None:
        self.raw = raw
        self.token = token  # the position after these changes (newStartPageToken)
        self.files: dict[str, dict[str, Any] | None] = {}
        for ch in raw:
            if ch.get("changeType", "file") != "file" or not ch.get("fileId"):
                continue
            f = ch.get("file")
            self.files[ch["fileId"]] = None if ch.get("removed") or not f else f

    def touched(self, file_id: str) -> bool:
        return file_id in self.files


class ChangeFeed:
    def __init__(self, google: GoogleClients) -> None:
        self.google = google
        self._since: dict[str, Changes | None] = {}
        self._start: str | None = None

    def start_token(self) -> str:
        """Drive's current position (one request per run at most)."""
        if self._start is None:
            self._start = str(self._get("changes.getStartPageToken", "/changes/startPageToken",
                                        {"supportsAllDrives": "true"})["startPageToken"])
        return self._start

    def since(self, token: str | None) -> Changes | None:
        """Every change after `token`; None when there is no token or Drive rejected it."""
        if not token:
            return None
        if token in self._since:
            return self._since[token]
        result = self.fresh(token)
        self._since[token] = result
        return result

    def fresh(self, token: str) -> Changes | None:
        """Every change after `token` as Drive reports it now (not the run's cached answer)."""
        params = {"pageToken": token, "fields": FIELDS, "pageSize": "1000",
                  "supportsAllDrives": "true", "includeItemsFromAllDrives": "true"}
        raw: list[dict[str, Any]] = []
        result: Changes | None = None
        while True:
            page = self._get("changes.list", "/changes", params, rejected=TOKEN_REJECTED)
            if page is None:
                break
            raw.extend(page.get("changes") or [])
            if page.get("nextPageToken"):
                params["pageToken"] = page["nextPageToken"]
                continue
            if page.get("newStartPageToken"):
                result = Changes(raw, str(page["newStartPageToken"]))
                self._start = self._start or result.token
            break
        return result

    def version(self, file_id: str) -> str | None:
        """The file's Drive `version` (monotonically increasing, bumped by every change to it),
        when the account itself made its last change; None when someone else did."""
        f = self._get("files.get", f"/files/{file_id}",
                      {"fields": "version,lastModifyingUser(me)", "supportsAllDrives": "true"})
        if not isinstance(f, dict) or not f.get("version"):
            return None
        if (f.get("lastModifyingUser") or {}).get("me") is False:
            return None
        return str(f["version"])

    def _get(self, what: str, path: str, params: dict[str, str],
             rejected: frozenset[int] = frozenset()) -> Any:
        """One Drive GET over the run's requests session (the same retrying, counting adapter as
        the Sheets calls; Drive's discovery client is per thread, this is not)."""
        session = self.google.sheets.http_client.session
        timeout = getattr(self.google, "timeout", 60.0)
        resp = call(lambda: session.get(DRIVE + path, params=params, timeout=timeout),
                    lambda failed: failed.failed(f"Google Drive {what}"))
        if resp.status_code in rejected:
            log.warning("Drive rejected a saved changes token (HTTP %s %s); reading in full",
                        resp.status_code, error_reason(resp.content))
            return None
        if resp.status_code >= 400:
            raise refused(resp).failed(f"Google Drive {what}")
        try:
            return resp.json()
        except ValueError:
            raise SourceError(f"Google Drive {what} answered something that is not JSON; {AGAIN}") from None


def feed(google: GoogleClients, state: Any) -> ChangeFeed:
    """The run's one feed for these clients: a run ends when its state is committed or discarded."""
    mark = (id(state), getattr(state, "generation", 0))
    found = getattr(google, "_gsync_change_feed", None)
    if found is None or found[0] != mark:
        found = (mark, ChangeFeed(google))
        google._gsync_change_feed = found
    return found[1]  # type: ignore[no-any-return]


def due(last_full: object, now: dt.datetime, every: dt.timedelta = FULL_READ_EVERY) -> bool:
    """True when the last full read (ISO text in the state) is unknown or older than `every`."""
    if not isinstance(last_full, str):
        return True
    try:
        when = dt.datetime.fromisoformat(last_full)
    except ValueError:
        return True
    return not (dt.timedelta(0) <= now - when < every)
