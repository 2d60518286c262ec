"""What Slack's Web API refuses, as the fake Slack server checks it (slack-platform.md §1).

Independent of `blocks/limits.py` on purpose: the fake is the oracle the bot's builders are tested
against, so it must not share their mistakes. Numbers are Slack's published ones (Block Kit
reference; `slack_sdk.models` encodes the same as `*_max_length` constants, and every view and
block list is also built with `slack_sdk.models` and validated there, as a second opinion).

Surfaces. Modal: title plain_text 1–24, submit/close plain_text ≤ 24, a submit when there are
inputs, ≤ 100 blocks. Home: ≤ 100 blocks. Both: private_metadata ≤ 3,000, callback_id ≤ 255,
external_id ≤ 255, ≤ 250 kB. Message: a `text` fallback, text ≤ 40,000, ≤ 50 blocks, no input blocks
(the bot keeps inputs to modals and the Home tab). Everywhere: block_id unique and ≤ 255, action_id
unique within its block and within the whole view or message, and ≤ 255.
Blocks. Section: text or fields; text ≤ 3,000; 1–10 fields of ≤ 2,000. Header: plain_text ≤ 150.
Context: 1–10 image or text elements. Actions: 1–25 interactive elements (no text inputs). Input:
label plain_text ≤ 2,000, hint ≤ 2,000, one input element. Image: alt_text ≤ 2,000, image_url ≤
3,000, title ≤ 2,000. Markdown ≤ 12,000. `dispatch_action` only on input blocks.
Elements. placeholder plain_text ≤ 150; button text plain_text ≤ 75, value ≤ 2,000, url ≤ 3,000,
style primary|danger; confirm dialog: title ≤ 100, text ≤ 300, confirm/deny ≤ 30 (all required,
plain_text but text), style primary|danger; static selects: options xor option_groups, ≤ 100 each,
group label ≤ 75, initial_option(s) among the options; option text ≤ 75 (plain_text except in
checkboxes/radio), value ≤ 150, description ≤ 75; overflow 1–5 options; checkboxes and radio
buttons 1–10 options; plain_text_input min/max_length ≤ 3,000, initial_value within max_length;
dispatch_action_config only on text and number inputs, triggers on_enter_pressed|on_character_entered;
datepicker initial_date YYYY-MM-DD, timepicker initial_time HH:mm; number_input needs
is_decimal_allowed. Text objects: type plain_text|mrkdwn, non-empty, `emoji` only on plain_text.
Acks (`check_ack`): a slash reply is a message; a submission's response_action is errors (keyed by
input block ids of the submitted view, non-empty), update or push (a valid view) or clear; options
answers hold ≤ 100 valid options.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

VIEW_BYTES = 250_000
TEXT_TYPES = ("plain_text", "mrkdwn")
PLAIN = ("plain_text",)
STYLES = ("primary", "danger")
TRIGGERS = {"on_enter_pressed", "on_character_entered"}
SELECTS = {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
MULTI_SELECTS = {"multi_" + s for s in SELECTS}
ACTIONS_ELEMENTS = {"button", "checkboxes", "datepicker", "datetimepicker", "overflow", "radio_buttons",
                    "timepicker", "workflow_button", *SELECTS, *MULTI_SELECTS}
INPUT_ELEMENTS = {"plain_text_input", "checkboxes", "radio_buttons", "datepicker", "timepicker", "datetimepicker",
                  "email_text_input", "url_text_input", "number_input", "file_input", "rich_text_input",
                  *SELECTS, *MULTI_SELECTS}
ACCESSORY_ELEMENTS = {"button", "checkboxes", "datepicker", "image", "overflow", "radio_buttons", "timepicker",
                      *SELECTS, *MULTI_SELECTS}
DISPATCHING_INPUTS = {"plain_text_input", "number_input", "email_text_input", "url_text_input"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SlackReject(Exception):
    """The error string Slack would answer with, then ':' and a detail for the test's eyes."""


def limit(ok: bool, error: str) -> None:
    if not ok:
        raise SlackReject(error)


