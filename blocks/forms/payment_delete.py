"""The delete-payment form (command 23, `payment delete <id>`), as Block Kit dicts.

Pure: `prepared` is what `bot.services.payment_delete.prepare` returned. The modal shows the payment
(amount, date, sender, OCR or reference, the account it came from) so the admin can verify it is the
one they mean, says plainly that its money will then be matched to no invoice, and asks for its
amount typed exactly (checked under the field as they type).
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, fields, plain, section
from blocks.forms import FormContext, field_error, initial_text, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot.services.payment_delete import NOT_MATCHED

AMOUNT = "amount"


def form_blocks(ctx: FormContext) -> list[Block]:
    """The dialog flow's hook."""
    return delete_form_blocks(ctx.prepared, ctx.values, ctx.errors)


def payment_fields(prepared: dict[str, Any]) -> Block | None:
    """The payment as the user verifies it; what the bank did not say is said so, not left out."""
    unknown = "not given by the bank"
    pairs = [("Amount", str(prepared.get("amount_text") or "")),
             ("Payment date", str(prepared.get("paid_on_text") or unknown)),
             ("Sender", escape(str(prepared.get("sender") or unknown))),
             ("OCR or reference", escape(str(prepared.get("reference") or unknown))),
             ("Paid from (Bankgiro)", escape(str(prepared.get("bank_account") or unknown))),
             ("Kind", escape(str(prepared.get("kind") or "")))]
    if prepared.get("sender_org_no"):
        pairs.append(("Sender's org./person no.", escape(str(prepared["sender_org_no"]))))
    if prepared.get("sender_address"):
        pairs.append(("Sender's address", escape(str(prepared["sender_address"]))))
    shown = [(title, text) for title, text in pairs if text]
    return fields(shown) if shown else None


def delete_form_blocks(prepared: dict[str, Any], values: dict[str, Any] | None = None,
                       errors: dict[str, str] | None = None) -> list[Block]:
    values, errors = values or {}, errors or {}
    amount = prepared.get("amount_text") or "its amount"
    blocks: list[Block] = [b for b in (payment_fields(prepared),) if b]
    blocks.append(section(f"Deleting removes this payment from Billecta's unhandled payments. *{NOT_MATCHED}* "
                          "Delete only a payment that is not the creditor's to match (sent to the wrong company, "
                          "booked twice, a test); to put it on an invoice, use `payment match` instead."))
    element: Block = {"type": "plain_text_input", "action_id": unique_id(ActionId.FORM_FIELD, AMOUNT),
                      "placeholder": plain(f"Type {amount}", limits.PLACEHOLDER), **initial_text(values.get(AMOUNT))}
    blocks.append(validate_as_you_type({
        "type": "input", "block_id": AMOUNT, "element": element,
        "label": plain(f"Type the payment's amount ({amount}) to confirm", limits.LABEL),
        "hint": plain("Exactly the payment's amount, e.g. 1 234,50 or 1234.50.", limits.LABEL)}))
    if errors.get(AMOUNT):
        blocks.append(field_error(AMOUNT, escape(errors[AMOUNT])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
