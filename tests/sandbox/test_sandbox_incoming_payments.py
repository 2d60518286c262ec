"""Incoming payments in the sandbox (`PUT /v1/payments/incomingpayments`): every payment applied to an
invoice (registered, matched from the unhandled ones, Swish, a bank payment by OCR) is listed once with
its own reference, amount, payment day and mean; From..To are Stockholm days, both included; the
ActionPublicIdFilter is honoured; the answer is schema-valid; the list survives a restart."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.sandbox import DEMO, Sandbox
from tests.wire_schemas import assert_valid, assert_valid_list

from .helpers import Api, client_for

PATH = "/v1/payments/incomingpayments"


def _listed(h: Api, since: date, until: date, **filters: Any) -> list[dict[str, Any]]:
    body = {"CreditorPublicId": h.cid, "From": f"{since} 00:00:00+01:00", "To": f"{until} 00:00:00+01:00", **filters}
    assert_valid("IncomingPaymentRequestView", body)
    found = h.ok("PUT", PATH, json=body)
    assert_valid_list("IncomingPaymentsView", "IncomingPaymentView", found)
    return list(found)


def test_each_way_of_paying_an_invoice_is_listed_once_with_its_day_and_mean(h: Api) -> None:
    today = h.sb.now().date()
    before = {p["PaymentReferenceId"] for p in _listed(h, today - timedelta(days=400), today)}
    registered, by_ocr = h.new_invoice(), h.new_invoice()
    h.ok("POST", "/v1/invoice/payment", json={"ActionPublicId": registered, "Date": f"{today - timedelta(days=3)}",
                                              "Amount": {"CurrencyCode": "SEK", "Value": 40_000},
                                              "PaymentMeanCode": "BG2"})
    ocr = h.get(by_ocr)["Invoices"][0]["OCR"]
    h.ok("POST", "/_sandbox/payments", json={"Amount": 25_000, "Reference": ocr,
                                             "PaymentDate": f"{today - timedelta(days=1)}"})
    matched = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}", json=[
        {"UnhandledPaymentPublicId": DEMO.unhandled_payments["unmatched"], "ActionPublicId": registered}])
    assert matched[0]["Successfull"], matched
    swished = h.aid(DEMO["open"])
    token = h.ok("POST", f"/v1/payments/swish/{swished}", params={"phone": "0701234567", "message": "x"})["PublicId"]
    h.ok("POST", f"/_sandbox/swish/{token}", json={"Status": "Paid"})

    new = [p for p in _listed(h, today - timedelta(days=400), today) if p["PaymentReferenceId"] not in before]
    seen = {(p["ActionPublicId"], p["PaymentMeanCode"]): p for p in new}
    assert len(new) == len(seen) == 4
    paid = seen[(registered, "BG2")]
    assert (paid["Amount"]["Value"], paid["PaymentDate"][:10]) == (40_000, str(today - timedelta(days=3)))
    assert paid["CreatedDate"][:10] == str(today) and paid["DebtorPublicId"] == DEMO.debtors["2"]
    assert seen[(by_ocr, "BG")]["PaymentDate"][:10] == str(today - timedelta(days=1))
    assert seen[(by_ocr, "BG")]["OCR"] == ocr and seen[(by_ocr, "BG")]["Amount"]["Value"] == 25_000
    assert seen[(registered, "BG")]["Amount"]["Value"] == 85_000  # what of the bank payment went on the invoice
    swish = seen[(swished, "SWISH")]
    assert swish["InvoiceNumber"] == DEMO["open"] and swish["PaymentDate"][:10] == str(today)
    assert h.get(registered)["PaidAmount"]["Value"] == 125_000  # the invoice itself agrees


def test_the_days_are_inclusive_and_the_invoice_filter_is_honoured(h: Api) -> None:
    today = h.sb.now().date()
    first, second = h.new_invoice(), h.new_invoice()
    for aid, days_ago in ((first, 10), (second, 5)):
        h.ok("POST", "/v1/invoice/payment", json={"ActionPublicId": aid, "Date": f"{today - timedelta(days=days_ago)}",
                                                  "Amount": {"CurrencyCode": "SEK", "Value": 1_000}})
    ours = {first, second}

    def on(since: int, until: int, **filters: Any) -> list[str]:
        return sorted(p["ActionPublicId"] for p in _listed(h, today - timedelta(days=since),
                                                            today - timedelta(days=until), **filters)
                      if p["ActionPublicId"] in ours)

    assert on(10, 10) == [first] and on(5, 5) == [second] and on(9, 6) == [] and on(10, 5) == sorted(ours)
    assert on(30, 0, ActionPublicIdFilter=[second]) == [second]
    assert on(30, 0, PaymentMeanCodeFilter=["SWISH"]) == []
    assert on(30, 0, ProjectNumberFilter=["P1"]) == []  # the sandbox's invoices belong to no project


def test_it_only_reads_and_refuses_another_creditor_or_a_missing_period(h: Api) -> None:
    body = {"CreditorPublicId": "9e0d1c2b-0000-4000-8000-000000000000", "From": "2026-01-01", "To": "2026-12-31"}
    assert "does not exist" in h.refused("PUT", PATH, json=body)
    assert "From and To" in h.refused("PUT", PATH, json={"CreditorPublicId": h.cid})
    h.refused("GET", PATH, status=405)


def test_the_incoming_payments_are_kept_in_the_state_file(tmp_path: Path) -> None:
    path = tmp_path / "box.db"
    with Sandbox(path, seed="demo") as box, client_for(box) as client:
        h = Api(box, client)
        aid = h.new_invoice()
        h.ok("POST", "/v1/invoice/payment", json={"ActionPublicId": aid, "Amount": {"CurrencyCode": "SEK",
                                                                                     "Value": 7_500}})
        today = box.now().date()
        kept = [p for p in _listed(h, today, today) if p["ActionPublicId"] == aid]
    with Sandbox(path) as box, client_for(box) as client:
        assert [p for p in _listed(Api(box, client), today, today) if p["ActionPublicId"] == aid] == kept
    assert len(kept) == 1 and kept[0]["PaymentMeanCode"] == "MANUAL"
