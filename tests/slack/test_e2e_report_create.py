"""`/billecta report create` end to end: signed requests, the strict fake Slack. The modal shows the
preset's sums and uploads the PDF and CSV to the channel; a bad filter is shown under the filter input
and nothing is sent; a scheduled report goes to its channel through the Slack notifier."""

from __future__ import annotations

import json
from typing import Any

from blocks.ids import ActionId
from bot.jobs.schedules import Schedule, Schedules

from .conftest import Stack
from .payloads import CHANNEL, field


def _open(stack: Stack, text: str) -> str:
    reply, _ = stack.client.command(text)
    assert reply.status == 200 and reply.text == ""
    stack.settle()
    (opened,) = stack.fake.calls("views.open", ok=True)
    return str(opened.result["view"]["id"])


def _inputs(**given: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("fields", "filter", "sum", "name"):
        values.update(field(name, ActionId.VIEW_OPTION, "plain_text_input", given.get(name)))
    values.update(field("preset", ActionId.VIEW_OPTION, "static_select", given.get("preset")))
    values.update(field("save", ActionId.VIEW_OPTION, "checkboxes", []))
    return values


def test_the_preset_shows_its_sums_and_uploads_its_files_to_the_channel(stack: Stack) -> None:
    view_id = _open(stack, "report create preset=receivables")
    shown = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "Accounts Receivable (Kundreskontra)" in shown and "Billecta data as of" in shown
    assert "Sum Remaining (SEK)" in shown
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed and completed[-1].args.get("channel_id") == CHANNEL
    names = sorted(upload.filename for upload in stack.fake.uploaded().values())
    assert [name.rsplit(".", 1)[1] for name in names] == ["csv", "pdf"]


def test_a_bad_filter_is_shown_under_its_input_and_nothing_is_sent(stack: Stack) -> None:
    view_id = _open(stack, "report create")
    uploads = len(stack.fake.uploaded())
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="filter",
                             values=_inputs(filter="remaining>lots;colour=red"))
    stack.settle()
    blocks = stack.fake.view(view_id)["blocks"]
    errors = {b["block_id"]: json.dumps(b, ensure_ascii=False) for b in blocks
              if str(b.get("block_id", "")).endswith("-error")}
    assert "remaining: 'lots' is not an amount" in errors["filter-error"] and "'colour'" in errors["filter-error"]
    assert len(stack.fake.uploaded()) == uploads


def test_a_scheduled_report_is_uploaded_to_its_channel(stack: Stack) -> None:
    schedules = Schedules(stack.rt.store, [Schedule("prepaid", "0 7 * * 1", "report create", channel=CHANNEL,
                                                    options="preset=receivables sum=remaining")])
    schedules.queue = stack.jobs
    schedules.fire("prepaid")
    assert (schedules.state("prepaid") or {})["last_outcome"] == f"posted 2 file(s) to {CHANNEL}"
    stack.settle()
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed[-1].args.get("channel_id") == CHANNEL
    assert "Billecta data as of" in completed[-1].args["initial_comment"]
