"""What happens as the sandbox clock moves on: due dates pass (an `OriginalInvoiceDue`/`ReminderDue`
event), automatic reminders and debt collection (when the invoice or creditor settings ask for them;
never for paused or disputed invoices), debt-collection stages, and Swish requests nobody answered timing out.

`run` is called once per sandbox day (the first request of a new day) and after `advance_days`;
steps are dated when they were due, not when the sandbox noticed them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.billecta.dates import parse_datetime
from bot.sandbox import debtcollection, invoice_actions, journal, ledger, parties, rules, swish
from bot.sandbox.state import Store

_MAX_STEPS = 10


def run(store: Store, now: datetime) -> None:
    configs: dict[str, dict[str, Any]] = {}
    for inv in store.find("invoice", status="open"):
        cid = inv["CreditorPublicId"]
        config = configs.setdefault(cid, parties.config(store, cid))
        _step_invoice(store, inv, now, config)
    for case in store.find("debtcollection", status="open"):
        debtcollection.advance(store, case, now)
    swish.expire_all(store, now)
    store.set_meta("last_run", now.date().isoformat())


def _log_due_dates(store: Store, inv: dict[str, Any], now: datetime) -> bool:
    changed = False
    for doc in inv["docs"][inv["due_logged"]:]:
        due = parse_datetime(doc["DueDate"])
        if now.date() <= due.date():
            break
        invoice = doc["kind"] == "invoice"
        kind, title = ("OriginalInvoiceDue", "Invoice due") if invoice else ("ReminderDue", "Reminder due")
        journal.log(store, inv, kind, f"{title}; unpaid {ledger.money(inv, inv['amounts']['current'])}",
                    due + timedelta(days=1), by=journal.AUTOMATION)
        inv["due_logged"] += 1
        changed = True
    return changed


def _step_invoice(store: Store, inv: dict[str, Any], now: datetime, config: dict[str, Any]) -> None:
    if _log_due_dates(store, inv, now):
        ledger.save_invoice(store, inv)
    for _ in range(_MAX_STEPS):
        step = rules.next_event(inv, now, config)
        if step is None or step[0] not in rules.AUTOMATIC or step[2] > now:
            return
        if step[0] == "WillSendReminderInvoice":
            fee = invoice_actions.default_fee(config, inv["currency"])
            invoice_actions.send_reminder(store, inv, fee, config["ReminderInvoicePaymentTermsInDays"], step[2],
                                          by=journal.AUTOMATION)
        else:
            details = inv["entry"].get("DebtCollectionDetails") or {}
            terms = details.get("PaymentTermsInDays") or config["DebtCollectionPaymentTermsInDays"]
            entry = {"DeliveryMethod": inv["entry"].get("DeliveryMethod", "Email"), "PaymentTermsInDays": terms,
                     "NumberOfReminders": rules.reminders_sent(inv),
                     "StartDebtCollectionActionLevel": details.get("StartDebtCollectionActionLevel", "DebtCollection"),
                     "EndDebtCollectionActionLevel": details.get("EndDebtCollectionActionLevel", "Bailiff")}
            debtcollection.open_case(store, inv, entry, step[2], by=journal.AUTOMATION)
