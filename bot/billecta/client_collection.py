"""The client's calls for collecting money: files (invoice PDFs), unhandled payments, Swish, debt
collection and common lookups. Mixed into `BillectaClient`, which supplies `_send` and `_outcomes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import httpx

from bot.billecta.dates import format_date
from bot.billecta.enums import UnhandledPaymentState, UnhandledPaymentType
from bot.billecta.models import (
    BillectaModel,
    CreatedView,
    CurrencyView,
    DebtCollectionActionView,
    DebtCollectionFromInvoiceEntryView,
    FileView,
    PaymentMatchResultView,
    PaymentMatchView,
    SwishPaymentStatusView,
    UnhandledPaymentView,
)
from bot.billecta.outcomes import Outcomes
from bot.billecta.transport import Resolver, read_model, read_models
from bot.errors import BillectaRejected

# Unhandled payments that are money the debtor has to spend, not a bank payment waiting for its invoice.
BALANCE_TYPES = frozenset({UnhandledPaymentType.BalanceFromInvoice, UnhandledPaymentType.OverPayment,
                           UnhandledPaymentType.ManualBalance})


class CollectionCalls:
    _outcomes: Outcomes

    def _send(self, name: str, body: BillectaModel | Sequence[BillectaModel] | None = None, *,
              params: dict[str, str] | None = None, subject: str | None = None, auth: str | None = None,
              resolve: Resolver | None = None, **path: str) -> httpx.Response:
        raise NotImplementedError  # BillectaClient._send

    # Files ---------------------------------------------------------------------------------------

    def get_file(self, file_id: str) -> bytes:
        return self._send("file_get", fid=file_id).content

    def get_file_object(self, file_id: str) -> FileView:
        """The file with its content base64-encoded in `data`."""
        return read_model(self._send("file_object", params={"includedata": "true"}, fid=file_id), FileView)

    # Unhandled payments and Swish ----------------------------------------------------------------

    def list_unhandled_payments(self) -> list[UnhandledPaymentView]:
        return read_models(self._send("unhandled_payments_list"), UnhandledPaymentView)

    def get_unhandled_payment(self, payment_id: str) -> UnhandledPaymentView:
        return read_model(self._send("unhandled_payment_get", upid=payment_id), UnhandledPaymentView)

    def match_payments(self, matches: Sequence[PaymentMatchView]) -> list[PaymentMatchResultView]:
        """Match unhandled payments to invoices; Billecta answers per item (`successfull`)."""
        matches = list(matches)
        response = self._send("payments_match", matches, resolve=self._outcomes.matches(matches))
        return read_models(response, PaymentMatchResultView)

    def debtor_balances(self, debtor_id: str) -> list[UnhandledPaymentView]:
        """The debtor's unused balances: credit-invoice surpluses, kept overpayments and manual balances
        (unhandled payments of those types; an unmatched bank payment is nobody's balance yet)."""
        return [p for p in self.list_unhandled_payments()
                if p.debtor_public_id == debtor_id and p.unhandled_payment_type in BALANCE_TYPES
                and p.state is UnhandledPaymentState.Unhandled]

    def use_balances(self, balance_ids: Sequence[str], action_id: str,
                     on: datetime | None = None) -> list[PaymentMatchResultView]:
        """Use debtor balances on an invoice, each in full up to what remains on it: Billecta's payment
        matching (billecta-api.md §2.4 note 10; a match carries no amount). Raises BillectaRejected with
        Billecta's reason when none was used (nothing changed); otherwise the per-balance results."""
        results = self.match_payments([PaymentMatchView(unhandled_payment_public_id=pid, action_public_id=action_id,
                                                        payment_date=on) for pid in balance_ids])
        if results and not any(r.successfull for r in results):
            reasons = "; ".join(dict.fromkeys(r.response_message or "refused" for r in results))
            raise BillectaRejected(reasons)
        return results

    def match_payment(self, payment_id: str, action_id: str, on: datetime | None = None) -> PaymentMatchResultView:
        """Match one unhandled payment to an invoice, in full: a match has no amount, and what exceeds the
        invoice's remaining amount stays the debtor's (billecta-api.md §2.6). Raises BillectaRejected with
        Billecta's `ResponseMessage` when it refuses the match (nothing changed)."""
        results = self.match_payments([PaymentMatchView(unhandled_payment_public_id=payment_id,
                                                        action_public_id=action_id, payment_date=on)])
        result = next((r for r in results if r.unhandled_payment_public_id in (payment_id, None)),
                      results[0] if results else PaymentMatchResultView(response_message="Billecta answered nothing."))
        if not result.successfull:
            raise BillectaRejected(result.response_message or "Billecta did not match the payment.")
        return result

    def delete_unhandled_payment(self, payment_id: str) -> None:
        self._send("unhandled_payment_delete", upid=payment_id, resolve=self._outcomes.unhandled_deleted(payment_id))

    def swish_request(self, action_id: str, phone: str, message: str) -> str:
        """Start a Swish payment request on the invoice (it pops up in the payer's Swish app); returns
        the request's token. Billecta takes both in the query, with an empty body (api.md §2.4 note 7)."""
        response = self._send("swish_request", params={"phone": phone, "message": message},
                              subject=f"invoice {action_id}", resolve=self._outcomes.swish(action_id),
                              aid=action_id)
        return created_id(response)

    def swish_status(self, token: str) -> SwishPaymentStatusView:
        return read_model(self._send("swish_status", token=token), SwishPaymentStatusView)

    def cancel_swish(self, token: str) -> None:
        """Withdraw a request the payer has not answered; one already answered is refused by Billecta."""
        self._send("swish_cancel", token=token, resolve=self._outcomes.swish_cancelled(token))

    # Debt collection -----------------------------------------------------------------------------

    def get_debt_collection(self, action_id: str) -> DebtCollectionActionView:
        return read_model(self._send("debtcollection_get", aid=action_id), DebtCollectionActionView)

    def debt_collection_from_invoice(self, entry: DebtCollectionFromInvoiceEntryView) -> str:
        """Send an invoice to debt collection; returns the new case's ActionPublicId."""
        aid = entry.source_public_id
        response = self._send("debtcollection_from_invoice", entry, subject=f"invoice {aid}",
                              resolve=self._outcomes.debt_collection(aid))
        return created_id(response)

    def postpone_debt_collection(self, action_id: str, new_date: date) -> None:
        """Move the case's next event to `new_date`; a lost reply is looked up first (see postpone_invoice)."""
        self._send("debtcollection_postpone", params={"date": format_date(new_date)}, aid=action_id,
                   resolve=self._outcomes.case_postponed(action_id, new_date))

    def cancel_debt_collection(self, action_id: str) -> None:
        self._send("debtcollection_cancel", aid=action_id,
                   resolve=self._outcomes.case_stage(action_id, "cancelling", frozenset({"Cancelled"})))

    def send_to_long_term_surveillance(self, action_id: str) -> None:
        self._send("debtcollection_surveillance", aid=action_id,
                   resolve=self._outcomes.case_stage(action_id, "sending to long-term surveillance",
                                                     frozenset({"LongTermSurveilance"})))

    def send_to_bailiff(self, action_id: str) -> None:
        self._send("debtcollection_bailiff", aid=action_id,
                   resolve=self._outcomes.case_stage(action_id, "sending to the bailiff", frozenset({"SentToBailiff"})))

    def send_to_assistance_with_bailiff(self, action_id: str) -> None:
        self._send("debtcollection_assistance_bailiff", aid=action_id,
                   resolve=self._outcomes.case_stage(action_id, "sending for assistance with the bailiff",
                                                     frozenset({"AssistedWithBailiff"})))

    # Common --------------------------------------------------------------------------------------

    def currencies(self) -> list[CurrencyView]:
        return read_models(self._send("currencies"), CurrencyView)


def created_id(response: httpx.Response) -> str:
    return read_model(response, CreatedView).public_id
