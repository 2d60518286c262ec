"""File exports of logs and reports: the one CSV writer, safe to open in Excel, and file names that
say what is inside (the record, the filter, the row count). Pure, no I/O.

Every export the bot makes (the event log today, reports to come) writes its CSV here, so the
CSV-injection rule is applied once. OWASP's rule: a cell that begins with `=`, `+`, `-`, `@`, a
tab or a carriage return is read by spreadsheets as a formula (`=HYPERLINK(...)` in a payment
reference becomes a live link), so such a cell is prefixed with a single quote, and every cell
is quoted with its double quotes doubled. Numbers the bot computed (int, Decimal) are written as
they are: they cannot hold a formula, and a negative amount must stay a number.

Reports are opened by Swedish accountants in Excel with Swedish settings, which reads a list
separator of `;` and a decimal comma: `SWEDISH` writes that (`1234,50`), still UTF-8 with a BOM.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from bot.files import OutcomeFile

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvLocale:
    delimiter: str = ","
    decimal_comma: bool = False


DEFAULT = CsvLocale()
SWEDISH = CsvLocale(delimiter=";", decimal_comma=True)


class ExportFile(NamedTuple):
    filename: str
    content: bytes
    mimetype: str
    rows: int  # records in the file (0: there is nothing to send)
    filters: Mapping[str, str] | None = None  # what narrowed it (option name → value), said beside the file

    def as_file(self) -> OutcomeFile:
        """The export as a file to deliver (bot.files): Slack uploads it, the CLI writes it to --out."""
        return OutcomeFile(self.filename, self.mimetype, self.filename, content=self.content)


def safe_cell(value: Any, locale: CsvLocale = DEFAULT) -> str:
    """One CSV cell: None is empty; text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if locale.decimal_comma else text
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]],
              locale: CsvLocale = DEFAULT) -> tuple[bytes, int]:
    """(content, row count): UTF-8 with a BOM (so Excel reads å, ä, ö), `locale`'s separator
    (comma by default), CRLF, every cell quoted and formula-safe, a header row of `columns`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=locale.delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([safe_cell(column) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(column), locale) for column in columns])
        count += 1
    return buffer.getvalue().encode("utf-8-sig"), count


def csv_file(stem: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]],
             filters: Mapping[str, str] | None = None, locale: CsvLocale = DEFAULT) -> ExportFile:
    content, count = write_csv(columns, rows, locale)
    return ExportFile(f"{stem}-{rows_part(count)}.csv", content, "text/csv", count, filters)


def rows_part(count: int) -> str:
    return f"{count}-row" if count == 1 else f"{count}-rows"


def file_stem(*parts: str | None, filters: Mapping[str, Any] | None = None) -> str:
    """'events-invoice-1001-text-reminder': the parts, then each filter set as name-value, made safe
    for a file name (letters, digits, dot, dash, underscore) and kept short."""
    words = [p for p in parts if p]
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            words += [name.replace("_", "-"), str(value)]
    stem = "-".join(_slug(word) for word in words if _slug(word))
    return stem[:120].rstrip("-") or "export"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.")


def describe_filters(filters: Mapping[str, Any] | None) -> str:
    """'text “reminder”, event type Paid' for the message beside the file ('' when unfiltered)."""
    shown = [f"{name.replace('_', ' ')} “{value}”" for name, value in (filters or {}).items()
             if value not in (None, "")]
    return ", ".join(shown)
