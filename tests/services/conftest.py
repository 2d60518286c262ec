"""Service tests' default world: the demo sandbox in process and a runtime on a fresh store that mirrors it.

A test module that needs another world (served over HTTP, linked, faults) defines its own `sandbox`/`rt`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.demo import mirror_demo_into_store
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.store import Store


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(":memory:", seed="demo")
    yield box
    box.close()


@pytest.fixture
def rt(sandbox: Sandbox) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(_env_file=None), store=Store(":memory:"),  # type: ignore[call-arg]
                            transport=sandbox.transport())
    mirror_demo_into_store(runtime)
    yield runtime
    runtime.close()
