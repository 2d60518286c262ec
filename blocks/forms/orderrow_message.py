"""The order-row message form (command 28, `orderrow message <id> message= [kind=]`) as Block Kit dicts.

Pure: `ctx.prepared` is what `bot.services.orderrow_message.prepare` returned (the row, its order, where
the order stands in Billecta). The message input dispatches on every character, and each update shows
how many characters are typed against the limit, so the user sees it as they type; the kind is a
choice in words. An attested invoice is said plainly above the form, with the comment preselected.
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, context, fields, option, plain
from blocks.forms import FormContext, field_error, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot.services.orderrow_message_form import KIND_WORDS, MESSAGE_MAX, InvoiceState, MessageKind

MESSAGE, KIND = "message", "kind"
COUNT_BLOCK = "orderrow-message-count"


def form_blocks(ctx: FormContext) -> list[Block]:
    prepared, values, errors = ctx.prepared, ctx.values, ctx.errors
    blocks: list[Block] = [fields([("Order", str(prepared.get("order") or "")),
                                   ("After", _escape(str(prepared.get("row") or "")))]),
                           context(_where_text(prepared))]
    blocks.append(_message_input(values.get(MESSAGE)))
    if errors.get(MESSAGE):
        blocks.append(field_error(MESSAGE, _escape(errors[MESSAGE])))
    blocks.append(context(count_text(values.get(MESSAGE)), block_id=COUNT_BLOCK))
    blocks.append(_kind_input(prepared, values))
    if errors.get(KIND):
        blocks.append(field_error(KIND, _escape(errors[KIND])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def count_text(typed: Any) -> str:
    """'37 of 250 characters', or how far over the limit what is typed so far is."""
    length = len(str(typed or "").strip())
    if length > MESSAGE_MAX:
        return f"⚠️ {length} characters: {length - MESSAGE_MAX} over the limit of {MESSAGE_MAX}."
    return f"{length} of {MESSAGE_MAX} characters."


def _where_text(prepared: dict[str, Any]) -> str:
    order = str(prepared.get("order") or "the order")
    order = order[:1].upper() + order[1:]
    state = prepared.get("state")
    if state == InvoiceState.ATTESTED:
        return (f"⛔ {order} became {prepared.get('invoice') or 'an invoice'}, which is attested: its rows cannot "
                "change. The text can be a comment on the invoice instead (chosen below).")
    if state == InvoiceState.DRAFT:
        return (f"{order} is a draft invoice in Billecta: the message row is on it at the next "
                f"`order upsert {prepared.get('order_id')}`.")
    return f"{order} is not in Billecta yet: the message row joins it, and goes up with its first upsert."


def _message_input(typed: Any) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": unique_id(ActionId.FORM_FIELD, MESSAGE),
                      "placeholder": plain("e.g. Delivered to the back entrance, 12 March", limits.PLACEHOLDER)}
    if typed not in (None, ""):
        element["initial_value"] = str(typed)
    block: Block = {"type": "input", "block_id": MESSAGE, "label": plain("Message", limits.LABEL),
                    "element": element,
                    "hint": plain(f"One line of text, at most {MESSAGE_MAX} characters; no amount.", limits.LABEL)}
    return validate_as_you_type(block)


def _kind_input(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    options = [{**option(text, kind.value), "description": plain(note, limits.OPTION_TEXT)}
               for kind, (text, note) in KIND_WORDS.items()]
    chosen = str(values.get(KIND) or prepared.get(KIND) or MessageKind.ROW.value)
    element: Block = {"type": "radio_buttons", "action_id": unique_id(ActionId.FORM_FIELD, KIND), "options": options,
                      "initial_option": next((o for o in options if o["value"] == chosen), options[0])}
    block: Block = {"type": "input", "block_id": KIND, "label": plain("Add it as", limits.LABEL), "element": element}
    return validate_as_you_type(block)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
