"""The Slack notifier on its own: progress edits of all jobs stay under chat.update's rate limit."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.jobs.model import JobStatus
from bot.slack.notifier import EDIT_GAP_SECONDS, SlackNotifier
from bot.store import Store

from .test_blocks_golden import _job


class RecordingUi:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def post_or_dm(self, channel: str | None, user: str, msg: dict[str, Any]) -> tuple[str, str]:
        self.calls.append(("post", msg["text"]))
        return channel or "D1", f"{len(self.calls)}.0"

    def post(self, channel: str, msg: dict[str, Any]) -> str:
        self.calls.append(("post", msg["text"]))
        return f"{len(self.calls)}.0"

    def edit(self, channel: str, ts: str, msg: dict[str, Any]) -> None:
        self.calls.append(("edit", msg["text"]))


def test_progress_edits_of_all_jobs_share_one_pace_and_final_states_always_land(tmp_path: Path) -> None:
    now = [100.0]
    ui = RecordingUi()
    notifier = SlackNotifier(ui, Store(":memory:"), load_settings(billecta_bot_db=tmp_path / "b.db"),  # type: ignore[arg-type]
                             clock=lambda: now[0])
    one, two = _job(JobStatus.RUNNING, 1, 0), dataclasses.replace(_job(JobStatus.RUNNING, 1, 0), id=8)
    notifier.job_progress(one)
    notifier.job_progress(two)
    assert [kind for kind, _ in ui.calls] == ["post", "post"]  # each job's message appears at once
    notifier.job_progress(one)
    notifier.job_progress(two)  # too soon after job 7's edit: skipped
    assert [kind for kind, _ in ui.calls] == ["post", "post", "edit"]
    now[0] += EDIT_GAP_SECONDS
    notifier.job_progress(two)
    notifier.job_finished(dataclasses.replace(one, status=JobStatus.SUCCEEDED, succeeded=10, failed=0), [])
    assert [kind for kind, _ in ui.calls] == ["post", "post", "edit", "edit", "edit"]
    assert "job 7" in ui.calls[-1][1] and "succeeded" in ui.calls[-1][1]
