"""A province publishes what it judged: Parquet under fiscal_year=/province_code=, atomically, only on change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.national.support import build_phrae, gsync, lampang_demo

pq = pytest.importorskip("pyarrow.parquet")

NOW = "2025-04-20T09:00:00+07:00"


def _files(pub: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(pub).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(pub.rglob("*")) if p.is_file()}


def test_a_sync_publishes_three_tables_with_codes_names_and_as_of(tmp_path: Path) -> None:
    pub = tmp_path / "pub"
    config, _ = lampang_demo(tmp_path / "lampang", pub)
    assert gsync("sync", "--config", str(config), "--now", NOW).exit_code in (0, 4)
    assert sorted(_files(pub)) == [f"fiscal_year=2568/province_code=52/{t}.parquet"
                                   for t in ("activities", "centres", "reports")]
    reports = pq.read_table(pub / "fiscal_year=2568/province_code=52/reports.parquet")
    meta = {k.decode(): v.decode() for k, v in reports.schema.metadata.items()}
    assert meta["gsync.schema_version"] == "1" and meta["gsync.province"] == "ลำปาง"
    rows = reports.to_pylist()
    quarterly = [r for r in rows if r["kind"] == "quarter"]
    assert len(quarterly) == 13 * 4
    assert {r["province_code"] for r in rows} == {"52"} and {r["province"] for r in rows} == {"ลำปาง"}
    # DOPA district codes, by hand from GeoThai: เมืองลำปาง 5201, เกาะคา 5203, แจ้ห่ม 5206
    codes = {r["district"]: r["district_code"] for r in rows}
    assert (codes["เมืองลำปาง"], codes["เกาะคา"], codes["แจ้ห่ม"]) == ("5201", "5203", "5206")
    assert all(c for c in codes.values())
    assert {r["as_of"] for r in rows} == {dt.datetime(2025, 4, 20, 2, 0, tzinfo=dt.UTC)}
    activities = pq.read_table(pub / "fiscal_year=2568/province_code=52/activities.parquet").to_pylist()
    assert activities and all(a["province_code"] == "52" and a["district_code"] for a in activities)
    assert "phone" not in pq.read_table(pub / "fiscal_year=2568/province_code=52/centres.parquet").column_names


def test_a_sync_that_changed_nothing_rewrites_nothing(tmp_path: Path) -> None:
    pub = tmp_path / "pub"
    config, _ = lampang_demo(tmp_path / "lampang", pub)
    gsync("sync", "--config", str(config), "--now", NOW)
    before = _files(pub)
    assert gsync("sync", "--config", str(config), "--now", "2025-04-20T10:00:00+07:00").exit_code in (0, 4)
    assert _files(pub) == before


def test_only_the_table_that_changed_is_written_again(tmp_path: Path) -> None:
    pub = tmp_path / "pub"
    config = build_phrae(tmp_path / "phrae", pub)
    gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00")
    before = _files(pub)
    # the Q1 deadline has long passed; on 14 March 2025 Q2's passes too: statuses change, activities do not
    gsync("sync", "--config", str(config), "--now", "2025-03-15T09:00:00+07:00")
    after = _files(pub)
    changed = sorted(k.rsplit("/", 1)[1] for k in after if after[k] != before[k])
    assert changed == ["reports.parquet"]


def test_a_failed_publication_is_one_line_keeps_the_master_and_is_retried(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    config = build_phrae(tmp_path / "phrae", blocker)
    r = gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00")
    assert r.exit_code == 0
    assert (tmp_path / "phrae" / "master.xlsx").exists()
    lines = [x for x in r.stderr.splitlines() if "national publication" in x]
    assert len(lines) == 1 and "the next sync tries again" in lines[0] and "Traceback" not in r.stderr
    record = json.loads((tmp_path / "phrae" / ".gsync" / "national-publication.json").read_text())
    assert record["pending"] is True
    # the folder is there now; the next sync changes nothing in the master, yet publishes
    blocker.unlink()
    blocker.mkdir()
    r = gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00")
    assert "unchanged" in r.stdout
    assert sorted(p.name for p in blocker.rglob("*.parquet")) == ["activities.parquet", "centres.parquet",
                                                                   "reports.parquet"]


def test_a_dry_run_publishes_nothing(tmp_path: Path) -> None:
    pub = tmp_path / "pub"
    config = build_phrae(tmp_path / "phrae", pub)
    gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00", "--dry-run")
    assert not pub.exists() or not any(pub.rglob("*.parquet"))


def test_a_province_gsync_does_not_know_needs_its_code(tmp_path: Path) -> None:
    pub = tmp_path / "pub"
    config = build_phrae(tmp_path / "phrae", pub)
    text = config.read_text(encoding="utf-8").replace('name = "แพร่"', 'name = "แพร่ใหม่"', 1)
    config.write_text(text, encoding="utf-8")
    r = gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00")
    assert r.exit_code == 0
    assert "set [national] province_code" in r.stderr
    config.write_text(text.replace(f'path = "{pub}"', f'path = "{pub}"\nprovince_code = "54"'), encoding="utf-8")
    gsync("sync", "--config", str(config), "--now", "2025-01-10T09:00:00+07:00")
    assert (pub / "fiscal_year=2568/province_code=54/reports.parquet").is_file()
