"""Doctor and the adapters give the same advice for the same Google error (one table,
gsync/google/advice.py), against the Google fake with real googleapiclient and gspread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gsync.cli import main
from gsync.config import load_settings
from gsync.errors import SourceError
from gsync.sources.drive_api import ApiDriveSource
from gsync.sources.forms_api import ApiFormSource
from gsync.state import State
from gsync.testing.province import google_clients, write_mixed_config
from gsync.vocab import FORM_QUESTIONS

FILE_FIELDS = ("report_files", "photos")


@pytest.fixture()
def province(google_server: tuple[Any, str], tmp_path: Path) -> dict[str, Any]:
    fake, base_url = google_server
    questions = [{"title": t, "kind": "file" if f in FILE_FIELDS else "text"} for f, t in FORM_QUESTIONS.items()]
    form_id, _ = fake.forms_create("แบบรายงาน", questions)
    folder_id = fake.drive_add_folder("QR รายงาน")
    spreadsheet_id = fake.sheets_create("ทะเบียนรายงาน")
    ids = {"form_id": form_id, "folder_id": folder_id, "spreadsheet_id": spreadsheet_id}
    config = write_mixed_config(tmp_path, base_url, ids, service_account=fake)
    key = fake.service_account_info(token_uri=base_url + "/token")
    return {"fake": fake, "base_url": base_url, "config": config, "key": key, **ids}


def doctor_output(config: Path) -> str:
    result = CliRunner().invoke(main, ["doctor", "--config", str(config)])
    assert result.exit_code == 1, result.output
    return result.output


def test_unshared_folder_same_advice_from_doctor_and_sync(province: dict[str, Any]) -> None:
    fake = province["fake"]
    fake.revoke_access(province["folder_id"])
    fix = (f"share the folder with {fake.account_email} as Viewer (Share > add the address), and check "
           "[drive] folder_id (the end of the folder's address, drive.google.com/drive/folders/<id>)")
    assert fix in doctor_output(province["config"])
    settings = load_settings(province["config"])
    google = google_clients(province["base_url"], service_account_info=province["key"])
    with pytest.raises(SourceError) as err:
        ApiDriveSource(google, settings, State(None)).list_files()
    assert str(err.value).endswith(fix)


def test_disabled_forms_api_is_named_by_doctor_and_the_source(province: dict[str, Any]) -> None:
    fake = province["fake"]
    said = "Google Forms API has not been used in project 1234 before or it is disabled."
    fix = "enable the API in the Cloud project: https://console.cloud.google.com/apis/library/forms.googleapis.com"
    fake.inject(r"^forms\.forms\.get$", status=403, reason="accessNotConfigured", message=said, times=1)
    assert fix in doctor_output(province["config"])
    fake.inject(r"^forms\.forms\.get$", status=403, reason="accessNotConfigured", message=said, times=1)
    settings = load_settings(province["config"])
    google = google_clients(province["base_url"], service_account_info=province["key"])
    with pytest.raises(SourceError) as err:
        ApiFormSource(google, settings, State(None)).responses()
    assert str(err.value) == f"[form] form_id {province['form_id']}: permission denied (403 accessNotConfigured: {said}); {fix}"
