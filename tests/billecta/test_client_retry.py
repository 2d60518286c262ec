"""Retries: what is retried, how long the client waits, and the concurrency limit shared by threads."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import httpx
import pytest

from bot.billecta.retry import Backoff, parse_retry_after
from bot.errors import BillectaRateLimited, BillectaUnavailable

from .fake_billecta import AID, FakeBillecta, Sleeps, error, invoice_json, json_reply, make_client

INVOICE = f"/v1/invoice/action/{AID}"
OK = json_reply(invoice_json())


def test_429_waits_exactly_as_long_as_retry_after_says() -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(429, "Too many", **{"Retry-After": "3"}),
                             error(429, **{"Retry-After": "1.5"}), OK)
    sleeps = Sleeps()
    assert make_client(fake, sleep=sleeps).get_invoice(AID).action_public_id == AID
    assert sleeps == [3.0, 1.5]
    assert len(fake.requests) == 3


def test_429_without_retry_after_backs_off() -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(429), OK)
    sleeps = Sleeps()
    make_client(fake, sleep=sleeps, backoff_base=0.5).get_invoice(AID)
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.5


def test_a_retry_after_longer_than_the_cap_is_handed_to_the_caller() -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(429, **{"Retry-After": "120"}), OK)
    sleeps = Sleeps()
    with pytest.raises(BillectaRateLimited) as caught:
        make_client(fake, sleep=sleeps, backoff_cap=20).get_invoice(AID)
    assert caught.value.retry_after == 120
    assert sleeps == [] and len(fake.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [error(502), error(503), error(504), httpx.ConnectError("refused"), httpx.ReadTimeout("slow"),
     httpx.RemoteProtocolError("dropped")],
    ids=["502", "503", "504", "connect-error", "read-timeout", "connection-dropped"],
)
def test_transient_failures_are_retried_with_capped_exponential_backoff(failure: object) -> None:
    fake = FakeBillecta().on("GET", INVOICE, failure, failure, failure, failure, OK)  # type: ignore[arg-type]
    sleeps = Sleeps()
    client = make_client(fake, sleep=sleeps, backoff_base=0.5, backoff_cap=2.0)
    assert client.get_invoice(AID).action_public_id == AID
    assert len(fake.requests) == 5
    ceilings = [0.5, 1.0, 2.0, 2.0]
    assert len(sleeps) == 4
    assert all(0 <= wait <= ceiling for wait, ceiling in zip(sleeps, ceilings, strict=True)), sleeps


def test_full_jitter_spreads_the_waits() -> None:
    backoff = Backoff(base=1.0, cap=8.0)
    waits = [backoff.delay(4) for _ in range(200)]
    assert max(waits) <= 8.0 and min(waits) >= 0
    assert max(waits) - min(waits) > 4  # not a fixed delay


@pytest.mark.parametrize("max_attempts", [1, 3, 5])
def test_giving_up_after_max_attempts_is_unavailable(max_attempts: int) -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(503))
    sleeps = Sleeps()
    with pytest.raises(BillectaUnavailable, match="HTTP 503") as caught:
        make_client(fake, sleep=sleeps, max_attempts=max_attempts).get_invoice(AID)
    assert caught.value.transient
    assert len(fake.requests) == max_attempts
    assert len(sleeps) == max_attempts - 1


def test_a_dead_connection_is_unavailable_after_the_retries() -> None:
    fake = FakeBillecta().on("GET", INVOICE, httpx.ConnectError("Name or service not known"))
    with pytest.raises(BillectaUnavailable, match="could not connect"):
        make_client(fake, max_attempts=2).get_invoice(AID)


def test_a_postpone_not_applied_is_retried_after_looking() -> None:
    # Sent again after it was applied, Billecta would refuse it (the date is no longer after the next
    # event's), so each failure that may have applied it is looked up before the retry.
    before = invoice_json(State={"Stage": "InvoiceSent", "NextEventDate": "2026-12-20 00:00:00+01:00"})
    fake = (FakeBillecta()
            .on("PUT", f"/v1/invoice/postpone/{AID}", httpx.ReadTimeout("slow"), error(504), error(503),
                httpx.Response(204))
            .on("GET", INVOICE, json_reply(before)))
    make_client(fake).postpone_invoice(AID, datetime(2026, 12, 24).date())
    assert [r.method for r in fake.requests] == ["PUT", "GET", "PUT", "GET", "PUT", "GET", "PUT"]


def test_a_postpone_whose_reply_was_lost_is_looked_up_not_sent_again() -> None:
    moved = invoice_json(State={"Stage": "InvoiceSent", "NextEventDate": "2026-12-24 00:00:00+01:00"})
    fake = (FakeBillecta()
            .on("PUT", f"/v1/invoice/postpone/{AID}", error(503),
                error(400, "The new date must be after the next event's date (2026-12-24)."))
            .on("GET", INVOICE, json_reply(moved)))
    make_client(fake).postpone_invoice(AID, datetime(2026, 12, 24).date())  # no refusal: the first did it
    assert len(fake.calls("PUT")) == 1


def test_a_state_action_whose_reply_was_lost_is_looked_up_not_sent_again() -> None:
    paused = invoice_json(State={"Stage": "InvoiceSent", "IsPaused": True})
    fake = (FakeBillecta()
            .on("PUT", f"/v1/invoice/pause/{AID}", error(503), error(400, "The invoice is already paused."))
            .on("GET", INVOICE, json_reply(paused)))
    make_client(fake).pause_invoice(AID)  # no "already paused": the first attempt did it
    assert len(fake.calls("PUT")) == 1


def test_a_state_action_not_applied_is_sent_again_after_looking() -> None:
    fake = (FakeBillecta()
            .on("PUT", f"/v1/invoice/attest/{AID}", httpx.ReadTimeout("slow"), httpx.Response(204))
            .on("GET", INVOICE, json_reply(invoice_json(State={"Stage": "Created"}))))
    make_client(fake).attest_invoice(AID)
    assert [r.method for r in fake.requests] == ["PUT", "GET", "PUT"]


def test_a_delete_whose_reply_was_lost_is_done_when_the_retry_finds_nothing() -> None:
    fake = FakeBillecta().on("DELETE", f"/v1/invoice/action/{AID}", error(503), error(404, "No such invoice"))
    make_client(fake).delete_invoice(AID)
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("5", 5.0), ("0.25", 0.25), ("-3", 0.0), ("Wed, 25 Nov 2026 12:00:30 GMT", 30.0), ("soon", None), (None, None)],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=datetime(2026, 11, 25, 12, 0, tzinfo=UTC)) == seconds


class InFlight:
    """A handler that holds each request briefly and records the most requests in flight at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.02)
        with self._lock:
            self.now -= 1
        return httpx.Response(200, json=[])


def test_the_concurrency_limit_is_shared_by_all_threads() -> None:
    in_flight = InFlight()
    client = make_client(in_flight, concurrency=3)
    threads = [threading.Thread(target=client.currencies) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert in_flight.most == 3


def test_no_slot_is_held_while_waiting_to_retry() -> None:
    fake = FakeBillecta().on("GET", INVOICE, error(503), OK).on("GET", "/v1/common/currencies", json_reply([]))
    finished = threading.Event()

    def other_call() -> None:
        client.currencies()
        finished.set()

    def sleep(_: float) -> None:
        # Another thread's call must get the only slot while this one waits.
        worker = threading.Thread(target=other_call)
        worker.start()
        worker.join(timeout=2)

    client = make_client(fake, concurrency=1, sleep=sleep)
    client.get_invoice(AID)
    assert finished.is_set()
