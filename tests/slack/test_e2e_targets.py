"""An unknown target, through the HTTP endpoint and through the shell: the same words, from the table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import records
from bot.cli import main

from .conftest import Stack

# One command per way a target is resolved: an action's reply, a view's modal; mirror and source types.
CASES = [
    ("invoice pause 424242", "invoice", "424242"),
    ("debtcollection events 424242", "debtcollection", "424242"),
    ("payment events 424242", "payment", "424242"),
    ("debtor events 4242", "debtor", "4242"),
    ("show-event-log order 4242", "order", "4242"),
]


def _shown(stack: Stack, text: str) -> str:
    """What the user sees: the command's reply, or the modal it opened."""
    _, url = stack.client.command(text)
    stack.settle()
    replies = " ".join(r.get("text") or "" for r in stack.responses(url))
    opened = stack.fake.calls("views.open", ok=True)
    modal = json.dumps(stack.fake.view(stack.fake.opened())["blocks"], ensure_ascii=False) if opened else ""
    return replies + modal


def test_an_unknown_target_gets_the_same_message_in_slack_and_the_shell(
        stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    for text, record_type, key in CASES:
        said = records.get(record_type).unresolved(key)
        assert said in _shown(stack, text), text
        # The shell, on the same store: `run` and the same words.
        status = main(["run", *text.split(), "--yes", "--json"])
        error = json.loads(capsys.readouterr().out)["error"]
        assert status == 4 and error == said, (text, error)


@pytest.fixture(autouse=True)
def _shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shell on its own store and embedded sandbox, both seeded with the same demo records."""
    (tmp_path / "shell").mkdir()
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "shell" / "bot.db"))


def test_one_record_is_read_by_the_rule_the_shell_uses(stack: Stack) -> None:
    """`creditor events` without an id is the store's one creditor's log, in Slack as in the shell;
    two invoices for a one-record command are refused with its usage."""
    stack.client.command("creditor events")
    stack.settle()
    view = stack.fake.view(stack.fake.opened())
    assert view["title"]["text"] == "Event log" and "acts on one record" not in json.dumps(view)
    _, url = stack.client.command("invoice pause 1001 1002")
    stack.settle()
    assert any("acts on one record" in (r.get("text") or "") for r in stack.responses(url))
