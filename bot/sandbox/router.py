"""Routing, authentication and responses: one route per path of bot.billecta.endpoints.ENDPOINTS.

The sandbox routes exactly the client's endpoint table (each endpoint's method and path plus its
`aliases`), so a path corrected there is corrected here too. Handlers are registered by endpoint
name; an endpoint without a handler answers 501 so a new table row is noticed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.billecta.endpoints import ENDPOINTS, path_pattern
from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.state import Store

DENIED = "Authorization has been denied for this request."


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("The request body is not valid JSON.") from None

    def object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise bad_request("The request body must be a JSON object.")
        return data

    def arg(self, name: str) -> str | None:
        value = self.query.get(name.lower())
        return value if value not in (None, "") else None


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Store, Request], Any]


class Router:
    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = dict(handlers)
        self._routes: list[tuple[str, re.Pattern[str], str]] = []
        for endpoint in ENDPOINTS.values():
            for method, path in ((endpoint.method, endpoint.path), *endpoint.aliases):
                self._routes.append((method.upper(), path_pattern(path), endpoint.name))

    def add(self, method: str, path: str, name: str, handler: Handler) -> None:
        """An extra route outside the endpoint table (the sandbox's own /_sandbox API)."""
        self._routes.append((method.upper(), path_pattern(path), name))
        self.handlers[name] = handler

    def match(self, method: str, path: str) -> tuple[str, Handler, dict[str, str]]:
        allowed = False
        for route_method, pattern, name in self._routes:
            found = pattern.match(path.rstrip("/") or "/")
            if found is None:
                continue
            if route_method != method.upper():
                allowed = True
                continue
            handler = self.handlers.get(name)
            if handler is None:
                raise ApiError(501, f"The sandbox does not implement {name} yet.")
            return name, handler, found.groupdict()
        if allowed:
            raise ApiError(405, f"The requested resource does not support http method '{method.upper()}'.")
        raise ApiError(404, f"No HTTP resource was found that matches the request URI '{path}'.")


def credentials(headers: dict[str, str]) -> tuple[str, str] | None:
    """(scheme, decoded value) of the Authorization header, or None when it is missing or malformed."""
    scheme, _, value = headers.get("authorization", "").strip().partition(" ")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return scheme.lower(), decoded


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def to_reply(result: Any) -> Reply:
    if isinstance(result, Reply):
        return result
    if result is None:
        return Reply(204)
    return Reply(200, json.dumps(result, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


def error_reply(error: ApiError) -> Reply:
    body = json.dumps({"Message": error.message, "ExternalErrorCode": None}).encode("utf-8")
    return Reply(error.status, body, "application/json; charset=utf-8", dict(error.headers))
