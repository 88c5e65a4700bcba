"""The national store on BigQuery (`[bigquery]`, extra gsync[bigquery]): load jobs only.

Every publication file the national run took in is loaded once: into a staging table of its own
(`_stage_<table>_<fiscal year>_<province code>`, WRITE_TRUNCATE) by a load job whose id is
deterministic (the table, the partition, this content's stamp and the stamp loaded before it:
real BigQuery refuses a reused id, so a rerun that lost its record cannot load twice), then the
province's rows in `reports` / `activities` / `centres` are replaced from it (a DELETE and an
INSERT ... SELECT, both query jobs). What was loaded is remembered in the cache
(`bigquery.json`): a run with nothing new starts no job at all. Never a streaming insert.

`engine = "bigquery"`: the same SQL as DuckDB's (gsync.national.compute) runs as query jobs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from gsync.errors import SourceError
from gsync.national import TABLES
from gsync.national.compute import QUERIES
from gsync.national.config import BigQueryCfg
from gsync.national.tables import COLUMNS

log = logging.getLogger(__name__)

RECORD = "bigquery.json"
_BQ_TYPES = {"str": "STRING", "int": "INT64", "float": "FLOAT64", "bool": "BOOL", "date": "DATE",
             "timestamp": "TIMESTAMP"}
_PART = re.compile(r"^fiscal_year=(\d{4})/province_code=(\d{2})/(\w+)\.parquet$")
SCOPES = ("https://www.googleapis.com/auth/bigquery",)


def client(cfg: BigQueryCfg) -> Any:
    from google.api_core.client_options import ClientOptions
    from google.cloud import bigquery

    creds: Any = None
    if cfg.credentials is not None:
        from gsync.google.clients import load_credentials

        creds = load_credentials(cfg.credentials, SCOPES)
    elif cfg.endpoint:
        from google.auth.credentials import AnonymousCredentials

        creds = AnonymousCredentials()  # an emulator: calls are anonymous
    options = ClientOptions(api_endpoint=cfg.endpoint) if cfg.endpoint else None
    return bigquery.Client(project=cfg.project, credentials=creds, location=cfg.location, client_options=options)


def schema(table: str) -> list[Any]:
    from google.cloud import bigquery

    return [bigquery.SchemaField(name, _BQ_TYPES[kind]) for name, kind in COLUMNS[table].items()]


class BigQueryStore:
    def __init__(self, cfg: BigQueryCfg, bq: Any | None = None) -> None:
        self.cfg = cfg
        self.bq = bq or client(cfg)
        self.dataset = f"{cfg.project}.{cfg.dataset}"
        self.loads = 0

    def table(self, name: str) -> str:
        return f"`{self.dataset}.{name}`"

    def ensure(self) -> None:
        """The dataset and the three tables (bqemulator, like a fresh project, has neither)."""
        from google.cloud import bigquery

        ds = bigquery.Dataset(self.dataset)
        ds.location = self.cfg.location
        self.bq.create_dataset(ds, exists_ok=True)
        for name in TABLES:
            self.bq.create_table(bigquery.Table(f"{self.dataset}.{name}", schema=schema(name)), exists_ok=True)

    def sync(self, cache: Path, manifest_files: dict[str, Any]) -> int:
        """Load every cached publication whose stamp was not loaded yet; returns the load jobs run."""
        record_path = cache / RECORD
        try:
            record: dict[str, Any] = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        loaded: dict[str, str] = record.get(self.dataset, {})
        todo = [(rel, info["stamp"]) for rel, info in sorted(manifest_files.items())
                if loaded.get(rel) != info.get("stamp") and (cache / rel).is_file() and _PART.match(rel)]
        if not todo:
            return 0
        self.ensure()
        for rel, stamp in todo:
            self._load(cache / rel, rel, stamp, loaded.get(rel, ""))
            loaded[rel] = stamp
            record[self.dataset] = loaded
            tmp = record_path.with_name(RECORD + ".tmp")
            tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
            tmp.replace(record_path)
        return len(todo)

    def _load(self, path: Path, rel: str, stamp: str, before: str) -> None:
        from google.api_core import exceptions
        from google.cloud import bigquery

        m = _PART.match(rel)
        assert m is not None
        fy, code, name = int(m.group(1)), m.group(2), m.group(3)
        stage = f"{self.dataset}._stage_{name}_{fy}_{code}"
        digest = hashlib.sha256(f"{stamp}|{before}".encode()).hexdigest()[:24]
        job_id = f"gsync_load_{name}_{fy}_{code}_{digest}"
        config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.PARQUET, schema=schema(name),
                                        write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE)
        self.bq.create_table(bigquery.Table(stage, schema=schema(name)), exists_ok=True)
        try:
            with open(path, "rb") as f:
                self.bq.load_table_from_file(f, stage, job_id=job_id, job_config=config).result()
            self.loads += 1
        except exceptions.Conflict:  # this very content was loaded into the stage by an earlier run
            log.info("bigquery: load job %s ran before; replacing the rows from its stage", job_id)
        cols = ", ".join(COLUMNS[name])
        params = [bigquery.ScalarQueryParameter("fy", "INT64", fy), bigquery.ScalarQueryParameter("code", "STRING", code)]
        qc = bigquery.QueryJobConfig(query_parameters=params)
        target = self.table(name)
        self.bq.query(f"DELETE FROM {target} WHERE fiscal_year = @fy AND province_code = @code",  # noqa: S608 - identifiers from the config
                      job_config=qc).result()
        self.bq.query(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM `{stage}`", job_config=qc).result()  # noqa: S608


class BigQueryEngine:
    """The national figures as query jobs in BigQuery (the same SQL as DuckDB's)."""

    name = "bigquery"

    def __init__(self, store: BigQueryStore, fiscal_year: int | None = None) -> None:
        self.store = store
        self.fiscal_year = fiscal_year

    def query(self, which: str) -> list[dict[str, Any]]:
        tables = {t: self._source(t) for t in TABLES}
        rows = self.store.bq.query(QUERIES[which].format(**tables)).result()
        return [dict(r.items()) for r in rows]

    def _source(self, name: str) -> str:
        if self.fiscal_year is None:
            return self.store.table(name)
        return f"(SELECT * FROM {self.store.table(name)} WHERE fiscal_year = {int(self.fiscal_year)})"  # noqa: S608

    def close(self) -> None:
        pass


def store_error(e: Exception, cfg: BigQueryCfg) -> SourceError:
    """One line for the operator from a BigQuery failure."""
    status = getattr(e, "code", None)
    what = getattr(e, "message", None) or str(e)
    fix = {403: "give the account the roles BigQuery Data Editor and BigQuery Job User on the project",
           404: f"check [bigquery] project = {cfg.project!r} and dataset = {cfg.dataset!r}"}.get(
        status if isinstance(status, int) else 0, "check [bigquery] and the network, and run gsync national again")
    return SourceError(f"BigQuery {cfg.project}.{cfg.dataset}: {what.splitlines()[0][:200]}; {fix}")
