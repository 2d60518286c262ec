"""The order-row message form (command 28, `orderrow message <id> message= [kind=]`), validated with pydantic.

`message` is the text: one line, not blank, at most MESSAGE_MAX characters. `kind` says where it goes:
`row`, a message row on the invoice (Billecta's RecordType Message: ArticleDescription only, no amount
nor VAT; Standard rows need a price and Package rows an article package, so Message is the only row
type a text can be), or `comment`, a comment on the invoice's log in Billecta (`/v1/invoice/comment`,
Private: the debtor does not see it). Which kinds apply depends on the order's invoice, read by
`bot.services.orderrow_message.prepare` and handed here as validation context (`state`): an order
not in Billecta takes only a row, an attested invoice only a comment, a draft either.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

# Billecta's InvoiceActionRecordView declares no maxLength for ArticleDescription and its docs name
# none, so this is a conservative limit: what an invoice row prints on one or two lines of the PDF,
# and within what CRM text fields hold. A longer note belongs in a comment or the invoice's message.
MESSAGE_MAX = 250


class MessageKind(StrEnum):
    ROW = "row"
    COMMENT = "comment"


class InvoiceState(StrEnum):
    """Where the order stands in Billecta, which decides the kinds that apply."""

    NEW = "new"  # never sent: the row joins the order
    DRAFT = "draft"  # a draft invoice: the row is on it at the next `order upsert`
    ATTESTED = "attested"  # booked: its rows cannot change, a comment can be added


KIND_WORDS: dict[MessageKind, tuple[str, str]] = {
    MessageKind.ROW: ("Message row on the invoice", "Printed on the invoice as a text row, with no amount."),
    MessageKind.COMMENT: ("Comment on the invoice",
                          "In the invoice's log in Billecta; not printed, not seen by the debtor."),
}


def _error(message: str) -> PydanticCustomError:
    # The message goes in as a value so braces in what the user typed are never read as a template.
    return PydanticCustomError("orderrow_message", "{message}", {"message": message})


def message_problem(value: Any) -> str | None:
    """Why `value` cannot be the text, in words for under the field; None when it can."""
    text = "" if value is None else str(value)
    if not text:
        return "Write the message."
    if not text.strip():
        return "The message is only spaces; write some text."
    if "\n" in text or "\r" in text:
        return "A row's text is one line; remove the line breaks."
    if len(text.strip()) > MESSAGE_MAX:
        return f"At most {MESSAGE_MAX} characters; this is {len(text.strip())}."
    return None


def kind_problem(kind: MessageKind, context: dict[str, Any]) -> str | None:
    """Why `kind` does not apply to the order as it stands in Billecta; None when it does."""
    state, order, invoice = context.get("state"), context.get("order", "the order"), context.get("invoice", "")
    if state == InvoiceState.ATTESTED and kind is MessageKind.ROW:
        return (f"{invoice} is attested: its rows cannot change. Choose “{KIND_WORDS[MessageKind.COMMENT][0]}” "
                "to add the text to its log in Billecta instead (on the command line: kind=comment).")
    if state == InvoiceState.NEW and kind is MessageKind.COMMENT:
        return f"{order} is not in Billecta yet, so there is no invoice to comment on; add the text as a row."
    return None


class OrderRowMessageForm(BaseModel):
    """A message as typed in the modal (field names are its block ids) or on the CLI.

    Validate with `OrderRowMessageForm.model_validate(values, context=prepared)`; `prepared['state']`
    (an InvoiceState) decides which kinds apply."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("message", "kind")

    message: str = Field(title="Message", description=f"the text, one line, at most {MESSAGE_MAX} characters",
                         examples=["Delivered to the back entrance"])
    # Validated even when left out: `row` on an attested invoice must say that a comment applies instead.
    kind: MessageKind = Field(MessageKind.ROW, title="Kind", validate_default=True,
                              description="row: a text row printed on the invoice; comment: a note in the "
                                          "invoice's log in Billecta (for an attested invoice)",
                              json_schema_extra={"choices": [kind.value for kind in MessageKind]})

    @field_validator("message", mode="before")
    @classmethod
    def _message(cls, value: Any) -> str:
        problem = message_problem(value)
        if problem:
            raise _error(problem)
        return str(value).strip()

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any, info: ValidationInfo) -> MessageKind:
        text = str(value or MessageKind.ROW.value).strip().lower()
        try:
            kind = MessageKind(text)
        except ValueError:
            raise _error(f"One of {', '.join(k.value for k in MessageKind)}, not {text!r}.") from None
        problem = kind_problem(kind, info.context if isinstance(info.context, dict) else {})
        if problem:
            raise _error(problem)
        return kind
