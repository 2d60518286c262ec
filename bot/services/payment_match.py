"""Match an unhandled payment to an open invoice (command 24, `payment match <id> [invoice=] [amount=]`).

`prepare` reads the payment fresh (refusing one already used, deleted or repaid) and ranks the open
invoices of the store's mirror with the suggestion engine (`bot.services.matching`: OCR, amount,
sender name, due date, each suggestion with its confidence and why); `suggest` is the modal's search
among all open invoices, from the store within Slack's 3 seconds. `match_payment` checks the invoice
against a fresh read and sends one `PaymentMatchView` (`POST /v1/payments/matchpayments/{cid}`)
through `bot.once`; a match Billecta refuses comes back under the field with its `ResponseMessage`.
A match carries no amount: the whole payment goes to the invoice, up to its remaining amount; a bank
payment's excess becomes the debtor's overpayment on that invoice (a new unhandled payment), a balance's
rest stays the balance of the invoice it came from. `prepare_from_mirror` draws the same form from the
store at once. `find_match` finds a match
whose reply was lost: the payment's state is UsedOnInvoice on that invoice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.billecta.enums import InvoiceStage, UnhandledPaymentState
from bot.billecta.models import InvoiceActionView, UnhandledPaymentView
from bot.errors import BillectaRejected, BotError, InvalidInput, InvoiceStateError, NotFound
from bot.money import format_amount, to_minor
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, matching
from bot.services.invoices import fresh_view
from bot.services.labels import OPTION_TEXT, label, line
from bot.services.mirror import mirror_invoice, mirror_payment, payment_values, resolve_invoice
from bot.services.payment_match_form import MatchPaymentForm, whole_payment_problem
from bot.services.unhandled import fresh_unhandled, shown, shown_from_mirror
from bot.services.use_credit import target_refusal_of
from bot.services.use_credit_form import target_key
from bot.timefmt import today

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["MatchPaymentForm", "find_match", "match_payment", "prepare", "prepare_from_mirror", "suggest"]

SHOWN_SUGGESTIONS = 3  # radio buttons in the modal; the search finds any other open invoice
WHY_CARRIED = 280  # characters of each suggestion's reasons carried in private_metadata
SEARCH_OPTIONS = 100  # Slack shows at most 100 options


def _facts(rt: Runtime, view: UnhandledPaymentView) -> matching.PaymentFacts:
    values = payment_values(view)
    try:
        return matching.payment_from_row(values, rt.billecta.creditor_id)
    except ValueError:  # no payment date: the engine weighs the due date against today instead
        return matching.PaymentFacts(rt.billecta.creditor_id, view.amount.value, values["currency"] or "SEK",
                                     today(), view.reference, view.sender_name, view.debtor_public_id)


def _open_rows(rt: Runtime, currency: str) -> list[dict[str, Any]]:
    """The mirror's invoices that can take a payment in `currency`, selected in SQL: a creditor's closed
    invoices far outnumber its open ones, and the search answers within Slack's 3 seconds."""
    stages = sorted(stage.value for stage in matching.OPEN_STAGES)
    where = (f"stage IN ({', '.join('?' * len(stages))}) AND current_amount > 0 AND "
             "UPPER(COALESCE(currency, 'SEK')) = ? AND COALESCE(sync_status, '') != 'deleted'")
    return rt.store.rows("invoice", where, [*stages, currency.upper()], order_by="due_date")


def _open(rt: Runtime, currency: str) -> list[matching.OpenInvoice]:
    return matching.open_invoices(_open_rows(rt, currency), rt.billecta.creditor_id)


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """The payment read fresh and the ranked suggestions (slow: behind "Loading…"); small JSON."""
    view = fresh_unhandled(rt, record, "matched")
    return _prepared(rt, record, _facts(rt, view), shown(view))


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the store alone (the form at once, "as of"): the suggestions come from the
    store's mirror of open invoices either way. None when the mirror cannot stand in for Billecta."""
    facts = shown_from_mirror(record)
    if facts is None or not record.get("payment_date"):
        return None
    payment = matching.payment_from_row(record, rt.billecta.creditor_id)
    try:
        return _prepared(rt, record, payment, facts)
    except InvoiceStateError:  # no open invoice in the store: Billecta's fresh read gives the answer
        return None


