"""Config: a typo or a missing key is one line naming the file, the key and the fix."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from gsync.config import ConfigError, load_settings, parse_settings

BASE = {
    "province": {"name": "ลำปาง", "fiscal_year": 2568},
    "districts": [{"name": "เกาะคา", "tambons": ["ศาลา", "ไหล่หิน"], "emails": ["KoKha@Example.go.th"]}],
    "form": {"csv": "responses.csv"},
    "drive": {"path": "inbox"},
    "sheet": {"path": "master.xlsx"},
}


def test_minimal_contract_config_is_complete() -> None:
    s = parse_settings(BASE)
    assert s.province.timezone == "Asia/Bangkok"
    assert s.form.questions["district"] == "อำเภอ"  # the Lampang Form by default
    assert s.rules.every_centre_active is True
    assert s.districts[0].emails == ["kokha@example.go.th"]
    assert s.deadlines.explicit() == {}


def test_relative_paths_are_relative_to_the_config(tmp_path: Path) -> None:
    cfg = tmp_path / "conf" / "p.toml"
    cfg.parent.mkdir()
    cfg.write_text(
        '[province]\nname = "ลำปาง"\nfiscal_year = 2568\n[deadlines]\nq1 = 2024-12-13\n'
        '[[districts]]\nname = "งาว"\ntambons = ["บ้านหวด"]\n[form]\ncsv = "r.csv"\n[sheet]\npath = "/abs/m.xlsx"\n',
        encoding="utf-8",
    )
    s = load_settings(cfg)
    assert s.form.csv == cfg.parent.resolve() / "r.csv"
    assert s.sheet.path == Path("/abs/m.xlsx")
    assert s.deadlines.explicit() == {1: dt.date(2024, 12, 13)}


def _mutate(f):  # type: ignore[no-untyped-def]
    d = copy.deepcopy(BASE)
    f(d)
    return d


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_mutate(lambda d: d["form"].update(csvv="x")), "unknown key `csvv` in [form]; did you mean `csv`?"),
        (_mutate(lambda d: d["province"].pop("fiscal_year")), "[province] fiscal_year: required key is missing"),
        (_mutate(lambda d: d["province"].update(timezone="Bangkok")), "unknown time zone 'Bangkok'"),
        (_mutate(lambda d: d["districts"][0].update(tambon=["x"])), "unknown key `tambon` in [[districts]] เกาะคา; did you mean `tambons`?"),
        (_mutate(lambda d: (d.pop("form"), d.pop("drive"))), "configure at least one channel"),
        (_mutate(lambda d: d["sheet"].update(spreadsheet_id="x")), "[sheet]: set exactly one of 'spreadsheet_id' or 'path'"),
        (_mutate(lambda d: d.update(deadline={})), "unknown key `deadline` in the top level; did you mean `deadlines`?"),
        (_mutate(lambda d: d["province"].update(fiscal_year=2024)), "[province] fiscal_year"),
        (_mutate(lambda d: d["districts"].append(d["districts"][0])), "district 'เกาะคา' is listed twice"),
        (_mutate(lambda d: d["google"] if False else d.update(google={"endpoint": "127.0.0.1:8089"})), "must start with http://"),
        (_mutate(lambda d: d["form"].update(questions={"distrct": "อำเภอ"})), "unknown field 'distrct'"),
        (_mutate(lambda d: d["province"].update(fiscal_yaer=d["province"].pop("fiscal_year"))),
         "config: unknown key `fiscal_yaer` in [province]; did you mean `fiscal_year`?"),
        (_mutate(lambda d: d["province"].update(fiscal_year=2025)),
         "config: [province] fiscal_year: 2025 looks like a Christian-Era year; write 2568 (Buddhist Era)"),
        (_mutate(lambda d: d["province"].update(fiscal_year=3111)),
         "config: [province] fiscal_year: 3111 is not a Buddhist-Era fiscal year; write it like 2568"),
        (_mutate(lambda d: d.pop("sheet")),
         'config: [sheet] is missing: add `path = "master.xlsx"` (a local workbook) or `spreadsheet_id = "..."` (a Google Sheet)'),
    ],
    ids=["typo-key", "missing-key", "bad-zone", "district-typo", "no-channel", "two-sheets", "section-typo",
         "ce-year", "duplicate-district", "endpoint-scheme", "question-field-typo",
         "typo-hides-required-key", "ce-fiscal-year-named", "year-nobody-uses", "no-sheet-section"],
)
def test_config_errors_are_one_line_with_the_fix(data: dict, expected: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_settings(data)
    msg = str(e.value)
    assert expected in msg
    assert "\n" not in msg


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[province\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)


def test_shipped_configs_load() -> None:
    root = Path(__file__).resolve().parents[2] / "config"
    lampang = load_settings(root / "lampang-2568.toml")
    assert len(lampang.districts) == 13
    assert sum(len(d.tambons) for d in lampang.districts) == 100
    assert lampang.uses_google()
    demo = load_settings(root / "demo.toml")
    assert [d.name for d in demo.districts] == [d.name for d in lampang.districts]
    assert [d.tambons for d in demo.districts] == [d.tambons for d in lampang.districts]
    assert not demo.uses_google()
