"""The report tests' runtime: the demo sandbox in process, mirrored into a fresh store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import timefmt
from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.store import Store


@pytest.fixture
def rt() -> Iterator[Runtime]:
    box = Sandbox(":memory:", seed="demo")
    # Today is the sandbox's day: it dates credits and closings by its own clock, and the pull keeps
    # them as dated movements, so the pinned day of tests/conftest.py would see them as tomorrow's.
    timefmt.fix_today(box.now().date())
    runtime = build_runtime(Settings(), store=Store(":memory:"), transport=box.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
    box.close()
