"""Invoice credit: credit what remains on an invoice (`CreditActionView` with Value = CurrentAmount).

Closed invoices (completed or cancelled) are refused with the reason, and so are drafts. The credit
is money, so a resumed attempt checks Billecta first: an invoice that is now closed with a credited
amount was credited by the interrupted attempt and is not credited again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.billecta import enums
from bot.billecta.models import CreditActionView
from bot.errors import InvoiceStateError
from bot.money import format_amount
from bot.services import ItemResult
from bot.services.invoices import fresh_view
from bot.services.labels import label, stage_words
from bot.services.mirror import mirror_invoice, resolve_invoice

if TYPE_CHECKING:
    from bot.runtime import Runtime

COMMENT = "Credited in full from billecta-bot"


def credit_invoice(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Credit the remaining amount of one invoice (by invoice number or action public id)."""
    invoice = resolve_invoice(rt, record_id)
    name = label("invoice", invoice)
    view = fresh_view(rt, invoice)
    key = str(view.invoice_number or invoice.get("invoice_number") or view.action_public_id)
    if view.is_closed:
        if resumed and view.credited_amount.value > 0:
            return ItemResult(key, name, view.action_public_id, "was already credited",
                              amount_minor=view.credited_amount.value, currency=view.credited_amount.currency_code)
        raise InvoiceStateError(f"{name} is {stage_words(view.state.stage)}; a closed invoice cannot be credited.")
    if view.state.stage is enums.InvoiceStage.Created:
        raise InvoiceStateError(f"{name} is a draft that has not been attested; change or delete the draft instead.")
    remaining = view.current_amount
    if remaining.value <= 0:
        raise InvoiceStateError(f"{name} has nothing left to credit.")
    rt.billecta.credit_invoice(CreditActionView(action_public_id=view.action_public_id, value=remaining,
                                                comment=COMMENT))
    after = rt.billecta.get_invoice(view.action_public_id)
    mirror_invoice(rt, after)
    # What was done and where it leaves the invoice, not the line from before the credit.
    credited = format_amount(remaining.value, remaining.currency_code)
    done = f"credited {credited} · now {stage_words(after.state.stage)}"
    return ItemResult(key, name, view.action_public_id, done, amount_minor=remaining.value,
                      currency=remaining.currency_code)
