"""Message shortcuts (one per record type: read the ids in the message) and the global palette shortcut."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from blocks.ids import SHORTCUT_PREFIX, CallbackId
from blocks.metadata import PickerState
from bot.roles import Actor
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.refs import compress, find_ids, message_text
from bot.targets import parse_targets
from handlers.guard import shielded
from handlers.palette import open_picker

SHOWN_IDS = 8


def register(app: App) -> None:
    app.shortcut(CallbackId.PALETTE_SHORTCUT)(on_palette)
    app.shortcut(re.compile("^" + re.escape(SHORTCUT_PREFIX)))(on_message_shortcut)


@shielded
def on_palette(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    open_picker(deps, body, PickerState(), actor)


@shielded
def on_message_shortcut(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    record_type = body["callback_id"].removeprefix(SHORTCUT_PREFIX)
    # Each record once, ranges merged: a job message names 'debtors 1-3' and lists 'debtor 2' again.
    spec = compress(parse_targets(find_ids(message_text(body.get("message") or {}), record_type)).keys)
    message = body.get("message") or {}
    state = PickerState(record_type=record_type, fixed_type=True, spec=spec or None,
                        channel=payload.channel_id(body), thread_ts=message.get("thread_ts") or message.get("ts"))
    open_picker(deps, body, state, actor, note=found_note(record_type, spec.split()))


def found_note(record_type: str, ids: list[str]) -> str:
    """`ids` as compressed ('1-3', '5'): what the user sees was found."""
    if not ids:
        return f"No {record_type} ids found in the message: search for one below."
    shown = ", ".join(ids[:SHOWN_IDS]) + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")
    return f"Found in the message: {record_type} {shown}. Bulk commands take all of them."
