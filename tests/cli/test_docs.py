"""The guides keep their promises: the README is short and opens with the two commands; the layout in
docs/development.md is the tree; every relative link (and #anchor) leads somewhere; every config key
has a row in the operator's configuration reference."""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from pathlib import Path

import pydantic
import pytest

from gsync import config

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/gsync demo"
TEST = ".venv/bin/python -m pytest"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The text under `## heading...` up to the next `## `."""
    parts = re.split(rf"^## {re.escape(heading)}.*$", text, maxsplit=1, flags=re.M)
    assert len(parts) == 2, f"no section '## {heading}'"
    return parts[1].split("\n## ", 1)[0]


# --- README ---------------------------------------------------------------------------------------


def test_readme_is_at_most_200_lines() -> None:
    lines = _read(ROOT / "README.md").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines; move detail into a guide under docs/"


def test_readme_opens_with_the_two_commands() -> None:
    text = _read(ROOT / "README.md")
    before = text.split("```", 1)[0]
    assert before.strip() == "# gsync", "nothing but the title may come before the two commands"
    blocks = re.findall(r"^```\w*\n(.*?)^```", text, flags=re.M | re.S)
    assert [b.strip() for b in blocks[:2]] == [INSTALL, TEST]


def test_readme_links_every_guide() -> None:
    text = _read(ROOT / "README.md")
    for guide in ("operator.md", "admin.md", "development.md", "master.md", "staff-guide.th.md",
                  "staff-guide.th.pdf", "national.md", "reliability.md", "reminders.md", "benchmark.md"):
        assert f"(docs/{guide}" in text, f"README.md does not link docs/{guide}"
    assert "(docs/workbench-status.png)" in text


# --- layout ---------------------------------------------------------------------------------------


def _layout_paths() -> list[str]:
    """Every path the layout block of docs/development.md names (see the rule written above it)."""
    block = _section(_read(ROOT / "docs" / "development.md"), "Layout").split("```", 2)[1]
    named = []
    for line in block.splitlines():
        folder = ""
        for token in line.split("#", 1)[0].split():
            if "/" in token:
                named.append(token)
                folder = token if token.endswith("/") else token.rsplit("/", 1)[0] + "/"
            else:
                assert folder, f"{token!r} has no folder before it in: {line!r}"
                named.append(folder + token)
    return named


def test_every_path_the_layout_names_exists() -> None:
    missing = [p for p in _layout_paths() if not (ROOT / p).exists()]
    assert not missing, f"docs/development.md names what the tree does not have: {missing}"


def test_every_module_and_package_of_gsync_is_in_the_layout() -> None:
    named = set(_layout_paths())
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "gsync").rglob("*.py")
            if p.name != "__init__.py" and "__pycache__" not in p.parts}
    tree |= {p.relative_to(ROOT).as_posix() + "/" for p in (ROOT / "gsync").iterdir()
             if p.is_dir() and p.name != "__pycache__"}
    assert not tree - named, f"the layout in docs/development.md does not name: {sorted(tree - named)}"


# --- links ----------------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = "".join(c for c in text if unicodedata.category(c)[0] in "LMN" or c in " -_")
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", _read(path), flags=re.M | re.S)
    return {_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


def _links() -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        text = re.sub(r"^```.*?^```", "", _read(doc), flags=re.M | re.S)
        out += [(doc.relative_to(ROOT).as_posix(), target) for target in _LINK.findall(text)
                if not re.match(r"[a-z]+:", target)]
    return out


@pytest.mark.parametrize(("doc", "target"), _links(), ids=[f"{d}->{t}" for d, t in _links()])
def test_every_relative_link_leads_somewhere(doc: str, target: str) -> None:
    file, _, anchor = target.partition("#")
    path = (ROOT / doc).parent / file if file else ROOT / doc
    assert path.exists(), f"{doc} links {target}, but {path.relative_to(ROOT)} does not exist"
    if anchor and path.suffix == ".md":
        assert anchor in _anchors(path), f"{doc} links {target}, but {file or doc} has no such heading"


# --- config reference -----------------------------------------------------------------------------


def _section_models() -> list[tuple[str, type[pydantic.BaseModel]]]:
    out = []
    for name, field in config.Settings.model_fields.items():
        todo: list[typing.Any] = [field.annotation]
        while todo:
            t = todo.pop()
            if isinstance(t, type) and issubclass(t, pydantic.BaseModel):
                out.append((name, t))
            elif isinstance(t, types.UnionType) or typing.get_origin(t) in (typing.Union, list):
                todo.extend(typing.get_args(t))
    return out


def _config_keys() -> list[str]:
    return sorted(f"[{section}] {key}" for section, model in _section_models() for key in model.model_fields)


def _documented_keys() -> set[str]:
    table = _section(_read(ROOT / "docs" / "operator.md"), "Configuration reference")
    keys = set()
    for row in re.findall(r"^\| (.+?) \|", table, flags=re.M):
        m = re.match(r"`\[\[?(\w+)\]\]? (\w+)`", row)
        if m:
            section = m.group(1)
            keys |= {f"[{section}] {k}" for k in [m.group(2), *re.findall(r"`(\w+)`", row)]}
    return keys


@pytest.mark.parametrize("key", _config_keys())
def test_every_config_key_has_a_row_in_the_reference(key: str) -> None:
    assert key in _documented_keys(), f"docs/operator.md, Configuration reference, has no row for `{key}`"
