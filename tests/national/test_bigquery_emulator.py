"""The path the national roll-up takes into BigQuery, with the real google-cloud-bigquery client
over HTTP against bqemulator (behind gsync.testing.bigquery's job-id layer): a dataset, a table
with a schema, a Parquet file written with pyarrow loaded by a LOAD job with a given job id, the
counts queried back, and a reused job id refused as real BigQuery refuses it (409 duplicate)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from google.api_core import exceptions
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from gsync.testing.bigquery import BigQueryEmulator

AS_OF = dt.datetime(2025, 4, 20, 2, 0, tzinfo=dt.UTC)
SCHEMA = [
    bigquery.SchemaField("province_code", "STRING", mode="REQUIRED"),
    bigquery.SchemaField("district_code", "STRING", mode="REQUIRED"),
    bigquery.SchemaField("district", "STRING"),
    bigquery.SchemaField("quarter", "INT64", mode="REQUIRED"),
    bigquery.SchemaField("received", "BOOL"),
    bigquery.SchemaField("as_of", "TIMESTAMP"),
]


def reports_parquet(path: Path, rows: list[tuple[str, str, str, int, bool]]) -> Path:
    table = pa.table({
        "province_code": [r[0] for r in rows],
        "district_code": [r[1] for r in rows],
        "district": [r[2] for r in rows],
        "quarter": pa.array([r[3] for r in rows], pa.int64()),
        "received": [r[4] for r in rows],
        "as_of": pa.array([AS_OF] * len(rows), pa.timestamp("us", tz="UTC")),
    })
    pq.write_table(table, path)
    return path


LAMPANG = [("52", "5201", "เมืองลำปาง", 1, True), ("52", "5201", "เมืองลำปาง", 2, False),
           ("52", "5204", "งาว", 1, True)]
NAN = [("55", "5501", "เมืองน่าน", 1, False), ("55", "5501", "เมืองน่าน", 2, False)]


def client_for(emu: BigQueryEmulator) -> bigquery.Client:
    """As production code builds it, pointed at the emulator."""
    return bigquery.Client(project=emu.project, credentials=AnonymousCredentials(),
                           client_options=ClientOptions(api_endpoint=emu.endpoint))


def load(client: bigquery.Client, path: Path, table: str, job_id: str, *, sized: bool = False) -> bigquery.LoadJob:
    """A LOAD job from a local file: a resumable upload, or with `sized` a multipart one (the
    client's choice for a file under 5 MB whose size it is told)."""
    config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.PARQUET,
                                    write_disposition=bigquery.WriteDisposition.WRITE_APPEND)
    with path.open("rb") as f:
        size = path.stat().st_size if sized else None
        job = client.load_table_from_file(f, table, job_id=job_id, job_config=config, size=size)
    job.result(timeout=60)
    return job


def counts(client: bigquery.Client, table: str) -> list[tuple[str, int, int]]:
    sql = (f"SELECT province_code, COUNT(*) AS n, COUNTIF(received) AS received FROM `{table}` "  # noqa: S608
           "GROUP BY province_code ORDER BY province_code")
    return [(r["province_code"], r["n"], r["received"]) for r in client.query(sql).result(timeout=60)]


def test_dataset_table_parquet_load_with_a_job_id_and_counts(bigquery_emulator: BigQueryEmulator,
                                                             bigquery_dataset: str, tmp_path: Path) -> None:
    emu = bigquery_emulator
    client = client_for(emu)
    client.create_dataset(bigquery_dataset)
    table_id = f"{emu.project}.{bigquery_dataset}.reports"
    client.create_table(bigquery.Table(table_id, schema=SCHEMA))
    assert [f.name for f in client.get_table(table_id).schema] == [
        "province_code", "district_code", "district", "quarter", "received", "as_of"]

    job = load(client, reports_parquet(tmp_path / "52.parquet", LAMPANG), table_id, "gsync_2568_52_reports_0a1b2c")
    assert (job.job_id, job.state, job.error_result, job.output_rows) == ("gsync_2568_52_reports_0a1b2c", "DONE", None, 3)
    assert client.get_job("gsync_2568_52_reports_0a1b2c").state == "DONE"  # by the id the client chose
    job = load(client, reports_parquet(tmp_path / "55.parquet", NAN), table_id, "gsync_2568_55_reports_9f8e7d",
               sized=True)
    assert job.job_id == "gsync_2568_55_reports_9f8e7d"

    assert counts(client, table_id) == [("52", 3, 2), ("55", 2, 0)]
    assert emu.jobs_inserted("load")[-2:] == ["gsync_2568_52_reports_0a1b2c", "gsync_2568_55_reports_9f8e7d"]
    uploads = [(c.method, c.path, c.status) for c in emu.calls if c.path.startswith("/upload/")][-3:]
    assert uploads == [("POST", f"/upload/bigquery/v2/projects/{emu.project}/jobs", 200),  # resumable: start
                       ("PUT", f"/upload/bigquery/v2/projects/{emu.project}/jobs", 200),  # ... and the bytes
                       ("POST", f"/upload/bigquery/v2/projects/{emu.project}/jobs", 200)]  # multipart
    got = list(client.query(f"SELECT district FROM `{table_id}` WHERE district_code = '5204'").result())  # noqa: S608
    assert [r["district"] for r in got] == ["งาว"]  # Thai survives Parquet, the load and the query


