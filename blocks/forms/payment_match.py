"""The match-payment form (command 24, `payment match <id>`), as Block Kit dicts.

Pure: `prepared` is what `bot.services.payment_match.prepare` returned. The modal shows the payment
(its OCR or reference and sender first: what the matching works from), then the ranked suggestions
among the open invoices, each with its confidence and why, as radio buttons (`suggestion`), and a
search of any open invoice (`invoice`: an external_select whose options Slack asks for as the user
types, answered by `bot.services.payment_match.suggest` with each invoice's record line). What the
match does to the amounts (the excess of a payment larger than the invoice) is said up front.
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, option, plain, section
from blocks.forms import FormContext, field_error, initial_option, initial_text, validate_as_you_type
from blocks.forms.payment_delete import escape, payment_fields
from blocks.ids import ActionId, unique_id
from bot.money import format_amount
from bot.services.payment_match_form import OTHER
from bot.services.use_credit_form import target_key

SUGGESTION, INVOICE, AMOUNT = "suggestion", "invoice", "amount"
LEVEL_MARK = {"high": "🟢", "medium": "🟡", "low": "⚪"}


def form_blocks(ctx: FormContext) -> list[Block]:
    """The dialog flow's hook."""
    return match_form_blocks(ctx.prepared, ctx.values, ctx.errors)


def match_form_blocks(prepared: dict[str, Any], values: dict[str, Any] | None = None,
                      errors: dict[str, str] | None = None) -> list[Block]:
    values = {**({SUGGESTION: prepared["suggestion"]} if prepared.get("suggestion") else {}),
              **{k: v for k, v in (values or {}).items() if v not in (None, "")}}
    errors = errors or {}
    suggested = list(prepared.get("suggested") or [])
    blocks: list[Block] = [b for b in (payment_fields(prepared),) if b]
    blocks.append(section(_what_happens(prepared, _picked(values))))
    inputs: list[tuple[str, Block]] = []
    if suggested:
        blocks.append(section("*Suggested invoices*, likeliest first:\n" + "\n".join(
            _suggestion_line(s, prepared) for s in suggested)))
        inputs.append((SUGGESTION, _radio(suggested, prepared, values)))
    else:
        blocks.append(section(f"No open invoice looks like this payment's ({prepared.get('open_count', 0)} open "
                              "in its currency): search the one it is for."))
    inputs += [(INVOICE, _search(prepared, values, bool(suggested))), (AMOUNT, _amount(prepared, values))]
    for field, block in inputs:
        blocks.append(block)
        if errors.get(field):
            blocks.append(field_error(field, escape(errors[field])))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def _picked(values: dict[str, Any]) -> str | None:
    searched = target_key(values.get(INVOICE)) or None
    picked = target_key(values.get(SUGGESTION)) or None
    return searched or (picked if picked != OTHER else None)


def _suggestion_line(s: dict[str, Any], prepared: dict[str, Any]) -> str:
    left = format_amount(int(s["left"]), prepared.get("currency"))
    debtor = f" · {escape(str(s['debtor']))}" if s.get("debtor") else ""
    return (f"{LEVEL_MARK.get(str(s.get('level')), '')} *{s['c']} %* — invoice {escape(str(s['n']))}{debtor} · "
            f"{left} remaining\n      _{escape(str(s.get('why') or ''))}_")


def _excess_kept(prepared: dict[str, Any]) -> str:
    """Where Billecta keeps what exceeds the invoice: a balance keeps its rest; a bank payment's is an overpayment."""
    if prepared.get("source_invoice"):
        return f"stays the debtor's balance from invoice {escape(str(prepared['source_invoice']))}"
    return "is kept as the debtor's overpayment (a new unhandled payment they can use later)"


def _what_happens(prepared: dict[str, Any], picked: str | None) -> str:
    amount = prepared.get("amount_text") or "The payment"
    text = (f"Billecta matches the whole payment, {amount}, to the invoice picked; if that is more than remains on "
            f"it, the excess {_excess_kept(prepared)}.")
    chosen = next((s for s in prepared.get("suggested") or [] if str(s["n"]) == picked), None)
    if chosen is None:
        return text
    currency = prepared.get("currency")
    total, left = int(prepared.get("amount_minor") or 0), int(chosen["left"])
    if total > left:
        return (f"*{format_amount(left, currency)}* goes to invoice {escape(picked or '')}, which is then fully "
                f"paid; the *{format_amount(total - left, currency)}* more {_excess_kept(prepared)}.")
    rest = f"{format_amount(left - total, currency)} then remains to pay on it" if left > total else \
        "it is then fully paid"
    return f"*{amount}* goes to invoice {escape(picked or '')}: {rest}."


def _radio(suggested: list[dict[str, Any]], prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    currency = prepared.get("currency")
    options = [option(f"{s['n']} · {s['c']} % · {format_amount(int(s['left']), currency)} remaining"
                      + (f" · {s['debtor']}" if s.get("debtor") else ""), str(s["n"])) for s in suggested]
    options.append(option("Another invoice (search below)", OTHER))
    element: Block = {"type": "radio_buttons", "action_id": unique_id(ActionId.FORM_FIELD, SUGGESTION),
                      "options": options, **initial_option(options, values.get(SUGGESTION))}
    return validate_as_you_type({"type": "input", "block_id": SUGGESTION, "element": element, "optional": True,
                                 "label": plain("Match to", limits.LABEL)})


def _search(prepared: dict[str, Any], values: dict[str, Any], suggested: bool) -> Block:
    element: Block = {"type": "external_select", "action_id": unique_id(ActionId.FORM_FIELD, INVOICE),
                      "min_query_length": 0, "placeholder": plain("Search the open invoices", limits.PLACEHOLDER)}
    picked = target_key(values.get(INVOICE))
    if picked:
        element["initial_option"] = option(f"invoice {picked}", picked)
    label = "Or another open invoice" if suggested else "Match to"
    return validate_as_you_type({"type": "input", "block_id": INVOICE, "element": element, "optional": suggested,
                                 "label": plain(label, limits.LABEL),
                                 "hint": plain("Type part of its number, the debtor's name or the amount.",
                                               limits.LABEL)})


def _amount(prepared: dict[str, Any], values: dict[str, Any]) -> Block:
    amount = prepared.get("amount_text") or "the whole payment"
    element: Block = {"type": "plain_text_input", "action_id": unique_id(ActionId.FORM_FIELD, AMOUNT),
                      "placeholder": plain("Leave empty for the whole payment", limits.PLACEHOLDER),
                      **initial_text(values.get(AMOUNT))}
    return validate_as_you_type({
        "type": "input", "block_id": AMOUNT, "element": element, "optional": True,
        "label": plain(f"Amount ({prepared.get('currency') or 'SEK'})", limits.LABEL),
        "hint": plain(f"Empty: the whole payment, {amount}. Billecta's match has no amount, so no other amount "
                      "can be matched.", limits.LABEL)})
