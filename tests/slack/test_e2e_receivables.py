"""`/billecta report receivables` end to end: signed requests, the strict fake Slack. The modal shows the
totals and the aging, the PDF, CSV and chart are uploaded to the channel the command came from, bad
dates are shown under their fields, and an export button sends one file to the requester."""

from __future__ import annotations

import json
from typing import Any

from blocks.ids import ActionId
from tests.pdf_check import read_pdf

from .conftest import Stack
from .payloads import CHANNEL, field


def _dates(**given: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("date", "from", "to"):
        values.update(field(name, ActionId.VIEW_OPTION, "datepicker", given.get(name)))
    return values


def test_the_report_shows_totals_and_aging_and_uploads_its_files_to_the_channel(stack: Stack) -> None:
    view_id = stack.open_view("report receivables date=2026-11-30")
    shown = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "Totals and aging" in shown and "Billecta data as of" in shown
    assert "13\u00a0472,50\u00a0kr" in shown  # the demo's five open invoices at 2026-11-30
    assert "Aging: 31-60 days" in shown and "3\u00a0550,00\u00a0kr" in shown
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed and completed[-1].args.get("channel_id") == CHANNEL
    files = {upload.filename: upload.content for upload in stack.fake.uploaded().values()}
    assert set(files) == {"receivables-2026-11-30.pdf", "receivables-2026-11-30-5-rows.csv",
                          "receivables-2026-11-30-aging.png"}
    pdf = read_pdf(files["receivables-2026-11-30.pdf"])
    assert "Date: 2026-11-30" in pdf.text and "13\u00a0472,50" in pdf.text
    assert files["receivables-2026-11-30-5-rows.csv"].startswith(b"\xef\xbb\xbf\"Debtor\";")
    assert "(kundreskontra), 30 Nov: 13\u00a0472,50\u00a0kr remaining on 5 open invoice(s)" in \
        completed[-1].args["initial_comment"]
    delivered = stack.rt.store.rows("audit", "outcome = 'delivered' AND command = 'report receivables'")
    assert len(delivered) == 3


def test_the_modal_of_a_past_snapshot_leaves_out_a_fee_raised_after_it(stack: Stack) -> None:
    from decimal import Decimal

    from bot.billecta.models import AmountView, SendReminderInvoiceView
    from bot.sandbox.seed import DEMO

    overdue = stack.rt.billecta.find_invoice_by_number(DEMO["overdue"])
    assert overdue is not None
    stack.rt.billecta.send_reminder(SendReminderInvoiceView(invoice_action_public_id=overdue.action_public_id,
                                                            reminder_fee=AmountView.of(Decimal("60.00"))))
    # The sandbox sends it at its own (real) time, after 30 Nov: the report's pull dates the fee by it.
    view_id = stack.open_view("report receivables date=2026-11-30")
    shown = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "13\u00a0472,50\u00a0kr" in shown and "reminder fees or interest" not in shown
    fees = stack.rt.store.db.execute("SELECT amount, reference FROM invoice_movement WHERE kind = 'fee'").fetchall()
    assert [row[0] for row in fees] == [6000] and not fees[0][1].startswith("total:")
    files = {upload.filename: upload.content for upload in stack.fake.uploaded().values()}
    assert "reminder fees or interest" not in read_pdf(files["receivables-2026-11-30.pdf"]).text.replace("\n", " ")


def test_bad_dates_are_shown_under_their_fields_and_nothing_is_sent(stack: Stack) -> None:
    view_id = stack.open_view("report receivables")
    uploads = len(stack.fake.uploaded())
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="to",
                             values=_dates(**{"from": "2026-11-30", "to": "2026-11-01"}))
    stack.settle()
    blocks = stack.fake.view(view_id)["blocks"]
    errors = {b["block_id"]: str(b) for b in blocks if str(b.get("block_id", "")).endswith("-error")}
    assert "before it starts" in errors["to-error"]
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="date",
                             values=_dates(date="2026-11-30", **{"from": "2026-11-01", "to": "2026-11-30"}))
    stack.settle()
    blocks = stack.fake.view(view_id)["blocks"]
    assert any(b.get("block_id") == "date-error" and "not both" in str(b) for b in blocks)
    assert len(stack.fake.uploaded()) == uploads  # a filter change sends no files


def test_an_export_button_sends_the_csv_to_the_requester(stack: Stack) -> None:
    view_id = stack.open_view("report receivables date=2026-11-30")
    before = len(stack.fake.uploaded())
    stack.client.view_action(view_id, "view-export.csv", block_id="report-buttons", action_value="csv",
                             values=_dates(date="2026-11-30"))
    stack.settle()
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed[-1].args.get("channel_id") == "DUOPER"
    assert len(stack.fake.uploaded()) == before + 1


def test_a_bad_date_in_the_command_is_shown_under_its_field(stack: Stack) -> None:
    view_id = stack.open_view("report receivables date=2026-13-01")
    blocks = stack.fake.view(view_id)["blocks"]
    (error,) = [b for b in blocks if b.get("block_id") == "date-error"]
    assert "is not a date: write it YYYY-MM-DD" in json.dumps(error, ensure_ascii=False)
    assert not stack.fake.uploaded()
