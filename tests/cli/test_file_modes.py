"""A new master.xlsx gets the mode any new file gets under the operator's umask (issue 22): the
staff account that opens it from a shared folder can read it, as it can the folder's other
files. It was 600 (the temporary file's) whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gsync import demo


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)],
                         ids=["022", "002", "077"])
def test_a_new_master_follows_the_umask(tmp_path: Path, umask: int, expected: int) -> None:
    config, now = demo.build(tmp_path / "demo")
    master = config.parent / "master.xlsx"
    assert not master.exists()
    done = subprocess.run(
        [sys.executable, "-m", "gsync", "sync", "--config", str(config), "--now", now.isoformat()],
        capture_output=True, text=True, preexec_fn=lambda: os.umask(umask), timeout=300,
    )
    assert done.returncode == 4, done.stderr  # the demo leaves two files nobody could place
    assert stat.S_IMODE(master.stat().st_mode) == expected
    assert list(master.parent.glob(".master.xlsx.*.tmp")) == []
