"""Every block builder of the Slack surfaces against its golden JSON, and within Slack's limits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from blocks import help as help_blocks
from blocks import notices, status
from blocks.confirm import action_message, action_view, bulk_message, bulk_view
from blocks.forms import FormContext, form_view
from blocks.home import FailedCommand, HomeData, home_view
from blocks.metadata import FlowState, PickerState
from blocks.picker import picker_view
from blocks.views import ViewContext, view_modal
from bot import commands as registry
from bot.commands import Command, Kind
from bot.jobs.model import ItemStatus, Job, JobItem, JobStatus
from bot.roles import Role
from bot.services import Outcome
from bot.specs import DialogSpec, ViewSpec

from .golden import golden


def _command(slug: str) -> Command:
    command = registry.by_slug(slug)
    assert command is not None
    return command


def _job(status: JobStatus = JobStatus.PARTLY_FAILED, succeeded: int = 8, failed: int = 2) -> Job:
    return Job(id=7, command="debtor upsert", record_type="debtor", verb="upsert", targets="1-10",
               requested_by="UOPER", source="slack", channel="CWORK", status=status, total=10,
               succeeded=succeeded, failed=failed, skipped=0, created_at="2025-01-10T09:00:00+00:00",
               started_at=None, finished_at=None, parent_job_id=None, schedule=None, error=None,
               cancel_requested=False)


def _failure(record_id: str, reason: str) -> JobItem:
    return JobItem(id=1, job_id=7, seq=1, record_type="debtor", record_id=record_id,
                   label=f"debtor {record_id} (Lund AB)", status=ItemStatus.FAILED, attempts=1, billecta_id=None,
                   error=reason, message=None, started_at=None, finished_at=None)


# A fixed registry snapshot: goldens must not change each time a colleague wires another command.
READY = {1, 3, 4, 9, 12, 13, 14, 15, 32}
FIXED = tuple(dataclasses.replace(c, spec=c.spec if c.number in READY else None)
              for c in registry.COMMANDS)

STATE = FlowState(command="pause-invoice", record_type="invoice", key="1001", label="invoice 1001", channel="CWORK")


class Means(StrEnum):
    BG = "BG"
    CASH = "CASH"


class DemoForm(BaseModel):
    days: int = Field(title="Days", description="How many days to postpone")
    note: str | None = Field(None, title="Note")
    when: dt.date = Field(title="Date")
    amount: Decimal = Field(title="Amount")
    means: Means = Field(title="Means")
    mode: Literal["bailiff", "eviction"] = Field(title="Mode")
    notify: bool = Field(False, title="Notify the debtor")


def test_help() -> None:
    golden("help_overview", help_blocks.overview(FIXED))
    golden("help_invoice", help_blocks.for_type("invoice", FIXED))


def test_confirmations() -> None:
    pause, anonymize, delete = _command("pause-invoice"), _command("anonymize-debtors-in-billecta"), \
        _command("delete-articles-in-billecta")
    golden("action_message", action_message(pause, "invoice 1001", STATE.pack()))
    golden("action_view", action_view(pause, "invoice 1001", STATE.pack()))
    labels = [f"debtor {i}" for i in range(1, 9)]
    golden("bulk_message_typed", bulk_message(anonymize, 8, labels, "{}"))
    golden("bulk_message_dangerous", bulk_message(delete, 8, labels, "{}"))
    golden("bulk_view_typed", bulk_view(anonymize, 8, labels, "{}"))


def test_picker() -> None:
    golden("picker_empty", picker_view(PickerState(channel="CWORK"), commands=FIXED))
    golden("picker_single", picker_view(PickerState(record_type="invoice", command="pause-invoice"), commands=FIXED))
    golden("picker_shortcut_bulk", picker_view(
        PickerState(record_type="debtor", command="upsert-debtors-in-billecta", spec="1-3 7", fixed_type=True),
        note="Found in the message: debtor 1-3, 7.", commands=FIXED))
    golden("picker_shortcut_found", picker_view(
        PickerState(record_type="invoice", command="pause-invoice", spec="1001 1002", fixed_type=True),
        commands=FIXED))


def test_generic_form() -> None:
    command = Command(99, "demo-dialog", "debtcollection", "bailiff", "Send to bailiff", Kind.DIALOG, Role.ADMIN,
                      "Send {label} to the bailiff.", dangerous=True,
                      spec=DialogSpec(DemoForm, lambda *a: Outcome("", "debtcollection", [])))
    ctx = FormContext(command, "debtcollection 75 (invoice 1002)", {"days": 10},
                      {"days": "10", "means": "BG", "mode": "eviction"}, {"amount": "Enter an amount."})
    golden("form_generic", form_view(ctx, "{}"))


def test_view_modal_fallback() -> None:
    # A view command whose spec names no blocks module: its result shown as text.
    command = dataclasses.replace(_command("account-receivables-report"), spec=ViewSpec(lambda *a: None))
    ctx = ViewContext(command, None, {"total": 3})
    golden("view_fallback", view_modal(ctx, "{}"))


def test_status() -> None:
    golden("status_loading", status.loading_view("Register payment", "Loading invoice 1001…"))
    golden("status_result", status.result_view("Pause invoice", "invoice 1001 is paused.", note="Posted."))
    golden("status_error", status.error_view("Not allowed", "`invoice pause` needs the operator role."))
    golden("status_outcome", status.outcome_message("invoice 1001 is paused."))
    offer = ("Resume invoice", FlowState(command="resume-paused-invoice", record_type="invoice", key="1003").pack())
    golden("status_refused", status.refused_message("Invoice 1003 has been paused since 28 Nov.", offer))
    golden("status_refused_view", status.refused_view("Pause invoice", "Invoice 1003 is completed; nothing can "
                                                      "be changed on a closed invoice."))


def test_notices() -> None:
    failures = [_failure("3", "Billecta refused: Org no is invalid"), _failure("9", "timeout")]
    golden("job_progress", notices.job_message(_job(JobStatus.RUNNING, 3, 1)))
    golden("job_progress_records", notices.job_message(_job(JobStatus.RUNNING, 3, 1), records="debtors 1-10"))
    golden("job_done_partly", notices.job_done(_job(), ["debtor 1 (A)"], "debtors 1-4, 6-9"))
    golden("job_finished", notices.job_message(_job(), failures, ["debtor 1 (A)", "debtor 2 (B)"]))
    golden("job_alert", notices.job_alert(_job(), failures))
    golden("job_done", notices.job_done(_job(JobStatus.SUCCEEDED, 10, 0), ["debtor 1 (A)", "debtor 2 (B)"]))
    golden("action_done", notices.action_done("invoice 1001 is paused.", "UOPER", "invoice", "1001"))
    golden("action_failed", notices.action_failed(_command("pause-invoice"), "invoice 1001: already paused",
                                                  "UOPER", "1001", STATE.pack(2000)))
    golden("changes", notices.changes(["invoice 1004 was disputed outside the bot."]))
    golden("dialog_failed", notices.action_failed(_command("register-manual-payments"), "invoice 1001: refused",
                                                  "UOPER", "1001", STATE.model_copy(update={
                                                      "command": "register-manual-payments"}).pack(2000)))


def test_home() -> None:
    data = HomeData(target="sandbox (embedded)", worker_running=True, role="operator",
                    jobs=[_job(JobStatus.RUNNING, 3, 0), _job()],
                    schedules=[{"cron": "0 2 * * *", "command": "debtor upsert", "targets": "--changed",
                                "next_run": "2025-01-11T02:00:00+01:00", "last_outcome": "job 6"}],
                    quick=[c for c in FIXED if c.available and c.role <= Role.OPERATOR],
                    can_retry={7},
                    failed_commands=[FailedCommand(41, _command("pause-invoice"), "invoice", "1001",
                                                   "invoice 1001 is already paused.", True),
                                     FailedCommand(40, _command("register-manual-payments"), "invoice", "1002",
                                                   "Something went wrong (reference `ab12cd34`).", True),
                                     FailedCommand(39, _command("resume-paused-invoice"), "invoice", "1003",
                                                   "refused", False)])
    golden("home", home_view(data))
