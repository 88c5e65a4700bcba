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
from pathlib import Path

from gsync import adapters, sync
from gsync.config import load_settings
from gsync.lock import RunLock
from gsync.state import State


def main() -> int:
    config, now_text, mode, stage, marker_text = sys.argv[1:6]
    settings = load_settings(config)
    marker = Path(marker_text) if marker_text else None
    lock = RunLock(settings.state.path.parent / "gsync.lock")

    if mode == "hold":
        with lock:
            assert marker is not None
            marker.write_text(str(os.getpid()))
            while True:
                time.sleep(1)

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    main_thread = threading.get_ident()

    def in_parser() -> bool:
        frame = sys._current_frames().get(main_thread)
        while frame is not None:
            if f"{os.sep}gsync{os.sep}parse{os.sep}" in frame.f_code.co_filename:
                return True
            frame = frame.f_back
        return False

    def hook(s: str) -> None:
        if mode == "killparse" and s == "parsed" and marker is not None:
            marker.write_text("reached parsed")
        if s != stage:
            return
        if mode == "killparse":
            sys.setswitchinterval(1e-4)

            def watch() -> None:
                while True:
                    if in_parser():
                        die()
                    time.sleep(0.0001)

            threading.Thread(target=watch, daemon=True).start()
            return
        if mode == "kill":
            die()
        elif mode == "pause":
            assert marker is not None
            marker.write_text(str(os.getpid()))
            while marker.exists():
                time.sleep(0.02)
        elif mode == "killsave":
            # Kill this process once the sink's temporary file has bytes in it: mid-write.
            master = settings.sheet.path
            assert master is not None
            sys.setswitchinterval(1e-4)

            def watch() -> None:
                while True:
                    for p in master.parent.glob(f".{master.name}.*.tmp"):
                        try:
                            if p.stat().st_size > 0:
                                die()
                        except FileNotFoundError:
                            pass
                    time.sleep(0.0002)

            threading.Thread(target=watch, daemon=True).start()

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