def _bad(ok: bool, detail: str) -> None:
    limit(ok, f"invalid_blocks: {detail}")


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def check_text(obj: Any, where: str, most: int, *, types: tuple[str, ...] = TEXT_TYPES,
               required: bool = True, error: Callable[[bool, str], None] = _bad) -> None:
    """A text object: its type is one `where` allows, it is not empty, and at most `most` characters."""
    if obj is None and not required:
        return
    error(isinstance(obj, dict) and obj.get("type") in types, f"{where} must be a {'/'.join(types)} object")
    text = obj.get("text")
    error(isinstance(text, str) and len(text) > 0, f"{where} is empty")
    error(len(text) <= most, f"{where} over {most} characters ({len(text)}): {text[:60]!r}")
    error("emoji" not in obj or obj["type"] == "plain_text", f"{where}: emoji only on plain_text")


# -- surfaces ---------------------------------------------------------------------------------------
def check_any(data: Any) -> None:
    """What a builder returned, by its shape: a view, a message ({text, blocks}) or a modal's blocks."""
    if isinstance(data, dict) and data.get("type") in ("modal", "home"):
        check_view(data, method="views.publish" if data["type"] == "home" else "views.open")
    elif isinstance(data, dict) and "blocks" in data:
        check_message(data)
    elif isinstance(data, list):
        check_blocks(data, "modal")



def check_view(view: dict[str, Any], *, method: str = "views.open") -> None:
    """What views.open / push / update / publish refuse (invalid_arguments or invalid_blocks)."""
    kind = view.get("type")
    wanted = {"views.publish": ("home",), "views.update": ("modal", "home")}.get(method, ("modal",))
    limit(kind in wanted, f"invalid_arguments: {method} takes a {' or '.join(wanted)} view, not {kind!r}")
    limit(len(json.dumps(view)) <= VIEW_BYTES, "view_too_large")

    def invalid(ok: bool, detail: str) -> None:
        limit(ok, f"invalid_arguments: {detail}")

    if kind == "modal":
        check_text(view.get("title"), "title", 24, types=PLAIN, error=invalid)
        for key in ("submit", "close"):
            check_text(view.get(key), key, 24, types=PLAIN, required=False, error=invalid)
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []))
        invalid(not has_input or "submit" in view, "a view with input blocks needs submit")
    invalid(len(view.get("private_metadata", "")) <= 3000, "private_metadata over 3000")
    invalid(len(view.get("callback_id", "")) <= 255, "callback_id over 255")
    invalid(len(view.get("external_id", "")) <= 255, "external_id over 255")
    check_blocks(view.get("blocks", []), kind or "modal")
    _sdk(lambda: View(**view).validate_json())


def check_message(args: dict[str, Any]) -> None:
    """chat.postMessage / update / postEphemeral, and what is posted to a response_url."""
    text = args.get("text")
    limit(bool(text or args.get("blocks") or args.get("attachments")), "no_text")
    # Slack posts blocks without `text`, but then notifications and screen readers get nothing:
    # the SDK warns and the bot's rule is that `text` always names the records.
    limit(not args.get("blocks") or bool(text), "no_text: blocks need a text fallback")
    limit(len(text or "") <= 40_000, "msg_too_long")
    check_blocks(args.get("blocks") or [], "message")


def check_ack(kind: str, body: dict[str, Any], view: dict[str, Any] | None = None) -> None:
    """What an app answers in the HTTP response (the ack), which Slack renders like an API call:
    a slash command's message; a submission's response_action (errors keyed by the view's *input*
    block ids, or a valid view to update/push); a block_suggestion's options (≤ 100)."""
    if not body:
        return
    if kind == "slash_command":
        limit(body.get("response_type", "ephemeral") in ("ephemeral", "in_channel"), "invalid_response_type")
        check_message(body)
    elif kind == "view_submission":
        action = body.get("response_action")
        limit(action in ("errors", "update", "push", "clear"), f"invalid_response_action: {action!r}")
        if action in ("update", "push"):
            check_view(body.get("view") or {}, method="views.update" if action == "update" else "views.push")
        if action == "errors":
            inputs = {b.get("block_id") for b in (view or {}).get("blocks", []) if b.get("type") == "input"}
            errors = body.get("errors") or {}
            limit(bool(errors) and set(errors) <= inputs, f"invalid_errors: {sorted(errors)} are not input block ids")
            limit(all(isinstance(v, str) and v for v in errors.values()), "invalid_errors: empty message")
    elif kind == "block_suggestion":
        options = body.get("options") or [o for g in body.get("option_groups") or [] for o in g.get("options", [])]
        limit(len(body.get("options") or []) <= 100, "invalid_options: more than 100")
        for option in options:
            check_option(option)


