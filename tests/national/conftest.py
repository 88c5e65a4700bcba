"""Fixtures for the national roll-up's tests: a real BigQuery (bqemulator behind the job-id
layer of gsync.testing.bigquery), started once per test session and only when a test asks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from gsync.testing.bigquery import BigQueryEmulator

_datasets = itertools.count(1)


@pytest.fixture(scope="session")
def bigquery_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigQueryEmulator]:
    """The running emulator: `.endpoint` (http://127.0.0.1:PORT, give it to the client as
    `client_options={"api_endpoint": ...}` with `AnonymousCredentials`), `.project`,
    `.client()`, `.calls` (every request, job ids as the client sent them) and
    `.jobs_inserted(kind)`. Job ids are remembered for the whole session, as BigQuery does:
    a reused id is refused with 409, so tests use their own datasets (`bigquery_dataset`)."""
    emu = BigQueryEmulator("gsync-test", workdir=tmp_path_factory.mktemp("bqemulator"))
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture()
def bigquery_dataset(bigquery_emulator: BigQueryEmulator) -> str:
    """A dataset id no other test of the session uses (not created: the code under test does)."""
    return f"t{next(_datasets)}_national"
