"""Send an overdue invoice to debt collection (command 18, `invoice debt-collection <id>`).

`prepare` reads the invoice and the creditor's default settings fresh from Billecta and refuses
before the form when the invoice cannot go to collection (`collection_refusal`: the reason and the
command that applies). The form (`bot.services.collection_form`) is prefilled from it, and the modal
says what happens next: a collection notice to the debtor, Sweden's statutory collection fee, the
interest and the claim's payment terms. `send_to_debt_collection` re-checks on a fresh read, opens the
case with one `DebtCollectionFromInvoiceEntryView` (billecta-api.md §2.4 note 6) through `once.send`,
then mirrors the invoice and the new case, so `debtcollection` commands find it at once (by the case's
id or the invoice's number). `find_case` settles a claim whose reply was lost: an invoice goes to
collection once, and the case's id is then on the invoice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.billecta.enums import ActionType, DeliveryMethod, InterestType, InvoiceStage, Language
from bot.billecta.models import (
    DebtCollectionActionView,
    DebtCollectionFromInvoiceEntryView,
    DefaultActionConfigView,
    InvoiceActionView,
)
from bot.errors import BotError, InvalidInput, InvoiceStateError
from bot.money import format_amount
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, prefill
from bot.services.collection_form import (
    METHOD_WORDS,
    DebtCollectionForm,
    interest_terms,
    interest_text,
    interest_words,
)
from bot.services.creditor import default_config, stored_default_config
from bot.services.invoices import fresh_view
from bot.services.labels import label, stage_words
from bot.services.mirror import mirror_debtcollection, mirror_invoice, stored_view
from bot.services.next_event import capital, closed_refusal, key_of, paused_or_disputed
from bot.services.reminder_form import unreachable
from bot.timefmt import format_day

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Sweden's collection fee (inkassoavgift, förordningen 1981:1057): Billecta adds it to a SEK claim.
STATUTORY_FEE_MINOR = {"SEK": 18_000}
DEFAULT_TERMS_DAYS = 10  # what Billecta uses when the creditor has no DebtCollectionPaymentTermsInDays

__all__ = ["DebtCollectionForm", "collection_refusal", "find_case", "prepare", "prepare_from_mirror",
           "send_to_debt_collection"]


def _due(view: InvoiceActionView) -> dt.date | None:
    """The due date that counts: the latest document's (a reminder moves it), else the invoice's."""
    moment = next((doc.due_date for doc in reversed(view.invoices) if doc.due_date), None) or view.due_date
    return timefmt.local(moment).date() if moment else None


def collection_refusal(view: InvoiceActionView, name: str) -> InvoiceStateError | None:
    """Why the invoice cannot go to debt collection now, with what applies instead; None when it can.

    Billecta's `CanSendToDebtCollection` decides; the state only picks the words (closed, draft, in
    collection, paused and disputed as the reminder and postpone commands say them)."""
    key, who, due, today = key_of(view), capital(name), _due(view), timefmt.today()
    refusal = closed_refusal(view, name, "there is nothing left to collect.",
                             "only an invoice that was sent and is overdue can go to debt collection.",
                             f"it went there already, as debtcollection {{case}}. Follow the case with "
                             f"`/billecta debtcollection events {key}`.")
    if refusal is None and view.action_type is ActionType.CreditInvoiceAction:
        refusal = InvoiceStateError(f"{who} is a credit invoice; there is no debt to collect.")
    refusal = refusal or paused_or_disputed(view, name, "it cannot go to debt collection")
    if refusal is not None or view.can_send_to_debt_collection:
        return refusal
    if due is not None and today <= due:
        return InvoiceStateError(
            f"{who} is not overdue: it is due on {format_day(due)} and can go to debt collection from "
            f"{format_day(due + dt.timedelta(days=1))}. Once it is overdue, the usual first step is a reminder "
            f"(`/billecta invoice reminder {key}`).")
    if view.current_amount.value <= 0:
        return InvoiceStateError(f"{who} has nothing left to pay; there is nothing to collect.")
    return InvoiceStateError(f"Billecta does not allow sending {name} to debt collection while it is "
                             f"{stage_words(view.state.stage)}.")


def _checked_view(rt: Runtime, record: dict[str, Any]) -> InvoiceActionView:
    view = fresh_view(rt, record)
    refusal = collection_refusal(view, label("invoice", record))
    if refusal is not None:
        raise refusal
    return view


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """What the form shows and prefills, read fresh (slow: after views.open). Small JSON scalars only:
    it travels in private_metadata and is the validation context. Raises the refusal instead of a form."""
    return _prepared(record, _checked_view(rt, record), default_config(rt))


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the store alone, marked `as_of`: the invoice as Billecta last showed it whole
    (mirror.stored_view) and the creditor's default settings as last read or pushed. None when either was
    never read, or when the stored invoice cannot go to collection (the refusal is Billecta's, fresh)."""
    view, config = stored_view(record), stored_default_config(rt)
    if view is None or config is None or collection_refusal(view, label("invoice", record)) is not None:
        return None
    return {**_prepared(record, view, config[0]), prefill.AS_OF: str(record["last_synced_at"])}


