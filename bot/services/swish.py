"""Send a Swish payment request for an invoice (command 17, `invoice swish <id> phone= [message=]`).

`prepare` reads the invoice fresh, refuses what Swish cannot take (a closed invoice, nothing left to
pay, another currency than SEK, an invoice in debt collection, a request still waiting for the payer)
and prefills the phone through SWISH_PHONE_FIELD and the message from SWISH_DEFAULT_MESSAGE.
`send_swish` makes the one request through the run-once primitive (`bot.runner.run_dialog`): a row of
`swish_request` is written first, under the claim's key, so whoever follows the request up (bot.jobs.swish)
knows who asked even after a lost reply. `find_swish` is the `check` that looks for a request left
by a crash or a lost reply (the invoice's `State.SwishPaymentPublicId`, then its events) so a second
request never pops up on the payer's phone without a look first.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import phonenumbers

from bot import timefmt
from bot.billecta.dates import parse_datetime
from bot.billecta.enums import InvoiceStage, SwishStatus
from bot.billecta.models import InvoiceActionView
from bot.errors import BotError, InvoiceStateError, OutcomeUnknown
from bot.money import format_amount
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, prefill
from bot.services.invoices import fresh_view
from bot.services.labels import label, stage_words
from bot.services.mirror import stored_view
from bot.services.swish_form import SWISH_EXPIRES, SwishForm, default_message, field_at, phone_problem

if TYPE_CHECKING:
    from bot.jobs.swish import SwishWatch
    from bot.runtime import Runtime

__all__ = ["SwishForm", "find_swish", "prepare", "prepare_from_mirror", "send_swish", "shown_phone"]

SWISH_CURRENCY = "SEK"  # Swish moves Swedish kronor only


def shown_phone(alias: str) -> str:
    """'46701234567' as people read it: '+46 70 123 45 67'."""
    try:
        number = phonenumbers.parse("+" + alias.removeprefix("+"))
    except phonenumbers.NumberParseException:
        return alias
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _key(record: dict[str, Any], view: InvoiceActionView) -> str:
    return str(record.get("invoice_number") or view.invoice_number or view.action_public_id)


def swish_refusal(rt: Runtime, view: InvoiceActionView, record: dict[str, Any]) -> InvoiceStateError | None:
    """Why no Swish request can go out for the invoice now (with what applies instead), or None."""
    refused = _state_refusal(view, record)
    if refused is not None:
        return refused
    waiting = _waiting(rt, view)
    return InvoiceStateError(waiting) if waiting else None


def _state_refusal(view: InvoiceActionView, record: dict[str, Any]) -> InvoiceStateError | None:
    """What the invoice's own state refuses (asking Billecta nothing more)."""
    name, key = label("invoice", record), _key(record, view)
    stage, currency = view.state.stage, (view.current_amount.currency_code or SWISH_CURRENCY).upper()
    if stage is InvoiceStage.Created:
        return InvoiceStateError(f"{name} is a draft that has not been attested yet; attest it (and send it) "
                                 "before asking for payment.")
    if stage in (InvoiceStage.Completed, InvoiceStage.Cancelled) or view.current_amount.value <= 0:
        what = "is cancelled" if stage is InvoiceStage.Cancelled else f"is {stage_words(stage)}"
        return InvoiceStateError(f"{name} {what}; there is nothing left to pay. `invoice events {key}` shows "
                                 "how it was settled.")
    if stage is InvoiceStage.SentToDebtCollection:
        return InvoiceStateError(f"{name} is in debt collection: the debt and its fees are the case's now, so a "
                                 "Swish request for the invoice cannot be sent. Payments go to the case "
                                 f"(`invoice events {key}` names it).")
    if currency != SWISH_CURRENCY:
        return InvoiceStateError(f"{name} is in {currency}; Swish takes Swedish kronor only. When it is paid "
                                 f"another way, register it with `invoice payment {key}`.")
    return None


def _waiting(rt: Runtime, view: InvoiceActionView) -> str | None:
    """A request for this invoice still waiting for the payer: a second would pop up beside it."""
    token = view.state.swish_payment_public_id
    if not token:
        return None
    try:
        status = rt.billecta.swish_status(token)
    except BotError:
        return None  # the older request is unknown to Billecta: nothing is waiting
    if status.status is not SwishStatus.Created:
        return None
    mine = _watch(rt).pending_for(view.action_public_id)
    sent = timefmt.format_moment(status.created) if status.created else "earlier"
    where = "cancel it from its message" if mine else "cancel it in Billecta"
    return (f"A Swish request sent {sent} is still waiting for the payer to answer; {where}, or wait until "
            f"it expires (Swish gives the payer {int(SWISH_EXPIRES.total_seconds() // 60)} minutes), before "
            "sending another.")


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """What the Swish form shows and prefills, read fresh (slow: after views.open). Raises the refusal."""
    view = fresh_view(rt, record)
    refused = swish_refusal(rt, view, record)
    if refused is not None:
        raise refused
    return _prepared(rt, record, view)


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the invoice as Billecta last showed it whole (mirror.stored_view), marked
    `as_of`. None when the store has only a list row, the stored state is refused, or it names a Swish
    request the bot did not see end: whether that one still waits for the payer is Billecta's to say."""
    view = stored_view(record)
    if view is None or _state_refusal(view, record) is not None:
        return None
    token = view.state.swish_payment_public_id
    if token and not _watch(rt).ended(token):
        return None
    return {**_prepared(rt, record, view), prefill.AS_OF: str(record["last_synced_at"])}


