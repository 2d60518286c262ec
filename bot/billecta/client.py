"""`BillectaClient`: one typed method per Billecta operation, built from the endpoint table
(files, payments, Swish and debt collection are in `client_collection.py`).

The client speaks the pydantic models of `bot.billecta.models` and raises only the bot's own
`BillectaError`s (see `transport.py` for retries and error mapping). It is thread-safe: jobs share
one instance, and its concurrency limit applies to all of them together.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import TypeVar
from urllib.parse import quote

import httpx

from bot.billecta import enums
from bot.billecta.client_collection import CollectionCalls, created_id
from bot.billecta.dates import STOCKHOLM, format_date
from bot.billecta.endpoints import ENDPOINTS, Endpoint
from bot.billecta.models import (
    AmountView,
    BillectaModel,
    CommentActionView,
    CommonActionEventView,
    CreditActionView,
    CreditorView,
    DebtorView,
    DefaultActionConfigView,
    EventView,
    IncomingPaymentRequestView,
    IncomingPaymentView,
    InvoiceActionEntryView,
    InvoiceActionSubView,
    InvoiceActionView,
    ProductView,
    RegisterPaymentView,
    ReminderInvoiceActionView,
    SecureTokenView,
    SendReminderInvoiceView,
)
from bot.billecta.outcomes import Outcomes
from bot.billecta.retry import Backoff
from bot.billecta.transport import (
    Resolver,
    Transport,
    basic_auth_header,
    read_model,
    read_models,
    read_optional,
    read_pairs,
    wire_body,
)
from bot.config import Settings
from bot.errors import BillectaNotFound, BillectaRejected, ConfigError

C = TypeVar("C", bound=BillectaModel)

_NOUNS = {"did": "debtor", "pid": "product", "fid": "file", "upid": "unhandled payment",
          "token": "Swish payment request", "cid": "creditor"}


class BillectaClient(CollectionCalls):
    def __init__(
        self,
        http: httpx.Client,
        *,
        token: str | None,
        creditor_id: str | None = None,
        concurrency: int = 4,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        endpoints: Mapping[str, Endpoint] = ENDPOINTS,
    ) -> None:
        backoff = Backoff(backoff_base, backoff_cap, rng or random.Random())
        self._transport = Transport(http, token=token, concurrency=concurrency,
                                    max_attempts=max_attempts, backoff=backoff, sleep=sleep)
        self._creditor_id = creditor_id or None
        self.endpoints = dict(endpoints)
        self._creditor_lock = threading.Lock()
        self._outcomes = Outcomes(self)

    @classmethod
    def from_settings(cls, settings: Settings, transport: httpx.BaseTransport | None = None) -> BillectaClient:
        if transport is None and settings.uses_embedded_sandbox:
            raise ConfigError(
                "BILLECTA_ENV=sandbox without BILLECTA_BASE_URL means the embedded sandbox: pass its "
                "transport (Sandbox(...).transport()) to BillectaClient.from_settings, or set "
                "BILLECTA_BASE_URL to a running sandbox."
            )
        http = httpx.Client(base_url=settings.base_url, timeout=settings.billecta_timeout_seconds,
                            transport=transport)
        return cls(http, token=settings.secure_token, creditor_id=settings.billecta_creditor_id,
                   concurrency=settings.billecta_concurrency, endpoints=settings.endpoints)

    def __repr__(self) -> str:
        return f"BillectaClient({self._transport!r}, creditor_id={self._creditor_id!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> BillectaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def creditor_id(self) -> str:
        """The configured creditor, else the only one the token can see (asked once)."""
        with self._creditor_lock:
            if self._creditor_id is None:
                self._creditor_id = self._only_creditor()
            return self._creditor_id

    def _only_creditor(self) -> str:
        creditors = self.list_creditors()
        if len(creditors) == 1 and creditors[0].creditor_public_id:
            return creditors[0].creditor_public_id
        if not creditors:
            raise ConfigError("BILLECTA_CREDITOR_ID is not set and the Billecta token sees no creditor.")
        names = ", ".join(f"{c.name or '(no name)'} ({c.creditor_public_id})" for c in creditors)
        raise ConfigError(
            f"BILLECTA_CREDITOR_ID is not set and the Billecta token sees {len(creditors)} creditors: "
            f"{names}. Set BILLECTA_CREDITOR_ID to one of them."
        )

    def _send(
        self,
        name: str,
        body: BillectaModel | Sequence[BillectaModel] | None = None,
        *,
        params: dict[str, str] | None = None,
        subject: str | None = None,
        auth: str | None = None,
        resolve: Resolver | None = None,
        **path: str,
    ) -> httpx.Response:
        endpoint = self.endpoints[name]
        if "{cid}" in endpoint.path and "cid" not in path:
            path["cid"] = self.creditor_id
        if subject is None:
            subject = _subject(name, path)
        url = endpoint.url(**{key: quote(str(value), safe="") for key, value in path.items()})
        return self._transport.request(
            endpoint, url, params=params, body=None if body is None else wire_body(body),
            subject=subject, auth=auth, resolve=resolve,
        )

    def exchange_once(self, endpoint: Endpoint, url: str, params: dict[str, str] | None = None,
                      body: object = None, auth: str | None = None) -> httpx.Response:
        """One request as given, answered with whatever status came back: no retry, no error mapping.
        Only for probing whether a path exists (`billecta-bot endpoints --check`)."""
        return self._transport.exchange_once(endpoint.method, url, params=params, body=body, auth=auth)

    def _by_external_id(self, name: str, external_id: str, model: type[C], plural: str) -> C | None:
        try:
            response = self._send(name, params={"externalid": external_id})
        except BillectaNotFound:
            return None
        except BillectaRejected as exc:
            # Billecta allows duplicate external ids on create, then refuses to pick one (HTTP 400).
            raise BillectaRejected(f"several {plural} share the external id {external_id!r}",
                                   exc.external_error_code) from exc
        return read_model(response, model)

    def _with_creditor(self, model: C) -> C:
        if getattr(model, "creditor_public_id", None):
            return model
        return model.model_copy(update={"creditor_public_id": self.creditor_id})

    # Authentication and creditor ----------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> SecureTokenView:
        """Exchange portal credentials for a SecureToken (works on a client built with token=None)."""
        response = self._send("authenticate", auth=basic_auth_header(username, password))
        return read_model(response, SecureTokenView)

    def get_creditor(self) -> CreditorView:
        return read_model(self._send("creditor_get"), CreditorView)

    def update_creditor(self, creditor: CreditorView) -> None:
        creditor = self._with_creditor(creditor)
        self._send("creditor_update", creditor, subject=f"creditor {creditor.creditor_public_id}")

    def list_creditors(self) -> list[CreditorView]:
        return read_models(self._send("creditors_list"), CreditorView)

    def get_default_config(self) -> DefaultActionConfigView:
        return read_model(self._send("default_config_get"), DefaultActionConfigView)

    def update_default_config(self, config: DefaultActionConfigView) -> None:
        config = self._with_creditor(config)
        self._send("default_config_update", config, subject=f"creditor {config.creditor_public_id}")

    # Debtors -------------------------------------------------------------------------------------

    def create_debtor(self, debtor: DebtorView) -> str:
        debtor = self._with_creditor(debtor)
        return created_id(self._send("debtor_create", debtor, resolve=self._outcomes.debtor(debtor)))

    def update_debtor(self, debtor: DebtorView) -> None:
        debtor = self._with_creditor(debtor)
        self._send("debtor_update", debtor, subject=f"debtor {debtor.debtor_public_id}")

    def get_debtor(self, debtor_id: str) -> DebtorView:
        return read_model(self._send("debtor_get", did=debtor_id), DebtorView)

    def find_debtor_by_external_id(self, external_id: str) -> DebtorView | None:
        return self._by_external_id("debtor_by_external_id", external_id, DebtorView, "debtors")

    def list_debtors(self) -> list[DebtorView]:
        return read_models(self._send("debtors_list"), DebtorView)

    def debtor_external_ids(self) -> list[tuple[str | None, str | None]]:
        """(DebtorExternalId, DebtorPublicId) of every debtor of the creditor."""
        return read_pairs(self._send("debtors_list"), "DebtorExternalId", "DebtorPublicId")

    def debtor_events(self, debtor_id: str) -> list[EventView]:
        return read_models(self._send("debtor_events", did=debtor_id), EventView)

    # Products ------------------------------------------------------------------------------------

    def create_product(self, product: ProductView) -> str:
        product = self._with_creditor(product)
        return created_id(self._send("product_create", product, resolve=self._outcomes.product(product)))

    def update_product(self, product: ProductView) -> None:
        product = self._with_creditor(product)
        self._send("product_update", product, subject=f"product {product.product_public_id}")

    def delete_product(self, product_id: str) -> None:
        self._send("product_delete", pid=product_id)

    def get_product(self, product_id: str) -> ProductView:
        return read_model(self._send("product_get", pid=product_id), ProductView)

    def find_product_by_external_id(self, external_id: str) -> ProductView | None:
        return self._by_external_id("product_by_external_id", external_id, ProductView, "products")

    def list_products(self) -> list[ProductView]:
        return read_models(self._send("products_list"), ProductView)

    def product_external_ids(self) -> list[tuple[str | None, str | None]]:
        """(ProductExternalId, ProductPublicId) of every product of the creditor."""
        return read_pairs(self._send("products_list"), "ProductExternalId", "ProductPublicId")

    # Invoices ------------------------------------------------------------------------------------

    def create_invoice(self, invoice: InvoiceActionEntryView) -> str:
        """Create a draft invoice (Stage Created); returns its ActionPublicId."""
        invoice = self._with_creditor(invoice)
        return created_id(self._send("invoice_create", invoice, resolve=self._outcomes.invoice(invoice)))

    def update_invoice(self, action_id: str, invoice: InvoiceActionEntryView) -> None:
        self._send("invoice_update", self._with_creditor(invoice), aid=action_id)

    def delete_invoice(self, action_id: str) -> None:
        self._send("invoice_delete", aid=action_id)

    def attest_invoice(self, action_id: str) -> None:
        self._send("invoice_attest", aid=action_id,
                   resolve=self._outcomes.state_change(action_id, "attesting", _attested))

    def get_invoice(self, action_id: str) -> InvoiceActionView:
        return read_model(self._send("invoice_get", aid=action_id), InvoiceActionView)

    def open_invoices(self) -> list[InvoiceActionSubView]:
        return read_models(self._send("invoices_open"), InvoiceActionSubView)

    def closed_invoices(self, from_: date, to: date) -> list[InvoiceActionSubView]:
        return read_models(self._send("invoices_closed", params=_period(from_, to)), InvoiceActionSubView)

    def open_invoices_by_debtor(self, debtor_id: str) -> list[InvoiceActionSubView]:
        return read_models(self._send("invoices_open_by_debtor", did=debtor_id), InvoiceActionSubView)

    def closed_invoices_by_debtor(self, debtor_id: str, from_: date, to: date) -> list[InvoiceActionSubView]:
        response = self._send("invoices_closed_by_debtor", params=_period(from_, to), did=debtor_id)
        return read_models(response, InvoiceActionSubView)

    def find_invoice_by_number(self, invoice_number: str) -> InvoiceActionView | None:
        try:
            response = self._send("invoice_by_number", params={"invoiceNumber": invoice_number})
        except BillectaNotFound:
            return None
        return read_model(response, InvoiceActionView)

    def find_invoice_by_external_reference(self, debtor_id: str, reference: str, *, drafts_only: bool = False,
                                           skip: Collection[str] = ()) -> InvoiceActionView | None:
        """The debtor's open invoice whose ExternalReference is `reference` (drafts looked at first), or None.

        Billecta has no lookup by ExternalReference and its list rows do not carry it, so each candidate
        is fetched; `skip` names actions known to be something else (linked to other orders)."""
        rows = [row for row in self.open_invoices_by_debtor(debtor_id)
                if row.action_public_id not in skip and (not drafts_only or row.stage is enums.InvoiceStage.Created)]
        rows.sort(key=lambda row: row.stage is not enums.InvoiceStage.Created)
        for row in rows:
            view = self.get_invoice(row.action_public_id)
            if view.external_reference == reference:
                return view
        return None

    def pause_invoice(self, action_id: str) -> None:
        self._send("invoice_pause", aid=action_id,
                   resolve=self._outcomes.state_change(action_id, "pausing", lambda v: v.state.is_paused))

    def resume_invoice(self, action_id: str) -> None:
        self._send("invoice_resume", aid=action_id,
                   resolve=self._outcomes.state_change(action_id, "resuming", lambda v: not v.state.is_paused))

    def dispute_invoice(self, action_id: str) -> None:
        self._send("invoice_dispute", aid=action_id,
                   resolve=self._outcomes.state_change(action_id, "disputing", lambda v: v.is_disputed))

    def undispute_invoice(self, action_id: str) -> None:
        self._send("invoice_undispute", aid=action_id,
                   resolve=self._outcomes.state_change(action_id, "ending the dispute on",
                                                       lambda v: not v.is_disputed))

    def postpone_invoice(self, action_id: str, new_date: date) -> None:
        """Move the invoice's next event to `new_date`. Sent again after it was applied, Billecta would
        refuse it (the date is no longer after the next event's), so a lost reply is looked up first."""
        self._send("invoice_postpone", params={"date": format_date(new_date)}, aid=action_id,
                   resolve=self._outcomes.postponed(action_id, new_date))

    def credit_invoice(self, credit: CreditActionView) -> None:
        # A PUT, but not idempotent: crediting twice credits twice.
        self._send("invoice_credit", credit, subject=f"invoice {credit.action_public_id}",
                   resolve=self._outcomes.credit(credit))

    def send_reminder(self, reminder: SendReminderInvoiceView) -> ReminderInvoiceActionView | None:
        aid = reminder.invoice_action_public_id
        response = self._send("invoice_reminder", reminder, subject=f"invoice {aid}",
                              resolve=self._outcomes.reminder(aid))
        return read_optional(response, ReminderInvoiceActionView)

    def register_payment(self, payment: RegisterPaymentView) -> None:
        """Register a payment or write-off (`write_off` set). Costs one GET of the invoice first, so that a
        lost reply can be settled without paying twice (see `Outcomes.payment`)."""
        aid = payment.action_public_id
        self._send("invoice_payment", payment, subject=f"invoice {aid}",
                   resolve=self._outcomes.payment(payment))

    def write_off(self, action_id: str, value: AmountView, on: datetime, comment: str | None = None) -> None:
        """Write `value` off the invoice: Billecta has no write-off call, so this is a payment registration
        with `WriteOff` set and `Amount` 0 (billecta-api.md §2.4 note 9); `on` is the write-off date and
        `comment` lands in the WrittenOff event. A lost reply is settled as `register_payment`'s is."""
        currency = value.currency_code
        self.register_payment(RegisterPaymentView(action_public_id=action_id, amount=AmountView.from_minor(0, currency),
                                                  write_off=value, date=on, comment=comment))

    def comment_invoice(self, comment: CommentActionView) -> None:
        self._send("invoice_comment", comment, subject=f"invoice {comment.action_public_id}")

    def invoice_events(self, from_: date, to: date) -> list[CommonActionEventView]:
        """The creditor's events across all invoices in [from_, to]."""
        return read_models(self._send("invoice_events", params=_period(from_, to)), CommonActionEventView)

    def incoming_payments(self, from_: date, to: date, action_ids: Sequence[str] = ()) -> list[IncomingPaymentView]:
        """The payments Billecta applied to the creditor's invoices (those of `action_ids` only, when given)
        paid from `from_` to `to` (Stockholm days, both included): one PUT whose body is the query."""
        query = IncomingPaymentRequestView(creditor_public_id=self.creditor_id,
                                           from_=_at(from_, 0, 0, 0), to=_at(to, 23, 59, 59))
        if action_ids:  # left out otherwise: a null filter is not "no filter" everywhere
            query.action_public_id_filter = list(action_ids)
        return read_models(self._send("incoming_payments", query), IncomingPaymentView)


def _attested(view: InvoiceActionView) -> bool:
    return view.state.stage is not enums.InvoiceStage.Created


def _at(day: date, hour: int, minute: int, second: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=STOCKHOLM)


def _period(from_: date, to: date) -> dict[str, str]:
    return {"from": format_date(from_), "to": format_date(to)}


def _subject(endpoint_name: str, path: dict[str, str]) -> str | None:
    """What a path points at, for a 404 message: 'invoice 123', 'debtor 5b0c…'."""
    if "aid" in path:
        noun = "debt-collection case" if endpoint_name.startswith("debtcollection") else "invoice"
        return f"{noun} {path['aid']}"
    for key, noun in _NOUNS.items():
        if key in path:
            return f"{noun} {path[key]}"
    return None
