"""The send-to-debt-collection form (command 18, `invoice debt-collection <id>`), validated with pydantic.

Every field is optional on the command line: a field left out takes what the modal prefills
(`bot.services.collection.prepare`): the invoice's delivery method (else the creditor's), the
creditor's claim reason (else 'Unpaid invoice 1002'), its reference and its interest terms. What is
left out is stated in the result, never silently assumed.

Interest is written as Billecta models it, a type and a yearly percentage (`InterestType`,
`InterestPercentage`): `ref+8` (8 % above the Riksbank reference rate, Sweden's statutory late-payment
interest), `8` (a fixed 8 %) or `none`. `interest_terms` turns the text back into the pair.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.billecta.enums import DeliveryMethod, InterestType
from bot.forms import validate_form
from bot.services.reminder_form import method_words

# The ways Billecta can send a collection notice, worded as the reminder form words them. SMS and
# "Manually" are not a claim letter.
COLLECTION_METHODS = (DeliveryMethod.Email, DeliveryMethod.Mail, DeliveryMethod.Kivra, DeliveryMethod.EInvoice)
DELIVERY_METHODS: tuple[tuple[DeliveryMethod, str], ...] = tuple((m, method_words(m)) for m in COLLECTION_METHODS)
METHOD_WORDS = {method.value: words for method, words in DELIVERY_METHODS}
_METHOD_ALIASES = {
    "email": DeliveryMethod.Email, "e-mail": DeliveryMethod.Email, "mail": DeliveryMethod.Mail,
    "post": DeliveryMethod.Mail, "letter": DeliveryMethod.Mail, "kivra": DeliveryMethod.Kivra,
    "einvoice": DeliveryMethod.EInvoice, "e-invoice": DeliveryMethod.EInvoice,
}
METHOD_CHOICES = "Email (e-mail), Mail (letter), Kivra, EInvoice (e-invoice)"


def method_value(text: object) -> str | None:
    """Billecta's name of a delivery method typed in words or as its name ('post' → 'Mail'), else None."""
    method = _METHOD_ALIASES.get(str(text or "").strip().lower())
    return method.value if method else None


REFERENCE_MAX = 50
REASON_MAX = 200
INTEREST_MAX = Decimal(100)
NO_INTEREST = "none"
FIELD_LABELS = {"delivery_method": "delivery method", "reference": "reference", "reason": "reason",
                "interest": "interest"}

_REFERENCE_RATE = re.compile(r"^(?:ref(?:erence)?(?:\s*rate)?)\s*\+\s*(?P<pct>[\d.,]+)\s*%?$")
_ABOVE = re.compile(r"^(?P<pct>[\d.,]+)\s*%?\s*above\s+(?:the\s+)?ref(?:erence)?(?:\s*rate)?$")
_FIXED = re.compile(r"^(?:fixed\s*)?(?P<pct>[\d.,]+)\s*%?(?:\s*fixed)?$")
INTEREST_HINT = ("ref+8 (8 % above the Riksbank reference rate, the statutory rate), 8 (a fixed 8 % a year) "
                 "or none")


def _error(message: str) -> PydanticCustomError:
    # The message goes in as a value so braces in what the user typed are never read as a template.
    return PydanticCustomError("collection_form", "{message}", {"message": message})


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


