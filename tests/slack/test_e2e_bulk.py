"""The bulk flow end to end: confirmation with count and names → job → one channel message edited."""

from __future__ import annotations

import json

from blocks.ids import ActionId, BlockId
from bot.slack.refs import find_ids, message_text

from .conftest import Stack
from .payloads import CHANNEL, field, find_element


def _confirmation(stack: Stack, text: str, user: str = "UOPER") -> tuple[dict, str]:
    reply, response_url = stack.client.command(text, user=user)
    assert reply.status == 200
    stack.settle()
    return stack.responses(response_url)[-1], response_url


def test_upsert_debtors_runs_a_job_with_progress_in_the_channel(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "debtor upsert 1-3")
    assert "3 debtor(s)" in message["blocks"][1]["text"]["text"]
    assert "debtor 1" in message["text"]
    button = find_element(message["blocks"], ActionId.BULK_CONFIRM)
    stack.client.click_message(button, response_url=response_url)
    stack.settle()
    *_, started, ended = stack.responses(response_url)
    assert started["replace_original"] and "started on 3 record(s)" in started["text"]
    assert "⏳" in str(started["blocks"]) and "✅" not in str(started["blocks"])  # started is not done
    # The confirmation ends on the job's result, not on "started".
    assert ended["replace_original"] and "3 succeeded" in ended["text"] and "✅" in str(ended["blocks"])
    job = stack.jobs.list(1)[0]
    assert job.finished and job.total == 3 and job.channel == CHANNEL and job.requested_by == "UOPER"
    posts = [p for p in stack.posts(CHANNEL) if f"job {job.id}" in p["text"]]
    assert len(posts) == 1, "one job message, then edits"
    ref = stack.rt.store.find_by("slack_message", "ref", f"job:{job.id}")
    assert ref and ref["channel"] == CHANNEL
    final = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == ref["ts"]]
    last = (final[-1] if final else posts[0])["text"]
    assert "3 succeeded" in last or job.failed, last
    notify = stack.posts("CNOTIFY") if job.ok else stack.posts("CALERT")
    assert any(f"job {job.id}" in p["text"] for p in notify)


def test_typed_confirmation_for_anonymize(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "debtor anonymize 2", user="UADMIN")
    warning = message["blocks"][1]["text"]["text"]
    assert "Dangerous" in warning and "cannot be undone" in warning
    opener = find_element(message["blocks"], ActionId.BULK_TYPED_OPEN)
    stack.client.click_message(opener, user="UADMIN", response_url=response_url)
    stack.settle()
    opened = stack.fake.calls("views.open", ok=True)[-1]
    view_id = stack.fake.calls("views.update", ok=True)[-1].args["view_id"]
    assert opened.args["view"]["title"]["text"]
    typed = field(BlockId.TYPED_COUNT, ActionId.TYPED_COUNT, "plain_text_input", "2")
    wrong = stack.client.submit(view_id, typed, user="UADMIN")
    assert wrong.json["response_action"] == "errors" and BlockId.TYPED_COUNT in wrong.json["errors"]
    right = field(BlockId.TYPED_COUNT, ActionId.TYPED_COUNT, "plain_text_input", "1")
    ok = stack.client.submit(view_id, right, user="UADMIN")
    assert ok.json["response_action"] == "update"
    stack.settle()
    job = stack.jobs.list(1)[0]
    assert job.command == "debtor anonymize" and job.total == 1 and job.finished
    assert "job" in stack.fake.view(view_id)["blocks"][1]["text"]["text"]


def test_bad_ids_say_what_is_wrong(stack: Stack) -> None:
    message, _ = _confirmation(stack, "debtor upsert 1 999")
    assert "999" in message["text"] and "Nothing was done" in message["text"]
    assert not stack.jobs.list(5)


def test_creditor_update_runs_as_a_job(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "creditor update", user="UADMIN")
    assert "creditor 1" in message["text"]
    stack.client.click_message(find_element(message["blocks"], ActionId.BULK_CONFIRM), user="UADMIN",
                               response_url=response_url)
    stack.settle()
    job = stack.jobs.list(1)[0]
    assert job.command == "creditor update" and job.total == 1 and job.finished


def test_every_dangerous_bulk_command_asks_for_the_typed_count(stack: Stack) -> None:
    for text in ("article delete 1", "invoice credit 1001"):
        message, response_url = _confirmation(stack, text, user="UADMIN")
        assert "Dangerous" in message["blocks"][1]["text"]["text"], text
        assert find_element(message["blocks"], ActionId.BULK_TYPED_OPEN), text
        assert ActionId.BULK_CONFIRM not in str(message["blocks"]), text


