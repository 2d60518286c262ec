"""Roles from Slack user groups: a slow or failing usergroups.list never holds an ack."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from bot.roles import Role
from bot.slack import roles as roles_module
from bot.slack.app import build_web_client
from bot.slack.roles import SlackRoles

from .conftest import make_settings
from .fake_slack import FakeSlack


class Groups:
    """usergroups.list: the first answer at once, later ones only when `release` is set."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = threading.Event()
        self.members = ["UGROUPOP"]

    def usergroups_list(self, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.calls > 1:
            self.release.wait(10)
        return {"usergroups": [{"id": "SOPS", "users": list(self.members)}]}


def test_a_stale_membership_is_served_while_a_fresh_one_is_fetched(fake_slack: FakeSlack, tmp_path: Path) -> None:
    now = [1000.0]
    settings = make_settings(fake_slack, tmp_path)
    roles = SlackRoles(settings, build_web_client(settings), clock=lambda: now[0])
    groups = Groups()
    roles.client = groups  # type: ignore[assignment]
    assert roles.actor("UGROUPOP").role is Role.OPERATOR  # the first request waits for the membership
    groups.members = []
    now[0] += roles_module.CACHE_SECONDS + 1
    started = time.monotonic()
    assert roles.actor("UGROUPOP").role is Role.OPERATOR  # stale, but at once: Slack is slow just now
    assert time.monotonic() - started < 0.5
    groups.release.set()
    deadline = time.monotonic() + 5
    while roles.actor("UGROUPOP").role is not Role.NONE and time.monotonic() < deadline:
        time.sleep(0.01)
    assert roles.actor("UGROUPOP").role is Role.NONE and groups.calls == 2


def test_a_failing_fetch_keeps_no_one_waiting(fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = make_settings(fake_slack, tmp_path)
    roles = SlackRoles(settings, build_web_client(settings))
    fake_slack.fail_next("usergroups.list", 500)
    assert roles.actor("UGROUPOP").role is Role.NONE  # no membership known yet: no group role
    assert roles.actor("UOPER").role is Role.OPERATOR
    started = time.monotonic()
    roles.actor("UGROUPOP")
    assert time.monotonic() - started < 0.5
