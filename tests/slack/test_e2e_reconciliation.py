"""`/billecta report reconciliation` end to end: signed requests, the strict fake Slack. The modal shows
the totals and the count of each discrepancy kind, the discrepancies with the commands that resolve
them; the PDF and CSV are uploaded to the channel the command came from; a bad period is shown under
its fields; an export button sends one file to the requester."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from blocks.ids import ActionId
from tests.pdf_check import read_pdf

from .conftest import Stack
from .payloads import CHANNEL, field

PERIOD = "from=2026-11-01 to=2026-11-30"


def _dates(**given: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("from", "to"):
        values.update(field(name, ActionId.VIEW_OPTION, "datepicker", given.get(name)))
    return values


def test_the_report_shows_its_discrepancies_and_uploads_its_files_to_the_channel(stack: Stack) -> None:
    view_id = stack.open_view(f"report reconciliation {PERIOD}")
    shown = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "Totals and discrepancies" in shown and "Billecta data as of" in shown
    assert "Invoice no order explains" in shown and "Store: Closing balance (SEK)" in shown
    assert "Invoice 1001 is in Billecta but no order in the store explains it." in shown
    assert "`invoice events 1001`" in shown
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed and completed[-1].args.get("channel_id") == CHANNEL
    files = {upload.filename: upload.content for upload in stack.fake.uploaded().values()}
    pdf_name = "reconciliation-2026-11-01-to-2026-11-30.pdf"
    (csv_name,) = [name for name in files if name.endswith(".csv")]
    assert set(files) == {pdf_name, csv_name}
    assert "Period: 2026-11-01 to 2026-11-30" in read_pdf(files[pdf_name]).text
    rows = list(csv.DictReader(io.StringIO(files[csv_name].decode("utf-8-sig")), delimiter=";"))
    assert rows and all(row["Matched"] == "no" and "invoice events" in row["Actions"] for row in rows)
    comment = completed[-1].args["initial_comment"]
    assert "Reconciliation: the bot's store and Billecta, 1 Nov to 30 Nov: 0 of" in comment
    delivered = stack.rt.store.rows("audit", "outcome = 'delivered' AND command = 'report reconciliation'")
    assert len(delivered) == 2


def test_a_bad_period_is_shown_under_its_field_and_nothing_is_sent(stack: Stack) -> None:
    view_id = stack.open_view(f"report reconciliation {PERIOD}")
    uploads = len(stack.fake.uploaded())
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="to",
                             values=_dates(**{"from": "2026-11-30", "to": "2026-11-01"}))
    stack.settle()
    blocks = stack.fake.view(view_id)["blocks"]
    errors = {b["block_id"]: str(b) for b in blocks if str(b.get("block_id", "")).endswith("-error")}
    assert "before it starts" in errors["to-error"]
    assert len(stack.fake.uploaded()) == uploads


def test_an_export_button_sends_the_csv_to_the_requester(stack: Stack) -> None:
    view_id = stack.open_view(f"report reconciliation {PERIOD}")
    before = len(stack.fake.uploaded())
    stack.client.view_action(view_id, "view-export.csv", block_id="report-buttons", action_value="csv",
                             values=_dates(**{"from": "2026-11-01", "to": "2026-11-30"}))
    stack.settle()
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed[-1].args.get("channel_id") == "DUOPER"
    assert len(stack.fake.uploaded()) == before + 1


def test_a_payment_the_pull_brought_is_still_named_after_a_date_change_in_the_modal(stack: Stack) -> None:
    from bot.services.pull import pull

    pull(stack.rt)  # the store has mirrored 1001 before the bank's payment arrives in Billecta
    stack.sandbox.register_incoming_payment(250_00, "1001", payment_date="2026-11-20")
    view_id = stack.open_view(f"report reconciliation {PERIOD}")
    first = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "is in Billecta only" in first and "250,00" in first
    # A changed date re-runs the report without a pull: the store's side is still what it was before it.
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="to",
                             values=_dates(**{"from": "2026-11-01", "to": "2026-11-29"}))
    stack.settle()
    again = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert '"initial_date": "2026-11-29"' in again  # the re-run is the new period's
    assert "is in Billecta only" in again and "250,00" in again
