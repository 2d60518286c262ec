"""Use the credit of an invoice on another open invoice of the same debtor (command 8, `invoice use-credit`).

A credit invoice's surplus, or an overpayment kept from an invoice, is a debtor balance in Billecta:
an unhandled payment of type BalanceFromInvoice or OverPayment whose OverpaymentDetails name the
invoice it came from. Using it is matching that payment to the target invoice (billecta-api.md
§2.4 note 10); Billecta applies it in full, up to what remains on the target, and keeps the rest
as the same invoice's balance. `prepare` reads the credit and the debtor's other open invoices
(or refuses with the reason), `UseCreditForm` (`bot.services.use_credit_form`) checks the fields,
`use_credit` matches once through `bot.once` (driven by `bot.runner.run_dialog`) and mirrors both
invoices and the balances, `find_credit_use` finds a match whose reply was lost (a match carries no
comment, so the run records which balances it used on which invoice), and `target_options` is the
modal's search among the debtor's open invoices, from the store within Slack's 3 seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.billecta.client_collection import BALANCE_TYPES
from bot.billecta.enums import ActionType, InvoiceStage, UnhandledPaymentState
from bot.billecta.models import InvoiceActionSubView, InvoiceActionView, UnhandledPaymentView
from bot.errors import BotError, InvalidInput, InvoiceStateError, NotFound
from bot.money import format_amount, to_minor
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome, prefill
from bot.services.invoices import fresh_view
from bot.services.labels import OPTION_TEXT, label, line, stage_words
from bot.services.mirror import mirror_invoice, mirror_invoice_row, mirror_payment, resolve_invoice
from bot.services.use_credit_form import UseCreditForm, amount_problem, target_key, usable

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["UseCreditForm", "find_credit_use", "prepare", "prepare_from_mirror", "suggest", "target_options",
           "use_credit"]

# Open invoices carried in the modal (number → remaining) so the form can check the target and the
# amount as the user types; a debtor with more is checked at submit (private_metadata stays small).
TARGETS_CARRIED = 40
SUGGESTIONS = 100  # Slack shows at most 100 options
_CLOSED = (InvoiceStage.Created, InvoiceStage.Completed, InvoiceStage.Cancelled)


@dataclass
class Credit:
    """The credit of one invoice: its unused balances, oldest first, and their total."""

    view: InvoiceActionView
    balances: list[UnhandledPaymentView]
    currency: str

    @property
    def total(self) -> int:
        return sum(b.amount.value for b in self.balances)


def credit_of(rt: Runtime, record: dict[str, Any]) -> Credit:
    """The invoice read fresh, with the debtor balances it left, or the refusal (the reason, what applies)."""
    view = fresh_view(rt, record)
    name = label("invoice", record)
    key = view.invoice_number or view.action_public_id
    if view.state.stage is InvoiceStage.Created:
        raise InvoiceStateError(f"{name} is a draft that has not been attested yet; it has no credit to use.")
    if view.state.stage is InvoiceStage.Cancelled:
        raise InvoiceStateError(f"{name} is cancelled; it has no credit to use.")
    debtor_id = view.debtor.debtor_public_id if view.debtor else record.get("debtor_public_id")
    balances = sorted((b for b in rt.billecta.debtor_balances(debtor_id or "")
                       if (b.overpayment_details or {}).get("ActionPublicId") == view.action_public_id),
                      key=lambda b: b.payment_date.timestamp() if b.payment_date else float("inf"))
    for balance in balances:
        mirror_payment(rt, balance)
    currency = (view.invoiced_amount.currency_code or "SEK").upper()
    if balances:
        return Credit(view, balances, currency)
    if view.action_type is ActionType.CreditInvoiceAction:
        raise InvoiceStateError(f"Credit invoice {key} has no credit left to use: Billecta shows no unused balance "
                                f"from it. What happened to it is in its event log: `invoice events {key}`.")
    why = (f"{name} is not a credit invoice and no overpayment on it was kept as a debtor balance, so it has no "
           "credit to use.")
    if view.is_closed or view.current_amount.value <= 0:
        raise InvoiceStateError(why)
    raise InvoiceStateError(f"{why} To pay it with a credit, run `invoice use-credit` on the credit invoice "
                            f"with `target={key}`.")


def open_targets(rt: Runtime, credit: Credit) -> list[InvoiceActionSubView]:
    """The debtor's other open invoices in the credit's currency that something remains on (mirrored)."""
    debtor_id = credit.view.debtor.debtor_public_id if credit.view.debtor else None
    found = []
    for sub in rt.billecta.open_invoices_by_debtor(debtor_id or ""):
        if sub.action_public_id == credit.view.action_public_id:
            continue
        mirror_invoice_row(rt, sub)
        if target_refusal_of(sub.stage, sub.action_type, sub.current_amount.value) is None and \
                (sub.current_amount.currency_code or "SEK").upper() == credit.currency:
            found.append(sub)
    return found


def target_refusal_of(stage: InvoiceStage, action_type: ActionType, remaining: int) -> str | None:
    if action_type is ActionType.CreditInvoiceAction:
        return "is a credit invoice itself"
    if stage in _CLOSED:
        return f"is {stage_words(stage)}"
    if remaining <= 0:
        return "has nothing left to pay"
    return None


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """The credit and where it can go, read fresh (slow: after views.open); small JSON for private_metadata."""
    credit = credit_of(rt, record)
    view = credit.view
    debtor = (view.debtor.name if view.debtor else None) or record.get("debtor_name") or "the debtor"
    targets = [(str(t.invoice_number or t.action_public_id), t.current_amount.value) for t in open_targets(rt, credit)]
    if not targets:
        raise InvoiceStateError(f"{debtor} has no other open invoice in {credit.currency} to use the "
                                f"{format_amount(credit.total, credit.currency)} credit of {label('invoice', record)} "
                                "on; it stays their balance until a new invoice is made.")
    return _prepared(record, Source(view.invoice_number, view.action_public_id, debtor,
                                    view.debtor.debtor_public_id if view.debtor else None,
                                    view.action_type is ActionType.CreditInvoiceAction),
                     credit.currency, credit.total, targets)


@dataclass(frozen=True)
class Source:
    """The invoice whose credit is used, as the form names it."""

    number: str | None
    action_id: str
    debtor: str
    debtor_id: str | None
    is_credit_invoice: bool


def prepare_from_mirror(rt: Runtime, record: dict[str, Any]) -> dict[str, Any] | None:
    """`prepare`'s keys from the store alone, marked `as_of`: the debtor balances the pull mirrored from
    this invoice and the debtor's open invoices in the mirror. None when the mirror shows no balance from
    it or nowhere to use it, or a state that has no credit to use: those answers are Billecta's, fresh."""
    debtor_id, stage = record.get("debtor_public_id"), record.get("stage")
    if not record.get("last_synced_at") or not debtor_id or stage in (InvoiceStage.Created.value,
                                                                        InvoiceStage.Cancelled.value):
        return None
    currency = (record.get("currency") or "SEK").upper()
    balances = [row for row in rt.store.rows("payment", "kind = 'unhandled' AND state = ? AND debtor_public_id = ? "
                                             "AND source_invoice_number = ?",
                                             [UnhandledPaymentState.Unhandled.value, debtor_id,
                                              record.get("invoice_number")])
                if row.get("payment_type") in _BALANCE_TYPES]
    if not balances:
        return None
    targets = [(str(row.get("invoice_number") or row["action_public_id"]), int(row.get("current_amount") or 0))
               for row in _mirrored_targets(rt, record, debtor_id, currency)]
    if not targets:
        return None
    source = Source(record.get("invoice_number"), record["action_public_id"], record.get("debtor_name") or "the debtor",
                    debtor_id, record.get("action_type") == ActionType.CreditInvoiceAction.value)
    prepared = _prepared(record, source, currency, sum(int(b.get("amount") or 0) for b in balances), targets)
    return {**prepared, prefill.AS_OF: str(record["last_synced_at"])}


