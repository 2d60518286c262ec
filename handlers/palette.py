"""The command palette modal (also behind message shortcuts and Home quick actions).

Pick a type → a command → the record(s) (a search over the store, the ids found in a message, or
free targets for bulk commands), then "Continue" turns the modal into the command's own flow.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from blocks.common import option
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.metadata import PickerState
from blocks.picker import Viewer, chosen, found_keys, picker_view
from blocks.status import loading_view
from bot import commands as registry
from bot import records
from bot.commands import Kind
from bot.errors import BotError, UsageError
from bot.roles import Actor, who_can_grant
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.search import lines_for, search
from bot.slack.ui import Where, after_ack
from bot.targets import parse_targets
from handlers import flows
from handlers.flows.common import allowed
from handlers.guard import shielded


def register(app: App) -> None:
    app.action(ActionId.PICKER_TYPE)(on_change)
    app.action(ActionId.PICKER_COMMAND)(on_change)
    app.options(ActionId.PICKER_RECORD)(on_search)
    app.view(CallbackId.PICKER)(on_submit)


def viewer(actor: Actor) -> Viewer:
    return Viewer(actor.role, who_can_grant(actor))


def open_picker(deps: Deps, body: dict[str, Any], state: PickerState, actor: Actor, note: str | None = None) -> None:
    """The palette for this interaction's trigger id, opened at once (a failure is shown to the user)."""
    view = picker_view(state, note, viewer=viewer(actor), lines=_lines(deps, state))
    deps.work.open(payload.where(body), lambda: deps.ui.open(body["trigger_id"], view))


@shielded
def on_change(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    view = body["view"]
    state = chosen(payload.values(view), PickerState.unpack(view.get("private_metadata")))
    deps.ui.update_if_current(view, picker_view(state, viewer=viewer(actor), lines=_lines(deps, state)))


def _lines(deps: Deps, state: PickerState) -> dict[str, str]:
    """Record lines for the ids a message shortcut found: the store only (this runs before views.open)."""
    return lines_for(deps.rt.store, state.record_type or "", found_keys(state.spec)) if state.spec else {}


def on_search(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    """block_suggestion: answered from the store within Slack's 3 s (there is no later fill).

    Records are only listed to someone who may run the chosen command on them.
    """
    state = PickerState.unpack((body.get("view") or {}).get("private_metadata"))
    command = registry.by_slug(state.command or "")
    try:
        if command is None:
            raise UsageError("Choose a command first.")
        allowed(command, actor, state.record_type or "")
    except BotError:
        ack(options=[])
        return
    found = search(deps.rt.store, state.record_type or "", body.get("value") or "")
    ack(options=[option(text, key) for text, key in found])


@shielded
def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps, actor: Actor) -> None:
    values = payload.values(view)
    state = chosen(values, PickerState.unpack(view.get("private_metadata")))
    start, errors = _start(state, values, actor, view["id"])
    if errors or start is None:
        shown = {b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"}
        if set(errors) <= shown:
            ack(response_action="errors", errors=errors)
        else:  # submitted before the type change redrew the modal: Slack drops errors for absent inputs
            redrawn = picker_view(state, viewer=viewer(actor), lines=_lines(deps, state))
            ack(response_action="update", view=deps.ui.view(redrawn))
        return
    title = start.command.title
    ack(response_action="update", view=deps.ui.view(loading_view(title, "Checking…")))
    flows.start(deps, start)


def _start(state: PickerState, values: dict[str, Any], actor: Actor,
           view_id: str) -> tuple[flows.Start | None, dict[str, str]]:
    command = registry.by_slug(state.command or "")
    if command is None:
        return None, {BlockId.PICKER_COMMAND if state.record_type else BlockId.PICKER_TYPE: "Choose one."}
    record_type = state.record_type or command.record_type
    try:
        allowed(command, actor, record_type)
    except BotError as exc:
        return None, {BlockId.PICKER_COMMAND: exc.user_message}
    targets: list[str] = []
    if command.kind is Kind.BULK:
        targets = (values.get(BlockId.PICKER_TARGETS) or "").split()
        try:
            if parse_targets(targets).empty:
                return None, {BlockId.PICKER_TARGETS: "Give record ids, ranges, --changed or --all."}
        except BotError as exc:
            return None, {BlockId.PICKER_TARGETS: exc.user_message}
    elif records.takes_target(command.record_type):
        key = values.get(BlockId.PICKER_RECORD)
        if not key:
            return None, {BlockId.PICKER_RECORD: f"Choose a {record_type}."}
        targets = [key]
    where = Where(user=actor.id, view_id=view_id, channel=state.channel, thread_ts=state.thread_ts, after=after_ack())
    return flows.Start(command, actor, where, record_type, targets), {}
