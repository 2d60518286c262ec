"""Fixtures for the sandbox tests: a demo-seeded sandbox (copied from one seeded file per session,
so each test starts from the same state cheaply), an empty one, and httpx clients on them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.sandbox import Sandbox

from .helpers import Api, client_for


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sandbox-template") / "demo.db"
    Sandbox(path, seed="demo").close()
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Sandbox]:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_template, copy)
    sb = Sandbox(copy)
    yield sb
    sb.close()


@pytest.fixture
def empty() -> Iterator[Sandbox]:
    sb = Sandbox(":memory:", seed="empty")
    yield sb
    sb.close()


@pytest.fixture
def api(demo: Sandbox) -> Iterator[httpx.Client]:
    with client_for(demo) as client:
        yield client


@pytest.fixture
def h(demo: Sandbox, api: httpx.Client) -> Api:
    return Api(demo, api)
