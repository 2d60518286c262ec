"""Following Swish requests until the payer answers: durable rows in the store, driven by the job queue.

A request is followed by reading its status (`GET /v1/payments/swish/{token}`) every
SWISH_POLL_SECONDS until Billecta says Paid, Declined, Error or Cancelled, or SWISH_TIMEOUT_MINUTES
have passed (Swish drops an unanswered request after 3 minutes). The follow-up is a row of
`swish_request`, not a thread: the job queue's scheduler calls `SwishWatch.poll_due` every tick in any
process running it (the Slack app, `billecta-bot worker`), and the CLI in the foreground, so a restart
loses nothing and a payer thinking it over holds no worker. A row is written before the request is
sent (status Sending, under the dialog's run-once key) and gets its token when Billecta answers.

Every change goes to `notifier.swish_changed(request)`, which edits the requester's one message. An
ending is settled once (an UPDATE that only one process wins): audited, and a paid request — which
Billecta registers as a payment on the invoice itself — read back into the mirror and recorded in the
store's payments under its token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.billecta.models import InvoiceActionView, SwishPaymentStatusView
from bot.errors import BillectaNotFound, BillectaRejected, BotError, NotFound, UsageError
from bot.money import format_amount
from bot.notify import Notifier, NullNotifier
from bot.roles import Actor, Role, require
from bot.services.mirror import mirror_invoice
from bot.services.swish_form import SWISH_EXPIRES
from bot.store import Store, utcnow

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
TABLE = "swish_request"
SENDING, CREATED, TIMED_OUT, UNKNOWN = "Sending", "Created", "TimedOut", "Unknown"
ENDINGS = ("Paid", "Declined", "Error", "Cancelled", "Refunded")
COMMAND = "invoice swish"


@dataclass(frozen=True)
class SwishRequest:
    """One row of `swish_request`, as the notifier and the CLI see it."""

    id: int
    claim_key: str
    token: str | None
    invoice_key: str
    action_public_id: str
    record_label: str
    phone: str
    message: str
    amount_minor: int
    currency: str
    status: str
    error: str | None
    requested_by: str
    source: str
    channel: str | None
    thread_ts: str | None
    created_at: str
    deadline_at: float | None
    polls: int
    finished_at: str | None
    cancelled_by: str | None
    payment_recorded: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SwishRequest:
        values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(cls)}
        values["polls"] = int(values["polls"] or 0)
        values["amount_minor"] = int(values["amount_minor"] or 0)
        values["payment_recorded"] = bool(values["payment_recorded"])
        return cls(**values)

    @property
    def pending(self) -> bool:
        """Sent, and waiting for the payer: the one state that can still be cancelled."""
        return self.status == CREATED and self.finished_at is None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def expires_at(self) -> datetime:
        """When Swish drops the request if the payer has not answered."""
        return datetime.fromisoformat(self.created_at) + SWISH_EXPIRES

    @property
    def amount(self) -> str:
        return format_amount(self.amount_minor, self.currency)

    @property
    def summary(self) -> str:
        """'Swish request for 4 312,50 kr to +46 70 123 45 67 on invoice 1002: paid.'"""
        return f"Swish request for {self.amount} to {self.phone} on {self.record_label}: {status_words(self)}."


def status_words(request: SwishRequest) -> str:
    """The request's state in words for the requester, with what to do next where there is something."""
    if request.status == SENDING:
        return "being sent"
    if request.status == CREATED:
        return "waiting for the payer to approve it in Swish"
    if request.status == "Paid":
        return "paid; Billecta registered the payment on the invoice"
    if request.status == "Declined":
        return "declined by the payer" + (f" ({request.error})" if request.error else "")
    if request.status == "Cancelled":
        by = f" by {request.cancelled_by}" if request.cancelled_by else ""
        return f"cancelled{by}; nothing was paid"
    if request.status == "Error":
        return f"not paid: {request.error or 'Swish reported an error'}"
    if request.status == "Refunded":
        return "paid, then refunded"
    if request.status == TIMED_OUT:
        minutes = int(SWISH_EXPIRES.total_seconds() // 60)
        return (f"no answer from the payer in time (Swish drops an unanswered request after {minutes} minutes); "
                "send a new request if they still want to pay by Swish")
    return f"outcome unknown: {request.error}" if request.error else "outcome unknown"


def read_request(store: Store, request_id: int) -> SwishRequest:
    found = store.rows(TABLE, "id = ?", [request_id])
    if not found:
        raise NotFound(f"There is no Swish request {request_id}.")
    return SwishRequest.from_row(found[0])


class SwishWatch:
    """The `swish_request` rows of one store, and the reads of Billecta that move them on."""

    def __init__(self, rt: Runtime, notifier: Notifier | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.rt, self.notifier, self.clock = rt, notifier or NullNotifier(), clock

    # -- rows -------------------------------------------------------------------------------
    def _rows(self, where: str, params: list[Any]) -> list[SwishRequest]:
        return [SwishRequest.from_row(row) for row in self.rt.store.rows(TABLE, where, params, order_by="id")]

    def get(self, request_id: int) -> SwishRequest:
        return read_request(self.rt.store, request_id)

    def by_claim(self, claim_key: str) -> SwishRequest | None:
        found = self._rows("claim_key = ?", [claim_key])
        return found[0] if found else None

    def pending_for(self, action_public_id: str) -> SwishRequest | None:
        found = self._rows("action_public_id = ? AND finished_at IS NULL AND token IS NOT NULL", [action_public_id])
        return found[-1] if found else None

    def ended(self, token: str) -> bool:
        """The bot followed the request `token` to its end (paid, declined, cancelled…)."""
        return bool(self._rows("token = ? AND finished_at IS NOT NULL", [token]))

    def recent(self, limit: int = 20) -> list[SwishRequest]:
        rows = self.rt.store.rows(TABLE, order_by="id desc", limit=limit)
        return [SwishRequest.from_row(row) for row in rows]

    def _update(self, request_id: int, values: dict[str, Any], guard: str = "",
                guard_params: tuple[Any, ...] = ()) -> bool:
        values = {**values, "updated_at": utcnow()}
        assignments = ", ".join(f"[{column}] = ?" for column in values)
        with self.rt.store.lock:
            cursor = self.rt.store.db.conn.execute(
                f"UPDATE [{TABLE}] SET {assignments} WHERE id = ? {guard}",
                [*values.values(), request_id, *guard_params])
            return cursor.rowcount == 1

    # -- the request's life -----------------------------------------------------------------
    def reserve(self, claim_key: str, view: InvoiceActionView, *, invoice_key: str, label: str, phone: str,
                message: str, actor: Actor) -> SwishRequest:
        """The row for a request about to be sent (kept if the same claim sends again)."""
        existing = self.by_claim(claim_key)
        if existing is not None:
            return existing
        values = {"claim_key": claim_key, "invoice_key": invoice_key, "action_public_id": view.action_public_id,
                  "record_label": label, "phone": phone, "message": message,
                  "amount_minor": view.current_amount.value,
                  "currency": (view.current_amount.currency_code or "SEK").upper(), "status": SENDING,
                  "requested_by": actor.id, "source": actor.source, "channel": actor.channel,
                  "thread_ts": actor.thread_ts, "created_at": utcnow(), "polls": 0, "payment_recorded": 0}
        self.rt.store.insert(TABLE, values)
        found = self.by_claim(claim_key)
        assert found is not None
        return found

    def sent(self, claim_key: str, token: str) -> SwishRequest:
        """Billecta took the request: follow it from now on."""
        request = self.by_claim(claim_key)
        if request is None:
            raise NotFound(f"No Swish request is waiting under {claim_key}.")
        now, settings = self.clock(), self.rt.settings
        self._update(request.id, {"token": token, "status": CREATED, "next_poll_at": now + settings.swish_poll_seconds,
                                  "deadline_at": now + settings.swish_timeout_minutes * 60})
        return self.get(request.id)

    def not_sent(self, claim_key: str, status: str | None = None, error: str | None = None) -> None:
        """The request did not go (refused: the row goes), or whether it did is unknown (kept, marked)."""
        request = self.by_claim(claim_key)
        if request is None or request.token:
            return
        if status is None:
            with self.rt.store.lock:
                self.rt.store.db.conn.execute(f"DELETE FROM [{TABLE}] WHERE id = ?", [request.id])
            return
        self._update(request.id, {"status": status, "error": error})

    # -- following ----------------------------------------------------------------------------
    def poll_due(self) -> list[SwishRequest]:
        """Read the status of every request whose turn it is; returns those that changed."""
        now = self.clock()
        due = self._rows("finished_at IS NULL AND token IS NOT NULL AND next_poll_at <= ?", [now])
        changed = []
        for request in due:
            # One process reads each turn: the first to move next_poll_at on.
            if not self._update(request.id, {"next_poll_at": now + self.rt.settings.swish_poll_seconds},
                                "AND next_poll_at <= ?", (now,)):
                continue
            after = self.poll(request)
            if after is not None:
                changed.append(after)
        return changed

    def poll(self, request: SwishRequest) -> SwishRequest | None:
        """One status read; the request as it is now when it changed, else None."""
        assert request.token is not None
        try:
            view = self.rt.billecta.swish_status(request.token)
        except BillectaNotFound:
            return self._end(request, "Error", "Billecta no longer knows this Swish request.")
        except BotError as exc:  # Billecta down for a moment: the next turn reads again
            log.info("Swish request %s: status not read (%s)", request.id, exc.user_message)
            if self._past_deadline(request):  # never "no answer" for what could not be read: it may be paid
                return self._end(request, UNKNOWN, f"its status could not be read from Billecta ({exc.user_message}); "
                                 f"`invoice events {request.invoice_key}` shows whether it was paid")
            return None
        return self._apply(request, view)

    def _apply(self, request: SwishRequest, view: SwishPaymentStatusView) -> SwishRequest | None:
        status = view.status.value
        if status in ENDINGS:
            return self._end(request, status, view.error_message or view.error_code)
        self._update(request.id, {"polls": request.polls + 1})
        return self._timed_out(request)

    def _timed_out(self, request: SwishRequest) -> SwishRequest | None:
        return self._end(request, TIMED_OUT, None) if self._past_deadline(request) else None

    def _past_deadline(self, request: SwishRequest) -> bool:
        return request.deadline_at is not None and self.clock() >= request.deadline_at

    def _end(self, request: SwishRequest, status: str, error: str | None, *,
             by: Actor | None = None) -> SwishRequest | None:
        """Settle the request once; the process that does audits it, records a payment and tells people."""
        if not self._update(request.id, {"status": status, "error": error, "finished_at": utcnow(),
                                         "cancelled_by": by.display if by else None}, "AND finished_at IS NULL"):
            return None
        ended = self.get(request.id)
        if status == "Paid":
            self._record_payment(ended)
            ended = self.get(request.id)
        outcome = "ok" if status == "Paid" else "cancelled" if status == "Cancelled" else "failed"
        self.rt.store.audit(actor=by.id if by else ended.requested_by, source=by.source if by else ended.source,
                            channel=by.channel if by else ended.channel,
                            command=COMMAND, record_type="invoice", record_ids=[ended.invoice_key],
                            outcome=outcome, detail=ended.summary)
        self.changed(ended)
        return ended

    def _record_payment(self, request: SwishRequest) -> None:
        """Billecta booked the payment itself; the bot reads the invoice back and keeps the payment. A
        failure here leaves it to the next `billecta-bot pull`: the request is paid either way."""
        try:
            view = self.rt.billecta.get_invoice(request.action_public_id)
            mirror_invoice(self.rt, view)
            self.rt.store.mirror("payment", "billecta_id", {
                "billecta_id": request.token, "kind": "swish", "payment_type": "Swish", "state": "Paid",
                "amount": request.amount_minor, "currency": request.currency,
                "payment_date": utcnow()[:10], "reference": f"Swish {request.phone}",
                "action_public_id": request.action_public_id,
                "debtor_public_id": view.debtor.debtor_public_id if view.debtor else None,
                "sender_name": view.debtor.name if view.debtor else None})
            self._update(request.id, {"payment_recorded": 1})
        except Exception:
            log.exception("Swish request %s was paid; recording it here failed (the next pull repairs it)",
                          request.id)

    def changed(self, request: SwishRequest) -> None:
        try:
            self.notifier.swish_changed(request)
        except Exception:  # Slack down must never stop the follow-up; the outbox keeps what it can
            log.exception("could not tell about Swish request %s", request.id)

    # -- cancelling -------------------------------------------------------------------------
    def cancel(self, request_id: int, actor: Actor) -> SwishRequest:
        """Withdraw a pending request (the requester, or an operator or above)."""
        request = self.get(request_id)
        if actor.id != request.requested_by:
            require(actor, Role.OPERATOR, "Cancelling someone else's Swish request")
        if not request.pending or request.token is None:
            raise UsageError(f"{request.summary} There is nothing to cancel.")
        try:
            self.rt.billecta.cancel_swish(request.token)
        except BillectaRejected:
            # The payer answered first: what they did is the answer.
            self.poll(request)
            raise UsageError(f"Too late to cancel. {self.get(request_id).summary}") from None
        ended = self._end(request, "Cancelled", None, by=actor)
        return ended or self.get(request_id)

    # -- the CLI in the foreground ------------------------------------------------------------
    def follow(self, request_id: int, *, sleep: Callable[[float], None] = time.sleep) -> SwishRequest:
        """Poll one request until it ends (Ctrl-C leaves it to a worker)."""
        while True:
            request = self.get(request_id)
            if request.finished or request.token is None:
                return request
            row = self.rt.store.rows(TABLE, "id = ?", [request_id])[0]
            wait = float(row["next_poll_at"] or 0) - self.clock()
            if wait > 0:
                sleep(wait)
            self.poll_due()
