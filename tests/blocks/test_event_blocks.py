"""The event log view builder: golden snapshots, truncation to Slack's block limit, filters, exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from blocks import limits
from blocks.events import (
    ALL_TYPES,
    EventsOption,
    event_log_blocks,
    event_types_options,
    export,
    view_blocks,
)
from blocks.ids import ActionId, matching
from blocks.views import ViewContext, view_modal, view_module
from bot.billecta.dates import STOCKHOLM
from bot.commands import by_slug
from bot.services.event_log import NO_EVENTS, LogEvent, build_log
from tests.golden import assert_golden
from tests.slack.slack_rules import check_any, check_blocks

GOLDEN = Path(__file__).parent / "golden"
UPDATED = datetime(2026, 11, 25, 13, 5, tzinfo=STOCKHOLM)


def golden(name: str, data: Any) -> None:
    check_any(data)
    assert_golden(GOLDEN, name, data)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=STOCKHOLM)


def sample_log(**kwargs: Any) -> Any:
    events = [
        LogEvent("Created", at(1), True, title="Invoice created", by="api", event_id="e1"),
        LogEvent("Attested", at(1, 10), True, title="Invoice attested", by="Anna <anna@example.com>"),
        LogEvent("InvoiceSent", at(2), True, title="Invoice sent", description="Sent by e-mail to kafe@example.se",
                 reference="OCR 100120"),
        LogEvent("EInvoiceWasRejected", at(3), True, title="E-invoice rejected", description="Bank said no & more"),
        LogEvent("Paid", at(20), True, title="Payment 500,00\u00a0kr", reference="BG 5050-1055"),
        LogEvent("WillSendReminderInvoice", at(30), False, title="Reminder will be sent"),
        LogEvent("InvoiceDue", at(28), False, title="Invoice due"),
    ]
    return build_log("invoice", "1001", "invoice 1001", events, updated_at=UPDATED, **kwargs)


def test_event_log_golden() -> None:
    golden("event_log", event_log_blocks(sample_log()))


def test_event_log_filtered_golden() -> None:
    golden("event_log_filtered", event_log_blocks(sample_log(), "e-mail", None))


def test_empty_log_says_no_events_available() -> None:
    log = build_log("debtor", "7", "debtor 7 (Nordic Café AB)", [], updated_at=UPDATED,
                    note="debtor 7 (Nordic Café AB) is not in Billecta yet, so it has no events there.")
    blocks = event_log_blocks(log)
    golden("event_log_empty", blocks)
    assert NO_EVENTS in json.dumps(blocks)


def test_no_match_is_not_no_events() -> None:
    text = json.dumps(event_log_blocks(sample_log(), "nothing like this", None))
    assert "No events match the filter." in text and NO_EVENTS not in text


def test_scheduled_come_first_next_one_first_then_history_newest_first() -> None:
    blocks = event_log_blocks(sample_log())
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert headers == ["Scheduled (2)", "History (5)"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections[0].startswith("*Invoice due*") and sections[1].startswith("*Will send reminder invoice*")
    assert "⏳ Pending" in sections[0]
    assert sections[2].startswith("*Paid*") and sections[-1].startswith("*Created*")
    assert "❌ Error" in sections[3] and "&amp;" in sections[3]


def test_long_log_is_truncated_with_a_note_pointing_to_the_exports() -> None:
    events = [LogEvent("Updated", datetime(2026, 1, 1, tzinfo=STOCKHOLM).replace(minute=i % 60, hour=i // 60),
                       True, title=f"Update {i}") for i in range(300)]
    log = build_log("invoice", "1001", "invoice 1001", events, updated_at=UPDATED)
    blocks = event_log_blocks(log)
    assert len(blocks) <= 95
    note = blocks[-1]["elements"][0]["text"]
    shown = sum(1 for b in blocks if b["type"] == "section")
    assert note == f"Showing {shown} of 300 events. Export CSV or JSON for all of them."
    limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def test_huge_descriptions_stay_within_section_limits() -> None:
    log = build_log("invoice", "1", "invoice 1", [LogEvent("Updated", at(1), True, title="x" * 5000,
                                                           description="y" * 9000, by="z" * 3000)])
    for block in event_log_blocks(log):
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= limits.SECTION_TEXT


def test_type_options_have_all_types_first_and_respect_limits() -> None:
    options = event_types_options(sample_log())
    assert options[0]["value"] == ALL_TYPES
    assert [o["text"]["text"] for o in options[1:4]] == ["Attested", "Created", "E-invoice was rejected"]
    many = build_log("invoice", "1", "invoice 1", [LogEvent(f"Type{i}" + "X" * 80, at(1), True)
                                                  for i in range(150)])
    options = event_types_options(many)
    assert len(options) == limits.OPTIONS
    for item in options:
        limits.check_option(item)


def test_type_filter_selects_the_option_and_keeps_only_that_type() -> None:
    blocks = event_log_blocks(sample_log(), None, "Paid")
    select = next(b for b in blocks if b.get("block_id") == EventsOption.EVENT_TYPE)["element"]
    assert select["initial_option"]["value"] == "Paid"
    assert [b["text"]["text"].split("*")[1] for b in blocks if b["type"] == "section"] == ["Paid"]


def test_filters_and_buttons_use_the_flow_ids() -> None:
    blocks = event_log_blocks(sample_log(), "sent", ALL_TYPES)
    inputs = {b["block_id"]: b for b in blocks if b["type"] == "input"}
    assert set(inputs) == {"text", "event_type"}
    assert all(b["dispatch_action"] and matching(ActionId.VIEW_OPTION).match(b["element"]["action_id"])
               for b in inputs.values())
    assert inputs["text"]["element"]["initial_value"] == "sent"
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert {(e["action_id"], e.get("value")) for e in buttons} == {
        (ActionId.VIEW_REFRESH, None), ("view-export.csv", "csv"), ("view-export.json", "json")}
    check_blocks(blocks, "modal")  # action ids unique in the view, not only in a block


def test_creditor_log_shows_its_period_and_sources() -> None:
    event = LogEvent("InvoiceSent", at(2), True, title="Invoice sent", source="invoice 1002")
    log = build_log("creditor", "1", "creditor 1", [event], updated_at=UPDATED,
                    period=(date(2026, 10, 26), date(2026, 11, 25)))
    blocks = event_log_blocks(log)
    assert "period 26 Oct – 25 Nov · 1 event" in blocks[0]["elements"][0]["text"]
    assert "invoice 1002" in next(b for b in blocks if b["type"] == "section")["text"]["text"]


def test_view_hooks_apply_the_options() -> None:
    command = by_slug("show-event-log")
    assert command is not None and view_module(command).view_blocks is view_blocks
    ctx = ViewContext(command, "invoice 1001", sample_log(), {"text": "OCR", "event_type": ALL_TYPES})
    assert view_blocks(ctx) == event_log_blocks(sample_log(), "OCR", None)
    filename, content, _, count, _ = export(ctx, "csv")
    assert filename == "events-invoice-1001-text-OCR-1-row.csv" and count == 1  # 'all types' is no filter
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["type"] for r in rows] == ["InvoiceSent"]
    filename, content, _, count, _ = export(ViewContext(command, "invoice 1001", sample_log()), "json")
    assert filename == f"events-invoice-1001-{count}-rows.json"
    assert len(json.loads(content)["occurred"]) == 5


def test_the_view_flow_wraps_the_log_in_a_valid_modal() -> None:
    command = by_slug("show-event-log")
    assert command is not None
    events = [LogEvent("Updated", at(1), True, title=f"Update {i}") for i in range(200)]
    log = build_log("invoice", "1001", "invoice 1001", events, updated_at=UPDATED)
    limits.check_view(view_modal(ViewContext(command, "invoice 1001", log), "{}"))