def _prepared(record: dict[str, Any], view: InvoiceActionView, config: DefaultActionConfigView) -> dict[str, Any]:
    currency = (view.current_amount.currency_code or "SEK").upper()
    debtor = view.debtor
    number = str(view.invoice_number or record.get("invoice_number") or view.action_public_id)
    due = _due(view)
    method = view.delivery_method or config.delivery_method
    missing = _unreachable(view)
    terms = config.debt_collection_payment_terms_in_days or DEFAULT_TERMS_DAYS
    return {
        "record": label("invoice", record), "currency": currency,
        "remaining_minor": view.current_amount.value, "remaining": format_amount(view.current_amount.value, currency),
        "due_date": due.isoformat() if due else None,
        "days_late": (timefmt.today() - due).days if due else None,
        "debtor": debtor.name if debtor and debtor.name else record.get("debtor_name"),
        "unreachable": missing, "fee_minor": STATUTORY_FEE_MINOR.get(currency), "terms_days": terms,
        "delivery_method": method.value if method and method.value in METHOD_WORDS and method.value not in missing
        else DeliveryMethod.Mail.value,
        "reference": config.our_reference or None,
        "reason": config.reason_description or f"Unpaid invoice {number}",
        "interest": interest_text(config.interest_type, config.interest_percentage),
    }


def _unreachable(view: InvoiceActionView) -> dict[str, str]:
    """The offered methods that cannot reach the debtor, with why (the reminder form's rule)."""
    debtor = view.debtor
    if debtor is None:
        return {}
    found = unreachable(debtor.name or "The debtor", debtor.email or debtor.contact_email, debtor.phone)
    return {method: why for method, why in found.items() if method in METHOD_WORDS}


def _entry(view: InvoiceActionView, form: DebtCollectionForm, config: DefaultActionConfigView) -> \
        DebtCollectionFromInvoiceEntryView:
    assert form.interest is not None and form.delivery_method is not None
    kind, percentage = interest_terms(form.interest)
    return DebtCollectionFromInvoiceEntryView(
        source_public_id=view.action_public_id, delivery_method=DeliveryMethod(form.delivery_method),
        communication_language=config.communication_language or Language.SV, reason_description=form.reason,
        payment_terms_in_days=config.debt_collection_payment_terms_in_days or DEFAULT_TERMS_DAYS,
        interest_type=kind, interest_percentage=percentage if kind is not InterestType.NoInterest else None,
        our_reference=form.reference, your_reference=view.your_reference,
    )


def send_to_debt_collection(rt: Runtime, record: dict[str, Any], form: DebtCollectionForm, actor: Actor,
                            once: Once) -> Outcome:
    """Open the case once (`bot.once`), checked against a fresh read (the form may be minutes old)."""
    view = _checked_view(rt, record)
    why = _unreachable(view).get(form.delivery_method or "")
    if why:  # the debtor changed since the form was opened, or the command line named that method
        raise InvalidInput(why, field_errors={"delivery_method": why})
    config = rt.billecta.get_default_config()
    entry = _entry(view, form, config)
    name = label("invoice", record)
    owed = format_amount(view.current_amount.value, view.current_amount.currency_code)
    case_id = once.send(lambda: rt.billecta.debt_collection_from_invoice(entry),
                        f"{name} sent to debt collection ({owed})")
    return _opened(rt, record, view, case_id, form)


