"""The Swish request form (command 17, `invoice swish <id>`), as Block Kit dicts.

Pure: `ctx.prepared` is what `bot.services.swish.prepare` returned (the amount, the debtor, the phone
found through SWISH_PHONE_FIELD and why it will not do, the default message). Both inputs validate as
the user types (the flow re-runs `SwishForm` on each change and passes the errors back here).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from blocks import limits
from blocks.common import Block, context, fields, plain
from blocks.forms import FormContext, field_error, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot.services.swish_form import MESSAGE_MAX, PHONE_MAX


class SwishField(StrEnum):
    """Block ids of the form's inputs: the `SwishForm` field names."""

    PHONE = "phone"
    MESSAGE = "message"


def form_blocks(ctx: FormContext) -> list[Block]:
    prepared = ctx.prepared
    values: dict[str, Any] = {str(f): prepared.get(f) for f in SwishField}
    values.update({k: v for k, v in ctx.values.items() if v is not None})
    errors = dict(ctx.errors)
    as_found = values.get("phone") == prepared.get("phone")
    if SwishField.PHONE not in errors and prepared.get("phone_problem") and as_found:
        errors[SwishField.PHONE] = f"{prepared['phone_problem']} (from {prepared.get('phone_field')})"
    blocks: list[Block] = [
        fields([("Amount requested", str(prepared.get("remaining") or "")),
                ("Debtor", _escape(str(prepared.get("debtor") or "—")))]),
        context(f"The request pops up in the payer's Swish app; they have {prepared.get('expires_minutes', 3)} "
                "minutes to approve it. You are told here how it ends."),
    ]
    found = prepared.get("phone_field")
    phone_hint = (f"Prefilled from {found}. " if prepared.get("phone") else
                  f"Nothing found at {found}; type it. " if found else "")
    for field, block in (
        (SwishField.PHONE, _input(SwishField.PHONE, "Payer's mobile number", values, "070-123 45 67",
                                  phone_hint + f"A Swedish mobile number, at most {PHONE_MAX} characters.")),
        (SwishField.MESSAGE, _input(SwishField.MESSAGE, "Message", values, "What the payer reads in Swish",
                                    f"Shown in the payer's Swish app; at most {MESSAGE_MAX} characters.")),
    ):
        blocks.append(block)
        if errors.get(field):
            blocks.append(field_error(field, _escape(errors[field])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def _input(field: SwishField, label: str, values: dict[str, Any], placeholder: str, hint: str) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": unique_id(ActionId.FORM_FIELD, field),
                      "placeholder": plain(placeholder, limits.PLACEHOLDER)}
    if values.get(field):
        element["initial_value"] = str(values[field])
    block: Block = {"type": "input", "block_id": str(field), "label": plain(label, limits.LABEL),
                    "element": element, "hint": plain(hint, limits.LABEL)}
    return validate_as_you_type(block)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
