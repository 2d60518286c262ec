"""The event log of a record (command 32, `<type> events <id>`): what happened to it in Billecta.

Events are read from Billecta in real time (billecta-api.md §2.9: an invoice's or case's `Events[]`,
`debtorevents`, and the creditor-wide `invoice/events` over a period), cached into the store's
`event` table, and returned newest first; scheduled events (`HasOccured=false`) are kept apart, next
one first. A payment's log is its invoice's; an unhandled payment that was never matched has only the
bot's own history. The log itself, its filters and CSV/JSON exports are in `bot.services.event_log`
(pure; its names are re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot import records
from bot.billecta.dates import STOCKHOLM, format_datetime, parse_datetime
from bot.billecta.enums import ActionType, EventType
from bot.billecta.models import CommonActionEventView, EventView
from bot.errors import BillectaNotFound, UsageError, echo
from bot.money import format_amount
from bot.records import RecordType, Targets
from bot.services.event_authors import attribute
from bot.services.event_log import (
    CSV_COLUMNS,
    ERROR,
    ERROR_TYPES,
    NO_EVENTS,
    PENDING,
    SUCCESS,
    EventLog,
    ExportFile,
    LogEvent,
    build_log,
    event_types,
    export_csv,
    export_filename,
    export_json,
    filter_log,
    type_label,
)
from bot.services.labels import label, payment_state

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = [
    "CSV_COLUMNS", "ERROR", "ERROR_TYPES", "NO_EVENTS", "PENDING", "SUCCESS", "EventLog", "ExportFile", "LogEvent",
    "build_log", "cache", "creditor_period", "event_log", "event_types", "export_csv", "export_filename",
    "export_json", "filter_log", "from_view", "payment_history", "record_key", "type_label",
]
CREDITOR_DAYS = 30



class EventsOption(StrEnum):
    """The event log's filters: the view's option names, its filter inputs' block ids in the modal."""

    TEXT = "text"
    EVENT_TYPE = "event_type"


# The filters as `/billecta <type> events <id> --text … --event-type …` options (the registry's ViewSpec).
OPTIONS = tuple(str(option) for option in EventsOption)


def from_view(view: EventView, source: str | None = None) -> LogEvent:
    return LogEvent(
        event_type=str(view.event_type), occurred_at=view.event_date, has_occurred=view.has_occured,
        title=view.title or "", description=view.content or "", by=view.event_by, reference=view.reference,
        source=source, event_id=view.event_public_id, is_public=view.is_public,
    )


# -- fetching -------------------------------------------------------------------------------------

@dataclass
class _Target:
    object_type: str  # the Billecta object whose events these are: invoice, debtcollection, debtor, creditor
    key: str | None
    note: str | None = None
    period: tuple[date, date] | None = None


def event_log(rt: Runtime, record: dict[str, Any] | None, options: dict[str, Any] | None = None, *,
              record_type: str | None = None) -> EventLog:
    """The record's events, fetched from Billecta now and cached in the store.

    The record type comes from `record_type` or `options['record_type']` (the command applies to six
    types). options: 'refresh' (default True; False serves what the last fetch cached, for filter
    changes), and 'from'/'to' (dates or ISO strings) or 'days' for a creditor's period (default the
    last 30 days). Filters ('text', 'event_type') are applied by `filter_log`, not here.
    """
    options = options or {}
    record_type = record_type or options.get("record_type")
    if not record_type:
        raise UsageError("Say which kind of record's events to show: invoice, order, debtor, …")
    kind = records.get(record_type)
    if not kind.has_event_log:
        raise UsageError(f"{record_type} records have no event log.")
    if record is None:
        if kind.targets is not Targets.DEFAULT_ONE:
            raise UsageError(f"Say which {record_type}: `{record_type} events <id>`.")
        record = next(iter(rt.store.rows(record_type, order_by="id", limit=1)), {"id": 1})
    name = label(record_type, record)
    key = kind.key(record)
    if kind.bot_history and not record.get(kind.event_key_column):
        return build_log(record_type, key, name, payment_history(rt, record))
    target = _target(rt, kind, record, options)
    if target.key is None:
        return build_log(record_type, key, name, [], note=target.note, period=target.period)
    cached = None if options.get("refresh", True) else _from_cache(rt, target)
    if cached is not None:
        return build_log(record_type, key, name, _authors(rt, kind, record, cached[0]), updated_at=cached[1],
                         period=target.period, note=target.note)
    events = _fetch(rt, target)
    if events is None:
        return build_log(record_type, key, name, [], period=target.period,
                         note=f"Billecta has no {target.object_type} {target.key} any more.")
    cache(rt, target.object_type, target.key, events)
    return build_log(record_type, key, name, _authors(rt, kind, record, events), period=target.period,
                     note=target.note)


