"""Builds the sources, sink and state a config asks for: offline parts here, Google parts lazily.

The only module that knows which concrete adapter serves which config key; `sync.run` gets
them through the ports (gsync/ports.py). Called by gsync/runner.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from gsync.accounting import Accounting
from gsync.config import Settings
from gsync.ports import DriveSource, FormSource, MasterSink
from gsync.sinks.workbook import WorkbookSink
from gsync.sources.drive_folder import FolderDriveSource
from gsync.sources.form_uploads import UploadMirror
from gsync.sources.forms_csv import CsvFormSource
from gsync.state import State


@dataclass
class Adapters:
    form: FormSource | None
    drive: DriveSource | None
    attachments: DriveSource | None  # fetches Form uploads by Drive id (Google only)
    sink: MasterSink
    accounting: Accounting


def build(settings: Settings, state: State, accounting: Accounting | None = None) -> Adapters:
    acct = accounting or Accounting()
    google = None
    if settings.uses_google():
        from gsync.google.clients import GoogleClients  # imported only when Google is configured

        google = GoogleClients.from_settings(settings, acct)

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

    sink: MasterSink
    if settings.sheet.path is not None:
        sink = WorkbookSink(settings.sheet.path)
    else:
        from gsync.sinks.google_sheet import GoogleSheetSink

        assert google is not None
        sink = GoogleSheetSink(google, settings, state)
    return Adapters(form, drive, attachments, sink, acct)
