"""The ports: what the core's `sync.run` calls on the outside world, and nothing more.

Adapters (gsync/sources/, gsync/sinks/, gsync/state.py, gsync/google/) implement these and
import this module; the core never imports an adapter. Each Protocol lists exactly the calls
`sync.run` makes, so a test double or a new channel knows what it must offer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from gsync.master.layout import Cell, Table
from gsync.models import FileRef, FormResponse, ParsedFile

# The master as read: tab title -> rows of cells, header first.
Tabs = dict[str, list[list[Cell]]]


@runtime_checkable
class FormSource(Protocol):
    """The Google Form's responses (the Forms API, or a downloaded CSV)."""

    def responses(self) -> Sequence[FormResponse]:
        """Every response of the form (a source may serve unchanged ones from its state)."""
        ...


@runtime_checkable
class DriveSource(Protocol):
    """The QR Drive folder (Drive, or a local directory), or the Form's uploads by id."""

    def list_files(self) -> Sequence[FileRef]:
        """Every file below the folder, recursively, with its folder path."""
        ...

    def fetch(self, ref: FileRef) -> bytes:
        """The file's bytes (Google Sheets/Docs exported to xlsx/docx).

        Raises errors.FileGone when it was deleted since it was listed, and
        errors.FileUnavailable when this source cannot get that file at all.
        """
        ...


@dataclass
class MasterWrite:
    """What the core decided to write to the master (gsync/master/policy.py): a sink writes
    exactly this and decides nothing about what to keep."""

    tables: list[Table]  # the tabs to write, in order
    rows: Tabs  # each tab's whole new content, header first, every cell as the sink stores it
    changed: list[str]  # the tabs whose content differs from what was read
    existing: Tabs  # what was read, that this decision was made over
    writes: bool  # False: nothing is to be written (nothing changed, or only the sync log)
    # The same decision over a wider read: for a sink that finds a tab its read did not cover.
    again: Callable[[Tabs], MasterWrite]


@dataclass(frozen=True)
class LastRead:
    """What a sink's last read() found besides the values."""

    copied: bool = False  # answered from a copy of the master kept in the state, not the master
    renamed: bool = False  # a tab staff renamed was found: the write gives it its name back
    notices: tuple[str, ...] = ()  # Thai, for the sync log: tabs staff renamed or deleted


@runtime_checkable
class MasterSink(Protocol):
    """The master: a local workbook or a Google Sheet."""

    def read(self, *, fresh: bool = False) -> Tabs:
        """Every tab gsync owns, as rows of cells (header first). Missing tabs are absent.

        A sink may answer from a copy of the master kept in the state (`last_read().copied`
        then says so); `fresh`: read the master itself, as a run must before it writes what
        staff typed."""
        ...

    def last_read(self) -> LastRead: ...

    def stored(self, value: Cell) -> Cell:
        """A cell as this sink stores it (what a read gives back after a write)."""
        ...

    def write(self, plan: MasterWrite) -> int:
        """Write what the core decided. Returns the number of tabs changed (0: nothing written)."""
        ...


@runtime_checkable
class StateStore(Protocol):
    """Small JSON records a run reads, stages, and commits only after the master was written."""

    def get_json(self, key: str) -> object:
        """The committed (or this run's staged) value, None when there is none."""
        ...

    def stage_json(self, key: str, value: object) -> None: ...

    def commit(self) -> None:
        """Make this run's staged changes durable. Called only after the master was written."""
        ...

    def discard(self) -> None:
        """Forget this run's staged changes (a dry run)."""
        ...


@runtime_checkable
class ParseCache(Protocol):
    """Which file version was seen when, and what was parsed out of which bytes."""

    def file_version(self, file_id: str) -> tuple[str, str | None] | None:
        """(version, parse key) last recorded for a file, None for a file never seen."""
        ...

    def first_received(self, file_id: str) -> dt.datetime | None:
        """When this file was first seen (its receipt, kept across re-saves in place)."""
        ...

    def parsed(self, parse_key: str) -> ParsedFile | None: ...

    def stage_file(self, file_id: str, version: str, name: str, received: dt.datetime, parse_key: str | None) -> None: ...

    def stage_parsed(self, parse_key: str, parsed: ParsedFile) -> None: ...


@runtime_checkable
class SyncState(StateStore, ParseCache, Protocol):
    """What `sync.run` is handed as its state: the records and the parse cache in one store."""


class Progress(Protocol):
    """Told what the run is doing: a bar on a terminal, one log line per stage in cron."""

    def stage(self, name: str, total: int) -> None:
        """A new stage; `total` items follow (0: a stage without items)."""

    def advance(self) -> None: ...
