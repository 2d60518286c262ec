"""The sandbox's PDFs: each sent document (an invoice, a credit invoice, a reminder) is a real PDF of
its own, with its own number and amount, served raw and base64 in a FileView."""

from __future__ import annotations

import base64

from tests.pdf_check import Pdf, read_pdf

from .helpers import Api


def pdf_of(h: Api, document: dict) -> tuple[bytes, Pdf]:
    response = h.client.get(f"/v1/files/file/{document['InvoiceFile']['FilePublicId']}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    return response.content, read_pdf(response.content)


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


def test_an_invoice_and_its_credit_invoice_have_pdfs_of_their_own(h: Api) -> None:
    (invoice,) = h.invoice("1005")["Invoices"]
    (credit,) = h.invoice("1006")["Invoices"]
    invoice_bytes, invoice_pdf = pdf_of(h, invoice)
    credit_bytes, credit_pdf = pdf_of(h, credit)
    assert invoice_pdf.pages == credit_pdf.pages == 1 and invoice_bytes != credit_bytes
    assert "CREDIT INVOICE" in credit_pdf.text and "1006" in credit_pdf.text and "-500,00 kr" in plain(credit_pdf.text)
    assert "CREDIT INVOICE" not in invoice_pdf.text and "1005" in invoice_pdf.text
    assert "2 875,00 kr" in plain(invoice_pdf.text)


def test_a_reminder_is_its_own_document_and_pdf_with_the_fee_in_its_amount(h: Api) -> None:
    aid = h.aid("1002")
    h.ok("POST", "/v1/invoice/reminder", json={"InvoiceActionPublicId": aid,
                                              "ReminderFee": {"CurrencyCode": "SEK", "Value": 6000}})
    invoice, reminder = h.get(aid)["Invoices"]
    assert invoice["InvoiceFile"]["FilePublicId"] != reminder["InvoiceFile"]["FilePublicId"]
    assert reminder["InvoicedAmount"]["Value"] == invoice["InvoicedAmount"]["Value"] + 6000
    _, invoice_pdf = pdf_of(h, invoice)
    reminder_bytes, reminder_pdf = pdf_of(h, reminder)
    assert "PAYMENT REMINDER" in reminder_pdf.text and "Reminder fee" in reminder_pdf.text
    assert "4 372,50 kr" in plain(reminder_pdf.text) and "4 372,50 kr" not in plain(invoice_pdf.text)
    shown = h.ok("GET", f"/v1/files/fileobject/{reminder['InvoiceFile']['FilePublicId']}",
                 params={"includedata": "true"})
    assert base64.b64decode(shown["Data"]) == reminder_bytes and shown["ContentType"] == "application/pdf"
    again = h.client.get(f"/v1/files/file/{reminder['InvoiceFile']['FilePublicId']}").content
    assert again == reminder_bytes  # drawn once and kept: the same file every time


def test_a_draft_has_no_file_yet(h: Api) -> None:
    draft = h.invoice("1010")
    assert draft["State"]["Stage"] == "Created" and draft["Invoices"] == []
