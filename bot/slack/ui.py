"""The one way out to Slack: every view and message passes here, so none can miss the sandbox label.

Builders in `blocks/` stay pure; this layer adds the "🧪 Billecta sandbox" context block when the
bot talks to the sandbox and sends through the injected WebClient (or a response_url).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from blocks import limits
from blocks.common import section, with_sandbox
from bot.files import OutcomeFile
from bot.slack.seal import Sealer

log = logging.getLogger(__name__)
Msg = dict[str, Any]
# The message beside shared files is a chat message's text: kept well inside its 40,000 characters.
COMMENT_MAX = 3000


@dataclass
class Where:
    """Where the user is looking: an open modal, the message they clicked, a channel, or their DMs."""

    user: str
    view_id: str | None = None
    response_url: str | None = None
    channel: str | None = None
    thread_ts: str | None = None  # a message shortcut's message: outcomes go in its thread
    message_ts: str | None = None  # the channel message clicked (an alert's Try again), not an ephemeral one
    replace: bool = False  # replace the message behind response_url (confirmation → outcome)
    # After `ack(response_action="update")` the modal must not be updated before Slack has applied
    # the ack's view, or the ack would overwrite the newer view: not before this monotonic time.
    after: float | None = None


ACK_SETTLE_SECONDS = 0.3


def _webhook_retries() -> list[RetryHandler]:
    """response_url posts retry like Web API calls do: connection errors, 429 with Retry-After, 5xx."""
    return [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2)]


def after_ack() -> float:
    return time.monotonic() + ACK_SETTLE_SECONDS


class Ui:
    def __init__(self, client: WebClient, *, sandbox: bool, sealer: Sealer | None = None) -> None:
        self.client = client
        self.sandbox = sandbox
        # Seals every private_metadata and button value that leaves (bot.slack.seal); the app checks
        # them on the way back in. None only for tests of this class alone.
        self.sealer = sealer

    # -- decoration ----------------------------------------------------------------------------
    def view(self, view: dict[str, Any]) -> dict[str, Any]:
        if self.sealer is not None:
            view = self.sealer.seal_view(view)
        if not self.sandbox:
            return view
        return limits.check_view({**view, "blocks": with_sandbox(view.get("blocks", []))})

    def message(self, msg: Msg) -> Msg:
        if self.sealer is not None and msg.get("blocks"):
            msg = {**msg, "blocks": self.sealer.seal_blocks(msg["blocks"])}
        if not self.sandbox:
            return msg
        text = msg.get("text", "")
        # The section shown for a text-only message is clipped to a section's 3,000; the text itself is
        # the builder's (blocks.common.message clips it), so a raw over-long text is still Slack's to refuse.
        blocks = with_sandbox(msg.get("blocks") or [section(text or " ")])
        return {**msg, "text": text if text.startswith("[sandbox]") else f"[sandbox] {text}",
                "blocks": limits.check_message(blocks)}

    # -- views --------------------------------------------------------------------------------
    def open(self, trigger_id: str, view: dict[str, Any]) -> str:
        response = self.client.views_open(trigger_id=trigger_id, view=self.view(view))
        return str(response["view"]["id"])

    def open_with_hash(self, trigger_id: str, view: dict[str, Any]) -> tuple[str, str | None]:
        """views.open, answering the view's id and hash (to update it later only if nothing else did)."""
        response = self.client.views_open(trigger_id=trigger_id, view=self.view(view))
        return str(response["view"]["id"]), response["view"].get("hash")

    def push(self, trigger_id: str, view: dict[str, Any]) -> str:
        response = self.client.views_push(trigger_id=trigger_id, view=self.view(view))
        return str(response["view"]["id"])

    def update(self, view_id: str, view: dict[str, Any], view_hash: str | None = None) -> str | None:
        """Replace the modal's view (at `view_hash`, when given); the new view's hash."""
        kwargs: dict[str, Any] = {"hash": view_hash} if view_hash else {}
        response = self.client.views_update(view_id=view_id, view=self.view(view), **kwargs)
        return (response.get("view") or {}).get("hash")

    def update_if_current(self, current: dict[str, Any], view: dict[str, Any]) -> bool:
        """Update the modal a user interacted with, unless it changed since (`hash_conflict`: a newer
        interaction is on its way and brings its own update)."""
        try:
            self.update(current["id"], view, current.get("hash"))
        except SlackApiError as exc:
            if exc.response.get("error") != "hash_conflict":
                raise
            return False
        return True

    def replace(self, where: Where, view: dict[str, Any]) -> str | None:
        """Update the modal the user is looking at (after the ack's own view has settled); its new hash."""
        if where.after is not None:
            time.sleep(max(0.0, where.after - time.monotonic()))
        return self.update(where.view_id or "", view)

    def publish(self, user: str, view: dict[str, Any]) -> None:
        self.client.views_publish(user_id=user, view=self.view(view))

    # -- messages -----------------------------------------------------------------------------
    def post(self, channel: str, msg: Msg) -> str:
        response = self.client.chat_postMessage(channel=channel, **self.message(msg))
        return str(response["ts"])

    def edit(self, channel: str, ts: str, msg: Msg) -> None:
        self.client.chat_update(channel=channel, ts=ts, **self.message(msg))

    def ephemeral(self, channel: str, user: str, msg: Msg) -> None:
        self.client.chat_postEphemeral(channel=channel, user=user, **self.message(msg))

    def dm_channel(self, user: str) -> str:
        return str(self.client.conversations_open(users=user)["channel"]["id"])

    def dm(self, user: str, msg: Msg) -> str:
        return self.post(self.dm_channel(user), msg)

    def respond(self, response_url: str, msg: Msg, *, replace: bool = False) -> None:
        body = {**self.message(msg), "response_type": "ephemeral", "replace_original": replace}
        response = WebhookClient(response_url, timeout=10, retry_handlers=_webhook_retries()).send_dict(body)
        if response.status_code >= 300:
            log.warning("response_url answered %s: %s", response.status_code, response.body)

    def show(self, where: Where, msg: Msg, *, status_view: dict[str, Any] | None = None) -> None:
        """Put a result or error where the user is looking."""
        if where.view_id and status_view is not None:
            self.replace(where, status_view)
        elif where.response_url:
            self.respond(where.response_url, msg, replace=where.replace)
        elif where.channel:
            self.ephemeral(where.channel, where.user, msg)
        else:
            self.dm(where.user, msg)

    def upload(self, channel: str | None, user: str, files: Sequence[OutcomeFile], comment: str, *,
               thread_ts: str | None = None) -> str:
        """`files` shared in `channel` (in the thread of `thread_ts`) with `comment` beside them, through
        files_upload_v2; in `user`'s DMs when there is no channel or the bot cannot post there. Returns
        the channel they went to."""
        uploads = [{"content": f.data, "filename": f.name, "title": f.title} for f in files]
        text = ("[sandbox] " if self.sandbox else "") + limits.clip(comment, COMMENT_MAX)
        if channel:
            try:
                self.client.files_upload_v2(channel=channel, file_uploads=uploads, initial_comment=text,
                                            thread_ts=thread_ts)
                return channel
            except SlackApiError as exc:  # not_in_channel, channel_not_found…: the user still gets it
                log.info("cannot upload to %s (%s); sending a DM", channel, exc.response.get("error"))
        dm = self.dm_channel(user)
        self.client.files_upload_v2(channel=dm, file_uploads=uploads, initial_comment=text)
        return dm
