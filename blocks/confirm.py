"""Confirmations: one record (action) or many (bulk), as an ephemeral message or inside a modal.

A reversible command confirms once: the message's own button does it, with no Slack confirm dialog
on top, styled primary. A dangerous command (the seed marks it) leads with a warning that says what
is destroyed or escalated, its button is styled danger and carries Slack's confirm dialog; the most
destructive bulk commands ask for the number of records. Every pair of choices says what each does
("End dispute" / "Keep disputed"): a "Cancel" next to "Cancel dispute" would be a guess.
"""

from __future__ import annotations

from blocks import limits
from blocks.common import (
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    message,
    modal,
    plain,
    section,
)
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.metadata import FlowState
from bot.commands import Command, Kind

SHOWN_LABELS = 5
# Command slug → (do it, leave it). Both fit a modal's submit/close (24 characters).
CHOICES: dict[str, tuple[str, str]] = {
    "upsert-articles-in-billecta": ("Upsert articles", "Don't upsert"),
    "delete-articles-in-billecta": ("Delete articles", "Keep the articles"),
    "upsert-debtors-in-billecta": ("Upsert debtors", "Don't upsert"),
    "anonymize-debtors-in-billecta": ("Anonymize debtors", "Keep the debtors"),
    "update-creditor-in-billecta": ("Update creditor", "Don't update"),
    "credit-invoices-in-billecta": ("Credit invoices", "Don't credit"),
    "fetch-and-save-invoice-pdf": ("Fetch the PDF", "Don't fetch"),
    "dispute-invoice": ("Dispute invoice", "Don't dispute"),
    "cancel-disputed-invoice": ("End dispute", "Keep disputed"),
    "pause-invoice": ("Pause invoice", "Don't pause"),
    "resume-paused-invoice": ("Resume invoice", "Keep paused"),
    "cancel-debtcollection": ("End debt collection", "Keep collecting"),
    "send-to-long-term-surveillance": ("Move to surveillance", "Keep collecting"),
    "upsert-orders-in-billecta": ("Upsert orders", "Don't upsert"),
    "attest-orders-in-billecta": ("Attest orders", "Don't attest"),
    "upsert-attest-orders-in-billecta": ("Upsert and attest", "Don't upsert"),
}


def choices(command: Command) -> tuple[str, str]:
    """The confirmation's two buttons: what doing it is called, and what leaving it is called."""
    return CHOICES.get(command.slug, (command.title, "Go back"))


def asks_for_count(command: Command) -> bool:
    """Whether the user must type the number of records: every dangerous bulk command (article delete,
    debtor anonymize, invoice credit), not only those the registry marks `typed_confirmation`."""
    return command.typed_confirmation or (command.dangerous and command.kind is Kind.BULK)


def confirm_text(command: Command, *, count: int = 1, label: str = "") -> str:
    text = command.confirm.format(count=count, label=label)
    return f"⚠️ *Dangerous:* {text}" if command.dangerous else text


# What a money-moving command's total is: what it will credit or book, not what was invoiced.
TOTAL_WORDS = {"invoice credit": "To credit", "order attest": "To book", "order upsert-attest": "To book"}


def total_word(command: Command) -> str:
    return TOTAL_WORDS.get(command.name, "Total")


def _bulk_lines(command: Command, labels: list[str], count: int, total: str = "") -> str:
    """The records, one line each (the first few), and for money-moving commands the total."""
    shown = "\n".join(f"• {item}" for item in labels[:SHOWN_LABELS])
    more = count - min(count, SHOWN_LABELS)
    text = f"*Records:*\n{shown}" + (f"\n… and {more} more" if more else "")
    return text + (f"\n*{total_word(command)}:* {total}" if total else "")


def _total_words(command: Command, total: str) -> str:
    """', 5 562,50 kr to credit': the total as the fallback text and the typed label say it."""
    word = total_word(command)
    return (f", {total} in total" if word == "Total" else f", {total} {word.lower()}") if total else ""


def _go_button(command: Command, action_id: str, value: str, text: str) -> Block:
    go, keep = choices(command)
    if not command.dangerous:  # reversible: the message is the confirmation, a dialog on top would ask twice
        return button(go, action_id, value, style="primary")
    dialog = confirm_dialog(go + "?", limits.clip(text.replace("*", ""), limits.CONFIRM_TEXT),
                            limits.clip(go, limits.CONFIRM_BUTTON), danger=True, no=keep)
    return button(go, action_id, value, style="danger", confirm=dialog)


def _keep_button(command: Command, label: str = "") -> Block:
    """Leave it: the value names the command and the record, so "cancelled" can say which."""
    value = FlowState(command=command.slug, label=label or None).pack(limits.BUTTON_VALUE)
    return button(choices(command)[1], ActionId.CANCEL, value)


