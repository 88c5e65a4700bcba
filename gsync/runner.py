"""One sync as an operator runs it: the adapter side around the core's `sync.run`.

The runner owns what the core must not know: the run lock, `--full` (the state forgotten and
rebuilt from the sources), a dry run's state (read when there is one, never created or
written), the concrete adapters a config asks for (gsync/adapters.py), and the progress bar
on a terminal. The CLI parses, loads the config, calls `sync` here and maps errors to exit codes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from gsync import adapters
from gsync import sync as core
from gsync.config import Settings
from gsync.errors import SourceError
from gsync.state import State
from gsync.sync import SyncResult

log = logging.getLogger(__name__)


def sync(settings: Settings, now: dt.datetime, *, dry_run: bool, full: bool = False, accept_drop: bool = False,
         on_written: Callable[[SyncResult], None] | None = None) -> SyncResult:
    """Read, judge and (unless `dry_run`) write the master under the run lock.

    `full`: the state is deleted first and rebuilt from the sources. A dry run without a state
    file works in memory and leaves none behind. `on_written` is called after a real write
    (the centres map beside an offline master), still under the lock.
    """
    state_path = None if dry_run and not settings.state.path.exists() else settings.state.path
    if full and state_path is not None and state_path.exists():
        log.info("--full: rebuilding the state from the sources (%s)", state_path)
        state_path.unlink()
    with locked(settings.state.path.parent / "gsync.lock"):
        state = _open_state(state_path)
        try:
            built = adapters.build(settings, state)
            with progress_bar() as progress:
                result = core.run(
                    settings, form=built.form, drive=built.drive, attachments=built.attachments, sink=built.sink,
                    state=state, now=now, dry_run=dry_run, accounting=built.accounting, progress=progress,
                    accept_drop=accept_drop,
                )
            if not dry_run and on_written is not None:
                on_written(result)
            return result
        finally:
            state.close()


def _open_state(path: Path | None) -> State:
    try:
        return State(path)
    except (OSError, sqlite3.Error) as e:
        raise SourceError(
            f"cannot open the state database {path} ({getattr(e, 'strerror', None) or e}); the folder "
            "must be writable by the user gsync runs as (chown or chmod it, or set [state] path)"
        ) from None


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """The run lock (errors.LockHeld, exit 3, when another run holds it)."""
    from gsync.lock import RunLock  # fcntl: imported only where a run takes the lock

    lock = RunLock(lock_path)
    try:
        lock.__enter__()
    except OSError as e:
        raise SourceError(
            f"cannot take the run lock {lock_path} ({e.strerror}); the [state] path's folder must be writable "
            "by the user gsync runs as (chown or chmod it, or set [state] path)"
        ) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


class _Bar:
    """A progress bar on a terminal; sync.run logs one line per stage when there is none (cron)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def stage(self, name: str, total: int) -> None:
        self.close()
        if total > 1:
            self._bar = click.progressbar(length=total, label=name, file=sys.stderr, show_pos=True)
            self._bar.__enter__()
        else:
            click.echo(name, err=True)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@contextlib.contextmanager
def progress_bar() -> Iterator[_Bar | None]:
    """A bar on stderr when it is a terminal; None (one log line per stage) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar()
    try:
        yield bar
    finally:
        bar.close()
