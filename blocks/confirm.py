"""Confirmations: one record (action) or many (bulk), as an ephemeral message or inside a modal.

Dangerous commands lead with a warning that says what is destroyed or escalated; the button also
carries Slack's confirm dialog. The most destructive bulk commands ask for the number of records.
"""

from __future__ import annotations

from blocks import limits
from blocks.common import (
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    message,
    modal,
    plain,
    section,
)
from blocks.ids import ActionId, BlockId, CallbackId
from bot.commands import Command, Kind

SHOWN_LABELS = 5


def asks_for_count(command: Command) -> bool:
    """Whether the user must type the number of records: every dangerous bulk command (article delete,
    debtor anonymize, invoice credit), not only those the registry marks `typed_confirmation`."""
    return command.typed_confirmation or (command.dangerous and command.kind is Kind.BULK)


def confirm_text(command: Command, *, count: int = 1, label: str = "") -> str:
    text = command.confirm.format(count=count, label=label)
    return f"⚠️ *Dangerous:* {text}" if command.dangerous else text


def _bulk_lines(labels: list[str], count: int, total: str = "") -> str:
    """The records, one line each (the first few), and for money-moving commands the total."""
    shown = "\n".join(f"• {item}" for item in labels[:SHOWN_LABELS])
    more = count - min(count, SHOWN_LABELS)
    text = f"*Records:*\n{shown}" + (f"\n… and {more} more" if more else "")
    return text + (f"\n*Total:* {total}" if total else "")


def _go_button(command: Command, action_id: str, value: str, text: str) -> Block:
    style = "danger" if command.dangerous else "primary"
    dialog = confirm_dialog(command.title + "?", limits.clip(text.replace("*", ""), limits.CONFIRM_TEXT),
                            limits.clip(command.title, limits.CONFIRM_BUTTON), danger=command.dangerous)
    return button(command.title, action_id, value, style=style, confirm=dialog)


def action_message(command: Command, label: str, value: str) -> dict[str, object]:
    text = confirm_text(command, label=label)
    buttons = actions(_go_button(command, ActionId.ACTION_CONFIRM, value, text),
                      button("Cancel", ActionId.CANCEL), block_id=BlockId.CONFIRM_BUTTONS)
    return message(f"Confirm: {command.title} on {label}", [section(text), buttons])


def action_view(command: Command, label: str, private_metadata: str) -> Block:
    return modal(command.title, [section(confirm_text(command, label=label))], callback_id=CallbackId.ACTION_CONFIRM,
                 submit=command.title, close="Cancel", private_metadata=private_metadata)


def bulk_message(command: Command, count: int, labels: list[str], value: str, note: str = "",
                 total: str = "") -> dict[str, object]:
    """`note` leads the message (why the user is asked again); `total` is the money it moves."""
    text = confirm_text(command, count=count)
    if asks_for_count(command):
        go = button(f"Confirm {count} record(s)…", ActionId.BULK_TYPED_OPEN, value, style="danger")
    else:
        go = _go_button(command, ActionId.BULK_CONFIRM, value, text)
    blocks = [*([section(note)] if note else []), section(text), section(_bulk_lines(labels, count, total)),
              actions(go, button("Cancel", ActionId.CANCEL), block_id=BlockId.CONFIRM_BUTTONS)]
    fallback = f"Confirm: {command.title} on {count} record(s)" + (f", {total}" if total else "") + \
        f": {', '.join(labels[:SHOWN_LABELS])}"
    return message(f"{note} {fallback}" if note else fallback, blocks)


def bulk_view(command: Command, count: int, labels: list[str], private_metadata: str, note: str = "",
              total: str = "") -> Block:
    """`note` leads the modal (why the user is asked again); `total` is the money it moves."""
    blocks = [*([section(note)] if note else []), section(confirm_text(command, count=count)),
              section(_bulk_lines(labels, count, total))]
    if asks_for_count(command):
        blocks.append(typed_count_input(count))
    return modal(command.title, blocks, callback_id=CallbackId.BULK_CONFIRM, submit=command.title,
                 close="Cancel", private_metadata=private_metadata)


def typed_count_input(count: int) -> Block:
    return {
        "type": "input", "block_id": BlockId.TYPED_COUNT,
        "label": plain(f"Type {count} to confirm"),
        "hint": plain("The number of records this will change. This cannot be undone."),
        "element": {"type": "plain_text_input", "action_id": ActionId.TYPED_COUNT,
                    "placeholder": plain(str(count), limits.PLACEHOLDER)},
    }


def cancelled_message(command_title: str) -> dict[str, object]:
    return message(f"{command_title}: cancelled.", [context(f"{command_title}: cancelled; nothing was changed.")])
