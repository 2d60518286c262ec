"""Copy and labels every user sees: the sandbox label on every modal, no leaked placeholders."""

from __future__ import annotations

from typing import Any

from blocks.ids import BlockId

from .conftest import Stack


def _views(stack: Stack) -> list[dict[str, Any]]:
    return [c.args["view"] for c in stack.fake.calls(ok=True) if c.method.startswith("views.")]


def _labelled(view: dict[str, Any]) -> bool:
    return any(b.get("block_id") == BlockId.SANDBOX for b in view.get("blocks", []))


def test_every_modal_carries_the_sandbox_label_including_the_shortcut_pickers(stack: Stack) -> None:
    stack.client.global_shortcut()
    stack.client.message_shortcut("invoice", {"text": "About invoice 1001 and 1002"})
    stack.client.message_shortcut("debtor", {"text": "no ids here"})
    stack.client.command("")
    stack.client.command("invoice payment 1001")
    stack.client.command("invoice events 1001")
    stack.settle()
    views = _views(stack)
    assert len(views) >= 6
    assert [v.get("callback_id") for v in views if not _labelled(v)] == []
