"""Unhandled payments, matching (per item) and incoming bank payments (Swish: test_sandbox_swish.py)."""

from __future__ import annotations

import copy

from bot.sandbox import invoices, ledger
from bot.sandbox.seed import DEMO

from .helpers import Api, debtor_id

UNMATCHED, OVERPAYMENT, BALANCE = (DEMO.unhandled_payments[k] for k in ("unmatched", "overpayment", "balance"))


def _unhandled(h: Api, **params: str) -> dict[str, dict]:
    return {p["UnhandledPaymentPublicId"]: p for p in h.ok("GET", f"/v1/payments/unhandledpayments/{h.cid}",
                                                            params=params)}


def test_list_get_and_delete(h: Api) -> None:
    listed = _unhandled(h)
    assert set(listed) == {UNMATCHED, OVERPAYMENT, BALANCE}
    assert listed[UNMATCHED]["SenderName"] == "Nordic Cafe" and listed[UNMATCHED]["State"] == "Unhandled"
    h.ok("DELETE", f"/v1/payments/unhandledpayment/{UNMATCHED}")
    assert h.ok("GET", f"/v1/payments/unhandledpayment/{UNMATCHED}")["State"] == "Deleted"
    assert UNMATCHED not in _unhandled(h)
    assert _unhandled(h, state="All")[UNMATCHED]["State"] == "Deleted"
    assert h.refused("DELETE", f"/v1/payments/unhandledpayment/{UNMATCHED}") == "The payment is already deleted."
    h.refused("GET", "/v1/payments/unhandledpayment/00000000-0000-0000-0000-000000000000", status=404)


def test_matching_reports_each_item(h: Api) -> None:
    open_aid, paused_aid = h.aid(DEMO["open"]), h.aid(DEMO["paused"])
    results = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}", json=[
        {"UnhandledPaymentPublicId": UNMATCHED, "ActionPublicId": open_aid, "PaymentDate": "2026-01-02"},
        {"UnhandledPaymentPublicId": BALANCE, "ActionPublicId": paused_aid},  # Nordic Café's balance, Lund's invoice
        {"UnhandledPaymentPublicId": OVERPAYMENT, "ActionPublicId": "0000000000"},
        {"UnhandledPaymentPublicId": UNMATCHED, "ActionPublicId": open_aid},
    ])
    assert [r["Successfull"] for r in results] == [True, False, False, False]
    assert results[0]["ResponseMessage"] == f"Matched to invoice {DEMO['open']}."
    assert results[1]["ResponseMessage"] == "The balance belongs to another debtor."
    assert results[2]["ResponseMessage"] == "The invoice 0000000000 does not exist."
    assert results[3]["ResponseMessage"] == "The payment cannot be used: its state is UsedOnInvoice."
    assert h.get(open_aid)["State"]["Stage"] == "Completed"
    used = h.ok("GET", f"/v1/payments/unhandledpayment/{UNMATCHED}")
    assert used["State"] == "UsedOnInvoice" and used["OverpaymentDetails"]["UsedOnActionPublicId"] == open_aid
    assert h.refused("DELETE", f"/v1/payments/unhandledpayment/{UNMATCHED}") == \
        "The payment has already been used on an invoice and cannot be deleted."


def test_matching_more_than_remains_leaves_the_rest_unhandled(h: Api) -> None:
    small = h.new_invoice(debtor_ext="3", rows=[{"ArticleDescription": "Fee", "Quantity": 1.0, "VAT": 25.0,
                                                 "UnitPrice": {"CurrencyCode": "SEK", "Value": 8000}}])  # 100.00
    result = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}",
                  json=[{"UnhandledPaymentPublicId": OVERPAYMENT, "ActionPublicId": small}])[0]
    assert result["Successfull"], result
    assert "100,00\u00a0kr remains" in result["ResponseMessage"]
    rest = [p for p in _unhandled(h).values() if p["UnhandledPaymentType"] == "OverPayment"]
    assert [(p["Amount"]["Value"], p["DebtorPublicId"]) for p in rest] == [(10_000, debtor_id("3"))]
    assert h.get(small)["State"]["Stage"] == "Completed"


