"""Each rule the fake Slack enforces refuses a payload that breaks it (and accepts the valid one)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .fake_slack import FakeSlack
from .slack_rules import SlackReject, check_ack, check_message, check_view

Payload = dict[str, Any]


def plain(text: str) -> Payload:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> Payload:
    return {"type": "mrkdwn", "text": text}


def option(text: str, value: str) -> Payload:
    return {"text": plain(text), "value": value}


def valid_modal() -> Payload:
    """A modal using every kind of block and element the rules look at."""
    options = [option("One", "1"), option("Two", "2")]
    return {
        "type": "modal", "callback_id": "cb", "title": plain("Title"), "submit": plain("Go"),
        "close": plain("Cancel"), "private_metadata": "{}",
        "blocks": [
            {"type": "header", "text": plain("Header")},
            {"type": "section", "block_id": "s1", "text": mrkdwn("*text*"),
             "accessory": {"type": "button", "action_id": "b1", "text": plain("Do"), "value": "v", "style": "primary",
                           "confirm": {"title": plain("Sure?"), "text": plain("Really"), "confirm": plain("Yes"),
                                       "deny": plain("No")}}},
            {"type": "section", "block_id": "s2", "fields": [mrkdwn("a"), mrkdwn("b")]},
            {"type": "context", "elements": [mrkdwn("note"), {"type": "image", "image_url": "https://x/i.png",
                                                               "alt_text": "icon"}]},
            {"type": "divider"},
            {"type": "image", "image_url": "https://x/i.png", "alt_text": "chart", "title": plain("Chart")},
            {"type": "actions", "block_id": "a1", "elements": [
                {"type": "button", "action_id": "b2", "text": plain("Two")},
                {"type": "overflow", "action_id": "o1", "options": options},
            ]},
            {"type": "input", "block_id": "i1", "label": plain("Name"), "hint": plain("Hint"), "dispatch_action": True,
             "element": {"type": "plain_text_input", "action_id": "t1", "placeholder": plain("type"),
                         "max_length": 10, "initial_value": "abc",
                         "dispatch_action_config": {"trigger_actions_on": ["on_character_entered"]}}},
            {"type": "input", "block_id": "i2", "label": plain("Pick"),
             "element": {"type": "static_select", "action_id": "sel", "options": options,
                         "initial_option": options[1]}},
            {"type": "input", "block_id": "i3", "label": plain("Amount"),
             "element": {"type": "number_input", "action_id": "n1", "is_decimal_allowed": True,
                         "initial_value": "12.50"}},
            {"type": "input", "block_id": "i4", "label": plain("Day"),
             "element": {"type": "datepicker", "action_id": "d1", "initial_date": "2025-01-31"}},
            {"type": "input", "block_id": "i5", "label": plain("Way"),
             "element": {"type": "radio_buttons", "action_id": "r1", "options": options,
                         "initial_option": options[0]}},
        ],
    }


def block(view: Payload, block_id: str) -> Payload:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_the_valid_modal_and_message_pass() -> None:
    check_view(valid_modal())
    check_message({"text": "fallback", "blocks": [{"type": "section", "text": mrkdwn("hi")}]})


def _set(path: str, value: Any) -> Callable[[Payload], None]:
    """A mutation: 'i1.element.max_length' sets a key under the block with that block_id (or the view)."""
    def mutate(view: Payload) -> None:
        head, *rest = path.split(".")
        target = block(view, head) if rest and head in {b.get("block_id") for b in view["blocks"]} else view
        keys = rest if target is not view else [head, *rest]
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(keys[-1])] = value
        else:
            target[keys[-1]] = value
    return mutate


def _add(new_block: Payload) -> Callable[[Payload], None]:
    return lambda view: view["blocks"].append(new_block)


LONG = "x" * 3001
VIEW_RULES: dict[str, Callable[[Payload], None]] = {
    "title over 24": _set("title", plain("x" * 25)),
    "title missing": lambda v: v.pop("title"),
    "title in mrkdwn": _set("title", mrkdwn("Title")),
    "submit over 24": _set("submit", plain("x" * 25)),
    "close over 24": _set("close", plain("x" * 25)),
    "inputs without submit": lambda v: v.pop("submit"),
    "private_metadata over 3000": _set("private_metadata", "x" * 3001),
    "callback_id over 255": _set("callback_id", "x" * 256),
    "external_id over 255": _set("external_id", "x" * 256),
    "over 100 blocks": lambda v: v["blocks"].extend({"type": "divider"} for _ in range(100)),
    "no blocks (slack_sdk's rule: 1-100)": _set("blocks", []),
    "a view of another type": _set("type", "message"),
    "duplicate block_id": _add({"type": "section", "block_id": "s1", "text": mrkdwn("again")}),
    "block_id over 255": _set("s1.block_id", "x" * 256),
    "duplicate action_id in one block": _set("a1.elements.1.action_id", "b2"),
    "duplicate action_id in one view": _set("a1.elements.0.action_id", "b1"),
    "action_id over 255": _set("a1.elements.0.action_id", "x" * 256),
    "unknown block type": _add({"type": "table"}),
    "section text over 3000": _set("s1.text", mrkdwn(LONG)),
    "section empty text": _set("s1.text", mrkdwn("")),
    "section without text or fields": lambda v: block(v, "s2").pop("fields"),
    "section over 10 fields": _set("s2.fields", [mrkdwn("f")] * 11),
    "section field over 2000": _set("s2.fields", [mrkdwn("x" * 2001)]),
    "text object of an unknown type": _set("s1.text", {"type": "markdown", "text": "hi"}),
    "emoji on mrkdwn": _set("s1.text", {"type": "mrkdwn", "text": "hi", "emoji": True}),
    "an input as accessory": _set("s1.accessory", {"type": "plain_text_input", "action_id": "x"}),
    "header over 150": lambda v: v["blocks"][0].update(text=plain("x" * 151)),
    "header in mrkdwn": lambda v: v["blocks"][0].update(text=mrkdwn("Header")),
    "context over 10 elements": lambda v: v["blocks"][3].update(elements=[mrkdwn("c")] * 11),
    "context with a button": lambda v: v["blocks"][3].update(elements=[{"type": "button", "text": plain("x")}]),
    "context empty": lambda v: v["blocks"][3].update(elements=[]),
    "image without alt_text": lambda v: v["blocks"][5].pop("alt_text"),
    "image alt_text over 2000": lambda v: v["blocks"][5].update(alt_text="x" * 2001),
    "image url over 3000": lambda v: v["blocks"][5].update(image_url="https://" + "x" * 3000),
    "context image without alt_text": lambda v: v["blocks"][3]["elements"][1].pop("alt_text"),
    "actions over 25 elements": _set("a1.elements", [{"type": "button", "action_id": f"b{i}", "text": plain("b")}
                                                     for i in range(26)]),
    "actions empty": _set("a1.elements", []),
    "a text input in actions": _set("a1.elements.1", {"type": "plain_text_input", "action_id": "t9"}),
    "button text over 75": _set("a1.elements.0.text", plain("x" * 76)),
    "button text in mrkdwn": _set("a1.elements.0.text", mrkdwn("Two")),
    "button value over 2000": _set("a1.elements.0.value", "x" * 2001),
    "button url over 3000": _set("a1.elements.0.url", "https://" + "x" * 3000),
    "button style other than primary/danger": _set("a1.elements.0.style", "secondary"),
    "confirm title over 100": _set("s1.accessory.confirm.title", plain("x" * 101)),
    "confirm text over 300": _set("s1.accessory.confirm.text", plain("x" * 301)),
    "confirm button over 30": _set("s1.accessory.confirm.confirm", plain("x" * 31)),
    "confirm deny over 30": _set("s1.accessory.confirm.deny", plain("x" * 31)),
    "confirm without deny": lambda v: block(v, "s1")["accessory"]["confirm"].pop("deny"),
    "confirm style": _set("s1.accessory.confirm.style", "green"),
    "overflow over 5 options": _set("a1.elements.1.options", [option(str(i), str(i)) for i in range(6)]),
    "input label over 2000": _set("i1.label", plain("x" * 2001)),
    "input label missing": lambda v: block(v, "i1").pop("label"),
    "input hint over 2000": _set("i1.hint", plain("x" * 2001)),
    "input with a button": _set("i1.element", {"type": "button", "action_id": "t1", "text": plain("x")}),
    "dispatch_action on a section": _set("s1.dispatch_action", True),
    "placeholder over 150": _set("i1.element.placeholder", plain("x" * 151)),
    "placeholder in mrkdwn": _set("i1.element.placeholder", mrkdwn("type")),
    "text input max_length over 3000": _set("i1.element.max_length", 3001),
    "text input initial_value over max_length": _set("i1.element.initial_value", "x" * 11),
    "text input min_length over max_length": _set("i1.element.min_length", 11),
    "unknown dispatch trigger": _set("i1.element.dispatch_action_config", {"trigger_actions_on": ["on_blur"]}),
    "dispatch_action_config on a select": _set("i2.element.dispatch_action_config",
                                               {"trigger_actions_on": ["on_enter_pressed"]}),
    "select over 100 options": _set("i2.element.options", [option(str(i), str(i)) for i in range(101)]),
    "select without options": lambda v: block(v, "i2")["element"].pop("options"),
    "select with options and option_groups": _set("i2.element.option_groups",
                                                  [{"label": plain("G"), "options": [option("One", "1")]}]),
    "option group label over 75": lambda v: block(v, "i2").update(element={
        "type": "static_select", "action_id": "sel",
        "option_groups": [{"label": plain("x" * 76), "options": [option("One", "1")]}]}),
    "option text over 75": _set("i2.element.options.0", option("x" * 76, "1")),
    "option value over 150": _set("i2.element.options.0", option("One", "x" * 151)),
    "option value empty": _set("i2.element.options.0", option("One", "")),
    "option description over 75": _set("i2.element.options.0.description", plain("x" * 76)),
    "option text in mrkdwn in a select": _set("i2.element.options.0", {"text": mrkdwn("One"), "value": "1"}),
    "initial_option not among the options": _set("i2.element.initial_option", option("Three", "3")),
    "initial_option with another text": _set("i2.element.initial_option", option("Zwei", "2")),
    "radio over 10 options": _set("i5.element.options", [option(str(i), str(i)) for i in range(11)]),
    "number_input without is_decimal_allowed": lambda v: block(v, "i3")["element"].pop("is_decimal_allowed"),
    "number_input initial_value not a number": _set("i3.element.initial_value", "1 250,00"),
    "datepicker initial_date not YYYY-MM-DD": _set("i4.element.initial_date", "31/01/2025"),
    "timepicker initial_time not HH:mm": _set("i4.element", {"type": "timepicker", "action_id": "d1",
                                                              "initial_time": "9:5"}),
    "checkboxes over 10 options": _set("i5.element", {"type": "checkboxes", "action_id": "r1",
                                                      "options": [option(str(i), str(i)) for i in range(11)]}),
    "checkboxes initial_options not among the options": _set("i5.element", {
        "type": "checkboxes", "action_id": "r1", "options": [option("One", "1")],
        "initial_options": [option("Two", "2")]}),
    "multi select initial_options not among the options": _set("i2.element", {
        "type": "multi_static_select", "action_id": "sel", "options": [option("One", "1")],
        "initial_options": [option("Two", "2")]}),
    "multi select max_selected_items below 1": _set("i2.element", {
        "type": "multi_static_select", "action_id": "sel", "options": [option("One", "1")],
        "max_selected_items": 0}),
    "external_select min_query_length below 0": _set("i2.element", {
        "type": "external_select", "action_id": "sel", "min_query_length": -1}),
    "a file input that dispatches": _set("i1.element", {"type": "file_input", "action_id": "t1"}),
    "markdown block over 12000": _add({"type": "markdown", "text": "x" * 12_001}),
    "button accessibility_label over 75": _set("a1.elements.0.accessibility_label", "x" * 76),
    "overflow option url over 3000": _set("a1.elements.1.options.0.url", "https://" + "x" * 3000),
    "over 250 kB in all": lambda v: v["blocks"].extend(
        {"type": "section", "text": mrkdwn("x" * 2900)} for _ in range(88)),
    "an image without image_url": lambda v: v["blocks"][5].pop("image_url"),
    "an option group over 100 options": lambda v: block(v, "i2").update(element={
        "type": "static_select", "action_id": "sel",
        "option_groups": [{"label": plain("G"), "options": [option(str(i), str(i)) for i in range(101)]}]}),
    "over 100 option groups": lambda v: block(v, "i2").update(element={
        "type": "static_select", "action_id": "sel",
        "option_groups": [{"label": plain("G"), "options": [option(str(i), str(i))]} for i in range(101)]}),
    "an empty action_id": _set("a1.elements.0.action_id", ""),
}


@pytest.mark.parametrize("rule", sorted(VIEW_RULES))
def test_a_view_breaking_a_rule_is_refused(rule: str) -> None:
    view = copy.deepcopy(valid_modal())
    VIEW_RULES[rule](view)
    with pytest.raises(SlackReject):
        check_view(view)


def test_home_tab_rules() -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": mrkdwn("hi")}]}
    check_view(home, method="views.publish")
    for broken in ({**home, "blocks": [{"type": "divider"}] * 101}, {**home, "private_metadata": "x" * 3001},
                   {**home, "callback_id": "x" * 256}, {**home, "type": "modal"}):
        with pytest.raises(SlackReject):
            check_view(broken, method="views.publish")
    with pytest.raises(SlackReject, match="invalid_arguments"):
        check_view(home, method="views.open")  # a Home view cannot be opened as a modal


MESSAGE_RULES: dict[str, Payload] = {
    "no text and no blocks": {"text": ""},
    "blocks without a text fallback": {"blocks": [{"type": "section", "text": mrkdwn("hi")}]},
    "text over 40000": {"text": "x" * 40_001},
    "over 50 blocks": {"text": "t", "blocks": [{"type": "divider"}] * 51},
    "an input block in a message": {"text": "t", "blocks": [
        {"type": "input", "label": plain("L"), "element": {"type": "plain_text_input", "action_id": "a"}}]},
    "duplicate action_id across blocks": {"text": "t", "blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": "same", "text": plain("1")}]},
        {"type": "actions", "elements": [{"type": "button", "action_id": "same", "text": plain("2")}]}]},
    "duplicate block_id": {"text": "t", "blocks": [{"type": "divider", "block_id": "d"},
                                                   {"type": "divider", "block_id": "d"}]},
}


@pytest.mark.parametrize("rule", sorted(MESSAGE_RULES))
def test_a_message_breaking_a_rule_is_refused(rule: str) -> None:
    with pytest.raises(SlackReject):
        check_message(MESSAGE_RULES[rule])


# -- the Web API methods, over HTTP through the SDK the bot uses ----------------------------------------
@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.url + "/")


def _error(call: Callable[[], Any]) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def _modal(title: str = "T") -> Payload:
    return {"type": "modal", "title": plain(title), "blocks": [{"type": "section", "text": mrkdwn("hi")}]}


def test_views_open_needs_a_fresh_unused_trigger(client: WebClient, fake_slack: FakeSlack) -> None:
    trigger = fake_slack.trigger()
    client.views_open(trigger_id=trigger, view=_modal())
    assert _error(lambda: client.views_open(trigger_id=trigger, view=_modal())) == "exchanged_trigger_id"
    late = fake_slack.trigger(time.monotonic() - 4)
    assert _error(lambda: client.views_open(trigger_id=late, view=_modal())) == "expired_trigger_id"
    assert _error(lambda: client.views_open(trigger_id="made-up", view=_modal())) == "invalid_trigger_id"
    assert _error(lambda: client.views_open(trigger_id=fake_slack.trigger(), view=_modal("x" * 25))) \
        == "invalid_arguments"


def test_views_update_needs_one_known_id_and_the_current_hash(client: WebClient, fake_slack: FakeSlack) -> None:
    opened = client.views_open(trigger_id=fake_slack.trigger(), view={**_modal(), "external_id": "ext-1"})["view"]
    for ids in ({}, {"view_id": opened["id"], "external_id": "ext-1"}):  # the SDK refuses these itself
        body = {"view": _modal(), **ids}
        assert _error(lambda: client.api_call("views.update", json=body)) == "invalid_arguments"  # noqa: B023
    assert _error(lambda: client.views_update(view_id="V404", view=_modal())) == "not_found"
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=_modal())["view"]
    assert _error(lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=_modal())) \
        == "hash_conflict"  # the hash changed with the update
    client.views_update(external_id="ext-1", hash=updated["hash"], view=_modal())


def test_views_publish_needs_a_user_and_a_home_view(client: WebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": mrkdwn("hi")}]}
    assert _error(lambda: client.views_publish(user_id="", view=home)) == "invalid_arguments"
    assert _error(lambda: client.views_publish(user_id="U1", view=_modal())) == "invalid_arguments"
    client.views_publish(user_id="U1", view=home)


def test_chat_methods(client: WebClient, fake_slack: FakeSlack) -> None:
    blocks = [{"type": "section", "text": mrkdwn("hi")}]
    with pytest.warns(UserWarning):  # the SDK warns too: blocks without a text fallback
        assert _error(lambda: client.chat_postMessage(channel="C1", blocks=blocks)) == "no_text"
    posted = client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    assert _error(lambda: client.chat_update(channel="C1", ts="", text="x")) == "cant_update_message"
    assert _error(lambda: client.chat_update(channel="C2", ts=posted["ts"], text="x")) == "message_not_found"
    client.chat_update(channel="C1", ts=posted["ts"], text="edited")
    assert _error(lambda: client.chat_postEphemeral(channel="C1", user="", text="x")) == "user_not_in_channel"
    assert _error(lambda: client.chat_postMessage(channel="", text="x")) == "channel_not_found"
    assert _error(lambda: client.api_call("views.open", json={"trigger_id": fake_slack.trigger()})) \
        == "invalid_arguments"  # no view
    fake_slack.state.outside.add("COUT")
    assert _error(lambda: client.chat_postMessage(channel="COUT", text="x")) == "not_in_channel"


def test_files_go_through_the_v2_flow_and_an_empty_file_is_refused(client: WebClient, fake_slack: FakeSlack) -> None:
    assert _error(lambda: client.files_getUploadURLExternal(filename="empty.csv", length=0)) == "invalid_arguments"
    assert _error(lambda: client.files_completeUploadExternal(files=[{"id": "F404"}])) == "file_not_found"
    announced = client.files_getUploadURLExternal(filename="a.csv", length=3)
    assert _error(lambda: client.files_completeUploadExternal(files=[{"id": announced["file_id"]}])) \
        == "file_not_found"  # the bytes were never uploaded
    short = httpx.post(announced["upload_url"], content=b"ab")
    assert short.status_code == 400 and short.json()["error"].startswith("invalid_length")
    client.files_upload_v2(channel="C1", filename="b.csv", content=b"a,b\n", title="b.csv")
    (shared,) = fake_slack.uploaded()
    assert [u.content for u in fake_slack.uploaded().values()] == [b"a,b\n"]
    assert _error(lambda: client.files_completeUploadExternal(files=[{"id": shared}])) == "file_already_completed"


def test_a_file_is_shared_to_a_channel_id_the_bot_is_in_with_its_title_and_comment(
        client: WebClient, fake_slack: FakeSlack) -> None:
    for channel, error in (("#general", "channel_not_found"), ("general", "channel_not_found")):
        assert _error(lambda c=channel: client.files_upload_v2(channel=c, filename="a.pdf", content=b"%PDF")) == error
    fake_slack.state.outside.add("COUT")
    assert _error(lambda: client.files_upload_v2(channel="COUT", filename="a.pdf", content=b"%PDF")) \
        == "not_in_channel"
    assert _error(lambda: client.files_completeUploadExternal(
        files=[{"id": client.files_getUploadURLExternal(filename="b.pdf", length=1)["file_id"]}],
        thread_ts="1.2")) == "invalid_arguments"
    assert not fake_slack.uploaded()  # nothing refused was shared
    client.files_upload_v2(channel="C1", file_uploads=[{"content": b"%PDF-1", "filename": "a.pdf", "title": "A"},
                                                       {"content": b"%PDF-22", "filename": "b.pdf", "title": "B"}],
                           initial_comment="two files", thread_ts="1.5")
    shared = sorted(fake_slack.uploaded().values(), key=lambda u: u.filename)
    assert [(u.filename, u.length, u.channel, u.title, u.comment, u.thread_ts) for u in shared] == [
        ("a.pdf", 6, "C1", "A", "two files", "1.5"), ("b.pdf", 7, "C1", "B", "two files", "1.5")]


def test_a_response_url_takes_five_messages(fake_slack: FakeSlack) -> None:
    from slack_sdk.webhook import WebhookClient

    url = fake_slack.response_url()
    hook = WebhookClient(url)
    assert [hook.send(text=f"m{i}").status_code for i in range(6)] == [200] * 5 + [404]
    assert WebhookClient(fake_slack.response_url()).send_dict({"text": "x", "response_type": "loud"}).status_code == 404
    stale = fake_slack.response_url(issued_at=time.monotonic() - 31 * 60)
    assert WebhookClient(stale).send(text="late").status_code == 404


def test_waits_fail_loudly(fake_slack: FakeSlack) -> None:
    with pytest.raises(TimeoutError, match="chat.postMessage"):
        fake_slack.wait_for("chat.postMessage", timeout=0.05)



ACK_RULES: dict[str, tuple[str, Payload]] = {
    "errors for a block that is no input": ("view_submission", {"response_action": "errors", "errors": {"s1": "x"}}),
    "errors for a block that is not there": ("view_submission", {"response_action": "errors", "errors": {"zz": "x"}}),
    "an empty error message": ("view_submission", {"response_action": "errors", "errors": {"i1": ""}}),
    "an unknown response_action": ("view_submission", {"response_action": "close"}),
    "an invalid view to update to": ("view_submission", {"response_action": "update", "view": _modal("x" * 25)}),
    "a slash reply over 40000": ("slash_command", {"text": "x" * 40_001}),
    "a slash reply of an unknown type": ("slash_command", {"text": "x", "response_type": "public"}),
    "over 100 options": ("block_suggestion", {"options": [option(str(i), str(i)) for i in range(101)]}),
    "an option text over 75": ("block_suggestion", {"options": [option("x" * 76, "1")]}),
}


@pytest.mark.parametrize("rule", sorted(ACK_RULES))
def test_an_ack_breaking_a_rule_is_refused(rule: str) -> None:
    kind, body = ACK_RULES[rule]
    with pytest.raises(SlackReject):
        check_ack(kind, body, valid_modal())
    check_ack("view_submission", {"response_action": "errors", "errors": {"i1": "Too long"}}, valid_modal())
