"""The manual-payment form (command 9, `invoice payment <id>`) and its result, as Block Kit dicts.

Pure: `prepared` is what `bot.services.payments.prepare` returned, `values` the current field values
(prefilled, then typed), `errors` field → message. Each input's block_id is the form field name and
its action_id `unique_id(ActionId.FORM_FIELD, field)`, as the generic dialog flow expects (handlers/flows).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from blocks import limits
from blocks.common import Block, context, fields, option, plain, section
from blocks.forms import FormContext, field_error, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot import timefmt
from bot.billecta.enums import OvershootingAmountHandling
from bot.money import MoneyError, format_amount, parse_decimal
from bot.services import Outcome
from bot.services.labels import stage_words
from bot.services.payment_form import OVERPAYMENT_CHOICES, PAYMENT_MEANS, REFERENCE_MAX, overpayment_unconfirmed


class PaymentField(StrEnum):
    """Block ids of the form's inputs: the `PaymentForm` field names."""

    AMOUNT = "amount"
    PAYMENT_DATE = "payment_date"
    PAYMENT_MEANS = "payment_means"
    REFERENCE = "reference"
    OVERPAYMENT = "overpayment"
    CONFIRM_OVERPAYMENT = "confirm_overpayment"


MEANS_HINT = ("Payment means are codes the creditor defines in Billecta's accounting settings; these are "
              "the usual ones. Each is booked to its own account.")


def payment_form_blocks(prepared: dict[str, Any], values: dict[str, Any] | None = None,
                        errors: dict[str, str] | None = None) -> list[Block]:
    """The form body: the invoice's balance, then the inputs (or only why no payment is possible)."""
    values = {**_prefill(prepared), **{k: v for k, v in (values or {}).items() if v is not None}}
    errors = errors or {}
    blocks = [_summary(prepared)]
    if not prepared.get("allowed", True):
        blocks.append(section(f"⛔ {_escape(prepared.get('reason') or 'No payment can be registered.')}"))
        return limits.check_blocks(blocks, limits.VIEW_BLOCKS)
    for field, block in (
        (PaymentField.AMOUNT, _amount(prepared, values)),
        (PaymentField.PAYMENT_DATE, _payment_date(prepared, values)),
        (PaymentField.PAYMENT_MEANS, _payment_means(values)),
        (PaymentField.REFERENCE, _reference(values)),
        (PaymentField.OVERPAYMENT, _overpayment(values)),
    ):
        blocks.append(block)
        if errors.get(field):
            blocks.append(field_error(field, _escape(errors[field])))
    confirm = _confirm_overpayment(prepared, values, errors)
    if confirm:
        blocks += confirm
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def _confirm_overpayment(prepared: dict[str, Any], values: dict[str, Any], errors: dict[str, str]) -> list[Block]:
    """The confirmation step of a payment above the invoiced amount: it states both figures and asks
    for the amount again (`overpayment_unconfirmed` decides when)."""
    field = PaymentField.CONFIRM_OVERPAYMENT
    try:
        amount = parse_decimal(str(values.get(PaymentField.AMOUNT) or ""))
    except MoneyError:
        return []
    why = errors.get(field) or overpayment_unconfirmed(amount, None, prepared)
    if not why:
        return []
    element: Block = {"type": "plain_text_input", "placeholder": plain("The amount again", limits.PLACEHOLDER)}
    if values.get(field):
        element["initial_value"] = str(values[field])
    block = _input(field, "Confirm the amount above the invoiced amount", element, dispatch=False)
    return [block, field_error(field, _escape(why))]


def form_blocks(ctx: FormContext) -> list[Block]:
    """The dialog flow's hook."""
    return payment_form_blocks(ctx.prepared, ctx.values, ctx.errors)


def payment_result_blocks(outcome: Outcome) -> list[Block]:
    """What the modal and the posted message show once the payment is registered (or refused)."""
    blocks = [section(f"{'✅' if outcome.ok else '❌'} {_escape(outcome.message)}")]
    details = outcome.details
    facts = []
    if details.get("stage"):
        facts.append(f"Now {stage_words(details['stage'])}")
    if details.get("payment_id"):
        facts.append(f"Bot payment {details['payment_id']}")
    if details.get("repeated"):
        facts.append("Already registered: this is the first submission's result")
    if facts:
        blocks.append(context(" · ".join(facts)))
    return limits.check_blocks(blocks, limits.MESSAGE_BLOCKS)


