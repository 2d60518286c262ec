"""The Sandbox: an offline, stateful emulator of Billecta's REST API (what BILLECTA_ENV=sandbox uses).

`handle()` is the one entry point (the httpx transport and the WSGI app both call it): route by the
client's endpoint table, authenticate, apply injected faults, run the request as one transaction
under the state lock, and sleep any injected latency outside the lock so concurrent requests overlap.
The sandbox's own controls (clock, incoming payments, faults, debt-collection stage, the Swish payer
and answering one Swish request) live under /_sandbox and need the same authentication.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import date, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from bot.billecta.dates import format_datetime, parse_datetime
from bot.config import SANDBOX_TOKEN
from bot.sandbox import (
    automation,
    debtcollection,
    incoming,
    invoice_actions,
    invoice_view,
    invoices,
    parties,
    payments,
    pdf,
    swish,
)
from bot.sandbox import seed as seeds
from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.faults import Faults, ReplyLost, lost_reply_error
from bot.sandbox.router import DENIED, Reply, Request, Router, credentials, error_reply, same, to_reply
from bot.sandbox.shapes import clean_plain
from bot.sandbox.state import Store

log = logging.getLogger(__name__)
HANDLERS = {**parties.HANDLERS, **invoices.HANDLERS, **invoice_view.HANDLERS, **invoice_actions.HANDLERS,
            **debtcollection.HANDLERS, **payments.HANDLERS, **swish.HANDLERS, **pdf.HANDLERS,
            **incoming.HANDLERS}
TOKEN_LIFETIME = timedelta(days=365)


class Sandbox:
    """One emulated Billecta account (its creditor, data and clock) in one SQLite file; thread-safe."""

    def __init__(self, db_path: str | Path = ":memory:", *, token: str = SANDBOX_TOKEN, seed: str | None = None,
                 latency_ms: int = 0, fail_rate: float = 0.0, rate_limit: int | None = None,
                 lose_reply_rate: float = 0.0, lose_reply_mode: str = "503",
                 username: str = "sandbox", password: str = "sandbox") -> None:
        if seed is not None and seed not in seeds.SEEDS:
            raise ValueError(f"unknown seed {seed!r}; use one of {', '.join(seeds.SEEDS)}")
        self._store = Store(db_path)
        self._token, self._username, self._password = token, username, password
        self.faults = Faults(latency_ms=latency_ms, fail_rate=fail_rate, rate_limit=rate_limit,
                             lose_reply_rate=lose_reply_rate, lose_reply_mode=lose_reply_mode)
        self._router = Router({**HANDLERS, "authenticate": self._authenticate})
        self._add_controls()
        self._last_run: date | None = None
        with self._store.transaction():
            if not self._store.find("creditor"):
                seeds.apply(self._store, seed or "empty", self._call)
            self._creditor_id = str(self._store.find("creditor")[0]["CreditorPublicId"])
            self._catch_up()

    # --- public API ----------------------------------------------------------------------------

    @property
    def creditor_id(self) -> str:
        return self._creditor_id

    def now(self) -> datetime:
        """The sandbox clock: real time plus the persisted offset, in Stockholm time."""
        return self._store.now()

    def advance_days(self, days: int) -> None:
        """Move the clock forward; due dates pass and automatic steps that fell due happen."""
        if int(days) < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._store.transaction():
            self._store.set_offset_days(self._store.offset_days + int(days))
            self._last_run = None
            self._catch_up()

    def inject_faults(self, fail_next: int = 0, status: int = 503, retry_after: int | None = None) -> None:
        self.faults.inject(fail_next, status, retry_after)

    def set_faults(self, **settings: Any) -> None:
        """latency_ms=, fail_rate=, rate_limit= (requests per second; None turns it off), lose_reply_rate=,
        lose_reply_mode= ("503" or "drop") and lose_next= (lose the replies of the next N applied writes)."""
        self.faults.configure(**settings)

    def register_incoming_payment(self, amount_minor: int, reference: str, payment_date: date | str | None = None,
                                  sender_name: str | None = None, currency: str = "SEK",
                                  sender: dict[str, Any] | None = None) -> dict[str, Any]:
        """A bank payment arrives: matched by OCR or invoice number, or kept as an unhandled payment
        (`sender`: payments.SENDER_FIELDS, e.g. {"SenderBankgiroNo": "5050-1055"}).
        Returns {Outcome, ActionPublicId, InvoiceNumber, AppliedAmount, UnhandledPaymentPublicId,
        UnhandledAmount}; amounts in minor units."""
        with self._store.transaction():
            self._catch_up()
            when = parse_datetime(payment_date) if payment_date else None
            return payments.register_incoming(self._store, self._creditor_id, int(amount_minor), str(reference),
                                              payment_date=when, sender_name=sender_name, currency=currency,
                                              sender=sender)

    def set_debtcollection_stage(self, action_public_id: str, stage_name: str) -> None:
        with self._store.transaction():
            debtcollection.set_stage(self._store, action_public_id, stage_name)

    def transport(self) -> httpx.BaseTransport:
        return SandboxTransport(self)

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests ------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str] | None = None,
               headers: dict[str, str] | None = None, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        """One HTTP request in, (status, headers, body) out. Raises ReplyLost (after applying the request)
        when an injected lost reply is to drop the connection."""
        started = time.monotonic()
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        query = {k.lower(): v for k, v in (query or {}).items()}
        api = not path.lower().startswith("/_sandbox")
        name = ""
        if api:
            self.faults.gate()  # before the request runs: it sees what changed while it was held
        try:
            name, handler, params = self._router.match(method, path)
            if name != "authenticate" and not self._authorized(headers):
                raise ApiError(401, DENIED)
            if api:
                self.faults.check()
            request = Request(method.upper(), path, params, query, headers, body or b"")
            with self._store.transaction():
                self._catch_up()
                reply = to_reply(handler(self._store, request))
        except ApiError as error:
            reply = error_reply(error)
        except Exception:
            log.exception("sandbox: %s %s failed", method, path)
            reply = error_reply(ApiError(500, "An error has occurred."))
        if api:
            self.faults.delay(since=started)
            if name and name != "authenticate":
                reply = self._maybe_lose(method, reply)
        return reply.status, _headers(reply), reply.body

    def _maybe_lose(self, method: str, reply: Reply) -> Reply:
        """The reply of an applied write, or the 503 that replaces it; a dropped one raises ReplyLost."""
        try:
            self.faults.lose_reply(method, reply.status)
        except ReplyLost as lost:
            log.info("sandbox: %s applied, its reply lost (%s)", method, lost.mode)
            if lost.mode == "drop":
                raise
            return error_reply(lost_reply_error())
        return reply

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        """The same routes as a WSGI application."""
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        headers = {k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        try:
            status, out_headers, content = self.handle(environ["REQUEST_METHOD"], path, query, headers, body)
        except ReplyLost:
            # Promise a body and send none: the server closes the connection mid-response, so the client
            # sees the connection drop after its request was applied.
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "64")])
            return []
        start_response(f"{status} {HTTPStatus(status).phrase}", list(out_headers.items()))
        return [content]

    def _authorized(self, headers: dict[str, str]) -> bool:
        found = credentials(headers)
        if found is None:
            return False
        scheme, value = found
        if scheme == "securetoken":
            return same(value, self._token)
        return scheme == "basic" and same(value, f"{self._username}:{self._password}")

    def _authenticate(self, store: Store, req: Request) -> dict[str, Any]:
        found = credentials(req.headers)
        if found is None or found[0] != "basic" or not same(found[1], f"{self._username}:{self._password}"):
            raise ApiError(401, DENIED)
        return {"Value": self._token, "Expires": format_datetime(store.now() + TOKEN_LIFETIME)}

    def _catch_up(self) -> None:
        """Run the day's automation on the first request of each sandbox day (call with the lock held)."""
        now = self._store.now()
        if self._last_run != now.date():
            automation.run(self._store, now)
            self._last_run = now.date()

    def _call(self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None) -> Any:
        """Run an API operation from inside the sandbox (the demo seed); errors are raised."""
        name, handler, params = self._router.match(method, path)
        raw = b"" if body is None else json.dumps(body).encode("utf-8")
        reply = to_reply(handler(self._store, Request(method, path, params, query or {}, {}, raw)))
        return json.loads(reply.body) if reply.body else None

    # --- /_sandbox controls --------------------------------------------------------------------

    def _add_controls(self) -> None:
        add = self._router.add
        add("POST", "/_sandbox/payments", "sandbox_payment", self._control_payment)
        add("GET", "/_sandbox/clock", "sandbox_clock_get", lambda store, req: self._clock())
        add("POST", "/_sandbox/clock", "sandbox_clock_advance", self._control_clock)
        add("PUT", "/_sandbox/debtcollection/{aid}/stage", "sandbox_stage", self._control_stage)
        add("GET", "/_sandbox/faults", "sandbox_faults_get", lambda store, req: self.faults.snapshot())
        add("POST", "/_sandbox/faults", "sandbox_faults", self._control_faults)
        add("GET", "/_sandbox/swish", "sandbox_swish_payer_get", lambda store, req: swish.payer(store))
        add("POST", "/_sandbox/swish", "sandbox_swish_payer", self._control_swish_payer)
        add("POST", "/_sandbox/swish/{token}", "sandbox_swish_answer", swish.set_status)

    def _clock(self) -> dict[str, Any]:
        return {"Now": format_datetime(self._store.now()), "OffsetDays": self._store.offset_days}

    def _control_payment(self, store: Store, req: Request) -> dict[str, Any]:
        body = clean_plain(req.object(), {k.lower(): k for k in ("Amount", "Reference", "PaymentDate", "SenderName",
                                                                 "Currency", *payments.SENDER_FIELDS)})
        minor, reference = body.get("Amount"), body.get("Reference")
        if not isinstance(minor, int) or isinstance(minor, bool) or not reference:
            raise bad_request("Give Amount (minor units, a whole number) and Reference.")
        try:
            when = parse_datetime(body["PaymentDate"]) if body.get("PaymentDate") else None
        except (TypeError, ValueError):
            raise bad_request("PaymentDate is not a valid date.") from None
        return payments.register_incoming(store, self._creditor_id, minor, str(reference), payment_date=when,
                                          sender_name=body.get("SenderName"), currency=body.get("Currency", "SEK"),
                                          sender={k: str(body[k]) for k in payments.SENDER_FIELDS if body.get(k)})

    def _control_clock(self, store: Store, req: Request) -> dict[str, Any]:
        days = clean_plain(req.object(), {"days": "Days"}).get("Days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise bad_request("Days must be a whole number of zero or more.")
        self.advance_days(days)
        return self._clock()

    def _control_stage(self, store: Store, req: Request) -> None:
        stage = clean_plain(req.object(), {"stage": "Stage"}).get("Stage")
        if not stage:
            raise bad_request("Give the Stage.")
        debtcollection.set_stage(store, req.params["aid"], str(stage))

    def _control_swish_payer(self, store: Store, req: Request) -> dict[str, Any]:
        body = clean_plain(req.object(), {"outcome": "Outcome", "afterpolls": "AfterPolls"}, keep_null=True)
        current = swish.payer(store)
        return swish.set_payer(store, body.get("Outcome", current["Outcome"]),
                               body.get("AfterPolls", current["AfterPolls"]))

    def set_swish_payer(self, outcome: str | None, after_polls: int = 1) -> None:
        """How the simulated payer answers Swish requests: `outcome` (Paid, Declined, Error, Cancelled,
        or None: never) on the `after_polls`-th status read."""
        with self._store.transaction():
            swish.set_payer(self._store, outcome, after_polls)

    def answer_swish(self, token: str, status: str) -> None:
        """Answer one Swish request now, as the payer (or Swish) would."""
        with self._store.transaction():
            doc = self._store.get("swish", token.upper())
            if doc is None:
                raise ValueError(f"no Swish request {token}")
            swish.answered(self._store, doc, status, self._store.now())

    def _control_faults(self, store: Store, req: Request) -> dict[str, Any]:
        settings = (("LatencyMs", "latency_ms"), ("FailRate", "fail_rate"), ("RateLimit", "rate_limit"),
                    ("LoseReplyRate", "lose_reply_rate"), ("LoseReplyMode", "lose_reply_mode"),
                    ("LoseNextReplies", "lose_next"))
        names = ("FailNext", "Status", "RetryAfter", *(name for name, _ in settings))
        body = clean_plain(req.object(), {n.lower(): n for n in names}, keep_null=True)
        try:
            if "FailNext" in body:
                self.faults.inject(body["FailNext"] or 0, body.get("Status") or 503, body.get("RetryAfter"))
            self.faults.configure(**{key: body[name] for name, key in settings if name in body})
        except (TypeError, ValueError) as error:
            raise bad_request(f"Invalid fault settings: {error}.") from None
        return self.faults.snapshot()


def _headers(reply: Reply) -> dict[str, str]:
    if reply.status == 204:
        return dict(reply.headers)
    return {"Content-Type": reply.content_type or "application/json; charset=utf-8",
            "Content-Length": str(len(reply.body)), **reply.headers}


class SandboxTransport(httpx.BaseTransport):
    """In-process httpx transport: httpx.Client(base_url=..., transport=sandbox.transport())."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            status, headers, content = self._sandbox.handle(request.method, request.url.path,
                                                            dict(request.url.params), dict(request.headers),
                                                            request.read())
        except ReplyLost:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                            request=request) from None
        return httpx.Response(status, headers=headers, content=content, request=request)