_BALANCE_TYPES = frozenset(kind.value for kind in BALANCE_TYPES)


def _mirrored_targets(rt: Runtime, record: dict[str, Any], debtor_id: str, currency: str) -> list[dict[str, Any]]:
    rows = rt.store.rows("invoice", "debtor_public_id = ? AND action_public_id != ? AND closed_date IS NULL "
                         "AND COALESCE(sync_status, '') != 'deleted'", [debtor_id, record["action_public_id"]],
                         order_by="due_date")
    return [row for row in rows
            if target_refusal_of(InvoiceStage(row.get("stage") or "None"),
                                 ActionType(row.get("action_type") or "InvoiceAction"),
                                 int(row.get("current_amount") or 0)) is None
            and (row.get("currency") or "SEK").upper() == currency]


def _prepared(record: dict[str, Any], source: Source, currency: str, credit: int,
              targets: list[tuple[str, int]]) -> dict[str, Any]:
    carried = dict(targets[:TARGETS_CARRIED])
    prepared: dict[str, Any] = {
        "record": label("invoice", record), "source_number": source.number, "source_id": source.action_id,
        "currency": currency, "credit_minor": credit, "credit": format_amount(credit, currency),
        "debtor": source.debtor, "debtor_public_id": source.debtor_id, "is_credit_invoice": source.is_credit_invoice,
        "targets": carried, "targets_more": len(targets) > TARGETS_CARRIED, "allowed": True,
    }
    if len(targets) == 1:  # the only place the credit can go: picked already
        prepared["target"] = next(iter(carried))
    return prepared


