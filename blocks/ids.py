"""Every wire id the bot puts in Slack: callback ids, block ids, action ids.

Values are kebab-case with a family prefix and never derived from class names, so a posted button
keeps working across refactors. Tests build their payloads from these same constants.
"""

from __future__ import annotations

import re
from enum import StrEnum

SLASH_COMMAND = "/billecta"


class CallbackId(StrEnum):
    """Modal callback ids (view_submission routing) and shortcut callback ids."""

    PICKER = "picker-view"
    ACTION_CONFIRM = "action-confirm-view"
    BULK_CONFIRM = "bulk-confirm-view"
    DIALOG = "dialog-form-view"
    VIEW = "view-modal"
    STATUS = "status-view"  # Loading…, Working…, results and errors: nothing to submit
    PALETTE_SHORTCUT = "palette-shortcut"


SHORTCUT_PREFIX = "records-shortcut-"


def shortcut_callback(record_type: str) -> str:
    """The message shortcut of one record type: 'records-shortcut-invoice'."""
    return SHORTCUT_PREFIX + record_type


class BlockId(StrEnum):
    SANDBOX = "sandbox-label"
    PICKER_TYPE = "picker-type"
    PICKER_COMMAND = "picker-command"
    PICKER_RECORD = "picker-record"
    PICKER_TARGETS = "picker-targets"
    TYPED_COUNT = "bulk-typed-count"
    TYPED_ANSWER = "action-typed-answer"
    CONFIRM_BUTTONS = "confirm-buttons"
    JOB_BUTTONS = "job-buttons"
    HOME_QUICK = "home-quick-actions"


class ActionId(StrEnum):
    PICKER_TYPE = "picker-type-select"
    PICKER_COMMAND = "picker-command-select"
    PICKER_RECORD = "picker-record-select"
    PICKER_TARGETS = "picker-targets-input"
    ACTION_CONFIRM = "action-confirm"
    BULK_CONFIRM = "bulk-confirm"
    BULK_TYPED_OPEN = "bulk-typed-open"
    ACTION_TYPED_OPEN = "action-typed-open"  # a one-record action that takes a typed confirmation
    CANCEL = "confirm-cancel"
    TYPED_COUNT = "bulk-typed-count-input"
    TYPED_ANSWER = "action-typed-answer-input"
    FORM_FIELD = "form-field"
    VIEW_OPTION = "view-option"
    VIEW_EXPORT = "view-export"
    VIEW_REFRESH = "view-refresh"
    JOB_RETRY = "job-retry"
    JOB_CANCEL = "job-cancel"
    OPEN_EVENTS = "open-events"
    OPEN_COMMAND = "open-command"  # start a command's flow again (a failed dialog's "Open the form again")
    UNDO = "result-undo"  # a reversible change's result: run the opposite command, for a few minutes
    HOME_OPEN_PALETTE = "home-open-palette"
    HOME_COMMAND = "home-command"
    HOME_REFRESH = "home-refresh"
    SWISH_CANCEL = "swish-cancel"  # on a pending Swish request's message: withdraw it


def unique_id(action: ActionId, suffix: str | int) -> str:
    """`action` made unique within its message or view ('job-retry.12'): Slack refuses two elements
    sharing an action_id there (`invalid_arguments`). Handlers listen on `matching(action)`."""
    return f"{action}.{suffix}"[:255]


def matching(action: ActionId) -> re.Pattern[str]:
    """`action` itself and every `unique_id` of it."""
    return re.compile(rf"^{re.escape(action)}(\..+)?$")
