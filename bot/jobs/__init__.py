"""Durable background jobs: bulk commands over many records, stored item by item, crash-safe.

`JobQueue` is the API (submit, run, resume, cancel, retry, list); `bot.jobs.schedules` adds cron
schedules and `bot.notify` is how progress and outcomes reach people.
"""

from bot.jobs.execute import RetryPolicy
from bot.jobs.model import ItemStatus, Job, JobItem, JobStatus
from bot.jobs.queue import JobQueue

__all__ = ["ItemStatus", "Job", "JobItem", "JobQueue", "JobStatus", "RetryPolicy"]