def target_options(rt: Runtime, prepared: dict[str, Any], query: str) -> list[tuple[str, str]]:
    """(record line, invoice number) of the debtor's open invoices matching `query`, from the store."""
    debtor_id = prepared.get("debtor_public_id")
    if not debtor_id:
        return []
    carried = prepared.get("targets") if not prepared.get("targets_more") else None
    rows = rt.store.rows("invoice", "debtor_public_id = ? AND action_public_id IS NOT ?",
                         [debtor_id, prepared.get("source_id")], order_by="due_date")
    words = query.casefold().split()
    found = []
    for row in rows:
        number = str(row.get("invoice_number") or row["action_public_id"])
        if carried is not None and number not in carried:
            continue
        if carried is None and target_refusal_of(InvoiceStage(row.get("stage") or "None"),
                                                 ActionType(row.get("action_type") or "InvoiceAction"),
                                                 int(row.get("current_amount") or 0)):
            continue
        text = line("invoice", row, limit=OPTION_TEXT)
        searched = text.replace("\u00a0", " ").casefold()  # amounts are shown with no-break spaces
        if all(word in searched for word in words):
            found.append((text, number))
    return found[:SUGGESTIONS]


def suggest(rt: Runtime, prepared: dict[str, Any], field: str, query: str) -> list[tuple[str, str]]:
    """The form's external selects: only the target is one."""
    return target_options(rt, prepared, query) if field == "target" else []


def use_credit(rt: Runtime, record: dict[str, Any], form: UseCreditForm, actor: Actor, once: Once) -> Outcome:
    """Use the credit on the target once (`bot.once`), after checking both against a fresh read."""
    credit = credit_of(rt, record)
    target = _target(rt, credit, record, form)
    amount = _checked_amount(credit, target, form)
    balances = _needed(credit.balances, amount)
    ids = [b.unhandled_payment_public_id for b in balances]
    name, target_name = label("invoice", record), f"invoice {target.invoice_number or target.action_public_id}"
    results = once.send(lambda: rt.billecta.use_balances(ids, target.action_public_id),
                        f"{format_amount(amount, credit.currency)} of the credit of {name} on {target_name}",
                        facts={"target": target.action_public_id, "balances": ids})
    refused = [r.response_message or "refused" for r in results if not r.successfull]
    return _used(rt, record, credit, target, ids, refused)


