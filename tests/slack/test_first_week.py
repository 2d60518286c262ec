"""A first week in Slack on the integrated whole, as a new user of each role would meet it, with every
text the bot sent (posts, edits, ephemerals, response_url messages, modals, the Home, acks) scanned
for what a finance tool must not show: raw enum names, Python None, a second money format, times
without their offset, leaked placeholders and ✅ for work that has not been done."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from blocks.ids import ActionId, BlockId
from blocks.picker import record_types
from bot.sandbox import DEMO
from tests.test_user_texts import problems, shown_texts

from .conftest import Stack
from .payloads import Reply, field, find_element

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|\bThe command: ")
# A clock time a person reads must carry its zone: '14:02 CET (+01:00)'.
_BARE_TIME = re.compile(r"(?<![+\-\d:])\d{1,2}:\d{2}(?::\d{2})?\b(?! ?[A-Z]{3,5} \([+-]\d{2}:\d{2}\))")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"\b20\d{2}-\d{2}-\d{2}\b")  # a day reads '22 Dec', as in the record line
_STARTED = re.compile(r"\b(started|queued|working|in progress)\b", re.I)


def text_problems(text: str) -> list[str]:
    found = problems(text)
    found += [f"placeholder {m.group(0)!r}" for m in _PLACEHOLDER.finditer(text)]
    found += [f"time without offset {m.group(0)!r}" for m in _BARE_TIME.finditer(text)]
    found += [f"raw timestamp {m.group(0)!r}" for m in _ISO_TIME.finditer(text)]
    found += [f"ISO date {m.group(0)!r}" for m in _ISO_DATE.finditer(text)]
    found += [f"{m.group(0)!r}" for m in re.finditer(r"\b1 events\b", text)]
    if "✅" in text and _STARTED.search(text) and "done" not in text.lower():
        found.append("✅ on something only started")
    return [f"{p} in {text[:160]!r}" for p in found]


def _shown(args: dict[str, Any]) -> list[str]:
    keys = ("text", "blocks", "attachments", "view", "initial_comment")
    return [t for k in keys if k in args for t in shown_texts({k: args[k]})]


def scan(stack: Stack, acks: list[Reply] = ()) -> list[str]:  # type: ignore[assignment]
    found = []
    for call in stack.fake.calls():
        for text in _shown(call.args):
            found += [f"{call.method}: {p}" for p in text_problems(text)]
    for reply in acks:
        if reply.text and reply.text.startswith("{"):
            for text in _shown(reply.json) + _shown(reply.json.get("view") or {}):
                found += [f"ack: {p}" for p in text_problems(text)]
    return found


def test_the_scan_catches_what_it_is_for() -> None:
    assert text_problems("The command: cancelled") and text_problems("at 14:02")
    assert text_problems("✅ job 3 started on 2 records") and text_problems("2026-12-01T14:02:00")
    assert text_problems("*Due date*\n2026-12-22") and text_problems("· 1 events")
    assert not text_problems("28 Nov 14:02 CET (+01:00) · 1\u00a0250,00\u00a0kr")
    assert not text_problems("⏳ job 3 started on 2 records")


def _command(stack: Stack, text: str, user: str, acks: list[Reply]) -> str:
    reply, url = stack.client.command(text, user=user)
    assert reply.status == 200, reply.text
    acks.append(reply)
    stack.settle()
    return url


@pytest.mark.parametrize("user", ["UADMIN", "UOPER", "UVIEW"])
def test_palette_help_and_home_of_each_role(stack: Stack, user: str) -> None:
    acks: list[Reply] = []
    _command(stack, "", user, acks)
    view_id = stack.fake.opened()
    for record_type in ("invoice", "debtor", "order", "payment"):
        picked = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", record_type)
        acks.append(stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE,
                                             values=picked, user=user))
        stack.settle()
    for text in ("help", "help invoice", "invoice", "invoce pause 1001", "invoice pause 1001", "invoice events 1001"):
        _command(stack, text, user, acks)
    stack.client.event({"type": "app_home_opened", "user": user, "tab": "home"}, f"EvWeek{user}")
    stack.settle()
    published = stack.fake.calls("views.publish")
    assert published and all(c.ok for c in published), [c.error for c in published]
    refused = [(c.method, c.error) for c in stack.fake.calls() if not c.ok]
    assert not refused, refused
    assert not stack.posts(f"D{user}"), "nobody is DMed for opening the palette, help or the Home"
    assert not scan(stack, acks), scan(stack, acks)


def test_an_operators_week_of_actions_reads_right(stack: Stack) -> None:
    acks: list[Reply] = []
    url = _command(stack, f"invoice pause {DEMO.invoices['paused']}", "UOPER", acks)
    refused = stack.responses(url)[-1]
    assert ActionId.ACTION_CONFIRM not in str(refused["blocks"])
    assert find_element(refused["blocks"], ActionId.OPEN_COMMAND)["text"]["text"] == "Resume invoice"
    for text in (f"invoice dispute {DEMO.invoices['open']}", f"invoice undispute {DEMO.invoices['disputed']}"):
        url = _command(stack, text, "UOPER", acks)
        message = stack.responses(url)[-1]
        button = find_element(message["blocks"], ActionId.ACTION_CONFIRM)
        stack.client.click_message(button, response_url=url)
        stack.settle()
        final = stack.responses(url)[-1]
        assert final["replace_original"] and ActionId.ACTION_CONFIRM not in str(final["blocks"]), final
    assert not stack.posts("CALERT")
    assert not scan(stack, acks), scan(stack, acks)


def _payment(amount: str) -> dict[str, Any]:
    return {**field("amount", ActionId.FORM_FIELD, "plain_text_input", amount),
            **field("payment_date", ActionId.FORM_FIELD, "datepicker", dt.date.today().isoformat()),
            **field("payment_means", ActionId.FORM_FIELD, "static_select", "BG"),
            **field("reference", ActionId.FORM_FIELD, "plain_text_input", "bank 42"),
            **field("overpayment", ActionId.FORM_FIELD, "radio_buttons", "AsOverPayments")}


def test_an_overpayment_states_both_figures_in_one_format_and_a_tampered_form_is_refused(stack: Stack) -> None:
    acks: list[Reply] = []
    _command(stack, f"invoice payment {DEMO.invoices['open']}", "UOPER", acks)
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])
    acks.append(stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="amount", values=_payment("12,5x")))
    stack.settle()
    assert "amount-error" in str(stack.fake.view(view_id)["blocks"])
    acks.append(stack.client.view_action(view_id, ActionId.FORM_FIELD, block_id="amount", values=_payment("99999")))
    stack.settle()
    assert "amount-error" not in str(stack.fake.view(view_id)["blocks"]), "the warning goes once fixed"
    tampered = {**stack.fake.view(view_id)}
    meta = tampered["private_metadata"]
    tampered["private_metadata"] = meta.replace(DEMO.invoices["open"], DEMO.invoices["overdue"]) \
        if DEMO.invoices["open"] in meta else meta[:-2] + ("00" if not meta.endswith("00") else "11")
    refused = stack.client.submit(view_id, _payment("99999"), view=tampered)
    acks.append(refused)
    stack.settle()
    assert stack.billecta.count("POST", "payment") + stack.billecta.count("PUT", "payment") == 0
    step = stack.client.submit(view_id, _payment("99 999,00"))
    acks.append(step)
    stack.settle()
    shown = json.dumps(step.json, ensure_ascii=False) + json.dumps(stack.fake.view(view_id), ensure_ascii=False)
    assert "99\u00a0999,00\u00a0kr" in shown or "99 999,00 kr" in shown, shown[:2000]
    assert not scan(stack, acks), scan(stack, acks)


def test_bulk_upsert_and_typed_credit_read_right(stack: Stack) -> None:
    acks: list[Reply] = []
    url = _command(stack, "debtor upsert 1-3", "UOPER", acks)
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_CONFIRM),
                               response_url=url)
    stack.settle()
    url = _command(stack, f"invoice credit {DEMO.invoices['open']} {DEMO.invoices['completed']}", "UADMIN", acks)
    message = stack.responses(url)[-1]
    asked = json.dumps(message["blocks"], ensure_ascii=False)
    assert "*To credit:* 1\u00a0250,00\u00a0kr" in asked and "Total" not in asked, message
    assert "completed · nothing to credit" in asked, "a closed invoice's line says it adds nothing to the sum"
    stack.client.click_message(find_element(message["blocks"], ActionId.BULK_TYPED_OPEN), user="UADMIN",
                               response_url=url)
    stack.settle()
    view_id = stack.fake.calls("views.update", ok=True)[-1].args["view_id"]
    typed = field(BlockId.TYPED_COUNT, ActionId.TYPED_COUNT, "plain_text_input", "2")
    label = next(b["label"]["text"] for b in stack.fake.view(view_id)["blocks"] if b.get("type") == "input")
    assert "1\u00a0250,00\u00a0kr to credit" in label and "in total" not in label, label
    acks.append(stack.client.submit(view_id, typed, user="UADMIN"))
    stack.settle()
    final = stack.responses(url)[-1]
    assert ActionId.BULK_TYPED_OPEN not in str(final["blocks"]), "buttons die after use"
    assert not stack.posts("CALERT"), "1008 is completed: crediting it is refused, an answer, not an alert"
    for job in stack.jobs.list(5):
        tops = [p for p in stack.posts("CWORK") if f"job {job.id}" in p["text"] and not p.get("thread_ts")]
        assert len(tops) == 1, (job.id, tops)
    credit = stack.jobs.list(1)[0]
    assert credit.command == "invoice credit" and credit.finished
    shown = json.dumps(stack.fake.view(view_id), ensure_ascii=False) + json.dumps(final, ensure_ascii=False)
    assert "1 refused" in shown and "✅" not in shown, shown[:3000]
    edits = [c.args for c in stack.fake.calls("chat.update", ok=True) if f"job {credit.id}" in c.args["text"]]
    job_text = json.dumps(edits[-1], ensure_ascii=False)  # the job's message in its final state
    assert "Credited 1\u00a0250,00\u00a0kr on 1 invoice" in job_text, job_text[-3000:]
    assert "· credited 1\u00a0250,00\u00a0kr · now " in job_text, "the Done line says what was done"
    assert not scan(stack, acks), scan(stack, acks)


def test_event_log_export_and_a_rate_limited_channel(stack: Stack) -> None:
    acks: list[Reply] = []
    stack.fake.rate_limit("chat.postMessage", calls=3)
    url = _command(stack, f"invoice pause {DEMO.invoices['open']}", "UOPER", acks)
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=url)
    stack.settle()
    assert any(DEMO.invoices["open"] in p["text"] for p in stack.posts("CNOTIFY")), "the outbox delivers later"
    _command(stack, f"invoice events {DEMO.invoices['open']}", "UOPER", acks)
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])
    paused = [b["text"]["text"] for b in stack.fake.view(view_id)["blocks"]
              if b["type"] == "section" and "Paused" in b["text"]["text"]]
    assert paused and "<@UOPER>" in paused[0] and "by API" not in paused[0], paused
    stack.client.view_action(view_id, "view-export.csv", block_id="events-buttons", action_value="csv")
    stack.settle()
    (shared,) = stack.fake.uploaded().values()
    content = shared.content.decode("utf-8-sig")
    assert "UOPER" in content, content[:2000]
    assert not scan(stack, acks), scan(stack, acks)


def test_a_message_shortcut_on_a_bot_notification_answers_in_its_thread(stack: Stack) -> None:
    acks: list[Reply] = []
    url = _command(stack, f"invoice pause {DEMO.invoices['overdue']}", "UOPER", acks)
    stack.client.click_message(find_element(stack.responses(url)[-1]["blocks"], ActionId.ACTION_CONFIRM),
                               response_url=url)
    stack.settle()
    notice = next(c for c in stack.fake.calls("chat.postMessage", ok=True) if c.args.get("channel") == "CNOTIFY")
    message = {"text": notice.args["text"], "blocks": notice.args.get("blocks", []), "ts": notice.result["ts"],
               "bot_id": "B1"}
    acks.append(stack.client.message_shortcut("invoice", message))
    stack.settle()
    view_id = stack.fake.opened()
    picked = field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", "resume-paused-invoice")
    acks.append(stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND,
                                         values=picked))
    stack.settle()
    view = stack.fake.view(view_id)
    values = {**picked}
    if any(b.get("block_id") == BlockId.PICKER_RECORD for b in view["blocks"]):
        values.update(field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select",
                            DEMO.invoices["overdue"]))
    acks.append(stack.client.submit(view_id, values))
    stack.settle()
    acks.append(stack.client.submit(view_id))
    stack.settle()
    threaded = [c.args for c in stack.fake.calls("chat.postMessage", ok=True)
                if c.args.get("thread_ts") == notice.result["ts"]]
    assert threaded and "resumed" in threaded[-1]["text"], [c.args for c in stack.fake.calls("chat.postMessage")]
    assert not scan(stack, acks), scan(stack, acks)


def _palette_command(stack: Stack, user: str, record_type: str, slug: str, acks: list[Reply]) -> None:
    """Pick `slug` in a fresh palette, the first record the search offers (or the first ids), Continue."""
    stack.client.global_shortcut(user=user)
    stack.settle()
    view_id = stack.fake.opened()
    values = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", record_type)
    acks.append(stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE,
                                         values=values, user=user))
    stack.settle()
    values.update(field(BlockId.PICKER_COMMAND, ActionId.PICKER_COMMAND, "static_select", slug))
    acks.append(stack.client.view_action(view_id, ActionId.PICKER_COMMAND, block_id=BlockId.PICKER_COMMAND,
                                         values=values, user=user))
    stack.settle()
    blocks = {b.get("block_id"): b for b in stack.fake.view(view_id)["blocks"]}
    if BlockId.PICKER_RECORD in blocks:
        options = stack.client.suggest(view_id, ActionId.PICKER_RECORD, "", user=user)
        acks.append(options)
        if not options.json.get("options"):
            return
        values.update(field(BlockId.PICKER_RECORD, ActionId.PICKER_RECORD, "external_select",
                            options.json["options"][0]["value"]))
    elif BlockId.PICKER_TARGETS in blocks:
        values.update(field(BlockId.PICKER_TARGETS, ActionId.PICKER_TARGETS, "plain_text_input", "1"))
    acks.append(stack.client.submit(view_id, values, user=user))
    stack.settle()


@pytest.mark.parametrize("user", ["UADMIN", "UOPER", "UVIEW"])
def test_every_command_the_palette_offers_opens_cleanly(stack: Stack, user: str) -> None:
    acks: list[Reply] = []
    stack.client.global_shortcut(user=user)
    stack.settle()
    view_id = stack.fake.opened()
    offered: list[tuple[str, str]] = []
    for record_type in record_types():
        picked = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", record_type)
        stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE, values=picked,
                                 user=user)
        stack.settle()
        for block in stack.fake.view(view_id)["blocks"]:
            if block.get("block_id") == BlockId.PICKER_COMMAND:
                groups = block["element"].get("option_groups") or [{"options": block["element"]["options"]}]
                offered += [(record_type, o["value"]) for g in groups for o in g["options"]]
    assert offered
    for record_type, slug in offered:
        _palette_command(stack, user, record_type, slug, acks)
    refused = [(c.method, c.error) for c in stack.fake.calls() if not c.ok]
    assert not refused, refused
    assert not stack.posts("CALERT"), stack.posts("CALERT")
    assert not scan(stack, acks), scan(stack, acks)


def test_a_payment_on_a_completed_invoice_is_an_answer_not_a_failure(stack: Stack) -> None:
    """The state check before the form reads as an action's refusal does (✋), not as an error (❌)."""
    acks: list[Reply] = []
    _command(stack, f"invoice payment {DEMO.invoices['completed']}", "UOPER", acks)
    view = stack.fake.calls("views.update", ok=True)[-1].args["view"]
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "✋" in shown and "❌" not in shown and "nothing left to pay" in shown, shown
    assert view["title"]["text"] != "Billecta said no"
    assert not stack.posts("CALERT")
    assert not scan(stack, acks), scan(stack, acks)


def test_a_refused_payment_after_submitting_is_an_answer_not_a_failure(stack: Stack,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.errors import BillectaRejected

    _command(stack, f"invoice payment {DEMO.invoices['open']}", "UOPER", [])
    view_id = str(stack.fake.calls("views.update", ok=True)[-1].args["view_id"])

    def refused(*args: object, **kwargs: object) -> None:
        raise BillectaRejected("The invoice is locked for payments.")

    monkeypatch.setattr(stack.rt.billecta, "register_payment", refused)
    values = {**_payment("100"), **field("overpayment", ActionId.FORM_FIELD, "radio_buttons", "None")}
    stack.client.submit(view_id, values)
    stack.settle()
    shown = json.dumps(stack.fake.view(view_id)["blocks"], ensure_ascii=False)
    assert "✋" in shown and "❌" not in shown and "locked for payments" in shown, shown


def test_a_creditors_event_log_reads_its_period_in_days(stack: Stack) -> None:
    _command(stack, "creditor events 1", "UOPER", [])
    view = stack.fake.calls("views.update", ok=True)[-1].args["view"]
    status = next(e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]
                  if "Last updated" in e["text"])
    assert "period " in status and not re.search(r"\d{4}-\d{2}-\d{2}", status), status
