"""Billecta's date-time wire format: 'YYYY-MM-DD HH:MM:SS+HH:MM' in Stockholm local time.

Parsing also accepts a 'T' separator, fractional seconds, offsets without a colon and values
without an offset (read as Stockholm time), which are the variants seen in the wild.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WIRE_FORMAT = "%Y-%m-%d %H:%M:%S%z"

_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(value: str | datetime | date) -> datetime:
    """Any accepted Billecta date-time (or date) to an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)
    if isinstance(value, date):
        return datetime.combine(value, time(), STOCKHOLM)
    text = value.strip().replace("T", " ")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = _OFFSET_NO_COLON.sub(r"\1:\2", text)
    if len(text) == 10:
        text += " 00:00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=STOCKHOLM)


def format_datetime(value: datetime | date) -> str:
    """An aware datetime (or a date, at midnight) as Billecta writes it, in Stockholm time."""
    moment = parse_datetime(value) if not isinstance(value, datetime) or value.tzinfo is None else value
    local = moment.astimezone(STOCKHOLM)
    raw = local.strftime(WIRE_FORMAT)
    return raw[:-2] + ":" + raw[-2:]


def format_date(value: date | datetime) -> str:
    """A date-only query parameter ('from', 'to', 'date'): YYYY-MM-DD."""
    if isinstance(value, datetime):
        value = value.astimezone(STOCKHOLM).date() if value.tzinfo else value.date()
    return value.isoformat()


def stockholm_date(value: datetime | None) -> date | None:
    """The Swedish calendar day of one of Billecta's moments (an invoice or due date), None for none."""
    return value.astimezone(STOCKHOLM).date() if value is not None else None
