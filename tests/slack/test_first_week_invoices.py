"""A new finance team's first week with the invoice, payment and order-row commands of issues 8 and 9,
tried together as a new user meets them: each command opened from the slash command, the palette and
a message shortcut on a bot notice, by an operator and by an admin; the refusals on the demo's paused,
disputed, completed, draft and collected invoices; then the week's work in the order it happens.
Every text the bot sent is scanned as tests/slack/test_first_week.py does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blocks.ids import ActionId, BlockId
from bot.sandbox import DEMO
from bot.services.mirror import resolve

from .conftest import Stack
from .payloads import Reply, field, find_element
from .test_first_week import _palette_command, _shown, scan

NEW = {  # slug: (record type, the verb as typed, a record it applies to, who may run it)
    "fetch-and-save-invoice-pdf": ("invoice", "invoice pdf", "1001", "UOPER"),
    "use-credit-on-invoice": ("invoice", "invoice use-credit", "1006", "UOPER"),
    "register-writeoff-payments": ("invoice", "invoice writeoff", "1002", "UADMIN"),
    "create-reminder-invoice": ("invoice", "invoice reminder", "1002", "UOPER"),
    "invoice-postpone-next-event": ("invoice", "invoice postpone", "1002", "UOPER"),
    "swish-request": ("invoice", "invoice swish", "1002", "UOPER"),
    "send-to-debt-collection": ("invoice", "invoice debt-collection", "1002", "UADMIN"),
    "delete-unhandled-payment": ("payment", "payment delete", "", "UADMIN"),
    "match-unhandled-payments": ("payment", "payment match", "", "UOPER"),
    "add-message-to-orderrow": ("orderrow", "orderrow message", "101001", "UOPER"),
}


def _target(stack: Stack, slug: str) -> str:
    record_type, _, target, _ = NEW[slug]
    return target or str(resolve(stack.rt, "payment", DEMO.unhandled_payments["unmatched"])["id"])


def _said(stack: Stack) -> str:
    """Every text Slack was given since the stack started, as one string."""
    return json.dumps([c.args for c in stack.fake.calls()], ensure_ascii=False)


def _command(stack: Stack, text: str, user: str, acks: list[Reply]) -> str:
    reply, url = stack.client.command(text, user=user)
    assert reply.status == 200, reply.text
    acks.append(reply)
    stack.settle()
    return url


def _clean(stack: Stack, acks: list[Reply]) -> None:
    refused = [(c.method, c.error) for c in stack.fake.calls() if not c.ok]
    assert not refused, refused
    assert not stack.posts("CALERT"), stack.posts("CALERT")
    assert not scan(stack, acks), scan(stack, acks)


@pytest.mark.parametrize("user", ["UOPER", "UADMIN"])
def test_each_new_command_opens_from_the_slash_command(stack: Stack, user: str) -> None:
    acks: list[Reply] = []
    for slug, (_, verb, _, needs) in NEW.items():
        if needs == "UADMIN" and user != "UADMIN":
            continue
        _command(stack, f"{verb} {_target(stack, slug)}", user, acks)
    _clean(stack, acks)


@pytest.mark.parametrize("user", ["UOPER", "UADMIN"])
def test_each_new_command_opens_from_the_palette(stack: Stack, user: str) -> None:
    acks: list[Reply] = []
    for slug, (record_type, _, _, needs) in NEW.items():
        if needs == "UADMIN" and user != "UADMIN":
            continue
        _palette_command(stack, user, record_type, slug, acks)
    _clean(stack, acks)


def _notice(stack: Stack) -> dict[str, Any]:
    """A bot notice in NOTIFY_CHANNEL: invoice 1001 paused by an operator."""
    url = _command(stack, "invoice pause 1001", "UOPER", [])
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=url)
    stack.settle()
    notice = next(c for c in stack.fake.calls("chat.postMessage", ok=True) if c.args.get("channel") == "CNOTIFY")
    return {"text": notice.args["text"], "blocks": notice.args.get("blocks", []), "ts": notice.result["ts"],
            "bot_id": "B1"}


@pytest.mark.parametrize("user", ["UOPER", "UADMIN"])
def test_each_new_command_opens_from_a_message_shortcut_on_a_bot_notice(stack: Stack, user: str) -> None:
    acks: list[Reply] = []
    message = _notice(stack)
    for slug, (record_type, _, _, needs) in NEW.items():
        if needs == "UADMIN" and user != "UADMIN":
            continue
        acks.append(stack.client.message_shortcut(record_type, message, user=user))
        stack.settle()
        view_id = stack.fake.opened()
        values = field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", slug)
        acks.append(stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND,
                                             values=values, user=user))
        stack.settle()
        blocks = {b.get("block_id"): b for b in stack.fake.view(view_id)["blocks"]}
        if BlockId.PICKER_RECORD in blocks:
            values.update(field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select",
                                _target(stack, slug)))
        acks.append(stack.client.submit(view_id, values, user=user))
        stack.settle()
    _clean(stack, acks)


APPLIES = {  # (verb, invoice): the command goes ahead on it, so there is nothing to refuse
    ("invoice pdf", "1003"), ("invoice pdf", "1004"), ("invoice pdf", "1008"), ("invoice pdf", "1007"),
    ("invoice swish", "1003"), ("invoice swish", "1004"), ("invoice writeoff", "1003"), ("invoice writeoff", "1004"),
    ("invoice writeoff", "1007")}


def _answer(stack: Stack, since: int) -> str:
    return "\n".join(t for call in stack.fake.calls()[since:] for t in _shown(call.args)) + \
        json.dumps([c.args for c in stack.fake.calls()[since:]])


@pytest.mark.parametrize("number", ["1003", "1004", "1008", "1010", "1007"])
def test_a_refusal_on_each_demo_invoice_says_why_and_names_what_applies(stack: Stack, number: str) -> None:
    acks: list[Reply] = []
    for record_type, verb, _, _ in NEW.values():
        if record_type != "invoice" or (verb, number) in APPLIES:
            continue
        since = len(stack.fake.calls())
        _command(stack, f"{verb} {number}", "UADMIN", acks)
        said = _answer(stack, since)
        assert "✋" in said and "❌" not in said, (verb, said[-600:])
        assert not any(b.get("type") == "input" for c in stack.fake.calls("views.update")[-1:]
                       for b in c.args["view"]["blocks"]) or verb == "invoice pdf", (verb, said[-600:])
        if number == "1010":  # only `invoice pdf` names `order attest`; see the report of this walk
            assert "is a draft that has not been attested yet" in said, (verb, said[-600:])
        elif number != "1008":  # a completed invoice has nothing that applies; the rest name the command
            assert "`" in said or ActionId.OPEN_COMMAND in said, (verb, said[-600:])
    _clean(stack, acks)


# -- the week's work, in the order it happens ----------------------------------------------------

def _view_id(stack: Stack) -> str:
    return str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])


def _view_text(stack: Stack, view_id: str) -> str:
    return json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)


def test_a_reminder_then_a_postpone_then_the_two_pdfs_of_invoice_1002(stack: Stack) -> None:
    from .test_e2e_pdf import run_pdf
    from .test_e2e_reminder_postpone import _days, _reminder

    acks: list[Reply] = []
    _command(stack, "invoice reminder 1002", "UOPER", acks)
    view_id = _view_id(stack)
    acks.append(stack.client.submit(view_id, _reminder("60", "10", "Email")))
    stack.settle()
    assert "Reminder 1002-P1 for invoice 1002 sent by e-mail" in _view_text(stack, view_id)
    _command(stack, "invoice postpone 1002", "UOPER", acks)
    view_id = _view_id(stack)
    form = _view_text(stack, view_id)
    assert any(b.get("block_id") == "days" for b in stack.fake.view(view_id)["blocks"]), form
    acks.append(stack.client.submit(view_id, _days("7")))
    stack.settle()
    assert "by 7 days" in _view_text(stack, view_id), _view_text(stack, view_id)
    assert stack.billecta.count("PUT", "/v1/invoice/postpone/") == 1
    run_pdf(stack, "1002")
    names = sorted(u.filename for u in stack.fake.uploaded().values())
    assert names == ["invoice-1002-reminder.pdf", "invoice-1002.pdf"], names
    _clean(stack, acks)


def test_a_write_off_then_the_debtors_credit_used_on_the_same_invoice(stack: Stack) -> None:
    from .test_e2e_credit_writeoff import _credit, _writeoff

    acks: list[Reply] = []
    _command(stack, "invoice writeoff 1001", "UADMIN", acks)
    view_id = _view_id(stack)
    acks.append(stack.client.submit(view_id, _writeoff("250", reason="Goodwill"), user="UADMIN"))
    stack.settle()
    assert "Wrote off 250,00\u00a0kr on invoice 1001" in _view_text(stack, view_id), _view_text(stack, view_id)
    _command(stack, "invoice use-credit 1006", "UOPER", acks)
    view_id = _view_id(stack)
    shown = _view_text(stack, view_id)
    assert "500\u00a0,00" not in shown and "500,00\u00a0kr remains to pay on it" in shown, shown
    acks.append(stack.client.submit(view_id, _credit("1001")))
    stack.settle()
    assert "500,00\u00a0kr remains to pay on invoice 1001" in _view_text(stack, view_id), _view_text(stack, view_id)
    assert resolve(stack.rt, "invoice", "1001")["current_amount"] == 50000
    _clean(stack, acks)


def test_a_debt_collection_then_its_events_by_the_invoice_number(stack: Stack) -> None:
    from .test_e2e_debt_collection import _values

    acks: list[Reply] = []
    _command(stack, "invoice debt-collection 1002", "UADMIN", acks)
    view_id = _view_id(stack)
    acks.append(stack.client.submit(view_id, _values(), user="UADMIN"))
    stack.settle()
    result = _view_text(stack, view_id)
    assert "✅" in result or "debt collection" in result, result
    _command(stack, "debtcollection events 1002", "UADMIN", acks)
    events = stack.fake.view(_view_id(stack))
    assert events["callback_id"] != "status-view", events
    assert "1002" in json.dumps(events, ensure_ascii=False)
    _clean(stack, acks)


def test_pause_then_undo_reads_right(stack: Stack) -> None:
    acks: list[Reply] = []
    url = _command(stack, "invoice pause 1002", "UOPER", acks)
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=url)
    stack.settle()
    undo = find_element(stack.responses(url)[-1]["blocks"], ActionId.UNDO)
    undo_url = stack.fake.response_url()
    stack.client.click_message(undo, response_url=undo_url)
    stack.settle()
    confirm_url = stack.fake.response_url()
    stack.client.click_message(find_element(stack.responses(undo_url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=confirm_url)
    stack.settle()
    assert "invoice 1002 is resumed" in stack.responses(confirm_url)[-1]["text"]
    _clean(stack, acks)


def test_an_unhandled_payment_is_matched_from_its_notice(stack: Stack) -> None:
    from bot.services.pull import pull

    pull(stack.rt)
    stack.sandbox.register_incoming_payment(125000, "999", sender_name="Nordic Cafe AB")
    report = pull(stack.rt)
    stack.bot.deps.notifier.mirror_changes(report.changes)
    stack.settle()
    notice = next(c for c in stack.fake.calls("chat.postMessage", ok=True)
                  if c.args.get("channel") == "CNOTIFY" and "unhandled payment" in c.args["text"])
    message = {"text": notice.args["text"], "blocks": notice.args.get("blocks", []), "ts": notice.result["ts"],
               "bot_id": "B1"}
    acks: list[Reply] = [stack.client.message_shortcut("payment", message)]
    stack.settle()
    view_id = stack.fake.opened()
    values = field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "match-unhandled-payments")
    acks.append(stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND,
                                         values=values))
    stack.settle()
    picker = json.dumps(stack.fake.view(view_id), ensure_ascii=False)
    assert "initial_option" in picker, "the payment the notice names is the one picked"
    record = next(b for b in stack.fake.view(view_id)["blocks"] if b.get("block_id") == BlockId.PICKER_RECORD)
    payment = record["element"]["initial_option"]["value"]  # Slack sends the preselected option as chosen
    values.update(field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "static_select", payment))
    acks.append(stack.client.submit(view_id, values))
    stack.settle()
    from .test_e2e_unhandled_payments import _match

    assert "Match *payment " in _view_text(stack, view_id) and "🟢 *99 %* — invoice 1001" in _view_text(stack, view_id)
    acks.append(stack.client.submit(view_id, _match("1001")))
    stack.settle()
    assert resolve(stack.rt, "invoice", "1001")["stage"] == "Completed", _view_text(stack, view_id)
    threaded = [c.args for c in stack.fake.calls("chat.postMessage", ok=True)
                if c.args.get("thread_ts") == notice.result["ts"]]
    assert threaded and "1001" in threaded[-1]["text"], "the notice's thread says what became of it"
    _clean(stack, acks)


@pytest.fixture
def swish_stack(fake_slack: Any, tmp_path: Any) -> Any:
    from .conftest import build_stack, close_stack

    built = build_stack(fake_slack, tmp_path, swish_poll_seconds=0.2)
    built.sandbox.set_swish_payer(None)  # the payer answers when the test says so
    yield built
    close_stack(built)


def test_a_swish_request_paid_reads_right_in_each_place(swish_stack: Stack) -> None:
    from bot.jobs.swish import SwishWatch

    from .test_e2e_swish import _send

    stack = swish_stack
    view_id, request_id = _send(stack)
    token = SwishWatch(stack.rt).get(request_id).token
    stack.sandbox.answer_swish(str(token), "Paid")
    updates = stack.fake.wait_for("chat.update", count=2)
    assert all("✅" in u.args["text"] and "paid" in u.args["text"] for u in updates), [u.args for u in updates]
    stack.settle()
    assert resolve(stack.rt, "invoice", "1002")["stage"] == "Completed"
    _clean(stack, [])
