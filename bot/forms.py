"""A dialog's form model (pydantic) seen from outside: validation with every error under its field,
and the field list for `run <type> <verb> --help`. One place for both, used by Slack and the CLI.

Field metadata read here: `title`, `description`, and in `json_schema_extra` `choices` (allowed
values), `default_text` (a default in words, e.g. 'today') and `kind` (overrides the type's name).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from bot.errors import InvalidInput, UsageError


def check_fields(command_name: str, form: type[BaseModel], values: dict[str, Any]) -> None:
    """Typed values name only the form's fields, and every required one (the CLI: no prefill)."""
    fields = form.model_fields
    unknown = sorted(set(values) - set(fields))
    missing = [field for field, info in fields.items() if info.is_required() and field not in values]
    if unknown or missing:
        problem = (f"has no field {', '.join(unknown)}" if unknown else
                   f"needs {', '.join(f'{field}=…' for field in missing)}")
        raise UsageError(f"`{command_name}` {problem}. Its fields:\n{form_help(form)}")


def form_help(form: type[BaseModel]) -> str:
    """One line per field, from the form model itself: name, type, required or default, choices."""
    return "\n".join(_field_line(name, info) for name, info in form.model_fields.items())


def _field_line(name: str, info: FieldInfo) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    kind = str(extra.get("kind") or ("choice" if extra.get("choices") else _type_name(info.annotation)))
    if info.is_required():
        need = "required"
    else:
        default = extra.get("default_text") or _default_text(info.default)
        need = f"optional, default {default}" if default not in (None, "") else "optional"
    line = f"  {name:<20} {kind:<7} {need}"
    choices = extra.get("choices")
    if isinstance(choices, (list, tuple)) and choices:
        line += f"; one of {', '.join(str(c) for c in choices)}"
    if info.description:
        line += f". {info.description}"
    if info.examples and "e.g." not in (info.description or ""):
        # As the shell takes it: an example with a space is quoted (amount="1 250,00").
        line += "; e.g. " + " or ".join(f'"{e}"' if " " in str(e) else str(e) for e in info.examples)
    return line


def _default_text(default: Any) -> Any:
    """A default as a user would type it: an enum's value, yes/no for a flag (never Python's None/True)."""
    if isinstance(default, Enum):
        return default.value
    if isinstance(default, bool):
        return "yes" if default else "no"
    return default


def _type_name(annotation: Any) -> str:
    names = {Decimal: "amount", dt.date: "date", str: "text", bool: "yes/no", int: "number"}
    for known, name in names.items():
        if annotation is known or known in getattr(annotation, "__args__", ()):
            return name
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "choice"
    return "text"


def validate_form(form: type[BaseModel], values: dict[str, Any], prepared: dict[str, Any]) -> BaseModel:
    """The form, or InvalidInput naming every bad field (the one place errors are mapped to fields).

    An error of the whole form (no payment possible on this invoice) is the message alone."""
    try:
        return form.model_validate(values, context=prepared)
    except ValidationError as exc:
        errors = form_errors(form, exc)
        if not errors:
            raise InvalidInput(_message(exc.errors()[0])) from exc
        # Named as typed on the command line (`amount=`); the modal shows each under its field.
        shown = "; ".join(f"{name}: {message.rstrip('.')}" for name, message in errors.items())
        raise InvalidInput(f"Please check the form: {shown}.", field_errors=errors) from exc


def form_errors(form: type[BaseModel], exc: ValidationError) -> dict[str, str]:
    """Each field's first error, under the field's name (= the modal's input block id)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        if error["loc"] and str(error["loc"][0]) in form.model_fields:
            errors.setdefault(str(error["loc"][0]), _message(error))
    return errors


def _message(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")
