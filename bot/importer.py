"""File imports: articles, debtors, creditors, orders and order rows from CSV or JSON into the store.

All or nothing: every row is checked first (types, required fields, references to records already
in the store, exact amounts) and a file with any bad row writes nothing; the report lists every bad
row by its line (CSV, the header is line 1) or record number (JSON, 1-based) with a plain-English
reason naming the column. A good file is upserted by id in one transaction, so re-importing an
edited file marks only the edited records 'changed'.

CSV is UTF-8 (a BOM is fine) with ',' or ';' between values (Swedish Excel writes ';' and '1150,00').
JSON is a list of objects or {"records": [...]}; numbers are read exactly (Decimal), never as floats.
A column present but empty clears the value (or resets it to its default); a column the file leaves
out keeps an existing record's stored value, and a new record gets the default.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from bot.errors import InvalidInput
from bot.importer_fields import SCHEMAS, Column, FieldError, is_blank
from bot.store import Store, SyncStatus, UpsertResult, would_change

RECORD_TYPES = tuple(SCHEMAS)
_PLURALS = {"article": "articles", "debtor": "debtors", "creditor": "creditors", "order": "orders",
            "orderrow": "order rows"}
_FORMATS = {".csv": "csv", ".json": "json"}

# JSON is parsed whole, so its size is capped; CSV streams and has no limit.
MAX_JSON_BYTES = 20 * 1024 * 1024
BATCH_ROWS = 500  # rows per upsert batch: few round trips, little memory
Row = tuple[int, dict[str, Any]]  # (line or record number, column -> raw value)


@dataclass
class RowError:
    line: int  # CSV: physical line (header = 1); JSON: 1-based record number
    field: str | None  # the column, or None for the whole row
    message: str
    unit: str = "line"  # 'line' (CSV) or 'record' (JSON)
    in_header: bool = False

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.message}"


@dataclass
class ImportReport:
    record_type: str
    created: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self) -> str:
        """The report for the CLI: a summary line, then one line per error or per kind of id."""
        noun = _PLURALS[self.record_type]
        if self.errors:
            if all(error.in_header for error in self.errors):
                summary = f"No {noun} imported: the file's columns are wrong."
            else:
                bad = len({error.line for error in self.errors if not error.in_header})
                row = "row" if self.errors[-1].unit == "line" else "record"
                summary = f"No {noun} imported: {bad} {row}{'s have' if bad != 1 else ' has'} errors."
            return "\n".join([summary, *(f"  {error}" for error in self.errors)])
        total = len(self.created) + len(self.changed) + len(self.unchanged)
        if not total:
            return f"No {noun} in the file; nothing imported."
        name = noun if total != 1 else noun.removesuffix("s")
        lines = [f"Imported {total} {name}: {len(self.created)} new, {len(self.changed)} changed, "
                 f"{len(self.unchanged)} unchanged."]
        for label, ids in (("new", self.created), ("changed", self.changed)):
            if ids:
                lines.append(f"  {label}: {_id_ranges(ids)}")
        return "\n".join(lines)


def import_file(store: Store, record_type: str, path: str | Path) -> ImportReport:
    """Validate a whole CSV or JSON file of one record type and upsert it only if every row is good.

    A CSV file is read as a stream (a line at a time, written in batches inside one transaction that
    is rolled back if any row is bad), so memory stays flat however large the file is."""
    path = Path(path)
    kind, file_format = _kind(record_type), _format(path.name)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InvalidInput(f"There is no file '{path}'.", {"path": "no such file"}) from None
    except OSError as exc:
        raise InvalidInput(f"Cannot read '{path}': {exc.strerror}.", {"path": str(exc.strerror)}) from None
    with handle:
        return _import(store, kind, file_format, handle, path.name)


def import_bytes(store: Store, record_type: str, data: bytes, filename: str) -> ImportReport:
    """As import_file, for content already in memory (a Slack upload); `filename` picks the format."""
    kind, file_format = _kind(record_type), _format(filename)
    return _import(store, kind, file_format, io.BytesIO(data), filename)


def _kind(record_type: str) -> str:
    kind = str(record_type).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    kind = kind if kind in SCHEMAS else kind.removesuffix("s")
    if kind not in SCHEMAS:
        raise InvalidInput(f"Cannot import '{record_type}': the record type must be one of "
                           f"{', '.join(RECORD_TYPES)}.", {"record_type": "unknown record type"})
    return kind


def _format(filename: str) -> str:
    file_format = _FORMATS.get(Path(filename).suffix.lower())
    if file_format is None:
        raise InvalidInput(f"Cannot import '{filename}': the file must end in .csv or .json.",
                           {"path": "unsupported file type"})
    return file_format


def _import(store: Store, kind: str, file_format: str, handle: BinaryIO, filename: str) -> ImportReport:
    schema = SCHEMAS[kind]
    report = ImportReport(kind)
    if file_format == "csv":
        rows = _read_csv(_text_lines(handle, filename), schema, report)
    else:
        rows = iter(_read_json(_json_text(handle, filename), schema, report))
    if report.errors and all(error.in_header for error in report.errors):
        return report
    _write(store, kind, rows, report, "line" if file_format == "csv" else "record")
    report.errors.sort(key=lambda error: error.line)
    return report


# -- reading ----------------------------------------------------------------------------------------
def _text_lines(handle: BinaryIO, filename: str) -> Iterator[str]:
    """The file's lines as text, one at a time (ends kept, as the csv module wants them); a byte that
    is not UTF-8 stops the import with its line number."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"'{filename}' is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {number}). "
                "In Excel, save it as 'CSV UTF-8'.", {"path": "not UTF-8"}) from None


