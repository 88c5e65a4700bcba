"""Fixtures for the reminder tests: the LINE fake (real line-bot-sdk over HTTP), a real SMTP
server (aiosmtpd) on loopback, and small provinces."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from gsync.testing.line import FakeLine


@dataclass
class Mailbox:
    """What the SMTP server received: one entry per accepted DATA (a resend counts again)."""

    received: list[tuple[list[str], email.message.EmailMessage]] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)  # recipients answered 550
    temp_fail: int = 0  # the next n DATA commands answered 451
    logins: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.temp_fail:
                self.temp_fail -= 1
                return "451 4.3.0 Temporary failure, try again later"
            msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
            self.received.append((list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK: queued"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for _, m in self.received]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def smtp() -> Iterator[tuple[Mailbox, int]]:
    """(mailbox, port): plain SMTP with AUTH LOGIN/PLAIN for user "saraban" / "s3cret"."""
    box = Mailbox()

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"saraban" and auth_data.password == b"s3cret"
        if isinstance(auth_data, LoginPassword):
            box.logins.append((auth_data.login.decode(), "ok" if ok else "refused"))
        return AuthResult(success=ok, handled=False)

    port = _free_port()
    c = Controller(box, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False)
    c.start()
    try:
        yield box, port
    finally:
        c.stop()


@pytest.fixture()
def line() -> Iterator[tuple[FakeLine, str]]:
    fake = FakeLine()
    with fake.serve() as url:
        yield fake, url


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (an office mail server with its own CA), and its key."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.example.go.th")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "mail-ca.pem", tmp / "mail-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture()
def smtp_tls(tmp_path: Path) -> Iterator[tuple[Mailbox, int, Path]]:
    """(mailbox, port, CA file): STARTTLS required before AUTH, as a saraban server does."""
    import ssl

    box = Mailbox()
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"saraban" and auth_data.password == b"s3cret"
        box.logins.append((auth_data.login.decode(), "ok" if ok else "refused"))
        return AuthResult(success=ok, handled=False)

    port = _free_port()
    c = Controller(box, hostname="127.0.0.1", port=port, authenticator=authenticator, tls_context=context,
                   require_starttls=True, auth_require_tls=True)
    c.start()
    try:
        yield box, port, cert
    finally:
        c.stop()
