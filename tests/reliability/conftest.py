"""Fixtures of the reliability suite.

`measured` records a test's measured outcome (fault, runs survived, rows lost, rows duplicated)
into the JSON-lines file named by GSYNC_RELIABILITY_REPORT, when it is set; report.py turns
that file into docs/reliability.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from .support import Tabs, build, run_sync, tabs

REPORT_ENV = "GSYNC_RELIABILITY_REPORT"

Record = Callable[..., None]


@pytest.fixture()
def measured(request: pytest.FixtureRequest) -> Record:
    """measured(fault_class, fault, runs=..., lost=..., duplicated=..., outcome=...)"""

    def record(fault_class: str, fault: str, *, runs: int, lost: int | None, duplicated: int | None,
               outcome: str = "") -> None:
        path = os.environ.get(REPORT_ENV)
        if not path:
            return
        entry = {
            "class": fault_class, "fault": fault, "runs": runs, "lost": lost, "duplicated": duplicated,
            "outcome": outcome, "test": request.node.nodeid,
        }
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    return record


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:  # type: ignore[type-arg]
    """With GSYNC_RELIABILITY_REPORT set, also record each test's result (and an xfail's reason)."""
    outcome = yield
    rep = outcome.get_result()  # type: ignore[attr-defined]
    path = os.environ.get(REPORT_ENV)
    if not path or rep.when != "call" and not (rep.when == "setup" and rep.outcome != "passed"):
        return
    xfail = getattr(rep, "wasxfail", None)
    result = ("xfailed" if rep.skipped else "xpassed") if xfail is not None else rep.outcome
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"result": result, "reason": xfail or "", "test": item.nodeid}, ensure_ascii=False) + "\n")


@pytest.fixture(scope="session")
def clean_master(tmp_path_factory: pytest.TempPathFactory) -> Tabs:
    """The demo province synced once, cleanly: the reference every faulted run is compared to."""
    settings = build(tmp_path_factory.mktemp("clean") / "province")
    run_sync(settings)
    assert settings.sheet.path is not None
    return tabs(settings.sheet.path)


@pytest.fixture(scope="session")
def clean_status(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`gsync status --json` of the clean demo province."""
    from .support import status

    settings = build(tmp_path_factory.mktemp("clean-status") / "province")
    run_sync(settings)
    return status(settings)


def master_of(settings) -> Path:  # type: ignore[no-untyped-def]
    assert settings.sheet.path is not None
    return settings.sheet.path
