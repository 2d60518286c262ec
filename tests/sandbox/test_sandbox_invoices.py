"""Invoices: drafts and totals, attest, state actions, credits, payments, reminders, comments, PDFs."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.seed import DEMO
from tests.wire_schemas import WIRE_DATETIME

from .helpers import Api, debtor_id


def _row(minor: int, quantity: float = 1.0, vat: float = 25.0, **extra: object) -> dict[str, object]:
    return {"ArticleDescription": "Row", "Quantity": quantity, "VAT": vat,
            "UnitPrice": {"CurrencyCode": "SEK", "Value": minor}, **extra}


def test_draft_totals_are_exact_and_rounded_half_up(h: Api) -> None:
    aid = h.new_invoice(rows=[_row(3333, quantity=1.5), _row(1001, quantity=1, vat=12.0),
                              _row(10_000, VatIsIncluded=True), _row(20_000, DiscountType="Percentage",
                                                                     DiscountPercentage=10.0)], attest=False)
    view = h.get(aid)
    totals = [(r["TotalExclVAT"]["Value"], r["TotalIncVAT"]["Value"]) for r in view["Records"]]
    # 33.33 x 1.5 = 49.995 -> 50.00, +25 % = 62.50; 10.01 + 12 % = 1.2012 -> 1.20; 100.00 incl. 25 % = 80.00 excl.;
    # 200.00 less 10 % = 180.00, +25 % = 225.00
    assert totals == [(5000, 6250), (1001, 1121), (8000, 10_000), (18_000, 22_500)]
    assert view["InvoicedAmount"] == {"CurrencyCode": "SEK", "Value": 39_871, "ValueForView": 398.71}
    assert view["TotalVATAmount"]["Value"] == 1250 + 120 + 2000 + 4500
    assert view["State"]["Stage"] == "Created" and view["Invoices"] == []
    assert view["Records"][2]["VatIsIncluded"] is True


def test_product_rows_take_the_product_defaults(h: Api) -> None:
    aid = h.new_invoice(rows=[{"ProductPublicId": DEMO.products["1"], "Quantity": 2.0}], attest=False)
    row = h.get(aid)["Records"][0]
    assert (row["ArticleDescription"], row["ArticleNumber"], row["Units"]) == ("Consulting hour", "A-100", "h")
    assert row["UnitPrice"]["Value"] == 115_000 and row["TotalIncVAT"]["Value"] == 287_500


def test_invoice_numbers_come_from_the_creditor_and_must_be_unique(h: Api) -> None:
    creditor = h.ok("GET", f"/v1/creditors/creditor/{h.cid}")
    assert creditor["NextInvoiceNumber"] == "1011"
    first, second = h.new_invoice(attest=False), h.new_invoice(attest=False)
    assert (h.get(first)["InvoiceNumber"], h.get(second)["InvoiceNumber"]) == ("1011", "1012")
    assert h.ok("GET", f"/v1/creditors/creditor/{h.cid}")["NextInvoiceNumber"] == "1013"
    body = {"CreditorPublicId": h.cid, "DebtorPublicId": debtor_id("1"), "InvoiceNumber": "1001",
            "Records": [_row(100)]}
    assert h.refused("POST", "/v1/invoice/action", json=body) == "Invoice number 1001 is already used."


def test_create_validation(h: Api) -> None:
    base = {"CreditorPublicId": h.cid, "DebtorPublicId": debtor_id("1"), "Records": [_row(100)]}
    assert h.refused("POST", "/v1/invoice/action", json={**base, "Records": []}) == \
        "The invoice must have at least one row."
    assert "does not exist" in h.refused("POST", "/v1/invoice/action",
                                         json={**base, "DebtorPublicId": "00000000-0000-0000-0000-000000000001"})
    assert h.refused("POST", "/v1/invoice/action", json={**base, "InvoiceDate": "2026-02-01",
                                                         "DueDate": "2026-01-01"}) == \
        "The due date cannot be before the invoice date."
    assert "credit invoice" in h.refused("POST", "/v1/invoice/action", json={**base, "Records": [_row(-100)]})


def test_update_and_delete_only_drafts(h: Api) -> None:
    draft = h.aid(DEMO["draft"])
    body = {"CreditorPublicId": h.cid, "DebtorPublicId": debtor_id("3"), "Records": [_row(50_000)],
            "ExternalReference": "order:1010"}
    h.ok("PUT", f"/v1/invoice/action/{draft}", json=body)
    view = h.get(draft)
    assert view["InvoicedAmount"]["Value"] == 62_500 and view["InvoiceNumber"] == DEMO["draft"]
    h.ok("PUT", "/v1/invoice/action", json={**body, "ActionPublicId": draft, "Message": "Alias path"})
    assert h.get(draft)["Message"] == "Alias path"
    sent = h.aid(DEMO["open"])
    assert h.refused("PUT", f"/v1/invoice/action/{sent}", json=body) == \
        "Only a draft invoice can be changed; this one is attested."
    assert "Only a draft" in h.refused("DELETE", f"/v1/invoice/action/{sent}")
    h.ok("DELETE", f"/v1/invoice/action/{draft}")
    h.refused("GET", f"/v1/invoice/action/{draft}", status=404)


def test_attest_sends_and_creates_a_pdf(h: Api) -> None:
    aid = h.new_invoice(attest=False)
    h.ok("PUT", f"/v1/invoice/attest/{aid}")
    view = h.get(aid)
    state = view["State"]
    assert state["Stage"] == "InvoiceSent" and state["AttestedDate"] and state["InvoiceSentDate"]
    assert [e["EventType"] for e in view["Events"] if e["HasOccured"]] == ["Created", "Attested", "InvoiceSent"]
    document = view["Invoices"][0]
    assert document["OCR"] and document["InvoiceFile"]["ContentType"] == "application/pdf"
    assert h.refused("PUT", f"/v1/invoice/attest/{aid}") == "The invoice is already attested."
    pdf = h.client.get(f"/v1/files/file/{document['InvoiceFile']['FilePublicId']}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 2000
    for text in (b"SANDBOX", b"Demo Bygg AB", b"Nordic Caf", view["InvoiceNumber"].encode(), document["OCR"].encode()):
        assert text in pdf.content
    assert h.client.get("/v1/files/file/00000000-0000-0000-0000-000000000000").status_code == 404


def test_manual_delivery_stays_attested(h: Api) -> None:
    aid = h.new_invoice(DeliveryMethod="Manually")
    view = h.get(aid)
    assert view["State"]["Stage"] == "Attested" and view["State"]["InvoiceSentDate"] is None
    assert view["DeliveryMethod"] == "Manually"


def test_pause_resume_dispute_undispute(h: Api) -> None:
    aid = h.aid(DEMO["open"])
    assert h.refused("PUT", f"/v1/invoice/resume/{aid}") == "The invoice is not paused."
    h.ok("PUT", f"/v1/invoice/pause/{aid}")
    view = h.get(aid)
    assert view["State"]["IsPaused"] and (view["CanPause"], view["CanResume"]) == (False, True)
    assert view["State"]["NextEvent"] is None, "paused invoices have no automatic steps"
    assert h.refused("PUT", f"/v1/invoice/pause/{aid}") == "The invoice is already paused."
    h.ok("PUT", f"/v1/invoice/resume/{aid}")
    assert h.get(aid)["State"]["NextEvent"] == "Invoice due"
    h.ok("PUT", f"/v1/invoice/dispute/{aid}")
    view = h.get(aid)
    assert view["State"]["DisputedDate"] and (view["CanDispute"], view["CanUnDispute"]) == (False, True)
    assert h.refused("PUT", f"/v1/invoice/dispute/{aid}") == "The invoice is already disputed."
    h.ok("PUT", f"/v1/invoice/canceldispute/{aid}")
    assert h.get(aid)["State"]["DisputedDate"] is None
    assert h.refused("PUT", f"/v1/invoice/undispute/{aid}") == "The invoice is not disputed."
    types = [e["EventType"] for e in h.get(aid)["Events"] if e["HasOccured"]][-4:]
    assert types == ["Paused", "Resumed", "Disputed", "UnDisputed"]


def test_postpone_moves_the_next_event(h: Api) -> None:
    aid = h.aid(DEMO["open"])
    due = h.get(aid)["State"]["NextEventDate"]
    later = (h.sb.now() + timedelta(days=40)).date().isoformat()
    h.ok("PUT", f"/v1/invoice/postpone/{aid}", params={"date": later})
    state = h.get(aid)["State"]
    assert state["NextEventDate"].startswith(later) and state["NextEventDate"] > due
    too_early = h.refused("PUT", f"/v1/invoice/postpone/{aid}", params={"days": "1"})
    assert too_early.startswith("The new date must be after")
    assert h.refused("PUT", f"/v1/invoice/postpone/{aid}", params={"date": "2001-01-01"}) == \
        "The new date must be in the future."
    h.ok("PUT", f"/v1/invoice/postpone/{aid}", params={"days": "60"})
    assert "date=YYYY-MM-DD" in h.refused("PUT", f"/v1/invoice/postpone/{aid}")


def test_credit_reduces_and_completes(h: Api) -> None:
    aid = h.aid(DEMO["open"])
    credit = {"ActionPublicId": aid, "Value": {"CurrencyCode": "SEK", "Value": 25_000}, "Comment": "Goodwill"}
    h.ok("PUT", "/v1/invoice/credit", json=credit)
    view = h.get(aid)
    assert (view["CreditedAmount"]["Value"], view["CurrentAmount"]["Value"]) == (25_000, 100_000)
    too_much = {**credit, "Value": {"CurrencyCode": "SEK", "Value": 100_001}}
    assert h.refused("PUT", "/v1/invoice/credit", json=too_much).startswith("You cannot credit more than")
    h.ok("PUT", "/v1/invoice/credit", json={**credit, "Value": {"CurrencyCode": "SEK", "Value": 100_000}})
    view = h.get(aid)
    assert view["State"]["Stage"] == "Completed" and view["State"]["ClosedDate"]
    assert view["CurrentAmount"]["Value"] == 0
    assert h.refused("PUT", "/v1/invoice/credit", json=credit) == "The invoice is already completed."


def test_payment_and_write_off_complete_the_invoice(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    h.ok("POST", "/v1/invoice/payment", json={"ActionPublicId": aid, "Date": "2026-01-01 00:00:00+01:00",
                                              "Amount": {"CurrencyCode": "SEK", "Value": 400_000}})
    assert h.refused("POST", "/v1/invoice/payment", json={"ActionPublicId": aid,
                                                          "WriteOff": {"Value": 40_000}}) == \
        "The write-off exceeds the remaining amount (312,50\u00a0kr)."
    h.ok("POST", "/v1/invoice/payment", json={"ActionPublicId": aid, "Comment": "Small remainder",
                                              "WriteOff": {"CurrencyCode": "SEK", "Value": 31_250}})
    view = h.get(aid)
    assert (view["PaidAmount"]["Value"], view["WriteOffAmount"]["Value"]) == (400_000, 31_250)
    assert view["State"]["Stage"] == "Completed" and view["State"]["ClosedDate"]
    occurred = [e["EventType"] for e in view["Events"]]
    assert occurred[-3:] == ["Paid", "WrittenOff", "Completed"]
    closed = h.ok("GET", f"/v1/invoice/closed/{h.cid}")
    assert DEMO["overdue"] in [row["InvoiceNumber"] for row in closed]
    assert DEMO["overdue"] not in [row["InvoiceNumber"] for row in h.ok("GET", f"/v1/invoice/open/{h.cid}")]


def test_overpayment_handling(h: Api) -> None:
    aid = h.aid(DEMO["open"])  # 1250.00 remaining
    pay = {"ActionPublicId": aid, "Amount": {"CurrencyCode": "SEK", "Value": 150_000}}
    assert h.refused("POST", "/v1/invoice/payment", json=pay).startswith("The payment exceeds the remaining amount")
    h.ok("POST", "/v1/invoice/payment", json={**pay, "OvershootingAmountHandling": "AsOverPayments"})
    assert h.get(aid)["State"]["Stage"] == "Completed"
    overpayments = [p for p in h.ok("GET", f"/v1/payments/unhandledpayments/{h.cid}")
                    if p["UnhandledPaymentType"] == "OverPayment" and p["DebtorPublicId"] == debtor_id("2")]
    assert [p["Amount"]["Value"] for p in overpayments] == [25_000]
    assert overpayments[0]["OverpaymentDetails"]["InvoiceNumber"] == DEMO["open"]


def test_reminder_adds_the_fee(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    reminder = h.ok("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": aid})
    assert reminder["ReminderFee"]["Value"] == 6000 and reminder["Stage"] == "ReminderInvoiceSent"
    view = h.get(aid)
    assert view["CurrentAmount"]["Value"] == 431_250 + 6000
    assert view["State"]["Stage"] == "ReminderInvoiceSent"
    assert view["ReminderInvoiceActionPublicId"] == reminder["ActionPublicId"]
    assert len(view["Invoices"]) == 2 and view["State"]["NextEvent"] == "Reminder due"
    assert h.refused("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": aid}) == \
        "The invoice is not overdue yet."
    assert h.refused("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": h.aid(DEMO["open"])}) == \
        "The invoice is not overdue yet."
    assert h.refused("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": h.aid(DEMO["disputed"])}) == \
        "The invoice is disputed; no reminder can be sent."


def test_reminder_fee_can_be_zero_and_terms_set(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    reminder = h.ok("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": aid, "PaymentTermsInDays": 5,
                                                           "ReminderFee": {"CurrencyCode": "SEK", "Value": 0}})
    assert reminder["ReminderFee"]["Value"] == 0
    assert reminder["ReminderInvoices"][0]["PaymentTermsInDays"] == 5
    assert h.get(aid)["CurrentAmount"]["Value"] == 431_250


def test_comments_are_events(h: Api) -> None:
    aid = h.aid(DEMO["open"])
    h.ok("POST", "/v1/invoice/comment", json={"ActionPublicId": aid, "Comment": "Called the customer",
                                              "Target": "ToDebtor"})
    h.ok("POST", "/v1/invoice/comment", json={"ActionPublicId": aid, "Comment": "Internal note", "Target": 0})
    comments = [e for e in h.get(aid)["Events"] if e["EventType"] == "CommentedByCreditor"]
    assert [(c["Content"], c["IsPublic"]) for c in comments] == \
        [("Called the customer", True), ("Internal note", False)]
    assert h.refused("POST", "/v1/invoice/comment", json={"ActionPublicId": aid, "Comment": " "}) == \
        "The comment cannot be empty."


def test_credit_invoice_leaves_a_balance_that_pays_another_invoice(h: Api) -> None:
    original = h.aid(DEMO["open"])  # 1250.00 open for Nordic Café
    body = {"CreditorPublicId": h.cid, "DebtorPublicId": debtor_id("2"), "CreditingInvoicePublicId": original,
            "Records": [_row(-120_000)]}  # -1500.00 incl. VAT: 1250.00 credits the invoice, 250.00 is left over
    note = h.ok("POST", "/v1/invoice/action", json=body)["PublicId"]
    h.ok("PUT", f"/v1/invoice/attest/{note}")
    note_view, source = h.get(note), h.get(original)
    assert note_view["ActionType"] == "CreditInvoiceAction" and note_view["State"]["Stage"] == "Completed"
    assert note_view["CreditingInvoice"] == {"SourcePublicId": original, "SourceInvoiceId": DEMO["open"]}
    assert (source["CreditedAmount"]["Value"], source["State"]["Stage"]) == (125_000, "Completed")
    balances = {p["Amount"]["Value"]: p for p in h.ok("GET", f"/v1/payments/unhandledpayments/{h.cid}")
                if p["UnhandledPaymentType"] == "BalanceFromInvoice"}
    assert set(balances) == {50_000, 25_000}
    target = h.new_invoice(debtor_ext="2", rows=[_row(10_000)])  # 125.00
    results = h.ok("POST", f"/v1/payments/matchpayments/{h.cid}", json=[
        {"UnhandledPaymentPublicId": balances[25_000]["UnhandledPaymentPublicId"], "ActionPublicId": target}])
    assert results[0]["Successfull"] is True
    assert h.get(target)["State"]["Stage"] == "Completed"
    leftover = [p for p in h.ok("GET", f"/v1/payments/unhandledpayments/{h.cid}")
                if p["UnhandledPaymentType"] == "BalanceFromInvoice"]
    assert sorted(p["Amount"]["Value"] for p in leftover) == [12_500, 50_000]


def test_credit_invoice_rules(h: Api) -> None:
    body = {"CreditorPublicId": h.cid, "DebtorPublicId": debtor_id("1"), "Records": [_row(-100)],
            "CreditingInvoicePublicId": h.aid(DEMO["open"])}
    assert h.refused("POST", "/v1/invoice/action", json=body) == \
        "A credit invoice must be for the same debtor as the invoice it credits."
    body.update(DebtorPublicId=debtor_id("3"), CreditingInvoicePublicId=h.aid(DEMO["draft"]))
    assert h.refused("POST", "/v1/invoice/action", json=body) == "The invoice is a draft; attest it first."
    body.update(DebtorPublicId=debtor_id("2"), CreditingInvoicePublicId=h.aid(DEMO["credit"]))
    assert h.refused("POST", "/v1/invoice/action", json=body) == "A credit invoice cannot be credited."
    body.update(CreditingInvoicePublicId=h.aid(DEMO["open"]), Records=[_row(100)])
    assert h.refused("POST", "/v1/invoice/action", json=body) == "A credit invoice must have a negative total."


def test_lookups_lists_and_dates(h: Api) -> None:
    view = h.invoice(DEMO["open"])
    assert WIRE_DATETIME.match(view["Created"]) and view["Created"][-6:] in ("+01:00", "+02:00")
    h.refused("GET", f"/v1/invoice/actionbyinvoicenumber/{h.cid}", params={"invoiceNumber": "9999"}, status=404)
    rows = h.ok("GET", f"/v1/invoice/open/{h.cid}")
    assert sorted(r["InvoiceNumber"] for r in rows) == ["1001", "1002", "1003", "1004", "1007"]
    paused = next(r for r in rows if r["InvoiceNumber"] == DEMO["paused"])
    assert paused["IsPaused"] and paused["DebtorName"] == "Lund Fastigheter AB" and paused["OCR"]
    assert next(r for r in rows if r["InvoiceNumber"] == DEMO["disputed"])["IsDisputed"]
    today = h.sb.now().date()
    recent = h.ok("GET", f"/v1/invoice/closed/{h.cid}", params={"from": str(today - timedelta(days=40)),
                                                               "to": str(today)})
    assert sorted(r["InvoiceNumber"] for r in recent) == ["1008", "1009"]
    assert "YYYY-MM-DD" in h.refused("GET", f"/v1/invoice/closed/{h.cid}", params={"from": "yesterday"})
    by_debtor = h.ok("GET", f"/v1/invoice/closedbydebtor/{debtor_id('2')}")
    assert sorted(r["InvoiceNumber"] for r in by_debtor) == ["1005", "1006"]
    assert [r["InvoiceNumber"] for r in h.ok("GET", f"/v1/invoice/openbydebtor/{debtor_id('2')}")] == ["1001"]


def test_a_reminder_is_a_document_with_its_own_number_fee_and_due_date(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    reminder = h.ok("POST", "/v1/invoice/reminder", json={
        "InvoiceActionPublicId": aid, "PaymentTermsInDays": 12, "DeliveryMethod": "Mail",
        "ReminderFee": {"CurrencyCode": "SEK", "Value": 7500}})
    (document,) = reminder["ReminderInvoices"]
    due = (h.sb.now() + timedelta(days=12)).date().isoformat()
    assert document["InvoiceNumber"] == f"{DEMO['overdue']}-P1" and document["DueDate"].startswith(due)
    assert document["InvoiceFile"]["FileName"] == f"Reminder_{DEMO['overdue']}-P1.pdf"
    view = h.get(aid)
    assert [doc["InvoiceNumber"] for doc in view["Invoices"]] == [DEMO["overdue"], f"{DEMO['overdue']}-P1"]
    sent = [e for e in view["Events"] if e["EventType"] == "ReminderInvoiceSent"][-1]
    assert sent["Title"] == f"Reminder {DEMO['overdue']}-P1 sent by Mail with a fee of 75,00\u00a0kr, due {due}"
    assert h.refused("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": aid, "PaymentTermsInDays": 400,
                                                           "ReminderFee": {"CurrencyCode": "SEK", "Value": 0}}) == \
        "The invoice is not overdue yet."


def test_no_reminder_for_a_paused_or_collected_invoice(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    h.ok("PUT", f"/v1/invoice/pause/{aid}")
    assert h.refused("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": aid}) == \
        "The invoice is paused; no reminder can be sent."
    assert h.get(aid)["CanSendManualReminderInvoice"] is False
    collected = h.aid(DEMO["in_debt_collection"])
    assert h.refused("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": collected}) == \
        "The invoice is in debt collection."


def test_postponing_an_automatic_reminder_keeps_it_a_reminder(h: Api) -> None:
    config = h.ok("GET", f"/v1/creditors/defaultactionconfig/{h.cid}")
    h.ok("PUT", "/v1/creditors/defaultactionconfig", json={**config, "SendReminderInvoice": True,
                                                           "SendReminderInvoiceDaysAfterDueDate": 30})
    aid = h.aid(DEMO["overdue"])  # 15 days overdue: the reminder is planned 15 days from now
    state = h.get(aid)["State"]
    assert state["NextEvent"] == "A reminder will be sent"
    later = (h.sb.now() + timedelta(days=40)).date().isoformat()
    h.ok("PUT", f"/v1/invoice/postpone/{aid}", params={"date": later})
    view = h.get(aid)
    assert view["State"]["NextEvent"] == "A reminder will be sent" and view["State"]["NextEventDate"].startswith(later)
    assert view["CanSendManualReminderInvoice"], "still overdue: a manual reminder may still be sent"
    h.sb.advance_days(39)
    assert reminders_sent(h, aid) == 0, "not before the date it was postponed to"
    h.sb.advance_days(1)
    assert reminders_sent(h, aid) == 1


def reminders_sent(h: Api, aid: str) -> int:
    return sum(1 for e in h.get(aid)["Events"] if e["EventType"] == "ReminderInvoiceSent")


def test_nothing_to_postpone_is_refused(h: Api) -> None:
    later = {"date": (h.sb.now() + timedelta(days=40)).date().isoformat()}
    for role, reason in (("overdue", "The invoice has no next event to postpone."),
                         ("paused", "The invoice is paused; it has no next event to postpone."),
                         ("disputed", "The invoice is disputed; it has no next event to postpone."),
                         ("completed", "The invoice is already completed.")):
        assert h.refused("PUT", f"/v1/invoice/postpone/{h.aid(DEMO[role])}", params=later) == reason, role


def test_a_reminder_by_e_mail_or_sms_needs_the_debtors_address_or_number(h: Api) -> None:
    view = h.invoice(DEMO["overdue"])
    debtor = {**view["Debtor"], "Email": None, "Phone": ""}
    h.ok("PUT", "/v1/debtors/debtor", json=debtor)
    body = {"InvoiceActionPublicId": view["ActionPublicId"]}
    assert h.refused("POST", "/v1/invoice/reminder", json=body) == \
        "The debtor has no e-mail address; choose another delivery method."
    assert h.refused("POST", "/v1/invoice/reminder", json={**body, "DeliveryMethod": "SMS"}) == \
        "The debtor has no phone number; choose another delivery method."
    assert h.ok("POST", "/v1/invoice/reminder", json={**body, "DeliveryMethod": "Mail"})["Stage"] == \
        "ReminderInvoiceSent"
