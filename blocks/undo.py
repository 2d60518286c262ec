"""The Undo button on a reversible change's result, and the messages it turns into.

Pure: messages in, messages out. A result keeps its own text; undoing it adds who undid it and what
that did, an expired Undo only loses its button. The handler (handlers/undo.py) runs the opposite
command's own flow (role, fresh precheck, confirmation) before any of these is shown.
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, context, message, section
from blocks.ids import ActionId
from blocks.status import result_view

UNDONE = "↩️"


def undo_button(value: str) -> Block:
    return button("Undo", ActionId.UNDO, value)


def with_undo(msg: dict[str, Any], value: str) -> dict[str, Any]:
    """`msg` with an Undo button: beside its other buttons, or in a row of its own."""
    blocks = [dict(block) for block in msg.get("blocks") or []]
    row = next((b for b in blocks if b.get("type") == "actions"), None)
    if row is not None and len(row.get("elements") or []) < limits.ACTIONS_ELEMENTS:
        row["elements"] = [undo_button(value), *row["elements"]]
    else:
        blocks.append(actions(undo_button(value)))
    return message(str(msg.get("text") or ""), blocks)


def has_undo(msg: dict[str, Any]) -> bool:
    return any(element.get("action_id") == ActionId.UNDO for block in msg.get("blocks") or []
               if block.get("type") == "actions" for element in block.get("elements") or [])


def without_undo(msg: dict[str, Any]) -> dict[str, Any]:
    """`msg` without its Undo button (a row left empty goes too)."""
    blocks = []
    for block in msg.get("blocks") or []:
        if block.get("type") == "actions":
            kept = [e for e in block.get("elements") or [] if e.get("action_id") != ActionId.UNDO]
            if not kept:
                continue
            block = {**block, "elements": kept}
        blocks.append(block)
    return message(str(msg.get("text") or ""), blocks)


def undone_message(msg: dict[str, Any], by: str, outcome: str) -> dict[str, Any]:
    """The result, edited in place once it was undone: no Undo any more, and who undid it, how."""
    note = undone_note(by, outcome)
    kept = without_undo(msg)
    return message(f"{kept['text']} — {note}", [*kept["blocks"], section(limits.clip(note, limits.SECTION_TEXT))])


def undone_note(by: str, outcome: str) -> str:
    return f"{UNDONE} Undone by <@{by}>: {outcome}"


def undone_followup(by: str, outcome: str) -> dict[str, Any]:
    """The reply in the undone result's thread."""
    note = undone_note(by, outcome)
    return message(note, [section(limits.clip(note, limits.SECTION_TEXT))])


def result_message(text: str, value: str | None) -> dict[str, Any]:
    """The requester's result of a reversible change, with its Undo while it lasts."""
    msg = message(text, [section(f"✅ {text}")])
    return with_undo(msg, value) if value else msg


def result_view_with_undo(title: str, text: str, value: str | None) -> Block:
    """The result in the modal the change was confirmed in, with its Undo while it lasts."""
    view = result_view(title, text)
    return {**view, "blocks": [*view["blocks"], actions(undo_button(value))]} if value else view


def expired_text(command_name: str, key: str) -> str:
    return f"Undo has expired; run `/billecta {command_name} {key}`."


def expired_message(command_name: str, key: str) -> dict[str, Any]:
    text = expired_text(command_name, key)
    return message(text, [context(text)])
