"""Saved reports of the report creator: `report create name=... --save` keeps the report's options
(preset, fields, filter, sum, its date parameters and number format) under its name in the store
(table saved_report), with who saved it and when; `report create name=...` runs it again, from Slack,
the CLI or a schedule, and options given beside the name replace the saved ones for that run (saved
again only with --save, which replaces what was saved under that name).

Where the saved reports are listed: the creator modal's "Saved reports" select (name, who, when), and
on the CLI the answer to a `name=` nothing is saved under. There is no delete: a view command is a
viewer's, and a saved report is replaced by saving again under its name.

The options are checked (bot.reports.creator.definition) before anything is saved, so a saved report
always ran once; it is read back as the options it was given, so a field catalogue that grows keeps
old reports meaning what they meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot import timefmt
from bot.errors import InvalidInput, echo

if TYPE_CHECKING:
    from bot.runtime import Runtime

SAVED = ("preset", "fields", "filter", "sum", "date", "from", "to", "period_on", "numbers")
NAME_LIMIT = 60
LISTED = 20  # on the CLI's answer; the modal's select shows up to Slack's 100 options


@dataclass(frozen=True)
class Saved:
    name: str
    saved_by: str
    saved_at: str  # ISO, UTC

    def said(self) -> str:
        """'overdue (anna, 2 Dec 05:10 CET (+01:00))'."""
        return f"{self.name} ({self.saved_by or 'who: not recorded'}, {timefmt.format_moment(self.saved_at)})"


def check_name(name: str) -> str:
    if len(name) > NAME_LIMIT:
        raise InvalidInput(f"name: at most {NAME_LIMIT} characters.", {"name": f"At most {NAME_LIMIT} characters."})
    return name


def saved_options(rt: Runtime, name: str) -> dict[str, str] | None:
    row = rt.store.find_by("saved_report", "name", name)
    return None if row is None else {key: row[key] for key in SAVED if row.get(key)}


def with_saved(rt: Runtime, options: dict[str, Any], name: str | None) -> dict[str, Any]:
    """The saved report's options under those given now; a name alone that is not saved is refused,
    naming what is saved."""
    if not name:
        return options
    given = {key: options[key] for key in SAVED if options.get(key) not in (None, "")}
    saved = saved_options(rt, name)
    if saved is None and not given:
        known = listing(rt)
        shown = ", ".join(s.said() for s in known[:LISTED]) + (f" and {len(known) - LISTED} more"
                                                                if len(known) > LISTED else "")
        message = (f"No report is saved as {echo(name)!r}. "
                   + (f"Saved: {shown}. " if known else "No report is saved yet. ")
                   + "To save one, give its fields or a preset with --save.")
        raise InvalidInput(f"name: {message}", {"name": message})
    return {**options, **(saved or {}), **given}


def save(rt: Runtime, name: str | None, options: dict[str, Any], saved_by: str = "") -> None:
    """Keep (or replace) the report saved as `name`."""
    if not name:
        message = "Give the report a name to save it under (name=...)."
        raise InvalidInput(f"name: {message}", {"name": message})
    values = {key: str(options.get(key) or "") for key in SAVED}
    with rt.store.lock:
        rt.store.db["saved_report"].upsert(  # type: ignore[union-attr]
            {"name": name, **values, "saved_by": saved_by, "saved_at": datetime.now(UTC).isoformat()}, pk="name")


def listing(rt: Runtime) -> list[Saved]:
    """The saved reports, the latest saved first."""
    return [Saved(row["name"], row.get("saved_by") or "", row["saved_at"] or "")
            for row in rt.store.rows("saved_report", order_by="saved_at desc, name")]


def names(rt: Runtime) -> list[str]:
    return [s.name for s in listing(rt)]
