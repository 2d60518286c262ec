"""What a modal or a button carries back to the bot is bound to what the bot sent: an HMAC.

Slack hands a modal's `private_metadata` and a button's `value` back verbatim, but anyone who can
post to the bot's request URL with a valid Slack signature — or a modified client — can change them
(the remaining amount a form was checked against, the record a confirmation names). So every
`private_metadata` and button `value` leaving through `Ui` is sealed: `<text>~<mac>`, the MAC keyed
from the signing secret (HMAC-SHA256 of the text, first 128 bits, base64url). `open_body` checks and
strips the seals of an incoming interaction before any listener sees it, and refuses a missing or
wrong one with `Tampered`. Blocks stay pure: they never see a seal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from bot.errors import Tampered

SEP = "~"
MAC_CHARS = 22  # 128 bits in base64url, unpadded (blocks.metadata.SEAL_RESERVE leaves room for it)
PRIVATE_METADATA_MAX = 3000
BUTTON_VALUE_MAX = 2000


class Sealer:
    def __init__(self, signing_secret: str | None) -> None:
        # A key of its own, derived from the signing secret, so a seal is never a request signature.
        self._key = hmac.new((signing_secret or "").encode(), b"billecta-bot seal v1", hashlib.sha256).digest()

    def _mac(self, text: str) -> str:
        digest = hmac.new(self._key, text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARS]

    @classmethod
    def for_settings(cls, settings: Any) -> Sealer:
        """Keyed from the signing secret; in Socket Mode (no signing secret) from the bot's tokens."""
        return cls(settings.slack_signing_secret or settings.slack_app_token or settings.slack_bot_token)

    def seal(self, text: str, limit: int) -> str:
        if self._is_sealed(text):
            return text  # a view passed through twice keeps one seal
        sealed = f"{text}{SEP}{self._mac(text)}"
        if len(sealed) > limit:
            raise ValueError(f"a sealed value of {len(sealed)} characters is over Slack's {limit}")
        return sealed

    def _is_sealed(self, text: str) -> bool:
        body, sep, mac = text.rpartition(SEP)
        return bool(sep) and len(mac) == MAC_CHARS and hmac.compare_digest(mac, self._mac(body))

    def unseal(self, sealed: str) -> str:
        text, sep, mac = sealed.rpartition(SEP)
        if not sep or not hmac.compare_digest(mac, self._mac(text)):
            raise Tampered()
        return text

    # -- outgoing -----------------------------------------------------------------------------
    def seal_view(self, view: dict[str, Any]) -> dict[str, Any]:
        sealed = {**view, "blocks": self.seal_blocks(view.get("blocks") or [])}
        if view.get("private_metadata"):
            sealed["private_metadata"] = self.seal(view["private_metadata"], PRIVATE_METADATA_MAX)
        return sealed

    def seal_blocks(self, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [_map_buttons(block, self._seal_button) for block in blocks]

    def _seal_button(self, element: dict[str, Any]) -> dict[str, Any]:
        return {**element, "value": self.seal(element["value"], BUTTON_VALUE_MAX)}

    # -- incoming -----------------------------------------------------------------------------
    def open_body(self, body: dict[str, Any]) -> None:
        """Check and strip, in place, the seals of an interaction (`view_submission`, `block_actions`…).

        Raises Tampered; a view the bot did not send (no metadata) has nothing to check.
        """
        view = body.get("view")
        if isinstance(view, dict) and view.get("private_metadata"):
            view["private_metadata"] = self.unseal(view["private_metadata"])
        for action in body.get("actions") or []:
            # An action without a type is treated as a button: leaving it out must not skip the check.
            if action.get("type", "button") == "button" and action.get("value") is not None:
                action["value"] = self.unseal(action["value"])


def _map_buttons(node: Any, change: Any) -> Any:
    """`node` with `change` applied to every button that carries a value, at any depth."""
    if isinstance(node, list):
        return [_map_buttons(item, change) for item in node]
    if not isinstance(node, dict):
        return node
    mapped = {key: _map_buttons(value, change) for key, value in node.items()}
    if node.get("type") == "button" and isinstance(node.get("value"), str):
        return change(mapped)
    return mapped
