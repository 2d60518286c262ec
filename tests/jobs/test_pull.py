"""The mirror pull against the demo sandbox: what changed outside the bot reaches the notifier, and
records Billecta's lists no longer show are refreshed one by one instead of keeping a stale state."""

from __future__ import annotations

from bot.billecta.models import DebtCollectionFromInvoiceEntryView, DebtorView, PaymentMatchView
from bot.jobs import JobQueue
from bot.jobs.schedules import DEFAULT_PULL, Schedules
from bot.notify import Change, Notifier, describe_change
from bot.runtime import Runtime
from bot.sandbox import DEMO, Sandbox
from bot.services.link import link_billecta
from bot.services.mirror import resolve_invoice
from bot.services.pull import pull

from .conftest import add_orders, run_command


class Changes(Notifier):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def mirror_changes(self, changes: list[Change]) -> None:
        self.seen.extend(describe_change(change) for change in changes)


def _aid(rt: Runtime, role: str) -> str:
    row = rt.store.find_by("invoice", "invoice_number", DEMO[role])
    assert row is not None
    return str(row["action_public_id"])


def test_a_scheduled_pull_tells_the_notifier_what_changed_outside_the_bot(rt: Runtime, sandbox: Sandbox) -> None:
    pull(rt)  # the mirror as of now
    sandbox.register_incoming_payment(35000, "999", sender_name="Okänd AB")
    rt.billecta.dispute_invoice(_aid(rt, "open"))  # in Billecta's portal, say
    rt.billecta.debt_collection_from_invoice(DebtCollectionFromInvoiceEntryView(source_public_id=_aid(rt, "overdue")))
    notifier = Changes()
    schedules = Schedules(rt.store, [DEFAULT_PULL])
    schedules.queue = JobQueue(rt, notifier)
    schedules.fire(DEFAULT_PULL.id)
    assert sorted(notifier.seen) == sorted([
        f"invoice {DEMO['open']} was disputed outside the bot.",
        f"invoice {DEMO['overdue']} was sent to debt collection outside the bot.",
        next(line for line in notifier.seen if line.startswith("payment ")),
    ])
    assert "350,00\u00a0kr from Okänd AB (reference 999)" in " ".join(notifier.seen)
    assert "3 change(s)" in (schedules.state(DEFAULT_PULL.id) or {})["last_outcome"]
    assert pull(rt).changes == []  # told once


def test_payments_handled_outside_the_bot_no_longer_show_as_unhandled(rt: Runtime, sandbox: Sandbox) -> None:
    pull(rt)
    rows = {row["payment_type"]: row for row in rt.store.rows("payment", "state = 'Unhandled'")}
    unmatched, overpayment = rows["UnmatchedPayment"], rows["OverPayment"]
    matched = rt.billecta.match_payments([PaymentMatchView(unhandled_payment_public_id=unmatched["billecta_id"],
                                                           action_public_id=_aid(rt, "open"))])
    assert matched[0].successfull
    rt.billecta.delete_unhandled_payment(overpayment["billecta_id"])
    pull(rt)
    states = {row["billecta_id"]: row["state"] for row in rt.store.rows("payment")}
    assert states[unmatched["billecta_id"]] == "UsedOnInvoice"
    assert states[overpayment["billecta_id"]] == "Deleted"


def test_a_mirrored_draft_deleted_in_billecta_is_marked_gone(rt: Runtime) -> None:
    add_orders(rt)
    assert run_command(rt, "order upsert", "1").ok
    order = rt.store.get("order", 1)
    assert order is not None
    resolve_invoice(rt, order["billecta_id"])  # e.g. looked up from Slack: now in the mirror
    rt.billecta.delete_invoice(order["billecta_id"])
    pull(rt)
    row = rt.store.find_by("invoice", "action_public_id", order["billecta_id"])
    assert row is not None and row["sync_status"] == "deleted"


def test_linking_reports_what_the_store_cannot_key_and_ids_that_clash(rt: Runtime) -> None:
    rt.billecta.create_debtor(DebtorView(name="CRM Only AB", debtor_external_id="crm-9"))
    copy = rt.billecta.create_debtor(DebtorView(name="Nordic Café AB (copy)", debtor_external_id="2"))
    report = link_billecta(rt)
    assert (report.debtors.already, report.debtors.skipped, report.debtors.total) == (5, 1, 0)
    assert report.debtors.conflicts == [
        f"debtor 2 is linked to Billecta {DEMO.debtors['2']}, but Billecta's {copy} also has external id 2."]
    assert rt.store.get("debtor", 2)["billecta_id"] == DEMO.debtors["2"]  # the link already made is kept
    assert "Not linked: debtor 2" in report.describe()
