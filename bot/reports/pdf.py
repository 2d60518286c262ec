"""The report PDF (fpdf2, via bot.pdfdoc): title, parameters, the as-of line, a chart, then the table,
which pages with its header row repeated on every page, and the totals. Landscape A4, page numbers
in the footer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fpdf import FPDF
from fpdf.util import escape_parens

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
    """The rows drawn with `text` at computed positions rather than `cell`: fpdf2's cell lays out
    styled text (line breaking, markdown) at ~100 µs a call, 14 s for a 10,000-invoice ledger; the
    core font's width table gives the same right alignment and cut names at a fraction of that."""
    lefts = _lefts(pdf, columns)
    _header_row(pdf, columns)
    y, style = pdf.get_y(), None
    widths = _Widths(pdf)
    for row in rows:
        if y + ROW_HEIGHT > pdf.page_break_trigger:
            pdf.add_page()
            _header_row(pdf, columns)
            y, style = pdf.get_y(), None
        wanted = row.get(STYLE)
        if wanted != style:
            pdf.set_font(FONT, "B" if wanted else "", 7)
            widths = _Widths(pdf)
            style = wanted
        if wanted == "total":
            pdf.line(lefts[0], y, lefts[-1] + columns[-1].width, y)
        baseline = y + ROW_HEIGHT * 0.72
        drawn = []
        for column, left in zip(columns, lefts, strict=True):
            text = latin1(shown(column, row))
            if not text:
                continue
            room = column.width - 2 * pdf.c_margin
            width = widths(text)
            if width > room:
                text, width = widths.cut(text, room)
            x = left + column.width - pdf.c_margin - width if column.right_aligned else left + pdf.c_margin
            drawn.append((x, text))
        _texts(pdf, baseline, drawn)
        y += ROW_HEIGHT
    pdf.set_xy(pdf.l_margin, y)


def _texts(pdf: FPDF, baseline: float, drawn: list[tuple[float, str]]) -> None:
    """A row's texts as one write of the operators `FPDF.text` writes for each (`BT x y Td (text) Tj ET`),
    for black core-font text without underline, which is all a report table has: half the time of a
    `text` call per cell. fpdf2 is pinned below 3, where `_out` and `_set_font_for_page` are as used here."""
    if not pdf.current_font_is_set_on_page and pdf.current_font is not None:
        pdf._out(pdf._set_font_for_page(pdf.current_font, pdf.font_size_pt))  # noqa: SLF001
    k, top = pdf.k, (pdf.h - baseline) * pdf.k
    pdf._out(" ".join(f"BT {x * k:.2f} {top:.2f} Td ({escape_parens(text)}) Tj ET"  # noqa: SLF001
                      for x, text in drawn))


class _Widths:
    """Text widths in the current core font, in mm (what `get_string_width` computes, without its
    per-call overhead)."""

    def __init__(self, pdf: FPDF) -> None:
        # Keyed by character for core fonts (fpdf2 types it for TrueType fonts' glyph ids).
        font: Any = pdf.current_font
        self.table: dict[str, float] = font.cw
        self.scale = pdf.font_size_pt * 0.001 / pdf.k

    def __call__(self, text: str) -> float:
        table = self.table
        return sum(table[c] for c in text) * self.scale

    def cut(self, text: str, room: float) -> tuple[str, float]:
        """A long debtor name cut with '...' to its column rather than run into the next one."""
        while text and self(text + "...") > room:
            text = text[:-1]
        return text + "...", self(text + "...")


def _lefts(pdf: FPDF, columns: Sequence[Column]) -> list[float]:
    lefts, x = [], pdf.l_margin
    for column in columns:
        lefts.append(x)
        x += column.width
    return lefts


def _header_row(pdf: FPDF, columns: Sequence[Column]) -> None:
    pdf.set_font(FONT, "B", 7)
    for column in columns:
        pdf.cell(column.width, ROW_HEIGHT + 1, latin1(column.title), border="B",
                 align="R" if column.right_aligned else "L")
    pdf.ln(ROW_HEIGHT + 1)
    pdf.set_font(FONT, "", 7)
