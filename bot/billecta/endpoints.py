"""Every Billecta path the bot uses, in one table, with how sure we are of it.

Confidence follows shared/billecta-api.md: C = confirmed path and method, P = the operation exists
but the path is our suggestion, U = unconfirmed. A wrong P/U path is corrected here, in one place;
the sandbox routes the same table (plus `aliases`, the other spellings the API doc says to accept).
Placeholders: {cid} creditor, {did} debtor, {pid} product, {aid} action, {fid} file, {upid}
unhandled payment, {token} Swish request token.
An operator corrects a path without a release through `BILLECTA_ENDPOINTS` (endpoint_file.py); the
client then uses that table, while the sandbox keeps routing this one, as Billecta would.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from enum import StrEnum


class Confidence(StrEnum):
    CONFIRMED = "C"
    PARTLY = "P"
    UNCONFIRMED = "U"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    confidence: Confidence
    # Write operations Billecta cannot de-duplicate; never blindly re-sent after an unknown outcome.
    creates: bool = False
    # A PUT or POST that only asks (its body is the query): it changes nothing, so it is not a write.
    reads: bool = False
    aliases: tuple[tuple[str, str], ...] = field(default=())
    # Its method or path comes from BILLECTA_ENDPOINTS rather than this table.
    overridden: bool = False

    def url(self, **params: str) -> str:
        return self.path.format(**params)

    @property
    def placeholders(self) -> frozenset[str]:
        return placeholders(self.path)


C, P, U = Confidence.CONFIRMED, Confidence.PARTLY, Confidence.UNCONFIRMED

_TABLE: tuple[Endpoint, ...] = (
    Endpoint("authenticate", "POST", "/v1/authentication/apiauthenticate", C),
    # Creditor
    Endpoint("creditor_get", "GET", "/v1/creditors/creditor/{cid}", C),
    Endpoint("creditor_update", "PUT", "/v1/creditors/creditor", C),
    Endpoint("creditors_list", "GET", "/v1/creditors/creditors", C,
             aliases=(("POST", "/v1/creditors/creditors"),)),
    Endpoint("default_config_get", "GET", "/v1/creditors/defaultactionconfig/{cid}", P),
    Endpoint("default_config_update", "PUT", "/v1/creditors/defaultactionconfig", P),
    # Debtors
    Endpoint("debtor_create", "POST", "/v1/debtors/debtor", C, creates=True),
    Endpoint("debtor_update", "PUT", "/v1/debtors/debtor", C),
    Endpoint("debtor_get", "GET", "/v1/debtors/debtor/{did}", C),
    Endpoint("debtor_by_external_id", "GET", "/v1/debtors/debtorbyexternalid/{cid}", C),
    Endpoint("debtors_list", "GET", "/v1/debtors/debtors/{cid}", C),
    Endpoint("debtor_events", "GET", "/v1/debtors/debtorevents/{did}", C),
    # Products (articles)
    Endpoint("product_create", "POST", "/v1/products/product", C, creates=True),
    Endpoint("product_update", "PUT", "/v1/products/product", C),
    Endpoint("product_delete", "DELETE", "/v1/products/product/{pid}", C),
    Endpoint("product_get", "GET", "/v1/products/product/{pid}", C),
    Endpoint("product_by_external_id", "GET", "/v1/products/productbyexternalid/{cid}", C),
    Endpoint("products_list", "GET", "/v1/products/products/{cid}", C),
    # Invoices
    Endpoint("invoice_create", "POST", "/v1/invoice/action", C, creates=True),
    Endpoint("invoice_update", "PUT", "/v1/invoice/action/{aid}", C,
             aliases=(("PUT", "/v1/invoice/action"),)),
    Endpoint("invoice_delete", "DELETE", "/v1/invoice/action/{aid}", U),
    Endpoint("invoice_attest", "PUT", "/v1/invoice/attest/{aid}", C),
    Endpoint("invoice_get", "GET", "/v1/invoice/action/{aid}", C),
    Endpoint("invoices_open", "GET", "/v1/invoice/open/{cid}", C),
    Endpoint("invoices_closed", "GET", "/v1/invoice/closed/{cid}", C),
    Endpoint("invoices_open_by_debtor", "GET", "/v1/invoice/openbydebtor/{did}", C),
    Endpoint("invoices_closed_by_debtor", "GET", "/v1/invoice/closedbydebtor/{did}", C),
    Endpoint("invoice_by_number", "GET", "/v1/invoice/actionbyinvoicenumber/{cid}", C),
    Endpoint("invoice_pause", "PUT", "/v1/invoice/pause/{aid}", P),
    Endpoint("invoice_resume", "PUT", "/v1/invoice/resume/{aid}", P),
    Endpoint("invoice_dispute", "PUT", "/v1/invoice/dispute/{aid}", P),
    Endpoint("invoice_undispute", "PUT", "/v1/invoice/undispute/{aid}", P,
             aliases=(("PUT", "/v1/invoice/canceldispute/{aid}"),)),
    Endpoint("invoice_postpone", "PUT", "/v1/invoice/postpone/{aid}", P),
    # Crediting twice credits twice: never re-sent blindly although it is a PUT.
    Endpoint("invoice_credit", "PUT", "/v1/invoice/credit", P, creates=True),
    Endpoint("invoice_reminder", "POST", "/v1/invoice/reminder", P, creates=True),
    Endpoint("invoice_payment", "POST", "/v1/invoice/payment", P, creates=True),
    Endpoint("invoice_comment", "POST", "/v1/invoice/comment", P, creates=True),
    Endpoint("invoice_events", "GET", "/v1/invoice/events/{cid}", U),
    # Files
    Endpoint("file_get", "GET", "/v1/files/file/{fid}", C),
    Endpoint("file_object", "GET", "/v1/files/fileobject/{fid}", C),
    # Unhandled payments
    Endpoint("unhandled_payments_list", "GET", "/v1/payments/unhandledpayments/{cid}", P),
    Endpoint("unhandled_payment_get", "GET", "/v1/payments/unhandledpayment/{upid}", P),
    Endpoint("payments_match", "POST", "/v1/payments/matchpayments/{cid}", C),
    Endpoint("unhandled_payment_delete", "DELETE", "/v1/payments/unhandledpayment/{upid}", P),
    # The payments Billecta applied to invoices; a PUT whose body is the query (billecta-api.md §2.6).
    Endpoint("incoming_payments", "PUT", "/v1/payments/incomingpayments", C, reads=True),
    # Swish
    # Confirmed 2026-12 (billecta-api.md §2.4 note 7): phone and message in the query, an empty body,
    # a CreatedView whose PublicId is the request's token. The status GET is still our reading.
    Endpoint("swish_request", "POST", "/v1/payments/swish/{aid}", C, creates=True),
    Endpoint("swish_status", "GET", "/v1/payments/swish/{token}", P),
    Endpoint("swish_cancel", "DELETE", "/v1/payments/swish/{token}", C),
    # Debt collection
    Endpoint("debtcollection_get", "GET", "/v1/debtcollection/action/{aid}", C),
    Endpoint("debtcollection_from_invoice", "POST", "/v1/debtcollection/actionfrominvoice", P, creates=True),
    Endpoint("debtcollection_postpone", "PUT", "/v1/debtcollection/postpone/{aid}", P),
    Endpoint("debtcollection_cancel", "PUT", "/v1/debtcollection/cancel/{aid}", P),
    Endpoint("debtcollection_surveillance", "PUT", "/v1/debtcollection/sendtolongtermsurveilance/{aid}", P),
    Endpoint("debtcollection_bailiff", "PUT", "/v1/debtcollection/SendToBailiff/{aid}", P),
    Endpoint("debtcollection_assistance_bailiff", "PUT",
             "/v1/debtcollection/SendToAssistanceWithBailiff/{aid}", P),
    # Common
    Endpoint("currencies", "GET", "/v1/common/currencies", C),
)

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in _TABLE}


def unconfirmed() -> list[Endpoint]:
    """The endpoints whose path is still our suggestion (P) or a guess (U)."""
    return [e for e in _TABLE if e.confidence is not Confidence.CONFIRMED]


def placeholders(path: str) -> frozenset[str]:
    """The {names} in a path template; ValueError for a stray brace."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(path) if name is not None)


def path_pattern(path: str) -> re.Pattern[str]:
    """A template like '/v1/invoice/pause/{aid}' as a case-insensitive regex with named groups.

    Billecta's API runs on ASP.NET routing, which ignores case; so does the sandbox.
    """
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    return re.compile(f"^{regex}$", re.IGNORECASE)
