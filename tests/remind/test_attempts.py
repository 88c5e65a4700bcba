"""`[reminders] max_attempts`: a message that keeps failing temporarily is tried in exactly that
many runs, then recorded as failed and never tried again (issue 21 item 2). Over the real
line-bot-sdk against the LINE fake, one HTTP try per run (`[line] max_retries = 0`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gsync.remind.channels import LineChannel
from gsync.remind.outbox import Outbox
from gsync.remind.run import deliver

from .support import LINE_B, at, item, settings

# Mon 16 Dec 2567, day +1 of Q1: one run every 15 minutes
RUNS = [at(2024, 12, 16, 10, 0) + dt.timedelta(minutes=15 * i) for i in range(6)]


@pytest.mark.parametrize("max_attempts", [1, 3])
def test_a_message_gets_exactly_max_attempts_tries(tmp_path: Path, line, max_attempts: int) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    s = settings(tmp_path, line_url=url, districts={"งาว": {"line": [LINE_B]}},
                 reminders={"max_attempts": max_attempts}, line={"max_retries": 0})
    assert s.line is not None
    cfg = s.line
    outbox = Outbox(tmp_path / "reminders.sqlite")
    fake.fail_next(500, n=100)  # LINE answers 500 all morning
    seen = []
    for now in RUNS:
        d = deliver(s, [item("งาว")], now, outbox=outbox, channels={"line": lambda: LineChannel(cfg, "good-token")})
        (e,) = outbox.entries()
        seen.append((e.status, e.attempts, len(d.later), len(d.failed), len(fake.requests)))
    # written by hand: tries 1 .. max_attempts-1 wait for the next run, try max_attempts fails it for good
    expected = [("pending", n, 1, 0, n) for n in range(1, max_attempts)]
    expected += [("failed", max_attempts, 0, 1, max_attempts)]
    expected += [("failed", max_attempts, 0, 0, max_attempts)] * (len(RUNS) - max_attempts)
    assert seen == expected
    (e,) = outbox.entries()
    assert e.error is not None and e.error.endswith(f"(tried {max_attempts} times)")
    assert fake.delivered == []
