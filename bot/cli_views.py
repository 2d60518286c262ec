"""Read-only command results on the shell: the event log as text or JSON (`run invoice events 1001`)."""

from __future__ import annotations

import json
from typing import Any

from bot.services.events import EventLog, LogEvent, export_json


def print_view(result: Any, as_json: bool) -> None:
    if isinstance(result, EventLog):
        print(export_json(result).content.decode("utf-8") if as_json else format_log(result))
    else:
        print(json.dumps(result, indent=2, default=str, ensure_ascii=False))


def format_log(log: EventLog) -> str:
    """Scheduled events first (next first), then what happened, newest first; one line each."""
    period = f", {log.period[0]} to {log.period[1]}" if log.period else ""
    count = f"{log.count} event{'s' if log.count != 1 else ''}"
    lines = [f"Event log of {log.record}{period} ({count}, fetched {log.updated})"]
    if log.note:
        lines.append(log.note)
    for title, events in (("Scheduled", log.scheduled), ("Occurred", log.occurred)):
        if events:
            lines.append(f"{title}:")
            lines.extend(f"  {_line(event)}" for event in events)
    if log.is_empty and not log.note:
        lines.append("No events available.")
    return "\n".join(lines)


def _line(event: LogEvent) -> str:
    text = " - ".join(part for part in (event.title or event.type_label, event.description) if part)
    extra = "".join(f"  [{part}]" for part in (event.source, event.by and f"by {event.by}") if part)
    return f"{event.when or '(no date)':<16}  {event.status:<7}  {text}{extra}"
