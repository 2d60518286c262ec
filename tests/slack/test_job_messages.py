"""One message per job, threads, retried alerts, spent buttons, and how a job's progress reads."""

from __future__ import annotations

from typing import Any

from blocks import notices
from blocks.ids import ActionId, BlockId, CallbackId
from bot.jobs.model import JobStatus

from .conftest import Stack
from .payloads import CHANNEL, field, find_element
from .test_blocks_golden import _job


def _run_job(stack: Stack, text: str, channel: str = CHANNEL) -> None:
    _, url = stack.client.command(text, channel=channel)
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_CONFIRM),
                               response_url=url, channel=channel)
    stack.settle()


def _posted(stack: Stack, channel: str, needle: str) -> list[Any]:
    return [c for c in stack.fake.calls("chat.postMessage", ok=True)
            if c.args.get("channel") == channel and needle in c.args["text"]]


def test_a_job_started_in_the_notify_channel_has_one_message_there(stack: Stack) -> None:
    _run_job(stack, "debtor upsert 1-2", channel="CNOTIFY")
    job = stack.jobs.list(1)[0]
    assert job.ok
    posts = _posted(stack, "CNOTIFY", f"ob {job.id}")
    assert len(posts) == 1, [p.args["text"] for p in posts]  # no second top-level post repeating it
    edits = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == posts[0].result["ts"]]
    assert "2 succeeded" in (edits[-1] if edits else posts[0].args)["text"]


def test_a_message_shortcuts_job_answers_in_that_messages_thread(stack: Stack) -> None:
    stack.client.message_shortcut("debtor", {"text": "please sync debtors 1 and 2", "ts": "5.5"})
    stack.settle()
    view_id = stack.fake.opened()
    picked = field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "upsert-debtors-in-billecta")
    stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND, values=picked)
    stack.settle()
    targets = field(BlockId.PICKER_TARGETS, ActionId.PICKER_TARGETS, "plain_text_input", "1-2")
    assert stack.client.submit(view_id, {**picked, **targets}).json["response_action"] == "update"
    stack.settle()
    assert stack.fake.view(view_id)["callback_id"] == CallbackId.BULK_CONFIRM
    stack.client.submit(view_id)
    stack.settle()
    job = stack.jobs.list(1)[0]
    assert job.finished and job.thread_ts == "5.5"
    mine = _posted(stack, CHANNEL, f"job {job.id}")
    assert len(mine) == 1 and mine[0].args.get("thread_ts") == "5.5"
    # The modal ends on the job's result, not on "started".
    final = str(stack.fake.view(view_id)["blocks"])
    assert "2 succeeded" in final and "started" not in final


def test_a_retried_alert_says_who_retried_and_how_it_ended_and_loses_its_buttons(stack: Stack) -> None:
    stack.sandbox.inject_faults(fail_next=50, status=401)  # a failure a retry can fix (400 is a refusal)
    _run_job(stack, "debtor upsert 1")
    stack.sandbox.inject_faults(fail_next=0)
    failed = stack.jobs.list(1)[0]
    alert = _posted(stack, "CALERT", f"job {failed.id}")[-1]
    retry = find_element(alert.args["blocks"], ActionId.JOB_RETRY)
    stack.client.click_message(retry, ephemeral=False, channel="CALERT", message_ts=alert.result["ts"],
                               user="UADMIN")
    stack.settle()
    retried = stack.jobs.list(1)[0]
    assert retried.parent_job_id == failed.id and retried.ok
    edited = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == alert.result["ts"]][-1]
    shown = str(edited["blocks"])
    assert f"Retried by <@UADMIN> as job {retried.id}" in shown and "all 1 succeeded" in shown
    assert not [b for b in edited["blocks"] if b["type"] == "actions"]


