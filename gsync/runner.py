"""Every command's wiring, in one place: `gsync sync`, status, map, remind, poster, doctor and
national are a few lines on top of it.

The runner owns what the core must not know: the run lock (one name, `LOCK_NAME`, beside the
state), the state's path, `--full` (the state forgotten and rebuilt from the sources, only
while the lock is held), a dry run's state (read when there is one, never created or
written), the concrete adapters a command uses (gsync/adapters.py; built only when asked
for: `gsync remind` builds the master's sink alone), the Google clients, and the progress bar
on a terminal. The CLI parses, loads the config, calls in here and maps errors to exit codes.

    with runner.session(settings, dry_run=True) as run:   # lock + state
        result = run.sync(now)                             # the core's sync.run on the adapters
        sink = run.sink()                                  # or only what a command needs
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gsync.accounting import Accounting
from gsync.config import Settings
from gsync.errors import SourceError

if TYPE_CHECKING:
    from gsync.adapters import Adapters
    from gsync.google.clients import GoogleClients
    from gsync.ports import MasterSink
    from gsync.state import State
    from gsync.sync import SyncResult

log = logging.getLogger(__name__)

LOCK_NAME = "gsync.lock"  # the run lock every command that reads or writes the state takes
REMIND_LOCK_NAME = "gsync-remind.lock"  # keeps two `gsync remind` runs apart (sends, outbox)


def lock_path(settings: Settings, name: str = LOCK_NAME) -> Path:
    """Where a lock lives: beside the state database (`[state] path`)."""
    return settings.state.path.parent / name


class Run:
    """One command's run, inside `session`: the lock is held, the state is open."""

    def __init__(self, settings: Settings, state: State, *, dry_run: bool) -> None:
        self.settings, self.state, self.dry_run = settings, state, dry_run
        self.accounting = Accounting()
        self._google: GoogleClients | None = None
        self._adapters: Adapters | None = None

    def google(self) -> GoogleClients | None:
        """The Google clients (None for an offline config), built once per run."""
        if self._google is None:
            self._google = google_clients(self.settings, self.accounting)
        return self._google

    def adapters(self) -> Adapters:
        """Every source, the attachments and the sink a sync uses."""
        if self._adapters is None:
            from gsync import adapters

            self._adapters = adapters.build(self.settings, self.state, self.accounting, self.google())
        return self._adapters

    def sink(self) -> MasterSink:
        """The master's sink alone (no source is built)."""
        if self._adapters is not None:
            return self._adapters.sink
        from gsync import adapters

        return adapters.sink(self.settings, self.state, self.google() if self.settings.sheet.path is None else None)

    def sync(self, now: dt.datetime, *, accept_drop: bool = False, progress: bool = True,
             fresh_master: bool = False) -> SyncResult:
        """The core's `sync.run` on this run's adapters (writing nothing when it is a dry run)."""
        from gsync import sync as core

        built = self.adapters()
        with progress_bar() if progress else contextlib.nullcontext() as bar:
            return core.run(
                self.settings, form=built.form, drive=built.drive, attachments=built.attachments, sink=built.sink,
                state=self.state, now=now, dry_run=self.dry_run, accounting=built.accounting, progress=bar,
                accept_drop=accept_drop, fresh_master=fresh_master,
            )


@contextlib.contextmanager
def session(settings: Settings, *, dry_run: bool, full: bool = False) -> Iterator[Run]:
    """The run lock, then the state: what every command that judges or writes runs inside.

    `full`: the state is forgotten and rebuilt from the sources, only once the lock is held (a
    `--full` typed while the timer's sync runs exits 3 and deletes nothing). What the last run
    already flagged (exit 4's memory) is carried over: a rebuild alone is not news. A dry run
    reads the state when there is one and never creates or writes it; a dry `--full` works on
    an empty state in memory.
    """
    path = settings.state.path
    with locked(lock_path(settings)):
        carried: object = None
        if full and path.exists():
            carried = _attention_seen(path)
            if not dry_run:
                log.info("--full: rebuilding the state from the sources (%s)", path)
                path.unlink()
        in_memory = dry_run and (full or not path.exists())
        state = _open_state(None if in_memory else path)
        try:
            if carried is not None:
                from gsync.sync import ATTENTION_KEY

                state.stage_json(ATTENTION_KEY, carried)
            yield Run(settings, state, dry_run=dry_run)
        finally:
            state.close()


def sync(settings: Settings, now: dt.datetime, *, dry_run: bool, full: bool = False, accept_drop: bool = False,
         on_written: Callable[[SyncResult], None] | None = None, fresh_master: bool = False) -> SyncResult:
    """Read, judge and (unless `dry_run`) write the master under the run lock: `gsync sync`,
    and with `dry_run` what status, map, remind and national judge on.

    `on_written` is called after a real write (the centres map beside an offline master), still
    under the lock.
    """
    with session(settings, dry_run=dry_run, full=full) as run:
        result = run.sync(now, accept_drop=accept_drop, fresh_master=fresh_master)
        if not dry_run and on_written is not None:
            on_written(result)
        return result


def google_clients(settings: Settings, accounting: Accounting | None = None, *,
                   interactive: bool = False) -> GoogleClients | None:
    """The Google clients a config asks for (None when it names no Google part).
    `interactive`: few, short retries, for a command an operator waits for at a terminal (doctor)."""
    if not settings.uses_google():
        return None
    # only when Google is configured
    from gsync.google.clients import GoogleClients, load_credentials
    from gsync.google.retry import RetryPolicy

    acct = accounting or Accounting()
    if not interactive:
        return GoogleClients.from_settings(settings, acct)
    g = settings.google
    return GoogleClients(load_credentials(g.credentials), acct, endpoint=g.endpoint, timeout=min(g.timeout, 30),
                         policy=RetryPolicy(max_attempts=2, cap=4))


def _attention_seen(path: Path) -> object:
    """The last run's flagged items, read-only from the state about to be forgotten (None when
    it cannot be read: a corrupt state carries nothing)."""
    from gsync.state import peek
    from gsync.sync import ATTENTION_KEY

    return peek(path, ATTENTION_KEY)


def _open_state(path: Path | None) -> State:
    from gsync.state import State

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
