"""Reading Slack payloads: who, where, and the submitted values of a view. Pure functions."""

from __future__ import annotations

from typing import Any

from bot.slack.ui import Where


def user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    if isinstance(user, str):
        return user
    event = body.get("event") or {}
    return body.get("user_id") or event.get("user")


def user_name(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("username") or user.get("name")
    return body.get("user_name")


def channel_id(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    if isinstance(channel, dict):
        return channel.get("id")
    return body.get("channel_id") or (body.get("container") or {}).get("channel_id")


def where(body: dict[str, Any], *, replace: bool = False) -> Where:
    """Where an answer to this request belongs: the open modal, the message, the channel, or a DM."""
    view = body.get("view") or {}
    urls = body.get("response_urls") or []
    response_url = body.get("response_url") or (urls[0]["response_url"] if urls else None)
    container = body.get("container") or {}
    clicked = container.get("message_ts") if container.get("type") == "message" and \
        not container.get("is_ephemeral") else None
    return Where(user=user_id(body) or "", view_id=view.get("id") if view.get("type") == "modal" else None,
                 response_url=response_url, channel=channel_id(body), message_ts=clicked, replace=replace)


def values(view: dict[str, Any]) -> dict[str, Any]:
    """view.state.values flattened to {block_id: value}, whatever the element type."""
    flat: dict[str, Any] = {}
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        for element in elements.values():
            flat[block_id] = element_value(element)
    return flat


def element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "external_select", "radio_buttons", "users_select", "conversations_select"):
        option = element.get("selected_option")
        if kind == "users_select":
            return element.get("selected_user")
        if kind == "conversations_select":
            return element.get("selected_conversation")
        return option.get("value") if option else None
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return [option["value"] for option in element.get("selected_options") or []]
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    value = element.get("value")
    return value if value not in ("",) else None


def message_ts(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    return container.get("message_ts") or (body.get("message") or {}).get("ts")
