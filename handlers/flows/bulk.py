"""The bulk flow (many records, a durable job): upserts, deletes, anonymize, credit, attest…

start → (pool) `select` checks every target → confirmation with the count and the first few names
(dangerous: the user types the number in a modal) → confirmed → the selection
is taken again and must still have that count → `jobs.submit` → the notifier posts the job's message
in the channel and edits it with progress, final counts and failures.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from blocks.confirm import bulk_message, bulk_view
from blocks.metadata import FlowState
from blocks.status import (
    busy_message,
    loading_view,
    outcome_message,
    refused_message,
    refused_view,
    result_view,
    started_view,
)
from bot.commands import Command
from bot.errors import UsageError
from bot.jobs import JobQueue
from bot.jobs.model import Job
from bot.jobs.selection import job_selection
from bot.roles import Actor
from bot.runner import Selection
from bot.slack.deps import Deps
from bot.slack.ui import Where
from bot.targets import parse_targets
from handlers.flows.common import Start, allowed, command_for, confirm_once, open_then

log = logging.getLogger(__name__)
MAX_SPEC = 1500


def _jobs(deps: Deps) -> JobQueue:
    if deps.jobs is None:
        raise UsageError("Bulk commands run as background jobs and the job queue is not running here. "
                         "Start the bot with `billecta-bot serve` (without --no-worker) or run it from the shell.")
    return deps.jobs


def start(deps: Deps, start: Start) -> None:
    _jobs(deps)
    parse_targets(start.targets)  # bad input is answered at once
    spec = " ".join(start.targets)
    if len(spec) > MAX_SPEC:
        raise UsageError("That is a lot of ids to type; use ranges (1-500), --all or --changed.")
    state = FlowState(command=start.command.slug, record_type=start.record_type, spec=spec,
                      channel=start.where.channel, thread_ts=start.where.thread_ts)
    deps.work.run(start.where, lambda: _confirm(deps, state, start.where))


def _select(deps: Deps, command: Command, state: FlowState) -> Selection:
    spec = parse_targets((state.spec or "").split())
    return job_selection(deps.rt, command, spec)


def _confirm(deps: Deps, state: FlowState, where: Where, note: str = "") -> None:
    command = command_for(state.command)
    selection = _select(deps, command, state)
    state.count = selection.count
    if where.view_id:
        deps.ui.replace(where, bulk_view(command, selection.count, selection.labels, state.pack(), note,
                                         total=selection.total_text))
        return
    msg = bulk_message(command, selection.count, selection.labels, state.pack(2000), note, total=selection.total_text)
    if where.response_url:
        deps.ui.respond(where.response_url, msg, replace=where.replace)
    else:
        deps.ui.ephemeral(where.channel or where.user, where.user, msg)


def open_typed(deps: Deps, actor: Actor, state: FlowState, trigger_id: str, where: Where) -> None:
    """The typed-number confirmation of the most destructive commands, in a modal."""
    command = command_for(state.command)
    allowed(command, actor)
    loading = loading_view(command.title, "Checking the records…")
    open_then(deps, trigger_id, dataclasses.replace(where, channel=state.channel), loading,
              lambda modal: _confirm(deps, state, modal))


def confirmed(deps: Deps, actor: Actor, state: FlowState, where: Where, idempotency_key: str) -> bool:
    """Submit the job once; False when this confirmation was already used."""
    _jobs(deps)
    busy = f"{command_for(state.command).title}: starting…"
    return confirm_once(deps, actor, state, where, idempotency_key, busy, lambda a: _submit(deps, a, state, where))


def _submit(deps: Deps, actor: Actor, state: FlowState, where: Where) -> None:
    command = command_for(state.command)
    selection = _select(deps, command, state)
    if selection.count != state.count:
        note = (f"The records changed since you were asked: it is now {selection.count}, "
                f"not {state.count}. Nothing was started; confirm again.")
        return _confirm(deps, state, where, note)
    job_id = _jobs(deps).submit(selection, actor)
    where_to = _where_to(actor)
    text = (f"{command.title}: job #{job_id} started on {selection.count} record(s) "
            f"({', '.join(selection.labels[:3])}{'…' if selection.count > 3 else ''}). "
            f"Progress and the result are posted in {where_to}.")
    deps.ui.show(where, busy_message(text), status_view=started_view(command.title, text))
    if state.reply_url:  # the message whose button opened this modal: its button is spent
        deps.ui.respond(state.reply_url, busy_message(text), replace=True)
    deps.notifier.follow(job_id, lambda job: _hand_over(deps, where, lambda: _ended(deps, command, state, where, job,
                                                                                  where_to)))


def _hand_over(deps: Deps, where: Where, show: Callable[[], None]) -> None:
    """Called on the job's thread as it ends: the Slack calls go to the work pool."""
    deps.work.run(where, show)


def _where_to(actor: Actor) -> str:
    if actor.thread_ts:
        return f"the thread in <#{actor.channel}>"
    return f"<#{actor.channel}>" if actor.channel else "your direct messages"


def _ended(deps: Deps, command: Command, state: FlowState, where: Where, job: Job, where_to: str) -> None:
    """The job has finished: what said 'started' now says how it ended."""
    text = f"{command.title}: {job.summary}."
    note = f"Details in {where_to}." if not job.ok else None
    msg, view = outcome_message(text, ok=job.ok, note=note), result_view(command.title, text, ok=job.ok, note=note)
    if not (job.ok or job.incident):  # only refusals stand in the way: an answer, not a failure
        msg, view = refused_message(f"{text} {note}"), refused_view(command.title, f"{text} {note}")
    try:
        deps.ui.show(where, msg, status_view=view)
    except SlackApiError as exc:  # the modal was closed meanwhile: the job's own message has the result
        log.info("job %s: could not show its result where it was started (%s)", job.id, exc.response.get("error"))
    if state.reply_url:
        deps.ui.respond(state.reply_url, msg, replace=True)
