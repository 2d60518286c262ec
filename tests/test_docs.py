"""Documentation stays true: every CLI subcommand and setting is in the README (sqlite-utils' docs test)."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
from pathlib import Path

import pytest

from bot.cli import build_parser, main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


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


def _shell_block(heading: str) -> list[str]:
    """The lines of the first ```sh block after `heading`, comments and blank lines dropped."""
    section = README.split(f"\n## {heading}\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("\n```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _first_session() -> list[str]:
    """The install line's own command (after `pip install -e . &&`), then 'A first session' line by line."""
    install = _shell_block("Two commands")[0].rsplit("&& ", 1)[1]
    return [install, *_shell_block("A first session")]


def test_the_first_session_runs_top_to_bottom_in_a_fresh_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """As a new user types it: a fresh directory with the repository's examples, no settings, the
    embedded sandbox; every line exits 0 (the install line used to pause 1001, so the session's own
    pause failed)."""
    for name in [name for name in os.environ if name.startswith(("BILLECTA_", "SLACK_", "ROLE_"))] + ["SCHEDULES"]:
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    lines = _first_session()
    assert len(lines) > 5 and all(line.startswith("billecta-bot ") for line in lines)
    for line in lines:
        status = main(shlex.split(line, comments=True)[1:])
        out, err = capsys.readouterr()
        assert status == 0, f"{line!r} exited {status}:\n{out}\n{err}"
    assert (tmp_path / "billecta-bot.db").exists()
