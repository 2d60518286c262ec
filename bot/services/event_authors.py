"""Who asked for what Billecta logged: its events made through the API say "by API", but the bot
knows which person asked — the audit log (one-record commands) and the job items (bulk commands).

An event is matched to a bot request by record (the invoice number), kind (a paused event to an
`invoice pause`) and time (the nearest request within `WINDOW`); each request explains one event.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.billecta.dates import parse_datetime
from bot.services.event_log import LogEvent

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Billecta's event type → the bot commands that cause it.
CAUSED_BY: dict[str, tuple[str, ...]] = {
    "Paused": ("invoice pause",),
    "Resumed": ("invoice resume",),
    "Disputed": ("invoice dispute",),
    "UnDisputed": ("invoice undispute",),
    "Paid": ("invoice payment",),
    "OverPayment": ("invoice payment",),
    "Credited": ("invoice credit",),
    "Attested": ("order attest", "order upsert-attest"),
    "SentToDebtCollection": ("invoice debt-collection",),
    # A case's own first event; only a case's log is matched against requests named by its invoice's
    # number, and an invoice's own "Created" cannot be within minutes of sending it to collection.
    "Created": ("invoice debt-collection",),
}
# The bot writes its audit entry after Billecta answers; a clock skew between the two is allowed too.
WINDOW = timedelta(minutes=10)


class Request:
    """One bot request that changed a record: who asked, from where, when."""

    def __init__(self, command: str, actor: str, source: str, at: datetime) -> None:
        self.command, self.actor, self.source, self.at = command, actor, source, at
        self.used = False


def attribute(rt: Runtime, events: list[LogEvent], keys: dict[str | None, tuple[str, ...]]) -> list[LogEvent]:
    """`events` with `asked_by` set where a bot request explains them. `keys` maps an event's `source`
    ('invoice 1001' in a creditor-wide log, None in a record's own log) to the ids bot requests name
    that record by: its invoice number, and its order's id (order attest acts on orders)."""
    if not any(keys.values()) or not any(e.event_type in CAUSED_BY for e in events):
        return events
    requests = {source: _requests(rt, ids) for source, ids in keys.items() if ids}
    out = []
    for event in events:
        found = _match(event, requests.get(event.source, []))
        out.append(replace(event, asked_by=found.actor, asked_via=found.source) if found else event)
    return out


def _match(event: LogEvent, requests: list[Request]) -> Request | None:
    commands = CAUSED_BY.get(event.event_type)
    if not commands or not event.has_occurred or event.occurred_at is None:
        return None
    at = event.occurred_at
    near = [r for r in requests if not r.used and r.command in commands and abs(r.at - at) <= WINDOW]
    if not near:
        return None
    best = min(near, key=lambda r: abs(r.at - at))
    best.used = True
    return best


def _requests(rt: Runtime, ids: tuple[str, ...]) -> list[Request]:
    """The successful bot requests on a record known by `ids`: one-record commands, then bulk job items."""
    found: list[Request] = []
    for key in ids:
        found.extend(_one_record(rt, key))
        found.extend(_job_items(rt, key))
    return found


_COMMANDS = sorted({c for cs in CAUSED_BY.values() for c in cs})
_MARKS = ", ".join("?" for _ in _COMMANDS)


def _one_record(rt: Runtime, key: str) -> list[Request]:
    rows = rt.store.rows("audit", f"outcome = 'ok' AND job_id IS NULL AND command IN ({_MARKS}) "
                                  "AND record_ids LIKE ?", [*_COMMANDS, f'%"{key}"%'])
    return [Request(row["command"], row["actor"], row["source"], parse_datetime(row["at"]))
            for row in rows if key in _ids(row["record_ids"])]


def _job_items(rt: Runtime, key: str) -> list[Request]:
    sql = ("SELECT job.command, job.requested_by, job.source, job_item.finished_at FROM job_item "
           "JOIN job ON job.id = job_item.job_id WHERE job_item.record_id = ? AND job_item.status = 'succeeded' "
           f"AND job.command IN ({_MARKS})")
    with rt.store.lock:
        rows = list(rt.store.db.conn.execute(sql, [key, *_COMMANDS]))
    return [Request(command, actor, source, parse_datetime(at)) for command, actor, source, at in rows if at]


def _ids(text: Any) -> list[str]:
    try:
        return [str(item) for item in json.loads(text or "[]")]
    except ValueError:
        return []
