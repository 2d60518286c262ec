"""Add a message to an order row (command 28, `orderrow message <id> message= [kind=]`).

The order and its rows are the bot's own records (Billecta has no orders: an order is pushed as a
draft invoice by `order upsert`, bot.services.orders). A message row is a new order row of Billecta's
RecordType Message (text only) placed right after the given row; the rows after it move down. What
that means for Billecta depends on where the order stands, read fresh by `prepare`:

    never sent   the row simply joins the order (the first `order upsert` carries it)
    draft        the row is in the store now and on the draft at the next `order upsert <id>`; it is
                 not pushed from here, so that the dialog's one write stays a local one (the upsert has
                 its own run-once, audit and job) and several messages go up in one upsert
    attested     the invoice cannot change: the text can be a comment on the invoice instead
                 (`kind=comment`, `/v1/invoice/comment`), stamped with the claim's token
    cancelled, credited   refused before the form: nothing can be added to that invoice

Both writes go through `once.send`. A row carries the claim's token (`orderrow.claim_token`) and a
comment carries it in its text, so `find_message` tells whether a claim left by a crash or a lost
reply was applied: a second submission adds one row, and one comment, not two.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.models import CommentActionView, InvoiceActionView
from bot.errors import BillectaNotFound, BotError, InvalidInput, InvoiceStateError, NotFound
from bot.once import Found, Once
from bot.roles import Actor
from bot.services import Outcome
from bot.services.mirror import invoice_values
from bot.services.orderrow_message_form import (
    KIND_WORDS,
    MESSAGE_MAX,
    InvoiceState,
    MessageKind,
    OrderRowMessageForm,
    kind_problem,
)
from bot.store import SyncStatus, utcnow

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["KIND_WORDS", "MESSAGE_MAX", "MessageKind", "OrderRowMessageForm", "add_message", "find_message",
           "prepare"]

MESSAGE_ROW = enums.RecordType.Message.value
# Rows the bot adds take ids above any the CRM's import uses (and above the `order_id * 100 + n` of rows
# linked from Billecta), so importing the CRM's rows later never takes a message row over by its id.
BOT_ROW_IDS = 9_000_000_000


def prepare(rt: Runtime, record: dict[str, Any]) -> dict[str, Any]:
    """Where the row's order stands in Billecta (a fresh read), for the form and its validation.

    Raises the refusal (with what does apply) when the order's invoice is cancelled or credited.
    `kind` prefills the form: a comment for an attested invoice, a row otherwise."""
    row, order = _row_and_order(rt, record)
    state, view = invoice_state(rt, order)
    position, count = _place(rt, row)
    invoice = _invoice_name(view)
    return {
        "order_id": order["id"], "order": f"order {order['id']}", "row": _row_words(rt, row, position),
        "position": position, "rows": count, "state": state.value, "invoice": invoice,
        "action_public_id": view.action_public_id if view else None, "max": MESSAGE_MAX,
        "kind": (MessageKind.COMMENT if state is InvoiceState.ATTESTED else MessageKind.ROW).value,
    }


def invoice_state(rt: Runtime, order: dict[str, Any]) -> tuple[InvoiceState, InvoiceActionView | None]:
    """The order's invoice as Billecta has it now, and the state that decides what can be added."""
    view = None
    if order.get("billecta_id"):
        try:
            view = rt.billecta.get_invoice(order["billecta_id"])
        except BillectaNotFound:
            view = None  # the draft was deleted in Billecta's portal: the next upsert creates it again
    if view is None:
        return InvoiceState.NEW, None
    reason = refusal(view, order["id"])
    if reason:
        raise InvoiceStateError(reason)
    if view.state.stage is enums.InvoiceStage.Created:
        return InvoiceState.DRAFT, view
    rt.store.mirror("invoice", "action_public_id", {**invoice_values(view), "order_id": order["id"]})
    return InvoiceState.ATTESTED, view


