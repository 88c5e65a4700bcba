"""Fake Drive API v3: files, folders, shared drives, media download, export, changes.

State is a dict of :class:`DriveFile` plus an append-only change log. Every mutation
(helper or API) bumps the file's ``version``/``modifiedTime`` and appends a change, so
``changes.list`` behaves like Drive's: the page token is a position in the log, a page
keeps only the latest change per file, and the last page carries ``newStartPageToken``.

Realistic details on purpose:

* without ``fields=``, files.get returns only ``kind,id,name,mimeType`` and files.list only
  ``files(kind,id,name,mimeType)`` (as Drive v3 does); ``about.get`` requires ``fields``;
* files.list includes trashed files unless ``q`` says ``trashed = false``;
* shared-drive items are invisible without ``supportsAllDrives=true`` (and, for listing,
  ``includeItemsFromAllDrives=true``);
* a file whose access was revoked (:meth:`DriveState.revoke`) is a 404, like a folder that
  was never shared with the service account;
* ``alt=media`` honours ``Range: bytes=a-b`` (206 + Content-Range); Docs Editors files
  can't be downloaded (403 ``fileNotDownloadable``) and only they can be exported;
  exports over 10 MB fail with 403 ``exportSizeLimitExceeded``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .discovery import Match
from .google_common import ApiError, IdMaker, Reply, parse_rfc3339, rfc3339, to_datetime

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_SHEET = "application/vnd.google-apps.spreadsheet"
GOOGLE_DOC = "application/vnd.google-apps.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORT_LIMIT = 10 * 1024 * 1024

EXPORT_FORMATS = {
    GOOGLE_SHEET: {
        XLSX,
        "application/x-vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/pdf",
        "text/csv",
        "text/tab-separated-values",
        "application/zip",
    },
    GOOGLE_DOC: {
        DOCX,
        "application/vnd.oasis.opendocument.text",
        "application/rtf",
        "application/pdf",
        "text/plain",
        "application/zip",
        "application/epub+zip",
        "text/markdown",
    },
}

KNOWN_TYPES = {
    ".xlsx": XLSX,
    ".xls": "application/vnd.ms-excel",
    ".docx": DOCX,
    ".doc": "application/msword",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}

DEFAULT_FILE_FIELDS = "kind,id,name,mimeType"
DEFAULT_LIST_FIELDS = "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"
DEFAULT_CHANGE_FIELDS = (
    "kind,nextPageToken,newStartPageToken,"
    "changes(kind,changeType,type,time,removed,fileId,driveId,file(kind,id,name,mimeType))"
)


def guess_mime(name: str) -> str:
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return KNOWN_TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: datetime
    modified: datetime
    owner_email: str
    owner_name: str
    modifier_email: str
    modifier_name: str
    content: bytes | None = None
    version: int = 1
    trashed: bool = False
    drive_id: str | None = None
    exports: dict[str, bytes] = field(default_factory=dict)
    access: bool | None = None  # None: inherit from parent; False: revoked
    description: str | None = None

    @property
    def is_folder(self) -> bool:
        return self.mime_type == FOLDER

    @property
    def is_google_type(self) -> bool:
        return self.mime_type.startswith("application/vnd.google-apps.")


@dataclass
class Change:
    file_id: str
    time: datetime
    removed: bool
    drive_id: str | None


def user(email: str, name: str, me: str) -> dict[str, Any]:
    return {
        "kind": "drive#user",
        "displayName": name,
        "emailAddress": email,
        "me": email == me,
        "permissionId": str(int(hashlib.md5(email.encode()).hexdigest()[:15], 16)),
    }


class DriveState:
    """All Drive files and the change log, plus the v3 handlers."""

    def __init__(self, ids: IdMaker, now: Callable[[], datetime], account_email: str):
        self.ids = ids
        self.now = now
        self.account_email = account_email
        self.files: dict[str, DriveFile] = {}
        self.changes: list[Change] = []
        self.shared_drives: dict[str, str] = {}
        # file id -> callable(mime) -> bytes|None, used for spreadsheets owned by the
        # Sheets fake so an export reflects the live cells.
        self.export_hooks: dict[str, Callable[[str], bytes | None]] = {}

    # --- helpers (test-facing) ------------------------------------------------------------

    def add(
        self,
        name: str,
        mime_type: str,
        parent: str | None,
        content: bytes | None = None,
        *,
        created_time: datetime | str | None = None,
        modified_time: datetime | str | None = None,
        uploader_email: str | None = None,
        uploader_name: str | None = None,
        drive_id: str | None = None,
        exports: dict[str, bytes] | None = None,
        file_id: str | None = None,
    ) -> str:
        if parent is not None and parent not in self.files and parent not in self.shared_drives:
            raise KeyError(f"no Drive folder {parent!r}")
        if parent in self.shared_drives:
            drive_id = parent
        elif parent is not None:
            drive_id = self.files[parent].drive_id
        created = to_datetime(created_time, self.now())
        modified = to_datetime(modified_time, created)
        email = uploader_email or self.account_email
        display = uploader_name or email.split("@")[0]
        f = DriveFile(
            id=file_id or self.ids.drive_file(),
            name=name,
            mime_type=mime_type,
            parents=[parent] if parent else [],
            created=created,
            modified=modified,
            owner_email=email,
            owner_name=display,
            modifier_email=email,
            modifier_name=display,
            content=content,
            drive_id=drive_id,
            exports=dict(exports or {}),
        )
        self.files[f.id] = f
        self._log(f, modified)
        return f.id

    def get(self, file_id: str) -> DriveFile:
        try:
            return self.files[file_id]
        except KeyError:
            raise KeyError(f"no Drive file {file_id!r}") from None

    def touch(
        self,
        file_id: str,
        modified_time: datetime | str | None = None,
        modifier_email: str | None = None,
        modifier_name: str | None = None,
    ) -> DriveFile:
        f = self.get(file_id)
        when = to_datetime(modified_time, self.now())
        f.modified = when
        f.version += 1
        if modifier_email:
            f.modifier_email = modifier_email
            f.modifier_name = modifier_name or modifier_email.split("@")[0]
        self._log(f, when)
        return f

    def remove(self, file_id: str) -> None:
        f = self.files.pop(file_id)
        self.changes.append(Change(f.id, self.now(), True, f.drive_id))
        for child in [c for c in self.files.values() if file_id in c.parents]:
            self.remove(child.id)

    def revoke(self, file_id: str, access: bool = False) -> None:
        """Make a file/folder (and what is under it) invisible to the service account."""
        f = self.get(file_id)
        f.access = access
        self._log(f, self.now())

    def _log(self, f: DriveFile, when: datetime) -> None:
        self.changes.append(Change(f.id, when, False, f.drive_id))

    # --- visibility -----------------------------------------------------------------------

    def visible(self, f: DriveFile) -> bool:
        node: DriveFile | None = f
        seen = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            if node.access is not None:
                return node.access
            parent = node.parents[0] if node.parents else None
            node = self.files.get(parent) if parent else None
        return True

    def lookup(self, file_id: str, match: Match) -> DriveFile:
        f = self.files.get(file_id)
        if f is None or not self.visible(f) or (f.drive_id and not match.flag("supportsAllDrives")):
            raise ApiError(404, f"File not found: {file_id}.", "notFound", location="fileId")
        return f

    # --- representation -------------------------------------------------------------------

    def resource(self, f: DriveFile) -> dict[str, Any]:
        me = self.account_email
        d: dict[str, Any] = {
            "kind": "drive#file",
            "id": f.id,
            "name": f.name,
            "mimeType": f.mime_type,
            "starred": False,
            "trashed": f.trashed,
            "explicitlyTrashed": f.trashed,
            "parents": list(f.parents),
            "spaces": ["drive"],
            "version": str(f.version),
            "webViewLink": (
                f"https://drive.google.com/drive/folders/{f.id}"
                if f.is_folder
                else f"https://drive.google.com/file/d/{f.id}/view?usp=drivesdk"
            ),
            "viewedByMe": False,
            "createdTime": rfc3339(f.created),
            "modifiedTime": rfc3339(f.modified),
            "shared": True,
            "lastModifyingUser": user(f.modifier_email, f.modifier_name, me),
            "capabilities": {
                "canDownload": not f.is_folder,
                "canEdit": True,
                "canListChildren": f.is_folder,
            },
            "quotaBytesUsed": "0",
        }
        if f.description is not None:
            d["description"] = f.description
        if f.drive_id:
            d["driveId"] = f.drive_id
        else:
            d["owners"] = [user(f.owner_email, f.owner_name, me)]
            d["ownedByMe"] = f.owner_email == me
        if f.content is not None and not f.is_google_type:
            data = f.content
            ext = f.name.rsplit(".", 1)[-1] if "." in f.name else ""
            d.update(
                {
                    "originalFilename": f.name,
                    "fullFileExtension": ext,
                    "fileExtension": ext,
                    "md5Checksum": hashlib.md5(data).hexdigest(),
                    "sha1Checksum": hashlib.sha1(data).hexdigest(),
                    "sha256Checksum": hashlib.sha256(data).hexdigest(),
                    "size": str(len(data)),
                    "quotaBytesUsed": str(len(data)),
                    "headRevisionId": f"0B{f.id[:10]}v{f.version}",
                }
            )
        if f.is_google_type and f.mime_type in EXPORT_FORMATS:
            d["exportLinks"] = {
                m: f"https://docs.google.com/feeds/download/export?id={f.id}&exportFormat={m}"
                for m in sorted(EXPORT_FORMATS[f.mime_type])
            }
        return d

    # --- handlers -------------------------------------------------------------------------

    def handle(self, match: Match, headers: dict[str, str]) -> Reply:
        name = match.id.removeprefix("drive.")
        handler = {
            "files.list": self.files_list,
            "files.get": self.files_get,
            "files.export": self.files_export,
            "changes.getStartPageToken": self.changes_start,
            "changes.list": self.changes_list,
            "about.get": self.about_get,
            "files.create": self.files_create,
        }.get(name)
        if handler is None:
            raise ApiError(
                501, f"[fake] {match.id} is not implemented by the fake", "notImplemented"
            )
        return handler(match, headers)

    def about_get(self, match: Match, headers: dict[str, str]) -> Reply:
        if not match.param("fields"):
            raise ApiError(
                400,
                "The 'fields' parameter is required for this operation.",
                "required",
                location="fields",
            )
        return Reply(
            {
                "kind": "drive#about",
                "user": user(self.account_email, "gsync service account", self.account_email),
                "storageQuota": {"limit": "16106127360", "usage": "0"},
                "maxUploadSize": "5242880000000",
                "appInstalled": False,
                "canCreateDrives": False,
            }
        )

    def files_get(self, match: Match, headers: dict[str, str]) -> Reply:
        f = self.lookup(match.path_params["fileId"], match)
        if match.param("alt") != "media":
            return Reply(self.resource(f), default_fields=DEFAULT_FILE_FIELDS)
        if f.is_folder or f.is_google_type or f.content is None:
            raise ApiError(
                403,
                "Only files with binary content can be downloaded. Use Export with Docs "
                "Editors files.",
                "fileNotDownloadable",
                location="alt",
            )
        return media_reply(f.content, f.mime_type, headers.get("range"))

    # --- writes (the national publication: folders, uploads, new revisions) ---------------

    def _parent_for_write(self, meta: dict[str, Any], match: Match) -> str | None:
        parents = meta.get("parents") or []
        if len(parents) > 1:
            raise ApiError(403, "A shared drive item must have exactly one parent.", "teamDrivesParentLimit")
        if not parents:
            return None
        parent = parents[0]
        if parent in self.shared_drives:
            return parent
        folder = self.lookup(parent, match)  # 404 when the account cannot see it
        if not folder.is_folder:
            raise ApiError(400, "The specified parent is not a folder.", "invalidParent")
        return parent

    def files_create(self, match: Match, headers: dict[str, str]) -> Reply:
        """files.create without media: a folder (or an empty file) from the metadata body."""
        meta = match.body or {}
        parent = self._parent_for_write(meta, match)
        fid = self.add(meta.get("name") or "Untitled", meta.get("mimeType") or "application/octet-stream",
                       parent, None if meta.get("mimeType") == FOLDER else b"")
        return Reply(self.resource(self.files[fid]), default_fields=DEFAULT_FILE_FIELDS)

    def upload(self, match: Match, headers: dict[str, str]) -> Reply:
        """``POST /upload/drive/v3/files`` (create) and ``PATCH /upload/drive/v3/files/{id}``
        (a new revision of the same file id), uploadType ``media`` or ``multipart``."""
        kind = match.param("uploadType")
        raw = match.body if isinstance(match.body, bytes) else b""
        if kind == "media":
            meta: dict[str, Any] = {}
            data = raw
        elif kind == "multipart":
            meta, data = parse_multipart(raw, headers.get("content-type", ""))
        else:
            raise ApiError(501, f"[fake] uploadType={kind} is not implemented (only media and multipart)")
        if match.id == "drive.files.create":
            parent = self._parent_for_write(meta, match)
            fid = self.add(meta.get("name") or "Untitled", meta.get("mimeType") or guess_mime(meta.get("name") or ""),
                           parent, data)
            return Reply(self.resource(self.files[fid]), default_fields=DEFAULT_FILE_FIELDS)
        f = self.lookup(match.path_params["fileId"], match)
        if f.is_folder or f.is_google_type:
            raise ApiError(400, "Media upload is not allowed for this file type.", "badContent")
        f.content = data
        if meta.get("name"):
            f.name = meta["name"]
        self.touch(f.id, modifier_email=self.account_email)
        return Reply(self.resource(f), default_fields=DEFAULT_FILE_FIELDS)

    def files_export(self, match: Match, headers: dict[str, str]) -> Reply:
        f = self.lookup(match.path_params["fileId"], match)
        mime = match.param("mimeType") or ""
        if not f.is_google_type or f.mime_type not in EXPORT_FORMATS:
            raise ApiError(403, "Export only supports Docs Editors files.", "fileNotExportable")
        if mime not in EXPORT_FORMATS[f.mime_type]:
            raise ApiError(
                400,
                "The requested conversion is not supported.",
                "badRequest",
                location="convertTo",
            )
        data: bytes | None = None
        if f.id in self.export_hooks:
            data = self.export_hooks[f.id](mime)
        if data is None:
            data = f.exports.get(mime)
        if data is None:
            raise ApiError(
                400,
                f"[fake] no export stored for {mime} on {f.id}; pass exports={{...}}",
                "badRequest",
                location="mimeType",
            )
        if len(data) > EXPORT_LIMIT:
            raise ApiError(403, "This file is too large to be exported.", "exportSizeLimitExceeded")
        return Reply(content=data, headers={"Content-Type": mime})

    def _list_scope(self, match: Match) -> tuple[str, str | None, bool]:
        """(corpora, driveId, all drives) of a files.list, checked as Drive checks them."""
        corpora = match.param("corpora") or "user"
        drive_id = match.param("driveId")
        all_drives = match.flag("includeItemsFromAllDrives") and match.flag("supportsAllDrives")
        if (corpora == "drive") != bool(drive_id):
            raise ApiError(
                400,
                "The driveId parameter must be specified if and only if corpora is set to drive.",
                "invalid",
                location="driveId",
            )
        if (corpora in ("drive", "allDrives")) and not all_drives:
            raise ApiError(
                403,
                "includeItemsFromAllDrives and supportsAllDrives must be true for this corpora.",
                "teamDrivesParameterNotSupported",
                location="corpora",
            )
        if corpora not in ("user", "drive", "allDrives", "domain"):
            raise ApiError(400, "Invalid Value", "invalid", location="corpora")
        if drive_id and drive_id not in self.shared_drives:
            raise ApiError(
                404, f"Shared drive not found: {drive_id}", "notFound", location="driveId"
            )
        return corpora, drive_id, all_drives

    def _in_scope(self, f: DriveFile, corpora: str, drive_id: str | None, all_drives: bool) -> bool:
        if not self.visible(f):
            return False
        if corpora == "drive":
            return f.drive_id == drive_id
        return not f.drive_id or all_drives

    def files_list(self, match: Match, headers: dict[str, str]) -> Reply:
        page_size = int(match.param("pageSize") or 100)
        if not 1 <= page_size <= 1000:
            raise ApiError(
                400,
                f"Invalid value '{page_size}'. Values must be within the range: [1, 1000]",
                "invalid",
                location="pageSize",
            )
        corpora, drive_id, all_drives = self._list_scope(match)
        parents: list[str] = []
        pred = parse_query(match.param("q") or "", parents)
        for parent in parents:  # Drive answers 404 for a folder the caller can't see
            if parent in self.shared_drives:
                continue
            folder = self.files.get(parent)
            if folder is None or not self.visible(folder):
                raise ApiError(404, f"File not found: {parent}.", "notFound", location="fileId")
        rows = [
            f for f in self.files.values()
            if self._in_scope(f, corpora, drive_id, all_drives) and pred(f)
        ]
        rows = order_files(rows, match.param("orderBy"))
        key = hashlib.md5(
            json.dumps([match.param("q"), match.param("orderBy"), corpora, drive_id]).encode()
        ).hexdigest()[:8]
        offset = decode_token(match.param("pageToken"), key)
        page = rows[offset : offset + page_size]
        body: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [self.resource(f) for f in page],
        }
        if offset + page_size < len(rows):
            body["nextPageToken"] = encode_token(offset + page_size, key)
        return Reply(body, default_fields=DEFAULT_LIST_FIELDS)

    def changes_start(self, match: Match, headers: dict[str, str]) -> Reply:
        return Reply({"kind": "drive#startPageToken", "startPageToken": str(len(self.changes) + 1)})

    def changes_list(self, match: Match, headers: dict[str, str]) -> Reply:
        token = match.param("pageToken") or ""
        if not token.isdigit() or not 1 <= int(token) <= len(self.changes) + 1:
            raise ApiError(400, "Invalid Value", "invalid", location="pageToken")
        page_size = int(match.param("pageSize") or 100)
        if not 1 <= page_size <= 1000:
            raise ApiError(400, "Invalid Value", "invalid", location="pageSize")
        start = int(token)
        include_removed = (match.param("includeRemoved") or "true").lower() == "true"
        all_drives = match.flag("includeItemsFromAllDrives") and match.flag("supportsAllDrives")
        drive_id = match.param("driveId")
        latest: dict[str, int] = {}
        for pos in range(start, len(self.changes) + 1):
            latest[self.changes[pos - 1].file_id] = pos
        positions = sorted(latest.values())
        out = []
        for pos in positions[:page_size]:
            ch = self.changes[pos - 1]
            if drive_id:
                if ch.drive_id != drive_id:
                    continue
            elif ch.drive_id and not all_drives:
                continue
            f = self.files.get(ch.file_id)
            removed = ch.removed or f is None or not self.visible(f)
            if removed and not include_removed:
                continue
            item: dict[str, Any] = {
                "kind": "drive#change",
                "changeType": "file",
                "type": "file",
                "time": rfc3339(ch.time),
                "removed": removed,
                "fileId": ch.file_id,
            }
            if ch.drive_id:
                item["driveId"] = ch.drive_id
            if not removed and f is not None:
                item["file"] = self.resource(f)
            out.append(item)
        body: dict[str, Any] = {"kind": "drive#changeList", "changes": out}
        if len(positions) > page_size:
            body["nextPageToken"] = str(positions[page_size])
        else:
            body["newStartPageToken"] = str(len(self.changes) + 1)
        return Reply(body, default_fields=DEFAULT_CHANGE_FIELDS)


# --- media ----------------------------------------------------------------------------------


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], bytes]:
    """A ``multipart/related`` upload: the JSON metadata part, then the media part."""
    import email
    import email.policy

    if not content_type.startswith("multipart/related"):
        raise ApiError(400, "Media type must be multipart/related for a multipart upload.", "badContent")
    msg = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body,
                                   policy=email.policy.HTTP)
    parts = list(msg.iter_parts())
    if len(parts) != 2:
        raise ApiError(400, "Multipart upload must have exactly two parts: metadata and media.", "badContent")
    head, media = parts[0].get_payload(decode=True), parts[1].get_payload(decode=True)
    try:
        meta = json.loads(head if isinstance(head, bytes) else b"{}")
    except ValueError:
        raise ApiError(400, "Invalid JSON in the metadata part.", "parseError") from None
    return meta, media if isinstance(media, bytes) else b""


def media_reply(data: bytes, mime: str, range_header: str | None) -> Reply:
    """200 with the whole body, or 206/416 for a ``Range: bytes=a-b`` request."""
    total = len(data)
    base = {"Content-Type": mime, "Accept-Ranges": "bytes"}
    if not range_header:
        return Reply(content=data, headers=base)
    m = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", range_header)
    if not m or (not m.group(1) and not m.group(2)):
        return Reply(content=data, headers=base)  # unparseable ranges are ignored
    if m.group(1):
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else total - 1
    else:  # suffix range: last N bytes
        start = max(0, total - int(m.group(2)))
        end = total - 1
    if start >= total:
        return Reply(
            status=416,
            content=b"",
            headers={**base, "Content-Range": f"bytes */{total}"},
        )
    end = min(end, total - 1)
    return Reply(
        status=206,
        content=data[start : end + 1],
        headers={**base, "Content-Range": f"bytes {start}-{end}/{total}"},
    )


# --- paging and ordering -------------------------------------------------------------------


def encode_token(offset: int, key: str) -> str:
    raw = json.dumps({"o": offset, "k": key}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, key: str) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        if data["k"] != key:
            raise ValueError("token belongs to another query")
        return int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, "Invalid Value", "invalid", location="pageToken") from None


ORDER_KEYS: dict[str, Callable[[DriveFile], Any]] = {
    "name": lambda f: f.name,
    "name_natural": lambda f: [
        int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", f.name)
    ],
    "createdTime": lambda f: f.created,
    "modifiedTime": lambda f: f.modified,
    "folder": lambda f: 0 if f.is_folder else 1,
    "recency": lambda f: f.modified,
    "starred": lambda f: 0,
    "quotaBytesUsed": lambda f: len(f.content or b""),
    "viewedByMeTime": lambda f: f.modified,
    "modifiedByMeTime": lambda f: f.modified,
    "sharedWithMeTime": lambda f: f.created,
}


def order_files(rows: list[DriveFile], order_by: str | None) -> list[DriveFile]:
    """Apply ``orderBy`` ("folder,modifiedTime desc,name"); default is insertion order."""
    if not order_by:
        return rows
    keys = []
    for part in order_by.split(","):
        words = part.split()
        if (
            not words
            or words[0] not in ORDER_KEYS
            or len(words) > 2
            or (len(words) == 2 and words[1].lower() not in ("asc", "desc"))
        ):
            raise ApiError(400, "Invalid Value", "invalid", location="orderBy")
        keys.append((ORDER_KEYS[words[0]], len(words) == 2 and words[1].lower() == "desc"))
    for key, desc in reversed(keys):
        rows = sorted(rows, key=key, reverse=desc)
    return rows


# --- the q language -------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>!=|<=|>=|=|<|>|\(|\))
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<num>-?\d+(?:\.\d+)?)
    )""",
    re.VERBOSE,
)

