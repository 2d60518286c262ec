"""Creditor, default settings, debtors, products and currencies.

Documents are stored in their wire form (only schema fields, enums as names). Creditor, debtor and
product updates are PUTs of the whole object, as Billecta's are: a field left out is cleared, ids and
`Created` are kept. Default settings are merged instead (a partial body changes only what it names),
since a cleared setting would silently become 0 days or no fee.
Duplicate external ids are accepted on create; the by-external-id lookups answer 400 for them.
"""

from __future__ import annotations

from typing import Any

from bot.billecta.dates import format_datetime
from bot.money import CURRENCY_DECIMALS
from bot.sandbox import journal
from bot.sandbox.errors import bad_request, not_found
from bot.sandbox.router import Request
from bot.sandbox.shapes import clean, complete, guid
from bot.sandbox.state import Store

_CURRENCIES = {  # ISO 4217 numeric code and name
    "SEK": ("752", "Swedish krona"), "EUR": ("978", "Euro"), "NOK": ("578", "Norwegian krone"),
    "DKK": ("208", "Danish krone"), "USD": ("840", "US dollar"), "GBP": ("826", "Pound sterling"),
    "CHF": ("756", "Swiss franc"), "PLN": ("985", "Polish zloty"), "ISK": ("352", "Icelandic krona"),
    "JPY": ("392", "Japanese yen"),
}


def _party(store: Store, kind: str, field: str, party_id: str | None, in_body: bool) -> dict[str, Any]:
    """A creditor or debtor document; 404 for an unknown id in the path, 400 for one in a body."""
    if not party_id:
        raise bad_request(f"{field} is required.")
    doc = store.get(kind, guid(party_id, field))
    if doc is None:
        message = f"The {kind} {party_id} does not exist."
        raise bad_request(message) if in_body else not_found(message)
    return doc


def creditor(store: Store, creditor_id: str | None, *, in_body: bool = False) -> dict[str, Any]:
    return _party(store, "creditor", "CreditorPublicId", creditor_id, in_body)


def config(store: Store, creditor_id: str) -> dict[str, Any]:
    """The creditor's DefaultActionConfigView."""
    return store.get("config", creditor_id) or complete("DefaultActionConfigView", {"CreditorPublicId": creditor_id})


def debtor(store: Store, debtor_id: str | None, *, in_body: bool = False) -> dict[str, Any]:
    return _party(store, "debtor", "DebtorPublicId", debtor_id, in_body)


def product(store: Store, product_id: str | None) -> dict[str, Any]:
    doc = store.get("product", guid(product_id or "", "ProductPublicId"))
    if doc is None:
        raise not_found(f"The product {product_id} does not exist.")
    return doc


def next_invoice_number(store: Store, creditor_doc: dict[str, Any]) -> str:
    """Take the creditor's NextInvoiceNumber and move it on by one."""
    number = creditor_doc.get("NextInvoiceNumber") or "1"
    creditor_doc["NextInvoiceNumber"] = str(int(number) + 1)
    store.put("creditor", creditor_doc["CreditorPublicId"], creditor_doc)
    return number


# --- creditor and settings ------------------------------------------------------------------------

def creditor_get(store: Store, req: Request) -> dict[str, Any]:
    return complete("CreditorView", creditor(store, req.params["cid"]))


def creditor_update(store: Store, req: Request) -> None:
    body = clean("CreditorView", req.object())
    current = creditor(store, body.get("CreditorPublicId"))
    number = body.get("NextInvoiceNumber")
    if number is not None and not str(number).isdigit():
        raise bad_request("NextInvoiceNumber must be a whole number.")
    store.put("creditor", current["CreditorPublicId"], complete("CreditorView", {
        **body, "CreditorPublicId": current["CreditorPublicId"],
        "NextInvoiceNumber": number or current.get("NextInvoiceNumber"),
    }))


def creditors_list(store: Store, req: Request) -> list[dict[str, Any]]:
    return [complete("CreditorView", doc) for doc in store.find("creditor")]


def default_config_get(store: Store, req: Request) -> dict[str, Any]:
    return complete("DefaultActionConfigView", config(store, creditor(store, req.params["cid"])["CreditorPublicId"]))


def default_config_update(store: Store, req: Request) -> None:
    body = clean("DefaultActionConfigView", req.object())
    cid = creditor(store, body.get("CreditorPublicId"))["CreditorPublicId"]
    for name in ("InvoiceFee", "ReminderInvoiceFee"):
        if body.get(name, 0) < 0:
            raise bad_request(f"{name} cannot be negative.")
    for name in ("InvoicePaymentTermsInDays", "PaymentTermsInDays", "ReminderInvoicePaymentTermsInDays"):
        if body.get(name, 0) < 0:
            raise bad_request(f"{name} cannot be negative.")
    store.put("config", cid, complete("DefaultActionConfigView", {**config(store, cid), **body}))


def currencies(store: Store, req: Request) -> list[dict[str, Any]]:
    return [{"Decimals": places, "CurrencyCode": code, "Iso4217": _CURRENCIES[code][0],
             "Description": _CURRENCIES[code][1], "OneUnit": 10 ** places}
            for code, places in CURRENCY_DECIMALS.items()]


# --- debtors --------------------------------------------------------------------------------------

def _save_debtor(store: Store, doc: dict[str, Any]) -> None:
    store.put("debtor", doc["DebtorPublicId"], doc, creditor=doc["CreditorPublicId"], key1=doc.get("DebtorExternalId"))