def check_blocks(blocks: list[dict[str, Any]], surface: str) -> None:
    """A surface's blocks: how many, unique ids, then each block (surface: modal, home or message)."""
    most = 50 if surface == "message" else 100
    _bad(isinstance(blocks, list), "blocks must be a list")
    _bad(len(blocks) <= most, f"{len(blocks)} blocks, at most {most} in a {surface}")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    _bad(len(block_ids) == len(set(block_ids)), f"duplicate block_id in {sorted(_duplicates(block_ids))}")
    action_ids = [e["action_id"] for b in blocks for e in _elements(b) if "action_id" in e]
    _bad(len(action_ids) == len(set(action_ids)), f"duplicate action_id {sorted(_duplicates(action_ids))}")
    for block in blocks:
        check_block(block, surface)
    _sdk(lambda: [b.validate_json() for b in Block.parse_all(blocks)])


def _sdk(validate: Callable[[], Any]) -> None:
    """A second opinion: slack_sdk.models encodes the same limits as constants and checks them."""
    try:
        validate()
    except (SlackObjectFormationError, ValueError, TypeError, KeyError) as exc:
        raise SlackReject(f"invalid_blocks: slack_sdk: {exc}") from exc


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i in ids if ids.count(i) > 1}


# -- blocks -----------------------------------------------------------------------------------------
def check_block(block: dict[str, Any], surface: str = "modal") -> None:
    kind = block.get("type")
    _bad(kind in _BLOCKS, f"unknown block type {kind!r}")
    block_id = block.get("block_id", "x")
    _bad(isinstance(block_id, str) and 0 < len(block_id) <= 255, f"block_id must be 1-255 characters: {block_id!r}")
    _bad("dispatch_action" not in block or kind == "input", f"dispatch_action on a {kind} block (inputs only)")
    _BLOCKS[kind](block, surface)


def _section(block: dict[str, Any], surface: str) -> None:
    _bad("text" in block or "fields" in block, "a section needs text or fields")
    check_text(block.get("text"), "section text", 3000, required=False)
    if "fields" in block:
        _bad(0 < len(block["fields"]) <= 10, f"section fields: 1-10, got {len(block['fields'])}")
        for item in block["fields"]:
            check_text(item, "section field", 2000)
    if "accessory" in block:
        accessory = block["accessory"]
        _bad(accessory.get("type") in ACCESSORY_ELEMENTS, f"{accessory.get('type')!r} cannot be an accessory")
        check_element(accessory)


def _header(block: dict[str, Any], surface: str) -> None:
    check_text(block.get("text"), "header text", 150, types=PLAIN)


def _context(block: dict[str, Any], surface: str) -> None:
    elements = block.get("elements") or []
    _bad(0 < len(elements) <= 10, f"context elements: 1-10, got {len(elements)}")
    for element in elements:
        if element.get("type") == "image":
            _image_element(element)
        else:
            check_text(element, "context element", 3000)


def _actions(block: dict[str, Any], surface: str) -> None:
    elements = block.get("elements") or []
    _bad(0 < len(elements) <= 25, f"actions elements: 1-25, got {len(elements)}")
    for element in elements:
        _bad(element.get("type") in ACTIONS_ELEMENTS, f"{element.get('type')!r} cannot go in an actions block")
        check_element(element)


