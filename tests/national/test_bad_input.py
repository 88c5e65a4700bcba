"""Bad publications: one line each, exit 4, and the province keeps its previous figures."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.national.support import build_phrae, gsync, national_config, national_json

pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")

AS_OF = "2025-01-10T09:00:00+07:00"
NOW = "2025-01-11T09:00:00+07:00"
REPORTS = "fiscal_year=2568/province_code=54/reports.parquet"


@pytest.fixture()
def phrae(tmp_path: Path) -> tuple[Path, Path]:
    pub = tmp_path / "pub"
    config = build_phrae(tmp_path / "phrae", pub)
    assert gsync("sync", "--config", str(config), "--now", AS_OF).exit_code == 0
    national = national_config(tmp_path / "national.toml", pub)
    code, doc, _ = national_json(national, NOW)
    assert code == 0 and doc["provinces"][0]["quarters"][0]["received"] == 6
    return pub, national


def _replace(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def _q1(doc: dict) -> dict:
    [p] = [x for x in doc["provinces"] if x["province_code"] == "54"]
    return p["quarters"][0]


def test_a_half_copied_file_is_skipped_named_and_the_previous_figures_stay(phrae: tuple[Path, Path]) -> None:
    pub, national = phrae
    whole = (pub / REPORTS).read_bytes()
    _replace(pub / REPORTS, whole[: len(whole) // 2])
    code, doc, err = national_json(national, NOW)
    assert code == 4
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and REPORTS in lines[0] and "half-copied" in lines[0] and "Traceback" not in err
    assert _q1(doc)["received"] == 6 and _q1(doc)["expected"] == 8
    assert doc["problems"][0]["province_code"] == "54"
    # the whole file arrives: taken in, no problem left
    _replace(pub / REPORTS, whole)
    code, doc, err = national_json(national, NOW)
    assert code == 0 and doc["problems"] == []


def test_another_schema_version_names_the_province_and_what_to_upgrade(phrae: tuple[Path, Path]) -> None:
    import pyarrow.parquet as pq

    pub, national = phrae
    t = pq.read_table(pub / REPORTS)
    meta = dict(t.schema.metadata)
    meta[b"gsync.schema_version"] = b"2"
    pq.write_table(t.replace_schema_metadata(meta), pub / REPORTS)
    code, doc, err = national_json(national, NOW)
    assert code == 4
    assert "แพร่ published schema version 2, this gsync reads 1: upgrade gsync on the national machine" in err
    assert _q1(doc)["received"] == 6


def test_another_province_claiming_the_code_is_refused(phrae: tuple[Path, Path], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    pub, national = phrae
    t = pq.read_table(pub / REPORTS)
    meta = dict(t.schema.metadata)
    meta[b"gsync.province"] = "น่าน".encode()
    pq.write_table(t.replace_schema_metadata(meta), pub / REPORTS)
    code, doc, err = national_json(national, NOW)
    assert code == 4
    assert "น่าน publishes under province code 54, which is แพร่'s: fix [national] province_code in น่าน's config" in err
    [p] = [x for x in doc["provinces"] if x["province_code"] == "54"]
    assert p["province"] == "แพร่" and _q1(doc)["received"] == 6


def test_a_province_that_never_published_is_listed_not_counted(phrae: tuple[Path, Path]) -> None:
    _, national = phrae
    _, doc, _ = national_json(national, NOW)
    assert {"fiscal_year": 2568, "province_code": "52", "province": "ลำปาง"} in doc["unpublished"]
    assert all(p["province_code"] != "52" for p in doc["provinces"])
    assert next(n for n in doc["nation"] if n["quarter"] == 1)["provinces"] == 1


def test_nothing_new_reads_nothing(phrae: tuple[Path, Path]) -> None:
    from gsync.national.config import load_national
    from gsync.national.read import FolderSource
    from gsync.national.run import run

    pub, national = phrae
    source = FolderSource(pub)
    result = run(load_national(national), dt.datetime(2025, 1, 11, 2, tzinfo=dt.UTC), source=source)
    assert source.downloads == 0 and result.intake.changed is False
    assert _q1(result.document)["received"] == 6


def test_a_national_config_with_a_typo_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "n.toml").write_text('[national]\npath = "."\nstale_dayz = 2\n', encoding="utf-8")
    r = gsync("national", "--config", str(tmp_path / "n.toml"))
    assert r.exit_code == 2 and "unknown key `national.stale_dayz`" in r.stderr
