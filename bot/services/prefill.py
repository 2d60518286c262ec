"""A dialog's form filled from the store's mirror first, then from Billecta (handlers/flows/dialog.py).

A dialog's `prepare` reads Billecta, which can take seconds; its `prepare_from_mirror` (DialogSpec)
returns the same keys from the store's mirror at once, plus AS_OF: when the mirror last heard from
Billecta. The modal shows that form straight away, marked "as of", while `prepare` runs behind it;
`checked` then marks the fresh result (CHECKED_AT, and CHANGED when the money figures moved: someone
paid meanwhile). Until then the prepared data is `stale`, and a submit made on stale data is checked
against a fresh `prepare` before its service runs (which re-checks against its own fresh read anyway);
if its figures moved meanwhile (`moved_unseen`) the form is shown again with Billecta's: the user
confirms what they see, never a remaining amount or an event date they were not shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.billecta.dates import STOCKHOLM, parse_datetime
from bot.timefmt import format_day

AS_OF = "as_of"  # ISO moment the mirror's row was last written from Billecta
CHECKED_AT = "checked_at"  # ISO moment the fresh read arrived
CHANGED = "changed"  # what moved between the mirror and Billecta, in words
UNCHECKED = "unchecked"  # why the fresh read could not be made
MARKERS = (AS_OF, CHECKED_AT, CHANGED, UNCHECKED)
# The money figures, dates and state a form's rules rest on: a change in these is worth telling the
# user, and a submit made before it was seen is shown again instead of run (`moved_unseen`).
_FIGURES = ("currency", "allowed", "reason", "event_date")


def stored_day(value: Any) -> date | None:
    """A mirror row's date-time column as the calendar day in Stockholm, as `prepare` derives it."""
    return parse_datetime(value).astimezone(STOCKHOLM).date() if value else None


def stale(prepared: dict[str, Any]) -> bool:
    """Prepared from the mirror and not yet confirmed by Billecta."""
    return bool(prepared.get(AS_OF)) and not prepared.get(CHECKED_AT)


def figures(prepared: dict[str, Any]) -> dict[str, Any]:
    """The money (keys in minor units, `*_minor`) and state keys of a prepared dict."""
    return {key: value for key, value in prepared.items() if key.endswith("_minor") or key in _FIGURES}


def checked(fresh: dict[str, Any], mirror: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """`prepare`'s fresh result, marked as checked, saying what moved since the mirror's figures."""
    marked = {**{k: v for k, v in fresh.items() if k not in MARKERS},
              CHECKED_AT: (now or datetime.now(UTC)).isoformat(timespec="seconds")}
    if figures(mirror) != figures(fresh):
        marked[AS_OF] = mirror.get(AS_OF)
        marked[CHANGED] = change_text(mirror, fresh)
    return marked


def unchecked(mirror: dict[str, Any], reason: str) -> dict[str, Any]:
    """The mirror's data, still stale, with why Billecta could not confirm it just now."""
    return {**mirror, UNCHECKED: reason}


def change_text(mirror: dict[str, Any], fresh: dict[str, Any]) -> str:
    """'Remaining was 1 250,00 kr, now 250,00 kr' when a shown amount moved, else a general sentence."""
    before, after = mirror.get("remaining"), fresh.get("remaining")
    if before and after and before != after:
        return f"Remaining was {before}, now {after}"
    credit_before, credit_after = mirror.get("credit"), fresh.get("credit")
    if credit_before and credit_after and credit_before != credit_after:
        return f"The credit was {credit_before}, now {credit_after}"
    day_before, day_after = mirror.get("event_date"), fresh.get("event_date")
    if day_before and day_after and day_before != day_after:
        return (f"The next event ({fresh.get('event') or 'next step'}) was on {_day(day_before)}, "
                f"now on {_day(day_after)}")
    return "Billecta's figures differ from the bot's copy"


def _day(iso: str) -> str:
    return format_day(date.fromisoformat(iso))


def moved_unseen(prepared: dict[str, Any]) -> str | None:
    """For a submit made on the mirror's figures and checked fresh (`checked`): what moved meanwhile, as
    the note under the form's first field, or None. The user confirms what they saw; a form whose
    figures moved before they saw Billecta's is shown again with those, never run on them unseen."""
    change = prepared.get(CHANGED)
    if not change:
        return None
    return f"{change}. Nothing was sent: check the form against Billecta's figures and submit again."
