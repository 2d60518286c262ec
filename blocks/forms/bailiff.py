"""The send-to-bailiff form (command 22, `debtcollection bailiff <id> option=`), as Block Kit dicts.

Pure: `ctx.prepared` is what `bot.services.bailiff.prepare` returned (the case's stage, what it owes,
the options its stage takes). Each option says in one line what it starts (Kronofogden, a legal
process, its fee); an option the stage does not take is not offered.
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, context, fields, option, plain
from blocks.forms import FormContext, field_error, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot.services.bailiff import OPTION_WORDS, BailiffOption

OPTION = "option"


def form_blocks(ctx: FormContext) -> list[Block]:
    prepared = ctx.prepared
    blocks: list[Block] = [
        fields([("Stage", _escape(str(prepared.get("stage") or "—"))), ("Owed", str(prepared.get("owed") or "—")),
                ("Debtor", _escape(str(prepared.get("debtor") or "—")))]),
        _option_input(prepared, ctx.values.get(OPTION)),
    ]
    if ctx.errors.get(OPTION):
        blocks.append(field_error(OPTION, _escape(ctx.errors[OPTION])))
    blocks.append(context("This starts a legal process with Kronofogden (the Swedish Enforcement Authority) "
                          "and cannot be called back from here."))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def _option_input(prepared: dict[str, Any], chosen: Any) -> Block:
    offered = [o for o in BailiffOption if o.value in (prepared.get("options") or [o.value for o in BailiffOption])]
    options = [{**option(OPTION_WORDS[o][0], o.value), "description": plain(OPTION_WORDS[o][1], limits.OPTION_TEXT)}
               for o in offered]
    element: Block = {"type": "radio_buttons", "action_id": unique_id(ActionId.FORM_FIELD, OPTION),
                      "options": options}
    initial = next((o for o in options if o["value"] == str(chosen or "")), None)
    if initial is not None:
        element["initial_option"] = initial
    block: Block = {"type": "input", "block_id": OPTION, "label": plain("How", limits.LABEL), "element": element}
    return validate_as_you_type(block)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