def _input(block: dict[str, Any], surface: str) -> None:
    _bad(surface in ("modal", "home"), f"input blocks belong in modals and the Home tab, not a {surface}")
    check_text(block.get("label"), "input label", 2000, types=PLAIN)
    check_text(block.get("hint"), "input hint", 2000, types=PLAIN, required=False)
    element = block.get("element") or {}
    _bad(element.get("type") in INPUT_ELEMENTS, f"{element.get('type')!r} is not an input element")
    _bad(not (block.get("dispatch_action") and element.get("type") == "file_input"), "file inputs cannot dispatch")
    check_element(element)


def _image(block: dict[str, Any], surface: str) -> None:
    _image_element(block)
    check_text(block.get("title"), "image title", 2000, types=PLAIN, required=False)


def _image_element(element: dict[str, Any]) -> None:
    _bad(bool(element.get("image_url") or element.get("slack_file")), "an image needs image_url or slack_file")
    _bad(len(element.get("image_url", "")) <= 3000, "image_url over 3000")
    alt = element.get("alt_text")
    _bad(isinstance(alt, str) and 0 < len(alt) <= 2000, "image alt_text must be 1-2000 characters")


def _markdown(block: dict[str, Any], surface: str) -> None:
    _bad(0 < len(block.get("text", "")) <= 12_000, "markdown text must be 1-12000 characters")


def _anything(block: dict[str, Any], surface: str) -> None:
    """divider, file, rich_text, video: nothing the bot sends needs checking beyond the block id."""


_BLOCKS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "section": _section, "header": _header, "context": _context, "actions": _actions, "input": _input,
    "image": _image, "markdown": _markdown, "divider": _anything, "file": _anything, "rich_text": _anything,
    "video": _anything,
}