def test_match_body_must_be_a_list(h: Api) -> None:
    assert h.refused("POST", f"/v1/payments/matchpayments/{h.cid}", json={}) == \
        "The request body must be a list of payment matches."


def test_incoming_payments(h: Api) -> None:
    ocr = h.invoice(DEMO["open"])["Invoices"][0]["OCR"]
    partial = h.sb.register_incoming_payment(50_000, ocr, sender_name="Nordic Café AB")
    assert partial["Outcome"] == "Paid" and partial["AppliedAmount"] == 50_000
    assert h.invoice(DEMO["open"])["CurrentAmount"]["Value"] == 75_000
    over = h.ok("POST", "/_sandbox/payments", json={"Amount": 80_000, "Reference": DEMO["open"]})
    assert (over["Outcome"], over["AppliedAmount"], over["UnhandledAmount"]) == ("PaidWithOverPayment", 75_000, 5000)
    assert _unhandled(h)[over["UnhandledPaymentPublicId"]]["UnhandledPaymentType"] == "OverPayment"
    unknown = h.sb.register_incoming_payment(12_300, "no such reference", payment_date="2026-03-01")
    assert unknown["Outcome"] == "Unmatched" and unknown["ActionPublicId"] is None
    stored = _unhandled(h)[unknown["UnhandledPaymentPublicId"]]
    assert stored["UnhandledPaymentType"] == "UnmatchedPayment" and stored["PaymentDate"].startswith("2026-03-01")
    late = h.sb.register_incoming_payment(10_000, DEMO["completed"])
    assert late["Outcome"] == "OverPayment" and late["InvoiceNumber"] == DEMO["completed"]
    assert "Reference" in h.refused("POST", "/_sandbox/payments", json={"Amount": 1.5, "Reference": "x"})


def test_part_of_a_credit_invoices_balance_stays_linked_to_it(h: Api) -> None:
    """A credit invoice's balance used on a smaller invoice: the rest is still that credit invoice's
    balance (so it can be used later from it), and the credit invoice's log says where the credit went."""
    small = h.new_invoice(debtor_ext="2", rows=[{"ArticleDescription": "Fee", "Quantity": 1.0, "VAT": 25.0,
                                                 "UnitPrice": {"CurrencyCode": "SEK", "Value": 8000}}])  # 100.00
    number = h.get(small)["InvoiceNumber"]
    result = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}",
                  json=[{"UnhandledPaymentPublicId": BALANCE, "ActionPublicId": small}])[0]
    assert result["Successfull"] and "400,00\u00a0kr remains" in result["ResponseMessage"]
    credit_aid = h.aid(DEMO["credit"])
    rest = [p for p in _unhandled(h).values() if p["UnhandledPaymentType"] == "BalanceFromInvoice"]
    assert [(p["Amount"]["Value"], p["OverpaymentDetails"]["ActionPublicId"],
             p["OverpaymentDetails"]["UsedOnActionPublicId"]) for p in rest] == [(40_000, credit_aid, None)]
    logged = [e["Title"] for e in h.get(credit_aid)["Events"] if e["EventType"] == "Updated"]
    assert logged == [f"100,00\u00a0kr of the debtor's balance used on invoice {number}"]
    target = h.get(small)
    assert target["State"]["Stage"] == "Completed" and target["PaidAmount"]["Value"] == 10_000


def test_a_write_off_is_dated_and_keeps_its_comment(h: Api) -> None:
    aid = h.aid(DEMO["open"])  # 1250.00 remaining
    h.ok("POST", "/v1/invoice/payment", json={"ActionPublicId": aid, "Date": "2026-01-05 00:00:00+01:00",
                                              "Amount": {"CurrencyCode": "SEK", "Value": 0},
                                              "WriteOff": {"CurrencyCode": "SEK", "Value": 25_000},
                                              "Comment": "Goodwill"})
    view = h.get(aid)
    assert (view["CurrentAmount"]["Value"], view["WriteOffAmount"]["Value"]) == (100_000, 25_000)
    written = [e for e in view["Events"] if e["EventType"] == "WrittenOff"]
    assert [(e["Title"], e["Content"]) for e in written] == [("250,00\u00a0kr written off",
                                                              "Write-off date 2026-01-05. Goodwill")]
    assert view["State"]["Stage"] != "Completed"
    refused = {"ActionPublicId": h.aid(DEMO["completed"]), "WriteOff": {"CurrencyCode": "SEK", "Value": 100}}
    assert h.refused("POST", "/v1/invoice/payment", json=refused) == "The invoice is already completed."
    assert h.refused("POST", "/v1/invoice/payment", json={"ActionPublicId": aid, "WriteOff": {"Value": 100_001}}) \
        == "The write-off exceeds the remaining amount (1\u00a0000,00\u00a0kr)."


