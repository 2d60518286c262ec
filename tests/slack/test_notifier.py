"""The Slack notifier on its own: progress edits of all jobs stay under chat.update's rate limit, and
every message goes through the outbox (posted once, then edited)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from bot.config import load_settings
from bot.jobs.model import JobStatus
from bot.slack.notifier import EDIT_GAP_SECONDS, SlackNotifier
from bot.slack.outbox import Outbox
from bot.store import Store

from .test_blocks_golden import _job


def _queued(store: Store) -> list[tuple[str, str]]:
    return [(row["kind"], json.loads(row["payload"])["text"]) for row in store.rows("slack_outbox", order_by="id")]


def test_progress_edits_of_all_jobs_share_one_pace_and_final_states_always_land(tmp_path: Path) -> None:
    now = [100.0]
    store = Store(":memory:")
    outbox = Outbox(store, None)  # type: ignore[arg-type]  # never started: this test reads what it queued
    notifier = SlackNotifier(outbox, store, load_settings(billecta_bot_db=tmp_path / "b.db"), clock=lambda: now[0])
    one, two = _job(JobStatus.RUNNING, 1, 0), dataclasses.replace(_job(JobStatus.RUNNING, 1, 0), id=8)
    notifier.job_progress(one)
    notifier.job_progress(two)
    assert [kind for kind, _ in _queued(store)] == ["post", "post"]  # each job's message appears at once
    notifier.job_progress(one)
    notifier.job_progress(two)  # too soon after job 7's edit: skipped
    assert [kind for kind, _ in _queued(store)] == ["post", "post", "edit"]
    now[0] += EDIT_GAP_SECONDS
    notifier.job_progress(two)
    notifier.job_finished(dataclasses.replace(one, status=JobStatus.SUCCEEDED, succeeded=10, failed=0), [])
    queued = _queued(store)
    assert [kind for kind, _ in queued][:5] == ["post", "post", "edit", "edit", "edit"]
    assert "job 7" in queued[4][1] and "succeeded" in queued[4][1]
