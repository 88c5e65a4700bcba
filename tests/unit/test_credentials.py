"""Credential files: the token cache is private, and its own token_uri is honoured."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest
from google.oauth2 import credentials as user_credentials

from gsync.errors import SourceError
from gsync.google.clients import SCOPES, load_credentials, save_authorized_user


def test_cached_token_is_owner_only_and_round_trips(tmp_path: Path) -> None:
    creds = user_credentials.Credentials(token=None, refresh_token="r-secret", client_id="c", client_secret="s",
                                         token_uri="http://127.0.0.1:9/token")
    path = tmp_path / "auth" / "user.json"
    save_authorized_user(creds, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_credentials(path)
    assert loaded.refresh_token == "r-secret"
    assert loaded.token_uri == "http://127.0.0.1:9/token"  # not replaced by Google's


def test_world_readable_key_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "c", "client_secret": "s",
                                "refresh_token": "r"}), encoding="utf-8")
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        load_credentials(path)
    assert "readable by other users" in caplog.text and "chmod 600" in caplog.text
    assert "r" not in caplog.text.split("chmod 600")[-1].replace(str(path), "").strip()  # no secret echoed


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"type": "weird"}', "is not supported"), ("not json", "not a JSON key file")],
    ids=["unknown-type", "not-json"],
)
def test_bad_key_files_say_what_to_do(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "k.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        load_credentials(path)


def test_least_scopes() -> None:
    assert set(SCOPES) == {
        "https://www.googleapis.com/auth/drive.readonly",
        "https://www.googleapis.com/auth/forms.body.readonly",
        "https://www.googleapis.com/auth/forms.responses.readonly",
        "https://www.googleapis.com/auth/spreadsheets",
    }
