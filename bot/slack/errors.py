"""The one exit for errors in Slack: typed errors as their user message, anything else as a reference.

`describe(exc)` turns an exception into text safe for Slack: a `BotError`'s `user_message`, or for an
unexpected error a short reference token that is also logged with the traceback. No stack traces,
tokens or secrets ever reach Slack.
"""

from __future__ import annotations

import logging
import secrets

from slack_sdk.errors import SlackApiError

from bot.errors import BotError, TriggerExpired

log = logging.getLogger("billecta_bot.slack")


TRIGGER_ERRORS = ("expired_trigger_id", "exchanged_trigger_id")


def describe(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError) and exc.response.get("error") in TRIGGER_ERRORS:
        exc = TriggerExpired()
    if isinstance(exc, BotError):
        return exc.user_message
    reference = secrets.token_hex(4)
    if isinstance(exc, SlackApiError):
        log.error("Slack API error [ref %s]: %s", reference, exc.response.get("error"))
    else:
        log.error("unexpected error [ref %s]", reference, exc_info=exc)
    return (f"Something went wrong on our side (reference `{reference}`). Nothing more was changed; "
            "give the reference to whoever runs the bot.")


def headline(exc: BaseException) -> str:
    """Short title for an error view: each bot error names its own (bot.errors)."""
    return exc.title if isinstance(exc, BotError) else "Something went wrong"
