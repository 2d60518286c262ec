"""The embedded sandbox's demo data mirrored into the store (bot.demo), and targets the store does not
know yet resolved in Billecta (bot.services.mirror)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.demo import link_demo
from bot.errors import NotFound
from bot.runtime import Runtime, build_runtime
from bot.sandbox import DEMO, Sandbox, SandboxTransport
from bot.services.mirror import resolve
from bot.store import Store, SyncStatus


def demo_runtime(tmp_path: Path, store: Store | None = None) -> Runtime:
    rt = build_runtime(Settings(_env_file=None, billecta_bot_db=tmp_path / "bot.db"),  # type: ignore[call-arg]
                       store=store)
    link_demo(rt)
    return rt


@pytest.fixture()
def requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every request the Billecta client sends to the embedded sandbox, as 'METHOD path'."""
    sent: list[str] = []
    handle = SandboxTransport.handle_request

    def counted(self: SandboxTransport, request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return handle(self, request)

    monkeypatch.setattr(SandboxTransport, "handle_request", counted)
    return sent


def test_building_a_runtime_sends_nothing_to_billecta(tmp_path: Path, requests: list[str]) -> None:
    """A constructor without a network side effect: the demo is linked by the explicit step after it."""
    rt = build_runtime(Settings(_env_file=None, billecta_bot_db=tmp_path / "bot.db"))  # type: ignore[call-arg]
    try:
        assert requests == []
        assert rt.store.find_by("invoice", "invoice_number", DEMO["open"]) is None
        link_demo(rt)
        assert requests and rt.store.find_by("invoice", "invoice_number", DEMO["open"]) is not None
        sent = len(requests)
        link_demo(rt)  # once per sandbox: the next command's step asks Billecta nothing
        assert len(requests) == sent
    finally:
        rt.close()


def test_an_empty_sandbox_has_no_demo_to_link(tmp_path: Path, requests: list[str]) -> None:
    rt = build_runtime(Settings(_env_file=None, billecta_bot_db=tmp_path / "bot.db"),  # type: ignore[call-arg]
                       seed="empty")
    try:
        link_demo(rt)
        assert requests == [] and rt.store.rows("invoice") == []
    finally:
        rt.close()


def test_the_demo_draft_is_an_order_with_its_rows(tmp_path: Path) -> None:
    rt = demo_runtime(tmp_path)
    try:
        draft = rt.billecta.find_invoice_by_number(DEMO["draft"])
        assert draft is not None
        order = rt.store.require("order", 1010)
        assert (order["debtor_id"], order["billecta_id"], order["sync_status"]) == (3, draft.action_public_id,
                                                                                      SyncStatus.SYNCED)
        assert order["payment_terms_days"] == 30 and order["delivery_method"] == "Email"
        rows = rt.store.rows("orderrow", "order_id = 1010", order_by="id")
        assert [(r["id"], r["article_id"], r["quantity"], r["unit_price"], r["description"]) for r in rows] == [
            (101001, 1, "4", "1150.00", None), (101002, 2, "1", "2490.00", None)]
        assert rt.store.ids("order", changed_only=True) == []
    finally:
        rt.close()


def test_an_order_imported_before_the_demo_is_linked_and_marked_changed(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    store.upsert_records("debtor", [{"id": 2, "name": "Nordic Café AB"}])
    store.upsert_records("order", [{"id": 1010, "debtor_id": 2, "order_date": "2026-01-02"}])
    rt = demo_runtime(tmp_path, store)
    try:
        order = store.require("order", 1010)
        assert order["billecta_id"] and order["sync_status"] == SyncStatus.CHANGED and order["debtor_id"] == 2
        assert store.rows("orderrow", "order_id = 1010") == []
    finally:
        rt.close()
        store.close()


@pytest.fixture()
def bare() -> Iterator[Runtime]:
    """The demo sandbox with an empty store: every record is one the store does not know yet."""
    sandbox = Sandbox(":memory:", seed="demo")
    rt = build_runtime(Settings(_env_file=None), store=Store(":memory:"),  # type: ignore[call-arg]
                       transport=sandbox.transport())
    yield rt
    rt.close()
    sandbox.close()


def test_a_debt_collection_case_is_found_by_its_invoice_number_in_billecta(bare: Runtime) -> None:
    case = resolve(bare, "debtcollection", DEMO["in_debt_collection"])
    assert case["invoice_number"] == "1007" and case["stage"] == "ReadyForBailiff"
    invoice = bare.store.find_by("invoice", "invoice_number", "1007")
    assert invoice is not None and invoice["debt_collection_action_public_id"] == case["action_public_id"]
    assert resolve(bare, "debtcollection", case["action_public_id"])["id"] == case["id"]


def test_an_invoice_without_a_case_is_no_case(bare: Runtime) -> None:
    with pytest.raises(NotFound, match="no debt-collection case 1001"):
        resolve(bare, "debtcollection", DEMO["open"])
    with pytest.raises(NotFound, match="no debt-collection case 424242"):
        resolve(bare, "debtcollection", "424242")
