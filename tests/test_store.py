"""bot.store: migrations, upserts with sync state, the Billecta mirror, idempotency, transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import NotFound, StoreUnavailable
from bot.store import MIGRATIONS, Store, SyncStatus


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


def article(record_id: int, **values: object) -> dict[str, object]:
    return {"id": record_id, "name": f"Article {record_id}", "unit_price": "100.00", "vat_rate": "25",
            **values}


def test_migrations_are_recorded_and_idempotent_on_reopen(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    first = Store(path)
    assert first.applied_migrations() == [name for name, _ in MIGRATIONS]
    first.upsert_records("article", [article(1)])
    first.close()
    again = Store(path)
    assert again.migrate() == []
    assert again.applied_migrations() == [name for name, _ in MIGRATIONS]
    assert again.count("_migrations") == len(MIGRATIONS)
    assert again.require("article", 1)["name"] == "Article 1"  # data kept across re-open
    again.close()


def test_upsert_reports_created_changed_unchanged(store: Store) -> None:
    first = store.upsert_records("article", [article(1), article(2)])
    assert (first.created, first.changed, first.unchanged) == ([1, 2], [], [])
    second = store.upsert_records("article", [article(1), article(2, unit_price="120.00"), article(3)])
    assert (second.created, second.changed, second.unchanged) == ([3], [2], [1])
    assert store.require("article", 2)["unit_price"] == "120.00"
    assert store.require("article", 2)["sync_status"] == SyncStatus.NEW  # never pushed: still new


def test_edited_synced_record_becomes_changed(store: Store) -> None:
    store.upsert_records("article", [article(1), article(2)])
    store.mark_synced("article", 1, "prod-1")
    store.mark_synced("article", 2, "prod-2")
    assert store.ids("article", changed_only=True) == []
    store.upsert_records("article", [article(1), article(2, name="Renamed")])
    assert store.require("article", 1)["sync_status"] == SyncStatus.SYNCED
    assert store.require("article", 2)["sync_status"] == SyncStatus.CHANGED
    assert store.ids("article", changed_only=True) == [2]
    assert store.ids("article") == [1, 2]


def test_mark_synced_and_mark_failed(store: Store) -> None:
    store.upsert_records("debtor", [{"id": 1, "name": "Anna"}, {"id": 2, "name": "Nordic"}])
    store.mark_failed("debtor", 1, "Billecta refused: bad org no")
    failed = store.require("debtor", 1)
    assert (failed["sync_status"], failed["last_error"], failed["billecta_id"]) == (
        SyncStatus.FAILED, "Billecta refused: bad org no", None)
    store.mark_synced("debtor", 1, "debtor-guid-1")
    synced = store.require("debtor", 1)
    assert (synced["sync_status"], synced["last_error"], synced["billecta_id"]) == (
        SyncStatus.SYNCED, None, "debtor-guid-1")
    assert synced["last_synced_at"]
    assert store.ids("debtor", changed_only=True) == [2]
    store.mark_failed("debtor", 1, "timeout")
    assert store.ids("debtor", changed_only=True) == [1, 2]  # failed ones are retried
    store.upsert_records("debtor", [{"id": 1, "name": "Anna A"}])
    assert store.require("debtor", 1)["sync_status"] == SyncStatus.CHANGED  # failed with a Billecta id


def test_mirror_inserts_then_refreshes_by_key(store: Store) -> None:
    first = store.mirror("invoice", "action_public_id",
                         {"action_public_id": "act-1", "invoice_number": "1001", "stage": "Created",
                          "raw": {"ActionPublicId": "act-1"}})
    assert first["stage"] == "Created"
    assert first["raw"] == '{"ActionPublicId": "act-1"}'
    assert first["sync_status"] == SyncStatus.SYNCED
    again = store.mirror("invoice", "action_public_id",
                         {"action_public_id": "act-1", "invoice_number": "1001", "stage": "InvoiceSent"})
    assert again["id"] == first["id"]
    assert again["stage"] == "InvoiceSent"
    assert store.count("invoice") == 1
    found = store.find_by("invoice", "invoice_number", "1001")
    assert found is not None and found["id"] == first["id"]


def test_idempotency_key_is_claimed_once(store: Store) -> None:
    assert store.claim("slack:T1:trigger-1") is True
    assert store.claim("slack:T1:trigger-1") is False
    assert store.claimed_result("slack:T1:trigger-1") is None
    store.settle("slack:T1:trigger-1", {"job_id": 7})
    assert store.claimed_result("slack:T1:trigger-1") == {"job_id": 7}
    assert store.claim("slack:T1:trigger-2") is True


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.db.execute("INSERT INTO article (id, name) VALUES (1, 'A')")
        raise RuntimeError("boom")
    assert store.count("article") == 0
    with store.transaction():
        store.db.execute("INSERT INTO article (id, name) VALUES (2, 'B')")
    assert store.ids("article") == [2]


def test_upsert_batch_is_all_or_nothing(store: Store) -> None:
    store.upsert_records("debtor", [{"id": 1, "name": "Anna"}])
    with pytest.raises(sqlite3.IntegrityError):
        store.upsert_records("order", [
            {"id": 1, "debtor_id": 1, "order_date": "2025-01-15"},
            {"id": 2, "debtor_id": 99, "order_date": "2025-01-15"},  # no such debtor
        ])
    assert store.count("order") == 0


def test_ids_changed_only(store: Store) -> None:
    store.upsert_records("article", [article(i) for i in (1, 2, 3, 4)])
    store.mark_synced("article", 1, "p1")
    store.mark_synced("article", 2, "p2")
    store.mark_failed("article", 3, "nope")
    assert store.ids("article", changed_only=True) == [3, 4]
    store.upsert_records("article", [article(2, unit_price="1.00")])
    assert store.ids("article", changed_only=True) == [2, 3, 4]


def test_require_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="There is no debtor 5"):
        store.require("debtor", 5)


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    with pytest.raises(StoreUnavailable) as caught:
        Store(junk)
    assert "junk.db" in caught.value.user_message and "BILLECTA_BOT_DB" in caught.value.user_message
