"""The national store on BigQuery (bqemulator, the real client over HTTP): load jobs only, nothing
loaded twice, and engine = "bigquery" gives the very figures DuckDB gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.national.support import build_phrae, gsync, lampang_demo

pytest.importorskip("google.cloud.bigquery")

NOW = "2025-04-21T09:00:00+07:00"


@pytest.fixture()
def publications(tmp_path: Path) -> Path:
    pub = tmp_path / "pub"
    pub.mkdir()
    lampang, _ = lampang_demo(tmp_path / "lampang", pub)
    phrae = build_phrae(tmp_path / "phrae", pub)
    gsync("sync", "--config", str(lampang), "--now", "2025-04-20T09:00:00+07:00")
    gsync("sync", "--config", str(phrae), "--now", "2025-01-10T09:00:00+07:00")
    return pub


def _config(path: Path, pub: Path, emu: Any, dataset: str, engine: str) -> Path:
    path.write_text(f'[national]\npath = "{pub}"\nstale_days = 2\ncache = "{path.stem}-cache"\n\n'
                    f'[bigquery]\nproject = "{emu.project}"\ndataset = "{dataset}"\nendpoint = "{emu.endpoint}"\n'
                    f'engine = "{engine}"\n', encoding="utf-8")
    return path


def _run(config: Path) -> dict[str, Any]:
    r = gsync("national", "--config", str(config), "--now", NOW, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def _counts(emu: Any, dataset: str) -> dict[str, int]:
    bq = emu.client()
    out = {}
    for t in ("reports", "activities", "centres"):
        sql = f"SELECT COUNT(*) AS n FROM `{emu.project}.{dataset}.{t}`"  # noqa: S608 - the test's own ids
        out[t] = next(iter(bq.query(sql).result()))["n"]
    return out


def test_loads_every_row_once_and_a_rerun_loads_nothing(publications: Path, tmp_path: Path,
                                                        bigquery_emulator: Any, bigquery_dataset: str) -> None:
    emu = bigquery_emulator
    config = _config(tmp_path / "duck.toml", publications, emu, bigquery_dataset, "duckdb")
    loads_before = len(emu.jobs_inserted("load"))
    _run(config)
    assert len(emu.jobs_inserted("load")) - loads_before == 6  # 3 tables x 2 provinces
    want = {t: sum(pq.read_metadata(p).num_rows for p in publications.rglob(f"{t}.parquet"))
            for t in ("reports", "activities", "centres")}
    assert want["reports"] == (13 + 8) * 4  # every district and quarter of the two provinces
    assert _counts(emu, bigquery_dataset) == want
    calls = len(emu.calls)
    _run(config)  # nothing new: no job, not even a request
    assert len(emu.jobs_inserted("load")) - loads_before == 6
    assert len(emu.calls) == calls
    assert _counts(emu, bigquery_dataset) == want
    assert all(c.kind != "insertAll" and "insertAll" not in c.path for c in emu.calls)  # never streaming


def test_the_bigquery_engine_gives_the_same_figures(publications: Path, tmp_path: Path, bigquery_emulator: Any,
                                                    bigquery_dataset: str) -> None:
    emu = bigquery_emulator
    duck = _run(_config(tmp_path / "duck.toml", publications, emu, bigquery_dataset, "duckdb"))
    # a second department machine (its own cache) on the same dataset: the loads' ids were used,
    # BigQuery refuses them, the rows are put right from the stages; the figures come from BigQuery
    big = _run(_config(tmp_path / "big.toml", publications, emu, bigquery_dataset, "bigquery"))
    assert big == duck
    assert [q["received"] for p in big["provinces"] for q in p["quarters"] if q["quarter"] == 1] == [11, 6]
    assert _counts(emu, bigquery_dataset)["reports"] == (13 + 8) * 4
