"""What the store keeps so the dialogs' forms can be drawn before Billecta answers (their mirror twins):
the invoice's whole view (read by the pull for open invoices, kept while Billecta's lists agree with it,
dropped once they do not), the debtor balances naming the invoice they came from (source_invoice_number),
and the creditor's default settings as last read or pushed. Real store, demo sandbox."""

from __future__ import annotations

import json

from bot.runtime import Runtime
from bot.sandbox import DEMO, Sandbox
from bot.services import reminders, use_credit
from bot.services.creditor import stored_default_config
from bot.services.mirror import mirror_invoice_row, resolve_invoice, stored_view
from bot.services.pull import pull

from .conftest import run_command


def test_the_pull_keeps_every_open_invoices_whole_view_and_the_settings(rt: Runtime) -> None:
    for role in ("open", "overdue", "paused", "disputed", "in_debt_collection"):
        row = resolve_invoice(rt, DEMO[role])
        view = stored_view(row)
        assert view is not None and view.invoice_number == DEMO[role]
        assert view.current_amount.value == row["current_amount"]
    assert stored_view(resolve_invoice(rt, DEMO["completed"])) is None  # closed: no form to draw
    stored = stored_default_config(rt)
    assert stored is not None and stored[0].reminder_invoice_fee is not None


def test_the_next_pull_reads_again_the_views_it_dropped_or_never_had(rt: Runtime, sandbox: Sandbox) -> None:
    pull(rt)
    assert stored_view(resolve_invoice(rt, DEMO["open"])) is not None
    sandbox.register_incoming_payment(10000, DEMO["overdue"])  # Billecta's list now says less remains
    rt.store.db.execute("UPDATE invoice SET raw = NULL WHERE invoice_number = ?", [DEMO["open"]])
    before = resolve_invoice(rt, DEMO["overdue"])
    pull(rt)
    after = resolve_invoice(rt, DEMO["overdue"])
    view = stored_view(after)
    assert view is not None and view.current_amount.value == after["current_amount"] == before["current_amount"] - 10000
    assert stored_view(resolve_invoice(rt, DEMO["open"])) is not None  # a missing view is read again


def test_a_list_row_that_contradicts_the_view_leaves_the_form_to_billecta(rt: Runtime, sandbox: Sandbox) -> None:
    sandbox.register_incoming_payment(10000, DEMO["overdue"])
    row = resolve_invoice(rt, DEMO["overdue"])
    listed = next(s for s in rt.billecta.open_invoices() if s.action_public_id == row["action_public_id"])
    _, after = mirror_invoice_row(rt, listed)
    assert after["raw"] is None and reminders.prepare_from_mirror(rt, after) is None
    agreeing = next(s for s in rt.billecta.open_invoices() if s.invoice_number == DEMO["open"])
    _, kept = mirror_invoice_row(rt, agreeing)
    assert kept["raw"] is not None


def test_a_creditor_update_keeps_what_it_pushed_for_the_reminder_form(rt: Runtime) -> None:
    rt.store.upsert_records("creditor", [{"id": 1, "name": "Demo Bygg & Co AB", "reminder_fee": "75.00"}])
    assert run_command(rt, "creditor update", "1").ok
    stored = stored_default_config(rt)
    assert stored is not None and str(stored[0].reminder_invoice_fee) in ("75", "75.00", "75.0")
    quick = reminders.prepare_from_mirror(rt, resolve_invoice(rt, DEMO["overdue"]))
    assert quick is not None and quick["fee"] == "75.00"
    assert {k: v for k, v in quick.items() if k != "as_of"} == \
        reminders.prepare(rt, resolve_invoice(rt, DEMO["overdue"]))


def test_a_reminder_form_without_the_stored_settings_loads_from_billecta(rt: Runtime) -> None:
    rt.store.db.execute("DELETE FROM billecta_setting")
    assert reminders.prepare_from_mirror(rt, resolve_invoice(rt, DEMO["overdue"])) is None


def test_debtor_balances_name_their_invoice_so_the_credit_is_known_from_the_store(rt: Runtime) -> None:
    credit = resolve_invoice(rt, DEMO["credit"])
    rows = rt.store.rows("payment", "kind = 'unhandled' AND source_invoice_number = ?", [DEMO["credit"]])
    assert rows and all(r["payment_type"] in ("BalanceFromInvoice", "OverPayment") for r in rows)
    quick = use_credit.prepare_from_mirror(rt, credit)
    assert quick is not None and quick["credit_minor"] == sum(r["amount"] for r in rows)
    rt.store.db.execute("UPDATE payment SET state = 'UsedOnInvoice' WHERE source_invoice_number = ?", [DEMO["credit"]])
    assert use_credit.prepare_from_mirror(rt, credit) is None  # no balance left that the store knows of


def test_a_stored_view_of_an_older_shape_is_read_fresh_instead(rt: Runtime) -> None:
    row = resolve_invoice(rt, DEMO["open"])
    assert stored_view({**row, "raw": json.dumps({"Nonsense": True})}) is None
    assert stored_view({**row, "last_synced_at": None}) is None
