"""A bulk job whose records Billecta's rules refused: an answer in the job's message, not an incident.

Crediting a completed invoice is refused by Billecta's rules; a retry would get the same answer. So the
job's message lists it as refused with the reason, nothing is posted to the alert channel, no "Retry
failed" is offered, and the App Home does not list the job among its failures.
"""

from __future__ import annotations

from dataclasses import replace

from blocks import notices
from blocks.ids import ActionId, BlockId
from bot.jobs import ItemStatus, Job, JobItem, JobStatus
from bot.sandbox.seed import DEMO

from .conftest import Stack
from .payloads import CHANNEL, field, find_element


def _typed_job(stack: Stack, text: str, count: int) -> str:
    """Run a dangerous bulk command from Slack: the confirmation, the typed count, the job."""
    reply, url = stack.client.command(text, user="UADMIN")
    assert reply.status == 200
    stack.settle()
    opener = find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_TYPED_OPEN)
    stack.client.click_message(opener, user="UADMIN", response_url=url)
    stack.settle()
    view_id = stack.fake.calls("views.update", ok=True)[-1].args["view_id"]
    typed = field(BlockId.TYPED_COUNT, ActionId.TYPED_COUNT, "plain_text_input", str(count))
    assert stack.client.submit(view_id, typed, user="UADMIN").json["response_action"] == "update"
    stack.settle()
    return view_id


def _job_message(stack: Stack, job_id: int) -> dict:
    ref = stack.rt.store.find_by("slack_message", "ref", f"job:{job_id}")
    assert ref is not None
    edits = [c.args for c in stack.fake.calls("chat.update", ok=True) if c.args["ts"] == ref["ts"]]
    return edits[-1] if edits else [p for p in stack.posts(CHANNEL) if f"job {job_id}" in p["text"]][-1]


def test_a_refused_credit_is_listed_as_refused_and_raises_no_alert(stack: Stack) -> None:
    view_id = _typed_job(stack, f"invoice credit {DEMO['open']} {DEMO['completed']}", 2)
    job = stack.jobs.list(1)[0]
    assert job.status is JobStatus.PARTLY_REFUSED and (job.succeeded, job.failed, job.refused) == (1, 0, 1)
    assert not [p for p in stack.posts("CALERT") if f"job {job.id}" in p["text"]]
    shown = _job_message(stack, job.id)
    blocks = str(shown["blocks"])
    assert "Refused by Billecta's rules" in blocks and "a closed invoice cannot be credited" in blocks
    assert "*Failed:*" not in blocks and "❌" not in shown["text"]
    assert ActionId.JOB_RETRY not in blocks
    # The modal it was confirmed in ends on the answer, not on a failure.
    final = str(stack.fake.view(view_id)["blocks"])
    assert "✋" in final and "1 refused" in final and "❌" not in final
    # The credit that went through is still announced where successes go.
    assert any(f"job {job.id}" in p["text"] for p in stack.posts("CNOTIFY"))

    stack.client.event({"type": "app_home_opened", "user": "UADMIN", "tab": "home"}, "EvHomeRefused")
    stack.settle()
    home = str(stack.fake.calls("views.publish", ok=True)[-1].args["view"]["blocks"])
    assert "No recent failures." in home and ActionId.JOB_RETRY not in home
    assert "1 refused" in home  # the job's line still says what happened


def test_a_job_message_with_a_failure_and_a_refusal_offers_a_retry_of_the_failure_only() -> None:
    job = replace(_JOB, status=JobStatus.PARTLY_FAILED, succeeded=1, failed=1, refused=1)
    items = [_item(2, ItemStatus.FAILED, "Billecta is not answering right now; try again shortly."),
             _item(3, ItemStatus.REFUSED, "Invoice 1003 has been paused since 28 Nov.", "invoice resume 1003")]
    for msg in (notices.job_message(job, items), notices.job_alert(job, items)):
        blocks = str(msg["blocks"])
        assert "*Failed:*\\n• invoice 1002: Billecta is not answering" in blocks
        assert "*Refused by Billecta's rules:*\\n• invoice 1003: Invoice 1003 has been paused since 28 Nov. " \
            "→ `invoice resume 1003` applies" in blocks
        assert find_element(msg["blocks"], ActionId.JOB_RETRY)["text"]["text"] == "Retry 1 failed"
    assert notices.icon(job) == "❌"
    only_refused = replace(job, status=JobStatus.PARTLY_REFUSED, failed=0)
    assert notices.icon(only_refused) == "⚠️" and not only_refused.incident
    assert ActionId.JOB_RETRY not in str(notices.job_message(only_refused, items[1:])["blocks"])
    # A retry whose records Billecta's rules then refused ended in an answer, not a failure.
    retry = replace(only_refused, id=8, status=JobStatus.REFUSED, succeeded=0, refused=1, total=1, parent_job_id=7)
    assert notices.retried_note(retry).endswith("⚠️ 0 succeeded, 1 refused by Billecta's rules of 1")


_JOB = Job(id=7, command="invoice credit", record_type="invoice", verb="credit", targets="1001 1002 1003",
           requested_by="UADMIN", source="slack", channel=CHANNEL, status=JobStatus.SUCCEEDED, total=3,
           succeeded=3, failed=0, skipped=0, created_at="2026-11-28T13:00:00+00:00", started_at=None,
           finished_at=None, parent_job_id=None, schedule=None, error=None, cancel_requested=False)


def _item(n: int, status: ItemStatus, error: str, message: str | None = None) -> JobItem:
    kind = "refusal" if status is ItemStatus.REFUSED else "transient"
    return JobItem(id=n, job_id=7, seq=n, record_type="invoice", record_id=f"100{n}", label=f"invoice 100{n}",
                   status=status, attempts=1, billecta_id=None, error=error, message=message, started_at=None,
                   finished_at=None, error_kind=kind)
