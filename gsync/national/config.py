"""`national.toml`: the department's config for `gsync national` (contract section 10)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gsync.config import ConfigError, GoogleCfg, SheetCfg


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NationalCfg(_Section):
    path: Path | None = None  # the folder the provinces publish into
    folder_id: str | None = None  # or the Drive folder
    fiscal_year: int | None = Field(None, ge=2500, le=2700)  # default: every year found
    stale_days: float = Field(2, ge=0)
    timezone: str = "Asia/Bangkok"
    cache: Path = Path(".gsync-national")  # the last good copy of every publication, and what was read
    provinces: list[str] | None = None  # the DOPA codes expected to publish; default: all 76
    centres_target: int = Field(7036, ge=0)  # the department's target for the whole country

    @model_validator(mode="after")
    def _one_of(self) -> NationalCfg:
        if (self.path is None) == (self.folder_id is None):
            raise ValueError("set exactly one of 'path' or 'folder_id'")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class BigQueryCfg(_Section):
    project: str
    dataset: str = "gsync"
    location: str = "asia-southeast1"
    credentials: Path | None = None
    endpoint: str | None = None
    engine: Literal["duckdb", "bigquery"] = "duckdb"


class NationalSettings(_Section):
    national: NationalCfg
    sheet: SheetCfg | None = None
    google: GoogleCfg = GoogleCfg()
    bigquery: BigQueryCfg | None = None
    source_file: Path | None = None


def load_national(path: Path) -> NationalSettings:
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found; pass --config with the path of national.toml") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the config ({e}); save it as UTF-8 TOML") from None
    try:
        s = NationalSettings.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{path}: unknown key `{loc}`; see docs/national.md for the keys") from None
        raise ConfigError(f"{path}: {loc}: {err['msg'].removeprefix('Value error, ')}") from None
    base = path.resolve().parent

    def rel(p: Path | None) -> Path | None:
        return None if p is None or p.is_absolute() else base / p

    nat = s.national.model_copy(update={k: v for k, v in (("path", rel(s.national.path)),
                                                          ("cache", rel(s.national.cache))) if v is not None})
    updates: dict[str, object] = {"national": nat, "source_file": path.resolve()}
    if s.sheet is not None and s.sheet.path is not None and rel(s.sheet.path) is not None:
        updates["sheet"] = s.sheet.model_copy(update={"path": rel(s.sheet.path)})
    if s.google.credentials is not None and rel(s.google.credentials) is not None:
        updates["google"] = s.google.model_copy(update={"credentials": rel(s.google.credentials)})
    if s.bigquery is not None and s.bigquery.credentials is not None and rel(s.bigquery.credentials) is not None:
        updates["bigquery"] = s.bigquery.model_copy(update={"credentials": rel(s.bigquery.credentials)})
    if nat.path is not None and not nat.path.is_dir():
        raise ConfigError(f"{path}: [national] path {nat.path} is not a folder; mount or create it, or fix the path")
    return s.model_copy(update=updates)
