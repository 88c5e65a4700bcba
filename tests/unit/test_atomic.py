"""atomic_write: the old file or the new one, never half; the mode the old file had, else the umask's."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from gsync.atomic import atomic_write, temporary_files


@pytest.fixture()
def umask_002() -> Iterator[None]:
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_a_new_file_gets_the_umask_mode(tmp_path: Path, umask_002: None) -> None:
    p = atomic_write(tmp_path / "map.kml", b"<kml/>")
    assert p.read_bytes() == b"<kml/>"
    assert mode(p) == 0o664


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_002: None) -> None:
    p = tmp_path / "master.xlsx"
    p.write_bytes(b"old")
    p.chmod(0o640)
    atomic_write(p, "ใหม่")
    assert p.read_text(encoding="utf-8") == "ใหม่"
    assert mode(p) == 0o640


def test_an_explicit_mode_wins(tmp_path: Path, umask_002: None) -> None:
    p = tmp_path / "token.json"
    p.write_text("{}")
    p.chmod(0o644)
    atomic_write(p, "{\"refresh_token\": \"x\"}", mode=0o600)
    assert mode(p) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    p = tmp_path / "master.xlsx"
    p.write_bytes(b"old")

    def half(tmp: Path) -> None:
        tmp.write_bytes(b"ha")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        atomic_write(p, half)
    assert p.read_bytes() == b"old"
    assert temporary_files(p) == []
