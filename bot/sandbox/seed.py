"""The sandbox's starting data. Every seed creates the one creditor a Billecta account has; "demo"
adds a small, deterministic company story built through the sandbox's own API and clock.

Demo facts (`DEMO`; ids are uuid5 so tests can rely on them, invoice numbers are fixed):
- Creditor "Demo Bygg AB" (556677-8899, Bankgiro 5050-1055), default settings: reminder fee 60 SEK,
  30 days' payment terms, 10 days on reminders, interest 8 % above the reference rate, e-mail, SEK.
  Automatic reminders and debt collection are off (they are steps a user takes). Next number 1011.
- Debtors by DebtorExternalId: 1 Anna Andersson (private), 2 Nordic Café AB, 3 Lund Fastigheter AB,
  4 Erik Svensson (private, phone 0709876543), 5 Bergström Konsult AB.
- Products by ProductExternalId: 1 Consulting hour (A-100, 1150.00), 2 Installation kit (A-200,
  2490.00), 3 Service subscription (A-300, 499.00), 4 Travel fee (A-400, 350.00); all 25 % VAT.
- Invoices by role (`DEMO.invoices`, or `DEMO["open"]`):
  open 1001 (Nordic Café, 1250.00, due in 20 days); overdue 1002 (Anna, 4312.50, 15 days overdue:
  reminder and debt collection possible); paused 1003 (Lund, 1247.50); disputed 1004 (Erik,
  3112.50); credited 1005 (Nordic Café, 2875.00, paid in full, then credited by) credit 1006
  (-500.00, which left a 500.00 BalanceFromInvoice for Nordic Café); in_debt_collection 1007
  (Bergström, 3550.00, case in ReadyForBailiff); completed 1008 (Anna, 623.75, paid by bank);
  overpaid 1009 (Lund, 875.00, paid 1075.00); draft 1010 (Lund, ExternalReference "order:1010", so the
  bot's store gets it as order 1010, clear of the ids of examples/orders.csv).
- Unhandled payments by role (`DEMO.unhandled_payments`): unmatched (1250.00 from "Nordic Cafe", Bankgiro
  5402-8812, with a mistyped OCR), overpayment (200.00 from Lund Fastigheter), balance (500.00 for Nordic Café).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from bot.billecta.dates import STOCKHOLM, format_datetime
from bot.sandbox import automation, invoices, payments
from bot.sandbox.shapes import clean, complete
from bot.sandbox.state import Store

NAMESPACE = uuid.UUID("0b6f4a52-43a4-4d3e-9a57-5a2f0c7b9e11")
SEEDS = ("demo", "empty")
Call = Callable[..., Any]


def _id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


@dataclass(frozen=True)
class DemoFacts:
    creditor_id: str
    debtors: Mapping[str, str]
    products: Mapping[str, str]
    invoices: Mapping[str, str]
    unhandled_payments: Mapping[str, str]

    def __getitem__(self, role: str) -> str:
        """The invoice number of a role: DEMO["overdue"] == "1002"."""
        return self.invoices[role]


DEMO = DemoFacts(
    creditor_id=_id("creditor"),
    debtors={ext: _id(f"debtor:{ext}") for ext in "12345"},
    products={ext: _id(f"product:{ext}") for ext in "1234"},
    invoices={"open": "1001", "overdue": "1002", "paused": "1003", "disputed": "1004", "credited": "1005",
              "credit": "1006", "in_debt_collection": "1007", "completed": "1008", "overpaid": "1009", "draft": "1010"},
    unhandled_payments={"unmatched": _id("unhandled:unmatched"), "overpayment": _id("unhandled:overpayment"),
                        "balance": _id("unhandled:balance")},
)
_CONFIG = {
    "DeliveryMethod": "Email", "CommunicationLanguage": "SV", "CurrencyCode": "SEK", "InvoicePaymentTermsInDays": 30,
    "PaymentTermsInDays": 30, "ReminderInvoicePaymentTermsInDays": 10, "DebtCollectionPaymentTermsInDays": 10,
    "ReminderInvoiceFee": 60.0, "InvoiceFee": 0.0, "InterestType": "AboveEffectiveReference", "InterestPercentage": 8.0,
    "InterestTermsInDays": 30, "InterestStartInDaysAfterDueDate": 0, "SendReminderInvoice": False,
    "SendReminderInvoiceDaysAfterDueDate": 5, "SendInvoiceToDebtCollection": False,
    "SendInvoiceToDebtCollectionAfterDays": 20, "NumberOfReminders": 1, "IncludePdfInEmail": True,
    "StartDebtCollectionActionLevel": "DebtCollection", "EndDebtCollectionActionLevel": "Bailiff",
}
_DEBTORS = {
    "1": ("Anna Andersson", "Private", "19850101-1234", "anna@example.se", "+46701234567", "Storgatan 1", "11122",
          "Stockholm"),
    "2": ("Nordic Café AB", "Company", "556000-1111", "ekonomi@nordiccafe.se", "+4631123456", "Kaffegatan 5",
          "41118", "Göteborg"),
    "3": ("Lund Fastigheter AB", "Company", "556000-2222", "faktura@lundfastigheter.se", "+4646123456",
          "Stortorget 3", "22223", "Lund"),
    "4": ("Erik Svensson", "Private", "19900315-5678", "erik.svensson@example.se", "0709876543", "Björkvägen 7",
          "75320", "Uppsala"),
    "5": ("Bergström Konsult AB", "Company", "556000-3333", "info@bergstromkonsult.se", "+46812345670",
          "Kungsgatan 44", "11135", "Stockholm"),
}
_PRODUCTS = {
    "1": ("Consulting hour", "A-100", 1150.0, "Service", "h", 3041),
    "2": ("Installation kit", "A-200", 2490.0, "Commodity", "st", 3001),
    "3": ("Service subscription", "A-300", 499.0, "Service", "mån", 3041),
    "4": ("Travel fee", "A-400", 350.0, "Service", "st", 3041),
}


def create_creditor(store: Store) -> str:
    cid = DEMO.creditor_id
    bank = clean("CreditorView", {"CreditorBankInfo": {
        "PaymentMethod": "BankGiro", "BankgiroNo": "5050-1055", "UsesClientFund": False,
        "PaymentMethods": [{"Priority": "Primary", "PaymentMethod": "BankGiro", "BankgiroNo": "5050-1055",
                            "Verified": True}]}})["CreditorBankInfo"]
    store.put("creditor", cid, complete("CreditorView", {
        "CreditorPublicId": cid, "OrgNo": "556677-8899", "Name": "Demo Bygg AB", "Address": "Byggvägen 12",
        "ZipCode": "11220", "City": "Stockholm", "CountryCode": "SE", "Phone": "+46812345678",
        "VatNumber": "SE556677889901", "Residence": "Stockholm", "IsEnabled": True, "NextInvoiceNumber": "1001",
        "CreditorBankInfo": complete("CreditorBankInfoView", bank),
        "CreditorContact": {"FirstName": "Maria", "LastName": "Berg", "Email": "ekonomi@demobygg.se",
                            "Phone": "+46812345678"},
    }))
    store.put("config", cid, complete("DefaultActionConfigView", {**_CONFIG, "CreditorPublicId": cid}))
    return cid


def apply(store: Store, seed: str, call: Call) -> None:
    """Create the creditor and, for "demo", the story; `call(method, path, body, query)` runs the API."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; use one of {', '.join(SEEDS)}")
    create_creditor(store)
    if seed == "demo":
        _Story(store, call).run()
        store.set_offset_days(0)
        automation.run(store, store.now())


