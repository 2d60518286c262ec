"""Documentation stays true: every CLI subcommand and setting is in the README (sqlite-utils' docs test)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _subcommands() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    raise AssertionError("no subcommands")


def test_every_cli_subcommand_is_documented() -> None:
    missing = [name for name in _subcommands() if f"billecta-bot {name}" not in README]
    assert not missing, f"README does not document: {missing}"


def test_readme_keeps_the_two_commands() -> None:
    assert "pip install -e . && billecta-bot" in README
    assert "pip install -e '.[dev]' && python -m pytest" in README
