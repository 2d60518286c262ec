"""`invoice pdf`: the invoice's PDFs fetched from Billecta (the sandbox, in process and over HTTP),
kept beside the store, refused before anything when Billecta has none."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import commands as registry
from bot.billecta.models import AmountView, InvoiceActionEntryView, InvoiceActionRecordView, SendReminderInvoiceView
from bot.config import load_settings
from bot.demo import mirror_demo_into_store
from bot.errors import BillectaError, InvoiceStateError, NotInBillecta
from bot.roles import Actor, Role
from bot.runner import precheck_action, run_action
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox
from bot.services import Outcome
from bot.services.stored_files import files_dir, kept_files
from bot.store import Store
from tests.pdf_check import read_pdf
from tests.served import serving

OPERATOR = Actor("UOPER", Role.OPERATOR, "slack")
PDF = registry.find("invoice", "pdf")


class LosesFirstFileReply(httpx.BaseTransport):
    """Billecta serves the file, then the connection drops before the reply arrives (once)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.lost, self.file_gets = inner, 0, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.startswith("/v1/files/file/"):
            self.file_gets += 1
            if not self.lost:
                self.lost += 1
                raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        return response


class Rewrites(httpx.BaseTransport):
    """Billecta's answers changed on the way: file downloads replaced by `file_body`, or the invoice's
    documents shown without their InvoiceFile (attested, the PDF not made yet)."""

    def __init__(self, inner: httpx.BaseTransport, *, file_body: bytes | None = None, no_files: bool = False) -> None:
        self.inner, self.file_body, self.no_files = inner, file_body, no_files

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        path = request.url.path
        if self.file_body is not None and path.startswith("/v1/files/file/"):
            return httpx.Response(200, content=self.file_body, headers={"Content-Type": "text/html"})
        if self.no_files and path.startswith("/v1/invoice/action") and response.status_code == 200:
            view = response.json()
            for document in view.get("Invoices") or []:
                document["InvoiceFile"] = None
            return httpx.Response(200, json=view)
        return response


def rewritten(tmp_path: Path, box: Sandbox, **changes: Any) -> Runtime:
    runtime = build_runtime(load_settings(billecta_bot_db=tmp_path / "bot.db"),
                            transport=Rewrites(box.transport(), **changes))
    mirror_demo_into_store(runtime)
    return runtime


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox(":memory:", seed="demo")
    yield sandbox
    sandbox.close()


