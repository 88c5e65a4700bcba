"""gsync.testing (the fakes and the province generator) is test support: it ships in the
package so that tests/ and bench/ share it, and no runtime module may import it."""

from __future__ import annotations

import ast
from pathlib import Path

import gsync

PACKAGE = Path(gsync.__file__).parent


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_no_runtime_module_imports_gsync_testing() -> None:
    offenders = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "testing" not in p.relative_to(PACKAGE).parts
        and any(m == "gsync.testing" or m.startswith("gsync.testing.") for m in _imports(p))
    )
    assert offenders == []


def test_the_check_sees_an_import_of_gsync_testing(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from gsync.testing.google import FakeGoogle\nimport gsync.testing\n", encoding="utf-8")
    assert {"gsync.testing.google", "gsync.testing"} <= _imports(probe)


def test_bench_does_not_import_tests() -> None:
    bench = PACKAGE.parent / "bench"
    offenders = sorted(
        p.name for p in bench.glob("*.py") if any(m == "tests" or m.startswith("tests.") for m in _imports(p))
    )
    assert offenders == []
