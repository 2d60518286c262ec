"""Pure pieces: the slash grammar, ids in messages, Slack limits, typed metadata, store search."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocks import limits
from blocks.common import actions, button, message, modal, option, section
from blocks.metadata import FlowState
from bot.errors import UsageError
from bot.slack.refs import compress, find_ids, message_text
from bot.slack.search import search
from bot.store import Store
from handlers.grammar import parse


@pytest.mark.parametrize(("text", "kind", "name", "targets"), [
    ("", "palette", None, []),
    ("help", "help", None, []),
    ("invoice pause 1001", "run", "invoice pause", ["1001"]),
    ("pause-invoice 1001", "run", "invoice pause", ["1001"]),
    ("limepkg_billecta_integration.pause-invoice 1001", "run", "invoice pause", ["1001"]),
    ("debtor upsert 1-5 7", "run", "debtor upsert", ["1-5", "7"]),
    ("order upsert --changed", "run", "order upsert", ["--changed"]),
    ("debtor events 3", "run", "* events", ["3"]),
])
def test_grammar(text: str, kind: str, name: str | None, targets: list[str]) -> None:
    parsed = parse(text)
    assert parsed.kind == kind and parsed.targets == targets
    assert (parsed.command.name if parsed.command else None) == name


def test_grammar_flags_and_closest_matches() -> None:
    assert parse("invoice payment 1001 --amount 500 --payment-date=2025-01-10").flags == {
        "amount": "500", "payment_date": "2025-01-10"}
    with pytest.raises(UsageError, match="Did you mean `/billecta invoice pause`"):
        parse("invoce pause 1001")
    with pytest.raises(UsageError, match="takes no field=value options"):
        parse("invoice pause 1001 --force yes")
    assert parse("invoice events 1001 --text reminder --event-type=InvoiceSent").flags == {
        "text": "reminder", "event_type": "InvoiceSent"}


@pytest.mark.parametrize(("text", "message"), [
    ("invoice payment 1001 --amout 500", "has no field `amout`. Its fields:\n  overpayment"),
    ("debtor events 3 --colour red", "`debtor events` has no option `colour`. Its options: `text`, `event_type`."),
    ("debtor upsert 1 --force yes", "`debtor upsert` takes no field=value options"),
])
def test_unknown_options_are_named_with_the_ones_that_exist(text: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert message in raised.value.user_message


def test_a_type_alone_is_help_for_that_type() -> None:
    parsed = parse("invoice")
    assert parsed.kind == "help" and parsed.help_type == "invoice"


@pytest.mark.parametrize(("text", "record_type", "ids"), [
    ("invoice 1001 is paused.", "invoice", ["1001"]),
    ("Upsert debtors 3, 4 and 7 done; invoice 1001 too", "debtor", ["3", "4", "7"]),
    ("debtor 3 owes on invoice 1001", "order", []),
    ("please look at 1001, 1002 and 1005-1007 by 2025-01-10 12:30 (1 250,00 kr) <@U123>", "invoice",
     ["1001", "1002", "1005-1007"]),
    ("payment 7d3c2f1e-1111-2222-3333-444455556666 arrived", "payment", ["7d3c2f1e-1111-2222-3333-444455556666"]),
    ("job 12 (debtor upsert): 2 failed: debtor 3 (Lund AB), debtor 9 (Kalix)", "debtor", ["3", "9"]),
])
def test_ids_in_messages(text: str, record_type: str, ids: list[str]) -> None:
    assert find_ids(text, record_type) == ids


def test_ids_in_blocks_and_compression() -> None:
    message = {"text": "", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "invoice 1003"}},
                                      {"type": "context", "elements": [{"type": "mrkdwn", "text": "invoice 1004"}]}]}
    assert find_ids(message_text(message), "invoice") == ["1003", "1004"]
    assert compress(["1", "2", "3", "5", "7", "8", "abc"]) == "1-3 5 7-8 abc"


def test_limits_are_checked_when_built() -> None:
    assert modal("x" * 30, [], callback_id="c")["title"]["text"] == "x" * 23 + "…"  # builders clip
    with pytest.raises(limits.SlackLimitError):
        limits.check_view({"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": []})
    with pytest.raises(limits.SlackLimitError):
        modal("ok", [{"type": "divider"}] * 101, callback_id="c")
    with pytest.raises(limits.SlackLimitError):
        modal("ok", [{"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "x"},
                      "element": {"type": "plain_text_input", "action_id": "a"}}], callback_id="c")
    assert len(option("o" * 100, "v")["text"]["text"]) == limits.OPTION_TEXT
    with pytest.raises(limits.SlackLimitError):
        FlowState(command="x", prepared={"big": "y" * 3000}).pack()


def test_ids_and_options_are_checked_when_built() -> None:
    two = [button("A", "same"), button("B", "same")]
    with pytest.raises(limits.SlackLimitError, match="action_id"):  # the App Home shipped with this
        modal("ok", [actions(*two)], callback_id="c")
    with pytest.raises(limits.SlackLimitError, match="action_id"):
        message("t", [actions(two[0]), actions(two[1])])
    with pytest.raises(limits.SlackLimitError, match="block_id"):
        message("t", [section("a", block_id="b"), section("b", block_id="b")])
    with pytest.raises(limits.SlackLimitError, match="dispatch_action"):
        message("t", [{**section("a"), "dispatch_action": True}])
    select = {"type": "static_select", "action_id": "s", "options": [option("A", "a")],
              "initial_option": option("B", "b")}
    with pytest.raises(limits.SlackLimitError, match="initial option"):
        modal("ok", [section("pick", accessory=select)], callback_id="c")


def test_metadata_round_trip_and_stale_payloads() -> None:
    state = FlowState(command="pause-invoice", key="1001", channel="C1")
    assert FlowState.unpack(state.pack()) == state
    with pytest.raises(UsageError, match="older version"):
        FlowState.unpack('{"key": 1}')


def test_search_reads_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.upsert_records("debtor", [{"id": 3, "name": "Lund Fastigheter AB", "city": "Lund", "org_no": "556000-2222"},
                                    {"id": 4, "name": "Kalix Bygg", "city": "Kalix"}])
    assert search(store, "debtor", "lund") == [("3 · Lund Fastigheter AB · 556000-2222", "3")]
    assert [key for _, key in search(store, "debtor", "")] == ["4", "3"]
    assert search(store, "report", "x") == []


def test_the_sandbox_decoration_keeps_a_long_text_only_message_within_limits() -> None:
    from slack_sdk import WebClient

    from bot.slack.ui import Ui
    from tests.slack.slack_rules import check_message

    decorated = Ui(WebClient(), sandbox=True).message({"text": "x" * 39_000})
    check_message(decorated)
    assert decorated["text"] == "[sandbox] " + "x" * 39_000 and len(decorated["blocks"][1]["text"]["text"]) == 3000
