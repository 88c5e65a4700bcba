"""One run at a time: an exclusive lock held for the whole run.

flock(2) locks die with their process, so a run killed by SIGKILL or a reboot never leaves a
stale lock behind: the next run simply takes it. The file keeps the holder's pid and start time
for the message a second run prints.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path
from types import TracebackType

from gsync.errors import LockHeld


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LockHeld(
                f"another gsync run is in progress ({holder}); this run did nothing. "
                f"If no gsync is running, the lock {self.path} is released automatically when it exits."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} since {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%SZ}".encode())
        self._fd = fd
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
