"""The parse cache's key includes the parser's code: an upgrade that changes how files are read
re-parses them; a change elsewhere in gsync re-parses nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import gsync

PACKAGE = Path(gsync.__file__).parent


def fingerprint_of(tree: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from gsync.parse.fingerprint import code_fingerprint; print(code_fingerprint())"],
        cwd=tree, capture_output=True, text=True, timeout=60, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_fingerprint_follows_the_parser_code_and_nothing_else(tmp_path: Path) -> None:
    tree = tmp_path / "site"
    shutil.copytree(PACKAGE, tree / "gsync", ignore=shutil.ignore_patterns("__pycache__"))
    original = fingerprint_of(tree)
    assert len(original) == 16

    (tree / "gsync" / "cli.py").write_text((tree / "gsync" / "cli.py").read_text() + "\n# a CLI change\n")
    assert fingerprint_of(tree) == original  # the CLI does not decide what a file's rows are

    grid = tree / "gsync" / "parse" / "grid.py"
    grid.write_text(grid.read_text() + "\n# a parser fix\n")
    changed = fingerprint_of(tree)
    assert changed != original

    thai = tree / "gsync" / "thai.py"
    thai.write_text(thai.read_text() + "\n# a date style\n")
    assert fingerprint_of(tree) not in (original, changed)


def test_a_cached_parse_from_another_version_is_parsed_again_not_a_crash(tmp_path: Path) -> None:
    from gsync.state import State

    state = State(tmp_path / "state.sqlite")
    state._db.execute("INSERT INTO parsed (parse_key, json) VALUES (?, ?)",
                      ("k1", '{"kind": "activity", "a_field_of_an_old_version": 1}'))
    state._db.commit()
    assert state.parsed("k1") is None
    state.close()