def _authors(rt: Runtime, kind: RecordType, record: dict[str, Any], events: list[LogEvent]) -> list[LogEvent]:
    """Events the bot caused, with the person who asked (see bot.services.event_authors)."""
    if kind.event_object == CREDITOR:
        sources = {e.source for e in events if e.source and e.source.startswith("invoice ")}
        keys: dict[str | None, tuple[str, ...]] = {s: _invoice_keys(rt, s.removeprefix("invoice ")) for s in sources}
        return attribute(rt, events, keys)
    invoice = _log_invoice(rt, kind, record)
    if kind.invoice_link:  # the invoice was made from this record, which bot requests name by its own id
        number = (invoice or {}).get("invoice_number")
        return attribute(rt, events, {None: tuple(str(k) for k in (number, record.get("id")) if k)})
    if invoice and invoice.get("invoice_number"):
        return attribute(rt, events, {None: _invoice_keys(rt, str(invoice["invoice_number"]))})
    if kind.event_object == "debtcollection" and record.get("invoice_number"):
        # A case is opened by `invoice debt-collection`, which names the invoice it came from.
        return attribute(rt, events, {None: (str(record["invoice_number"]),)})
    return events


def _log_invoice(rt: Runtime, kind: RecordType, record: dict[str, Any]) -> dict[str, Any] | None:
    """The invoice whose events are the record's log: itself, the one it is on, or the one made from it."""
    if kind.event_object != "invoice":
        return None
    if kind.name == kind.event_object:
        return record
    return rt.store.find_by("invoice", "action_public_id", record.get(kind.event_key_column)) or (
        rt.store.find_by("invoice", kind.invoice_link, record.get("id")) if kind.invoice_link else None)


def _invoice_keys(rt: Runtime, number: str) -> tuple[str, ...]:
    """An invoice as bot requests name it: its number, and its order's id (order attest)."""
    invoice = rt.store.find_by("invoice", "invoice_number", number)
    order_id = (invoice or {}).get("order_id")
    return (number, str(order_id)) if order_id else (number,)


def record_key(record_type: str, record: dict[str, Any]) -> str:
    """The id users know the record by: the invoice number, the case id, else the local id."""
    return records.get(record_type).key(record)


CREDITOR = "creditor"  # the Billecta object whose log is the creditor-wide one, over a period


def _target(rt: Runtime, kind: RecordType, record: dict[str, Any], options: dict[str, Any]) -> _Target:
    assert kind.event_object is not None
    aid = record.get(kind.event_key_column)
    if not aid and kind.invoice_link and record.get("id"):
        invoice = rt.store.find_by("invoice", kind.invoice_link, record["id"])
        aid = invoice["action_public_id"] if invoice else None
    if kind.event_object == CREDITOR:
        return _Target(CREDITOR, aid or rt.billecta.creditor_id, period=creditor_period(options))
    not_synced = f"{label(kind.name, record)} is not in Billecta yet, so it has no events there."
    return _Target(kind.event_object, aid, None if aid else not_synced)


def creditor_period(options: dict[str, Any], today: date | None = None) -> tuple[date, date]:
    today = today or datetime.now(STOCKHOLM).date()
    to = _day(options.get("to")) or today
    start = _day(options.get("from")) or to - timedelta(days=int(options.get("days") or CREDITOR_DAYS))
    if start > to:
        raise UsageError(f"The period starts ({start}) after it ends ({to}).")
    return start, to


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise UsageError(f"{echo(str(value))!r} is not a date; use YYYY-MM-DD.") from exc


