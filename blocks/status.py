"""Interim and final views and messages: Loading…, Working…, a result, an error."""

from __future__ import annotations

from typing import Any

from blocks.common import Block, button, context, message, modal, section
from blocks.ids import ActionId, CallbackId

OK, FAILED, BUSY = "✅", "❌", "⏳"


def loading_view(title: str, what: str = "Loading…", private_metadata: str = "") -> Block:
    """Opened at once while the slow part runs; replaced by views.update."""
    return modal(title, [section(f"{BUSY} {what}")], callback_id=CallbackId.STATUS,
                 private_metadata=private_metadata)


def result_view(title: str, text: str, *, ok: bool = True, note: str | None = None) -> Block:
    blocks = [section(f"{OK if ok else FAILED} {text}")]
    if note:
        blocks.append(context(note))
    return modal(title, blocks, callback_id=CallbackId.STATUS, close="Done")


def started_view(title: str, text: str) -> Block:
    """Work handed to the job queue: under way, not done (the flow replaces it with the result)."""
    return modal(title, [section(f"{BUSY} {text}")], callback_id=CallbackId.STATUS, close="Close")


def error_view(headline: str, text: str) -> Block:
    return modal(headline, [section(f"{FAILED} {text}")], callback_id=CallbackId.STATUS)


def outcome_message(text: str, *, ok: bool = True, note: str | None = None) -> dict[str, Any]:
    blocks = [section(f"{OK if ok else FAILED} {text}")]
    if note:
        blocks.append(context(note))
    return message(text, blocks)


def busy_message(text: str) -> dict[str, Any]:
    return message(text, [section(f"{BUSY} {text}")])


def error_message(text: str) -> dict[str, Any]:
    return message(text, [section(f"{FAILED} {text}")])


REFUSED = "✋"


def refused_message(text: str, offer: tuple[str, str] | None = None) -> dict[str, Any]:
    """Billecta's rules say no: an answer, not a failure. `offer` is (button text, a FlowState value)
    for the command that does apply ("Resume invoice"); the button starts that command's flow."""
    return message(text, [_refused_section(text, offer)])


def refused_view(title: str, text: str, offer: tuple[str, str] | None = None) -> Block:
    return modal(title, [_refused_section(text, offer)], callback_id=CallbackId.STATUS, close="Done")


def _refused_section(text: str, offer: tuple[str, str] | None) -> Block:
    accessory = button(offer[0], ActionId.OPEN_COMMAND, offer[1], style="primary") if offer else None
    return section(f"{REFUSED} {text}", accessory=accessory)
