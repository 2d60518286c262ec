"""`orderrow message`: a message row placed after the given row (the rows after it move down), what it
means for the order's invoice (never sent, draft, attested → a comment instead; cancelled or credited →
refused before the form), the text's limits, one row or comment per submission, a lost reply on the
comment looked up in Billecta, and the next `order upsert` carrying the row to Billecta as a Message
row valid against Billecta's schema. Real store, the demo sandbox in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils

from bot import commands as registry
from bot.billecta.models import InvoiceActionView
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import AlreadyDone, InvalidInput, InvoiceStateError, NotFound, Unresolved
from bot.forms import validate_form
from bot.once import Once
from bot.process import this_process
from bot.roles import Actor, Role
from bot.runner import load_dialog, prepare_dialog, resolve_dead_claims, resolve_one, run_dialog
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.services import credit, orders
from bot.services.orderrow_message import BOT_ROW_IDS, _insert_after, refusal
from bot.services.orderrow_message_form import MESSAGE_MAX, OrderRowMessageForm
from bot.store import MIGRATIONS, Store, SyncStatus
from tests.sandbox.helpers import client_for
from tests.wire_schemas import assert_valid

ACTOR = Actor("U123", Role.OPERATOR, "slack", name="Olle Operator")
MESSAGE = registry.find("orderrow", "message")
FIRST, SECOND = "101001", "101002"  # the demo's order 1010 (a draft invoice) and its two rows


class Recording(httpx.BaseTransport):
    """The sandbox's transport, keeping each request's method, path and JSON body."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.sent = inner, []  # type: ignore[var-annotated]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.sent.append((request.method, request.url.path, body))
        return self.inner.handle_request(request)

    def bodies(self, method: str, part: str) -> list[Any]:
        return [body for m, path, body in self.sent if m == method and part in path]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(":memory:", seed="demo")
    yield box
    box.close()


@pytest.fixture
def wire(sandbox: Sandbox) -> Recording:
    return Recording(sandbox.transport())


@pytest.fixture
def rt(wire: Recording) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(_env_file=None), store=Store(":memory:"),  # type: ignore[call-arg]
                            transport=wire)
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()


def add(rt: Runtime, key: str, attempt: str | None = None, **values: str) -> Any:
    dialog = prepare_dialog(rt, MESSAGE, key, values, ACTOR)
    return run_dialog(rt, dialog, ACTOR, attempt=attempt)


def texts(rt: Runtime, order_id: int = 1010) -> list[str]:
    """The order's rows in their invoice order: a message row by its text, another by its id."""
    rows = rt.store.rows("orderrow", "order_id = ?", [order_id], order_by="position, id")
    return [row["description"] if row["record_type"] == "Message" else str(row["id"]) for row in rows]


def comments(rt: Runtime, action_id: str) -> list[str]:
    view = rt.billecta.get_invoice(action_id)
    return [str(event.content) for event in view.events if event.event_type == "CommentedByCreditor"]


def attest(rt: Runtime) -> str:
    orders.attest_order(rt, "1010")
    return str(rt.store.require("order", 1010)["billecta_id"])


