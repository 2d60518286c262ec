"""The event log view (command 32, `<type> events <id>`) as Block Kit dicts, and its file exports.

Pure: an `EventLog` (bot.services.event_log) and the filters in, blocks out. Filters are input blocks
whose block ids are the view option names (`text`, `event_type`) with `dispatch_action`, so the view
flow re-renders on every change (handlers/flows). Scheduled events come first under their own
heading, then the history newest first; a long log is cut to fit Slack's 100 blocks with a note
pointing to the exports, which always hold every matching event.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, context, header, option, plain, section
from blocks.ids import ActionId, unique_id
from blocks.views import ViewContext
from bot import timefmt
from bot.services.event_log import (
    ERROR,
    NO_EVENTS,
    PENDING,
    EventLog,
    ExportFile,
    LogEvent,
    event_types,
    export_csv,
    export_json,
    filter_log,
)
from bot.services.events import EventsOption

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
MAX_BLOCKS = 95  # the view flow adds a few of its own to Slack's 100
SEARCH_MAX = 200  # the filter travels in private_metadata (3,000 in all): no search needs more
ALL_TYPES = "all"
_STATUS_ICON = {ERROR: "❌", PENDING: "⏳"}


class EventsBlock(StrEnum):
    BUTTONS = "events-buttons"


def event_log_blocks(log: EventLog, filter_text: str | None = None, filter_type: str | None = None,
                     *, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """The view's body: last updated, filters, exports, scheduled events, then the history."""
    filter_type = None if filter_type in (None, "", ALL_TYPES) else filter_type
    shown = filter_log(log, filter_text, filter_type)
    blocks = [_status(log, shown), *_filters(log, filter_text, filter_type), *_buttons()]
    if shown.is_empty:
        text = NO_EVENTS if log.is_empty else "No events match the filter."
        blocks.append(section(f"*{text}*"))
        if log.note:
            blocks.append(context(_escape(log.note)))
        return limits.check_blocks(blocks, max_blocks)
    room = max_blocks - len(blocks) - 1 - (1 if shown.scheduled else 0) - (1 if shown.occurred else 0)
    count = 0
    for title, events in (("Scheduled", shown.scheduled), ("History", shown.occurred)):
        if not events or count >= room:
            continue
        blocks.append(header(f"{title} ({len(events)})"))
        for event in events[: room - count]:
            blocks.append(section(event_text(event)))
            count += 1
    if count < shown.count:
        blocks.append(context(f"Showing {count} of {shown.count} events. Export CSV or JSON for all of them."))
    return limits.check_blocks(blocks, max_blocks)


def event_types_options(log: EventLog) -> list[Block]:
    """'All types' and each event type present in the log (Slack takes at most 100 options)."""
    return [option("All types", ALL_TYPES),
            *(option(label, value) for value, label in event_types(log)[: limits.OPTIONS - 1])]


def event_text(event: LogEvent) -> str:
    """One event as mrkdwn: type, status and time, then title, description and details."""
    icon = _STATUS_ICON.get(event.status, "✅")
    lines = [f"*{_escape(event.type_label)}* · {icon} {event.status} · {_when(event)}"]
    if event.source:
        lines[0] += f" · {_escape(event.source)}"
    if event.title and event.title != event.type_label:
        lines.append(_escape(event.title))
    if event.description and event.description != event.title:
        lines.append(_escape(limits.clip(event.description, 1500)))
    details = [_by(event), f"ref {_escape(event.reference)}" if event.reference else ""]
    if any(details):
        lines.append("_" + " · ".join(d for d in details if d) + "_")
    return limits.clip("\n".join(lines), limits.SECTION_TEXT)


def _when(event: LogEvent) -> str:
    """'28 Nov 14:02 CET (+01:00)' in the configured zone; a date alone (a due date at midnight): '15 Dec'."""
    if event.occurred_at is None:
        return "no date"
    local = timefmt.local(event.occurred_at)
    return timefmt.format_day(local.date()) if (local.hour, local.minute) == (0, 0) else timefmt.format_moment(local)


