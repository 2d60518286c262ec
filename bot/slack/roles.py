"""Who is asking, from Slack: a user id plus the user groups it belongs to → an `Actor` with a role.

User-group membership comes from `usergroups.list(include_users=True)`, cached briefly. It is only
fetched when a role setting names a group (S…), with a short timeout and no retries, so a slow Slack
never holds an ack: on failure the last known membership (or none) is used and the error logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.roles import Actor, role_for

log = logging.getLogger(__name__)
CACHE_SECONDS = 60.0


class SlackRoles:
    def __init__(self, settings: Settings, client: WebClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        # Its own client: no rate-limit retries (they would sleep in the ack path), 2 s timeout.
        self.client = WebClient(token=client.token, base_url=client.base_url, timeout=2)
        self.clock = clock
        self._groups: dict[str, frozenset[str]] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        configured = settings.admins | settings.operators | settings.viewers
        self._uses_groups = any(item.startswith("S") for item in configured)

    def actor(self, user_id: str, name: str | None = None, channel: str | None = None) -> Actor:
        role = role_for(self.settings, user_id, self.groups_of(user_id))
        return Actor(id=user_id, role=role, source="slack", name=name, channel=channel)

    def groups_of(self, user_id: str) -> list[str]:
        if not self._uses_groups:
            return []
        self._refresh_if_stale()
        return [group for group, users in self._groups.items() if user_id in users]

    def _refresh_if_stale(self) -> None:
        with self._lock:
            now = self.clock()
            if self._fetched_at is not None and now - self._fetched_at < CACHE_SECONDS:
                return
            self._fetched_at = now
            try:
                response = self.client.usergroups_list(include_users=True)
            except (SlackApiError, OSError) as exc:
                log.warning("usergroups.list failed, keeping %d cached groups: %s", len(self._groups), exc)
                return
            self._groups = {group["id"]: frozenset(group.get("users") or [])
                            for group in response.get("usergroups") or []}
