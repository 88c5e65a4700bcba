"""Every command explains itself, and usage errors exit 2 with a message."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gsync.cli import main


@pytest.mark.parametrize("command", sorted(main.commands), ids=sorted(main.commands))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    doc = main.commands[command].help
    assert doc and " ".join(doc.split()[:6]) in " ".join(result.output.split())


def test_contract_commands_exist() -> None:
    assert {"sync", "status", "demo"} <= set(main.commands)


def test_missing_config_is_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["sync", "--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2
    assert "config file not found" in result.stderr


def test_bad_now_is_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gsync import demo

    config, _ = demo.build(tmp_path / "d")
    result = CliRunner().invoke(main, ["status", "--config", str(config), "--now", "yesterday"])
    assert result.exit_code == 2
    assert "ISO 8601" in result.output + result.stderr
