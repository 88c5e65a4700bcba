"""The QR Drive folder, offline: a local directory (a Drive for desktop mirror or a download).

Receipt time is the file's modification time. Ids are paths relative to the root, so they stay
stable across runs; the version changes when size or mtime does.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
from pathlib import Path

from gsync.errors import FileGone, SourceError
from gsync.models import FileRef
from gsync.sources import is_litter

log = logging.getLogger(__name__)

# Editor lock files, OS litter and gsync's own files are not submissions.


class FolderDriveSource:
    def __init__(self, root: Path) -> None:
        self.root = root

    def list_files(self) -> list[FileRef]:
        if not self.root.is_dir():
            raise SourceError(
                f"[drive] path {self.root} is not a folder; create it or fix the path in the config"
            )
        refs = []
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if is_litter(rel.parts):
                continue
            if path.is_symlink() or not path.is_file():
                continue  # a link could point outside the folder
            st = path.stat()
            mtime = dt.datetime.fromtimestamp(st.st_mtime, tz=dt.UTC)
            refs.append(
                FileRef(
                    id=rel.as_posix(),
                    name=rel.name,
                    folders=rel.parts[:-1],
                    mime_type=mimetypes.guess_type(rel.name)[0] or "",
                    received_at=mtime,
                    modified_at=mtime,
                    version=f"{st.st_size}-{st.st_mtime_ns}",
                    size=st.st_size,
                )
            )
        log.info("folder %s: %d files", self.root, len(refs))
        return refs

    def fetch(self, ref: FileRef) -> bytes:
        path = (self.root / ref.id).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise FileGone(ref.id)  # never read outside the folder
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise FileGone(ref.id) from None
