"""Form attachments, offline: a local mirror of the Form's "(File responses)" folders.

A downloaded responses CSV names each attachment only by its Drive link (`open?id=…`). Google
Forms stores the file itself in the form owner's Drive, in `<Form title> (File responses)/
<question title> (File responses)/`, named `<original name> - <respondent name>.<ext>`, and a
Drive for desktop mirror (or a downloaded copy) of that folder keeps the upload time as the
file's modification time. `UploadMirror` matches every link of the CSV to one file of the
mirror:

* the file was uploaded while the response was being filled: at most `WINDOW_BEFORE` before
  the response's timestamp, and at most `WINDOW_AFTER` after it (clocks and rounding);
* a file whose ` - <respondent name>` suffix names the reporter (or the email's name) wins over
  one that does not; then the one closest in time; each file answers one link only.

Folder and file names are never needed to match (a name shortened to fit a 255-byte file-name
limit still matches by time), so the mirror's root can be renamed at will. A matched link keeps
its Drive id (the id the Forms API gives), its receipt is the response's timestamp (as the API
path counts it) and its name is the file's: offline and Google paths judge the same. A link
with no file in the mirror stays a placeholder (`attachment_unavailable` when nothing else
of that report can be read).
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from gsync import thai
from gsync.errors import FileUnavailable, SourceError
from gsync.models import FileRef, FormResponse
from gsync.sources import is_litter

log = logging.getLogger(__name__)

WINDOW_BEFORE = dt.timedelta(hours=24)
WINDOW_AFTER = dt.timedelta(minutes=10)
_SUFFIX = re.compile(r"\s+-\s+(?P<who>[^-]+)$")


@dataclass(frozen=True)
class _Upload:
    path: Path
    rel: str
    name: str
    mtime: dt.datetime
    size: int
    mtime_ns: int

    @property
    def respondent(self) -> str:
        stem = self.name.rsplit(".", 1)[0] if "." in self.name else self.name
        m = _SUFFIX.search(stem)
        return thai.name_key(m["who"]) if m else ""


class UploadMirror:
    """Matches CSV attachment links to mirrored upload files; fetches their bytes (a DriveSource)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._paths: dict[str, Path] = {}

    def list_files(self) -> list[FileRef]:
        return []  # uploads are not QR-folder files: they arrive with their response

    def fetch(self, ref: FileRef) -> bytes:
        path = self._paths.get(ref.id)
        if path is None:
            raise FileUnavailable(ref.id)
        try:
            return path.read_bytes()
        except OSError:
            raise FileUnavailable(ref.id) from None

    def _uploads(self) -> list[_Upload]:
        if not self.root.is_dir():
            raise SourceError(
                f"[form] uploads {self.root} is not a folder; point it at the local copy of the Form's "
                "\"(File responses)\" folder, or remove the key"
            )
        out = []
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if is_litter(rel.parts) or path.is_symlink() or not path.is_file():
                continue
            st = path.stat()
            out.append(_Upload(path, rel.as_posix(), path.name, dt.datetime.fromtimestamp(st.st_mtime, tz=dt.UTC),
                               st.st_size, st.st_mtime_ns))
        return out

    def resolve(self, responses: list[FormResponse]) -> list[FormResponse]:
        """The responses with every attachment link that has a file in the mirror pointing at it."""
        uploads = self._uploads()
        pairs = []
        for r in responses:
            names = {thai.name_key(r.answers.get("reporter", "")), thai.name_key((r.email or "").split("@")[0])} - {""}
            for ref in (*r.report_files, *r.photo_files):
                for u in uploads:
                    gap = r.created_at - u.mtime
                    if -WINDOW_AFTER <= gap <= WINDOW_BEFORE:
                        named = bool(u.respondent) and u.respondent in names
                        pairs.append((not named, abs(gap), u.rel, ref.id, u))
        pairs.sort(key=lambda p: (p[0], p[1], p[2], p[3]))
        chosen: dict[str, _Upload] = {}
        used: set[str] = set()
        for _, _, rel, link, u in pairs:
            if link in chosen or rel in used:
                continue
            chosen[link] = u
            used.add(rel)
        self._paths = {link: u.path for link, u in chosen.items()}
        log.info("form uploads %s: %d of %d file(s) matched to attachment links", self.root, len(chosen), len(uploads))

        def swap(ref: FileRef) -> FileRef:
            u = chosen.get(ref.id)
            if u is None:
                return ref
            return ref.model_copy(update={
                "name": u.name, "mime_type": mimetypes.guess_type(u.name)[0] or "", "modified_at": u.mtime,
                "version": f"{u.size}-{u.mtime_ns}", "size": u.size,
            })

        return [
            r.model_copy(update={"report_files": tuple(swap(f) for f in r.report_files),
                                 "photo_files": tuple(swap(f) for f in r.photo_files)})
            for r in responses
        ]
