"""Shared fixtures: a clean environment so a developer's .env or shell never leaks into tests."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot import timefmt

PINNED_TODAY = date(2026, 12, 1)

_PREFIXES = ("BILLECTA_", "SLACK_", "ROLE_", "NOTIFY_", "ALERT_", "SCHEDULES", "SWISH_", "PORT", "DISPLAY_")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> None:
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    # pydantic-settings reads ./.env; tests run from a temp dir so a developer's .env is never used.
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    # Shown dates leave out the current year: pin "today" so snapshots read the same next year.
    timefmt.configure(None)
    timefmt.fix_today(PINNED_TODAY)


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shell test's own store (and so its own embedded sandbox): BILLECTA_BOT_DB in tmp_path."""
    monkeypatch.setenv("BILLECTA_BOT_DB", str(tmp_path / "bot.db"))
    return tmp_path
