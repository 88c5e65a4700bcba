"""Builds the sources, sink and state a config asks for: offline parts here, Google parts lazily.

The only module that knows which concrete adapter serves which config key; `sync.run` gets
them through the ports (gsync/ports.py). Called by gsync/runner.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gsync.accounting import Accounting
from gsync.config import Settings
from gsync.ports import DriveSource, FormSource, MasterSink
from gsync.sinks.workbook import WorkbookSink
from gsync.sources.drive_folder import FolderDriveSource
from gsync.sources.form_uploads import UploadMirror
from gsync.sources.forms_csv import CsvFormSource
from gsync.state import State

if TYPE_CHECKING:
    from gsync.google.clients import GoogleClients


@dataclass
class Adapters:
    form: FormSource | None
    drive: DriveSource | None
    attachments: DriveSource | None  # fetches Form uploads by Drive id (Google only)
    sink: MasterSink
    accounting: Accounting


def google_clients(settings: Settings, accounting: Accounting) -> GoogleClients | None:
    """The Google clients when the config names a Google part (imported only then), else None."""
    if not settings.uses_google():
        return None
    from gsync.google.clients import GoogleClients  # imported only when Google is configured

    return GoogleClients.from_settings(settings, accounting)


def build(settings: Settings, state: State, accounting: Accounting | None = None,
          google: GoogleClients | None = None) -> Adapters:
    """Every adapter a sync uses. `google`: clients already built for this run (else built here)."""
    acct = accounting or Accounting()
    if google is None:
        google = google_clients(settings, acct)

    form: FormSource | None = None
    uploads: UploadMirror | None = None
    if settings.form is not None:
        if settings.form.csv is not None:
            if settings.form.uploads is not None:
                uploads = UploadMirror(settings.form.uploads)
            form = CsvFormSource(settings.form.csv, settings.form.questions, settings.tz, uploads)
        else:
            from gsync.sources.forms_api import ApiFormSource

            assert google is not None
            form = ApiFormSource(google, settings, state)

    drive: DriveSource | None = None
    attachments: DriveSource | None = None
    if settings.drive is not None and settings.drive.path is not None:
        drive = FolderDriveSource(settings.drive.path)
    if google is not None:
        from gsync.sources.drive_api import ApiDriveSource

        api_drive = ApiDriveSource(google, settings, state)
        attachments = api_drive
        if settings.drive is not None and settings.drive.folder_id is not None:
            drive = api_drive
    if uploads is not None:
        attachments = uploads  # offline Form attachments, from the "(File responses)" mirror
    return Adapters(form, drive, attachments, sink(settings, state, google), acct)


def sink(settings: Settings, state: State, google: GoogleClients | None) -> MasterSink:
    """The master's sink alone (what `gsync remind` writes its history tab through)."""
    if settings.sheet.path is not None:
        return WorkbookSink(settings.sheet.path)
    from gsync.sinks.google_sheet import GoogleSheetSink

    assert google is not None
    return GoogleSheetSink(google, settings, state)
