"""The national publication through a Drive folder, on the Google fake over real HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gsync.testing.province import write_credentials
from tests.national.support import build_phrae, gsync, national_json

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")


def _api(fake: Any) -> list[Any]:
    return [c for c in fake.requests if c.id != "oauth2.token"]


def _use_drive(config: Path, root: str, base_url: str, creds: Path) -> None:
    text = config.read_text(encoding="utf-8")
    start = text.index("[national]")
    end = text.index("\n\n", start)
    config.write_text(text[:start] + f'[national]\nfolder_id = "{root}"\n\n[google]\nendpoint = "{base_url}"\n'
                      f'credentials = "{creds}"' + text[end:], encoding="utf-8")


def test_a_province_publishes_into_drive_then_only_changed_tables_as_new_revisions(
        google_server: tuple[Any, str], tmp_path: Path) -> None:
    fake, base_url = google_server
    root = fake.drive_add_folder("cdd-national")
    config = build_phrae(tmp_path / "phrae", tmp_path / "unused")
    _use_drive(config, root, base_url, write_credentials(tmp_path, base_url))

    assert gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00").exit_code == 0
    files = {f.name: f for f in fake.drive.files.values()}
    assert {"fiscal_year=2568", "province_code=54", "reports.parquet", "activities.parquet", "centres.parquet"} <= set(files)
    year, prov = files["fiscal_year=2568"], files["province_code=54"]
    assert year.parents == [root] and prov.parents == [year.id] and files["reports.parquet"].parents == [prov.id]
    reports_id, version = files["reports.parquet"].id, files["reports.parquet"].version
    uploads = [c for c in _api(fake) if c.path.startswith("/upload/")]
    assert len(uploads) == 3

    fake.reset_log()  # nothing changed: not one request
    assert gsync("sync", "--config", str(config), "--now", "2025-01-10T10:00:00+07:00").exit_code == 0
    assert _api(fake) == []

    fake.reset_log()  # Q2's deadline passed: only reports changed, one upload to the same file id
    assert gsync("sync", "--config", str(config), "--now", "2025-03-15T09:00:00+07:00").exit_code == 0
    calls = _api(fake)
    assert [(c.method, c.path) for c in calls] == [("PATCH", f"/upload/drive/v3/files/{reports_id}")]
    assert fake.drive.files[reports_id].version == version + 1


def test_the_national_run_reads_a_drive_folder_once_and_downloads_only_what_changed(
        google_server: tuple[Any, str], tmp_path: Path) -> None:
    fake, base_url = google_server
    root = fake.drive_add_folder("cdd-national")
    creds = write_credentials(tmp_path, base_url)
    config = build_phrae(tmp_path / "phrae", tmp_path / "unused")
    _use_drive(config, root, base_url, creds)
    gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00")
    national = tmp_path / "national.toml"
    national.write_text(f'[national]\nfolder_id = "{root}"\nstale_days = 2\n\n[google]\nendpoint = "{base_url}"\n'
                        f'credentials = "{creds}"\n', encoding="utf-8")

    fake.reset_log()
    code, doc, err = national_json(national, "2025-01-11T09:00:00+07:00")
    assert code == 0, err
    [p] = doc["provinces"]
    assert (p["province_code"], p["quarters"][0]["received"], p["quarters"][0]["expected"]) == ("54", 6, 8)
    assert [c.id for c in _api(fake)].count("drive.files.list") == 1
    assert sum(1 for c in _api(fake) if c.query.get("alt") == ["media"]) == 3

    fake.reset_log()  # nothing new: one listing, no download
    code, doc2, _ = national_json(national, "2025-01-11T09:00:00+07:00")
    assert code == 0 and doc2 == doc
    assert [c.id for c in _api(fake)] == ["drive.files.list"]

    gsync("sync", "--config", str(config), "--now", "2025-03-15T09:00:00+07:00")
    fake.reset_log()  # one table changed: one download
    code, doc3, _ = national_json(national, "2025-03-16T09:00:00+07:00")
    assert code == 0
    assert sum(1 for c in _api(fake) if c.query.get("alt") == ["media"]) == 1
    assert doc3["provinces"][0]["quarters"][1]["expected"] == 8


def test_two_files_claiming_one_province_in_drive_are_named(google_server: tuple[Any, str], tmp_path: Path) -> None:
    fake, base_url = google_server
    root = fake.drive_add_folder("cdd-national")
    creds = write_credentials(tmp_path, base_url)
    config = build_phrae(tmp_path / "phrae", tmp_path / "unused")
    _use_drive(config, root, base_url, creds)
    gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00")
    [folder] = [f for f in fake.drive.files.values() if f.name == "province_code=54"]
    [reports] = [f for f in fake.drive.files.values() if f.name == "reports.parquet"]
    fake.drive_add_file("reports.parquet", reports.content or b"", folder.id)  # a second province's copy
    national = tmp_path / "national.toml"
    national.write_text(f'[national]\nfolder_id = "{root}"\n\n[google]\nendpoint = "{base_url}"\n'
                        f'credentials = "{creds}"\n', encoding="utf-8")
    code, doc, err = national_json(national, "2025-01-11T09:00:00+07:00")
    assert code == 4
    assert "fiscal_year=2568/province_code=54/reports.parquet: 2 publications claim this province code" in err
    assert doc["provinces"][0]["quarters"][0]["received"] == 6
