"""The postpone form (command 16, `invoice postpone <id> days=`) as Block Kit dicts.

Pure: `prepared` is what `bot.services.postpone.prepare` returned (the next event in words and its
date), `values` the current field values, `errors` field → message. The days input dispatches on
every character, and each update shows the date the event moves to, so the user sees it as they type.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from blocks import limits
from blocks.common import Block, context, fields, plain, section
from blocks.forms import FormContext, field_error, validate_as_you_type
from blocks.ids import ActionId, unique_id
from bot import timefmt
from bot.services.postpone import DAYS_MAX, DAYS_MIN, days_problem

DAYS = "days"
NEW_DATE_BLOCK = "postpone-new-date"


def postpone_form_blocks(prepared: dict[str, Any], values: dict[str, Any] | None = None,
                         errors: dict[str, str] | None = None) -> list[Block]:
    """The next event and its date, the days input, and the date it becomes with the days typed."""
    values, errors = values or {}, errors or {}
    event_day = _day(prepared.get("event_date"))
    event = str(prepared.get("event") or "the next step")
    pairs = [("Next event", _escape(event[:1].upper() + event[1:])),
             ("On", timefmt.format_day(event_day) if event_day else "—")]
    if prepared.get("remaining"):
        pairs.append(("To pay", str(prepared["remaining"])))
    blocks = [fields(pairs)]
    if not prepared.get("allowed", True):
        blocks.append(section(f"⛔ {_escape(prepared.get('reason') or 'Nothing can be postponed.')}"))
        return limits.check_blocks(blocks, limits.VIEW_BLOCKS)
    blocks.append(_days_input(values.get(DAYS)))
    if errors.get(DAYS):
        blocks.append(field_error(DAYS, _escape(errors[DAYS])))
    blocks.append(context(_new_date_text(prepared, values.get(DAYS), event_day), block_id=NEW_DATE_BLOCK))
    return limits.check_blocks(blocks, limits.VIEW_BLOCKS)


def form_blocks(ctx: FormContext) -> list[Block]:
    """The dialog flow's hook."""
    return postpone_form_blocks(ctx.prepared, ctx.values, ctx.errors)


def _new_date_text(prepared: dict[str, Any], typed: Any, event_day: dt.date | None) -> str:
    """'Becomes 31 Dec (a Thursday)' for what is typed so far, or what to type."""
    if event_day is None or typed in (None, ""):
        return f"Type the days ({DAYS_MIN}–{DAYS_MAX}) to see the new date."
    days, _ = days_problem(typed, event_day, _day(prepared.get("today")))
    if days is None:
        return "New date: — (see the error above)."
    new_day = event_day + dt.timedelta(days=days)
    return (f"New date: *{timefmt.format_day(new_day)}* ({new_day:%A}), {days} day{'s' if days != 1 else ''} "
            f"after {timefmt.format_day(event_day)}: {_escape(str(prepared.get('event') or 'the next step'))} then.")


def _days_input(value: Any) -> Block:
    element: Block = {"type": "number_input", "is_decimal_allowed": False, "min_value": str(DAYS_MIN),
                      "max_value": str(DAYS_MAX), "action_id": unique_id(ActionId.FORM_FIELD, DAYS),
                      "placeholder": plain("e.g. 14", limits.PLACEHOLDER)}
    if value not in (None, ""):
        element["initial_value"] = str(value)
    block: Block = {"type": "input", "block_id": DAYS, "label": plain("Days to postpone", limits.LABEL),
                    "element": element, "optional": False,
                    "hint": plain(f"{DAYS_MIN}–{DAYS_MAX} days, added to the next event's date.", limits.LABEL)}
    return validate_as_you_type(block)


def _day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