def _prepared(rt: Runtime, record: dict[str, Any], view: InvoiceActionView) -> dict[str, Any]:
    settings = rt.settings
    currency = (view.current_amount.currency_code or SWISH_CURRENCY).upper()
    remaining = format_amount(view.current_amount.value, currency)
    debtor = str((view.debtor.name if view.debtor else None) or record.get("debtor_name") or "")
    phone = _prefill_phone(rt, record, view)
    _, problem = phone_problem(phone) if phone else (None, None)
    return {
        "record": label("invoice", record), "currency": currency, "remaining_minor": view.current_amount.value,
        "remaining": remaining, "debtor": debtor, "allowed": True,
        "phone": phone, "phone_field": settings.swish_phone_field, "phone_problem": problem,
        "message": default_message(settings.swish_default_message, invoice_number=_key(record, view),
                                   debtor=debtor, amount=remaining),
        "expires_minutes": int(SWISH_EXPIRES.total_seconds() // 60),
    }


def _prefill_phone(rt: Runtime, record: dict[str, Any], view: InvoiceActionView) -> str | None:
    """The phone at SWISH_PHONE_FIELD: the bot's own records first (the debtor as imported), then the
    invoice and debtor as Billecta has them."""
    path = rt.settings.swish_phone_field
    debtor_id = (view.debtor.debtor_public_id if view.debtor else None) or record.get("debtor_public_id")
    ours = rt.store.find_by("debtor", "billecta_id", debtor_id) if debtor_id else None
    theirs = view.model_dump(by_alias=True)
    for sources in ({"invoice": record, "debtor": ours}, {"invoice": theirs, "debtor": theirs.get("Debtor")}):
        value = field_at(sources, path)
        if value not in (None, "") and not isinstance(value, (dict, list)):
            return str(value).strip()[:40]
    return None


def send_swish(rt: Runtime, record: dict[str, Any], form: SwishForm, actor: Actor, once: Once) -> Outcome:
    """Send the request once, checked against a fresh read, and start following it."""
    view = fresh_view(rt, record)
    refused = swish_refusal(rt, view, record)
    if refused is not None:
        raise refused
    message = form.message or ""  # the form fills in the default: never empty here
    name, key, phone = label("invoice", record), _key(record, view), shown_phone(form.phone)
    amount = format_amount(view.current_amount.value, view.current_amount.currency_code)
    watch = _watch(rt)
    watch.reserve(once.key, view, invoice_key=key, label=name, phone=phone, message=message,
                  actor=actor)
    try:
        token = once.send(lambda: rt.billecta.swish_request(view.action_public_id, form.phone, message),
                          f"a Swish request for {amount} to {phone} on {name}")
    except OutcomeUnknown as exc:
        watch.not_sent(once.key, "Unknown", exc.user_message)
        raise
    except BotError:  # refused, or certainly not applied: the runner releases the claim
        watch.not_sent(once.key)
        raise
    request = watch.sent(once.key, token)
    return _outcome(request.id, name, key, amount, phone, rt)


def _outcome(request_id: int, name: str, key: str, amount: str, phone: str, rt: Runtime) -> Outcome:
    minutes = rt.settings.swish_timeout_minutes
    return Outcome(f"Swish request for {amount} sent to {phone} for {name}. It is waiting for the payer to "
                   f"approve it in Swish; the bot follows it for {minutes:g} minutes and says how it ends.",
                   "invoice", [key], details={"swish_request_id": request_id, "status": "Created"})


def find_swish(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the request of `once` reached Billecta: a token on the invoice newer than the claim is it
    (then it is followed from here on). No token and no Swish event since the claim: it never arrived.
    A Swish event without a token is a request Billecta cannot name: unknown (raised)."""
    view = fresh_view(rt, record)
    claim = rt.store.claim_row(once.key) or {}
    since = parse_datetime(claim["created_at"]) - dt.timedelta(seconds=5) if claim.get("created_at") else None
    token = view.state.swish_payment_public_id
    if token:
        status = rt.billecta.swish_status(token)
        if since is None or (status.created is not None and status.created >= since):
            return _found(rt, record, view, once, token)
    for event in view.events:
        text = f"{event.title or ''} {event.content or ''}".lower()
        if "swish" in text and event.event_date is not None and (since is None or event.event_date >= since):
            raise OutcomeUnknown(f"the Swish request for {label('invoice', record)} (Billecta logged one at "
                                 f"{timefmt.format_moment(event.event_date)})",
                                 "the payer's Swish app and the invoice's event log in Billecta")
    return None


def _found(rt: Runtime, record: dict[str, Any], view: InvoiceActionView, once: Once, token: str) -> Found:
    watch = _watch(rt)
    request = watch.by_claim(once.key)
    if request is not None and not request.token:
        request = watch.sent(once.key, token)
    name = label("invoice", record)
    what = f"A Swish request for {format_amount(view.current_amount.value, view.current_amount.currency_code)}"
    return Found(f"{what} was sent for {name}", {"swish_request_id": request.id if request else None,
                                                   "status": "Created"})


def _watch(rt: Runtime) -> SwishWatch:
    # bot.jobs imports the registry, which imports this module: the follow-up is reached at call time.
    from bot.jobs.swish import SwishWatch

    return SwishWatch(rt)
