"""The Swish request form (command 17, `invoice swish <id> phone= [message=]`), validated with pydantic.

`phone` is a Swedish mobile number (Swish works with no other), at most PHONE_MAX characters as typed,
normalised by `bot.importer_fields.swish_number` to the alias Swish takes ('46701234567'). `message`
is what the payer reads in the Swish app: at most MESSAGE_MAX characters of the set Swish accepts;
left out, it is the configured default (SWISH_DEFAULT_MESSAGE, filled in by `prepare`).
The phone is prefilled through SWISH_PHONE_FIELD, a dot-notation path read by `field_at`.
"""

from __future__ import annotations

import json
import re
import string
from datetime import timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.importer_fields import FieldError, swish_number

# Swish gives the payer 3 minutes to approve a request, then drops it (its m-commerce flow).
SWISH_EXPIRES = timedelta(minutes=3)
# The CRM integration's wrapper and Billecta take at most these (billecta-api.md §2.4 note 7).
PHONE_MAX, MESSAGE_MAX = 20, 50
# Swish's payment request API: letters a-ö and A-Ö, digits, and :;.,?!()-" (and spaces).
_MESSAGE_CHARS = re.compile(r"[a-zA-ZåäöÅÄÖéÉüÜ0-9 :;.,?!()\-\"”]*")
MESSAGE_PLACEHOLDERS = ("invoice_number", "debtor", "amount")


def _error(message: str) -> PydanticCustomError:
    return PydanticCustomError("swish_form", "{message}", {"message": message})


def phone_problem(typed: str) -> tuple[str | None, str | None]:
    """(the Swish alias, None) for a good number, else (None, why not) in words for under the field."""
    text = typed.strip()
    if not text:
        return None, "Give the payer's mobile number, e.g. 070-123 45 67."
    if len(text) > PHONE_MAX:
        return None, f"At most {PHONE_MAX} characters; {len(text)} were given."
    try:
        return swish_number(text), None
    except FieldError as exc:
        return None, str(exc)[:1].upper() + str(exc)[1:] + "."


def message_problem(text: str) -> str | None:
    if len(text) > MESSAGE_MAX:
        return f"At most {MESSAGE_MAX} characters (Swish's limit); this is {len(text)}."
    if not _MESSAGE_CHARS.fullmatch(text):
        bad = "".join(sorted({ch for ch in text if not _MESSAGE_CHARS.fullmatch(ch)}))
        return f"Swish does not take {bad!r}: letters, digits, spaces and :;.,?!()-\" only."
    return None


def message_template_problem(template: str) -> str | None:
    """Why SWISH_DEFAULT_MESSAGE cannot be used, or None: known placeholders, and it must fit."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        return f"is not a message template ({exc})"
    unknown = names - set(MESSAGE_PLACEHOLDERS)
    if unknown:
        return f"knows the placeholders {', '.join('{' + n + '}' for n in MESSAGE_PLACEHOLDERS)}, not {sorted(unknown)}"
    sample = template.format(invoice_number="1234567", debtor="", amount="12 345,00 kr")
    return message_problem(sample)


def default_message(template: str, *, invoice_number: str, debtor: str, amount: str) -> str:
    """The configured message for this invoice, cut to what Swish takes (a long debtor name)."""
    text = template.format(invoice_number=invoice_number, debtor=debtor, amount=amount).replace("\xa0", " ")
    text = "".join(ch for ch in text if _MESSAGE_CHARS.fullmatch(ch))
    return text[:MESSAGE_MAX].rstrip()


def field_at(sources: dict[str, Any], path: str) -> Any:
    """The value at a dot-notation `path` ('debtor.phone') in `sources` (root name → record), or None.

    Names match whatever their case or underscores ('contact_name' finds Billecta's ContactName), and
    a JSON text on the way (a stored `raw` column) is read into. A path that names no root is read in
    `sources['debtor']`, so a bare `phone` still means the debtor's."""
    parts = path.split(".")
    node: Any = sources if _norm(parts[0]) in {_norm(k) for k in sources} else sources.get("debtor")
    for part in parts:
        if isinstance(node, str) and node.strip().startswith("{"):
            try:
                node = json.loads(node)
            except ValueError:
                return None
        if not isinstance(node, dict):
            return None
        node = next((value for key, value in node.items() if _norm(key) == _norm(part)), None)
    return node


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


class SwishForm(BaseModel):
    """A Swish request as typed in the modal (field names are its block ids) or on the CLI.

    Validate with `SwishForm.model_validate(values, context=prepared)`: `prepared['message']` is the
    default message, `prepared['allowed'] is False` refuses the whole form with `reason`."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("phone", "message")

    phone: str = Field(title="Payer's mobile number",
                       description=f"a Swedish mobile number, e.g. 070-123 45 67 (at most {PHONE_MAX} characters)")
    message: str | None = Field(None, title="Message",
                                description=f"shown in the payer's Swish app, at most {MESSAGE_MAX} characters",
                                examples=["Invoice 1002"],
                                json_schema_extra={"default_text": "SWISH_DEFAULT_MESSAGE"})

    @model_validator(mode="before")
    @classmethod
    def _allowed(cls, data: Any, info: ValidationInfo) -> Any:
        context = info.context if isinstance(info.context, dict) else {}
        if context.get("allowed") is False:
            raise _error(context.get("reason") or "No Swish request can be sent for this invoice.")
        if isinstance(data, dict):
            data = {name: None for name in cls.FIELDS} | data
        return data

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> str:
        alias, problem = phone_problem(str(value or ""))
        if problem or alias is None:
            raise _error(problem or "Not a Swedish mobile number.")
        return alias

    @field_validator("message", mode="before")
    @classmethod
    def _message(cls, value: Any, info: ValidationInfo) -> str:
        context = info.context if isinstance(info.context, dict) else {}
        text = str(value).strip() if value not in (None, "") else str(context.get("message") or "")
        if not text:
            raise _error("Give the message the payer sees in Swish.")
        problem = message_problem(text)
        if problem:
            raise _error(problem)
        return text