def _json_text(handle: BinaryIO, filename: str) -> str:
    """A JSON file is parsed whole (the standard library has no streaming parser): above
    MAX_JSON_BYTES it is refused, and CSV, read as a stream, takes any size."""
    data = handle.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise InvalidInput(f"'{filename}' is larger than {MAX_JSON_BYTES // 1024 // 1024} MB, the limit for JSON "
                           "imports; save it as CSV (any size) or split it.", {"path": "too large"})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"'{filename}' is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}). "
            "In Excel, save it as 'CSV UTF-8'.", {"path": "not UTF-8"}) from None


def _read_csv(lines: Iterator[str], schema: dict[str, Column], report: ImportReport) -> Iterator[Row]:
    """Reads the header now (a wrong header is reported before anything else); the rows as a stream."""
    first = next(lines, "")
    sep_line = first.strip().lower().startswith("sep=") and len(first.strip()) == 5  # Excel's 'sep=;' line
    delimiter = first.strip()[4] if sep_line else (";" if first.count(";") > first.count(",") else ",")
    reader = csv.reader(itertools.chain([] if sep_line else [first], lines), delimiter=delimiter)
    skipped = 1 if sep_line else 0
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InvalidInput(f"The file is not valid CSV near line {reader.line_num + skipped}: {exc}.") from None
    if header is None or not any(cell.strip() for cell in header):
        raise InvalidInput("The file is empty: the first line must name the columns.", {"path": "empty"})
    names = [cell.strip().lower() for cell in header]
    _check_columns(names, schema, report, reader.line_num + skipped, "line")
    return _csv_rows(reader, names, delimiter, skipped, report)


def _csv_rows(reader: Any, names: list[str], delimiter: str, skipped: int, report: ImportReport) -> Iterator[Row]:
    start = reader.line_num + skipped + 1
    try:
        for values in reader:
            line, start = start, reader.line_num + skipped + 1
            if not any(value.strip() for value in values):
                continue  # blank line, or an Excel row of empty cells
            if len(values) != len(names):
                report.errors.append(RowError(line, None, f"has {len(values)} values but the header has "
                                              f"{len(names)} columns (is a '{delimiter}' missing quotes?)"))
                continue
            for name, value in zip(names, values, strict=True):
                if not name and value.strip():
                    report.errors.append(RowError(line, None, f"has the value '{value.strip()}' in a column "
                                                  "with no name in the header"))
            yield line, {name: value for name, value in zip(names, values, strict=True) if name}
    except csv.Error as exc:
        raise InvalidInput(f"The file is not valid CSV near line {reader.line_num + skipped}: {exc}.") from None


def _read_json(text: str, schema: dict[str, Column], report: ImportReport) -> list[Row]:
    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not a number")

    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=no_constants)
    except ValueError as exc:
        raise InvalidInput(f"The file is not valid JSON: {exc}.", {"path": "not JSON"}) from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        raise InvalidInput('The JSON file must hold a list of objects, or {"records": [...]}.',
                           {"path": "not a list of records"})
    rows: list[Row] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            report.errors.append(RowError(number, None, "is not an object with column names", "record"))
            continue
        names = [str(key).strip().lower() for key in item]
        _check_columns(names, schema, report, number, "record", header=False)
        rows.append((number, {name: value for name, value in zip(names, item.values(), strict=True)
                              if name in schema}))
    return rows


