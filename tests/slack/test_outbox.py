"""Notifications are durable: posts and edits wait in the store's outbox while Slack answers 429, go out
in order per channel once it accepts again (edits of one message coalesced), and a new process
delivers what an old one left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from blocks.ids import ActionId
from bot.slack.homewatch import WithHome
from bot.slack.outbox import Outbox
from bot.store import Store

from .conftest import Stack, build_stack, close_stack
from .fake_slack import FakeSlack
from .payloads import CHANNEL, find_element


def _outbox(stack: Stack) -> Outbox:
    notifier = stack.bot.deps.notifier
    assert isinstance(notifier, WithHome) and notifier.outbox is not None
    return notifier.outbox


def _change(number: str) -> Any:
    return ("invoice", None, {"invoice_number": number, "stage": "Attested"})


def test_channel_posts_wait_out_a_rate_limit_and_arrive_in_order(stack: Stack) -> None:
    # Longer than the Web API client's own 429 retries last (3 × Retry-After 1 s): today both are lost.
    stack.fake.rate_limit("chat.postMessage", seconds=3.5, retry_after=1)
    stack.bot.deps.notifier.mirror_changes([_change("1001")])
    stack.bot.deps.notifier.mirror_changes([_change("1002")])
    assert stack.posts("CNOTIFY") == []  # queued: the caller (a job's or a pull's thread) did not wait
    assert _outbox(stack).wait_delivered(15)
    posts = [p["text"] for p in stack.posts("CNOTIFY")]
    assert len(posts) == 2 and "1001" in posts[0] and "1002" in posts[1], posts
    assert stack.fake.calls("chat.postMessage", ok=False), "Slack did refuse them for a while"


def test_a_job_finishing_under_a_rate_limit_gets_one_message_edited_to_its_final_state(stack: Stack) -> None:
    stack.fake.rate_limit("chat.postMessage", seconds=2.5, retry_after=1)
    stack.fake.rate_limit("chat.update", seconds=2.5, retry_after=1)
    reply, url = stack.client.command("debtor upsert 1-3")
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_CONFIRM),
                               response_url=url)
    stack.settle()
    job = stack.jobs.list(1)[0]
    assert job.finished
    assert _outbox(stack).wait_delivered(15)
    mine = [p for p in stack.posts(CHANNEL) if f"job {job.id}" in p["text"]]
    assert len(mine) == 1, "one message for the job"
    ref = stack.rt.store.find_by("slack_message", "ref", f"job:{job.id}")
    assert ref is not None
    edits = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == ref["ts"]]
    # What piled up while Slack refused went out as one edit with the latest content.
    assert len(edits) <= 1 and "3 succeeded" in (edits[-1] if edits else mine[0])["text"]


def test_an_edit_queued_before_its_post_waits_for_it_and_only_the_latest_is_sent(fake_slack: FakeSlack,
                                                                                 tmp_path: Path) -> None:
    stack = build_stack(fake_slack, tmp_path)
    try:
        outbox = _outbox(stack)
        fake_slack.rate_limit("chat.postMessage", calls=1, retry_after=1)
        outbox.post("CNOTIFY", {"text": "version 1"}, ref="demo:1")
        outbox.edit("demo:1", {"text": "version 2"})
        outbox.edit("demo:1", {"text": "version 3"})
        assert outbox.wait_delivered(10)
        posted = stack.fake.calls("chat.postMessage", ok=True)
        edits = stack.fake.calls("chat.update", ok=True)
        assert [c.args["text"] for c in posted] == ["[sandbox] version 1"]
        assert [c.args["text"] for c in edits] == ["[sandbox] version 3"]
        assert edits[0].args["ts"] == posted[0].result["ts"]
    finally:
        close_stack(stack)


def test_a_refused_message_does_not_hold_back_the_channel(stack: Stack) -> None:
    outbox = _outbox(stack)
    outbox.post("CNOTIFY", {"text": "x" * 40_001}, ref="demo:big")  # msg_too_long: retrying cannot help
    outbox.edit("demo:big", {"text": "still too late"})
    outbox.post("CNOTIFY", {"text": "next one"})
    assert outbox.wait_delivered(10)
    assert [p["text"] for p in stack.posts("CNOTIFY")] == ["[sandbox] next one"]
    assert stack.rt.store.count("slack_outbox", "status = 'failed'") == 2
    assert not stack.fake.calls("chat.update")


def test_a_new_process_delivers_what_the_old_one_left(fake_slack: FakeSlack, tmp_path: Path) -> None:
    first = build_stack(fake_slack, tmp_path)
    fake_slack.rate_limit("chat.postMessage", retry_after=1)  # until lifted
    first.bot.deps.notifier.mirror_changes([_change("1001")])
    first.bot.deps.notifier.mirror_changes([_change("1002")])
    close_stack(first)  # the process stops while Slack still refuses
    assert first.rt.store.count("slack_outbox", "status = 'pending'") == 2
    assert not first.posts("CNOTIFY")
    fake_slack.lift("chat.postMessage")
    second = build_stack(fake_slack, tmp_path)
    try:
        assert _outbox(second).wait_delivered(10)
        posts = [p["text"] for p in second.posts("CNOTIFY")]
        assert len(posts) == 2 and "1001" in posts[0] and "1002" in posts[1], posts
    finally:
        close_stack(second)


def test_settled_rows_are_forgotten_after_a_week_pending_ones_never() -> None:
    store = Store(":memory:")
    outbox = Outbox(store, None)  # type: ignore[arg-type]  # not started: nothing is sent
    for status in ("sent", "failed", "pending"):
        store.insert("slack_outbox", {"lane": "CX", "kind": "post", "channel": "CX", "payload": "{}",
                                      "status": status, "attempts": 0, "created_at": "2020-01-01T00:00:00+00:00"})
    assert outbox.prune() == 2
    assert store.count("slack_outbox", "created_at < '2021'") == 1
