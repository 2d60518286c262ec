"""Documentation stays true: every CLI subcommand and setting is in the README (sqlite-utils' docs test)."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import threading
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.config import load_settings
from bot.runtime import build_runtime

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


def _shell_block(heading: str, nth: int = 0) -> list[str]:
    """The lines of the `nth` ```sh block after `heading`, comments and blank lines dropped."""
    section = README.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n")[nth + 1].split("\n```", 1)[0]
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


def test_the_first_session_works_against_a_served_sandbox(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's served variant: the sandbox over HTTP, a store that starts empty, `pull` links what
    Billecta has (creditor, debtors, products, drafts of orders), then the first session line by line."""
    from bot.sandbox import Sandbox
    from bot.sandbox.server import make_server

    for name in [name for name in os.environ if name.startswith(("BILLECTA_", "SLACK_", "ROLE_"))] + ["SCHEDULES"]:
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    box = Sandbox(str(tmp_path / "served.db"), token="sandbox", seed="demo")
    server = make_server(box, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        served = _shell_block("A first session", nth=1)  # the served variant's block
        assert any(line.startswith("billecta-bot pull") for line in served)
        monkeypatch.setenv("BILLECTA_BASE_URL", server.url)
        monkeypatch.setenv("BILLECTA_SECURE_TOKEN", "sandbox")
        for line in [line for line in served if line.startswith("billecta-bot pull")] + _shell_block("A first session"):
            status = main(shlex.split(line, comments=True)[1:])
            out, err = capsys.readouterr()
            assert status == 0, f"{line!r} exited {status}:\n{out}\n{err}"
        assert not (tmp_path / "billecta-bot.sandbox.db").exists()  # it ran against the served one
        rt = build_runtime(load_settings())
        try:  # the account's debtors were linked, not created again
            external_ids = [debtor.debtor_external_id for debtor in rt.billecta.list_debtors()]
        finally:
            rt.close()
        assert sorted(external_ids) == sorted(set(external_ids)) and {"1", "2", "5"} <= set(external_ids)
    finally:
        server.close()
        thread.join(timeout=5)
        box.close()
