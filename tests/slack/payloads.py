"""Real Slack payloads, signed like Slack signs them, built from the production id constants.

`SlackClient` posts them to the running app's HTTP endpoint: slash commands form-encoded, everything
interactive as `payload=<json>`, events as JSON; each with X-Slack-Request-Timestamp and a v0 HMAC
X-Slack-Signature over the raw body.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from blocks.ids import SHORTCUT_PREFIX, SLASH_COMMAND, CallbackId

from .fake_slack import FakeSlack
from .slack_rules import check_ack

TEAM = {"id": "T1", "domain": "fake"}
CHANNEL = "CWORK"
_seq = itertools.count(1)


@dataclass
class Reply:
    status: int
    text: str
    elapsed: float

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text) if self.text else {}


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = timestamp or int(time.time())
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature or ""}


def value(kind: str, v: Any) -> dict[str, Any]:
    """One element's state as Slack reports it in view.state.values."""
    if kind in ("static_select", "external_select", "radio_buttons"):
        return {"type": kind, "selected_option": {"value": v, "text": {"type": "plain_text", "text": str(v)}}}
    if kind == "datepicker":
        return {"type": kind, "selected_date": v}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": [{"value": x} for x in v]}
    return {"type": kind, "value": v}


def field(block_id: str, action_id: str, kind: str, v: Any) -> dict[str, Any]:
    """One input of view.state.values: {block_id: {action_id: state}}."""
    return {str(block_id): {str(action_id): value(kind, v)}}


def find_element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}, block.get("element") or {}]:
            if element.get("action_id") == action_id or str(element.get("action_id")).startswith(f"{action_id}."):
                return element
    raise AssertionError(f"no element {action_id} in {json.dumps(blocks)[:500]}")


class SlackClient:
    def __init__(self, url: str, secret: str, fake: FakeSlack) -> None:
        self.url, self.secret, self.fake = url, secret, fake
        self.http = httpx.Client(timeout=30)

    def close(self) -> None:
        self.http.close()

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> Reply:
        started = time.monotonic()
        response = self.http.post(self.url, content=body.encode(), headers={
            "Content-Type": content_type, **sign(self.secret, body), **(headers or {})})
        return Reply(response.status_code, response.text, time.monotonic() - started)

    def interact(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
        reply = self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", headers)
        if reply.status == 200:  # what the app acked is shown by Slack, so Slack's rules apply to it too
            check_ack(payload["type"], reply.json, payload.get("view"))
        return reply

    # -- entry points -----------------------------------------------------------------------
    def command(self, text: str, user: str = "UOPER", channel: str = CHANNEL) -> tuple[Reply, str]:
        response_url = self.fake.response_url()
        body = urlencode({"token": "legacy", "team_id": "T1", "channel_id": channel, "channel_name": "work",
                          "user_id": user, "user_name": user.lower(), "command": SLASH_COMMAND, "text": text,
                          "response_url": response_url, "trigger_id": self.fake.trigger(),
                          "api_app_id": "A1"})
        reply = self.post(body, "application/x-www-form-urlencoded")
        if reply.status == 200:
            check_ack("slash_command", reply.json)
        return reply, response_url

    def message_shortcut(self, record_type: str, message: dict[str, Any], user: str = "UOPER") -> Reply:
        return self.interact({
            "type": "message_action", "callback_id": SHORTCUT_PREFIX + record_type, "trigger_id": self.fake.trigger(),
            "team": TEAM, "user": {"id": user, "name": user.lower()}, "channel": {"id": CHANNEL, "name": "work"},
            "message_ts": message.get("ts", "1.1"), "message": {"type": "message", "ts": "1.1", **message},
            "response_url": self.fake.response_url(), "action_ts": f"{time.time():.6f}"})

    def global_shortcut(self, user: str = "UOPER") -> Reply:
        return self.interact({"type": "shortcut", "callback_id": CallbackId.PALETTE_SHORTCUT, "team": TEAM,
                              "trigger_id": self.fake.trigger(), "user": {"id": user, "name": user.lower()},
                              "action_ts": f"{time.time():.6f}"})

    def click_message(self, button: dict[str, Any], *, user: str = "UOPER", message_ts: str = "100.1",
                      ephemeral: bool = True, response_url: str | None = None, channel: str = CHANNEL) -> Reply:
        """A button click on a message (an ephemeral confirmation or a channel post)."""
        return self.interact({
            "type": "block_actions", "team": TEAM, "user": {"id": user, "name": user.lower()},
            "trigger_id": self.fake.trigger(), "channel": {"id": channel},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                          "is_ephemeral": ephemeral},
            "response_url": response_url or self.fake.response_url(),
            "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                         "value": button.get("value", ""), "action_ts": f"{time.time():.6f}.{next(_seq)}"}]})

    def view_action(self, view_id: str, action_id: str, *, block_id: str = "b", values: Mapping[str, Any] | None = None,
                    action_value: str | None = None, user: str = "UOPER") -> Reply:
        """An interaction inside a modal (a select that dispatches, a button), with its current values."""
        view = {**self.fake.view(view_id), "state": {"values": dict(values or {})}}
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "action_ts": f"{time.time():.6f}"}
        if action_value is not None:  # a button: Slack sends the value the bot gave it (sealed)
            action["value"] = _button_value(view.get("blocks") or [], action_id, action_value)
        return self.interact({"type": "block_actions", "team": TEAM, "user": {"id": user, "name": user.lower()},
                              "trigger_id": self.fake.trigger(), "container": {"type": "view", "view_id": view_id},
                              "view": view, "actions": [action]})

    def submit(self, view_id: str, values: Mapping[str, Any] | None = None, user: str = "UOPER",
               view: dict[str, Any] | None = None) -> Reply:
        view = {**(view or self.fake.view(view_id)), "state": {"values": dict(values or {})}}
        return self.interact({"type": "view_submission", "team": TEAM, "user": {"id": user, "name": user.lower()},
                              "trigger_id": self.fake.trigger(), "view": view})

    def suggest(self, view_id: str, action_id: str, query: str, user: str = "UOPER") -> Reply:
        return self.interact({"type": "block_suggestion", "team": TEAM, "user": {"id": user, "name": user.lower()},
                              "action_id": action_id, "block_id": "b", "value": query,
                              "view": self.fake.view(view_id)})

    def event(self, event: dict[str, Any], event_id: str, retry: int | None = None) -> Reply:
        body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event": event,
                           "event_id": event_id, "event_time": int(time.time())})
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(body, "application/json", headers)


def _button_value(node: Any, action_id: str, value: str) -> str:
    """The value of the view's button `action_id` whose value (seal aside) is `value`; `value` if none."""
    if isinstance(node, list):
        for item in node:
            found = _button_value(item, action_id, value)
            if found != value:
                return found
    elif isinstance(node, dict):
        given = node.get("value")
        if node.get("type") == "button" and node.get("action_id") == action_id and isinstance(given, str) \
                and given.rpartition("~")[0] == value:
            return given
        return _button_value(list(node.values()), action_id, value)
    return value
