"""`gsync doctor` for the national roll-up: a department's national.toml, and a province's [national].

Reads only. The national config: the publications folder (or Drive folder), the cache's folder,
the summary's folder, and with [bigquery] the dataset and the permission to run jobs (a dry-run
query, which BigQuery answers without running or billing anything).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gsync.national.config import NationalSettings, load_national


def is_national_config(path: Path) -> bool:
    """A national.toml: a [national] section and no [province]."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return "national" in data and "province" not in data


def run_national_doctor(path: Path, check: Callable[..., Any]) -> list[Any]:
    settings = load_national(path)
    nat = settings.national
    out = [check(True, f"national config {settings.source_file}: stale after {nat.stale_days:g} day(s)"
                 + (f", fiscal year {nat.fiscal_year}" if nat.fiscal_year else ", every fiscal year found"))]
    if nat.path is not None:
        years = sorted(p.name for p in nat.path.glob("fiscal_year=*") if p.is_dir())
        provinces = {p.name for y in nat.path.glob("fiscal_year=*") for p in y.glob("province_code=*")}
        out.append(check(True, f"[national] path {nat.path}: {len(provinces)} province(s) published, "
                               f"{', '.join(years) or 'no fiscal year yet'}"))
    else:
        out.append(_drive_folder(settings, check))
    out.append(_writable(nat.cache, "[national] cache", check))
    if settings.sheet is not None and settings.sheet.path is not None:
        out.append(_writable(settings.sheet.path.parent, "[sheet] path's folder", check))
    if settings.bigquery is not None:
        out += _bigquery(settings, check)
    return out


def _writable(folder: Path, key: str, check: Callable[..., Any]) -> Any:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.is_dir() and os.access(probe, os.W_OK):
        return check(True, f"{key} {folder}: writable")
    return check(False, f"{key} {folder}: cannot be written", f"create {folder} writable by the user gsync runs as")


def _drive_folder(settings: NationalSettings, check: Callable[..., Any]) -> Any:
    from gsync.national.drive import DriveSource

    fid = settings.national.folder_id
    try:
        src = DriveSource.from_settings(settings, fid or "")
        got = src.google.drive.files().get(fileId=fid, fields="id,name,mimeType", supportsAllDrives=True).execute()
    except Exception as e:  # noqa: BLE001 - one line for the operator
        return check(False, f"[national] folder_id {fid}: cannot be read ({type(e).__name__}: {str(e)[:160]})",
                     "share the folder with the account in [google] credentials (Viewer is enough here)")
    if got.get("mimeType") != "application/vnd.google-apps.folder":
        return check(False, f"[national] folder_id {fid}: {got.get('name')!r} is not a folder", "use the folder's id")
    return check(True, f"[national] folder_id {fid}: the folder {got.get('name')!r}")


def _bigquery(settings: NationalSettings, check: Callable[..., Any]) -> list[Any]:
    from google.api_core import exceptions
    from google.cloud import bigquery

    from gsync.national.bigquery import client, store_error

    cfg = settings.bigquery
    assert cfg is not None
    where = f"[bigquery] {cfg.project}.{cfg.dataset}"
    out = []
    try:
        bq = client(cfg)
        try:
            ds = bq.get_dataset(f"{cfg.project}.{cfg.dataset}")
            tables = sorted(t.table_id for t in bq.list_tables(ds) if not t.table_id.startswith("_stage_"))
            out.append(check(True, f"{where}: the dataset ({', '.join(tables) or 'no table yet'})"))
        except exceptions.NotFound:
            out.append(check(True, f"{where}: no dataset yet; the first national run creates it",
                             "the account needs BigQuery Data Editor to create it"))
        job = bq.query("SELECT 1", job_config=bigquery.QueryJobConfig(dry_run=True, use_query_cache=False))
        out.append(check(True, f"{where}: may run jobs (a dry-run query, {job.total_bytes_processed or 0} bytes)"))
    except exceptions.GoogleAPICallError as e:
        err = store_error(e, cfg)
        out.append(check(False, f"{where}: {str(err).split('; ', 1)[0]}", str(err).split("; ", 1)[-1]))
    except Exception as e:  # noqa: BLE001 - credentials, network: one line
        out.append(check(False, f"{where}: cannot reach BigQuery ({type(e).__name__}: {str(e)[:160]})",
                         "check [bigquery] credentials and endpoint, and the network"))
    return out


def province_checks(settings: Any, check: Callable[..., Any]) -> list[Any]:
    """A province's [national]: where it publishes (a folder that must exist and be writable)."""
    nat = settings.national
    if nat is None:
        return []
    from gsync.national.publish import province_code

    out = []
    try:
        code = province_code(settings)
        out.append(check(True, f"[national] province code {code} ({settings.province.name})"))
    except Exception as e:  # noqa: BLE001 - ConfigMismatch: one line
        out.append(check(False, f"[national] {e}", "set [national] province_code"))
    if nat.path is not None:
        ok = nat.path.is_dir() and os.access(nat.path, os.W_OK)
        out.append(check(ok, f"[national] path {nat.path}: " + ("a writable folder" if ok else "not a writable folder"),
                         "" if ok else "mount the department's shared folder there, or fix the path"))
    return out