def _prepared(rt: Runtime, record: dict[str, Any], payment: matching.PaymentFacts,
              facts: dict[str, Any]) -> dict[str, Any]:
    name = label("payment", record)
    candidates = matching.eligible(payment, _open(rt, payment.currency))
    if not candidates:
        raise InvoiceStateError(
            f"There is no open invoice in {payment.currency} to match {name} to: the bot's store has none that "
            f"still waits for money (`billecta-bot pull` refreshes it from Billecta). The payment stays unhandled; "
            f"if it is not the creditor's money, `payment delete {record['id']}` removes it.")
    ranked = matching.suggest(payment, candidates, limit=SHOWN_SUGGESTIONS)
    suggested = [{"n": s.invoice.number, "c": s.confidence, "level": s.level.value,
                  "why": _why(s, facts.get("source_invoice"))[:WHY_CARRIED], "left": s.invoice.remaining_minor,
                  "debtor": s.invoice.debtor_name} for s in ranked]
    prepared: dict[str, Any] = {"record": name, **facts, "suggested": suggested, "open_count": len(candidates)}
    if ranked and ranked[0].level is matching.Level.HIGH:
        prepared["suggestion"] = ranked[0].invoice.number  # prefills the radio buttons
    return prepared


def _why(suggestion: matching.Suggestion, source_invoice: str | None) -> str:
    """The engine's reasons; a balance's excess is not a new overpayment: it stays the same balance."""
    if not source_invoice or suggestion.excess_minor <= 0:
        return suggestion.why
    excess = format_amount(suggestion.excess_minor, suggestion.invoice.currency)
    text = "; ".join([*suggestion.reasons, f"the balance is {excess} more than the remaining amount: that rest stays "
                                           f"the debtor's balance from invoice {source_invoice}"])
    return text[:1].upper() + text[1:]


def suggest(rt: Runtime, prepared: dict[str, Any], field: str, query: str) -> list[tuple[str, str]]:
    """The search among all open invoices in the payment's currency: (record line, invoice number)."""
    if field != "invoice":
        return []
    currency = str(prepared.get("currency") or "SEK")
    first = {str(s["n"]): rank for rank, s in enumerate(prepared.get("suggested") or [])}

    def number(row: dict[str, Any]) -> str:
        return str(row.get("invoice_number") or row.get("action_public_id"))

    # The suggestions first, in their rank; the rest by due date (a stable sort keeps that order).
    rows = sorted(_open_rows(rt, currency), key=lambda row: first.get(number(row), len(first)))
    words = query.casefold().split()
    found = []
    for row in rows:
        text = line("invoice", row, limit=OPTION_TEXT)
        searched = text.replace("\u00a0", " ").casefold()  # amounts are shown with no-break spaces
        if all(word in searched for word in words):
            found.append((text, number(row)))
            if len(found) == SEARCH_OPTIONS:
                break
    return found


def match_payment(rt: Runtime, record: dict[str, Any], form: MatchPaymentForm, actor: Actor, once: Once) -> Outcome:
    """Match the payment once (`bot.once`), after checking both against a fresh read."""
    view = fresh_unhandled(rt, record, "matched")
    facts = shown(view)
    field = "suggestion" if form.suggestion and form.suggestion == form.chosen else "invoice"
    if form.amount is not None and (problem := whole_payment_problem(to_minor(form.amount, facts["currency"]),
                                                                     facts)):
        raise InvalidInput(problem, field_errors={"amount": problem})
    target = _target(rt, form.chosen, facts, field)
    pid, aid = view.unhandled_payment_public_id, target.action_public_id
    number = str(target.invoice_number or aid)
    name = label("payment", record)
    try:
        once.send(lambda: rt.billecta.match_payment(pid, aid), f"{facts['amount_text']} of {name} on invoice {number}",
                  facts={"payment": pid, "invoice": aid})
    except BillectaRejected as exc:  # Billecta's rules: nothing changed; its reason goes under the field
        message = f"Billecta refused to match {name} to invoice {number}: {exc.billecta_message}"
        raise InvalidInput(message, field_errors={field: message}) from exc
    return _matched(rt, record, view, target)


