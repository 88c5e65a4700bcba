"""One run at a time: a second run exits at once with code 3; a killed run's lock is taken over.

Real processes: the first run is a gsync process paused inside its sync (at "before_write",
holding the lock), the second is the real CLI (`python -m gsync.cli`).
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from gsync import runner

from .support import Tabs, build, cli_process, measure, spawn_child, tabs


def wait_for(path: Path, child, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not path.exists():
        if child.poll() is not None:
            raise AssertionError(f"child exited {child.returncode}: {child.stderr.read().decode()}")
        if time.monotonic() > deadline:
            raise AssertionError("child never reached the stage")
        time.sleep(0.02)


@pytest.fixture()
def paused(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real gsync run stopped at "before_write" while holding the lock."""
    settings = build(tmp_path / "province")
    marker = tmp_path / "paused"
    child = spawn_child(settings, "pause", stage="before_write", marker=marker)
    wait_for(marker, child)
    yield settings, child, marker
    if child.poll() is None:
        child.kill()
        child.wait()


def test_second_run_exits_3_at_once_and_does_nothing(paused, clean_master: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    settings, child, marker = paused
    master, state = settings.sheet.path, settings.state.path
    state_before = state.read_bytes()
    for command in ("sync", "status"):
        started = time.monotonic()
        second = cli_process(settings, command)
        took = time.monotonic() - started
        assert second.returncode == 3, second.stderr
        assert took < 10  # at once: it does not wait for the first run
        assert "another gsync run is in progress" in second.stderr
        assert f"pid {child.pid}" in second.stderr  # says who holds it
        assert "this run did nothing" in second.stderr
        assert "Traceback" not in second.stderr
    assert not master.exists()  # the second run wrote nothing
    assert state.read_bytes() == state_before
    marker.unlink()  # the first run goes on and finishes
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err.decode()
    got = tabs(master)
    lost, dup = measure(clean_master, got)
    measured("lock", "second cron run while the first holds the lock", runs=2, lost=lost, duplicated=dup,
             outcome="exit 3 at once with the holder's pid; the first run finishes the clean master")
    assert got == clean_master
    assert (lost, dup) == (0, 0)


def test_full_while_a_sync_runs_exits_3_and_deletes_nothing(tmp_path: Path) -> None:
    """`gsync sync --full` typed by hand while the timer's sync runs: the state is forgotten only
    under the lock, so it exits 3 at once, the running sync finishes, and the state is intact."""
    settings = build(tmp_path / "province")
    assert cli_process(settings, "sync").returncode == 4  # the demo has files nobody can place
    state = settings.state.path
    before = state.read_bytes()
    marker = tmp_path / "paused"
    child = spawn_child(settings, "pause", stage="before_write", marker=marker)
    try:
        wait_for(marker, child)
        full = cli_process(settings, "sync", "--full")
        assert full.returncode == 3, full.stderr
        errors = [ln for ln in full.stderr.splitlines() if ln.startswith("gsync:")]
        assert len(errors) == 1 and re.fullmatch(
            rf"gsync: another gsync run is in progress \(pid {child.pid} since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ\); "
            rf"this run did nothing\. If no gsync is running, the lock {re.escape(str(runner.lock_path(settings)))} "
            r"is released automatically when it exits\.", errors[0]), full.stderr
        assert "rebuilding" not in full.stderr
        assert state.read_bytes() == before  # not deleted, not touched
        marker.unlink()  # the running sync goes on
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err.decode()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert state.exists()
    # once nobody holds the lock, --full rebuilds; the same old problems are not news (not exit 4)
    again = cli_process(settings, "sync", "--full")
    assert again.returncode == 0, again.stderr
    assert "--full: rebuilding the state from the sources" in again.stderr
    assert again.stdout.splitlines()[1] == f"unchanged: {settings.sheet.path}"


def test_lock_of_a_sigkilled_run_is_taken_over(paused, clean_master: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    settings, child, marker = paused
    lock = runner.lock_path(settings)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert lock.exists() and f"pid {child.pid}" in lock.read_text()  # the dead run's lock file stays
    started = time.monotonic()
    nxt = cli_process(settings, "sync")
    assert time.monotonic() - started < 30
    assert nxt.returncode == 4, nxt.stderr  # a full run (4: the demo has files nobody can place)
    assert "wrote:" in nxt.stdout
    # detected, and said so: the previous run did not finish
    assert f"pid {child.pid}" in nxt.stderr and "did not finish" in nxt.stderr, nxt.stderr
    got = tabs(settings.sheet.path)
    lost, dup = measure(clean_master, got)
    measured("lock", "stale lock of a run killed with SIGKILL", runs=2, lost=lost, duplicated=dup,
             outcome="next run takes the lock over, warns, and writes the clean master")
    assert got == clean_master
    assert (lost, dup) == (0, 0)
    # and a run that ends normally leaves no stale marker behind
    again = cli_process(settings, "sync")
    assert again.returncode == 0 and "did not finish" not in again.stderr  # exit 4 only for news


def test_lock_held_by_a_bare_process_then_killed(tmp_path: Path) -> None:
    """The flock dies with its holder: no pid-file guessing, no waiting for a timeout."""
    settings = build(tmp_path / "province")
    marker = tmp_path / "held"
    holder = spawn_child(settings, "hold", marker=marker)
    try:
        wait_for(marker, holder)
        assert cli_process(settings, "sync").returncode == 3
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        assert cli_process(settings, "sync").returncode == 4
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
