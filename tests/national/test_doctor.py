"""`gsync doctor` on a national.toml and on a province's [national]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.national.support import build_phrae, gsync


def _national(tmp_path: Path, extra: str = "") -> Path:
    pub = tmp_path / "pub"
    (pub / "fiscal_year=2568" / "province_code=54").mkdir(parents=True)
    config = tmp_path / "national.toml"
    config.write_text(f'[national]\npath = "{pub}"\n\n[sheet]\npath = "national.xlsx"\n{extra}', encoding="utf-8")
    return config


def test_a_national_config_is_checked_folder_cache_and_summary(tmp_path: Path) -> None:
    r = gsync("doctor", "--config", str(_national(tmp_path)))
    assert r.exit_code == 0, r.output
    assert f"✓ [national] path {tmp_path / 'pub'}: 1 province(s) published, fiscal_year=2568" in r.stdout
    assert r.stdout.rstrip().endswith("4 passed, 0 failed: ready for gsync national")


def test_bigquery_dataset_and_permission_are_checked(tmp_path: Path, bigquery_emulator: Any,
                                                      bigquery_dataset: str) -> None:
    emu = bigquery_emulator
    extra = (f'\n[bigquery]\nproject = "{emu.project}"\ndataset = "{bigquery_dataset}"\n'
             f'endpoint = "{emu.endpoint}"\n')
    config = _national(tmp_path, extra)
    r = gsync("doctor", "--config", str(config))
    assert r.exit_code == 0, r.output
    assert f"✓ [bigquery] {emu.project}.{bigquery_dataset}: no dataset yet; the first national run creates it" in r.stdout
    emu.fail_next(403, match="/datasets/")
    r = gsync("doctor", "--config", str(config))
    assert r.exit_code == 1
    assert "give the account the roles BigQuery Data Editor and BigQuery Job User" in r.stdout


def test_a_province_whose_share_is_not_mounted_fails_doctor(tmp_path: Path) -> None:
    config = build_phrae(tmp_path / "phrae", tmp_path / "not-mounted")
    r = gsync("doctor", "--config", str(config))
    assert r.exit_code == 1
    assert f"✗ [national] path {tmp_path / 'not-mounted'}: not a writable folder" in r.stdout
    assert "✓ [national] province code 54 (แพร่)" in r.stdout