def find_match(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the payment of `once` is used on its invoice (Billecta keeps no token on a match)."""
    pid, aid = once.facts.get("payment"), once.facts.get("invoice")
    if not pid or not aid:
        return None
    view = rt.billecta.get_unhandled_payment(str(pid))
    if view.state is not UnhandledPaymentState.UsedOnInvoice or \
            (view.overpayment_details or {}).get("UsedOnActionPublicId") != aid:
        return None
    mirror_payment(rt, view)
    after = mirror_invoice(rt, rt.billecta.get_invoice(str(aid)))
    return Found(f"Matched {label('payment', record)} to invoice {after.get('invoice_number')}; {_left_on(after)}",
                 {"remaining_minor": after.get("current_amount")})


def _target(rt: Runtime, key: str, facts: dict[str, Any], field: str) -> InvoiceActionView:
    """The invoice read fresh, or why the payment cannot go there (under the field it was picked in)."""
    def refused(problem: str) -> InvalidInput:
        return InvalidInput(problem, field_errors={field: problem})

    try:
        row = resolve_invoice(rt, target_key(key))
    except NotFound as exc:
        raise refused(exc.user_message) from exc
    view = fresh_view(rt, row)
    name = f"Invoice {view.invoice_number or view.action_public_id}"
    currency = (view.current_amount.currency_code or "SEK").upper()
    if (why := target_refusal_of(view.state.stage, view.action_type, view.current_amount.value)) is not None:
        raise refused(f"{name} {why}; pick an open invoice.")
    if currency != facts["currency"]:
        raise refused(f"{name} is in {currency}; the payment is in {facts['currency']}.")
    if not view.can_register_payment:
        raise refused(f"Billecta takes no payment on {name} in its current stage.")
    return view


def _matched(rt: Runtime, record: dict[str, Any], before: UnhandledPaymentView, target: InvoiceActionView) -> Outcome:
    """Mirror the payment, the invoice and the unhandled payment the excess became; say what went where."""
    facts = shown(before)
    currency, total = facts["currency"], facts["amount_minor"]
    remaining_before = target.current_amount.value
    used, excess = min(total, remaining_before), max(0, total - remaining_before)
    number = str(target.invoice_number or target.action_public_id)
    # A balance left by an invoice (a credit's surplus, an earlier overpayment) keeps its rest as the same
    # balance; a bank payment's excess becomes the debtor's overpayment on the invoice it was matched to.
    source = (before.overpayment_details or {}).get("ActionPublicId")
    after: dict[str, Any] | None
    kept: list[dict[str, Any]] = []
    try:
        mirror_payment(rt, rt.billecta.get_unhandled_payment(before.unhandled_payment_public_id))
        after = mirror_invoice(rt, rt.billecta.get_invoice(target.action_public_id))
        kept = _mirror_rest(rt, source or target.action_public_id) if excess else []
    except BotError:  # done in Billecta: the next pull brings the mirror up to date
        after = None
    sender = f" from {facts['sender']}" if facts.get("sender") else ""
    message = f"Matched {label('payment', record)} ({facts['amount_text']}{sender}) to invoice {number}: "
    message += _left_on(after) if after else f"{format_amount(used, currency)} was booked on it"
    if excess:
        debtor = target.debtor.name if target.debtor else "the debtor"
        new = f"payment {kept[0]['id']}" if len(kept) == 1 else "a new unhandled payment"
        rest = f"the {format_amount(excess, currency)} more than remained"
        message += (f"; {rest} stays {debtor}'s balance from invoice {facts['source_invoice']} ({new})"
                    if source and facts.get("source_invoice") else
                    f"; {rest} is kept as an overpayment, a balance of {debtor} ({new})")
    return Outcome(message + ".", "payment", [str(record["id"])], details={
        "amount_minor": total, "used_minor": used, "excess_minor": excess, "currency": currency, "invoice": number,
        "remaining_minor": after.get("current_amount") if after else None})


def _mirror_rest(rt: Runtime, action_id: str) -> list[dict[str, Any]]:
    """The unhandled payments left by invoice `action_id`, mirrored; returns those the store did not know
    (what a match's excess became)."""
    new = []
    for payment in rt.billecta.list_unhandled_payments():
        if (payment.overpayment_details or {}).get("ActionPublicId") != action_id:
            continue
        known = rt.store.find_by("payment", "billecta_id", payment.unhandled_payment_public_id)
        row = mirror_payment(rt, payment)
        if known is None:
            new.append(row)
    return new


def _left_on(invoice: dict[str, Any]) -> str:
    remaining = int(invoice.get("current_amount") or 0)
    if remaining > 0:
        return f"{format_amount(remaining, invoice.get('currency'))} remains to pay on it"
    return "it is now fully paid" if invoice.get("stage") == InvoiceStage.Completed.value else "nothing remains on it"

