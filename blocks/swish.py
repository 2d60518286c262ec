"""The one message about a Swish request (command 17), edited in place as the request moves on.

Pure: built from a `bot.jobs.swish.SwishRequest`. While the payer has not answered it carries a Cancel
button (its value, the request's id, is sealed on the way out; the click is checked again on the server).
"""

from __future__ import annotations

from typing import Any

from blocks import limits
from blocks.common import Block, actions, button, confirm_dialog, context, fields, message, section
from blocks.ids import ActionId, unique_id
from blocks.notices import events_button
from bot import timefmt
from bot.jobs.swish import SENDING, TIMED_OUT, SwishRequest, status_words

ICONS = {"Paid": "✅", "Created": "⏳", SENDING: "⏳", "Declined": "❌", "Error": "❌", "Cancelled": "🚫",
         TIMED_OUT: "⌛", "Refunded": "↩️"}


def swish_message(request: SwishRequest) -> dict[str, Any]:
    icon = ICONS.get(request.status, "❔")
    text = f"{icon} {request.summary}"
    blocks: list[Block] = [
        section(f"{icon} *Swish request* for {_escape(request.record_label)}: {_escape(status_words(request))}."),
        fields([("Amount", request.amount), ("Payer's phone", request.phone),
                ("Message", _escape(request.message) or "—"), ("Sent", timefmt.format_moment(request.created_at))]),
        context(f"Requested by {_by(request)}" + (f" · ended {timefmt.format_moment(request.finished_at)}"
                                                 if request.finished_at else "")),
    ]
    buttons = []
    if request.pending:
        blocks.append(context(f"The payer has until about {timefmt.format_moment(request.expires_at)} to approve it."))
        buttons.append(button("Cancel request", unique_id(ActionId.SWISH_CANCEL, request.id), str(request.id),
                              style="danger", confirm=confirm_dialog(
                                  "Cancel the Swish request?",
                                  limits.clip(f"The request for {request.amount} disappears from the payer's "
                                              "Swish app; nothing is paid.", 250),
                                  "Cancel request", danger=True, no="Keep it")))
    buttons.append(events_button("invoice", request.invoice_key, f"invoice {request.invoice_key}"))
    blocks.append(actions(*buttons))
    return message(text, blocks)


def _by(request: SwishRequest) -> str:
    return f"<@{request.requested_by}>" if request.source == "slack" else f"`{request.requested_by}` ({request.source})"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
