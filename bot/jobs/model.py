"""Jobs and job items as the queue, the CLI and the notifiers see them: plain snapshots of store rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from bot.money import format_amount


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTLY_FAILED = "partly_failed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Nothing failed that a retry could fix, but Billecta's rules refused some (or all) of the records.
    REFUSED = "refused"
    PARTLY_REFUSED = "partly_refused"

    @property
    def finished(self) -> bool:
        return self not in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class ItemStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"  # its Billecta call may be under way, or was when the process died
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # the job was cancelled before this item ran
    REFUSED = "refused"  # Billecta's rules (or the bot's checks) said no: an answer, a retry gets the same


class ErrorKind(StrEnum):
    """Why an item did not succeed, which decides whether it is an incident (alert, retry) or an answer."""

    REFUSAL = "refusal"  # BotError.is_refusal: shown as refused, never alerted or retried
    TRANSIENT = "transient"  # Billecta down or rate limiting, still so after the job's retries
    UNKNOWN = "unknown"  # the request may have been applied (reply lost): look before retrying
    ERROR = "error"  # another failure of ours or Billecta's (credentials, configuration)
    UNEXPECTED = "unexpected"  # a bug: the log has the traceback under the item's reference

    @property
    def retryable(self) -> bool:
        return self is not ErrorKind.REFUSAL


@dataclass(frozen=True)
class Job:
    """One job: a command over many records, who asked for it, and how far it got."""

    id: int
    command: str  # '<record_type> <verb>', e.g. 'debtor upsert'
    record_type: str
    verb: str
    targets: str | None
    requested_by: str
    source: str  # 'cli', 'slack' or 'schedule'
    channel: str | None
    status: JobStatus
    total: int
    succeeded: int
    failed: int
    skipped: int
    created_at: str
    started_at: str | None
    finished_at: str | None
    parent_job_id: int | None
    schedule: str | None
    error: str | None
    cancel_requested: bool
    thread_ts: str | None = None  # started from a message shortcut: its message goes in that thread
    refused: int = 0  # items Billecta's rules refused: answers, not failures (`failed` excludes them)
    # Money its succeeded items moved, per currency (minor units); filled when the job settles.
    moved: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Job:
        values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(cls) if f.name != "moved"}
        values["status"] = JobStatus(row["status"])
        values["cancel_requested"] = bool(row.get("cancel_requested"))
        for name in ("total", "succeeded", "failed", "skipped", "refused"):
            values[name] = int(row.get(name) or 0)
        return cls(**values)

    @property
    def done(self) -> int:
        return self.succeeded + self.failed + self.skipped + self.refused

    @property
    def finished(self) -> bool:
        return self.status.finished

    @property
    def ok(self) -> bool:
        return self.status is JobStatus.SUCCEEDED

    @property
    def incident(self) -> bool:
        """Finished with something a person should look at and may retry: failed items, or the job itself
        failed or was cancelled. Refused items alone are answers, not incidents."""
        return self.finished and (self.failed > 0 or self.status in (JobStatus.FAILED, JobStatus.CANCELLED))

    @property
    def summary(self) -> str:
        """'job 12 (debtor upsert): 298 succeeded, 2 failed of 300' — names the job for shortcuts."""
        counts = f"{self.succeeded} succeeded"
        if self.failed or not self.refused:  # '0 failed' beside refusals would read as a failure count
            counts += f", {self.failed} failed"
        if self.refused:
            counts += f", {self.refused} refused"
        if self.skipped:
            counts += f", {self.skipped} skipped"
        moved = self.moved_text
        return f"job {self.id} ({self.command}): {self.status.label}, {counts} of {self.total}" + \
            (f"; {moved[0].lower()}{moved[1:]}" if moved else "")

    @property
    def moved_text(self) -> str:
        """'Credited 1 873,75 kr on 2 invoices': the money its succeeded items moved, '' if none."""
        if not self.moved:
            return ""
        verb = MOVED_VERBS.get(self.command, "Moved")
        amounts = " + ".join(format_amount(minor, currency) for currency, minor in sorted(self.moved.items()))
        noun = self.record_type
        return f"{verb} {amounts} on {self.succeeded} {noun}{'' if self.succeeded == 1 else 's'}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data


# How a money-moving job's result names what its amount is (bot.runner.MONEY_COLUMNS).
MOVED_VERBS = {"invoice credit": "Credited", "order attest": "Booked", "order upsert-attest": "Booked"}


@dataclass(frozen=True)
class JobItem:
    """One record of a job: its outcome, attempts, Billecta id and Billecta's reason on failure."""

    id: int
    job_id: int
    seq: int
    record_type: str
    record_id: str
    label: str
    status: ItemStatus
    attempts: int
    billecta_id: str | None
    error: str | None
    message: str | None  # on success Billecta's answer; when refused, the command that applies, if any
    started_at: str | None
    finished_at: str | None
    error_kind: str | None = None  # an ErrorKind value
    error_class: str | None = None  # the error's class name, for the log and `jobs show --json`

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> JobItem:
        values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(cls)}
        values["status"] = ItemStatus(row["status"])
        values["attempts"] = int(row.get("attempts") or 0)
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data


def split_failures(items: list[JobItem]) -> tuple[list[JobItem], list[JobItem]]:
    """(failed, refused): failures a retry may fix, and refusals, which are answers."""
    refused = [item for item in items if item.status is ItemStatus.REFUSED]
    return [item for item in items if item.status is not ItemStatus.REFUSED], refused
