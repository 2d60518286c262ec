"""Palette, shortcuts, help and bad input, through the HTTP endpoint."""

from __future__ import annotations

from blocks.ids import ActionId, BlockId, CallbackId
from bot import commands as registry

from .conftest import Stack
from .payloads import field


def test_palette_type_command_search_then_the_commands_flow(stack: Stack) -> None:
    reply, _ = stack.client.command("")
    assert reply.status == 200
    stack.settle()
    view_id = stack.fake.opened()
    assert stack.fake.view(view_id)["callback_id"] == CallbackId.PICKER

    picked_type = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "invoice")
    stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE, values=picked_type)
    stack.settle()
    commands = [b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == BlockId.PICKER_COMMAND]
    assert commands and any(o["value"] == "pause-invoice" for o in commands[0]["element"]["options"])

    picked = {**picked_type, **field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "pause-invoice")}
    stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND, values=picked)
    stack.settle()
    record = [b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == BlockId.PICKER_RECORD]
    assert record and record[0]["element"]["type"] == "external_select"

    options = stack.client.suggest(view_id, ActionId.PICKER_RECORD, "100")
    assert options.status == 200
    found = [o["value"] for o in options.json["options"]]
    assert "1001" in found and all(len(o["text"]["text"]) <= 75 for o in options.json["options"])

    chosen = {**picked, **field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select", "1001")}
    submitted = stack.client.submit(view_id, chosen)
    assert submitted.json["response_action"] == "update"
    stack.settle()
    confirm = stack.fake.view(view_id)
    assert confirm["callback_id"] == CallbackId.ACTION_CONFIRM and "invoice 1001" in str(confirm["blocks"])
    stack.client.submit(view_id)
    stack.settle()
    assert "invoice 1001 is paused" in str(stack.fake.view(view_id)["blocks"])


def test_palette_submit_without_a_command_shows_errors_under_the_field(stack: Stack) -> None:
    stack.client.global_shortcut()
    stack.settle()
    view_id = stack.fake.opened()
    chosen = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "invoice")
    stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE, values=chosen)
    stack.settle()
    reply = stack.client.submit(view_id, chosen)
    assert reply.json["response_action"] == "errors" and BlockId.PICKER_COMMAND in reply.json["errors"]


def test_palette_submitted_before_the_command_select_appeared_is_redrawn_with_it(stack: Stack) -> None:
    """Slack refuses errors keyed to an input the modal does not show; the modal gets the select instead."""
    stack.client.global_shortcut()
    stack.settle()
    reply = stack.client.submit(stack.fake.opened(),
                                field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "invoice"))
    assert reply.json["response_action"] == "update"
    assert BlockId.PICKER_COMMAND in {b.get("block_id") for b in reply.json["view"]["blocks"]}


def test_message_shortcut_reads_ids_and_bulk_takes_them_all(stack: Stack) -> None:
    message = {"text": "Sync please: debtors 1, 2 and 4 (see invoice 1001)", "ts": "5.5"}
    reply = stack.client.message_shortcut("debtor", message)
    assert reply.status == 200
    stack.settle()
    view = stack.fake.calls("views.open", ok=True)[-1].args["view"]
    assert "debtor 1-2, 4" in str(view["blocks"]) and "1001" not in str(view["blocks"])
    view_id = stack.fake.opened()
    picked = field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "upsert-debtors-in-billecta")
    stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND, values=picked)
    stack.settle()
    targets = [b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == BlockId.PICKER_TARGETS]
    assert targets[0]["element"]["initial_value"] == "1-2 4"


def test_message_shortcut_on_a_bot_notification(stack: Stack) -> None:
    notice = {"text": "✅ invoice 1002 is paused.", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "✅ invoice 1002 is paused."}}]}
    stack.client.message_shortcut("invoice", notice)
    stack.settle()
    view = stack.fake.calls("views.open", ok=True)[-1].args["view"]
    assert "invoice 1002" in str(view["blocks"])


def test_help_and_unknown_input(stack: Stack) -> None:
    helped, _ = stack.client.command("help invoice")
    assert "/billecta invoice pause <id>" in str(helped.json["blocks"])
    unknown, _ = stack.client.command("invoce pause 1001")
    assert "invoice pause" in unknown.json["text"] and "Did you mean" in unknown.json["text"]
    # A command listed but not built yet (any: they become available one by one).
    waiting = next((c for c in registry.COMMANDS if not c.available and c.record_type != "*"), None)
    if waiting is not None:
        not_yet, url = stack.client.command(waiting.name)
        stack.settle()
        assert "not available yet" in stack.responses(url)[-1]["text"]
    missing, url = stack.client.command("invoice pause 424242")
    stack.settle()
    assert "no invoice 424242" in stack.responses(url)[-1]["text"]


def test_healthz(stack: Stack) -> None:
    import httpx

    url = stack.client.url.replace("/slack/events", "/healthz")
    body = httpx.get(url).json()
    assert body["billecta"] == "sandbox (embedded)" and body["store"] == "ok" and body["worker"] == "running"


def test_unsigned_requests_are_refused(stack: Stack) -> None:
    import httpx

    response = httpx.post(stack.client.url, content=b"command=/billecta&text=help",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 401


def test_a_stale_modal_update_is_dropped_not_shown_as_an_error(stack: Stack) -> None:
    stack.client.command("")
    stack.settle()
    view_id = stack.fake.opened()
    stale = {**stack.fake.view(view_id), "hash": "old"}
    stack.fake.state.views[view_id] = {**stack.fake.view(view_id), "hash": "new"}
    stack.fake.state.views[view_id + "-stale"] = stale
    picked = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "debtor")
    payload_view = {**stale, "id": view_id, "state": {"values": picked}}
    stack.client.interact({"type": "block_actions", "user": {"id": "UOPER"}, "view": payload_view,
                           "actions": [{"action_id": ActionId.PICKER_TYPE, "block_id": BlockId.PICKER_TYPE}]})
    stack.settle()
    assert [c.error for c in stack.fake.calls("views.update")] == ["hash_conflict"]
    assert stack.fake.view(view_id)["callback_id"] == CallbackId.PICKER  # no error view over the user's modal


def test_a_message_shortcut_names_the_records_it_found_by_their_lines(stack: Stack) -> None:
    stack.client.message_shortcut("invoice", {"text": "Can someone look at invoice 1001?", "ts": "6.6"})
    stack.settle()
    view_id = stack.fake.opened()
    picked = field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "pause-invoice")
    stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND, values=picked)
    stack.settle()
    [record] = [b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == BlockId.PICKER_RECORD]
    [shown] = record["element"]["options"]
    text = shown["text"]["text"].replace("\u00a0", " ")
    assert shown["value"] == "1001" and text.startswith("1001 · Nordic Café AB · 1 250,00 kr · due ")
    assert "InvoiceSent" not in text and len(text) <= 75
