"""The records a job will run on: `runner.select`, after bringing order sync states up to date.

Order rows are pushed as part of their order and have no sync of their own, so an order row added or
edited since its order's last sync makes the order changed; `--changed` must then select the order.
The CLI, schedules and Slack's bulk flow should all select through `job_selection`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import records
from bot.commands import Command
from bot.runner import Selection, select
from bot.services.orders import flag_changed_rows
from bot.targets import TargetSpec

if TYPE_CHECKING:
    from bot.runtime import Runtime


def job_selection(rt: Runtime, command: Command, spec: TargetSpec) -> Selection:
    if spec.changed and records.get(command.record_type).rows:
        flag_changed_rows(rt.store)
    return select(rt, command, spec)
