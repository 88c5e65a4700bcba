"""Secrets and personal data: a key file readable by others is warned about, tokens and keys
never reach a log, phones and emails are masked in logs, the scopes are the least ones, and the
files that hold personal data are not readable by other users."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gsync.google.clients import SCOPES, load_credentials

from .support import NOW_TEXT, build, child_env, config_path

DEMO_EMAILS = ("muang.cdd@example.go.th", "kokha.cdd@example.go.th", "wangnuea.cdd@example.go.th", "someone@gmail.com")
DEMO_PHONES = ("054-123456", "0899999999", "๐๘๑-๒๓๔-๕๖๗๘", "081-234-5678", "0812345678")


def authorized_user(path: Path, mode: int) -> Path:
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com",
                                "client_secret": "s3cret", "refresh_token": "1//refresh"}), encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.mark.parametrize(("mode", "warned"), [(0o644, True), (0o640, True), (0o604, True), (0o600, False), (0o400, False)],
                         ids=["0644", "0640", "0604", "0600", "0400"])
def test_key_file_readable_by_others_is_warned_about(mode: int, warned: bool, tmp_path: Path, caplog, measured) -> None:  # type: ignore[no-untyped-def]
    key = authorized_user(tmp_path / "key.json", mode)
    with caplog.at_level(logging.WARNING, logger="gsync.google.clients"):
        load_credentials(key)
    hits = [r.getMessage() for r in caplog.records if "readable by other users" in r.getMessage()]
    assert bool(hits) is warned, hits
    if warned:
        assert f"chmod 600 {key}" in hits[0]  # says how to fix it
        assert "s3cret" not in hits[0] and "1//refresh" not in hits[0]
    measured("secrets", f"credentials file with mode {oct(mode)}", runs=0, lost=None, duplicated=None,
             outcome="warning with the chmod to run" if warned else "no warning")


def test_scopes_are_the_least_ones() -> None:
    assert set(SCOPES) == {
        "https://www.googleapis.com/auth/drive.readonly",
        "https://www.googleapis.com/auth/forms.body.readonly",
        "https://www.googleapis.com/auth/forms.responses.readonly",
        "https://www.googleapis.com/auth/spreadsheets",
    }
    assert len(SCOPES) == 4


# --- logs -----------------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gsync.cli", *args], env=child_env(), capture_output=True,
                          text=True, timeout=120)


def test_phones_and_emails_are_masked_in_logs(tmp_path: Path, measured) -> None:  # type: ignore[no-untyped-def]
    """The demo sync with -v, plus a Form question whose title carries an email and a phone (the
    CSV source logs unmapped question titles): none of them appear in clear on stderr."""
    settings = build(tmp_path / "province")
    path = settings.form.csv
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows[0].append("ติดต่อผู้ประสานงาน kokha.cdd@example.go.th โทร 081-234-5678")
    for r in rows[1:]:
        r.append("")
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    proc = run_cli("-v", "sync", "--config", str(config_path(settings)), "--now", NOW_TEXT)
    assert proc.returncode == 4, proc.stderr
    log = proc.stderr
    assert "ติดต่อผู้ประสานงาน" in log  # the line was logged ...
    assert "k***@example.go.th" in log and "xxx-xxx-xx78" in log  # ... masked
    for secret in (*DEMO_EMAILS, *DEMO_PHONES):
        assert secret not in log, secret
    proc = run_cli("-v", "status", "--config", str(config_path(settings)), "--now", NOW_TEXT)
    assert not [s for s in (*DEMO_EMAILS, *DEMO_PHONES) if s in proc.stderr]
    measured("secrets", "emails and phones in the Form CSV and in a logged question title (sync -v)", runs=2,
             lost=None, duplicated=None, outcome="logged masked (k***@…, xxx-xxx-xx78); none in clear")


REFRESH = "1//0gREFRESH-TOKEN-must-never-be-logged"
CLIENT_SECRET = "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logged"


@pytest.mark.parametrize("kind", ["authorized_user", "service_account"])
def test_tokens_and_keys_never_logged(kind: str, google_server: tuple[Any, str], tmp_path: Path, measured) -> None:  # type: ignore[no-untyped-def]
    """A Google sync through the real CLI with -v (debug), against the fake, with retries on the
    way: no access token, refresh token, client secret or private key in any output or in the state."""
    from gsync import demo
    from gsync.testing.province import load_demo_into_fake, write_google_config

    fake, base_url = google_server
    demo.build(tmp_path / "demo")
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    (tmp_path / "google").mkdir()
    config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=tmp_path / "demo",
                                 service_account=fake if kind == "service_account" else None)
    key = tmp_path / "google" / "google-credentials.json"
    info = json.loads(key.read_text(encoding="utf-8"))
    if kind == "authorized_user":
        info.update(refresh_token=REFRESH, client_secret=CLIENT_SECRET)
        key.write_text(json.dumps(info), encoding="utf-8")
    secrets = [REFRESH, CLIENT_SECRET] if kind == "authorized_user" else [info["private_key"][40:100], "PRIVATE KEY"]
    fake.inject(r"^drive\.files\.list$", status=429, retry_after="0")  # a retry: the transport logs it
    fake.inject(r"^sheets\.spreadsheets\.get$", status=503, retry_after="0")
    proc = run_cli("-v", "sync", "--config", str(config), "--now", NOW_TEXT)
    assert proc.returncode in (0, 4), proc.stderr
    assert "retry 1 in" in proc.stderr  # debug logging was on and the retries were logged
    assert fake.tokens, "the run used access tokens"
    out = proc.stdout + proc.stderr
    assert "fake-token-" not in out and "Bearer" not in out
    for s in secrets:
        assert s not in out
    state = (tmp_path / "google" / "state" / "gsync.sqlite").read_bytes()
    assert b"fake-token-" not in state and not any(s.encode() in state for s in secrets)
    if kind == "service_account":  # the scopes actually asked for are the least ones
        scopes = {s for r in fake.token_requests for s in (r.get("scope") or "").split()}
        assert scopes == set(SCOPES)
    measured("secrets", f"Google sync with -v and retries ({kind.replace('_', ' ')} credentials)", runs=1,
             lost=None, duplicated=None, outcome="no access token, refresh token, client secret or key in "
             "stdout, stderr or the state" + ("; token scopes = the 4 least scopes" if kind == "service_account" else ""))


def test_the_state_is_private_and_the_master_follows_the_umask(tmp_path: Path, measured) -> None:  # type: ignore[no-untyped-def]
    """The state (parsed reports: names, phones, emails) is created private (0600) under the usual
    umask 022. The master is for staff to open (from a shared folder, under another account): it
    gets the mode any new file gets under the operator's umask (issue 22), 0644 under 022; an
    operator who wants it kept from other users of the machine sets umask 027 or 077."""
    settings = build(tmp_path / "province")
    old = os.umask(0o022)
    try:
        proc = run_cli("sync", "--config", str(config_path(settings)), "--now", NOW_TEXT)
    finally:
        os.umask(old)
    assert proc.returncode == 4, proc.stderr
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in (settings.sheet.path, settings.state.path)}
    measured("secrets", "files with personal data created under umask 022", runs=1, lost=None, duplicated=None,
             outcome=", ".join(f"{name} {oct(mode)}" for name, mode in modes.items()))
    assert modes == {settings.sheet.path.name: 0o644, settings.state.path.name: 0o600}
