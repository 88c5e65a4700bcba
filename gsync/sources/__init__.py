"""Channels that bring submissions in: the Google Form and the QR Drive folder, online or offline.

Every source is a small class behind one of two interfaces, so `sync.run` never knows which
one it has. Offline: `forms_csv.CsvFormSource`, `drive_folder.FolderDriveSource`.
Google: `forms_api.ApiFormSource`, `drive_api.ApiDriveSource`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from gsync.models import FileRef, FormResponse

_LITTER_PREFIXES = ("~$", ".~lock", "._", ".tmp.drive", ".Trash")  # editor locks, macOS and Drive litter
_LITTER_NAMES = frozenset({"desktop.ini", "thumbs.db", ".ds_store", ".gsync", ".git"})


def is_litter(parts: Sequence[str]) -> bool:
    """Lock files and OS litter are not submissions. Anything else, even a dot-name, is listed."""
    return any(p.startswith(_LITTER_PREFIXES) or p.lower() in _LITTER_NAMES for p in parts)


class FormSource(Protocol):
    def responses(self) -> Sequence[FormResponse]:
        """Every response of the form (a source may serve unchanged ones from its state)."""
        ...


class DriveSource(Protocol):
    def list_files(self) -> Sequence[FileRef]:
        """Every file below the folder, recursively, with its folder path."""
        ...

    def fetch(self, ref: FileRef) -> bytes:
        """The file's bytes (Google Sheets/Docs exported to xlsx/docx).

        Raises errors.FileGone when it was deleted since it was listed, and
        errors.FileUnavailable when this source cannot get that file at all.
        """
        ...
