"""Typed modal state and button values: one small pydantic model each, encoded once, decoded once.

Slack sends no session with an interaction, so what a modal or button needs later travels with it:
private_metadata (≤ 3,000 characters) and button values (≤ 2,000). Keep ids here, never objects.
On its way out every such value is sealed with an HMAC (bot.slack.seal) and checked when it comes
back, so what is unpacked here is what the bot sent.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from blocks import limits
from bot.errors import UsageError

M = TypeVar("M", bound="Packed")
# Room left for the seal bot.slack.seal appends on the way out ('~' and a 22-character MAC).
SEAL_RESERVE = 23


class Packed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    def pack(self, limit: int = limits.PRIVATE_METADATA) -> str:
        text = self.model_dump_json(exclude_defaults=True)
        limit -= SEAL_RESERVE
        if len(text) > limit:
            raise limits.SlackLimitError(f"{type(self).__name__} is {len(text)} characters, over {limit}")
        return text

    @classmethod
    def unpack(cls: type[M], text: str | None) -> M:
        try:
            return cls.model_validate_json(text or "{}")
        except ValidationError:
            raise UsageError("This message or dialog is from an older version of the bot; start again.") from None


class FlowState(Packed):
    """Where a command's flow is: which command, on which record(s), started from which channel.

    Carried by confirmation buttons and by every modal of a flow.
    """

    command: str  # the command's slug (seed id), stable across renames
    record_type: str = ""  # the type the user named (the event log serves several)
    key: str | None = None  # one record, as the user gave it (invoice number, id, Billecta id)
    label: str | None = None  # 'invoice 1001', once resolved
    spec: str | None = None  # bulk targets as typed: '1-20 25', '--changed'
    count: int | None = None  # bulk: how many records the user confirmed
    channel: str | None = None  # where the request came from (None: global shortcut, App Home)
    thread_ts: str | None = None  # the message a message shortcut was used on: outcomes go in its thread
    prepared: dict[str, Any] = {}  # dialog: prepare()'s small dict, the form's validation context
    # dialog: the key of its form's Draft (bot/slack/drafts.py) when the form was drawn from the mirror
    draft: str | None = None
    options: dict[str, Any] = {}  # view: current filter values
    # bulk typed confirmation: the idempotency key of the message button that opened the modal, so two
    # modals opened from one confirmation (a double click) still start one job
    origin: str | None = None
    # bulk typed confirmation: the response_url of that message, replaced once the modal has confirmed
    # so its button cannot open another one
    reply_url: str | None = None
    # action typed confirmation (`Command.typed_confirmation`): what the user must type, the invoice
    # number of the record (bot.runner.typed_answer)
    typed: str | None = None
    # dialog: the failure alert ("<channel> <ts>") whose "Open the form again" opened this form, so the
    # alert can say how the new attempt ended
    alert: str | None = None
    # action: this confirmation undoes a result (its Undo was pressed): the NOTIFY post under `undo_ref`
    # and the requester's result behind `undo_reply` (a response_url) say so once it has run
    undo_ref: str | None = None
    undo_reply: str | None = None
    undo_text: str | None = None  # the result being undone, as its message said it


class UndoState(Packed):
    """The Undo button on a reversible change's result (pause ↔ resume, dispute ↔ undispute)."""

    command: str  # the slug of the command that undoes it (resume for a pause)
    key: str  # the record, as the result named it
    text: str  # the result being undone, to show again when its message is edited
    by: str  # who made the change
    until: float  # epoch seconds; after this the button only names the command to run
    ref: str | None = None  # the NOTIFY post that carries the same button (edited in place, threaded)
    channel: str | None = None  # where the change was asked for (its confirmation goes there)


class PickerState(Packed):
    """The command palette / message-shortcut modal: a type, a command, the ids found."""

    record_type: str | None = None
    command: str | None = None
    spec: str | None = None  # the ids found in the message, compressed ('1001-1004 2001')
    channel: str | None = None
    thread_ts: str | None = None  # the message the shortcut was used on
    fixed_type: bool = False  # opened from a message shortcut of one record type