def _fetch(rt: Runtime, target: _Target) -> list[LogEvent] | None:
    """The target's events from Billecta; None when Billecta does not know the object."""
    assert target.key is not None
    try:
        if target.object_type == "invoice":
            return [from_view(e) for e in rt.billecta.get_invoice(target.key).events]
        if target.object_type == "debtcollection":
            return [from_view(e) for e in rt.billecta.get_debt_collection(target.key).events]
        if target.object_type == "debtor":
            return [from_view(e) for e in rt.billecta.debtor_events(target.key)]
        assert target.period is not None
        views = rt.billecta.invoice_events(*target.period)
    except BillectaNotFound:
        return None
    return [from_view(view, _source(rt, view)) for view in views]


def _source(rt: Runtime, view: CommonActionEventView) -> str | None:
    aid = view.action_public_id
    if not aid:
        return None
    if view.action_type is ActionType.DebtCollectionAction:
        row = rt.store.find_by("debtcollection", "action_public_id", aid)
        return label("debtcollection", row) if row else f"debtcollection {aid}"
    row = rt.store.find_by("invoice", "action_public_id", aid)
    return label("invoice", row) if row else f"invoice {aid}"


def cache(rt: Runtime, object_type: str, key: str, events: list[LogEvent]) -> None:
    """Replace the store's copy of an object's events (columns the store lacks are left out)."""
    columns = set(rt.store.db["event"].columns_dict)
    rows, seen = [], set()
    for event in events:
        if event.event_id and event.event_id in seen:
            continue
        seen.add(event.event_id)
        row = {"event_public_id": event.event_id, "event_type": event.event_type, "title": event.title,
               "content": event.description, "event_by": event.by, "has_occured": int(event.has_occurred),
               "is_public": int(event.is_public), "reference": event.reference, "source": event.source,
               "event_date": format_datetime(event.occurred_at) if event.occurred_at else None}
        rows.append({k: v for k, v in row.items() if k in columns})
    rt.store.replace_events(object_type, key, rows)


def _from_cache(rt: Runtime, target: _Target) -> tuple[list[LogEvent], datetime] | None:
    """What the last fetch cached for the target, in Billecta's order, and when; None if nothing."""
    rows = rt.store.rows("event", "object_type = ? AND object_key = ?", [target.object_type, target.key],
                         order_by="id")
    if not rows:
        return None
    events = [LogEvent(
        event_type=row["event_type"] or str(EventType.Unknown), has_occurred=bool(row["has_occured"]),
        occurred_at=_moment(row["event_date"]), title=row["title"] or "", description=row["content"] or "",
        by=row["event_by"], reference=row.get("reference"), source=row.get("source"),
        event_id=row["event_public_id"], is_public=bool(row["is_public"]),
    ) for row in rows]
    return events, parse_datetime(rows[0]["fetched_at"])


def _state_words(state: str | None) -> str:
    """'used on an invoice' for Billecta's states; a state of the bot's own ('Registered') in lower case."""
    words = payment_state(state)
    return (state or "unknown").lower() if words.startswith("unknown") else words


def payment_history(rt: Runtime, payment: dict[str, Any]) -> list[LogEvent]:
    """An unmatched payment's history as the bot knows it: received, then each command run on it."""
    amount = format_amount(payment["amount"] or 0, payment.get("currency")) if payment.get("amount") else ""
    sender = f" from {payment['sender_name']}" if payment.get("sender_name") else ""
    events = [LogEvent("PaymentReceived", _moment(payment.get("payment_date")), True,
                       title=f"Payment {amount}{sender}".replace("  ", " ").strip(),
                       description=f"In Billecta: {_state_words(payment.get('state'))}",
                       reference=payment.get("reference"), event_id=payment.get("billecta_id"))]
    keys = [str(payment["id"]), *([payment["billecta_id"]] if payment.get("billecta_id") else [])]
    where = "record_type = 'payment' AND (" + " OR ".join("record_ids LIKE ?" for _ in keys) + ")"
    for row in rt.store.rows("audit", where, [f'%"{key}"%' for key in keys], order_by="id"):
        failed = row["outcome"] != "ok"
        events.append(LogEvent("BotCommandFailed" if failed else "BotCommand", _moment(row["at"]), True,
                               title=f"{row['command']}: {row['outcome']}", description=row["detail"] or "",
                               by=row["actor"]))
    return events


def _moment(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None
