"""`@shielded`: a listener's errors go to the one error exit, shown where the user is looking.

Bolt's own error path is wrong for us after an ack: when a listener raises, Bolt sets the request's
ack response back to None, so an error raised within ~10 ms of `ack()` holds the HTTP response for
the full 3 s ack timeout (and then answers 404). Shielded listeners never raise into Bolt; an error
before the ack becomes the ack (a modal submission shows it in the modal), one after it is shown by
`deps.fail` — for a submission only once Slack has applied the ack's own view.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from slack_bolt.util.utils import get_arg_names_of_callable

from blocks.status import error_view
from bot.slack import payload
from bot.slack.errors import describe, headline
from bot.slack.ui import after_ack

Listener = Callable[..., None]


def shielded(listener: Listener) -> Listener:
    names = get_arg_names_of_callable(listener)
    if "body" not in names or "deps" not in names:
        raise TypeError(f"{listener.__name__} must take `body` and `deps` to be shielded")

    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as exc:  # shown to the user (typed) or logged with a reference (unexpected)
            _show(exc, kwargs)

    return run


def _show(exc: Exception, kwargs: dict[str, Any]) -> None:
    body, deps, ack = kwargs["body"], kwargs["deps"], kwargs.get("ack")
    submission = body.get("type") == "view_submission"
    if ack is not None and ack.response is None:
        if submission:
            ack(response_action="update", view=deps.ui.view(error_view(headline(exc), describe(exc))))
            return
        ack()
    where = payload.where(body)
    if submission:
        where.after = after_ack()
    deps.fail(where, exc)
