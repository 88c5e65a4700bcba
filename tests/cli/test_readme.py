"""The documentation (README.md and the guides in docs/) must name every command, option, exit code
and problem code gsync has (like sqlite-utils' documentation test). A new option without a word in
the documentation fails here."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import click
import pytest

from gsync import cli, errors, models

ROOT = Path(__file__).resolve().parents[2]
# the documentation: the README and every guide under docs/ (each reader has a guide of their own)
README = "\n\n".join(p.read_text(encoding="utf-8")
                     for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _commands() -> list[tuple[str, click.Command]]:
    return sorted(cli.main.commands.items())


def _options() -> list[tuple[str, str]]:
    out = [("gsync", max(p.opts, key=len)) for p in cli.main.params if isinstance(p, click.Option)]
    out += [("gsync", "--version"), ("gsync", "--help")]
    for name, command in _commands():
        out += [(name, max(p.opts, key=len)) for p in command.params if isinstance(p, click.Option)]
    return sorted(set(out))


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_is_in_the_readme(name: str, command: click.Command) -> None:
    assert f"gsync {name}" in README, f"the README never shows `gsync {name}`"
    assert command.help, f"`gsync {name}` has no --help text"


@pytest.mark.parametrize(("command", "option"), _options(), ids=[f"{c} {o}" for c, o in _options()])
def test_every_option_is_in_the_readme(command: str, option: str) -> None:
    assert re.search(rf"{re.escape(option)}(?![\w-])", README), f"the README never mentions {option} ({command})"


def _exit_codes() -> set[int]:
    codes = {0, 2, cli.EXIT_ATTENTION}  # 2: click's usage errors and ConfigError
    todo: list[type[errors.GsyncError]] = [errors.GsyncError]
    while todo:
        cls = todo.pop()
        codes.add(cls.exit_code)
        todo.extend(cls.__subclasses__())
    return codes


def test_every_exit_code_is_in_the_operators_table() -> None:
    operator = (ROOT / "docs" / "operator.md").read_text(encoding="utf-8")
    table = re.split(r"^## Exit codes.*$", operator, maxsplit=1, flags=re.M)[1].split("\n## ", 1)[0]
    documented = {int(m) for m in re.findall(r"^\| (\d) \|", table, flags=re.M)}
    assert documented == _exit_codes() and documented >= {0, 1, 2, 3, 4}


@pytest.mark.parametrize("code", typing.get_args(models.ProblemCode))
def test_every_problem_code_is_in_the_readme(code: str) -> None:
    assert f"`{code}`" in README
