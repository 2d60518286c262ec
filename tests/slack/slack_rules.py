"""What Slack's Web API refuses, as the fake Slack server checks it (see slack-platform.md §1).

Views (modal and Home): title 1–24, submit/close ≤ 24, a submit when there are inputs, ≤ 100 blocks,
private_metadata ≤ 3,000, callback_id ≤ 255, ≤ 250 kB in all. Messages: text ≤ 40,000, ≤ 50 blocks.
Blocks: unique block ids ≤ 255, section text ≤ 3,000 and ≤ 10 fields, header ≤ 150, context ≤ 10
elements, actions ≤ 25 elements, input label ≤ 2,000. Elements: action_id ≤ 255, placeholder ≤ 150,
≤ 100 options (text ≤ 75, value ≤ 150), button text ≤ 75 and value ≤ 2,000, confirm dialog title
≤ 100, text ≤ 300, confirm/deny ≤ 30.
"""

from __future__ import annotations

import json
from typing import Any

VIEW_BYTES = 250_000


class SlackReject(Exception):
    """The error string Slack would answer with, then ':' and a detail for the test's eyes."""


def limit(ok: bool, error: str) -> None:
    if not ok:
        raise SlackReject(error)


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def check_view(view: dict[str, Any]) -> None:
    """What views.open / push / update / publish refuse (invalid_arguments or invalid_blocks)."""
    limit(view.get("type") in ("modal", "home"), f"invalid_arguments: view type {view.get('type')!r}")
    limit(len(json.dumps(view)) <= VIEW_BYTES, "view_too_large")
    if view.get("type") == "modal":
        title = _text(view.get("title"))
        limit(0 < len(title) <= 24, f"invalid_arguments: title must be 1-24 characters, got {len(title)}: {title!r}")
        for key in ("submit", "close"):
            limit(len(_text(view.get(key))) <= 24, f"invalid_arguments: {key} over 24 characters")
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []))
        limit(not has_input or "submit" in view, "invalid_arguments: a view with inputs needs submit")
    limit(len(view.get("private_metadata", "")) <= 3000, "invalid_arguments: private_metadata over 3000")
    limit(len(view.get("callback_id", "")) <= 255, "invalid_arguments: callback_id over 255")
    check_blocks(view.get("blocks", []), 100)


def check_message(args: dict[str, Any]) -> None:
    """chat.postMessage / update / postEphemeral, and what is posted to a response_url."""
    limit(bool(args.get("text") or args.get("blocks")), "no_text")
    limit(len(args.get("text") or "") <= 40_000, "msg_too_long")
    check_blocks(args.get("blocks") or [], 50)


def check_blocks(blocks: list[dict[str, Any]], most: int) -> None:
    limit(len(blocks) <= most, f"invalid_blocks: {len(blocks)} blocks, at most {most}")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    limit(len(block_ids) == len(set(block_ids)), f"invalid_blocks: duplicate block_id {block_ids}")
    for block in blocks:
        _check_block(block)


def _check_block(block: dict[str, Any]) -> None:
    kind = block.get("type")
    limit(len(block.get("block_id", "")) <= 255, "invalid_blocks: block_id over 255")
    if kind == "section":
        limit(len(_text(block.get("text"))) <= 3000, "invalid_blocks: section text over 3000")
        limit(len(block.get("fields", [])) <= 10, "invalid_blocks: more than 10 fields")
    elif kind == "header":
        limit(len(_text(block.get("text"))) <= 150, "invalid_blocks: header over 150")
    elif kind == "context":
        limit(len(block.get("elements", [])) <= 10, "invalid_blocks: context over 10 elements")
    elif kind == "actions":
        limit(len(block.get("elements", [])) <= 25, "invalid_blocks: actions over 25 elements")
    elif kind == "input":
        limit(len(_text(block.get("label"))) <= 2000, "invalid_blocks: input label over 2000")
    for element in _elements(block):
        _check_element(element)


def _check_element(element: dict[str, Any]) -> None:
    limit(len(element.get("action_id", "")) <= 255, "invalid_blocks: action_id over 255")
    limit(len(_text(element.get("placeholder"))) <= 150, "invalid_blocks: placeholder over 150")
    options = list(element.get("options", []))
    limit(len(options) <= 100, "invalid_blocks: more than 100 options")
    for option in options + ([element["initial_option"]] if "initial_option" in element else []):
        check_option(option)
    if element.get("type") == "button":
        limit(len(_text(element.get("text"))) <= 75, "invalid_blocks: button text over 75")
        limit(len(element.get("value", "")) <= 2000, "invalid_blocks: button value over 2000")
    confirm = element.get("confirm")
    if confirm:
        limit(len(_text(confirm.get("title"))) <= 100, "invalid_blocks: confirm title over 100")
        limit(len(_text(confirm.get("text"))) <= 300, "invalid_blocks: confirm text over 300")
        for key in ("confirm", "deny"):
            limit(len(_text(confirm.get(key))) <= 30, f"invalid_blocks: confirm {key} over 30")


def check_option(option: dict[str, Any]) -> None:
    limit(len(option["text"]["text"]) <= 75, f"invalid_blocks: option text over 75: {option['text']['text']!r}")
    limit(len(option.get("value", "")) <= 150, "invalid_blocks: option value over 150")


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(block.get("elements", [])) if block.get("type") == "actions" else []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return found
