"""The event log of a record (command 32, `<type> events <id>`): what happened to it in Billecta.

Events are read from Billecta in real time (billecta-api.md §2.9: an invoice's or case's `Events[]`,
`debtorevents`, and the creditor-wide `invoice/events` over a period), cached into the store's
`event` table, and returned newest first; scheduled events (`HasOccured=false`) are kept apart, next
one first. A payment's log is its invoice's; an unhandled payment that was never matched has only the
bot's own history. Filters and CSV/JSON exports are pure functions of an `EventLog`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.billecta.dates import STOCKHOLM, format_datetime, parse_datetime
from bot.billecta.enums import ActionType, EventType
from bot.billecta.models import CommonActionEventView, EventView
from bot.errors import BillectaNotFound, UsageError
from bot.money import format_amount
from bot.services.labels import label

if TYPE_CHECKING:
    from bot.runtime import Runtime

NO_EVENTS = "No events available"
CREDITOR_DAYS = 30
SUCCESS, PENDING, ERROR = "Success", "Pending", "Error"
# Event types that report something that went wrong or was refused.
ERROR_TYPES = frozenset({
    "EInvoiceWasRejected", "InvoiceSaleRequestDenied", "PaymentCancelled", "AutogiroCancelledWithdrawal",
    "CreditCardCancelledWithdrawal", "ExcludedFromSync", "BotCommandFailed",
})
_LABELS = {
    "UnDisputed": "Dispute cancelled", "AwatingPaymentAcknowledgment": "Awaiting payment acknowledgment",
    "LongTermSurveilance": "Long-term surveillance", "SmsSent": "SMS sent", "SmsWillBeSent": "SMS will be sent",
    "SmsEvent": "SMS", "MessageSendToSocialWelfare": "Message sent to social welfare",
    "SupplementSentToKFM": "Supplement sent to Kronofogden", "Unknown": "Other",
}
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+|\d+")


def type_label(event_type: str) -> str:
    """'InvoiceSent' -> 'Invoice sent', 'EInvoiceRegistered' -> 'E-invoice registered'."""
    if event_type in _LABELS:
        return _LABELS[event_type]
    words = _WORDS.findall(event_type.replace("EInvoice", "Einvoice"))
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return (text[:1].upper() + text[1:]).replace("Einvoice", "E-invoice").replace("einvoice", "e-invoice")


@dataclass(frozen=True)
class LogEvent:
    event_type: str  # Billecta's EventType name, or the bot's own ('PaymentReceived', 'BotCommand')
    occurred_at: datetime | None  # aware; planned time for a scheduled event
    has_occurred: bool
    title: str = ""
    description: str = ""
    by: str | None = None
    reference: str | None = None
    source: str | None = None  # the record it belongs to, in a creditor-wide log ('invoice 1001')
    event_id: str | None = None
    is_public: bool = False

    @property
    def type_label(self) -> str:
        return type_label(self.event_type)

    @property
    def status(self) -> str:
        if not self.has_occurred:
            return PENDING
        return ERROR if self.event_type in ERROR_TYPES else SUCCESS

    @property
    def when(self) -> str:
        """Stockholm local time, '2026-11-25 13:05'; a date alone at midnight (due dates: '2026-12-15')."""
        if self.occurred_at is None:
            return ""
        local = self.occurred_at.astimezone(STOCKHOLM)
        return local.strftime("%Y-%m-%d" if (local.hour, local.minute) == (0, 0) else "%Y-%m-%d %H:%M")

    def matches(self, text: str) -> bool:
        haystack = [self.event_type, self.type_label, self.status, self.title, self.description,
                    self.by or "", self.reference or "", self.source or "", self.when]
        return text.casefold() in "\n".join(haystack).casefold()


@dataclass(frozen=True)
class EventLog:
    record_type: str
    record_key: str  # the id the user gave: 'invoice 1001' is record_type + record_key
    record: str  # the record's label, 'invoice 1001'
    occurred: list[LogEvent]  # newest first
    scheduled: list[LogEvent]  # next first
    updated_at: datetime
    period: tuple[date, date] | None = None  # creditor-wide logs only
    note: str | None = None  # why the log is empty or partial ('not in Billecta yet')
    total: int | None = None  # events before filtering, when filtered

    @property
    def events(self) -> list[LogEvent]:
        return [*self.scheduled, *self.occurred]

    @property
    def count(self) -> int:
        return len(self.occurred) + len(self.scheduled)

    @property
    def is_empty(self) -> bool:
        return self.count == 0

    @property
    def updated(self) -> str:
        return self.updated_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def build_log(record_type: str, record_key: str, record: str, events: list[LogEvent], *,
              updated_at: datetime | None = None, period: tuple[date, date] | None = None,
              note: str | None = None) -> EventLog:
    """Split and order events: occurred newest first, scheduled next first; undated ones last.

    Events with the same time keep Billecta's order (which is chronological) the right way round.
    """
    numbered = list(enumerate(events))
    dated = [(e.occurred_at, i, e) for i, e in numbered if e.has_occurred and e.occurred_at]
    occurred = [e for _, _, e in sorted(dated, key=lambda t: (t[0], t[1]), reverse=True)]
    occurred += [e for _, e in reversed(numbered) if e.has_occurred and not e.occurred_at]
    planned = [(e.occurred_at, i, e) for i, e in numbered if not e.has_occurred and e.occurred_at]
    scheduled = [e for _, _, e in sorted(planned, key=lambda t: (t[0], t[1]))]
    scheduled += [e for _, e in numbered if not e.has_occurred and not e.occurred_at]
    return EventLog(record_type, record_key, record, occurred, scheduled,
                    updated_at or datetime.now(STOCKHOLM), period, note)


def filter_log(log: EventLog, text: str | None = None, event_type: str | None = None) -> EventLog:
    """Only the events containing `text` (any field, any case) and of `event_type`, when given."""
    text = (text or "").strip()
    if not text and not event_type:
        return log

    def keep(event: LogEvent) -> bool:
        return (not event_type or event.event_type == event_type) and (not text or event.matches(text))

    return replace(log, occurred=[e for e in log.occurred if keep(e)],
                   scheduled=[e for e in log.scheduled if keep(e)], total=log.total or log.count)


def event_types(log: EventLog) -> list[tuple[str, str]]:
    """(type, label) of each event type in the log, by label."""
    return sorted({(e.event_type, e.type_label) for e in log.events}, key=lambda pair: pair[1])


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
    if record is None:
        if record_type != "creditor":
            raise UsageError(f"Say which {record_type}: `{record_type} events <id>`.")
        record = next(iter(rt.store.rows("creditor", order_by="id", limit=1)), {"id": 1})
    name = label(record_type, record)
    key = record_key(record_type, record)
    if record_type == "payment" and not record.get("action_public_id"):
        return build_log(record_type, key, name, payment_history(rt, record))
    target = _target(rt, record_type, record, options)
    if target.key is None:
        return build_log(record_type, key, name, [], note=target.note, period=target.period)
    cached = None if options.get("refresh", True) else _from_cache(rt, target)
    if cached is not None:
        return build_log(record_type, key, name, cached[0], updated_at=cached[1], period=target.period,
                         note=target.note)
    events = _fetch(rt, target)
    if events is None:
        return build_log(record_type, key, name, [], period=target.period,
                         note=f"Billecta has no {target.object_type} {target.key} any more.")
    cache(rt, target.object_type, target.key, events)
    return build_log(record_type, key, name, events, period=target.period, note=target.note)


def record_key(record_type: str, record: dict[str, Any]) -> str:
    """The id users know the record by: the invoice number, the case id, else the local id."""
    if record_type == "invoice":
        return str(record.get("invoice_number") or record.get("action_public_id"))
    if record_type == "debtcollection":
        return str(record.get("action_public_id"))
    return str(record.get("id"))


def _target(rt: Runtime, record_type: str, record: dict[str, Any], options: dict[str, Any]) -> _Target:
    not_synced = f"{label(record_type, record)} is not in Billecta yet, so it has no events there."
    if record_type in ("invoice", "debtcollection", "payment"):
        aid = record.get("action_public_id")
        return _Target("invoice" if record_type != "debtcollection" else "debtcollection", aid,
                       None if aid else not_synced)
    if record_type == "order":
        invoice = record.get("id") and rt.store.find_by("invoice", "order_id", record["id"])
        aid = record.get("billecta_id") or (invoice["action_public_id"] if invoice else None)
        return _Target("invoice", aid, None if aid else not_synced)
    if record_type == "debtor":
        return _Target("debtor", record.get("billecta_id"), None if record.get("billecta_id") else not_synced)
    if record_type == "creditor":
        return _Target("creditor", record.get("billecta_id") or rt.billecta.creditor_id,
                       period=creditor_period(options))
    raise UsageError(f"{record_type} records have no event log.")


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
        raise UsageError(f"{value!r} is not a date; use YYYY-MM-DD.") from exc


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


def payment_history(rt: Runtime, payment: dict[str, Any]) -> list[LogEvent]:
    """An unmatched payment's history as the bot knows it: received, then each command run on it."""
    amount = format_amount(payment["amount"] or 0, payment.get("currency")) if payment.get("amount") else ""
    sender = f" from {payment['sender_name']}" if payment.get("sender_name") else ""
    events = [LogEvent("PaymentReceived", _moment(payment.get("payment_date")), True,
                       title=f"Payment {amount}{sender}".replace("  ", " ").strip(),
                       description=f"State in Billecta: {payment.get('state') or 'unknown'}",
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


# -- exports --------------------------------------------------------------------------------------

class ExportFile(NamedTuple):
    filename: str
    content: bytes
    mimetype: str


CSV_COLUMNS = ("section", "time", "timestamp", "type", "type_label", "status", "title", "description",
               "by", "reference", "record", "event_id")


def _row(event: LogEvent) -> dict[str, Any]:
    return {"section": "occurred" if event.has_occurred else "scheduled", "time": event.when,
            "timestamp": event.occurred_at.isoformat() if event.occurred_at else None,
            "type": event.event_type, "type_label": event.type_label, "status": event.status,
            "title": event.title, "description": event.description, "by": event.by,
            "reference": event.reference, "record": event.source, "event_id": event.event_id}


def export_filename(log: EventLog, extension: str) -> str:
    key = re.sub(r"[^A-Za-z0-9._-]+", "-", log.record_key).strip("-") or "record"
    return f"events-{log.record_type}-{key}.{extension}"


def export_csv(log: EventLog) -> ExportFile:
    """UTF-8 with a BOM (so Excel reads å, ä, ö), comma-separated, scheduled events first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_row(event) for event in log.events)
    return ExportFile(export_filename(log, "csv"), buffer.getvalue().encode("utf-8-sig"), "text/csv")


def export_json(log: EventLog) -> ExportFile:
    payload = {
        "record": log.record, "record_type": log.record_type, "record_key": log.record_key,
        "updated_at": log.updated_at.isoformat(), "note": log.note,
        "period": [day.isoformat() for day in log.period] if log.period else None,
        "scheduled": [_row(event) for event in log.scheduled],
        "occurred": [_row(event) for event in log.occurred],
    }
    content = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
    return ExportFile(export_filename(log, "json"), content, "application/json")
