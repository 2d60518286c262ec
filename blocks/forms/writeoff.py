"""The write-off form (command 10, `invoice writeoff <id>`), as Block Kit dicts.

Pure: `prepared` is what `bot.services.writeoff.prepare` returned, `values` the current field values,
`errors` field → message. The form states, as the user types, what will not be collected and what
remains to collect (in the one money format), since a write-off is money given up for good.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from blocks import limits
from blocks.common import Block, fields, plain, section
from blocks.forms import FormContext, field_error, initial_text, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot import timefmt
from bot.money import MoneyError, format_amount, parse_decimal, to_minor
from bot.services.writeoff_form import REASON_MAX


class WriteOffField(StrEnum):
    """Block ids of the form's inputs: the `WriteOffForm` field names."""

    AMOUNT = "amount"
    DATE = "date"
    REASON = "reason"


def form_blocks(ctx: FormContext) -> list[Block]:
    """The dialog flow's hook."""
    return writeoff_form_blocks(ctx.prepared, ctx.values, ctx.errors)


def writeoff_form_blocks(prepared: dict[str, Any], values: dict[str, Any] | None = None,
                         errors: dict[str, str] | None = None) -> list[Block]:
    values = {**({"date": prepared["date"]} if prepared.get("date") else {}),
              **{k: v for k, v in (values or {}).items() if v is not None}}
    errors = errors or {}
    blocks = [_summary(prepared), section(_consequence(prepared, values.get(WriteOffField.AMOUNT)))]
    for field, block in ((WriteOffField.AMOUNT, _amount(prepared, values)),
                         (WriteOffField.DATE, _date(prepared, values)),
                         (WriteOffField.REASON, _reason(values))):
        blocks.append(block)
        if errors.get(field):
            blocks.append(field_error(field, _escape(errors[field])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def not_collected(prepared: dict[str, Any], typed: Any) -> tuple[int, int] | None:
    """(written off, left to collect) in minor units for the amount typed so far, or None while it is not
    an amount within what remains."""
    currency = prepared.get("currency") or "SEK"
    remaining = int(prepared.get("remaining_minor") or 0)
    try:
        minor = to_minor(parse_decimal(str(typed or "").strip()), currency)
    except MoneyError:
        return None
    if minor <= 0 or minor > remaining:
        return None
    return minor, remaining - minor


def _consequence(prepared: dict[str, Any], typed: Any) -> str:
    currency = prepared.get("currency") or "SEK"
    record = _escape(str(prepared.get("record") or "the invoice"))
    figures = not_collected(prepared, typed)
    if figures is None:
        return (f"⚠️ What you write off will *not be collected* from the debtor. At most "
                f"{format_amount(int(prepared.get('remaining_minor') or 0), currency)} can be written off.")
    written, left = figures
    rest = (f"{format_amount(left, currency)} remains to collect" if left
            else f"nothing remains to collect and {record} is closed")
    return f"⚠️ *{format_amount(written, currency)} will not be collected* from the debtor; {rest}."


def _summary(prepared: dict[str, Any]) -> Block:
    currency = prepared.get("currency")
    pairs = [("Remaining", prepared.get("remaining") or format_amount(prepared.get("remaining_minor") or 0, currency))]
    if prepared.get("invoiced"):
        pairs.append(("Invoiced", str(prepared["invoiced"])))
    if prepared.get("invoice_date"):
        pairs.append(("Invoice date", timefmt.format_day(str(prepared["invoice_date"]))))
    if prepared.get("debtor"):
        pairs.append(("Debtor", _escape(str(prepared["debtor"]))))
    return fields(pairs)


def _input(field: WriteOffField, label: str, element: Block, *, hint: str, optional: bool = False,
           dispatch: bool = True) -> Block:
    block: Block = {"type": "input", "block_id": str(field), "label": plain(label, limits.LABEL),
                    "element": {**element, "action_id": unique_id(ActionId.FORM_FIELD, field)},
                    "optional": optional, "hint": plain(hint, limits.LABEL)}
    return validate_as_you_type(block) if dispatch else block


def _amount(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    currency = prepared.get("currency") or "SEK"
    element: Block = {"type": "plain_text_input", "placeholder": plain("e.g. 250,00", limits.PLACEHOLDER),
                      **initial_text(values.get(WriteOffField.AMOUNT))}
    return _input(WriteOffField.AMOUNT, f"Amount to write off ({currency})", element,
                  hint=f"In {currency}, at most {prepared.get('remaining', 'what remains')}.")


def _date(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    element: Block = {"type": "datepicker", "placeholder": plain("The write-off date", limits.PLACEHOLDER)}
    if values.get(WriteOffField.DATE):
        element["initial_date"] = str(values[WriteOffField.DATE])
    earliest = f", nor before the invoice date {timefmt.format_day(str(prepared['invoice_date']))}" \
        if prepared.get("invoice_date") else ""
    return _input(WriteOffField.DATE, "Write-off date", element, hint=f"Today by default; not in the future{earliest}.")


def _reason(values: dict[str, Any]) -> Block:
    element: Block = {"type": "plain_text_input", "multiline": True, "max_length": REASON_MAX,
                      "placeholder": plain("Why it will not be collected", limits.PLACEHOLDER)}
    if values.get(WriteOffField.REASON):
        element["initial_value"] = str(values[WriteOffField.REASON])[:REASON_MAX]
    return _input(WriteOffField.REASON, "Reason", element, optional=True, dispatch=False,
                  hint=f"Optional, at most {REASON_MAX} characters; it becomes the comment in Billecta.")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