def _prefill(prepared: dict[str, Any]) -> dict[str, Any]:
    return {field: prepared[field] for field in PaymentField if prepared.get(field) is not None}


def _summary(prepared: dict[str, Any]) -> Block:
    pairs = [("Remaining", prepared.get("remaining")
              or format_amount(prepared.get("remaining_minor") or 0, prepared.get("currency")))]
    for key, title in (("due_date", "Due date"), ("invoice_date", "Invoice date")):
        if prepared.get(key):  # '22 Dec', as in the record line
            pairs.append((title, timefmt.format_day(str(prepared[key]))))
    if prepared.get("debtor"):
        pairs.append(("Debtor", _escape(str(prepared["debtor"]))))
    return fields(pairs)


def _input(field: PaymentField, label: str, element: Block, *, hint: str | None = None,
           optional: bool = False, dispatch: bool = True) -> Block:
    block: Block = {"type": "input", "block_id": str(field), "label": plain(label, limits.LABEL),
                    "element": {**element, "action_id": unique_id(ActionId.FORM_FIELD, field)}, "optional": optional}
    if dispatch:
        validate_as_you_type(block)
    if hint:
        block["hint"] = plain(hint, limits.LABEL)
    return block


def _amount(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    element: Block = {"type": "plain_text_input", "placeholder": plain("e.g. 1 234,50", limits.PLACEHOLDER)}
    if values.get(PaymentField.AMOUNT):
        element["initial_value"] = str(values[PaymentField.AMOUNT])
    currency = prepared.get("currency") or "SEK"
    hint = f"In {currency}; a comma or a dot before the decimals. {prepared.get('remaining', '')} remains."
    return _input(PaymentField.AMOUNT, f"Amount paid ({currency})", element, hint=hint.strip())


def _payment_date(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    element: Block = {"type": "datepicker", "placeholder": plain("The day the money arrived", limits.PLACEHOLDER)}
    if values.get(PaymentField.PAYMENT_DATE):
        element["initial_date"] = str(values[PaymentField.PAYMENT_DATE])
    earliest = f", nor before the invoice date {timefmt.format_day(str(prepared['invoice_date']))}" \
        if prepared.get("invoice_date") else ""
    return _input(PaymentField.PAYMENT_DATE, "Payment date", element,
                  hint=f"Not in the future{earliest}.")


def _payment_means(values: dict[str, Any]) -> Block:
    options = [option(f"{text} ({code})", code) for code, text in PAYMENT_MEANS]
    chosen = str(values.get(PaymentField.PAYMENT_MEANS) or "").upper()
    element: Block = {"type": "static_select", "placeholder": plain("How was it paid?", limits.PLACEHOLDER),
                      "options": options}
    initial = next((o for o in options if o["value"] == chosen), None)
    if initial:
        element["initial_option"] = initial
    return _input(PaymentField.PAYMENT_MEANS, "Payment means", element, hint=MEANS_HINT)


def _reference(values: dict[str, Any]) -> Block:
    element: Block = {"type": "plain_text_input", "max_length": REFERENCE_MAX,
                      "placeholder": plain("Bank reference, receipt number…", limits.PLACEHOLDER)}
    if values.get(PaymentField.REFERENCE):
        element["initial_value"] = str(values[PaymentField.REFERENCE])[:REFERENCE_MAX]
    return _input(PaymentField.REFERENCE, "Reference", element, optional=True, dispatch=False,
                  hint=f"Optional, at most {REFERENCE_MAX} characters.")


def _overpayment(values: dict[str, Any]) -> Block:
    options = [{**option(text, choice.value), "description": plain(note, limits.OPTION_TEXT)}
               for choice, text, note in OVERPAYMENT_CHOICES]
    chosen = str(values.get(PaymentField.OVERPAYMENT) or OvershootingAmountHandling.None_.value)
    element: Block = {"type": "radio_buttons", "options": options}
    element["initial_option"] = next((o for o in options if o["value"] == chosen), options[0])
    return _input(PaymentField.OVERPAYMENT, "If more than the remaining amount was paid", element)


def _escape(text: str) -> str:
    """Billecta and user text shown as mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
