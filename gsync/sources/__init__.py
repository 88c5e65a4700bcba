"""Channels that bring submissions in: the Google Form and the QR Drive folder, online or offline.

Every source is a small class behind one of two ports (gsync.ports.FormSource, DriveSource),
so `sync.run` never knows which one it has. Offline: `forms_csv.CsvFormSource`, `drive_folder.FolderDriveSource`.
Google: `forms_api.ApiFormSource`, `drive_api.ApiDriveSource`.
"""

from __future__ import annotations

from collections.abc import Sequence

_LITTER_PREFIXES = ("~$", ".~lock", "._", ".tmp.drive", ".Trash")  # editor locks, macOS and Drive litter
_LITTER_NAMES = frozenset({"desktop.ini", "thumbs.db", ".ds_store", ".gsync", ".git"})


def is_litter(parts: Sequence[str]) -> bool:
    """Lock files and OS litter are not submissions. Anything else, even a dot-name, is listed."""
    return any(p.startswith(_LITTER_PREFIXES) or p.lower() in _LITTER_NAMES for p in parts)
