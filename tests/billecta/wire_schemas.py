"""Billecta's JSON Schemas (./schemas, MIT, see schemas/LICENSE.md) as validators for request bodies.

The schemas declare enums as integers with their names in `x-enumNames`; Billecta's JSON uses the
names, so both are accepted. Date-times must be Billecta's wire format and GUIDs real GUIDs.
"""

from __future__ import annotations

import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_DIR = Path(__file__).parent / "schemas"
WIRE_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time")
def _wire_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(WIRE_DATETIME.match(value))


@FORMATS.checks("guid")
def _guid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def accept_enum_names(node: Any) -> Any:
    """The schema with each integer enum also accepting its x-enumNames."""
    if isinstance(node, dict):
        if "x-enumNames" in node:
            return {"anyOf": [{"type": "integer", "enum": node["enum"]},
                              {"type": "string", "enum": node["x-enumNames"]}]}
        return {key: accept_enum_names(value) for key, value in node.items()}
    if isinstance(node, list):
        return [accept_enum_names(item) for item in node]
    return node


@cache
def validator(name: str) -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(accept_enum_names(schema), format_checker=FORMATS)


def assert_valid(name: str, instance: Any) -> None:
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.path))
    lines = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message[:200]}" for e in errors[:10]]
    assert not errors, f"{name} invalid:\n" + "\n".join(lines)
