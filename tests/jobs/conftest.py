"""Fixtures for the job queue: a real store in a temp file, fake services for the queue's own mechanics,
and the in-process Billecta sandbox for the bulk commands end to end."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import commands as registry
from bot.billecta.client import BillectaClient
from bot.billecta.retry import Backoff
from bot.commands import Command
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.errors import BillectaRejected, BillectaUnavailable
from bot.jobs import Job, JobQueue, RetryPolicy
from bot.jobs.selection import job_selection
from bot.roles import Actor, Role
from bot.runner import Selection
from bot.runtime import Runtime
from bot.sandbox import Sandbox
from bot.services import ItemResult
from bot.store import Store
from bot.targets import parse_targets

ADMIN = Actor(id="U0ADMIN", role=Role.ADMIN, source="cli", name="admin")
FAST_RETRIES = RetryPolicy(attempts=3, backoff=Backoff(base=0.001, cap=0.01), sleep=lambda _: None)


@dataclass
class FakeService:
    """A bulk service whose outcome per record id the test decides; it records every call."""

    refuse: set[str] = field(default_factory=set)  # Billecta's rules say no: an answer
    broken: set[str] = field(default_factory=set)  # Billecta stays down for these: a failure to retry
    flaky: dict[str, int] = field(default_factory=dict)  # transient failures before success
    gate: threading.Event | None = None  # when set, each call waits for it
    calls: list[tuple[str, bool]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, rt: Any, record_id: str, *, resumed: bool = False) -> ItemResult:
        with self.lock:
            self.calls.append((record_id, resumed))
            flaky_left = self.flaky.get(record_id, 0)
            if flaky_left:
                self.flaky[record_id] = flaky_left - 1
        if self.gate is not None:
            self.gate.wait(10)
        if record_id in self.refuse:
            raise BillectaRejected(f"record {record_id} is not acceptable")
        if record_id in self.broken:
            raise BillectaUnavailable("HTTP 503")
        if flaky_left:
            raise BillectaUnavailable("HTTP 503")
        return ItemResult(record_id, f"debtor {record_id}", f"bid-{record_id}", "created")

    def called(self, record_id: str) -> list[bool]:
        return [resumed for rid, resumed in self.calls if rid == record_id]


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, billecta_bot_db=tmp_path / "bot.db",  # type: ignore[call-arg]
                    billecta_base_url="http://sandbox.billecta.invalid", **values)


@pytest.fixture()
def fake_rt(tmp_path: Path) -> Iterator[Runtime]:
    store = Store(tmp_path / "bot.db")
    yield Runtime(settings=settings_for(tmp_path, billecta_concurrency=4), store=store,
                  billecta=None)  # type: ignore[arg-type]
    store.close()


@pytest.fixture()
def service() -> FakeService:
    return FakeService()


def lookup_with(service: Callable[..., ItemResult]) -> Callable[[str, str], Command]:
    """The registry, with debtor upsert backed by `service`."""
    def find(record_type: str, verb: str) -> Command:
        command = registry.find(record_type, verb)
        if command.name != "debtor upsert":
            return command
        return replace(command, spec=replace(command.job, service=service))
    return find


@pytest.fixture()
def queue(fake_rt: Runtime, service: FakeService) -> Iterator[JobQueue]:
    q = JobQueue(fake_rt, policy=FAST_RETRIES, commands=lookup_with(service), poll_seconds=0.1)
    yield q
    q.shutdown()


def selection_of(ids: list[str], command: str = "debtor upsert") -> Selection:
    found = registry.find(*command.split())
    return Selection(found, ids, [f"{found.record_type} {i}" for i in ids])


# -- the bulk commands against the in-process sandbox -------------------------------------------
ORDER = {"id": 1, "debtor_id": 2, "order_date": "2026-03-01", "payment_terms_days": 20,
         "our_reference": "Lars", "your_reference": "PO 4711", "delivery_method": "Email", "currency": "SEK"}
ROWS = [{"id": 1, "order_id": 1, "article_id": 1, "quantity": "2"},  # article data as defaults
        {"id": 2, "order_id": 1, "quantity": "1", "unit_price": "500.00", "vat_rate": "12",
         "description": "Fixed-price setup"}]


def add_orders(rt: Runtime) -> None:
    """Orders 1 and 2 of debtor 2 (priced), order 3 whose only row has no price anywhere."""
    rt.store.upsert_records("order", [ORDER, {**ORDER, "id": 2}, {**ORDER, "id": 3}])
    rt.store.upsert_records("orderrow", [*ROWS, {**ROWS[0], "id": 3, "order_id": 2},
                                         {"id": 4, "order_id": 3, "quantity": "1"}])  # no price anywhere


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(":memory:", seed="demo")
    yield box
    box.close()


@pytest.fixture()
def rt(tmp_path: Path, sandbox: Sandbox) -> Iterator[Runtime]:
    """The real services, store and client against the demo sandbox; the client does not sleep between retries."""
    settings = settings_for(tmp_path, billecta_creditor_id=sandbox.creditor_id)
    store = Store(settings.billecta_bot_db)
    http = httpx.Client(base_url=settings.base_url, transport=sandbox.transport())
    client = BillectaClient(http, token="sandbox", creditor_id=sandbox.creditor_id, concurrency=4,
                            sleep=lambda _: None)
    runtime = Runtime(settings=settings, store=store, billecta=client)
    mirror_demo_into_store(runtime)
    yield runtime
    client.close()
    store.close()


def run_command(rt: Runtime, command: str, *targets: str, actor: Actor = ADMIN) -> Job:
    """Select, submit and run a bulk command as the CLI does; returns the settled job."""
    found = registry.find(*command.split())
    queue = JobQueue(rt, policy=FAST_RETRIES)
    spec = parse_targets(list(targets))
    return queue.run_job(queue.submit(job_selection(rt, found, spec), actor, hold=True, targets=spec.describe()))
