"""The HTTP side of the Billecta client: one logical call, with retries, and its reply read into models.

`Transport.request` sends a request built from the endpoint table with the SecureToken header, under
a concurrency limit shared by every thread using the client, retries what is safe to retry, and
turns every failure into one of the bot's `BillectaError`s. A write Billecta cannot de-duplicate is
never re-sent after a failure that may have applied it: a resolver looks the outcome up first.
The token never reaches a log line or an exception message.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from bot.billecta import writes
from bot.billecta.endpoints import Endpoint
from bot.billecta.models import BillectaModel
from bot.billecta.retry import Backoff, Failure
from bot.errors import (
    BillectaAuthFailed,
    BillectaError,
    BillectaNotFound,
    BillectaRateLimited,
    BillectaRejected,
    BillectaUnavailable,
    ConfigError,
    OutcomeUnknown,
)

log = logging.getLogger("bot.billecta")

M = TypeVar("M", bound=BaseModel)
# Answers, after a write's reply was lost, as Billecta would have had the reply arrived;
# None when the write was certainly not applied (so sending it again is safe).
Resolver = Callable[[], httpx.Response | None]


class Transport:
    def __init__(
        self,
        http: httpx.Client,
        *,
        token: str | None,
        concurrency: int,
        max_attempts: int,
        backoff: Backoff,
        sleep: Callable[[float], None],
    ) -> None:
        self._http = http
        self._auth = secure_token_header(token) if token else None
        self._slots = threading.BoundedSemaphore(concurrency)
        self._max_attempts = max(1, max_attempts)
        self._backoff = backoff
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"Transport(base_url={str(self._http.base_url)!r})"

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        endpoint: Endpoint,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        subject: str | None = None,
        auth: str | None = None,
        resolve: Resolver | None = None,
    ) -> httpx.Response:
        """Send until a success, a final failure or `max_attempts`; return the successful response.

        `subject` names what the path points at, for a 404 ("invoice 123"). A write marked `creates`
        in the endpoint table, or any call given a `resolve`, is never re-sent after a failure that
        may have applied it until `resolve` has said it was not applied.
        """
        headers = {"Accept": "application/json", "Authorization": self._authorization(auth)}
        attempt = 0
        sent_before = False  # an earlier attempt may have been applied
        while True:
            attempt += 1
            outcome = self._exchange(endpoint.method, path, params, body, headers, attempt)
            if isinstance(outcome, httpx.Response):
                _note(endpoint, path)
                return outcome
            if sent_before and endpoint.method == "DELETE" and _status(outcome) == 404:
                _note(endpoint, path)  # our earlier attempt deleted it; only its reply was lost
                return reply()
            sent_before = sent_before or outcome.maybe_applied
            last_try = attempt >= self._max_attempts
            if (endpoint.creates or resolve is not None) and outcome.maybe_applied:
                resolved = self._resolve(endpoint, path, attempt, resolve)
                if resolved is not None:
                    _note(endpoint, path)
                    return resolved
                if not outcome.retryable or last_try:
                    raise error_for(outcome, subject)
                continue  # certainly not applied, and _resolve has already waited
            if not outcome.retryable or last_try:
                raise error_for(outcome, subject)
            self._wait(endpoint, path, attempt, outcome)

    def exchange_once(self, method: str, path: str, *, params: dict[str, str] | None = None,
                      body: Any = None, auth: str | None = None) -> httpx.Response:
        """One exchange, its reply returned whatever the status; BillectaUnavailable if none came."""
        headers = {"Accept": "application/json", "Authorization": self._authorization(auth)}
        started = time.monotonic()
        try:
            with self._slots:
                response = self._http.request(method, path, params=params, json=body, headers=headers)
        except httpx.HTTPError as exc:
            _log_exchange(method, path, type(exc).__name__, 1, started)
            raise BillectaUnavailable(Failure.of_exception(exc).detail) from None
        _log_exchange(method, path, response.status_code, 1, started)
        return response

    def _authorization(self, override: str | None) -> str:
        if override:
            return override
        if self._auth is None:
            raise ConfigError("BILLECTA_SECURE_TOKEN is not set, so the bot cannot call Billecta.")
        return self._auth

    def _exchange(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        body: Any,
        headers: dict[str, str],
        attempt: int,
    ) -> httpx.Response | Failure:
        started = time.monotonic()
        try:
            with self._slots:
                response = self._http.request(method, path, params=params, json=body, headers=headers)
            # httpx binds the read body's stream back to its response: a reference cycle that only the
            # cyclic GC frees, so each listing of a large account (megabytes) stayed in memory until a
            # full collection. The stream is spent; a plain one over the same bytes ends the cycle.
            response.stream = httpx.ByteStream(response.content)
        except httpx.HTTPError as exc:
            _log_exchange(method, path, type(exc).__name__, attempt, started)
            return Failure.of_exception(exc)
        _log_exchange(method, path, response.status_code, attempt, started)
        return response if response.is_success else Failure.of_response(response)

    def _wait(self, endpoint: Endpoint, path: str, attempt: int, failure: Failure) -> None:
        delay = failure.retry_after if failure.retry_after is not None else self._backoff.delay(attempt)
        if delay > self._backoff.cap:
            # Billecta asked for a longer pause than we block a worker for: hand it to the caller.
            raise error_for(failure, None)
        log.info(
            "Billecta %s %s failed (%s); retry %d of %d in %.2f s",
            endpoint.method, path, failure.detail, attempt + 1, self._max_attempts, delay,
        )
        self._sleep(delay)

    def _resolve(
        self, endpoint: Endpoint, path: str, attempt: int, resolve: Resolver | None
    ) -> httpx.Response | None:
        if resolve is None:
            raise OutcomeUnknown(f"{endpoint.method} {path}", "Billecta")
        # Give Billecta time to finish a request it may still be processing before looking.
        self._sleep(self._backoff.delay(attempt))
        log.info("Billecta %s %s: reply lost, looking up whether it was applied", endpoint.method, path)
        return resolve()


def _note(endpoint: Endpoint, path: str) -> None:
    if not endpoint.reads:  # a query sent as a PUT changed nothing
        writes.note(endpoint.method, path)


def _status(failure: Failure) -> int | None:
    return failure.response.status_code if failure.response is not None else None


def error_for(failure: Failure, subject: str | None) -> BillectaError:
    """The bot's error for a failed exchange."""
    response = failure.response
    if response is None:
        return BillectaUnavailable(failure.detail)
    status = response.status_code
    if status in (401, 403):
        return BillectaAuthFailed()
    if status == 404:
        return BillectaNotFound(f"Billecta has no {subject}." if subject else "Billecta found nothing there.")
    if status == 429:
        return BillectaRateLimited(failure.retry_after)
    if status >= 500:
        return BillectaUnavailable(failure.detail)
    message, code = _error_body(response)
    return BillectaRejected(message or f"the request was not accepted (HTTP {status})", code)


