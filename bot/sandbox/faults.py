"""Injected faults for benchmarks and reliability tests: latency (every /v1 response takes at least
`latency_ms`), random 503s, a rate limit (429 with Retry-After) and a deterministic "fail the next N
requests". They apply to the /v1 API only, never to the sandbox's own /_sandbox controls. A faulted
request is not executed.
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


class Faults:
    def __init__(self, latency_ms: int = 0, fail_rate: float = 0.0, rate_limit: int | None = None) -> None:
        self._lock = threading.Lock()
        self._random = random.Random()
        self._recent: deque[float] = deque()
        self.fail_next, self.fail_status = 0, 503
        self.retry_after: int | None = None
        self.latency_ms, self.fail_rate = 0, 0.0
        self.rate_limit: int | None = None
        self.configure(latency_ms=latency_ms, fail_rate=fail_rate, rate_limit=rate_limit)

    def configure(self, **settings: Any) -> None:
        """Change latency_ms, fail_rate (0..1) and rate_limit (requests per second, None = off)."""
        with self._lock:
            if "latency_ms" in settings:
                self.latency_ms = max(int(settings["latency_ms"] or 0), 0)
            if "fail_rate" in settings:
                rate = float(settings["fail_rate"] or 0.0)
                if not 0.0 <= rate <= 1.0:
                    raise ValueError("fail_rate must be between 0 and 1")
                self.fail_rate = rate
            if "rate_limit" in settings:
                limit = settings["rate_limit"]
                self.rate_limit = int(limit) if limit else None

    def inject(self, fail_next: int = 0, status: int = 503, retry_after: int | None = None) -> None:
        """Answer the next `fail_next` requests with `status` (a 429 carries Retry-After when given)."""
        with self._lock:
            self.fail_next, self.fail_status, self.retry_after = max(int(fail_next), 0), int(status), retry_after

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
                    "LatencyMs": self.latency_ms, "FailRate": self.fail_rate, "RateLimit": self.rate_limit}
