"""The App Home dashboard, job buttons, the Web API client's retries, and the fake server's strictness."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from blocks.ids import ActionId
from bot.slack.app import build_web_client

from .conftest import Stack, make_settings
from .fake_slack import FakeSlack
from .payloads import find_element


def test_home_shows_jobs_failures_target_and_quick_actions(stack: Stack) -> None:
    _, url = stack.client.command("debtor upsert 1 2")
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_CONFIRM),
                               response_url=url)
    stack.settle()
    stack.client.event({"type": "app_home_opened", "user": "UOPER", "tab": "home"}, "EvHome")
    stack.settle()
    home = stack.fake.calls("views.publish", ok=True)[-1].args
    text = str(home["view"]["blocks"])
    assert home["user_id"] == "UOPER" and "sandbox (embedded)" in text and "Job 1" in text
    quick = find_element(home["view"]["blocks"], ActionId.HOME_OPEN_PALETTE)
    assert quick
    assert "debtor delete" not in text  # admin-only commands are not offered to an operator
    assert len(home["view"]["blocks"]) <= 100


def test_quick_action_opens_the_palette_on_that_command(stack: Stack) -> None:
    sealer = stack.bot.deps.ui.sealer
    assert sealer is not None  # every button value the bot sends is sealed (bot.slack.seal)
    button = {"action_id": ActionId.HOME_COMMAND, "value": sealer.seal("pause-invoice", 2000)}
    stack.client.click_message(button, ephemeral=False)
    stack.settle()
    view = stack.fake.calls("views.open", ok=True)[-1].args["view"]
    assert "pause-invoice" in view["private_metadata"]


def test_retry_button_on_a_failed_job(stack: Stack) -> None:
    stack.sandbox.inject_faults(fail_next=50, status=401)  # a failure a retry can fix (400 is a refusal)
    _, url = stack.client.command("debtor upsert 1")
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_CONFIRM),
                               response_url=url)
    stack.settle()
    stack.sandbox.inject_faults(fail_next=0)
    failed = stack.jobs.list(1)[0]
    assert failed.failed == 1
    alert = [p for p in stack.posts("CALERT") if f"job {failed.id}" in p["text"]][-1]
    retry = find_element(alert["blocks"], ActionId.JOB_RETRY)
    stack.client.click_message(retry, ephemeral=False, channel="CALERT", message_ts="200.2")
    stack.client.click_message(retry, ephemeral=False, channel="CALERT", message_ts="200.2")
    stack.settle()
    jobs = stack.jobs.list(5)
    assert len(jobs) == 2 and jobs[0].parent_job_id == failed.id
    # The same failed job's retry button on the App Home does not start a third job.
    stack.client.interact({"type": "block_actions", "user": {"id": "UOPER"}, "trigger_id": stack.fake.trigger(),
                           "container": {"type": "view", "view_id": "home-UOPER"},
                           "view": {"id": "home-UOPER", "type": "home"},
                           "actions": [{"action_id": ActionId.JOB_RETRY, "block_id": "b", "value": str(failed.id)}]})
    stack.settle()
    assert len(stack.jobs.list(5)) == 2


def test_web_client_honours_retry_after(fake_slack: FakeSlack, tmp_path: Path) -> None:
    client = build_web_client(make_settings(fake_slack, tmp_path))
    fake_slack.fail_next("chat.postMessage", 429, {"Retry-After": "1"})
    fake_slack.fail_next("chat.postMessage", 503)
    started = time.monotonic()
    client.chat_postMessage(channel="C1", text="invoice 1001")
    assert time.monotonic() - started >= 1.0
    assert [c.ok for c in fake_slack.calls("chat.postMessage")] == [False, False, True]


def test_response_url_posts_are_retried_on_server_errors(fake_slack: FakeSlack, tmp_path: Path) -> None:
    from bot.slack.ui import Ui

    ui = Ui(build_web_client(make_settings(fake_slack, tmp_path)), sandbox=True)
    url = fake_slack.response_url()
    fake_slack.fail_next("_response", 503)
    ui.respond(url, {"text": "invoice 1001 is paused."})
    assert [c.ok for c in fake_slack.calls("_response")] == [False, True]


def test_fake_slack_rejects_what_slack_rejects(fake_slack: FakeSlack, tmp_path: Path) -> None:
    client = build_web_client(make_settings(fake_slack, tmp_path))
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": [{"type": "divider"}]}
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.views_open(trigger_id=fake_slack.trigger(), view=modal)
    ok = {**modal, "title": {"type": "plain_text", "text": "ok"}}
    trigger = fake_slack.trigger()
    client.views_open(trigger_id=trigger, view=ok)
    with pytest.raises(SlackApiError, match="exchanged_trigger_id"):
        client.views_open(trigger_id=trigger, view=ok)
    late = fake_slack.trigger(issued_at=time.monotonic() - 4)
    with pytest.raises(SlackApiError, match="expired_trigger_id"):
        client.views_open(trigger_id=late, view=ok)
    many = {**ok, "blocks": [{"type": "divider"}] * 101}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.views_open(trigger_id=fake_slack.trigger(), view=many)
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.views_open(trigger_id=fake_slack.trigger(), view={**ok, "private_metadata": "x" * 3001})
    option = {"text": {"type": "plain_text", "text": "o" * 76}, "value": "v"}
    select = {"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "l"},
              "element": {"type": "static_select", "action_id": "a", "options": [option]}}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.views_open(trigger_id=fake_slack.trigger(), view={**ok, "submit": ok["title"], "blocks": [select]})


def test_fake_slack_rejects_bad_messages_updates_and_response_urls(fake_slack: FakeSlack, tmp_path: Path) -> None:
    import httpx

    client = build_web_client(make_settings(fake_slack, tmp_path))
    posted = client.chat_postMessage(channel="C1", text="invoice 1001")
    client.chat_update(channel="C1", ts=posted["ts"], text="invoice 1001 is paused")
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel="C2", ts=posted["ts"], text="elsewhere")
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "header", "text": {
            "type": "plain_text", "text": "h" * 151}}])
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "Go"},
              "confirm": {"title": {"type": "plain_text", "text": "t"}, "text": {"type": "plain_text", "text": "x"},
                          "confirm": {"type": "plain_text", "text": "c" * 31},
                          "deny": {"type": "plain_text", "text": "no"}}}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "actions", "elements": [button]}])
    url = fake_slack.response_url()
    answers = [httpx.post(url, json={"text": f"answer {i}"}).status_code for i in range(6)]
    assert answers == [200] * 5 + [404]
    assert httpx.post(fake_slack.response_url(), json={"text": "x", "blocks": [{"type": "divider"}] * 51}
                      ).status_code == 404
