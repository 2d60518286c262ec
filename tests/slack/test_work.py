"""The work pools behind the flows: a modal is never opened with an expired trigger id."""

from __future__ import annotations

import threading
import time

import pytest

from bot.slack.deps import Work
from bot.slack.errors import TriggerExpired, describe
from bot.slack.ui import Where

from .conftest import Stack
from .fake_slack import make_trigger


def test_views_open_is_skipped_once_the_trigger_has_expired() -> None:
    errors: list[BaseException] = []
    work = Work(on_error=lambda where, exc: errors.append(exc), workers=1)
    work.open_within = 0.2
    busy = threading.Event()
    for _ in range(2):  # both opener threads stuck (a slow Slack)
        work.open(Where(user="U1"), lambda: busy.wait(5))
    opened: list[str] = []
    work.open(Where(user="U1"), lambda: opened.append("late"))
    time.sleep(0.4)
    busy.set()
    assert work.drain(5)
    work.shutdown()
    assert opened == [] and len(errors) == 1 and isinstance(errors[0], TriggerExpired)
    assert "run the command again" in describe(errors[0])


def test_an_expired_trigger_is_explained_not_shown_as_an_internal_error(stack: Stack,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack.fake, "trigger", lambda issued_at=None: make_trigger(time.monotonic() - 10))
    _, url = stack.client.command("invoice payment 1001")
    stack.settle()
    assert [c.error for c in stack.fake.calls("views.open")] == ["expired_trigger_id"]
    shown = stack.responses(url)[-1]["text"]
    assert "run the command again" in shown and "reference" not in shown
