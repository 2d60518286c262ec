"""Saved reports of the report creator: `report create name=... --save` keeps the report's options
(preset, fields, filter, sum) under its name in the store (table saved_report); `report create name=...`
runs it again, from Slack, the CLI or a schedule, and options given beside the name replace the saved ones
for that run (saved again only with --save).

The options are checked (bot.reports.creator.definition) before anything is saved, so a saved report
always ran once; it is read back as the options it was given, so a field catalogue that grows keeps
old reports meaning what they meant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.errors import InvalidInput, echo

if TYPE_CHECKING:
    from bot.runtime import Runtime

SAVED = ("preset", "fields", "filter", "sum")
NAME_LIMIT = 60


def check_name(name: str) -> str:
    if len(name) > NAME_LIMIT:
        raise InvalidInput(f"name: at most {NAME_LIMIT} characters.", {"name": f"At most {NAME_LIMIT} characters."})
    return name


def saved_options(rt: Runtime, name: str) -> dict[str, str] | None:
    row = rt.store.find_by("saved_report", "name", name)
    return None if row is None else {key: row[key] for key in SAVED if row.get(key)}


def with_saved(rt: Runtime, options: dict[str, Any], name: str | None) -> dict[str, Any]:
    """The saved report's options under those given now; a name alone that is not saved is refused."""
    if not name:
        return options
    given = {key: options[key] for key in SAVED if options.get(key) not in (None, "")}
    saved = saved_options(rt, name)
    if saved is None and not given:
        message = f"No report is saved as {echo(name)!r}: give its fields or a preset, and --save to keep it."
        raise InvalidInput(f"name: {message}", {"name": message})
    return {**options, **(saved or {}), **given}


def save(rt: Runtime, name: str | None, options: dict[str, Any]) -> None:
    if not name:
        message = "Give the report a name to save it under (name=...)."
        raise InvalidInput(f"name: {message}", {"name": message})
    values = {key: str(options.get(key) or "") for key in SAVED}
    with rt.store.lock:
        rt.store.db["saved_report"].upsert(  # type: ignore[union-attr]
            {"name": name, **values, "saved_at": datetime.now(UTC).isoformat()}, pk="name")


def names(rt: Runtime) -> list[str]:
    return [row["name"] for row in rt.store.rows("saved_report")]
