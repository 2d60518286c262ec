"""Buttons on the bot's messages: confirm or cancel, typed confirmation, retry or cancel a job, event log,
cancel a pending Swish request.

Every click is checked again on the server (role, availability) and runs at most once per message.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from slack_bolt import Ack, App

from blocks.confirm import asks_for_count, cancelled_message
from blocks.ids import ActionId, matching
from blocks.metadata import FlowState
from blocks.status import busy_message, outcome_message
from bot import commands as registry
from bot.errors import UsageError
from bot.jobs import JobQueue
from bot.jobs.swish import SwishWatch
from bot.roles import Actor
from bot.slack import payload
from bot.slack.deps import Deps
from bot.slack.ui import Where
from handlers import flows
from handlers.flows import bulk
from handlers.flows.common import allowed, click_key, command_for, with_channel
from handlers.guard import shielded

ALREADY = "That was already confirmed: it runs once. Its result replaces the confirmation."


def register(app: App) -> None:
    app.action(matching(ActionId.ACTION_CONFIRM))(on_action_confirm)
    app.action(ActionId.BULK_CONFIRM)(on_bulk_confirm)
    app.action(ActionId.BULK_TYPED_OPEN)(on_typed_open)
    app.action(ActionId.ACTION_TYPED_OPEN)(on_action_typed_open)
    app.action(ActionId.CANCEL)(on_cancel)
    app.action(matching(ActionId.JOB_RETRY))(on_job_retry)
    app.action(ActionId.JOB_CANCEL)(on_job_cancel)
    app.action(matching(ActionId.OPEN_EVENTS))(on_open_events)
    app.action(matching(ActionId.OPEN_COMMAND))(on_open_command)
    app.action(matching(ActionId.SWISH_CANCEL))(on_swish_cancel)


def _where(body: dict[str, Any]) -> Where:
    """Replace an ephemeral confirmation with its outcome; answer clicks on channel posts ephemerally."""
    ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
    return payload.where(body, replace=ephemeral)


def _confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor, flow: Any) -> None:
    ack()
    state = FlowState.unpack(action.get("value"))
    where = _where(body)
    if not flow.confirmed(deps, actor, state, where, click_key(body, action["action_id"], action.get("value", ""))):
        deps.ui.show(dataclasses.replace(where, replace=False), outcome_message(ALREADY))


@shielded
def on_action_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    if command_for(FlowState.unpack(action.get("value")).command).typed_confirmation:
        # Only the modal with the invoice number typed in confirms these; a button cannot.
        ack()
        raise UsageError("This command needs the invoice number typed in; start it again.")
    _confirm(ack, body, action, deps, actor, flows.action)


@shielded
def on_action_typed_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    state = FlowState.unpack(action.get("value"))
    state.origin = click_key(body, action["action_id"], action.get("value", ""))
    where = _where(body)
    state.reply_url = where.response_url if where.replace else None
    flows.action.open_typed(deps, actor, state, body["trigger_id"], where)


@shielded
def on_bulk_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    if asks_for_count(command_for(FlowState.unpack(action.get("value")).command)):
        # Only the typed-count modal confirms these; a button (forged, or from an older bot) cannot.
        ack()
        raise UsageError("This command needs the number of records typed in; start it again.")
    _confirm(ack, body, action, deps, actor, flows.bulk)


@shielded
def on_typed_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    state = FlowState.unpack(action.get("value"))
    state.origin = click_key(body, action["action_id"], action.get("value", ""))
    where = _where(body)
    state.reply_url = where.response_url if where.replace else None
    bulk.open_typed(deps, actor, state, body["trigger_id"], where)


@shielded
def on_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    ack()
    where = _where(body)
    if where.response_url:
        deps.ui.respond(where.response_url, _cancelled(action.get("value")), replace=True)


def _cancelled(value: str | None) -> dict[str, object]:
    """'Pause invoice on invoice 1001: cancelled…', or a plain 'Cancelled' for a button of an older bot."""
    try:
        state = FlowState.unpack(value) if value else None
    except UsageError:
        state = None
    command = registry.by_slug(state.command) if state else None
    return cancelled_message(command.title if command else None, state.label if state else None)


def _jobs_for(deps: Deps, job_id: int, actor: Actor) -> JobQueue:
    """The queue, once the actor may run the job's command (the same check as starting it)."""
    if deps.jobs is None:
        raise UsageError("The job queue is not running in this process.")
    job = deps.jobs.get(job_id)
    allowed(registry.find(job.record_type, job.verb), actor)
    return deps.jobs


@shielded
def on_job_retry(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    job_id = int(action["value"])
    jobs = _jobs_for(deps, job_id, actor)
    where = payload.where(body)
    # JobQueue.retry allows one retry per failed job, wherever it is clicked (message, alert, App Home).
    new_id = jobs.retry(job_id, with_channel(actor, payload.channel_id(body)))
    deps.ui.show(where, busy_message(f"Retrying the failed records of job {job_id} as job {new_id}; "
                                        "its progress is posted here."))


@shielded
def on_job_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    job_id = int(action["value"])
    job = _jobs_for(deps, job_id, actor).cancel(job_id, actor)
    deps.ui.show(payload.where(body), busy_message(f"Cancelling {job.summary}: records already done stay done."))


@shielded
def on_open_events(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    ack()
    record_type, _, key = action["value"].partition(":")
    command = registry.find(record_type, "events")
    flows.start(deps, flows.Start(command, actor, payload.where(body), record_type, [key],
                                  trigger_id=body["trigger_id"]))


@shielded
def on_open_command(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    """A command's flow from the start (checks included), on the record the button names."""
    ack()
    state = FlowState.unpack(action.get("value"))
    flows.start(deps, flows.Start(command_for(state.command), actor, payload.where(body), state.record_type,
                                  [state.key or ""], trigger_id=body["trigger_id"]))


@shielded
def on_swish_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], deps: Deps, actor: Actor) -> None:
    """Withdraw a pending Swish request (Slack's confirm dialog came first). The requester or an operator
    may; the request's message is edited to say who cancelled it, or how it ended if the payer was first."""
    ack()
    request_id = int(action["value"])  # sealed: the id the bot put on this message
    where = payload.where(body)
    watch = SwishWatch(deps.rt, deps.notifier)

    def cancel() -> None:
        watch.cancel(request_id, with_channel(actor, payload.channel_id(body)))

    deps.work.run(where, cancel)