def _opened(rt: Runtime, record: dict[str, Any], before: InvoiceActionView, case_id: str,
            form: DebtCollectionForm) -> Outcome:
    """Mirror the invoice and link the new case in the store, then say what Billecta did."""
    row, case = _link(rt, before, case_id)
    number = str(record.get("invoice_number") or before.invoice_number or before.action_public_id)
    currency = (before.current_amount.currency_code or "SEK").upper()
    assert form.delivery_method is not None and form.interest is not None
    method = METHOD_WORDS.get(form.delivery_method, form.delivery_method).lower()
    debtor = before.debtor.name if before.debtor and before.debtor.name else "the debtor"
    message = f"Sent invoice {number} to debt collection: {label('debtcollection', row)}."
    if case is not None:
        message += " " + _amounts(case, currency)
        due = case.state.next_event_date
        message += f" A collection notice goes to {debtor} by {method}" + (
            f"; the claim is due on {format_day(timefmt.local(due).date())}." if due else ".")
    else:
        message += (f" A collection notice goes to {debtor} by {method}; the case's amounts could not be read "
                    "from Billecta just now.")
    message += f" Interest: {interest_words(form.interest)}. Follow it with `/billecta debtcollection events {number}`."
    return Outcome(message, "invoice", [number], details={
        "case_id": case_id, "debtcollection_id": row["id"], "currency": currency,
        "debt_minor": case.debt_amount.value if case and case.debt_amount else before.current_amount.value,
        "fee_minor": case.fee_amount.value if case and case.fee_amount else None,
        "interest_minor": case.interest_amount.value if case and case.interest_amount else None,
        "current_minor": case.current_amount.value if case else None,
        "stage": str(case.state.stage) if case else None,
    })


def _amounts(case: DebtCollectionActionView, currency: str) -> str:
    """'Owed now 4 510,22 kr: 4 312,50 kr debt + 180,00 kr fee + 17,72 kr interest.'"""
    parts = [(case.debt_amount, "debt"), (case.fee_amount, "fee"), (case.interest_amount, "interest")]
    shown = " + ".join(f"{format_amount(amount.value, currency)} {what}" for amount, what in parts if amount)
    total = format_amount(case.current_amount.value, case.current_amount.currency_code or currency)
    return f"Owed now {total}" + (f": {shown}." if shown else ".")


def _link(rt: Runtime, before: InvoiceActionView,
          case_id: str) -> tuple[dict[str, Any], DebtCollectionActionView | None]:
    """The store's debtcollection row for the new case (local id, Billecta id, the invoice it came from).

    Billecta said yes: even when the re-reads fail, the case is linked from what is known, and `pull`
    fills in the rest later."""
    try:
        mirror_invoice(rt, rt.billecta.get_invoice(before.action_public_id))
    except BotError:
        rt.store.mirror("invoice", "action_public_id", {"action_public_id": before.action_public_id,
                                                         "stage": InvoiceStage.SentToDebtCollection.value,
                                                         "debt_collection_action_public_id": case_id})
    try:
        case: DebtCollectionActionView | None = rt.billecta.get_debt_collection(case_id)
    except BotError:
        case = None
    if case is not None:
        return mirror_debtcollection(rt, case), case
    row = rt.store.mirror("debtcollection", "action_public_id", {
        "action_public_id": case_id, "invoice_action_public_id": before.action_public_id,
        "invoice_number": before.invoice_number, "currency": before.current_amount.currency_code,
        "debtor_name": before.debtor.name if before.debtor else None, "current_amount": before.current_amount.value,
    })
    return row, None


def find_case(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the invoice went to debt collection (a lost reply, a crash after sending): its case id is
    then on the invoice. An invoice goes to collection once, so that case is this claim's work."""
    view = fresh_view(rt, record)
    case_id = view.debt_collection_action_public_id
    if not case_id:
        return None
    row, case = _link(rt, view, case_id)
    number = str(record.get("invoice_number") or view.invoice_number or view.action_public_id)
    owed = f". {_amounts(case, (view.current_amount.currency_code or 'SEK').upper())}" if case else ""
    return Found(f"Sent invoice {number} to debt collection: {label('debtcollection', row)}{owed}".rstrip("."),
                 {"case_id": case_id, "debtcollection_id": row["id"]})
