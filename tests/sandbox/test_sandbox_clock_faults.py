"""The sandbox clock (due dates, automation, scheduled events) and injected faults."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.billecta.dates import parse_datetime
from bot.sandbox import Sandbox
from bot.sandbox.seed import DEMO

from .helpers import Api, auth, client_for


def test_clock_endpoints_and_offset(h: Api) -> None:
    before = h.ok("GET", "/_sandbox/clock")
    assert before["OffsetDays"] == 0
    after = h.ok("POST", "/_sandbox/clock", json={"Days": 3})
    assert after["OffsetDays"] == 3
    assert (parse_datetime(after["Now"]) - parse_datetime(before["Now"])).days == 3
    assert (h.sb.now() - parse_datetime(before["Now"])) >= timedelta(days=3)
    assert "Days" in h.refused("POST", "/_sandbox/clock", json={"Days": -1})
    with pytest.raises(ValueError):
        h.sb.advance_days(-1)


def test_scheduled_event_then_due_date_passing(h: Api) -> None:
    view = h.invoice(DEMO["open"])
    scheduled = [e for e in view["Events"] if not e["HasOccured"]]
    assert len(scheduled) == 1 and scheduled[0]["EventType"] == "OriginalInvoiceDue"
    assert scheduled[0]["EventDate"] == view["State"]["NextEventDate"]
    assert parse_datetime(scheduled[0]["EventDate"]) > h.sb.now()
    assert h.invoice(DEMO["open"])["Events"][-1]["EventPublicId"] == scheduled[0]["EventPublicId"], "stable id"
    assert not h.invoice(DEMO["open"])["CanSendManualReminderInvoice"]
    h.sb.advance_days(21)
    view = h.invoice(DEMO["open"])
    assert view["Events"][-1]["EventType"] == "OriginalInvoiceDue" and view["Events"][-1]["HasOccured"]
    assert view["State"]["NextEvent"] is None and view["CanSendManualReminderInvoice"]


def test_automatic_reminders_skip_paused_and_disputed_invoices(h: Api) -> None:
    config = h.ok("GET", f"/v1/creditors/defaultactionconfig/{h.cid}")
    h.ok("PUT", "/v1/creditors/defaultactionconfig", json={**config, "SendReminderInvoice": True,
                                                           "SendReminderInvoiceDaysAfterDueDate": 3})
    overdue = h.invoice(DEMO["overdue"])
    assert overdue["State"]["NextEvent"] == "A reminder will be sent"
    assert [e["EventType"] for e in overdue["Events"] if not e["HasOccured"]] == ["WillSendReminderInvoice"]
    h.sb.advance_days(15)
    overdue = h.invoice(DEMO["overdue"])
    assert overdue["State"]["Stage"] == "ReminderInvoiceSent"
    assert overdue["CurrentAmount"]["Value"] == 431_250 + 6000
    reminder_event = next(e for e in overdue["Events"] if e["EventType"] == "ReminderInvoiceSent")
    assert reminder_event["EventBy"] == "Billecta"
    for role in ("paused", "disputed"):
        view = h.invoice(DEMO[role])
        assert view["State"]["Stage"] == "InvoiceSent" and view["ReminderInvoiceActionPublicId"] is None, role


def test_automatic_debt_collection_from_invoice_settings(h: Api) -> None:
    due = str(h.sb.now().date() + timedelta(days=5))
    aid = h.new_invoice(debtor_ext="5", DueDate=due, DebtCollectionDetails={
        "SendToDebtCollection": True, "DaysDelayAfterDueDate": 10, "NumberOfReminders": 0, "PaymentTermsInDays": 10})
    assert h.get(aid)["State"]["NextEvent"] == "Invoice due"
    h.sb.advance_days(10)
    assert h.get(aid)["State"]["NextEvent"] == "The invoice will be sent to debt collection"
    h.sb.advance_days(10)
    view = h.get(aid)
    assert view["State"]["Stage"] == "SentToDebtCollection"
    assert h.case(view["DebtCollectionActionPublicId"])["State"]["Stage"] == "DebtCollectionInvoiceSent"


def test_fail_next_and_retry_after(demo: Sandbox) -> None:
    with client_for(demo) as client:
        demo.inject_faults(fail_next=2, status=503)
        statuses = [client.get("/v1/creditors/creditors").status_code for _ in range(3)]
        assert statuses == [503, 503, 200]
        demo.inject_faults(fail_next=1, status=429, retry_after=7)
        assert client.get("/_sandbox/clock").status_code == 200, "sandbox controls are never faulted"
        response = client.get("/v1/creditors/creditors")
        assert response.status_code == 429 and response.headers["Retry-After"] == "7"
        assert response.json()["ExternalErrorCode"] is None
        client.post("/_sandbox/faults", json={"FailNext": 1, "Status": 500})
        assert client.get("/v1/creditors/creditors").status_code == 500
        assert client.get("/v1/creditors/creditors").status_code == 200


def test_fail_rate_and_rate_limit(demo: Sandbox) -> None:
    with client_for(demo) as client:
        demo.set_faults(fail_rate=1.0)
        assert client.get("/v1/creditors/creditors").status_code == 503
        demo.set_faults(fail_rate=0.0, rate_limit=3)
        statuses = [client.get("/v1/creditors/creditors") for _ in range(4)]
        assert [r.status_code for r in statuses] == [200, 200, 200, 429]
        assert statuses[-1].headers["Retry-After"] == "1"
        settings = client.post("/_sandbox/faults", json={"RateLimit": None, "LatencyMs": 0}).json()
        assert settings["RateLimit"] is None
        assert client.get("/v1/creditors/creditors").status_code == 200
        assert client.post("/_sandbox/faults", json={"FailRate": 2}).status_code == 400


def test_latency_overlaps_across_threads(demo: Sandbox) -> None:
    demo.set_faults(latency_ms=150)
    with client_for(demo) as client:
        started = time.monotonic()
        assert client.get("/v1/creditors/creditors").status_code == 200
        assert time.monotonic() - started >= 0.15
        threads = [threading.Thread(target=client.get, args=(f"/v1/invoice/open/{demo.creditor_id}",))
                   for _ in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert time.monotonic() - started < 0.6, "latency is slept outside the state lock"


def test_lost_replies_apply_the_write_then_answer_503(demo: Sandbox) -> None:
    with client_for(demo) as client:
        settings = client.post("/_sandbox/faults", json={"LoseNextReplies": 1}).json()
        assert settings["LoseNextReplies"] == 1 and settings["LoseReplyMode"] == "503"
        assert client.get("/v1/creditors/creditors").status_code == 200, "reads never lose their reply"
        refused = client.post("/v1/debtors/debtor", json={"CreditorPublicId": demo.creditor_id, "Name": ""})
        assert refused.status_code == 400, "a refused write changed nothing and keeps its answer"
        body = {"CreditorPublicId": demo.creditor_id, "Name": "Lost AB", "DebtorExternalId": "lost-1"}
        lost = client.post("/v1/debtors/debtor", json=body)
        assert lost.status_code == 503 and lost.json()["Message"]
        found = client.get(f"/v1/debtors/debtorbyexternalid/{demo.creditor_id}", params={"externalid": "lost-1"})
        assert found.status_code == 200 and found.json()["Name"] == "Lost AB"  # applied all the same
        assert client.post("/v1/debtors/debtor", json={**body, "DebtorExternalId": "lost-2"}).status_code == 200


def test_lost_replies_can_drop_the_connection_and_follow_a_rate(demo: Sandbox) -> None:
    with client_for(demo) as client:
        client.post("/_sandbox/faults", json={"LoseNextReplies": 1, "LoseReplyMode": "drop"})
        aid = client.get(f"/v1/invoice/actionbyinvoicenumber/{demo.creditor_id}",
                         params={"invoiceNumber": "1001"}).json()["ActionPublicId"]
        with pytest.raises(httpx.RemoteProtocolError):
            client.put(f"/v1/invoice/pause/{aid}")
        assert client.get(f"/v1/invoice/action/{aid}").json()["State"]["IsPaused"] is True
        client.post("/_sandbox/faults", json={"LoseReplyRate": 1.0, "LoseReplyMode": "503"})
        assert client.put(f"/v1/invoice/resume/{aid}").status_code == 503
        assert client.get(f"/v1/invoice/action/{aid}").json()["State"]["IsPaused"] is False
        for bad in ({"LoseReplyRate": 1.5}, {"LoseReplyMode": "sometimes"}, {"LoseNextReplies": -1}):
            assert client.post("/_sandbox/faults", json=bad).status_code == 400, bad
        assert client.post("/_sandbox/faults", json={"LoseReplyRate": 0}).json()["LoseReplyRate"] == 0.0


def test_the_sandbox_command_serves_with_lost_replies(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bot.cli", "sandbox", "--port", "0", "--db", str(tmp_path / "sb.db"),
               "--seed", "empty", "--lose-reply-rate", "0.3", "--lose-reply-mode", "drop"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split(" on ", 1)[1].split(" ", 1)[0]
        with httpx.Client(base_url=url, headers=auth()) as client:
            settings = client.get("/_sandbox/faults").json()
    finally:
        server.terminate()
        server.wait(10)
    assert settings["LoseReplyRate"] == 0.3 and settings["LoseReplyMode"] == "drop"


def test_a_mistyped_fault_setting_is_refused_not_ignored(demo: Sandbox) -> None:
    with pytest.raises(ValueError, match="lose_nxt"):
        demo.set_faults(lose_nxt=1)
