"""The core imports no adapter, no CLI, no Google library and reads no environment (issue 9).

Read from the source with `ast`, so an import inside a function counts as much as one at the
top. The same check by hand, for a note:

    grep -rnE "^\\s*(from|import) (gsync\\.(sources|sinks|google|state|lock|adapters|runner|cli|remind)|click|google|gspread|googleapiclient)\\b|os\\.environ|getenv" gsync/{thai,calendar,fiscal,vocab,models,messages,errors,accounting,attribution,judging,collections,sync,ports}.py gsync/parse gsync/master
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gsync

ROOT = Path(gsync.__file__).parent

# The core: pure functions and types, the run over the ports, the master's tables and merge.
CORE = [
    "thai", "calendar", "fiscal", "vocab", "models", "messages", "errors", "accounting",
    "attribution", "judging", "collections", "sync", "ports",
    "parse", "parse.fingerprint", "parse.grid", "parse.lessons", "parse.sniff", "parse.table",
    "master", "master.tables", "master.merge", "master.collection_tabs", "master.howto",
]
# What the core may import from gsync besides itself: the package (its version) and the
# validated settings (config.py is where a config file is read; the core only gets Settings).
ALLOWED = {"gsync", "gsync.config"}

FORBIDDEN = (
    "gsync.sources", "gsync.sinks", "gsync.google", "gsync.state", "gsync.lock", "gsync.adapters",
    "gsync.runner", "gsync.cli", "gsync.remind",
    "click", "google", "gspread", "gspread_formatting", "googleapiclient",
)


def _path(module: str) -> Path:
    parts = module.split(".")
    package = ROOT.joinpath(*parts, "__init__.py")
    return package if package.exists() else ROOT.joinpath(*parts[:-1], parts[-1] + ".py")


def _is_module(name: str) -> bool:
    parts = name.split(".")[1:]
    return ROOT.joinpath(*parts, "__init__.py").exists() or ROOT.joinpath(*parts[:-1], parts[-1] + ".py").exists()


def _imports(module: str, tree: ast.AST) -> list[tuple[int, str]]:
    """Every module name imported, with relative imports made absolute."""
    package = f"gsync.{module}" if _path(module).name == "__init__.py" else f"gsync.{module}".rsplit(".", 1)[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.append((node.lineno, base))
            # `from gsync import adapters`: the module imported is gsync.adapters
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names
                    if base.startswith("gsync") and _is_module(f"{base}.{a.name}")]
    return out


def _environ(tree: ast.AST) -> list[int]:
    """Lines that read or change the environment: os.environ, os.getenv, `from os import environ`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv", "putenv", "unsetenv"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(
            a.name in ("environ", "environb", "getenv", "putenv", "unsetenv") for a in node.names
        ):
            lines.append(node.lineno)
    return lines


def violations(module: str, source: str) -> list[str]:
    tree = ast.parse(source)
    core = {f"gsync.{m}" for m in CORE}
    out = []
    for line, name in _imports(module, tree):
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
            out.append(f"{module}:{line} imports {name}")
        elif name.startswith("gsync.") and name not in ALLOWED | core:
            out.append(f"{module}:{line} imports {name}, which is not core")
    out += [f"{module}:{line} touches the environment" for line in _environ(tree)]
    return out


def test_every_core_module_exists() -> None:
    missing = [m for m in CORE if not _path(m).exists()]
    assert missing == []


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_adapter(module: str) -> None:
    assert violations(module, _path(module).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("added", "expected"), [
    ("from gsync.state import State", "sync:1 imports gsync.state"),
    ("    from gsync.sinks.workbook import WorkbookSink", "sync:1 imports gsync.sinks.workbook"),
    ("import click", "sync:1 imports click"),
    ("from googleapiclient.discovery import build", "sync:1 imports googleapiclient.discovery"),
    ("import gspread", "sync:1 imports gspread"),
    ("from gsync import adapters", "sync:1 imports gsync.adapters"),
    ("from gsync import runner", "sync:1 imports gsync.runner"),
    ("from gsync.remind import plan", "sync:1 imports gsync.remind"),
    ("from gsync import poster", "sync:1 imports gsync.poster, which is not core"),
    ("x = os.environ['HOME']", "sync:1 touches the environment"),
    ("from os import getenv", "sync:1 touches the environment"),
], ids=["state", "sink-in-function", "click", "googleapiclient", "gspread", "adapters", "runner", "remind",
        "not-core", "environ", "getenv"])
def test_an_added_import_is_caught(added: str, expected: str) -> None:
    source = added.strip() + "\n" + _path("sync").read_text(encoding="utf-8")
    assert expected in violations("sync", source)


def test_relative_imports_are_resolved() -> None:
    assert violations("parse.grid", "from ..sinks import workbook\n") == [
        "parse.grid:1 imports gsync.sinks", "parse.grid:1 imports gsync.sinks.workbook",
    ]
    assert violations("parse.grid", "from . import sniff\nfrom .table import Cell\n") == []