def action_message(command: Command, label: str, value: str) -> dict[str, object]:
    """A command with `typed_confirmation` offers a button that opens the modal to type it in."""
    text = confirm_text(command, label=label)
    go = button(f"{choices(command)[0]}…", ActionId.ACTION_TYPED_OPEN, value, style="danger") \
        if command.typed_confirmation else _go_button(command, ActionId.ACTION_CONFIRM, value, text)
    buttons = actions(go, _keep_button(command, label), block_id=BlockId.CONFIRM_BUTTONS)
    return message(f"Confirm: {command.title} on {label}", [section(text), buttons])


def action_view(command: Command, label: str, private_metadata: str, answer: str | None = None) -> Block:
    """`answer`: what a command with `typed_confirmation` makes the user type (the invoice number)."""
    go, keep = choices(command)
    blocks = [section(confirm_text(command, label=label))]
    if command.typed_confirmation and answer:
        blocks.append(typed_answer_input(command, answer))
    return modal(command.title, blocks, callback_id=CallbackId.ACTION_CONFIRM,
                 submit=go, close=keep, private_metadata=private_metadata)


def typed_answer_input(command: Command, answer: str) -> Block:
    """The invoice number to type, with no placeholder (as the typed count: no answer in the field)."""
    return {
        "type": "input", "block_id": BlockId.TYPED_ANSWER,
        "label": plain(f"{choices(command)[0]}: type the invoice number, {answer}, to confirm.", limits.LABEL),
        "hint": plain("This cannot be undone.", limits.LABEL),
        "element": {"type": "plain_text_input", "action_id": ActionId.TYPED_ANSWER,
                    "max_length": max(len(answer) + 10, 20)},
    }


def bulk_message(command: Command, count: int, labels: list[str], value: str, note: str = "",
                 total: str = "") -> dict[str, object]:
    """`note` leads the message (why the user is asked again); `total`: the money it moves, for the
    commands that move money (the selection's `total_text`), else the count is the figure."""
    text = confirm_text(command, count=count)
    if asks_for_count(command):
        go = button(f"{choices(command)[0]} ({count})…", ActionId.BULK_TYPED_OPEN, value, style="danger")
    else:
        go = _go_button(command, ActionId.BULK_CONFIRM, value, text)
    blocks = [*([section(note)] if note else []), section(text), section(_bulk_lines(command, labels, count, total)),
              actions(go, _keep_button(command, f"{count} record(s)"), block_id=BlockId.CONFIRM_BUTTONS)]
    fallback = f"Confirm: {command.title} on {count} record(s)" + _total_words(command, total)
    fallback += f": {', '.join(labels[:SHOWN_LABELS])}"
    return message(f"{note} {fallback}" if note else fallback, blocks)


def bulk_view(command: Command, count: int, labels: list[str], private_metadata: str, note: str = "",
              total: str = "") -> Block:
    """`note` leads the modal (why the user is asked again); `total` as in `bulk_message`."""
    blocks = [*([section(note)] if note else []), section(confirm_text(command, count=count)),
              section(_bulk_lines(command, labels, count, total))]
    if asks_for_count(command):
        blocks.append(typed_count_input(command, count, total))
    go, keep = choices(command)
    return modal(command.title, blocks, callback_id=CallbackId.BULK_CONFIRM, submit=go, close=keep,
                 private_metadata=private_metadata)


def typed_count_input(command: Command, count: int, total: str = "") -> Block:
    """The number to type. No placeholder: showing the answer in the field would make typing it a
    formality. The label restates what will happen and, for money, the sum."""
    what = f"{choices(command)[0]}: {count} {command.record_type}{'' if count == 1 else 's'}"
    what += _total_words(command, total)
    return {
        "type": "input", "block_id": BlockId.TYPED_COUNT,
        "label": plain(f"{what}. Type {count} to confirm.", limits.LABEL),
        "hint": plain("The number of records this will change. This cannot be undone.", limits.LABEL),
        "element": {"type": "plain_text_input", "action_id": ActionId.TYPED_COUNT,
                    "max_length": max(len(str(count)) + 2, 10)},
    }


def cancelled_message(command_title: str | None = None, label: str | None = None) -> dict[str, object]:
    """What replaces a confirmation that was left: which command, on what, and that nothing changed."""
    what = command_title or "Cancelled"
    what += f" on {label}" if label and command_title else ""
    text = f"{what}: cancelled; nothing was changed." if command_title else "Cancelled; nothing was changed."
    return message(text, [context(text)])
