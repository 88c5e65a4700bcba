"""The province side of the national roll-up: publish the judged tables after a sync that wrote.

Called once from the CLI after a real (not dry) sync, under the run lock. It never raises: a
failed publication is one warning line for the operator, remembered as pending, and tried again
by the next sync; the master's write is already done and stays. A sync that changed nothing,
with nothing pending, returns before importing anything: no request, no rewrite.

What was published is remembered beside the state (`national-publication.json`): the target,
each table's content hash (without `as_of`) and, through Drive, each file's id, so a changed
table is a new revision of the same file and an unchanged one is not sent at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any, Protocol

from gsync.config import Settings
from gsync.sync import SyncResult

log = logging.getLogger(__name__)

RECORD = "national-publication.json"


class Target(Protocol):
    """Where a province publishes: `put` one table's bytes; returns what to remember about it."""

    name: str

    def put(self, fiscal_year: int, code: str, table: str, data: bytes, known: dict[str, Any]) -> dict[str, Any]: ...


def partition(fiscal_year: int, code: str) -> str:
    return f"fiscal_year={fiscal_year}/province_code={code}"


class FolderTarget:
    """A local or mounted folder: each file written to a temporary name beside it, then renamed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = str(root)

    def put(self, fiscal_year: int, code: str, table: str, data: bytes, known: dict[str, Any]) -> dict[str, Any]:
        folder = self.root / partition(fiscal_year, code)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{table}.parquet"
        tmp = folder / f".{table}.parquet.tmp-{os.getpid()}"  # a reader skips dot files
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return {}


def province_code(settings: Settings) -> str:
    from gsync.errors import ConfigMismatch
    from gsync.national import codes

    assert settings.national is not None
    if settings.national.province_code:
        return settings.national.province_code
    code = codes.load().province_code(settings.province.name)
    if code is None:
        raise ConfigMismatch(f"[province] name {settings.province.name!r} is not a province GeoThai knows; "
                             "set [national] province_code to its two-digit DOPA code")
    return code


def _record_path(settings: Settings) -> Path:
    return settings.state.path.parent / RECORD


def _load_record(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_record(path: Path, record: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def target_for(settings: Settings) -> Target:
    nat = settings.national
    assert nat is not None
    if nat.path is not None:
        return FolderTarget(nat.path)
    from gsync.national.drive import DriveTarget

    assert nat.folder_id is not None
    return DriveTarget.from_settings(settings, nat.folder_id)


def after_sync(settings: Settings, result: SyncResult, now: dt.datetime, *, target: Target | None = None) -> int:
    """Publish when the sync changed something, or a publication is pending. Returns the number
    of files written (0 when nothing changed). Never raises."""
    nat = settings.national
    if nat is None:
        return 0
    where = str(nat.path) if nat.path is not None else f"drive:{nat.folder_id}"
    path = _record_path(settings)
    record = _load_record(path)
    same_place = record.get("where") == where and record.get("fiscal_year") == settings.fiscal_year
    if result.tabs_changed == 0 and same_place and not record.get("pending"):
        return 0  # nothing changed, nothing pending: not even pyarrow is imported
    try:
        written = _publish(settings, result, now, where, record if same_place else {}, target)
    except ImportError as e:
        log.warning("national publication needs the national extra (%s): run  .venv/bin/pip install -e "
                    "'.[national]'; the master is written, the next sync tries again", e.name)
        record["pending"] = True
        with contextlib.suppress(OSError):
            _save_record(path, record)
        return 0
    except Exception as e:  # noqa: BLE001 - the master is written; this waits for the next sync
        log.debug("details", exc_info=True)
        log.warning("national publication to %s failed (%s: %s); the master is written, the next sync tries again",
                    where, type(e).__name__, e)
        record["pending"] = True
        try:
            _save_record(path, record)
        except OSError:
            pass
        return 0
    return written


def _publish(settings: Settings, result: SyncResult, now: dt.datetime, where: str, record: dict[str, Any],
             target: Target | None) -> int:
    from gsync import __version__
    from gsync.national import SCHEMA_VERSION, codes, parquet
    from gsync.national.tables import content_hash, province_tables

    code = province_code(settings)
    tables = province_tables(settings, result.outcome, now, codes.load(), code)
    hashes: dict[str, str] = dict(record.get("hashes") or {})
    files: dict[str, Any] = dict(record.get("files") or {})
    todo = {name: rows for name, rows in tables.items() if hashes.get(name) != content_hash(rows)}
    out = target or (target_for(settings) if todo else None)
    for name, rows in todo.items():
        meta = {"schema_version": str(SCHEMA_VERSION), "table": name, "province_code": code,
                "province": settings.province.name, "fiscal_year": str(settings.fiscal_year),
                "as_of": now.astimezone(settings.tz).isoformat(timespec="seconds"),
                "timezone": settings.province.timezone, "gsync_version": __version__}
        assert out is not None
        files[name] = out.put(settings.fiscal_year, code, name, parquet.encode(name, rows, now, meta),
                              files.get(name) or {})
        hashes[name] = content_hash(rows)  # remembered only once written
        _save_record(_record_path(settings), {"where": where, "fiscal_year": settings.fiscal_year, "code": code,
                                              "hashes": hashes, "files": files, "pending": True})
    _save_record(_record_path(settings), {"where": where, "fiscal_year": settings.fiscal_year, "code": code,
                                          "hashes": hashes, "files": files, "pending": False})
    if todo:
        log.info("national: published %s for %s %s to %s", ", ".join(todo), settings.province.name,
                 partition(settings.fiscal_year, code), where)
    return len(todo)
