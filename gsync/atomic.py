"""Replacing a file all at once: a reader (staff opening the master, a cron job reading the
map) sees the old file or the new one, never half of one, and a crash leaves the old one.

The new content goes to a temporary file beside the target, is flushed to disk, then renamed
over it. The temporary file is created readable by its owner only (mkstemp), so it is given
its final mode before the rename: the mode of the file it replaces, else `mode`, else what
any new file gets here (0o666 less the umask: 0o644 under umask 022, 0o664 under 002), so a
new master.xlsx in a shared folder opens for the staff account as any other file would.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, data: bytes | str | Callable[[Path], None], *, mode: int | None = None) -> Path:
    """Replace `path` with `data` (bytes, text as UTF-8, or a function that writes the file it
    is given). `mode`: the new file's mode whatever the old one's (0o600 for a secret)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        if callable(data):
            os.close(fd)
            data(tmp)
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, mode if mode is not None else _mode_for(path))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def temporary_files(path: Path) -> list[Path]:
    """What `atomic_write` leaves beside `path` when it is killed mid-write."""
    import glob

    return list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (/proc, 4.7+)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
