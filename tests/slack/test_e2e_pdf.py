"""`invoice pdf` end to end: signed Slack requests → confirmation → the PDF fetched from the sandbox,
uploaded through the files_upload_v2 flow to the channel the command came from (or the requester's
DMs) with the outcome beside it, and each delivery audited."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from blocks.ids import ActionId, BlockId, CallbackId
from bot.billecta.models import AmountView, SendReminderInvoiceView
from tests.pdf_check import read_pdf

from .conftest import Stack
from .payloads import CHANNEL, field, find_element


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


def run_pdf(stack: Stack, number: str, channel: str = CHANNEL) -> dict[str, Any]:
    """`/billecta invoice pdf <number>` in `channel`, confirmed; the last answer on its response_url."""
    _, response_url = stack.client.command(f"invoice pdf {number}", channel=channel)
    stack.settle()
    message = stack.responses(response_url)[-1]
    button = find_element(message["blocks"], ActionId.ACTION_CONFIRM)
    assert "invoice 1" in message["text"] and button["text"]["text"] == "Fetch the PDF"
    stack.client.click_message(button, response_url=response_url, channel=channel)
    stack.settle()
    return stack.responses(response_url)[-1]


def delivered(stack: Stack) -> list[dict[str, Any]]:
    return stack.rt.store.rows("audit", "command = 'invoice pdf' AND outcome = 'delivered'", order_by="id")


def test_the_pdf_is_uploaded_to_the_channel_with_the_outcome_beside_it_and_audited(stack: Stack) -> None:
    before = len(stack.billecta.calls)
    final = run_pdf(stack, "1001")
    asked = stack.billecta.calls[before:]
    # Reads only: the invoice before confirming, again when confirmed, then its one file.
    assert {method for method, _ in asked} == {"GET"} and stack.billecta.count("GET", "/v1/files/file/") == 1
    (shared,) = stack.fake.uploaded().values()
    assert (shared.filename, shared.channel, shared.thread_ts) == ("invoice-1001.pdf", CHANNEL, None)
    assert plain(shared.title or "") == "Invoice 1001 · Nordic Café AB · 1 250,00 kr · due 22 Dec"
    assert shared.content is not None and read_pdf(shared.content).title == "Invoice 1001"
    assert (shared.comment or "").startswith("[sandbox] Fetched the PDF of invoice 1001 from Billecta: "
                                             "invoice-1001.pdf (")
    assert final["replace_original"] is True and final["text"].endswith("The file is in this channel.")
    (audited,) = delivered(stack)
    digest = hashlib.sha256(shared.content).hexdigest()
    assert audited["detail"] == (f"invoice-1001.pdf · {len(shared.content)} bytes · sha256 {digest} · "
                                 f"to Slack channel {CHANNEL}")
    assert (audited["actor"], audited["channel"], json.loads(audited["record_ids"])) == ("UOPER", CHANNEL, ["1001"])
    assert [r["outcome"] for r in stack.rt.store.rows("audit", "command = 'invoice pdf'")] == ["ok", "delivered"]
    # The notify channel is told (the message, not the file); the requester's channel has both already.
    assert [p["text"] for p in stack.posts("CNOTIFY") if "invoice 1001" in p["text"]]
    assert not stack.posts(CHANNEL) and not stack.posts("CALERT")


def test_a_channel_the_bot_is_not_in_gets_the_file_in_the_requesters_dms(stack: Stack) -> None:
    stack.fake.state.outside.add("CSECRET")
    final = run_pdf(stack, "1001", channel="CSECRET")
    (shared,) = stack.fake.uploaded().values()
    assert shared.channel == "DUOPER" and shared.filename == "invoice-1001.pdf"
    refused = [c for c in stack.fake.calls("files.completeUploadExternal", ok=False)]
    assert [c.args.get("channel_id") for c in refused] == ["CSECRET"]
    assert "The bot cannot post files in <#CSECRET>, so the file is in your DMs with it." in final["text"]
    assert delivered(stack)[0]["detail"].endswith("to Slack DM DUOPER")


def test_from_the_global_shortcut_without_a_channel_the_file_goes_to_the_dms(stack: Stack) -> None:
    stack.client.global_shortcut()
    stack.settle()
    view_id = stack.fake.opened()
    chosen = {**field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "invoice"),
              **field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "fetch-and-save-invoice-pdf"),
              **field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select", "1006")}
    stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE, values=chosen)
    stack.settle()
    stack.client.submit(view_id, chosen)
    stack.settle()
    assert stack.fake.view(view_id)["callback_id"] == CallbackId.ACTION_CONFIRM
    stack.client.submit(view_id)
    stack.settle()
    (shared,) = stack.fake.uploaded().values()
    assert shared.channel == "DUOPER" and shared.filename == "invoice-1006.pdf"
    assert "CREDIT INVOICE" in read_pdf(shared.content or b"").text
    assert "The file is in your DMs with the bot." in str(stack.fake.view(view_id)["blocks"])


def test_from_a_message_shortcut_the_file_goes_into_the_messages_thread(stack: Stack) -> None:
    stack.client.message_shortcut("invoice", {"text": "Can I have the PDF of invoice 1001?", "ts": "7.7"})
    stack.settle()
    view_id = stack.fake.opened()
    chosen = {**field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "fetch-and-save-invoice-pdf"),
              **field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select", "1001")}
    stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND, values=chosen)
    stack.settle()
    stack.client.submit(view_id, chosen)
    stack.settle()
    stack.client.submit(view_id)
    stack.settle()
    (shared,) = stack.fake.uploaded().values()
    assert (shared.channel, shared.thread_ts) == (CHANNEL, "7.7")
    assert "The file is in the thread of that message." in str(stack.fake.view(view_id)["blocks"])
    assert delivered(stack)[0]["detail"].endswith(f"to Slack channel {CHANNEL}, thread 7.7")
    assert not [p for p in stack.posts(CHANNEL) if p.get("thread_ts") == "7.7"]  # the file's comment says it


def test_an_invoice_with_a_reminder_uploads_both_pdfs_together(stack: Stack) -> None:
    aid = stack.rt.store.find_by("invoice", "invoice_number", "1002")["action_public_id"]
    stack.rt.billecta.send_reminder(SendReminderInvoiceView(invoice_action_public_id=aid,
                                                            reminder_fee=AmountView.of(Decimal(60))))
    run_pdf(stack, "1002")
    shared = sorted(stack.fake.uploaded().values(), key=lambda u: u.filename)
    assert [(u.filename, u.channel) for u in shared] == [("invoice-1002-reminder.pdf", CHANNEL),
                                                         ("invoice-1002.pdf", CHANNEL)]
    assert [c.args["channel_id"] for c in stack.fake.calls("files.completeUploadExternal", ok=True)] == [CHANNEL]
    assert "PAYMENT REMINDER" in read_pdf(shared[0].content or b"").text
    assert plain(shared[0].title or "").startswith("Reminder for invoice 1002 · Anna Andersson · 4 372,50 kr")
    assert sorted(r["detail"].split(" · ")[0] for r in delivered(stack)) == [u.filename for u in shared]


def test_a_draft_is_refused_before_any_confirmation_and_nothing_is_uploaded(stack: Stack) -> None:
    _, response_url = stack.client.command("invoice pdf 1010")
    stack.settle()
    answer = stack.responses(response_url)[-1]
    assert "Invoice 1010 is a draft that has not been attested yet" in answer["text"]
    assert "`order attest 1010`" in answer["text"] and ActionId.ACTION_CONFIRM not in str(answer["blocks"])
    assert not stack.fake.calls("files.getUploadURLExternal") and not stack.posts("CALERT")
    assert [r["outcome"] for r in stack.rt.store.rows("audit", "command = 'invoice pdf'")] == ["refused"]


def test_an_invoice_not_in_billecta_gets_the_alert_and_billecta_is_not_asked(stack: Stack) -> None:
    stack.rt.store.insert("invoice", {"invoice_number": "1999", "debtor_name": "Nordic Café AB"})
    calls = len(stack.billecta.calls)
    _, response_url = stack.client.command("invoice pdf 1999")
    stack.settle()
    assert "invoice 1999 is not in Billecta yet" in stack.responses(response_url)[-1]["text"]
    assert len(stack.billecta.calls) == calls and not stack.fake.calls("files.getUploadURLExternal")


def test_a_views_export_goes_through_the_same_uploader_and_is_audited(stack: Stack) -> None:
    stack.client.command("invoice events 1002")
    stack.settle()
    view_id = stack.fake.opened()
    stack.client.view_action(view_id, "view-export.csv", block_id="events-buttons", action_value="csv")
    stack.settle()
    (shared,) = stack.fake.uploaded().values()
    assert shared.channel == "DUOPER" and shared.title == shared.filename and shared.content
    (audited,) = stack.rt.store.rows("audit", "outcome = 'delivered'")
    assert audited["command"] == "invoice events" and json.loads(audited["record_ids"]) == ["1002"]
    digest = hashlib.sha256(shared.content).hexdigest()
    assert audited["detail"] == f"{shared.filename} · {len(shared.content)} bytes · sha256 {digest} · to Slack DM " \
                                "DUOPER"


def test_when_slack_takes_the_file_nowhere_the_user_is_told_and_it_is_audited(stack: Stack) -> None:
    stack.fake.state.outside.update({CHANNEL, "DUOPER"})  # not in the channel, and DMs refused too
    final = run_pdf(stack, "1001")
    assert not stack.fake.uploaded()
    assert "Fetched the PDF of invoice 1001" in final["text"]
    assert "Slack did not take the file just now; run the command again, or from a shell: " \
           "`billecta-bot run invoice pdf 1001`." in final["text"]
    ok, failed = stack.rt.store.rows("audit", "command = 'invoice pdf'", order_by="id")
    assert ok["outcome"] == "ok" and ok["detail"].startswith("Fetched the PDF of invoice 1001")
    assert (failed["outcome"], failed["detail"]) == ("failed", "Slack did not take the file(s): not_in_channel")
