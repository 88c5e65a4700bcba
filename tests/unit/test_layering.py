"""The core imports no adapter, no CLI, no Google library and reads no environment (issue 9),
and its modules import each other without a circle (issue 22).

Read from the source with `ast`, so an import inside a function counts as much as one at the
top. The same check by hand, for a note:

    grep -rnE "^\\s*(from|import) (gsync\\.(sources|sinks|google|state|lock|adapters|runner|cli|remind)|click|google|gspread|googleapiclient)\\b|os\\.environ|getenv" gsync/{thai,thai_calendar,fiscal,vocab,models,messages,errors,accounting,attribution,staff,counting,bucketing,judging,collection_judging,review,rates,outcome,sync,ports}.py gsync/parse gsync/master
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gsync

ROOT = Path(gsync.__file__).parent

# The core: pure functions and types, the run over the ports, the master's tables and merge.
CORE = [
    "thai", "thai_calendar", "fiscal", "vocab", "models", "messages", "errors", "accounting",
    "attribution", "staff", "counting", "bucketing", "judging", "collection_judging", "review", "rates", "outcome",
    "sync", "ports",
    "parse", "parse.fingerprint", "parse.grid", "parse.lessons", "parse.sniff", "parse.table",
    "master", "master.layout", "master.tables", "master.merge", "master.collection_tabs", "master.render",
    "master.cells", "master.policy", "master.howto",
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


# Peers that share a floor below them and never import each other: judging a quarterly report
# and judging a collection (both on gsync.counting and gsync.staff); the quarterly tabs and the
# collections' tabs (both on gsync.master.layout, put together by gsync.master.render).
PEERS = [("judging", "collection_judging"), ("master.tables", "master.collection_tabs")]


def peer_violations(module: str, source: str) -> list[str]:
    peers = {b for a, b in PEERS if a == module} | {a for a, b in PEERS if b == module}
    return [f"{module}:{line} imports its peer {name}" for line, name in _imports(module, ast.parse(source))
            if name.startswith("gsync.") and name.removeprefix("gsync.") in peers]


def _core_graph() -> dict[str, set[str]]:
    core = set(CORE)
    graph = {}
    for m in CORE:
        tree = ast.parse(_path(m).read_text(encoding="utf-8"))
        names = {n.removeprefix("gsync.") for _, n in _imports(m, tree) if n.startswith("gsync.")}
        # `from . import grid` names the package too: a module's own packages are not an edge
        graph[m] = {n for n in names if n in core and n != m and not m.startswith(n + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle once, as the path that closes it (depth-first, in the graph's order)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.append([*path[path.index(node):], node])
            return
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        done.add(node)

    for start in graph:
        visit(start, [])
    return found


@pytest.mark.parametrize("module", sorted({m for pair in PEERS for m in pair}))
def test_peers_do_not_import_each_other(module: str) -> None:
    assert peer_violations(module, _path(module).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("module", "added", "expected"), [
    ("judging", "from gsync import collection_judging", "judging:1 imports its peer gsync.collection_judging"),
    ("judging", "    from gsync.collection_judging import judge", "judging:1 imports its peer gsync.collection_judging"),
    ("collection_judging", "from gsync import judging", "collection_judging:1 imports its peer gsync.judging"),
    ("master.tables", "from gsync.master import collection_tabs",
     "master.tables:1 imports its peer gsync.master.collection_tabs"),
    ("master.collection_tabs", "from .tables import Table", "master.collection_tabs:1 imports its peer gsync.master.tables"),
], ids=["judging-collections", "judging-in-function", "collections-judging", "tables-collection_tabs",
        "collection_tabs-tables-relative"])
def test_a_peer_import_is_caught(module: str, added: str, expected: str) -> None:
    source = added.strip() + "\n" + _path(module).read_text(encoding="utf-8")
    assert expected in peer_violations(module, source)


def test_the_core_has_no_import_circle() -> None:
    assert cycles(_core_graph()) == []


def test_an_import_circle_is_found() -> None:
    graph = {"judging": {"counting"}, "counting": {"staff"}, "staff": {"judging"}, "rates": set()}
    assert cycles(graph) == [["judging", "counting", "staff", "judging"]]


def _defined_and_imported(module: str) -> tuple[set[str], dict[str, str], set[str]]:
    """What a gsync module defines at its top, what it imports there (name -> from where), and its `__all__`."""
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
    defined: set[str] = set()
    imported: dict[str, str] = {}
    exported: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            defined |= names
            if "__all__" in names and isinstance(node.value, ast.List | ast.Tuple):
                exported = {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gsync"):
            imported.update({a.asname or a.name: node.module for a in node.names})
    return defined, imported, exported


def shim_imports(path: Path) -> list[str]:
    """`from gsync.X import name` where X only imports `name` from elsewhere (and does not list it in
    `__all__`): a name is imported from the module it lives in, so a move leaves no shim behind."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gsync.")):
            continue
        module = node.module.removeprefix("gsync.")
        if not _path(module).exists():
            continue
        defined, imported, exported = _defined_and_imported(module)
        for a in node.names:
            if a.name in imported and a.name not in defined and a.name not in exported:
                out.append(f"{path.name}:{node.lineno} imports {a.name} through gsync.{module}; "
                           f"it lives in {imported[a.name]}")
    return out


TREE = Path(gsync.__file__).parent.parent


@pytest.mark.parametrize("folder", ["gsync", "tests", "bench"])
def test_names_are_imported_from_where_they_live(folder: str) -> None:
    found = [v for p in sorted((TREE / folder).rglob("*.py")) for v in shim_imports(p)]
    assert found == []


def test_an_import_through_a_shim_is_caught(tmp_path: Path) -> None:
    p = tmp_path / "example.py"
    p.write_text("from gsync.master.tables import KEY, staff_input\n", encoding="utf-8")
    assert shim_imports(p) == ["example.py:1 imports KEY through gsync.master.tables; it lives in gsync.master.layout"]
# The merge policy is the core's (issue 22): a sink reads tables and writes what it is given.
POLICY = ("gsync.master.policy", "gsync.master.merge")
SINKS = ["sinks", *sorted(f"sinks.{p.stem}" for p in ROOT.joinpath("sinks").glob("*.py") if p.stem != "__init__")]


def policy_imports(module: str, source: str) -> list[str]:
    return [f"{module}:{line} imports {name}" for line, name in _imports(module, ast.parse(source))
            if any(name == p or name.startswith(p + ".") for p in POLICY)]


@pytest.mark.parametrize("module", SINKS)
def test_a_sink_imports_no_merge_policy(module: str) -> None:
    assert policy_imports(module, _path(module).read_text(encoding="utf-8")) == []


def test_a_sink_importing_the_merge_policy_is_caught() -> None:
    assert "sinks.google_sheet" in SINKS and "sinks.workbook" in SINKS
    assert policy_imports("sinks.workbook", "from gsync.master.merge import merge_all\n") == [
        "sinks.workbook:1 imports gsync.master.merge"]
    assert policy_imports("sinks.google_sheet", "def f():\n    from ..master import policy\n") == [
        "sinks.google_sheet:2 imports gsync.master.policy"]
