"""The operations behind the commands, one module per family. Services never build Slack blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.files import OutcomeFile


@dataclass
class Outcome:
    """What a one-record command did, in words for the user (naming the record, e.g. 'invoice 1001'),
    and the files it produced (an invoice's PDF), which the CLI writes and Slack uploads (bot.files)."""

    message: str
    record_type: str
    record_ids: list[str]
    ok: bool = True
    details: dict[str, Any] = field(default_factory=dict)
    files: list[OutcomeFile] = field(default_factory=list)


@dataclass
class ItemResult:
    """What one item of a bulk command did; failures are raised as BotError, not returned."""

    record_id: str
    label: str
    billecta_id: str | None = None
    message: str = ""
    # The money the item moved (credited, invoiced by an attest), in minor units, for the job's total.
    amount_minor: int | None = None
    currency: str | None = None
