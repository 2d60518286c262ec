"""The event log as data: events, their order, filters and the CSV/JSON exports. Pure, no I/O.

`bot.services.events` fetches a record's events from Billecta and builds an `EventLog` with
`build_log`; `blocks.events` renders one, `filter_log` narrows it and `export_csv`/`export_json`
turn it into files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from bot.billecta.dates import STOCKHOLM
from bot.services.export import ExportFile, csv_file, file_stem, rows_part

NO_EVENTS = "No events available"
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
    # The person whose bot request caused the event (Billecta only knows "API"): an audit actor id
    # ('U0123', 'shell:alice'), and where they asked from ('slack', 'cli', 'schedule').
    asked_by: str | None = None
    asked_via: str | None = None

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

    @property
    def requester(self) -> str | None:
        """Who asked the bot for this event: 'U0123 via Slack', 'alice via the CLI', 'schedule nightly'."""
        if not self.asked_by:
            return None
        actor, via = self.asked_by, self.asked_via
        if actor.startswith("shell:"):
            return f"{actor.removeprefix('shell:')} via the CLI"
        if actor.startswith("schedule:"):
            return f"schedule {actor.removeprefix('schedule:')}"
        return f"{actor} via Slack" if via == "slack" else actor

    def matches(self, text: str) -> bool:
        haystack = [self.event_type, self.type_label, self.status, self.title, self.description,
                    self.by or "", self.requester or "", self.reference or "", self.source or "", self.when]
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


# -- exports (written by bot.services.export: formula-safe CSV, named with filter and row count) --------

CSV_COLUMNS = ("section", "time", "timestamp", "type", "type_label", "status", "title", "description",
               "by", "reference", "record", "event_id")


def _row(event: LogEvent) -> dict[str, Any]:
    return {"section": "occurred" if event.has_occurred else "scheduled", "time": event.when,
            "timestamp": event.occurred_at.isoformat() if event.occurred_at else None,
            "type": event.event_type, "type_label": event.type_label, "status": event.status,
            # Who asked the bot (from the audit) rather than Billecta's "API", as the modal shows it.
            "title": event.title, "description": event.description, "by": event.requester or event.by,
            "reference": event.reference, "record": event.source, "event_id": event.event_id}


def export_stem(log: EventLog, filters: Mapping[str, Any] | None = None) -> str:
    """'events-invoice-1001' and the filters: the file name before its row count."""
    return file_stem("events", log.record_type, log.record_key or "record", filters=filters)


def export_filename(log: EventLog, extension: str, filters: Mapping[str, Any] | None = None) -> str:
    return f"{export_stem(log, filters)}-{rows_part(log.count)}.{extension}"


def export_csv(log: EventLog, filters: Mapping[str, str] | None = None) -> ExportFile:
    """Scheduled events first, then the history newest first (`filters`: what narrowed `log`, for the name)."""
    return csv_file(export_stem(log, filters), CSV_COLUMNS, (_row(event) for event in log.events), filters)


def export_json(log: EventLog, filters: Mapping[str, str] | None = None) -> ExportFile:
    payload = {
        "record": log.record, "record_type": log.record_type, "record_key": log.record_key,
        "updated_at": log.updated_at.isoformat(), "note": log.note,
        "period": [day.isoformat() for day in log.period] if log.period else None,
        "filter": {k: v for k, v in (filters or {}).items() if v not in (None, "")}, "count": log.count,
        "scheduled": [_row(event) for event in log.scheduled],
        "occurred": [_row(event) for event in log.occurred],
    }
    content = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
    return ExportFile(export_filename(log, "json", filters), content, "application/json", log.count, filters)