@pytest.fixture
def rt(tmp_path: Path, box: Sandbox) -> Iterator[Runtime]:
    runtime = build_runtime(load_settings(billecta_bot_db=tmp_path / "bot.db"), store=Store(tmp_path / "bot.db"),
                            transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
    runtime.store.close()


def plain(text: str) -> str:
    """Money is written with no-break spaces ('1\u00a0250,00\u00a0kr'); compared here as typed."""
    return text.replace("\xa0", " ")


def fetch(rt: Runtime, number: str) -> Outcome:
    precheck_action(rt, PDF, number, OPERATOR)
    return run_action(rt, PDF, number, OPERATOR)


def test_an_invoice_pdf_is_fetched_kept_beside_the_database_and_is_a_real_pdf(rt: Runtime, tmp_path: Path) -> None:
    outcome = fetch(rt, DEMO.invoices["open"])
    (file,) = outcome.files
    assert file.name == "invoice-1001.pdf" and file.mime == "application/pdf"
    assert plain(file.title) == "Invoice 1001 · Nordic Café AB · 1 250,00 kr · due 22 Dec"
    assert plain(outcome.message) == ("Fetched the PDF of invoice 1001 from Billecta: invoice-1001.pdf "
                               f"({file.size / 1000:.1f} kB) · Nordic Café AB · 1 250,00 kr · due 22 Dec.")
    assert file.path is not None and file.path.is_relative_to(tmp_path / "files")
    pdf = read_pdf(file.path.read_bytes())
    assert pdf.pages == 1 and pdf.title == "Invoice 1001"
    assert "INVOICE" in pdf.text and "1001" in pdf.text and "Nordic Caf" in pdf.text
    (row,) = kept_files(rt.store, "invoice", rt.store.find_by("invoice", "invoice_number", "1001")["action_public_id"])
    assert (row["document"], row["name"], row["mime"]) == ("invoice", "invoice-1001.pdf", "application/pdf")
    assert row["size"] == file.size and row["sha256"] == hashlib.sha256(file.path.read_bytes()).hexdigest()
    assert row["full_path"] == file.path and files_dir(rt.store) == tmp_path / "files"
    assert rt.store.find_by("invoice", "invoice_number", "1001")["pdf_path"] == str(file.path)


def test_a_credit_invoice_has_its_own_pdf_with_its_own_number_and_amount(rt: Runtime) -> None:
    credit = fetch(rt, "1006")  # the demo's credit invoice on 1005
    original = fetch(rt, "1005")
    (note,), (invoice,) = credit.files, original.files
    assert note.name == "invoice-1006.pdf" and plain(note.title) == "Credit invoice 1006 · Nordic Café AB · -500,00 kr"
    text = read_pdf(note.data).text
    assert "CREDIT INVOICE" in text and "1006" in text and "-500,00" in plain(text)
    assert "CREDIT INVOICE" not in read_pdf(invoice.data).text
    assert note.sha256 != invoice.sha256


def send_reminder(rt: Runtime, number: str, fee: str = "60") -> None:
    aid = rt.store.find_by("invoice", "invoice_number", number)["action_public_id"]
    rt.billecta.send_reminder(SendReminderInvoiceView(invoice_action_public_id=aid,
                                                      reminder_fee=AmountView.of(Decimal(fee))))


def test_a_reminder_has_its_own_pdf_beside_the_invoices(rt: Runtime) -> None:
    send_reminder(rt, "1002")
    outcome = fetch(rt, "1002")
    invoice, reminder = outcome.files
    assert (invoice.name, reminder.name) == ("invoice-1002.pdf", "invoice-1002-reminder.pdf")
    assert plain(reminder.title).startswith("Reminder for invoice 1002 · Anna Andersson · 4 372,50 kr · due ")
    assert "4 312,50 kr" in plain(invoice.title)
    reminder_text = plain(read_pdf(reminder.data).text)
    assert "PAYMENT REMINDER" in reminder_text and "Reminder fee" in reminder_text and "4 372,50 kr" in reminder_text
    assert "PAYMENT REMINDER" not in read_pdf(invoice.data).text
    assert outcome.message.startswith("Fetched the 2 PDFs of invoice 1002 from Billecta: invoice-1002.pdf (")
    assert "invoice-1002-reminder.pdf (" in outcome.message and "4 372,50 kr" in plain(outcome.message)


def test_fetching_again_replaces_the_kept_files_once(rt: Runtime) -> None:
    first = fetch(rt, "1002").files
    send_reminder(rt, "1002")  # a new document since: the invoice's own PDF stays, the reminder's joins it
    again = fetch(rt, "1002").files
    aid = rt.store.find_by("invoice", "invoice_number", "1002")["action_public_id"]
    rows = kept_files(rt.store, "invoice", aid)
    assert [r["document"] for r in rows] == ["invoice", "reminder-1"]
    assert rows[0]["sha256"] == first[0].sha256 == again[0].sha256
    assert sorted(p.name for p in rows[0]["full_path"].parent.iterdir()) == [
        "invoice-1002-reminder.pdf", "invoice-1002.pdf"]  # no temporary or stale copies left


def test_a_second_reminder_renames_the_first_and_leaves_no_stale_file(rt: Runtime, box: Sandbox) -> None:
    send_reminder(rt, "1002")
    fetch(rt, "1002")
    box.advance_days(30)
    send_reminder(rt, "1002")
    names = [f.name for f in fetch(rt, "1002").files]
    assert names == ["invoice-1002.pdf", "invoice-1002-reminder-1.pdf", "invoice-1002-reminder-2.pdf"]
    aid = rt.store.find_by("invoice", "invoice_number", "1002")["action_public_id"]
    folder = kept_files(rt.store, "invoice", aid)[0]["full_path"].parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


def test_a_lost_reply_on_the_file_get_is_just_asked_again(tmp_path: Path, box: Sandbox) -> None:
    losing = LosesFirstFileReply(box.transport())
    runtime = build_runtime(load_settings(billecta_bot_db=tmp_path / "bot.db"), transport=losing)
    try:
        mirror_demo_into_store(runtime)
        (file,) = fetch(runtime, "1001").files
        assert losing.lost == 1 and losing.file_gets == 2
        assert read_pdf(file.data).pages == 1
    finally:
        runtime.close()


def test_a_draft_is_refused_before_anything_saying_to_attest_its_order(rt: Runtime) -> None:
    with pytest.raises(InvoiceStateError) as caught:
        precheck_action(rt, PDF, DEMO["draft"], OPERATOR)  # the demo's draft, linked to order 1010
    assert caught.value.user_message == (
        "Invoice 1010 is a draft that has not been attested yet, so Billecta has made no PDF of it. "
        "Attest it first: `order attest 1010` (it books the invoice and sends it to the debtor).")
    with pytest.raises(InvoiceStateError):
        run_action(rt, PDF, DEMO["draft"], OPERATOR)  # the action itself refuses it too
    assert not rt.store.rows("stored_file")
    assert [r["outcome"] for r in rt.store.rows("audit", "command = 'invoice pdf'")] == ["refused", "refused"]


def test_a_draft_of_no_order_of_ours_says_to_attest_it_in_billecta(rt: Runtime) -> None:
    today = datetime.now()
    aid = rt.billecta.create_invoice(InvoiceActionEntryView(
        creditor_public_id=rt.billecta.creditor_id, debtor_public_id=DEMO.debtors["2"], invoice_date=today,
        due_date=today + timedelta(days=30), external_reference="made-in-billecta",
        records=[InvoiceActionRecordView.model_validate({
            "SequenceNo": 1, "ArticleDescription": "Draft", "Quantity": 1, "VAT": 25,
            "UnitPrice": AmountView.of(Decimal("100.00")).to_wire()})]))
    with pytest.raises(InvoiceStateError, match="Attest it in Billecta first"):
        precheck_action(rt, PDF, aid, OPERATOR)


def test_an_invoice_not_in_billecta_gets_the_seeds_alert(rt: Runtime) -> None:
    rt.store.insert("invoice", {"invoice_number": "1999", "debtor_name": "Nordic Café AB"})
    with pytest.raises(NotInBillecta, match="invoice 1999 is not in Billecta yet"):
        precheck_action(rt, PDF, "1999", OPERATOR)
    assert not rt.store.rows("stored_file")


def test_served_over_http_the_sandbox_gives_the_same_pdf(tmp_path: Path, box: Sandbox) -> None:
    with serving(box) as server:
        settings = load_settings(billecta_bot_db=tmp_path / "bot.db", billecta_base_url=server.url,
                                 billecta_secure_token="sandbox", billecta_creditor_id=box.creditor_id)
        runtime = build_runtime(settings)
        try:
            (file,) = fetch(runtime, "1001").files  # a store that has never seen 1001: looked up by number
        finally:
            runtime.close()
    pdf = read_pdf(file.data)
    assert pdf.title == "Invoice 1001" and "1001" in pdf.text
    assert file.path is not None and file.path.read_bytes() == file.data


def test_an_answer_that_is_not_a_pdf_is_refused_and_keeps_nothing(tmp_path: Path, box: Sandbox) -> None:
    runtime = rewritten(tmp_path, box, file_body=b"<html>Gateway timeout</html>")
    try:
        with pytest.raises(BillectaError, match=r"sent for invoice 1001 \(28 bytes\) is not a PDF; nothing was kept"):
            fetch(runtime, "1001")
        assert not runtime.store.rows("stored_file") and not (tmp_path / "files").exists()
        assert [r["outcome"] for r in runtime.store.rows("audit", "command = 'invoice pdf'")] == ["failed"]
    finally:
        runtime.close()


def test_an_attested_invoice_whose_pdf_billecta_has_not_made_yet_says_to_try_again(tmp_path: Path,
                                                                                  box: Sandbox) -> None:
    runtime = rewritten(tmp_path, box, no_files=True)
    try:
        with pytest.raises(InvoiceStateError) as caught:
            precheck_action(runtime, PDF, "1001", OPERATOR)
    finally:
        runtime.close()
    assert caught.value.user_message == ("Invoice 1001 is sent, but Billecta has no PDF of it yet (it makes one "
                                         "once the invoice is attested and sent). Try again in a few minutes.")


def test_anonymizing_the_debtor_deletes_the_kept_pdfs_of_its_invoices(rt: Runtime) -> None:
    from bot.services.debtors import anonymize_debtor

    (kept,) = fetch(rt, "1001").files
    (other,) = fetch(rt, "1002").files  # Anna Andersson's, not Nordic Café's
    invoice = rt.store.find_by("invoice", "invoice_number", "1001")
    debtor = rt.store.find_by("debtor", "billecta_id", invoice["debtor_public_id"])
    anonymize_debtor(rt, str(debtor["id"]))
    assert kept.path is not None and not kept.path.exists()
    assert not kept_files(rt.store, "invoice", invoice["action_public_id"])
    assert rt.store.find_by("invoice", "invoice_number", "1001")["pdf_path"] is None
    assert other.path is not None and other.path.exists()
    assert [r["name"] for r in rt.store.rows("stored_file")] == ["invoice-1002.pdf"]
