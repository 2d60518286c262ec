"""Does the configured Billecta route each path of the endpoint table? (`billecta-bot endpoints --check`)

Each endpoint gets one request that cannot change anything: a GET, or its write aimed at an id no
record has (`PROBE_ID`, in the path and in the body's id fields), so that Billecta refuses it. What
tells a right path from a wrong one is how it refuses. Billecta runs on ASP.NET Web API: a path it
does not route answers 404 with the Message "No HTTP resource was found that matches the request URI
…" (or, from a front server, a 404 without that JSON), a routed path asked with another method 405,
while a routed path with an unknown id answers 404 with a Message of its own ("The invoice … does not
exist"), or 400 for an id in the body. The sandbox answers the same way (bot/sandbox/router.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from bot.billecta.endpoints import Endpoint
from bot.billecta.transport import basic_auth_header
from bot.errors import BillectaAuthFailed, BillectaUnavailable

# No record has this id: every write the check sends is aimed at it, so Billecta refuses the write.
PROBE_ID = "9e0d1c2b-0000-4000-8000-000000000000"
ROUTE_MISSING = "no http resource was found"
# What the client sends beside the path, where a route needs it to match at all.
_PERIOD = {"from": "2000-01-01", "to": "2000-01-02"}
_PARAMS: dict[str, dict[str, str]] = {
    "invoices_closed": _PERIOD, "invoices_closed_by_debtor": _PERIOD, "invoice_events": _PERIOD,
    "debtor_by_external_id": {"externalid": PROBE_ID}, "product_by_external_id": {"externalid": PROBE_ID},
    "invoice_by_number": {"invoiceNumber": "0"}, "invoice_postpone": {"date": "2000-01-01"},
    "debtcollection_postpone": {"date": "2000-01-01"}, "file_object": {"includedata": "false"},
}
_BODY_IDS = ("CreditorPublicId", "ActionPublicId", "InvoiceActionPublicId", "SourcePublicId", "DebtorPublicId",
             "ProductPublicId", "UnhandledPaymentPublicId")
_LIST_BODIES = frozenset({"payments_match"})


class Verdict(StrEnum):
    ROUTED = "ok"
    WRONG = "WRONG"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Probe:
    endpoint: Endpoint
    url: str
    verdict: Verdict
    answer: str


Exchange = Callable[[Endpoint, str, dict[str, str] | None, Any, str | None], httpx.Response]


def check(endpoints: Sequence[Endpoint], exchange: Exchange, *, token_check: Endpoint | None,
          workers: int = 4) -> list[Probe]:
    """One probe per endpoint, in the table's order. `token_check` (a GET without ids, e.g. the list of
    creditors) is asked first: BillectaAuthFailed when it refuses the token, BillectaUnavailable when
    nothing answers, since then no answer would tell about the paths."""
    if token_check is not None and exchange(token_check, *_request(token_check)).status_code == 401:
        raise BillectaAuthFailed()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda endpoint: probe(endpoint, exchange), endpoints))


def probe(endpoint: Endpoint, exchange: Exchange) -> Probe:
    url, params, body, auth = _request(endpoint)
    try:
        response = exchange(endpoint, url, params, body, auth)
    except BillectaUnavailable as error:
        return Probe(endpoint, url, Verdict.UNSURE, f"no answer: {error.user_message}")
    verdict, answer = classify(endpoint, response)
    return Probe(endpoint, url, verdict, answer)


def _request(endpoint: Endpoint) -> tuple[str, dict[str, str] | None, Any, str | None]:
    """(url, query, body, Authorization override) of the endpoint's probe."""
    url = endpoint.url(**{name: PROBE_ID for name in endpoint.placeholders})
    body = _body(endpoint) if endpoint.method != "GET" else None
    # Made-up credentials: the login route answers 401 to them, and no real account is tried.
    auth = basic_auth_header("billecta-bot-probe", "not-a-password") if endpoint.name == "authenticate" else None
    return url, _PARAMS.get(endpoint.name), body, auth


def classify(endpoint: Endpoint, response: httpx.Response) -> tuple[Verdict, str]:
    status, message = response.status_code, _message(response)
    quoted = f": {message}" if message else ""
    if status == 404:
        if message is None or message.lower().startswith(ROUTE_MISSING):
            return Verdict.WRONG, "404 no such route"
        return Verdict.ROUTED, "404 no such record"
    if status == 405:
        return Verdict.WRONG, f"405 the path does not take {endpoint.method}"
    if status == 501:
        return Verdict.WRONG, f"501 not implemented{quoted}"
    if status == 401:
        if endpoint.name == "authenticate":
            return Verdict.ROUTED, "401 refused made-up credentials, as it should"
        return Verdict.ROUTED, f"401 refused access{quoted}"
    if response.is_success:
        if endpoint.method != "GET" and not endpoint.reads:
            return Verdict.UNSURE, f"{status}: accepted a write on an id that does not exist; check it in Billecta"
        return Verdict.ROUTED, str(status)
    if status == 429 or status >= 500:
        return Verdict.UNSURE, f"{status}: Billecta could not answer now; run the check again"
    return Verdict.ROUTED, f"{status} refused{quoted}"


def _body(endpoint: Endpoint) -> Any:
    body = {name: PROBE_ID for name in _BODY_IDS}
    return [body] if endpoint.name in _LIST_BODIES else body


def _message(response: httpx.Response) -> str | None:
    """Billecta's error Message, shortened; None when the reply is not Billecta's JSON."""
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        return None
    message = data.get("Message") if isinstance(data, dict) else None
    if not isinstance(message, str) or not message.strip():
        return None
    text = " ".join(message.replace(PROBE_ID, "<made-up id>").split())
    return text if len(text) <= 90 else text[:89] + "…"