def debtor_create(store: Store, req: Request) -> dict[str, str]:
    body = clean("DebtorView", req.object())
    cid = creditor(store, body.get("CreditorPublicId"), in_body=True)["CreditorPublicId"]
    if not (body.get("Name") or "").strip():
        raise bad_request("The debtor must have a name.")
    doc = complete("DebtorView", {
        "IsActive": True, "DebtorType": "Company", "CountryCode": "SE", **body,
        "DebtorPublicId": store.new_guid("debtor"), "CreditorPublicId": cid, "Created": format_datetime(store.now()),
    })
    _save_debtor(store, doc)
    journal.log_debtor(store, doc, "Created", "Debtor created", store.now())
    return {"PublicId": doc["DebtorPublicId"]}


def debtor_update(store: Store, req: Request) -> None:
    body = clean("DebtorView", req.object())
    current = debtor(store, body.get("DebtorPublicId"))
    if body.get("CreditorPublicId") not in (None, current["CreditorPublicId"]):
        raise bad_request("The debtor belongs to another creditor.")
    doc = complete("DebtorView", {
        "DebtorType": current["DebtorType"], "IsActive": True, **body, "DebtorPublicId": current["DebtorPublicId"],
        "CreditorPublicId": current["CreditorPublicId"], "Created": current["Created"],
    })
    _save_debtor(store, doc)
    journal.log_debtor(store, doc, "Updated", "Debtor updated", store.now())


def debtor_get(store: Store, req: Request) -> dict[str, Any]:
    return debtor(store, req.params["did"])


def _one_by_external_id(store: Store, kind: str, req: Request) -> dict[str, Any]:
    cid = creditor(store, req.params["cid"])["CreditorPublicId"]
    external_id = req.arg("externalid")
    if external_id is None:
        raise bad_request("The query parameter externalid is required.")
    found = store.find(kind, creditor=cid, key1=external_id)
    if not found:
        raise not_found(f"No {kind} has the external id '{external_id}'.")
    if len(found) > 1:
        raise bad_request(f"{len(found)} {kind}s have the external id '{external_id}'; it must be unique.")
    return found[0]


def debtor_by_external_id(store: Store, req: Request) -> dict[str, Any]:
    return _one_by_external_id(store, "debtor", req)


def debtors_list(store: Store, req: Request) -> list[dict[str, Any]]:
    return store.find("debtor", creditor=creditor(store, req.params["cid"])["CreditorPublicId"])


def debtor_events(store: Store, req: Request) -> list[dict[str, Any]]:
    return journal.debtor_events(store, debtor(store, req.params["did"])["DebtorPublicId"])


# --- products -------------------------------------------------------------------------------------

def _save_product(store: Store, doc: dict[str, Any]) -> None:
    store.put("product", doc["ProductPublicId"], doc, creditor=doc["CreditorPublicId"],
              key1=doc.get("ProductExternalId"))


def _product_doc(body: dict[str, Any], product_id: str, creditor_id: str) -> dict[str, Any]:
    if not (body.get("Description") or "").strip():
        raise bad_request("The product must have a description.")
    if body.get("VAT", 0) < 0:
        raise bad_request("VAT cannot be negative.")
    return complete("ProductView", {"IsActive": True, "VAT": 25.0, "ProductType": "Service", **body,
                                    "ProductPublicId": product_id, "CreditorPublicId": creditor_id})


def product_create(store: Store, req: Request) -> dict[str, str]:
    body = clean("ProductView", req.object())
    cid = creditor(store, body.get("CreditorPublicId"), in_body=True)["CreditorPublicId"]
    doc = _product_doc(body, store.new_guid("product"), cid)
    _save_product(store, doc)
    return {"PublicId": doc["ProductPublicId"]}


def product_update(store: Store, req: Request) -> None:
    body = clean("ProductView", req.object())
    current = product(store, body.get("ProductPublicId"))
    if body.get("CreditorPublicId") not in (None, current["CreditorPublicId"]):
        raise bad_request("The product belongs to another creditor.")
    _save_product(store, _product_doc(body, current["ProductPublicId"], current["CreditorPublicId"]))


def product_delete(store: Store, req: Request) -> None:
    doc = product(store, req.params["pid"])
    if store.product_in_use(doc["ProductPublicId"]):
        raise bad_request("The product is used on an invoice and cannot be deleted.")
    store.delete("product", doc["ProductPublicId"])


def product_get(store: Store, req: Request) -> dict[str, Any]:
    # The old PHP client's form: /v1/products/product/{cid}?productid={pid}.
    return product(store, req.arg("productid") or req.params["pid"])


def product_by_external_id(store: Store, req: Request) -> dict[str, Any]:
    return _one_by_external_id(store, "product", req)


def products_list(store: Store, req: Request) -> list[dict[str, Any]]:
    return store.find("product", creditor=creditor(store, req.params["cid"])["CreditorPublicId"])


HANDLERS = {
    "creditor_get": creditor_get, "creditor_update": creditor_update, "creditors_list": creditors_list,
    "default_config_get": default_config_get, "default_config_update": default_config_update,
    "currencies": currencies,
    "debtor_create": debtor_create, "debtor_update": debtor_update, "debtor_get": debtor_get,
    "debtor_by_external_id": debtor_by_external_id, "debtors_list": debtors_list, "debtor_events": debtor_events,
    "product_create": product_create, "product_update": product_update, "product_delete": product_delete,
    "product_get": product_get, "product_by_external_id": product_by_external_id, "products_list": products_list,
}
