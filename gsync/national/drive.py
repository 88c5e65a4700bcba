"""The national publication through a Drive folder (`[national] folder_id`), both sides.

Province side (`DriveTarget`): the same layout as a folder, `fiscal_year=<BE>/province_code=<code>/`
as Drive folders, found or created once and remembered; a changed table is a new revision of
the same file id (files.update with media), an unchanged one is not sent at all.

National side (`DriveSource`): one listing (paged) of the folders and Parquet files the account
sees, the tree rebuilt from `parents` under the root; a file is downloaded only when its md5
differs from the last national run's.
"""

from __future__ import annotations

import logging
from typing import Any

from gsync.accounting import Accounting
from gsync.national.read import Listed

log = logging.getLogger(__name__)

FOLDER = "application/vnd.google-apps.folder"
PARQUET = "application/vnd.apache.parquet"
# Read-only Drive for the province's own channels, plus drive.file: the files gsync creates itself
WRITE_SCOPES = ("https://www.googleapis.com/auth/drive.file",)


def _clients(credentials: Any, endpoint: str | None, timeout: float, accounting: Accounting) -> Any:
    from gsync.google.clients import SCOPES, GoogleClients, load_credentials

    creds = load_credentials(credentials, SCOPES + WRITE_SCOPES)
    return GoogleClients(creds, accounting, endpoint=endpoint, timeout=timeout)


def _q(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


class DriveTarget:
    def __init__(self, google: Any, root: str) -> None:
        self.google = google
        self.root = root
        self.name = f"drive:{root}"
        self.folders: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Any, root: str) -> DriveTarget:
        g = settings.google
        return cls(_clients(g.credentials, g.endpoint, g.timeout, Accounting()), root)

    def _find(self, parent: str, name: str, mime: str | None) -> str | None:
        q = f"'{_q(parent)}' in parents and name = '{_q(name)}' and trashed = false"
        if mime:
            q += f" and mimeType = '{mime}'"
        got = self.google.drive.files().list(q=q, fields="files(id,name)", pageSize=10, supportsAllDrives=True,
                                             includeItemsFromAllDrives=True).execute()
        files = got.get("files", [])
        return files[0]["id"] if files else None

    def _folder(self, parent: str, name: str) -> str:
        key = f"{parent}/{name}"
        if key not in self.folders:
            found = self._find(parent, name, FOLDER)
            if found is None:
                made = self.google.drive.files().create(body={"name": name, "mimeType": FOLDER, "parents": [parent]},
                                                        fields="id", supportsAllDrives=True).execute()
                found = made["id"]
            self.folders[key] = found
        return self.folders[key]

    def _send(self, request: Any) -> dict[str, Any]:
        """Execute an upload; googleapiclient builds upload addresses with https:// on the endpoint's
        host, so with `[google] endpoint` (an emulator on http) the address is put right first."""
        endpoint = getattr(self.google, "endpoint", None)
        if endpoint:
            from urllib.parse import urlsplit, urlunsplit

            ep, u = urlsplit(endpoint), urlsplit(request.uri)
            if u.netloc == ep.netloc:
                request.uri = urlunsplit((ep.scheme, ep.netloc, u.path, u.query, u.fragment))
        got: dict[str, Any] = request.execute()
        return got

    def put(self, fiscal_year: int, code: str, table: str, data: bytes, known: dict[str, Any]) -> dict[str, Any]:
        from googleapiclient.http import MediaInMemoryUpload

        media = MediaInMemoryUpload(data, mimetype=PARQUET, resumable=False)
        fields = "id,md5Checksum,version"
        if known.get("id"):
            try:
                got = self._send(self.google.drive.files().update(fileId=known["id"], media_body=media,
                                                                  fields=fields, supportsAllDrives=True))
                return {"id": got["id"]}
            except Exception as e:  # noqa: BLE001 - a deleted file: find or create it again below
                if getattr(getattr(e, "resp", None), "status", None) != 404:
                    raise
        year = self._folder(self.root, f"fiscal_year={fiscal_year}")
        folder = self._folder(year, f"province_code={code}")
        name = f"{table}.parquet"
        existing = self._find(folder, name, None)
        if existing is not None:
            got = self._send(self.google.drive.files().update(fileId=existing, media_body=media, fields=fields,
                                                              supportsAllDrives=True))
        else:
            got = self._send(self.google.drive.files().create(
                body={"name": name, "parents": [folder], "mimeType": PARQUET}, media_body=media, fields=fields,
                supportsAllDrives=True))
        return {"id": got["id"]}


class DriveSource:
    def __init__(self, google: Any, root: str) -> None:
        self.google = google
        self.root = root
        self.name = f"drive:{root}"
        self.downloads = 0

    @classmethod
    def from_settings(cls, settings: Any, root: str) -> DriveSource:
        g = settings.google
        return cls(_clients(g.credentials, g.endpoint, g.timeout, Accounting()), root)

    def list(self) -> list[Listed]:
        q = f"trashed = false and (mimeType = '{FOLDER}' or name contains '.parquet')"
        rows: list[dict[str, Any]] = []
        token = None
        while True:
            got = self.google.drive.files().list(
                q=q, pageSize=1000, pageToken=token, supportsAllDrives=True, includeItemsFromAllDrives=True,
                fields="nextPageToken,files(id,name,mimeType,parents,md5Checksum,modifiedTime)").execute()
            rows += got.get("files", [])
            token = got.get("nextPageToken")
            if not token:
                break
        by_id = {r["id"]: r for r in rows}

        def path(r: dict[str, Any]) -> str | None:
            parts = [r["name"]]
            parent = (r.get("parents") or [None])[0]
            for _ in range(3):
                if parent == self.root:
                    return "/".join(reversed(parts))
                node = by_id.get(parent or "")
                if node is None:
                    return None
                parts.append(node["name"])
                parent = (node.get("parents") or [None])[0]
            return None

        found = []
        for r in rows:
            rel = path(r) if r["mimeType"] != FOLDER else None
            if rel is not None:
                found.append((rel, r.get("modifiedTime", ""), Listed(rel, f"{r.get('md5Checksum', '')}:{r['id']}")))
        # two files at one path (Drive allows it): the newest is taken in last, so it is the one kept
        return [item for _, _, item in sorted(found, key=lambda x: (x[0], x[1]))]

    def fetch(self, item: Listed) -> bytes:
        file_id = item.stamp.rsplit(":", 1)[1]
        self.downloads += 1
        data: bytes = self.google.drive.files().get_media(fileId=file_id, supportsAllDrives=True).execute()
        return data
