"""The QR Drive folder, online: the Drive API v3.

The first run lists the folder tree breadth-first (`files.list`, one query per batch of
folders, 1000 per page) and keeps the catalog (files and folders, as Drive described them)
with a `changes` start token in the state. Later runs read only `changes.list` from that token
and apply it to the catalog, so a run with nothing new costs one Drive request. A rejected
token (400/404/410) falls back to the full listing. The state is only staged here: `sync.run`
commits it after the master was written.

The same source downloads Form attachments (any Drive file id, usually in the form owner's
Drive): Google Sheets and Docs are exported to xlsx/docx, other files are downloaded in one
request each (up to `[limits] max_file_bytes`).

Receipt time is `createdTime`; the version is `md5Checksum` (Google-native files have none:
their `modifiedTime`), so a rename or a move never causes a new download.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from googleapiclient.http import MediaIoBaseDownload

from gsync.config import Settings
from gsync.errors import FileGone, FileUnavailable, SourceError
from gsync.google.advice import Failure, advice
from gsync.google.call import CallFailed, call
from gsync.google.changes import TOKEN_REJECTED
from gsync.google.changes import feed as changes_feed
from gsync.models import FileRef
from gsync.sources import is_litter
from gsync.state import State
from gsync.thai_calendar import parse_rfc3339

if TYPE_CHECKING:  # the Google libraries are imported only when a Google part is configured
    from gsync.google.clients import GoogleClients

log = logging.getLogger(__name__)

STATE_VERSION = 1
FOLDER = "application/vnd.google-apps.folder"
SHORTCUT = "application/vnd.google-apps.shortcut"
GOOGLE_SHEET = "application/vnd.google-apps.spreadsheet"
GOOGLE_DOC = "application/vnd.google-apps.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORTS = {GOOGLE_SHEET: (XLSX, ".xlsx"), GOOGLE_DOC: (DOCX, ".docx")}
GOOGLE_KINDS = {
    "application/vnd.google-apps.form": "a Google Form",
    "application/vnd.google-apps.presentation": "a Google Slides file",
    "application/vnd.google-apps.drawing": "a Google Drawing",
    "application/vnd.google-apps.site": "a Google Site",
    "application/vnd.google-apps.jam": "a Jamboard",
    FOLDER: "a folder",
    SHORTCUT: "a shortcut",
}
# A file Drive refuses for a reason of its own (not the account's access, not a quota or an
# outage): that file is unavailable, the run goes on without it.
_REFUSED_FILE = frozenset({Failure.FORBIDDEN, Failure.BAD_REQUEST, Failure.REFUSED, Failure.API_DISABLED})

FILE_FIELDS = ("id,name,mimeType,parents,trashed,createdTime,modifiedTime,md5Checksum,version,size,"
               "owners(emailAddress),lastModifyingUser(emailAddress)")
LIST_FIELDS = f"nextPageToken,incompleteSearch,files({FILE_FIELDS})"
CHANGE_FIELDS = f"nextPageToken,newStartPageToken,changes(changeType,removed,fileId,file({FILE_FIELDS}))"
PARENTS_PER_QUERY = 30  # folders listed by one files.list ('a' in parents or 'b' in parents ...)

# Editor lock files, OS litter and gsync's own files are not submissions (as offline).


def _slim(f: Mapping[str, Any]) -> dict[str, Any]:
    """What the catalog keeps of a Drive file resource."""
    owners = f.get("owners") or []
    uploader = (owners[0].get("emailAddress") if owners else None) or (f.get("lastModifyingUser") or {}).get("emailAddress")
    out = {
        "name": f.get("name") or "",
        "mime": f.get("mimeType") or "",
        "parent": (f.get("parents") or [None])[0],
        "created": f.get("createdTime"),
        "modified": f.get("modifiedTime"),
        "version": f.get("md5Checksum") or f.get("modifiedTime") or (f"v{f['version']}" if f.get("version") else ""),
        "size": int(f["size"]) if f.get("size") not in (None, "") else None,
        "uploader": uploader.lower() if uploader else None,
    }
    return out


class ApiDriveSource:
    def __init__(self, google: GoogleClients, settings: Settings, state: State) -> None:
        self.google = google
        self.settings = settings
        self.state = state
        self.folder_id = settings.drive.folder_id if settings.drive is not None else None
        self.max_bytes = settings.limits.max_file_bytes
        self.state_key = f"drive:{self.folder_id}:catalog"

    # --- listing ---

    def list_files(self) -> list[FileRef]:
        if not self.folder_id:
            raise SourceError("[drive] folder_id is not set; put the id of the QR folder there")
        saved = self.state.get_json(self.state_key)
        catalog = None
        if isinstance(saved, dict) and saved.get("v") == STATE_VERSION and saved.get("token"):
            catalog = self._apply_changes(saved)
        if catalog is None:
            catalog = self._full_listing(self.folder_id)
        self.state.stage_json(self.state_key, catalog)
        refs = self._refs(catalog)
        log.info("Drive folder %s: %d files", self.folder_id, len(refs))
        return refs

    def _full_listing(self, root_id: str) -> dict[str, Any]:
        root = self._root()
        drive_id = root.get("driveId")
        # The token first: whatever changes while we list is seen again next run.
        token = self._start_token(drive_id)
        folders: dict[str, dict[str, Any]] = {root_id: {"name": root.get("name") or "", "parent": None}}
        files: dict[str, dict[str, Any]] = {}
        self._walk([root_id], folders, files)
        return {"v": STATE_VERSION, "token": token, "drive_id": drive_id, "folders": folders, "files": files}

    def _walk(self, start: Iterable[str], folders: dict[str, dict[str, Any]], files: dict[str, dict[str, Any]]) -> None:
        """List the tree below `start` breadth-first, a batch of folders per query."""
        queue = deque(start)
        while queue:
            batch = [queue.popleft() for _ in range(min(PARENTS_PER_QUERY, len(queue)))]
            parents = " or ".join(f"'{_quote(p)}' in parents" for p in batch)
            q = f"({parents}) and trashed = false" if len(batch) > 1 else f"{parents} and trashed = false"
            for f in self._pages(q):
                parent = next((p for p in f.get("parents") or [] if p in batch), None)
                if parent is None:
                    continue
                if f.get("mimeType") == FOLDER:
                    if f["id"] not in folders:
                        folders[f["id"]] = {"name": f.get("name") or "", "parent": parent}
                        queue.append(f["id"])
                else:
                    files[f["id"]] = {**_slim(f), "parent": parent}

    def _pages(self, q: str) -> Iterable[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "q": q, "fields": LIST_FIELDS, "pageSize": 1000,
            "supportsAllDrives": True, "includeItemsFromAllDrives": True,
        }
        while True:
            page = self._call("files.list", self.google.drive.files().list(**kwargs))
            if page.get("incompleteSearch"):
                log.warning("Drive says the listing of %s may be incomplete", self.folder_id)
            yield from page.get("files") or []
            kwargs["pageToken"] = page.get("nextPageToken")
            if not kwargs["pageToken"]:
                return

    def _root(self) -> dict[str, Any]:
        req = self.google.drive.files().get(fileId=self.folder_id, fields="id,name,mimeType,trashed,driveId",
                                            supportsAllDrives=True)
        root = self._call("files.get", req)
        if root.get("mimeType") != FOLDER:
            raise SourceError(
                f"[drive] folder_id {self.folder_id} is \"{root.get('name')}\" ({root.get('mimeType')}), not a folder; "
                "use the id at the end of the folder's URL (drive.google.com/drive/folders/<id>)"
            )
        if root.get("trashed"):
            raise SourceError(
                f"[drive] folder_id {self.folder_id} (\"{root.get('name')}\") is in the trash; restore it or "
                "set folder_id to the folder in use"
            )
        return root

    def _start_token(self, drive_id: str | None) -> str:
        if not drive_id:
            return changes_feed(self.google, self.state).start_token()
        kwargs: dict[str, Any] = {"supportsAllDrives": True}
        if drive_id:
            kwargs["driveId"] = drive_id
        return str(self._call("changes.getStartPageToken",
                              self.google.drive.changes().getStartPageToken(**kwargs))["startPageToken"])

    def _apply_changes(self, saved: dict[str, Any]) -> dict[str, Any] | None:
        """The saved catalog brought up to date from `changes.list`; None to list in full."""
        folders: dict[str, dict[str, Any]] = dict(saved.get("folders") or {})
        files: dict[str, dict[str, Any]] = dict(saved.get("files") or {})
        if self.folder_id not in folders:
            return None
        drive_id = saved.get("drive_id")
        kwargs: dict[str, Any] = {
            "pageToken": saved["token"], "fields": CHANGE_FIELDS, "pageSize": 1000,
            "supportsAllDrives": True, "includeItemsFromAllDrives": True,
        }
        if drive_id:
            kwargs["driveId"] = drive_id
        if not drive_id:  # My Drive: the run's one shared changes.list (Form and master read it too)
            shared = changes_feed(self.google, self.state).since(saved["token"])
            if shared is None:
                return None
            return self._apply(shared.raw, shared.token, drive_id, folders, files)
        changes: list[dict[str, Any]] = []
        while True:
            try:
                page = call(self.google.drive.changes().list(**kwargs).execute)
            except CallFailed as failed:
                if failed.google is not None and failed.status in TOKEN_REJECTED:
                    log.warning("Drive rejected the saved changes token (HTTP %s %s); listing the folder in full",
                                failed.status, failed.google.reason)
                    return None
                raise self._listing_error(failed, "changes.list") from None
            changes.extend(page.get("changes") or [])
            if page.get("nextPageToken"):
                kwargs["pageToken"] = page["nextPageToken"]
                continue
            token = page.get("newStartPageToken")
            break
        if not token:
            return None
        return self._apply(changes, token, drive_id, folders, files)

    def _apply(self, changes: list[dict[str, Any]], token: str, drive_id: str | None,
               folders: dict[str, dict[str, Any]], files: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        # Within one listing a file appears once, with its latest state. Folders first (until
        # nothing changes: a new sub-folder may sit in another new one), then files.
        gone, live = _sort_changes(changes)
        if self.folder_id in gone or (self.folder_id in live and live[self.folder_id].get("mimeType") != FOLDER):
            return None  # the root itself went away: the full listing says why
        for fid in gone:
            files.pop(fid, None)
            if fid in folders:
                _drop_subtree(fid, folders, files)
        if self.folder_id in live:
            folders[self.folder_id] = {**folders[self.folder_id], "name": live[self.folder_id].get("name") or ""}
        live_folders = {fid: f for fid, f in live.items() if f.get("mimeType") == FOLDER and fid != self.folder_id}
        joined = _join_folders(live_folders, folders, files)
        _place_files(live, folders, files)
        if joined:
            # A folder moved in from elsewhere brings files that have no change of their own.
            log.info("Drive: %d new sub-folder(s) in the tree; listing them", len(joined))
            self._walk(joined, folders, files)
        log.info("Drive changes since the last run: %d", len(changes))
        return {"v": STATE_VERSION, "token": token, "drive_id": drive_id, "folders": folders, "files": files}

    def _refs(self, catalog: Mapping[str, Any]) -> list[FileRef]:
        folders: Mapping[str, Mapping[str, Any]] = catalog["folders"]
        refs = []
        for fid, f in catalog["files"].items():
            path = _path(f["parent"], folders, self.folder_id)  # type: ignore[arg-type]
            if path is None:
                continue
            if f["mime"] in (SHORTCUT, FOLDER):
                continue  # a link could point outside the folder (as offline)
            if is_litter((*path, f["name"])):
                continue
            created = parse_rfc3339(f["created"]) if f.get("created") else dt.datetime.fromtimestamp(0, dt.UTC)
            refs.append(FileRef(
                id=fid,
                name=f["name"],
                folders=path,
                mime_type=f["mime"],
                received_at=created,
                modified_at=parse_rfc3339(f["modified"]) if f.get("modified") else None,
                version=f.get("version") or "",
                size=f.get("size"),
                uploader=f.get("uploader"),
                channel="drive",
            ))
        refs.sort(key=lambda r: (r.folders, r.name, r.id))
        return refs

    # --- downloads ---

    def fetch(self, ref: FileRef) -> bytes:
        mime, size, name = ref.mime_type, ref.size, ref.name
        if not mime:
            meta = self._get(ref, self.google.drive.files().get(
                fileId=ref.id, fields="id,name,mimeType,size,md5Checksum,createdTime", supportsAllDrives=True))
            mime = meta.get("mimeType") or ""
            size = int(meta["size"]) if meta.get("size") else None
            name = meta.get("name") or name
        if mime in EXPORTS:
            target, ext = EXPORTS[mime]
            data = self._get(ref, self.google.drive.files().export(fileId=ref.id, mimeType=target), export=ext)
            if len(data) > self.max_bytes:
                raise self._unavailable(ref, f"exported {ext} is {len(data):,} bytes, over [limits] max_file_bytes "
                                       f"{self.max_bytes:,}")
            return bytes(data)
        if mime.startswith("application/vnd.google-apps."):
            kind = GOOGLE_KINDS.get(mime, "a Google " + mime.rsplit(".", 1)[-1] + " file")
            raise self._unavailable(ref, f"{kind} has no file to download; "
                                   f"ไฟล์ชนิดนี้ดาวน์โหลดไม่ได้ ให้อำเภอส่งเป็นไฟล์ .xlsx หรือ .docx แทน "
                                   "(ask the district to send it as .xlsx or .docx)")
        if size is not None and size > self.max_bytes:
            raise self._unavailable(ref, f"{size:,} bytes, over [limits] max_file_bytes {self.max_bytes:,}")
        buf = io.BytesIO()
        request = self.google.drive.files().get_media(fileId=ref.id, supportsAllDrives=True)
        # One chunk covers any file up to the cap (a normal file is one request); a file bigger
        # than its listed size stops after the first chunk.
        download = MediaIoBaseDownload(buf, request, chunksize=self.max_bytes + 1)
        done = False
        while not done:
            _, done = self._get(ref, download, chunk=True)
            if buf.tell() > self.max_bytes:
                raise self._unavailable(ref, f"more than [limits] max_file_bytes {self.max_bytes:,} bytes")
        log.debug("downloaded %s (%d bytes)", name, buf.tell())
        return buf.getvalue()

    def _get(self, ref: FileRef, request: Any, *, export: str = "", chunk: bool = False) -> Any:
        return call(request.next_chunk if chunk else request.execute,
                    lambda failed: self._download_error(ref, failed, export))

    def _download_error(self, ref: FileRef, failed: CallFailed, export: str) -> Exception:
        err = failed.google
        if err is None:
            return failed.failed(f"Google Drive download of \"{ref.name}\" ({ref.id})")
        status, reason, failure = err.status, err.reason, err.failure
        if failure is Failure.NOT_FOUND:
            return FileGone(ref.id)
        if failure is Failure.EXPORT_TOO_BIG:
            return self._unavailable(ref, advice("file", err, export=export or ".xlsx"))
        if failure is Failure.NO_PERMISSION:
            where = ("the Form's upload folder (in the Form owner's Drive)" if ref.channel == "form"
                     else "the QR folder")
            return SourceError(
                f"cannot read \"{ref.name}\" ({ref.id}): permission denied ({status} {reason}); "
                + advice("file", err, who=self._account(), where=where)
            )
        if failure in _REFUSED_FILE:
            return self._unavailable(ref, f"Drive refused it: HTTP {status} {reason} {err.message}")
        return failed.failed(f"Google Drive download of \"{ref.name}\" ({ref.id})")

    def _unavailable(self, ref: FileRef, why: str) -> FileUnavailable:
        message = f"\"{ref.name}\" ({ref.id}) cannot be read: {why}"
        log.warning("%s", message)
        return FileUnavailable(message)

    # --- errors ---

    def _call(self, what: str, request: Any) -> Any:
        return call(request.execute, lambda failed: self._listing_error(failed, what))

    def _listing_error(self, failed: CallFailed, what: str) -> Exception:
        err = failed.google
        if err is not None and err.failure in (Failure.NOT_FOUND, Failure.NO_PERMISSION):
            return SourceError(
                f"[drive] folder_id {self.folder_id}: the folder does not exist or is not shared with gsync "
                f"(HTTP {err.status} {err.reason}); " + advice("folder", err, who=self._account())
            )
        return failed.failed(f"Google Drive {what}")

    def _account(self) -> str:
        email = getattr(self.google, "service_account_email", None)
        if email:
            return email
        creds = self.settings.google.credentials
        return f"the Google account of {creds}" if creds else "the Google account gsync runs as"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _path(parent: str | None, folders: Mapping[str, Mapping[str, Any]], root: str) -> tuple[str, ...] | None:
    """Folder names from below the root down to `parent`; None when not under the root."""
    names: list[str] = []
    seen = set()
    node = parent
    while node != root:
        if node is None or node not in folders or node in seen:
            return None
        seen.add(node)
        names.append(folders[node]["name"])
        node = folders[node]["parent"]
    return tuple(reversed(names))


def _is_below(node: str | None, ancestor: str, folders: Mapping[str, Mapping[str, Any]]) -> bool:
    seen = set()
    while node is not None and node in folders and node not in seen:
        if node == ancestor:
            return True
        seen.add(node)
        node = folders[node]["parent"]
    return False


def _drop_subtree(folder: str, folders: dict[str, dict[str, Any]], files: dict[str, dict[str, Any]]) -> None:
    doomed = {fid for fid in folders if _is_below(fid, folder, folders)}
    for fid in doomed:
        folders.pop(fid, None)
    for fid in [f for f, v in files.items() if v["parent"] in doomed]:
        files.pop(fid, None)


def _sort_changes(changes: Iterable[Mapping[str, Any]]) -> tuple[set[str], dict[str, dict[str, Any]]]:
    """(ids removed or trashed, id -> latest file resource) of a `changes.list` listing."""
    gone: set[str] = set()
    live: dict[str, dict[str, Any]] = {}
    for ch in changes:
        if ch.get("changeType", "file") != "file" or not ch.get("fileId"):
            continue
        f = ch.get("file")
        if ch.get("removed") or not f or f.get("trashed"):
            gone.add(ch["fileId"])
            live.pop(ch["fileId"], None)
        else:
            gone.discard(ch["fileId"])
            live[ch["fileId"]] = f
    return gone, live


def _join_folders(live_folders: Mapping[str, Mapping[str, Any]], folders: dict[str, dict[str, Any]],
                  files: dict[str, dict[str, Any]]) -> list[str]:
    """Put changed folders in the tree (a parent before its child, whatever the order of the
    changes) and drop those moved out of it. Returns the folders new to the tree."""
    joined: list[str] = []
    pending = dict(live_folders)
    progress = True
    while pending and progress:
        progress = False
        for fid, f in list(pending.items()):
            parent = (f.get("parents") or [None])[0]
            if parent in folders and not _is_below(parent, fid, folders):
                if fid not in folders:
                    joined.append(fid)
                folders[fid] = {"name": f.get("name") or "", "parent": parent}
                del pending[fid]
                progress = True
    for fid in pending:  # moved out of the tree (or never in it)
        if fid in folders:
            _drop_subtree(fid, folders, files)
    return joined


def _place_files(live: Mapping[str, Mapping[str, Any]], folders: Mapping[str, Any],
                 files: dict[str, dict[str, Any]]) -> None:
    """Changed files into the catalog when their folder is in the tree, out of it otherwise."""
    for fid, f in live.items():
        if f.get("mimeType") == FOLDER:
            continue
        parent = (f.get("parents") or [None])[0]
        if parent in folders:
            files[fid] = {**_slim(f), "parent": parent}
        else:
            files.pop(fid, None)