def test_a_retried_action_alert_is_edited_with_the_outcome(stack: Stack, monkeypatch: Any) -> None:
    # fails after the confirmation (the precheck before it reads Billecta too, and must pass)
    monkeypatch.setattr(stack.rt.billecta, "pause_invoice", lambda *args: (_ for _ in ()).throw(RuntimeError("down")))
    _, url = stack.client.command("invoice pause 1001")
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=url)
    stack.settle()
    monkeypatch.undo()
    alert = _posted(stack, "CALERT", "invoice 1001")[-1]
    stack.client.click_message(find_element(alert.args["blocks"], ActionId.ACTION_CONFIRM), ephemeral=False,
                               channel="CALERT", message_ts=alert.result["ts"])
    stack.settle()
    edited = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == alert.result["ts"]][-1]
    assert "Retried by <@UOPER>" in edited["text"] and "invoice 1001 is paused" in edited["text"]
    assert not [b for b in edited["blocks"] if b["type"] == "actions"]


def test_a_typed_confirmation_message_is_spent_once_its_modal_confirmed(stack: Stack) -> None:
    _, url = stack.client.command("debtor anonymize 2", user="UADMIN")
    stack.settle()
    opener = find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_TYPED_OPEN)
    stack.client.click_message(opener, user="UADMIN", response_url=url)
    stack.settle()
    view_id = stack.fake.calls("views.update", ok=True)[-1].args["view_id"]
    stack.client.submit(view_id, field(BlockId.TYPED_COUNT, ActionId.TYPED_COUNT, "plain_text_input", "1"),
                        user="UADMIN")
    stack.settle()
    last = stack.responses(url)[-1]
    assert last["replace_original"] and "job" in last["text"]
    assert ActionId.BULK_TYPED_OPEN not in str(last["blocks"])  # its button cannot open a second modal
    assert "succeeded" in str(stack.fake.view(view_id)["blocks"])  # and the modal ends on the result


def test_progress_reads_as_words_and_a_failed_job_shows_no_full_bar() -> None:
    running = notices.job_message(_job(JobStatus.RUNNING, 3, 1))
    assert "4 of 10 done" in running["text"] and "▓" not in running["text"] and "░" not in running["text"]
    assert "▓" in str(running["blocks"])  # the bar is drawn in the blocks
    failed = notices.job_message(_job(JobStatus.PARTLY_FAILED, 8, 2))
    assert "▓" * 20 not in str(failed["blocks"]) and "8 succeeded of 10" in str(failed["blocks"])
    everything_failed = notices.job_message(_job(JobStatus.FAILED, 0, 10))
    assert "▓" not in str(everything_failed["blocks"])


def test_a_message_shortcuts_one_record_outcome_goes_in_that_messages_thread(stack: Stack) -> None:
    stack.client.message_shortcut("invoice", {"text": "can someone pause invoice 1001?", "ts": "6.6"})
    stack.settle()
    view_id = stack.fake.opened()
    picked = field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "pause-invoice")
    stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND, values=picked)
    stack.settle()
    record = field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select", "1001")
    stack.client.submit(view_id, {**picked, **record})
    stack.settle()
    assert stack.fake.view(view_id)["callback_id"] == CallbackId.ACTION_CONFIRM
    stack.client.submit(view_id)
    stack.settle()
    replies = [c.args for c in _posted(stack, CHANNEL, "invoice 1001 is paused")]
    assert len(replies) == 1 and replies[0].get("thread_ts") == "6.6"


def test_a_dialog_alert_retried_through_its_form_is_edited_with_the_outcome(stack: Stack, monkeypatch: Any) -> None:
    from bot.services import payments

    from .test_e2e_dialog_view import _open, _payment_values

    view_id = _open(stack, "invoice payment 1001")
    monkeypatch.setattr(payments, "fresh_view", lambda *args: (_ for _ in ()).throw(RuntimeError("down")))
    stack.client.submit(view_id, _payment_values("100"))
    stack.settle()
    monkeypatch.undo()
    alert = _posted(stack, "CALERT", "invoice 1001")[-1]
    stack.client.click_message(find_element(alert.args["blocks"], ActionId.OPEN_COMMAND), ephemeral=False,
                               channel="CALERT", message_ts=alert.result["ts"])
    stack.settle()
    stack.client.submit(stack.fake.opened(), _payment_values("100"))
    stack.settle()
    edited = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == alert.result["ts"]][-1]
    assert "Retried by <@UOPER>" in edited["text"] and "✅" in edited["text"]
    assert not [b for b in edited["blocks"] if b["type"] == "actions"]
