"""When to retry a Billecta call, and how long to wait first.

A failed exchange is classified once (`Failure`): whether trying again can help, and whether the
request may already have been applied (which matters for writes Billecta cannot de-duplicate).
Waits use exponential backoff with full jitter, or the server's own Retry-After.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

# 429: over the rate limit, refused before any processing; it has touched no data.
REFUSED_STATUSES = frozenset({429})
# A gateway error, or a 503 (which a server or proxy can answer after the work was done and only the
# reply failed), means the request may have been applied: worth retrying, but a write Billecta cannot
# de-duplicate is looked up first.
GATEWAY_STATUSES = frozenset({502, 503, 504})
# These exceptions are raised before the request left this machine.
NOT_SENT_ERRORS: tuple[type[httpx.HTTPError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


@dataclass(frozen=True)
class Failure:
    """One failed exchange: `retryable` if trying again may help, `maybe_applied` if it may have
    been applied anyway, `retry_after` seconds the server asked us to wait (if it said), and the
    error response if there was one."""

    detail: str
    retryable: bool
    maybe_applied: bool
    retry_after: float | None = None
    response: httpx.Response | None = None

    @classmethod
    def of_response(cls, response: httpx.Response) -> Failure:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        detail = f"HTTP {status}"
        if status in REFUSED_STATUSES:
            return cls(detail, retryable=True, maybe_applied=False, retry_after=retry_after, response=response)
        if status in GATEWAY_STATUSES:
            return cls(detail, retryable=True, maybe_applied=True, retry_after=retry_after, response=response)
        # Any other 5xx: Billecta failed while handling it; a 4xx: it refused it.
        return cls(detail, retryable=False, maybe_applied=status >= 500, response=response)

    @classmethod
    def of_exception(cls, exc: httpx.HTTPError) -> Failure:
        if isinstance(exc, NOT_SENT_ERRORS):
            return cls("could not connect", retryable=True, maybe_applied=False)
        if isinstance(exc, httpx.TimeoutException):
            return cls("timed out", retryable=True, maybe_applied=True)
        if isinstance(exc, httpx.TransportError):
            return cls("connection lost", retryable=True, maybe_applied=True)
        return cls("unexpected response", retryable=False, maybe_applied=True)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**(n-1)))."""

    base: float = 0.5
    cap: float = 20.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return self.rng.uniform(0, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); seconds to wait."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
