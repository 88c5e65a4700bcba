"""`gsync national`: take in every publication, compute the figures, print or write them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gsync.national import codes as dopa
from gsync.national.compute import QUERIES, DuckDBEngine, Engine
from gsync.national.config import NationalSettings
from gsync.national.read import MANIFEST, FolderSource, Intake, Publication, Source, intake

log = logging.getLogger(__name__)

RATE_KEYS = ("quarter", "districts", "expected", "received", "on_time", "complete", "reporting_rate",
             "on_time_rate", "centres_active", "centres_expected", "due", "accepted", "returned", "not_yet_due")


@dataclass
class NationalResult:
    document: dict[str, Any]
    intake: Intake
    figures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    publications: list[Publication] = field(default_factory=list)
    loads: int = 0  # BigQuery load jobs this run started
    figures_key: str | None = None  # what the figures were computed from (None: not kept)


def source_for(settings: NationalSettings) -> Source:
    nat = settings.national
    if nat.path is not None:
        return FolderSource(nat.path)
    from gsync.national.drive import DriveSource

    assert nat.folder_id is not None
    return DriveSource.from_settings(settings, nat.folder_id)


def run(settings: NationalSettings, now: dt.datetime, *, source: Source | None = None,
        engine: Engine | None = None) -> NationalResult:
    nat = settings.national
    codes = dopa.load()
    got = intake(source or source_for(settings), nat.cache, codes)
    pubs = [p for p in got.publications if nat.fiscal_year is None or p.fiscal_year == nat.fiscal_year]
    files = {t: [p.files[t] for p in pubs if t in p.files] for t in ("reports", "activities", "centres")}
    loads = 0
    if settings.bigquery is not None and engine is None:
        loads, engine = _bigquery(settings, got)
    key = _figures_key(nat.cache, nat.fiscal_year, engine)
    figures = _cached_figures(nat.cache, key) if not got.changed else None
    if figures is None:
        own = engine is None
        eng: Any = engine or DuckDBEngine(files)
        try:
            figures = {name: eng.query(name) for name in QUERIES}
        finally:
            if own:
                eng.close()
        _save_figures(nat.cache, key, figures)
    doc = document(settings, now, pubs, figures, got, codes)
    return NationalResult(doc, got, figures, pubs, loads, key)


FIGURES = "figures.json"


def _bigquery(settings: NationalSettings, got: Intake) -> tuple[int, Engine | None]:
    """Load what is new into BigQuery; the engine to compute with when `engine = "bigquery"`.
    A failed load with the in-process engine is one problem line (exit 4), the figures still come."""
    from google.api_core import exceptions

    from gsync.national.bigquery import BigQueryEngine, BigQueryStore, store_error

    cfg = settings.bigquery
    assert cfg is not None
    try:
        store = BigQueryStore(cfg)
        loads = store.sync(settings.national.cache, got.files)
    except exceptions.GoogleAPICallError as e:
        err = store_error(e, cfg)
        if cfg.engine == "bigquery":
            raise err from None
        got.problems.append({"province_code": "", "file": f"bigquery:{cfg.project}.{cfg.dataset}", "reason": str(err)})
        return 0, None
    if loads:
        log.info("bigquery: %d load job(s) into %s.%s", loads, cfg.project, cfg.dataset)
    return loads, (BigQueryEngine(store, settings.national.fiscal_year) if cfg.engine == "bigquery" else None)


def _figures_key(cache: Path, fiscal_year: int | None, engine: Engine | None) -> str | None:
    """What the figures were computed from: the cache's manifest (and the year filter)."""
    try:
        manifest = (cache / MANIFEST).read_bytes()
    except OSError:
        return None
    name = engine.name if engine is not None else "duckdb"
    return hashlib.sha256(manifest + f"|{fiscal_year}|{name}".encode()).hexdigest()