def _check_columns(names: list[str], schema: dict[str, Column], report: ImportReport, line: int,
                   unit: str, header: bool = True) -> None:
    expected = ", ".join(schema)
    seen: set[str] = set()
    for name in names:
        if name and name not in schema:
            report.errors.append(RowError(line, name, f"unknown column '{name}' (expected: {expected})",
                                          unit, header))
        elif name in seen and name:
            report.errors.append(RowError(line, name, f"column '{name}' appears twice", unit, header))
        seen.add(name)
    for name, column in schema.items():
        if column.required and name not in seen:
            what = "missing required column" if header else "missing required field"
            report.errors.append(RowError(line, name, f"{what} '{name}'", unit, header))


# -- validation -------------------------------------------------------------------------------------
class _RollBack(Exception):
    """A bad row was found: undo what this import wrote so far (all or nothing)."""


def _write(store: Store, kind: str, rows: Iterator[Row], report: ImportReport, unit: str) -> None:
    """Check each row as it is read and upsert good ones in batches, in one transaction that is rolled
    back at the end if any row was bad; after the first bad row, rows are only checked."""
    schema = SCHEMAS[kind]
    known = {col.refers_to: set(store.ids(col.refers_to)) for col in schema.values() if col.refers_to}
    first_seen: dict[int, int] = {}
    batch: list[dict[str, Any]] = []
    result = UpsertResult()

    def flush() -> None:
        if batch and not report.errors:
            done = store.upsert_records(kind, batch)
            result.created += done.created
            result.changed += done.changed
            result.unchanged += done.unchanged
        batch.clear()

    try:
        with store.transaction():
            for line, raw in rows:
                # Checked against the store before this batch is written: an id seen earlier in the
                # file is a duplicate (reported below), never an existing record.
                record, problems = _check_row(store, kind, schema, raw, known)
                rid = record.get("id")
                if rid is not None and rid in first_seen:
                    where = "on line" if unit == "line" else "in record"
                    problems.insert(0, ("id", f"id {rid} appears again (first {where} {first_seen[rid]})"))
                elif rid is not None:
                    first_seen[rid] = line
                report.errors.extend(RowError(line, column, message, unit) for column, message in problems)
                if not report.errors:
                    batch.append(record)
                    if len(batch) >= BATCH_ROWS:
                        flush()
            flush()
            if report.errors:
                raise _RollBack
    except _RollBack:
        return
    report.created, report.changed, report.unchanged = result.created, result.changed, result.unchanged


def _check_row(store: Store, kind: str, schema: dict[str, Column], raw: dict[str, Any],
               known: dict[str, set[int]]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The record to upsert and the (column, message) problems of one row."""
    record: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    existing = None
    if not is_blank(raw.get("id")):
        with contextlib.suppress(FieldError):  # a bad id is reported below
            existing = store.get(kind, schema["id"].parse("id", raw["id"], None))
    # A new record gets every column's default; an existing one keeps what the file leaves out.
    base = existing or {name: column.default for name, column in schema.items()}
    country = base.get("country_code")
    if not is_blank(raw.get("country_code")):
        try:
            country = schema["country_code"].parse("country_code", raw["country_code"], None)
        except FieldError:
            country = None  # reported below; the Swedish checks that depend on it are skipped
    for name, column in schema.items():
        if name not in raw:
            continue
        if is_blank(raw[name]):
            if column.required:
                problems.append((name, f"{name} is required"))
            record[name] = column.default
            continue
        try:
            record[name] = column.parse(name, raw[name], country)
        except FieldError as exc:
            problems.append((name, str(exc)))
            continue
        if column.refers_to and record[name] not in known[column.refers_to]:
            problems.append((name, f"{name} {record[name]} does not match any {column.refers_to} in the "
                                   f"store (import the {_PLURALS[column.refers_to]} first)"))
    if existing and existing.get("sync_status") == SyncStatus.ANONYMIZED and would_change(existing, record):
        # Importing personal data over an anonymized debtor would undo a GDPR erasure.
        problems.insert(0, ("id", f"{kind} {existing['id']} was anonymized; its data cannot be imported again"))
    merged = {**base, **record}
    if kind == "orderrow" and merged.get("article_id") is None and "article_id" not in dict(problems):
        for name in ("unit_price", "description"):
            if merged.get(name) is None and is_blank(raw.get(name)):
                problems.append((name, f"{name} is required when there is no article_id"))
    return (record if existing else merged), problems


def _id_ranges(ids: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3, 5'."""
    parts: list[str] = []
    for number in sorted(ids):
        if parts and parts[-1].split("-")[-1] == str(number - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{number}"
        else:
            parts.append(str(number))
    return ", ".join(parts)
