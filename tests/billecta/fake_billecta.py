"""A scripted Billecta for `httpx.MockTransport`: canned replies per route, every request recorded.

    fake = FakeBillecta()
    fake.on("GET", "/v1/invoice/action/123", json_reply(INVOICE), status=200)
    fake.on("POST", "/v1/debtors/debtor", httpx.ReadTimeout("slow"), created("d-1"))

Replies for a route are used in order and the last one repeats. A reply is an `httpx.Response`, an
exception to raise (a transport failure), or a callable taking the request.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from typing import Any

import httpx

from bot.billecta.client import BillectaClient

TOKEN = "s3cr3t-token-value"
CREDITOR = "0b5c8a3e-1d2f-4c6b-9e8a-7f6d5c4b3a21"
DEBTOR = "5e1c7d2a-8b3f-4a6e-9c1d-2f3e4a5b6c7d"
PRODUCT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
UNHANDLED = "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f"
AID = "7545769088"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def json_reply(payload: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)


def created(public_id: str) -> httpx.Response:
    return json_reply({"PublicId": public_id})


def error(status: int, message: str | None = None, code: str | None = None, **headers: str) -> httpx.Response:
    if message is None:
        return httpx.Response(status, headers=headers)
    return json_reply({"Message": message, "ExternalErrorCode": code}, status, **headers)


class FakeBillecta:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def on(self, method: str, path: str, *replies: Reply) -> FakeBillecta:
        self.routes[(method, path)] = list(replies)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            queue = self.routes.get((request.method, request.url.path))
            if not queue:
                return error(404, f"no route {request.method} {request.url.path}")
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        return reply

    def calls(self, method: str | None = None, path: str | None = None) -> list[httpx.Request]:
        return [r for r in self.requests
                if (method is None or r.method == method) and (path is None or r.url.path == path)]

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


class Sleeps(list[float]):
    """A fake `sleep` that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(fake: Callable[[httpx.Request], httpx.Response], *,
                sleep: Callable[[float], None] | None = None, creditor_id: str | None = CREDITOR,
                token: str | None = TOKEN, **options: Any) -> BillectaClient:
    """A client on the fake, with a seeded jitter and a `sleep` that does not wait."""
    http = httpx.Client(base_url="https://api.billecta.test", transport=httpx.MockTransport(fake))
    return BillectaClient(http, token=token, creditor_id=creditor_id, sleep=sleep if sleep is not None else Sleeps(),
                          rng=random.Random(1234), **options)


def invoice_json(aid: str = AID, **fields: Any) -> dict[str, Any]:
    """An InvoiceActionView as Billecta sends it (the fields the tests care about)."""
    base: dict[str, Any] = {
        "ActionPublicId": aid,
        "CreditorPublicId": CREDITOR,
        "ActionType": "InvoiceAction",
        "InvoiceNumber": "1001",
        "State": {"Stage": "InvoiceSent", "IsPaused": False},
        "InvoicedAmount": {"CurrencyCode": "SEK", "Value": 100000, "ValueForView": 1000.0},
        "CurrentAmount": {"CurrencyCode": "SEK", "Value": 100000, "ValueForView": 1000.0},
        "PaidAmount": {"CurrencyCode": "SEK", "Value": 0, "ValueForView": 0.0},
        "WriteOffAmount": {"CurrencyCode": "SEK", "Value": 0, "ValueForView": 0.0},
        "CreditedAmount": {"CurrencyCode": "SEK", "Value": 0, "ValueForView": 0.0},
        "DebtCollectionActionPublicId": None,
        "ReminderInvoiceActionPublicId": None,
    }
    base.update(fields)
    return base
