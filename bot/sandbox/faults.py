"""Injected faults for benchmarks and reliability tests: latency (every /v1 response takes at least
`latency_ms`), random 503s, a rate limit (429 with Retry-After) and a deterministic "fail the next N
requests". They apply to the /v1 API only, never to the sandbox's own /_sandbox controls. A faulted
request is not executed.

Lost replies are the other kind: a write (POST, PUT or DELETE on /v1) is executed and committed, and
then its reply is lost, either answered 503 (`LoseReplyMode` "503") or cut off mid-response ("drop").
`lose_reply_rate` loses that fraction of successful writes; `lose_next` the next N deterministically.
That is the case a client must settle by looking, since sending it again could apply it twice.

`hold()` is a latency fault the caller ends: /v1 requests wait, before they run, until `release()`
(or HOLD_LIMIT_SECONDS), so a test decides when "Billecta" answers and what changed meanwhile.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from typing import Any

from bot.sandbox.errors import ApiError

_MESSAGES = {429: "Too many requests. Try again later.", 503: "The service is temporarily unavailable."}
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
LOSE_MODES = ("503", "drop")
HOLD_LIMIT_SECONDS = 30.0
_SETTINGS = frozenset({"latency_ms", "fail_rate", "rate_limit", "lose_reply_rate", "lose_reply_mode", "lose_next"})


class ReplyLost(Exception):
    """The request was applied; its reply must not reach the client (`mode` says how it is lost)."""

    def __init__(self, mode: str) -> None:
        super().__init__(f"reply lost ({mode})")
        self.mode = mode


def lost_reply_error() -> ApiError:
    return ApiError(503, _MESSAGES[503])


class Faults:
    def __init__(self, latency_ms: int = 0, fail_rate: float = 0.0, rate_limit: int | None = None,
                 lose_reply_rate: float = 0.0, lose_reply_mode: str = "503") -> None:
        self._lock = threading.Lock()
        self._random = random.Random()
        self._recent: deque[float] = deque()
        self.fail_next, self.fail_status = 0, 503
        self.retry_after: int | None = None
        self.latency_ms, self.fail_rate = 0, 0.0
        self.rate_limit: int | None = None
        self.lose_reply_rate, self.lose_reply_mode, self.lose_next = 0.0, "503", 0
        self._open = threading.Event()
        self._open.set()
        self._waiting = 0
        self.configure(latency_ms=latency_ms, fail_rate=fail_rate, rate_limit=rate_limit,
                       lose_reply_rate=lose_reply_rate, lose_reply_mode=lose_reply_mode)

    def configure(self, **settings: Any) -> None:
        """Change latency_ms, fail_rate (0..1), rate_limit (requests per second, None = off),
        lose_reply_rate (0..1), lose_reply_mode ("503" or "drop") and lose_next (a count)."""
        unknown = set(settings) - _SETTINGS
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            if "latency_ms" in settings:
                self.latency_ms = max(int(settings["latency_ms"] or 0), 0)
            if "fail_rate" in settings:
                self.fail_rate = _fraction(settings["fail_rate"], "fail_rate")
            if "lose_reply_rate" in settings:
                self.lose_reply_rate = _fraction(settings["lose_reply_rate"], "lose_reply_rate")
            if "lose_reply_mode" in settings:
                mode = str(settings["lose_reply_mode"] or "503").lower()
                if mode not in LOSE_MODES:
                    raise ValueError(f"lose_reply_mode must be one of {', '.join(LOSE_MODES)}")
                self.lose_reply_mode = mode
            if "lose_next" in settings:
                count = int(settings["lose_next"] or 0)
                if count < 0:
                    raise ValueError("lose_next cannot be negative")
                self.lose_next = count
            if "rate_limit" in settings:
                limit = settings["rate_limit"]
                self.rate_limit = int(limit) if limit else None

    def inject(self, fail_next: int = 0, status: int = 503, retry_after: int | None = None) -> None:
        """Answer the next `fail_next` requests with `status` (a 429 carries Retry-After when given)."""
        with self._lock:
            self.fail_next, self.fail_status, self.retry_after = max(int(fail_next), 0), int(status), retry_after

    def hold(self) -> None:
        """From now on, /v1 requests wait in `gate()` until `release()`."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    @property
    def waiting(self) -> int:
        """How many requests are held at the gate right now."""
        with self._lock:
            return self._waiting

    def gate(self) -> None:
        """Wait while held (at most HOLD_LIMIT_SECONDS: a forgotten hold slows a test, never hangs it)."""
        if self._open.is_set():
            return
        with self._lock:
            self._waiting += 1
        try:
            self._open.wait(HOLD_LIMIT_SECONDS)
        finally:
            with self._lock:
                self._waiting -= 1

    def check(self) -> None:
        """Raise the fault this request gets, if any."""
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                headers: dict[str, str] = {}
                if self.retry_after is not None:
                    headers["Retry-After"] = str(self.retry_after)
                raise ApiError(self.fail_status, _MESSAGES.get(self.fail_status, "Injected sandbox fault."), headers)
            if self.rate_limit is not None:
                self._limit(time.monotonic())
            if self.fail_rate and self._random.random() < self.fail_rate:
                raise ApiError(503, _MESSAGES[503])

    def lose_reply(self, method: str, status: int) -> None:
        """After a request ran: raise ReplyLost when this applied write is to lose its reply."""
        if method.upper() not in WRITE_METHODS or status >= 400:
            return
        with self._lock:
            if self.lose_next > 0:
                self.lose_next -= 1
            elif not (self.lose_reply_rate and self._random.random() < self.lose_reply_rate):
                return
            mode = self.lose_reply_mode
        raise ReplyLost(mode)

    def _limit(self, now: float) -> None:
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if self.rate_limit is not None and len(self._recent) >= self.rate_limit:
            wait = max(math.ceil(1.0 - (now - self._recent[0])), 1)
            raise ApiError(429, _MESSAGES[429], {"Retry-After": str(wait)})
        self._recent.append(now)

    def delay(self, since: float) -> None:
        """Hold the response until `latency_ms` after the request arrived (`since`, time.monotonic()).
        Called outside the state lock so requests overlap; the sandbox's own work counts towards it,
        so a benchmark sees the configured latency, not latency plus the emulator's processing."""
        if self.latency_ms:
            remaining = self.latency_ms / 1000 - (time.monotonic() - since)
            if remaining > 0:
                time.sleep(remaining)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"FailNext": self.fail_next, "Status": self.fail_status, "RetryAfter": self.retry_after,
                    "LatencyMs": self.latency_ms, "FailRate": self.fail_rate, "RateLimit": self.rate_limit,
                    "LoseReplyRate": self.lose_reply_rate, "LoseReplyMode": self.lose_reply_mode,
                    "LoseNextReplies": self.lose_next}


def _fraction(value: Any, name: str) -> float:
    rate = float(value or 0.0)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1")
    return rate
