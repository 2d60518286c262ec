"""The use-credit form (command 8, `invoice use-credit <credit invoice>`), as Block Kit dicts.

Pure: `prepared` is what `bot.services.use_credit.prepare` returned, `values` the current field values,
`errors` field → message. The target is an external_select: Slack asks the bot for its options as the
user types (a block_suggestion for `unique_id(FORM_FIELD, "target")`, answered from the store by
`bot.services.use_credit.target_options` with each invoice's record line). The form states the credit
available and, once a target is picked, what will be used and what is left on both sides.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from blocks import limits
from blocks.common import Block, fields, option, plain, section
from blocks.forms import FormContext, field_error, initial_text, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot.money import format_amount
from bot.services.use_credit_form import target_key, usable


class UseCreditField(StrEnum):
    """Block ids of the form's inputs: the `UseCreditForm` field names."""

    TARGET = "target"
    AMOUNT = "amount"


def form_blocks(ctx: FormContext) -> list[Block]:
    """The dialog flow's hook."""
    return use_credit_form_blocks(ctx.prepared, ctx.values, ctx.errors)


def use_credit_form_blocks(prepared: dict[str, Any], values: dict[str, Any] | None = None,
                           errors: dict[str, str] | None = None) -> list[Block]:
    values = {**({"target": prepared["target"]} if prepared.get("target") else {}),
              **{k: v for k, v in (values or {}).items() if v not in (None, "")}}
    errors = errors or {}
    target = target_key(values.get(UseCreditField.TARGET)) or None
    blocks = [*_summary(prepared), section(_what_happens(prepared, target))]
    for field, block in ((UseCreditField.TARGET, _target(prepared, target)),
                         (UseCreditField.AMOUNT, _amount(prepared, values))):
        blocks.append(block)
        if errors.get(field):
            blocks.append(field_error(field, _escape(errors[field])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def _summary(prepared: dict[str, Any]) -> list[Block]:
    source = "Credit invoice" if prepared.get("is_credit_invoice") else "Overpayment kept from"
    pairs = [("Credit available", str(prepared.get("credit") or "")),
             (source, _escape(str(prepared.get("record") or ""))),
             ("Debtor", _escape(str(prepared.get("debtor") or "")))]
    shown = [(title, text) for title, text in pairs if text]
    return [fields(shown)] if shown else []


def _what_happens(prepared: dict[str, Any], target: str | None) -> str:
    currency = prepared.get("currency") or "SEK"
    credit = int(prepared.get("credit_minor") or 0)
    remaining = (prepared.get("targets") or {}).get(target) if target else None
    if target is None or remaining is None:
        return ("Pick one of the debtor's open invoices. Billecta uses the credit in full, up to what remains "
                "on that invoice; what is left stays the debtor's credit.")
    used = usable(credit, int(remaining))
    after = int(remaining) - used
    rest = f"{format_amount(after, currency)} remains to pay on it" if after else "it is then fully paid"
    left = f"{format_amount(credit - used, currency)} of credit is left" if credit - used else "no credit is left"
    return f"*{format_amount(used, currency)}* of the credit will be used on invoice {_escape(target)}: {rest}; {left}."


def _input(field: UseCreditField, label: str, element: Block, *, hint: str, optional: bool = False) -> Block:
    block: Block = {"type": "input", "block_id": str(field), "label": plain(label, limits.LABEL),
                    "element": {**element, "action_id": unique_id(ActionId.FORM_FIELD, field)},
                    "optional": optional, "hint": plain(hint, limits.LABEL)}
    return validate_as_you_type(block)


def _target(prepared: dict[str, Any], target: str | None) -> Block:
    element: Block = {"type": "external_select", "min_query_length": 0,
                      "placeholder": plain("Search the debtor's open invoices", limits.PLACEHOLDER)}
    if target:
        element["initial_option"] = option(_picked_text(prepared, target), target)
    debtor = prepared.get("debtor") or "the debtor"
    return _input(UseCreditField.TARGET, "Use the credit on", element,
                  hint=f"Another open invoice of {debtor}: type part of its number or its line.")


def _picked_text(prepared: dict[str, Any], target: str) -> str:
    """The picked option shown again after the form is redrawn (the search's record line is not kept)."""
    remaining = (prepared.get("targets") or {}).get(target)
    if remaining is None:
        return f"invoice {target}"
    return f"{target} · {format_amount(int(remaining), prepared.get('currency'))} remaining"[: limits.OPTION_TEXT]


def _amount(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    currency = prepared.get("currency") or "SEK"
    credit = f"the {prepared['credit']} credit" if prepared.get("credit") else "the credit"
    element: Block = {"type": "plain_text_input", "placeholder": plain("Leave empty for the usual amount",
                                                                       limits.PLACEHOLDER),
                      **initial_text(values.get(UseCreditField.AMOUNT))}
    return _input(UseCreditField.AMOUNT, f"Amount to use ({currency})", element, optional=True,
                  hint=f"Empty: the smaller of {credit} and what remains on the invoice; Billecta uses no other "
                       "amount.")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
