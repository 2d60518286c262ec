"""The report PDF (fpdf2, via bot.pdfdoc): title, parameters, the as-of line, a chart, then the table,
which pages with its header row repeated on every page, and the totals. Landscape A4, page numbers
in the footer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fpdf import FPDF

from bot.pdfdoc import FONT, latin1, new_document, output
from bot.reports.table import STYLE, Column, Row, shown

ROW_HEIGHT = 4.6
CHART_WIDTH = 150  # mm


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.cell(0, 5, latin1(f"{self.footer_text} · page {self.page_no()}/{{nb}}"), align="C")


@dataclass
class ReportDocument:
    title: str
    parameters: Sequence[tuple[str, str]]
    as_of: str
    columns: Sequence[Column]
    rows: Iterable[Row]
    created: datetime
    summary: Sequence[tuple[str, str]] = ()  # label, value lines above the table (the totals)
    chart_png: bytes | None = None
    notes: Sequence[str] = field(default_factory=tuple)
    author: str | None = None


def draw(doc: ReportDocument) -> bytes:
    pdf = new_document(doc.title, author=doc.author, creator="billecta-bot", created=doc.created,
                       orientation="landscape", cls=_Document)
    assert isinstance(pdf, _Document)
    pdf.footer_text = latin1(f"{doc.title} · {doc.as_of}")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    _head(pdf, doc)
    if doc.chart_png:
        pdf.image(io.BytesIO(doc.chart_png), w=CHART_WIDTH)
        pdf.ln(2)
    for note in doc.notes:
        pdf.set_font(FONT, "I", 7)
        pdf.multi_cell(0, 3.6, latin1(note), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _table(pdf, doc.columns, doc.rows)
    return output(pdf)


def _head(pdf: FPDF, doc: ReportDocument) -> None:
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, latin1(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for label, value in doc.parameters:
        pdf.cell(0, 4.6, latin1(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 9)
    pdf.cell(0, 5, latin1(doc.as_of), new_x="LMARGIN", new_y="NEXT")
    if doc.summary:
        pdf.ln(1)
        for label, value in doc.summary:
            pdf.set_font(FONT, "", 9)
            pdf.cell(45, 4.6, latin1(label))
            pdf.set_font(FONT, "B", 9)
            pdf.cell(0, 4.6, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _table(pdf: FPDF, columns: Sequence[Column], rows: Iterable[Row]) -> None:
    _header_row(pdf, columns)
    style = None
    pdf.set_font(FONT, "", 7)
    for row in rows:
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
            _header_row(pdf, columns)
            style = None
        wanted = row.get(STYLE)
        if wanted != style:
            pdf.set_font(FONT, "B" if wanted else "", 7)
            style = wanted
        border = "T" if wanted == "total" else ""
        for column in columns:
            text = latin1(shown(column, row))
            pdf.cell(column.width, ROW_HEIGHT, _fit(pdf, text, column.width), border=border,
                     align="R" if column.right_aligned else "L")
        pdf.ln(ROW_HEIGHT)


def _header_row(pdf: FPDF, columns: Sequence[Column]) -> None:
    pdf.set_font(FONT, "B", 7)
    for column in columns:
        pdf.cell(column.width, ROW_HEIGHT + 1, latin1(column.title), border="B",
                 align="R" if column.right_aligned else "L")
    pdf.ln(ROW_HEIGHT + 1)
    pdf.set_font(FONT, "", 7)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """A long debtor name is cut with '...' to its column rather than run into the next one."""
    if len(text) < width / 2 or pdf.get_string_width(text) <= width - 1:
        return text
    while text and pdf.get_string_width(text + "...") > width - 1:
        text = text[:-1]
    return text + "..."
