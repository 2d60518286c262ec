"""Invoice drafts and attesting: create/update/delete a draft, row totals, attest and send, credit notes.

Row totals are exact in minor units: UnitPrice.Value x Quantity, less any discount, plus VAT unless
VAT is included, each rounded half-up to whole öre. Invoice and freight fees are added to the
invoiced amount without VAT. A credit note (`CreditingInvoicePublicId`, negative rows) reduces the
credited invoice's remaining amount when attested; any surplus becomes a BalanceFromInvoice
unhandled payment for the debtor.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from stdnum import luhn

from bot.billecta.dates import format_datetime, parse_datetime
from bot.money import decimals_for
from bot.sandbox import journal, ledger, parties, rules
from bot.sandbox.errors import bad_request, not_found
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, clean, complete, decimal_of, guid, minor_of, round_minor
from bot.sandbox.state import Store

Invoice = dict[str, Any]
# Entry fields kept on the invoice as given (the rest are ids, rows and computed values).
_NOT_KEPT = ("Records", "CreditorPublicId", "DebtorPublicId", "InvoiceNumber", "ActionType",
             "CreditingInvoicePublicId", "InvoicePDF", "IsLocked", "UseDebtorBalance")
_ADDRESS = ("Name", "Address", "Address2", "ZipCode", "City", "CountryCode", "Email")


def load(store: Store, action_id: str | None, *, in_body: bool = False) -> Invoice:
    if not action_id:
        raise bad_request("ActionPublicId is required.")
    inv = store.get("invoice", str(action_id))
    if inv is None:
        message = f"The invoice {action_id} does not exist."
        raise bad_request(message) if in_body else not_found(message)
    return inv


def ocr_for(number: str) -> str:
    """A Swedish OCR reference: the digits, a length digit and a Luhn (mod 10) check digit."""
    digits = "".join(ch for ch in number if ch.isdigit()) or "0"
    base = digits + str((len(digits) + 2) % 10)
    return base + luhn.calc_check_digit(base)


# --- rows and totals -------------------------------------------------------------------------------

def _record(store: Store, row: dict[str, Any], seq: int, creditor_id: str, currency: str,
            vat_included: bool) -> dict[str, Any]:
    product = None
    if row.get("ProductPublicId"):
        product = store.get("product", row["ProductPublicId"])
        if product is None or product["CreditorPublicId"] != creditor_id:
            raise bad_request(f"Row {seq}: the product {row['ProductPublicId']} does not exist.")
    defaults = {"ArticleDescription": product["Description"], "ArticleNumber": product["ArticleNumber"],
                "Units": product["Units"], "VAT": product["VAT"]} if product else {"VAT": 25.0}
    out = {"RecordType": "Standard", "Quantity": 1.0, **defaults,
           **{k: v for k, v in row.items() if v is not None}, "SequenceNo": seq}
    zero = amount(0, currency)
    if out["RecordType"] == "Message":
        return complete("InvoiceActionRecordView", {**out, "TotalIncVAT": zero, "TotalExclVAT": zero,
                                                    "TotalExclVATNoDiscount": zero, "UnitPrice": zero})
    if row.get("UnitPrice"):
        unit = minor_of(row["UnitPrice"])
    else:
        unit = round_minor(decimal_of(product["UnitPrice"] if product else 0).scaleb(decimals_for(currency)))
    quantity, vat = decimal_of(out["Quantity"]), decimal_of(out["VAT"])
    if vat < 0:
        raise bad_request(f"Row {seq}: VAT cannot be negative.")
    included = bool(out.get("VatIsIncluded", vat_included))
    excl_no_discount, excl, inc = _totals(unit, quantity, vat, out, included)
    return complete("InvoiceActionRecordView", {
        **out, "VatIsIncluded": included, "UnitPrice": amount(unit, currency),
        "TotalExclVATNoDiscount": amount(excl_no_discount, currency),
        "TotalExclVAT": amount(excl, currency), "TotalIncVAT": amount(inc, currency),
    })


def _totals(unit: int, quantity: Decimal, vat: Decimal, row: dict[str, Any], included: bool) -> tuple[int, int, int]:
    """(excl. VAT before discount, excl. VAT, incl. VAT) of a row in minor units, each rounded half-up."""
    gross = Decimal(unit) * quantity
    no_discount = round_minor(gross)
    if row.get("DiscountType") == "Percentage":
        discount = round_minor(gross * decimal_of(row.get("DiscountPercentage")) / 100)
    else:
        discount = minor_of(row.get("DiscountAmount"))
    total = no_discount - discount
    if included:
        return (round_minor(Decimal(no_discount) * 100 / (100 + vat)), round_minor(Decimal(total) * 100 / (100 + vat)),
                total)
    return no_discount, total, total + round_minor(Decimal(total) * vat / 100)


def _currency(store: Store, body: dict[str, Any], creditor_id: str) -> str:
    codes = {value["CurrencyCode"] for row in body.get("Records") or [] for value in (row.get("UnitPrice"),)
             if value and value.get("CurrencyCode")}
    codes |= {body[f]["CurrencyCode"] for f in ("InvoiceFee", "FreightFee") if body.get(f) and body[f]["CurrencyCode"]}
    if len(codes) > 1:
        raise bad_request("All amounts on an invoice must be in the same currency.")
    return codes.pop() if codes else parties.config(store, creditor_id).get("CurrencyCode") or "SEK"


# --- building a draft ------------------------------------------------------------------------------

def _dates(store: Store, body: dict[str, Any], creditor_id: str) -> None:
    invoice_date = parse_datetime(body.get("InvoiceDate") or store.now().replace(hour=0, minute=0, second=0))
    body["InvoiceDate"] = format_datetime(invoice_date)
    if not body.get("DueDate"):
        terms = parties.config(store, creditor_id)["InvoicePaymentTermsInDays"] or 30
        body["DueDate"] = format_datetime(invoice_date + timedelta(days=terms))
    if parse_datetime(body["DueDate"]).date() < invoice_date.date():
        raise bad_request("The due date cannot be before the invoice date.")


def _number(store: Store, body: dict[str, Any], creditor_doc: dict[str, Any], current: Invoice | None) -> str:
    number = body.get("InvoiceNumber")
    if not number:
        return current["InvoiceNumber"] if current else parties.next_invoice_number(store, creditor_doc)
    clash = [i for i in store.find("invoice", creditor=creditor_doc["CreditorPublicId"], key1=number)
             if not current or i["ActionPublicId"] != current["ActionPublicId"]]
    if clash:
        raise bad_request(f"Invoice number {number} is already used.")
    if number.isdigit() and int(number) >= int(creditor_doc.get("NextInvoiceNumber") or 1):
        creditor_doc["NextInvoiceNumber"] = str(int(number) + 1)
        store.put("creditor", creditor_doc["CreditorPublicId"], creditor_doc)
    return str(number)


def _credited(store: Store, body: dict[str, Any], debtor_id: str) -> str | None:
    source_id = body.get("CreditingInvoicePublicId")
    if not source_id:
        if body.get("ActionType") not in (None, "InvoiceAction"):
            raise bad_request("The sandbox creates invoices (InvoiceAction) and credit invoices only.")
        return None
    source = load(store, source_id, in_body=True)
    if source["DebtorPublicId"] != debtor_id:
        raise bad_request("A credit invoice must be for the same debtor as the invoice it credits.")
    rules.require(rules.why_not_credit_invoice(source, store.now()))
    return str(source["ActionPublicId"])


def _parties(store: Store, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    creditor_doc = parties.creditor(store, body.get("CreditorPublicId"), in_body=True)
    debtor_doc = parties.debtor(store, body.get("DebtorPublicId"), in_body=True)
    if debtor_doc["CreditorPublicId"] != creditor_doc["CreditorPublicId"]:
        raise bad_request("The debtor belongs to another creditor.")
    return creditor_doc, debtor_doc


def _amounts(records: list[dict[str, Any]], body: dict[str, Any], crediting: str | None) -> dict[str, int]:
    fees = minor_of(body.get("InvoiceFee")) + minor_of(body.get("FreightFee"))
    invoiced = sum(r["TotalIncVAT"]["Value"] for r in records) + fees
    if crediting and invoiced >= 0:
        raise bad_request("A credit invoice must have a negative total.")
    if not crediting and invoiced < 0:
        raise bad_request("The invoice total cannot be negative; create a credit invoice instead.")
    vat = sum(r["TotalIncVAT"]["Value"] - r["TotalExclVAT"]["Value"] for r in records)
    return {"invoiced": invoiced, "vat": vat, "current": invoiced, "paid": 0, "credited": 0, "written_off": 0}


def build(store: Store, raw: dict[str, Any], current: Invoice | None = None) -> Invoice:
    """A draft invoice from an InvoiceActionEntryView body (a new one, or `current` changed)."""
    body = clean("InvoiceActionEntryView", raw)
    creditor_doc, debtor_doc = _parties(store, body)
    cid = creditor_doc["CreditorPublicId"]
    if not body.get("Records"):
        raise bad_request("The invoice must have at least one row.")
    _dates(store, body, cid)
    crediting = _credited(store, body, debtor_doc["DebtorPublicId"])
    currency = _currency(store, body, cid)
    records = [_record(store, row, seq, cid, currency, bool(body.get("VatIsIncluded")))
               for seq, row in enumerate(body["Records"], start=1)]
    inv = current or {"ActionPublicId": store.new_action_id(), "Created": format_datetime(store.now()), "docs": [],
                      "ocr": None, "state": complete("InvoiceActionStateView", {"Stage": "Created"}),
                      "DebtCollectionActionPublicId": None, "ReminderInvoiceActionPublicId": None,
                      "postponed_until": None, "postponed_event": None, "due_logged": 0, "commented": False}
    inv.update({
        "CreditorPublicId": cid, "DebtorPublicId": debtor_doc["DebtorPublicId"],
        "ActionType": "CreditInvoiceAction" if crediting else "InvoiceAction", "crediting": crediting,
        "InvoiceNumber": _number(store, body, creditor_doc, current), "currency": currency, "Records": records,
        "entry": {k: v for k, v in body.items() if k not in _NOT_KEPT}, "amounts": _amounts(records, body, crediting),
    })
    inv["state"]["UseDebtorBalance"] = bool(body.get("UseDebtorBalance"))
    return inv


def save(store: Store, inv: Invoice) -> None:
    ledger.save_invoice(store, inv)
    store.set_product_use(inv["ActionPublicId"], {r["ProductPublicId"] for r in inv["Records"] if r["ProductPublicId"]})


# --- attest ----------------------------------------------------------------------------------------

def document(store: Store, inv: Invoice, kind: str, at: datetime, due: datetime, total: int,
             fee: int = 0, *, number: str | None = None) -> dict[str, Any]:
    """A document sent to the debtor (the invoice or a reminder, which has a `number` of its own) with
    its PDF file."""
    debtor = store.get("debtor", inv["DebtorPublicId"]) or {}
    override = inv["entry"].get("DeliveryAddressOverride") or {}
    file_id = store.new_guid()
    label = "Invoice" if kind == "invoice" else "Reminder"
    number = number or inv["InvoiceNumber"]
    store.put_file(file_id, f"{label}_{number}.pdf", "application/pdf", inv["ActionPublicId"], None)
    invoice_date = parse_datetime(inv["entry"]["InvoiceDate"]) if kind == "invoice" else at
    return {"kind": kind, "Number": number, "InvoiceDate": format_datetime(invoice_date),
            "DueDate": format_datetime(due),
            "PaymentTermsInDays": (due.date() - invoice_date.date()).days, "InvoicedAmount": total,
            "ReminderFee": fee, "OCR": inv["ocr"], "FileId": file_id,
            "address": {k: override.get(k) or debtor.get(k) for k in _ADDRESS}}


def attest(store: Store, inv: Invoice, at: datetime) -> None:
    rules.require(rules.why_not_attest(inv, at))
    state = inv["state"]
    state.update(AttestedDate=format_datetime(at), IsLocked=True, Stage="Attested")
    inv["ocr"] = ocr_for(inv["InvoiceNumber"])
    due = parse_datetime(inv["entry"]["DueDate"])
    inv["docs"] = [document(store, inv, "invoice", at, due, inv["amounts"]["invoiced"])]
    what = "Credit invoice" if rules.is_credit_note(inv) else "Invoice"
    journal.log(store, inv, "Attested", f"{what} attested", at)
    method = inv["entry"].get("DeliveryMethod", "Email")
    if method != "Manually":
        state.update(Stage="InvoiceSent", InvoiceSentDate=format_datetime(at))
        journal.log(store, inv, "InvoiceSent", f"{what} sent by {method}", at, by=journal.AUTOMATION)
    if rules.is_credit_note(inv):
        _apply_credit_note(store, inv, at)
    ledger.settle(store, inv, at)
    save(store, inv)


def _apply_credit_note(store: Store, note: Invoice, at: datetime) -> None:
    source = load(store, note["crediting"])
    value = -note["amounts"]["invoiced"]
    open_source = source["state"]["Stage"] not in ("Completed", "Cancelled")
    applied = min(value, source["amounts"]["current"]) if open_source else 0
    if applied > 0:
        ledger.credit(store, source, applied, at, title=f"Credited {ledger.money(source, applied)} "
                      f"by credit invoice {note['InvoiceNumber']}")
        ledger.save_invoice(store, source)
    surplus = value - applied
    if surplus > 0:
        ledger.new_unhandled(store, note["CreditorPublicId"], surplus, note["currency"], at, kind="BalanceFromInvoice",
                             reference=note["InvoiceNumber"], debtor_id=note["DebtorPublicId"], source=note)
        journal.log(store, note, "BalanceFromInvoice",
                    f"{ledger.money(note, surplus)} added to the debtor's balance", at, by=journal.AUTOMATION)
    note["amounts"]["credited"] = -value
    note["amounts"]["current"] = 0


# --- handlers --------------------------------------------------------------------------------------

def invoice_create(store: Store, req: Request) -> dict[str, str]:
    inv = build(store, req.object())
    save(store, inv)
    what = "Credit invoice" if rules.is_credit_note(inv) else "Invoice"
    journal.log(store, inv, "Created", f"{what} {inv['InvoiceNumber']} created", store.now())
    return {"PublicId": inv["ActionPublicId"]}


def invoice_update(store: Store, req: Request) -> None:
    raw = req.object()
    current = load(store, req.params.get("aid") or raw.get("ActionPublicId"))
    rules.require(rules.why_not_update(current, store.now()))
    if raw.get("CreditorPublicId") and guid(raw["CreditorPublicId"]) != current["CreditorPublicId"]:
        raise bad_request("The invoice belongs to another creditor.")
    inv = build(store, raw, current)
    save(store, inv)
    journal.log(store, inv, "Updated", "Invoice updated", store.now())


def invoice_delete(store: Store, req: Request) -> None:
    inv = load(store, req.params["aid"])
    rules.require(rules.why_not_delete(inv, store.now()))
    store.delete("invoice", inv["ActionPublicId"])
    store.set_product_use(inv["ActionPublicId"], set())
    store.delete_events(inv["ActionPublicId"])


def invoice_attest(store: Store, req: Request) -> None:
    attest(store, load(store, req.params["aid"]), store.now())


HANDLERS = {"invoice_create": invoice_create, "invoice_update": invoice_update, "invoice_delete": invoice_delete,
            "invoice_attest": invoice_attest}
