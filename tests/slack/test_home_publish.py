"""The App Home is accepted by Slack for every role (unique action_ids and block_ids), its quick actions
still route, and a failed publish is never answered with a DM."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from blocks.ids import ActionId

from .conftest import Stack
from .payloads import find_element


def _ids(blocks: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(action_ids, block_ids) of a view's blocks, as Slack checks them for uniqueness."""
    actions, block_ids = [], []
    for block in blocks:
        if "block_id" in block:
            block_ids.append(block["block_id"])
        for element in [*block.get("elements", []), block.get("accessory") or {}, block.get("element") or {}]:
            if element.get("action_id"):
                actions.append(element["action_id"])
    return actions, block_ids


def _duplicates(ids: list[str]) -> list[str]:
    return [value for value, count in Counter(ids).items() if count > 1]


def _failed_job_and_command(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed job and a failed one-record command: the Home then shows several retry buttons."""
    stack.sandbox.inject_faults(fail_next=50, status=400)
    for text in ("debtor upsert 1", "debtor upsert 2"):
        _, url = stack.client.command(text)
        stack.settle()
        stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_CONFIRM),
                                   response_url=url)
        stack.settle()
    stack.sandbox.inject_faults(fail_next=0)
    # fails after the confirmation (the precheck before it reads Billecta too, and must pass)
    monkeypatch.setattr(stack.rt.billecta, "pause_invoice", lambda *args: (_ for _ in ()).throw(RuntimeError("down")))
    for number in ("1001", "1002"):
        _, url = stack.client.command(f"invoice pause {number}")
        stack.settle()
        stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                                   response_url=url)
        stack.settle()
    monkeypatch.undo()


@pytest.mark.parametrize("user", ["UADMIN", "UOPER", "UVIEW"])
def test_the_home_is_accepted_for_every_role_with_unique_ids(stack: Stack, monkeypatch: pytest.MonkeyPatch,
                                                              user: str) -> None:
    _failed_job_and_command(stack, monkeypatch)
    stack.client.event({"type": "app_home_opened", "user": user, "tab": "home"}, f"EvHome{user}")
    stack.settle()
    published = [c for c in stack.fake.calls("views.publish") if c.args.get("user_id") == user]
    assert published and all(c.ok for c in published), [c.error for c in published]
    actions, block_ids = _ids(published[-1].args["view"]["blocks"])
    assert actions and not _duplicates(actions), _duplicates(actions)
    assert not _duplicates(block_ids), _duplicates(block_ids)
    assert not [p for p in stack.fake.calls("chat.postMessage") if p.args.get("channel") == f"D{user}"]


def test_each_quick_action_still_opens_its_command(stack: Stack) -> None:
    stack.client.event({"type": "app_home_opened", "user": "UOPER", "tab": "home"}, "EvQuick")
    stack.settle()
    home = stack.fake.calls("views.publish", ok=True)[-1].args["view"]
    button = find_element(home["blocks"], f"{ActionId.HOME_COMMAND}.pause-invoice")
    stack.client.click_message(button, ephemeral=False)
    stack.settle()
    assert "pause-invoice" in stack.fake.calls("views.open", ok=True)[-1].args["view"]["private_metadata"]


def test_a_failed_publish_shows_on_the_home_and_never_dms(stack: Stack) -> None:
    for _ in range(3):  # past the client's own retries of a 5xx
        stack.fake.fail_next("views.publish", 500)
    stack.client.event({"type": "app_home_opened", "user": "UOPER", "tab": "home"}, "EvDown")
    stack.settle()
    assert not stack.posts("DUOPER"), "the user is looking at the Home, not at their DMs"
    latest = stack.fake.calls("views.publish", ok=True)[-1].args["view"]
    assert "could not be shown" in str(latest["blocks"]) and find_element(latest["blocks"], ActionId.HOME_REFRESH)


def test_a_failed_background_refresh_is_logged_not_sent(stack: Stack) -> None:
    assert stack.bot.deps.home is not None
    stack.bot.deps.home.interval = 0.0
    stack.client.event({"type": "app_home_opened", "user": "UOPER", "tab": "home"}, "EvBg")
    stack.settle()
    for _ in range(6):
        stack.fake.fail_next("views.publish", 500)
    stack.bot.deps.home.changed()
    stack.settle()
    assert not stack.posts("DUOPER")
