"""What the shell shows and asks: tables with headers, times in the configured zone with their offset,
the event log (`run invoice events 1001`), `list <type>`, and the confirmation before a change."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot import records, timefmt
from bot.billecta.dates import STOCKHOLM
from bot.commands import Command, Kind
from bot.config import Settings
from bot.demo import link_demo
from bot.errors import UsageError
from bot.runtime import build_runtime
from bot.services.events import EventLog, LogEvent, export_json, filter_log
from bot.services.listing import LISTED_TYPES, find


def tabulate(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to their widest cell, a header line first; the last column is never padded."""
    cells = [[str(h) for h in headers], *[["" if v is None else str(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join("  ".join(cell.ljust(widths[i]) if i < len(row) - 1 else cell
                               for i, cell in enumerate(row)).rstrip() for row in cells)


def stamp(value: datetime | str | None) -> str:
    """A moment as the CLI shows it: '2026-12-01 14:02 +01:00' in the configured zone."""
    return timefmt.format_stamp(value) if value else ""


def confirm(command: Command, count: int, label: str, yes: bool, answer: str | None = None) -> None:
    """Ask before a change (typed count for the most destructive, or `answer`, the invoice number of a
    one-record command that takes a typed confirmation); without a terminal, --yes is needed."""
    text = command.confirm.format(count=count, label=label)
    if yes:
        return
    # A job's confirmation names its records and total apart from the command's sentence; the refusal
    # without a terminal restates them too, so a script's log says what --yes would change.
    records = f"\nRecords: {label}" if command.kind is Kind.BULK else ""
    if not sys.stdin.isatty():
        raise UsageError(f"{text}{records}\nAdd --yes to confirm when not running interactively.")
    print(text + records)
    if command.typed_confirmation:
        wanted = answer if answer is not None else str(count)
        what = " (the invoice number)" if answer is not None else ""
        ok = input(f"Type {wanted}{what} to confirm: ").strip() == wanted
    else:
        ok = input("Proceed? [y/N] ").strip().lower() in ("y", "yes")
    if not ok:
        raise UsageError("Cancelled; nothing was changed.")


# -- list -------------------------------------------------------------------------------------------
def list_records(args: argparse.Namespace, settings: Settings) -> int:
    record_type = args.record_type.lower().removesuffix("s") if args.record_type.lower() not in LISTED_TYPES \
        else args.record_type.lower()
    if record_type not in LISTED_TYPES:
        raise UsageError(f"Cannot list {args.record_type!r}; the types are {', '.join(LISTED_TYPES)}.")
    rt = build_runtime(settings)
    try:
        link_demo(rt)  # on the embedded sandbox, the first run gives the store the demo records
        found = find(rt.store, record_type, " ".join(args.text), limit=args.limit or None)
    finally:
        rt.close()
    if args.json:
        print(json.dumps([record.as_dict() for record in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        what = f" matching {' '.join(args.text)!r}" if args.text else ""
        # A new store against an existing account is empty until pull: say so rather than nothing.
        hint = "" if args.text else records.get(record_type).empty_hint
        print(f"No {record_type}s{what} in the store.{hint}")
        return 0
    rows = [(record.key, record.line, record.billecta_id or "not in Billecta", record.status_text)
            for record in found]
    print(tabulate(("ID", "RECORD", "BILLECTA ID", "STATUS"), rows))
    if args.limit and len(found) == args.limit:
        print(f"(the newest {args.limit}; --limit 0 lists them all)")
    return 0


# -- results of view commands -------------------------------------------------------------------------
def print_view(result: Any, as_json: bool, options: dict[str, str] | None = None) -> None:
    """`options`: the filters given (`text=`, `event_type=`), applied as the Slack view applies them."""
    if isinstance(result, EventLog):
        options = options or {}
        result = filter_log(result, options.get("text"), options.get("event_type"))
        print(export_json(result).content.decode("utf-8") if as_json else format_log(result))
    elif callable(getattr(result, "text", None)) and callable(getattr(result, "as_json", None)):  # a report
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False) if as_json else result.text())
    else:
        print(json.dumps(result, indent=2, default=str, ensure_ascii=False))


def format_log(log: EventLog) -> str:
    """Scheduled events first (next first), then what happened, newest first; one line each."""
    period = f", {log.period[0]} to {log.period[1]}" if log.period else ""
    count = f"{log.count} event{'s' if log.count != 1 else ''}"
    lines = [f"Event log of {log.record}{period} ({count}, fetched {stamp(log.updated_at)})"]
    if log.note:
        lines.append(log.note)
    for title, events in (("Scheduled", log.scheduled), ("Occurred", log.occurred)):
        if events:
            lines.append(f"{title}:")
            rows = [(_when(event), event.status, _text(event)) for event in events]
            lines.extend(f"  {line}" for line in tabulate(("WHEN", "STATUS", "EVENT"), rows).splitlines())
    if log.is_empty and not log.note:
        lines.append("No events available.")
    return "\n".join(lines)


def _when(event: LogEvent) -> str:
    """A moment with its offset; a date alone (a due date) as the date."""
    if event.occurred_at is None:
        return "(no date)"
    billecta_local = event.occurred_at.astimezone(STOCKHOLM)  # Billecta writes dates as Stockholm midnight
    if (billecta_local.hour, billecta_local.minute) == (0, 0):
        return billecta_local.date().isoformat()
    return stamp(event.occurred_at)


def _text(event: LogEvent) -> str:
    text = " - ".join(part for part in (event.title or event.type_label, event.description) if part)
    # The person who asked the bot, as Slack shows it, rather than Billecta's "by API".
    by = event.requester or event.by
    extra = "".join(f"  [{part}]" for part in (event.source, by and f"by {by}") if part)
    return text + extra
