"""Reading invoices: InvoiceActionView (get, by number), InvoiceActionSubView lists, creditor events.

Views are computed from the stored invoice at read time with the sandbox clock, so `Can*` flags,
the scheduled (`HasOccured=false`) event and `State.NextEvent`/`NextEventDate` always agree with
the rules in `rules.py`. The creditor-wide open list holds attested invoices that are not closed
(drafts are not receivables); a debtor's open list also holds its drafts (Stage Created), which is
where a client finds a draft whose create reply was lost. Closed lists filter on the ClosedDate.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bot.billecta.dates import STOCKHOLM, format_datetime, parse_datetime
from bot.sandbox import journal, ledger, parties, rules
from bot.sandbox.errors import bad_request, not_found
from bot.sandbox.invoices import load
from bot.sandbox.router import Request
from bot.sandbox.shapes import amount, complete
from bot.sandbox.state import Store

Invoice = dict[str, Any]


def file_view(file_id: str | None, name: str | None = None) -> dict[str, Any] | None:
    if not file_id:
        return None
    return complete("FileView", {"FilePublicId": file_id, "ContentType": "application/pdf", "FileName": name})


def document_view(inv: Invoice, doc: dict[str, Any], model: str = "InvoiceActionInvoiceView") -> dict[str, Any]:
    """One sent document as InvoiceActionInvoiceView (or ReminderInvoiceActionInvoiceView)."""
    label = "Invoice" if doc["kind"] == "invoice" else "Reminder"
    entry, number = inv["entry"], doc.get("Number") or inv["InvoiceNumber"]
    return complete(model, {
        **doc["address"], "InvoiceDate": doc["InvoiceDate"], "DueDate": doc["DueDate"],
        "InvoiceNumber": number, "InvoiceDecription": f"{label} {number}",
        "PaymentTermsInDays": doc["PaymentTermsInDays"], "OurReference": entry.get("OurReference"),
        "YourReference": entry.get("YourReference"), "InvoicedAmount": amount(doc["InvoicedAmount"], inv["currency"]),
        "InvoiceFile": file_view(doc["FileId"], f"{label}_{number}.pdf"), "OCR": doc["OCR"],
    })


def _days(start: str, end: str) -> int:
    return (parse_datetime(end).date() - parse_datetime(start).date()).days


def _next(inv: Invoice, now: datetime, config: dict[str, Any]) -> dict[str, Any]:
    step = rules.next_event(inv, now, config)
    return {"NextEvent": step[1] if step else None, "NextEventDate": format_datetime(step[2]) if step else None}


def render(store: Store, inv: Invoice, now: datetime) -> dict[str, Any]:
    """The full InvoiceActionView."""
    config = parties.config(store, inv["CreditorPublicId"])
    debtor = store.get("debtor", inv["DebtorPublicId"])
    events = journal.action_events(store, inv["ActionPublicId"])
    step = rules.next_event(inv, now, config)
    if step is not None:
        events.append(journal.scheduled(inv["ActionPublicId"], *step))
    entry, money, cur = inv["entry"], inv["amounts"], inv["currency"]
    source = store.get("invoice", inv["crediting"]) if inv.get("crediting") else None
    return complete("InvoiceActionView", {
        **entry, **rules.flags(inv, now, config),
        "ActionPublicId": inv["ActionPublicId"], "CreditorPublicId": inv["CreditorPublicId"],
        "ActionType": inv["ActionType"], "Created": inv["Created"], "InvoiceNumber": inv["InvoiceNumber"],
        "DeliveryMethod": entry.get("DeliveryMethod", "Email"), "Debtor": debtor,
        "State": complete("InvoiceActionStateView", {**inv["state"], **_next(inv, now, config)}),
        "Invoices": [document_view(inv, doc) for doc in inv["docs"]], "Records": inv["Records"], "Events": events,
        "PaymentTermsInDays": _days(entry["InvoiceDate"], entry["DueDate"]),
        "InterestTermsInDays": config["InterestTermsInDays"],
        "InterestType": entry.get("InterestType") or config["InterestType"],
        "InterestPercentage": entry.get("InterestPercentage", config["InterestPercentage"]),
        "InvoicedAmount": amount(money["invoiced"], cur), "CurrentAmount": amount(money["current"], cur),
        "CreditedAmount": amount(money["credited"], cur), "PaidAmount": amount(money["paid"], cur),
        "WriteOffAmount": amount(money["written_off"], cur), "TotalVATAmount": amount(money["vat"], cur),
        "InterestAmount": amount(0, cur), "AwaitingPaymentTransferAmount": amount(0, cur),
        "CentRoundingAmount": amount(0, cur), "RotRutDeductionAmount": amount(0, cur),
        "DebtCollectionActionPublicId": inv["DebtCollectionActionPublicId"],
        "ReminderInvoiceActionPublicId": inv["ReminderInvoiceActionPublicId"],
        "CreditingInvoice": {"SourcePublicId": source["ActionPublicId"], "SourceInvoiceId": source["InvoiceNumber"]}
        if source else None,
    })


class _Lister:
    """InvoiceActionSubView rows, reading each debtor and the creditor once per list."""

    def __init__(self, store: Store, creditor_id: str) -> None:
        self.store, self.now = store, store.now()
        self.creditor = store.get("creditor", creditor_id) or {}
        self.config = parties.config(store, creditor_id)
        self.debtors: dict[str, dict[str, Any]] = {}

    def row(self, inv: Invoice) -> dict[str, Any]:
        did = inv["DebtorPublicId"]
        debtor = self.debtors.setdefault(did, self.store.get("debtor", did) or {})
        state, cur, docs, money = inv["state"], inv["currency"], inv["docs"], inv["amounts"]
        reminders = [d for d in docs if d["kind"] == "reminder"]
        return complete("InvoiceActionSubView", {
            "ActionPublicId": inv["ActionPublicId"], "CreditorPublicId": inv["CreditorPublicId"], "DebtorPublicId": did,
            "CreditorOrgNo": self.creditor.get("OrgNo"), "CreditorName": self.creditor.get("Name"),
            "DebtorOrgNo": debtor.get("OrgNo"), "DebtorName": debtor.get("Name"),
            "CurrentAmount": amount(money["current"], cur), "InvoicedAmount": amount(money["invoiced"], cur),
            "TotalVATAmount": amount(money["vat"], cur), "AwaitingPaymentTransferAmount": amount(0, cur),
            "Stage": state["Stage"], "ActionType": inv["ActionType"], "DeliveryStatus": "Unknown",
            "DeliveryMethod": inv["entry"].get("DeliveryMethod", "Email"), "ClosedDate": state["ClosedDate"],
            "Created": inv["Created"], "InvoiceSentDate": state["InvoiceSentDate"],
            "AttestedDate": state["AttestedDate"], "InvoiceDate": inv["entry"]["InvoiceDate"],
            "ReminderInvoiceSentDate": reminders[-1]["InvoiceDate"] if reminders else None,
            "DueDate": docs[-1]["DueDate"] if docs else inv["entry"]["DueDate"],
            "InvoiceNumber": inv["InvoiceNumber"], "IsCommented": inv["commented"], "IsLocked": state["IsLocked"],
            "IsPaused": state["IsPaused"], "IsDisputed": rules.is_disputed(inv), "OCR": inv["ocr"],
            "File": file_view(docs[0]["FileId"], f"Invoice_{inv['InvoiceNumber']}.pdf") if docs else None,
            "DebtCollectionActionPublicId": inv["DebtCollectionActionPublicId"],
            "ReminderInvoiceActionPublicId": inv["ReminderInvoiceActionPublicId"],
            "YourReference": inv["entry"].get("YourReference"), **_next(inv, self.now, self.config),
        })


def day_window(req: Request) -> tuple[datetime | None, datetime | None]:
    """The `from`/`to` query dates (YYYY-MM-DD, both inclusive) as [start, end) instants."""
    bounds = []
    for name, extra in (("from", 0), ("to", 1)):
        text = req.arg(name)
        try:
            day = date.fromisoformat(text[:10]) if text else None
        except ValueError:
            raise bad_request(f"The {name} date must be written YYYY-MM-DD.") from None
        bounds.append(datetime.combine(day + timedelta(days=extra), time(), STOCKHOLM) if day else None)
    return bounds[0], bounds[1]


def _closed_between(invoices: list[Invoice], req: Request) -> list[Invoice]:
    since, until = day_window(req)
    return [inv for inv in invoices if (since is None or parse_datetime(inv["state"]["ClosedDate"]) >= since)
            and (until is None or parse_datetime(inv["state"]["ClosedDate"]) < until)]


def invoice_get(store: Store, req: Request) -> dict[str, Any]:
    return render(store, load(store, req.params["aid"]), store.now())


def invoice_by_number(store: Store, req: Request) -> dict[str, Any]:
    cid = parties.creditor(store, req.params["cid"])["CreditorPublicId"]
    number = req.arg("invoiceNumber")
    if number is None:
        raise bad_request("The query parameter invoiceNumber is required.")
    found = store.find("invoice", creditor=cid, key1=number)
    if not found:
        raise not_found(f"No invoice has the number {number}.")
    return render(store, found[0], store.now())


def invoices_open(store: Store, req: Request) -> list[dict[str, Any]]:
    cid = parties.creditor(store, req.params["cid"])["CreditorPublicId"]
    lister = _Lister(store, cid)
    return [lister.row(inv) for inv in store.find("invoice", creditor=cid, status="open")]


def invoices_closed(store: Store, req: Request) -> list[dict[str, Any]]:
    cid = parties.creditor(store, req.params["cid"])["CreditorPublicId"]
    lister = _Lister(store, cid)
    return [lister.row(inv) for inv in _closed_between(store.find("invoice", creditor=cid, status="closed"), req)]


def _by_debtor(store: Store, req: Request, status: str) -> list[dict[str, Any]]:
    debtor = parties.debtor(store, req.params["did"])
    wanted = {"open", "draft"} if status == "open" else {status}
    invoices = [inv for inv in store.find("invoice", parent=debtor["DebtorPublicId"])
                if ledger.invoice_status(inv) in wanted]
    if status == "closed":
        invoices = _closed_between(invoices, req)
    lister = _Lister(store, debtor["CreditorPublicId"])
    return [lister.row(inv) for inv in invoices]


def invoices_open_by_debtor(store: Store, req: Request) -> list[dict[str, Any]]:
    return _by_debtor(store, req, "open")


def invoices_closed_by_debtor(store: Store, req: Request) -> list[dict[str, Any]]:
    return _by_debtor(store, req, "closed")


def invoice_events(store: Store, req: Request) -> list[dict[str, Any]]:
    cid = parties.creditor(store, req.params["cid"])["CreditorPublicId"]
    since, until = day_window(req)
    return journal.creditor_events(store, cid, since, until)


HANDLERS = {
    "invoice_get": invoice_get, "invoice_by_number": invoice_by_number, "invoices_open": invoices_open,
    "invoices_closed": invoices_closed, "invoices_open_by_debtor": invoices_open_by_debtor,
    "invoices_closed_by_debtor": invoices_closed_by_debtor, "invoice_events": invoice_events,
}
