"""`invoice pdf`: fetch an invoice's PDFs from Billecta, keep them beside the store, hand them over.

An invoice's documents are `InvoiceActionView.Invoices[]`: the invoice itself, then each reminder
sent for it, each carrying its own `InvoiceFile` (a FileView without data: the bytes come from
`GET /v1/files/file/{FilePublicId}`). A credit invoice is an invoice of its own, so its PDF is its
own. A PDF exists only once the invoice is attested: a draft is refused before anything is asked,
saying how to attest it. Fetching again replaces the kept copies (bot.services.stored_files). Only
reads reach Billecta, so a lost reply is simply asked again (the client retries GETs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.billecta import enums
from bot.billecta.models import InvoiceActionInvoiceView, InvoiceActionView
from bot.errors import BillectaError, InvoiceStateError
from bot.files import OutcomeFile, safe_name, size_text
from bot.money import format_amount
from bot.roles import Actor
from bot.services import Outcome
from bot.services.invoices import fresh_view
from bot.services.labels import SEP, label, stage_words
from bot.services.stored_files import keep

if TYPE_CHECKING:
    from bot.runtime import Runtime

PDF = "application/pdf"


def precheck_pdf(rt: Runtime, invoice: dict[str, Any]) -> None:
    """Refuse, from a fresh read, an invoice Billecta has no PDF of (a draft), before anyone confirms."""
    _documents(rt, fresh_view(rt, invoice))


def fetch_pdf(rt: Runtime, invoice: dict[str, Any], actor: Actor) -> Outcome:
    view = fresh_view(rt, invoice)
    # Every document is downloaded and checked before any is kept: a refetch never leaves half old, half new.
    fetched = [_fetch(rt, view, document, index, count) for document, index, count in _documents(rt, view)]
    kept = [keep(rt, record_type="invoice", record_key=view.action_public_id, document=slot, file=file,
                 billecta_file_id=file_id) for file, slot, file_id in fetched]
    number = _number(view)
    row = rt.store.find_by("invoice", "action_public_id", view.action_public_id)
    if row is not None:  # the invoice's own PDF, where the store's invoice row has always had room for it
        rt.store.update("invoice", row["id"], {"pdf_path": str(kept[0].path)})
    return Outcome(_message(view, kept), "invoice", [number], details={
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256, "path": str(f.path)} for f in kept]},
        files=kept)


def _documents(rt: Runtime, view: InvoiceActionView) -> list[tuple[InvoiceActionInvoiceView, int, int]]:
    """The documents that have a file, each with its position and how many there are; refuses an
    invoice with none, saying why and what to do."""
    name = f"Invoice {_number(view)}"
    if view.state.stage is enums.InvoiceStage.Created:
        raise InvoiceStateError(f"{name} is a draft that has not been attested yet, so Billecta has made no PDF "
                                f"of it. {_how_to_attest(rt, view)}", key=_number(view))
    documents = [d for d in view.invoices if d.invoice_file is not None and d.invoice_file.file_public_id]
    if not documents:
        raise InvoiceStateError(f"{name} is {stage_words(view.state.stage)}, but Billecta has no PDF of it yet "
                                "(it makes one once the invoice is attested and sent). Try again in a few minutes.",
                                key=_number(view))
    return [(document, index, len(documents)) for index, document in enumerate(documents)]


def _how_to_attest(rt: Runtime, view: InvoiceActionView) -> str:
    order = rt.store.find_by("order", "billecta_id", view.action_public_id)
    if order is not None:
        return f"Attest it first: `order attest {order['id']}` (it books the invoice and sends it to the debtor)."
    return "Attest it in Billecta first (that books the invoice and sends it to the debtor), then fetch its PDF."


def _fetch(rt: Runtime, view: InvoiceActionView, document: InvoiceActionInvoiceView, index: int,
           count: int) -> tuple[OutcomeFile, str, str]:
    """The document's PDF from the files endpoint, with its slot in the store and Billecta's file id."""
    file = document.invoice_file
    assert file is not None and file.file_public_id
    content = rt.billecta.get_file(file.file_public_id)
    if not content.startswith(b"%PDF"):
        raise BillectaError(f"The file Billecta sent for {_what(view, index, count)} ({len(content)} bytes) is not "
                            "a PDF; nothing was kept. Try again later.")
    name, slot = _name(view, index, count)
    return OutcomeFile(name, PDF, _title(view, document, index, count), content=content), slot, file.file_public_id


def _number(view: InvoiceActionView) -> str:
    return str(view.invoice_number or view.action_public_id)


def _name(view: InvoiceActionView, index: int, count: int) -> tuple[str, str]:
    """The delivered file name and the document's slot in the store: 'invoice-1001.pdf' for the
    invoice, 'invoice-1001-reminder.pdf' for its one reminder ('-reminder-2' with several)."""
    stem = f"invoice-{safe_name(_number(view))}"
    if index == 0:
        return f"{stem}.pdf", "invoice"
    suffix = "reminder" if count == 2 else f"reminder-{index}"
    return f"{stem}-{suffix}.pdf", f"reminder-{index}"


def _what(view: InvoiceActionView, index: int, count: int) -> str:
    """'invoice 1001', 'credit invoice 1006', 'the reminder of invoice 1002', 'reminder 2 of invoice 1002'."""
    number = _number(view)
    if index == 0:
        return f"{'credit invoice' if _is_credit(view) else 'invoice'} {number}"
    return f"{'the reminder' if count == 2 else f'reminder {index}'} of invoice {number}"


def _is_credit(view: InvoiceActionView) -> bool:
    return view.action_type is enums.ActionType.CreditInvoiceAction


def _title(view: InvoiceActionView, document: InvoiceActionInvoiceView, index: int, count: int) -> str:
    """'Invoice 1001 · Nordic Café AB · 1 250,00 kr · due 21 Dec': the document's own amount and due date."""
    return SEP.join(_heading(view, index, count) + _facts(view, document))


def _heading(view: InvoiceActionView, index: int, count: int) -> list[str]:
    number = _number(view)
    if index == 0:
        return [f"{'Credit invoice' if _is_credit(view) else 'Invoice'} {number}"]
    return [f"{'Reminder' if count == 2 else f'Reminder {index}'} for invoice {number}"]


def _facts(view: InvoiceActionView, document: InvoiceActionInvoiceView) -> list[str]:
    facts = [view.debtor.name] if view.debtor and view.debtor.name else []
    if document.invoiced_amount is not None:
        facts.append(format_amount(document.invoiced_amount.value, document.invoiced_amount.currency_code))
    if document.due_date is not None and not _is_credit(view):
        facts.append(f"due {timefmt.format_day(timefmt.local(document.due_date).date())}")
    return facts


def _message(view: InvoiceActionView, kept: list[OutcomeFile]) -> str:
    """'Fetched the PDF of invoice 1001 from Billecta: invoice-1001.pdf (3.3 kB) · Nordic Café AB ·
    1 250,00 kr · due 21 Dec.' With several documents, each file with its own title."""
    name = label("invoice", {"invoice_number": view.invoice_number, "action_public_id": view.action_public_id})
    if len(kept) == 1:
        (file,) = kept
        facts = file.title.split(SEP)[1:]  # its heading would only repeat the invoice's name
        shown = SEP.join([f"{file.name} ({size_text(file.size)})", *facts])
        return f"Fetched the PDF of {name} from Billecta: {shown}."
    files = "; ".join(f"{f.name} ({size_text(f.size)}){SEP}{f.title}" for f in kept)
    return f"Fetched the {len(kept)} PDFs of {name} from Billecta: {files}."
