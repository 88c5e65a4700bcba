"""`gsync doctor` against the Google fake (real googleapiclient and gspread, a service-account
key signed with a real RSA key, tokens from the fake's /token), and against offline parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gsync.cli import main
from gsync.config import load_settings, parse_settings
from gsync.doctor import Check, format_checks, run_doctor
from gsync.testing.province import write_mixed_config
from gsync.vocab import FORM_QUESTIONS

FILE_FIELDS = ("report_files", "photos")


@pytest.fixture()
def province(google_server: tuple[Any, str], tmp_path: Path) -> dict[str, Any]:
    """A fake Google with the Lampang Form (every default question plus one gsync does not
    use), a QR folder with one file, an empty master Sheet, and a config for all three."""
    fake, base_url = google_server
    questions = [{"title": t, "kind": "file" if f in FILE_FIELDS else "text"} for f, t in FORM_QUESTIONS.items()]
    questions.append({"title": "ความคิดเห็นอื่น ๆ", "kind": "paragraph"})
    form_id, qids = fake.forms_create("แบบรายงานศูนย์จิตอาสา ลำปาง", questions)
    folder_id = fake.drive_add_folder("QR รายงาน")
    fake.drive_add_file("รายงาน เกาะคา ไตรมาส1.xlsx", b"PK", folder_id)
    spreadsheet_id = fake.sheets_create("ทะเบียนรายงาน ลำปาง")
    ids = {"form_id": form_id, "folder_id": folder_id, "spreadsheet_id": spreadsheet_id}
    config = write_mixed_config(tmp_path, base_url, ids, service_account=fake)
    return {"fake": fake, "config": config, "qids": qids, **ids}


def doctor(config: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["doctor", "--config", str(config)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_all_green(province: dict[str, Any]) -> None:
    code, out = doctor(province["config"])
    assert code == 0, out
    assert "✗" not in out
    email = province["fake"].account_email
    assert f"service account {email}" in out
    assert "แบบรายงานศูนย์จิตอาสา ลำปาง" in out  # the Form's title
    assert '"อำเภอ" → district' in out and '"แนบแบบรายงานผลการดำเนินงาน" → report_files' in out
    assert '"ความคิดเห็นอื่น ๆ" → (not used)' in out
    assert 'folder "QR รายงาน", 1 item(s)' in out
    assert '"ทะเบียนรายงาน ลำปาง"' in out and f"{email} can edit it" in out
    # the fake grants edit on everything: the folder is flagged as more access than needed
    assert "only reads the folder" in out
    assert "ready for gsync sync" in out


def test_renamed_question_is_reported_with_the_closest_title(province: dict[str, Any]) -> None:
    fake = province["fake"]
    fake.forms_rename_question(province["form_id"], province["qids"]["ชื่อ-สกุล ผู้รายงาน"], "ชื่อ-นามสกุล ผู้รายงาน")
    code, out = doctor(province["config"])
    assert code == 1
    assert '✗ field reporter: [form] form_id' in out
    assert 'The closest question is "ชื่อ-นามสกุล ผู้รายงาน"' in out
    assert 'set [form.questions] reporter = "ชื่อ-นามสกุล ผู้รายงาน"' in out
    assert '"ชื่อ-นามสกุล ผู้รายงาน" → (not used)' in out


def test_folder_not_shared_says_whom_to_share_with(province: dict[str, Any]) -> None:
    fake = province["fake"]
    fake.revoke_access(province["folder_id"])
    code, out = doctor(province["config"])
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("✗")]
    assert len(failed) == 1 and failed[0].startswith(f"✗ [drive] folder_id {province['folder_id']}: HTTP 404")
    assert f"share the folder with {fake.account_email} as Viewer" in out
    assert "[sheet] spreadsheet_id" in out  # the other checks still ran


def test_sheet_not_shared(province: dict[str, Any]) -> None:
    fake = province["fake"]
    fake.revoke_access(province["spreadsheet_id"])
    code, out = doctor(province["config"])
    assert code == 1
    assert f"✗ [sheet] spreadsheet_id {province['spreadsheet_id']}: no permission" in out
    assert f"add {fake.account_email} as Editor" in out


def test_unknown_form_id(province: dict[str, Any], tmp_path: Path) -> None:
    text = province["config"].read_text(encoding="utf-8").replace(province["form_id"], "1NoSuchForm")
    province["config"].write_text(text, encoding="utf-8")
    code, out = doctor(province["config"])
    assert code == 1
    assert "✗ [form] form_id 1NoSuchForm: HTTP 404" in out and "Form's edit address" in out


def test_key_file_readable_by_others_is_flagged(province: dict[str, Any]) -> None:
    settings = load_settings(province["config"])
    assert settings.google.credentials is not None
    settings.google.credentials.chmod(0o644)
    checks = run_doctor(settings, None)
    advice = [c for c in checks if "readable by other users" in c.what]
    assert advice == [Check(True, advice[0].what, f"run: chmod 600 {settings.google.credentials}")]


def test_credentials_that_do_not_load(province: dict[str, Any]) -> None:
    settings = load_settings(province["config"])
    assert settings.google.credentials is not None
    settings.google.credentials.write_text("{not json", encoding="utf-8")
    code, out = doctor(province["config"])
    assert code == 1 and "✗ Google credentials cannot be loaded" in out and "not a JSON key file" in out


# --- offline parts --------------------------------------------------------------------------


def offline_settings(tmp_path: Path, header: list[str]) -> Any:
    (tmp_path / "responses.csv").write_text(",".join(header) + "\n", encoding="utf-8")
    return parse_settings({
        "province": {"name": "ลำปาง", "fiscal_year": 2568},
        "districts": [{"name": "เกาะคา", "tambons": ["เกาะคา"]}],
        "form": {"csv": "responses.csv"},
        "drive": {"path": "inbox"},
        "sheet": {"path": "out/master.xlsx"},
    }, source=tmp_path / "gsync.toml")


def test_offline_all_green(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    settings = offline_settings(tmp_path, ["ประทับเวลา", "ที่อยู่อีเมล", *FORM_QUESTIONS.values()])
    checks = run_doctor(settings, None)
    assert all(c.ok for c in checks), format_checks(checks)
    assert sum(1 for c in checks if "question" in c.what and "→" in c.what) == len(FORM_QUESTIONS)


def test_offline_problems(tmp_path: Path) -> None:
    titles = [t if t != "ไตรมาส" else "ไตรมาสที่" for t in FORM_QUESTIONS.values()]
    settings = offline_settings(tmp_path, ["ประทับเวลา", *titles])  # no inbox folder either
    failed = [c for c in run_doctor(settings, None) if not c.ok]
    assert [c.what.split(":")[0] for c in failed] == ["field quarter", f"[drive] path {tmp_path / 'inbox'}"]
    assert 'The closest question is "ไตรมาสที่"' in failed[0].fix
    assert "does not exist" in failed[1].what
