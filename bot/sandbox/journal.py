"""Event logs: every state change appends an event (`HasOccured=true`) dated by the sandbox clock.

Events are stored once and listed three ways: per action (invoice or debt-collection case), per
debtor (their own changes and their invoices'), and per creditor (`CommonActionEventView`).
Scheduled events (`HasOccured=false`) are not stored: they are derived from the rules when read.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from bot.billecta.dates import format_datetime
from bot.sandbox.shapes import complete
from bot.sandbox.state import Store

API_USER = "API"
AUTOMATION = "Billecta"
_SCHEDULED = uuid.UUID("5d1c3f0e-2b7a-4c55-9d0e-6a7f3b1c2e90")


def event(event_type: str, title: str, at: datetime, *, content: str | None = None,
          by: str | None = API_USER, reference: str | None = None, public: bool = True,
          occurred: bool = True, event_id: str | None = None) -> dict[str, Any]:
    """One event in the fields shared by InvoiceActionEventView, DebtCollectionActionEventView and
    DebtorEventView."""
    return complete("InvoiceActionEventView", {
        "Title": title, "Content": content, "EventDate": format_datetime(at), "EventBy": by,
        "Reference": reference, "EventType": event_type, "IsPublic": public, "HasOccured": occurred,
        "EventPublicId": event_id or str(uuid.uuid4()),
    })


def scheduled(action_id: str, event_type: str, title: str, at: datetime) -> dict[str, Any]:
    """A planned event; its id is stable so that repeated reads show the same event."""
    event_id = str(uuid.uuid5(_SCHEDULED, f"{action_id}:{event_type}:{at.date().isoformat()}"))
    return event(event_type, title, at, by=AUTOMATION, occurred=False, event_id=event_id)


def log(store: Store, owner: dict[str, Any], event_type: str, title: str, at: datetime,
        **options: Any) -> None:
    """Append an event to an invoice or debt-collection case (`owner` is its stored document)."""
    store.add_event(event(event_type, title, at, **options), creditor=owner["CreditorPublicId"],
                    action=owner["ActionPublicId"], action_type=owner["ActionType"],
                    debtor=owner["DebtorPublicId"], at=at)


def log_debtor(store: Store, debtor: dict[str, Any], event_type: str, title: str, at: datetime) -> None:
    store.add_event(event(event_type, title, at), creditor=debtor["CreditorPublicId"], action=None,
                    action_type=None, debtor=debtor["DebtorPublicId"], at=at)


def action_events(store: Store, action_id: str) -> list[dict[str, Any]]:
    return [data for data, _, _ in store.events(action=action_id)]


def debtor_events(store: Store, debtor_id: str) -> list[dict[str, Any]]:
    return [complete("DebtorEventView", data) for data, _, _ in store.events(debtor=debtor_id)]


def creditor_events(store: Store, creditor_id: str, since: datetime | None,
                    until: datetime | None) -> list[dict[str, Any]]:
    rows = store.events(creditor=creditor_id, since=since, until=until)
    return [complete("CommonActionEventView", {**data, "CreditorPublicId": creditor_id,
                                               "ActionPublicId": aid, "ActionType": atype})
            for data, aid, atype in rows]