Pred = Callable[[DriveFile], bool]


def _invalid(q: str) -> ApiError:
    return ApiError(400, "Invalid Value", "invalid", location="q")


def _not_implemented(term: str) -> ApiError:
    return ApiError(400, f"[fake] the query term {term} is not implemented", "invalid", location="q")


def tokenize(q: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(q):
        if q[pos:].strip() == "":
            break
        m = _TOKEN_RE.match(q, pos)
        if not m or m.end() == pos:
            raise _invalid(q)
        pos = m.end()
        if m.group("str") is not None:
            s = m.group("str")[1:-1]
            out.append(("str", re.sub(r"\\(.)", r"\1", s)))
        elif m.group("op"):
            out.append(("op", m.group("op")))
        elif m.group("word"):
            out.append(("word", m.group("word")))
        else:
            out.append(("num", m.group("num")))
    return out


def parse_query(q: str, parents: list[str] | None = None) -> Pred:
    """Compile Drive's search language to a predicate over :class:`DriveFile`.

    Supported, as far as gsync and the tests use it: ``'ID' in parents``,
    ``name = / != / contains``, ``mimeType = / != / contains``, ``modifiedTime`` /
    ``createdTime`` with ``= != < <= > >=`` and an RFC 3339 string, ``trashed = true|false``,
    and ``and`` / ``or`` / ``not`` / parentheses. Malformed queries are a 400 ``Invalid Value``
    like Drive's; valid Drive terms the fake leaves out (``in owners``, ``fullText``,
    ``starred`` ...) are a 400 saying "[fake] ... not implemented". The folder ids named by
    ``'ID' in parents`` are appended to ``parents``.
    """
    tokens = tokenize(q)
    if not tokens:
        return lambda f: True
    return _QueryParser(q, tokens, parents).parse()


class _QueryParser:
    """Recursive descent over the tokens: or > and > not / ( ) > one comparison."""

    def __init__(self, q: str, tokens: list[tuple[str, Any]], parents: list[str] | None):
        self.q = q
        self.tokens = tokens
        self.pos = 0
        self.parents = parents

    def parse(self) -> Pred:
        pred = self.expr()
        if self.pos != len(self.tokens):
            raise _invalid(self.q)
        return pred

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        if self.pos >= len(self.tokens):
            raise _invalid(self.q)
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    @staticmethod
    def is_word(tok: tuple[str, Any] | None, word: str) -> bool:
        return tok is not None and tok[0] == "word" and tok[1].lower() == word

    def expr(self) -> Pred:
        left = self.conj()
        while self.is_word(self.peek(), "or"):
            self.take()
            right = self.conj()
            left = (lambda a, b: lambda f: a(f) or b(f))(left, right)
        return left

    def conj(self) -> Pred:
        left = self.unary()
        while self.is_word(self.peek(), "and"):
            self.take()
            right = self.unary()
            left = (lambda a, b: lambda f: a(f) and b(f))(left, right)
        return left

    def unary(self) -> Pred:
        if self.is_word(self.peek(), "not"):
            self.take()
            inner = self.unary()
            return lambda f: not inner(f)
        if self.peek() == ("op", "("):
            self.take()
            inner = self.expr()
            if self.take() != ("op", ")"):
                raise _invalid(self.q)
            return inner
        return self.comparison()

    def comparison(self) -> Pred:
        first = self.take()
        if first[0] == "str":
            return self.membership(first[1])
        if first[0] != "word":
            raise _invalid(self.q)
        op_tok = self.take()
        if op_tok[0] == "word" and op_tok[1] == "contains":
            op = "contains"
        elif op_tok[0] == "op" and op_tok[1] in ("=", "!=", "<", "<=", ">", ">="):
            op = op_tok[1]
        else:
            raise _invalid(self.q)
        return field_pred(self.q, first[1], op, self.take())

    def membership(self, value: str) -> Pred:
        """``'value' in parents``."""
        if not self.is_word(self.take(), "in"):
            raise _invalid(self.q)
        coll = self.take()
        if coll[0] != "word":
            raise _invalid(self.q)
        if coll[1] in ("owners", "writers", "readers"):
            raise _not_implemented(f"'...' in {coll[1]}")
        if coll[1] != "parents":
            raise _invalid(self.q)
        if self.parents is not None:
            self.parents.append(value)
        return lambda f: value in f.parents


def _compare(op: str, a: Any, b: Any) -> bool:
    return {
        "=": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def field_pred(q: str, name: str, op: str, tok: tuple[str, Any]) -> Pred:
    kind, value = tok
    if name in ("name", "mimeType"):
        if kind != "str":
            raise _invalid(q)
        attr = "mime_type" if name == "mimeType" else "name"
        if op == "contains":
            needle = value.lower()
            return lambda f: needle in getattr(f, attr).lower()
        if op not in ("=", "!="):
            raise _invalid(q)
        return lambda f: _compare(op, getattr(f, attr), value)
    if name in ("modifiedTime", "createdTime"):
        if kind != "str" or op == "contains":
            raise _invalid(q)
        try:
            text = value if re.search(r"(Z|[+-]\d\d:\d\d)$", value) else value + "Z"
            when = parse_rfc3339(text)
        except ValueError:
            raise _invalid(q) from None
        attr = "created" if name == "createdTime" else "modified"
        # Drive compares at millisecond precision
        return lambda f: _compare(
            op, getattr(f, attr) - timedelta(microseconds=getattr(f, attr).microsecond % 1000), when
        )
    if name == "trashed":
        if kind != "word" or value not in ("true", "false") or op not in ("=", "!="):
            raise _invalid(q)
        want = value == "true"
        return lambda f: _compare(op, f.trashed, want)
    if name in ("fullText", "starred", "sharedWithMe", "viewedByMeTime", "visibility", "properties",
                "appProperties", "hidden", "memberCount", "organizerCount", "shortcutDetails.targetId"):
        raise _not_implemented(name)
    raise _invalid(q)
