"""The report creator's filter grammar: conditions `field op value` joined by `;`, e.g.
`remaining>1000;status=overdue`.

op is one of `=`, `!=`, `~` (contains), `<`, `>`, `<=`, `>=`, and what it means follows the field's
type (bot.reports.fields): text is equal, not equal or contains (case-insensitive); a date
(YYYY-MM-DD) is on, not on, before or after; an amount is compared exactly as a Decimal in the row's
currency ('1 000,50' or '1000.50'); a number as a whole number. Every condition is checked before the
report runs, and a bad one is refused naming its field, operator or value.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.errors import InvalidInput, echo
from bot.money import MoneyError, from_minor, parse_decimal
from bot.reports.fields import BY_KEY, Field, Kind
from bot.reports.table import CURRENCY

FILTER = "filter"
OPS = ("!=", "<=", ">=", "=", "~", "<", ">")  # two-character ops first: '<=' is not '<' then '=1000'
_CONDITION = re.compile(r"^\s*([A-Za-z_]+)\s*(" + "|".join(re.escape(op) for op in OPS) + r")\s*(.*?)\s*$")
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
_ALLOWED = {Kind.TEXT: ("=", "!=", "~"), Kind.DATE: ("=", "!=", "<", ">", "<=", ">="),
            Kind.AMOUNT: ("=", "!=", "<", ">", "<=", ">="), Kind.NUMBER: ("=", "!=", "<", ">", "<=", ">=")}


@dataclass(frozen=True)
class Condition:
    field: Field
    op: str
    value: Any  # str (casefolded) for text, date, Decimal, int
    typed: str  # as the user wrote it

    def __str__(self) -> str:
        return f"{self.field.key}{self.op}{self.typed}"

    def holds(self, row: dict[str, Any]) -> bool:
        cell = row.get(self.field.key)
        if cell is None or cell == "":
            return self.op == "!=" if self.field.kind is not Kind.TEXT else self._text("")
        if self.field.kind is Kind.TEXT:
            return self._text(str(cell))
        if self.field.kind is Kind.DATE:
            cell = date.fromisoformat(str(cell)[:10])
        elif self.field.kind is Kind.AMOUNT:
            cell = from_minor(int(cell), row.get(CURRENCY))
        return _COMPARE[self.op](cell, self.value)

    def _text(self, cell: str) -> bool:
        folded = cell.casefold()
        if self.op == "~":
            return self.value in folded
        return (folded == self.value) is (self.op == "=")


def parse_filter(text: Any) -> list[Condition]:
    """The conditions of `filter=`; every bad one named in one refusal under the filter field."""
    if text in (None, ""):
        return []
    conditions: list[Condition] = []
    problems: list[str] = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        try:
            conditions.append(_condition(part))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        message = " ".join(problems)
        raise InvalidInput(f"{FILTER}: {message}", {FILTER: message})
    return conditions


def _condition(part: str) -> Condition:
    match = _CONDITION.match(part)
    if match is None:
        raise ValueError(f"{echo(part.strip())!r} is not a condition: write field, operator, value, "
                         f"e.g. remaining>1000 (operators: {' '.join(OPS)}).")
    key, op, typed = match.group(1).lower(), match.group(2), match.group(3)
    field = BY_KEY.get(key)
    if field is None:
        raise ValueError(f"{echo(key)!r} is not a field (`report create --help` lists them).")
    if op not in _ALLOWED[field.kind]:
        raise ValueError(f"{field.key} is a {field.kind.value} field: use {' '.join(_ALLOWED[field.kind])}, "
                         f"not {op}.")
    return Condition(field, op, _value(field, typed), typed)


def _value(field: Field, typed: str) -> Any:
    if field.kind is Kind.TEXT:
        return typed.casefold()
    if not typed:
        raise ValueError(f"{field.key}: give a value after the operator.")
    if field.kind is Kind.DATE:
        try:
            if len(typed) != 10:
                raise ValueError(typed)
            return date.fromisoformat(typed)
        except ValueError:
            raise ValueError(f"{field.key}: {echo(typed)!r} is not a date: write it YYYY-MM-DD.") from None
    if field.kind is Kind.NUMBER:
        if not re.fullmatch(r"-?\d+", typed):
            raise ValueError(f"{field.key}: {echo(typed)!r} is not a whole number.")
        return int(typed)
    try:
        return parse_decimal(typed, field=field.key)
    except MoneyError as exc:
        raise ValueError(f"{field.key}: {echo(typed)!r} is not an amount ({exc}).") from None


def describe(conditions: list[Condition]) -> str:
    return "; ".join(str(c) for c in conditions) or "none"


def matches(conditions: list[Condition], row: dict[str, Any]) -> bool:
    return all(c.holds(row) for c in conditions)
