"""The index's listing reads two fields per row of a list reply without holding the rows themselves, and a
reply's body is freed as soon as it has been read, not at the next full garbage collection."""

from __future__ import annotations

import gc
import json
import tracemalloc
import weakref
from collections.abc import Iterator

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.billecta.transport import read_pairs
from bot.errors import BillectaUnavailable
from bot.sandbox import Sandbox
from bot.sandbox.shapes import complete


def _debtors(count: int) -> bytes:
    rows = [complete("DebtorView", {"Name": f"Debtor {i} AB", "City": "Lund", "DebtorExternalId": str(i),
                                    "DebtorPublicId": f"guid-{i}", "CreditorPublicId": "creditor"})
            for i in range(count)]
    return json.dumps(rows).encode()


def test_pairs_come_from_each_top_level_row_not_from_its_nested_objects() -> None:
    body = json.dumps([{"DebtorExternalId": "7", "DebtorPublicId": "a", "Address": {"DebtorPublicId": "nested"}},
                       {"DebtorPublicId": "b", "Contacts": [{"DebtorExternalId": "nested"}]},
                       {"DebtorExternalId": 8, "DebtorPublicId": None}]).encode()
    pairs = read_pairs(httpx.Response(200, content=body), "DebtorExternalId", "DebtorPublicId")
    assert pairs == [("7", "a"), (None, "b"), ("8", None)]


@pytest.mark.parametrize("body", [b'{"DebtorPublicId": "a"}', b'[{"DebtorPublicId": "a"}, 3]', b"[{", b""])
def test_a_reply_that_is_not_a_list_of_objects_is_unexpected(body: bytes) -> None:
    with pytest.raises(BillectaUnavailable):
        read_pairs(httpx.Response(200, content=body), "DebtorExternalId", "DebtorPublicId")


def test_a_large_listing_never_holds_every_row_at_once() -> None:
    # A full dict per debtor would need about three times the reply's size on top of it; the parse keeps
    # only the reply's text (decoded once) and the pairs.
    body = _debtors(2000)
    response = httpx.Response(200, content=body)
    tracemalloc.start()
    try:
        pairs = read_pairs(response, "DebtorExternalId", "DebtorPublicId")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(pairs) == 2000 and pairs[1999] == ("1999", "guid-1999")
    assert peak < 2 * len(body)


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_reply_is_freed_once_read_without_waiting_for_the_cyclic_collector(gc_off: None) -> None:
    # A listing's body is megabytes: left in a reference cycle, every relisting of a long job stayed in memory.
    replies: list[weakref.ref[httpx.Response]] = []
    with Sandbox(":memory:", seed="demo") as sandbox:
        http = httpx.Client(base_url="http://sandbox.billecta.invalid", transport=sandbox.transport(),
                            event_hooks={"response": [lambda response: replies.append(weakref.ref(response))]})
        with BillectaClient(http, token="sandbox", creditor_id=sandbox.creditor_id) as client:
            assert client.debtor_external_ids() and client.list_products()
            assert len(replies) == 2 and all(reply() is None for reply in replies)