def test_a_bank_payment_matched_to_a_smaller_invoice_leaves_the_debtors_overpayment(h: Api) -> None:
    """What exceeds the invoice is the debtor's balance on that invoice (as when the bank payment had
    been matched on arrival), not an unmatched payment of nobody's."""
    small = h.new_invoice(debtor_ext="2", rows=[{"ArticleDescription": "Fee", "Quantity": 1.0, "VAT": 25.0,
                                                 "UnitPrice": {"CurrencyCode": "SEK", "Value": 80_000}}])  # 1000.00
    result = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}",
                  json=[{"UnhandledPaymentPublicId": UNMATCHED, "ActionPublicId": small}])[0]
    assert result["Successfull"] and "250,00\u00a0kr is kept as an overpayment" in result["ResponseMessage"]
    used = h.ok("GET", f"/v1/payments/unhandledpayment/{UNMATCHED}")
    assert used["State"] == "UsedOnInvoice" and used["Amount"]["Value"] == 100_000
    rest = [p for p in _unhandled(h).values() if p["UnhandledPaymentType"] == "OverPayment"
            and p["OverpaymentDetails"]["ActionPublicId"] == small]
    assert [(p["Amount"]["Value"], p["DebtorPublicId"], p["SenderName"]) for p in rest] == \
        [(25_000, debtor_id("2"), "Nordic Cafe")]
    assert "OverPayment" in [e["EventType"] for e in h.get(small)["Events"]]


def test_matching_refuses_a_closed_invoice_and_a_draft(h: Api) -> None:
    results = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}", json=[
        {"UnhandledPaymentPublicId": UNMATCHED, "ActionPublicId": h.aid(DEMO["completed"])},
        {"UnhandledPaymentPublicId": UNMATCHED, "ActionPublicId": h.aid(DEMO["draft"])},
    ])
    assert [(r["Successfull"], r["ResponseMessage"]) for r in results] == [
        (False, "The invoice is already completed."), (False, "The invoice is a draft; attest it first.")]
    assert h.ok("GET", f"/v1/payments/unhandledpayment/{UNMATCHED}")["State"] == "Unhandled"


def test_an_incoming_payment_keeps_what_the_bank_said_of_the_sender(h: Api) -> None:
    made = h.ok("POST", "/_sandbox/payments", json={"Amount": 4_200, "Reference": "invoice 99 maybe",
                                                     "SenderName": "Okänd AB", "SenderBankgiroNo": "123-4567",
                                                     "SenderOrgNo": "556000-0001", "SenderCity": "Lund"})
    stored = _unhandled(h)[made["UnhandledPaymentPublicId"]]
    assert (stored["SenderBankgiroNo"], stored["SenderOrgNo"], stored["SenderCity"]) == \
        ("123-4567", "556000-0001", "Lund")
    assert _unhandled(h)[UNMATCHED]["SenderBankgiroNo"] == "5402-8812"


def test_matching_refuses_another_creditors_invoice(h: Api) -> None:
    """An invoice of another creditor on the same Billecta installation is not this creditor's to match to."""
    store = h.sb._store
    with store.transaction():
        theirs = copy.deepcopy(invoices.load(store, h.aid(DEMO["open"])))
        theirs.update(ActionPublicId="7777777777", CreditorPublicId="11111111-2222-3333-4444-555555555555")
        ledger.save_invoice(store, theirs)
    result = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}",
                  json=[{"UnhandledPaymentPublicId": UNMATCHED, "ActionPublicId": "7777777777"}])[0]
    assert (result["Successfull"], result["ResponseMessage"]) == (False, "The invoice 7777777777 does not exist.")
    assert h.ok("GET", f"/v1/payments/unhandledpayment/{UNMATCHED}")["State"] == "Unhandled"
