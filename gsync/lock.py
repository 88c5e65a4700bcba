"""One run at a time: an exclusive lock held for the whole run.

flock(2) locks die with their process, so a run killed by SIGKILL or a reboot never leaves a
stale lock behind: the next run simply takes it. The file keeps the holder's pid and start time
for the message a second run prints; a run that ends clears it, so a next run that finds it
filled knows the previous run died (and says so).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
from pathlib import Path
from types import TracebackType

from gsync.errors import LockHeld

log = logging.getLogger(__name__)


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
        previous = os.read(fd, 200).decode(errors="replace").strip()
        if previous:  # a run that ends normally clears the file: this one was killed or crashed
            log.warning("the previous gsync run (%s) did not finish; its lock died with it, taking over", previous)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%SZ}".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)  # finished: nothing stale for the next run to report
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
