"""`/billecta report create` end to end: signed requests, the strict fake Slack. The modal shows the
preset's sums and uploads the PDF and CSV to the channel; a bad filter is shown under the filter input
and nothing is sent; a scheduled report goes to its channel through the Slack notifier."""

from __future__ import annotations

import json
import re
from typing import Any

from blocks.ids import ActionId
from bot.jobs.schedules import Schedule, Schedules

from .conftest import Stack
from .payloads import CHANNEL, field


def _inputs(*, save: bool = False, **given: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("fields", "filter", "sum", "name"):
        values.update(field(name, ActionId.VIEW_OPTION, "plain_text_input", given.get(name)))
    for name in ("preset", "period_on", "numbers", *(("saved",) if "saved" in given else ())):
        values.update(field(name, ActionId.VIEW_OPTION, "static_select", given.get(name)))
    for name in ("date", "from", "to"):
        values.update(field(name, ActionId.VIEW_OPTION, "datepicker", given.get(name)))
    values.update(field("save", ActionId.VIEW_OPTION, "checkboxes", ["true"] if save else []))
    return values


def _elements(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Each input's block id → its element's type."""
    return {b["block_id"]: b["element"]["type"] for b in blocks if b.get("type") == "input"}


def _errors(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {b["block_id"]: json.dumps(b, ensure_ascii=False) for b in blocks
            if str(b.get("block_id", "")).endswith("-error")}


def test_the_preset_shows_its_sums_and_uploads_its_files_to_the_channel(stack: Stack) -> None:
    view_id = stack.open_view("report create preset=receivables")
    shown = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "Accounts Receivable (Kundreskontra)" in shown and "Billecta data as of" in shown
    assert "Sum Remaining (SEK)" in shown
    completed = stack.fake.calls("files.completeUploadExternal", ok=True)
    assert completed and completed[-1].args.get("channel_id") == CHANNEL
    names = sorted(upload.filename for upload in stack.fake.uploaded().values())
    assert [name.rsplit(".", 1)[1] for name in names] == ["csv", "pdf"]


def test_a_bad_filter_is_shown_under_its_input_and_nothing_is_sent(stack: Stack) -> None:
    view_id = stack.open_view("report create")
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


def test_dates_and_numbers_are_pickers_and_a_bad_period_is_shown_under_its_field(stack: Stack) -> None:
    view_id = stack.open_view("report create")
    inputs = _elements(stack.fake.view(view_id)["blocks"])
    assert {k: inputs[k] for k in ("date", "from", "to", "period_on", "numbers")} == {
        "date": "datepicker", "from": "datepicker", "to": "datepicker", "period_on": "static_select",
        "numbers": "static_select"}
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="numbers", values=_inputs(
        filter="remaining>0", sum="remaining", date="2026-11-15", numbers="whole"))
    stack.settle()
    shown = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "Date: 15 Nov" in shown and "Numbers: whole units (1 250)" in shown
    assert re.search(r"Sum Remaining \(SEK\)\*\\n[\d\u00a0]+\u00a0kr", shown), shown  # whole kronor
    uploads = len(stack.fake.uploaded())
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="to", values=_inputs(
        **{"from": "2026-11-30", "to": "2026-11-01", "period_on": "due_date"}))
    stack.settle()
    errors = _errors(stack.fake.view(view_id)["blocks"])
    assert "The period ends (2026-11-01) before it starts (2026-11-30)." in errors["to-error"]
    assert len(stack.fake.uploaded()) == uploads


def test_a_saved_report_is_offered_with_who_saved_it_and_runs_when_chosen(stack: Stack) -> None:
    view_id = stack.open_view("report create")
    stack.client.view_action(view_id, ActionId.VIEW_OPTION, block_id="save", values=_inputs(
        name="overdue", filter="status=overdue", sum="remaining", save=True))
    stack.settle()
    (row,) = stack.rt.store.rows("saved_report")
    assert (row["name"], row["filter"], row["saved_by"]) == ("overdue", "status=overdue", "uoper")
    again = _open_again(stack, "report create")
    blocks = stack.fake.view(again)["blocks"]
    select = next(b["element"] for b in blocks if b.get("block_id") == "saved")
    (offered,) = select["options"]
    assert offered["value"] == "overdue" and offered["text"]["text"].startswith("overdue · uoper · ")
    stack.client.view_action(again, ActionId.VIEW_OPTION, block_id="saved", values=_inputs(saved="overdue"))
    stack.settle()
    shown = json.dumps(stack.fake.view(again)["blocks"], ensure_ascii=False)
    assert "Filter: status=overdue" in shown and "Sum Remaining (SEK)" in shown and '"overdue"' in shown
    stack.client.view_action(again, ActionId.VIEW_OPTION, block_id="filter",
                             values=_inputs(saved="overdue", filter="remaining>lots"))
    stack.settle()
    refused = stack.fake.view(again)["blocks"]
    assert "remaining: 'lots' is not an amount" in _errors(refused)["filter-error"]
    assert "saved" in _elements(refused)  # still offered while the filter is corrected


def _open_again(stack: Stack, text: str) -> str:
    before = len(stack.fake.calls("views.open", ok=True))
    reply, _ = stack.client.command(text)
    assert reply.status == 200
    stack.settle()
    opened = stack.fake.calls("views.open", ok=True)
    assert len(opened) == before + 1
    return str(opened[-1].result["view"]["id"])