def refusal(view: InvoiceActionView, order_id: int) -> str | None:
    """Why nothing can be added for an order whose invoice is `view` (cancelled, credited), with what applies."""
    name = f"order {order_id}'s {_invoice_name(view)}"
    if view.state.stage is enums.InvoiceStage.Cancelled:
        return (f"{name} is cancelled; nothing can be added to it. Put the message on a new order instead "
                f"(`invoice events {_key(view)}` shows what happened).")
    # Partly credited, it is still open and a comment applies; credited in full, it is done with.
    if view.credited_amount.value > 0 and view.current_amount.value <= 0:
        return (f"{name} has been credited; nothing can be added to it. Put the message on a new order instead "
                f"(`invoice events {_key(view)}` shows the credit).")
    return None


def add_message(rt: Runtime, record: dict[str, Any], form: OrderRowMessageForm, actor: Actor,
                once: Once) -> Outcome:
    """Add the row (or, on an attested invoice, the comment) once, after re-reading where the order stands:
    what was prepared when the form opened may be stale (attested since)."""
    row, order = _row_and_order(rt, record)
    state, view = invoice_state(rt, order)
    problem = kind_problem(form.kind, {"state": state.value, "order": f"order {order['id']}",
                                       "invoice": _invoice_name(view)})
    if problem:
        raise InvalidInput(problem, field_errors={"kind": problem})
    if form.kind is MessageKind.COMMENT:
        assert view is not None  # kind_problem refuses a comment on an order not in Billecta
        return _comment(rt, record, order, view, form.message, actor, once)
    new_id = once.send(lambda: _insert_after(rt, row, form.message, once.token),
                       f"a message row on order {order['id']}", facts={"kind": MessageKind.ROW.value})
    return _row_outcome(rt, record, order, state, form.message, new_id)


def find_message(rt: Runtime, record: dict[str, Any], once: Once) -> Found | None:
    """Whether the work of `once` was applied: the row carrying its token in the store, or the comment
    carrying it in the invoice's log in Billecta."""
    added = rt.store.find_by("orderrow", "claim_token", once.token)
    if added is not None:
        return Found(f"Added the message row {quoted(str(added['description']))} to order {added['order_id']} "
                     f"as row {added['position']}", {"row_id": added["id"], "kind": MessageKind.ROW.value})
    if once.facts.get("kind") != MessageKind.COMMENT.value:
        return None  # a row is local: not in the store means not added
    action_id = str(once.facts.get("action_public_id") or "")
    view = rt.billecta.get_invoice(action_id)
    for event in view.events:
        if once.token in f"{event.content or ''} {event.title or ''}":
            return Found(f"Commented on {_invoice_name(view)}", {"kind": MessageKind.COMMENT.value})
    return None


def _comment(rt: Runtime, record: dict[str, Any], order: dict[str, Any], view: InvoiceActionView, text: str,
             actor: Actor, once: Once) -> Outcome:
    name = _invoice_name(view)
    comment = CommentActionView(action_public_id=view.action_public_id, target=enums.CommentTarget.Private,
                                comment=f"{text}\n(by {actor.display} with billecta-bot, {once.token})")
    once.send(lambda: rt.billecta.comment_invoice(comment), f"the comment on {name}",
              facts={"kind": MessageKind.COMMENT.value, "action_public_id": view.action_public_id})
    with contextlib.suppress(BotError):  # the comment is in Billecta; the mirror catches up at the next pull
        rt.store.mirror("invoice", "action_public_id",
                        {**invoice_values(rt.billecta.get_invoice(view.action_public_id)), "order_id": order["id"]})
    return Outcome(f"Commented on {name} (order {order['id']}): {quoted(text)}. Its rows stay as they are: an attested "
                   "invoice cannot change.", "orderrow", [str(record["id"])],
                   details={"kind": MessageKind.COMMENT.value, "order_id": order["id"],
                            "action_public_id": view.action_public_id})


