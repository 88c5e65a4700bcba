"""Shared fixtures: no real network in any test, and the Google fake."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so "from tests.collections_support import ..." works under plain pytest
    sys.path.insert(0, str(ROOT))

# The CLI time-stamps its lines when no terminal watches (a timer's log); the tests that compare
# printed lines exactly read them without (tests/cli/test_traps.py checks the stamps themselves).
os.environ["GSYNC_TIMESTAMPS"] = "0"

LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"}


def _check(address: Any) -> None:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if isinstance(host, bytes):
        host = host.decode()
    if host not in LOCAL_HOSTS:
        raise RuntimeError(f"network access in tests: {address!r}")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback connections (and DNS for loopback names) are allowed."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        _check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        _check(address)
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            _check((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture()
def google_fake() -> Iterator[Any]:
    """A fresh FakeGoogle. Fails the test if any request broke the discovery contract
    (a test that sends bad requests on purpose must ``fake.violations.clear()``)."""
    from gsync.testing import FakeGoogle

    fake = FakeGoogle()
    yield fake
    assert not fake.violations, f"requests that break the discovery contract: {fake.violations}"


@pytest.fixture()
def google_server(google_fake: Any) -> Iterator[tuple[Any, str]]:
    """``(fake, base_url)`` with the fake served on http://127.0.0.1:PORT."""
    with google_fake.serve() as base_url:
        yield google_fake, base_url
