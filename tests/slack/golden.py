"""Golden-JSON snapshots of the Slack surfaces: tests/slack/golden/<name>.json (see tests/golden.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.golden import assert_golden

from .slack_rules import check_any

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str, data: Any) -> None:
    """The snapshot, and what the fake Slack would refuse in it (every builder meets the oracle)."""
    check_any(data)
    assert_golden(GOLDEN, name, data)
