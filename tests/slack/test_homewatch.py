"""The App Home stays current: tabs opened recently are published again as jobs move, throttled."""

from __future__ import annotations

import threading

import pytest

from blocks.ids import ActionId
from bot.slack.homewatch import HomeWatch

from .conftest import Stack
from .payloads import find_element


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_only_recent_viewers_and_at_most_once_per_interval() -> None:
    clock, published = Clock(), []
    fired = threading.Event()
    watch = HomeWatch(window=600, interval=0.2, clock=clock)
    watch.bind(lambda users: (published.append(users), fired.set()))
    watch.changed()
    assert published == []  # nobody has the Home open
    watch.opened("UOLD")
    clock.now += 700
    watch.opened("UNEW")
    watch.changed()
    assert published == [["UNEW"]]  # UOLD opened it too long ago
    watch.changed()
    watch.changed()
    assert published == [["UNEW"]]  # within the interval: held back…
    fired.clear()
    clock.now += 1
    assert fired.wait(2)  # …and sent once when it ends, so the final state lands
    assert published == [["UNEW"], ["UNEW"]]
    watch.close()
    watch.changed()
    assert len(published) == 2


def test_an_open_home_is_refreshed_when_a_job_finishes(stack: Stack) -> None:
    assert stack.bot.deps.home is not None
    stack.bot.deps.home.interval = 0.1
    stack.client.event({"type": "app_home_opened", "user": "UOPER", "tab": "home"}, "EvWatch")
    stack.settle()
    assert len(stack.fake.calls("views.publish", ok=True)) == 1
    _, url = stack.client.command("debtor upsert 1 2")
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_CONFIRM),
                               response_url=url)
    stack.settle()
    job = stack.jobs.list(1)[0]
    assert job.finished
    stack.fake.wait_for("views.publish", 2, user_id="UOPER")
    stack.settle()
    latest = stack.fake.calls("views.publish", ok=True)[-1].args
    assert latest["user_id"] == "UOPER" and f"✅ *Job {job.id}*" in str(latest["view"]["blocks"])
    # Someone who never opened the Home gets nothing published.
    assert {c.args["user_id"] for c in stack.fake.calls("views.publish", ok=True)} == {"UOPER"}


def test_a_failed_command_is_on_the_home_with_try_again_until_it_succeeds(stack: Stack,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert stack.bot.deps.home is not None
    stack.bot.deps.home.interval = 0.1
    # fails after the confirmation (an outage, not a refusal): that belongs on the Home with Try again
    monkeypatch.setattr(stack.rt.billecta, "pause_invoice", lambda *args: (_ for _ in ()).throw(RuntimeError("down")))
    _, url = stack.client.command("invoice pause 1001")
    stack.settle()
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=url)
    stack.settle()
    monkeypatch.undo()
    stack.client.event({"type": "app_home_opened", "user": "UOPER", "tab": "home"}, "EvFailed")
    stack.settle()
    home = stack.fake.calls("views.publish", ok=True)[-1].args["view"]
    assert "`invoice pause` on invoice 1001" in str(home["blocks"])
    retry = find_element(home["blocks"], ActionId.ACTION_CONFIRM)
    stack.client.interact({"type": "block_actions", "user": {"id": "UOPER"}, "trigger_id": stack.fake.trigger(),
                           "container": {"type": "view", "view_id": "home-UOPER"},
                           "view": {"id": "home-UOPER", "type": "home"},
                           "actions": [{"action_id": ActionId.ACTION_CONFIRM, "block_id": "b",
                                        "value": retry["value"]}]})
    stack.settle()
    stack.fake.wait_quiet(0.5)
    assert any("invoice 1001 is paused" in p["text"] for p in stack.posts("DUOPER"))  # the outcome, in a DM
    latest = stack.fake.calls("views.publish", ok=True)[-1].args["view"]
    assert "`invoice pause` on invoice 1001" not in str(latest["blocks"])  # refreshed: it succeeded since