def find_credit_use(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the balances the run of `once` sent were used on its target (Billecta keeps no token on a match)."""
    facts = once.facts
    target, ids = facts.get("target"), facts.get("balances") or []
    used = [p for p in (rt.billecta.get_unhandled_payment(pid) for pid in ids)
            if p.state is UnhandledPaymentState.UsedOnInvoice
            and (p.overpayment_details or {}).get("UsedOnActionPublicId") == target]
    if not used or not target:
        return None
    for balance in used:
        mirror_payment(rt, balance)
    after = mirror_invoice(rt, rt.billecta.get_invoice(target))
    currency = used[0].amount.currency_code
    total = sum(p.amount.value for p in used)
    return Found(f"{format_amount(total, currency)} of the credit of {label('invoice', record)} was used on "
                 f"invoice {after.get('invoice_number')}; {_left_on(after)}",
                 {"amount_minor": total, "remaining_minor": after.get("current_amount")})


def _target(rt: Runtime, credit: Credit, record: dict[str, Any], form: UseCreditForm) -> InvoiceActionView:
    """The target read fresh, or why it cannot take the credit (under the target field)."""
    try:
        row = resolve_invoice(rt, target_key(form.target))
    except NotFound as exc:
        raise InvalidInput(exc.user_message, field_errors={"target": exc.user_message}) from exc
    view = fresh_view(rt, row)
    name = f"Invoice {view.invoice_number or view.action_public_id}"
    debtor = credit.view.debtor.name if credit.view.debtor else "the debtor"
    problem = None
    if view.action_public_id == credit.view.action_public_id:
        problem = "Choose another invoice: the credit cannot be used on the invoice it comes from."
    elif (view.debtor.debtor_public_id if view.debtor else None) != \
            (credit.view.debtor.debtor_public_id if credit.view.debtor else None):
        problem = (f"{name} is {view.debtor.name if view.debtor else 'another debtor'}'s; the credit of "
                   f"{label('invoice', record)} is {debtor}'s. Choose one of {debtor}'s open invoices.")
    elif (why := target_refusal_of(view.state.stage, view.action_type, view.current_amount.value)) is not None:
        problem = f"{name} {why}; choose an open invoice of {debtor}."
    elif (view.current_amount.currency_code or "SEK").upper() != credit.currency:
        problem = f"{name} is in {view.current_amount.currency_code}; the credit is in {credit.currency}."
    elif not view.can_register_payment:
        problem = f"Billecta does not take payments on {name} while it is {stage_words(view.state.stage)}."
    if problem:
        raise InvalidInput(problem, field_errors={"target": problem})
    return view


def _checked_amount(credit: Credit, target: InvoiceActionView, form: UseCreditForm) -> int:
    used = usable(credit.total, target.current_amount.value)
    if form.amount is None:
        return used
    target_name = f"invoice {target.invoice_number or target.action_public_id}"
    problem = amount_problem(to_minor(form.amount, credit.currency), credit.total, target.current_amount.value,
                             credit.currency, target_name)
    if problem:
        raise InvalidInput(problem, field_errors={"amount": problem})
    return used


def _needed(balances: list[UnhandledPaymentView], amount: int) -> list[UnhandledPaymentView]:
    """The oldest balances that cover `amount` (the last one may be used in part; Billecta keeps its rest)."""
    chosen, covered = [], 0
    for balance in balances:
        if covered >= amount:
            break
        chosen.append(balance)
        covered += balance.amount.value
    return chosen


def _left_on(target: dict[str, Any]) -> str:
    remaining = int(target.get("current_amount") or 0)
    name = f"invoice {target.get('invoice_number')}"
    if remaining > 0:
        return f"{format_amount(remaining, target.get('currency'))} remains to pay on {name}"
    return f"{name} is now {stage_words(target.get('stage'))}"


def _used(rt: Runtime, record: dict[str, Any], before: Credit, target: InvoiceActionView, ids: list[str],
          refused: list[str]) -> Outcome:
    """Mirror both invoices and the balances, and say what was used and what is left."""
    name = label("invoice", record)
    target_name = f"invoice {target.invoice_number or target.action_public_id}"
    try:
        for pid in ids:
            mirror_payment(rt, rt.billecta.get_unhandled_payment(pid))
        after_target: dict[str, Any] | None = mirror_invoice(rt, rt.billecta.get_invoice(target.action_public_id))
        left: int | None = _credit_left(rt, record)
    except BotError:
        after_target, left = None, None
    currency = before.currency
    if after_target is None:
        used, rest = None, "the new amounts could not be read from Billecta just now"
    else:
        used = target.current_amount.value - int(after_target.get("current_amount") or 0)
        rest = _left_on(after_target)
    message = f"Used {format_amount(used, currency) if used is not None else 'the credit'} of the credit of {name} " \
              f"on {target_name}: {rest}"
    if left is not None:
        message += f"; {format_amount(left, currency)} of credit is left." if left else "; no credit is left."
    if refused:
        message += f" Billecta refused part of it: {'; '.join(refused)}"
    record_ids = [str(record.get("invoice_number") or before.view.action_public_id),
                  str(target.invoice_number or target.action_public_id)]
    return Outcome(message, "invoice", record_ids, details={
        "amount_minor": used, "currency": currency, "target": target.invoice_number,
        "remaining_minor": after_target.get("current_amount") if after_target else None, "credit_left_minor": left,
    })


def _credit_left(rt: Runtime, record: dict[str, Any]) -> int:
    try:
        return credit_of(rt, record).total
    except InvoiceStateError:
        return 0