def _percentage(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise _error(f"{text!r} is not a percentage; write it like 8 or 8.5.") from None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _error("Use at most 2 decimals for the interest percentage.")
    if value <= 0 or value > INTEREST_MAX:
        raise _error(f"The interest percentage must be above 0 and at most {INTEREST_MAX}; for no interest "
                     f"write {NO_INTEREST}.")
    return Decimal(f"{value.normalize():f}")  # 8.50 → 8.5, 10 → 10 (never 1E+1)


def interest_text(kind: InterestType | str | None, percentage: Decimal | float | str | None) -> str:
    """The form's way of writing Billecta's interest terms: 'ref+8', '8' or 'none'."""
    kind = InterestType(kind) if kind else InterestType.NoInterest
    if kind is InterestType.NoInterest or percentage in (None, ""):
        return NO_INTEREST
    plain = f"{Decimal(str(percentage)).normalize():f}"
    return f"ref+{plain}" if kind is InterestType.AboveEffectiveReference else plain


def interest_terms(text: str) -> tuple[InterestType, Decimal | None]:
    """(InterestType, percentage) of the form's interest text (already validated)."""
    return _parse_interest(text)


def interest_words(text: str) -> str:
    kind, percentage = interest_terms(text)
    if kind is InterestType.NoInterest:
        return "no interest"
    shown = f"{percentage:f}".replace(".", ",")
    if kind is InterestType.AboveEffectiveReference:
        return f"the reference rate + {shown} % a year"
    return f"{shown} % a year (fixed)"


def _parse_interest(text: str) -> tuple[InterestType, Decimal | None]:
    cleaned = re.sub(r"\s+", " ", text.strip().lower())
    if cleaned in (NO_INTEREST, "no", "no interest", "nointerest"):
        return InterestType.NoInterest, None
    for pattern, kind in ((_REFERENCE_RATE, InterestType.AboveEffectiveReference),
                          (_ABOVE, InterestType.AboveEffectiveReference), (_FIXED, InterestType.Fixed)):
        match = pattern.match(cleaned)
        if match:
            return kind, _percentage(match["pct"])
    raise _error(f"{text.strip()!r} is not an interest rate; write {INTEREST_HINT}.")


class DebtCollectionForm(BaseModel):
    """The case as typed in the modal (field names are its block ids) or on the command line."""

    model_config = ConfigDict(frozen=True)
    FIELDS: ClassVar[tuple[str, ...]] = ("delivery_method", "reference", "reason", "interest")

    delivery_method: str | None = Field(
        None, title="Collection notice by", description="how the debtor gets the collection notice",
        json_schema_extra={"choices": [method.value for method, _ in DELIVERY_METHODS],
                           "default_text": "the invoice's delivery method"})
    reference: str | None = Field(None, title="Our reference",
                                  description=f"printed on the notice, at most {REFERENCE_MAX} characters",
                                  examples=["Ada Lind"],
                                  json_schema_extra={"default_text": "the creditor's reference"})
    reason: str | None = Field(None, title="Reason for collection",
                               description=f"the claim as the notice states it, at most {REASON_MAX} characters",
                               examples=["Unpaid consulting"],
                               json_schema_extra={"default_text": "the creditor's reason, else 'Unpaid invoice N'"})
    interest: str | None = Field(None, title="Interest", description=INTEREST_HINT, examples=["ref+8"],
                                 json_schema_extra={"kind": "rate", "default_text": "the creditor's setting"})

    @model_validator(mode="before")
    @classmethod
    def _prefilled(cls, data: Any, info: ValidationInfo) -> Any:
        """A field left out takes what the modal would have prefilled (the context is `prepare`'s dict)."""
        context = _context(info)
        if context.get("allowed") is False:
            raise _error(context.get("reason") or "This invoice cannot be sent to debt collection.")
        if isinstance(data, dict):
            data = {**{name: context.get(name) for name in cls.FIELDS},
                    **{k: v for k, v in data.items() if v is not None}}
        return data

    @field_validator("delivery_method", mode="before")
    @classmethod
    def _delivery_method(cls, value: Any, info: ValidationInfo) -> str:
        text = str(value.value if isinstance(value, DeliveryMethod) else value or "").strip()
        if not text:
            raise _error(f"Choose how the debtor gets the collection notice: {METHOD_CHOICES}.")
        name = method_value(text)
        if name is None:
            raise _error(f"{text!r} is not a way to send a collection notice; use one of {METHOD_CHOICES}.")
        method = DeliveryMethod(name)
        why = (_context(info).get("unreachable") or {}).get(method.value)
        if why:  # the reminder form's rule (reminder_form.unreachable): one place says who cannot be reached
            raise _error(why)
        return method.value

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value: Any) -> str | None:
        text = str(value or "").strip()
        if len(text) > REFERENCE_MAX:
            raise _error(f"Use at most {REFERENCE_MAX} characters (this is {len(text)}).")
        return text or None

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> str:
        text = " ".join(str(value or "").split())
        if not text:
            raise _error("Say what the claim is for (the collection notice states it), e.g. 'Unpaid invoice 1002'.")
        if len(text) > REASON_MAX:
            raise _error(f"Use at most {REASON_MAX} characters (this is {len(text)}).")
        return text

    @field_validator("interest", mode="before")
    @classmethod
    def _interest(cls, value: Any) -> str:
        text = str(value or "").strip()
        if not text:
            raise _error(f"Give the interest: {INTEREST_HINT}.")
        kind, percentage = _parse_interest(text)
        return interest_text(kind, percentage)

    @classmethod
    def parse(cls, values: dict[str, Any], prepared: dict[str, Any]) -> DebtCollectionForm:
        form = validate_form(cls, values, prepared)
        assert isinstance(form, DebtCollectionForm)
        return form