def _error_body(response: httpx.Response) -> tuple[str | None, str | None]:
    """Billecta's `{"Message": ..., "ExternalErrorCode": ...}`, if that is what came back."""
    try:
        data = response.json()
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    message, code = data.get("Message"), data.get("ExternalErrorCode")
    return (
        message.strip() if isinstance(message, str) and message.strip() else None,
        code if isinstance(code, str) and code else None,
    )


def _log_exchange(method: str, path: str, status: int | str, attempt: int, started: float) -> None:
    elapsed_ms = (time.monotonic() - started) * 1000
    log.debug("Billecta %s %s -> %s (attempt %d, %.0f ms)", method, path, status, attempt, elapsed_ms)


def secure_token_header(token: str) -> str:
    # Billecta wants the SecureToken base64-encoded once more on every call (api.md §1.2).
    return "SecureToken " + base64.b64encode(token.encode()).decode("ascii")


def basic_auth_header(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


# Reading replies --------------------------------------------------------------------------------


def read_model(response: httpx.Response, model: type[M]) -> M:
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError):
        raise BillectaUnavailable("unexpected response") from None


def read_models(response: httpx.Response, model: type[M]) -> list[M]:
    try:
        data = response.json()
        if not isinstance(data, list):
            raise ValueError("not a list")
        return [model.model_validate(item) for item in data]
    except (ValueError, ValidationError):
        raise BillectaUnavailable("unexpected response") from None


def read_pairs(response: httpx.Response, key: str, value: str) -> list[tuple[str | None, str | None]]:
    """Two fields of each row of a list, without building a model per row (an account's every debtor).

    Each object is cut down to those two fields as the parser closes it, so a row's full dict (dozens of
    fields, its key table allocated outside Python's small-object pool) never exists: a listing of a large
    account then leaves little memory behind in the arena of whichever worker thread parsed it.
    """
    wanted = {key, value}

    def only_wanted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        return {name: field for name, field in pairs if name in wanted}

    try:
        data = response.json(object_pairs_hook=only_wanted)
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise ValueError("not a list of objects")
        return [(_text(row.get(key)), _text(row.get(value))) for row in data]
    except ValueError:
        raise BillectaUnavailable("unexpected response") from None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def read_optional(response: httpx.Response, model: type[M]) -> M | None:
    """A model, or None for an empty reply (200 or 204 without a body)."""
    return read_model(response, model) if response.content.strip() else None


def reply(status: int = 204, payload: Any = None) -> httpx.Response:
    """A stand-in for a reply that was lost, built by a resolver that found the write applied."""
    return httpx.Response(status, json=payload) if payload is not None else httpx.Response(status)


def wire_body(body: BillectaModel | Sequence[BillectaModel]) -> Any:
    """The JSON body for a model (or a list of them).

    A field left at its default None is omitted rather than sent as null: Billecta binds a missing
    property to its default, and several schema fields (ids, flags, numbers) do not allow null.
    A None the caller set on purpose is sent, since a null clears the field.
    """
    if isinstance(body, BillectaModel):
        return _prune(body, body.to_wire())
    return [wire_body(item) for item in body]


def _prune(model: BaseModel, wire: dict[str, Any]) -> dict[str, Any]:
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        value = getattr(model, name)
        if value is None and name not in model.model_fields_set:
            wire.pop(key, None)
        elif isinstance(value, BaseModel):
            _prune(value, wire[key])
        elif isinstance(value, list):
            for item, item_wire in zip(value, wire[key], strict=True):
                if isinstance(item, BaseModel):
                    _prune(item, item_wire)
    return wire
