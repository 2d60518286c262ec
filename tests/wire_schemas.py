"""Billecta's JSON Schemas (copied into ./schemas, MIT, see schemas/LICENSE.md) as test validators.

The schemas declare enums as integers with their names in `x-enumNames`; the live API writes the
names, so `validator()` accepts either. Dates must be Billecta's wire format and GUIDs real GUIDs.

Run as a script to regenerate `bot/sandbox/schema_data.py` from the copied schemas:
    .venv/bin/python tests/wire_schemas.py > bot/sandbox/schema_data.py
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_DIR = Path(__file__).parent / "schemas"
WIRE_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")

_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date-time")
def _is_wire_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(WIRE_DATETIME.match(value))


@_FORMATS.checks("guid")
def _is_guid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _accept_enum_names(node: Any) -> Any:
    if isinstance(node, dict):
        if "x-enumNames" in node:
            return {"anyOf": [{"type": "integer", "enum": node["enum"]},
                              {"type": "string", "enum": node["x-enumNames"]}]}
        return {key: _accept_enum_names(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_accept_enum_names(item) for item in node]
    return node


@cache
def raw_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@cache
def validator(name: str, definition: str | None = None) -> jsonschema.Draft4Validator:
    """A validator for a schema file, or for one of its definitions (list files define their item)."""
    schema = copy.deepcopy(raw_schema(name))
    if definition is not None:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return jsonschema.Draft4Validator(_accept_enum_names(schema), format_checker=_FORMATS)


def assert_valid(name: str, instance: Any, definition: str | None = None) -> None:
    errors = sorted(validator(name, definition).iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        lines = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message[:200]}" for e in errors[:10]]
        raise AssertionError(f"{name} invalid:\n" + "\n".join(lines))


def assert_valid_list(name: str, item_definition: str, items: Any) -> None:
    assert isinstance(items, list), f"{name} must be a bare JSON array, got {type(items).__name__}"
    for item in items:
        assert_valid(name, item, item_definition)


# --- the compact field specs that bot/sandbox/schema_data.py holds --------------------------------

def _ref(prop: dict[str, Any]) -> str:
    return prop["$ref"].rsplit("/", 1)[-1]


def field_code(prop: dict[str, Any], definitions: dict[str, Any]) -> str:
    """One field as 'letter[?][:detail]': s text, g guid, t date-time, i int, n number, b bool,
    e:Enum, o:Model, a:<item code>; '?' marks a nullable field."""
    if "$ref" in prop:
        name = _ref(prop)
        return ("e:" if "x-enumNames" in definitions[name] else "o:") + name
    if "oneOf" in prop:
        inner = next(p for p in prop["oneOf"] if p.get("type") != "null")
        code = field_code(inner, definitions)
        return code[0] + "?" + code[1:]
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    base = next(t for t in types if t != "null")
    letter = {"string": {"guid": "g", "date-time": "t"}.get(prop.get("format", ""), "s"),
              "integer": "i", "number": "n", "boolean": "b", "array": "a", "object": "d"}[base]
    code = letter + ("?" if "null" in types else "")
    if base == "array":
        code += ":" + field_code(prop["items"], definitions)
    return code


def collect_models() -> tuple[dict[str, str], dict[str, dict[int, str]]]:
    models: dict[str, str] = {}
    enums: dict[str, dict[int, str]] = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        definitions = schema.get("definitions", {})
        named = dict(definitions)
        if "properties" in schema:
            named[schema["title"]] = schema
        for name, node in named.items():
            if "x-enumNames" in node:
                enums[name] = dict(zip(node["enum"], node["x-enumNames"], strict=True))
            elif "properties" in node:
                fields = " ".join(f"{k}:{field_code(v, definitions)}" for k, v in node["properties"].items())
                models[name] = fields
    return dict(sorted(models.items())), dict(sorted(enums.items()))


def render_module() -> str:
    from bot.sandbox.shapes import ENUM_CLASSES  # the enums bot.billecta.enums already has

    models, enums = collect_models()
    out = ['"""Field specs of the Billecta models the sandbox reads and writes, generated from the JSON',
           'Schemas by tests/wire_schemas.py (a test keeps them equal). Codes: see shapes.py."""',
           "", "MODELS: dict[str, str] = {"]
    for name, fields in models.items():
        if len(name) + len(fields) < 96:
            out.append(f'    "{name}": "{fields}",')
            continue
        out.append(f'    "{name}": (')
        line = ""
        for part in fields.split(" "):
            if len(line) + len(part) > 96:
                out.append(f'        "{line}"')
                line = ""
            line += part + " "
        out.append(f'        "{line.rstrip()}"')
        out.append("    ),")
    out += ["}", "", "# Enums that bot.billecta.enums does not define: {code: name}.",
            "EXTRA_ENUMS: dict[str, dict[int, str]] = {"]
    for name, codes in enums.items():
        if name not in ENUM_CLASSES:
            out.append(f'    "{name}": {{')
            line = ""
            for code, label in codes.items():
                if len(line) > 80:
                    out.append("        " + line.rstrip())
                    line = ""
                line += f'{code}: "{label}", '
            out.append("        " + line.rstrip())
            out.append("    },")
    out.append("}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render_module(), end="")
