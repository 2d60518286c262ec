"""Billecta's wire shapes for the sandbox: request bodies cleaned, responses filled to the schema.

Every model's fields come from `schema_data` (generated from Billecta's JSON Schemas). A field code
is a letter, '?' when the field is nullable, and a detail after ':' — s text, g GUID, t date-time,
i integer, n number, b boolean, d free object, e:<enum>, o:<model>, a:<item code>.

`clean` keeps only a model's fields (keys matched case-insensitively, as ASP.NET binds them), turns
enums into names, dates into the wire format and amounts into an authoritative minor-unit `Value`.
`complete` gives an output object every field of its model and nothing else, nulls included.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bot.billecta import enums
from bot.billecta.dates import format_datetime, parse_datetime
from bot.billecta.models import AmountView
from bot.money import DEFAULT_CURRENCY, MoneyError, decimals_for
from bot.sandbox import schema_data
from bot.sandbox.errors import bad_request

# Schema enum definitions that bot.billecta.enums already models.
ENUM_CLASSES: dict[str, type[enums.BillectaEnum]] = {
    "ActionSourceTypeView": enums.ActionSource,
    "ActionTypeView": enums.ActionType,
    "CommentTargetTypeView": enums.CommentTarget,
    "DebtCollectionActionLevelTypeView": enums.DebtCollectionLevel,
    "DebtCollectionActionStageTypeView": enums.DebtCollectionStage,
    "DebtorTypeView": enums.DebtorType,
    "DeliveryMethodTypeView": enums.DeliveryMethod,
    "DeliveryStatusTypeView": enums.DeliveryStatus,
    "DiscountTypeView": enums.DiscountType,
    "EventTypeView": enums.EventType,
    "InterestTypeView": enums.InterestType,
    "InvoiceActionStageTypeView": enums.InvoiceStage,
    "LanguageTypeView": enums.Language,
    "ProductTypeView": enums.ProductType,
    "RecordTypeView": enums.RecordType,
    "ReferenceTypeView": enums.ReferenceType,
    "RegisterPaymentOverShootingAmountHandlingTypeView": enums.OvershootingAmountHandling,
    "SwishStatusTypeView": enums.SwishStatus,
    "UnhandledPaymentStateTypeView": enums.UnhandledPaymentState,
    "UnhandledPaymentTypeView": enums.UnhandledPaymentType,
}
ENUM_CODES: dict[str, dict[int, str]] = {
    **{name: cls.codes() for name, cls in ENUM_CLASSES.items()}, **schema_data.EXTRA_ENUMS,
}


@dataclass(frozen=True)
class Spec:
    kind: str
    nullable: bool
    ref: str = ""
    item: Spec | None = None


def _parse(code: str) -> Spec:
    letter, rest = code[0], code[1:]
    nullable = rest.startswith("?")
    detail = rest[1 + nullable:] if rest[nullable:].startswith(":") else ""
    if letter == "a":
        return Spec("a", nullable, item=_parse(detail) if detail else None)
    return Spec(letter, nullable, ref=detail)


MODELS: dict[str, dict[str, Spec]] = {
    model: {name: _parse(code) for name, code in (part.split(":", 1) for part in text.split())}
    for model, text in schema_data.MODELS.items()
}
_KEYS = {model: {name.lower(): name for name in specs} for model, specs in MODELS.items()}


def enum_name(enum: str, value: Any, field: str) -> str:
    """An enum given by name (any case) or integer code, as its name; 400 otherwise."""
    codes = ENUM_CODES[enum]
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in codes:
        return codes[value]
    if isinstance(value, str):
        for name in codes.values():
            if name.lower() == value.lower():
                return name
    raise bad_request(f"{value!r} is not a valid value for {field}.")


def clean(model: str, data: Any, where: str | None = None) -> dict[str, Any]:
    """A request object reduced to `model`'s fields, with values checked and normalised."""
    where = where or model
    if not isinstance(data, dict):
        raise bad_request(f"{where} must be a JSON object.")
    if model == "AmountView":
        return _amount_in(data, where)
    specs, keys = MODELS[model], _KEYS[model]
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = keys.get(str(key).lower())
        if name is None:
            continue
        if value is None:
            if specs[name].nullable:
                out[name] = None
            continue
        out[name] = _value(specs[name], value, name)
    return out


