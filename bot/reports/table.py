"""A report's table, one shape for its PDF and its CSV: columns, then rows of plain values.

Amount cells hold integer minor units and the row its `currency`; the PDF shows them grouped with a
decimal comma (or rounded, as the column's `numbers` says), the CSV as exact decimals. A row may carry
a `style` ('subtotal', 'total'), drawn bold in the PDF; the CSV has one row per record and leaves those
out (a spreadsheet sums itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.reports.numbers import Numbers, cell, exact
from bot.services.export import SWEDISH, ExportFile, csv_file

Row = Mapping[str, Any]
STYLE = "style"
CURRENCY = "currency"


class Cell(StrEnum):
    TEXT = "text"
    AMOUNT = "amount"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    cell: Cell = Cell.TEXT
    width: float = 20  # mm in the PDF
    csv: bool = True  # a PDF-only column (a bucket's short name) is left out of the CSV
    numbers: Numbers = Numbers.EXACT  # how the PDF shows an amount (bot.reports.numbers); the CSV is exact

    @property
    def right_aligned(self) -> bool:
        return self.cell is not Cell.TEXT


def shown(column: Column, row: Row) -> str:
    """The cell as the PDF draws it."""
    value = row.get(column.key)
    if value is None:
        return ""
    if column.cell is Cell.AMOUNT:
        return cell(int(value), row.get(CURRENCY), column.numbers)
    return str(value)


def csv_export(stem: str, columns: Iterable[Column], rows: Iterable[Row],
               filters: Mapping[str, str] | None = None) -> ExportFile:
    """The record rows (not subtotals) as the Swedish CSV, amounts as exact decimals."""
    picked = [c for c in columns if c.csv]
    titles = [c.title for c in picked]

    def records() -> Iterable[dict[str, Any]]:
        for row in rows:
            if row.get(STYLE):
                continue
            yield {c.title: _csv_value(c, row) for c in picked}

    return csv_file(stem, titles, records(), filters, SWEDISH)


def _csv_value(column: Column, row: Row) -> Any:
    value = row.get(column.key)
    if value is None:
        return None
    if column.cell is Cell.AMOUNT:
        return exact(int(value), row.get(CURRENCY))
    if column.cell is Cell.NUMBER:
        return int(value)
    return str(value)
