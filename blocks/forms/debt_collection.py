"""The send-to-debt-collection form (command 18, `invoice debt-collection <id>`) as Block Kit dicts.

Pure: `prepared` is what `bot.services.collection.prepare` returned. The form leads with what happens
next (a collection notice to the debtor, the statutory fee, interest, the claim's terms), in the one
money format, then the four inputs; each input's block_id is its form field name.
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, fields, option, plain, section
from blocks.forms import FormContext, field_error, initial_option, initial_text, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot import timefmt
from bot.money import format_amount
from bot.services.collection_form import (
    DELIVERY_METHODS,
    INTEREST_HINT,
    METHOD_WORDS,
    REASON_MAX,
    REFERENCE_MAX,
    interest_words,
    method_value,
)

FIELDS = ("delivery_method", "reference", "reason", "interest")


def form_blocks(ctx: FormContext) -> list[Block]:
    prepared = ctx.prepared
    values = {**{k: prepared.get(k) for k in FIELDS}, **{k: v for k, v in ctx.values.items() if v is not None}}
    blocks = [_summary(prepared), section(_next_steps(prepared, values))]
    for name, block in (("delivery_method", _method(values)), ("reference", _reference(values)),
                        ("reason", _reason(values)), ("interest", _interest(values))):
        blocks.append(block)
        if ctx.errors.get(name):
            blocks.append(field_error(name, _escape(ctx.errors[name])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def _summary(prepared: dict[str, Any]) -> Block:
    currency = prepared.get("currency")
    pairs = [("To collect", prepared.get("remaining") or format_amount(prepared.get("remaining_minor") or 0, currency))]
    if prepared.get("due_date"):
        late = prepared.get("days_late")
        overdue = f" ({late} day{'' if late == 1 else 's'} overdue)" if isinstance(late, int) and late > 0 else ""
        pairs.append(("Due date", timefmt.format_day(str(prepared["due_date"])) + overdue))
    if prepared.get("debtor"):
        pairs.append(("Debtor", _escape(str(prepared["debtor"]))))
    return fields(pairs)


def _next_steps(prepared: dict[str, Any], values: dict[str, Any]) -> str:
    """What Billecta does once this is submitted, with the figures it will use."""
    currency = prepared.get("currency")
    debtor = _escape(str(prepared.get("debtor") or "the debtor"))
    method = METHOD_WORDS.get(method_value(values.get("delivery_method")) or "", "the method chosen below").lower()
    lines = [f"*What happens next*\n• Billecta opens a debt-collection case and sends {debtor} a collection "
             f"notice (inkassokrav) by {method}."]
    fee = prepared.get("fee_minor")
    lines.append(f"• The statutory collection fee of {format_amount(fee, currency)} is added to the claim." if fee
                 else "• Billecta adds the collection fee its agreement with the creditor sets.")
    try:
        interest = interest_words(str(values.get("interest") or ""))
    except ValueError:
        interest = "the interest given below"
    lines.append(f"• Interest from the due date: {interest}.")
    lines.append(f"• The debtor has {prepared.get('terms_days')} days to pay (the creditor's setting); an unpaid "
                 "claim can then go to the bailiff (Kronofogden).")
    return "\n".join(lines)


def _input(name: str, label: str, element: Block, *, hint: str, optional: bool = False,
           dispatch: bool = True) -> Block:
    block: Block = {"type": "input", "block_id": name, "label": plain(label, limits.LABEL), "optional": optional,
                    "element": {**element, "action_id": unique_id(ActionId.FORM_FIELD, name)},
                    "hint": plain(hint, limits.LABEL)}
    return validate_as_you_type(block) if dispatch else block


def _method(values: dict[str, Any]) -> Block:
    options = [option(words, method.value) for method, words in DELIVERY_METHODS]
    element: Block = {"type": "static_select", "options": options,
                      "placeholder": plain("How the notice is sent", limits.PLACEHOLDER),
                      **initial_option(options, method_value(values.get("delivery_method")))}
    return _input("delivery_method", "Send the collection notice by", element,
                  hint="Prefilled with how the invoice was sent.")


def _reference(values: dict[str, Any]) -> Block:
    element: Block = {"type": "plain_text_input", "max_length": REFERENCE_MAX,
                      **initial_text(values.get("reference"))}
    return _input("reference", "Our reference", element, optional=True, dispatch=False,
                  hint=f"Printed on the notice as the creditor's contact; at most {REFERENCE_MAX} characters.")


def _reason(values: dict[str, Any]) -> Block:
    element: Block = {"type": "plain_text_input", "max_length": REASON_MAX, **initial_text(values.get("reason"))}
    return _input("reason", "Reason for collection", element,
                  hint=f"What the claim is for, as the notice states it; at most {REASON_MAX} characters.")


def _interest(values: dict[str, Any]) -> Block:
    element: Block = {"type": "plain_text_input", "placeholder": plain("ref+8", limits.PLACEHOLDER),
                      **initial_text(values.get("interest"))}
    return _input("interest", "Interest", element, hint=f"Prefilled with the creditor's setting: {INTEREST_HINT}.")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
