"""The channels over their real clients: line-bot-sdk against the LINE fake, smtplib against a
real SMTP server (aiosmtpd)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from gsync.remind.channels import CredentialsRefused, EmailChannel, LineChannel, Rejected, Temporary
from gsync.remind.outbox import message_id, retry_key

from .support import LINE_A, entry, settings


def line_channel(tmp_path: Path, url: str, token: str = "good-token", **line: object) -> LineChannel:
    s = settings(tmp_path, line_url=url, line=dict(line))
    assert s.line is not None
    waits: list[float] = []
    ch = LineChannel(s.line, token, sleep=waits.append)
    ch.waits = waits  # type: ignore[attr-defined]
    return ch


def test_push_carries_a_uuid_retry_key_and_the_token(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    ch = line_channel(tmp_path, url)
    assert ch.send(entry("เกาะคา|Q1|+1|line|" + LINE_A, "line", LINE_A, body="สวัสดีครับ")) == ""
    assert [d.to for d in fake.delivered] == [LINE_A]
    assert fake.delivered[0].texts == ["สวัสดีครับ"]
    key = fake.delivered[0].retry_key
    assert key is not None and uuid.UUID(key).version == 5
    assert key == retry_key("เกาะคา|Q1|+1|line|" + LINE_A)
    assert fake.auth_headers == ["Bearer good-token"]


def test_retry_key_is_stable_per_message_and_differs_between_messages() -> None:
    a = retry_key("เกาะคา|Q1|+1|line|" + LINE_A)
    assert a == retry_key("เกาะคา|Q1|+1|line|" + LINE_A)
    assert a != retry_key("เกาะคา|Q1|+7|line|" + LINE_A)
    assert str(uuid.UUID(a)) == a


def test_a_repeat_of_an_accepted_key_is_409_and_counts_as_sent(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    ch = line_channel(tmp_path, url)
    e = entry("k1", "line", LINE_A)
    ch.send(e)
    note = ch.send(e)  # e.g. the run was killed after LINE accepted it
    assert "ได้รับไปแล้ว" in note
    assert len(fake.delivered) == 1
    assert [s for _, _, s in fake.requests] == [200, 409]


def test_a_lost_response_is_retried_with_the_same_key_and_delivered_once(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    ch = line_channel(tmp_path, url)
    fake.lose_response_next()
    ch.send(entry("k1", "line", LINE_A))
    assert len(fake.delivered) == 1
    assert [s for _, _, s in fake.requests] == [500, 409]


def test_429_and_500_are_retried_with_backoff_then_succeed(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    ch = line_channel(tmp_path, url, retry_wait=1.0)
    fake.fail_next(429, retry_after="3")
    fake.fail_next(500)
    ch.send(entry("k1", "line", LINE_A))
    assert [s for _, _, s in fake.requests] == [429, 500, 200]
    assert ch.waits == [3.0, 2.0]  # type: ignore[attr-defined]  # Retry-After, then 1 s doubled
    assert len(fake.delivered) == 1


def test_retries_are_bounded(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    ch = line_channel(tmp_path, url, max_retries=2)
    fake.fail_next(503, n=10)
    with pytest.raises(Temporary, match="gave up after 3 tries"):
        ch.send(entry("k1", "line", LINE_A))
    assert len(fake.requests) == 3 and not fake.delivered


def test_bad_token_is_refused_credentials_without_the_token_in_the_message(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    ch = line_channel(tmp_path, url, token="wrong-token-123")
    with pytest.raises(CredentialsRefused) as e:
        ch.send(entry("k1", "line", LINE_A))
    assert "HTTP 401" in str(e.value) and "wrong-token-123" not in str(e.value)
    assert len(fake.requests) == 1  # a 401 is not retried


def test_a_wrong_recipient_id_is_rejected(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    ch = line_channel(tmp_path, url)
    with pytest.raises(Rejected, match="'to'"):
        ch.send(entry("k1", "line", "kokha-line-name"))
    assert not fake.delivered


def test_bot_info(tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    _, url = line
    info = line_channel(tmp_path, url).bot_info()
    assert info.display_name == "สพจ.ลำปาง" and info.basic_id == "@123abcde"


# --- SMTP --------------------------------------------------------------------------------


def email_channel(tmp_path: Path, port: int, password: str = "s3cret", **email: object) -> EmailChannel:
    s = settings(tmp_path, smtp_port=port, email=dict(email))
    assert s.email is not None
    return EmailChannel(s.email, password, sleep=lambda _: None)


def test_mail_is_sent_in_thai_with_a_message_id_from_the_key(tmp_path: Path, smtp) -> None:  # type: ignore[no-untyped-def]
    box, port = smtp
    ch = email_channel(tmp_path, port)
    ch.send(entry("เกาะคา|Q1|+1|email|kokha@example.go.th", "email", "kokha@example.go.th",
                  body="เรื่อง ติดตามรายงาน\nเรียน พัฒนาการอำเภอเกาะคา", subject="เรื่อง ติดตามรายงาน"))
    ch.close()
    (rcpt, msg), = box.received
    assert rcpt == ["kokha@example.go.th"]
    assert msg["Subject"] == "ติดตามรายงาน"
    assert msg["From"] == "saraban_lampang@example.go.th"
    assert msg["Message-ID"] == message_id("เกาะคา|Q1|+1|email|kokha@example.go.th", "example.go.th")
    assert msg["Message-ID"].endswith("@example.go.th>")
    assert "เรียน พัฒนาการอำเภอเกาะคา" in msg.get_content()
    assert box.logins == [("saraban", "ok")]


def test_wrong_password_is_refused_credentials_without_the_password(tmp_path: Path, smtp) -> None:  # type: ignore[no-untyped-def]
    box, port = smtp
    ch = email_channel(tmp_path, port, password="nope-pw-999")
    with pytest.raises(CredentialsRefused) as e:
        ch.send(entry("k", "email", "kokha@example.go.th"))
    assert "refused the login" in str(e.value) and "nope-pw-999" not in str(e.value)
    assert not box.received


def test_a_refused_recipient_is_rejected_and_the_next_one_goes_through(tmp_path: Path, smtp) -> None:  # type: ignore[no-untyped-def]
    box, port = smtp
    box.reject.add("nobody@example.go.th")
    ch = email_channel(tmp_path, port)
    with pytest.raises(Rejected, match="550"):
        ch.send(entry("k1", "email", "nobody@example.go.th"))
    ch.send(entry("k2", "email", "kokha@example.go.th"))
    ch.close()
    assert [r for r, _ in box.received] == [["kokha@example.go.th"]]


def test_a_temporary_failure_is_retried_within_the_bound(tmp_path: Path, smtp) -> None:  # type: ignore[no-untyped-def]
    box, port = smtp
    box.temp_fail = 1
    ch = email_channel(tmp_path, port)
    ch.send(entry("k1", "email", "kokha@example.go.th"))
    assert len(box.received) == 1
    box.temp_fail = 10
    with pytest.raises(Temporary, match="451"):
        ch.send(entry("k2", "email", "kokha@example.go.th"))
    ch.close()
    assert len(box.received) == 1


def test_no_server_is_temporary(tmp_path: Path) -> None:
    from .conftest import _free_port

    ch = email_channel(tmp_path, _free_port(), max_retries=1)
    with pytest.raises(Temporary, match="cannot reach the SMTP server"):
        ch.send(entry("k1", "email", "kokha@example.go.th"))


def test_starttls_with_the_office_ca_then_login(tmp_path: Path, smtp_tls) -> None:  # type: ignore[no-untyped-def]
    box, port, ca = smtp_tls
    ch = email_channel(tmp_path, port, starttls=True, ca_file=str(ca))
    ch.send(entry("k1", "email", "kokha@example.go.th"))
    ch.close()
    assert len(box.received) == 1 and box.logins == [("saraban", "ok")]


def test_an_untrusted_certificate_is_refused_before_the_password_is_sent(tmp_path: Path, smtp_tls) -> None:  # type: ignore[no-untyped-def]
    box, port, _ = smtp_tls
    ch = email_channel(tmp_path, port, starttls=True)  # no ca_file: the system's CAs do not know it
    with pytest.raises(CredentialsRefused, match="TLS failed.*ca_file"):
        ch.send(entry("k1", "email", "kokha@example.go.th"))
    assert not box.logins and not box.received
