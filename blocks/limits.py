"""Slack's Block Kit limits as named constants, checked when a builder returns (like slack_sdk.models).

A builder that would produce something Slack rejects fails loudly in tests instead of at runtime in
front of a user. Builders clip user-controlled text with `clip` so real data never trips these.
"""

from __future__ import annotations

from typing import Any

VIEW_TITLE = 24
VIEW_BUTTON = 24  # submit / close
VIEW_BLOCKS = 100  # modals and the Home tab
MESSAGE_BLOCKS = 50
PRIVATE_METADATA = 3000
CALLBACK_ID = 255
BLOCK_ID = 255
ACTION_ID = 255
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
PLACEHOLDER = 150
LABEL = 2000
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30
MESSAGE_TEXT = 40_000


class SlackLimitError(ValueError):
    """A builder produced something Slack would reject."""


def clip(text: str, limit: int) -> str:
    """Shorten text to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise SlackLimitError(what)


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def check_view(view: dict[str, Any]) -> dict[str, Any]:
    """Validate a modal or Home view; returns it unchanged."""
    if view.get("type") == "modal":
        _check(0 < len(_text(view.get("title"))) <= VIEW_TITLE, f"view title over {VIEW_TITLE}: {view.get('title')}")
        for key in ("submit", "close"):
            if key in view:
                _check(len(_text(view[key])) <= VIEW_BUTTON, f"{key} over {VIEW_BUTTON}: {view[key]}")
        inputs = any(block.get("type") == "input" for block in view.get("blocks", []))
        _check(not inputs or "submit" in view, "a modal with input blocks needs a submit button")
    _check(len(view.get("private_metadata", "")) <= PRIVATE_METADATA, "private_metadata over 3000")
    _check(len(view.get("callback_id", "")) <= CALLBACK_ID, "callback_id over 255")
    check_blocks(view.get("blocks", []), VIEW_BLOCKS)
    return view


def check_message(blocks: list[dict[str, Any]], text: str = "") -> list[dict[str, Any]]:
    _check(len(text) <= MESSAGE_TEXT, "message text over 40,000")
    return check_blocks(blocks, MESSAGE_BLOCKS)


def check_blocks(blocks: list[dict[str, Any]], most: int) -> list[dict[str, Any]]:
    """A surface's blocks (a whole view or message: its block ids and action ids must be unique)."""
    _check(len(blocks) <= most, f"{len(blocks)} blocks, Slack allows {most}")
    _unique([b["block_id"] for b in blocks if "block_id" in b], "block_id")
    _unique([e["action_id"] for b in blocks for e in _elements(b) if "action_id" in e], "action_id")
    for block in blocks:
        _check_block(block)
    return blocks


def _unique(ids: list[str], what: str) -> None:
    twice = sorted({i for i in ids if ids.count(i) > 1})
    _check(not twice, f"{what} used twice in one view or message: {twice}")


def _check_block(block: dict[str, Any]) -> None:
    _check(len(block.get("block_id", "")) <= BLOCK_ID, "block_id over 255")
    kind = block.get("type")
    _check("dispatch_action" not in block or kind == "input", f"dispatch_action on a {kind} block")
    if kind == "section":
        _check(len(_text(block.get("text"))) <= SECTION_TEXT, "section text over 3000")
        _check(len(block.get("fields", [])) <= 10, "more than 10 section fields")
        for field in block.get("fields", []):
            _check(len(_text(field)) <= FIELD_TEXT, "section field over 2000")
    elif kind == "header":
        _check(len(_text(block.get("text"))) <= HEADER_TEXT, "header over 150")
    elif kind == "context":
        _check(len(block.get("elements", [])) <= CONTEXT_ELEMENTS, "context over 10 elements")
    elif kind == "actions":
        _check(len(block.get("elements", [])) <= ACTIONS_ELEMENTS, "actions over 25 elements")
    elif kind == "input":
        _check(len(_text(block.get("label"))) <= LABEL, "input label over 2000")
    for element in _elements(block):
        _check_element(element)


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(block.get("elements", [])) if block.get("type") == "actions" else []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return found


def _check_element(element: dict[str, Any]) -> None:
    _check(len(element.get("action_id", "")) <= ACTION_ID, "action_id over 255")
    _check(len(_text(element.get("placeholder"))) <= PLACEHOLDER, "placeholder over 150")
    if element.get("type") == "button":
        _check(len(_text(element.get("text"))) <= BUTTON_TEXT, "button text over 75")
        _check(len(element.get("value", "")) <= BUTTON_VALUE, "button value over 2000")
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    _check(len(element.get("options", [])) <= OPTIONS, "more than 100 options")
    _check(len(element.get("option_groups", [])) <= OPTIONS, "more than 100 option groups")
    initial = [*([element["initial_option"]] if "initial_option" in element else []),
               *element.get("initial_options", [])]
    for option in [*options, *initial]:
        check_option(option)
    if options:  # external selects have none to compare with
        _check(all(o in options for o in initial), f"initial option not among the options: {initial}")
    if "confirm" in element:
        _check_confirm(element["confirm"])


def check_option(option: dict[str, Any]) -> dict[str, Any]:
    _check(len(_text(option.get("text"))) <= OPTION_TEXT, f"option text over 75: {option}")
    _check(len(option.get("value", "")) <= OPTION_VALUE, "option value over 150")
    return option


def _check_confirm(confirm: dict[str, Any]) -> None:
    _check(len(_text(confirm.get("title"))) <= CONFIRM_TITLE, "confirm title over 100")
    _check(len(_text(confirm.get("text"))) <= CONFIRM_TEXT, "confirm text over 300")
    for key in ("confirm", "deny"):
        _check(len(_text(confirm.get(key))) <= CONFIRM_BUTTON, f"confirm {key} over 30")
