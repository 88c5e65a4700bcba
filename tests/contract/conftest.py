"""Fixtures of the contract suite: each is parameterised over the adapters of one port
(offline, and Google on the fake), so every test here runs once per adapter with the same
hand-written expectations, like singer-sdk's standard connector tests. The province they
read is `tiny.py`'s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gsync.ports import DriveSource, FormSource, MasterSink
from gsync.testing.province import load_demo_into_fake, write_mixed_config
from tests.contract.tiny import (
    Built,
    build_adapters,
    build_tiny,
    workbook_formulas,
    workbook_typist,
)


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[Built]:
    tiny = build_tiny(tmp_path / "tiny")
    config = write_mixed_config(tmp_path, None, {}, demo_dir=tiny, form="csv", drive="path", sheet="path")
    built, state = build_adapters(config)
    master = tmp_path / "master.xlsx"
    yield Built(built, state, config, lambda rel: (tiny / "inbox" / rel).unlink(),
                workbook_typist(master), workbook_formulas(master))
    state.close()


@pytest.fixture
def on_google(tmp_path: Path, google_server: tuple[Any, str]) -> Iterator[Built]:
    fake, base_url = google_server
    tiny = build_tiny(tmp_path / "tiny")
    ids = load_demo_into_fake(fake, tiny)
    config = write_mixed_config(tmp_path, base_url, ids, demo_dir=tiny, service_account=fake)
    built, state = build_adapters(config)
    sid = ids["spreadsheet_id"]
    yield Built(built, state, config, lambda rel: fake.drive_delete(ids["files"][rel]),
                lambda tab, cell, text: fake.sheet_set_cell(sid, tab, cell, text),
                lambda tab: fake.sheet_formulas(sid, tab))
    state.close()


@pytest.fixture(params=["offline", "google"])
def built(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue("offline" if request.param == "offline" else "on_google")


@pytest.fixture
def form_source(built: Built) -> FormSource:
    assert built.adapters.form is not None
    return built.adapters.form


@pytest.fixture
def drive_source(built: Built) -> DriveSource:
    assert built.adapters.drive is not None
    return built.adapters.drive


@pytest.fixture
def master_sink(built: Built) -> MasterSink:
    return built.adapters.sink