def _value(spec: Spec, value: Any, field: str) -> Any:
    kind = spec.kind
    if kind == "s" and isinstance(value, str):
        return value
    if kind == "g" and isinstance(value, str):
        return guid(value, field)
    if kind == "t" and isinstance(value, str):
        try:
            return format_datetime(parse_datetime(value))
        except ValueError:
            raise bad_request(f"{field} is not a valid date.") from None
    if kind == "i" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "n" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if kind == "b" and isinstance(value, bool):
        return value
    if kind == "e":
        return enum_name(spec.ref, value, field)
    if kind == "o":
        return clean(spec.ref, value, field)
    if kind == "a" and isinstance(value, list):
        return [v if spec.item is None else _value(spec.item, v, field) for v in value if v is not None]
    if kind == "d" and isinstance(value, dict):
        return value
    expected = {"s": "text", "g": "an id", "t": "a date", "i": "a whole number", "n": "a number",
                "b": "true or false", "a": "a list", "d": "an object"}[kind]
    raise bad_request(f"{field} must be {expected}.")


def guid(value: str, field: str = "Id") -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise bad_request(f"{field} '{value}' is not a valid id.") from None


def _amount_in(data: dict[str, Any], where: str) -> dict[str, Any]:
    fields = clean_plain(data, {"currencycode": "CurrencyCode", "value": "Value", "valueforview": "ValueForView"})
    currency = fields.get("CurrencyCode")
    try:
        places = decimals_for(currency or DEFAULT_CURRENCY)
    except MoneyError:
        raise bad_request(f"{where}: the currency {currency} is not supported.") from None
    value = fields.get("Value")
    if isinstance(value, int) and not isinstance(value, bool):
        minor = value
    elif isinstance(fields.get("ValueForView"), (int, float)) and not isinstance(fields["ValueForView"], bool):
        major = Decimal(repr(fields["ValueForView"]))
        minor = int(major.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        raise bad_request(f"{where} must have a Value in minor units.")
    return {"CurrencyCode": currency.upper() if isinstance(currency, str) else None, "Value": minor}


def clean_plain(data: Any, keys: dict[str, str], *, keep_null: bool = False) -> dict[str, Any]:
    """A body that has no schema (sandbox-only, Swish): `keys` maps lower-case keys to field names."""
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    return {keys[str(k).lower()]: v for k, v in data.items()
            if str(k).lower() in keys and (keep_null or v is not None)}


def _default(spec: Spec) -> Any:
    if spec.nullable:
        return None
    if spec.kind == "e":
        codes = ENUM_CODES[spec.ref]
        return codes.get(0, next(iter(codes.values())))
    return {"b": False, "i": 0, "n": 0.0, "a": []}.get(spec.kind)


def complete(model: str, values: dict[str, Any]) -> dict[str, Any]:
    """An output object with exactly `model`'s fields: given values, else null or the type's zero."""
    return {name: values[name] if name in values else _default(spec) for name, spec in MODELS[model].items()}


def amount(minor: int, currency: str | None = DEFAULT_CURRENCY) -> dict[str, Any]:
    """An AmountView: the minor-unit Value and its display copy."""
    return AmountView.from_minor(minor, currency).to_wire()


def minor_of(value: dict[str, Any] | None) -> int:
    """The minor units of a cleaned AmountView (0 when absent)."""
    return int(value["Value"]) if value else 0


def round_minor(value: Decimal) -> int:
    """Fractional minor units rounded half-up (away from zero) to whole öre/cents."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def decimal_of(value: Any) -> Decimal:
    """A JSON number (quantity, VAT %, fee in major units) as an exact Decimal."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value or 0)
