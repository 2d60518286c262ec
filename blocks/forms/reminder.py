"""The reminder form (command 11, `invoice reminder <id>`) as Block Kit dicts.

Pure: `prepared` is what `bot.services.reminders.prepare` returned, `values` the current field values
(prefilled, then typed), `errors` field → message. Each input's block_id is the form field name and
its action_id `unique_id(ActionId.FORM_FIELD, field)`, as the generic dialog flow expects.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from blocks import limits
from blocks.common import Block, fields, option, plain, section
from blocks.forms import FormContext, field_error, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot import timefmt
from bot.money import format_amount
from bot.services.reminder_form import DELIVERY_METHODS, TERMS_MAX, TERMS_MIN

# What an option says when the debtor cannot be reached that way (the whole reason shows if it is picked).
UNREACHABLE = {"Email": "Not possible: the debtor has no e-mail address",
               "SMS": "Not possible: the debtor has no phone number"}


class ReminderField(StrEnum):
    """Block ids of the form's inputs: the `ReminderForm` field names."""

    FEE = "fee"
    PAYMENT_TERMS_DAYS = "payment_terms_days"
    DELIVERY_METHOD = "delivery_method"


def reminder_form_blocks(prepared: dict[str, Any], values: dict[str, Any] | None = None,
                         errors: dict[str, str] | None = None) -> list[Block]:
    """The invoice's balance and due date, then the inputs (or only why no reminder applies)."""
    values = {**_prefill(prepared), **{k: v for k, v in (values or {}).items() if v is not None}}
    errors = errors or {}
    blocks = [_summary(prepared)]
    if not prepared.get("allowed", True):
        blocks.append(section(f"⛔ {_escape(prepared.get('reason') or 'No reminder can be sent.')}"))
        return limits.check_blocks(blocks, limits.VIEW_BLOCKS)
    for field, block in ((ReminderField.FEE, _fee(prepared, values)),
                         (ReminderField.PAYMENT_TERMS_DAYS, _terms(prepared, values)),
                         (ReminderField.DELIVERY_METHOD, _method(prepared, values))):
        blocks.append(block)
        if errors.get(field):
            blocks.append(field_error(field, _escape(errors[field])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def form_blocks(ctx: FormContext) -> list[Block]:
    """The dialog flow's hook."""
    return reminder_form_blocks(ctx.prepared, ctx.values, ctx.errors)


def _prefill(prepared: dict[str, Any]) -> dict[str, Any]:
    return {field: prepared[field] for field in ReminderField if prepared.get(field) is not None}


def _summary(prepared: dict[str, Any]) -> Block:
    pairs = [("To pay", prepared.get("remaining")
              or format_amount(prepared.get("remaining_minor") or 0, prepared.get("currency")))]
    if prepared.get("due_date"):
        pairs.append(("Was due", timefmt.format_day(str(prepared["due_date"]))))
    if prepared.get("reminders_sent"):
        pairs.append(("Reminders sent", str(prepared["reminders_sent"])))
    if prepared.get("debtor"):
        pairs.append(("Debtor", _escape(str(prepared["debtor"]))))
    return fields(pairs)


def _input(field: ReminderField, label: str, element: Block, hint: str) -> Block:
    block: Block = {"type": "input", "block_id": str(field), "label": plain(label, limits.LABEL),
                    "element": {**element, "action_id": unique_id(ActionId.FORM_FIELD, field)}, "optional": False,
                    "hint": plain(hint, limits.LABEL)}
    return validate_as_you_type(block)


def _fee(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    currency = prepared.get("currency") or "SEK"
    element: Block = {"type": "plain_text_input", "placeholder": plain("e.g. 60,00", limits.PLACEHOLDER)}
    if values.get(ReminderField.FEE) not in (None, ""):
        element["initial_value"] = str(values[ReminderField.FEE])
    hint = prepared.get("fee_note") or (f"In {currency}, added to what the debtor owes; 0 for no fee. Prefilled "
                                        "with the creditor's reminder fee.")
    return _input(ReminderField.FEE, f"Reminder fee ({currency})", element, str(hint))


def _terms(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    element: Block = {"type": "number_input", "is_decimal_allowed": False, "min_value": str(TERMS_MIN),
                      "max_value": str(TERMS_MAX)}
    if values.get(ReminderField.PAYMENT_TERMS_DAYS) not in (None, ""):
        element["initial_value"] = str(values[ReminderField.PAYMENT_TERMS_DAYS])
    return _input(ReminderField.PAYMENT_TERMS_DAYS, "Payment terms (days)", element,
                  f"Days the debtor has to pay the reminder, {TERMS_MIN}–{TERMS_MAX}. Prefilled with the "
                  "creditor's reminder terms.")


def _method(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    unreachable = prepared.get("unreachable") or {}
    options = [{**option(words, method.value),
                "description": plain(UNREACHABLE.get(method.value, note) if method.value in unreachable else note,
                                     limits.OPTION_TEXT)}
               for method, words, note in DELIVERY_METHODS]
    chosen = str(values.get(ReminderField.DELIVERY_METHOD) or "")
    # Radio buttons, not a select: each method's note (Slack shows descriptions only there) says what it does.
    element: Block = {"type": "radio_buttons", "options": options}
    initial = next((o for o in options if o["value"] == chosen), None)
    if initial:
        element["initial_option"] = initial
    return _input(ReminderField.DELIVERY_METHOD, "Delivery method", element,
                  "Prefilled with how the invoice itself was delivered.")


def _escape(text: str) -> str:
    """Billecta and user text shown as mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
