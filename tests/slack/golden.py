"""Golden-JSON snapshots of the Slack surfaces: tests/slack/golden/<name>.json (see tests/golden.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str, data: Any) -> None:
    assert_golden(GOLDEN, name, data)
