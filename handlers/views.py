"""Modal submissions and in-modal interactions of the flows: confirm, typed confirm, dialog forms, views.

A submission is validated first (errors go under the fields), then acked with a "Working…" view
before anything slow; the work runs once per submission even if Slack delivers it again.
"""

from __future__ import annotations

import inspect
from typing import Any

from slack_bolt import Ack, App

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.metadata import FlowState
from blocks.status import error_view, loading_view
from bot.errors import BotError
from bot.roles import Actor
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.errors import headline
from bot.slack.ui import Where, after_ack
from handlers.flows import action, bulk, dialog, view
from handlers.flows.common import allowed, command_for, submission_key
from handlers.guard import shielded


def register(app: App) -> None:
    app.view(CallbackId.ACTION_CONFIRM)(on_action_submit)
    app.view(CallbackId.BULK_CONFIRM)(on_bulk_submit)
    app.view(CallbackId.DIALOG)(on_dialog_submit)
    app.view(CallbackId.STATUS)(lambda ack: ack())
    app.view(CallbackId.VIEW)(lambda ack: ack())
    app.action(ActionId.FORM_FIELD)(on_form_change)
    app.action(ActionId.VIEW_OPTION)(on_view_option)
    app.action(ActionId.VIEW_REFRESH)(on_view_refresh)
    app.action(ActionId.VIEW_EXPORT)(on_view_export)


def _working(ack: Ack, deps: Deps, state: FlowState, text: str = "Working…") -> None:
    title = command_for(state.command).title
    ack(response_action="update", view=deps.ui.view(loading_view(title, f"{text} {state.label or ''}".strip())))


def _where(view: dict[str, Any], actor: Actor, state: FlowState) -> Where:
    """The modal just acked with a Working… view: later updates wait for Slack to apply it."""
    return Where(user=actor.id, view_id=view["id"], channel=state.channel, after=after_ack())


def _precheck(ack: Ack, deps: Deps, state: FlowState, actor: Actor) -> bool:
    """Role and availability, before the ack, so a refusal is the ack itself."""
    try:
        allowed(command_for(state.command), actor, state.record_type)
    except BotError as exc:
        ack(response_action="update", view=deps.ui.view(error_view(headline(exc), exc.user_message)))
        return False
    return True


@shielded
def on_action_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps, actor: Actor) -> None:
    state = FlowState.unpack(view.get("private_metadata"))
    if not _precheck(ack, deps, state, actor):
        return
    _working(ack, deps, state)
    action.confirmed(deps, actor, state, _where(view, actor, state), submission_key(view))


@shielded
def on_bulk_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps, actor: Actor) -> None:
    state = FlowState.unpack(view.get("private_metadata"))
    command = command_for(state.command)
    typed = (payload.values(view).get(BlockId.TYPED_COUNT) or "").strip()
    if command.typed_confirmation and typed != str(state.count):
        ack(response_action="errors", errors={BlockId.TYPED_COUNT: f"Type {state.count} to confirm, or cancel."})
        return
    if not _precheck(ack, deps, state, actor):
        return
    _working(ack, deps, state, "Starting the job…")
    bulk.confirmed(deps, actor, state, _where(view, actor, state), submission_key(view))


@shielded
def on_dialog_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps, actor: Actor) -> None:
    state = FlowState.unpack(view.get("private_metadata"))
    command = command_for(state.command)
    values = dialog.form_values(command, view)
    form, errors = dialog.validate(command, values, state.prepared)
    if errors or form is None:
        ack(response_action="errors", errors=errors)
        return
    if not _precheck(ack, deps, state, actor):
        return
    _working(ack, deps, state)
    key = submission_key(view)
    if not deps.rt.store.claim(key):
        return  # the same submission again: the first one is already running and will update the modal
    service_key = key if "idempotency_key" in inspect.signature(command.service).parameters else None  # type: ignore[arg-type]
    dialog.run(deps, actor, state, form, values, _where(view, actor, state), service_key)


@shielded
def on_form_change(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    ack()
    if body["view"].get("callback_id") == CallbackId.DIALOG:
        dialog.on_change(deps, body["view"])


@shielded
def on_view_option(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    view.interact(deps, actor, body["view"], refresh=False, where=payload.where(body))


@shielded
def on_view_refresh(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    view.interact(deps, actor, body["view"], refresh=True, where=payload.where(body))


@shielded
def on_view_export(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    view.export(deps, actor, body["view"], action.get("value") or "csv", payload.where(body))
