"""Persistence across restarts, concurrent requests, the HTTP server and the demo seed."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import httpx
import pytest

from bot.billecta.dates import parse_datetime
from bot.sandbox import DEMO, Sandbox
from bot.sandbox.server import make_server

from .helpers import Api, auth, client_for


def test_state_survives_a_restart_without_reseeding(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    with Sandbox(path, seed="demo") as sb, client_for(sb) as client:
        created = client.post("/v1/debtors/debtor", json={"CreditorPublicId": sb.creditor_id, "Name": "Kept AB",
                                                          "DebtorExternalId": "99"}).json()["PublicId"]
        sb.advance_days(4)
        creditor_id, now = sb.creditor_id, sb.now()
    with Sandbox(path, seed="demo") as again, client_for(again) as client:
        assert again.creditor_id == creditor_id
        assert client.get(f"/v1/debtors/debtor/{created}").json()["Name"] == "Kept AB"
        assert len(client.get(f"/v1/debtors/debtors/{creditor_id}").json()) == 6, "not seeded twice"
        assert client.get(f"/v1/creditors/creditor/{creditor_id}").json()["NextInvoiceNumber"] == "1011"
        assert (again.now() - now).total_seconds() < 60, "the clock offset is kept"


def test_seed_choices() -> None:
    with Sandbox() as default, Sandbox(seed="empty") as empty, client_for(empty) as client:
        assert default.creditor_id == empty.creditor_id == DEMO.creditor_id
        assert client.get(f"/v1/debtors/debtors/{empty.creditor_id}").json() == []
        assert client.get(f"/v1/invoice/open/{empty.creditor_id}").json() == []
        assert client.get(f"/v1/creditors/creditor/{empty.creditor_id}").json()["Name"] == "Demo Bygg AB"
    with pytest.raises(ValueError):
        Sandbox(seed="lots")


def test_demo_seed_contents(h: Api) -> None:
    creditor = h.ok("GET", f"/v1/creditors/creditor/{h.cid}")
    assert (creditor["Name"], creditor["OrgNo"]) == ("Demo Bygg AB", "556677-8899")
    assert creditor["CreditorBankInfo"]["BankgiroNo"] == "5050-1055"
    config = h.ok("GET", f"/v1/creditors/defaultactionconfig/{h.cid}")
    settings = ("ReminderInvoiceFee", "InvoicePaymentTermsInDays", "ReminderInvoicePaymentTermsInDays", "InterestType",
                "InterestPercentage", "DeliveryMethod", "CurrencyCode")
    assert [config[name] for name in settings] == [60.0, 30, 10, "AboveEffectiveReference", 8.0, "Email", "SEK"]
    debtors = {d["DebtorExternalId"]: d for d in h.ok("GET", f"/v1/debtors/debtors/{h.cid}")}
    assert {ext: d["DebtorPublicId"] for ext, d in debtors.items()} == dict(DEMO.debtors)
    assert (debtors["1"]["Name"], debtors["1"]["DebtorType"], debtors["1"]["OrgNo"]) == \
        ("Anna Andersson", "Private", "19850101-1234")
    assert debtors["4"]["Phone"] == "0709876543" and debtors["2"]["Name"] == "Nordic Café AB"
    products = {p["ProductExternalId"]: p for p in h.ok("GET", f"/v1/products/products/{h.cid}")}
    assert {ext: p["ProductPublicId"] for ext, p in products.items()} == dict(DEMO.products)
    consulting = products["1"]
    assert (consulting["Description"], consulting["ArticleNumber"], consulting["UnitPrice"], consulting["Units"]) == \
        ("Consulting hour", "A-100", 1150.0, "h")
    assert products["2"]["ProductType"] == "Commodity"
    expected = {"open": ("InvoiceSent", 125_000), "overdue": ("InvoiceSent", 431_250),
                "paused": ("InvoiceSent", 124_750), "disputed": ("InvoiceSent", 311_250),
                "credited": ("Completed", 0), "credit": ("Completed", 0),
                "in_debt_collection": ("SentToDebtCollection", 355_000), "completed": ("Completed", 0),
                "overpaid": ("Completed", 0), "draft": ("Created", 0)}
    for role, (stage, current) in expected.items():
        view = h.invoice(DEMO[role])
        assert (view["State"]["Stage"], view["CurrentAmount"]["Value"] if stage != "Created" else 0) == \
            (stage, current), role
    overdue = h.invoice(DEMO["overdue"])
    assert (h.sb.now().date() - _date(overdue["DueDate"])).days == 15
    assert (_date(h.invoice(DEMO["open"])["DueDate"]) - h.sb.now().date()).days == 20
    assert h.invoice(DEMO["draft"])["ExternalReference"] == "order:1010"
    unhandled = {p["UnhandledPaymentPublicId"]: p for p in h.ok("GET", f"/v1/payments/unhandledpayments/{h.cid}")}
    kinds = {role: (unhandled[i]["UnhandledPaymentType"], unhandled[i]["Amount"]["Value"])
             for role, i in DEMO.unhandled_payments.items()}
    assert kinds == {"unmatched": ("UnmatchedPayment", 125_000), "overpayment": ("OverPayment", 20_000),
                     "balance": ("BalanceFromInvoice", 50_000)}
    assert unhandled[DEMO.unhandled_payments["balance"]]["DebtorPublicId"] == DEMO.debtors["2"]
    assert DEMO["open"] == DEMO.invoices["open"] == "1001"


def _date(value: str) -> date:
    return parse_datetime(value).date()


def test_concurrent_requests(empty: Sandbox) -> None:
    errors: list[str] = []

    def create(worker: int) -> None:
        for n in range(25):
            body = json.dumps({"CreditorPublicId": empty.creditor_id, "Name": f"D{worker}-{n}",
                               "DebtorExternalId": str(n)}).encode()
            status, _, body = empty.handle("POST", "/v1/debtors/debtor", {}, auth(), body)
            if status != 200:
                errors.append(body.decode())

    threads = [threading.Thread(target=create, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with client_for(empty) as client:
        assert len(client.get(f"/v1/debtors/debtors/{empty.creditor_id}").json()) == 200
        duplicate = client.get(f"/v1/debtors/debtorbyexternalid/{empty.creditor_id}", params={"externalid": "3"})
        assert duplicate.status_code == 400 and "unique" in duplicate.json()["Message"]
        assert client.get(f"/v1/debtors/debtorbyexternalid/{empty.creditor_id}",
                          params={"externalid": "nope"}).status_code == 404


def test_http_server_serves_a_real_request(demo: Sandbox) -> None:
    server = make_server(demo, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert server.port > 0
        response = httpx.get(f"{server.url}/v1/invoice/actionbyinvoicenumber/{demo.creditor_id}",
                             params={"invoiceNumber": "1001"}, headers=auth(), timeout=10)
        assert response.status_code == 200 and response.json()["InvoiceNumber"] == "1001"
        assert httpx.put(f"{server.url}/v1/invoice/pause/{response.json()['ActionPublicId']}", headers=auth(),
                         timeout=10).status_code == 204
        assert httpx.get(f"{server.url}/v1/creditors/creditors", timeout=10).status_code == 401
    finally:
        server.close()
        thread.join(timeout=5)
    assert not thread.is_alive()
