"""The Google Form, offline: the CSV that Forms or the linked response Sheet downloads.

Columns are matched to gsync's fields by question title (config `[form.questions]`). A title
the config expects but the CSV lacks stops the run with the closest title found: a renamed
question must never drop its answers silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from gsync import thai
from gsync.errors import ConfigMismatch, SourceError
from gsync.models import FileRef, FormResponse
from gsync.parse.sniff import decode_text
from gsync.sources.form_uploads import UploadMirror
from gsync.sources.questions import check_same_form, missing_question
from gsync.vocab import FORM_FILE_FIELDS

log = logging.getLogger(__name__)

TIMESTAMP_TITLES = ("Timestamp", "ประทับเวลา", "ประทับเวลา (Timestamp)")
EMAIL_TITLES = ("Email Address", "ที่อยู่อีเมล", "Email", "อีเมล")

#: The file id in a Drive link as Forms writes attachments (`open?id=…`, `/d/<id>/…`).
DRIVE_LINK_ID = re.compile(r"(?:[?&]id=|/d/)([A-Za-z0-9_-]{10,})")


class CsvFormSource:
    def __init__(self, path: Path, questions: Mapping[str, str], tz: ZoneInfo, uploads: UploadMirror | None = None) -> None:
        self.path = path
        self.questions = {f: t for f, t in questions.items() if t}
        self.tz = tz
        self.uploads = uploads  # the Form's "(File responses)" mirror: links meet their files

    def responses(self) -> list[FormResponse]:
        try:
            text = decode_text(self.path.read_bytes())
        except FileNotFoundError:
            raise SourceError(
                f"[form] csv {self.path} not found; download the responses CSV from the Form "
                "(Responses > Download responses) and save it there"
            ) from None
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return []
        header = [thai.clean(h) for h in rows[0]]
        columns = self._columns(header)
        ts_col = _find(header, TIMESTAMP_TITLES)
        if ts_col is None:
            raise ConfigMismatch(
                f"{self.path}: no timestamp column (expected one of {', '.join(TIMESTAMP_TITLES)}); "
                "is this the responses CSV downloaded from the Form?"
            )
        email_col = _find(header, EMAIL_TITLES)
        mapped = set(columns.values()) | {ts_col, email_col}
        extra_cols = [i for i in range(len(header)) if i not in mapped and header[i]]
        if extra_cols:
            log.warning(
                "form CSV has %d question(s) not mapped to a field, kept as extra answers: %s",
                len(extra_cols), ", ".join(header[i] for i in extra_cols),
            )
        out = []
        for lineno, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            row = row + [""] * (len(header) - len(row))
            try:
                when = thai.parse_timestamp(row[ts_col], self.tz)
            except ValueError:
                raise SourceError(
                    f"{self.path} line {lineno}: cannot read the timestamp {row[ts_col]!r}; "
                    "download the CSV again without editing it"
                ) from None
            email = row[email_col].strip().lower() if email_col is not None else ""
            rid = "csv-" + hashlib.sha256("\x1f".join(row).encode()).hexdigest()[:16]
            answers = {f: thai.clean(row[i]) for f, i in columns.items() if f not in FORM_FILE_FIELDS}
            files = {
                f: tuple(_file_refs(row[i], when, rid)) for f, i in columns.items() if f in FORM_FILE_FIELDS
            }
            if "report_files" in files:
                answers["report_files"] = ", ".join(r.id for r in files["report_files"])
            out.append(
                FormResponse(
                    id=rid,
                    created_at=when,
                    last_submitted_at=when,
                    email=email or None,
                    answers=answers,
                    report_files=files.get("report_files", ()),
                    photo_files=files.get("photos", ()),
                    extra={header[i]: thai.clean(row[i]) for i in extra_cols if row[i].strip()},
                )
            )
        log.info("form CSV %s: %d responses", self.path, len(out))
        return self.uploads.resolve(out) if self.uploads is not None else out

    def _columns(self, header: list[str]) -> dict[str, int]:
        keys = [thai.name_key(h) for h in header]
        found = [t for t in self.questions.values() if thai.name_key(t) in keys]
        check_same_form(self.path, len(found), len(self.questions), "CSV")
        columns = {}
        for field, title in self.questions.items():
            try:
                columns[field] = keys.index(thai.name_key(title))
            except ValueError:
                raise ConfigMismatch(missing_question(self.path, field, title, header)) from None
        return columns


def _find(header: list[str], titles: tuple[str, ...]) -> int | None:
    wanted = {thai.name_key(t) for t in titles}
    return next((i for i, h in enumerate(header) if thai.name_key(h) in wanted), None)


def _file_refs(cell: str, when, rid: str) -> list[FileRef]:  # type: ignore[no-untyped-def]
    refs = []
    for link in re.split(r"[,\s]+", cell.strip()):
        m = DRIVE_LINK_ID.search(link)
        if m:
            refs.append(
                FileRef(id=m.group(1), name=f"ไฟล์แนบในแบบฟอร์ม ({m.group(1)})", received_at=when, channel="form")
            )
    return refs