# -- the form ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "says"), [
    ("", "Write the message"), ("    ", "only spaces"), ("x" * (MESSAGE_MAX + 1), f"At most {MESSAGE_MAX} characters"),
    ("two\nlines", "one line"),
])
def test_a_bad_message_is_named_under_its_field(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_form(OrderRowMessageForm, {"message": typed}, {"state": "draft"})
    assert says in caught.value.field_errors["message"]


def test_the_longest_message_fits_and_is_trimmed() -> None:
    form = OrderRowMessageForm.model_validate({"message": f"  {'x' * MESSAGE_MAX}  "}, context={"state": "new"})
    assert form.message == "x" * MESSAGE_MAX and form.kind == "row"


# -- the row, placed -------------------------------------------------------------------------------

def test_the_row_goes_after_the_given_row_and_the_rows_after_it_move_down(rt: Runtime) -> None:
    outcome = add(rt, FIRST, message="Delivered to the back entrance")
    assert texts(rt) == [FIRST, "Delivered to the back entrance", SECOND]
    assert "after row 1" in outcome.message and "row 2 of 3" in outcome.message
    assert "`order upsert 1010`" in outcome.message  # a draft: it is on the invoice at the next upsert
    add(rt, FIRST, message="Second note")
    assert texts(rt) == [FIRST, "Second note", "Delivered to the back entrance", SECOND]
    assert rt.store.require("order", 1010)["sync_status"] == SyncStatus.CHANGED
    audit = rt.store.rows("audit", "command = 'orderrow message'")
    assert [row["outcome"] for row in audit] == ["ok", "ok"]


def test_after_the_last_row_it_is_the_last(rt: Runtime) -> None:
    add(rt, SECOND, message="Thank you for your order")
    assert texts(rt) == [FIRST, SECOND, "Thank you for your order"]


def test_rows_imported_later_go_after_the_message_and_never_take_it_over(rt: Runtime) -> None:
    added = add(rt, FIRST, message="Note").details["row_id"]
    assert added > BOT_ROW_IDS  # clear of the CRM's row ids
    rt.store.upsert_records("orderrow", [{"id": 101009, "order_id": 1010, "quantity": "1", "unit_price": "10.00"}])
    assert texts(rt) == [FIRST, "Note", SECOND, "101009"]


def test_the_migration_keeps_the_rows_of_an_existing_store_in_their_order(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "old.db")
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, migration in MIGRATIONS[:[n for n, _ in MIGRATIONS].index("011_orderrow_position")]:
        migration(db)
        db.execute("INSERT INTO _migrations VALUES (?, ?)", [name, "2026-11-30T00:00:00+00:00"])
    db["debtor"].insert({"id": 1, "name": "Kund AB"})
    db["order"].insert_all([{"id": 1, "debtor_id": 1}, {"id": 2, "debtor_id": 1}])
    db["orderrow"].insert_all([{"id": rid, "order_id": oid, "quantity": "1"} for rid, oid in
                               ((5, 1), (3, 1), (4, 2), (9, 1))])
    db.conn.commit()
    db.close()
    store = Store(tmp_path / "old.db")
    try:
        placed = [(row["order_id"], row["id"], row["position"])
                  for row in store.rows("orderrow", order_by="order_id, id")]
    finally:
        store.close()
    assert placed == [(1, 3, 1), (1, 5, 2), (1, 9, 3), (2, 4, 1)]


def test_a_second_delivery_of_the_submission_adds_one_row(rt: Runtime) -> None:
    dialog = prepare_dialog(rt, MESSAGE, FIRST, {"message": "Once"}, ACTOR)
    first = run_dialog(rt, dialog, ACTOR, attempt="view-1:hash")
    again = run_dialog(rt, dialog, ACTOR, attempt="view-1:hash")
    assert texts(rt).count("Once") == 1
    assert again.message == first.message and again.details.get("repeated")


def test_an_order_never_sent_simply_gets_the_row_and_takes_no_comment(rt: Runtime) -> None:
    rt.store.upsert_records("order", [{"id": 77, "debtor_id": rt.store.rows("debtor", limit=1)[0]["id"],
                                       "order_date": "2026-12-01"}])
    rt.store.upsert_records("orderrow", [{"id": 7701, "order_id": 77, "quantity": "2", "unit_price": "100.00"}])
    outcome = add(rt, "7701", message="Gift wrapped")
    assert texts(rt, 77) == ["7701", "Gift wrapped"]
    assert "not in Billecta yet" in outcome.message and "`order upsert 77`" in outcome.message
    with pytest.raises(InvalidInput) as caught:
        add(rt, "7701", message="A note", kind="comment")
    assert "no invoice to comment on" in caught.value.field_errors["kind"]


# -- the order upsert afterwards ---------------------------------------------------------------------

def test_the_next_order_upsert_carries_the_message_row_to_billecta(rt: Runtime, wire: Recording) -> None:
    add(rt, FIRST, message="Delivered to the back entrance")
    orders.upsert_order(rt, "1010")
    body = wire.bodies("PUT", "/v1/invoice/action/")[-1]
    assert_valid("InvoiceActionEntryView", body)
    sent = [(row["SequenceNo"], row.get("RecordType"), row.get("ArticleDescription")) for row in body["Records"]]
    assert sent[1] == (2, "Message", "Delivered to the back entrance")
    assert "UnitPrice" not in body["Records"][1] or body["Records"][1]["UnitPrice"] is None
    view = rt.billecta.get_invoice(str(rt.store.require("order", 1010)["billecta_id"]))
    assert [(r.sequence_no, r.record_type.value) for r in view.records] == [(1, "Standard"), (2, "Message"),
                                                                            (3, "Standard")]
    assert view.records[1].article_description == "Delivered to the back entrance"
    assert rt.store.require("order", 1010)["sync_status"] == SyncStatus.SYNCED


def test_what_billecta_gives_back_is_a_valid_invoice_with_the_message_row(rt: Runtime, sandbox: Sandbox) -> None:
    add(rt, FIRST, message="Delivered to the back entrance")
    orders.upsert_order(rt, "1010")
    aid = str(rt.store.require("order", 1010)["billecta_id"])
    with client_for(sandbox) as client:
        raw = client.get(f"/v1/invoice/action/{aid}").json()
    assert_valid("InvoiceActionView", raw)
    message = raw["Records"][1]
    assert message["RecordType"] in ("Message", 1) and message["ArticleDescription"] == "Delivered to the back entrance"
    assert message["TotalIncVAT"]["Value"] == 0


# -- attested: a comment instead -------------------------------------------------------------------

def test_an_attested_invoice_refuses_a_row_and_offers_the_comment(rt: Runtime) -> None:
    aid = attest(rt)
    _, prepared = load_dialog(rt, MESSAGE, FIRST)
    assert prepared["state"] == "attested" and prepared["kind"] == "comment"
    with pytest.raises(InvalidInput) as caught:
        add(rt, FIRST, message="Delivered late")
    assert "cannot change" in caught.value.field_errors["kind"] and "kind=comment" in caught.value.field_errors["kind"]
    before = len(comments(rt, aid))
    outcome = add(rt, FIRST, message="Delivered late", kind="comment")
    assert "Commented on invoice 1010" in outcome.message and "cannot change" in outcome.message
    after = comments(rt, aid)
    assert len(after) == before + 1 and after[-1].startswith("Delivered late")
    assert texts(rt) == [FIRST, SECOND]  # the rows stay as they are


def test_attested_since_the_form_opened_is_refused_at_submit(rt: Runtime) -> None:
    dialog = prepare_dialog(rt, MESSAGE, FIRST, {"message": "Too late"}, ACTOR)  # a draft then
    attest(rt)
    with pytest.raises(InvalidInput) as caught:
        run_dialog(rt, dialog, ACTOR)
    assert "attested" in caught.value.field_errors["kind"]
    assert texts(rt) == [FIRST, SECOND]


def test_a_lost_reply_on_the_comment_is_looked_up_not_sent_again(rt: Runtime, sandbox: Sandbox) -> None:
    aid = attest(rt)
    before = len(comments(rt, aid))
    dialog = prepare_dialog(rt, MESSAGE, FIRST, {"message": "Called the customer", "kind": "comment"}, ACTOR)
    sandbox.set_faults(lose_next=1)  # Billecta adds the comment; its reply is lost
    with pytest.raises(Unresolved):
        run_dialog(rt, dialog, ACTOR, attempt="view-9:hash")
    assert len(comments(rt, aid)) == before + 1
    again = run_dialog(rt, dialog, ACTOR, attempt="view-9:hash")  # Slack's retry of the same submission
    assert "Commented on invoice 1010" in again.message and again.details.get("resolved")
    assert len(comments(rt, aid)) == before + 1


def test_after_a_lost_reply_a_new_submission_is_told_it_went_through(rt: Runtime, sandbox: Sandbox) -> None:
    aid = attest(rt)
    before = len(comments(rt, aid))
    values = {"message": "Called the customer", "kind": "comment"}
    sandbox.set_faults(lose_next=1)
    with pytest.raises(Unresolved) as unknown:
        run_dialog(rt, prepare_dialog(rt, MESSAGE, FIRST, values, ACTOR), ACTOR)
    assert "could not tell" in unknown.value.user_message
    with pytest.raises(AlreadyDone) as done:  # the user tries again: looked up first, not sent again
        run_dialog(rt, prepare_dialog(rt, MESSAGE, FIRST, values, ACTOR), ACTOR)
    assert "Commented on invoice 1010" in done.value.user_message
    assert len(comments(rt, aid)) == before + 1
    assert [row["outcome"] for row in rt.store.rows("audit", "command = 'orderrow message'", order_by="id")][-3:-1] \
        == ["unknown", "ok"]  # the attempt that met the reply lost, then its resolution


# -- refused before the form ---------------------------------------------------------------------------

def test_a_credited_invoice_is_refused_before_the_form(rt: Runtime) -> None:
    attest(rt)
    credit.credit_invoice(rt, "1010")
    with pytest.raises(InvoiceStateError) as caught:
        load_dialog(rt, MESSAGE, FIRST)
    assert "has been credited" in caught.value.user_message and "new order" in caught.value.user_message


def _view(stage: str, credited: int = 0, current: int = 0) -> InvoiceActionView:
    return InvoiceActionView.model_validate({
        "ActionPublicId": "a1", "InvoiceNumber": "1011", "State": {"Stage": stage},
        "CreditedAmount": {"Value": credited, "CurrencyCode": "SEK"},
        "CurrentAmount": {"Value": current, "CurrencyCode": "SEK"}})


@pytest.mark.parametrize(("view", "says"), [
    (_view("Cancelled"), "order 5's invoice 1011 is cancelled; nothing can be added to it. Put the message on a new "
                         "order instead (`invoice events 1011` shows what happened)."),
    (_view("Completed", credited=10_000), "order 5's invoice 1011 has been credited; nothing can be added"),
    (_view("InvoiceSent", credited=10_000, current=5_000), None),  # partly credited: a comment still applies
    (_view("InvoiceSent", current=5_000), None),
])
def test_a_cancelled_or_credited_invoice_takes_nothing(view: InvoiceActionView, says: str | None) -> None:
    reason = refusal(view, 5)
    assert (reason is None) if says is None else (reason is not None and reason.startswith(says))


def test_the_outcome_cannot_ping_a_channel_but_the_row_keeps_the_text(rt: Runtime) -> None:
    outcome = add(rt, FIRST, message="<!channel> fragile <3")
    assert "<!channel>" not in outcome.message and "‹!channel› fragile ‹3" in outcome.message
    assert "<!channel> fragile <3" in texts(rt)


def test_an_unknown_row_is_refused_before_the_form(rt: Runtime) -> None:
    assert not MESSAGE.needs_billecta_id
    with pytest.raises(NotFound) as caught:
        resolve_one(rt, MESSAGE, "999")
    assert caught.value.user_message == "There is no orderrow 999 in the bot's store."


# -- a bot killed mid-write ------------------------------------------------------------------------------

DEAD = "999999/1/" + this_process().split("/")[2]  # a pid that is not running, on this boot


def _killed(rt: Runtime, name: str) -> tuple[str, Once]:
    key = f"dialog:{MESSAGE.slug}:{FIRST}:{name}"
    assert rt.store.claim(key, owner=DEAD)
    rt.store.mark_claim(key, "sending", {"token": Once(rt.store, key).token, "reference": "a message row",
                                         "local": {}, "facts": {"kind": "row"}})
    return key, Once(rt.store, key)


def test_a_row_added_by_a_bot_killed_before_it_could_say_so_is_found_not_added_again(rt: Runtime) -> None:
    key, once = _killed(rt, "killed-after")
    _insert_after(rt, rt.store.require("orderrow", int(FIRST)), "Killed after", once.token)  # before it died
    done = dict(resolve_dead_claims(rt, f"dialog:{MESSAGE.slug}:"))[key]
    assert done is not None and "Added the message row “Killed after” to order 1010 as row 2" in done.message
    assert texts(rt) == [FIRST, "Killed after", SECOND]


def test_a_row_a_killed_bot_never_wrote_is_released_and_added_once_on_retry(rt: Runtime) -> None:
    key, _ = _killed(rt, "killed-before")
    assert dict(resolve_dead_claims(rt, f"dialog:{MESSAGE.slug}:"))[key] is None  # not in the store: not added
    assert rt.store.claim_row(key) is None
    add(rt, FIRST, message="Retried")
    assert texts(rt) == [FIRST, "Retried", SECOND]
