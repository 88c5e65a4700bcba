"""`gsync doctor`'s reminder checks: the LINE token (GET /v2/bot/info on the fake, real SDK), the
SMTP login on a real server (no mail sent), and districts with nobody to remind."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main

from .test_cli import province


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("remind-doctor") / "demo"
    demo.build(d)
    return d


def doctor(config: Path) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["doctor", "--config", str(config)])
    return r.exit_code, r.stdout


def test_channels_pass(demo_dir: Path, tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    code, out = doctor(province(demo_dir, tmp_path, line_url=url, smtp_port=port))
    assert code == 0, out
    assert '✓ LINE token: Official Account "สพจ.ลำปาง" (@123abcde)' in out
    assert f"✓ SMTP 127.0.0.1:{port} (no encryption): logged in as sar…an; no mail sent" in out
    assert "7 of 13 district(s) have no contact for reminders: เสริมงาม, แจ้ห่ม, เถิน, แม่พริก, สบปราบ, ห้างฉัตร, เมืองปาน" in out
    assert [(m, p) for m, p, _ in fake.requests] == [("GET", "/v2/bot/info")]
    assert box.logins == [("saraban", "ok")] and not box.received
    assert "good-token" not in out and "s3cret" not in out


def test_a_bad_token_and_a_bad_password_fail_with_the_fix(demo_dir: Path, tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    _, url = line
    box, port = smtp
    config = province(demo_dir, tmp_path, line_url=url, smtp_port=port, token="revoked-1")
    (config.parent / "smtp-password.txt").write_text("nope\n")
    code, out = doctor(config)
    assert code == 1
    assert "✗ LINE token (" in out and "issue a new long-lived token in the LINE Developers console" in out
    assert f"✗ SMTP 127.0.0.1:{port}: refused" in out and "check [email] username and the password" in out
    assert "revoked-1" not in out and "nope" not in out and not box.received


def test_the_demo_has_no_channel_yet_and_passes(demo_dir: Path) -> None:
    code, out = doctor(demo_dir / "demo.toml")
    assert code == 0, out
    assert "reminders: no channel configured" in out
