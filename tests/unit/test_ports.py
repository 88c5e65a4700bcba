"""Every adapter is accepted where its port is expected (issue 9).

mypy checks the same statically (gsync/adapters.py assigns each adapter to its port's type,
gsync/runner.py hands a State to `sync.run`); this is the runtime half, with
`typing.runtime_checkable`, and proof that the check rejects what does not fit.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gsync import ports
from gsync.models import FileRef
from gsync.sinks.google_sheet import GoogleSheetSink
from gsync.sinks.workbook import WorkbookSink
from gsync.sources.drive_api import ApiDriveSource
from gsync.sources.drive_folder import FolderDriveSource
from gsync.sources.form_uploads import UploadMirror
from gsync.sources.forms_api import ApiFormSource
from gsync.sources.forms_csv import CsvFormSource
from gsync.state import State


def test_state_is_the_store_and_the_parse_cache() -> None:
    state = State(None)
    try:
        assert isinstance(state, ports.StateStore)
        assert isinstance(state, ports.ParseCache)
        assert isinstance(state, ports.SyncState)
        assert not isinstance(state, ports.MasterSink)
    finally:
        state.close()


def test_offline_adapters_fit_their_ports(tmp_path: Path) -> None:
    assert isinstance(FolderDriveSource(tmp_path), ports.DriveSource)
    assert isinstance(UploadMirror(tmp_path), ports.DriveSource)
    assert isinstance(CsvFormSource(tmp_path / "r.csv", {}, ZoneInfo("Asia/Bangkok")), ports.FormSource)
    assert isinstance(WorkbookSink(tmp_path / "master.xlsx"), ports.MasterSink)
    assert not isinstance(WorkbookSink(tmp_path / "master.xlsx"), ports.DriveSource)


@pytest.mark.parametrize(("adapter", "port"), [
    (ApiFormSource, ports.FormSource),
    (ApiDriveSource, ports.DriveSource),
    (GoogleSheetSink, ports.MasterSink),
], ids=["forms-api", "drive-api", "google-sheet"])
def test_google_adapters_fit_their_ports(adapter: type, port: type) -> None:
    assert issubclass(adapter, port)


def test_a_source_without_fetch_is_not_a_drive_source() -> None:
    class ListsOnly:
        def list_files(self) -> list[FileRef]:
            return []

    class Complete(ListsOnly):
        def fetch(self, ref: FileRef) -> bytes:
            return b""

    assert not isinstance(ListsOnly(), ports.DriveSource)
    assert isinstance(Complete(), ports.DriveSource)


def test_a_store_without_the_cache_is_not_sync_state() -> None:
    class Records:
        def get_json(self, key: str) -> object:
            return None

        def stage_json(self, key: str, value: object) -> None: ...

        def commit(self) -> None: ...

        def discard(self) -> None: ...

    assert isinstance(Records(), ports.StateStore)
    assert not isinstance(Records(), ports.SyncState)