def test_a_plain_confirm_button_cannot_skip_the_typed_count(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "debtor anonymize 2", user="UADMIN")
    forged = {**find_element(message["blocks"], ActionId.BULK_TYPED_OPEN), "action_id": ActionId.BULK_CONFIRM}
    stack.client.click_message(forged, user="UADMIN", response_url=response_url)
    stack.settle()
    assert not stack.jobs.list(5)
    assert "number of records typed" in stack.responses(response_url)[-1]["text"]


def test_job_messages_name_their_records_for_message_shortcuts(stack: Stack) -> None:
    stack.sandbox.inject_faults(fail_next=1, status=401)  # a failure, not a refusal (400)
    message, response_url = _confirmation(stack, "debtor upsert 2 3 5")
    stack.client.click_message(find_element(message["blocks"], ActionId.BULK_CONFIRM), response_url=response_url)
    stack.settle()
    job = stack.jobs.list(1)[0]
    assert job.failed == 1 and job.succeeded == 2
    ref = stack.rt.store.find_by("slack_message", "ref", f"job:{job.id}")
    edits = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == ref["ts"]]
    job_message = (edits or stack.posts(CHANNEL))[-1]
    assert {"2-3", "5"} <= set(find_ids(message_text(job_message), "debtor"))
    stack.client.message_shortcut("debtor", job_message)
    stack.settle()
    assert "debtor 2-3, 5" in str(stack.fake.calls("views.open", ok=True)[-1].args["view"]["blocks"])
    # A partly failed job: what succeeded is posted to the notify channel, the failure to the alert channel.
    done = [p for p in stack.posts("CNOTIFY") if f"job {job.id}" in p["text"]]
    succeeded = {item.record_id for item in stack.jobs.items(job.id, status="succeeded")}
    assert done and _expanded(find_ids(message_text(done[-1]), "debtor")) == succeeded
    assert any(f"job {job.id}" in p["text"] for p in stack.posts("CALERT"))


def test_two_typed_count_modals_from_one_confirmation_start_one_job(stack: Stack) -> None:
    message, response_url = _confirmation(stack, "debtor anonymize 2", user="UADMIN")
    opener = find_element(message["blocks"], ActionId.BULK_TYPED_OPEN)
    for _ in range(2):  # a double click: two modals
        stack.client.click_message(opener, user="UADMIN", response_url=response_url, message_ts="400.4")
        stack.settle()
    modals = [c.result["view"]["id"] for c in stack.fake.calls("views.open", ok=True)]
    assert len(modals) == 2
    typed = field(BlockId.TYPED_COUNT, ActionId.TYPED_COUNT, "plain_text_input", "1")
    first = stack.client.submit(modals[0], typed, user="UADMIN")
    stack.settle()
    second = stack.client.submit(modals[1], typed, user="UADMIN")
    stack.settle()
    assert len(stack.jobs.list(5)) == 1
    assert "Working" in str(first.json["view"]["blocks"]) or "Starting" in str(first.json["view"]["blocks"])
    assert "already confirmed" in str(second.json["view"]["blocks"])
    assert "job" in str(stack.fake.view(modals[0])["blocks"])


def test_a_job_started_where_the_bot_cannot_post_reports_in_a_dm(stack: Stack) -> None:
    stack.fake.state.outside.add("CPRIVATE")
    reply, response_url = stack.client.command("debtor upsert 1", channel="CPRIVATE")
    stack.settle()
    message = stack.responses(response_url)[-1]
    stack.client.click_message(find_element(message["blocks"], ActionId.BULK_CONFIRM), response_url=response_url,
                               channel="CPRIVATE")
    stack.settle()
    job = stack.jobs.list(1)[0]
    ref = stack.rt.store.find_by("slack_message", "ref", f"job:{job.id}")
    assert job.finished and ref["channel"] == "DUOPER"
    assert any(f"job {job.id}" in p["text"] for p in stack.posts("DUOPER"))


def _expanded(keys: list[str]) -> set[str]:
    """Ids named in a message, ranges spelled out (which debtor fails depends on thread timing)."""
    ids: set[str] = set()
    for key in keys:
        low, _, high = key.partition("-")
        ids.update(str(n) for n in range(int(low), int(high or low) + 1))
    return ids


def test_a_bulk_confirmation_that_moves_money_states_the_total(stack: Stack) -> None:
    message, _ = _confirmation(stack, "order attest 1010")
    shown = json.dumps(message["blocks"], ensure_ascii=False).replace("\u00a0", " ")
    assert "*To book:* 7 090,00 kr excl. VAT" in shown and "order 1010 · Lund Fastigheter AB" in shown
    assert "Total" not in str(_confirmation(stack, "debtor upsert 1")[0])
