"""The work pools behind the flows: a modal is never opened with an expired trigger id."""

from __future__ import annotations

import threading
import time

import pytest

from bot.errors import TriggerExpired
from bot.slack.deps import OPENER_THREADS, Work
from bot.slack.errors import describe
from bot.slack.ui import Where

from .conftest import Stack
from .fake_slack import make_trigger


def test_views_open_is_skipped_once_the_trigger_has_expired() -> None:
    errors: list[BaseException] = []
    work = Work(on_error=lambda where, exc: errors.append(exc), workers=1)
    work.open_within = 0.2
    busy = threading.Event()
    for _ in range(OPENER_THREADS):  # every opener thread stuck (a slow Slack)
        work.open(Where(user="U1"), lambda: busy.wait(5))
    opened: list[str] = []
    work.open(Where(user="U1"), lambda: opened.append("late"))
    time.sleep(0.4)
    busy.set()
    assert work.drain(5)
    work.shutdown()
    assert opened == [] and len(errors) == 1 and isinstance(errors[0], TriggerExpired)
    assert "run the command again" in describe(errors[0])


def test_a_burst_of_twenty_commands_opens_its_modals_at_once() -> None:
    """20 concurrent slash commands: every views.open is in flight together, none waits for another
    (with two opener threads the 20th waited for nine rounds of Slack's answer)."""
    errors: list[BaseException] = []
    work = Work(on_error=lambda where, exc: errors.append(exc), workers=1)
    together = threading.Barrier(20, timeout=5)  # passes only when all 20 opens run at the same time
    for _ in range(20):
        work.open(Where(user="U1"), together.wait)
    assert work.drain(10)
    work.shutdown()
    assert errors == []


def test_the_fake_slack_can_answer_as_slowly_as_the_real_one() -> None:
    from slack_sdk import WebClient

    from .fake_slack import FakeSlack

    fake = FakeSlack(latency_ms=120).start()
    try:
        began = time.monotonic()
        WebClient(token="xoxb-test", base_url=fake.url + "/").auth_test()
        assert time.monotonic() - began >= 0.12
        assert fake.calls("auth.test")[0].at - began < 0.12  # recorded when it arrived, answered later
    finally:
        fake.stop()


def test_an_expired_trigger_is_explained_not_shown_as_an_internal_error(stack: Stack,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack.fake, "trigger", lambda issued_at=None: make_trigger(time.monotonic() - 10))
    _, url = stack.client.command("invoice payment 1001")
    stack.settle()
    assert [c.error for c in stack.fake.calls("views.open")] == ["expired_trigger_id"]
    shown = stack.responses(url)[-1]["text"]
    assert "run the command again" in shown and "reference" not in shown
