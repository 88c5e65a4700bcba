"""`gsync national` behind the click command (gsync/cli.py holds only the options)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gsync.config import ConfigError
from gsync.national.config import load_national
from gsync.national.run import NationalResult, run

log = logging.getLogger("gsync")

EXIT_ATTENTION = 4


def national(config_path: Path, now_text: str | None, as_json: bool, *, parse_now: Callable[..., dt.datetime]) -> int:
    import importlib.util

    for module in ("duckdb", "pyarrow"):  # found, not imported: a run with nothing new needs neither
        if importlib.util.find_spec(module) is None:
            raise ConfigError(f"gsync national needs the national extra ({module} is missing): run  "
                              ".venv/bin/pip install -e '.[national]'")
    settings = load_national(config_path)
    if settings.bigquery is not None:
        try:
            from google.cloud import bigquery  # noqa: F401
        except ImportError:
            raise ConfigError("[bigquery] needs the bigquery extra: run  .venv/bin/pip install -e "
                              "'.[national,bigquery]'") from None
    now = parse_now(now_text, settings.national)
    from gsync import runner

    cache = settings.national.cache
    cache.mkdir(parents=True, exist_ok=True)
    # one national run at a time (the timer's and one by hand): the runner's lock, beside the cache
    with runner.locked(cache / runner.LOCK_NAME):
        return _run(settings, now, as_json)


def _run(settings: Any, now: dt.datetime, as_json: bool) -> int:
    result = run(settings, now)
    for p in result.document["problems"]:
        click.echo(f"gsync: national: {p['file']}: {p['reason']}", err=True)
    if settings.sheet is not None and settings.sheet.spreadsheet_id is not None:
        log.warning("the national summary is a workbook for now: [sheet] spreadsheet_id is not written; "
                    "set [sheet] path = \"national.xlsx\" (or open the workbook in Google Sheets)")
    if settings.sheet is not None and settings.sheet.path is not None:
        from gsync.national.summary import write_summary

        if write_summary(settings, result, now):
            log.info("national summary written: %s", settings.sheet.path)
    if as_json:
        click.echo(json.dumps(result.document, ensure_ascii=False, indent=2, default=str))
    else:
        _print(result)
    return EXIT_ATTENTION if result.document["problems"] else 0


def _pct(x: Any) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _print(result: NationalResult) -> None:
    doc = result.document
    click.echo(f"national as of {doc['as_of']}: {len(doc['provinces'])} publication(s), "
               f"{len(doc['unpublished'])} province-year(s) never published")
    for p in doc["provinces"]:
        qs = "  ".join(f"Q{q['quarter']} {q['received']}/{q['expected']} ({_pct(q['reporting_rate'])})"
                       for q in p["quarters"])
        click.echo(f"  {p['province']} ({p['province_code']}) {p['fiscal_year']} as of {p['as_of']}"
                   f"{' STALE' if p['stale'] else ''}: {qs}")
    for n in doc["nation"]:
        click.echo(f"  nation {n['fiscal_year']} Q{n['quarter']}: {n['received']}/{n['expected']} "
                   f"({_pct(n['reporting_rate'])}), on time {n['on_time']}, {n['provinces']} province(s)")
    click.echo(f"  missing district reports: {len(doc['missing'])}")
