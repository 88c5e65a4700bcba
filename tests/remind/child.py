"""A real `gsync remind` process for the kill matrix: one run, SIGKILLed at a stage.

    python child.py CONFIG NOW STAGE

STAGE: a name `gsync.remind.run` passes to its hook ("recorded", "claimed:line",
"delivered:email", "smtp_data", "history_written", ...); the process kills itself with
SIGKILL the first time it gets there. "none": a normal run. Exit code: 0 after a finished run.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys

from gsync.config import load_settings
from gsync.remind.run import remind


def main() -> int:
    config, now_text, stage = sys.argv[1:4]
    settings = load_settings(config)

    def hook(s: str) -> None:
        if s == stage:
            os.kill(os.getpid(), signal.SIGKILL)

    remind(settings, dt.datetime.fromisoformat(now_text), hook=hook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