def test_a_reused_job_id_is_refused_and_loads_nothing(bigquery_emulator: BigQueryEmulator, bigquery_dataset: str,
                                                      tmp_path: Path) -> None:
    emu = bigquery_emulator
    client = client_for(emu)
    client.create_dataset(bigquery_dataset)
    table_id = f"{emu.project}.{bigquery_dataset}.reports"
    client.create_table(bigquery.Table(table_id, schema=SCHEMA))
    path = reports_parquet(tmp_path / "52.parquet", LAMPANG)
    job_id = f"gsync_{bigquery_dataset}_52_reports_0a1b2c"
    load(client, path, table_id, job_id)

    with pytest.raises(exceptions.Conflict) as refused:  # a rerun that reuses the id
        load(client, path, table_id, job_id)
    assert refused.value.code == 409
    assert refused.value.errors[0]["reason"] == "duplicate"
    assert f"Already Exists: Job {emu.project}:US.{job_id}" in str(refused.value)
    assert counts(client, table_id) == [("52", 3, 2)]  # the refused load added nothing
    assert emu.jobs_inserted("load").count(job_id) == 1
    assert [c.status for c in emu.calls if c.job_id == job_id] == [200, 409]

    # bqemulator alone would have run it twice: the refusal is the layer's
    with path.open("rb") as f:
        direct = bigquery.Client(project=emu.project, credentials=AnonymousCredentials(),
                                 client_options=ClientOptions(api_endpoint=emu.emulator_url))
        direct.load_table_from_file(f, table_id, job_id=job_id, job_config=bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.PARQUET)).result(timeout=60)
    assert counts(client, table_id) == [("52", 6, 4)]


def test_the_409_body_is_the_rest_apis(bigquery_emulator: BigQueryEmulator, bigquery_dataset: str) -> None:
    """jobs.insert by hand (a query job with a job id, twice): the second answer is BigQuery's
    error format, reason `duplicate`; an id with characters BigQuery does not allow is `invalid`."""
    emu = bigquery_emulator

    def insert(job_id: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        body = {"jobReference": {"projectId": emu.project, "jobId": job_id},
                "configuration": {"query": {"query": "SELECT 1", "useLegacySql": False}}}
        req = urllib.request.Request(f"{emu.endpoint}/bigquery/v2/projects/{emu.project}/jobs",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - loopback
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    job_id = f"gsync_{bigquery_dataset}_probe"
    status, first = insert(job_id)
    assert status == 200 and first["jobReference"]["jobId"] == job_id
    assert insert(job_id) == (409, {"error": {
        "code": 409, "message": f"Already Exists: Job {emu.project}:US.{job_id}",
        "errors": [{"message": f"Already Exists: Job {emu.project}:US.{job_id}", "domain": "global",
                    "reason": "duplicate"}],
        "status": "ALREADY_EXISTS"}})
    status, bad = insert("fiscal_year=2568/province_code=52")
    assert status == 400 and bad["error"]["errors"][0]["reason"] == "invalid"


def test_a_fault_is_answered_in_googles_error_format(bigquery_emulator: BigQueryEmulator, bigquery_dataset: str) -> None:
    """For doctor and error tests: a missing permission on the dataset, once, then the real answer."""
    emu = bigquery_emulator
    client = client_for(emu)
    client.create_dataset(bigquery_dataset)
    emu.fail_next(403, match=f"GET /bigquery/v2/projects/{emu.project}/datasets/{bigquery_dataset}",
                  message=f"Access Denied: Dataset {emu.project}:{bigquery_dataset}: Permission bigquery.datasets.get denied")
    with pytest.raises(exceptions.Forbidden) as denied:
        client.get_dataset(bigquery_dataset)
    assert denied.value.errors[0]["reason"] == "accessDenied"
    assert "Permission bigquery.datasets.get denied" in str(denied.value)
    assert client.get_dataset(bigquery_dataset).dataset_id == bigquery_dataset  # the fault was used up
