"""Every bulk command end to end: the job queue, the real services and store, the demo sandbox."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.billecta.models import DebtorView
from bot.errors import NotAllowed
from bot.jobs import ItemStatus, JobQueue, JobStatus
from bot.money import format_amount
from bot.roles import Actor, Role
from bot.runtime import Runtime
from bot.sandbox import DEMO, Sandbox
from bot.services.debtors import upsert_debtor
from bot.services.orders import upsert_order

from .conftest import ADMIN, FAST_RETRIES, ORDER, ROWS, add_orders, run_command, selection_of


def test_article_delete_refuses_an_article_in_use_with_billectas_reason_and_deletes_the_rest(rt: Runtime) -> None:
    rt.store.upsert_records("article", [{"id": 10, "name": "Unused gadget", "unit_price": "10.00"}])
    assert run_command(rt, "article upsert", "10").ok
    job = run_command(rt, "article delete", "1", "10")
    assert job.status is JobStatus.PARTLY_REFUSED and (job.succeeded, job.failed, job.refused) == (1, 0, 1)
    failed = JobQueue(rt).items(job.id, "refused")[0]
    assert failed.record_id == "1" and failed.error == (
        "Billecta refused: The product is used on an invoice and cannot be deleted.")
    assert rt.billecta.find_product_by_external_id("10") is None
    assert rt.billecta.find_product_by_external_id("1") is not None
    gone, kept = rt.store.get("article", 10), rt.store.get("article", 1)
    assert gone is not None and gone["sync_status"] == "deleted" and gone["name"] == "Unused gadget"
    assert kept is not None and kept["sync_status"] == "failed" and "used on an invoice" in kept["last_error"]


def test_anonymize_clears_personal_data_in_billecta_and_in_the_store_keeping_ids(rt: Runtime) -> None:
    before = rt.store.get("debtor", 1)
    assert before is not None
    job = run_command(rt, "debtor anonymize", "1")
    assert job.ok
    view = rt.billecta.get_debtor(before["billecta_id"])
    assert view.name == "Anonymized debtor 1" and view.debtor_external_id == "1"
    assert not any([view.org_no, view.email, view.phone, view.address, view.zip_code, view.city,
                    view.contact_name])
    after = rt.store.get("debtor", 1)
    assert after is not None and after["sync_status"] == "anonymized"
    assert after["billecta_id"] == before["billecta_id"] and after["name"] == "Anonymized debtor 1"
    assert not any(after[column] for column in ("org_no", "email", "phone", "address", "zip_code", "city"))
    invoices = rt.store.rows("invoice", "debtor_public_id = ?", [before["billecta_id"]])
    assert invoices and {row["debtor_name"] for row in invoices} == {"Anonymized debtor 1"}
    assert not any(row["raw"] for row in invoices)  # the whole views kept for forms held the address too
    assert "Anna" not in JobQueue(rt).items(job.id)[0].label
    assert rt.billecta.open_invoices_by_debtor(before["billecta_id"])  # invoices stay linked


def test_anonymize_is_for_admins_only(rt: Runtime) -> None:
    operator = Actor(id="U0OP", role=Role.OPERATOR, source="slack")
    with pytest.raises(NotAllowed):
        run_command(rt, "debtor anonymize", "1", actor=operator)


def test_order_upsert_makes_a_draft_then_updates_it(rt: Runtime) -> None:
    add_orders(rt)
    job = run_command(rt, "order upsert", "1")
    assert job.ok
    order = rt.store.get("order", 1)
    assert order is not None and order["sync_status"] == "synced"
    draft = rt.billecta.get_invoice(order["billecta_id"])
    assert str(draft.state.stage) == "Created" and draft.external_reference == "order:1"
    assert draft.due_date is not None and draft.due_date.date().isoformat() == "2026-03-21"
    consulting, setup = draft.records
    assert consulting.article_number == "A-100" and consulting.unit_price is not None
    assert consulting.unit_price.amount == Decimal("1150.00") and consulting.quantity == 2
    assert consulting.product_public_id == DEMO.products["1"]
    assert setup.article_description == "Fixed-price setup" and setup.vat == 12
    rt.store.upsert_records("orderrow", [{**ROWS[0], "quantity": "3"}])
    rt.store.upsert_records("order", [{**ORDER, "your_reference": "PO 4712"}])
    assert JobQueue(rt).items(run_command(rt, "order upsert", "1").id)[0].message == "draft updated"
    again = rt.billecta.get_invoice(order["billecta_id"])
    assert again.your_reference == "PO 4712" and again.records[0].quantity == 3


def test_attest_puts_the_invoice_in_the_store_and_the_order_can_no_longer_change(rt: Runtime) -> None:
    add_orders(rt)
    run_command(rt, "order upsert", "1")
    job = run_command(rt, "order attest", "1")
    assert job.ok
    booked = 2 * 115000 * 125 // 100 + 50000 * 112 // 100
    assert job.moved_text == f"Booked {format_amount(booked, 'SEK')} on 1 order", job.summary
    order = rt.store.get("order", 1)
    assert order is not None
    invoice = rt.store.find_by("invoice", "action_public_id", order["billecta_id"])
    assert invoice is not None and invoice["order_id"] == 1 and invoice["invoice_number"]
    assert invoice["stage"] in ("Attested", "InvoiceSent")
    assert invoice["invoiced_amount"] == 2 * 115000 * 125 // 100 + 50000 * 112 // 100
    locked = run_command(rt, "order upsert", "1")
    assert locked.status is JobStatus.REFUSED
    reason = JobQueue(rt).items(locked.id)[0].error or ""
    assert "already attested" in reason and "cannot be changed" in reason


def test_upsert_attest_attests_only_after_a_successful_upsert(rt: Runtime) -> None:
    add_orders(rt)
    job = run_command(rt, "order upsert-attest", "2", "3")
    assert job.status is JobStatus.PARTLY_REFUSED
    two, three = JobQueue(rt).items(job.id)
    assert two.status is ItemStatus.SUCCEEDED and "attested as invoice" in (two.message or "")
    assert (two.message or "").endswith("\u00a0kr)")  # the amount it was attested for
    assert three.status is ItemStatus.REFUSED and "no unit price" in (three.error or "")
    assert rt.store.find_by("invoice", "order_id", 2) is not None
    assert rt.store.find_by("invoice", "order_id", 3) is None
    debtor = rt.store.get("debtor", 2)
    assert debtor is not None
    references = [rt.billecta.get_invoice(row.action_public_id).external_reference
                  for row in rt.billecta.open_invoices_by_debtor(debtor["billecta_id"])]
    assert "order:3" not in references


def test_a_resumed_order_upsert_finds_its_draft_by_reference_instead_of_creating_another(rt: Runtime) -> None:
    add_orders(rt)
    run_command(rt, "order upsert", "1")
    order = rt.store.get("order", 1)
    assert order is not None
    rt.store.update("order", 1, {"billecta_id": None})  # as if the process died before recording it
    result = upsert_order(rt, "1", resumed=True)
    assert result.billecta_id == order["billecta_id"] and result.message == "draft updated"


def test_credit_credits_what_remains_and_refuses_closed_invoices(rt: Runtime) -> None:
    job = run_command(rt, "invoice credit", DEMO["open"], DEMO["completed"])
    assert job.status is JobStatus.PARTLY_REFUSED and not job.incident
    credited, refused = JobQueue(rt).items(job.id)
    assert refused.status is ItemStatus.REFUSED and refused.error_kind == "refusal"
    assert credited.status is ItemStatus.SUCCEEDED
    assert credited.message == "credited 1\u00a0250,00\u00a0kr · now completed"
    assert refused.error == f"invoice {DEMO['completed']} is completed; a closed invoice cannot be credited."
    row = rt.store.find_by("invoice", "invoice_number", DEMO["open"])
    assert row is not None and row["current_amount"] == 0 and row["credited_amount"] == 125000
    assert row["stage"] == "Completed"
    # the result states the money done: only what succeeded counts
    assert job.moved == {"SEK": 125000} and job.summary.endswith("; credited 1\u00a0250,00\u00a0kr on 1 invoice")


def test_creditor_update_pushes_details_and_default_settings(rt: Runtime) -> None:
    rt.store.upsert_records("creditor", [{"id": 1, "name": "Demo Bygg & Co AB", "reminder_fee": "75.00",
                                          "payment_terms_days": 15, "delivery_method": "Mail"}])
    job = run_command(rt, "creditor update", "1")
    assert job.ok and job.total == 1
    assert rt.billecta.get_creditor().name == "Demo Bygg & Co AB"
    config = rt.billecta.get_default_config()
    assert config.reminder_invoice_fee == Decimal("75")
    assert config.invoice_payment_terms_in_days == 15 and str(config.delivery_method) == "Mail"
    assert config.interest_percentage == Decimal("8")  # a setting the bot does not manage is kept


def test_transient_faults_are_retried_by_the_job(rt: Runtime, sandbox: Sandbox) -> None:
    rt.store.upsert_records("debtor", [{"id": 6, "name": "Flaky Fastigheter AB"}])
    sandbox.inject_faults(fail_next=7)  # more than the client's own 5 attempts
    job = run_command(rt, "debtor upsert", "6")
    assert job.ok
    item = JobQueue(rt).items(job.id)[0]
    assert item.attempts == 2
    assert [d.debtor_external_id for d in rt.billecta.list_debtors()].count("6") == 1


def test_changed_selects_records_changed_since_their_last_sync(rt: Runtime) -> None:
    rt.store.upsert_records("debtor", [{**(rt.store.get("debtor", 2) or {}), "city": "Malmö"},
                                       {"id": 6, "name": "New Debtor AB"}])
    job = run_command(rt, "debtor upsert", "--changed")
    assert job.ok and [item.record_id for item in JobQueue(rt).items(job.id)] == ["2", "6"]
    assert job.targets == "--changed"
    assert rt.store.ids("debtor", changed_only=True) == []


def _an_hour_passes(rt: Runtime) -> None:
    """Times have one-second resolution: move what happened so far an hour back, before the edits that follow."""
    earlier = "datetime({0}, '-1 hour') || '+00:00'"
    rt.store.db.execute(f"UPDATE [order] SET updated_at = {earlier.format('updated_at')}, "
                        f"last_synced_at = {earlier.format('last_synced_at')}")
    rt.store.db.execute(f"UPDATE orderrow SET updated_at = {earlier.format('updated_at')}")


def test_changed_selects_orders_whose_rows_changed_since_the_orders_last_sync(rt: Runtime) -> None:
    add_orders(rt)
    assert run_command(rt, "order upsert", "1", "2").ok
    _an_hour_passes(rt)
    rt.store.upsert_records("orderrow", [{**ROWS[0], "quantity": "5"}])  # a row of order 1 edited
    job = run_command(rt, "order upsert", "--changed")
    assert [item.record_id for item in JobQueue(rt).items(job.id)] == ["1", "3"]  # 3 never synced (no price)
    order = rt.store.get("order", 1)
    assert order is not None and order["sync_status"] == "synced"
    assert rt.billecta.get_invoice(order["billecta_id"]).records[0].quantity == 5
    rt.store.upsert_records("orderrow", [{"id": 9, "order_id": 2, "article_id": 1, "quantity": "1"}])  # a new row
    job = run_command(rt, "order upsert", "--changed")
    assert [item.record_id for item in JobQueue(rt).items(job.id)] == ["2", "3"]


def test_a_row_edited_while_its_order_is_pushed_leaves_the_order_changed(rt: Runtime) -> None:
    add_orders(rt)
    client = rt.billecta
    create = client.create_invoice

    def create_while_a_row_is_edited(entry: Any) -> str:
        rt.store.upsert_records("orderrow", [{**ROWS[1], "quantity": "4"}])
        return create(entry)

    client.create_invoice = create_while_a_row_is_edited  # type: ignore[method-assign]
    assert upsert_order(rt, "1").message == "draft created"
    order = rt.store.get("order", 1)
    assert order is not None and order["sync_status"] == "changed"


def test_a_retried_upsert_attest_of_an_order_edited_after_attesting_still_says_it_cannot_change(
        rt: Runtime, sandbox: Sandbox) -> None:
    add_orders(rt)
    assert run_command(rt, "order upsert-attest", "1").ok
    rt.store.upsert_records("order", [{**ORDER, "your_reference": "PO 9999"}])
    sandbox.inject_faults(fail_next=7)  # the first attempt fails transiently; the job retries it as resumed
    job = run_command(rt, "order upsert-attest", "1")
    item = JobQueue(rt).items(job.id)[0]
    assert item.attempts == 2
    assert job.status is JobStatus.REFUSED and "already attested" in (item.error or "")


def test_anonymize_erases_a_debtor_never_synced_in_the_store_alone(rt: Runtime) -> None:
    rt.store.upsert_records("debtor", [{"id": 6, "name": "Karin Lindqvist", "email": "karin@example.se"}])
    queue = JobQueue(rt, policy=FAST_RETRIES)
    job = queue.run_job(queue.submit(selection_of(["6"], "debtor anonymize"), ADMIN, hold=True))
    assert job.ok and "Billecta has no such debtor" in (queue.items(job.id)[0].message or "")
    row = rt.store.get("debtor", 6)
    assert row is not None and (row["name"], row["email"], row["sync_status"]) == (
        "Anonymized debtor 6", None, "anonymized")
    assert rt.billecta.find_debtor_by_external_id("6") is None  # nothing was created to anonymize it


def test_anonymize_finds_a_debtor_whose_create_reply_was_lost(rt: Runtime) -> None:
    rt.store.upsert_records("debtor", [{"id": 6, "name": "Karin Lindqvist", "email": "karin@example.se"}])
    upsert_debtor(rt, "6")
    rt.store.update("debtor", 6, {"billecta_id": None, "sync_status": "new"})  # as if the reply was lost
    queue = JobQueue(rt, policy=FAST_RETRIES)
    assert queue.run_job(queue.submit(selection_of(["6"], "debtor anonymize"), ADMIN, hold=True)).ok
    view = rt.billecta.find_debtor_by_external_id("6")
    assert view is not None and view.name == "Anonymized debtor 6" and view.email is None
    row = rt.store.get("debtor", 6)
    assert row is not None and row["billecta_id"] == view.debtor_public_id


def test_anonymize_can_be_asked_for_a_debtor_never_synced(rt: Runtime) -> None:
    rt.store.upsert_records("debtor", [{"id": 6, "name": "Karin Lindqvist"}])
    assert run_command(rt, "debtor anonymize", "6").ok


def test_an_anonymized_debtor_stays_anonymized(rt: Runtime) -> None:
    assert run_command(rt, "debtor anonymize", "4").ok
    run_command(rt, "debtor upsert", "4")
    row = rt.store.get("debtor", 4)
    assert row is not None and row["sync_status"] == "anonymized"


def test_anonymize_also_erases_the_debtors_name_on_mirrored_payments_and_its_cached_events(rt: Runtime) -> None:
    debtor = rt.store.get("debtor", 1)
    assert debtor is not None
    rt.store.mirror("payment", "billecta_id", {"billecta_id": "p-1", "kind": "unhandled", "state": "Unhandled",
                                               "sender_name": "Anna Andersson", "amount": 100,
                                               "debtor_public_id": debtor["billecta_id"]})
    rt.store.replace_events("debtor", debtor["billecta_id"], [{"title": "Reminder sent to anna@example.se"}])
    assert run_command(rt, "debtor anonymize", "1").ok
    payment = rt.store.find_by("payment", "billecta_id", "p-1")
    assert payment is not None and payment["sender_name"] == "Anonymized debtor 1"
    assert rt.store.count("event", "object_type = 'debtor' AND object_key = ?", [debtor["billecta_id"]]) == 0


def test_a_record_whose_interrupted_attempt_was_cancelled_is_looked_up_not_created_again(rt: Runtime) -> None:
    rt.store.upsert_records("debtor", [{"id": 6, "name": "Karin Lindqvist"}])
    queue = JobQueue(rt, policy=FAST_RETRIES)
    job_id = queue.submit(selection_of(["6"]), ADMIN, hold=True)
    queue.table.mark_running(queue.items(job_id)[0].id)
    upsert_debtor(rt, "6")  # the call reached Billecta, but the process died before the reply was recorded
    rt.store.update("debtor", 6, {"billecta_id": None, "sync_status": "new"})
    rt.store.db.execute("UPDATE job SET status = 'running', owner = 'elsewhere:1:dead', heartbeat_at = 0 "
                        "WHERE id = ?", [job_id])
    assert JobQueue(rt).cancel(job_id, ADMIN).status is JobStatus.CANCELLED
    job = run_command(rt, "debtor upsert", "--changed")
    assert job.ok and queue.items(job.id)[0].message == "updated"
    assert [debtor.debtor_external_id for debtor in rt.billecta.list_debtors()].count("6") == 1


class CountingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.seen = inner, Counter[tuple[str, str]]()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen[(request.method, request.url.path.rsplit("/", 1)[0])] += 1
        return self.inner.handle_request(request)


def test_only_records_without_a_billecta_id_are_looked_up_by_external_id(rt: Runtime, sandbox: Sandbox) -> None:
    counting = CountingTransport(sandbox.transport())
    client = BillectaClient(httpx.Client(base_url=rt.settings.base_url, transport=counting), token="sandbox",
                            creditor_id=sandbox.creditor_id, sleep=lambda _: None)
    counted = replace(rt, billecta=client)
    counted.store.upsert_records("debtor", [{"id": i, "name": f"New {i} AB"} for i in (20, 21, 22)])
    assert run_command(counted, "debtor upsert", "1-5", "20-22").ok  # 1-5 are linked to the demo's debtors
    lookups = counting.seen[("GET", "/v1/debtors/debtorbyexternalid")]
    assert lookups == 3 and counting.seen[("POST", "/v1/debtors")] == 3
    assert counting.seen[("GET", "/v1/debtors/debtor")] == 5 and counting.seen[("PUT", "/v1/debtors")] == 5
    client.close()


def test_an_article_upsert_links_the_product_billecta_has_instead_of_copying_it(rt: Runtime) -> None:
    rt.store.update("article", 2, {"billecta_id": None, "sync_status": "changed"})  # e.g. a store rebuilt
    assert run_command(rt, "article upsert", "2").ok
    assert rt.store.get("article", 2)["billecta_id"] == DEMO.products["2"]
    assert [p.product_external_id for p in rt.billecta.list_products()].count("2") == 1


def test_an_order_upsert_links_the_draft_billecta_has_and_skips_other_orders_drafts(rt: Runtime) -> None:
    add_orders(rt)
    assert run_command(rt, "order upsert", "1", "2").ok
    first = rt.store.get("order", 1)["billecta_id"]
    rt.store.update("order", 1, {"billecta_id": None, "sync_status": "changed"})
    assert run_command(rt, "order upsert", "1").ok
    assert rt.store.get("order", 1)["billecta_id"] == first
    drafts = [row for row in rt.billecta.open_invoices_by_debtor(DEMO.debtors["2"]) if row.stage.value == "Created"]
    assert len(drafts) == 2  # orders 1 and 2, no copy


def test_a_debtor_billecta_holds_twice_is_refused_by_name_not_copied_a_third_time(rt: Runtime) -> None:
    rt.billecta.create_debtor(DebtorView(name="Nordic Café AB (copy)", debtor_external_id="2"))  # an old duplicate
    rt.store.update("debtor", 2, {"billecta_id": None, "sync_status": "changed"})
    job = run_command(rt, "debtor upsert", "2")
    assert job.status is JobStatus.REFUSED  # Billecta's answer (HTTP 400): a person has to merge the copies
    assert "several debtors share the external id '2'" in (JobQueue(rt).items(job.id)[0].error or "")
    assert [d.debtor_external_id for d in rt.billecta.list_debtors()].count("2") == 2
