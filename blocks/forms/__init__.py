"""Dialog forms: the contract a command's form module implements (see handlers/flows/__init__.py).

A form module (`blocks/forms/<name>.py`, named by the command's `DialogSpec.blocks`) exposes
`form_blocks(ctx: FormContext) -> list[dict]`. Without one, `blocks.forms.generic` renders the
command's pydantic form model. `form_view` wraps either in the modal every dialog shares.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from blocks import limits
from blocks.common import Block, context, modal, plain, section
from blocks.confirm import confirm_text
from blocks.ids import CallbackId
from bot import timefmt
from bot.commands import Command
from bot.services import prefill


@dataclass
class FormContext:
    command: Command
    record_label: str
    prepared: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # current values: prefill, then what was typed
    errors: dict[str, str] = field(default_factory=dict)  # field → message, shown under the field


class FormModule(Protocol):
    def form_blocks(self, ctx: FormContext) -> list[Block]: ...


def form_module(command: Command) -> FormModule:
    from blocks.forms import generic

    name = command.dialog.blocks
    module: FormModule = importlib.import_module(name) if name else generic
    return module


def field_error(field_name: str, message: str) -> Block:
    """The error shown right under a field after on-change validation or a refusal by the service."""
    return context(f"⚠️ {message}", block_id=f"{field_name}-error")


def with_errors(blocks: list[Block], errors: dict[str, str]) -> list[Block]:
    """Insert each field's error under its input block (for forms that do not place them themselves)."""
    placed = {b.get("block_id") for b in blocks}
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        name = block.get("block_id")
        if block.get("type") == "input" and name in errors and f"{name}-error" not in placed:
            out.append(field_error(str(name), errors[name]))
    return out


# Text and number inputs dispatch on every character (Slack's default is Enter, which nobody presses
# in a modal), so a field's error shows and clears while the user types.
TYPING_INPUTS = ("plain_text_input", "number_input", "email_text_input", "url_text_input")
AS_YOU_TYPE = {"trigger_actions_on": ["on_character_entered"]}


def validate_as_you_type(block: Block) -> Block:
    """An input block that dispatches: text-like elements do so as the user types."""
    block["dispatch_action"] = True
    if block["element"].get("type") in TYPING_INPUTS:
        block["element"]["dispatch_action_config"] = AS_YOU_TYPE
    return block


def initial_text(value: Any) -> dict[str, Any]:
    return {"initial_value": str(value)} if value not in (None, "") else {}


def initial_option(options: list[Block], value: Any) -> dict[str, Any]:
    for option in options:
        if option["value"] == str(value):
            return {"initial_option": option}
    return {}


def form_view(ctx: FormContext, private_metadata: str) -> Block:
    """The dialog modal: record header, the dangerous warning, the form body, submit."""
    body = with_errors(form_module(ctx.command).form_blocks(ctx), ctx.errors)
    head = [section(confirm_text(ctx.command, label=f"*{ctx.record_label}*"))]
    freshness = freshness_note(ctx.prepared)
    if freshness:
        head.append(context(freshness))
    if ctx.command.dangerous:
        head.append(context("Check the values: Billecta acts on them as soon as you submit."))
    return modal(ctx.command.title, [*head, *body][: limits.VIEW_BLOCKS - 1],
                 callback_id=CallbackId.DIALOG, submit=ctx.command.title, close="Cancel",
                 private_metadata=private_metadata)


def freshness_note(prepared: dict[str, Any]) -> str | None:
    """Where the form's figures come from, when they are the store's mirror or just changed."""
    as_of = timefmt.format_moment(prepared[prefill.AS_OF]) if prepared.get(prefill.AS_OF) else None
    if prepared.get(prefill.CHANGED):
        return f"🔄 Updated from Billecta: {prepared[prefill.CHANGED]} (the bot's copy was as of {as_of})."
    if not prefill.stale(prepared):
        return None
    if prepared.get(prefill.UNCHECKED):
        return (f"⚠️ As of {as_of}, from the bot's copy: Billecta could not be asked just now. Your entry is "
                "checked against Billecta's figures when you submit.")
    return f"🕘 As of {as_of}, from the bot's copy; checking with Billecta…"


def label_of(name: str, title: str | None) -> dict[str, Any]:
    return plain(title or name.replace("_", " ").capitalize(), limits.LABEL)
