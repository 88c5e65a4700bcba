"""Issue 13: a rerun does not rebuild holidays.Thailand (which imports every country the package
knows); the state keeps the Thai public holidays the last run computed, with the version of the
holidays package that computed them, and an upgrade of the package asks it again."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import holidays
import pytest
from click.testing import CliRunner

from gsync import demo, thai_calendar
from gsync.cli import main

NOW = "2025-04-20T09:00:00+07:00"
A_WEDNESDAY = dt.date(2031, 8, 20)  # no Thai public holiday


@pytest.fixture()
def clean_calendar() -> Iterator[None]:
    """The module's tables are per process: start from none, and leave none behind."""
    def clear() -> None:
        thai_calendar._REMEMBERED.clear()
        thai_calendar._LOOKED_UP.clear()
        thai_calendar._thai_public_holidays.cache_clear()
    clear()
    yield
    clear()


def test_a_sync_keeps_the_holidays_it_computed_in_the_state(tmp_path: Path) -> None:
    config, _ = demo.build(tmp_path / "demo")
    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--now", NOW], catch_exceptions=False)
    assert result.exit_code in (0, 4), result.output
    with sqlite3.connect(tmp_path / "demo" / ".gsync" / "state.sqlite") as db:
        (text,) = db.execute("SELECT value FROM kv WHERE key = 'thai_holidays'").fetchone()
    saved = json.loads(text)
    assert saved["holidays"] == holidays.__version__
    # 2025: Chakri Day fell on a Sunday (in lieu Mon 7 Apr), Songkran 13-15 Apr (in lieu 16 Apr),
    # Constitution Day Wed 10 Dec
    assert {"2025-04-07", "2025-04-13", "2025-04-16", "2025-12-10"} <= set(saved["years"]["2025"])
    assert "2025-04-17" not in saved["years"]["2025"]


def test_remembered_holidays_of_the_same_version_are_used(clean_calendar: None) -> None:
    thai_calendar.remember_holidays({"holidays": holidays.__version__, "years": {"2031": [A_WEDNESDAY.isoformat()]}})
    assert thai_calendar.WorkCalendar().is_working_day(A_WEDNESDAY) is False
    assert thai_calendar.holidays_seen() == {"holidays": holidays.__version__, "years": {"2031": ["2031-08-20"]}}


def test_holidays_of_another_package_version_are_asked_again(clean_calendar: None) -> None:
    thai_calendar.remember_holidays({"holidays": "0.0", "years": {"2031": [A_WEDNESDAY.isoformat()]}})
    assert thai_calendar.WorkCalendar().is_working_day(A_WEDNESDAY) is True


@pytest.mark.parametrize("damaged", [None, [], {"holidays": holidays.__version__, "years": {"20x1": ["2031-08-20"]}},
                                     {"holidays": holidays.__version__, "years": {"2031": ["20 ส.ค. 2574"]}},
                                     {"holidays": holidays.__version__, "years": "2031"}])
def test_a_damaged_saved_table_is_ignored(clean_calendar: None, damaged: object) -> None:
    thai_calendar.remember_holidays(damaged)
    assert thai_calendar.WorkCalendar().is_working_day(A_WEDNESDAY) is True