def _cached_figures(cache: Path, key: str | None) -> dict[str, list[dict[str, Any]]] | None:
    """Nothing new since the last run: its figures, without asking the engine again."""
    if key is None:
        return None
    try:
        data = json.loads((cache / FIGURES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("figures") if isinstance(data, dict) and data.get("key") == key else None


def _save_figures(cache: Path, key: str | None, figures: dict[str, list[dict[str, Any]]]) -> None:
    if key is None:
        return
    try:
        tmp = cache / f".{FIGURES}.tmp"
        tmp.write_text(json.dumps({"key": key, "figures": figures}, default=str, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache / FIGURES)
    except OSError as e:  # the next run computes them again
        log.warning("cannot keep the national figures in %s (%s); the next run computes them again", cache, e.strerror)


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    expected, received, on_time = int(row["expected"]), int(row["received"]), int(row["on_time"])
    out: dict[str, Any] = {k: int(row[k]) for k in ("quarter", "districts", "expected", "received", "on_time", "complete",
                                    "centres_active", "centres_expected", "due", "accepted", "returned")}
    out["reporting_rate"] = received / expected if expected else None
    out["on_time_rate"] = on_time / expected if expected else None
    out["not_yet_due"] = not int(row["any_due"])
    return {k: out[k] for k in RATE_KEYS}


def document(settings: NationalSettings, now: dt.datetime, pubs: list[Publication],
             figures: dict[str, list[dict[str, Any]]], got: Intake, codes: dopa.Codes) -> dict[str, Any]:
    nat = settings.national
    tz = nat.tz
    by_key: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in figures["rates"]:
        by_key.setdefault((int(row["fiscal_year"]), str(row["province_code"])), []).append(_rates(row))
    provinces: list[dict[str, Any]] = []
    for p in pubs:
        quarters = by_key.get((p.fiscal_year, p.code), [])
        stale = p.as_of is None or p.as_of < now - dt.timedelta(days=nat.stale_days)
        provinces.append({"province": p.province, "province_code": p.code, "fiscal_year": p.fiscal_year,
                          "as_of": p.as_of.isoformat(timespec="seconds") if p.as_of else None,
                          "stale": stale, "quarters": quarters})
    nation = []
    for fy in sorted({p["fiscal_year"] for p in provinces}):
        for q in (1, 2, 3, 4):
            rows = [x for p in provinces if p["fiscal_year"] == fy for x in p["quarters"] if x["quarter"] == q]
            if not rows:
                continue
            s = {k: sum(x[k] for x in rows) for k in ("districts", "expected", "received", "on_time", "complete")}
            nation.append({"fiscal_year": fy, "quarter": q, "provinces": len(rows), **s,
                           "reporting_rate": s["received"] / s["expected"] if s["expected"] else None,
                           "on_time_rate": s["on_time"] / s["expected"] if s["expected"] else None})
    today = now.astimezone(tz).date()
    missing = [{"province": r["province"], "province_code": r["province_code"], "district": r["district"],
                "district_code": r["district_code"], "fiscal_year": int(r["fiscal_year"]), "quarter": int(r["quarter"]),
                "deadline": _date(r["deadline"]).isoformat(), "days_late": (today - _date(r["deadline"])).days}
               for r in figures["missing"]]
    expected = {c: codes.provinces.get(c, c) for c in nat.provinces} if nat.provinces else codes.department_provinces()
    years: list[int | None] = [*sorted({p.fiscal_year for p in pubs})] or [nat.fiscal_year]  # None: no year yet
    published = {(p.fiscal_year, p.code) for p in pubs}
    unpublished = [{"fiscal_year": fy, "province_code": c, "province": n}
                   for fy in years for c, n in sorted(expected.items()) if (fy, c) not in published]
    return {"as_of": now.astimezone(tz).isoformat(timespec="seconds"), "provinces": provinces, "nation": nation,
            "missing": missing, "unpublished": unpublished, "problems": got.problems}


def _date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else dt.date.fromisoformat(str(v)[:10])
