"""Small Block Kit element builders shared by every surface (plain dicts, clipped to Slack's limits)."""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.ids import BlockId
from blocks.limits import clip

Block = dict[str, Any]
SANDBOX_TEXT = "🧪 *Billecta sandbox* — nothing here touches real invoices or money."


def plain(text: str, limit: int = limits.SECTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = limits.SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def fields(pairs: list[tuple[str, str]]) -> Block:
    return {"type": "section", "fields": [mrkdwn(f"*{k}*\n{v}", limits.FIELD_TEXT) for k, v in pairs[:10]]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, limits.HEADER_TEXT)}


def context(*texts: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [mrkdwn(t) for t in texts[: limits.CONTEXT_ELEMENTS]]}
    if block_id:
        block["block_id"] = block_id
    return block


def divider() -> Block:
    return {"type": "divider"}


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[: limits.ACTIONS_ELEMENTS])}
    if block_id:
        block["block_id"] = block_id
    return block


def button(text: str, action_id: str, value: str = "", *, style: str | None = None,
           confirm: Block | None = None, url: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(text, limits.BUTTON_TEXT), "action_id": action_id}
    if value:
        if len(value) > limits.BUTTON_VALUE:
            raise limits.SlackLimitError("button value over 2000")
        element["value"] = value
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    if url:
        element["url"] = url
    return element


def confirm_dialog(title: str, text: str, yes: str, *, danger: bool = False, no: str = "Cancel") -> Block:
    """Slack's client-side confirm dialog on a button: a guard against slips, not an authorization."""
    dialog: Block = {
        "title": plain(title, limits.CONFIRM_TITLE),
        "text": plain(text, limits.CONFIRM_TEXT),
        "confirm": plain(yes, limits.CONFIRM_BUTTON),
        "deny": plain(no, limits.CONFIRM_BUTTON),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def option(text: str, value: str) -> Block:
    if len(value) > limits.OPTION_VALUE:
        raise limits.SlackLimitError(f"option value over 150: {value!r}")
    return {"text": plain(text, limits.OPTION_TEXT), "value": value}


def sandbox_block() -> Block:
    return context(SANDBOX_TEXT, block_id=BlockId.SANDBOX)


def with_sandbox(blocks: list[Block]) -> list[Block]:
    """The sandbox label first, once; the Slack output layer applies it to every message and view."""
    if blocks and blocks[0].get("block_id") == BlockId.SANDBOX:
        return blocks
    return [sandbox_block(), *blocks]


def modal(title: str, blocks: list[Block], *, callback_id: str, submit: str | None = None,
          close: str = "Close", private_metadata: str = "", notify_on_close: bool = False) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, limits.VIEW_TITLE),
        "close": plain(close, limits.VIEW_BUTTON),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, limits.VIEW_BUTTON)
    if private_metadata:
        view["private_metadata"] = private_metadata
    if notify_on_close:
        view["notify_on_close"] = True
    return limits.check_view(view)


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A chat message: `text` is the notification/fallback and always names the records."""
    text = clip(text, limits.MESSAGE_TEXT)
    return {"text": text, "blocks": limits.check_message(blocks, text)}
