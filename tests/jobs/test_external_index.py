"""A large upsert job lists what Billecta holds by external id once (bot.services.known) instead of looking
each new record up, and still never makes a second copy of an external id."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest

from bot import commands as registry
from bot.billecta.client import BillectaClient
from bot.billecta.models import DebtorView, ProductView
from bot.commands import Command
from bot.errors import BillectaUnavailable
from bot.jobs import ItemStatus, JobQueue, JobStatus
from bot.runtime import Runtime
from bot.sandbox import DEMO, Sandbox
from bot.services import known
from bot.services.articles import upsert_article
from bot.services.debtors import index_debtors, upsert_debtor

from .conftest import ADMIN, FAST_RETRIES, ORDER, ROWS, run_command, selection_of

NEW = range(20, 50)  # 30 records new to Billecta: more than known.INDEX_THRESHOLD


class CountingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.seen = inner, Counter[tuple[str, str]]()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen[(request.method, request.url.path.rsplit("/", 1)[0])] += 1
        return self.inner.handle_request(request)


@pytest.fixture()
def counted(rt: Runtime, sandbox: Sandbox) -> Iterator[tuple[Runtime, Counter[tuple[str, str]]]]:
    counting = CountingTransport(sandbox.transport())
    client = BillectaClient(httpx.Client(base_url=rt.settings.base_url, transport=counting), token="sandbox",
                            creditor_id=sandbox.creditor_id, concurrency=4, sleep=lambda _: None)
    yield replace(rt, billecta=client), counting.seen
    client.close()


def _external_ids(rt: Runtime) -> Counter[str | None]:
    return Counter(view.debtor_external_id for view in rt.billecta.list_debtors())


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_large_debtor_upsert_lists_billectas_debtors_once_instead_of_looking_each_up(
        counted: tuple[Runtime, Counter[tuple[str, str]]]) -> None:
    rt, seen = counted
    for debtor_id in "12345":  # a fresh store against an account that already holds debtors 1-5
        rt.store.update("debtor", int(debtor_id), {"billecta_id": None, "sync_status": "changed"})
    rt.store.upsert_records("debtor", [{"id": i, "name": f"New {i} AB"} for i in NEW])
    job = run_command(rt, "debtor upsert", "1-5", "20-49")
    assert job.ok and job.succeeded == 35
    assert seen[("GET", "/v1/debtors/debtors")] == 1 and seen[("GET", "/v1/debtors/debtorbyexternalid")] == 0
    assert seen[("POST", "/v1/debtors")] == 30  # only the new ones are created
    assert all(count == 1 for count in _external_ids(rt).values())
    assert [rt.store.get("debtor", int(i))["billecta_id"] for i in "12345"] == [DEMO.debtors[i] for i in "12345"]


def test_a_large_article_upsert_lists_billectas_products_once(
        counted: tuple[Runtime, Counter[tuple[str, str]]]) -> None:
    rt, seen = counted
    rt.store.update("article", 2, {"billecta_id": None, "sync_status": "changed"})
    rt.store.upsert_records("article", [{"id": i, "name": f"Service {i}", "unit_price": "100.00"} for i in NEW])
    assert run_command(rt, "article upsert", "2", "20-49").ok
    assert seen[("GET", "/v1/products/products")] == 1 and seen[("GET", "/v1/products/productbyexternalid")] == 0
    assert seen[("POST", "/v1/products")] == 30
    assert rt.store.get("article", 2)["billecta_id"] == DEMO.products["2"]
    assert all(count == 1 for count in Counter(p.product_external_id for p in rt.billecta.list_products()).values())


def test_a_small_job_looks_each_new_record_up_rather_than_listing_the_account(
        counted: tuple[Runtime, Counter[tuple[str, str]]]) -> None:
    rt, seen = counted
    rt.store.upsert_records("debtor", [{"id": i, "name": f"New {i} AB"} for i in range(20, 20 + known.INDEX_THRESHOLD)])
    assert run_command(rt, "debtor upsert", "20-39").ok
    assert seen[("GET", "/v1/debtors/debtors")] == 0
    assert seen[("GET", "/v1/debtors/debtorbyexternalid")] == known.INDEX_THRESHOLD


def test_a_debtor_created_in_billecta_after_the_listing_is_found_once_the_index_is_listed_again(rt: Runtime) -> None:
    clock = Clock()
    index = known.ExternalIndex("debtor", lambda _: ((v.debtor_external_id, v.debtor_public_id)
                                                   for v in rt.billecta.list_debtors()), clock=clock)
    rt.store.upsert_records("debtor", [{"id": 40, "name": "Portal AB"}])
    made_elsewhere = rt.billecta.create_debtor(DebtorView(name="Portal AB", debtor_external_id="40"))
    clock.now = known.MAX_AGE_SECONDS  # a long job: the listing has aged
    with known.using(index):
        result = upsert_debtor(rt, "40")
    assert result.message == "updated" and result.billecta_id == made_elsewhere
    assert index.listings == 2 and _external_ids(rt)["40"] == 1


def test_an_item_that_may_have_reached_billecta_looks_itself_up_whatever_the_index_says(rt: Runtime) -> None:
    index = known.ExternalIndex("debtor", lambda _: ((v.debtor_external_id, v.debtor_public_id)
                                                   for v in rt.billecta.list_debtors()))
    rt.store.upsert_records("debtor", [{"id": 41, "name": "Lost Reply AB"}])
    # The first attempt's create went through after the listing, and its reply was lost (or the process died).
    created = rt.billecta.create_debtor(DebtorView(name="Lost Reply AB", debtor_external_id="41"))
    assert index.billecta_id("41") is None
    with known.using(index):
        result = upsert_debtor(rt, "41", resumed=True)
    assert result.message == "updated" and result.billecta_id == created and _external_ids(rt)["41"] == 1


def test_a_product_deleted_since_the_listing_is_looked_up_and_created_once(rt: Runtime) -> None:
    rt.store.upsert_records("article", [{"id": 42, "name": "Gone", "unit_price": "10.00"}])
    first = rt.billecta.create_product(ProductView(description="Gone", product_external_id="42", unit_price=10))
    index = known.ExternalIndex("article", lambda _: ((p.product_external_id, p.product_public_id)
                                                    for p in rt.billecta.list_products()))
    rt.billecta.delete_product(first)  # deleted in Billecta's portal while the job runs
    with known.using(index):
        result = upsert_article(rt, "42")
    assert result.message == "created" and result.billecta_id != first
    assert [p.product_external_id for p in rt.billecta.list_products()].count("42") == 1


def test_an_external_id_billecta_holds_twice_is_refused_by_name_in_a_large_job(
        counted: tuple[Runtime, Counter[tuple[str, str]]]) -> None:
    rt, seen = counted
    rt.billecta.create_debtor(DebtorView(name="Nordic Café AB (copy)", debtor_external_id="2"))  # an old duplicate
    rt.store.update("debtor", 2, {"billecta_id": None, "sync_status": "changed"})
    rt.store.upsert_records("debtor", [{"id": i, "name": f"New {i} AB"} for i in NEW])
    job = run_command(rt, "debtor upsert", "2", "20-49")
    assert job.status is JobStatus.PARTLY_REFUSED and (job.succeeded, job.refused) == (30, 1)
    refused = [item for item in JobQueue(rt).items(job.id) if item.status is ItemStatus.REFUSED]
    assert "several debtors share the external id '2'" in (refused[0].error or "")
    assert _external_ids(rt)["2"] == 2  # no third copy
    assert seen[("GET", "/v1/debtors/debtorbyexternalid")] == 1  # only the ambiguous one was looked up


def test_workers_finding_the_index_aged_list_it_again_once() -> None:
    clock = Clock()
    index = known.ExternalIndex("debtor", lambda _: [("1", "B1")], clock=clock)
    clock.now = known.MAX_AGE_SECONDS + 1
    start = threading.Barrier(8)
    answers: list[object] = []

    def ask() -> None:
        start.wait()
        answers.append(index.billecta_id("1"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert answers == ["B1"] * 8 and index.listings == 2


def test_creates_whose_replies_are_lost_in_a_large_job_exist_once(rt: Runtime, sandbox: Sandbox) -> None:
    rt.store.upsert_records("debtor", [{"id": i, "name": f"New {i} AB"} for i in NEW])
    sandbox.set_faults(lose_reply_rate=0.5)  # applied, then answered 503: the index cannot know of these
    job = run_command(rt, "debtor upsert", "20-49")
    sandbox.set_faults(lose_reply_rate=0)
    assert job.ok and job.succeeded == 30
    counts = _external_ids(rt)
    assert all(counts[str(i)] == 1 for i in NEW)
    assert all(rt.store.get("debtor", i)["billecta_id"] for i in NEW)


def test_a_large_order_upsert_finds_its_drafts_from_one_listing_per_debtor(
        counted: tuple[Runtime, Counter[tuple[str, str]]]) -> None:
    rt, seen = counted
    orders = range(101, 126)
    rt.store.upsert_records("order", [{**ORDER, "id": i} for i in orders])
    rt.store.upsert_records("orderrow", [{**ROWS[1], "id": i, "order_id": i} for i in orders])
    assert run_command(rt, "order upsert", "101-125").ok
    drafts = {i: rt.store.get("order", i)["billecta_id"] for i in orders}
    for i in orders:  # a store rebuilt: Billecta holds the drafts, the store does not know them
        rt.store.update("order", i, {"billecta_id": None, "sync_status": "changed"})
    seen.clear()
    job = run_command(rt, "order upsert", "101-125")
    assert job.ok and {i: rt.store.get("order", i)["billecta_id"] for i in orders} == drafts
    assert seen[("GET", "/v1/invoice/openbydebtor")] == 1 and seen[("POST", "/v1/invoice")] == 0
    references = [rt.billecta.get_invoice(row.action_public_id).external_reference
                  for row in rt.billecta.open_invoices_by_debtor(DEMO.debtors["2"])]
    assert all(references.count(f"order:{i}") == 1 for i in orders)


def _queue_with_index(rt: Runtime, index: Callable[[Runtime], known.ExternalIndex]) -> JobQueue:
    def find(record_type: str, verb: str) -> Command:
        command = registry.find(record_type, verb)
        return replace(command, spec=replace(command.job, index=index)) if command.name == "debtor upsert" else command
    return JobQueue(rt, policy=FAST_RETRIES, commands=find)


def test_when_listing_fails_the_job_looks_each_record_up(counted: tuple[Runtime, Counter[tuple[str, str]]]) -> None:
    rt, seen = counted

    def failing(_: Runtime) -> known.ExternalIndex:
        raise BillectaUnavailable("HTTP 503")

    rt.store.upsert_records("debtor", [{"id": i, "name": f"New {i} AB"} for i in NEW])
    queue = _queue_with_index(rt, failing)
    job = queue.run_job(queue.submit(selection_of([str(i) for i in NEW]), ADMIN, hold=True))
    assert job.ok and seen[("GET", "/v1/debtors/debtorbyexternalid")] == 30
    assert all(count == 1 for count in _external_ids(rt).values())


def test_an_item_left_running_by_a_crash_is_looked_up_though_the_index_says_absent(rt: Runtime) -> None:
    rt.store.upsert_records("debtor", [{"id": i, "name": f"New {i} AB"} for i in NEW])

    def index_then_lost_create(runtime: Runtime) -> known.ExternalIndex:
        index = index_debtors(runtime)
        # The killed process's create of debtor 20 reaches Billecta only now: the listing cannot know of it.
        runtime.billecta.create_debtor(DebtorView(name="New 20 AB", debtor_external_id="20"))
        return index

    queue = _queue_with_index(rt, index_then_lost_create)
    job_id = queue.submit(selection_of([str(i) for i in NEW]), ADMIN, hold=True)
    with rt.store.lock:  # what a SIGKILL during debtor 20's create leaves behind
        rt.store.db.execute("UPDATE job_item SET status = 'running', attempts = 1 "
                            "WHERE job_id = ? AND record_id = '20'", [job_id])
    job = queue.run_job(job_id)
    assert job.ok and job.succeeded == 30 and _external_ids(rt)["20"] == 1
    item = next(item for item in queue.items(job_id) if item.record_id == "20")
    assert item.message == "updated"