class _Story:
    def __init__(self, store: Store, call: Call) -> None:
        self.store, self.call = store, call
        self.ids: dict[str, str] = {}
        self.today = store.now().date()

    def at(self, days: int) -> None:
        """Move the sandbox clock to `days` from today and let due steps happen."""
        self.store.set_offset_days(days)
        automation.run(self.store, self.store.now())

    def day(self, days: int) -> str:
        return format_datetime(datetime.combine(self.today + timedelta(days=days), time(), STOCKHOLM))

    def invoice(self, number: str, debtor: str, rows: list[dict[str, Any]], dated: int, due: int,
                attest: bool = True, **extra: Any) -> str:
        body = {"CreditorPublicId": DEMO.creditor_id, "DebtorPublicId": DEMO.debtors[debtor], "InvoiceNumber": number,
                "InvoiceDate": self.day(dated), "DueDate": self.day(due), "Records": rows, "OurReference": "Maria Berg",
                "DeliveryMethod": "Email", **extra}
        aid = self.call("POST", "/v1/invoice/action", body)["PublicId"]
        if attest:
            self.call("PUT", f"/v1/invoice/attest/{aid}")
        self.ids[number] = aid
        return aid

    def pay(self, number: str, minor: int, reference: str | None = None, preset: str | None = None) -> None:
        if preset:
            self.store.preset_guid("unhandled", preset)
        inv = invoices.load(self.store, self.ids[number])
        payments.register_incoming(self.store, DEMO.creditor_id, minor, reference or inv["ocr"], payment_date=None,
                                   sender_name=None)

    def run(self) -> None:
        self.at(-120)
        self.parties()
        self.settled_and_collected()
        self.recent()

    def settled_and_collected(self) -> None:
        """Day -100 to -30: the paid and credited 1005/1006, 1007 into debt collection, 1008 paid, 1002 sent."""
        self.at(-100)
        self.invoice("1005", "2", [_product("1", 2)], -100, -70)
        self.at(-85)
        self.call("POST", "/v1/invoice/payment", {"ActionPublicId": self.ids["1005"], "Date": self.day(-85),
                                                   "Amount": {"CurrencyCode": "SEK", "Value": 287_500}})
        self.at(-80)
        self.invoice("1007", "5", [_product("2", 1), _product("4", 1)], -80, -50)
        self.at(-60)
        self.store.preset_guid("unhandled", DEMO.unhandled_payments["balance"])
        self.invoice("1006", "2", [_free("Agreed discount on consulting", -1, 40_000)], -60, -30,
                     CreditingInvoicePublicId=self.ids["1005"])
        self.at(-50)
        self.invoice("1008", "1", [_product("3", 1)], -50, -20)
        self.at(-45)
        self.call("POST", "/v1/debtcollection/actionfrominvoice", {
            "SourcePublicId": self.ids["1007"], "PaymentTermsInDays": 10, "ReasonDescription": "Unpaid installation",
            "DeliveryMethod": "Email"})
        self.invoice("1002", "1", [_product("1", 3)], -45, -15)
        self.at(-30)
        self.pay("1008", 62_375)

    def recent(self) -> None:
        """Day -25 to -1: 1009 overpaid, 1004 disputed, 1003 paused, 1001 sent, a mistyped payment, the draft."""
        self.at(-25)
        self.invoice("1009", "3", [_product("4", 2)], -25, 5)
        self.invoice("1004", "4", [_product("2", 1)], -25, 5)
        self.at(-20)
        self.pay("1009", 107_500, preset=DEMO.unhandled_payments["overpayment"])
        self.invoice("1003", "3", [_product("3", 2)], -20, 10)
        self.at(-10)
        self.invoice("1001", "2", [_free("Coffee machine service", 1, 100_000)], -10, 20)
        self.at(-3)
        self.call("PUT", f"/v1/invoice/pause/{self.ids['1003']}")
        self.at(-2)
        self.call("PUT", f"/v1/invoice/dispute/{self.ids['1004']}")
        self.call("POST", "/v1/invoice/comment", {"ActionPublicId": self.ids["1004"], "Target": "Private",
                                                  "Comment": "The customer says the kit was never delivered."})
        self.unmatched()
        self.at(-1)
        self.invoice("1010", "3", [_product("1", 4), _product("2", 1)], -1, 29, attest=False,
                     ExternalReference="order:1010")

    def parties(self) -> None:
        for ext, (name, kind, org_no, email, phone, address, zip_code, city) in _DEBTORS.items():
            self.store.preset_guid("debtor", DEMO.debtors[ext])
            self.call("POST", "/v1/debtors/debtor", {
                "CreditorPublicId": DEMO.creditor_id, "DebtorExternalId": ext, "Name": name, "DebtorType": kind,
                "OrgNo": org_no, "Email": email, "Phone": phone, "Address": address, "ZipCode": zip_code,
                "City": city, "CountryCode": "SE"})
        for ext, (description, article, price, kind, units, account) in _PRODUCTS.items():
            self.store.preset_guid("product", DEMO.products[ext])
            self.call("POST", "/v1/products/product", {
                "CreditorPublicId": DEMO.creditor_id, "ProductExternalId": ext, "Description": description,
                "ArticleNumber": article, "UnitPrice": price, "VAT": 25.0, "ProductType": kind, "Units": units,
                "BookKeepingAccount": account})

    def unmatched(self) -> None:
        """Nordic Café pays 1001 with two digits of the OCR swapped."""
        ocr = invoices.load(self.store, self.ids["1001"])["ocr"]
        wrong = ocr[:2] + ocr[3] + ocr[2] + ocr[4:]
        if wrong == ocr:
            wrong = ocr[:-1] + str((int(ocr[-1]) + 1) % 10)
        self.store.preset_guid("unhandled", DEMO.unhandled_payments["unmatched"])
        payments.register_incoming(self.store, DEMO.creditor_id, 125_000, wrong, payment_date=None,
                                   sender_name="Nordic Cafe", sender={"SenderBankgiroNo": "5402-8812",
                                                                      "SenderCity": "Stockholm"})


def _product(ext: str, quantity: float) -> dict[str, Any]:
    return {"ProductPublicId": DEMO.products[ext], "Quantity": float(quantity)}


def _free(text: str, quantity: float, unit_minor: int) -> dict[str, Any]:
    return {"ArticleDescription": text, "Quantity": float(quantity), "VAT": 25.0,
            "UnitPrice": {"CurrencyCode": "SEK", "Value": unit_minor}}
