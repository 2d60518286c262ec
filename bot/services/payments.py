"""Register a manual payment on an invoice (command 9, `invoice payment <id>`): a payment made outside
Billecta (cash, a bank transfer…) that Billecta should book against the invoice.

`prepare` fetches the invoice's current state for the form, `PaymentForm.parse` validates what the
user typed (errors keyed by form field name), and `register_manual_payment` sends one
`RegisterPaymentView` (billecta-api.md §2.4 note 9) — once per idempotency key, however often the
same submission arrives — then re-reads and mirrors the invoice and records the payment in the store.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.billecta.dates import STOCKHOLM
from bot.billecta.enums import InvoiceStage, OvershootingAmountHandling
from bot.billecta.models import AmountView, InvoiceActionView, RegisterPaymentView
from bot.billecta.transport import OutcomeUnknown
from bot.errors import BotError, InvalidInput
from bot.money import MoneyError, decimals_for, format_amount, from_minor, parse_decimal, to_minor
from bot.roles import Actor
from bot.services import Outcome
from bot.services.invoices import InvoiceStateError, fresh_view
from bot.services.labels import label
from bot.services.mirror import mirror_invoice
from bot.store import utcnow

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Payment means are creditor-defined codes (Billecta's accounting "payment means", each booked to its
# own account): these are sensible defaults offered in the form. A creditor with other codes can type
# them on the CLI; any short code is accepted and Billecta refuses one it does not know.
PAYMENT_MEANS: tuple[tuple[str, str], ...] = (
    ("BG", "Bankgiro"), ("PG", "Plusgiro"), ("BANK", "Bank transfer"), ("CASH", "Cash"),
    ("SWISH", "Swish"), ("CARD", "Card"),
)
# What Billecta does with the part of a payment above the remaining amount.
OVERPAYMENT_CHOICES: tuple[tuple[OvershootingAmountHandling, str, str], ...] = (
    (OvershootingAmountHandling.None_, "Refuse an overpayment",
     "Register at most the remaining amount."),
    (OvershootingAmountHandling.AsOverPayments, "Keep the excess as an overpayment",
     "The excess becomes a debtor balance to use on a later invoice."),
    (OvershootingAmountHandling.AsCurrencyDifference, "Book the excess as a currency difference",
     "For small rounding or exchange-rate differences."),
)
REFERENCE_MAX = 100
FIELD_LABELS = {"amount": "amount", "date": "payment date", "means": "payment means",
                "reference": "reference", "overpayment": "overpayment handling"}
_MEANS_CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")
_CURRENCY_SUFFIX = re.compile(r"\s*(kr|sek|eur|nok|dkk|usd|gbp)\.?$", re.IGNORECASE)


class PaymentInProgress(BotError):
    """The same submission is being registered right now (or its outcome could not be settled)."""


def stockholm_today() -> dt.date:
    return dt.datetime.now(STOCKHOLM).date()


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return value.astimezone(STOCKHOLM).date() if value is not None else None


def payment_refusal(view: InvoiceActionView, name: str) -> str | None:
    """Why no payment can be registered on the invoice right now, or None when it can."""
    stage = view.state.stage
    if stage is InvoiceStage.Completed:
        return f"{name} is completed (fully paid, credited or written off); there is nothing left to pay."
    if stage is InvoiceStage.Cancelled:
        return f"{name} is cancelled; payments cannot be registered on it."
    if stage is InvoiceStage.Created:
        return f"{name} is a draft that has not been attested yet; attest it before registering a payment."
    if view.current_amount.value <= 0:
        return f"{name} has nothing left to pay."
    if not view.can_register_payment:
        return f"Billecta does not allow registering a payment on {name} in stage {stage.value}."
    return None


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """What the payment form shows and prefills, read fresh from Billecta (slow: run after views.open)."""
    view = fresh_view(rt, record)
    name = label("invoice", record)
    currency = (view.current_amount.currency_code or view.invoiced_amount.currency_code or "SEK").upper()
    remaining = view.current_amount.value
    invoice_date = _local_date(view.invoice_date or (view.invoices[0].invoice_date if view.invoices else None))
    reason = payment_refusal(view, name)
    return {
        "record": name, "action_public_id": view.action_public_id, "currency": currency,
        "remaining_minor": remaining, "remaining": format_amount(remaining, currency),
        "remaining_input": f"{from_minor(remaining, currency)}",
        "invoice_date": invoice_date.isoformat() if invoice_date else None,
        "due_date": d.isoformat() if (d := _local_date(view.due_date)) else None,
        "debtor": view.debtor.name if view.debtor else record.get("debtor_name"),
        "allowed": reason is None, "reason": reason, "today": stockholm_today().isoformat(),
    }


class PaymentForm(BaseModel):
    """A validated manual payment. Build it with `parse` from the modal's (or CLI's) text values."""

    model_config = ConfigDict(frozen=True)
    # Slack block_id and action_id of each field: FIELD_PREFIX + field name ('payment-amount').
    FIELD_PREFIX: ClassVar[str] = "payment-"
    FIELDS: ClassVar[tuple[str, ...]] = ("amount", "date", "means", "reference", "overpayment")

    amount: Decimal = Field(gt=0)  # major units, exact
    amount_minor: int = Field(gt=0)
    currency: str
    date: dt.date
    means: str = Field(pattern=_MEANS_CODE.pattern)
    reference: str | None = Field(default=None, max_length=REFERENCE_MAX)
    overpayment: OvershootingAmountHandling = OvershootingAmountHandling.None_
    idempotency_key: str | None = None

    @classmethod
    def block_id(cls, field: str) -> str:
        return cls.FIELD_PREFIX + field

    @classmethod
    def parse(cls, values: dict[str, str | None], prepared: dict[str, Any],
              today: dt.date | None = None) -> PaymentForm:
        """Validate the typed values against the prepared invoice; raise InvalidInput naming each field."""
        if not prepared.get("allowed", True):
            raise InvalidInput(prepared.get("reason") or "No payment can be registered on this invoice.")
        values = {key.removeprefix(cls.FIELD_PREFIX): value for key, value in values.items()}
        currency = prepared.get("currency") or "SEK"
        errors: dict[str, str] = {}
        data: dict[str, Any] = {"currency": currency, "idempotency_key": values.get("idempotency_key")}
        for field, check in (("amount", _amount), ("date", _date), ("means", _means),
                             ("reference", _reference), ("overpayment", _overpayment)):
            try:
                data.update(check(_text(values.get(field)), prepared, today or stockholm_today()))
            except ValueError as exc:
                errors[field] = str(exc)
        remaining = prepared.get("remaining_minor")
        if not errors and remaining is not None and data["overpayment"] is OvershootingAmountHandling.None_ \
                and data["amount_minor"] > remaining:
            errors["amount"] = _excess_error(remaining, currency, prepared.get("record", "the invoice"))
        if errors:
            raise _invalid(errors)
        try:
            return cls(**data)
        except ValidationError as exc:
            fields = {str(err["loc"][0]) if err["loc"] else "amount": err["msg"] for err in exc.errors()}
            raise _invalid(fields) from exc


def _invalid(errors: dict[str, str]) -> InvalidInput:
    names = ", ".join(FIELD_LABELS.get(field, field) for field in errors)
    return InvalidInput(f"Please check the {names}.", field_errors=errors)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _amount(text: str, prepared: dict[str, Any], today: dt.date) -> dict[str, Any]:
    currency = prepared.get("currency") or "SEK"
    text = _CURRENCY_SUFFIX.sub("", text)
    if not text:
        raise ValueError("Enter the amount that was paid.")
    if re.search(r"[^\d\s\u00a0.,+-]", text):
        raise ValueError(f"{text!r} is not an amount. Type it like 1 234,50 or 1234.50.")
    try:
        amount = parse_decimal(text)
    except MoneyError as exc:
        raise ValueError(f"{text!r} is not an amount. Type it like 1 234,50 or 1234.50.") from exc
    if amount <= 0:
        raise ValueError("The amount must be more than 0.")
    try:
        minor = to_minor(amount, currency)
    except MoneyError as exc:
        raise ValueError(f"Use at most {decimals_for(currency)} decimals for {currency}.") from exc
    return {"amount": from_minor(minor, currency), "amount_minor": minor}


def _date(text: str, prepared: dict[str, Any], today: dt.date) -> dict[str, Any]:
    if not text:
        raise ValueError("Pick the date the payment was made.")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD.") from exc
    if day > today:
        raise ValueError(f"The payment date cannot be in the future (today is {today.isoformat()}).")
    invoice_date = prepared.get("invoice_date")
    if invoice_date and day < dt.date.fromisoformat(invoice_date):
        raise ValueError(f"The payment date cannot be before the invoice date, {invoice_date}.")
    return {"date": day}


def _means(text: str, prepared: dict[str, Any], today: dt.date) -> dict[str, Any]:
    if not _MEANS_CODE.match(text.upper()):
        raise ValueError("Choose how the payment was made (a short code such as BG, BANK or CASH).")
    return {"means": text.upper()}


def _reference(text: str, prepared: dict[str, Any], today: dt.date) -> dict[str, Any]:
    if len(text) > REFERENCE_MAX:
        raise ValueError(f"Use at most {REFERENCE_MAX} characters (this is {len(text)}).")
    return {"reference": text or None}


def _overpayment(text: str, prepared: dict[str, Any], today: dt.date) -> dict[str, Any]:
    allowed = {choice.value.lower(): choice for choice, _, _ in OVERPAYMENT_CHOICES}
    if (text or "none").lower() not in allowed:
        raise ValueError("Choose what to do with an overpayment.")
    return {"overpayment": allowed[(text or "none").lower()]}


def _excess_error(remaining: int, currency: str, name: str) -> str:
    return (f"Only {format_amount(remaining, currency)} remains on {name}. Enter at most that, or choose "
            "to keep the excess as an overpayment.")


def register_manual_payment(rt: Runtime, record: dict[str, Any], form: PaymentForm, actor: Actor, *,
                            idempotency_key: str | None = None) -> Outcome:
    """Register the payment once per idempotency key; a repeat returns the first outcome."""
    key = idempotency_key or form.idempotency_key
    key = f"invoice-payment:{key}" if key else None
    if key and not rt.store.claim(key):
        return _repeat(rt, key, record)
    try:
        view, currency, excess = _checked(rt, record, form)
        rt.billecta.register_payment(_payment_view(view, form, currency, actor))
    except BotError as exc:
        if key and isinstance(exc, OutcomeUnknown):
            # It may have been applied: keep the key so this submission can never be sent again.
            rt.store.settle(key, {"error": exc.user_message})
        elif key:
            _release(rt, key)  # certainly not applied: the same values may be submitted again
        raise
    except BaseException:
        if key:
            rt.store.settle(key, {"error": f"The payment on {label('invoice', record)} may or may not have "
                                           "been registered. Check the invoice's event log."})
        raise
    # From here the payment is booked: the key stays settled whatever happens next.
    try:
        outcome = _booked(rt, record, view, form, currency, excess, actor)
    except BaseException:
        if key:
            rt.store.settle(key, {"error": f"The payment on {label('invoice', record)} was registered in "
                                           "Billecta; check the invoice's event log."})
        raise
    if key:
        rt.store.settle(key, {"outcome": asdict(outcome)})
    return outcome


def _repeat(rt: Runtime, key: str, record: dict[str, Any]) -> Outcome:
    first = rt.store.claimed_result(key)
    if first is None:
        raise PaymentInProgress(f"This payment on {label('invoice', record)} is already being registered. "
                                "Check the invoice's event log before trying again.")
    if "error" in first:
        raise PaymentInProgress(first["error"])
    outcome = Outcome(**first["outcome"])
    outcome.details["repeated"] = True
    return outcome


def _release(rt: Runtime, key: str) -> None:
    # The store has claim/settle but no release yet; drop the claim the way it was made.
    with rt.store.lock:
        rt.store.db.execute("DELETE FROM idempotency WHERE key = ? AND status = 'claimed'", [key])


def _checked(rt: Runtime, record: dict[str, Any], form: PaymentForm) -> tuple[InvoiceActionView, str, int]:
    """The fresh invoice, its currency and the excess over its remaining amount, or why not to pay."""
    name = label("invoice", record)
    view = fresh_view(rt, record)
    reason = payment_refusal(view, name)
    if reason:
        raise InvoiceStateError(reason)
    currency = (view.current_amount.currency_code or form.currency).upper()
    if currency != form.currency.upper():
        raise InvalidInput(f"{name} is in {currency}, not {form.currency}. Open the form again.")
    excess = form.amount_minor - view.current_amount.value
    if excess > 0 and form.overpayment is OvershootingAmountHandling.None_:
        text = _excess_error(view.current_amount.value, currency, name)
        raise InvalidInput(text, field_errors={"amount": text})
    return view, currency, max(excess, 0)


def _payment_view(view: InvoiceActionView, form: PaymentForm, currency: str, actor: Actor) -> RegisterPaymentView:
    return RegisterPaymentView(
        action_public_id=view.action_public_id, amount=AmountView.from_minor(form.amount_minor, currency),
        date=dt.datetime.combine(form.date, dt.time(), STOCKHOLM), payment_mean_code=form.means,
        overshooting_amount_handling=form.overpayment, payment_reference_text=form.reference,
        comment=f"Registered by {actor.display} with billecta-bot",
    )


def _booked(rt: Runtime, record: dict[str, Any], view: InvoiceActionView, form: PaymentForm, currency: str,
            excess: int, actor: Actor) -> Outcome:
    after = _refetch(rt, view.action_public_id)
    payment_id = _record_payment(rt, view, form, currency, actor)
    return _outcome(label("invoice", record), record, view, after, form, currency, excess, payment_id)


def _refetch(rt: Runtime, aid: str) -> InvoiceActionView | None:
    try:
        after = rt.billecta.get_invoice(aid)
    except BotError:
        return None
    mirror_invoice(rt, after)
    return after


def _record_payment(rt: Runtime, view: InvoiceActionView, form: PaymentForm, currency: str,
                    actor: Actor) -> int:
    values = {
        "kind": "manual", "payment_type": "ManualPayment", "state": "Registered",
        "amount": form.amount_minor, "currency": currency, "payment_date": form.date.isoformat(),
        "reference": form.reference, "action_public_id": view.action_public_id,
        "debtor_public_id": view.debtor.debtor_public_id if view.debtor else None,
        "sender_name": view.debtor.name if view.debtor else None, "last_synced_at": utcnow(),
        "raw": json.dumps({"payment_mean_code": form.means, "overpayment": form.overpayment.value,
                           "registered_by": actor.id, "source": actor.source}),
    }
    with rt.store.transaction():
        return int(rt.store.db["payment"].insert(values).last_pk or 0)  # type: ignore[union-attr]


def _outcome(name: str, record: dict[str, Any], before: InvoiceActionView, after: InvoiceActionView | None,
             form: PaymentForm, currency: str, excess: int, payment_id: int) -> Outcome:
    paid = format_amount(form.amount_minor, currency)
    message = f"Registered {paid} on {name}"
    remaining = after.current_amount.value if after else None
    if after is None:
        message += "; the new remaining amount could not be read from Billecta just now."
    elif remaining is not None and remaining <= 0:
        message += f"; {name} is now fully paid"
        if excess and form.overpayment is OvershootingAmountHandling.AsOverPayments:
            message += f" and {format_amount(excess, currency)} is kept as an overpayment for later use"
        elif excess:
            message += f" and {format_amount(excess, currency)} is booked as a currency difference"
        message += "."
    else:
        message += f"; {format_amount(remaining or 0, currency)} remains."
    record_id = str(record.get("invoice_number") or before.invoice_number or before.action_public_id)
    return Outcome(message, "invoice", [record_id], details={
        "payment_id": payment_id, "amount_minor": form.amount_minor, "currency": currency,
        "date": form.date.isoformat(), "means": form.means, "remaining_minor": remaining,
        "stage": str(after.state.stage) if after else None, "fully_paid": remaining is not None
        and remaining <= 0, "excess_minor": excess, "overpayment": form.overpayment.value,
    })