def _by(event: LogEvent) -> str:
    """'by <@U0123> via Slack' (a mention Slack shows as the person's name) rather than Billecta's 'by API'."""
    if event.asked_by and event.asked_via == "slack" and _SLACK_USER.match(event.asked_by):
        return f"by <@{event.asked_by}> via Slack"
    by = event.requester or event.by
    return f"by {_escape(by)}" if by else ""


def view_blocks(ctx: ViewContext) -> list[Block]:
    """The view flow's hook: ctx.result is the EventLog, ctx.options holds the filters."""
    options = ctx.options or {}
    return event_log_blocks(ctx.result, options.get(EventsOption.TEXT), options.get(EventsOption.EVENT_TYPE))


def export(ctx: ViewContext, fmt: str) -> ExportFile:
    """The events matching the view's filters as 'csv' or 'json', named with the filters and the count."""
    filters = export_filters(ctx.options or {})
    log = filter_log(ctx.result, filters.get(EventsOption.TEXT), filters.get(EventsOption.EVENT_TYPE))
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown export format {fmt!r}")
    return export_csv(log, filters) if fmt == "csv" else export_json(log, filters)


def export_filters(options: dict[str, Any]) -> dict[str, str]:
    """The filters that narrow the log (option name → value), without the empty ones and 'all types'."""
    text = (options.get(EventsOption.TEXT) or "").strip()
    event_type = options.get(EventsOption.EVENT_TYPE)
    found = {EventsOption.TEXT.value: text, EventsOption.EVENT_TYPE.value: event_type}
    return {k: str(v) for k, v in found.items() if v not in (None, "", ALL_TYPES)}


def _status(log: EventLog, shown: EventLog) -> Block:
    parts = [f"Last updated {timefmt.format_moment(log.updated_at)}"]
    if log.period:
        parts.append(f"period {timefmt.format_day(log.period[0])} – {timefmt.format_day(log.period[1])}")
    if not log.is_empty:
        noun = "event" if log.count == 1 else "events"
        count = f"{shown.count} of {log.count} {noun}" if shown.count != log.count else f"{log.count} {noun}"
        parts.append(count + (f", {len(shown.scheduled)} scheduled" if shown.scheduled else ""))
    return context(" · ".join(parts))


def _filters(log: EventLog, text: str | None, event_type: str | None) -> list[Block]:
    search: Block = {"type": "plain_text_input", "action_id": unique_id(ActionId.VIEW_OPTION, EventsOption.TEXT),
                     "max_length": SEARCH_MAX,
                     "placeholder": plain("Words in the type, title, description, by or reference",
                                          limits.PLACEHOLDER),
                     "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]}}
    if text:
        search["initial_value"] = text[:SEARCH_MAX]
    options = event_types_options(log)
    select: Block = {"type": "static_select", "action_id": unique_id(ActionId.VIEW_OPTION, EventsOption.EVENT_TYPE),
                     "options": options,
                     "initial_option": next((o for o in options if o["value"] == event_type), options[0])}
    return [_input(EventsOption.TEXT, "Search", search), _input(EventsOption.EVENT_TYPE, "Event type", select)]


def _input(block_id: str, label: str, element: Block) -> Block:
    return {"type": "input", "block_id": str(block_id), "label": plain(label, limits.LABEL), "optional": True,
            "dispatch_action": True, "element": element}


def _buttons() -> list[Block]:
    return [actions(button("Refresh", ActionId.VIEW_REFRESH),
                    button("Export CSV", unique_id(ActionId.VIEW_EXPORT, "csv"), "csv"),
                    button("Export JSON", unique_id(ActionId.VIEW_EXPORT, "json"), "json"),
                    block_id=EventsBlock.BUTTONS)]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