def _insert_after(rt: Runtime, row: dict[str, Any], text: str, token: str) -> int:
    """The message row right after `row`, the rows after it moved down, the order marked changed: one
    transaction. The order's rows are numbered 1… again, so positions are the rows' places on the invoice."""
    store, now = rt.store, utcnow()
    with store.transaction():
        ids = [other["id"] for other in _rows(rt, row["order_id"])]
        highest = store.db.execute("SELECT MAX(id) FROM orderrow WHERE id > ?", [BOT_ROW_IDS]).fetchone()[0]
        new_id = store.insert("orderrow", {
            "id": (highest or BOT_ROW_IDS) + 1, "order_id": row["order_id"], "description": text,
            "record_type": MESSAGE_ROW, "position": 0,
            "claim_token": token, "sync_status": SyncStatus.NEW, "updated_at": now})
        ids.insert(ids.index(row["id"]) + 1, new_id)
        for position, row_id in enumerate(ids, start=1):
            store.db.conn.execute("UPDATE orderrow SET position = ?, updated_at = CASE WHEN position = ? "
                                  "THEN updated_at ELSE ? END WHERE id = ?", [position, position, now, row_id])
        order = store.require("order", row["order_id"])
        if order.get("sync_status") == SyncStatus.SYNCED:
            store.update("order", order["id"], {"sync_status": SyncStatus.CHANGED})
    return new_id


def _row_outcome(rt: Runtime, record: dict[str, Any], order: dict[str, Any], state: InvoiceState, text: str,
                 new_id: int) -> Outcome:
    added = rt.store.require("orderrow", new_id)
    position, count = _place(rt, added)
    oid = order["id"]
    message = (f"Added the message row {quoted(text)} to order {oid} after {_row_words(rt, record, position - 1)}: "
               f"it is row {position} of {count}.")
    if state is InvoiceState.DRAFT:
        message += (f" The draft invoice in Billecta gets it at the next `order upsert {oid}`; until then it "
                    "shows the rows it had.")
    else:
        message += f" The order is not in Billecta yet; `order upsert {oid}` makes its draft invoice with it."
    return Outcome(message, "orderrow", [str(record["id"])],
                   details={"kind": MessageKind.ROW.value, "order_id": oid, "position": position,
                            "row_id": added["id"]})


def _row_and_order(rt: Runtime, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    row = rt.store.get("orderrow", record["id"])
    if row is None:
        raise NotFound(f"There is no orderrow {record['id']} in the bot's store any more.")
    order = rt.store.get("order", row["order_id"]) if row.get("order_id") is not None else None
    if order is None:
        raise NotFound(f"orderrow {row['id']} belongs to no order in the bot's store; import its order first.")
    return row, order


def _rows(rt: Runtime, order_id: int) -> list[dict[str, Any]]:
    return rt.store.rows("orderrow", "order_id = ?", [order_id], order_by="position, id")


def _place(rt: Runtime, row: dict[str, Any]) -> tuple[int, int]:
    """The row's place in its order (1…) as the invoice shows it, and how many rows the order has."""
    ids = [other["id"] for other in _rows(rt, row["order_id"])]
    return ids.index(row["id"]) + 1, len(ids)


def quoted(text: str, limit: int = 80) -> str:
    """The user's text echoed in an outcome, which Slack shows as mrkdwn: `<` and `>` would make
    `<!channel>` ping everyone, so they are shown as look-alikes (the row keeps the exact text)."""
    shown = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return "“" + shown.replace("<", "‹").replace(">", "›") + "”"


def _row_words(rt: Runtime, row: dict[str, Any], position: int) -> str:
    """'row 1 (“Coffee machine service”)': the row's place and its text, or its article's name."""
    article = rt.store.get("article", row["article_id"]) if row.get("article_id") else None
    text = row.get("description") or (article or {}).get("name")
    return f"row {position} ({quoted(str(text), 40)})" if text else f"row {position} (orderrow {row['id']})"


def _invoice_name(view: InvoiceActionView | None) -> str:
    if view is None:
        return ""
    if view.state.stage is enums.InvoiceStage.Created:
        return "draft invoice"
    return f"invoice {_key(view)}"


def _key(view: InvoiceActionView) -> str:
    return str(view.invoice_number or view.action_public_id)
