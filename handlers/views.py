"""Modal submissions and in-modal interactions of the flows: confirm, typed confirm, dialog forms, views.

A submission is validated first (errors go under the fields), then acked with a "Working…" view
before anything slow; the work runs once per submission even if Slack delivers it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from blocks.common import option
from blocks.confirm import asks_for_count
from blocks.ids import ActionId, BlockId, CallbackId, matching
from blocks.metadata import FlowState
from blocks.status import error_view, loading_view, result_view
from bot.errors import BotError
from bot.roles import Actor
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.errors import headline
from bot.slack.ui import Where, after_ack
from handlers.flows import action, bulk, dialog, view
from handlers.flows.common import allowed, command_for, submission_key
from handlers.guard import shielded

ALREADY_CONFIRMED = "That was already confirmed, so it runs once; its result was shown where it was first confirmed."


def register(app: App) -> None:
    app.view(CallbackId.ACTION_CONFIRM)(on_action_submit)
    app.view(CallbackId.BULK_CONFIRM)(on_bulk_submit)
    app.view(CallbackId.DIALOG)(on_dialog_submit)
    app.view(CallbackId.STATUS)(lambda ack: ack())
    app.view(CallbackId.VIEW)(lambda ack: ack())
    app.action(matching(ActionId.FORM_FIELD))(on_form_change)
    app.options(matching(ActionId.FORM_FIELD))(on_form_suggest)
    app.action(matching(ActionId.VIEW_OPTION))(on_view_option)
    app.action(ActionId.VIEW_REFRESH)(on_view_refresh)
    app.action(matching(ActionId.VIEW_EXPORT))(on_view_export)


def _working(ack: Ack, deps: Deps, state: FlowState, text: str = "Working…") -> None:
    title = command_for(state.command).title
    ack(response_action="update", view=deps.ui.view(loading_view(title, f"{text} {state.label or ''}".strip())))


def _where(view: dict[str, Any], actor: Actor, state: FlowState) -> Where:
    """The modal just acked with a Working… view: later updates wait for Slack to apply it."""
    return Where(user=actor.id, view_id=view["id"], channel=state.channel, after=after_ack())


def _precheck(ack: Ack, deps: Deps, state: FlowState, actor: Actor, key: str) -> bool:
    """Before the ack, so a refusal is the ack itself: the role, availability, and whether this
    confirmation was used already (a resubmit, a retried delivery, a second modal from one message)."""
    try:
        allowed(command_for(state.command), actor, state.record_type)
    except BotError as exc:
        ack(response_action="update", view=deps.ui.view(error_view(headline(exc), exc.user_message)))
        return False
    if deps.rt.store.find_by("idempotency", "key", key) is not None:
        # If the first is still running, its result replaces this view when it ends.
        ack(response_action="update", view=deps.ui.view(_already_view(state)))
        return False
    return True


def _already_view(state: FlowState) -> dict[str, Any]:
    return result_view(command_for(state.command).title, ALREADY_CONFIRMED)


def _already(deps: Deps, state: FlowState, where: Where) -> None:
    """Lost the race for the key to another delivery of the same confirmation: say so."""
    deps.work.run(where, lambda: deps.ui.replace(where, _already_view(state)))


def _run_once(ack: Ack, deps: Deps, state: FlowState, actor: Actor, view: dict[str, Any], key: str,
              confirmed: Callable[[Where], bool], working: str = "Working…") -> None:
    """The tail every confirmation shares: claimable? ack with a working view, run, or say it already ran."""
    if not _precheck(ack, deps, state, actor, key):
        return
    _working(ack, deps, state, working)
    where = _where(view, actor, state)
    if not confirmed(where):
        _already(deps, state, where)


@shielded
def on_action_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps, actor: Actor) -> None:
    state = FlowState.unpack(view.get("private_metadata"))
    if command_for(state.command).typed_confirmation:
        typed = (payload.values(view).get(BlockId.TYPED_ANSWER) or "").strip()
        if not state.typed or typed != state.typed:
            what = f"Type {state.typed} (the invoice number) to confirm, or cancel." if state.typed else \
                "Start the command again to confirm it."
            ack(response_action="errors", errors={BlockId.TYPED_ANSWER: what})
            return
    # Keyed by the message button that opened the typed modal, when there is one: two modals, one run.
    key = state.origin or submission_key(view)
    _run_once(ack, deps, state, actor, view, key, lambda where: action.confirmed(deps, actor, state, where, key))


@shielded
def on_bulk_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps, actor: Actor) -> None:
    state = FlowState.unpack(view.get("private_metadata"))
    command = command_for(state.command)
    typed = (payload.values(view).get(BlockId.TYPED_COUNT) or "").strip()
    if asks_for_count(command) and typed != str(state.count):
        ack(response_action="errors", errors={BlockId.TYPED_COUNT: f"Type {state.count} to confirm, or cancel."})
        return
    # Keyed by the confirmation message when there is one: two modals opened from it start one job.
    key = state.origin or submission_key(view)
    _run_once(ack, deps, state, actor, view, key, lambda where: bulk.confirmed(deps, actor, state, where, key),
              "Starting the job…")


@shielded
def on_dialog_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Deps, actor: Actor) -> None:
    state = FlowState.unpack(view.get("private_metadata"))
    command = command_for(state.command)
    values = dialog.form_values(command, view)
    state.prepared = dialog.freshest(deps, state)
    form, errors = dialog.validate(command, values, state.prepared)
    if errors or form is None:
        shown = {block.get("block_id") for block in view.get("blocks") or []}
        if set(errors) <= shown:
            ack(response_action="errors", errors=errors)
        else:  # e.g. the overpayment confirmation, which the form shows only once it is needed
            # A view the draft never saw: from here on the modal is updated as one without a draft.
            deps.drafts.close(state.draft)
            ack(response_action="update", view=deps.ui.view(dialog.invalid_view(command, state, values, errors)))
        return
    try:
        allowed(command, actor, state.record_type)
    except BotError as exc:
        ack(response_action="update", view=deps.ui.view(error_view(headline(exc), exc.user_message)))
        return
    # The modal turns into "Working…": Billecta's figures arriving now must not redraw the form over it.
    deps.drafts.close(state.draft)
    # No claim here: the runner runs each submission once and resolves one left by a crash.
    _working(ack, deps, state)
    dialog.confirmed(deps, actor, state, form, values, _where(view, actor, state), submission_key(view))


@shielded
def on_form_change(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    if body["view"].get("callback_id") == CallbackId.DIALOG:
        dialog.on_change(deps, actor, body["view"])


def on_form_suggest(ack: Ack, body: dict[str, Any], deps: Deps, actor: Actor) -> None:
    """block_suggestion for a dialog's external select: the command's `suggest`, answered from the store
    within Slack's 3 s (there is no later fill). Only someone who may run the command gets options."""
    view = body.get("view") or {}
    try:
        state = FlowState.unpack(view.get("private_metadata"))
        command = command_for(state.command)
        allowed(command, actor, state.record_type)
        suggest = command.dialog.suggest
    except BotError:
        ack(options=[])
        return
    field = str(body.get("action_id") or "").removeprefix(f"{ActionId.FORM_FIELD}.")
    found = suggest(deps.rt, state.prepared, field, body.get("value") or "") if suggest else []
    ack(options=[option(text, value) for text, value in found])


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
