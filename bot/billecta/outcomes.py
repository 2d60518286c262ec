"""Settling a write whose reply was lost (a timeout, a dropped connection, a 502/504) before any re-send.

Billecta cannot de-duplicate creates, payments or credits: sending one again after it was applied
makes a second debtor, or pays an invoice twice. Each resolver here looks the outcome up and answers
as Billecta would have (the created id), None when it was certainly not applied (so it is sent
again), or raises `OutcomeUnknown` when it cannot tell. Money is never sent twice: a payment or credit
that is not visibly applied stays unknown, since "not visible yet" is not proof that it never will be.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Protocol

import httpx

from bot.billecta import enums
from bot.billecta.dates import STOCKHOLM
from bot.billecta.models import (
    AmountView,
    CreditActionView,
    DebtCollectionActionView,
    DebtorView,
    InvoiceActionEntryView,
    InvoiceActionView,
    PaymentMatchView,
    ProductView,
    RegisterPaymentView,
    SwishPaymentStatusView,
    UnhandledPaymentView,
)
from bot.billecta.transport import Resolver, reply
from bot.errors import BillectaError, OutcomeUnknown

EVENT_LOG = "the invoice's event log in Billecta"


class Lookups(Protocol):
    """The reads a resolver looks an outcome up with: what `Outcomes` needs of `BillectaClient`, so this
    module does not import the client that builds it."""

    def find_debtor_by_external_id(self, external_id: str) -> DebtorView | None: ...

    def find_product_by_external_id(self, external_id: str) -> ProductView | None: ...

    def find_invoice_by_external_reference(self, debtor_id: str, reference: str, *, drafts_only: bool = False,
                                           skip: Collection[str] = ()) -> InvoiceActionView | None: ...

    def get_invoice(self, action_id: str) -> InvoiceActionView: ...

    def get_debt_collection(self, action_id: str) -> DebtCollectionActionView: ...

    def get_unhandled_payment(self, payment_id: str) -> UnhandledPaymentView: ...

    def swish_status(self, token: str) -> SwishPaymentStatusView: ...


class Outcomes:
    """Resolvers for one client's writes; each is built just before its write is sent."""

    def __init__(self, client: Lookups) -> None:
        self._client = client

    def debtor(self, debtor: DebtorView) -> Resolver:
        external_id = debtor.debtor_external_id
        action = f"creating the debtor {debtor.name or external_id!r}"
        if not external_id:
            return _unknown(action, "the creditor's debtors in Billecta")

        def find() -> httpx.Response | None:
            found = self._client.find_debtor_by_external_id(external_id)
            return _created(found.debtor_public_id) if found else None

        return _settled(find, action, f"the debtor with external id {external_id!r}", keyed=True)

    def product(self, product: ProductView) -> Resolver:
        external_id = product.product_external_id
        action = f"creating the product {product.description or external_id!r}"
        if not external_id:
            return _unknown(action, "the creditor's products in Billecta")

        def find() -> httpx.Response | None:
            found = self._client.find_product_by_external_id(external_id)
            return _created(found.product_public_id) if found else None

        return _settled(find, action, f"the product with external id {external_id!r}", keyed=True)

    def invoice(self, invoice: InvoiceActionEntryView) -> Resolver:
        reference = invoice.external_reference
        debtor_id = invoice.debtor_public_id
        action = f"creating the invoice draft {reference!r} for debtor {debtor_id}"
        where = "the debtor's open invoices in Billecta"
        if not reference:
            return _unknown(f"creating an invoice draft for debtor {debtor_id}", where)

        def find() -> httpx.Response | None:
            # A create makes a draft: only the debtor's drafts can be it.
            found = self._client.find_invoice_by_external_reference(debtor_id, reference, drafts_only=True)
            return _created(found.action_public_id) if found else None

        return _settled(find, action, where, keyed=True)

    def payment(self, payment: RegisterPaymentView) -> Resolver:
        """Compares the invoice's paid and written-off amounts with a snapshot taken before sending.

        Billecta books at most the remaining amount as paid (an overpayment's excess becomes an unhandled
        payment or a currency difference), so that is the movement expected of our payment."""
        aid = payment.action_public_id
        before = self._client.get_invoice(aid)
        remaining = max(before.current_amount.value, 0)
        expected = (min(_minor(payment.amount), remaining), _minor(payment.write_off))
        action = f"the payment on invoice {aid}"

        def find() -> httpx.Response | None:
            after = self._client.get_invoice(aid)
            moved = (
                after.paid_amount.value - before.paid_amount.value,
                after.write_off_amount.value - before.write_off_amount.value,
            )
            if expected != (0, 0) and moved == expected:
                return reply()
            raise OutcomeUnknown(action, EVENT_LOG)

        return _settled(find, action, EVENT_LOG)

    def credit(self, credit: CreditActionView) -> Resolver:
        """Compares the invoice's credited amount with a snapshot taken before sending."""
        aid = credit.action_public_id
        before = self._client.get_invoice(aid)
        action = f"the credit on invoice {aid}"

        def find() -> httpx.Response | None:
            after = self._client.get_invoice(aid)
            moved = after.credited_amount.value - before.credited_amount.value
            if credit.value.value and moved == credit.value.value:
                return reply()
            raise OutcomeUnknown(action, EVENT_LOG)

        return _settled(find, action, EVENT_LOG)

    def reminder(self, aid: str) -> Resolver:
        """A sent reminder links a new reminder action to the invoice."""
        before = self._client.get_invoice(aid).reminder_invoice_action_public_id
        action = f"the reminder for invoice {aid}"

        def find() -> httpx.Response | None:
            after = self._client.get_invoice(aid).reminder_invoice_action_public_id
            if after == before:
                return None
            if after:
                return reply(200, {"ActionPublicId": after, "SourceActionPublicId": aid})
            raise OutcomeUnknown(action, EVENT_LOG)

        return _settled(find, action, EVENT_LOG)

    def postponed(self, aid: str, new_date: date) -> Resolver:
        """A postpone is applied when the invoice's next event falls on the new date."""

        def done(view: InvoiceActionView) -> bool:
            return next_event_day(view) == new_date

        return self.state_change(aid, "postponing the next event of", done)

    def case_postponed(self, aid: str, new_date: date) -> Resolver:
        """A case's postpone is applied when its next event falls on the new date (sent again, Billecta
        would refuse it: the date is no longer after the next event's)."""

        def find() -> httpx.Response | None:
            when = self._client.get_debt_collection(aid).state.next_event_date
            return reply() if when is not None and when.astimezone(STOCKHOLM).date() == new_date else None

        return _settled(find, f"postponing the next event of debt-collection case {aid}", EVENT_LOG)

    def debt_collection(self, aid: str) -> Resolver:
        """An invoice goes to debt collection once; the case's id is then on the invoice."""

        def find() -> httpx.Response | None:
            case_id = self._client.get_invoice(aid).debt_collection_action_public_id
            return _created(case_id) if case_id else None

        return _settled(find, f"sending invoice {aid} to debt collection", EVENT_LOG)

    def state_change(self, aid: str, what: str, done: Callable[[InvoiceActionView], bool]) -> Resolver:
        """A state action (attest, pause, dispute...) is applied when the invoice shows its state; sending
        it again after it was applied would be refused ("already paused") and misreported as a failure."""
        action = f"{what} invoice {aid}"

        def find() -> httpx.Response | None:
            return reply() if done(self._client.get_invoice(aid)) else None

        return _settled(find, action, EVENT_LOG)

    def case_stage(self, aid: str, what: str, stages: frozenset[str]) -> Resolver:
        """A debt-collection step is applied when the case has reached one of its `stages`."""

        def find() -> httpx.Response | None:
            return reply() if self._client.get_debt_collection(aid).state.stage.value in stages else None

        return _settled(find, f"{what} debt-collection case {aid}", "the case's event log in Billecta")

    def unhandled_deleted(self, payment_id: str) -> Resolver:
        def find() -> httpx.Response | None:
            state = self._client.get_unhandled_payment(payment_id).state
            return reply() if state is enums.UnhandledPaymentState.Deleted else None

        return _settled(find, f"deleting the unhandled payment {payment_id}", "the unhandled payments in Billecta")

    def matches(self, matches: Sequence[PaymentMatchView]) -> Resolver:
        """Matching is answered per item; after a lost reply each payment's state tells whether it was used.
        None used: nothing was applied, so it is sent again. Some used: that was our request; the others
        were refused by it and are reported so (sending it again would only refuse the used ones)."""

        def find() -> httpx.Response | None:
            used = {m.unhandled_payment_public_id: self._client.get_unhandled_payment(m.unhandled_payment_public_id)
                    .state is enums.UnhandledPaymentState.UsedOnInvoice for m in matches}
            if not any(used.values()):
                return None
            return reply(200, [{"UnhandledPaymentPublicId": pid, "Successfull": ok,
                                "ResponseMessage": None if ok else "Billecta did not match this payment; it is "
                                "still unhandled."} for pid, ok in used.items()])

        return _settled(find, "matching the payments", "the unhandled payments in Billecta")

    def swish(self, aid: str) -> Resolver:
        """A new request replaces the invoice's `State.SwishPaymentPublicId` with its token. Sending one
        again would pop a second request up on the payer's phone, so an id that did not change is
        not proof the first never arrived (Billecta may set it late): that stays unknown."""
        before = self._client.get_invoice(aid).state.swish_payment_public_id
        action = f"the Swish request for invoice {aid}"
        where = "the payer's Swish app and the invoice's event log in Billecta"

        def find() -> httpx.Response | None:
            after = self._client.get_invoice(aid).state.swish_payment_public_id
            if after and after != before:
                return _created(after)
            raise OutcomeUnknown(action, where)

        return _settled(find, action, where)

    def swish_cancelled(self, token: str) -> Resolver:
        """A cancel is applied when the request says Cancelled; still Created means it never arrived."""

        def find() -> httpx.Response | None:
            status = self._client.swish_status(token).status
            if status is enums.SwishStatus.Cancelled:
                return reply()
            return None

        return _settled(find, f"cancelling the Swish request {token}", "the Swish request's status in Billecta")


def next_event_day(view: InvoiceActionView) -> date | None:
    """The calendar day (Stockholm, as Billecta dates it) of the invoice's next event."""
    when = view.state.next_event_date
    return when.astimezone(STOCKHOLM).date() if when is not None else None


def _settled(find: Callable[[], httpx.Response | None], action: str, where: str, *,
             keyed: bool = False) -> Resolver:
    """`keyed`: the write is a create found by its external key. Its callers (the upserts) look the key
    up before creating, so when the look-up itself failed transiently, trying the whole item again later
    is safe: the unknown outcome is then transient (a job retries it) rather than left to a person."""
    def resolve() -> httpx.Response | None:
        try:
            return find()
        except OutcomeUnknown:
            raise
        except BillectaError as exc:
            unknown = OutcomeUnknown(action, where)
            unknown.transient = keyed and exc.transient
            raise unknown from exc

    return resolve


def _unknown(action: str, where: str) -> Resolver:
    def resolve() -> httpx.Response | None:
        raise OutcomeUnknown(action, where)

    return resolve


def _created(public_id: str | None) -> httpx.Response | None:
    return reply(200, {"PublicId": public_id}) if public_id else None


def _minor(amount: AmountView | None) -> int:
    return amount.value if amount is not None else 0
