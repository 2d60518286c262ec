"""Invoice and reminder PDFs (real PDF files, drawn with fpdf2) and the file endpoints.

A file is registered when a document is sent and drawn on its first download from the invoice's
locked rows and that document's dates, amount and address, then kept. Every page says SANDBOX.
"""

from __future__ import annotations

import base64
from typing import Any

from fpdf import FPDF

from bot.billecta.dates import parse_datetime
from bot.money import format_amount
from bot.pdfdoc import latin1 as _t
from bot.pdfdoc import new_document, output
from bot.sandbox.errors import not_found
from bot.sandbox.router import Reply, Request
from bot.sandbox.shapes import complete, guid
from bot.sandbox.state import Store

_TITLES = {"invoice": "INVOICE", "reminder": "PAYMENT REMINDER"}


def _header(pdf: FPDF, creditor: dict[str, Any], title: str, facts: list[tuple[str, str]]) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(110, 8, _t(creditor.get("Name")))
    pdf.cell(0, 8, title, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    lines = [creditor.get("Address"), f"{creditor.get('ZipCode') or ''} {creditor.get('City') or ''}".strip(),
             f"Org.no {creditor.get('OrgNo') or '-'}"]
    for index in range(max(len(lines), len(facts))):
        pdf.cell(110, 5, _t(lines[index] if index < len(lines) else ""))
        label, value = facts[index] if index < len(facts) else ("", "")
        pdf.cell(35, 5, _t(label))
        pdf.cell(0, 5, _t(value), align="R", new_x="LMARGIN", new_y="NEXT")


def _address(pdf: FPDF, address: dict[str, Any]) -> None:
    pdf.ln(6)
    pdf.set_x(115)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, _t(address.get("Name")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in (address.get("Address"), address.get("Address2"),
                 f"{address.get('ZipCode') or ''} {address.get('City') or ''}".strip()):
        if line:
            pdf.set_x(115)
            pdf.cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)


def _rows(pdf: FPDF, inv: dict[str, Any]) -> None:
    widths = (80, 18, 14, 28, 14, 26)
    pdf.set_font("Helvetica", "B", 9)
    for width, label in zip(widths, ("Description", "Qty", "Unit", "Unit price", "VAT %", "Amount"), strict=True):
        pdf.cell(width, 6, label, border="B", align="L" if label == "Description" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    cur = inv["currency"]
    for row in inv["Records"]:
        values = (row.get("ArticleDescription") or row.get("ArticleNumber") or "", f"{row.get('Quantity') or 0:g}",
                  row.get("Units") or "", format_amount(row["UnitPrice"]["Value"], cur), f"{row.get('VAT') or 0:g}",
                  format_amount(row["TotalExclVAT"]["Value"], cur))
        if row.get("RecordType") == "Message":
            values = (values[0], "", "", "", "", "")
        for width, value in zip(widths, values, strict=True):
            pdf.cell(width, 6, _t(value)[:48], align="L" if width == 80 else "R")
        pdf.ln()


def _totals(pdf: FPDF, inv: dict[str, Any], doc: dict[str, Any]) -> None:
    cur, money = inv["currency"], inv["amounts"]
    lines = [("Total excl. VAT", money["invoiced"] - money["vat"]), ("VAT", money["vat"]),
             ("Invoiced amount", money["invoiced"])]
    if doc["kind"] == "reminder":
        lines.append(("Reminder fee", doc["ReminderFee"]))
    lines.append(("AMOUNT TO PAY", doc["InvoicedAmount"]))
    pdf.ln(4)
    for label, value in lines:
        pdf.set_font("Helvetica", "B" if label.isupper() else "", 10)
        pdf.cell(150, 6, label, align="R")
        pdf.cell(0, 6, _t(format_amount(value, cur)), align="R", new_x="LMARGIN", new_y="NEXT")


def draw(creditor: dict[str, Any], inv: dict[str, Any], doc: dict[str, Any]) -> bytes:
    """One sent document (invoice or reminder) as PDF bytes."""
    issued, due = parse_datetime(doc["InvoiceDate"]), parse_datetime(doc["DueDate"])
    pdf = new_document(f"{_TITLES[doc['kind']].title()} {inv['InvoiceNumber']}", author=creditor.get("Name"),
                       creator="billecta-bot sandbox", created=issued)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 72)
    pdf.set_text_color(228, 228, 228)
    with pdf.rotation(35, x=105, y=160):
        pdf.text(38, 180, "SANDBOX")
    pdf.set_text_color(0, 0, 0)
    title = "CREDIT INVOICE" if inv["ActionType"] == "CreditInvoiceAction" else _TITLES[doc["kind"]]
    bankgiro = (creditor.get("CreditorBankInfo") or {}).get("BankgiroNo") or "-"
    _header(pdf, creditor, title, [("Invoice number", inv["InvoiceNumber"]), ("Date", issued.date().isoformat()),
                                   ("Due date", due.date().isoformat()), ("OCR", doc["OCR"] or "-"),
                                   ("Bankgiro", bankgiro)])
    _address(pdf, doc["address"])
    _rows(pdf, inv)
    _totals(pdf, inv, doc)
    pdf.ln(10)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _t(f"Pay {format_amount(doc['InvoicedAmount'], inv['currency'])} to Bankgiro {bankgiro} "
                            f"by {due.date().isoformat()}, quoting the OCR reference {doc['OCR'] or '-'}."),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    pdf.multi_cell(0, 5, "SANDBOX - not a real invoice. Made by billecta-bot's offline Billecta emulator.",
                   new_x="LMARGIN", new_y="NEXT")
    return output(pdf)


def _file(store: Store, file_id: str) -> tuple[str, str, str, bytes | None]:
    found = store.get_file(guid(file_id, "FilePublicId"))
    if found is None:
        raise not_found(f"The file {file_id} does not exist.")
    return found


def file_bytes(store: Store, file_id: str) -> bytes:
    """The file's bytes, drawing and keeping the PDF on first use."""
    name, content_type, owner, data = _file(store, file_id)
    if data is None:
        file_id = guid(file_id)
        inv = store.get("invoice", owner)
        doc = next((d for d in (inv or {}).get("docs", []) if d["FileId"] == file_id), None)
        if inv is None or doc is None:
            raise not_found(f"The file {file_id} does not exist.")
        data = draw(store.get("creditor", inv["CreditorPublicId"]) or {}, inv, doc)
        store.put_file(file_id, name, content_type, owner, data)
    return data


def file_get(store: Store, req: Request) -> Reply:
    name, content_type, _, _ = _file(store, req.params["fid"])
    data = file_bytes(store, req.params["fid"])
    return Reply(200, data, content_type, {"Content-Disposition": f'attachment; filename="{name}"'})


def file_object(store: Store, req: Request) -> dict[str, Any]:
    name, content_type, _, _ = _file(store, req.params["fid"])
    include = (req.arg("includedata") or "").lower() == "true"
    data = base64.b64encode(file_bytes(store, req.params["fid"])).decode("ascii") if include else None
    return complete("FileView", {"FilePublicId": guid(req.params["fid"]), "ContentType": content_type,
                                 "FileName": name, "Data": data})


HANDLERS = {"file_get": file_get, "file_object": file_object}
