"""`gsync national` over real publications: the figures are the provinces' own, province by province."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.national.support import (
    at,
    build_phrae,
    gsync,
    lampang_demo,
    national_config,
    national_json,
    province_config,
    put,
    status_rates,
    status_reports,
)

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

LAMPANG_AS_OF = "2025-04-20T09:00:00+07:00"
PHRAE_AS_OF = "2025-01-10T09:00:00+07:00"
NATIONAL_NOW = "2025-04-21T09:00:00+07:00"


@pytest.fixture()
def two(tmp_path: Path) -> dict[str, Path]:
    """ลำปาง (13 districts) synced as of 20 April 2025, แพร่ (8) as of 10 January 2025, both publishing."""
    pub = tmp_path / "publications"
    pub.mkdir()
    lampang, _ = lampang_demo(tmp_path / "lampang", pub)
    phrae = build_phrae(tmp_path / "phrae", pub)
    for config, now in ((lampang, LAMPANG_AS_OF), (phrae, PHRAE_AS_OF)):
        r = gsync("sync", "--config", str(config), "--now", now)
        assert r.exit_code in (0, 4), r.output
    return {"pub": pub, "lampang": lampang, "phrae": phrae,
            "national": national_config(tmp_path / "national.toml", pub)}


def test_each_province_is_what_its_own_status_says_and_the_nation_sums_them(two: dict[str, Path]) -> None:
    code, doc, err = national_json(two["national"], NATIONAL_NOW)
    assert code == 0, err
    provinces = {p["province_code"]: p for p in doc["provinces"]}
    assert sorted(provinces) == ["52", "54"]
    assert provinces["52"]["province"] == "ลำปาง" and provinces["54"]["province"] == "แพร่"
    assert provinces["52"]["as_of"] == LAMPANG_AS_OF and provinces["54"]["as_of"] == PHRAE_AS_OF
    for code_, config, as_of in (("52", two["lampang"], LAMPANG_AS_OF), ("54", two["phrae"], PHRAE_AS_OF)):
        own = sorted(status_rates(config, as_of), key=lambda x: x["quarter"])
        assert [dict(q) for q in provinces[code_]["quarters"]] == [dict(q) for q in own]
    # the older publication is stale (more than 2 days before the national --now), the newer is not
    assert provinces["54"]["stale"] is True and provinces["52"]["stale"] is False
    # the nation sums the two, per quarter
    by_q = {n["quarter"]: n for n in doc["nation"] if n["fiscal_year"] == 2568}
    for q in (1, 2, 3, 4):
        rows = [x for p in provinces.values() for x in p["quarters"] if x["quarter"] == q]
        for key in ("districts", "expected", "received", "on_time", "complete"):
            assert by_q[q][key] == sum(x[key] for x in rows)
        assert by_q[q]["provinces"] == 2
    assert by_q[1]["districts"] == 13 + 8


def test_missing_lists_exactly_the_missing_districts(two: dict[str, Path]) -> None:
    _, doc, _ = national_json(two["national"], NATIONAL_NOW)
    got = sorted((m["province"], m["district"], m["quarter"]) for m in doc["missing"])
    want = sorted([("ลำปาง", r["district"], r["quarter"]) for r in status_reports(two["lampang"], LAMPANG_AS_OF)
                   if r["timeliness"] == "missing"]
                  + [("แพร่", r["district"], r["quarter"]) for r in status_reports(two["phrae"], PHRAE_AS_OF)
                     if r["timeliness"] == "missing"])
    assert got == want
    phrae = [m for m in doc["missing"] if m["province_code"] == "54"]
    # written by hand: วังชิ้น (5407) and หนองม่วงไข่ (5408) never sent Q1, due 13 Dec 2024: 129 days before 21 Apr 2025
    assert sorted((m["district"], m["district_code"], m["deadline"], m["days_late"]) for m in phrae) == [
        ("วังชิ้น", "5407", "2024-12-13", 129), ("หนองม่วงไข่", "5408", "2024-12-13", 129)]


def test_hand_computed_figures_for_phrae_and_a_tiny_province(tmp_path: Path) -> None:
    """แพร่ Q1 as of 10 Jan 2025: 8 districts; 5 on time, สอง late (20 Dec), 2 never sent:
    expected 8, received 6, on time 5, rates 6/8 = 0.75 and 5/8 = 0.625; Q2-Q4 not yet due.
    น่าน (2 districts) as of the same day: nobody sent Q1 (0/2, rate 0.0); ปัว sent Q2 early, so Q2
    expects that one report only: 1/1, rate 1.0, still not yet due."""
    pub = tmp_path / "pub"
    pub.mkdir()
    phrae = build_phrae(tmp_path / "phrae", pub)
    nan = tmp_path / "nan"
    from gsync import synth

    put(nan / "inbox", "ปัว/ปัว ไตรมาส2.xlsx",
        synth.activity_xlsx("ปัว", "น่าน", 2, synth.activities(["ปัว", "วรนคร"], 2568, 2, seed=7)), at(2025, 1, 5))
    (nan / "nan.toml").write_text(province_config("น่าน", {"เมืองน่าน": ["ในเวียง", "ผาสิงห์"], "ปัว": ["ปัว", "วรนคร"]},
                                                  "inbox", str(pub)), encoding="utf-8")
    for config in (phrae, nan / "nan.toml"):
        assert gsync("sync", "--config", str(config), "--now", PHRAE_AS_OF).exit_code in (0, 4)
    code, doc, err = national_json(national_config(tmp_path / "n.toml", pub), "2025-01-11T09:00:00+07:00")
    assert code == 0, err
    p = {x["province_code"]: {q["quarter"]: q for q in x["quarters"]} for x in doc["provinces"]}
    q1 = p["54"][1]
    assert (q1["districts"], q1["expected"], q1["received"], q1["on_time"], q1["reporting_rate"], q1["on_time_rate"]) \
        == (8, 8, 6, 5, 0.75, 0.625)
    assert [p["54"][q]["expected"] for q in (2, 3, 4)] == [0, 0, 0]
    assert [p["54"][q]["not_yet_due"] for q in (1, 2, 3, 4)] == [False, True, True, True]
    assert (p["55"][1]["expected"], p["55"][1]["received"], p["55"][1]["reporting_rate"]) == (2, 0, 0.0)
    assert (p["55"][2]["expected"], p["55"][2]["received"], p["55"][2]["reporting_rate"], p["55"][2]["not_yet_due"]) \
        == (1, 1, 1.0, True)
    nation_q1 = next(n for n in doc["nation"] if n["quarter"] == 1)
    assert (nation_q1["districts"], nation_q1["expected"], nation_q1["received"], nation_q1["on_time"]) == (10, 10, 6, 5)
    assert nation_q1["reporting_rate"] == 0.6 and nation_q1["on_time_rate"] == 0.5
    # every other province of the department is listed as never published, not as zero
    unpublished = {u["province_code"] for u in doc["unpublished"]}
    assert len(unpublished) == 76 - 2 and "54" not in unpublished and "50" in unpublished and "10" not in unpublished


def test_the_text_output_names_the_stale_province(two: dict[str, Path]) -> None:
    r = gsync("national", "--config", str(two["national"]), "--now", NATIONAL_NOW)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert any(line.startswith("  แพร่ (54) 2568") and line.endswith("Q1 6/8 (75%)  Q2 0/0 (-)  Q3 0/0 (-)  Q4 0/0 (-)")
               and "STALE" in line for line in lines), r.stdout
    assert any(line.startswith("  ลำปาง (52) 2568") and "STALE" not in line for line in lines)


def test_json_is_one_document(two: dict[str, Path]) -> None:
    r = gsync("national", "--config", str(two["national"]), "--now", NATIONAL_NOW, "--json")
    doc = json.loads(r.stdout)
    assert set(doc) >= {"as_of", "provinces", "nation", "missing"}
    assert doc["as_of"] == NATIONAL_NOW


def test_a_second_national_run_waits_for_none_and_touches_nothing(two: dict[str, Path]) -> None:
    """Two national runs at once (the timer's and one by hand) would write one cache and one
    summary: the second is refused by the runner's lock (exit 3, one line) and writes nothing."""
    import fcntl
    import os

    cache = two["national"].parent / ".gsync-national"
    cache.mkdir()
    fd = os.open(cache / "gsync.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, b"pid 4242 since 2025-04-21 02:00:00Z")
    try:
        r = gsync("national", "--config", str(two["national"]), "--now", NATIONAL_NOW, "--json")
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert r.exit_code == 3
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        "gsync: another gsync run is in progress (pid 4242 since 2025-04-21 02:00:00Z); this run did nothing. "
        f"If no gsync is running, the lock {cache / 'gsync.lock'} is released automatically when it exits."]
    assert sorted(p.name for p in cache.iterdir()) == ["gsync.lock"]
    # once the other run is done, the same command runs
    assert gsync("national", "--config", str(two["national"]), "--now", NATIONAL_NOW, "--json").exit_code == 0
