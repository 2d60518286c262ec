"""The one way files reach Slack: uploaded beside their message (`Ui.upload`), then each audited.

An outcome's files (an invoice's PDF) go where the command came from: its channel (in the thread of
a message shortcut's message), or the requester's DMs when it came from the App Home or a global
shortcut, or when the bot cannot post in that channel. A view's export goes to the requester's DMs
(what one user filtered is not for the channel). Each file's delivery lands in the audit log with its
name, size, SHA-256 and the channel it went to.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from slack_sdk.errors import SlackApiError

from bot.commands import Command
from bot.files import OutcomeFile, audit_delivery
from bot.roles import Actor
from bot.runner import audit, display_name
from bot.services import Outcome
from bot.slack.deps import Deps

log = logging.getLogger(__name__)


def deliver(deps: Deps, actor: Actor, command: Command, files: Sequence[OutcomeFile], comment: str, *,
            record_type: str = "", record_ids: Sequence[str] = (), to_requester_only: bool = False) -> str:
    """Upload `files` with `comment` beside them; returns the channel they went to. `record_type`: the
    type the user named, for a command of several types ('debtor events')."""
    channel = None if to_requester_only else actor.channel
    thread = actor.thread_ts if channel else None
    where = deps.ui.upload(channel, actor.id, files, comment, thread_ts=thread)
    place = f"Slack {'DM' if where.startswith('D') else 'channel'} {where}"
    if thread and where == channel:
        place += f", thread {thread}"
    for file in files:
        audit_delivery(deps.rt.store, file, place, actor=actor.id, source=actor.source,
                       command=display_name(command, record_type), record_type=record_type or command.record_type,
                       record_ids=list(record_ids), channel=where)
    return where


def deliver_outcome(deps: Deps, actor: Actor, command: Command, outcome: Outcome) -> str:
    """Upload the outcome's files beside its message where the command came from; NOTIFY_CHANNEL gets
    the message alone, unless the files went there. Returns what the requester is shown in place of
    the confirmation: the outcome and where the files are (or that Slack did not take them)."""
    count = len(outcome.files)
    try:
        went = deliver(deps, actor, command, outcome.files, outcome.message, record_ids=outcome.record_ids)
    except Exception as exc:  # the work is done and kept; only Slack did not take the file
        log.warning("could not upload %s's files", command.name, exc_info=exc)
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        audit(deps.rt, command, actor, outcome.record_ids, "failed", f"Slack did not take the file(s): {reason}")
        deps.notifier.action_done(outcome, replace(actor, thread_ts=None))
        return (f"{outcome.message} Slack did not take the {'file' if count == 1 else 'files'} just now; run the "
                f"command again, or from a shell: `billecta-bot run {command.name} {outcome.record_ids[0]}`.")
    if went != deps.settings.notify_channel:
        deps.notifier.action_done(outcome, replace(actor, thread_ts=None))  # the thread has the files already
    return f"{outcome.message} {files_note(count, went, actor.channel, actor.thread_ts)}"


def files_note(count: int, went: str, asked: str | None, thread_ts: str | None) -> str:
    """Where the requester finds the files."""
    them = "The file is" if count == 1 else f"The {count} files are"
    if went == asked:
        return f"{them} in {'the thread of that message' if thread_ts else 'this channel'}."
    if asked:
        return f"The bot cannot post files in <#{asked}>, so {them[0].lower() + them[1:]} in your DMs with it."
    return f"{them} in your DMs with the bot."
