"""A form rendered from the command's pydantic model, for dialogs without a form module of their own.

str → text input, Decimal/float → decimal number, int → number, date → datepicker, Enum/Literal →
select, bool → checkbox. `Field(title=..., description=...)` give the label and the hint; optional
fields are optional inputs. Every input validates on change (dispatch_action).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic.fields import FieldInfo

from blocks import limits
from blocks.common import Block, option, plain
from blocks.forms import FormContext, initial_option, initial_text, label_of, validate_as_you_type
from blocks.ids import ActionId, unique_id


def form_blocks(ctx: FormContext) -> list[Block]:
    model = ctx.command.dialog.form
    return [field_block(name, info, ctx.values.get(name)) for name, info in model.model_fields.items()]


def field_block(name: str, info: FieldInfo, value: Any) -> Block:
    annotation, optional = _unwrap(info.annotation)
    element = _element(annotation, value)
    element["action_id"] = unique_id(ActionId.FORM_FIELD, name)
    block: Block = {"type": "input", "block_id": name, "label": label_of(name, info.title),
                    "optional": optional or not info.is_required(), "element": element}
    if element["type"] != "checkboxes":
        validate_as_you_type(block)
    if info.description:
        block["hint"] = plain(info.description, limits.LABEL)
    return block


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def _element(annotation: Any, value: Any) -> Block:
    choices = _choices(annotation)
    if choices is not None:
        options = [option(str(c), str(c)) for c in choices][: limits.OPTIONS]
        return {"type": "static_select", "options": options, **initial_option(options, value)}
    if annotation is bool:
        box = option("Yes", "true")
        return {"type": "checkboxes", "options": [box], **({"initial_options": [box]} if value in (True, "true")
                                                          else {})}
    if annotation is dt.date:
        return {"type": "datepicker", **({"initial_date": str(value)} if value else {})}
    if annotation in (Decimal, float, int):
        return {"type": "number_input", "is_decimal_allowed": annotation is not int, **initial_text(value)}
    return {"type": "plain_text_input", **initial_text(value)}


def _choices(annotation: Any) -> list[Any] | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [member.value for member in annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return None
