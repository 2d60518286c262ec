"""Record ids in a Slack message: what a message shortcut acts on. Pure functions, no I/O.

Understands the bot's own references ('invoice 1001', 'debtors 3, 4 and 7'), bare numbers and
ranges ('1001-1004', '#1002'), and Billecta ids (GUIDs). Dates, times, amounts, mentions and links
are not ids.
"""

from __future__ import annotations

import re
from typing import Any

from bot import records

# Longest first, so 'orderrow 5' is not read as 'order' and a stray 'row 5'.
TYPES = tuple(sorted(records.IN_STORE, key=len, reverse=True))
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ID = rf"(?:{_GUID}|#?\d{{1,12}}(?:\s?-\s?\d{{1,12}})?)"
_LIST = rf"{_ID}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_ID})*"
_TYPED = re.compile(rf"\b({'|'.join(TYPES)})s?(?:\s+(?:no\.?|number|#))?\s+({_LIST})", re.IGNORECASE)
_NOISE = re.compile(
    r"<[^>]*>"  # mentions, channels, links: <@U1>, <#C1|x>, <https://…>
    r"|https?://\S+"
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"  # dates and date-times
    r"|\b\d{1,2}:\d{2}\b"  # times
    r"|\b\d[\d ]*[.,]\d{2}\b"  # amounts 1 250,00 / 99.50
    r"|\b\d+\s?%"
)
_BARE = re.compile(rf"(?<![\w-])({_GUID}|#?\d{{1,12}}(?:-\d{{1,12}})?)(?![\w-])")
MAX_SPEC = 1500


def message_text(message: dict[str, Any]) -> str:
    """All human-readable text of a message: its text and every text inside its blocks."""
    parts = [message.get("text") or ""]
    _collect(message.get("blocks") or [], parts)
    for attachment in message.get("attachments") or []:
        parts.append(attachment.get("text") or attachment.get("fallback") or "")
    return "\n".join(p for p in parts if p)


def _collect(node: Any, parts: list[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            parts.append(node["text"])
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                _collect(value, parts)
    elif isinstance(node, list):
        for item in node:
            _collect(item, parts)


def find_ids(text: str, record_type: str) -> list[str]:
    """Ids of `record_type` in `text`: typed references first, else bare ids outside other references."""
    typed: dict[str, list[str]] = {}
    for match in _TYPED.finditer(text):
        kind = match[1].lower()
        typed.setdefault(kind, []).extend(_split_list(match[2]))
    if record_type in typed:
        return _unique(typed[record_type])
    rest = _NOISE.sub(" ", _TYPED.sub(" ", text))
    return _unique(token.lstrip("#") for token in _BARE.findall(rest) if _plausible(token))


def _split_list(text: str) -> list[str]:
    return [token.replace(" ", "").lstrip("#") for token in re.findall(_ID, text)]


def _plausible(token: str) -> bool:
    if "-" in token and not re.fullmatch(_GUID, token):
        low, high = token.lstrip("#").split("-")
        return int(low) <= int(high) and int(high) - int(low) < 10_000
    return True


def _unique(tokens: Any) -> list[str]:
    seen: dict[str, None] = {}
    for token in tokens:
        seen.setdefault(token, None)
    return list(seen)


def reference(record_type: str, keys: list[str], limit: int = MAX_SPEC) -> str:
    """'debtors 1-3, 5, 9': how a message names many records so that `find_ids` reads them all back."""
    parts = compress(keys).split()
    if not parts:
        return ""
    text = ", ".join(parts)
    if len(text) > limit:
        text = text[:limit].rsplit(", ", 1)[0] + " and more"
    return f"{record_type}{'s' if len(keys) > 1 else ''} {text}"


def compress(keys: list[str]) -> str:
    """'1001 1002 1003 1005 abc' → '1001-1003 1005 abc' (ranges are expanded again by parse_targets)."""
    numbers = sorted({int(k) for k in keys if k.isdigit()})
    others = [k for k in keys if not k.isdigit()]
    parts: list[str] = []
    start = prev = None
    for number in [*numbers, None]:
        if number is not None and prev is not None and number == prev + 1:
            prev = number
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = number
    text = " ".join(parts + others)
    return text if len(text) <= MAX_SPEC else text[:MAX_SPEC].rsplit(" ", 1)[0]
