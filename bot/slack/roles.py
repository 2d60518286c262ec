"""Who is asking, from Slack: a user id plus the user groups it belongs to → an `Actor` with a role.

User-group membership comes from `usergroups.list(include_users=True)` and is only fetched when a
role setting names a group (S…). `actor()` runs before every ack, so it never waits for Slack once
membership is known: a stale cache (older than `CACHE_SECONDS`) is served while one background
thread fetches a fresh one. Only the very first request waits, at most `FIRST_WAIT_SECONDS`, and
`start()` (called when the app is built) usually has the membership in by then. A failed fetch is
logged and the last known membership (or none) is kept; the next try comes `RETRY_SECONDS` later.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient

from bot.config import Settings
from bot.roles import Actor, role_for

log = logging.getLogger(__name__)
CACHE_SECONDS = 60.0
RETRY_SECONDS = 10.0
FIRST_WAIT_SECONDS = 2.0


class SlackRoles:
    def __init__(self, settings: Settings, client: WebClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        # Its own client: no rate-limit retries (a refresh is retried on the next request anyway), 2 s timeout.
        self.client = WebClient(token=client.token, base_url=client.base_url, timeout=2)
        self.clock = clock
        self._groups: dict[str, frozenset[str]] = {}
        self._fresh_until: float | None = None  # None: never fetched
        self._fetching = False
        self._first = threading.Event()
        self._lock = threading.Lock()
        configured = settings.admins | settings.operators | settings.viewers
        self._uses_groups = any(item.startswith("S") for item in configured)

    def start(self) -> None:
        """Fetch the membership in the background now, so the first request finds it."""
        if self._uses_groups:
            self._refresh_if_stale()

    def actor(self, user_id: str, name: str | None = None, channel: str | None = None) -> Actor:
        role = role_for(self.settings, user_id, self.groups_of(user_id))
        return Actor(id=user_id, role=role, source="slack", name=name, channel=channel,
                     granters=tuple(sorted(self.settings.admins)))

    def groups_of(self, user_id: str) -> list[str]:
        if not self._uses_groups:
            return []
        self._refresh_if_stale()
        if not self._first.is_set():
            self._first.wait(FIRST_WAIT_SECONDS)
        with self._lock:
            groups = self._groups
        return [group for group, users in groups.items() if user_id in users]

    def _refresh_if_stale(self) -> None:
        with self._lock:
            stale = self._fresh_until is None or self.clock() >= self._fresh_until
            if not stale or self._fetching:
                return
            self._fetching = True
        threading.Thread(target=self._fetch, name="slack-usergroups", daemon=True).start()

    def _fetch(self) -> None:
        try:
            response = self.client.usergroups_list(include_users=True)
            groups = {group["id"]: frozenset(group.get("users") or []) for group in response.get("usergroups") or []}
        except Exception as exc:  # logged; the last known membership is kept and tried again soon
            log.warning("usergroups.list failed, keeping %d cached groups: %s", len(self._groups), exc)
            groups, wait = None, RETRY_SECONDS
        else:
            wait = CACHE_SECONDS
        with self._lock:
            if groups is not None:
                self._groups = groups
            self._fresh_until = self.clock() + wait
            self._fetching = False
        self._first.set()