def _elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The interactive elements of a block (those with an action_id)."""
    if block.get("type") == "actions":
        yield from block.get("elements") or []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            yield block[key]


# -- elements ---------------------------------------------------------------------------------------
def check_element(element: dict[str, Any]) -> None:
    kind = element.get("type")
    action_id = element.get("action_id", "x")
    _bad(isinstance(action_id, str) and 0 < len(action_id) <= 255, f"action_id must be 1-255 characters: {action_id!r}")
    check_text(element.get("placeholder"), f"{kind} placeholder", 150, types=PLAIN, required=False)
    if "dispatch_action_config" in element:
        _bad(kind in DISPATCHING_INPUTS, f"dispatch_action_config on a {kind}")
        triggers = element["dispatch_action_config"].get("trigger_actions_on") or []
        _bad(bool(triggers) and set(triggers) <= TRIGGERS, f"trigger_actions_on {triggers}")
    if "confirm" in element:
        check_confirm(element["confirm"])
    checker = _ELEMENTS.get(kind or "")
    if checker:
        checker(element)


def check_confirm(confirm: dict[str, Any]) -> None:
    check_text(confirm.get("title"), "confirm title", 100, types=PLAIN)
    check_text(confirm.get("text"), "confirm text", 300)
    for key in ("confirm", "deny"):
        check_text(confirm.get(key), f"confirm {key}", 30, types=PLAIN)
    _bad(confirm.get("style", "primary") in STYLES, f"confirm style {confirm.get('style')!r}")


def _button(element: dict[str, Any]) -> None:
    check_text(element.get("text"), "button text", 75, types=PLAIN)
    _bad(len(element.get("value", "")) <= 2000, "button value over 2000")
    _bad(len(element.get("url", "")) <= 3000, "button url over 3000")
    _bad(element.get("style", "primary") in STYLES, f"button style {element.get('style')!r}")
    _bad(len(element.get("accessibility_label", "")) <= 75, "button accessibility_label over 75")


def _options(element: dict[str, Any], most: int, *, least: int = 1, text_types: tuple[str, ...] = PLAIN,
             groups: bool = False) -> list[dict[str, Any]]:
    """Check `options` (or `option_groups`) and return every option."""
    kind = element.get("type")
    if groups and "option_groups" in element:
        _bad("options" not in element, f"{kind}: options and option_groups both given")
        option_groups = element["option_groups"]
        _bad(0 < len(option_groups) <= 100, f"{kind}: 1-100 option_groups, got {len(option_groups)}")
        found = []
        for group in option_groups:
            check_text(group.get("label"), "option group label", 75, types=PLAIN)
            _bad(0 < len(group.get("options") or []) <= 100, f"{kind}: 1-100 options in a group")
            found.extend(group["options"])
    else:
        found = list(element.get("options") or [])
        _bad(least <= len(found) <= most, f"{kind}: {least}-{most} options, got {len(found)}")
    for option in found:
        check_option(option, text_types)
    _initial_among(element, found)
    return found


def _initial_among(element: dict[str, Any], options: list[dict[str, Any]]) -> None:
    """Slack refuses an initial option that is not exactly one of the options (text and value)."""
    shown = [(o.get("value"), _text(o.get("text"))) for o in options]
    initial = ([element["initial_option"]] if "initial_option" in element else []) + list(
        element.get("initial_options") or [])
    for option in initial:
        check_option(option, TEXT_TYPES)
        _bad((option.get("value"), _text(option.get("text"))) in shown,
             f"{element.get('type')}: initial option {option.get('value')!r} is not one of the options")


def check_option(option: dict[str, Any], text_types: tuple[str, ...] = PLAIN) -> None:
    check_text(option.get("text"), "option text", 75, types=text_types)
    value = option.get("value", "")
    _bad(isinstance(value, str) and 0 < len(value) <= 150, f"option value must be 1-150 characters: {value!r}")
    check_text(option.get("description"), "option description", 75, types=text_types, required=False)
    _bad(len(option.get("url", "")) <= 3000, "option url over 3000")


def _static_select(element: dict[str, Any]) -> None:
    _bad("options" in element or "option_groups" in element, f"{element['type']} needs options or option_groups")
    _options(element, 100, groups=True)
    _bad(element.get("max_selected_items", 1) >= 1, "max_selected_items below 1")


def _external_select(element: dict[str, Any]) -> None:
    _bad(element.get("min_query_length", 3) >= 0, "min_query_length below 0")
    for option in [element.get("initial_option"), *(element.get("initial_options") or [])]:
        if option is not None:
            check_option(option)


def _overflow(element: dict[str, Any]) -> None:
    _options(element, 5)


def _choices(element: dict[str, Any]) -> None:
    _options(element, 10, text_types=TEXT_TYPES)


def _text_input(element: dict[str, Any]) -> None:
    most, least = element.get("max_length", 3000), element.get("min_length", 0)
    _bad(0 < most <= 3000 and 0 <= least <= 3000 and least <= most, f"text input lengths {least}-{most}")
    _bad(len(element.get("initial_value", "")) <= most, "initial_value longer than max_length")


def _number_input(element: dict[str, Any]) -> None:
    _bad(isinstance(element.get("is_decimal_allowed"), bool), "number_input needs is_decimal_allowed")
    if "initial_value" in element:
        pattern = r"^-?\d+(\.\d+)?$" if element["is_decimal_allowed"] else r"^-?\d+$"
        _bad(re.match(pattern, str(element["initial_value"])) is not None,
             f"number_input initial_value {element['initial_value']!r}")


def _datepicker(element: dict[str, Any]) -> None:
    _bad(_DATE.match(element.get("initial_date", "2000-01-01")) is not None, "initial_date must be YYYY-MM-DD")


def _timepicker(element: dict[str, Any]) -> None:
    _bad(_TIME.match(element.get("initial_time", "00:00")) is not None, "initial_time must be HH:mm")


_ELEMENTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "button": _button, "static_select": _static_select, "multi_static_select": _static_select,
    "external_select": _external_select, "multi_external_select": _external_select, "overflow": _overflow,
    "checkboxes": _choices, "radio_buttons": _choices, "plain_text_input": _text_input,
    "number_input": _number_input, "datepicker": _datepicker, "timepicker": _timepicker, "image": _image_element,
}
