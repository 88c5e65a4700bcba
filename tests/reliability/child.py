"""A real gsync process for the reliability tests: one sync, as the CLI runs it, with a fault.

    python child.py CONFIG NOW MODE STAGE MARKER

MODE:
  kill       SIGKILL itself when the run reaches STAGE
  pause      at STAGE, create MARKER and sleep (the parent kills it, or removes MARKER to go on)
  killsave   SIGKILL itself while the workbook sink is writing its temporary file
  killparse  from STAGE on, SIGKILL itself as soon as the main thread is inside gsync.parse (a
             watcher thread reads the main thread's stack); MARKER is created if the run reaches
             "parsed" first
  hold       take the run lock, create MARKER, sleep until killed (no sync)
  none       a normal run
Exit code: 0 after a finished run.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from gsync import adapters, runner, sync
from gsync.config import load_settings
from gsync.lock import RunLock
from gsync.state import State


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _hold(lock: RunLock, marker: Path | None) -> None:
    """Take the run lock, say so in MARKER, and sleep until killed."""
    with lock:
        assert marker is not None
        marker.write_text(str(os.getpid()))
        while True:
            time.sleep(1)


def _watch(until: Callable[[], bool], every: float) -> None:
    """A daemon thread that kills this process as soon as `until()` holds."""
    sys.setswitchinterval(1e-4)

    def watch() -> None:
        while True:
            if until():
                _die()
            time.sleep(every)

    threading.Thread(target=watch, daemon=True).start()


def _in_parser(main_thread: int) -> bool:
    frame = sys._current_frames().get(main_thread)
    while frame is not None:
        if f"{os.sep}gsync{os.sep}parse{os.sep}" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def _writing(master: Path) -> bool:
    """The sink's temporary file has bytes in it: mid-write."""
    for p in master.parent.glob(f".{master.name}.*.tmp"):
        try:
            if p.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass
    return False


def _pause(marker: Path | None) -> None:
    assert marker is not None
    marker.write_text(str(os.getpid()))
    while marker.exists():
        time.sleep(0.02)


def _at_stage(mode: str, marker: Path | None, master: Path | None, main_thread: int) -> None:
    """What MODE does when the run reaches STAGE."""
    if mode == "killparse":
        _watch(lambda: _in_parser(main_thread), 0.0001)
    elif mode == "kill":
        _die()
    elif mode == "pause":
        _pause(marker)
    elif mode == "killsave":
        assert master is not None
        _watch(lambda: _writing(master), 0.0002)


def make_hook(mode: str, stage: str, marker: Path | None, master: Path | None) -> Callable[[str], None]:
    """sync.run's stage hook for MODE at STAGE."""
    main_thread = threading.get_ident()

    def hook(s: str) -> None:
        if mode == "killparse" and s == "parsed" and marker is not None:
            marker.write_text("reached parsed")
        if s == stage:
            _at_stage(mode, marker, master, main_thread)

    return hook


def main() -> int:
    config, now_text, mode, stage, marker_text = sys.argv[1:6]
    settings = load_settings(config)
    marker = Path(marker_text) if marker_text else None
    lock = RunLock(runner.lock_path(settings))
    if mode == "hold":
        _hold(lock, marker)
    hook = make_hook(mode, stage, marker, settings.sheet.path)

    with lock:
        state = State(settings.state.path)
        try:
            built = adapters.build(settings, state)
            sync.run(
                settings, form=built.form, drive=built.drive, attachments=built.attachments, sink=built.sink,
                state=state, now=dt.datetime.fromisoformat(now_text), accounting=built.accounting, hook=hook,
            )
        finally:
            state.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
